/* pf_translate: pflask's flags -> the config.json facts they promise (namespaces, id mappings,
 * capability sets, environment, mounts, hooks, annotations), each result clean to
 * pf_spec_validate and round-tripping through emit and parse.
 *
 * compat/ is not part of libpflask.a (it is the pflask binary), so its sources are compiled
 * into this test directly. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compat/capsflag.c"
#include "compat/envflag.c"
#include "compat/mountflag.c"
#include "compat/netifflag.c"
#include "compat/options.c"
#include "compat/translate.c"
#include "compat/translate_mounts.c"
#include "compat/translate_net.c"
#include "compat/translate_process.c"
#include "compat/translate_user.c"
#include "compat/usermap.c"
#include "tests/unit/unit.h"

#define RT "/opt/pflask/bin/pflask-runtime"
#define MAX_ARGS 32

static char root[64];        /* a chroot with etc/passwd and bin/bash */
static char bare[64];        /* a chroot with nothing in it */

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f) != 0)
		fail_msg("cannot write %s", path);
}

static int make_roots(void **state)
{
	char path[128];

	(void)state;
	snprintf(root, sizeof(root), "/tmp/pf-translate-XXXXXX");
	snprintf(bare, sizeof(bare), "/tmp/pf-translate-bare-XXXXXX");
	if (!mkdtemp(root) || !mkdtemp(bare))
		return -1;
	snprintf(path, sizeof(path), "%s/etc", root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/bin", root);
	mkdir(path, 0755);
	write_file(root, "etc/passwd", "root:x:0:0:root:/root:/bin/sh\n"
					"user:x:1000:1001:user:/home/user:/bin/sh\n"
					"nobody:x:65534:65534:nobody:/:/bin/false\n");
	write_file(root, "bin/bash", "");
	return 0;
}

static int remove_roots(void **state)
{
	char path[128];

	(void)state;
	snprintf(path, sizeof(path), "%s/etc/passwd", root);
	unlink(path);
	snprintf(path, sizeof(path), "%s/bin/bash", root);
	unlink(path);
	snprintf(path, sizeof(path), "%s/etc", root);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/bin", root);
	rmdir(path);
	return rmdir(root) | rmdir(bare);
}

/* The arguments, NULL-terminated, translated: rc from parse or translate, and err. */
static int translate_va(struct pf_spec **spec, struct pf_extras *x, struct pf_error *err,
			va_list ap)
{
	char *argv[MAX_ARGS + 2];
	struct pf_options o;
	const char *a;
	int argc = 0, rc;

	argv[argc++] = (char *)"pflask";
	while ((a = va_arg(ap, const char *)) != NULL && argc <= MAX_ARGS)
		argv[argc++] = (char *)a;
	argv[argc] = NULL;
	pf_error_clear(err);
	*spec = NULL;
	memset(x, 0, sizeof(*x));
	rc = pf_options_parse(argc, argv, &o, err);
	if (rc == 0)
		rc = pf_translate(&o, RT, spec, x, err);
	pf_options_clear(&o);
	return rc;
}

/* Translates, failing the test on an error; the spec is checked clean and round-tripped. */
static struct pf_spec *translate_x(struct pf_extras *x, ...)
{
	struct pf_spec *spec;
	struct pf_error err;
	va_list ap;
	int rc;

	va_start(ap, x);
	rc = translate_va(&spec, x, &err, ap);
	va_end(ap);
	if (rc < 0)
		fail_msg("translate: %s", err.msg);
	assert_problems(spec, NULL, 0);
	assert_spec_round_trip(spec);
	return spec;
}

static struct pf_extras no_extras;

/* For the tests that do not look at the extras. */
static struct pf_spec *drop_extras(struct pf_spec *spec)
{
	pf_extras_clear(&no_extras);
	return spec;
}

#define TRANSLATE(...) drop_extras(translate_x(&no_extras, __VA_ARGS__, (const char *)NULL))
#define TRANSLATE_X(x, ...) translate_x((x), __VA_ARGS__, (const char *)NULL)

/* Translation fails with exactly msg. */
static void assert_translate_error(const char *msg, ...)
{
	struct pf_spec *spec;
	struct pf_extras x;
	struct pf_error err;
	va_list ap;
	int rc;

	va_start(ap, msg);
	rc = translate_va(&spec, &x, &err, ap);
	va_end(ap);
	if (rc == 0)
		fail_msg("translated, want \"%s\"", msg);
	assert_null(spec);
	assert_false(x.ephemeral);
	assert_null(x.lower);
	assert_string_equal(err.msg, msg);
}

#define TRANSLATE_ERROR(msg, ...) assert_translate_error((msg), __VA_ARGS__, (const char *)NULL)

static bool has_ns(const struct pf_spec *s, const char *type)
{
	for (size_t i = 0; i < s->linux_->namespaces.n; i++)
		if (strcmp(s->linux_->namespaces.v[i].type, type) == 0)
			return true;
	return false;
}

/* "mount pid ipc uts cgroup" */
static void assert_namespaces(const struct pf_spec *s, const char *want)
{
	char got[128] = "";

	for (size_t i = 0; i < s->linux_->namespaces.n; i++) {
		if (i)
			strcat(got, " ");
		strcat(got, s->linux_->namespaces.v[i].type);
		assert_null(s->linux_->namespaces.v[i].path);
	}
	assert_string_equal(got, want);
}

static const char *env_of(const struct pf_spec *s, const char *name)
{
	size_t len = strlen(name);

	for (size_t i = 0; i < s->process->env.n; i++)
		if (strncmp(s->process->env.v[i], name, len) == 0 && s->process->env.v[i][len] == '=')
			return s->process->env.v[i] + len + 1;
	return NULL;
}

static const struct pf_mount *mount_at(const struct pf_spec *s, const char *dest)
{
	const struct pf_mount *found = NULL;

	for (size_t i = 0; i < s->mounts.n; i++)
		if (strcmp(s->mounts.v[i].destination, dest) == 0)
			found = &s->mounts.v[i];
	return found;
}

static bool has_str(const pf_strv *v, const char *s)
{
	for (size_t i = 0; i < v->n; i++)
		if (strcmp(v->v[i], s) == 0)
			return true;
	return false;
}

static void assert_strv(const pf_strv *v, const char *const *want, size_t n)
{
	assert_true(v->set);
	assert_int_equal(v->n, n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(v->v[i], want[i]);
}

static void assert_mapping(const pf_id_mappings *m, size_t i, uint64_t c, uint64_t h, uint64_t n)
{
	assert_true(i < m->n);
	assert_int_equal(m->v[i].container_id.v, c);
	assert_int_equal(m->v[i].host_id.v, h);
	assert_int_equal(m->v[i].size.v, n);
}

/* A capability set as a mask, to compare with pf_capmask_full(). */
static pf_capmask mask_of(const pf_strv *v)
{
	pf_capmask m = 0;

	for (size_t i = 0; i < v->n; i++) {
		int n = pf_capability_number(v->v[i]);

		assert_true(n >= 0);
		m |= (pf_capmask)1 << n;
	}
	return m;
}

/* ---- without --chroot --------------------------------------------------------------------- */

static void test_host_defaults(void **state)
{
	struct pf_spec *s;
	struct stat st;

	(void)state;
	setenv("PF_TEST_CALLER", "kept", 1);
	s = TRANSLATE("true");
	assert_string_equal(s->root->path, "/");
	assert_true(s->root->readonly.set);
	assert_false(s->root->readonly.v);
	assert_namespaces(s, "mount pid ipc uts cgroup");
	assert_null(s->hostname);
	assert_false(s->linux_->uid_mappings.set);
	/* the host's tree, a fresh /proc for the new PID namespace, nothing masked */
	assert_int_equal(s->mounts.n, 1);
	assert_string_equal(s->mounts.v[0].destination, "/proc");
	assert_string_equal(s->mounts.v[0].type, "proc");
	assert_int_equal(s->linux_->masked_paths.n, 0);
	assert_int_equal(s->linux_->readonly_paths.n, 0);
	assert_null(s->linux_->resources);
	/* the caller's environment, plus container=pflask */
	assert_string_equal(env_of(s, "PF_TEST_CALLER"), "kept");
	assert_string_equal(env_of(s, "container"), "pflask");
	if (getenv("PATH"))
		assert_string_equal(env_of(s, "PATH"), getenv("PATH"));
	if (!getenv("LOGNAME"))
		assert_null(env_of(s, "LOGNAME"));
	assert_string_equal(s->process->args.v[0], "true");
	assert_string_equal(s->process->cwd, "/");
	assert_int_equal(s->process->user->uid.v, 0);
	assert_int_equal(s->process->user->gid.v, 0);
	assert_true(s->process->terminal.set);
	assert_int_equal(s->process->terminal.v, isatty(0) == 1);
	assert_null(s->hooks);
	assert_int_equal(s->annotations.n, 0);
	assert_null(s->linux_->cgroups_path);
	pf_spec_free(s);
	unsetenv("PF_TEST_CALLER");

	/* no command: bash when the root has it */
	s = TRANSLATE("-k");
	assert_int_equal(s->process->args.n, 1);
	assert_string_equal(s->process->args.v[0], lstat("/bin/bash", &st) == 0 ? "/bin/bash" : "/bin/sh");
	pf_spec_free(s);
}

static void test_host_no_namespaces(void **state)
{
	struct pf_spec *s;

	(void)state;
	/* no PID namespace: the host's /proc stays */
	s = TRANSLATE("-P", "true");
	assert_namespaces(s, "mount ipc uts cgroup");
	assert_int_equal(s->mounts.n, 0);
	pf_spec_free(s);
	s = TRANSLATE("-U", "-M", "-N", "-I", "-H", "-P", "true");
	assert_namespaces(s, "cgroup");
	assert_int_equal(s->mounts.n, 0);
	pf_spec_free(s);
	/* no mount namespace: nothing may be mounted */
	s = TRANSLATE("-M", "true");
	assert_namespaces(s, "pid ipc uts cgroup");
	assert_int_equal(s->mounts.n, 0);
	pf_spec_free(s);
}

/* ---- with --chroot ------------------------------------------------------------------------ */

static void test_chroot_defaults(void **state)
{
	static const char *const dests[] = {
		"/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys", "/sys/fs/cgroup",
	};
	struct pf_spec *s;

	(void)state;
	s = TRANSLATE("-r", root);
	assert_string_equal(s->root->path, root);
	assert_false(s->root->readonly.v);
	assert_namespaces(s, "mount pid ipc uts cgroup");
	assert_int_equal(s->mounts.n, sizeof(dests) / sizeof(dests[0]));
	for (size_t i = 0; i < s->mounts.n; i++)
		assert_string_equal(s->mounts.v[i].destination, dests[i]);
	assert_string_equal(mount_at(s, "/sys")->type, "sysfs");
	assert_true(has_str(&mount_at(s, "/dev/pts")->options, "gid=5"));
	assert_true(has_str(&s->linux_->masked_paths, "/proc/kcore"));
	assert_true(has_str(&s->linux_->readonly_paths, "/proc/sys"));
	assert_non_null(s->linux_->resources);
	assert_string_equal(s->process->args.v[0], "/bin/bash");
	pf_spec_free(s);

	s = TRANSLATE("-r", bare);
	assert_string_equal(s->process->args.v[0], "/bin/sh");
	pf_spec_free(s);
}

static void test_chroot_env(void **state)
{
	struct pf_spec *s;
	const char *term = getenv("TERM");
	char want_term[64];

	(void)state;
	snprintf(want_term, sizeof(want_term), "TERM=%s", term && *term ? term : "xterm");
	setenv("PF_TEST_CALLER", "dropped", 1);
	s = TRANSLATE("-r", root, "-s", "A=1,B=2", "--setenv=A=3", "true");
	{
		const char *const want[] = {
			"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "USER=root", "LOGNAME=root", want_term,
			"A=3", "B=2", "container=pflask",
		};

		assert_strv(&s->process->env, want, sizeof(want) / sizeof(want[0]));
	}
	pf_spec_free(s);

	/* --keepenv: the caller's variables stay, PATH and the rest are set over them */
	s = TRANSLATE("-r", root, "-k", "-s", "container=mine", "true");
	assert_string_equal(env_of(s, "PF_TEST_CALLER"), "dropped");
	assert_string_equal(env_of(s, "PATH"), "/usr/sbin:/usr/bin:/sbin:/bin");
	assert_string_equal(env_of(s, "container"), "pflask");
	pf_spec_free(s);

	/* TERM defaults to xterm */
	unsetenv("TERM");
	s = TRANSLATE("-r", root, "true");
	assert_string_equal(env_of(s, "TERM"), "xterm");
	pf_spec_free(s);
	if (term)
		setenv("TERM", term, 1);
	unsetenv("PF_TEST_CALLER");
}

static void test_chroot_cwd_hostname(void **state)
{
	struct pf_spec *s;

	(void)state;
	s = TRANSLATE("-r", root, "-c", "/home", "-t", "box", "true");
	assert_string_equal(s->process->cwd, "/home");
	assert_string_equal(s->hostname, "box");
	assert_true(has_ns(s, "uts"));
	pf_spec_free(s);
}

/* ---- users -------------------------------------------------------------------------------- */

static void test_user(void **state)
{
	struct pf_spec *s;
	pf_capmask full = pf_capmask_full();    /* in a user namespace: all the kernel knows */

	(void)state;
	s = TRANSLATE("-r", root, "-u", "user", "true");
	assert_namespaces(s, "mount pid ipc uts cgroup user");
	/* root stays root so the runtime can set up; the user is itself */
	assert_int_equal(s->linux_->uid_mappings.n, 2);
	assert_mapping(&s->linux_->uid_mappings, 0, 0, 0, 1);
	assert_mapping(&s->linux_->uid_mappings, 1, 1000, 1000, 1);
	assert_int_equal(s->linux_->gid_mappings.n, 2);
	assert_mapping(&s->linux_->gid_mappings, 0, 0, 0, 1);
	assert_mapping(&s->linux_->gid_mappings, 1, 1001, 1001, 1);
	assert_int_equal(s->process->user->uid.v, 1000);
	assert_int_equal(s->process->user->gid.v, 1001);
	assert_string_equal(env_of(s, "USER"), "user");
	assert_string_equal(env_of(s, "LOGNAME"), "user");
	/* a user is bounded by the set but holds none of it */
	assert_int_equal(mask_of(&s->process->capabilities->bounding), full);
	assert_int_equal(s->process->capabilities->effective.n, 0);
	assert_true(s->process->capabilities->effective.set);
	assert_int_equal(s->process->capabilities->permitted.n, 0);
	/* what the user namespace cannot mount anew */
	assert_false(has_str(&mount_at(s, "/dev/pts")->options, "gid=5"));
	assert_string_equal(mount_at(s, "/sys")->type, "bind");
	assert_string_equal(mount_at(s, "/sys")->source, "/sys");
	assert_true(has_str(&mount_at(s, "/sys")->options, "rbind"));
	assert_true(has_str(&mount_at(s, "/sys")->options, "ro"));
	assert_string_equal(mount_at(s, "/proc")->type, "proc");
	assert_non_null(mount_at(s, "/dev/mqueue"));
	pf_spec_free(s);

	s = TRANSLATE("-r", root, "-u", "user", "-I", "-P", "-n", "true");
	assert_null(mount_at(s, "/dev/mqueue"));
	assert_string_equal(mount_at(s, "/proc")->type, "bind");
	assert_string_equal(mount_at(s, "/proc")->source, "/proc");
	assert_string_equal(mount_at(s, "/sys")->type, "sysfs");
	pf_spec_free(s);

	/* root: one mapping each, and the whole set held */
	s = TRANSLATE("-r", root, "-u", "root", "true");
	assert_int_equal(mask_of(&s->process->capabilities->bounding), full);
	assert_int_equal(s->linux_->uid_mappings.n, 1);
	assert_int_equal(s->linux_->gid_mappings.n, 1);
	assert_int_equal(mask_of(&s->process->capabilities->effective), full);
	pf_spec_free(s);

	/* a number passwd does not know is its own uid and gid */
	s = TRANSLATE("-r", bare, "-u", "1234", "true");
	assert_int_equal(s->process->user->uid.v, 1234);
	assert_int_equal(s->process->user->gid.v, 1234);
	assert_string_equal(env_of(s, "USER"), "1234");
	pf_spec_free(s);
	s = TRANSLATE("-r", root, "-u", "65534", "true");
	assert_int_equal(s->process->user->gid.v, 65534);
	pf_spec_free(s);

	/* --no-userns: the user without a namespace */
	s = TRANSLATE("-r", root, "-u", "user", "-U", "true");
	assert_false(has_ns(s, "user"));
	assert_false(s->linux_->uid_mappings.set);
	assert_int_equal(s->process->user->uid.v, 1000);
	assert_true(has_str(&mount_at(s, "/dev/pts")->options, "gid=5"));
	pf_spec_free(s);
}

static void test_user_map(void **state)
{
	struct pf_spec *s;

	(void)state;
	s = TRANSLATE("-r", root, "-e", "0:100000,65536", "true");
	assert_true(has_ns(s, "user"));
	assert_int_equal(s->linux_->uid_mappings.n, 1);
	assert_mapping(&s->linux_->uid_mappings, 0, 0, 100000, 65536);
	assert_int_equal(s->linux_->gid_mappings.n, 1);
	assert_mapping(&s->linux_->gid_mappings, 0, 0, 100000, 65536);
	assert_int_equal(s->process->user->uid.v, 0);
	pf_spec_free(s);

	s = TRANSLATE("-r", root, "-e", "0:100000:1", "-e", "1000:1000:2", "-u", "user", "true");
	assert_int_equal(s->linux_->uid_mappings.n, 2);
	assert_mapping(&s->linux_->uid_mappings, 1, 1000, 1000, 2);
	assert_mapping(&s->linux_->gid_mappings, 1, 1000, 1000, 2);
	assert_int_equal(s->process->user->uid.v, 1000);
	assert_int_equal(s->process->user->gid.v, 1001);
	pf_spec_free(s);

	s = TRANSLATE("-e", "0:100000:10", "-U", "true");
	assert_false(has_ns(s, "user"));
	assert_false(s->linux_->uid_mappings.set);
	pf_spec_free(s);
}

static void test_user_errors(void **state)
{
	char want[160];

	(void)state;
	snprintf(want, sizeof(want), "--user=nobody2: no such user in %s/etc/passwd", root);
	TRANSLATE_ERROR(want, "-r", root, "-u", "nobody2", "true");
	snprintf(want, sizeof(want), "--user=user: %s/etc/passwd: No such file or directory", bare);
	TRANSLATE_ERROR(want, "-r", bare, "-u", "user", "true");
	TRANSLATE_ERROR("--user=user: uid 1000 is not mapped by --user-map", "-r", root, "-u",
			"user", "-e", "0:100000:10", "true");
	TRANSLATE_ERROR("--user=user: gid 1001 is not mapped by --user-map", "-r", root, "-u",
			"user", "-e", "0:100000:1001", "true");
	TRANSLATE_ERROR("--user-map=5:200:1: overlaps --user-map=0:100:10", "-e", "0:100:10", "-e",
			"5:200:1", "true");
	TRANSLATE_ERROR("--user-map=50:105:1: overlaps --user-map=0:100:10", "-e", "0:100:10",
			"-e", "50:105:1", "true");
}

/* ---- capabilities ------------------------------------------------------------------------- */

static void test_caps(void **state)
{
	static const char *const chown_kill[] = { "CAP_CHOWN", "CAP_KILL" };
	/* outside a user namespace: what pflask holds itself */
	pf_capmask full = pf_capmask_full() & pf_capmask_bounding();
	struct pf_capabilities *c;
	struct pf_spec *s;

	(void)state;
	s = TRANSLATE("true");
	c = s->process->capabilities;
	assert_int_equal(mask_of(&c->bounding), full);
	assert_int_equal(mask_of(&c->effective), full);
	assert_int_equal(mask_of(&c->permitted), full);
	assert_true(c->inheritable.set);
	assert_int_equal(c->inheritable.n, 0);
	assert_true(c->ambient.set);
	assert_int_equal(c->ambient.n, 0);
	pf_spec_free(s);

	s = TRANSLATE("--caps=-all,+kill,chown", "true");
	c = s->process->capabilities;
	assert_strv(&c->bounding, chown_kill, 2);
	assert_strv(&c->effective, chown_kill, 2);
	assert_strv(&c->permitted, chown_kill, 2);
	pf_spec_free(s);

	s = TRANSLATE("-b", "-SYS_ADMIN", "-b", "-cap_net_raw", "true");
	c = s->process->capabilities;
	assert_int_equal(mask_of(&c->bounding), full & ~((pf_capmask)1 << 21 | (pf_capmask)1 << 13));
	assert_false(has_str(&c->effective, "CAP_SYS_ADMIN"));
	pf_spec_free(s);
}

/* ---- mounts ------------------------------------------------------------------------------- */

static void test_mount_flags(void **state)
{
	static const char *const rbind[] = { "rbind" };
	static const char *const rbind_ro[] = { "rbind", "ro" };
	const struct pf_mount *m;
	struct pf_spec *s;
	char lower[128];

	(void)state;
	s = TRANSLATE("-r", root, "-m", "bind:/src:/dst", "-m", "bind-ro:/etc:/mnt/etc", "-m",
		      "tmp:/tmp", "-m", "overlay:/up:/usr:/work", "true");
	assert_int_equal(s->mounts.n, 7 + 4);
	m = &s->mounts.v[7];
	assert_string_equal(m->destination, "/dst");
	assert_string_equal(m->type, "bind");
	assert_string_equal(m->source, "/src");
	assert_strv(&m->options, rbind, 1);
	m = &s->mounts.v[8];
	assert_string_equal(m->destination, "/mnt/etc");
	assert_strv(&m->options, rbind_ro, 2);
	m = &s->mounts.v[9];
	assert_string_equal(m->destination, "/tmp");
	assert_string_equal(m->type, "tmpfs");
	assert_string_equal(m->source, "tmpfs");
	assert_false(m->options.set);
	m = &s->mounts.v[10];
	assert_string_equal(m->destination, "/usr");
	assert_string_equal(m->type, "overlay");
	assert_string_equal(m->source, "overlay");
	snprintf(lower, sizeof(lower), "lowerdir=%s/usr", root);
	{
		const char *const want[] = { lower, "upperdir=/up", "workdir=/work" };

		assert_strv(&m->options, want, 3);
	}
	pf_spec_free(s);

	/* without --chroot the destination is the host's own path */
	s = TRANSLATE("-m", "overlay:/up:/usr:/work", "-P", "true");
	assert_int_equal(s->mounts.n, 1);
	assert_string_equal(s->mounts.v[0].options.v[0], "lowerdir=/usr");
	pf_spec_free(s);
}

/* ---- network ------------------------------------------------------------------------------ */

static void assert_hook(const struct pf_hook *h, const char *arg)
{
	const char *const want[] = { "pflask-runtime", "netif", arg };

	assert_string_equal(h->path, RT);
	assert_strv(&h->args, want, 3);
	assert_false(h->env.set);
}

static void test_netif(void **state)
{
	struct pf_spec *s;

	(void)state;
	s = TRANSLATE("true");
	assert_false(has_ns(s, "network"));
	pf_spec_free(s);

	/* bare: an empty namespace with lo up, however often it is given */
	s = TRANSLATE("-n", "--netif", "true");
	assert_namespaces(s, "mount pid ipc uts cgroup network");
	assert_int_equal(s->hooks->create_runtime.n, 1);
	assert_hook(&s->hooks->create_runtime.v[0], "lo");
	assert_false(s->linux_->net_devices.set);
	pf_spec_free(s);

	/* a move is standard; the rest are hooks, in the order given */
	s = TRANSLATE("--netif=vxlan0:eth0", "-nmacvlan:eth1:mv0", "--netif=ipvlan:eth1:iv0",
		      "--netif=veth:ve0:eth1", "--netif=dummy0:eth2", "true");
	assert_true(has_ns(s, "network"));
	assert_int_equal(s->linux_->net_devices.n, 2);
	assert_string_equal(s->linux_->net_devices.keys[0], "vxlan0");
	assert_string_equal(s->linux_->net_devices.v[0].name, "eth0");
	assert_string_equal(s->linux_->net_devices.keys[1], "dummy0");
	assert_string_equal(s->linux_->net_devices.v[1].name, "eth2");
	assert_int_equal(s->hooks->create_runtime.n, 3);
	assert_hook(&s->hooks->create_runtime.v[0], "macvlan:eth1:mv0");
	assert_hook(&s->hooks->create_runtime.v[1], "ipvlan:eth1:iv0");
	assert_hook(&s->hooks->create_runtime.v[2], "veth:ve0:eth1");
	pf_spec_free(s);

	TRANSLATE_ERROR("--netif=veth:v1:eth0: --netif=e1:eth0 already names an interface eth0 "
			"inside", "--netif=e1:eth0", "--netif=veth:v1:eth0", "true");
	TRANSLATE_ERROR("--netif=e1:eth1: --netif=e1:eth0 already moves e1", "--netif=e1:eth0",
			"--netif=e1:eth1", "true");
}

/* ---- what OCI has no words for ------------------------------------------------------------ */

static void test_ephemeral(void **state)
{
	struct pf_extras x;
	struct pf_spec *s;

	(void)state;
	s = TRANSLATE_X(&x, "-r", root, "-w", "true");
	assert_string_equal(s->root->path, root);
	assert_string_equal(pf_strmap_get(&s->annotations, "org.pflask.ephemeral"), "true");
	assert_true(x.ephemeral);
	assert_string_equal(x.lower, root);
	pf_extras_clear(&x);
	assert_false(x.ephemeral);
	assert_null(x.lower);
	pf_spec_free(s);

	s = TRANSLATE_X(&x, "-r", root, "true");
	assert_false(x.ephemeral);
	assert_null(pf_strmap_get(&s->annotations, "org.pflask.ephemeral"));
	pf_extras_clear(&x);
	pf_spec_free(s);
}

static void test_cgroup(void **state)
{
	struct pf_error err = { 0 };
	pf_strv host = { 0 };
	struct pf_spec *s;

	(void)state;
	TRANSLATE_ERROR("--cgroup=foo: no such cgroup controller on this host", "-g", "foo", "true");
	assert_int_equal(pf_host_cgroup_controllers(&host, &err), 0);
	if (host.n < 2) {
		pf_strv_clear(&host);
		skip();
	}
	s = TRANSLATE("--name=box1", "-g", host.v[0], "-g", host.v[1], "-g", host.v[0], "true");
	assert_string_equal(s->linux_->cgroups_path, "pflask/box1");
	{
		char want[128];

		snprintf(want, sizeof(want), "%s,%s", host.v[0], host.v[1]);
		assert_string_equal(pf_strmap_get(&s->annotations, "org.pflask.cgroups"), want);
	}
	pf_spec_free(s);
	pf_strv_clear(&host);
}

static void test_cgroup_controllers_of_host(void **state)
{
	struct pf_error err = { 0 };
	pf_strv host = { 0 };
	FILE *f = fopen("/proc/cgroups", "r");
	char line[256], name[64];
	int enabled;

	(void)state;
	assert_int_equal(pf_host_cgroup_controllers(&host, &err), 0);
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %*d %*d %d", name, &enabled) == 2 && name[0] != '#' &&
		    enabled)
			assert_true(has_str(&host, name));
	if (f)
		fclose(f);
	assert_false(has_str(&host, "foo"));
	pf_strv_clear(&host);
}

/* Every fact at once, through a full round trip. */
static void test_everything_validates(void **state)
{
	struct pf_extras x;
	struct pf_spec *s;

	(void)state;
	s = TRANSLATE_X(&x, "-r", root, "-c", "/root", "-t", "box", "-m", "bind:/a:/b", "-m",
			"tmp:/t", "-n", "--netif=e0:e1", "-nveth:v0:e2", "-u", "user", "-w", "-b",
			"-all,+chown", "-s", "A=1", "--name=x1", "true");
	assert_true(x.ephemeral);
	assert_true(has_ns(s, "user") && has_ns(s, "network"));
	pf_extras_clear(&x);
	pf_spec_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_host_defaults),
		cmocka_unit_test(test_host_no_namespaces),
		cmocka_unit_test(test_chroot_defaults),
		cmocka_unit_test(test_chroot_env),
		cmocka_unit_test(test_chroot_cwd_hostname),
		cmocka_unit_test(test_user),
		cmocka_unit_test(test_user_map),
		cmocka_unit_test(test_user_errors),
		cmocka_unit_test(test_caps),
		cmocka_unit_test(test_mount_flags),
		cmocka_unit_test(test_netif),
		cmocka_unit_test(test_ephemeral),
		cmocka_unit_test(test_cgroup),
		cmocka_unit_test(test_cgroup_controllers_of_host),
		cmocka_unit_test(test_everything_validates),
	};

	return cmocka_run_group_tests(tests, make_roots, remove_roots);
}
