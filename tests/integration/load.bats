#!/usr/bin/env bats
# Load and odd conditions: concurrent creates of one ID, many containers created, started and
# deleted in parallel, the descriptors long-lived runtime processes hold and hand on, a state
# root on a fresh tmpfs, and a recorded pid that now belongs to another process.
#
#   LOAD_N   containers of the parallel test (default 200)
#   LOAD_P   how many at a time (default 8)

load helpers
load container

LOAD_N=${LOAD_N:-200}
LOAD_P=${LOAD_P:-8}
PF_STATE=/run/pflask

setup() {
	require_engine
	TOKEN=$$
	BG_PIDS=()
	PF_IDS=()
}

teardown() {
	local p id root
	for p in "${BG_PIDS[@]}"; do
		kill -KILL "$p" 2>/dev/null || true
		{ wait "$p"; } 2>/dev/null || true
	done
	for id in "${PF_IDS[@]}"; do
		"$RUNTIME" delete --force "$id" >/dev/null 2>&1 || true
	done
	ctr_cleanup
	if [[ -n ${TMPFS:-} ]] && mountpoint -q "$TMPFS"; then
		for root in "$TMPFS" "$TMPFS/a/b"; do
			"$RUNTIME" --root "$root" delete --force "$CID" >/dev/null 2>&1 || true
		done
		umount -l "$TMPFS"
	fi
}

# close_fds: close every descriptor above 2 of this shell (a subshell, or a job of its own), so
# that what a command started from it holds beyond stdio is that command's own.
close_fds() {
	local fd
	for fd in /proc/$BASHPID/fd/*; do
		fd=${fd##*/}
		((fd <= 2)) || eval "exec $fd>&-"
	done
}
export -f close_fds

# extra_fds PID: what PID's descriptors above 2 point to, one a line, sorted.
extra_fds() {
	local fd
	for fd in /proc/$1/fd/*; do
		((${fd##*/} <= 2)) || readlink "$fd"
	done | sort
}

# assert_fds PID WHAT [EXPECTED]: PID's descriptors above 2 are exactly EXPECTED (one a line;
# none when not given); WHAT names PID in the message.
assert_fds() {
	local fds
	fds=$(extra_fds "$1")
	[[ $fds == "${3:-}" ]] && return 0
	echo "$2 ($1) holds: ${fds:-nothing} (expected: ${3:-nothing})" >&2
	return 1
}

# live_procs TEXT: live (not zombie) processes whose command line (NULs read as spaces) holds
# TEXT, one "PID: command line" each.
live_procs() {
	/usr/bin/python3 - "$1" <<'PY'
import os, sys
text = sys.argv[1].encode()
for p in os.listdir("/proc"):
    if not p.isdigit() or int(p) in (os.getpid(), os.getppid()):
        continue
    try:
        with open("/proc/%s/stat" % p, "rb") as f:
            state = f.read().rsplit(b")", 1)[1].split()[0]
        with open("/proc/%s/cmdline" % p, "rb") as f:
            cmd = f.read().replace(b"\0", b" ")
    except (OSError, IndexError):
        continue
    if state not in (b"Z", b"X") and text in cmd:
        print("%s: %s" % (p, cmd.decode(errors="replace")[:200]))
PY
}

# wait_until SECONDS CMD...: until CMD succeeds.
wait_until() {
	local n=$(($1 * 20))
	shift
	for _ in $(seq "$n"); do
		"$@" && return 0
		sleep 0.05
	done
	"$@"
}

# status_is STATUS ROOT ID: ID under the state root ROOT has STATUS.
status_is() {
	[[ $("$RUNTIME" --root "$2" state "$3" 2>/dev/null | sed -n 's/.*"status": "\(.*\)".*/\1/p') == "$1" ]]
}

# executed PID: PID runs a program of its own (no longer a copy of the runtime or of pflask).
executed() {
	local exe
	exe=$(readlink "/proc/$1/exe") || return 1
	[[ $exe != "$RUNTIME" && $exe != "$PFLASK" ]]
}

