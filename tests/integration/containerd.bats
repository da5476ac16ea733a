#!/usr/bin/env bats
# containerd (Debian's) with its runc shim driving pflask-runtime (ctr run --runc-binary).

load helpers

setup_file() {
	[[ $(id -u) -eq 0 ]] || skip "needs root"
	command -v containerd >/dev/null || skip "needs containerd (apt-get install containerd)"
	command -v podman >/dev/null || skip "needs podman to build the image archive"
	export CDDIR=$BATS_FILE_TMPDIR/containerd
	mkdir -p "$CDDIR"
	cat > "$CDDIR/config.toml" <<-EOT
	version = 2
	root = "$CDDIR/root"
	state = "$CDDIR/state"
	[grpc]
	  address = "$CDDIR/containerd.sock"
	[plugins."io.containerd.grpc.v1.cri"]
	  disable_tcp_service = true
	EOT
	containerd --config "$CDDIR/config.toml" > "$CDDIR/log" 2>&1 &
	echo $! > "$CDDIR/pid"
	for _ in $(seq 50); do [[ -S $CDDIR/containerd.sock ]] && break; sleep 0.1; done
	# podman refuses a runroot longer than 50 characters
	local pmroot
	pmroot=$(mktemp -d /tmp/pfpm.XXXXXX)
	tar -C "$ROOTFS" -c . | podman --root "$pmroot/root" --runroot "$pmroot/runroot" \
		--cgroup-manager=cgroupfs --events-backend=file import - localhost/pflask-busybox:test >/dev/null
	podman --root "$pmroot/root" --runroot "$pmroot/runroot" --cgroup-manager=cgroupfs \
		--events-backend=file save --format oci-archive -o "$CDDIR/img.tar" localhost/pflask-busybox:test >/dev/null 2>&1
	podman --root "$pmroot/root" --runroot "$pmroot/runroot" --cgroup-manager=cgroupfs \
		--events-backend=file system reset -f >/dev/null 2>&1 || true
	rm -rf "$pmroot"
	ctr --address "$CDDIR/containerd.sock" images import --base-name localhost/pflask-busybox "$CDDIR/img.tar" >/dev/null
}

teardown_file() {
	[[ -n ${CDDIR:-} && -f $CDDIR/pid ]] || return 0
	local c
	for c in $(ctr --address "$CDDIR/containerd.sock" containers ls -q 2>/dev/null); do
		ctr --address "$CDDIR/containerd.sock" task kill -s SIGKILL "$c" >/dev/null 2>&1
		sleep 0.2
		ctr --address "$CDDIR/containerd.sock" task rm -f "$c" >/dev/null 2>&1
		ctr --address "$CDDIR/containerd.sock" containers rm "$c" >/dev/null 2>&1
	done
	kill "$(cat "$CDDIR/pid")" 2>/dev/null
	sleep 0.5
	# containerd's snapshots are overlay mounts under its root while tasks run; none now
	grep -o " $CDDIR[^ ]*" /proc/self/mountinfo | xargs -r -n1 umount -l 2>/dev/null || true
	rmdir /sys/fs/cgroup/*/default 2>/dev/null || true
}

setup() {
	[[ $(id -u) -eq 0 ]] || skip "needs root"
	command -v containerd >/dev/null || skip "needs containerd"
	IMG=localhost/pflask-busybox:test
	NAME=pfc-$BATS_TEST_NUMBER-$$
}

c() {
	ctr --address "$CDDIR/containerd.sock" "$@"
}

teardown() {
	c task kill -s SIGKILL "$NAME" >/dev/null 2>&1 || true
	sleep 0.2
	c task rm -f "$NAME" >/dev/null 2>&1 || true
	c containers rm "$NAME" >/dev/null 2>&1 || true
}

@test "ctr run --rm with the pflask-runtime binary" {
	run c run --rm --runc-binary "$RUNTIME" "$IMG" "$NAME" sh -c 'echo hello; id -u'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = hello ]
	[ "${lines[1]}" = 0 ]
}

@test "ctr run: exit status" {
	run c run --rm --runc-binary "$RUNTIME" "$IMG" "$NAME" sh -c 'exit 5'
	[ "$status" -eq 5 ]
}

@test "ctr task exec, ps, pause, resume, kill, rm" {
	c run -d --runc-binary "$RUNTIME" "$IMG" "$NAME" sleep 1000
	run c task exec --exec-id e1 "$NAME" sh -c 'echo in-exec'
	[ "$status" -eq 0 ]
	[ "$output" = in-exec ]
	run c task ps "$NAME"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	run c task pause "$NAME"
	[ "$status" -eq 0 ]
	[[ $(c task ls) == *"$NAME"*PAUSED* ]]
	run c task resume "$NAME"
	[ "$status" -eq 0 ]
	[[ $(c task ls) == *"$NAME"*RUNNING* ]]
	run c task kill -s SIGKILL "$NAME"
	[ "$status" -eq 0 ]
	for _ in $(seq 50); do [[ $(c task ls) == *STOPPED* ]] && break; sleep 0.1; done
	run c task rm "$NAME"
	[ "$status" -eq 0 ]
	[ -z "$(find /sys/fs/cgroup -maxdepth 4 -name "$NAME" 2>/dev/null || true)" ]
}

@test "an error in the runtime reaches ctr intact through --log-format json" {
	run c run --rm --runc-binary "$RUNTIME" "$IMG" "$NAME" /no/such/program
	[ "$status" -ne 0 ]
	[[ $output == *"/no/such/program"* ]]
}
