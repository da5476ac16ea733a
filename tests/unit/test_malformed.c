/* Malformed configs and the exact message each one gets: pf_spec_parse's error for what the
 * schema forbids, or pf_spec_validate's lines for what the spec or the kernel forbids. Every
 * message names the file and the JSON path, and gives the reason on one line.
 *
 * The JSON of the table is written with ' for " (there is no ' in any input), so it reads like
 * the file a user would write; it is converted before parsing. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bundle/config.h"
#include "bundle/validate.h"
#include "tests/unit/unit.h"

#define MAX_PROBLEMS 4

struct malformed {
	const char *name;
	const char *json;                        /* with ' for " */
	const char *error;                       /* parse error; NULL when it parses */
	const char *problems[MAX_PROBLEMS];      /* then: exactly these validation lines */
};

/* A valid config with one more top-level property, or with process / linux / resources /
 * seccomp replaced by the given members. */
#define HEAD "{'ociVersion': '1.3.0', 'root': {'path': 'rootfs'}, "
#define WITH(x) HEAD "'process': {'cwd': '/', 'args': ['sh']}, " x "}"
#define PROC(x) HEAD "'process': {'cwd': '/', 'args': ['sh'], " x "}}"
#define LINUX(x) WITH("'linux': {" x "}")
#define RES(x) LINUX("'resources': {" x "}")
#define SECCOMP(x) LINUX("'seccomp': {'defaultAction': 'SCMP_ACT_ERRNO', " x "}")
#define USERNS "'namespaces': [{'type': 'user'}], "
#define GIDMAP "'gidMappings': [{'containerID': 0, 'hostID': 1000, 'size': 1}]"
#define RLIMIT(x) PROC("'rlimits': [" x "]")
#define E "config.json: "
#define REFUSED(name, json, error) { name, json, error, { NULL } }
#define PROBLEMS(name, json, ...) { name, json, NULL, { __VA_ARGS__ } }

