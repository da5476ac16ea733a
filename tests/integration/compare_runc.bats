#!/usr/bin/env bats
# The same bundle under runc (Debian's package) and pflask-runtime: what the process sees
# must be the same.

load helpers
load container

setup() {
	require_engine
	require_cmd runc
	make_bundle cmp || return 1
	# runc refuses a symlinked rootfs: give both a real copy
	rm "$BUNDLE/rootfs"
	cp -a "$ROOTFS" "$BUNDLE/rootfs"
	config_edit 'c["process"]["terminal"] = False'
}

teardown() {
	runc --root "$BATS_TEST_TMPDIR/runc" delete --force "$CID" >/dev/null 2>&1 || true
	ctr_cleanup
}

# compare PROBE: run sh -c PROBE under both runtimes; outputs must be equal.
compare() {
	config_edit "c['process']['args'] = ['sh', '-c', '''$1''']"
	local st=0
	runc --root "$BATS_TEST_TMPDIR/runc" run --bundle "$BUNDLE" "$CID" > "$BATS_TEST_TMPDIR/runc.out" 2>&1 || st=$?
	echo "status $st" >> "$BATS_TEST_TMPDIR/runc.out"
	st=0
	rt run --bundle "$BUNDLE" "$CID" > "$BATS_TEST_TMPDIR/pflask.out" 2>&1 || st=$?
	echo "status $st" >> "$BATS_TEST_TMPDIR/pflask.out"
	diff -u "$BATS_TEST_TMPDIR/runc.out" "$BATS_TEST_TMPDIR/pflask.out"
}

@test "identity, hostname and capabilities match runc" {
	compare 'id; hostname; grep -E "^(Cap|NoNewPrivs|Seccomp:)" /proc/self/status | grep -v Seccomp'
}

@test "the mount table matches runc" {
	compare 'grep -E " (/|/proc|/dev|/dev/pts|/dev/shm|/dev/mqueue|/sys|/sys/fs/cgroup) " /proc/self/mounts | sed "s/^[^ ]* //" | cut -d" " -f1-3'
}

@test "/dev matches runc" {
	compare 'ls -l /dev | grep -v core | sed "s/  */ /g" | cut -d" " -f1,5-6,10-'
}

@test "masked and read-only paths behave as under runc" {
	compare 'for p in /proc/kcore /proc/keys /proc/timer_list /sys/firmware; do ls -ld $p 2>&1 | cut -c1-10; done; (echo 1 > /proc/sys/kernel/panic) 2>/dev/null; echo $?; (echo 1 > /proc/sysrq-trigger) 2>/dev/null; echo $?'
}

@test "rlimits and the working directory match runc" {
	compare 'ulimit -n; ulimit -Hn; pwd; umask'
}

@test "exit status of a failing command matches runc" {
	compare 'exit 42'
}
