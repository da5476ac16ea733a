#!/usr/bin/env bats
# create / start / state / kill / delete, and run: what runc users expect.

load helpers
load container

setup() {
	require_engine
}

teardown() {
	ctr_cleanup
}

@test "create parks init, start runs the process, delete removes everything" {
	ctr_bundle sh -c 'echo started > /tmp/out; sleep 100'
	config_edit 'c["root"]["readonly"] = False; c["mounts"].append({"destination": "/tmp", "type": "tmpfs", "source": "tmpfs"})'
	rt_detached create --bundle "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ "$(state_field "$CID" status)" = created ]
	CTR_PID=$(state_field "$CID" pid)
	kill -0 "$CTR_PID"
	[ "$(state_field "$CID" bundle)" = "$BUNDLE" ]
	[ "$(state_field "$CID" id)" = "$CID" ]

	run rt start "$CID"
	[ "$status" -eq 0 ]
	[ "$(state_field "$CID" status)" = running ]

	run rt delete "$CID"
	[ "$status" -eq 1 ]
	[[ $output == *"container is running (use --force)"* ]]

	run rt kill "$CID" KILL
	[ "$status" -eq 0 ]
	for _ in $(seq 50); do [ "$(state_field "$CID" status)" = stopped ] && break; sleep 0.1; done
	[ "$(state_field "$CID" status)" = stopped ]
	[ "$(state_field "$CID" pid)" = 0 ]

	run rt kill "$CID"
	[ "$status" -eq 1 ]
	[[ $output == *"container not running"* ]]

	run rt delete "$CID"
	[ "$status" -eq 0 ]
	assert_no_leftovers
}

@test "state JSON has the fields of the state schema plus created and rootfs" {
	ctr_bundle sleep 100
	rt create --bundle "$BUNDLE" "$CID" </dev/null >/dev/null
	rt state "$CID" > "$BATS_TEST_TMPDIR/state.json"
	/usr/bin/python3 - "$BATS_TEST_TMPDIR/state.json" "$CID" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
assert s["ociVersion"] == "1.3.0", s
assert s["id"] == sys.argv[2]
assert s["status"] == "created"
assert s["pid"] > 0
for k in ("bundle", "rootfs", "created"):
    assert k in s, k
PY
	if [[ -f $OCI_SCHEMA/state-schema.json ]]; then
		schema_check state-schema.json "$BATS_TEST_TMPDIR/state.json"
	fi
}

@test "run waits for the process and returns its exit status" {
	ctr_bundle sh -c 'exit 3'
	run rt run --bundle "$BUNDLE" "$CID"
	[ "$status" -eq 3 ]
	assert_no_leftovers
}

@test "run returns 128+N when the process is killed by signal N" {
	ctr_bundle sleep 100
	"$RUNTIME" --root "$STATE_ROOT" run --bundle "$BUNDLE" "$CID" &
	local runner=$!
	for _ in $(seq 50); do [ "$(state_field "$CID" status 2>/dev/null)" = running ] && break; sleep 0.1; done
	rt kill "$CID" KILL
	wait "$runner" || status=$?
	[ "${status:-0}" -eq 137 ]
	assert_no_leftovers
}

@test "run passes stdin, stdout and stderr through" {
	ctr_bundle sh -c 'read x; echo "out:$x"; echo "err:$x" >&2'
	run bash -c "echo hello | '$RUNTIME' --root '$STATE_ROOT' run --bundle '$BUNDLE' '$CID' 2>/dev/null"
	[ "$status" -eq 0 ]
	[ "$output" = "out:hello" ]
	run bash -c "echo hello | '$RUNTIME' --root '$STATE_ROOT' run --bundle '$BUNDLE' '$CID' 2>&1 >/dev/null"
	[ "$output" = "err:hello" ]
}

@test "run forwards SIGTERM to the container" {
	ctr_bundle sh -c 'trap "echo got-term; exit 7" TERM; while :; do sleep 0.1; done'
	"$RUNTIME" --root "$STATE_ROOT" run --bundle "$BUNDLE" "$CID" > "$BATS_TEST_TMPDIR/out" &
	local runner=$!
	for _ in $(seq 50); do [ "$(state_field "$CID" status 2>/dev/null)" = running ] && break; sleep 0.1; done
	sleep 0.3
	kill -TERM "$runner"
	wait "$runner" || status=$?
	[ "${status:-0}" -eq 7 ]
	grep -q got-term "$BATS_TEST_TMPDIR/out"
	assert_no_leftovers
}

@test "run --detach leaves the container running; delete --force removes it" {
	ctr_bundle sleep 100
	rt_detached run -d --bundle "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	[ "$(state_field "$CID" status)" = running ]
	CTR_PID=$(state_field "$CID" pid)
	run rt delete --force "$CID"
	[ "$status" -eq 0 ]
	sleep 0.1
	assert_no_leftovers
}

