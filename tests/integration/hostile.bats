#!/usr/bin/env bats
# Hostile input, through both real binaries: absurd container IDs, config.json files that are
# not what they claim (a directory, a FIFO, /dev/zero, 17 MiB, nested 100000 deep, wrong types
# at each level), bundles whose paths lead nowhere, malformed flags of pflask-runtime and every
# pflask flag grammar. Each row must exit 1 within 20 seconds, print nothing on stdout and
# exactly one line on stderr that starts with the program's name and holds the expected text
# (which names the flag, the ID or the JSON path), and leave nothing behind: no state directory
# entry, no cgroup, no mount, nothing in its working directory.
#
# The cases are data: each @test feeds one table to check_table. A row is
#   EXPECTED TEXT | ARGS
# ARGS split on white space, and in both fields these words are replaced:
#   @FIX@ the fixtures (bundles made by setup_file)  @PUB@ fixtures a non-root user can reach
#   @ID@ a container ID unique to the row             @ROOTFS@ the busybox root filesystem
#   @EMPTY@ an empty argument                         @NL@ a newline
#   @LONG@ 10 KiB of "a"                              @A300@ 300 of "a" (an ID past NAME_MAX)

load helpers

# ---- fixtures -------------------------------------------------------------------------------

# fx NAME [PYTHON]: bundle $FIX/NAME, rootfs -> $ROOTFS, the good config edited by PYTHON
# statements on the dict c.
fx() {
	local dir=$FIX/$1
	mkdir -p "$dir"
	ln -sfn "$ROOTFS" "$dir/rootfs"
	/usr/bin/python3 - "$FIX/ok/config.json" "$dir/config.json" "${2:-pass}" <<'PY'
import json, sys
src, dst, code = sys.argv[1:4]
with open(src) as f:
    c = json.load(f)
exec(code)
with open(dst, "w") as f:
    json.dump(c, f)
PY
}

# fx_raw NAME: bundle $FIX/NAME whose config.json is stdin, byte for byte.
fx_raw() {
	mkdir -p "$FIX/$1"
	ln -sfn "$ROOTFS" "$FIX/$1/rootfs"
	cat >"$FIX/$1/config.json"
}

# fx_link NAME TARGET: bundle $FIX/NAME whose config.json is a symbolic link to TARGET.
fx_link() {
	mkdir -p "$FIX/$1"
	ln -sfn "$ROOTFS" "$FIX/$1/rootfs"
	ln -sfn "$2" "$FIX/$1/config.json"
}

