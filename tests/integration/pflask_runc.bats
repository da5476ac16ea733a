#!/usr/bin/env bats
# The flags standard OCI can express, emitted by `pflask --emit-bundle` and run by runc (the
# Debian package): what the process sees is what the flag means (identity, hostname,
# environment, capabilities, working directory, mounts, namespaces).

load helpers

setup() {
	require_root
	require_cmd runc
	[[ -x $PFLASK ]] || {
		echo "$PFLASK missing: run make" >&2
		return 1
	}
	# runc wants a real directory as its rootfs, not a symlink, and one that a mapped root
	# (--user-map) can reach: bats' own temporary directories are private
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/pflask-runc.XXXXXX")
	chmod 0755 "$WORK"
	ROOT=$WORK/rootfs
	cp -a "$ROOTFS" "$ROOT"
	BUNDLE=$BATS_TEST_TMPDIR/bundle
	RUNC_ROOT=$BATS_TEST_TMPDIR/runc
	ID=pfr-${BATS_TEST_NUMBER}-$$
}

teardown() {
	runc --root "$RUNC_ROOT" delete --force "$ID" >/dev/null 2>&1 || true
	if [[ -n ${WORK:-} ]]; then
		rm -rf --one-file-system "$WORK"
	fi
}

# runc_flags FLAGS... -- COMMAND...: emit a bundle for FLAGS and COMMAND, run it under runc;
# $status, $output (the process's stdout) and $lines as with `run`.
runc_flags() {
	rm -rf "$BUNDLE"
	"$PFLASK" --emit-bundle="$BUNDLE" "$@" </dev/null || return 1
	status=0
	runc --root "$RUNC_ROOT" run --bundle "$BUNDLE" "$ID" </dev/null \
		>"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" || status=$?
	output=$(cat "$BATS_TEST_TMPDIR/out")
	mapfile -t lines <"$BATS_TEST_TMPDIR/out"
	if [[ $status -ne 0 ]]; then
		echo "runc exited $status:" >&2
		cat "$BATS_TEST_TMPDIR/err" >&2
	fi
}

# The value of a Cap* line of /proc/self/status in the container's output.
cap_of() {
	grep "^$1:" <<<"$output" | cut -f2
}

# The full set pflask asks for: every capability the kernel knows (up to CAP_CHECKPOINT_RESTORE,
# the last bundle/names.h can name), and outside a user namespace only what we hold ourselves.
full_caps() {
	local last own
	last=$(cat /proc/sys/kernel/cap_last_cap)
	((last > 40)) && last=40
	own=$((16#$(awk '/^CapBnd:/ { print $2 }' /proc/self/status)))
	if [[ ${1:-} = userns ]]; then
		own=-1
	fi
	printf '%016x\n' $(((1 << (last + 1)) - 1 & own))
}

ns_of() {
	readlink "/proc/self/ns/$1"
}

@test "--chroot: root, PID 1 in /, the environment pflask promises, the full capability set" {
	local term=${TERM:-}
	runc_flags -r "$ROOT" -- sh -c 'id; pwd; echo $$; env | sort; grep ^Cap /proc/self/status'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "uid=0(root) gid=0(root)" ]
	[ "${lines[1]}" = "/" ]
	[ "${lines[2]}" = 1 ]
	[ "$(grep -E '^(PATH|USER|LOGNAME|TERM|container)=' <<<"$output")" = "$(printf '%s\n' \
		LOGNAME=root PATH=/usr/sbin:/usr/bin:/sbin:/bin "TERM=${term:-xterm}" USER=root \
		container=pflask)" ]
	[ "$(cap_of CapBnd)" = "$(full_caps)" ]
	[ "$(cap_of CapEff)" = "$(full_caps)" ]
	[ "$(cap_of CapPrm)" = "$(full_caps)" ]
	[ "$(cap_of CapInh)" = 0000000000000000 ]
	[ "$(cap_of CapAmb)" = 0000000000000000 ]
}

@test "--hostname, --chdir, --setenv (the last wins), --keepenv" {
	PF_KEPT=yes runc_flags -r "$ROOT" -t box -c /home -s A=1,B=2 --setenv=A=3 -k -- \
		sh -c 'hostname; pwd; env | sort'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = box ]
	[ "${lines[1]}" = /home ]
	[ "$(grep -E '^(A|B|PF_KEPT|PATH|container)=' <<<"$output")" = "$(printf '%s\n' A=3 B=2 \
		PATH=/usr/sbin:/usr/bin:/sbin:/bin PF_KEPT=yes container=pflask)" ]
	# without --keepenv the caller's environment is gone
	PF_KEPT=yes runc_flags -r "$ROOT" -- sh -c 'env'
	[ "$status" -eq 0 ]
	refute_grep '^PF_KEPT=' <<<"$output"
}

@test "--user: the user, mapped to itself beside root, holding no capability" {
	runc_flags -r "$ROOT" -u user -- sh -c 'id; echo $USER $LOGNAME; cat /proc/self/uid_map /proc/self/gid_map; grep ^Cap /proc/self/status'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "uid=1000(user) gid=1000(user)" ]
	[ "${lines[1]}" = "user user" ]
	[ "$(echo ${lines[2]})" = "0 0 1" ]
	[ "$(echo ${lines[3]})" = "1000 1000 1" ]
	[ "$(echo ${lines[4]})" = "0 0 1" ]
	[ "$(echo ${lines[5]})" = "1000 1000 1" ]
	[ "$(cap_of CapEff)" = 0000000000000000 ]
	[ "$(cap_of CapPrm)" = 0000000000000000 ]
	[ "$(cap_of CapBnd)" = "$(full_caps userns)" ]
}