@test "10 concurrent creates of one ID: one container; the losers leave the winner's state whole" {
	ctr_bundle sleep 100
	local i ok=0 lost=0 pids=()
	for i in $(seq 10); do
		"$RUNTIME" --root "$STATE_ROOT" create --bundle "$BUNDLE" "$CID" \
			</dev/null >"$BATS_TEST_TMPDIR/c$i" 2>&1 3>&- &
		pids+=($!)
	done
	for i in $(seq 10); do
		if wait "${pids[i - 1]}"; then
			ok=$((ok + 1))
		else
			lost=$((lost + 1))
			[ "$(cat "$BATS_TEST_TMPDIR/c$i")" = "pflask-runtime: create $CID: container $CID already exists" ]
		fi
	done
	[ "$ok" -eq 1 ]
	[ "$lost" -eq 9 ]
	# no loser's temporary directory; the winner's directory complete
	[ "$(ls -A "$STATE_ROOT")" = "$CID" ]
	[ -p "$STATE_ROOT/$CID/exec.fifo" ]
	[ -s "$STATE_ROOT/$CID/config.json" ]
	[ "$(state_field "$CID" status)" = created ]
	# one init is parked, the winner's
	[ "$(live_procs " create --bundle $BUNDLE $CID" | wc -l)" -eq 1 ]
	CTR_PID=$(state_field "$CID" pid)
	rt start "$CID"
	[ "$(state_field "$CID" status)" = running ]
	rt delete --force "$CID"
	assert_no_leftovers
	[ -z "$(ls -A "$STATE_ROOT")" ]
}

# one_container N: create, start and delete $CID-N, checking init's descriptors after create
# and the status after start; failures are one line on stderr.
one_container() {
	local id=$CID-$1 pid fds st rt=("$RUNTIME" --root "$STATE_ROOT")
	close_fds
	"${rt[@]}" create --bundle "$BUNDLE" "$id" </dev/null >/dev/null 2>"$ERRS.$1" ||
		{ echo "create $id: $(cat "$ERRS.$1")" >&2; return 1; }
	pid=$("${rt[@]}" state "$id" | sed -n 's/.*"pid": \([0-9]*\).*/\1/p')
	# init holds stdio and the exec fifo: no descriptor of the runtime's
	fds=$(for fd in /proc/$pid/fd/*; do ((${fd##*/} <= 2)) || readlink "$fd"; done)
	[[ $fds == "$STATE_ROOT/$id/exec.fifo" ]] || { echo "init of $id holds: $fds" >&2; return 1; }
	"${rt[@]}" start "$id" 2>"$ERRS.$1" || { echo "start $id: $(cat "$ERRS.$1")" >&2; return 1; }
	st=$("${rt[@]}" state "$id" | sed -n 's/.*"status": "\(.*\)".*/\1/p')
	[[ $st == running ]] || { echo "$id is $st after start" >&2; return 1; }
	"${rt[@]}" delete --force "$id" 2>"$ERRS.$1" ||
		{ echo "delete --force $id: $(cat "$ERRS.$1")" >&2; return 1; }
	rm -f "$ERRS.$1"
}

@test "LOAD_N containers created, started and deleted, LOAD_P at a time: nothing is left" {
	ctr_bundle sleep "8$TOKEN"
	# a rootfs of this test's own, so that a mount naming it is this test's
	rm "$BUNDLE/rootfs"
	cp -a "$ROOTFS" "$BUNDLE/rootfs"
	export RUNTIME STATE_ROOT BUNDLE CID ERRS=$BATS_TEST_TMPDIR/err
	export -f one_container
	seq "$LOAD_N" | xargs -P "$LOAD_P" -n 1 bash -c 'one_container "$1"' _ 3>&-
	[ -z "$(ls -A "$STATE_ROOT")" ]
	local left
	left=$(find /sys/fs/cgroup -maxdepth 4 -type d -name "$CID-*" 2>/dev/null || true)
	[[ -z $left ]] || { echo "cgroups left: $left" >&2; return 1; }
	left=$(live_procs "$CID-"; live_procs "sleep 8$TOKEN")
	[[ -z $left ]] || { echo "processes left: $left" >&2; return 1; }
	left=$(grep -lsF -- "$BUNDLE" /proc/[0-9]*/mountinfo || true)
	[[ -z $left ]] || { echo "mounts left in: $left" >&2; return 1; }
}

@test "run: the runtime holds stdio and its signalfd while the container runs; the process gets stdio only" {
	ctr_bundle sleep 100
	(close_fds; exec "$RUNTIME" --root "$STATE_ROOT" run --bundle "$BUNDLE" "$CID") \
		</dev/null >"$BATS_TEST_TMPDIR/run.out" 2>&1 &
	local run_pid=$!
	BG_PIDS+=("$run_pid")
	wait_until 10 status_is running "$STATE_ROOT" "$CID"
	CTR_PID=$(state_field "$CID" pid)
	wait_until 10 executed "$CTR_PID"
	assert_fds "$run_pid" "run" "anon_inode:[signalfd]"
	assert_fds "$CTR_PID" "the container's process"
	rt kill "$CID" KILL
	{ wait "$run_pid"; } 2>/dev/null || true
	assert_no_leftovers
}

