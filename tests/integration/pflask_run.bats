#!/usr/bin/env bats
# pflask running containers: stdio, exit status and signals, the runtime's view of its
# containers, no --chroot, --ephemeral (also after a SIGKILL, and with a user namespace),
# --detach and --attach, and nothing left on the host afterwards.
#
# pflask has no --root: its containers live in the runtime's default state root, as the ones of
# every other pflask on this host. The tests only touch the IDs they made.

load helpers

PF_STATE=/run/pflask

setup() {
	require_root
	[[ -x $PFLASK ]] || skip "no $PFLASK"
	"$PFLASK" --help >/dev/null 2>&1 || skip "this build of pflask cannot run containers yet"
	[[ -d $ROOTFS ]] || skip "no $ROOTFS (make rootfs)"
	NAME=pfr-${BATS_TEST_NUMBER}-$$
	BG_PIDS=()
	EXTRA_IDS=()
}

teardown() {
	local p id
	for p in "${BG_PIDS[@]}"; do
		kill -KILL "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	for id in "$NAME" "${EXTRA_IDS[@]}"; do
		"$RUNTIME" delete --force "$id" >/dev/null 2>&1 || true
	done
	[[ -z ${COPY_DIR:-} ]] || rm -rf --one-file-system "$COPY_DIR"
}

# bg_pflask ARGS...: pflask in the background (stdin /dev/null, output in $BATS_TEST_TMPDIR/bg.out,
# bats's fd 3 closed), its pid in BG_PID.
bg_pflask() {
	"$PFLASK" "$@" </dev/null >"$BATS_TEST_TMPDIR/bg.out" 2>&1 3>&- &
	BG_PID=$!
	BG_PIDS+=("$BG_PID")
}

# wait_for SECONDS CMD...: until CMD succeeds.
wait_for() {
	local limit=$(($1 * 10))
	shift
	for _ in $(seq "$limit"); do
		"$@" && return 0
		sleep 0.1
	done
	"$@"
}

is_running() {
	[[ $("$RUNTIME" list 2>/dev/null | awk -v id="$1" '$1 == id { print $3 }') == running ]]
}

listed() {
	"$RUNTIME" list -q | grep -qx "$1"
}

gone() {
	! kill -0 "$1" 2>/dev/null || [[ $(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1) == Z ]]
}

# mounts_of ID: the mountinfo files (of any process) naming ID, e.g. in an overlay's upperdir.
mounts_of() {
	grep -lsF -- "$1" /proc/[0-9]*/mountinfo || true
}

no_mounts_of() {
	[[ -z $(mounts_of "$1") ]]
}

# assert_nothing_left ID: no state, owner directory, cgroup, mount or listing of ID, and no
# overlay of an ephemeral pflask in any mount namespace.
assert_nothing_left() {
	local id=$1 dirs mounts
	[[ ! -e $PF_STATE/$id ]] || { echo "state dir $PF_STATE/$id left" >&2; return 1; }
	[[ ! -e $PF_STATE/.pflask-$id ]] || { echo "owner dir $PF_STATE/.pflask-$id left" >&2; return 1; }
	! ls -a "$PF_STATE" 2>/dev/null | grep -q "~$id\$" || { echo "half claim of $id left" >&2; return 1; }
	dirs=$(find /sys/fs/cgroup -maxdepth 4 -type d -name "$id" 2>/dev/null || true)
	[[ -z $dirs ]] || { echo "cgroups left: $dirs" >&2; return 1; }
	mounts=$(mounts_of "$id")
	[[ -z $mounts ]] || { echo "mounts of $id left in: $mounts" >&2; return 1; }
	! listed "$id" || { echo "$id still listed" >&2; return 1; }
}

# rootfs_copy [OWNER]: a private copy of the busybox rootfs in ROOTFS_COPY (chown'ed to OWNER),
# where a user namespace's root can reach it (bats's own temporary directory is 0700).
rootfs_copy() {
	COPY_DIR=$(mktemp -d /tmp/pflask-test.XXXXXX)
	chmod 0755 "$COPY_DIR"
	ROOTFS_COPY=$COPY_DIR/rootfs
	cp -a "$ROOTFS" "$ROOTFS_COPY"
	[[ -z ${1:-} ]] || chown -R "$1" "$ROOTFS_COPY"
}

