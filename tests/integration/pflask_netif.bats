#!/usr/bin/env bats
# pflask --netif of every type and --cgroup, run for real. Interfaces live only on this
# machine; every one made here is removed in teardown.

load helpers

setup() {
	[[ $(id -u) -eq 0 ]] || skip "needs root"
	[[ -x $PFLASK ]] || skip "no $PFLASK"
	N=$$
	OUT=pfo$N
	M0=pfm$N
	M1=pfn$N
}

teardown() {
	local l
	for l in "$OUT" "$M0" "$M1"; do
		ip link del "$l" 2>/dev/null || true
	done
}

no_link() {
	! ip link show "$1" >/dev/null 2>&1
}

@test "pflask --netif alone: only lo, and it is up" {
	run "$PFLASK" --chroot="$ROOTFS" --netif -- sh -c 'ls /sys/class/net; cat /sys/class/net/lo/operstate'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = lo ]
	[ "${lines[1]}" = unknown ]
}

@test "pflask --netif=veth: the inside end in the container, the outside on the host while it runs" {
	run "$PFLASK" --chroot="$ROOTFS" --netif=veth:$OUT:eth0 -- sh -c "ls /sys/class/net | tr '\n' ' '; ip link show $OUT >/dev/null 2>&1 || echo not-inside"
	[ "$status" -eq 0 ]
	[[ $output == *"eth0 lo"* ]]
	[[ $output == *not-inside* ]]
	for _ in $(seq 50); do no_link "$OUT" && break; sleep 0.1; done
	no_link "$OUT"
}

@test "pflask --netif=veth: the outside end exists on the host during the run" {
	"$PFLASK" --chroot="$ROOTFS" --netif=veth:$OUT:eth0 -- sleep 2 &
	local p=$!
	for _ in $(seq 50); do ip link show "$OUT" >/dev/null 2>&1 && break; sleep 0.1; done
	ip link show "$OUT" >/dev/null
	wait "$p"
	for _ in $(seq 50); do no_link "$OUT" && break; sleep 0.1; done
	no_link "$OUT"
}

@test "pflask --netif=macvlan on a host veth end as master" {
	ip link add "$M0" type veth peer name "$M1"
	run "$PFLASK" --chroot="$ROOTFS" --netif=macvlan:$M0:mv0 -- sh -c 'ls /sys/class/net | tr "\n" " "'
	[ "$status" -eq 0 ]
	[[ $output == *"lo mv0"* ]]
}

@test "pflask --netif=ipvlan: this kernel has none: one line, nothing left" {
	ip link add "$M0" type veth peer name "$M1"
	run "$PFLASK" --chroot="$ROOTFS" --name=pfip-$N --netif=ipvlan:$M0:ipv0 -- true
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ $output == *"ipvlan: not supported by this kernel"* ]]
	[ ! -e /run/pflask/pfip-$N ]
	[ -z "$(find /sys/fs/cgroup -maxdepth 4 -name "pfip-$N" 2>/dev/null || true)" ]
}

@test "pflask --netif=DEV:NAME moves a host interface in, renamed and up" {
	ip link add "$M0" type veth peer name "$M1"
	run "$PFLASK" --chroot="$ROOTFS" --netif=$M0:inner0 -- sh -c 'cat /sys/class/net/inner0/operstate'
	[ "$status" -eq 0 ]
	[[ $output == up || $output == lowerlayerdown ]]
	# the container's network namespace is gone, and a veth end with it (its peer too)
	for _ in $(seq 50); do no_link "$M1" && break; sleep 0.1; done
	no_link "$M1"
}

@test "pflask --cgroup=memory: the container has its own memory cgroup, removed at exit" {
	run "$PFLASK" --chroot="$ROOTFS" --name=pfcg-$N --cgroup=memory -- cat /proc/self/cgroup
	[ "$status" -eq 0 ]
	[[ $output == *"memory:/"* ]]
	[ -z "$(find /sys/fs/cgroup -maxdepth 4 -name "pfcg-$N" 2>/dev/null || true)" ]
	run "$PFLASK" --chroot="$ROOTFS" --cgroup=nosuchctl -- true
	[ "$status" -eq 1 ]
	[[ $output == *"nosuchctl"*"no such cgroup controller"* ]]
}
