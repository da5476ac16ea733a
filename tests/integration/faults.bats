#!/usr/bin/env bats
# Faults: `pflask-runtime create` and `pflask` killed with SIGKILL at a random point of their
# start-up, again and again, and state files damaged on disk. Afterwards `delete --force` (or the
# next pflask run) must leave nothing: no state or temporary directory in the state root, no
# cgroup, mount, network interface, overlay or process.
#
# The kill comes after a random delay drawn from 0 to 1.5 times one measured start-up, so every
# step is hit (some runs finish before the kill: then a whole container is deleted), and no
# special build is needed. Killed processes whose parent is gone stay zombies in this sandbox
# (its pid 1 reaps nothing): a zombie counts as gone.
#
#   FAULT_N   kills per loop (default 200)

load helpers
load container

FAULT_N=${FAULT_N:-200}
PF_STATE=/run/pflask

setup() {
	require_engine
	TOKEN=$$
	PF_IDS=()
	LINKS=()
	mkfifo "$BATS_TEST_TMPDIR/never"
	exec {NEVER}<>"$BATS_TEST_TMPDIR/never"
}

teardown() {
	local id l
	exec {NEVER}>&-
	ctr_cleanup
	for id in "${PF_IDS[@]}"; do
		"$RUNTIME" delete --force "$id" >/dev/null 2>&1 || true
	done
	for l in "${LINKS[@]}"; do
		ip link del "$l" 2>/dev/null || true
	done
}

# private_rootfs DIR: a copy of the busybox rootfs at DIR, so that its path names this test only.
private_rootfs() {
	rm -rf "$1"
	cp -a "$ROOTFS" "$1"
}

# random_sleep MAX_MS: wait 0 to MAX_MS milliseconds, left in DELAY_MS. A read that times out
# on a fifo nobody writes (setup's NEVER): no process is started, so short delays are what
# they say.
random_sleep() {
	DELAY_MS=$((RANDOM % ($1 + 1)))
	read -r -t "$(printf '%d.%03d' $((DELAY_MS / 1000)) $((DELAY_MS % 1000)))" -u "$NEVER" _ || true
}

# fastest_ms AFTER CMD...: run CMD three times, each followed by the (untimed) command AFTER;
# print the shortest run of CMD in milliseconds (at least 1).
fastest_ms() {
	local after=$1 t0 t1 ms best=
	shift
	for _ in 1 2 3; do
		t0=${EPOCHREALTIME/./}
		"$@" </dev/null >/dev/null 2>&1 3>&- {NEVER}>&- || true
		t1=${EPOCHREALTIME/./}
		$after >/dev/null 2>&1 || true
		ms=$(((t1 - t0) / 1000 + 1))
		[[ -n $best ]] && ((best <= ms)) || best=$ms
	done
	echo "$best"
}

# host_scan cmdline|mountinfo TEXT...: every live (not zombie) process whose command line
# (NULs read as spaces) or mount table holds one of TEXT, one "PID: line" each; nothing when
# there is none.
host_scan() {
	/usr/bin/python3 - "$@" <<'PY'
import os, sys
what, texts = sys.argv[1], [t.encode() for t in sys.argv[2:]]
me = os.getpid()
for p in os.listdir("/proc"):
    if not p.isdigit() or int(p) in (me, os.getppid()):
        continue
    try:
        with open("/proc/%s/stat" % p, "rb") as f:
            state = f.read().rsplit(b")", 1)[1].split()[0]
        with open("/proc/%s/%s" % (p, what), "rb") as f:
            data = f.read().replace(b"\0", b" ")
    except (OSError, IndexError):
        continue
    if state in (b"Z", b"X"):
        continue
    for line in data.splitlines():
        if any(t in line for t in texts):
            print("%s: %s" % (p, line.decode(errors="replace")[:200]))
            break
PY
}

# assert_clean_host WHAT TEXT...: host_scan finds none of TEXT in WHAT, within 5 seconds (a
# namespace goes a moment after its last process).
assert_clean_host() {
	local found
	for _ in $(seq 50); do
		found=$(host_scan "$@")
		[[ -n $found ]] || return 0
		sleep 0.1
	done
	echo "left ($1): $found" >&2
	return 1
}

# cgroups_named PATTERN: cgroup directories (any hierarchy) whose name matches PATTERN.
cgroups_named() {
	find /sys/fs/cgroup -maxdepth 4 -type d -name "$1" 2>/dev/null || true
}

