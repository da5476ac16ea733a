#!/usr/bin/env bats
# podman (Debian's) with --runtime pflask-runtime: the commands people use every day.

load helpers

setup_file() {
	[[ $(id -u) -eq 0 ]] || skip "needs root"
	command -v podman >/dev/null || skip "needs podman (apt-get install podman)"
	# podman refuses a runroot longer than 50 characters
	PMROOT=$(mktemp -d /tmp/pfpm.XXXXXX)
	export PMROOT
	pm() {
		podman --root "$PMROOT/root" --runroot "$PMROOT/runroot" --cgroup-manager=cgroupfs \
			--events-backend=file --runtime "$RUNTIME" "$@"
	}
	tar -C "$ROOTFS" -c . | pm import - localhost/pflask-busybox:test >/dev/null
	# the --userns=auto test needs podman's "containers" subordinate range
	if ! grep -q "^containers:" /etc/subuid 2>/dev/null; then
		echo "containers:2147483647:65536" >> /etc/subuid
		echo "containers:2147483647:65536" >> /etc/subgid
		touch "$PMROOT/added-subid"
	fi
}

teardown_file() {
	[[ -n ${PMROOT:-} ]] || return 0
	podman --root "$PMROOT/root" --runroot "$PMROOT/runroot" --cgroup-manager=cgroupfs \
		--events-backend=file --runtime "$RUNTIME" rm -af -t 0 >/dev/null 2>&1 || true
	podman --root "$PMROOT/root" --runroot "$PMROOT/runroot" --cgroup-manager=cgroupfs \
		--events-backend=file system reset -f >/dev/null 2>&1 || true
	# containers podman left in the runtime's state (a test that failed halfway)
	local id
	for id in $("$RUNTIME" list -q 2>/dev/null); do
		"$RUNTIME" state "$id" 2>/dev/null | grep -q "\"$PMROOT/" &&
			"$RUNTIME" delete --force "$id" >/dev/null 2>&1
	done
	# podman's own parent cgroup, made by these tests
	rmdir /sys/fs/cgroup/*/libpod_parent/conmon /sys/fs/cgroup/*/libpod_parent 2>/dev/null || true
	if [[ -f $PMROOT/added-subid ]]; then
		sed -i '/^containers:2147483647:65536$/d' /etc/subuid /etc/subgid
	fi
	rm -rf "$PMROOT"
}

setup() {
	[[ $(id -u) -eq 0 ]] || skip "needs root"
	command -v podman >/dev/null || skip "needs podman"
	IMG=localhost/pflask-busybox:test
	# podman's default RLIMIT_NOFILE (1048576) is above this machine's hard limit, which
	# cannot be raised without CAP_SYS_RESOURCE
	# --network none: no bridge or veth of podman's is left on this machine
	U=(--network none --ulimit nofile=20000:20000 --ulimit nproc=1000:1000)
}

pm() {
	podman --root "$PMROOT/root" --runroot "$PMROOT/runroot" --cgroup-manager=cgroupfs \
		--events-backend=file --runtime "$RUNTIME" "$@"
}

@test "podman run --rm" {
	run pm run --rm "${U[@]}" "$IMG" sh -c 'echo hello; id -u'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = hello ]
	[ "${lines[1]}" = 0 ]
}

@test "podman run returns the exit status" {
	run pm run --rm "${U[@]}" "$IMG" sh -c 'exit 7'
	[ "$status" -eq 7 ]
}

@test "podman run -d, exec, top, stop honouring SIGTERM, rm" {
	local id
	id=$(pm run -d "${U[@]}" "$IMG" sh -c 'trap "exit 0" TERM; while :; do sleep 0.1; done')
	run pm exec "$id" sh -c 'echo in-exec; hostname'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = in-exec ]
	run pm top "$id"
	[ "$status" -eq 0 ]
	[[ $output == *"sh -c"* ]]
	SECONDS=0
	run pm stop -t 20 "$id"
	[ "$status" -eq 0 ]
	[ "$SECONDS" -lt 10 ]
	run pm inspect --format '{{.State.ExitCode}}' "$id"
	[ "$output" = 0 ]
	run pm rm "$id"
	[ "$status" -eq 0 ]
}

