#!/usr/bin/env bats
# The bundle library against the runtime-spec's own schema examples (schema/test/KIND/{good,bad}):
# every good example parses, and what the library emits for it is valid to the schema, loses
# nothing but properties 1.3.0 no longer has, and emits the same bytes again; every bad example
# is refused with one line. tests/tools/pf-roundtrip is the parse-and-emit program.

load helpers

setup() {
	require_schema
	ROUNDTRIP=$TOOLS/pf-roundtrip
	[[ -x $ROUNDTRIP ]] || {
		echo "$ROUNDTRIP missing: run make tests" >&2
		return 1
	}
}

# dropped ORIGINAL EMITTED: print the JSON path of every property of ORIGINAL that EMITTED lacks;
# fails if EMITTED has anything ORIGINAL does not, or a different value.
dropped() {
	/usr/bin/python3 - "$1" "$2" <<'PY'
import json, sys

def walk(a, b, path):
    if isinstance(a, dict) and isinstance(b, dict):
        for k in b:
            if k not in a:
                sys.exit("%s.%s: emitted but not in the original" % (path, k))
        for k in a:
            if k in b:
                walk(a[k], b[k], "%s.%s" % (path, k))
            else:
                print("%s.%s" % (path, k))
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            walk(x, y, "%s[%d]" % (path, i))
    elif a != b or type(a) != type(b):
        sys.exit("%s: %r became %r" % (path or ".", a, b))

with open(sys.argv[1]) as f1, open(sys.argv[2]) as f2:
    walk(json.load(f1), json.load(f2), "")
PY
}

# check_good KIND: round-trip every good example of KIND.
check_good() {
	local kind=$1 f name out n=0
	for f in "$OCI_SCHEMA/test/$kind/good"/*.json; do
		name=${f##*/}
		out=$BATS_TEST_TMPDIR/$kind-$name
		echo "# $kind/good/$name"
		run "$ROUNDTRIP" "$kind" "$f"
		[ "$status" -eq 0 ]
		printf '%s\n' "$output" >"$out"

		run schema_check "$kind-schema.json" "$out"
		[ "$status" -eq 0 ]
		[ "$output" = "" ]

		# the only loss allowed: linux.resources.oomScoreAdj, gone from the schema (now process.oomScoreAdj)
		run dropped "$f" "$out"
		[ "$status" -eq 0 ]
		if [ "$kind/$name" = config/spec-example.json ]; then
			[ "$output" = ".linux.resources.oomScoreAdj" ]
		else
			[ "$output" = "" ]
		fi

		# emitting is a fixpoint
		run "$ROUNDTRIP" "$kind" "$out"
		[ "$status" -eq 0 ]
		[ "$output" = "$(cat "$out")" ]
		n=$((n + 1))
	done
	[ "$n" -gt 0 ]
}

# check_bad KIND: every bad example of KIND is refused with one line, and the schema agrees.
check_bad() {
	local kind=$1 f name n=0
	for f in "$OCI_SCHEMA/test/$kind/bad"/*.json; do
		name=${f##*/}
		echo "# $kind/bad/$name"
		run "$ROUNDTRIP" "$kind" "$f"
		[ "$status" -eq 1 ]
		[ "${#lines[@]}" -eq 1 ]
		[[ "${lines[0]}" == "pf-roundtrip: $name: "* ]]
		run bash -c '"$1" "$2" "$3" 2>/dev/null' _ "$ROUNDTRIP" "$kind" "$f"
		[ "$output" = "" ]

		run schema_check "$kind-schema.json" "$f"
		[ "$status" -eq 1 ]
		n=$((n + 1))
	done
	[ "$n" -gt 0 ]
}

@test "good config examples round-trip and stay valid to config-schema.json" {
	check_good config
}

@test "good state examples round-trip and stay valid to state-schema.json" {
	check_good state
}

@test "good features examples round-trip and stay valid to features-schema.json" {
	check_good features
}

@test "bad config examples are refused with one line" {
	check_bad config
}

@test "bad state examples are refused with one line" {
	check_bad state
}

@test "bad features examples are refused with one line" {
	check_bad features
}

@test "bad examples are refused for the reason the schema gives" {
	local t=$OCI_SCHEMA/test
	run "$ROUNDTRIP" config "$t/config/bad/invalid-json.json"
	[ "$output" = "pf-roundtrip: invalid-json.json: line 1, column 2: invalid object key (must be a string)" ]
	run "$ROUNDTRIP" config "$t/config/bad/linux-hugepage.json"
	[ "$output" = 'pf-roundtrip: linux-hugepage.json: .linux.resources.hugepageLimits[0].pageSize: "64kB" is not a valid page size like "2MB"' ]
	run "$ROUNDTRIP" config "$t/config/bad/linux-netdevice.json"
	[ "$output" = "pf-roundtrip: linux-netdevice.json: .linux.netDevices.eth0.name: expected a string, got a number" ]
	run "$ROUNDTRIP" config "$t/config/bad/linux-rdma.json"
	[ "$output" = "pf-roundtrip: linux-rdma.json: .linux.resources.rdma.mlx5_1.hcaHandles: expected an integer, got a string" ]
	run "$ROUNDTRIP" features "$t/features/bad/missing-ociVersionMax.json"
	[ "$output" = "pf-roundtrip: missing-ociVersionMax.json: .ociVersionMax: required property is missing" ]
}

@test "schema-check.py reports each schema error on one line with its JSON path" {
	printf '%s\n' '{"ociVersion": "1.3.0", "root": {"path": "rootfs"},' \
		' "linux": {"namespaces": [{"type": "bogus"}], "uidMappings": [{"containerID": -1, "hostID": 0, "size": 1}]}}' \
		>"$BATS_TEST_TMPDIR/config.json"
	run schema_check config-schema.json "$BATS_TEST_TMPDIR/config.json"
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 2 ]
	[ "${lines[0]}" = "$BATS_TEST_TMPDIR/config.json: .linux.namespaces[0]: {'type': 'bogus'} is not valid under any of the given schemas" ]
	[ "${lines[1]}" = "$BATS_TEST_TMPDIR/config.json: .linux.uidMappings[0].containerID: -1 is less than the minimum of 0" ]
}
