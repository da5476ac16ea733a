#!/usr/bin/env bash
# `make demo`: write a default bundle with `pflask-runtime spec`, show it, and validate it.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${PFLASK_BUILD:-build}
[[ $build = /* ]] || build=$root/$build
runtime=$build/pflask-runtime

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pflask-demo.XXXXXX")
trap 'rm -rf -- "$tmp"' EXIT
bundle=$tmp/bundle
mkdir -p "$bundle"
ln -s "$build/rootfs" "$bundle/rootfs"

echo "\$ pflask-runtime spec --bundle $bundle"
"$runtime" spec --bundle "$bundle"
echo "== $bundle/config.json (first 20 lines)"
head -n 20 "$bundle/config.json"
echo "..."
echo "\$ pflask-runtime validate --bundle $bundle"
"$runtime" validate --bundle "$bundle"
echo "bundle is valid"
