#!/usr/bin/env bats
# pause, resume, ps, features.

load helpers
load container

setup() {
	require_engine
}

teardown() {
	[[ -z ${LONG_PID:-} ]] || kill "$LONG_PID" 2>/dev/null || true
	ctr_cleanup
}

@test "pause freezes the container (status paused), resume thaws it" {
	ctr_bundle sh -c 'while :; do date +%s%N > /dev/shm/t; sleep 0.05; done'
	rt run -d --bundle "$BUNDLE" "$CID" </dev/null >/dev/null
	run rt pause "$CID"
	[ "$status" -eq 0 ]
	[ "$(state_field "$CID" status)" = paused ]
	run rt pause "$CID"
	[ "$status" -eq 1 ]
	[[ $output == *"container is paused, not running"* ]]
	run rt resume "$CID"
	[ "$status" -eq 0 ]
	[ "$(state_field "$CID" status)" = running ]
	run rt resume "$CID"
	[ "$status" -eq 1 ]
}

@test "delete --force of a paused container leaves nothing" {
	ctr_bundle sleep 100
	rt run -d --bundle "$BUNDLE" "$CID" </dev/null >/dev/null
	CTR_PID=$(state_field "$CID" pid)
	rt pause "$CID"
	run rt delete --force "$CID"
	[ "$status" -eq 0 ]
	sleep 0.2
	assert_no_leftovers
}

@test "ps lists the container's processes, as a table and as JSON" {
	ctr_bundle sleep 100
	rt run -d --bundle "$BUNDLE" "$CID" </dev/null >/dev/null
	rt exec -d "$CID" sleep 77
	local init
	init=$(state_field "$CID" pid)
	run rt ps "$CID"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ ${lines[0]} == *PID*CMD* ]]
	[[ $output == *"sleep 100"* ]]
	[[ $output == *"sleep 77"* ]]
	[ "${#lines[@]}" -eq 3 ]
	run rt ps --format json "$CID"
	echo "$output" | /usr/bin/python3 -c 'import json,sys; p=json.load(sys.stdin); assert int(sys.argv[1]) in p and len(p)==2, p' "$init"
}

@test "ps: a host process with a command line longer than a page is not listed" {
	ctr_bundle sleep 100
	rt run -d --bundle "$BUNDLE" "$CID" </dev/null >/dev/null
	# words at every offset: whatever a reader cuts off at a fixed size, its next token is not a pid
	local long
	long=$(printf 'word %.0s' $(seq 1 3000))
	mkfifo "$BATS_TEST_TMPDIR/never"
	# a builtin waits, so the long command line is the only process to kill
	bash -c 'read -r -t 100 _' pf-long-cmdline $long <>"$BATS_TEST_TMPDIR/never" &
	LONG_PID=$!
	run rt ps "$CID"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ ${lines[0]} == *PID*CMD* ]]
	[[ $output == *"sleep 100"* ]]
	[[ $output != *word* ]]
	[ "${#lines[@]}" -eq 2 ]
}

@test "features is valid against the features schema and tells the truth" {
	rt features > "$BATS_TEST_TMPDIR/f.json"
	if [[ -f $OCI_SCHEMA/features-schema.json ]]; then
		schema_check features-schema.json "$BATS_TEST_TMPDIR/f.json"
	fi
	/usr/bin/python3 - "$BATS_TEST_TMPDIR/f.json" <<'PY'
import json, sys
f = json.load(open(sys.argv[1]))
assert f["ociVersionMax"] == "1.3.0"
assert sorted(f["linux"]["namespaces"]) == sorted(["mount", "pid", "network", "uts", "ipc", "user", "cgroup", "time"])
assert f["linux"]["mountExtensions"]["idmap"]["enabled"] is True
assert "rro" in f["mountOptions"] and "idmap" in f["mountOptions"]
assert f["linux"]["apparmor"]["enabled"] is False
last = int(open("/proc/sys/kernel/cap_last_cap").read())
assert len(f["linux"]["capabilities"]) == last + 1
PY
}

@test "events --stats prints one JSON object with cpu, memory and pids" {
	ctr_bundle sleep 100
	rt run -d --bundle "$BUNDLE" "$CID" </dev/null >/dev/null
	run rt events --stats "$CID"
	[ "$status" -eq 0 ]
	echo "$output" | /usr/bin/python3 -c 'import json,sys; e=json.loads(sys.stdin.read()); assert e["type"]=="stats" and e["id"]==sys.argv[1] and e["data"]["pids"]["current"]>=1 and e["data"]["memory"]["usage"]["usage"]>0, e' "$CID"
	rt kill "$CID" KILL
	for _ in $(seq 50); do [ "$(state_field "$CID" status)" = stopped ] && break; sleep 0.1; done
	run rt events --stats "$CID"
	[ "$status" -eq 1 ]
	[[ $output == *"container not running"* ]]
}
