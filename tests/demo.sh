#!/usr/bin/env bash
# `make demo`: a container from build/rootfs through its whole lifecycle, shown step by step.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${PFLASK_BUILD:-build}
[[ $build = /* ]] || build=$root/$build
runtime=$build/pflask-runtime

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pflask-demo.XXXXXX")
state=$tmp/state
id=demo-$$
cleanup() {
	"$runtime" --root "$state" delete --force "$id" >/dev/null 2>&1 || true
	rm -rf -- "$tmp"
}
trap cleanup EXIT
bundle=$tmp/bundle
mkdir -p "$bundle"
ln -s "$build/rootfs" "$bundle/rootfs"

step() {
	echo
	echo "\$ pflask-runtime $*"
	"$runtime" --root "$state" "$@"
}

step spec --bundle "$bundle"
step validate --bundle "$bundle"
# a demo without a terminal: the process prints where it runs and waits for a signal
/usr/bin/python3 - "$bundle/config.json" <<'PY'
import json, sys
p = sys.argv[1]
c = json.load(open(p))
c["process"]["terminal"] = False
c["process"]["args"] = ["sh", "-c",
    "echo \"hello from $(hostname): pid $$, $(id)\"; grep -c . /proc/self/mounts | sed 's/$/ mounts/';"
    " trap 'echo stopping; exit 0' TERM; while :; do sleep 0.1; done"]
json.dump(c, open(p, "w"), indent=1)
PY
echo "(process.args set to a small shell loop, terminal off)"
step create --bundle "$bundle" "$id" </dev/null
step state "$id"
step start "$id"
sleep 0.5
step list
step kill "$id" TERM
for _ in $(seq 50); do
	"$runtime" --root "$state" state "$id" | grep -q '"stopped"' && break
	sleep 0.1
done
step state "$id"
step delete "$id"
echo
echo "demo done: nothing is left (no state, no cgroup, no mount)"