static const struct malformed cases[] = {
	/* wrong JSON types, at every depth */
	REFUSED("ociVersion is a number", "{'ociVersion': 1}",
		E ".ociVersion: expected a string, got a number"),
	REFUSED("root is a string", "{'ociVersion': '1.3.0', 'root': 'rootfs'}",
		E ".root: expected an object, got a string"),
	REFUSED("hostname is a number", WITH("'hostname': 5"),
		E ".hostname: expected a string, got a number"),
	REFUSED("terminal is a string", PROC("'terminal': 'yes'"),
		E ".process.terminal: expected a boolean, got a string"),
	REFUSED("args is a boolean", HEAD "'process': {'cwd': '/', 'args': true}}",
		E ".process.args: expected an array, got a boolean"),
	REFUSED("args element is null", HEAD "'process': {'cwd': '/', 'args': [null]}}",
		E ".process.args[0]: expected a string, got null"),
	REFUSED("uid is a string", PROC("'user': {'uid': '0', 'gid': 0}"),
		E ".process.user.uid: expected an integer, got a string"),
	REFUSED("namespaces is an object", LINUX("'namespaces': {'type': 'pid'}"),
		E ".linux.namespaces: expected an array, got an object"),
	REFUSED("namespace entry is a number", LINUX("'namespaces': [{'type': 'pid'}, 7]"),
		E ".linux.namespaces[1]: expected an object, got a number"),
	REFUSED("the twelfth namespace is a number",
		LINUX("'namespaces': [{'type': 'pid'}, {'type': 'pid'}, {'type': 'pid'}, "
		      "{'type': 'pid'}, {'type': 'pid'}, {'type': 'pid'}, {'type': 'pid'}, "
		      "{'type': 'pid'}, {'type': 'pid'}, {'type': 'pid'}, {'type': 'pid'}, 7]"),
		E ".linux.namespaces[11]: expected an object, got a number"),
	REFUSED("memory is an array", RES("'memory': []"),
		E ".linux.resources.memory: expected an object, got an array"),
	REFUSED("sysctl value is a number", LINUX("'sysctl': {'net.ipv4.ip_forward': 1}"),
		E ".linux.sysctl[\"net.ipv4.ip_forward\"]: expected a string, got a number"),
	REFUSED("mount option is a number",
		WITH("'mounts': [{'destination': '/proc'}, "
		     "{'destination': '/tmp', 'options': ['ro', 1]}]"),
		E ".mounts[1].options[1]: expected a string, got a number"),
	REFUSED("seccomp argument value is a string",
		SECCOMP("'syscalls': [{'names': ['kill'], 'action': 'SCMP_ACT_ALLOW', 'args': "
			"[{'index': 1, 'value': '9', 'op': 'SCMP_CMP_EQ'}]}]"),
		E ".linux.seccomp.syscalls[0].args[0].value: expected an integer, got a string"),

	/* unknown names */
	REFUSED("unknown namespace type",
		LINUX("'namespaces': [{'type': 'pid'}, {'type': 'mount'}, {'type': 'ipc'}, "
		      "{'type': 'bogus'}]"),
		E ".linux.namespaces[3].type: unknown namespace type \"bogus\""),
	REFUSED("namespace type net (the kernel's name, not the spec's)",
		LINUX("'namespaces': [{'type': 'net'}]"),
		E ".linux.namespaces[0].type: unknown namespace type \"net\""),
	REFUSED("unknown rootfs propagation", LINUX("'rootfsPropagation': 'sideways'"),
		E ".linux.rootfsPropagation: unknown rootfs propagation \"sideways\""),
	REFUSED("unknown seccomp action", LINUX("'seccomp': {'defaultAction': 'SCMP_ACT_MAYBE'}"),
		E ".linux.seccomp.defaultAction: unknown seccomp action \"SCMP_ACT_MAYBE\""),
	REFUSED("unknown seccomp architecture", SECCOMP("'architectures': ['SCMP_ARCH_Z80']"),
		E ".linux.seccomp.architectures[0]: unknown seccomp architecture "
		  "\"SCMP_ARCH_Z80\""),

	/* required properties */
	REFUSED("ociVersion missing", "{'root': {'path': 'rootfs'}}",
		E ".ociVersion: required property is missing"),
	REFUSED("root.path missing", "{'ociVersion': '1.3.0', 'root': {'readonly': true}}",
		E ".root.path: required property is missing"),
	REFUSED("process.cwd missing", HEAD "'process': {'args': ['sh']}}",
		E ".process.cwd: required property is missing"),
	REFUSED("mount destination missing", WITH("'mounts': [{'type': 'proc', 'source': 'proc'}]"),
		E ".mounts[0].destination: required property is missing"),
	REFUSED("rlimit soft missing", RLIMIT("{'type': 'RLIMIT_NOFILE', 'hard': 1024}"),
		E ".process.rlimits[0].soft: required property is missing"),
	REFUSED("rlimit hard missing", RLIMIT("{'type': 'RLIMIT_NOFILE', 'soft': 1024}"),
		E ".process.rlimits[0].hard: required property is missing"),
	REFUSED("rlimit type missing", RLIMIT("{'soft': 1024, 'hard': 1024}"),
		E ".process.rlimits[0].type: required property is missing"),
	REFUSED("seccomp defaultAction missing", LINUX("'seccomp': {'architectures': []}"),
		E ".linux.seccomp.defaultAction: required property is missing"),
	REFUSED("id mapping containerID missing",
		LINUX(USERNS "'uidMappings': [{'hostID': 1000, 'size': 1}], " GIDMAP),
		E ".linux.uidMappings[0].containerID: required property is missing"),
	REFUSED("id mapping hostID missing",
		LINUX(USERNS "'uidMappings': [{'containerID': 0, 'size': 1}], " GIDMAP),
		E ".linux.uidMappings[0].hostID: required property is missing"),
	REFUSED("id mapping size missing",
		LINUX(USERNS "'uidMappings': [{'containerID': 0, 'hostID': 1000}], " GIDMAP),
		E ".linux.uidMappings[0].size: required property is missing"),
	REFUSED("hook path missing", WITH("'hooks': {'prestart': [{'args': ['x']}]}"),
		E ".hooks.prestart[0].path: required property is missing"),
	REFUSED("namespace type missing", LINUX("'namespaces': [{'path': '/proc/1/ns/net'}]"),
		E ".linux.namespaces[0].type: required property is missing"),
	REFUSED("syscall names empty", SECCOMP("'syscalls': [{'names': [], 'action': 'SCMP_ACT_ALLOW'}]"),
		E ".linux.seccomp.syscalls[0].names: must not be empty"),

	/* numbers: sign, width, integer-ness */
	REFUSED("negative uid", PROC("'user': {'uid': -1, 'gid': 0}"),
		E ".process.user.uid: -1 is out of range for uint32"),
	REFUSED("uid above uint32", PROC("'user': {'uid': 4294967296, 'gid': 0}"),
		E ".process.user.uid: 4294967296 is out of range for uint32"),
	REFUSED("additional gid above uint32",
		PROC("'user': {'uid': 0, 'gid': 0, 'additionalGids': [5, 4294967296]}"),
		E ".process.user.additionalGids[1]: 4294967296 is out of range for uint32"),
	REFUSED("blkio weight above uint16", RES("'blockIO': {'weight': 65536}"),
		E ".linux.resources.blockIO.weight: 65536 is out of range for uint16"),
	REFUSED("io priority above int32",
		PROC("'ioPriority': {'class': 'IOPRIO_CLASS_BE', 'priority': 2147483648}"),
		E ".process.ioPriority.priority: 2147483648 is out of range for int32"),
	REFUSED("memory limit above int64", RES("'memory': {'limit': 9223372036854775808}"),
		E ".linux.resources.memory.limit: 9223372036854775808 is out of range for int64"),
	REFUSED("rlimit above uint64",
		RLIMIT("{'type': 'RLIMIT_NOFILE', 'soft': 1, 'hard': 18446744073709551616}"),
		E ".process.rlimits[0].hard: 18446744073709551616 is out of range for uint64"),
	REFUSED("uid with a fraction", PROC("'user': {'uid': 1.5, 'gid': 0}"),
		E ".process.user.uid: expected an integer, got 1.5"),
	REFUSED("uid with an exponent", PROC("'user': {'uid': 1e3, 'gid': 0}"),
		E ".process.user.uid: expected an integer, got 1e3"),
	REFUSED("hook timeout zero",
		WITH("'hooks': {'poststop': [{'path': '/bin/true', 'timeout': 0}]}"),
		E ".hooks.poststop[0].timeout: 0 is out of range for positive integer"),

	/* string patterns */
	REFUSED("bad hugepage size", RES("'hugepageLimits': [{'pageSize': '2mB', 'limit': 1}]"),
		E ".linux.resources.hugepageLimits[0].pageSize: \"2mB\" is not a valid page size "
		  "like \"2MB\""),
	REFUSED("bad rlimit type", RLIMIT("{'type': 'nofile', 'soft': 1, 'hard': 1}"),
		E ".process.rlimits[0].type: \"nofile\" is not a valid rlimit type like "
		  "\"RLIMIT_NOFILE\""),

	/* ociVersion */
	REFUSED("ociVersion 2.0.0", "{'ociVersion': '2.0.0'}",
		E ".ociVersion: unsupported version \"2.0.0\" (supported: 1.x.y)"),
	REFUSED("ociVersion banana", "{'ociVersion': 'banana'}",
		E ".ociVersion: unsupported version \"banana\" (supported: 1.x.y)"),

	/* JSON syntax and document shape; the column is that of the byte where yajl gave up */
	REFUSED("duplicate top-level key", "{'ociVersion': '1.3.0', 'ociVersion': '1.0.0'}",
		E ".: duplicate key \"ociVersion\""),
	REFUSED("duplicate nested key",
		HEAD "'process': {'cwd': '/', 'args': ['sh'], 'cwd': '/tmp'}}",
		E ".process: duplicate key \"cwd\""),
	REFUSED("truncated", "{'ociVersion': '1.3.0', 'root': {'path': 'roo",
		E "line 1, column 46: premature EOF"),
	REFUSED("truncated on the second line", "{'ociVersion': '1.3.0',\n 'root': {",
		E "line 2, column 11: premature EOF"),
	REFUSED("missing comma", "{'ociVersion': '1.3.0'\n 'root': {'path': 'rootfs'}}",
		E "line 2, column 3: after key and value, inside map, I expect ',' or '}'"),
	REFUSED("trailing comma", "{'ociVersion': '1.3.0',}",
		E "line 1, column 24: invalid object key (must be a string)"),
	REFUSED("trailing garbage", "{'ociVersion': '1.3.0'} x",
		E "line 1, column 25: trailing garbage"),
	REFUSED("bad literal", "{'ociVersion': '1.3.0', 'root': {'path': 'r', 'readonly': ture}}",
		E "line 1, column 59: invalid string in json text"),
	REFUSED("NUL escape in a string", WITH("'hostname': 'a\\u0000b'"),
		E "line 1, column 108: \\u0000 in a string is not supported"),
	REFUSED("Latin-1 byte in a string", WITH("'hostname': 'caf\xe9'"),
		E "line 1, column 111: invalid bytes in UTF8 string"),
	REFUSED("overlong UTF-8 in a string", WITH("'hostname': '\xc0\xaf'"),
		E ".hostname: not valid UTF-8"),
	REFUSED("UTF-16 surrogate in a key", WITH("'annotations': {'k\xed\xa0\x80': 'v'}"),
		E ".annotations: a key is not valid UTF-8"),
	REFUSED("empty document", "", E "empty document"),
	REFUSED("whitespace only", " \n\t\r\n ", E "empty document"),
	REFUSED("top-level array", "[{'ociVersion': '1.3.0'}]",
		E ".: expected an object, got an array"),
	REFUSED("top-level string", "'1.3.0'", E ".: expected an object, got a string"),
	REFUSED("top-level null", "null", E ".: expected an object, got null"),

	/* semantic problems: the schema allows these, the spec or the kernel does not */
	PROBLEMS("root null", "{'ociVersion': '1.3.0', 'root': null}",
		 E ".root: required to run a container on Linux"),
	PROBLEMS("duplicate namespace", LINUX("'namespaces': [{'type': 'pid'}, {'type': 'pid'}]"),
		 E ".linux.namespaces[1].type: duplicate namespace \"pid\" "
		   "(already at namespaces[0])"),
	PROBLEMS("interleaved duplicate namespaces",
		 LINUX("'namespaces': [{'type': 'pid'}, {'type': 'mount'}, {'type': 'pid'}, "
		       "{'type': 'mount'}, {'type': 'pid'}]"),
		 E ".linux.namespaces[2].type: duplicate namespace \"pid\" "
		   "(already at namespaces[0])",
		 E ".linux.namespaces[3].type: duplicate namespace \"mount\" "
		   "(already at namespaces[1])",
		 E ".linux.namespaces[4].type: duplicate namespace \"pid\" "
		   "(already at namespaces[0])"),
	PROBLEMS("relative namespace path",
		 LINUX("'namespaces': [{'type': 'pid'}, "
		       "{'type': 'network', 'path': 'proc/1/ns/net'}]"),
		 E ".linux.namespaces[1].path: must be an absolute path"),
	PROBLEMS("relative mount destination",
		 WITH("'mounts': [{'destination': 'proc', 'type': 'proc'}]"),
		 E ".mounts[0].destination: must be an absolute path"),
	PROBLEMS("relative cwd", HEAD "'process': {'cwd': 'home', 'args': ['sh']}}",
		 E ".process.cwd: must be an absolute path"),
	PROBLEMS("relative hook path", WITH("'hooks': {'createRuntime': [{'path': 'hook.sh'}]}"),
		 E ".hooks.createRuntime[0].path: must be an absolute path"),
	PROBLEMS("relative masked path", LINUX("'maskedPaths': ['/proc/kcore', 'proc/keys']"),
		 E ".linux.maskedPaths[1]: must be an absolute path"),
	PROBLEMS("id mappings without user namespace",
		 LINUX("'uidMappings': [{'containerID': 0, 'hostID': 1000, 'size': 1}], " GIDMAP),
		 E ".linux.uidMappings: id mappings need a user namespace in .linux.namespaces"),
	PROBLEMS("gid mappings alone without user namespace", LINUX(GIDMAP),
		 E ".linux.gidMappings: id mappings need a user namespace in .linux.namespaces"),
	PROBLEMS("overlapping mappings",
		 LINUX(USERNS "'uidMappings': [{'containerID': 0, 'hostID': 1000, 'size': 10}, "
			      "{'containerID': 5, 'hostID': 2000, 'size': 1}], " GIDMAP),
		 E ".linux.uidMappings[1]: containerID range overlaps .linux.uidMappings[0]"),
	PROBLEMS("mapping size 0",
		 LINUX(USERNS "'uidMappings': [{'containerID': 0, 'hostID': 1000, 'size': 0}], "
			      GIDMAP),
		 E ".linux.uidMappings[0].size: must be at least 1"),
	PROBLEMS("mapping past the largest id",
		 LINUX(USERNS "'uidMappings': [{'containerID': 0, 'hostID': 4294967295, "
			      "'size': 2}], " GIDMAP),
		 E ".linux.uidMappings[0]: range goes past the largest id 4294967295"),
	PROBLEMS("user namespace without mappings", LINUX("'namespaces': [{'type': 'user'}]"),
		 E ".linux.uidMappings: a new user namespace needs uid mappings",
		 E ".linux.gidMappings: a new user namespace needs gid mappings"),
	PROBLEMS("hostname without uts namespace", WITH("'hostname': 'box'"),
		 E ".hostname: setting it needs a uts namespace in .linux.namespaces"),
	PROBLEMS("unknown capability",
		 PROC("'capabilities': {'bounding': ['CAP_KILL'], "
		      "'ambient': ['CAP_CHOWN', 'CAP_FLY']}"),
		 E ".process.capabilities.ambient[1]: unknown capability \"CAP_FLY\""),
	PROBLEMS("unknown rlimit", RLIMIT("{'type': 'RLIMIT_BOGUS', 'soft': 1, 'hard': 1}"),
		 E ".process.rlimits[0].type: unknown rlimit \"RLIMIT_BOGUS\""),
	PROBLEMS("rlimit soft above hard",
		 RLIMIT("{'type': 'RLIMIT_NOFILE', 'soft': 2048, 'hard': 1024}"),
		 E ".process.rlimits[0]: soft limit 2048 is above hard limit 1024"),
	PROBLEMS("duplicate rlimit",
		 RLIMIT("{'type': 'RLIMIT_NOFILE', 'soft': 1, 'hard': 1}, "
			"{'type': 'RLIMIT_CORE', 'soft': 0, 'hard': 0}, "
			"{'type': 'RLIMIT_NOFILE', 'soft': 2, 'hard': 2}"),
		 E ".process.rlimits[2].type: \"RLIMIT_NOFILE\" is already set by rlimits[0]"),
	PROBLEMS("env entry without =", PROC("'env': ['PATH=/bin', 'TERM']"),
		 E ".process.env[1]: \"TERM\" is not of the form NAME=VALUE"),
	PROBLEMS("empty first argument", HEAD "'process': {'cwd': '/', 'args': ['']}}",
		 E ".process.args[0]: must not be empty"),
	PROBLEMS("errnoRet with SCMP_ACT_ALLOW",
		 SECCOMP("'syscalls': [{'names': ['read'], 'action': 'SCMP_ACT_ALLOW', "
			 "'errnoRet': 1}]"),
		 E ".linux.seccomp.syscalls[0].errnoRet: only valid with SCMP_ACT_ERRNO or "
		   "SCMP_ACT_TRACE"),
	PROBLEMS("listenerMetadata without listenerPath", SECCOMP("'listenerMetadata': 'x'"),
		 E ".linux.seccomp.listenerMetadata: must not be set without listenerPath"),
	PROBLEMS("syscall argument index 6",
		 SECCOMP("'syscalls': [{'names': ['read'], 'action': 'SCMP_ACT_ALLOW', 'args': "
			 "[{'index': 6, 'value': 0, 'op': 'SCMP_CMP_EQ'}]}]"),
		 E ".linux.seccomp.syscalls[0].args[0].index: 6 is out of range (0 to 5)"),
	PROBLEMS("empty syscall name",
		 SECCOMP("'syscalls': [{'names': ['read', ''], 'action': 'SCMP_ACT_ALLOW'}]"),
		 E ".linux.seccomp.syscalls[0].names[1]: must not be empty"),
	PROBLEMS("device rule with bad type", RES("'devices': [{'allow': false, 'type': 'x'}]"),
		 E ".linux.resources.devices[0].type: \"x\" is not one of a, b, c"),
	PROBLEMS("device rule with bad access",
		 RES("'devices': [{'allow': true, 'access': 'rwx'}]"),
		 E ".linux.resources.devices[0].access: \"rwx\" is not made of r, w, m"),
	PROBLEMS("unified key with a slash", RES("'unified': {'../cpu.max': '1000 100000'}"),
		 E ".linux.resources.unified: \"../cpu.max\" is not a cgroup file name"),
	PROBLEMS("netDevices without network namespace", LINUX("'netDevices': {'eth0': {}}"),
		 E ".linux.netDevices: needs a network namespace in .linux.namespaces"),
	PROBLEMS("bad interface name",
		 LINUX("'namespaces': [{'type': 'network'}], "
		       "'netDevices': {'eth0': {'name': 'a-name-longer-than-ifnamsiz'}}"),
		 E ".linux.netDevices.eth0.name: \"a-name-longer-than-ifnamsiz\" is not a network "
		   "interface name"),
	PROBLEMS("bad interface name under a key that is not a plain word",
		 LINUX("'namespaces': [{'type': 'network'}], "
		       "'netDevices': {'veth-1': {'name': 'eth0:1'}}"),
		 E ".linux.netDevices[\"veth-1\"].name: \"eth0:1\" is not a network interface "
		   "name"),
	PROBLEMS("duplicate device path",
		 LINUX("'devices': [{'type': 'c', 'path': '/dev/fuse', 'major': 10, 'minor': 229}, "
		       "{'type': 'c', 'path': '/dev/fuse', 'major': 10, 'minor': 229}]"),
		 E ".linux.devices[1].path: \"/dev/fuse\" is already at devices[0]"),
};

