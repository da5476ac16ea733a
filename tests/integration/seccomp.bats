#!/usr/bin/env bats
# linux.seccomp: what the container's process meets, podman's default profile, the NOTIFY agent,
# and runc's behaviour for the same profile.

load helpers
load container

# podman's default profile (Debian's golang-github-containers-common, in `make deps`)
PODMAN_PROFILE=${PODMAN_PROFILE:-/usr/share/containers/seccomp.json}

# Enough for init's last steps, busybox sh and a few applets; mkdir and mkdirat are left out.
ALLOW_LIST='read write readv writev pread64 pwrite64 lseek open openat close close_range fcntl
dup dup2 dup3 pipe pipe2 ioctl stat fstat lstat newfstatat statx statfs fstatfs access faccessat
faccessat2 readlink readlinkat getdents64 getcwd chdir fchdir execve execveat brk mmap munmap
mprotect mremap madvise arch_prctl set_tid_address set_robust_list rseq rt_sigaction
rt_sigprocmask rt_sigreturn sigaltstack kill tgkill getpid getppid gettid getuid geteuid getgid
getegid getgroups getpgrp getpgid setpgid getsid uname prctl prlimit64 getrlimit umask clone
clone3 fork vfork wait4 waitid exit exit_group sendmsg recvmsg sendto recvfrom futex nanosleep
clock_nanosleep clock_gettime gettimeofday time poll ppoll select pselect6 getrandom
sched_getaffinity sched_yield sysinfo'

setup() {
	require_engine
	ctr_bundle
	# a writable /tmp that leaves nothing in the shared rootfs
	config_edit 'c["mounts"].append({"destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "nodev"]})'
}

teardown() {
	[[ -z ${AGENT_PID:-} ]] || kill "$AGENT_PID" 2>/dev/null || true
	runc --root "$BATS_TEST_TMPDIR/runc" delete --force "$CID" >/dev/null 2>&1 || true
	ctr_cleanup
}

# seccomp_set PYTHON: linux.seccomp = the Python expression (names: `allow`, the list above).
seccomp_set() {
	config_edit "allow = '''$ALLOW_LIST'''.split(); c['linux']['seccomp'] = $1"
}

# podman_profile [BUNDLE]: linux.seccomp from podman's profile, resolved as podman does for
# the container's bounding set and this machine: an entry is kept when the caps and arches it
# includes are there and none it excludes; the native architecture brings its sub-arches.
podman_profile() {
	[[ -f $PODMAN_PROFILE ]] || skip "$PODMAN_PROFILE missing (apt-get install golang-github-containers-common)"
	/usr/bin/python3 - "$PODMAN_PROFILE" "${1:-$BUNDLE}/config.json" <<'PY'
import json, os, sys
prof = json.load(open(sys.argv[1]))
c = json.load(open(sys.argv[2]))
caps = set(c["process"].get("capabilities", {}).get("bounding", []))
machine = os.uname().machine
goarch = {"x86_64": "amd64", "aarch64": "arm64", "i686": "386"}.get(machine, machine)
native = {"x86_64": "SCMP_ARCH_X86_64", "aarch64": "SCMP_ARCH_AARCH64"}.get(machine)
kernel = tuple(int(x) for x in os.uname().release.split("-")[0].split(".")[:2])

def version(s):
    return tuple(int(x) for x in s.split(".")[:2])

def wanted(s):
    inc, exc = s.get("includes") or {}, s.get("excludes") or {}
    if not set(inc.get("caps") or []) <= caps:
        return False
    if inc.get("arches") and goarch not in inc["arches"]:
        return False
    if inc.get("minKernel") and kernel < version(inc["minKernel"]):
        return False
    return not (set(exc.get("caps") or []) & caps) and goarch not in (exc.get("arches") or [])

out = {"defaultAction": prof["defaultAction"], "syscalls": []}
if "defaultErrnoRet" in prof:
    out["defaultErrnoRet"] = prof["defaultErrnoRet"]
for m in prof.get("archMap") or []:
    if m["architecture"] == native:
        out["architectures"] = [m["architecture"]] + (m.get("subArchitectures") or [])
for s in prof["syscalls"]:
    if wanted(s):
        rule = {"names": s["names"], "action": s["action"]}
        if s.get("args"):
            rule["args"] = s["args"]
        if "errnoRet" in s:
            rule["errnoRet"] = s["errnoRet"]
        out["syscalls"].append(rule)
c["linux"]["seccomp"] = out
with open(sys.argv[2], "w") as f:
    json.dump(c, f, indent=1)
PY
}

