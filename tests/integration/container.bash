# Helpers for tests that run containers: `load helpers; load container` at the top.
#
#   ctr_bundle [CMD...]   a bundle in $BUNDLE for $ROOTFS, terminal off, running CMD (sh if none)
#   rt ARGS...            $RUNTIME with a private --root ($STATE_ROOT)
#   ctr_id                a container ID unique to this test ($CID)
#   ctr_cleanup           delete --force every container under $STATE_ROOT; in teardown
#   assert_no_leftovers   nothing of $CID remains: state dir, cgroup dirs, processes

STATE_ROOT=${BATS_TEST_TMPDIR:-/tmp}/state
CID=pft-${BATS_TEST_NUMBER:-0}-$$

rt() {
	"$RUNTIME" --root "$STATE_ROOT" "$@"
}

# ctr_bundle [CMD...]: BUNDLE with the default spec, terminal off, process args CMD.
ctr_bundle() {
	require_root
	make_bundle ctr || return 1
	local args='["sh"]'
	if [[ $# -gt 0 ]]; then
		args=$(/usr/bin/python3 -c 'import json,sys; print(json.dumps(sys.argv[1:]))' "$@")
	fi
	config_edit "c['process']['terminal'] = False; c['process']['args'] = $args"
}

# ctr_cleanup: forced delete of whatever this test left; safe to call twice.
ctr_cleanup() {
	local id
	[[ -d $STATE_ROOT ]] || return 0
	for id in $(ls "$STATE_ROOT" 2>/dev/null); do
		"$RUNTIME" --root "$STATE_ROOT" delete --force "$id" >/dev/null 2>&1 || true
	done
}

# cgroup_dirs_of ID: every cgroup directory named after the container, in any hierarchy.
cgroup_dirs_of() {
	# find fails when a directory vanishes under it (another container going away)
	find /sys/fs/cgroup -maxdepth 4 -type d -path "*pflask/$1" 2>/dev/null || true
}

assert_no_leftovers() {
	local id=${1:-$CID}
	[[ ! -e $STATE_ROOT/$id ]] || { echo "state dir $STATE_ROOT/$id left" >&2; return 1; }
	local dirs
	dirs=$(cgroup_dirs_of "$id")
	[[ -z $dirs ]] || { echo "cgroups left: $dirs" >&2; return 1; }
	# a zombie is gone for good (this sandbox's pid 1 does not reap orphans)
	if [[ -n ${CTR_PID:-} ]] && [[ -e /proc/$CTR_PID ]] &&
		[[ $(sed 's/.*) //' "/proc/$CTR_PID/stat" | cut -c1) != Z ]]; then
		echo "process $CTR_PID left" >&2
		return 1
	fi
}

# state_field ID FIELD: a field of `state ID`.
state_field() {
	rt state "$1" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$2"
}

# ctr_run [CMD...]: run CMD in a container of the current $BUNDLE (edited beforehand) and
# leave its output in $output and its exit status in $status (bats `run` semantics).
ctr_run() {
	local args
	args=$(/usr/bin/python3 -c 'import json,sys; print(json.dumps(sys.argv[1:]))' "$@")
	config_edit "c['process']['args'] = $args"
	run "$RUNTIME" --root "$STATE_ROOT" run --bundle "$BUNDLE" "$CID"
}

# require_engine: skip unless this build of the runtime has the lifecycle verbs.
require_engine() {
	require_root
	[[ -x $RUNTIME ]] || skip "no $RUNTIME"
	"$RUNTIME" create --help >/dev/null 2>&1 || skip "this build has no create command"
}

# The container's init inherits the stdio of create and run -d (that is how conmon and
# containerd get its output), so `run rt create` would wait for init to close the pipe.
# These capture the runtime's own output through a file instead: $status and $output as `run`.
rt_detached() {
	local out=$BATS_TEST_TMPDIR/detached.out
	status=0
	"$RUNTIME" --root "$STATE_ROOT" "$@" </dev/null >"$out" 2>&1 || status=$?
	output=$(cat "$out")
}
