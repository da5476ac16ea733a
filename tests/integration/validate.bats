#!/usr/bin/env bats
# pflask-runtime validate: silent on a good bundle; otherwise one line per problem on stderr,
# "config.json: .json.path: reason", and exit 1.

load helpers

@test "validate of a default bundle is silent and exits 0" {
	make_bundle
	run "$RUNTIME" validate --bundle "$BUNDLE"
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
}

@test "validate without --bundle checks the current directory" {
	make_bundle
	cd "$BUNDLE"
	run "$RUNTIME" validate
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	config_edit 'c["process"]["cwd"] = "tmp"'
	run "$RUNTIME" validate
	[ "$status" -eq 1 ]
	[ "$output" = "config.json: .process.cwd: must be an absolute path" ]
}

@test "validate -b DIR and --bundle=DIR are the same as --bundle DIR" {
	make_bundle
	config_edit 'c["process"]["cwd"] = "tmp"'
	run "$RUNTIME" validate -b "$BUNDLE"
	[ "$status" -eq 1 ]
	[ "$output" = "config.json: .process.cwd: must be an absolute path" ]
	run "$RUNTIME" validate --bundle="$BUNDLE"
	[ "$status" -eq 1 ]
	[ "$output" = "config.json: .process.cwd: must be an absolute path" ]
}

@test "validate: a relative process.cwd is one line" {
	make_bundle
	config_edit 'c["process"]["cwd"] = "home/user"'
	run "$RUNTIME" validate --bundle "$BUNDLE"
	[ "$status" -eq 1 ]
	[ "$output" = "config.json: .process.cwd: must be an absolute path" ]
}

@test "validate: a duplicate namespace is one line pointing at the second one" {
	make_bundle
	config_edit 'c["linux"]["namespaces"] = [{"type": "pid"}, {"type": "mount"}, {"type": "pid"}]; c.pop("hostname")'
	run "$RUNTIME" validate --bundle "$BUNDLE"
	[ "$status" -eq 1 ]
	[ "$output" = 'config.json: .linux.namespaces[2].type: duplicate namespace "pid" (already at namespaces[0])' ]
}

@test "validate: an unknown capability is one line" {
	make_bundle
	config_edit 'c["process"]["capabilities"]["effective"] = ["CAP_KILL", "CAP_BOGUS"]'
	run "$RUNTIME" validate --bundle "$BUNDLE"
	[ "$status" -eq 1 ]
	[ "$output" = 'config.json: .process.capabilities.effective[1]: unknown capability "CAP_BOGUS"' ]
}

@test "validate: a hostname without a uts namespace is one line" {
	make_bundle
	config_edit 'c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "uts"]; c["hostname"] = "box"'
	run "$RUNTIME" validate --bundle "$BUNDLE"
	[ "$status" -eq 1 ]
	[ "$output" = "config.json: .hostname: setting it needs a uts namespace in .linux.namespaces" ]
}

@test "validate: several problems give one line each, on stderr only" {
	make_bundle
	config_edit '
c["process"]["cwd"] = "tmp"
c["process"]["capabilities"]["bounding"] = ["CAP_KILL", "CAP_BOGUS"]
c["linux"]["namespaces"] = [{"type": "pid"}, {"type": "mount"}, {"type": "pid"}]
c["hostname"] = "box"'
	run "$RUNTIME" validate --bundle "$BUNDLE"
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 4 ]
	[ "${lines[0]}" = "config.json: .process.cwd: must be an absolute path" ]
	[ "${lines[1]}" = 'config.json: .process.capabilities.bounding[1]: unknown capability "CAP_BOGUS"' ]
	[ "${lines[2]}" = 'config.json: .linux.namespaces[2].type: duplicate namespace "pid" (already at namespaces[0])' ]
	[ "${lines[3]}" = "config.json: .hostname: setting it needs a uts namespace in .linux.namespaces" ]
	run bash -c '"$RUNTIME" validate --bundle "$BUNDLE" 2>/dev/null'
	[ "$status" -eq 1 ]
	[ "$output" = "" ]
}

