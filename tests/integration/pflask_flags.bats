#!/usr/bin/env bats
# The pflask command line, through the real binary: every malformed flag is refused with one
# line that quotes the flag and says what is wrong, exit status 1, and nothing left on the host
# (no state directory, no cgroup, no mount, no bundle directory); --emit-bundle writes a
# config.json valid to the OCI schema and never overwrites one; --help and --version.

load helpers

setup() {
	[[ -x $PFLASK ]] || {
		echo "$PFLASK missing: run make" >&2
		return 1
	}
	CASES=0
	# the hooks name pflask-runtime beside the binary, symlinks resolved
	HOOK_PATH=$(readlink -f "$(dirname "$PFLASK")")/pflask-runtime
}

# What pflask PID could leave behind: its state directory and cgroups (its container is
# pflask-PID), and mounts of the root filesystem or of this test's files. Other containers of
# the host may come and go meanwhile: they are not looked at.
leftovers() {
	local id=pflask-$1
	{
		ls -A /run/pflask 2>/dev/null | grep -Fx "$id" | sed 's/^/state /'
		find /sys/fs/cgroup -maxdepth 5 -type d -name "$id" 2>/dev/null | sed 's/^/cgroup /'
		grep -F -e "$ROOTFS" -e "$id" -e "$BATS_TEST_TMPDIR" /proc/self/mountinfo |
			cut -d' ' -f5 | sed 's/^/mount /'
	} | sort
}

# bad WANT ARGS...: `pflask ARGS` exits 1, prints nothing on stdout and exactly "pflask: WANT"
# on stderr, and leaves nothing behind.
bad() {
	local want=$1 before after pid rc=0
	local out=$BATS_TEST_TMPDIR/out err=$BATS_TEST_TMPDIR/err
	shift
	CASES=$((CASES + 1))
	before=$(leftovers none)   # a new pid's container cannot be there before
	# exec in the background: $! is pflask's own pid, so its default ID is known
	(exec "$PFLASK" "$@" </dev/null >"$out" 2>"$err") &
	pid=$!
	wait "$pid" || rc=$?
	after=$(leftovers "$pid")
	if [[ $rc -ne 1 ]]; then
		echo "pflask $*: exit status $rc, want 1" >&2
		return 1
	fi
	if [[ -s $out ]]; then
		echo "pflask $*: printed on stdout: $(cat "$out")" >&2
		return 1
	fi
	if [[ $(wc -l <"$err") -ne 1 || $(cat "$err") != "pflask: $want" ]]; then
		echo "pflask $*: stderr is" >&2
		cat "$err" >&2
		echo "want: pflask: $want" >&2
		return 1
	fi
	if [[ $before != "$after" ]]; then
		echo "pflask $*: left behind:" >&2
		diff <(echo "$before") <(echo "$after") >&2
		return 1
	fi
}

@test "bad --mount: unknown type, relative paths, missing fields" {
	bad '--mount=foo:/a:/b: unknown mount type "foo" (bind, bind-ro, overlay or tmp)' \
		--mount=foo:/a:/b true
	bad '--mount=bind:a:/b: source "a" is not an absolute path' --mount=bind:a:/b true
	bad '-m bind-ro:/a:b: destination "b" is not an absolute path' -m bind-ro:/a:b true
	bad '--mount=bind:/a: expected bind:HOST_PATH:CONTAINER_PATH' --mount=bind:/a true
	bad '--mount=overlay:/r:/d: expected overlay:ROOT_DIR:DEST:WORK_DIR' --mount=overlay:/r:/d true
	bad '--mount=overlay:/r:/d:w: work directory "w" is not an absolute path' \
		--mount=overlay:/r:/d:w true
	bad '--mount=tmp:scratch: destination "scratch" is not an absolute path' --mount=tmp:scratch true
	bad '--mount: needs an argument' --mount
	[ "$CASES" -eq 8 ]
}