@test "a denied syscall fails with errnoRet; Seccomp: 2 in /proc/self/status" {
	seccomp_set '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}'
	ctr_run sh -c 'grep "^Seccomp:" /proc/self/status; mkdir /tmp/x; echo "mkdir=$?"; touch /tmp/y && echo touched'
	[ "$status" -eq 0 ]
	[[ $output == *"Seccomp:	2"* ]]
	[[ $output == *"mkdir: can't create directory '/tmp/x': Operation not permitted"* ]]
	[[ $output == *"mkdir=1"* ]]
	[[ $output == *touched* ]]
}

@test "errnoRet defaults to EPERM; without linux.seccomp there is no filter" {
	seccomp_set '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}'
	ctr_run mkdir /tmp/x
	[ "$status" -eq 1 ]
	[[ $output == *"Operation not permitted"* ]]

	config_edit 'del c["linux"]["seccomp"]'
	ctr_run sh -c 'grep "^Seccomp:" /proc/self/status; mkdir /tmp/x && echo made'
	[ "$status" -eq 0 ]
	[[ $output == *"Seccomp:	0"* ]]
	[[ $output == *made* ]]
}

@test "args: SCMP_CMP_EQ on a value, SCMP_CMP_MASKED_EQ on flag bits" {
	# kill(pid, SIGUSR1) refused, kill(pid, 0) allowed; opening with O_CREAT refused
	seccomp_set '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
		{"names": ["kill"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 1, "value": 10, "op": "SCMP_CMP_EQ"}]},
		{"names": ["openat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13, "args": [{"index": 2, "value": 64, "valueTwo": 64, "op": "SCMP_CMP_MASKED_EQ"}]},
		{"names": ["open"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13, "args": [{"index": 1, "value": 64, "valueTwo": 64, "op": "SCMP_CMP_MASKED_EQ"}]}]}'
	ctr_run sh -c 'kill -USR1 $$; echo "usr1=$?"; kill -0 $$; echo "zero=$?"; echo x > /tmp/f; echo "create=$?"; read -r l < /proc/self/stat; echo "read=$?"'
	[ "$status" -eq 0 ]
	[[ $output == *"usr1=1"* ]]
	[[ $output == *"zero=0"* ]]
	[[ $output == *"create=1"* ]]
	[[ $output == *"Permission denied"* ]]
	[[ $output == *"read=0"* ]]
}

@test "SCMP_ACT_KILL by default with an allow-list: the process dies of SIGSYS (run exits 159)" {
	seccomp_set '{"defaultAction": "SCMP_ACT_KILL", "syscalls": [{"names": allow, "action": "SCMP_ACT_ALLOW"}]}'
	ctr_run sh -c 'echo before; exec mkdir /tmp/x'
	[ "$status" -eq 159 ]
	[ "$output" = before ]
}

@test "defaultErrnoRet: everything off the allow-list fails with that errno" {
	seccomp_set '{"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 18, "syscalls": [{"names": allow, "action": "SCMP_ACT_ALLOW"}]}'
	ctr_run sh -c 'echo before; mkdir /tmp/x; echo "mkdir=$?"'
	[ "$status" -eq 0 ]
	[[ $output == *before* ]]
	[[ $output == *"Invalid cross-device link"* ]]
	[[ $output == *"mkdir=1"* ]]
}

@test "an unknown syscall name is skipped (debug log) and the container runs" {
	seccomp_set '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["pflask_no_such_syscall", "mkdir"], "action": "SCMP_ACT_ERRNO"}]}'
	config_edit 'c["process"]["args"] = ["sh", "-c", "mkdir /tmp/x; echo mkdir=$?"]'
	run "$RUNTIME" --debug --root "$STATE_ROOT" run --bundle "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	[[ $output == *'unknown syscall pflask_no_such_syscall ignored'* ]]
	[[ $output == *"mkdir=1"* ]]
}