@test "validate: a value of the wrong type is one line with its JSON path" {
	make_bundle
	config_edit 'c["process"]["args"] = "sh"'
	run "$RUNTIME" validate --bundle "$BUNDLE"
	[ "$status" -eq 1 ]
	[ "$output" = "config.json: .process.args: expected an array, got a string" ]
}

@test "validate: an unsupported ociVersion is one line" {
	make_bundle
	config_edit 'c["ociVersion"] = "2.0.0"'
	run "$RUNTIME" validate --bundle "$BUNDLE"
	[ "$status" -eq 1 ]
	[ "$output" = 'config.json: .ociVersion: unsupported version "2.0.0" (supported: 1.x.y)' ]
}

@test "validate: invalid JSON is one line with its line and column" {
	make_bundle
	printf '{\n\t"ociVersion": "1.3.0",\n\t"root": {"path": "rootfs"},,\n\t"process": {}\n}\n' \
		>"$BUNDLE/config.json"
	run "$RUNTIME" validate --bundle "$BUNDLE"
	[ "$status" -eq 1 ]
	[ "$output" = "config.json: line 3, column 29: invalid object key (must be a string)" ]
}

@test "validate: a truncated config.json is one line at its end" {
	make_bundle
	head -c 200 "$BUNDLE/config.json" >"$BUNDLE/short.json"
	mv "$BUNDLE/short.json" "$BUNDLE/config.json"
	lines_in=$(wc -l <"$BUNDLE/config.json")
	run "$RUNTIME" validate --bundle "$BUNDLE"
	[ "$status" -eq 1 ]
	[[ "$output" =~ ^config\.json:\ line\ ([0-9]+),\ column\ [0-9]+:\ premature\ EOF$ ]]
	[ "${BASH_REMATCH[1]}" -eq $((lines_in + 1)) ]
}

@test "validate: an empty config.json is one line" {
	make_bundle
	: >"$BUNDLE/config.json"
	run "$RUNTIME" validate --bundle "$BUNDLE"
	[ "$status" -eq 1 ]
	[ "$output" = "config.json: empty document" ]
}

@test "validate: a bundle without config.json is one line" {
	mkdir "$BATS_TEST_TMPDIR/empty"
	run "$RUNTIME" validate --bundle "$BATS_TEST_TMPDIR/empty"
	[ "$status" -eq 1 ]
	[ "$output" = "open $BATS_TEST_TMPDIR/empty/config.json: No such file or directory" ]
}

@test "validate --bundle of a directory that does not exist is one line" {
	run "$RUNTIME" validate --bundle "$BATS_TEST_TMPDIR/nowhere"
	[ "$status" -eq 1 ]
	[ "$output" = "open $BATS_TEST_TMPDIR/nowhere/config.json: No such file or directory" ]
	[ ! -e "$BATS_TEST_TMPDIR/nowhere" ]
}

@test "validate with an unknown option or operand: one line, exit 1" {
	run "$RUNTIME" validate --rootless
	[ "$status" -eq 1 ]
	[ "$output" = 'pflask-runtime: validate: unknown option "--rootless" (see validate --help)' ]
	run "$RUNTIME" validate -b
	[ "$status" -eq 1 ]
	[ "$output" = 'pflask-runtime: validate: option "-b" needs an argument' ]
	run "$RUNTIME" validate extra
	[ "$status" -eq 1 ]
	[ "$output" = 'pflask-runtime: validate: unexpected argument "extra"' ]
}

@test "validate --help prints the usage" {
	run "$RUNTIME" validate --help
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "usage: pflask-runtime [global options] validate [--bundle|-b DIR]" ]
	[ "${lines[1]}" = "check a bundle's config.json; one line per problem" ]
}