/* The table's JSON with ' turned into ". */
static char *unquote(const char *json)
{
	char *text = strdup(json);

	assert_non_null(text);
	for (char *c = text; *c; c++)
		if (*c == '\'')
			*c = '"';
	return text;
}

/* Parses buf; with want_error, asserts the refusal; else asserts the validation problems. */
static void check(const char *buf, size_t len, const char *want_error,
		  const char *const *problems, size_t n_problems)
{
	struct pf_error err = { 0 };
	struct pf_spec *spec = pf_spec_parse(buf, len, "config.json", &err);

	if (want_error) {
		if (spec)
			fail_msg("accepted; expected: %s", want_error);
		assert_string_equal(err.msg, want_error);
		assert_true(err.err != 0);
		return;
	}
	if (!spec)
		fail_msg("unexpected parse error: %s", err.msg);
	assert_problems(spec, problems, n_problems);
	pf_spec_free(spec);
}

static void test_case(void **state)
{
	const struct malformed *c = *state;
	char *text = unquote(c->json);
	size_t n = 0;

	while (n < MAX_PROBLEMS && c->problems[n])
		n++;
	if (!c->error)
		assert_true(n > 0);
	check(text, strlen(text), c->error, c->problems, n);
	free(text);
}

/* Random-looking bytes with 0xff and NUL: the NUL must not hide the garbage before it. */
static void test_binary_garbage(void **state)
{
	static const char garbage[] = "\xff\xfe\x00\x01\x80garbage{}\x00";

	(void)state;
	check(garbage, sizeof(garbage) - 1, E "line 1, column 1: invalid char in json text", NULL, 0);
}

