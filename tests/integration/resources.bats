#!/usr/bin/env bats
# linux.resources: each block set on a running container and read back from the host's cgroup
# files; the v1 controllers of this host first, then a cgroup2-only host simulated in a
# private mount namespace (cgroup2 mounted alone on /sys/fs/cgroup) for what the kernel lets
# cgroup2 have there; devices (v1 rules, v2 eBPF) seen from inside; and a limit on an absent
# controller refused with one line, leaving nothing behind. docs/cgroups.md has the table.

load helpers
load container

CG=/sys/fs/cgroup

setup() {
	require_engine
	ctr_bundle sleep 100
}

teardown() {
	ctr_cleanup
	[[ -z ${RT_PARENT:-} ]] || rmdir "$CG/cpu/$RT_PARENT" 2>/dev/null || true
}

# v1 CTRL: skip unless CTRL is mounted as a v1 hierarchy at /sys/fs/cgroup/CTRL.
v1() {
	[[ $(stat -f -c %T "$CG/$1" 2>/dev/null) == cgroupfs ]] || skip "no v1 $1 hierarchy on this host"
}

# resources JSON: linux.resources of the bundle.
resources() {
	config_edit "c['linux']['resources'] = $1"
}

# start: run -d the bundle as $CID; the container must come up.
start() {
	rt_detached run -d --bundle "$BUNDLE" "$CID"
	if [[ $status -ne 0 ]]; then
		echo "run -d: $output" >&2
		return 1
	fi
	CTR_PID=$(state_field "$CID" pid)
}

# at CTRL FILE: the container's FILE in the v1 hierarchy CTRL, one line.
at() {
	tr '\n' '|' <"$CG/$1/pflask/$CID/$2" | sed 's/|$//'
}

# gone: delete --force, and nothing of the container left.
gone() {
	run rt delete --force "$CID"
	[ "$status" -eq 0 ]
	assert_no_leftovers
}

# refused MESSAGE: run -d fails with exactly this one line, and leaves nothing.
refused() {
	rt_detached run -d --bundle "$BUNDLE" "$CID"
	[ "$status" -eq 1 ]
	echo "$output"
	[ "$output" = "pflask-runtime: create $CID: $1" ]
	assert_no_leftovers
}

# ---- v1 (and the hybrid split) --------------------------------------------------------

@test "memory: limit, reservation, swap, swappiness, OOM killer, hierarchy (v1)" {
	v1 memory
	local swap=-1  # without swap accounting only "unlimited" can be had
	[[ -e $CG/memory/memory.memsw.limit_in_bytes ]] && swap=209715200
	resources '{"memory": {"limit": 104857600, "reservation": 52428800, "swap": '$swap',
		"kernel": 104857600, "kernelTCP": 104857600, "swappiness": 10,
		"disableOOMKiller": True, "useHierarchy": True, "checkBeforeUpdate": True}}'
	start
	[ "$(at memory memory.limit_in_bytes)" = 104857600 ]
	[ "$(at memory memory.soft_limit_in_bytes)" = 52428800 ]
	[[ $swap = -1 ]] || [ "$(at memory memory.memsw.limit_in_bytes)" = 209715200 ]
	[ "$(at memory memory.swappiness)" = 10 ]
	[[ $(at memory memory.oom_control) == "oom_kill_disable 1|"* ]]
	[ "$(at memory memory.use_hierarchy)" = 1 ]
	gone
}

@test "memory: a limit the kernel refuses names the file, the value and the directory" {
	v1 memory
	resources '{"memory": {"limit": 104857600, "swap": 52428800}}'
	[[ -e $CG/memory/memory.memsw.limit_in_bytes ]] || skip "no swap accounting"
	refused "cgroup: write memory.memsw.limit_in_bytes=52428800 in $CG/memory/pflask/$CID: Invalid argument"
}

