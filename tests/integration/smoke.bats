#!/usr/bin/env bats
# The harness itself: the runtime binary exists and reports its version.

load helpers

@test "pflask-runtime --version prints its version" {
	run "$RUNTIME" --version
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" =~ ^pflask-runtime\ version\ [0-9]+\.[0-9]+\.[0-9]+$ ]]
}