/* A NUL after a valid document is not silently ignored. */
static void test_nul_after_document(void **state)
{
	static const char doc[] = "{\"ociVersion\": \"1.3.0\"}\n\0\n";

	(void)state;
	check(doc, sizeof(doc) - 1, E "line 2, column 1: trailing garbage", NULL, 0);
}

/* A 1 MiB string: the message quotes it shortened, and stays one line. */
static void test_huge_oci_version(void **state)
{
	size_t n = 1u << 20;
	char *doc = malloc(n + 64), *want = NULL;
	int len = sprintf(doc, "{\"ociVersion\": \"");

	(void)state;
	memset(doc + len, 'a', n);
	strcpy(doc + len + n, "\"}");
	assert_true(asprintf(&want, E ".ociVersion: unsupported version \"%.*s...\" (supported: 1.x.y)",
			     PF_QUOTE_MAX - 9, doc + len) > 0);
	check(doc, strlen(doc), want, NULL, 0);
	free(want);
	free(doc);
}

static void test_huge_hostname(void **state)
{
	static const char *const want[] = { E ".hostname: longer than 64 characters" };
	size_t n = 1u << 20;
	char *doc = malloc(n + 256);
	int len = sprintf(doc, "{\"ociVersion\": \"1.3.0\", \"root\": {\"path\": \"r\"}, "
			       "\"linux\": {\"namespaces\": [{\"type\": \"uts\"}]}, \"hostname\": \"");

	(void)state;
	memset(doc + len, 'h', n);
	strcpy(doc + len + n, "\"}");
	check(doc, strlen(doc), NULL, want, 1);
	free(doc);
}

