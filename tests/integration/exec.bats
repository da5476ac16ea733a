#!/usr/bin/env bats
# exec: a new process inside a running container.

load helpers
load container

setup() {
	require_engine
	ctr_bundle sleep 1000
	rt run -d --bundle "$BUNDLE" "$CID" </dev/null >/dev/null
}

teardown() {
	ctr_cleanup
}

@test "exec runs in the container's namespaces and returns the exit status" {
	run rt exec "$CID" sh -c 'echo $$; hostname; ls /proc | grep -c "^[0-9]"; exit 4'
	[ "$status" -eq 4 ]
	[ "${lines[0]}" -gt 1 ]
	[ "${lines[1]}" = pflask ]
	# sleep, sh, ls, grep
	[ "${lines[2]}" -eq 4 ]
}

@test "exec joins the container's cgroup" {
	run rt exec "$CID" cat /proc/self/cgroup
	[ "$status" -eq 0 ]
	local pid mine
	pid=$(state_field "$CID" pid)
	[ "$(grep memory: /proc/$pid/cgroup)" = "$(echo "$output" | grep memory:)" ] ||
		[[ $(echo "$output" | grep memory:) == *":/" ]]
}

@test "exec --env, --cwd, --user override the config's process" {
	run rt exec -e FOO=bar --env PATH=/bin:/usr/bin --cwd /tmp -u 1000:1000 "$CID" sh -c 'echo $FOO; echo $PATH; pwd; id -u; id -g'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = bar ]
	[ "${lines[1]}" = /bin:/usr/bin ]
	[ "${lines[2]}" = /tmp ]
	[ "${lines[3]}" = 1000 ]
	[ "${lines[4]}" = 1000 ]
}

@test "exec --cap adds to bounding, effective and permitted, never inheritable or ambient" {
	run rt exec --cap CAP_SYS_ADMIN "$CID" grep ^Cap /proc/self/status
	[ "$status" -eq 0 ]
	[[ $output == *"CapInh:	0000000000000000"* ]]
	[[ $output == *"CapAmb:	0000000000000000"* ]]
	[[ $output == *"CapEff:	0000000020200420"* ]]
	[[ $output == *"CapBnd:	0000000020200420"* ]]
}

@test "exec --process FILE runs the process JSON" {
	cat > "$BATS_TEST_TMPDIR/p.json" <<-EOF
	{"args": ["sh", "-c", "echo from-json \$X"], "env": ["X=1", "PATH=/bin"], "cwd": "/"}
	EOF
	run rt exec --process "$BATS_TEST_TMPDIR/p.json" "$CID"
	[ "$status" -eq 0 ]
	[ "$output" = "from-json 1" ]
}

@test "exec -d returns at once and the process runs; --pid-file names it" {
	run rt exec -d --pid-file "$BATS_TEST_TMPDIR/pid" "$CID" sleep 30
	[ "$status" -eq 0 ]
	kill -0 "$(cat "$BATS_TEST_TMPDIR/pid")"
}

@test "exec -t gives the process a terminal" {
	require_cmd script
	run script -qec "'$RUNTIME' --root '$STATE_ROOT' exec -t '$CID' sh -c 'tty; exit 3'" /dev/null
	[ "$status" -eq 3 ]
	[[ $output == *"/dev/pts/"* ]]
}

@test "exec of a missing command, of a stopped container, of an unknown one: one line each" {
	run rt exec "$CID" nosuchcmd
	[ "$status" -eq 1 ]
	[[ $output == "pflask-runtime: exec $CID: "*'"nosuchcmd": executable file not found'* ]]
	rt kill "$CID" KILL
	for _ in $(seq 50); do [ "$(state_field "$CID" status)" = stopped ] && break; sleep 0.1; done
	run rt exec "$CID" true
	[ "$status" -eq 1 ]
	[[ $output == *"container not running"* ]]
	run rt exec nosuch-$$ true
	[ "$status" -eq 1 ]
	[[ $output == *"container nosuch-$$ does not exist"* ]]
}

@test "exec into a container with a user namespace" {
	rt delete --force "$CID"
	config_edit 'c["linux"]["namespaces"].append({"type": "user"}); c["linux"]["uidMappings"] = [{"containerID": 0, "hostID": 100000, "size": 65536}]; c["linux"]["gidMappings"] = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
	rt run -d --bundle "$BUNDLE" "$CID" </dev/null >/dev/null
	run rt exec "$CID" sh -c 'id -u; cat /proc/self/uid_map'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 0 ]
	[[ ${lines[1]} =~ ^\ +0\ +100000\ +65536$ ]]
}

@test "exec'd processes get the container's seccomp filter" {
	rt delete --force "$CID"
	config_edit 'c["linux"]["seccomp"] = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}'
	rt run -d --bundle "$BUNDLE" "$CID" </dev/null >/dev/null
	run rt exec "$CID" sh -c 'grep Seccomp: /proc/self/status; mkdir /dev/shm/x 2>/dev/null || echo refused'
	[ "$status" -eq 0 ]
	[[ ${lines[0]} == *"Seccomp:	2"* ]]
	[ "${lines[1]}" = refused ]
}
