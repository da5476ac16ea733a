/* The pflask command line: each flag grammar alone (good and bad, with the exact message) and
 * pf_options_parse over whole argument vectors (the original letters, "+" ordering, the flag
 * as given in front of every message, flags that cannot go together).
 *
 * compat/ is not part of libpflask.a (it is the pflask binary), so its sources are compiled
 * into this test directly. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compat/capsflag.c"
#include "compat/envflag.c"
#include "compat/mountflag.c"
#include "compat/netifflag.c"
#include "compat/options.c"
#include "compat/usermap.c"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

struct bad_case {
	const char *arg;
	const char *msg;
};

/* ---- --mount ------------------------------------------------------------------------------ */

static void test_mount_good(void **state)
{
	struct pf_error err = { 0 };
	struct pf_mount_flag m;

	(void)state;
	assert_int_equal(pf_parse_mount("bind:/src:/dst", &m, &err), 0);
	assert_int_equal(m.kind, PF_MNT_BIND);
	assert_string_equal(m.source, "/src");
	assert_string_equal(m.dest, "/dst");
	assert_null(m.work);
	pf_mount_flag_clear(&m);

	assert_int_equal(pf_parse_mount("bind-ro:/a b:/c", &m, &err), 0);
	assert_int_equal(m.kind, PF_MNT_BIND_RO);
	assert_string_equal(m.source, "/a b");
	assert_string_equal(m.dest, "/c");
	pf_mount_flag_clear(&m);

	assert_int_equal(pf_parse_mount("overlay:/up:/etc:/work", &m, &err), 0);
	assert_int_equal(m.kind, PF_MNT_OVERLAY);
	assert_string_equal(m.source, "/up");
	assert_string_equal(m.dest, "/etc");
	assert_string_equal(m.work, "/work");
	pf_mount_flag_clear(&m);

	assert_int_equal(pf_parse_mount("tmp:/tmp", &m, &err), 0);
	assert_int_equal(m.kind, PF_MNT_TMP);
	assert_null(m.source);
	assert_string_equal(m.dest, "/tmp");
	pf_mount_flag_clear(&m);
}

static void test_mount_bad(void **state)
{
	static const struct bad_case cases[] = {
		{ "foo:/a:/b", "unknown mount type \"foo\" (bind, bind-ro, overlay or tmp)" },
		{ "", "unknown mount type \"\" (bind, bind-ro, overlay or tmp)" },
		{ "/a:/b", "unknown mount type \"/a\" (bind, bind-ro, overlay or tmp)" },
		{ "BIND:/a:/b", "unknown mount type \"BIND\" (bind, bind-ro, overlay or tmp)" },
		{ "bind:a:/b", "source \"a\" is not an absolute path" },
		{ "bind:/a:b", "destination \"b\" is not an absolute path" },
		{ "bind-ro:./a:/b", "source \"./a\" is not an absolute path" },
		{ "bind:/a", "expected bind:HOST_PATH:CONTAINER_PATH" },
		{ "bind", "expected bind:HOST_PATH:CONTAINER_PATH" },
		{ "bind:/a:/b:/c", "expected bind:HOST_PATH:CONTAINER_PATH" },
		{ "bind::/b", "expected bind:HOST_PATH:CONTAINER_PATH (the source is empty)" },
		{ "bind-ro:/a:", "expected bind-ro:HOST_PATH:CONTAINER_PATH (the destination is empty)" },
		{ "overlay:/r:/d", "expected overlay:ROOT_DIR:DEST:WORK_DIR" },
		{ "overlay:r:/d:/w", "root directory \"r\" is not an absolute path" },
		{ "overlay:/r:/d:w", "work directory \"w\" is not an absolute path" },
		{ "overlay:/r,x:/d:/w", "root directory \"/r,x\" holds a comma, which overlay options cannot carry" },
		{ "tmp", "expected tmp:DEST" },
		{ "tmp:", "expected tmp:DEST (the destination is empty)" },
		{ "tmp:x", "destination \"x\" is not an absolute path" },
		{ "tmp:/a:/b", "expected tmp:DEST" },
	};

	(void)state;
	for (size_t i = 0; i < N_ELEMS(cases); i++) {
		struct pf_error err = { 0 };
		struct pf_mount_flag m = { 0 };

		if (pf_parse_mount(cases[i].arg, &m, &err) != -1)
			fail_msg("--mount=%s was accepted", cases[i].arg);
		if (strcmp(err.msg, cases[i].msg) != 0)
			fail_msg("--mount=%s: got \"%s\", want \"%s\"", cases[i].arg, err.msg,
				 cases[i].msg);
		assert_null(m.dest);
	}
}