@test "cpu: shares, quota, period, burst (v1)" {
	v1 cpu
	resources '{"cpu": {"shares": 512, "quota": 50000, "period": 200000, "burst": 1000}}'
	start
	[ "$(at cpu cpu.shares)" = 512 ]
	[ "$(at cpu cpu.cfs_quota_us)" = 50000 ]
	[ "$(at cpu cpu.cfs_period_us)" = 200000 ]
	if [[ -e $CG/cpu/pflask/$CID/cpu.cfs_burst_us ]]; then
		[ "$(at cpu cpu.cfs_burst_us)" = 1000 ]
	fi
	gone
}

@test "cpu: idle (v1)" {
	v1 cpu
	[[ -e $CG/cpu/cpu.idle ]] || skip "this kernel's v1 cpu controller has no cpu.idle"
	resources '{"cpu": {"idle": 1}}'
	start
	[ "$(at cpu cpu.idle)" = 1 ]
	gone
}

@test "cpu: realtime runtime and period (v1), inside a parent given an RT budget" {
	v1 cpu
	[[ -e $CG/cpu/cpu.rt_runtime_us ]] || skip "no RT group scheduling in this kernel"
	# a group's RT runtime comes out of its parent's: the parent gets a budget first
	RT_PARENT=pft-rt-$$
	mkdir "$CG/cpu/$RT_PARENT"
	echo 200000 >"$CG/cpu/$RT_PARENT/cpu.rt_runtime_us"
	config_edit "c['linux']['cgroupsPath'] = '/$RT_PARENT/$CID'"
	resources '{"cpu": {"realtimePeriod": 100000, "realtimeRuntime": 10000}}'
	start
	[ "$(cat "$CG/cpu/$RT_PARENT/$CID/cpu.rt_period_us")" = 100000 ]
	[ "$(cat "$CG/cpu/$RT_PARENT/$CID/cpu.rt_runtime_us")" = 10000 ]
	run rt delete --force "$CID"
	[ "$status" -eq 0 ]
	[ ! -e "$CG/cpu/$RT_PARENT/$CID" ]
}

@test "cpu: cpus and mems (v1 cpuset)" {
	v1 cpuset
	resources '{"cpu": {"cpus": "0", "mems": "0"}}'
	start
	[ "$(at cpuset cpuset.cpus)" = 0 ]
	[ "$(at cpuset cpuset.mems)" = 0 ]
	[[ $(grep Cpus_allowed_list "/proc/$CTR_PID/status") == *$'\t'0 ]]
	gone
}

@test "cpu: a cpu list the kernel refuses fails create, nothing left" {
	v1 cpuset
	resources '{"cpu": {"cpus": "4096"}}'
	rt_detached run -d --bundle "$BUNDLE" "$CID"
	[ "$status" -eq 1 ]
	[[ $output == "pflask-runtime: create $CID: cgroup: write cpuset.cpus=4096 in $CG/cpuset/pflask/$CID: "* ]]
	assert_no_leftovers
}

@test "pids: limit, and -1 as max (v1)" {
	v1 pids
	resources '{"pids": {"limit": 42}}'
	start
	[ "$(at pids pids.max)" = 42 ]
	gone
	resources '{"pids": {"limit": -1}}'
	start
	[ "$(at pids pids.max)" = max ]
	gone
}

@test "pids: the limit holds inside, and delete --force removes the busy cgroup" {
	v1 pids
	config_edit "c['process']['args'] = ['sh', '-c', 'for i in 1 2 3 4 5 6; do sleep 100 & done; wait']"
	resources '{"pids": {"limit": 4}}'
	start
	sleep 0.5
	[ "$(cat "$CG/pids/pflask/$CID/pids.current")" -le 4 ]
	[ "$(cat "$CG/pids/pflask/$CID/pids.events" | awk '{print $2}')" -gt 0 ]
	gone
}

# MAJ:MIN of this host's first block device
first_disk() {
	awk 'NR == 3 { print $1 ":" $2 }' /proc/partitions
}