@test "bad --netif: missing fields, unknown type, bad names" {
	bad '--netif=veth:v0: expected veth:OUTSIDE:INSIDE' --netif=veth:v0 true
	bad '--netif=macvlan:eth0: expected macvlan:MASTER:NAME' --netif=macvlan:eth0 true
	bad '-nipvlan::ip0: expected ipvlan:MASTER:NAME' -nipvlan::ip0 true
	bad '--netif=eth0: expected DEV:NAME, macvlan:MASTER:NAME, ipvlan:MASTER:NAME or veth:OUTSIDE:INSIDE' \
		--netif=eth0 true
	bad '--netif=vlan:eth0:e0: unknown interface type "vlan" (macvlan, ipvlan or veth)' \
		--netif=vlan:eth0:e0 true
	bad "--netif=veth:v0:averyveryverylongname: \"averyveryverylongname\" is not a network interface name (1 to 15 characters, no '/', ':' or spaces)" \
		--netif=veth:v0:averyveryverylongname true
	[ "$CASES" -eq 6 ]
}

@test "bad --user-map and --user" {
	bad '--user-map=1000:1000: expected CONTAINER_ID:HOST_ID:COUNT (three numbers)' \
		--user-map=1000:1000 true
	bad '--user-map=a:b:c: expected CONTAINER_ID:HOST_ID:COUNT (three numbers)' --user-map=a:b:c true
	bad '-e 0:100000:0: the count must be at least 1' -e 0:100000:0 true
	bad '--user-map=4294967295:0:2: the range goes past the largest id 4294967295' \
		--user-map=4294967295:0:2 true
	bad '--user-map=5:200:1: overlaps --user-map=0:100:10' -e 0:100:10 -e 5:200:1 true
	bad "--user=nosuchuser: no such user in $ROOTFS/etc/passwd" -r "$ROOTFS" --user=nosuchuser true
	bad '--user=user: uid 1000 is not mapped by --user-map' -r "$ROOTFS" -u user -e 0:100000:10 true
	[ "$CASES" -eq 7 ]
}

@test "bad --caps: unknown capability, empty item" {
	bad '--caps=+foo: unknown capability "foo"' --caps=+foo true
	bad '-b chown,-cap_bogus: unknown capability "cap_bogus"' -b chown,-cap_bogus true
	bad '--caps=chown,,kill: empty capability name' --caps=chown,,kill true
	[ "$CASES" -eq 3 ]
}

@test "bad paths: missing chroot, a file as chroot, relative --chdir" {
	bad '--chroot=/nonexistent-pflask: No such file or directory' --chroot=/nonexistent-pflask true
	bad '-r /nonexistent-pflask: No such file or directory' -r /nonexistent-pflask true
	bad '--chroot=/etc/passwd: Not a directory' --chroot=/etc/passwd true
	bad '--chdir=home: "home" is not an absolute path' --chdir=home true
	bad '--chroot: needs an argument' --chroot
	[ "$CASES" -eq 5 ]
}

@test "bad --attach, --setenv, --hostname, --name, --cgroup" {
	bad '--attach=abc: not a process id' --attach=abc
	bad '-a 12x: not a process id' -a 12x
	bad '--attach=0: not a process id' --attach=0
	bad '--setenv=FOO: "FOO" is not NAME=VALUE' --setenv=FOO true
	bad '-s A=1,=2: "=2" is not NAME=VALUE' -s A=1,=2 true
	bad "--hostname=$(printf 'h%.0s' {1..65}): longer than 64 characters" \
		--hostname="$(printf 'h%.0s' {1..65})" true
	bad '--name=a/b: invalid container ID "a/b": use letters, digits and _ + - . (not first) only' \
		--name=a/b true
	bad '--cgroup=nosuchcontroller: no such cgroup controller on this host' \
		--cgroup=nosuchcontroller true
	[ "$CASES" -eq 8 ]
}

@test "bad combinations: --ephemeral without --chroot, --hostname without UTS namespace" {
	bad '--ephemeral: needs --chroot' --ephemeral true
	bad '--hostname=box: needs a UTS namespace (drop --no-utsns)' -t box --no-utsns true
	bad '--netif=veth:v0:eth0: needs a network namespace (drop --no-netns)' \
		-N --netif=veth:v0:eth0 true
	bad "--chroot=$ROOTFS: needs a mount namespace (drop --no-mountns)" -M -r "$ROOTFS" true
	[ "$CASES" -eq 4 ]
}

