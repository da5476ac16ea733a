#!/usr/bin/env bats
# The pflask-runtime command line: version, help, global options, the --log file.

load helpers

@test "--version prints the runtime version and the spec version" {
	run "$RUNTIME" --version
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	[[ "${lines[0]}" =~ ^pflask-runtime\ version\ [0-9]+\.[0-9]+\.[0-9]+$ ]]
	[ "${lines[1]}" = "spec: 1.3.0" ]
	run "$RUNTIME" -v
	[ "$status" -eq 0 ]
	[ "${lines[1]}" = "spec: 1.3.0" ]
}

@test "--help lists the global options and every command" {
	run "$RUNTIME" --help
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "usage: pflask-runtime [global options] COMMAND [options] [ID]" ]
	[[ "$output" == *$'\n  --log-format FORMAT  text or json\n'* ]]
	[[ "$output" == *$'\nCommands:\n'* ]]
	grep -Eqx "  spec +write a default config.json into the bundle" <<<"$output"
	grep -Eqx "  validate +check a bundle's config.json; one line per problem" <<<"$output"
	run "$RUNTIME" -h
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "usage: pflask-runtime [global options] COMMAND [options] [ID]" ]
}

@test "every command that --help lists answers its own --help" {
	local cmds cmd
	cmds=$("$RUNTIME" --help | sed -n '/^Commands:$/,$p' | sed -n 's/^  \([a-z-]*\) .*/\1/p')
	[ -n "$cmds" ]
	for cmd in $cmds; do
		run "$RUNTIME" "$cmd" --help
		[ "$status" -eq 0 ]
		[[ "${lines[0]}" == "usage: pflask-runtime [global options] $cmd"* ]]
	done
}

@test "no command: the usage on stderr and one error line, exit 1" {
	run "$RUNTIME"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "usage: pflask-runtime [global options] COMMAND [options] [ID]" ]
	[ "${lines[-1]}" = "pflask-runtime: no command given" ]
	run bash -c '"$RUNTIME" 2>/dev/null'
	[ "$output" = "" ]
}

@test "an unknown command is one line on stderr, exit 1" {
	run "$RUNTIME" frobnicate
	[ "$status" -eq 1 ]
	[ "$output" = 'pflask-runtime: unknown command "frobnicate" (see --help)' ]
	run bash -c '"$RUNTIME" frobnicate 2>/dev/null'
	[ "$status" -eq 1 ]
	[ "$output" = "" ]
}

@test "an unknown global option is one line, exit 1" {
	run "$RUNTIME" --frobnicate spec
	[ "$status" -eq 1 ]
	[ "$output" = 'pflask-runtime: unknown global option "--frobnicate"' ]
	run "$RUNTIME" -x spec
	[ "$status" -eq 1 ]
	[ "$output" = 'pflask-runtime: unknown global option "-x"' ]
}

@test "a global option without its argument is one line, exit 1" {
	run "$RUNTIME" --log
	[ "$status" -eq 1 ]
	[ "$output" = 'pflask-runtime: global option "--log" needs an argument' ]
	run "$RUNTIME" --root
	[ "$status" -eq 1 ]
	[ "$output" = 'pflask-runtime: global option "--root" needs an argument' ]
}

@test "--log FILE --log-format json: a failing command logs a JSON error line" {
	local log=$BATS_TEST_TMPDIR/runtime.log
	run "$RUNTIME" --log "$log" --log-format json spec --bundle "$BATS_TEST_TMPDIR/missing"
	[ "$status" -eq 1 ]
	local msg="spec: write $BATS_TEST_TMPDIR/missing/config.json: No such file or directory"
	[ "$output" = "pflask-runtime: $msg" ]
	[ "$(wc -l <"$log")" -eq 1 ]
	run /usr/bin/python3 - "$log" "$msg" <<'PY'
import datetime, json, sys
with open(sys.argv[1]) as f:
    entry = json.loads(f.readline())
assert sorted(entry) == ["level", "msg", "time"], entry
assert entry["level"] == "error", entry
assert entry["msg"] == sys.argv[2], entry
# RFC 3339 in UTC, nanoseconds
stamp = entry["time"]
assert stamp.endswith("Z") and len(stamp) == len("2006-01-02T15:04:05.000000000Z"), stamp
datetime.datetime.strptime(stamp[:19], "%Y-%m-%dT%H:%M:%S")
PY
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
}

@test "--log appends: one JSON line per failing run, special characters escaped" {
	local log=$BATS_TEST_TMPDIR/runtime.log
	"$RUNTIME" --log "$log" --log-format json 'no"such\command' || true
	"$RUNTIME" --log "$log" --log-format json spec --bogus || true
	[ "$(wc -l <"$log")" -eq 2 ]
	run /usr/bin/python3 -c '
import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    print(e["level"], e["msg"])' "$log"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 'error unknown command "no"such\command" (see --help)' ]
	[ "${lines[1]}" = 'error spec: unknown option "--bogus" (see spec --help)' ]
}

@test "--log FILE in text format: a timestamped error line" {
	local log=$BATS_TEST_TMPDIR/runtime.log
	run "$RUNTIME" --log "$log" frobnicate
	[ "$status" -eq 1 ]
	run cat "$log"
	[ "${#lines[@]}" -eq 1 ]
	[[ "${lines[0]}" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{9}Z\ error:\ unknown\ command\ \"frobnicate\"\ \(see\ --help\)$ ]]
}

@test "--log-format bogus is refused with one line naming --log-format" {
	run "$RUNTIME" --log-format bogus spec --bundle "$BATS_TEST_TMPDIR"
	[ "$status" -eq 1 ]
	[ "$output" = 'pflask-runtime: --log-format: "bogus" is not text or json' ]
	[ ! -e "$BATS_TEST_TMPDIR/config.json" ]
}