/* ---- --netif ------------------------------------------------------------------------------ */

static void assert_netif(const char *arg, enum pf_netif_kind kind, const char *dev,
			 const char *name)
{
	struct pf_error err = { 0 };
	struct pf_netif_flag n;

	if (pf_parse_netif(arg, &n, &err) < 0)
		fail_msg("--netif=%s: %s", arg, err.msg);
	assert_int_equal(n.kind, kind);
	assert_string_equal(n.dev, dev);
	assert_string_equal(n.name, name);
	assert_string_equal(n.spec, arg);
	pf_netif_flag_clear(&n);
}

static void test_netif_good(void **state)
{
	struct pf_error err = { 0 };
	struct pf_netif_flag n;

	(void)state;
	assert_int_equal(pf_parse_netif(NULL, &n, &err), 0);
	assert_int_equal(n.kind, PF_NETIF_NONE);
	assert_null(n.dev);
	assert_null(n.name);
	assert_null(n.spec);
	assert_netif("vxlan0:eth0", PF_NETIF_MOVE, "vxlan0", "eth0");
	assert_netif("macvlan:eth0:eth0", PF_NETIF_MACVLAN, "eth0", "eth0");
	assert_netif("ipvlan:eth0:ip0", PF_NETIF_IPVLAN, "eth0", "ip0");
	assert_netif("veth:veth0:eth0", PF_NETIF_VETH, "veth0", "eth0");
	assert_netif("a23456789012345:b", PF_NETIF_MOVE, "a23456789012345", "b");
}

static void test_netif_bad(void **state)
{
	static const struct bad_case cases[] = {
		{ "", "expected DEV:NAME, macvlan:MASTER:NAME, ipvlan:MASTER:NAME or veth:OUTSIDE:INSIDE" },
		{ "eth0", "expected DEV:NAME, macvlan:MASTER:NAME, ipvlan:MASTER:NAME or veth:OUTSIDE:INSIDE" },
		{ "eth0:", "expected DEV:NAME, macvlan:MASTER:NAME, ipvlan:MASTER:NAME or veth:OUTSIDE:INSIDE" },
		{ ":eth0", "expected DEV:NAME, macvlan:MASTER:NAME, ipvlan:MASTER:NAME or veth:OUTSIDE:INSIDE" },
		{ "a:b:c:d", "expected DEV:NAME, macvlan:MASTER:NAME, ipvlan:MASTER:NAME or veth:OUTSIDE:INSIDE" },
		{ "veth:v0", "expected veth:OUTSIDE:INSIDE" },
		{ "veth:v0:", "expected veth:OUTSIDE:INSIDE" },
		{ "veth:v0:eth0:x", "expected veth:OUTSIDE:INSIDE" },
		{ "macvlan:eth0", "expected macvlan:MASTER:NAME" },
		{ "ipvlan::x", "expected ipvlan:MASTER:NAME" },
		{ "vlan:eth0:e0", "unknown interface type \"vlan\" (macvlan, ipvlan or veth)" },
		{ "a234567890123456:b", "\"a234567890123456\" is not a network interface name (1 to 15 "
					"characters, no '/', ':' or spaces)" },
		{ "veth:v0:a/b", "\"a/b\" is not a network interface name (1 to 15 characters, no '/', "
				 "':' or spaces)" },
		{ "eth0:..", "\"..\" is not a network interface name (1 to 15 characters, no '/', ':' "
			     "or spaces)" },
		{ "eth 0:x", "\"eth 0\" is not a network interface name (1 to 15 characters, no '/', "
			     "':' or spaces)" },
	};

	(void)state;
	for (size_t i = 0; i < N_ELEMS(cases); i++) {
		struct pf_error err = { 0 };
		struct pf_netif_flag n = { 0 };

		if (pf_parse_netif(cases[i].arg, &n, &err) != -1)
			fail_msg("--netif=%s was accepted", cases[i].arg);
		if (strcmp(err.msg, cases[i].msg) != 0)
			fail_msg("--netif=%s: got \"%s\", want \"%s\"", cases[i].arg, err.msg,
				 cases[i].msg);
		assert_null(n.spec);
	}
}