setup_file() {
	[[ -x $RUNTIME && -x $PFLASK ]] || {
		echo "$RUNTIME or $PFLASK missing: run make" >&2
		return 1
	}
	[[ -d $ROOTFS ]] || {
		echo "$ROOTFS missing: run make rootfs" >&2
		return 1
	}
	export FIX=$BATS_FILE_TMPDIR/fix
	# what a user other than root must reach: a directory of its own under /tmp
	PUB=$(mktemp -d /tmp/pflask-hostile.XXXXXX) && chmod 0755 "$PUB" || return 1
	export PUB
	mkdir -p "$FIX/ok"
	ln -sfn "$ROOTFS" "$FIX/ok/rootfs"
	"$RUNTIME" spec --bundle "$FIX/ok" || return 1
	/usr/bin/python3 - "$FIX/ok/config.json" <<'PY' || return 1
import json, sys
with open(sys.argv[1]) as f:
    c = json.load(f)
c["process"]["terminal"] = False
c["process"]["args"] = ["/bin/true"]
with open(sys.argv[1], "w") as f:
    json.dump(c, f)
PY
	fx term 'c["process"]["terminal"] = True'

	# config.json that is not a JSON file
	mkdir -p "$FIX/noconfig" "$FIX/cfgdir/config.json"
	fx_link dangling "$FIX/nowhere"
	fx_link shadow /etc/shadow
	mkfifo "$BATS_FILE_TMPDIR/fifo"
	fx_link fifo "$BATS_FILE_TMPDIR/fifo"
	fx_link zero /dev/zero
	fx_link mem /proc/self/mem
	printf '' | fx_raw empty
	printf '   \n\t' | fx_raw blank
	head -c $((17 << 20)) /dev/zero | tr '\0' ' ' | fx_raw huge
	/usr/bin/python3 -c 'print("[" * 100000 + "]" * 100000)' | fx_raw deep
	/usr/bin/python3 -c 'print("{\"ociVersion\": \"1.0.2\", \"annotations\": {\"a\": " + "{\"b\": " * 70 + "1" + "}" * 72)' | fx_raw deep_annotations
	echo '[]' | fx_raw toparray
	echo '"config"' | fx_raw topstring
	printf '{"ociVersion": "1.0.2", "process": {' | fx_raw truncated
	{ cat "$FIX/ok/config.json"; echo ' {}'; } | fx_raw trailing
	printf '{"ociVersion": "1.0.2",\0 "root": {"path": "rootfs"}}' | fx_raw nulbyte
	mkdir -p "$PUB/unreadable" "$PUB/state"
	cp "$FIX/ok/config.json" "$PUB/unreadable/config.json"
	chmod 0000 "$PUB/unreadable/config.json"
	chmod 1777 "$PUB/state"

	# wrong types, one level after the other
	fx ver_number 'c["ociVersion"] = 1'
	fx ver_unsupported 'c["ociVersion"] = "2.0.0"'
	fx root_string 'c["root"] = "rootfs"'
	fx process_array 'c["process"] = []'
	fx args_string 'c["process"]["args"] = "sh"'
	fx args_item 'c["process"]["args"] = ["sh", 1]'
	fx env_item 'c["process"]["env"] = [None]'
	fx uid_negative 'c["process"]["user"]["uid"] = -1'
	fx uid_huge 'c["process"]["user"]["uid"] = 99999999999999999999'
	fx rlimit_hard 'c["process"]["rlimits"] = [{"type": "RLIMIT_NOFILE", "hard": "x", "soft": 1}]'
	fx cap_unknown 'c["process"]["capabilities"]["bounding"] = ["CAP_FOO"]'
	fx linux_bool 'c["linux"] = True'
	fx ns_type 'c["linux"]["namespaces"][0]["type"] = "bogus"'
	fx uidmap_size 'c["linux"]["uidMappings"] = [{"containerID": 0, "hostID": 0, "size": "x"}]'
	fx mount_option 'c["mounts"][0]["options"] = [1, 2]'
	fx memory_limit 'c["linux"]["resources"] = {"memory": {"limit": "1G"}}'
	fx hooks_object 'c["hooks"] = {"prestart": {}}'
	fx hostname_number 'c["hostname"] = 7'

	# paths that lead nowhere
	fx root_missing 'c["root"]["path"] = "nonexistent"'
	fx root_file 'c["root"]["path"] = "/etc/passwd"'
	mkdir -p "$FIX/loop"
	ln -sfn "$FIX/loop/b" "$FIX/loop/a"
	ln -sfn "$FIX/loop/a" "$FIX/loop/b"
	fx root_loop "c['root']['path'] = '$FIX/loop/a'"
	fx rootfs_self
	ln -sfn rootfs "$FIX/rootfs_self/rootfs.tmp" && mv -T "$FIX/rootfs_self/rootfs.tmp" "$FIX/rootfs_self/rootfs"
	fx mount_source 'c["mounts"].append({"destination": "/mnt", "type": "bind", "source": "/nonexistent/src", "options": ["rbind"]})'
	fx hook_missing 'c["hooks"] = {"prestart": [{"path": "/nonexistent/hook"}]}'
	fx hook_relative 'c["hooks"] = {"createRuntime": [{"path": "bin/hook"}]}'
	fx ns_not_ns 'c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "uts"] + [{"type": "uts", "path": "/etc/passwd"}]'
	fx ns_wrong_type 'c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "uts"] + [{"type": "uts", "path": "/proc/self/ns/net"}]'
	fx ns_missing 'c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "ipc"] + [{"type": "ipc", "path": "/nonexistent/ns"}]'
	fx args_missing 'c["process"]["args"] = ["/nonexistent/bin"]'
	fx cwd_relative 'c["process"]["cwd"] = "relative"'
	fx no_process 'del c["process"]'
}