@test "podman exec -t and run -t give a terminal" {
	require_cmd script
	local id
	id=$(pm run -d "${U[@]}" "$IMG" sleep 1000)
	run script -qec "podman --root '$PMROOT/root' --runroot '$PMROOT/runroot' --cgroup-manager=cgroupfs --events-backend=file --runtime '$RUNTIME' exec -t $id tty" /dev/null
	[ "$status" -eq 0 ]
	[[ $output == *"/dev/pts/"* ]]
	run script -qec "podman --root '$PMROOT/root' --runroot '$PMROOT/runroot' --cgroup-manager=cgroupfs --events-backend=file --runtime '$RUNTIME' run --rm -t --network none --ulimit nofile=20000:20000 --ulimit nproc=1000:1000 $IMG sh -c 'tty; exit 3'" /dev/null
	[ "$status" -eq 3 ]
	[[ $output == *"/dev/pts/0"* ]]
	pm rm -f -t 0 "$id"
}

@test "podman pause and unpause" {
	local id
	id=$(pm run -d "${U[@]}" "$IMG" sleep 1000)
	run pm pause "$id"
	[ "$status" -eq 0 ]
	[ "$(pm inspect --format '{{.State.Status}}' "$id")" = paused ]
	run pm unpause "$id"
	[ "$status" -eq 0 ]
	[ "$(pm inspect --format '{{.State.Status}}' "$id")" = running ]
	pm rm -f -t 0 "$id"
}

@test "podman kill and rm -f" {
	local id
	id=$(pm run -d "${U[@]}" "$IMG" sleep 1000)
	run pm kill "$id"
	[ "$status" -eq 0 ]
	run pm wait "$id"
	[ "$output" = 137 ]
	id=$(pm run -d "${U[@]}" "$IMG" sleep 1000)
	run pm rm -f -t 0 "$id"
	[ "$status" -eq 0 ]
	[ -z "$(ls /run/pflask 2>/dev/null | grep "$id")" ]
}

@test "podman --read-only and --cap-drop" {
	run pm run --rm "${U[@]}" --read-only "$IMG" sh -c 'touch /x 2>/dev/null && echo rw || echo ro'
	[ "$output" = ro ]
	run pm run --rm "${U[@]}" --cap-drop all --cap-add CAP_KILL "$IMG" grep CapEff /proc/self/status
	[[ $output == *"0000000000000020"* ]]
}

@test "podman --memory, --pids-limit, --cpus reach the cgroup" {
	run pm run --rm "${U[@]}" --memory 64m --pids-limit 42 --cpus 0.5 "$IMG" sh -c \
		'cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/cpu/cpu.cfs_period_us 2>/dev/null || cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/pids.max /sys/fs/cgroup/cpu.max'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 67108864 ]
	[ "${lines[1]}" = 42 ]
	[ "${lines[2]}" = 50000 ]
	[ "${lines[3]}" = 100000 ]
}

@test "podman --security-opt seccomp with the default profile" {
	[[ -f /usr/share/containers/seccomp.json ]] || skip "no /usr/share/containers/seccomp.json (containers-common)"
	# chroot(2) is allowed by the profile only to holders of CAP_SYS_CHROOT, which we drop
	run pm run --rm "${U[@]}" --cap-drop CAP_SYS_CHROOT --security-opt seccomp=/usr/share/containers/seccomp.json "$IMG" sh -c 'grep Seccomp: /proc/self/status; chroot / true 2>&1 || echo refused'
	[ "$status" -eq 0 ]
	[[ ${lines[0]} == *"Seccomp:	2"* ]]
	[[ $output == *refused* ]]
}

@test "podman --userns=auto" {
	grep -q "^containers:" /etc/subuid 2>/dev/null || skip "no 'containers' range in /etc/subuid for --userns=auto"
	run pm run --rm "${U[@]}" --userns=auto "$IMG" cat /proc/self/uid_map
	[ "$status" -eq 0 ]
	[[ ! $output =~ ^\ +0\ +0\  ]]
}