/* ---- --user-map --------------------------------------------------------------------------- */

static void test_user_map_good(void **state)
{
	const struct {
		const char *arg;
		uint32_t c, h, n;
	} cases[] = {
		{ "0:1000:1", 0, 1000, 1 },
		{ "0:100000,65536", 0, 100000, 65536 },   /* the manual's example */
		{ "1000:1000:1", 1000, 1000, 1 },
		{ "0:0:4294967295", 0, 0, 4294967295u },
		{ "4294967294:1:1", 4294967294u, 1, 1 },
	};

	(void)state;
	for (size_t i = 0; i < N_ELEMS(cases); i++) {
		struct pf_error err = { 0 };
		struct pf_user_map m;

		if (pf_parse_user_map(cases[i].arg, &m, &err) < 0)
			fail_msg("--user-map=%s: %s", cases[i].arg, err.msg);
		assert_int_equal(m.container_id, cases[i].c);
		assert_int_equal(m.host_id, cases[i].h);
		assert_int_equal(m.size, cases[i].n);
	}
}

static void test_user_map_bad(void **state)
{
	static const char usage[] = "expected CONTAINER_ID:HOST_ID:COUNT (three numbers)";
	static const struct bad_case cases[] = {
		{ "", usage },
		{ "1:2", usage },
		{ "1", usage },
		{ "1:2:3:4", usage },
		{ "a:b:c", usage },
		{ "0:1000:x", usage },
		{ "-1:0:1", usage },
		{ "+1:0:1", usage },
		{ " 1:0:1", usage },
		{ "0:1000,", usage },
		{ "0,1000,1", usage },
		{ "0:4294967296:1", usage },
		{ "0:0:0", "the count must be at least 1" },
		{ "4294967295:0:2", "the range goes past the largest id 4294967295" },
		{ "0:4294967295:2", "the range goes past the largest id 4294967295" },
	};

	(void)state;
	for (size_t i = 0; i < N_ELEMS(cases); i++) {
		struct pf_error err = { 0 };
		struct pf_user_map m;

		if (pf_parse_user_map(cases[i].arg, &m, &err) != -1)
			fail_msg("--user-map=%s was accepted", cases[i].arg);
		if (strcmp(err.msg, cases[i].msg) != 0)
			fail_msg("--user-map=%s: got \"%s\", want \"%s\"", cases[i].arg, err.msg,
				 cases[i].msg);
	}
}

/* ---- --caps ------------------------------------------------------------------------------- */

static void test_caps_good(void **state)
{
	static const char *const want[] = {
		"-all", "+CAP_CHOWN", "-CAP_KILL", "+CAP_NET_ADMIN", "+CAP_SYS_ADMIN", "all",
		"+CAP_SETFCAP", "-all",
	};
	struct pf_error err = { 0 };
	pf_strv items = { 0 };

	(void)state;
	assert_int_equal(pf_parse_caps("-all,+chown,-CAP_KILL,Cap_Net_Admin,sys_admin", &items,
				       &err), 0);
	assert_int_equal(pf_parse_caps("ALL,+cap_setfcap,-All", &items, &err), 0);
	assert_int_equal(items.n, N_ELEMS(want));
	for (size_t i = 0; i < N_ELEMS(want); i++)
		assert_string_equal(items.v[i], want[i]);
	pf_strv_clear(&items);
}