@test "--user-map: the same mapping for uids and gids, root inside" {
	runc_flags -r "$ROOT" --user-map=0:100000,65536 -- sh -c 'id; cat /proc/self/uid_map /proc/self/gid_map'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "uid=0(root) gid=0(root)" ]
	[ "$(echo ${lines[1]})" = "0 100000 65536" ]
	[ "$(echo ${lines[2]})" = "0 100000 65536" ]
}

@test "--caps: items applied in order to the full set" {
	runc_flags -r "$ROOT" -b -all,+chown,kill -- grep ^Cap /proc/self/status
	[ "$status" -eq 0 ]
	[ "$(cap_of CapBnd)" = 0000000000000021 ]
	[ "$(cap_of CapEff)" = 0000000000000021 ]
	runc_flags -r "$ROOT" --caps=-SYS_ADMIN --caps=-cap_net_raw -- grep ^Cap /proc/self/status
	[ "$status" -eq 0 ]
	[ "$(cap_of CapEff)" = "$(printf '%016x' $((16#$(full_caps) & ~(1 << 21 | 1 << 13))))" ]
}

@test "--mount bind and bind-ro: the host's files, writable or not" {
	local src=$BATS_TEST_TMPDIR/src
	mkdir -p "$src"
	echo hello >"$src/f"
	runc_flags -r "$ROOT" -m "bind:$src:/mnt/rw" -m "bind-ro:$src:/mnt/ro" -- sh -c \
		'cat /mnt/rw/f /mnt/ro/f; touch /mnt/rw/new; touch /mnt/ro/no 2>/dev/null || echo refused; grep -E " /mnt/(rw|ro) " /proc/self/mountinfo | cut -d" " -f5,6 | cut -d, -f1'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = hello ]
	[ "${lines[1]}" = hello ]
	[ "${lines[2]}" = refused ]
	[ "${lines[3]}" = "/mnt/rw rw" ]
	[ "${lines[4]}" = "/mnt/ro ro" ]
	[ -f "$src/new" ]
	[ ! -e "$src/no" ]
}

@test "--mount tmp and overlay: a tmpfs, and a directory stacked on the container's own" {
	local up=$BATS_TEST_TMPDIR/up work=$BATS_TEST_TMPDIR/work
	mkdir -p "$up" "$work"
	echo upper >"$up/added"
	runc_flags -r "$ROOT" -m tmp:/scratch -m "overlay:$up:/etc:$work" -- sh -c \
		'grep -E " /(scratch|etc) " /proc/self/mountinfo | sed "s/.* - //" | cut -d" " -f1; cat /etc/added; grep -c ^root: /etc/passwd; echo new >/etc/written'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = tmpfs ]
	[ "${lines[1]}" = overlay ]
	[ "${lines[2]}" = upper ]
	[ "${lines[3]}" = 1 ]
	# the write went to the upper directory, the rootfs is untouched
	[ "$(cat "$up/written")" = new ]
	[ ! -e "$ROOT/etc/written" ]
}

@test "the namespaces: mount, PID, IPC, UTS and cgroup by default; each --no-* removes one" {
	local probe='for n in mnt pid ipc uts cgroup net user; do echo $n $(readlink /proc/self/ns/$n); done; echo pid1 $$'
	local n host
	runc_flags -r "$ROOT" -- sh -c "$probe"
	[ "$status" -eq 0 ]
	for n in mnt pid ipc uts cgroup; do
		[ "$(grep "^$n " <<<"$output")" != "$n $(ns_of "$n")" ]
	done
	for n in net user; do
		[ "$(grep "^$n " <<<"$output")" = "$n $(ns_of "$n")" ]
	done
	grep -qx "pid1 1" <<<"$output"

	runc_flags -r "$ROOT" -I -H -P -- sh -c "$probe"
	[ "$status" -eq 0 ]
	for n in ipc uts pid; do
		[ "$(grep "^$n " <<<"$output")" = "$n $(ns_of "$n")" ]
	done
	[ "$(grep "^mnt " <<<"$output")" != "mnt $(ns_of mnt)" ]
	refute_grep -x "pid1 1" <<<"$output"

	# --no-userns keeps the user but not the namespace
	runc_flags -r "$ROOT" -u user -U -- sh -c "id; $probe"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "uid=1000(user) gid=1000(user)" ]
	[ "$(grep "^user " <<<"$output")" = "user $(ns_of user)" ]
}

@test "bare --netif: an empty network namespace with lo up" {
	"$RUNTIME" --help 2>/dev/null | grep -qw netif ||
		skip "this build of pflask-runtime has no netif command (the hook of a bare --netif)"
	runc_flags -r "$ROOT" -n -- sh -c 'ls /sys/class/net; ip link show lo | head -1; readlink /proc/self/ns/net'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = lo ]
	[[ ${lines[1]} == *UP* ]]
	[ "${lines[2]}" != "$(ns_of net)" ]
}