# tree_digest DIR: names, modes, owners, sizes and times of everything under DIR.
tree_digest() {
	(cd "$1" && find . -printf '%p %m %U:%G %s %T@\n' | sort | md5sum)
}

# pty_drive STEPS CMD...: runs CMD on a new pty; STEPS is a Python list of (bytes to type,
# bytes to wait for or None). The output is in $output and the exit status in $status.
pty_drive() {
	local steps=$1
	shift
	run /usr/bin/python3 - "$steps" "$@" <<'PY'
import os, pty, select, sys, time
steps = eval(sys.argv[1])
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[2], sys.argv[2:])
buf = b""
def read_until(pat, limit=15):
    global buf
    end = time.time() + limit
    while pat not in buf:
        r, _, _ = select.select([fd], [], [], max(0, end - time.time()))
        if not r:
            return False
        try:
            d = os.read(fd, 4096)
        except OSError:
            return False
        if not d:
            return False
        buf += d
    return True
for send, expect in steps:
    if send:
        os.write(fd, send)
    if expect is not None and not read_until(expect):
        print("did not see %r in %r" % (expect, buf))
        os.kill(pid, 9)
        sys.exit(99)
end, done = time.time() + 15, 0
while not done and time.time() < end:
    r, _, _ = select.select([fd], [], [], 0.1)
    if r:
        try:
            buf += os.read(fd, 4096)
        except OSError:
            pass
    done, st = os.waitpid(pid, os.WNOHANG)
if not done:
    print("the client did not exit: %r" % buf)
    os.kill(pid, 9)
    sys.exit(98)
print(buf.decode(errors="replace"))
sys.exit(os.waitstatus_to_exitcode(st))
PY
}

@test "pflask --chroot: the command is pid 1 and its status is pflask's" {
	run "$PFLASK" --chroot="$ROOTFS" -- sh -c 'echo $$; hostname'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 1 ]
	[ -n "${lines[1]}" ]
}

@test "pflask --hostname sets the container's host name" {
	run "$PFLASK" --chroot="$ROOTFS" --hostname=pf-box -- hostname
	[ "$status" -eq 0 ]
	[ "$output" = pf-box ]
}

@test "pflask: the exit status passes through" {
	run "$PFLASK" --chroot="$ROOTFS" -- sh -c 'exit 7'
	[ "$status" -eq 7 ]
}

@test "pflask: a container killed by SIGKILL is 137" {
	bg_pflask --name="$NAME" --chroot="$ROOTFS" -- sleep 100
	wait_for 10 is_running "$NAME"
	"$RUNTIME" kill "$NAME" KILL
	local st=0
	wait "$BG_PID" || st=$?
	[ "$st" -eq 137 ]
	assert_nothing_left "$NAME"
}

@test "pflask: a process killed by SIGTERM is 143 (no pid namespace)" {
	run "$PFLASK" --no-pidns --chroot="$ROOTFS" -- sh -c 'kill -TERM $$'
	[ "$status" -eq 143 ]
}

@test "pflask: signals sent to pflask reach the container" {
	bg_pflask --name="$NAME" --chroot="$ROOTFS" -- \
		sh -c 'trap "echo got-term; exit 5" TERM; echo ready; while :; do sleep 0.1; done'
	wait_for 10 grep -q ready "$BATS_TEST_TMPDIR/bg.out"
	kill -TERM "$BG_PID"
	local st=0
	wait "$BG_PID" || st=$?
	[ "$st" -eq 5 ]
	grep -q got-term "$BATS_TEST_TMPDIR/bg.out"
	assert_nothing_left "$NAME"
}

@test "pflask: stdin passes through" {
	run bash -c "echo hi-there | '$PFLASK' --chroot='$ROOTFS' -- cat"
	[ "$status" -eq 0 ]
	[ "$output" = hi-there ]
}