teardown_file() {
	[[ -n ${PUB:-} && $PUB == /tmp/pflask-hostile.* ]] && rm -rf --one-file-system "$PUB"
	true
}

setup() {
	STATE=$BATS_TEST_TMPDIR/state
	LONG=$(printf 'a%.0s' {1..10240})
	A300=$(printf 'a%.0s' {1..300})
}

teardown() {
	local id
	for id in $(ls "$STATE" 2>/dev/null); do
		"$RUNTIME" --root "$STATE" delete --force "$id" >/dev/null 2>&1 || true
	done
}

# ---- the table runner -----------------------------------------------------------------------

# expand WORD ID: WORD with the placeholders replaced, in $REPLY (a command substitution would
# drop a trailing newline).
expand() {
	local w=$1
	w=${w//@EMPTY@/}
	w=${w//@FIX@/$FIX}
	w=${w//@PUB@/$PUB}
	w=${w//@ROOTFS@/$ROOTFS}
	w=${w//@ID@/$2}
	w=${w//@LONG@/$LONG}
	w=${w//@A300@/$A300}
	w=${w//@NL@/$'\n'}
	REPLY=$w
}

# What containers named ID... could leave: state directory entries (also a half-made
# ".new-ID-PID"), cgroup directories, and mounts of the IDs, the fixtures or the rootfs. Two
# processes, since it runs twice a row.
leftovers() {
	local id names=() pats=()
	for id in "$@"; do
		names+=(-o -name "$id" -o -name ".new-$id-*")
		pats+=(-e "$id")
	done
	find "$STATE" /run/pflask "$PUB/state" /sys/fs/cgroup -maxdepth 5 -type d \
		\( -false "${names[@]}" \) -print 2>/dev/null
	grep -F "${pats[@]}" -e "$ROOTFS" -e "$FIX" -e "$PUB" /proc/self/mountinfo | cut -d' ' -f5
	true
}

# check_row KIND N WANT ARGS: one row; prints why it failed and returns 1.
check_row() {
	local kind=$1 n=$2 want=$3 args=$4 id="hx${BATS_TEST_NUMBER}-$2" prefix
	local out=$BATS_TEST_TMPDIR/out err=$BATS_TEST_TMPDIR/err before after pid rc=0 w
	local -a words argv cmd
	read -ra words <<<"$args"
	for w in "${words[@]}"; do
		expand "$w" "$id"
		argv+=("$REPLY")
	done
	expand "$want" "$id"
	want=$REPLY
	case $kind in
	rt) cmd=("$RUNTIME" --root "$STATE") prefix="pflask-runtime: " ;;
	rt-plain) cmd=("$RUNTIME" --root "$STATE") prefix= ;;    # validate: its problems, bare
	rt-nobody)
		cmd=(setpriv --reuid=65534 --regid=65534 --clear-groups "$RUNTIME" --root "$PUB/state")
		prefix="pflask-runtime: " ;;
	pf) cmd=("$PFLASK") prefix="pflask: " ;;
	esac
	before=$(leftovers "$id")
	# exec in the background: $! is the binary's own pid, which names pflask's container; in
	# an empty directory, which must stay empty
	mkdir -p "$BATS_TEST_TMPDIR/cwd"
	(cd "$BATS_TEST_TMPDIR/cwd" && exec "${cmd[@]}" "${argv[@]}" </dev/null >"$out" 2>"$err") &
	pid=$!
	# a watchdog that ends with it, holding none of bats' descriptors (bats waits for those)
	(for _ in {1..100}; do
		kill -0 "$pid" 2>/dev/null || exit 0
		sleep 0.2
	done
	kill -KILL "$pid") </dev/null >/dev/null 2>&1 3>&- &
	wait "$pid" || rc=$?
	after=$(leftovers "$id" "pflask-$pid")
	local what="row $n ($kind ${args:0:120})"
	if ((rc != 1)); then
		echo "$what: exit status $rc, want 1$( ((rc == 137)) && echo ' (killed after 20 s)')" >&2
		cat "$err" >&2
		return 1
	fi
	if [[ -s $out ]]; then
		echo "$what: printed on stdout: $(head -c 300 "$out")" >&2
		return 1
	fi
	if [[ $(wc -l <"$err") -ne 1 || $(tail -c 1 "$err" | od -An -c | tr -d ' ') != '\n' ]]; then
		echo "$what: stderr is not exactly one line:" >&2
		head -c 2000 "$err" >&2
		return 1
	fi
	local line
	line=$(cat "$err")
	if [[ $line != "$prefix"* || $line != *"$want"* ]]; then
		echo "$what: stderr is" >&2
		echo "  ${line:0:600}" >&2
		echo "want a line starting with \"$prefix\" holding \"$want\"" >&2
		return 1
	fi
	if [[ -n $(ls -A "$BATS_TEST_TMPDIR/cwd") ]]; then
		echo "$what: left in its working directory: $(ls -A "$BATS_TEST_TMPDIR/cwd")" >&2
		return 1
	fi
	if [[ $before != "$after" ]]; then
		echo "$what: left behind:" >&2
		diff <(echo "$before") <(echo "$after") >&2
		return 1
	fi
}

# check_table KIND MIN: every row of the table on stdin (comments and blank lines skipped);
# fails when a row does, or when the table has fewer than MIN rows. A subshell without bats'
# DEBUG trap, which would otherwise run before every command of every row.
check_table() (
	trap - DEBUG
	set +T
	local kind=$1 min=$2 line want args n=0 failed=0
	while IFS= read -r line; do
		[[ $line =~ ^[[:space:]]*(#|$) ]] && continue
		want=${line%%|*}
		args=${line#*|}
		want=${want%"${want##*[![:space:]]}"}
		n=$((n + 1))
		check_row "$kind" "$n" "$want" "$args" || failed=$((failed + 1))
	done
	echo "# $kind: $n rows, $failed failed" >&3
	((failed == 0 && n >= min))
)

# ---- pflask-runtime -------------------------------------------------------------------------

@test "pflask-runtime: absurd container IDs" {
	require_root
	check_table rt 20 <<'EOF'
container ID must not be empty                        | create -b @FIX@/ok @EMPTY@
invalid container ID ".."                             | create -b @FIX@/ok ..
invalid container ID "../x"                           | create -b @FIX@/ok ../x
invalid container ID "aaaaaaaaaa                      | create -b @FIX@/ok @LONG@
invalid container ID "a/b"                            | create -b @FIX@/ok a/b
invalid container ID "/etc"                           | create -b @FIX@/ok /etc
invalid container ID "a\x0ab"                         | create -b @FIX@/ok a@NL@b
invalid container ID ".hidden"                        | create -b @FIX@/ok .hidden
File name too long                                    | create -b @FIX@/ok @A300@
expected exactly one container ID                     | create -b @FIX@/ok
expected exactly one container ID                     | create -b @FIX@/ok @ID@ @ID@x
invalid container ID ".."                             | run -b @FIX@/ok ..
invalid container ID ".."                             | state ..
invalid container ID "a\x0ab"                         | state a@NL@b
container @ID@ does not exist                        | state @ID@
invalid container ID "../x"                           | kill ../x KILL
invalid container ID "a/b"                            | delete a/b
container ID must not be empty                        | start @EMPTY@
invalid container ID ".."                             | exec .. /bin/true
invalid container ID "aaaaaaaaaa                      | ps @LONG@
invalid container ID "a/b"                            | pause a/b
invalid container ID "\x0a"                          | resume @NL@
invalid container ID ".."                             | events --stats ..
EOF
}

@test "pflask-runtime: config.json that is not a JSON file (must not hang)" {
	require_root
	check_table rt 15 <<'EOF'
bundle @FIX@/nonexistent: No such file or directory   | create -b @FIX@/nonexistent @ID@
@FIX@/noconfig/config.json: No such file or directory | create -b @FIX@/noconfig @ID@
config.json: is a directory                           | create -b @FIX@/cfgdir @ID@
config.json: No such file or directory                | create -b @FIX@/dangling @ID@
config.json: line 1                                   | create -b @FIX@/shadow @ID@
config.json: empty document                           | create -b @FIX@/fifo @ID@
config.json: larger than 16 MiB                       | create -b @FIX@/zero @ID@
config.json: Input/output error                       | create -b @FIX@/mem @ID@
config.json: empty document                           | create -b @FIX@/empty @ID@
config.json: empty document                           | create -b @FIX@/blank @ID@
config.json: larger than 16 MiB                       | create -b @FIX@/huge @ID@
config.json: nested deeper than 64 levels             | create -b @FIX@/deep @ID@
config.json: nested deeper than 64 levels             | create -b @FIX@/deep_annotations @ID@
config.json: .: expected an object, got an array      | create -b @FIX@/toparray @ID@
config.json: .: expected an object, got a string      | create -b @FIX@/topstring @ID@
config.json:                                          | create -b @FIX@/truncated @ID@
config.json:                                          | create -b @FIX@/trailing @ID@
config.json:                                          | create -b @FIX@/nulbyte @ID@
config.json: empty document                           | run -b @FIX@/fifo @ID@
open /etc/passwd/config.json: Not a directory         | create -b /etc/passwd @ID@
EOF
	[ ! -e "$STATE" ] || [ -z "$(ls -A "$STATE")" ]
}

@test "pflask-runtime: config.json unreadable to its user" {
	require_root
	require_cmd setpriv
	check_table rt-nobody 1 <<'EOF'
@PUB@/unreadable/config.json: Permission denied      | create -b @PUB@/unreadable @ID@
EOF
}

@test "pflask-runtime: wrong types at each level of config.json" {
	require_root
	check_table rt 18 <<'EOF'
config.json: .ociVersion: expected a string, got a number              | create -b @FIX@/ver_number @ID@
config.json: .ociVersion: unsupported version "2.0.0"                  | create -b @FIX@/ver_unsupported @ID@
config.json: .root: expected an object, got a string                   | create -b @FIX@/root_string @ID@
config.json: .process: expected an object, got an array                | create -b @FIX@/process_array @ID@
config.json: .process.args: expected an array, got a string            | create -b @FIX@/args_string @ID@
config.json: .process.args[1]: expected a string, got a number         | create -b @FIX@/args_item @ID@
config.json: .process.env[0]: expected a string, got null              | create -b @FIX@/env_item @ID@
config.json: .process.user.uid: -1 is out of range for uint32          | create -b @FIX@/uid_negative @ID@
config.json: .process.user.uid: 99999999999999999999 is out of range   | create -b @FIX@/uid_huge @ID@
config.json: .process.rlimits[0].hard: expected an integer             | create -b @FIX@/rlimit_hard @ID@
config.json: .process.capabilities.bounding[0]: unknown capability     | create -b @FIX@/cap_unknown @ID@
config.json: .linux: expected an object, got a boolean                 | create -b @FIX@/linux_bool @ID@
config.json: .linux.namespaces[0].type: unknown namespace type "bogus" | create -b @FIX@/ns_type @ID@
config.json: .linux.uidMappings[0].size: expected an integer           | create -b @FIX@/uidmap_size @ID@
config.json: .mounts[0].options[0]: expected a string, got a number    | create -b @FIX@/mount_option @ID@
config.json: .linux.resources.memory.limit: expected an integer        | create -b @FIX@/memory_limit @ID@
config.json: .hooks.prestart: expected an array, got an object         | create -b @FIX@/hooks_object @ID@
config.json: .hostname: expected a string, got a number                | create -b @FIX@/hostname_number @ID@
config.json: .process: required to create a container                  | create -b @FIX@/no_process @ID@
config.json: .process.cwd: must be an absolute path                    | create -b @FIX@/cwd_relative @ID@
EOF
	check_table rt-plain 3 <<'EOF'
config.json: nested deeper than 64 levels             | validate --bundle @FIX@/deep
config.json: .process.args[1]: expected a string      | validate --bundle @FIX@/args_item
@FIX@/noconfig/config.json: No such file or directory | validate --bundle @FIX@/noconfig
EOF
}

@test "pflask-runtime: bundle paths that lead nowhere" {
	require_root
	check_table rt 12 <<'EOF'
root.path: @FIX@/root_missing/nonexistent: No such file or directory | create -b @FIX@/root_missing @ID@
root.path: /etc/passwd: Not a directory                              | create -b @FIX@/root_file @ID@
root.path: @FIX@/loop/a: Too many levels of symbolic links           | create -b @FIX@/root_loop @ID@
root.path: @FIX@/rootfs_self/rootfs: Too many levels of symbolic     | create -b @FIX@/rootfs_self @ID@
source /nonexistent/src: No such file or directory                   | create -b @FIX@/mount_source @ID@
hook prestart[0] /nonexistent/hook                                   | create -b @FIX@/hook_missing @ID@
.hooks.createRuntime[0].path: must be an absolute path               | create -b @FIX@/hook_relative @ID@
linux.namespaces[5]: /etc/passwd is not a namespace file             | create -b @FIX@/ns_not_ns @ID@
is not a namespace of type uts                                       | create -b @FIX@/ns_wrong_type @ID@
open ipc namespace /nonexistent/ns: No such file or directory        | create -b @FIX@/ns_missing @ID@
exec /nonexistent/bin: No such file or directory                     | create -b @FIX@/args_missing @ID@
exec /nonexistent/bin: No such file or directory                     | run -b @FIX@/args_missing @ID@
source /nonexistent/src: No such file or directory                   | run -d -b @FIX@/mount_source @ID@
EOF
}

@test "pflask-runtime: malformed flags and arguments" {
	require_root
	check_table rt 25 <<'EOF'
--preserve-fds: "-1" is not a number from 0 to 1024          | create -b @FIX@/ok --preserve-fds -1 @ID@
--preserve-fds: "99999999999" is not a number                | create -b @FIX@/ok --preserve-fds 99999999999 @ID@
--preserve-fds: "1025" is not a number                       | create -b @FIX@/ok --preserve-fds 1025 @ID@
--preserve-fds: "abc" is not a number                        | run -b @FIX@/ok --preserve-fds abc @ID@
--preserve-fds: "1\x0a" is not a number                      | create -b @FIX@/ok --preserve-fds 1@NL@ @ID@
--pid-file: write /nonexistent/dir/pid: No such file         | create -b @FIX@/ok --pid-file /nonexistent/dir/pid @ID@
--pid-file: write /nonexistent/dir/pid: No such file         | run -b @FIX@/ok --pid-file /nonexistent/dir/pid @ID@
--pid-file: write @FIX@: Is a directory                      | create -b @FIX@/ok --pid-file @FIX@ @ID@
--console-socket /etc/passwd: Connection refused             | create -b @FIX@/term --console-socket /etc/passwd @ID@
--console-socket /nonexistent/sock: No such file             | create -b @FIX@/term --console-socket /nonexistent/sock @ID@
--console-socket /aaaaaaaaaa                                 | create -b @FIX@/term --console-socket /@A300@ @ID@
process.terminal needs --console-socket when detached        | create -b @FIX@/term @ID@
kill: unknown signal "0"                                     | kill @ID@ 0
kill: unknown signal "65"                                    | kill @ID@ 65
kill: unknown signal "-1"                                    | kill @ID@ -1
kill: unknown signal "SIGFOO"                                | kill @ID@ SIGFOO
kill: unknown signal ""                                      | kill @ID@ @EMPTY@
kill: unknown signal "99999999999999999999"                  | kill @ID@ 99999999999999999999
--log-format: "xml" is not text or json                      | --log-format xml list
--log-format: "" is not text or json                         | --log-format @EMPTY@ list
--log-format: "a\x0ab" is not text or json                   | --log-format a@NL@b list
open /dev/null: Not a directory                              | --root /dev/null list
events: --interval "0": seconds from 1 to 3600               | events --interval 0 @ID@
events: --interval "-1": seconds from 1 to 3600              | events --interval -1 @ID@
create: unknown option "--frobnicate"                        | create --frobnicate @ID@
create: unknown option "-b"                                  | create -b
unknown command "\x0a"                                       | @NL@
spec: write /proc/config.json                                | spec --bundle /proc
spec: write /nonexistent/dir/config.json                     | spec --bundle /nonexistent/dir
EOF
}

# ---- pflask ---------------------------------------------------------------------------------

@test "pflask: every flag grammar, malformed" {
	check_table pf 40 <<'EOF'
--mount=foo:/a:/b: unknown mount type "foo"                  | --mount=foo:/a:/b true
--mount=bind:a:/b: source "a" is not an absolute path        | --mount=bind:a:/b true
--mount=bind:/a: expected bind:HOST_PATH:CONTAINER_PATH      | --mount=bind:/a true
--mount=bind::/b: expected bind:HOST_PATH:CONTAINER_PATH     | --mount=bind::/b true
--mount=bind:/a:/b:/c: expected bind:HOST_PATH               | --mount=bind:/a:/b:/c true
--mount=overlay:/r,x:/d:/w: root directory "/r,x" holds a comma | --mount=overlay:/r,x:/d:/w true
--mount=tmp:: expected tmp:DEST (the destination is empty)   | --mount=tmp: true
--mount=: unknown mount type ""                              | --mount=@EMPTY@ true
--mount=aaaaaaaaaa                                           | --mount=@LONG@ true
--mount=bind:a\x0a:/b: source "a\x0a" is not an absolute   | --mount=bind:a@NL@:/b true
--netif=veth:v0: expected veth:OUTSIDE:INSIDE                | --netif=veth:v0 true
--netif=vlan:eth0:e0: unknown interface type "vlan"          | --netif=vlan:eth0:e0 true
--netif=eth0: expected DEV:NAME                              | --netif=eth0 true
--netif=eth0:..: ".." is not a network interface name        | --netif=eth0:.. true
--netif=eth0:a/b: "a/b" is not a network interface name      | --netif=eth0:a/b true
--netif=eth0:a\x0ab: "a\x0ab" is not a network interface     | --netif=eth0:a@NL@b true
--netif=eth0:aaaaaaaaaaaaaaaa: "aaaaaaaaaaaaaaaa" is not     | --netif=eth0:aaaaaaaaaaaaaaaa true
--user-map=1000:1000: expected CONTAINER_ID:HOST_ID:COUNT    | --user-map=1000:1000 true
--user-map=-1:0:1: expected CONTAINER_ID:HOST_ID:COUNT       | --user-map=-1:0:1 true
--user-map=0:0:99999999999: expected CONTAINER_ID            | --user-map=0:0:99999999999 true
-e 0:100000:0: the count must be at least 1                  | -e 0:100000:0 true
--user-map=4294967295:0:2: the range goes past               | --user-map=4294967295:0:2 true
--user-map=5:200:1: overlaps --user-map=0:100:10             | -e 0:100:10 --user-map=5:200:1 true
--caps=+foo: unknown capability "foo"                        | --caps=+foo true
--caps=chown,,kill: empty capability name                    | --caps=chown,,kill true
--caps=: empty capability name                               | --caps=@EMPTY@ true
--caps=aaaaaaaaaa                                            | --caps=@LONG@ true
--caps=-: empty capability name                              | --caps=- true
--setenv=FOO: "FOO" is not NAME=VALUE                        | --setenv=FOO true
-s A=1,=2: "=2" is not NAME=VALUE                            | -s A=1,=2 true
--setenv=A=1,: "" is not NAME=VALUE                          | --setenv=A=1, true
--setenv=A\x0a: "A\x0a" is not NAME=VALUE                    | --setenv=A@NL@ true
--chroot=/nonexistent-pflask: No such file or directory      | --chroot=/nonexistent-pflask true
--chroot=/etc/passwd: Not a directory                        | --chroot=/etc/passwd true
--chroot=@FIX@/loop/a: Too many levels of symbolic links     | --chroot=@FIX@/loop/a true
--chroot=: No such file or directory                         | --chroot=@EMPTY@ true
--chdir=home: "home" is not an absolute path                 | --chdir=home true
--hostname=: the hostname must not be empty                  | --hostname=@EMPTY@ true
--hostname=aaaaaaaaaa                                        | --hostname=@LONG@ true
--user=: the user name must not be empty                     | --user=@EMPTY@ true
--user=nosuchuser: no such user in @ROOTFS@/etc/passwd       | -r @ROOTFS@ --user=nosuchuser true
--user=a\x0ab: no such user                                  | -r @ROOTFS@ --user=a@NL@b true
--user=user: uid 1000 is not mapped by --user-map            | -r @ROOTFS@ -u user -e 0:100000:10 true
--cgroup=nosuchcontroller: no such cgroup controller         | --cgroup=nosuchcontroller true
--cgroup=a\x0ab: no such cgroup controller                   | --cgroup=a@NL@b true
--cgroup=: the controller must not be empty                  | --cgroup=@EMPTY@ true
--ephemeral: needs --chroot                                  | --ephemeral true
--hostname=a\x0ab: needs a UTS namespace                     | -t a@NL@b --no-utsns true
--netif=veth:v0:eth0: needs a network namespace              | -N --netif=veth:v0:eth0 true
--chroot=@ROOTFS@: needs a mount namespace                   | -M -r @ROOTFS@ true
--mount: needs a mount namespace                             | -M -m tmp:/t true
--frobnicate: unknown option                                 | --frobnicate true
--frob\x0a: unknown option                                   | --frob@NL@ true
-\x0a: unknown option                                        | -@NL@ true
--ch=/x: ambiguous option                                    | --ch=/x true
--keepenv=yes: takes no argument                             | --keepenv=yes true
--mount: needs an argument                                   | --mount
-m: needs an argument                                        | -m
EOF
}

@test "pflask: absurd IDs, pids and bundle directories" {
	require_root    # --attach=1 and /proc answer otherwise to anyone else
	check_table pf 15 <<'EOF'
--attach=-1: not a process id                                | --attach=-1
--attach=0: not a process id                                 | --attach=0
--attach=99999999999: not a process id                       | --attach=99999999999
--attach=abc: not a process id                               | --attach=abc
--attach=: not a process id                                  | --attach=@EMPTY@
--attach=4194305: no detached pflask with this pid           | --attach=4194305
--attach=1: no detached pflask with this pid                 | --attach=1
--name=..: invalid container ID ".."                         | --name=.. true
--name=../x: invalid container ID "../x"                     | --name=../x true
--name=a/b: invalid container ID "a/b"                       | --name=a/b true
--name=: container ID must not be empty                      | --name=@EMPTY@ true
--name=a\x0ab: invalid container ID "a\x0ab"                 | --name=a@NL@b true
--name=aaaaaaaaaa                                            | --name=@LONG@ true
--emit-bundle=: the bundle directory must not be empty       | --emit-bundle=@EMPTY@ true
--emit-bundle=/proc: write /proc/config.json                 | --emit-bundle=/proc -r @ROOTFS@ true
--emit-bundle=/proc/hostile: mkdir /proc/hostile             | --emit-bundle=/proc/hostile -r @ROOTFS@ true
--emit-bundle=/etc/passwd: write /etc/passwd/config.json: Not a directory | --emit-bundle=/etc/passwd -r @ROOTFS@ true
--emit-bundle=/etc/passwd/x: mkdir /etc/passwd/x: Not a directory | --emit-bundle=/etc/passwd/x -r @ROOTFS@ true
--emit-bundle=/aaaaaaaaaa                                    | --emit-bundle=/@LONG@ -r @ROOTFS@ true
--emit-bundle=@FIX@/ok: @FIX@/ok/config.json already exists  | --emit-bundle=@FIX@/ok -r @ROOTFS@ true
--mount=bind:a:/b: source "a" is not an absolute path        | --emit-bundle=bundle --mount=bind:a:/b true
--user=nosuchuser: no such user                              | --emit-bundle=a/b/c -r @ROOTFS@ -u nosuchuser true
EOF
}

@test "pflask: runs that fail once the container is being made leave nothing" {
	require_root
	check_table pf 4 <<'EOF'
mounts[7]: source /nonexistent: No such file or directory    | -r @ROOTFS@ --mount=bind:/nonexistent:/mnt true
exec /nonexistent/cmd: No such file or directory             | -r @ROOTFS@ /nonexistent/cmd
exec /nonexistent/cmd: No such file or directory             | --name=@ID@ -r @ROOTFS@ /nonexistent/cmd
exec /nonexistent/cmd: No such file or directory             | -w -r @ROOTFS@ /nonexistent/cmd
source /aaaaaaaaaa                                           | -r @ROOTFS@ --mount=bind:/@A300@:/mnt true
EOF
}
