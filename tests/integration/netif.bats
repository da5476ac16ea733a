#!/usr/bin/env bats
# `pflask-runtime netif` as a createRuntime hook, and linux.netDevices: links made in or moved
# into the container's network namespace, and none of them left on the host afterwards.
#
# Everything stays on this machine: the only "hardware" is veth pairs made here, and the
# addresses are from 192.0.2.0/24 and 2001:db8::/32 (documentation ranges).

load helpers
load container

setup() {
	require_engine
	require_cmd ip nsenter
	# names made on the host: the prefix, then two bytes (15 at most)
	N=nif$(($$ % 100000))
	ctr_bundle sleep 1000
}

teardown() {
	local l
	runc --root "$BATS_TEST_TMPDIR/runc" delete --force "$CID" >/dev/null 2>&1 || true
	ctr_cleanup
	for l in $(host_links); do
		ip link del "$l" 2>/dev/null || true
	done
}

# host_links: this test's interfaces on the host.
host_links() {
	ip -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' | grep "^$N" || true
}

# wait_gone LINK: the links of a network namespace go with it, but after it is freed (the
# kernel's cleanup_net runs later, from a workqueue).
wait_gone() {
	local i
	for i in $(seq 50); do
		ip link show "$1" >/dev/null 2>&1 || return 0
		sleep 0.1
	done
	echo "$1 is still on the host" >&2
	return 1
}

# netif_hook SPEC...: a createRuntime hook running `pflask-runtime netif SPEC...`.
netif_hook() {
	local args
	args=$(/usr/bin/python3 -c 'import json,sys; print(json.dumps(["pflask-runtime", "netif"] + sys.argv[1:]))' "$@")
	config_edit "c.setdefault('hooks', {})['createRuntime'] = [{'path': '$RUNTIME', 'args': $args}]"
}

# in_ctr CMD...: CMD (from the host) in the network namespace of the running $CID.
in_ctr() {
	nsenter -t "$(state_field "$CID" pid)" -n "$@"
}

# one_line: $output is exactly one line.
one_line() {
	[ "$(printf '%s\n' "$output" | wc -l)" -eq 1 ] || {
		echo "expected one line, got: $output" >&2
		return 1
	}
}

@test "netif lo as a createRuntime hook: lo is up inside" {
	ctr_run ip -o link show lo
	[ "$status" -eq 0 ]
	[[ $output == *"<LOOPBACK>"* ]] # down without the hook
	netif_hook lo
	ctr_run ip -o link show lo
	[ "$status" -eq 0 ]
	[[ $output == *"<LOOPBACK,UP,LOWER_UP>"* ]]
	assert_no_leftovers
}

@test "netif veth: the inside end in the container, the outside end up on the host until delete" {
	netif_hook lo "veth:${N}v0:eth0"
	rt_detached run -d --bundle "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	run in_ctr ip -o link show eth0
	[ "$status" -eq 0 ]
	[[ $output == *"eth0@"*"state DOWN"* ]] # no further configuration
	run ip -o link show "${N}v0"
	[ "$status" -eq 0 ]
	[[ $output == *",UP"* ]]
	rt delete --force "$CID"
	wait_gone "${N}v0"
	assert_no_leftovers
}

@test "netif veth: a name taken on the host fails create and leaves nothing" {
	ip link add "${N}v0" type veth peer name "${N}v1"
	netif_hook "veth:${N}v0:eth0"
	rt_detached create --bundle "$BUNDLE" "$CID"
	[ "$status" -eq 1 ]
	one_line
	[[ $output == *"hook createRuntime[0] $RUNTIME: exited with status 1: netif veth:${N}v0:eth0: create veth ${N}v0: File exists" ]]
	assert_no_leftovers
	[ "$(host_links | sort | tr '\n' ' ')" = "${N}v0 ${N}v1 " ]
}

@test "netif macvlan on a host veth end: made in the container in bridge mode" {
	ip link add "${N}m0" type veth peer name "${N}m1"
	netif_hook "macvlan:${N}m0:mv0"
	rt_detached run -d --bundle "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	run in_ctr ip -d -o link show mv0
	[ "$status" -eq 0 ]
	[[ $output == *"macvlan mode bridge"* ]]
	rt delete --force "$CID"
	assert_no_leftovers
	[ "$(host_links | sort | tr '\n' ' ')" = "${N}m0 ${N}m1 " ]
}

@test "netif ipvlan on a kernel without ipvlan: create fails with one line and leaves nothing" {
	ip link add "${N}m0" type veth peer name "${N}m1"
	if ip link add link "${N}m0" name "${N}i0" type ipvlan 2>/dev/null; then
		skip "this kernel has ipvlan"
	fi
	netif_hook lo "ipvlan:${N}m0:iv0"
	rt_detached create --bundle "$BUNDLE" "$CID"
	[ "$status" -eq 1 ]
	one_line
	[ "$output" = "pflask-runtime: create $CID: hook createRuntime[0] $RUNTIME: exited with status 1: netif ipvlan:${N}m0:iv0: ipvlan: not supported by this kernel" ]
	assert_no_leftovers
	[ "$(host_links | sort | tr '\n' ' ')" = "${N}m0 ${N}m1 " ]
}