@test "pflask: the runtime lists pflask-PID while it runs; nothing is left after" {
	bg_pflask --chroot="$ROOTFS" -- sleep 100
	local id=pflask-$BG_PID
	EXTRA_IDS=("$id")
	wait_for 10 listed "$id"
	[ -d "$PF_STATE/.pflask-$id" ]
	run "$RUNTIME" state "$id"
	[ "$status" -eq 0 ]
	is_running "$id"
	kill -TERM "$BG_PID"    # sleep as pid 1 ignores it: the container goes on
	sleep 0.3
	listed "$id"
	"$RUNTIME" kill "$id" KILL
	wait "$BG_PID" || true
	assert_nothing_left "$id"
}

@test "pflask --name: the runtime lists the name; an ID in use is refused" {
	bg_pflask --name="$NAME" --chroot="$ROOTFS" -- sleep 100
	wait_for 10 listed "$NAME"
	run "$PFLASK" --name="$NAME" --chroot="$ROOTFS" -- true
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ $output == *"$NAME"*"already exists"* ]]
	"$RUNTIME" kill "$NAME" KILL
	wait "$BG_PID" || true
	assert_nothing_left "$NAME"
}

@test "pflask: a command that cannot run is one line, and nothing is left" {
	run "$PFLASK" --name="$NAME" --chroot="$ROOTFS" -- /no/such/program
	[ "$status" -ne 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ ${lines[0]} == pflask:* ]]
	assert_nothing_left "$NAME"
	run "$PFLASK" --name="$NAME" --ephemeral --chroot="$ROOTFS" -- /no/such/program
	[ "$status" -ne 0 ]
	[ "${#lines[@]}" -eq 1 ]
	assert_nothing_left "$NAME"
}

@test "pflask without --chroot sees the host's files; /proc is its own" {
	echo host-file-content >"$BATS_TEST_TMPDIR/visible"
	run "$PFLASK" --name="$NAME" -- /bin/sh -c \
		"cat '$BATS_TEST_TMPDIR/visible'; tr '\\0' ' ' </proc/1/cmdline; echo; echo \$\$"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = host-file-content ]
	[[ ${lines[1]} == "/bin/sh -c "* ]]
	[ "${lines[2]}" = 1 ]
	assert_nothing_left "$NAME"
}

@test "pflask --chroot: /proc, /sys, /dev, /dev/pts and /dev/shm are there" {
	run "$PFLASK" --chroot="$ROOTFS" -- sh -c \
		'for d in /proc /sys /dev /dev/pts /dev/shm; do grep -q " $d " /proc/mounts || echo "no $d"; done; ls /proc/self/stat /dev/null /sys/kernel >/dev/null'
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "pflask --ephemeral: changes to / are gone after exit; the chroot is untouched" {
	rootfs_copy
	local before
	before=$(tree_digest "$ROOTFS_COPY")
	run "$PFLASK" --name="$NAME" --ephemeral --chroot="$ROOTFS_COPY" -- \
		sh -c 'echo new >/newfile && rm /bin/ls && echo changed >/etc/passwd && cat /newfile'
	[ "$status" -eq 0 ]
	[ "$output" = new ]
	[ ! -e "$ROOTFS_COPY/newfile" ]
	[ -e "$ROOTFS_COPY/bin/ls" ]
	[ "$(tree_digest "$ROOTFS_COPY")" = "$before" ]
	assert_nothing_left "$NAME"
	# and the next run starts from the chroot again
	run "$PFLASK" --ephemeral --chroot="$ROOTFS_COPY" -- sh -c 'cat /newfile 2>&1; head -1 /etc/passwd'
	[[ $output == *"No such file"* ]]
	[[ $output == *root:x:0:0* ]]
}

# kill_ephemeral: an ephemeral pflask killed with SIGKILL while its container runs.
kill_ephemeral() {
	rootfs_copy
	bg_pflask --name="$NAME" --ephemeral --chroot="$ROOTFS_COPY" -- sh -c 'echo x >/left; sleep 100'
	wait_for 10 is_running "$NAME"
	local init
	init=$("$RUNTIME" list | awk -v id="$NAME" '$1 == id { print $2 }')
	kill -KILL "$BG_PID"
	wait "$BG_PID" || true
	[ ! -e "$ROOTFS_COPY/left" ]
	# the container dies with its pflask: no process, no mount holds its overlay
	wait_for 10 gone "$init"
	wait_for 10 no_mounts_of "$NAME"
}

@test "pflask --ephemeral killed with SIGKILL: the next pflask run clears what is left" {
	kill_ephemeral
	run "$PFLASK" --chroot="$ROOTFS" -- true
	[ "$status" -eq 0 ]
	assert_nothing_left "$NAME"
	[ ! -e "$ROOTFS_COPY/left" ]
}

@test "pflask --ephemeral killed with SIGKILL: pflask-runtime delete --force clears it" {
	kill_ephemeral
	run "$RUNTIME" delete --force "$NAME"
	[ "$status" -eq 0 ]
	assert_nothing_left "$NAME"
}

@test "pflask --ephemeral --user-map: the overlay works in a user namespace" {
	rootfs_copy 100000:100000
	local before
	before=$(tree_digest "$ROOTFS_COPY")
	run "$PFLASK" --name="$NAME" --ephemeral --user-map=0:100000:65536 --chroot="$ROOTFS_COPY" -- \
		sh -c 'echo y >/y && cat /y && id -u && cat /proc/self/uid_map'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = y ]
	[ "${lines[1]}" = 0 ]
	[[ ${lines[2]} =~ ^\ *0\ +100000\ +65536$ ]]
	[ ! -e "$ROOTFS_COPY/y" ]
	[ "$(tree_digest "$ROOTFS_COPY")" = "$before" ]
	assert_nothing_left "$NAME"
}

