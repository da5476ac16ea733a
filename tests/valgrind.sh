#!/usr/bin/env bash
# valgrind memcheck of pflask-runtime: spec, validate, create, state, list, delete and a full
# run of a busybox container (/bin/true, no terminal), and of pflask's translation
# (--emit-bundle, a malformed flag), must each exit as expected with no memcheck error: no
# invalid read or write, no use of uninitialised memory, no definite or indirect leak. One line
# per command; a failing one also shows its output and valgrind log. Exits 1 if anything
# failed.
#
# The runtime forks its container without exec, so the children run under valgrind too: they
# are kept silent (--child-silent-after-fork) and only the runtime's own process is judged.
# valgrind 3.19 (Debian 12) brings three limits, worked around in the config given to run:
#   - no openat2: pathres.c then resolves rootfs paths by hand (the same lookups);
#   - no mount_setattr: so no read-only root, readonlyPaths or maskedPaths;
#   - no change of the RLIMIT_NOFILE hard limit (it keeps its own descriptors): no rlimits.
#
# Environment: PFLASK_BUILD (default build; relative to the repository top), VALGRIND_LOGS
# (directory for the logs; default a temporary one, removed when all is clean).
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${PFLASK_BUILD:-build}
[[ $build = /* ]] || build=$root/$build
runtime=$build/pflask-runtime
pflask=$build/pflask
rootfs=$build/rootfs

command -v valgrind >/dev/null 2>&1 || {
	echo "valgrind.sh: valgrind missing: make deps" >&2
	exit 1
}
[[ -x $runtime ]] || { echo "valgrind.sh: $runtime missing: make" >&2; exit 1; }
if grep -qa __asan_init "$runtime"; then
	echo "valgrind.sh: $runtime is an ASan build, which valgrind cannot run" >&2
	exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/pflask-valgrind.XXXXXX") || exit 1
logs=${VALGRIND_LOGS:-$work/logs}
mkdir -p "$logs" || exit 1
state=$work/state
bundle=$work/bundle
id=vg-$$
failed=0

cleanup() {
	"$runtime" --root "$state" delete --force "$id" >/dev/null 2>&1
	rm -rf --one-file-system "$work"
}
trap cleanup EXIT

# vg NAME WANT CMD...: CMD under memcheck must exit WANT with a clean log.
vg() {
	local name=$1 want=$2 log=$logs/$1.log rc=0
	shift 2
	valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
		--track-fds=no --trace-children=no --child-silent-after-fork=yes \
		--log-file="$log" "$@" </dev/null >"$logs/$name.out" 2>&1 || rc=$?
	if [[ $rc -eq $want ]] && grep -qs 'ERROR SUMMARY: 0 errors' "$log"; then
		echo "ok   $name"
		return 0
	fi
	echo "FAIL $name: exit status $rc (want $want$( ((rc == 99)) && echo ', 99 is a memcheck error'))"
	sed 's/^/    /' "$logs/$name.out"
	grep -sv '^--' "$log" | sed 's/^/    /'
	failed=$((failed + 1))
}

rt=("$runtime" --root "$state")    # with this run's own state root

mkdir -p "$bundle"
ln -s "$rootfs" "$bundle/rootfs"
vg spec 0 "${rt[@]}" spec --bundle "$bundle"
vg validate 0 "${rt[@]}" validate --bundle "$bundle"
vg list-empty 0 "${rt[@]}" list
vg state-missing 1 "${rt[@]}" state "$id"
if [[ -x $pflask ]]; then
	vg pflask-emit 0 "$pflask" --emit-bundle="$work/emitted" -r "$rootfs" -c /tmp -t box \
		-m bind:/tmp:/mnt -m tmp:/scratch -u user -s A=1,B=2 -b -all,+chown -n -- sh -c true
	vg pflask-bad-flag 1 "$pflask" --mount=foo:/a:/b true
fi

if [[ $(id -u) -ne 0 ]]; then
	echo "skip create, state, list, delete, run: they need root (running as uid $(id -u))"
elif [[ ! -x $rootfs/bin/true ]]; then
	echo "valgrind.sh: $rootfs missing: make rootfs" >&2
	failed=$((failed + 1))
else
	/usr/bin/python3 - "$bundle/config.json" <<'PY' || exit 1
import json, sys
path = sys.argv[1]
with open(path) as f:
    c = json.load(f)
c["process"]["terminal"] = False
c["process"]["args"] = ["/bin/true"]
c["process"].pop("rlimits", None)
c["root"]["readonly"] = False
c["linux"].pop("maskedPaths", None)
c["linux"].pop("readonlyPaths", None)
with open(path, "w") as f:
    json.dump(c, f)
PY
	vg validate-edited 0 "${rt[@]}" validate --bundle "$bundle"
	vg create 0 "${rt[@]}" create --bundle "$bundle" "$id"
	vg state 0 "${rt[@]}" state "$id"
	vg list 0 "${rt[@]}" list
	vg delete 0 "${rt[@]}" delete --force "$id"
	vg run 0 "${rt[@]}" run --bundle "$bundle" "$id"
fi

if ((failed)); then
	echo "valgrind: $failed failed"
	[[ -n ${VALGRIND_LOGS:-} ]] || echo "(set VALGRIND_LOGS=DIR to keep the logs)"
	exit 1
fi
echo "valgrind: all clean"