@test "bad options: unknown, ambiguous, an argument where none is taken" {
	bad '--frobnicate: unknown option (see pflask --help)' --frobnicate true
	bad '-x: unknown option (see pflask --help)' -x true
	bad '--ch=/x: ambiguous option (see pflask --help)' --ch=/x true
	bad '--keepenv=yes: takes no argument' --keepenv=yes true
	[ "$CASES" -eq 4 ]
}

@test "a bad flag with --emit-bundle creates no bundle directory" {
	local dir=$BATS_TEST_TMPDIR/never/bundle
	bad '--mount=bind:a:/b: source "a" is not an absolute path' \
		--emit-bundle="$dir" --mount=bind:a:/b true
	bad '--cgroup=nosuchcontroller: no such cgroup controller on this host' \
		--emit-bundle="$dir" -g nosuchcontroller true
	[ ! -e "$BATS_TEST_TMPDIR/never" ]
}

@test "--emit-bundle writes a schema-valid config.json and prints nothing" {
	require_schema
	local dir=$BATS_TEST_TMPDIR/a/b/bundle
	run "$PFLASK" --emit-bundle="$dir" -r "$ROOTFS" -c /home -t box -m bind:/tmp:/mnt/tmp \
		-m bind-ro:/etc:/mnt/etc -m tmp:/scratch -m overlay:/up:/usr:/work -u user \
		-s A=1,B=2 -k -b -all,+chown,+kill -n -- sh -c 'echo hi'
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	[ -f "$dir/config.json" ]
	[ "$(stat -c %a "$dir")" = 755 ]
	[ "$(stat -c %a "$BATS_TEST_TMPDIR/a")" = 755 ]
	run schema_check config-schema.json "$dir/config.json"
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	run "$RUNTIME" validate --bundle "$dir"
	[ "$status" -eq 0 ]

	local c=$dir/config.json
	[ "$(json_get "$c" 'c["root"]')" = "{\"path\": \"$ROOTFS\", \"readonly\": false}" ]
	[ "$(json_get "$c" 'c["hostname"]')" = '"box"' ]
	[ "$(json_get "$c" 'c["process"]["cwd"]')" = '"/home"' ]
	[ "$(json_get "$c" 'c["process"]["args"]')" = '["sh", "-c", "echo hi"]' ]
	[ "$(json_get "$c" 'c["process"]["user"]')" = '{"gid": 1000, "uid": 1000}' ]
	[ "$(json_get "$c" 'c["process"]["capabilities"]["bounding"]')" = '["CAP_CHOWN", "CAP_KILL"]' ]
	[ "$(json_get "$c" 'c["process"]["capabilities"]["effective"]')" = '[]' ]
	[ "$(json_get "$c" '[n["type"] for n in c["linux"]["namespaces"]]')" = \
		'["mount", "pid", "ipc", "uts", "cgroup", "network", "user"]' ]
	[ "$(json_get "$c" 'c["linux"]["uidMappings"]')" = \
		'[{"containerID": 0, "hostID": 0, "size": 1}, {"containerID": 1000, "hostID": 1000, "size": 1}]' ]
	[ "$(json_get "$c" '[e for e in c["process"]["env"] if e[:2] in ("A=", "B=", "US", "co")]')" = \
		'["USER=user", "A=1", "B=2", "container=pflask"]' ]
	[ "$(json_get "$c" 'c["mounts"][-4:]')" = "$(printf '%s' \
		'[{"destination": "/mnt/tmp", "options": ["rbind"], "source": "/tmp", "type": "bind"}, ' \
		'{"destination": "/mnt/etc", "options": ["rbind", "ro"], "source": "/etc", "type": "bind"}, ' \
		'{"destination": "/scratch", "source": "tmpfs", "type": "tmpfs"}, ' \
		"{\"destination\": \"/usr\", \"options\": [\"lowerdir=$ROOTFS/usr\", \"upperdir=/up\", \"workdir=/work\"], \"source\": \"overlay\", \"type\": \"overlay\"}]")" ]
	[ "$(json_get "$c" 'c["hooks"]["createRuntime"]')" = \
		"[{\"args\": [\"pflask-runtime\", \"netif\", \"lo\"], \"path\": \"$HOOK_PATH\"}]" ]
}

@test "--emit-bundle: what OCI cannot say travels as hooks and annotations, still schema-valid" {
	require_schema
	local dir=$BATS_TEST_TMPDIR/bundle ctl
	ctl=$(awk '!/^#/ && $4 == 1 { print $1; exit }' /proc/cgroups)
	[ -n "$ctl" ] || skip "no cgroup controller enabled on this host"
	run "$PFLASK" --emit-bundle="$dir" --name=box1 -r "$ROOTFS" -w -g "$ctl" \
		-nmacvlan:eth0:mv0 --netif=ipvlan:eth0:iv0 --netif=veth:ve0:eth1 --netif=dummy0:eth2 true
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	run schema_check config-schema.json "$dir/config.json"
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	local c=$dir/config.json
	[ "$(json_get "$c" 'c["annotations"]')" = \
		"{\"org.pflask.cgroups\": \"$ctl\", \"org.pflask.ephemeral\": \"true\"}" ]
	[ "$(json_get "$c" 'c["linux"]["cgroupsPath"]')" = '"pflask/box1"' ]
	[ "$(json_get "$c" 'c["root"]["path"]')" = "\"$ROOTFS\"" ]
	[ "$(json_get "$c" '[h["args"][2] for h in c["hooks"]["createRuntime"]]')" = \
		'["macvlan:eth0:mv0", "ipvlan:eth0:iv0", "veth:ve0:eth1"]' ]
	[ "$(json_get "$c" 'sorted({h["path"] for h in c["hooks"]["createRuntime"]})')" = "[\"$HOOK_PATH\"]" ]
	[ "$(json_get "$c" 'c["linux"]["netDevices"]')" = '{"dummy0": {"name": "eth2"}}' ]
}

@test "--emit-bundle without --chroot: the host's tree and a fresh /proc" {
	require_schema
	local dir=$BATS_TEST_TMPDIR/bundle
	run "$PFLASK" --emit-bundle="$dir" true
	[ "$status" -eq 0 ]
	run schema_check config-schema.json "$dir/config.json"
	[ "$status" -eq 0 ]
	[ "$(json_get "$dir/config.json" 'c["root"]')" = '{"path": "/", "readonly": false}' ]
	[ "$(json_get "$dir/config.json" '[m["destination"] for m in c["mounts"]]')" = '["/proc"]' ]
	[ "$(json_get "$dir/config.json" '"linux" in c and "maskedPaths" in c["linux"]')" = false ]
}

@test "--emit-bundle never overwrites a config.json" {
	local dir=$BATS_TEST_TMPDIR/bundle
	run "$PFLASK" --emit-bundle="$dir" -r "$ROOTFS" true
	[ "$status" -eq 0 ]
	cp "$dir/config.json" "$BATS_TEST_TMPDIR/first.json"
	bad "--emit-bundle=$dir: $dir/config.json already exists" --emit-bundle="$dir" -r "$ROOTFS" -t other true
	cmp "$dir/config.json" "$BATS_TEST_TMPDIR/first.json"
	[ "$(ls -A "$dir")" = config.json ]
}

@test "--help lists every flag; --version" {
	run "$PFLASK" --help
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "usage: pflask [options] [--] [command ...]" ]
	local f
	for f in "-r, --chroot=DIR" "-c, --chdir=DIR" "-t, --hostname=NAME" "-m, --mount=TYPE" \
		"-n, --netif[=SPEC]" "-u, --user=NAME" "-e, --user-map=C:H:N" "-w, --ephemeral" \
		"-g, --cgroup=CONTROLLER" "-b, --caps=LIST" "-d, --detach" "-a, --attach=PID" \
		"-s, --setenv=N=V" "-k, --keepenv" "-U, --no-userns" "-M, --no-mountns" \
		"-N, --no-netns" "-I, --no-ipcns" "-H, --no-utsns" "-P, --no-pidns" \
		"--emit-bundle=DIR" "--name=ID" "-h, --help" "--version"; do
		[[ $output == *"$f"* ]] || {
			echo "--help does not mention $f" >&2
			return 1
		}
	done
	run "$PFLASK" -h
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "usage: pflask [options] [--] [command ...]" ]
	run "$PFLASK" --version
	[ "$status" -eq 0 ]
	[[ $output =~ ^pflask\ version\ [0-9]+\.[0-9]+\.[0-9]+$ ]]
}