static void test_caps_bad(void **state)
{
	static const struct bad_case cases[] = {
		{ "+foo", "unknown capability \"foo\"" },
		{ "chown,-foo", "unknown capability \"foo\"" },
		{ "CAP_FOO", "unknown capability \"CAP_FOO\"" },
		{ "cap_", "unknown capability \"cap_\"" },
		{ "+", "empty capability name" },
		{ "", "empty capability name" },
		{ "chown,,kill", "empty capability name" },
		{ "chown,", "empty capability name" },
		{ "sys admin", "unknown capability \"sys admin\"" },
		{ "+-chown", "unknown capability \"-chown\"" },
	};

	(void)state;
	for (size_t i = 0; i < N_ELEMS(cases); i++) {
		struct pf_error err = { 0 };
		pf_strv items = { 0 };

		if (pf_parse_caps(cases[i].arg, &items, &err) != -1)
			fail_msg("--caps=%s was accepted", cases[i].arg);
		if (strcmp(err.msg, cases[i].msg) != 0)
			fail_msg("--caps=%s: got \"%s\", want \"%s\"", cases[i].arg, err.msg,
				 cases[i].msg);
		pf_strv_clear(&items);
	}
}

static pf_capmask caps_of(const char *list)
{
	struct pf_error err = { 0 };
	pf_strv items = { 0 };
	pf_capmask set;

	if (pf_parse_caps(list, &items, &err) < 0)
		fail_msg("--caps=%s: %s", list, err.msg);
	set = pf_capmask_apply(pf_capmask_full(), &items);
	pf_strv_clear(&items);
	return set;
}

#define BIT(cap) ((pf_capmask)1 << (cap))

/* In order, starting from the full set, and never past it. */
static void test_caps_apply(void **state)
{
	pf_capmask full = pf_capmask_full();
	struct pf_error err = { 0 };
	pf_strv items = { 0 };

	(void)state;
	assert_true(full & BIT(0));
	assert_true(full & BIT(21));          /* CAP_SYS_ADMIN */
	assert_int_equal(pf_parse_caps("+sys_admin,+kill", &items, &err), 0);
	assert_int_equal(pf_capmask_apply(BIT(0) | BIT(5), &items), BIT(0) | BIT(5));
	pf_strv_clear(&items);
	assert_int_equal(pf_capmask_bounding() & ~full & BIT(0), 0);
	assert_int_equal(caps_of("all"), full);
	assert_int_equal(caps_of("-all"), 0);
	assert_int_equal(caps_of("-all,+chown,kill"), BIT(0) | BIT(5));
	assert_int_equal(caps_of("-chown"), full & ~BIT(0));
	assert_int_equal(caps_of("-chown,+chown"), full);
	assert_int_equal(caps_of("+chown,-all"), 0);
	assert_int_equal(caps_of("-all,+sys_admin,all"), full);
	assert_int_equal(caps_of("-all,+sys_admin,-sys_admin"), 0);
}

/* ---- --setenv ----------------------------------------------------------------------------- */