@test "flags: SECCOMP_FILTER_FLAG_LOG makes the kernel log an errno action" {
	dmesg >/dev/null 2>&1 || skip "cannot read the kernel log"
	seccomp_set '{"defaultAction": "SCMP_ACT_ALLOW", "flags": ["SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW"], "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO"}]}'
	local pattern='type=1326 .*comm="mkdir".* syscall=83 .*code=0x50000' before after i
	[[ $(uname -m) = x86_64 ]] || pattern='type=1326 .*comm="mkdir".*code=0x50000'
	# the kernel rate-limits audit lines printed without auditd: retry after a pause
	for i in 1 2 3; do
		before=$(dmesg | grep -c -E "$pattern" || true)
		ctr_run sh -c 'mkdir /tmp/x; echo mkdir=$?'
		[ "$status" -eq 0 ]
		[[ $output == *"mkdir=1"* ]]
		after=$(dmesg | grep -c -E "$pattern" || true)
		((after > before)) && return 0
		sleep 5
	done
	echo "no seccomp audit record for mkdir in the kernel log" >&2
	return 1
}

@test "NOTIFY without listenerPath, or with no agent listening, fails create and leaves nothing" {
	seccomp_set '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_NOTIFY"}]}'
	rt_detached create --bundle "$BUNDLE" "$CID"
	[ "$status" -eq 1 ]
	[[ $output == *"linux.seccomp.listenerPath: required with SCMP_ACT_NOTIFY"* ]]
	assert_no_leftovers

	seccomp_set '{"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": "'"$BATS_TEST_TMPDIR"'/none.sock", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_NOTIFY"}]}'
	rt_detached create --bundle "$BUNDLE" "$CID"
	[ "$status" -eq 1 ]
	[[ $output == *"seccomp listener: connect to $BATS_TEST_TMPDIR/none.sock: No such file or directory"* ]]
	assert_no_leftovers
}

@test "podman's default profile: normal commands work, what it refuses fails with EPERM" {
	podman_profile
	# the profile is resolved for the default capabilities; CAP_SYS_CHROOT granted afterwards
	# lets chroot through the capability check, so only seccomp can refuse it
	config_edit 'caps = c["process"]["capabilities"]
for k in ("bounding", "effective", "permitted"): caps[k].append("CAP_SYS_CHROOT")'
	ctr_run sh -c 'grep "^Seccomp:" /proc/self/status; ls / >/dev/null && echo ls-ok; mkdir /tmp/d && echo mkdir-ok; chroot / true; echo "chroot=$?"'
	[ "$status" -eq 0 ]
	[[ $output == *"Seccomp:	2"* ]]
	[[ $output == *ls-ok* ]]
	[[ $output == *mkdir-ok* ]]
	[[ $output == *"chroot: can't change root directory to '/': Operation not permitted"* ]]
	[[ $output == *"chroot=1"* ]]

	# the same container without the profile: chroot succeeds
	config_edit 'del c["linux"]["seccomp"]'
	ctr_run sh -c 'chroot / true; echo "chroot=$?"'
	[ "$status" -eq 0 ]
	[ "$output" = "chroot=0" ]
}

@test "podman's default profile with noNewPrivileges false and a non-root user" {
	podman_profile
	config_edit 'c["process"]["noNewPrivileges"] = False; c["process"]["user"] = {"uid": 1000, "gid": 1000}'
	ctr_run sh -c 'id -u; grep -E "^(Seccomp|NoNewPrivs):" /proc/self/status'
	[ "$status" -eq 0 ]
	[[ $output == *1000* ]]
	[[ $output == *"Seccomp:	2"* ]]
	[[ $output == *"NoNewPrivs:	0"* ]]
}