#define REPEAT_HEAD "{\"ociVersion\": \"1.3.0\", \"root\": {\"path\": \"r\"}, "

/* head, then count items joined by commas, then tail. */
static char *repeated(const char *head, const char *item, int count, const char *tail)
{
	size_t size = strlen(head) + (size_t)count * (strlen(item) + 16) + strlen(tail) + 1, len;
	char *doc = malloc(size);

	assert_non_null(doc);
	len = (size_t)sprintf(doc, "%s", head);
	for (int i = 0; i < count; i++) {
		if (i)
			doc[len++] = ',';
		len += (size_t)sprintf(doc + len, "%s", item);
	}
	strcpy(doc + len, tail);
	return doc;
}

/* 10,000 namespaces of one type: each duplicate once, against the first. */
static void test_ten_thousand_namespaces(void **state)
{
	char *doc = repeated(REPEAT_HEAD "\"linux\": {\"namespaces\": [", "{\"type\": \"pid\"}",
			     10000, "]}}");
	struct pf_spec *spec = must_parse(doc);
	pf_strv got = { 0 };

	(void)state;
	assert_int_equal(spec->linux_->namespaces.n, 10000);
	assert_int_equal(pf_spec_validate(spec, &got), 9999);
	assert_string_equal(got.v[0], E ".linux.namespaces[1].type: duplicate namespace \"pid\" "
					"(already at namespaces[0])");
	assert_string_equal(got.v[9998], E ".linux.namespaces[9999].type: duplicate namespace "
					   "\"pid\" (already at namespaces[0])");
	pf_strv_clear(&got);
	pf_spec_free(spec);
	free(doc);
}

