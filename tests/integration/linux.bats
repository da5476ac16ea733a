#!/usr/bin/env bats
# config.json "linux", "hostname", "mounts", "root": seen from inside the container and from the host.

load helpers
load container

setup() {
	require_engine
	ctr_bundle
}

teardown() {
	ctr_cleanup
}

@test "pid namespace: the process is pid 1 and sees only its own processes" {
	ctr_run sh -c 'echo $$; ls /proc | grep -c "^[0-9]"'
	[ "${lines[0]}" = 1 ]
	# sh, ls and grep
	[ "${lines[1]}" -eq 3 ]
}

@test "hostname and domainname in a uts namespace" {
	config_edit 'c["hostname"] = "box"; c["domainname"] = "example.org"'
	ctr_run sh -c 'hostname; cat /proc/sys/kernel/domainname'
	[ "${lines[0]}" = box ]
	[ "${lines[1]}" = example.org ]
	[ "$(hostname)" != box ]
}

@test "network namespace: only lo, down" {
	ctr_run cat /proc/net/dev
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | tail -n +3 | wc -l)" -eq 1 ]
	[[ ${lines[2]} == *lo:* ]]
}

@test "joining a network namespace by path" {
	ip netns add "pft$$"
	config_edit "c['linux']['namespaces'] = [n for n in c['linux']['namespaces'] if n['type'] != 'network'] + [{'type': 'network', 'path': '/run/netns/pft$$'}]"
	ip netns exec "pft$$" ip link set lo up
	ctr_run cat /sys/class/net/lo/operstate
	ip netns del "pft$$"
	[ "$status" -eq 0 ]
	[ "$output" = unknown ]
}

@test "a namespace path of the wrong type is refused" {
	config_edit "c['linux']['namespaces'] = [n for n in c['linux']['namespaces'] if n['type'] != 'ipc'] + [{'type': 'ipc', 'path': '/proc/self/ns/net'}]"
	ctr_run true
	[ "$status" -eq 1 ]
	[[ $output == *"/proc/self/ns/net is not a namespace of type ipc"* ]]
	assert_no_leftovers
}

@test "user namespace with uid and gid mappings" {
	config_edit 'c["linux"]["namespaces"].append({"type": "user"}); c["linux"]["uidMappings"] = [{"containerID": 0, "hostID": 100000, "size": 65536}]; c["linux"]["gidMappings"] = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
	ctr_run sh -c 'cat /proc/self/uid_map /proc/self/gid_map; id -u'
	[ "$status" -eq 0 ]
	[[ ${lines[0]} =~ ^\ +0\ +100000\ +65536$ ]]
	[[ ${lines[1]} =~ ^\ +0\ +100000\ +65536$ ]]
	[ "${lines[2]}" = 0 ]
}

@test "the default mounts: proc, sysfs read-only, /dev tmpfs with the default devices" {
	ctr_run sh -c 'grep -E " /proc | /sys | /dev " /proc/self/mounts; ls -l /dev/null /dev/zero /dev/full /dev/random /dev/urandom /dev/tty; readlink /dev/fd; readlink /dev/stdin; readlink /dev/ptmx'
	[ "$status" -eq 0 ]
	[[ $output == *"proc /proc proc"* ]]
	[[ $output == *"sysfs /sys sysfs ro"* ]]
	[[ $output == *"tmpfs /dev tmpfs"* ]]
	[[ $output == *"crw-rw-rw-"*"1,"*"3"*"/dev/null"* ]]
	[[ $output == *"/proc/self/fd"* ]]
	[[ $output == *"pts/ptmx"* ]]
}

@test "masked paths are unreadable, read-only paths read-only" {
	ctr_run sh -c 'cat /proc/keys | wc -c; ls /sys/firmware | wc -l; (echo 1 > /proc/sys/kernel/panic) 2>/dev/null && echo wrote || echo refused'
	[ "${lines[0]}" = 0 ]
	[ "${lines[1]}" = 0 ]
	[ "${lines[2]}" = refused ]
}

@test "root.readonly makes / read-only; a tmpfs mount stays writable" {
	config_edit 'c["mounts"].append({"destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["mode=1777"]})'
	ctr_run sh -c '(touch /x) 2>/dev/null && echo rw || echo ro; touch /tmp/x && echo tmp-rw'
	[ "${lines[0]}" = ro ]
	[ "${lines[1]}" = tmp-rw ]
}

@test "a bind mount from the bundle, read-only" {
	mkdir -p "$BUNDLE/data"
	echo hello > "$BUNDLE/data/f"
	config_edit 'c["mounts"].append({"destination": "/data", "source": "data", "options": ["bind", "ro"]})'
	ctr_run sh -c 'cat /data/f; (echo x > /data/f) 2>/dev/null && echo rw || echo ro'
	[ "${lines[0]}" = hello ]
	[ "${lines[1]}" = ro ]
	[ "$(cat "$BUNDLE/data/f")" = hello ]
}

