#!/usr/bin/env bats
# The six hook kinds: order, state on stdin, failure rules.

load helpers
load container

setup() {
	require_engine
	ctr_bundle true
	HOOK=$BATS_TEST_TMPDIR/hook
	LOG=$BATS_TEST_TMPDIR/log
	cat > "$HOOK" <<-EOS
	#!/bin/sh
	status=\$(sed -n 's/.*"status": *"\([a-z]*\)".*/\1/p')
	echo "\$1 \$status" >> $LOG
	exit \${2:-0}
	EOS
	chmod +x "$HOOK"
}

teardown() {
	ctr_cleanup
}

hooks_config() {
	/usr/bin/python3 - "$BUNDLE/config.json" "$HOOK" "$@" <<'PY'
import json, sys
p, hook, fail = sys.argv[1], sys.argv[2], (sys.argv[3] if len(sys.argv) > 3 else "")
c = json.load(open(p))
c["hooks"] = {k: [{"path": hook, "args": ["hook", k, "3" if k == fail else "0"]}]
              for k in ("prestart", "createRuntime", "createContainer", "poststart", "poststop")}
# startContainer runs inside the container: its path resolves there, and it logs through a bind
c["hooks"]["startContainer"] = [{"path": "/bin/sh", "args": ["sh", "-c", "cat >/dev/null; echo startContainer >> /hooklog/log"]}]
c["mounts"].append({"destination": "/hooklog", "source": sys.argv[2].rsplit("/", 1)[0], "options": ["bind"]})
json.dump(c, open(p, "w"))
PY
}

@test "every hook kind runs once, in the lifecycle's order, with the state on stdin" {
	hooks_config
	run rt run --bundle "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	run cat "$LOG"
	[ "${lines[0]}" = "prestart creating" ]
	[ "${lines[1]}" = "createRuntime creating" ]
	[ "${lines[2]}" = "createContainer creating" ]
	[ "${lines[3]%% *}" = startContainer ]
	[ "${lines[4]}" = "poststart running" ]
	[ "${lines[5]}" = "poststop stopped" ]
	[ "${#lines[@]}" -eq 6 ]
}

@test "a failing createRuntime hook fails create and leaves nothing" {
	hooks_config createRuntime
	rt_detached create --bundle "$BUNDLE" "$CID"
	[ "$status" -eq 1 ]
	[[ $output == *"hook createRuntime[0] $HOOK: exited with status 3"* ]]
	assert_no_leftovers
}

@test "a failing poststop hook is a warning: delete still succeeds" {
	hooks_config poststop
	run rt run --bundle "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	[[ $output == *"warning: hook poststop[0]"* ]]
	assert_no_leftovers
}

@test "a hook that outlives its timeout is killed and fails" {
	config_edit 'c["hooks"] = {"createRuntime": [{"path": "/bin/sleep", "args": ["sleep", "30"], "timeout": 1}]}'
	SECONDS=0
	rt_detached create --bundle "$BUNDLE" "$CID"
	[ "$status" -eq 1 ]
	[ "$SECONDS" -lt 10 ]
	[[ $output == *"timed out"* ]]
	assert_no_leftovers
}
