#!/usr/bin/env bats
# process.terminal: the pty through --console-socket (as conmon and containerd use it), and
# the foreground run's own pty proxy.

load helpers
load container

setup() {
	require_engine
	ctr_bundle
	config_edit 'c["process"]["terminal"] = True'
}

teardown() {
	[[ -n ${LISTENER:-} ]] && kill "$LISTENER" 2>/dev/null
	ctr_cleanup
}

# console_listener SOCKET OUT: accepts one pty master, types a command into it and copies
# what comes back into OUT.
console_listener() {
	/usr/bin/python3 - "$1" "$2" <<'PY' &
import os, socket, sys, time
path, out = sys.argv[1], sys.argv[2]
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(path)
srv.listen(1)
conn, _ = srv.accept()
msg, fds, _, _ = socket.recv_fds(conn, 1024, 1)
master = fds[0]
os.write(master, b"tty; echo marker-$((6*7)); exit\n")
data = b""
deadline = time.time() + 10
while time.time() < deadline:
    try:
        chunk = os.read(master, 4096)
    except OSError:
        break
    if not chunk:
        break
    data += chunk
open(out, "wb").write(data)
PY
	LISTENER=$!
	for _ in $(seq 50); do [[ -S $1 ]] && return 0; sleep 0.1; done
	return 1
}

@test "create --console-socket sends the pty master; the process has a terminal" {
	local sock=$BATS_TEST_TMPDIR/console.sock out=$BATS_TEST_TMPDIR/console.out
	console_listener "$sock" "$out"
	rt_detached create --console-socket "$sock" --bundle "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	rt start "$CID"
	wait "$LISTENER"
	LISTENER=
	grep -q "marker-42" "$out"
	grep -q "/dev/console\|/dev/pts/0" "$out"
}

@test "a terminal without --console-socket is refused for create" {
	rt_detached create --bundle "$BUNDLE" "$CID"
	[ "$status" -eq 1 ]
	[[ $output == *"process.terminal needs --console-socket"* ]]
	assert_no_leftovers
}

@test "run in the foreground proxies the pty to a terminal" {
	require_cmd script
	config_edit 'c["process"]["args"] = ["sh", "-c", "tty; stty size; exit 5"]'
	run script -qec "stty cols 91 rows 33; '$RUNTIME' --root '$STATE_ROOT' run --bundle '$BUNDLE' '$CID'" /dev/null
	[ "$status" -eq 5 ]
	[[ $output == *"/dev/pts/0"* ]]
	[[ $output == *"33 91"* ]]
	assert_no_leftovers
}