@test "pflask --detach and --attach: ^@ detaches, exit ends it, nothing is left" {
	run "$PFLASK" --detach --chroot="$ROOTFS" -- sh
	[ "$status" -eq 0 ]
	[[ $output =~ ^[0-9]+$ ]]
	local pid=$output id=pflask-$output
	EXTRA_IDS=("$id")
	BG_PIDS+=("$pid")
	listed "$id"

	pty_drive '[(b"echo hi-$((6*7))\r", b"hi-42"), (b"\x00", None)]' "$PFLASK" --attach="$pid"
	[ "$status" -eq 0 ]
	is_running "$id"

	pty_drive '[(b"echo again-$((1+1))\r", b"again-2"), (b"exit 3\r", None)]' "$PFLASK" --attach="$pid"
	[ "$status" -eq 3 ]
	wait_for 10 gone "$pid"
	assert_nothing_left "$id"
}

@test "pflask --detach --name: the named container runs in the background" {
	run "$PFLASK" --detach --name="$NAME" --chroot="$ROOTFS" -- sh -c 'sleep 100'
	[ "$status" -eq 0 ]
	local pid=$output
	BG_PIDS+=("$pid")
	is_running "$NAME"
	"$RUNTIME" kill "$NAME" KILL
	wait_for 10 gone "$pid"
	assert_nothing_left "$NAME"
}

@test "pflask --detach of a command that cannot run: one line, nothing left" {
	run "$PFLASK" --detach --name="$NAME" --chroot="$ROOTFS" -- /no/such/program
	[ "$status" -ne 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ ${lines[0]} == pflask:* ]]
	assert_nothing_left "$NAME"
}

@test "pflask --attach of a pid that is no detached pflask is one line" {
	run "$PFLASK" --attach=1
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]
	[ "$output" = "pflask: --attach=1: no detached pflask with this pid" ]
}

@test "pflask --attach by another user is refused" {
	require_cmd setpriv
	run "$PFLASK" --detach --name="$NAME" --chroot="$ROOTFS" -- sh
	[ "$status" -eq 0 ]
	local pid=$output
	BG_PIDS+=("$pid")
	# a copy the other user can execute, wherever the build is
	cp "$PFLASK" "$BATS_TEST_TMPDIR/pflask-copy"
	chmod 0755 "$BATS_TEST_TMPDIR" "$BATS_TEST_TMPDIR/pflask-copy"
	run setpriv --reuid=65534 --regid=65534 --clear-groups "$BATS_TEST_TMPDIR/pflask-copy" --attach="$pid"
	[ "$status" -eq 1 ]
	[ "$output" = "pflask: --attach=$pid: permission denied" ]
	is_running "$NAME"
	"$RUNTIME" kill "$NAME" KILL
	wait_for 10 gone "$pid"
	assert_nothing_left "$NAME"
}