@test "create killed with SIGKILL at a random point, FAULT_N times: delete --force leaves nothing" {
	ctr_bundle sleep 100
	rm "$BUNDLE/rootfs"
	private_rootfs "$BUNDLE/rootfs"
	local i id pid rc max killed=0 finished=0 out=$BATS_TEST_TMPDIR/delete.out
	# about one whole create: some finish before the kill
	max=$(fastest_ms "rt delete --force $CID-0" "$RUNTIME" --root "$STATE_ROOT" create \
		--bundle "$BUNDLE" "$CID-0")
	max=$((max + 1))
	for ((i = 1; i <= FAULT_N; i++)); do
		id=$CID-$i
		"$RUNTIME" --root "$STATE_ROOT" create --bundle "$BUNDLE" "$id" </dev/null >/dev/null 2>&1 \
			3>&- {NEVER}>&- &
		pid=$!
		random_sleep "$max"
		kill -KILL "$pid" 2>/dev/null || true
		rc=0
		# (quietly: bash reports a killed job on stderr)
		{ wait "$pid"; } 2>/dev/null || rc=$?
		if ((rc == 0)); then finished=$((finished + 1)); else killed=$((killed + 1)); fi
		rt delete --force "$id" >"$out" 2>&1 || {
			echo "kill $i after ${DELAY_MS}ms: delete --force failed: $(cat "$out")" >&2
			return 1
		}
		# the whole root: temporary (.new-, .gone-) directories count too
		[[ -z $(ls -A "$STATE_ROOT") ]] || {
			echo "kill $i after ${DELAY_MS}ms (create status $rc): left: $(ls -A "$STATE_ROOT")" >&2
			return 1
		}
	done
	echo "# $killed killed, $finished finished before the kill (delays 0-${max}ms)" >&3
	# a parked init, a cgroup or a mount would have outlived its iteration: looked for once
	local dirs
	dirs=$(cgroups_named "$CID-*")
	[[ -z $dirs ]] || { echo "cgroups left: $dirs" >&2; return 1; }
	assert_clean_host cmdline "$CID-"
	assert_clean_host mountinfo "$BUNDLE"
	if ((FAULT_N >= 50)); then
		# the delays reached both ends of create
		((killed > 0 && finished > 0))
	fi
}

@test "pflask killed with SIGKILL at a random point, FAULT_N times: delete --force or the next pflask clears it" {
	[[ -x $PFLASK ]] || skip "no $PFLASK"
	require_cmd ip
	local copy=$BATS_TEST_TMPDIR/rootfs i pid rc id link max left early=0 started=0
	local out=$BATS_TEST_TMPDIR/clear.out pids=$BATS_TEST_TMPDIR/pids
	private_rootfs "$copy"
	: >"$pids"
	# one whole run and a half: the container starts late in it (sanitizer builds: very late)
	max=$(fastest_ms : "$PFLASK" --chroot="$copy" --ephemeral -- true)
	max=$((max * 3 / 2))
	for ((i = 1; i <= FAULT_N; i++)); do
		link=fk${TOKEN}x$i
		LINKS+=("$link")
		# an overlay over the copy, a veth pair made by a createRuntime hook, a process that
		# names this test
		"$PFLASK" --chroot="$copy" --ephemeral --netif=veth:$link:eth0 -- sleep "9$TOKEN" \
			</dev/null >/dev/null 2>&1 3>&- {NEVER}>&- &
		pid=$!
		id=pflask-$pid
		PF_IDS+=("$id")
		echo "$id" >>"$pids"
		random_sleep "$max"
		kill -KILL "$pid" 2>/dev/null || true
		rc=0
		# (quietly: bash reports a killed job on stderr)
		{ wait "$pid"; } 2>/dev/null || rc=$?
		# started: start removed the exec fifo (pflask's process never ends by itself)
		if [[ -d $PF_STATE/$id && ! -e $PF_STATE/$id/exec.fifo ]]; then
			started=$((started + 1))
		else
			early=$((early + 1))
		fi
		# every other time pflask-runtime clears the container, else the next pflask does
		if ((i % 2)); then
			"$RUNTIME" delete --force "$id" >"$out" 2>&1 || {
				echo "kill $i after ${DELAY_MS}ms: delete --force $id failed: $(cat "$out")" >&2
				return 1
			}
		else
			"$PFLASK" --chroot="$copy" -- true </dev/null >"$out" 2>&1 3>&- || {
				echo "kill $i after ${DELAY_MS}ms: the next pflask failed: $(cat "$out")" >&2
				return 1
			}
		fi
		# the state, the owner directory (holding the overlay's mount point), half claims
		left=$(ls -A "$PF_STATE" 2>/dev/null |
			grep -E -- "^(\.pflask-|\.new-|\.gone-)?$id(-[0-9]+-[0-9]+)?\$|^\.pflask~$pid~" || true)
		[[ -z $left ]] || {
			echo "kill $i after ${DELAY_MS}ms (pflask status $rc): left in $PF_STATE: $left" >&2
			return 1
		}
	done
	echo "# $early killed before the container ran, $started after (delays 0-${max}ms)" >&3
	local dirs
	dirs=$(cgroups_named 'pflask-*' | awk -F/ 'NR == FNR { ids[$1] = 1; next } ($NF in ids)' "$pids" -)
	[[ -z $dirs ]] || { echo "cgroups left: $dirs" >&2; return 1; }
	# the overlay (over the copy) and the owner's tmpfs live in pflask's own mount namespace
	assert_clean_host mountinfo "$copy" $(sed "s|.*|$PF_STATE/.pflask-&/|" "$pids")
	# pflask, its init, the container's process, the netif hook
	assert_clean_host cmdline "$copy" "sleep 9$TOKEN" "veth:fk${TOKEN}x"
	# a veth pair goes with the container's network namespace
	for _ in $(seq 50); do
		left=$(ip -o link show | grep -o "fk${TOKEN}x[0-9]*" || true)
		[[ -n $left ]] || break
		sleep 0.1
	done
	[[ -z $left ]] || { echo "links left: $left" >&2; return 1; }
	if ((FAULT_N >= 50)); then
		((early > 0 && started > 0))
	fi
}