@test "podman's default profile behaves as under runc" {
	require_cmd runc
	podman_profile
	# runc refuses a symlinked rootfs: give both a real copy
	rm "$BUNDLE/rootfs"
	cp -a "$ROOTFS" "$BUNDLE/rootfs"
	config_edit 'c["process"]["args"] = ["sh", "-c", "exec 2>&1; grep ^Seccomp: /proc/self/status; mkdir /tmp/d; echo mkdir=$?; chroot / true; echo chroot=$?; hostname x; echo hostname=$?; linux32 true; echo linux32=$?; unshare -m true; echo unshare=$?; swapoff /x; echo swapoff=$?; kill -0 $$; echo kill=$?"]'
	local st=0
	runc --root "$BATS_TEST_TMPDIR/runc" run --bundle "$BUNDLE" "$CID" >"$BATS_TEST_TMPDIR/runc.out" 2>&1 || st=$?
	echo "status $st" >>"$BATS_TEST_TMPDIR/runc.out"
	st=0
	rt run --bundle "$BUNDLE" "$CID" >"$BATS_TEST_TMPDIR/pflask.out" 2>&1 || st=$?
	echo "status $st" >>"$BATS_TEST_TMPDIR/pflask.out"
	diff -u "$BATS_TEST_TMPDIR/runc.out" "$BATS_TEST_TMPDIR/pflask.out"
	grep -q "Seccomp:	2" "$BATS_TEST_TMPDIR/pflask.out"
}

@test "an allow-list profile with one arg index tested twice behaves as under runc" {
	require_cmd runc
	rm "$BUNDLE/rootfs"
	cp -a "$ROOTFS" "$BUNDLE/rootfs"
	# kill is taken off the allow-list: an unconditional rule for a syscall would outweigh
	# its conditional ones (libseccomp, so runc alike)
	seccomp_set '{"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 38, "syscalls": [{"names": [n for n in allow if n != "kill"], "action": "SCMP_ACT_ALLOW"}, {"names": ["kill"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 1, "value": 0, "op": "SCMP_CMP_EQ"}]}, {"names": ["kill"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1, "args": [{"index": 1, "value": 10, "op": "SCMP_CMP_EQ"}, {"index": 1, "value": 12, "op": "SCMP_CMP_EQ"}]}]}'
	config_edit 'c["process"]["args"] = ["sh", "-c", "exec 2>&1; mkdir /tmp/d; echo mkdir=$?; kill -USR1 $$; echo usr1=$?; kill -USR2 $$; echo usr2=$?; kill -0 $$; echo zero=$?"]'
	local st=0
	runc --root "$BATS_TEST_TMPDIR/runc" run --bundle "$BUNDLE" "$CID" >"$BATS_TEST_TMPDIR/runc.out" 2>&1 || st=$?
	echo "status $st" >>"$BATS_TEST_TMPDIR/runc.out"
	st=0
	rt run --bundle "$BUNDLE" "$CID" >"$BATS_TEST_TMPDIR/pflask.out" 2>&1 || st=$?
	echo "status $st" >>"$BATS_TEST_TMPDIR/pflask.out"
	diff -u "$BATS_TEST_TMPDIR/runc.out" "$BATS_TEST_TMPDIR/pflask.out"
	grep -q "usr1=1" "$BATS_TEST_TMPDIR/pflask.out"
	grep -q "usr2=1" "$BATS_TEST_TMPDIR/pflask.out"
	grep -q "zero=0" "$BATS_TEST_TMPDIR/pflask.out"
}

# start_agent [N]: the agent accepts N connections (default 1), each with an fd and a container
# process state; on the last fd it answers the first notification with a faked success (the
# syscall is not run) and records that connection's message (and every pid, "pids").
start_agent() {
	cat >"$BATS_TEST_TMPDIR/agent.py" <<'PY'
import fcntl, json, os, socket, struct, sys
path, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(path)
srv.listen(n)
open(path + ".ready", "w").close()
kept, pids = [], []
for _ in range(n):
    conn, _ = srv.accept()
    data, fds, _, _ = socket.recv_fds(conn, 1 << 20, 4)
    while True:
        more = conn.recv(1 << 16)
        if not more:
            break
        data += more
    kept.append(fds)
    pids.append(json.loads(data)["pid"])
# struct seccomp_notif (80 bytes) and seccomp_notif_resp (24 bytes); _IOWR('!', 0 / 1, ...)
NOTIF_RECV, NOTIF_SEND = 0xC0502100, 0xC0182101
notif = bytearray(80)
fcntl.ioctl(fds[0], NOTIF_RECV, notif, True)
nid, pid, _, nr = struct.unpack_from("=QIIi", notif)
fcntl.ioctl(fds[0], NOTIF_SEND, struct.pack("=QqiI", nid, 0, 0, 0))
with open(out, "w") as f:
    json.dump({"msg": json.loads(data), "nfds": len(fds), "nr": nr, "pid": pid, "pids": pids}, f)
PY
	rm -f "$BATS_TEST_TMPDIR/agent.sock" "$BATS_TEST_TMPDIR/agent.sock.ready"
	timeout 60 /usr/bin/python3 "$BATS_TEST_TMPDIR/agent.py" "$BATS_TEST_TMPDIR/agent.sock" \
		"$BATS_TEST_TMPDIR/agent.json" "${1:-1}" 3>&- &
	AGENT_PID=$!
	local i
	for i in $(seq 100); do
		[[ -e $BATS_TEST_TMPDIR/agent.sock.ready ]] && return 0
		sleep 0.1
	done
	echo "agent did not start" >&2
	return 1
}