static void test_setenv(void **state)
{
	static const struct bad_case bad[] = {
		{ "FOO", "\"FOO\" is not NAME=VALUE" },
		{ "=x", "\"=x\" is not NAME=VALUE" },
		{ "A=1,", "\"\" is not NAME=VALUE" },
		{ "", "\"\" is not NAME=VALUE" },
		{ "A=1,,B=2", "\"\" is not NAME=VALUE" },
	};
	struct pf_error err = { 0 };
	pf_strv env = { 0 };

	(void)state;
	assert_int_equal(pf_parse_setenv("A=1,B=,C=x=y", &env, &err), 0);
	assert_int_equal(pf_parse_setenv("A=2", &env, &err), 0);
	assert_int_equal(env.n, 4);
	assert_string_equal(env.v[0], "A=1");
	assert_string_equal(env.v[1], "B=");
	assert_string_equal(env.v[2], "C=x=y");
	assert_string_equal(env.v[3], "A=2");
	pf_strv_clear(&env);
	for (size_t i = 0; i < N_ELEMS(bad); i++) {
		if (pf_parse_setenv(bad[i].arg, &env, &err) != -1)
			fail_msg("--setenv=%s was accepted", bad[i].arg);
		if (strcmp(err.msg, bad[i].msg) != 0)
			fail_msg("--setenv=%s: got \"%s\", want \"%s\"", bad[i].arg, err.msg,
				 bad[i].msg);
		pf_strv_clear(&env);
	}
}

/* ---- pf_options_parse --------------------------------------------------------------------- */

#define MAX_ARGS 32

/* Parses "pflask" followed by the NULL-terminated arguments; returns pf_options_parse's
 * value with *o and err filled. */
static int parse_args(struct pf_options *o, struct pf_error *err, ...)
{
	char *argv[MAX_ARGS + 2];
	int argc = 0;
	va_list ap;
	const char *a;

	argv[argc++] = (char *)"pflask";
	va_start(ap, err);
	while ((a = va_arg(ap, const char *)) != NULL && argc <= MAX_ARGS)
		argv[argc++] = (char *)a;
	va_end(ap);
	argv[argc] = NULL;
	pf_error_clear(err);
	return pf_options_parse(argc, argv, o, err);
}

#define PARSE(o, err, ...) parse_args((o), (err), __VA_ARGS__, (const char *)NULL)

static char tmp_root[64];

static int make_root(void **state)
{
	(void)state;
	snprintf(tmp_root, sizeof(tmp_root), "/tmp/pf-flags-XXXXXX");
	return mkdtemp(tmp_root) ? 0 : -1;
}

static int remove_root(void **state)
{
	(void)state;
	return rmdir(tmp_root);
}

static void test_options_long_and_short(void **state)
{
	struct pf_options a, b;
	struct pf_error err;

	(void)state;
	assert_int_equal(PARSE(&a, &err, "--chroot", tmp_root, "--chdir=/home", "--hostname=box",
			       "--mount=bind:/a:/b", "--mount=tmp:/t", "--netif", "--netif=e0:e1",
			       "--user=user", "--user-map=0:1000:1", "--ephemeral", "--cgroup=memory",
			       "--caps=-all,+chown", "--detach", "--setenv=A=1,B=2", "--keepenv",
			       "--no-userns", "--no-netns", "--no-ipcns", "--no-pidns",
			       "--emit-bundle=/tmp/b", "--name=box1", "ls", "-l"), -1);
	/* --netif with --no-netns is refused; without it, the rest is what was asked */
	assert_string_equal(err.msg, "--netif: needs a network namespace (drop --no-netns)");
	pf_options_clear(&a);
	assert_int_equal(PARSE(&a, &err, "--chroot", tmp_root, "--chdir=/home", "--hostname=box",
			       "--mount=bind:/a:/b", "--mount=tmp:/t", "--netif", "--netif=e0:e1",
			       "--user=user", "--user-map=0:1000:1", "--ephemeral", "--cgroup=memory",
			       "--caps=-all,+chown", "--detach", "--setenv=A=1,B=2", "--keepenv",
			       "--no-userns", "--no-ipcns", "--no-pidns", "--emit-bundle=/tmp/b",
			       "--name=box1", "ls", "-l"), 0);
	assert_int_equal(PARSE(&b, &err, "-r", tmp_root, "-c", "/home", "-tbox", "-m", "bind:/a:/b",
			       "-mtmp:/t", "-n", "-ne0:e1", "-u", "user", "-e", "0:1000:1", "-w",
			       "-g", "memory", "-b", "-all,+chown", "-d", "-s", "A=1,B=2", "-kUIP",
			       "--emit-bundle", "/tmp/b", "--name", "box1", "--", "ls", "-l"), 0);
	assert_string_equal(a.chroot, b.chroot);
	assert_string_equal(b.chdir, "/home");
	assert_string_equal(b.hostname, "box");
	assert_int_equal(b.mounts.n, 2);
	assert_int_equal(b.mounts.v[1].kind, PF_MNT_TMP);
	assert_int_equal(b.netifs.n, 2);
	assert_true(b.netif_given);
	assert_int_equal(b.netifs.v[0].kind, PF_NETIF_NONE);
	assert_string_equal(b.netifs.v[1].spec, "e0:e1");
	assert_string_equal(b.user, "user");
	assert_int_equal(b.user_maps.n, 1);
	assert_int_equal(b.user_maps.v[0].host_id, 1000);
	assert_true(a.ephemeral && b.ephemeral && a.detach && b.detach && a.keepenv && b.keepenv);
	assert_string_equal(b.cgroups.v[0], "memory");
	assert_true(b.caps_given);
	assert_int_equal(b.caps.n, 2);
	assert_string_equal(b.caps.v[1], "+CAP_CHOWN");
	assert_int_equal(b.setenv.n, 2);
	assert_true(b.no_userns && b.no_ipcns && b.no_pidns);
	assert_false(b.no_mountns || b.no_netns || b.no_utsns);
	assert_string_equal(b.emit_bundle, "/tmp/b");
	assert_string_equal(b.name, "box1");
	assert_int_equal(b.command.n, 2);
	assert_string_equal(b.command.v[0], "ls");
	assert_string_equal(b.command.v[1], "-l");
	assert_int_equal(a.command.n, 2);
	assert_string_equal(a.command.v[1], "-l");
	pf_options_clear(&a);
	pf_options_clear(&b);
}