@test "a mount destination through a symlink out of the rootfs stays inside" {
	local root=$BATS_TEST_TMPDIR/rootfs-copy outside=$BATS_TEST_TMPDIR/outside
	cp -a "$ROOTFS" "$root"
	mkdir -p "$outside"
	ln -s "$outside" "$root/escape"
	rm "$BUNDLE/rootfs"
	ln -s "$root" "$BUNDLE/rootfs"
	config_edit 'c["mounts"].append({"destination": "/escape/x", "type": "tmpfs", "source": "tmpfs"})'
	ctr_run true
	[ ! -e "$outside/x" ]
	refute_grep "$outside" /proc/self/mountinfo
}

@test "sysctl: namespaced keys are set, host-wide ones refused" {
	config_edit 'c["linux"]["sysctl"] = {"kernel.shmmni": "1234", "net.ipv4.ip_forward": "1"}'
	ctr_run sh -c 'cat /proc/sys/kernel/shmmni /proc/sys/net/ipv4/ip_forward'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 1234 ]
	[ "${lines[1]}" = 1 ]
	config_edit 'c["linux"]["sysctl"] = {"kernel.panic": "1"}'
	ctr_run true
	[ "$status" -eq 1 ]
	[[ $output == *'linux.sysctl: "kernel.panic" is not namespaced'* ]]
}

@test "the container is in its cgroup in every hierarchy, and it is removed at delete" {
	config_edit 'c["linux"]["cgroupsPath"] = "/pflask-test/'"$CID"'"'
	ctr_run cat /proc/self/cgroup
	[ "$status" -eq 0 ]
	[[ $output == *"memory:/"* ]]
	[ -z "$(find /sys/fs/cgroup -maxdepth 3 -name "$CID" 2>/dev/null || true)" ]
}

@test "no mount of the container is visible on the host" {
	local before after
	before=$(wc -l < /proc/self/mountinfo)
	config_edit 'c["process"]["args"] = ["sleep", "100"]'
	rt run -d --bundle "$BUNDLE" "$CID" </dev/null >/dev/null
	after=$(wc -l < /proc/self/mountinfo)
	[ "$before" -eq "$after" ]
}

@test "time namespace offsets shift the monotonic and boot clocks" {
	[[ -e /proc/self/ns/time ]] || skip "kernel without time namespaces"
	config_edit 'c["linux"]["namespaces"].append({"type": "time"}); c["linux"]["timeOffsets"] = {"boottime": {"secs": 86400, "nanosecs": 0}, "monotonic": {"secs": 172800, "nanosecs": 0}}'
	ctr_run cut -d. -f1 /proc/uptime
	[ "$status" -eq 0 ]
	local host
	host=$(cut -d. -f1 /proc/uptime)
	[ "$output" -ge $((host + 86400 - 5)) ]
	[ "$output" -le $((host + 86400 + 5)) ]
}

@test "--no-pivot runs the container with chroot" {
	config_edit 'c["process"]["args"] = ["sh", "-c", "ls /; echo done"]'
	run rt run --no-pivot --bundle "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	[[ $output == *bin*done* ]]
}

@test "linux.devices are created with type, numbers, mode and owner" {
	config_edit 'c["linux"]["devices"] = [{"path": "/dev/fuse", "type": "c", "major": 10, "minor": 229, "fileMode": 432, "uid": 1000, "gid": 1000}, {"path": "/dev/sub/loop9", "type": "b", "major": 7, "minor": 9}]'
	ctr_run sh -c 'ls -ln /dev/fuse /dev/sub/loop9'
	[ "$status" -eq 0 ]
	[[ ${lines[0]} == "crw-rw----"*" 1000 "*" 1000 "*"10,"*"229"*"/dev/fuse" ]]
	[[ ${lines[1]} == "brw-"*"7,"*"9"*"/dev/sub/loop9" ]]
}

@test "annotations are kept in the state" {
	config_edit 'c["annotations"] = {"org.example.key": "value"}; c["process"]["args"] = ["sleep", "100"]'
	rt create --bundle "$BUNDLE" "$CID" </dev/null >/dev/null
	rt state "$CID" | /usr/bin/python3 -c 'import json,sys; assert json.load(sys.stdin)["annotations"] == {"org.example.key": "value"}'
}

@test "the parked init holds no directory of the host and is not dumpable" {
	config_edit 'c["process"]["args"] = ["sleep", "100"]'
	rt create --bundle "$BUNDLE" "$CID" </dev/null >/dev/null
	local pid
	pid=$(state_field "$CID" pid)
	# /proc/PID of a non-dumpable process belongs to root, not to the process's own uid
	[ "$(stat -c %U "/proc/$pid/fd" 2>/dev/null || echo root)" = root ]
	local fd
	for fd in /proc/$pid/fd/*; do
		[ ! -d "$fd" ] || { ls -l "$fd"; return 1; }
	done
	# not dumpable: its /proc files belong to root whoever it runs as, and ptrace is refused
	[ "$(stat -c %u "/proc/$pid/status")" = 0 ]
}