# damage_state HOW FILE: empty, truncated (half of it) or reshaped (valid JSON, wrong shape).
damage_state() {
	case $1 in
	empty) : >"$2" ;;
	truncated) head -c $(($(stat -c %s "$2") / 2)) "$2" >"$2.half" && mv "$2.half" "$2" ;;
	reshaped) echo '{"state": 42, "pidStartTime": "soon"}' >"$2" ;;
	esac
}

@test "a damaged state.json (empty, truncated, reshaped): each verb says so in one line; delete --force cleans up" {
	ctr_bundle sleep 100
	local how id file verb
	for how in empty truncated reshaped; do
		id=$CID-$how
		file=$STATE_ROOT/$id/state.json
		rt create --bundle "$BUNDLE" "$id" </dev/null >/dev/null
		CTR_PID=$(state_field "$id" pid)
		damage_state "$how" "$file"
		for verb in state start kill delete; do
			run rt $verb "$id"
			[ "$status" -eq 1 ]
			[ "${#lines[@]}" -eq 1 ]
			[[ $output == "pflask-runtime: "*"$file: "* ]]
		done
		# nothing was done half-way: the container is still there
		kill -0 "$CTR_PID"
		[ -d "$STATE_ROOT/$id" ]
		run rt delete --force "$id"
		[ "$status" -eq 0 ]
		# the cgroup named by the copy of config.json goes, and init with it
		assert_no_leftovers "$id"
		[[ -z $(ls -A "$STATE_ROOT") ]]
	done
}

@test "a state directory without state.json: delete --force still removes it and its container" {
	ctr_bundle sleep 100
	rt create --bundle "$BUNDLE" "$CID" </dev/null >/dev/null
	CTR_PID=$(state_field "$CID" pid)
	rm "$STATE_ROOT/$CID/state.json"
	run rt state "$CID"
	[ "$status" -eq 1 ]
	[[ $output == *"$STATE_ROOT/$CID/state.json"* ]]
	run rt delete --force "$CID"
	[ "$status" -eq 0 ]
	assert_no_leftovers
	[[ -z $(ls -A "$STATE_ROOT") ]]
}

# start_time PID: field 22 of /proc/PID/stat (what the runtime records with a pid).
start_time() {
	sed 's/.*) //' "/proc/$1/stat" | awk '{ print $20 }'
}

@test "what killed creates, deletes and pflasks leave in the state root goes at the next delete; a live one's stays" {
	local dead live=$$ mine
	true &
	dead=$!
	wait "$dead"
	mine=$(start_time "$live")
	mkdir -p "$STATE_ROOT"
	# a dead process's claim, removal and pflask claim; a live one's; a reused pid's
	mkdir "$STATE_ROOT/.new-a-$dead-1" "$STATE_ROOT/.gone-b-c-$dead-1" \
		"$STATE_ROOT/.pflask~$dead~1~d" "$STATE_ROOT/.new-e-$live-$mine" \
		"$STATE_ROOT/.new-f-$live-$((mine + 1))"
	echo '{}' >"$STATE_ROOT/.new-a-$dead-1/state.json"
	mkfifo "$STATE_ROOT/.gone-b-c-$dead-1/exec.fifo"
	echo "$dead 1" >"$STATE_ROOT/.pflask~$dead~1~d/owner"
	run rt delete --force nothing-here
	[ "$status" -eq 0 ]
	[ "$(ls -A "$STATE_ROOT")" = ".new-e-$live-$mine" ]
}