/* "+": the first operand ends the options; what follows is the command's. */
static void test_options_command_ordering(void **state)
{
	struct pf_options o;
	struct pf_error err;

	(void)state;
	assert_int_equal(PARSE(&o, &err, "-r", tmp_root, "ls", "-l", "-r", "x"), 0);
	assert_int_equal(o.command.n, 4);
	assert_string_equal(o.command.v[2], "-r");
	pf_options_clear(&o);
	assert_int_equal(PARSE(&o, &err, "-r", tmp_root, "--", "--help"), 0);
	assert_false(o.help);
	assert_int_equal(o.command.n, 1);
	assert_string_equal(o.command.v[0], "--help");
	pf_options_clear(&o);
	/* no command: the translation picks the shell */
	assert_int_equal(PARSE(&o, &err, "-k"), 0);
	assert_int_equal(o.command.n, 0);
	pf_options_clear(&o);
	/* an optional argument is only ever attached: "-n eth0:x" runs eth0:x */
	assert_int_equal(PARSE(&o, &err, "-n", "eth0:x"), 0);
	assert_int_equal(o.netifs.v[0].kind, PF_NETIF_NONE);
	assert_string_equal(o.command.v[0], "eth0:x");
	pf_options_clear(&o);
}

static void test_options_defaults(void **state)
{
	struct pf_options o;
	struct pf_error err;
	char want[32];

	(void)state;
	assert_int_equal(PARSE(&o, &err, "true"), 0);
	snprintf(want, sizeof(want), "pflask-%d", (int)getpid());
	assert_string_equal(o.name, want);
	assert_null(o.chroot);
	assert_int_equal(o.attach, 0);
	assert_false(o.netif_given || o.caps_given || o.help || o.version);
	pf_options_clear(&o);
	/* repeated single-valued flags: the last one wins */
	assert_int_equal(PARSE(&o, &err, "-t", "a", "-t", "b", "-c", "/x", "--chdir=/y"), 0);
	assert_string_equal(o.hostname, "b");
	assert_string_equal(o.chdir, "/y");
	pf_options_clear(&o);
	assert_int_equal(PARSE(&o, &err, "--attach=42"), 0);
	assert_int_equal(o.attach, 42);
	pf_options_clear(&o);
	assert_int_equal(PARSE(&o, &err, "--help", "-w"), 0);   /* help: no combination checks */
	assert_true(o.help);
	pf_options_clear(&o);
	assert_int_equal(PARSE(&o, &err, "-h"), 0);
	assert_true(o.help);
	pf_options_clear(&o);
	assert_int_equal(PARSE(&o, &err, "--version"), 0);
	assert_true(o.version);
	pf_options_clear(&o);
}

