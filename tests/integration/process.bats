#!/usr/bin/env bats
# config.json "process": seen from inside the container.

load helpers
load container

setup() {
	require_engine
	ctr_bundle
}

teardown() {
	ctr_cleanup
}

@test "args are looked up on the container's PATH; env is exactly process.env" {
	config_edit 'c["process"]["env"] = ["PATH=/bin:/usr/bin", "FOO=bar baz"]'
	ctr_run env
	[ "$status" -eq 0 ]
	[[ $output == *"FOO=bar baz"* ]]
	[[ $output == *"PATH=/bin:/usr/bin"* ]]
	[ "$(echo "$output" | grep -c '=')" -le 4 ]
}

@test "a missing executable fails create with runc's message" {
	ctr_run nosuchcmd
	[ "$status" -eq 1 ]
	[[ $output == *'exec "nosuchcmd": executable file not found in $PATH'* ]]
}

@test "cwd is entered (and created when missing)" {
	config_edit 'c["root"]["readonly"] = False; c["process"]["cwd"] = "/tmp/new/dir"'
	ctr_run pwd
	[ "$status" -eq 0 ]
	[ "$output" = /tmp/new/dir ]
	rmdir "$ROOTFS/tmp/new/dir" "$ROOTFS/tmp/new" 2>/dev/null || true
}

@test "user uid, gid, additionalGids and umask" {
	config_edit 'c["process"]["user"] = {"uid": 1000, "gid": 1000, "additionalGids": [10, 20], "umask": 63}'
	ctr_run sh -c 'id; umask'
	[ "$status" -eq 0 ]
	[[ ${lines[0]} == "uid=1000(user) gid=1000(user) groups=10,20"* ]] || [[ ${lines[0]} == "uid=1000(user) gid=1000(user) groups="*"10"*"20"* ]]
	[ "${lines[1]}" = 0077 ]
}

@test "capabilities: the five sets as configured" {
	config_edit 'c["process"]["capabilities"] = {"bounding": ["CAP_KILL", "CAP_CHOWN"], "effective": ["CAP_KILL"], "permitted": ["CAP_KILL"], "inheritable": [], "ambient": []}'
	ctr_run grep ^Cap /proc/self/status
	[ "$status" -eq 0 ]
	[[ $output == *"CapInh:	0000000000000000"* ]]
	[[ $output == *"CapPrm:	0000000000000020"* ]]
	[[ $output == *"CapEff:	0000000000000020"* ]]
	[[ $output == *"CapBnd:	0000000000000021"* ]]
	[[ $output == *"CapAmb:	0000000000000000"* ]]
}

@test "rlimits are applied" {
	config_edit 'c["process"]["rlimits"] = [{"type": "RLIMIT_NOFILE", "soft": 512, "hard": 768}]'
	ctr_run sh -c 'ulimit -n; ulimit -Hn'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 512 ]
	[ "${lines[1]}" = 768 ]
}

@test "noNewPrivileges sets NoNewPrivs" {
	config_edit 'c["process"]["noNewPrivileges"] = True'
	ctr_run grep NoNewPrivs /proc/self/status
	[[ $output == *"NoNewPrivs:	1"* ]]
	config_edit 'c["process"]["noNewPrivileges"] = False'
	ctr_run grep NoNewPrivs /proc/self/status
	[[ $output == *"NoNewPrivs:	0"* ]]
}

@test "oomScoreAdj is applied" {
	config_edit 'c["process"]["oomScoreAdj"] = 500'
	ctr_run cat /proc/self/oom_score_adj
	[ "$output" = 500 ]
}

@test "personality LINUX32 makes uname -m report 32-bit" {
	[[ $(uname -m) == x86_64 ]] || skip "needs x86_64"
	config_edit 'c["linux"]["personality"] = {"domain": "LINUX32"}'
	ctr_run uname -m
	[ "$status" -eq 0 ]
	[[ $output == i?86 ]]
}

@test "the container gets fds 0, 1, 2 only; --preserve-fds adds more" {
	ctr_run ls /proc/self/fd
	[ "$status" -eq 0 ]
	# ls itself opens one directory fd (3)
	[ "$(echo $output)" = "0 1 2 3" ]
	config_edit "c['process']['args'] = ['ls', '/proc/self/fd']"
	run bash -c "exec 3</dev/null 4</dev/null; '$RUNTIME' --root '$STATE_ROOT' run --preserve-fds 2 --bundle '$BUNDLE' '$CID'"
	[ "$(echo $output)" = "0 1 2 3 4 5" ]
}
