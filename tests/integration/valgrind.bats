#!/usr/bin/env bats
# valgrind memcheck (tests/valgrind.sh, also `make valgrind`): spec, validate, create, state,
# list, delete and a full run of pflask-runtime, and pflask's translation, with no invalid
# access, no uninitialised read and no definite or indirect leak.

load helpers

@test "valgrind memcheck: spec, validate, create, state, list, delete, run and pflask are clean" {
	require_cmd valgrind
	require_root
	if grep -qa __asan_init "$RUNTIME"; then
		skip "an ASan build: valgrind cannot run it"
	fi
	[[ -d $ROOTFS ]] || skip "$ROOTFS missing: run make rootfs"
	run timeout 300 "$PFLASK_ROOT/tests/valgrind.sh"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[-1]}" = "valgrind: all clean" ]
	[ "$(grep -c '^ok ' <<<"$output")" -eq 12 ]
}