@test "create: init holds stdio and the exec fifo only; after start the process holds stdio only" {
	ctr_bundle sleep 100
	(close_fds; exec "$RUNTIME" --root "$STATE_ROOT" create --bundle "$BUNDLE" "$CID") \
		</dev/null >/dev/null 2>&1
	CTR_PID=$(state_field "$CID" pid)
	assert_fds "$CTR_PID" "init" "$STATE_ROOT/$CID/exec.fifo"
	rt start "$CID"
	wait_until 10 executed "$CTR_PID"
	assert_fds "$CTR_PID" "the container's process"
	rt delete --force "$CID"
	assert_no_leftovers
}

@test "pflask (also --ephemeral): stdio and its signalfd while the container runs; the process gets stdio only" {
	[[ -x $PFLASK ]] || skip "no $PFLASK"
	local flags pid id init
	for flags in "" --ephemeral; do
		(close_fds; exec "$PFLASK" --chroot="$ROOTFS" $flags -- sleep "7$TOKEN") \
			</dev/null >"$BATS_TEST_TMPDIR/pflask.out" 2>&1 &
		pid=$!
		BG_PIDS+=("$pid")
		id=pflask-$pid
		PF_IDS+=("$id")
		wait_until 10 status_is running "$PF_STATE" "$id"
		init=$("$RUNTIME" state "$id" | sed -n 's/.*"pid": \([0-9]*\).*/\1/p')
		wait_until 10 executed "$init"
		assert_fds "$pid" "pflask $flags" "anon_inode:[signalfd]"
		assert_fds "$init" "the container's process"
		"$RUNTIME" kill "$id" KILL
		{ wait "$pid"; } 2>/dev/null || true
		[ ! -e "$PF_STATE/$id" ]
		[ ! -e "$PF_STATE/.pflask-$id" ]
	done
}

@test "a state root on a fresh tmpfs: a container's whole life, and nothing holds the tmpfs after" {
	ctr_bundle sleep 100
	TMPFS=$BATS_TEST_TMPDIR/tmpfs
	mkdir "$TMPFS"
	mount -t tmpfs -o mode=0700 pflask-test "$TMPFS"
	local root
	# the mount itself as the root, and a root the runtime makes below it
	for root in "$TMPFS" "$TMPFS/a/b"; do
		"$RUNTIME" --root "$root" create --bundle "$BUNDLE" "$CID" </dev/null >/dev/null
		status_is created "$root" "$CID"
		[[ $("$RUNTIME" --root "$root" list -q) == "$CID" ]]
		"$RUNTIME" --root "$root" start "$CID"
		status_is running "$root" "$CID"
		run "$RUNTIME" --root "$root" exec "$CID" echo inside
		[ "$status" -eq 0 ]
		[ "$output" = inside ]
		"$RUNTIME" --root "$root" kill "$CID" KILL
		wait_until 10 status_is stopped "$root" "$CID"
		"$RUNTIME" --root "$root" delete "$CID"
		[ -z "$(ls -A "$root")" ]
	done
	# not lazily: a descriptor or mount left on it would make this fail
	umount "$TMPFS"
	run mountpoint -q "$TMPFS"
	[ "$status" -ne 0 ]
}

@test "a recorded pid now held by another process: stopped, kill refuses, delete spares that process" {
	ctr_bundle sleep 100
	rt create --bundle "$BUNDLE" "$CID" </dev/null >/dev/null
	rt start "$CID"
	CTR_PID=$(state_field "$CID" pid)
	# the pid recorded at create goes to someone else: the recorded start time stays init's
	sleep 1000 </dev/null >/dev/null 2>&1 3>&- &
	local other=$!
	BG_PIDS+=("$other")
	/usr/bin/python3 - "$STATE_ROOT/$CID/state.json" "$other" <<'PY'
import json, os, sys
path, pid = sys.argv[1], int(sys.argv[2])
with open(path) as f:
    r = json.load(f)
r["state"]["pid"] = pid
with open(path + ".tmp", "w") as f:
    json.dump(r, f)
os.rename(path + ".tmp", path)
PY
	[ "$(state_field "$CID" status)" = stopped ]
	run rt kill "$CID" KILL
	[ "$status" -eq 1 ]
	[[ $output == *"not running"* ]]
	kill -0 "$other"
	# stopped, so no --force: the container's cgroup goes, with the real init in it
	rt delete "$CID"
	kill -0 "$other"
	assert_no_leftovers
}