/* 10,000 copies of one rlimit: the same, one problem per duplicate. */
static void test_ten_thousand_rlimits(void **state)
{
	char *doc = repeated(REPEAT_HEAD "\"process\": {\"cwd\": \"/\", \"args\": [\"sh\"], "
			     "\"rlimits\": [",
			     "{\"type\": \"RLIMIT_NOFILE\", \"soft\": 1024, \"hard\": 1024}", 10000,
			     "]}}");
	struct pf_spec *spec = must_parse(doc);
	pf_strv got = { 0 };

	(void)state;
	assert_int_equal(pf_spec_validate(spec, &got), 9999);
	assert_string_equal(got.v[0], E ".process.rlimits[1].type: \"RLIMIT_NOFILE\" is already "
					"set by rlimits[0]");
	assert_string_equal(got.v[9998], E ".process.rlimits[9999].type: \"RLIMIT_NOFILE\" is "
					   "already set by rlimits[0]");
	pf_strv_clear(&got);
	pf_spec_free(spec);
	free(doc);
}

/* Past the kernel's 340 lines the pairwise overlap checks are skipped: one problem, not 50M. */
static void test_ten_thousand_mappings(void **state)
{
	static const char *const want[] = {
		E ".linux.uidMappings: 10000 mappings, the kernel accepts at most 340",
	};
	char *doc = repeated(REPEAT_HEAD "\"linux\": {\"namespaces\": [{\"type\": \"user\"}], "
			     "\"gidMappings\": [{\"containerID\": 0, \"hostID\": 0, \"size\": 1}], "
			     "\"uidMappings\": [",
			     "{\"containerID\": 0, \"hostID\": 0, \"size\": 1}", 10000, "]}}");
	struct pf_spec *spec = must_parse(doc);

	(void)state;
	assert_problems(spec, want, 1);
	pf_spec_free(spec);
	free(doc);
}