@test "run --keep keeps the stopped container until delete" {
	ctr_bundle true
	run rt run --keep --bundle "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	[ "$(state_field "$CID" status)" = stopped ]
	rt delete "$CID"
	assert_no_leftovers
}

@test "--pid-file holds init's pid" {
	ctr_bundle sleep 100
	rt create --pid-file "$BATS_TEST_TMPDIR/pid" --bundle "$BUNDLE" "$CID" </dev/null >/dev/null
	[ "$(cat "$BATS_TEST_TMPDIR/pid")" = "$(state_field "$CID" pid)" ]
}

@test "start of a running container, kill of an unknown one, delete --force of an unknown one" {
	ctr_bundle sleep 100
	rt run -d --bundle "$BUNDLE" "$CID" </dev/null >/dev/null
	run rt start "$CID"
	[ "$status" -eq 1 ]
	[[ $output == *"cannot start a container that is running"* ]]
	run rt kill nosuch-$$
	[ "$status" -eq 1 ]
	[[ $output == *"container nosuch-$$ does not exist"* ]]
	run rt delete --force nosuch-$$
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "a second create of the same ID fails and leaves the first intact" {
	ctr_bundle sleep 100
	rt create --bundle "$BUNDLE" "$CID" </dev/null >/dev/null
	rt_detached create --bundle "$BUNDLE" "$CID"
	[ "$status" -eq 1 ]
	[[ $output == *"container $CID already exists"* ]]
	[ "$(state_field "$CID" status)" = created ]
}

@test "concurrent creates of one ID: exactly one wins" {
	ctr_bundle sleep 100
	local i
	for i in 1 2 3 4 5; do
		"$RUNTIME" --root "$STATE_ROOT" create --bundle "$BUNDLE" "$CID" \
			> "$BATS_TEST_TMPDIR/c$i" 2>&1 &
	done
	local ok=0 fail=0
	for i in 1 2 3 4 5; do
		if wait %$i; then ok=$((ok + 1)); else fail=$((fail + 1)); fi
	done
	[ "$ok" -eq 1 ]
	[ "$fail" -eq 4 ]
	[ "$(state_field "$CID" status)" = created ]
	[ "$(ls "$STATE_ROOT")" = "$CID" ]
}

@test "a failed create leaves nothing behind" {
	ctr_bundle /no/such/binary
	rt_detached create --bundle "$BUNDLE" "$CID"
	[ "$status" -eq 1 ]
	[[ $output == "pflask-runtime: create $CID: "*"/no/such/binary"* ]]
	[ "$(echo "$output" | wc -l)" -eq 1 ]
	assert_no_leftovers
	[ -z "$(ls -A "$STATE_ROOT")" ]
}

@test "list shows containers in table and json formats" {
	ctr_bundle sleep 100
	rt create --bundle "$BUNDLE" "$CID" </dev/null >/dev/null
	run rt list
	[ "$status" -eq 0 ]
	[[ ${lines[0]} == "ID"*"PID"*"STATUS"*"BUNDLE"* ]]
	[[ ${lines[1]} == "$CID "*created*"$BUNDLE"* ]]
	run rt list -q
	[ "$output" = "$CID" ]
	run rt list --format json
	echo "$output" | /usr/bin/python3 -c 'import json,sys; l=json.load(sys.stdin); assert l[0]["id"]==sys.argv[1] and l[0]["status"]=="created"' "$CID"
}

@test "a pid reused after init died is not mistaken for the container" {
	ctr_bundle sleep 100
	rt run -d --bundle "$BUNDLE" "$CID" </dev/null >/dev/null
	# rewrite the recorded start time: the live pid no longer matches it
	/usr/bin/python3 - "$STATE_ROOT/$CID/state.json" <<'PY'
import json, sys
p = sys.argv[1]
r = json.load(open(p))
r["pidStartTime"] += 1
json.dump(r, open(p, "w"))
PY
	[ "$(state_field "$CID" status)" = stopped ]
	run rt kill "$CID"
	[ "$status" -eq 1 ]
}

@test "a corrupted state.json: clear error, delete --force still cleans up" {
	ctr_bundle sleep 100
	rt create --bundle "$BUNDLE" "$CID" </dev/null >/dev/null
	CTR_PID=$(state_field "$CID" pid)
	echo '{"state": ' > "$STATE_ROOT/$CID/state.json"
	run rt state "$CID"
	[ "$status" -eq 1 ]
	[[ $output == *"state.json: line"* ]]
	run rt delete --force "$CID"
	[ "$status" -eq 0 ]
	sleep 0.1
	assert_no_leftovers
}