@test "blockIO: throttles per device (v1)" {
	v1 blkio
	local dev
	dev=$(first_disk)
	[[ -n $dev ]] || skip "no disk in /proc/partitions"
	resources "{'blockIO': {
		'throttleReadBpsDevice': [{'major': ${dev%:*}, 'minor': ${dev#*:}, 'rate': 1048576}],
		'throttleWriteBpsDevice': [{'major': ${dev%:*}, 'minor': ${dev#*:}, 'rate': 2097152}],
		'throttleReadIOPSDevice': [{'major': ${dev%:*}, 'minor': ${dev#*:}, 'rate': 100}],
		'throttleWriteIOPSDevice': [{'major': ${dev%:*}, 'minor': ${dev#*:}, 'rate': 50}]}}"
	start
	[ "$(at blkio blkio.throttle.read_bps_device)" = "$dev 1048576" ]
	[ "$(at blkio blkio.throttle.write_bps_device)" = "$dev 2097152" ]
	[ "$(at blkio blkio.throttle.read_iops_device)" = "$dev 100" ]
	[ "$(at blkio blkio.throttle.write_iops_device)" = "$dev 50" ]
	gone
}

@test "blockIO: weight to blkio.weight (CFQ) or blkio.bfq.weight (BFQ) (v1)" {
	v1 blkio
	resources '{"blockIO": {"weight": 500}}'
	rt_detached run -d --bundle "$BUNDLE" "$CID"
	if [[ $status -ne 0 ]]; then
		[[ $output == *"write blkio.weight=500 in "*": No such file or directory" ]]
		assert_no_leftovers
		skip "neither CFQ nor BFQ weights in this kernel"
	fi
	local f=blkio.weight
	[[ -e $CG/blkio/pflask/$CID/$f ]] || f=blkio.bfq.weight
	[[ $(at blkio $f) == *500* ]]
	gone
}

# where hugetlb limits go here: v1 if mounted, else cgroup2 if it offers the controller
@test "hugepageLimits: to v1 hugetlb, or to cgroup2 on a hybrid host" {
	[[ -e /sys/kernel/mm/hugepages/hugepages-2048kB ]] || skip "no 2MB huge pages"
	resources '{"hugepageLimits": [{"pageSize": "2MB", "limit": 4194304}]}'
	if [[ $(stat -f -c %T "$CG/hugetlb" 2>/dev/null) == cgroupfs ]]; then
		start
		[ "$(at hugetlb hugetlb.2MB.limit_in_bytes)" = 4194304 ]
	elif [[ $(stat -f -c %T "$CG/unified" 2>/dev/null) == cgroup2fs ]] &&
		grep -qw hugetlb "$CG/unified/cgroup.controllers"; then
		start
		[ "$(cat "$CG/unified/pflask/$CID/hugetlb.2MB.max")" = 4194304 ]
		grep -qw hugetlb "$CG/unified/pflask/cgroup.subtree_control"
	else
		skip "no hugetlb controller in v1 or in the hybrid cgroup2"
	fi
	gone
}

@test "hugepageLimits: a page size the host lacks is named" {
	[[ -e /sys/kernel/mm/hugepages/hugepages-64kB ]] && skip "this host has 64KB huge pages"
	[[ $(stat -f -c %T "$CG/unified" 2>/dev/null) == cgroup2fs ]] &&
		grep -qw hugetlb "$CG/unified/cgroup.controllers" || skip "no hybrid cgroup2 hugetlb"
	resources '{"hugepageLimits": [{"pageSize": "64KB", "limit": 65536}]}'
	refused "linux.resources.hugepageLimits[0]: no 64KB huge pages on this host (no hugetlb.64KB.max in $CG/unified/pflask/$CID)"
}

@test "unified: written to the cgroup2 directory of a hybrid host" {
	[[ $(stat -f -c %T "$CG/unified" 2>/dev/null) == cgroup2fs ]] || skip "not a hybrid host"
	resources '{"unified": {"cgroup.max.descendants": "3", "cgroup.max.depth": "2"}}'
	start
	[ "$(cat "$CG/unified/pflask/$CID/cgroup.max.descendants")" = 3 ]
	[ "$(cat "$CG/unified/pflask/$CID/cgroup.max.depth")" = 2 ]
	gone
}

@test "unified: a key of a controller cgroup2 does not have here is named" {
	[[ $(stat -f -c %T "$CG/unified" 2>/dev/null) == cgroup2fs ]] || skip "not a hybrid host"
	grep -qw memory "$CG/unified/cgroup.controllers" && skip "cgroup2 has memory here"
	resources '{"unified": {"memory.high": "1000000"}}'
	refused 'linux.resources.unified: "memory.high": no memory controller in cgroup v2 on this host'
}

@test "network: no net_cls here is a one-line error, nothing left" {
	[[ $(stat -f -c %T "$CG/net_cls" 2>/dev/null) == cgroupfs ]] && skip "net_cls is mounted"
	resources '{"network": {"classID": 1048577}}'
	if [[ $(stat -f -c %T "$CG/unified" 2>/dev/null) == cgroup2fs ]]; then
		refused "linux.resources.network: no net_cls controller on this host (cgroup v2 has no equivalent)"
	else
		refused "linux.resources.network: no net_cls controller on this host"
	fi
}

@test "network: classID and priorities, net_cls and net_prio mounted in a private namespace" {
	grep -qw '^net_cls' /proc/cgroups && grep -qw '^net_prio' /proc/cgroups ||
		skip "no net_cls or net_prio in this kernel"
	grep -q ' - cgroup .*[ ,]net_\(cls\|prio\)\b' /proc/self/mountinfo &&
		skip "net_cls or net_prio already mounted"
	resources '{"network": {"classID": 1048577, "priorities": [{"name": "lo", "priority": 5}]}}'
	local m=$BATS_TEST_TMPDIR/mnt
	mkdir -p "$m/net_cls" "$m/net_prio"
	# the container is made, read and deleted in the namespace that has the mounts. (The
	# kernel keeps the two hierarchies afterwards, unmounted and empty: a later mount of the
	# same single controller finds them again.)
	run unshare -m env M="$m" RUNTIME="$RUNTIME" STATE_ROOT="$STATE_ROOT" BUNDLE="$BUNDLE" \
		CID="$CID" sh -c '
		mount --make-rprivate / &&
		mount -t cgroup -o net_cls none "$M/net_cls" &&
		mount -t cgroup -o net_prio none "$M/net_prio" || exit 9
		"$RUNTIME" --root "$STATE_ROOT" run -d --bundle "$BUNDLE" "$CID" </dev/null >/dev/null 2>&1 || exit 8
		echo "classid $(cat "$M/net_cls/pflask/$CID/net_cls.classid")"
		echo "prio $(grep "^lo " "$M/net_prio/pflask/$CID/net_prio.ifpriomap")"
		"$RUNTIME" --root "$STATE_ROOT" delete --force "$CID" || exit 7
		[ ! -e "$M/net_cls/pflask" ] || echo left'
	echo "$output"
	[ "$status" -ne 9 ] || skip "cannot mount net_cls and net_prio each alone here"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "classid 1048577" ]
	[ "${lines[1]}" = "prio lo 5" ]
	[ "${#lines[@]}" -eq 2 ]
	assert_no_leftovers
}

@test "rdma: no rdma controller here is a one-line error, nothing left" {
	grep -qw '^rdma' /proc/cgroups && skip "this kernel has rdma"
	resources '{"pids": {"limit": 10}, "rdma": {"mlx5_1": {"hcaHandles": 3, "hcaObjects": 10000}}}'
	refused "linux.resources.rdma: no rdma controller on this host"
}

# ---- devices ----------------------------------------------------------------------------

# devices_bundle: /dev/fuse and /dev/loop-control made by linux.devices, CAP_MKNOD, and rules
# granting /dev/fuse for reading. PROBE reports what the container may open (0 = opened):
# "null=0 fuse-r=0 fuse-w=1 ...".
devices_bundle() {
	config_edit '
c["linux"]["devices"] = [
    {"path": "/dev/fuse", "type": "c", "major": 10, "minor": 229},
    {"path": "/dev/loop-control", "type": "c", "major": 10, "minor": 237}]
for k in c["process"]["capabilities"]:
    c["process"]["capabilities"][k].append("CAP_MKNOD")
c["linux"]["resources"] = {"devices": [
    {"allow": False, "access": "rwm"},
    {"allow": True, "type": "c", "major": 10, "minor": 229, "access": "r"}]}'
}

PROBE='for p in "null /dev/null" "fuse-r /dev/fuse"; do set -- $p; (exec 3<$2) 2>/dev/null; printf "%s=%s " $1 $?; done
(exec 3>/dev/fuse) 2>/dev/null; printf "fuse-w=%s " $?
(exec 3</dev/loop-control) 2>/dev/null; printf "loopctl=%s " $?
mknod /dev/x c 10 237 2>/dev/null; printf "mknod=%s " $?
(exec 3</dev/x) 2>/dev/null; printf "x=%s" $?'

host_opens() {
	(exec 3</dev/fuse) 2>/dev/null && (exec 3</dev/loop-control) 2>/dev/null ||
		skip "this host does not let root open /dev/fuse and /dev/loop-control"
}

@test "devices: v1 rules — denied by default, the config's grants, the defaults last" {
	v1 devices
	host_opens
	devices_bundle
	start
	run rt exec "$CID" sh -c "$PROBE"
	echo "$output"
	[ "$output" = "null=0 fuse-r=0 fuse-w=1 loopctl=1 mknod=0 x=1" ]
	# the list: the config's grant, then the defaults after it
	[[ $(at devices devices.list) == "c 10:229 r|c *:* m|b *:* m|c 1:3 rwm|"* ]]
	gone
}

# ---- cgroup v2 only (a private mount namespace) -----------------------------------------

# in_v2 SCRIPT: SCRIPT by sh in a mount namespace where cgroup2 alone is on /sys/fs/cgroup,
# with RUNTIME STATE_ROOT BUNDLE CID PROBE in its environment and rt() defined. The container is
# deleted inside however SCRIPT ends (its cgroups, named as seen in that namespace, would be
# out of reach of the teardown's delete).
in_v2() {
	run unshare -m env RUNTIME="$RUNTIME" STATE_ROOT="$STATE_ROOT" BUNDLE="$BUNDLE" CID="$CID" \
		PROBE="$PROBE" sh -c 'mount --make-rprivate / && umount -l /sys/fs/cgroup &&
		mount -t cgroup2 none /sys/fs/cgroup || exit 9
		rt() { "$RUNTIME" --root "$STATE_ROOT" "$@"; }
		trap '"'"'rt delete --force "$CID" >/dev/null 2>&1'"'"' EXIT
		'"$1"
	echo "$output"
}

# v2_has CTRL: skip unless cgroup2 alone on /sys/fs/cgroup would offer CTRL here.
v2_has() {
	local have
	have=$(unshare -m sh -c 'mount --make-rprivate / && umount -l /sys/fs/cgroup &&
		mount -t cgroup2 none /sys/fs/cgroup && cat /sys/fs/cgroup/cgroup.controllers')
	[[ " $have " == *" $1 "* ]] ||
		skip "cgroup2 here offers no $1 controller (it is bound to a v1 hierarchy)"
}

# v2_read RESOURCES FILE...: start the container under cgroup2 only, print each FILE of its
# cgroup ("FILE=VALUE", one line each), delete it.
v2_read() {
	resources "$1"
	shift
	in_v2 'rt run -d --bundle "$BUNDLE" "$CID" </dev/null >/dev/null || exit 8
		for f in '"$*"'; do echo "$f=$(tr "\n" "|" </sys/fs/cgroup/pflask/$CID/$f | sed "s/|\$//")"; done
		rt delete --force "$CID" || exit 7
		[ ! -e /sys/fs/cgroup/pflask/$CID ] || echo left'
}

@test "v2: memory limit and reservation → memory.max, memory.low" {
	v2_has memory
	v2_read '{"memory": {"limit": 104857600, "reservation": 52428800}}' memory.max memory.low
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = memory.max=104857600 ]
	[ "${lines[1]}" = memory.low=52428800 ]
}

@test "v2: cpu shares → cpu.weight, quota/period → cpu.max, burst, idle" {
	v2_has cpu
	v2_read '{"cpu": {"shares": 1024, "quota": 50000, "period": 200000, "burst": 1000}}' \
		cpu.weight cpu.max cpu.max.burst
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = cpu.weight=39 ]
	[ "${lines[1]}" = "cpu.max=50000 200000" ]
	[ "${lines[2]}" = cpu.max.burst=1000 ]
}

@test "v2: cpus and mems → cpuset.cpus, cpuset.mems" {
	v2_has cpuset
	v2_read '{"cpu": {"cpus": "0", "mems": "0"}}' cpuset.cpus cpuset.mems
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = cpuset.cpus=0 ]
	[ "${lines[1]}" = cpuset.mems=0 ]
}

@test "v2: pids → pids.max" {
	v2_has pids
	v2_read '{"pids": {"limit": 42}}' pids.max
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = pids.max=42 ]
}

@test "v2: blockIO throttles → io.max" {
	v2_has io
	local dev
	dev=$(first_disk)
	[[ -n $dev ]] || skip "no disk in /proc/partitions"
	v2_read "{'blockIO': {
		'throttleReadBpsDevice': [{'major': ${dev%:*}, 'minor': ${dev#*:}, 'rate': 1048576}],
		'throttleWriteIOPSDevice': [{'major': ${dev%:*}, 'minor': ${dev#*:}, 'rate': 50}]}}" io.max
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "io.max=$dev rbps=1048576 wbps=max riops=max wiops=50" ]
}

@test "v2: hugepageLimits → hugetlb.<size>.max" {
	v2_has hugetlb
	[[ -e /sys/kernel/mm/hugepages/hugepages-2048kB ]] || skip "no 2MB huge pages"
	v2_read '{"hugepageLimits": [{"pageSize": "2MB", "limit": 4194304}]}' hugetlb.2MB.max
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = hugetlb.2MB.max=4194304 ]
	[ "${#lines[@]}" -eq 1 ]
}

@test "v2: unified keys written verbatim" {
	v2_read '{"unified": {"cgroup.max.descendants": "3", "cgroup.max.depth": "2"}}' \
		cgroup.max.descendants cgroup.max.depth
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = cgroup.max.descendants=3 ]
	[ "${lines[1]}" = cgroup.max.depth=2 ]
	[ "${#lines[@]}" -eq 2 ]
}

@test "v2: devices as an eBPF program — the same answers as v1" {
	host_opens
	devices_bundle
	in_v2 'rt run -d --bundle "$BUNDLE" "$CID" </dev/null >/dev/null || exit 8
		rt exec "$CID" sh -c "$PROBE"; echo
		rt delete --force "$CID" || exit 7'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "null=0 fuse-r=0 fuse-w=1 loopctl=1 mknod=0 x=1" ]
}

@test "v2: a limit on a controller cgroup2 lacks is a one-line error, nothing left" {
	local have
	have=$(unshare -m sh -c 'mount --make-rprivate / && umount -l /sys/fs/cgroup &&
		mount -t cgroup2 none /sys/fs/cgroup && cat /sys/fs/cgroup/cgroup.controllers')
	[[ " $have " == *" memory "* ]] && skip "cgroup2 has memory here"
	resources '{"memory": {"limit": 104857600}}'
	in_v2 'rt run -d --bundle "$BUNDLE" "$CID" </dev/null; echo "rc=$?"
		ls /sys/fs/cgroup/pflask/$CID 2>/dev/null && echo left; true'
	[ "${lines[0]}" = "pflask-runtime: create $CID: linux.resources.memory: no memory controller on this host" ]
	[ "${lines[1]}" = rc=1 ]
	[ "${#lines[@]}" -eq 2 ]
	assert_no_leftovers
}

@test "v2: network has no cgroup2 equivalent" {
	resources '{"network": {"classID": 1048577}}'
	in_v2 'rt run -d --bundle "$BUNDLE" "$CID" </dev/null; echo "rc=$?"'
	[ "${lines[0]}" = "pflask-runtime: create $CID: linux.resources.network: no net_cls controller on this host (cgroup v2 has no equivalent)" ]
	[ "${lines[1]}" = rc=1 ]
	assert_no_leftovers
}

@test "update changes the limits of a running container (flags and --resources JSON)" {
	rt run -d --bundle "$BUNDLE" "$CID" </dev/null >/dev/null
	run rt update --memory 64m --pids-limit 33 --cpu-quota 50000 --cpu-period 100000 "$CID"
	[ "$status" -eq 0 ]
	[ "$(cat /sys/fs/cgroup/memory/pflask/$CID/memory.limit_in_bytes)" = 67108864 ]
	[ "$(cat /sys/fs/cgroup/pids/pflask/$CID/pids.max)" = 33 ]
	[ "$(cat /sys/fs/cgroup/cpu/pflask/$CID/cpu.cfs_quota_us)" = 50000 ]
	echo '{"pids": {"limit": 77}}' > "$BATS_TEST_TMPDIR/r.json"
	run rt update --resources "$BATS_TEST_TMPDIR/r.json" "$CID"
	[ "$status" -eq 0 ]
	[ "$(cat /sys/fs/cgroup/pids/pflask/$CID/pids.max)" = 77 ]
	run rt update --memory 12x "$CID"
	[ "$status" -eq 1 ]
	[[ $output == *'--memory "12x": not a size'* ]]
}

@test "update without device rules keeps the config's (v1)" {
	v1 devices
	host_opens
	devices_bundle
	start
	run rt update --pids-limit 50 "$CID"
	[ "$status" -eq 0 ]
	run rt exec "$CID" sh -c "$PROBE"
	echo "$output"
	[ "$output" = "null=0 fuse-r=0 fuse-w=1 loopctl=1 mknod=0 x=1" ]
	gone
}

@test "v2: update keeps the device program, or replaces it when given rules; many updates" {
	host_opens
	devices_bundle
	echo '{"unified": {"cgroup.max.descendants": "5"}}' >"$BATS_TEST_TMPDIR/plain.json"
	echo '{"devices": [{"allow": false, "access": "rwm"}, {"allow": true, "type": "c", "major": 10, "minor": 229, "access": "rw"}]}' \
		>"$BATS_TEST_TMPDIR/devs.json"
	# 70 updates: past the kernel's 64 programs per cgroup, were each one to add its own
	in_v2 'rt run -d --bundle "$BUNDLE" "$CID" </dev/null >/dev/null || exit 8
		for i in $(seq 70); do rt update --resources '"$BATS_TEST_TMPDIR"'/plain.json "$CID" || exit 6; done
		rt exec "$CID" sh -c "$PROBE"; echo
		rt exec "$CID" rm /dev/x
		for i in $(seq 70); do rt update --resources '"$BATS_TEST_TMPDIR"'/devs.json "$CID" || exit 5; done
		rt exec "$CID" sh -c "$PROBE"; echo
		rt delete --force "$CID" || exit 7'
	[ "$status" -eq 0 ]
	# the config's grant kept through updates without rules
	[ "${lines[0]}" = "null=0 fuse-r=0 fuse-w=1 loopctl=1 mknod=0 x=1" ]
	# the new rules alone apply: fuse writable now (an old program left would still refuse)
	[ "${lines[1]}" = "null=0 fuse-r=0 fuse-w=0 loopctl=1 mknod=0 x=1" ]
}