/* The chroot is canonical: relative and dotted spellings become the real directory. */
static void test_options_chroot_is_real(void **state)
{
	struct pf_options o;
	struct pf_error err;
	char dotted[128];

	(void)state;
	snprintf(dotted, sizeof(dotted), "%s/./", tmp_root);
	assert_int_equal(PARSE(&o, &err, "-r", dotted), 0);
	assert_string_equal(o.chroot, tmp_root);
	pf_options_clear(&o);
}

/* One line each: the flag as it was given, then what is wrong. */
static void test_options_errors(void **state)
{
	static const struct {
		const char *args[4];
		const char *msg;
	} cases[] = {
		{ { "--foo" }, "--foo: unknown option (see pflask --help)" },
		{ { "--foo=bar" }, "--foo=bar: unknown option (see pflask --help)" },
		{ { "-x" }, "-x: unknown option (see pflask --help)" },
		{ { "-kx" }, "-x: unknown option (see pflask --help)" },
		{ { "--ch=/x" }, "--ch=/x: ambiguous option (see pflask --help)" },
		{ { "--keepenv=1" }, "--keepenv=1: takes no argument" },
		{ { "--help=me" }, "--help=me: takes no argument" },
		{ { "--chdir=/x", "-xk" }, "-x: unknown option (see pflask --help)" },
		{ { "-k", "--bogus=1" }, "--bogus=1: unknown option (see pflask --help)" },
		{ { "-r" }, "-r: needs an argument" },
		{ { "--chroot" }, "--chroot: needs an argument" },
		{ { "--mount" }, "--mount: needs an argument" },
		{ { "-r", "/nonexistent-pflask" }, "-r /nonexistent-pflask: No such file or directory" },
		{ { "--chroot=/nope" }, "--chroot=/nope: No such file or directory" },
		{ { "--chroot=/etc/passwd" }, "--chroot=/etc/passwd: Not a directory" },
		{ { "--chdir=home" }, "--chdir=home: \"home\" is not an absolute path" },
		{ { "-c", "home" }, "-c home: \"home\" is not an absolute path" },
		{ { "--hostname=" }, "--hostname=: the hostname must not be empty" },
		{ { "--hostname=01234567890123456789012345678901234567890123456789012345678901234" },
		  "--hostname=01234567890123456789012345678901234567890123456789012345678901234: longer "
		  "than 64 characters" },
		{ { "--mount=foo:/a:/b" },
		  "--mount=foo:/a:/b: unknown mount type \"foo\" (bind, bind-ro, overlay or tmp)" },
		{ { "-m", "bind:a:/b" }, "-m bind:a:/b: source \"a\" is not an absolute path" },
		{ { "--netif=veth:v0" }, "--netif=veth:v0: expected veth:OUTSIDE:INSIDE" },
		{ { "-nveth:v0" }, "-nveth:v0: expected veth:OUTSIDE:INSIDE" },
		{ { "--user=" }, "--user=: the user name must not be empty" },
		{ { "--user-map=1:2" },
		  "--user-map=1:2: expected CONTAINER_ID:HOST_ID:COUNT (three numbers)" },
		{ { "-e", "0:0:0" }, "-e 0:0:0: the count must be at least 1" },
		{ { "--cgroup=" }, "--cgroup=: the controller must not be empty" },
		{ { "--caps=+foo" }, "--caps=+foo: unknown capability \"foo\"" },
		{ { "-b", "chown,-foo" }, "-b chown,-foo: unknown capability \"foo\"" },
		{ { "--attach=abc" }, "--attach=abc: not a process id" },
		{ { "--attach=0" }, "--attach=0: not a process id" },
		{ { "-a", "-5" }, "-a -5: not a process id" },
		{ { "--attach=12x" }, "--attach=12x: not a process id" },
		{ { "--attach=99999999999" }, "--attach=99999999999: not a process id" },
		{ { "--setenv=FOO" }, "--setenv=FOO: \"FOO\" is not NAME=VALUE" },
		{ { "--emit-bundle=" }, "--emit-bundle=: the bundle directory must not be empty" },
		{ { "--name=a/b" }, "--name=a/b: invalid container ID \"a/b\": use letters, digits and "
				    "_ + - . (not first) only" },
		{ { "--name=" }, "--name=: container ID must not be empty" },
		{ { "-w" }, "--ephemeral: needs --chroot" },
		{ { "-t", "box", "-H" }, "--hostname=box: needs a UTS namespace (drop --no-utsns)" },
		{ { "-N", "--netif=veth:a:b" },
		  "--netif=veth:a:b: needs a network namespace (drop --no-netns)" },
		{ { "-M", "-m", "tmp:/t" }, "--mount: needs a mount namespace (drop --no-mountns)" },
	};

	(void)state;
	for (size_t i = 0; i < N_ELEMS(cases); i++) {
		const char *const *a = cases[i].args;
		struct pf_options o;
		struct pf_error err;

		if (parse_args(&o, &err, a[0], a[1], a[2], a[3], (const char *)NULL) != -1)
			fail_msg("case %zu (%s) was accepted", i, a[0]);
		if (strcmp(err.msg, cases[i].msg) != 0)
			fail_msg("case %zu: got \"%s\", want \"%s\"", i, err.msg, cases[i].msg);
		pf_options_clear(&o);
	}
}

