#!/usr/bin/env bats
# pflask-runtime run by an unprivileged user: `spec --rootless` (the user's own id mapped to
# root), and subordinate ranges written by newuidmap/newgidmap. No cgroup (none is delegated
# here), state under $XDG_RUNTIME_DIR/pflask, and nothing left afterwards.
#
# The tests run as root and act as the user pfrootless (made here when missing, with a
# subordinate range of 65536 ids), on copies of the runtime and the rootfs it owns.

load helpers

USER_NAME=pfrootless

setup_file() {
	[[ $EUID -eq 0 ]] || return 0
	if ! id "$USER_NAME" >/dev/null 2>&1; then
		useradd --no-create-home --shell /bin/sh "$USER_NAME" >/dev/null 2>&1 || return 0
		touch "$BATS_FILE_TMPDIR/made-user"
	fi
	grep -q "^$USER_NAME:" /etc/subuid 2>/dev/null ||
		usermod --add-subuids 300000-365535 --add-subgids 300000-365535 "$USER_NAME" \
			>/dev/null 2>&1 || true
}

teardown_file() {
	[[ -e $BATS_FILE_TMPDIR/made-user ]] || return 0
	userdel "$USER_NAME" >/dev/null 2>&1 || true
	# userdel leaves the subordinate ranges behind on some versions
	sed -i "/^$USER_NAME:/d" /etc/subuid /etc/subgid 2>/dev/null || true
}

setup() {
	require_root
	id "$USER_NAME" >/dev/null 2>&1 || skip "no user $USER_NAME (useradd failed)"
	[[ -d $ROOTFS ]] || skip "no $ROOTFS (make rootfs)"
	UID_OF=$(id -u "$USER_NAME")
	GID_OF=$(id -g "$USER_NAME")
	# a world-searchable place the user owns (bats's own tmpdir is private to root)
	WORK=$(mktemp -d /tmp/pfrl.XXXXXX)
	chmod 755 "$WORK"
	cp "$RUNTIME" "$WORK/pflask-runtime"
	cp -a "$ROOTFS" "$WORK/rootfs"
	mkdir -p "$WORK/b" "$WORK/xdg"
	ln -s ../rootfs "$WORK/b/rootfs"
	chown -R "$USER_NAME:" "$WORK"
	chmod 700 "$WORK/xdg"
	as_user "$WORK/pflask-runtime" spec --rootless --bundle "$WORK/b" || return 1
	CID=rl-$BATS_TEST_NUMBER-$$
}

teardown() {
	[[ -n ${WORK:-} ]] || return 0
	as_user "$WORK/pflask-runtime" delete --force "$CID" >/dev/null 2>&1 || true
	rm -rf --one-file-system "$WORK"
}

# as_user CMD...: CMD as the user, with its runtime dir, stdin /dev/null.
as_user() {
	setpriv --reuid="$UID_OF" --regid="$GID_OF" --init-groups --reset-env \
		env XDG_RUNTIME_DIR="$WORK/xdg" "$@" </dev/null
}

# edit PYTHON: config_edit on the user's bundle, which stays the user's.
edit() {
	config_edit "$1" "$WORK/b"
	chown "$USER_NAME:" "$WORK/b/config.json"
}

@test "rootless: spec --rootless runs as root of a user namespace mapping only the user" {
	edit 'c["process"]["terminal"] = False
c["process"]["args"] = ["sh", "-c", "id -u; cat /proc/self/uid_map; touch /x 2>/dev/null || echo read-only"]'
	run as_user "$WORK/pflask-runtime" run --bundle "$WORK/b" "$CID"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 0 ]
	[ "$(echo "${lines[1]}" | tr -s ' ' | sed 's/^ //')" = "0 $UID_OF 1" ]
	[ "${lines[2]}" = read-only ]
	# the state lived under the user's runtime dir, and is gone
	[ -d "$WORK/xdg/pflask" ]
	[ -z "$(ls -A "$WORK/xdg/pflask")" ]
	# no cgroup was made for it anywhere
	[ -z "$(find /sys/fs/cgroup -name "$CID" 2>/dev/null || true)" ]
}

@test "rootless: subordinate ranges are written by newuidmap and newgidmap" {
	command -v newuidmap >/dev/null && command -v newgidmap >/dev/null ||
		skip "no newuidmap/newgidmap (package uidmap)"
	local sub
	sub=$(awk -F: -v u="$USER_NAME" '$1 == u { print $2; exit }' /etc/subuid)
	[[ -n $sub ]] || skip "no subordinate uids for $USER_NAME"
	edit "c['process']['terminal'] = False
for k in ('uidMappings', 'gidMappings'):
    own = $UID_OF if k == 'uidMappings' else $GID_OF
    c['linux'][k] = [{'containerID': 0, 'hostID': own, 'size': 1},
                     {'containerID': 1, 'hostID': $sub, 'size': 1000}]
c['process']['args'] = ['sh', '-c', 'cat /proc/self/uid_map /proc/self/gid_map']"
	run as_user "$WORK/pflask-runtime" run --bundle "$WORK/b" "$CID"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 4 ]
	[ "$(echo "${lines[1]}" | tr -s ' ' | sed 's/^ //')" = "1 $sub 1000" ]
	[ "$(echo "${lines[3]}" | tr -s ' ' | sed 's/^ //')" = "1 $sub 1000" ]
	[ -z "$(ls -A "$WORK/xdg/pflask")" ]
}

@test "rootless: a subordinate range the user does not own is refused, nothing left" {
	command -v newuidmap >/dev/null || skip "no newuidmap (package uidmap)"
	edit "c['process']['terminal'] = False
c['linux']['uidMappings'] = [{'containerID': 0, 'hostID': $UID_OF, 'size': 1},
                             {'containerID': 1, 'hostID': 4000000, 'size': 10}]"
	run as_user "$WORK/pflask-runtime" run --bundle "$WORK/b" "$CID"
	echo "$output"
	[ "$status" -ne 0 ]
	[ "${#lines[@]}" -eq 1 ]
	# newuidmap's own reason, in the one line
	[[ ${lines[0]} == "pflask-runtime: run $CID: newuidmap: "*"not allowed"* ]]
	[ -z "$(ls -A "$WORK/xdg/pflask")" ]
	run pgrep -u "$USER_NAME"
	[ "$status" -ne 0 ]
}
