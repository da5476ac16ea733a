#!/usr/bin/env bats
# pflask-runtime spec: writes a default config.json, never over an existing one.

load helpers

setup() {
	DIR=$BATS_TEST_TMPDIR/dir
	mkdir -p "$DIR"
}

@test "spec --bundle DIR writes DIR/config.json and prints nothing" {
	cd "$BATS_TEST_TMPDIR"
	run "$RUNTIME" spec --bundle "$DIR"
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	[ "$(ls -A "$DIR")" = "config.json" ]
	[ ! -e "$BATS_TEST_TMPDIR/config.json" ]
	[ "$(json_get "$DIR/config.json" 'c["ociVersion"]')" = '"1.3.0"' ]
	[ "$(json_get "$DIR/config.json" 'c["root"]')" = '{"path": "rootfs", "readonly": true}' ]
}

@test "spec without --bundle writes config.json into the current directory" {
	cd "$DIR"
	run "$RUNTIME" spec
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	[ "$(ls -A "$DIR")" = "config.json" ]
	[ "$(json_get "$DIR/config.json" 'c["process"]["args"]')" = '["sh"]' ]
}

@test "spec --bundle=DIR and -b DIR write the same file as --bundle DIR" {
	mkdir "$DIR/a" "$DIR/b" "$DIR/c"
	"$RUNTIME" spec --bundle "$DIR/a"
	run "$RUNTIME" spec --bundle="$DIR/b"
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	run "$RUNTIME" spec -b "$DIR/c"
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	cmp "$DIR/a/config.json" "$DIR/b/config.json"
	cmp "$DIR/a/config.json" "$DIR/c/config.json"
}

@test "spec refuses to overwrite an existing config.json" {
	echo '{"mine": true}' >"$DIR/config.json"
	run "$RUNTIME" spec --bundle "$DIR"
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]
	[ "$output" = "pflask-runtime: spec: $DIR/config.json already exists" ]
	[ "$(cat "$DIR/config.json")" = '{"mine": true}' ]
	# no temporary file left beside it
	[ "$(ls -A "$DIR")" = "config.json" ]
}

@test "spec refuses to overwrite config.json in the current directory" {
	cd "$DIR"
	"$RUNTIME" spec
	cp config.json before.json
	run "$RUNTIME" spec --rootless
	[ "$status" -eq 1 ]
	[ "$output" = "pflask-runtime: spec: ./config.json already exists" ]
	cmp before.json config.json
	[ "$(ls -A | sort | tr '\n' ' ')" = "before.json config.json " ]
}

@test "spec without --rootless: network namespace, no user namespace, no id mappings" {
	"$RUNTIME" spec --bundle "$DIR"
	run json_get "$DIR/config.json" 'sorted(n["type"] for n in c["linux"]["namespaces"])'
	[ "$output" = '["cgroup", "ipc", "mount", "network", "pid", "uts"]' ]
	[ "$(json_get "$DIR/config.json" '"uidMappings" in c["linux"] or "gidMappings" in c["linux"]')" = false ]
}

@test "spec --rootless: user namespace mapping root to the caller, no network namespace" {
	"$RUNTIME" spec --rootless --bundle "$DIR"
	run json_get "$DIR/config.json" 'sorted(n["type"] for n in c["linux"]["namespaces"])'
	[ "$output" = '["cgroup", "ipc", "mount", "pid", "user", "uts"]' ]
	run json_get "$DIR/config.json" 'c["linux"]["uidMappings"]'
	[ "$output" = "[{\"containerID\": 0, \"hostID\": $(id -u), \"size\": 1}]" ]
	run json_get "$DIR/config.json" 'c["linux"]["gidMappings"]'
	[ "$output" = "[{\"containerID\": 0, \"hostID\": $(id -g), \"size\": 1}]" ]
}

@test "spec --rootless run by another user maps that user's uid and gid" {
	require_root
	require_cmd setpriv
	chown 1234:2345 "$DIR"
	# from inside DIR: the test's temporary directories above it are private to root
	cd "$DIR"
	run setpriv --reuid=1234 --regid=2345 --clear-groups "$RUNTIME" spec --rootless
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	[ "$(stat -c %u:%g "$DIR/config.json")" = "1234:2345" ]
	run json_get "$DIR/config.json" '[c["linux"]["uidMappings"], c["linux"]["gidMappings"]]'
	[ "$output" = '[[{"containerID": 0, "hostID": 1234, "size": 1}], [{"containerID": 0, "hostID": 2345, "size": 1}]]' ]
}

@test "spec into a missing bundle directory: one error line, nothing created" {
	run "$RUNTIME" spec --bundle "$DIR/missing"
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]
	[ "$output" = "pflask-runtime: spec: write $DIR/missing/config.json: No such file or directory" ]
	[ ! -e "$DIR/missing" ]
	[ "$(ls -A "$DIR")" = "" ]
}

@test "spec --bundle with an empty path is refused" {
	cd "$DIR"
	run "$RUNTIME" spec --bundle=
	[ "$status" -eq 1 ]
	[ "$output" = "pflask-runtime: spec: --bundle: empty path" ]
	[ "$(ls -A "$DIR")" = "" ]
}

@test "spec output is valid against config-schema.json, with and without --rootless" {
	require_schema
	mkdir "$DIR/rootless"
	"$RUNTIME" spec --bundle "$DIR"
	"$RUNTIME" spec --bundle "$DIR/rootless" --rootless
	run schema_check config-schema.json "$DIR/config.json" "$DIR/rootless/config.json"
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
}

@test "spec output passes validate, with and without --rootless" {
	make_bundle plain
	run "$RUNTIME" validate --bundle "$BUNDLE"
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	make_bundle rootless --rootless
	run "$RUNTIME" validate --bundle "$BUNDLE"
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
}

@test "spec --help prints the usage and writes nothing" {
	cd "$DIR"
	run "$RUNTIME" spec --help
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "usage: pflask-runtime [global options] spec [--bundle|-b DIR] [--rootless]" ]
	[ "${lines[1]}" = "write a default config.json into the bundle" ]
	[ "$(ls -A "$DIR")" = "" ]
	run "$RUNTIME" spec -h
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "usage: pflask-runtime [global options] spec [--bundle|-b DIR] [--rootless]" ]
}

@test "spec with an unknown option: one line naming it, exit 1, nothing written" {
	cd "$DIR"
	run "$RUNTIME" spec --bogus
	[ "$status" -eq 1 ]
	[ "$output" = 'pflask-runtime: spec: unknown option "--bogus" (see spec --help)' ]
	run "$RUNTIME" spec -x
	[ "$status" -eq 1 ]
	[ "$output" = 'pflask-runtime: spec: unknown option "-x" (see spec --help)' ]
	[ "$(ls -A "$DIR")" = "" ]
}

@test "spec -b without its directory, or with an extra operand: one line, exit 1" {
	cd "$DIR"
	run "$RUNTIME" spec -b
	[ "$status" -eq 1 ]
	[ "$output" = 'pflask-runtime: spec: option "-b" needs an argument' ]
	run "$RUNTIME" spec --bundle
	[ "$status" -eq 1 ]
	[ "$output" = 'pflask-runtime: spec: option "--bundle" needs an argument' ]
	run "$RUNTIME" spec extra
	[ "$status" -eq 1 ]
	[ "$output" = 'pflask-runtime: spec: unexpected argument "extra"' ]
	[ "$(ls -A "$DIR")" = "" ]
}