/* 100,000 distinct devices and one duplicate: found by sorting, in well under a second
 * (comparing every pair took over a minute). The bound is CPU time, generous for sanitizers.
 * The model is built directly: yajl_tree grows arrays one element at a time, which is slow
 * under ASan for this many. */
static void test_hundred_thousand_devices(void **state)
{
	static const char *const want[] = {
		E ".linux.devices[100000].path: \"/dev/d0\" is already at devices[0]",
	};
	struct pf_spec *spec = must_parse(REPEAT_HEAD "\"linux\": {\"devices\": []}}");
	size_t n = 100001;
	clock_t start;

	(void)state;
	spec->linux_->devices.v = calloc(n, sizeof(*spec->linux_->devices.v));
	assert_non_null(spec->linux_->devices.v);
	spec->linux_->devices.n = n;
	for (size_t i = 0; i < n; i++) {
		struct pf_device *d = &spec->linux_->devices.v[i];

		d->type = strdup("c");
		assert_true(asprintf(&d->path, "/dev/d%zu", i % (n - 1)) > 0);
		d->major = d->minor = (pf_int){ true, 1 };
	}
	start = clock();
	assert_problems(spec, want, 1);
	assert_true(clock() - start < 20 * CLOCKS_PER_SEC);
	pf_spec_free(spec);
}

