#!/usr/bin/env bash
# Cheap check that what `make check` and `make demo` need is installed. Prints nothing when
# all is present. Otherwise, as root, runs `make deps`; as another user, prints the
# apt-get line to run and fails. The package list lives in the Makefile (DEPS_PKGS).
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
make=${MAKE:-make}

missing() {
	local m=()
	command -v pkg-config >/dev/null 2>&1 || m+=("pkg-config")
	command -v "${CC:-gcc}" >/dev/null 2>&1 || m+=("${CC:-gcc}")
	if command -v pkg-config >/dev/null 2>&1; then
		local p
		for p in yajl libseccomp libnl-3.0 libnl-route-3.0 cmocka; do
			pkg-config --exists "$p" || m+=("$p (pkg-config)")
		done
	fi
	command -v bats >/dev/null 2>&1 || m+=("bats")
	test -x /bin/busybox || m+=("/bin/busybox")
	/usr/bin/python3 -c 'import jsonschema' >/dev/null 2>&1 || m+=("python3 jsonschema")
	printf '%s\n' "${m[@]}"
}

m=$(missing)
[[ -z $m ]] && exit 0

pkgs=${DEPS_PKGS:-$("$make" -s --no-print-directory -C "$root" print-deps)}
echo "missing build/test dependencies: ${m//$'\n'/, }" >&2
if [[ $(id -u) -ne 0 ]]; then
	echo "install them with:" >&2
	echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends $pkgs" >&2
	exit 1
fi
echo "running as root: make deps" >&2
"$make" --no-print-directory -C "$root" deps >&2 || exit 1
m=$(missing)
if [[ -n $m ]]; then
	echo "still missing after make deps: ${m//$'\n'/, }" >&2
	exit 1
fi
exit 0
