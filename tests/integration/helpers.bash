# Shared helpers for the integration tests: `load helpers` at the top of each .bats file.
#
#   PFLASK_ROOT   repo top (default: two levels above this file)
#   PFLASK_BUILD  build dir (default: $PFLASK_ROOT/build; build-asan under `make asan`)
#   RUNTIME       $PFLASK_BUILD/pflask-runtime
#   PFLASK        $PFLASK_BUILD/pflask (the compat front end, once it exists)
#   ROOTFS        $PFLASK_BUILD/rootfs (busybox, made by `make rootfs`)

PFLASK_ROOT=${PFLASK_ROOT:-$(cd "$BATS_TEST_DIRNAME/../.." && pwd)}
PFLASK_BUILD=${PFLASK_BUILD:-$PFLASK_ROOT/build}
[[ $PFLASK_BUILD = /* ]] || PFLASK_BUILD=$PFLASK_ROOT/$PFLASK_BUILD
RUNTIME=$PFLASK_BUILD/pflask-runtime
PFLASK=$PFLASK_BUILD/pflask
ROOTFS=$PFLASK_BUILD/rootfs
export PFLASK_ROOT PFLASK_BUILD RUNTIME PFLASK ROOTFS

# make_bundle [NAME] [SPEC_ARGS...]: create the bundle $BATS_TEST_TMPDIR/NAME (default
# "bundle") with rootfs -> $ROOTFS and a default config.json from `$RUNTIME spec`, extra
# arguments going to spec. Sets BUNDLE to its path.
make_bundle() {
	local name=bundle
	if [[ $# -gt 0 && $1 != -* ]]; then
		name=$1
		shift
	fi
	[[ -d $ROOTFS ]] || {
		echo "make_bundle: $ROOTFS missing: run make rootfs" >&2
		return 1
	}
	BUNDLE=$BATS_TEST_TMPDIR/$name
	mkdir -p "$BUNDLE" || return 1
	ln -sfn "$ROOTFS" "$BUNDLE/rootfs" || return 1
	"$RUNTIME" spec --bundle "$BUNDLE" "$@" || {
		echo "make_bundle: $RUNTIME spec --bundle $BUNDLE $* failed" >&2
		return 1
	}
}

# config_edit PYTHON [BUNDLE]: edit BUNDLE/config.json (default $BUNDLE) with Python statements
# on the dict `c`, e.g. config_edit 'c["process"]["args"] = ["/bin/echo", "hi"]'.
config_edit() {
	local file=${2:-$BUNDLE}/config.json
	/usr/bin/python3 - "$file" "$1" <<'PY'
import json, sys
path, code = sys.argv[1], sys.argv[2]
with open(path) as f:
    c = json.load(f)
exec(code)
with open(path + ".tmp", "w") as f:
    json.dump(c, f, indent=2)
    f.write("\n")
import os
os.rename(path + ".tmp", path)
PY
}

# require_root: skip the test unless running as root.
require_root() {
	[[ $(id -u) -eq 0 ]] || skip "needs root (running as uid $(id -u))"
}

# require_cmd CMD...: skip the test unless every CMD is on PATH.
require_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || skip "needs $c"
	done
}

# The shared directory (OCI runtime-spec text, JSON schemas and their examples): PFLASK_SHARED,
# else shared/ beside the repository (where CI puts a read-only copy).
PFLASK_SHARED=${PFLASK_SHARED:-$PFLASK_ROOT/../shared}
OCI_SCHEMA=$PFLASK_SHARED/oci-spec/schema
TOOLS=$PFLASK_BUILD/tests/tools
export PFLASK_SHARED OCI_SCHEMA TOOLS

# require_schema: skip the test unless the OCI schema directory is there.
require_schema() {
	[[ -f $OCI_SCHEMA/config-schema.json ]] ||
		skip "OCI schemas not found in $OCI_SCHEMA (set PFLASK_SHARED)"
}

# schema_check SCHEMA_NAME FILE...: tests/tools/schema-check.py with the Python that has jsonschema.
schema_check() {
	/usr/bin/python3 "$PFLASK_ROOT/tests/tools/schema-check.py" "$@"
}

# json_get FILE EXPR: print the Python expression EXPR over the JSON document `c` read from FILE,
# as JSON (sorted keys), e.g. json_get config.json 'c["linux"]["uidMappings"]'.
json_get() {
	/usr/bin/python3 - "$1" "$2" <<'PY'
import json, sys
with open(sys.argv[1]) as f:
    c = json.load(f)
print(json.dumps(eval(sys.argv[2]), sort_keys=True))
PY
}

# refute_grep [GREP OPTIONS] PATTERN [FILE]: fails when grep finds PATTERN. Use it for "! grep":
# bash's errexit ignores a negated command, so "! grep" in the middle of a test asserts nothing.
refute_grep() {
	if grep -q "$@"; then
		echo "unexpectedly found: $*" >&2
		return 1
	fi
}