/* 100,000 '[' hits the depth limit before yajl's recursive free could overflow the stack. */
static void test_deep_nesting(void **state)
{
	size_t n = 100000;
	char *doc = malloc(n + 1);

	(void)state;
	memset(doc, '[', n);
	doc[n] = '\0';
	check(doc, n, E "nested deeper than 64 levels", NULL, 0);
	free(doc);
}

/* A config nested `levels` deep; the brackets inside the string do not count. */
static char *nested(int levels)
{
	char *doc = malloc(128 + 2 * (size_t)levels);
	int len = sprintf(doc, "{\"ociVersion\": \"1.3.0\", \"x\": \"[[[[{{{{\", \"y\": ");

	assert_non_null(doc);
	for (int i = 1; i < levels; i++)
		doc[len++] = '[';
	for (int i = 1; i < levels; i++)
		doc[len++] = ']';
	strcpy(doc + len, "}");
	return doc;
}

/* The limit is exact: 64 levels parse, 65 do not. */
static void test_depth_limit(void **state)
{
	char *ok = nested(64), *deep = nested(65);

	(void)state;
	pf_spec_free(must_parse(ok));
	check(deep, strlen(deep), E "nested deeper than 64 levels", NULL, 0);
	free(deep);
	free(ok);
}

int main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_binary_garbage),
		cmocka_unit_test(test_nul_after_document),
		cmocka_unit_test(test_huge_oci_version),
		cmocka_unit_test(test_huge_hostname),
		cmocka_unit_test(test_ten_thousand_namespaces),
		cmocka_unit_test(test_ten_thousand_mappings),
		cmocka_unit_test(test_ten_thousand_rlimits),
		cmocka_unit_test(test_hundred_thousand_devices),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_depth_limit),
	};
	size_t n_cases = sizeof(cases) / sizeof(cases[0]), n_fixed = sizeof(fixed) / sizeof(fixed[0]);
	struct CMUnitTest *tests = calloc(n_cases + n_fixed, sizeof(*tests));
	int rc;

	if (!tests)
		return 1;
	for (size_t i = 0; i < n_cases; i++)
		tests[i] = (struct CMUnitTest){ .name = cases[i].name, .test_func = test_case,
						.initial_state = (void *)&cases[i] };
	memcpy(tests + n_cases, fixed, sizeof(fixed));
	rc = _cmocka_run_group_tests("malformed", tests, n_cases + n_fixed, NULL, NULL);
	free(tests);
	return rc;
}