@test "SCMP_ACT_NOTIFY: the agent gets the fd and the container process state, and answers" {
	python3_recv_fds=$(/usr/bin/python3 -c 'import socket; print(hasattr(socket, "recv_fds"))')
	[[ $python3_recv_fds = True ]] || skip "python3 lacks socket.recv_fds"
	start_agent
	seccomp_set '{"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": "'"$BATS_TEST_TMPDIR"'/agent.sock", "listenerMetadata": "meta \"1\"", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_NOTIFY"}]}'
	ctr_run sh -c 'mkdir /tmp/n; echo "mkdir=$?"; test -d /tmp/n && echo exists || echo absent'
	[ "$status" -eq 0 ]
	# the agent said "done" without running the syscall
	[[ $output == *"mkdir=0"* ]]
	[[ $output == *absent* ]]
	wait "$AGENT_PID"
	AGENT_PID=
	local j=$BATS_TEST_TMPDIR/agent.json
	[ "$(json_get "$j" 'c["nfds"]')" = 1 ]
	[ "$(json_get "$j" 'c["msg"]["fds"]')" = '["seccompFd"]' ]
	[ "$(json_get "$j" 'c["msg"]["metadata"]')" = '"meta \"1\""' ]
	[ "$(json_get "$j" 'c["msg"]["ociVersion"]')" = '"1.3.0"' ]
	[ "$(json_get "$j" 'c["msg"]["state"]["id"]')" = "\"$CID\"" ]
	[ "$(json_get "$j" 'c["msg"]["state"]["status"]')" = '"creating"' ]
	[ "$(json_get "$j" 'c["msg"]["pid"] == c["msg"]["state"]["pid"] > 0')" = true ]
	[ "$(json_get "$j" 'c["msg"]["state"]["bundle"]')" = "\"$BUNDLE\"" ]
	if [[ $(uname -m) = x86_64 ]]; then
		[ "$(json_get "$j" 'c["nr"]')" = 83 ]
	fi
}

@test "SCMP_ACT_NOTIFY with exec: the exec'd process's own listener reaches the agent too" {
	python3_recv_fds=$(/usr/bin/python3 -c 'import socket; print(hasattr(socket, "recv_fds"))')
	[[ $python3_recv_fds = True ]] || skip "python3 lacks socket.recv_fds"
	start_agent 2
	seccomp_set '{"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": "'"$BATS_TEST_TMPDIR"'/agent.sock", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_NOTIFY"}]}'
	config_edit 'c["process"]["args"] = ["sleep", "100"]'
	rt_detached run -d --bundle "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	run rt exec "$CID" sh -c 'mkdir /tmp/e; echo "mkdir=$?"; test -d /tmp/e && echo exists || echo absent'
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *"mkdir=0"* ]]
	[[ $output == *absent* ]]
	wait "$AGENT_PID"
	AGENT_PID=
	local j=$BATS_TEST_TMPDIR/agent.json init
	init=$(state_field "$CID" pid)
	# the first connection was init's, the second the exec'd process's, which asked
	[ "$(json_get "$j" 'c["pids"][0]')" = "$init" ]
	[ "$(json_get "$j" 'c["msg"]["pid"] != c["msg"]["state"]["pid"]')" = true ]
	[ "$(json_get "$j" 'c["msg"]["state"]["pid"]')" = "$init" ]
	[ "$(json_get "$j" 'c["msg"]["state"]["status"]')" = '"running"' ]
	[ "$(json_get "$j" 'c["msg"]["fds"]')" = '["seccompFd"]' ]
}