@test "netDevices: a host device moves in renamed, up, with its addresses; gone after delete" {
	ip link add "${N}d0" type veth peer name "${N}d1"
	ip address add 192.0.2.7/24 dev "${N}d0"
	ip address add 2001:db8::7/64 dev "${N}d0" nodad
	ip link set "${N}d1" up
	config_edit "c['linux']['netDevices'] = {'${N}d0': {'name': 'ctr0'}}"
	rt_detached run -d --bundle "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	run ip link show "${N}d0"
	[ "$status" -ne 0 ]
	run in_ctr ip -o link show ctr0
	[ "$status" -eq 0 ]
	[[ $output == *"ctr0@"*"<"*",UP,"*"state UP"* ]]
	run in_ctr ip -o address show ctr0
	[[ $output == *"inet 192.0.2.7/24 "*"scope global"* ]]
	[[ $output == *"inet6 2001:db8::7/64 scope global nodad"* ]]
	rt delete --force "$CID"
	# a veth end is destroyed with the namespace, and its peer with it
	wait_gone "${N}d1"
	assert_no_leftovers
	[ -z "$(host_links)" ]
}

@test "netDevices: a name template, and a name kept" {
	ip link add "${N}d0" type veth peer name "${N}d1"
	config_edit "c['linux']['netDevices'] = {'${N}d0': {'name': 'net%d'}, '${N}d1': {}}"
	rt_detached run -d --bundle "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	run in_ctr ip -o link show
	[[ $output == *" net0@${N}d1: "* ]]
	[[ $output == *" ${N}d1@net0: "* ]]
	rt delete --force "$CID"
	wait_gone "${N}d1"
	assert_no_leftovers
}

@test "netDevices: a missing device fails create; one moved before it goes back as it was" {
	ip link add "${N}d0" type veth peer name "${N}d1"
	ip address add 192.0.2.9/24 dev "${N}d0"
	ip link set "${N}d0" up
	config_edit "c['linux']['netDevices'] = {'${N}d0': {'name': 'ctr0'}, '${N}zz': {}}"
	rt_detached create --bundle "$BUNDLE" "$CID"
	[ "$status" -eq 1 ]
	one_line
	[ "$output" = "pflask-runtime: create $CID: linux.netDevices \"${N}zz\": no such device on the host" ]
	assert_no_leftovers
	run ip -o address show "${N}d0"
	[[ $output == *"inet 192.0.2.9/24 "* ]]
	run ip -o link show "${N}d0"
	[[ $output == *",UP"* ]]
	[ "$(host_links | sort | tr '\n' ' ')" = "${N}d0 ${N}d1 " ]
}

@test "netif: a bad operand is one line and changes nothing" {
	run "$RUNTIME" netif --pid $$ lo "veth:${N}v0"
	[ "$status" -eq 1 ]
	[ "$output" = "pflask-runtime: netif veth:${N}v0: expected veth:OUTSIDE:INSIDE" ]
	run "$RUNTIME" netif --pid $$ "macvlan:eth0:thisnameistoolong"
	[ "$status" -eq 1 ]
	[ "$output" = "pflask-runtime: netif macvlan:eth0:thisnameistoolong: name \"thisnameistoolong\" is longer than 15 bytes" ]
	run "$RUNTIME" netif --pid $$ "bridge:a:b"
	[ "$status" -eq 1 ]
	[ "$output" = "pflask-runtime: netif bridge:a:b: \"bridge:a:b\" is not lo, veth:OUTSIDE:INSIDE, macvlan:MASTER:NAME or ipvlan:MASTER:NAME" ]
	run "$RUNTIME" netif --pid $$ lo
	[ "$status" -eq 1 ]
	[ "$output" = "pflask-runtime: netif lo: the container has no network namespace of its own" ]
	run "$RUNTIME" netif lo </dev/null
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ $output == "pflask-runtime: netif: the state on stdin: "* ]]
	[ -z "$(host_links)" ]
}

@test "netif as runc's createRuntime hook" {
	require_cmd runc
	# runc refuses a symlinked rootfs
	rm "$BUNDLE/rootfs"
	cp -a "$ROOTFS" "$BUNDLE/rootfs"
	netif_hook lo "veth:${N}v0:eth0"
	config_edit "c['process']['args'] = ['sh', '-c', 'ip -o link show eth0']"
	run runc --root "$BATS_TEST_TMPDIR/runc" run --bundle "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	[[ $output == *"eth0@"* ]]
	wait_gone "${N}v0"
}