static void test_options_chroot_needs_mountns(void **state)
{
	struct pf_options o;
	struct pf_error err;
	char want[160];

	(void)state;
	assert_int_equal(PARSE(&o, &err, "-M", "-r", tmp_root), -1);
	snprintf(want, sizeof(want), "--chroot=%s: needs a mount namespace (drop --no-mountns)",
		 tmp_root);
	assert_string_equal(err.msg, want);
	pf_options_clear(&o);
	/* without a root or mounts, no mount namespace is a choice */
	assert_int_equal(PARSE(&o, &err, "-M", "true"), 0);
	assert_true(o.no_mountns);
	pf_options_clear(&o);
}

static void test_split_fields(void **state)
{
	char *copy = NULL, *f[3];

	(void)state;
	assert_int_equal(pf_split_fields("a:b::c", ':', &copy, f, 3), 4);
	assert_string_equal(f[0], "a");
	assert_string_equal(f[1], "b");
	assert_string_equal(f[2], "");
	free(copy);
	assert_int_equal(pf_split_fields("", ':', &copy, f, 3), 1);
	assert_string_equal(f[0], "");
	free(copy);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mount_good),
		cmocka_unit_test(test_mount_bad),
		cmocka_unit_test(test_netif_good),
		cmocka_unit_test(test_netif_bad),
		cmocka_unit_test(test_user_map_good),
		cmocka_unit_test(test_user_map_bad),
		cmocka_unit_test(test_caps_good),
		cmocka_unit_test(test_caps_bad),
		cmocka_unit_test(test_caps_apply),
		cmocka_unit_test(test_setenv),
		cmocka_unit_test(test_split_fields),
		cmocka_unit_test(test_options_long_and_short),
		cmocka_unit_test(test_options_command_ordering),
		cmocka_unit_test(test_options_defaults),
		cmocka_unit_test(test_options_chroot_is_real),
		cmocka_unit_test(test_options_errors),
		cmocka_unit_test(test_options_chroot_needs_mountns),
	};

	return cmocka_run_group_tests(tests, make_root, remove_root);
}
