#!/usr/bin/env bash
# Runs the unit tests (cmocka, as TAP) and the integration tests (bats --tap), shows their
# output as it comes, logs it, and counts. The last line is always "N passed, N failed, N skipped".
# Exits 1 if anything failed or nothing ran.
#
# Environment:
#   PFLASK_BUILD         build dir holding the binaries, tests/unit/ and rootfs/ (default: build;
#                        relative paths are taken from the repo top)
#   PFLASK_TEST_LOG      log file (default: $PFLASK_BUILD/test-results.log)
#   PFLASK_UNIT_TIMEOUT  seconds per unit test binary (default 300)
#   PFLASK_BATS_TIMEOUT  seconds for the whole bats run (default 3600)
#
# Counting (TAP): a result line is "ok N ..." (pass) or "not ok N ..." (fail) at the start of a
# line; a result line with a "# skip" directive (any case) is a skip, whether ok or not ok:
# cmocka 1.1.5 prints a skipped test as "not ok N # SKIP test_name", bats as
# "ok N name # skip reason". Lines starting with "#" are comments (cmocka's group summary
# "# not ok - group" is one). A unit binary, or bats, that exits non-zero without reporting a
# failing test (crash, abort, exit(), sanitizer report, timeout) counts as one failure, and so
# does one that exits 0 with fewer results than its "1..N" plans announced.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root" || exit 1

build=${PFLASK_BUILD:-build}
[[ $build = /* ]] || build=$root/$build
export PFLASK_ROOT=$root PFLASK_BUILD=$build
log=${PFLASK_TEST_LOG:-$build/test-results.log}
unit_timeout=${PFLASK_UNIT_TIMEOUT:-300}
bats_timeout=${PFLASK_BATS_TIMEOUT:-3600}

mkdir -p "$(dirname "$log")" || exit 1
: >"$log" || exit 1
out=$(mktemp "${TMPDIR:-/tmp}/pflask-tap.XXXXXX") || exit 1
trap 'rm -f -- "$out"' EXIT

passed=0 failed=0 skipped=0
skips=() failures=()

# tally SOURCE FILE STATUS: count the TAP results in FILE, produced by SOURCE exiting with STATUS.
tally() {
	local src=$1 file=$2 status=$3 line low head reason desc
	local results=0 fails=0 planned=0
	while IFS= read -r line || [[ -n $line ]]; do
		if [[ $line =~ ^1\.\.([0-9]+) ]]; then
			planned=$((planned + BASH_REMATCH[1]))
			continue
		fi
		[[ $line =~ ^(not\ )?ok([[:space:]]|$) ]] || continue
		results=$((results + 1))
		low=${line,,}
		if [[ $low =~ ^(.*)#[[:space:]]*skip ]]; then
			head=${line:0:${#BASH_REMATCH[1]}}
			reason=${line:${#BASH_REMATCH[0]}}
			reason=${reason#[: ]}; reason=${reason# }
			desc=$(sed -E 's/^(not )?ok[[:space:]]+[0-9]*[[:space:]]*(- )?//; s/[[:space:]]+$//' <<<"$head")
			if [[ -n $desc ]]; then
				skips+=("$src: $desc (${reason:-no reason given})")
			else
				skips+=("$src: ${reason:-no reason given}")
			fi
			skipped=$((skipped + 1))
		elif [[ $line == not* ]]; then
			failures+=("$src: $line")
			fails=$((fails + 1))
			failed=$((failed + 1))
		else
			passed=$((passed + 1))
		fi
	done <"$file"

	if ((status != 0 && fails == 0)); then
		local why="exited with status $status"
		((status == 124)) && why="timed out"
		((status > 128 && status != 255)) && why="killed by signal $((status - 128))"
		failures+=("$src: $why without reporting a failing test")
		failed=$((failed + 1))
	elif ((status == 0 && results < planned)); then
		failures+=("$src: exited after $results of $planned planned tests")
		failed=$((failed + 1))
	fi
}

# run SOURCE TIMEOUT CMD...: run CMD showing and logging its output, then tally it.
run() {
	local src=$1 limit=$2 status
	shift 2
	printf '# %s\n' "$src" | tee -a "$log"
	: >"$out"
	timeout -k 10 "$limit" "$@" </dev/null 2>&1 | tee -a "$log" "$out"
	status=${PIPESTATUS[0]}
	tally "$src" "$out" "$status"
}

export CMOCKA_MESSAGE_OUTPUT=TAP
shopt -s nullglob
for bin in "$build"/tests/unit/test_*; do
	[[ -f $bin && -x $bin ]] || continue
	run "unit/${bin##*/}" "$unit_timeout" "$bin"
done

bats_files=(tests/integration/*.bats)
if ((${#bats_files[@]})); then
	if command -v bats >/dev/null 2>&1; then
		run "bats" "$bats_timeout" bats --tap "${bats_files[@]}"
	else
		echo "bats not found: cannot run ${#bats_files[@]} integration test files" | tee -a "$log"
		failures+=("bats: not installed")
		failed=$((failed + 1))
	fi
fi

{
	echo
	echo "== summary (log: $log)"
	if ((skipped)); then
		echo "skipped:"
		printf '  %s\n' "${skips[@]}"
	fi
	if ((${#failures[@]})); then
		echo "failed:"
		printf '  %s\n' "${failures[@]}"
	fi
	((passed + failed + skipped)) || echo "no tests ran"
	echo "$passed passed, $failed failed, $skipped skipped"
} | tee -a "$log"

((failed == 0 && passed + failed + skipped > 0))
