/* runtime/process.h: the plan built from config.json's "process", the child's setup (run in a
 * forked child that reports what the kernel says afterwards), capabilities, PATH lookup and
 * exec. Tests that change credentials need root and are skipped otherwise. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bundle/config.h"
#include "runtime/process.h"

#define STRV(...) { .v = (char *[]){ __VA_ARGS__ }, \
		    .n = sizeof((char *[]){ __VA_ARGS__ }) / sizeof(char *), .set = true }
#define OUT_MAX 8192

static char tmp[PATH_MAX];

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

static int make_tmp(void **state)
{
	(void)state;
	snprintf(tmp, sizeof(tmp), "/tmp/pf-process-XXXXXX");
	if (!mkdtemp(tmp))
		return -1;
	/* the container user (uid 1000) must be able to reach the cwd we create below */
	return chmod(tmp, 0755);
}

static int remove_tmp(void **state)
{
	(void)state;
	return nftw(tmp, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void write_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, mode), 0);
}

/* A file (or, with text NULL, a directory) named name in dir. */
static void make_in(const char *dir, const char *name, const char *text, mode_t mode)
{
	char path[PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (text)
		write_file(path, text, mode);
	else
		assert_int_equal(mkdir(path, mode), 0);
}

static bool have_root(void)
{
	if (geteuid() == 0)
		return true;
	print_message("skipping: needs root\n");
	return false;
}

/* Our own capability mask from /proc/self/status ("CapEff", "CapPrm", ...). */
static uint64_t own_caps(const char *which)
{
	char line[256];
	uint64_t v = 0;
	size_t len = strlen(which);
	FILE *f = fopen("/proc/self/status", "r");

	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, which, len) == 0 && line[len] == ':')
			v = strtoull(line + len + 1, NULL, 16);
	fclose(f);
	return v;
}

/* ---- running a step in a child and reading its report --------------------------------------- */

typedef void (*child_fn)(int out, void *arg);

/* Runs fn in a forked child; its report (lines "key=value") lands in buf. */
static void in_child(child_fn fn, void *arg, char *buf, size_t size)
{
	int p[2], status;
	size_t got = 0;
	ssize_t n;
	pid_t pid;

	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		fn(p[1], arg);
		_exit(0);
	}
	close(p[1]);
	while (got + 1 < size && (n = read(p[0], buf + got, size - 1 - got)) > 0)
		got += (size_t)n;
	buf[got] = '\0';
	close(p[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
}

/* The value of "key=" in a report, copied to a static buffer; NULL when absent. */
static const char *report(const char *buf, const char *key)
{
	static char val[1024];
	size_t len = strlen(key);

	for (const char *l = buf; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		if (strncmp(l, key, len) == 0 && l[len] == '=') {
			size_t n = strcspn(l + len + 1, "\n");

			snprintf(val, sizeof(val), "%.*s", (int)n, l + len + 1);
			return val;
		}
	}
	return NULL;
}

/* Copies /proc/self/status lines we care about into the report, tabs turned into spaces. */
static void report_status(int out)
{
	static const char *const keys[] = { "Uid", "Gid", "Groups", "NoNewPrivs", "CapInh",
					    "CapPrm", "CapEff", "CapBnd", "CapAmb", NULL };
	char line[512];
	FILE *f = fopen("/proc/self/status", "r");

	if (!f) {
		dprintf(out, "error=open /proc/self/status: %s\n", strerror(errno));
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':'), *v;

		if (!colon)
			continue;
		*colon = '\0';
		for (int i = 0; keys[i]; i++) {
			if (strcmp(line, keys[i]) != 0)
				continue;
			for (v = colon + 1; *v == '\t' || *v == ' '; v++)
				;
			for (char *t = v; *t; t++)
				if (*t == '\t')
					*t = ' ';
			v[strcspn(v, "\n")] = '\0';
			while (*v && v[strlen(v) - 1] == ' ')
				v[strlen(v) - 1] = '\0';
			dprintf(out, "%s=%s\n", line, v);
		}
	}
	fclose(f);
}

/* ---- pf_find_executable --------------------------------------------------------------------- */

static void test_find_executable(void **state)
{
	char a[PATH_MAX + 8], b[PATH_MAX + 8], path_var[2 * PATH_MAX + 64],
	     want[PATH_MAX + 64], out[PATH_MAX];
	struct pf_error err = { 0 };
	const struct { const char *name, *dir; } found[] = {
		{ "tool", a },   /* executable in the first directory */
		{ "data", b },   /* a/data is not executable: the next one wins */
		{ "cmd", b },    /* a/cmd is a directory */
	};

	(void)state;
	snprintf(a, sizeof(a), "%s/a", tmp);
	snprintf(b, sizeof(b), "%s/b", tmp);
	assert_int_equal(mkdir(a, 0755), 0);
	assert_int_equal(mkdir(b, 0755), 0);
	make_in(a, "tool", "#!/bin/sh\n", 0755);
	make_in(a, "data", "x\n", 0644);
	make_in(a, "cmd", NULL, 0755);
	make_in(b, "data", "#!/bin/sh\n", 0755);
	make_in(b, "cmd", "#!/bin/sh\n", 0755);
	/* empty and relative elements are skipped */
	snprintf(path_var, sizeof(path_var), "PATH=::relative:%s:%s", a, b);

	char *envp[] = { "HOME=/x", path_var, NULL };
	for (size_t i = 0; i < sizeof(found) / sizeof(found[0]); i++) {
		snprintf(want, sizeof(want), "%s/%s", found[i].dir, found[i].name);
		assert_int_equal(pf_find_executable(found[i].name, envp, out, sizeof(out), &err),
				 0);
		assert_string_equal(out, want);
	}
	assert_int_equal(pf_find_executable("missing", envp, out, sizeof(out), &err), -1);
	assert_string_equal(err.msg, "exec \"missing\": executable file not found in $PATH");
	/* with a slash: as is, even when it does not exist */
	assert_int_equal(pf_find_executable("./rel/x", envp, out, sizeof(out), &err), 0);
	assert_string_equal(out, "./rel/x");
	assert_int_equal(pf_find_executable("/no/such", envp, out, sizeof(out), &err), 0);
	assert_string_equal(out, "/no/such");
	/* an empty PATH finds nothing; no PATH at all means the default one */
	char *empty[] = { "PATH=", NULL }, *none[] = { NULL };
	assert_int_equal(pf_find_executable("sh", empty, out, sizeof(out), &err), -1);
	assert_int_equal(pf_find_executable("sh", none, out, sizeof(out), &err), 0);
	assert_true(strcmp(out, "/usr/bin/sh") == 0 || strcmp(out, "/bin/sh") == 0 ||
		    strcmp(out, "/usr/local/bin/sh") == 0);
	assert_int_equal(pf_find_executable("", none, out, sizeof(out), &err), -1);
}

/* ---- the plan ------------------------------------------------------------------------------- */

static void test_plan_build(void **state)
{
	struct pf_rlimit rl[] = {
		{ .type = "RLIMIT_NOFILE", .soft = { true, 10 }, .hard = { true, 20 } },
		{ .type = "RLIMIT_CORE", .soft = { true, 0 }, .hard = { true, 0 } },
	};
	struct pf_capabilities caps = { .bounding = STRV("CAP_KILL", "CAP_CHOWN"),
					.effective = STRV("CAP_KILL"), .ambient = STRV("CAP_BPF") };
	struct pf_scheduler sched = {
		.policy = "SCHED_BATCH", .nice = { true, 5 },
		.flags = STRV("SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_KEEP_PARAMS"),
	};
	struct pf_io_priority io = { .class_ = "IOPRIO_CLASS_IDLE", .priority = { true, 7 } };
	struct pf_user user = { .uid = { true, 1000 }, .gid = { true, 100 },
				.additional_gids = { (uint64_t[]){ 5, 6 }, 2, true } };
	struct pf_personality pers = { .domain = "LINUX32" };
	struct pf_process p = { .args = STRV("sh", "-c", "true"), .env = STRV("A=1"), .cwd = "/w",
				.capabilities = &caps, .scheduler = &sched, .io_priority = &io,
				.user = &user, .rlimits = { rl, 2, true } };
	struct pf_exec_plan plan;
	struct pf_error err = { 0 };

	(void)state;
	assert_int_equal(pf_exec_plan_build(&p, 2, true, &plan, &err), 0);
	assert_int_equal(pf_exec_plan_set_personality(&plan, &pers, &err), 0);
	assert_string_equal(plan.argv[2], "true");
	assert_null(plan.argv[3]);
	assert_string_equal(plan.envp[0], "A=1");
	assert_null(plan.envp[1]);
	assert_int_equal(plan.n_rlimits, 2);
	assert_int_equal(plan.rlimits[0].resource, RLIMIT_NOFILE);
	assert_int_equal(plan.rlimits[1].resource, RLIMIT_CORE);
	assert_true(plan.has_caps);
	assert_int_equal(plan.caps.bounding, 0x21);
	assert_int_equal(plan.caps.effective, 0x20);
	assert_int_equal(plan.caps.permitted, 0);
	assert_int_equal(plan.caps.ambient, 1ULL << 39);
	assert_int_equal(plan.sched.sched_policy, 3);
	assert_int_equal(plan.sched.sched_flags, 0x11);
	assert_int_equal(plan.sched.sched_nice, 5);
	assert_int_equal(plan.sched.size, 48);
	assert_int_equal(plan.ioprio, (3 << 13) | 7);
	assert_int_equal(plan.personality, 0x0008);
	assert_int_equal(plan.uid, 1000);
	assert_int_equal(plan.gid, 100);
	assert_int_equal(plan.n_groups, 2);
	assert_int_equal(plan.groups[1], 6);
	assert_false(plan.has_umask);
	assert_false(plan.no_new_privs);
	assert_string_equal(plan.cwd, "/w");
	pf_exec_plan_clear(&plan);
}

static void test_plan_errors(void **state)
{
	struct pf_rlimit rl = { .type = "RLIMIT_BOGUS" };
	struct pf_capabilities caps = { .permitted = STRV("CAP_KILL", "CAP_FLY") };
	struct pf_scheduler sched = { .policy = "SCHED_WHATEVER" };
	struct pf_personality pers = { .domain = "LINUX64" };
	struct pf_process p = { .args = STRV("sh") };
	struct pf_exec_plan plan;
	struct pf_error err = { 0 };

	(void)state;
	p.rlimits = (typeof(p.rlimits)){ &rl, 1, true };
	assert_int_equal(pf_exec_plan_build(&p, 0, false, &plan, &err), -1);
	assert_string_equal(err.msg, "process.rlimits[0].type: unknown rlimit RLIMIT_BOGUS");
	assert_null(plan.argv);
	p.rlimits.n = 0;
	p.capabilities = &caps;
	assert_int_equal(pf_exec_plan_build(&p, 0, false, &plan, &err), -1);
	assert_string_equal(err.msg,
			    "process.capabilities.permitted[1]: unknown capability CAP_FLY");
	p.capabilities = NULL;
	p.scheduler = &sched;
	assert_int_equal(pf_exec_plan_build(&p, 0, false, &plan, &err), -1);
	assert_string_equal(err.msg, "process.scheduler.policy: unknown policy SCHED_WHATEVER");
	p.scheduler = NULL;
	assert_int_equal(pf_exec_plan_build(&p, 0, false, &plan, &err), 0);
	assert_false(plan.has_caps);
	assert_false(plan.has_user);
	assert_int_equal(pf_exec_plan_set_personality(&plan, &pers, &err), -1);
	assert_string_equal(err.msg, "linux.personality.domain: unknown domain LINUX64");
	pf_exec_plan_clear(&plan);
	p.args.n = 0;
	assert_int_equal(pf_exec_plan_build(&p, 0, false, &plan, &err), -1);
	assert_string_equal(err.msg, "process.args: at least one argument is required");
}

/* ---- capabilities --------------------------------------------------------------------------- */

struct caps_case {
	struct pf_capabilities caps;
	uint64_t bnd, eff, prm, inh, amb;  /* what /proc/self/status must say afterwards */
};

static void caps_child(int out, void *arg)
{
	const struct caps_case *c = arg;
	struct pf_capset set;
	struct pf_error err = { 0 };

	if (pf_capset_from_config(&c->caps, &set, &err) < 0 || pf_caps_apply(&set, &err) < 0) {
		dprintf(out, "error=%s\n", err.msg);
		return;
	}
	report_status(out);
}

static void check_caps(const char *buf, const struct caps_case *c)
{
	const struct { const char *key; uint64_t want; } sets[] = {
		{ "CapBnd", c->bnd }, { "CapEff", c->eff }, { "CapPrm", c->prm },
		{ "CapInh", c->inh }, { "CapAmb", c->amb },
	};
	char want[32];

	assert_null(report(buf, "error"));
	for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++) {
		const char *got = report(buf, sets[i].key);

		snprintf(want, sizeof(want), "%016llx", (unsigned long long)sets[i].want);
		assert_non_null(got);
		if (strcmp(got, want) != 0)
			fail_msg("%s: got %s, want %s", sets[i].key, got, want);
	}
}

static void test_caps_apply(void **state)
{
	/* CAP_SYS_RESOURCE (24) is asked for but not held on some machines: it must be skipped
	 * there, not fail; the expectation follows what we hold. */
	uint64_t held = own_caps("CapPrm"), res = 1ULL << 24;
	struct caps_case cases[] = {
		{ { .bounding = STRV("CAP_KILL", "CAP_CHOWN"), .effective = STRV("CAP_KILL"),
		    .permitted = STRV("CAP_KILL") }, 0x21, 0x20, 0x20, 0, 0 },
		/* ambient needs permitted and inheritable: CAP_CHOWN is left out, silently */
		{ { .bounding = STRV("CAP_KILL", "CAP_CHOWN", "CAP_NET_BIND_SERVICE"),
		    .effective = STRV("CAP_KILL", "CAP_NET_BIND_SERVICE"),
		    .permitted = STRV("CAP_KILL", "CAP_NET_BIND_SERVICE"),
		    .inheritable = STRV("CAP_KILL", "CAP_NET_BIND_SERVICE"),
		    .ambient = STRV("CAP_NET_BIND_SERVICE", "CAP_CHOWN") },
		  0x421, 0x420, 0x420, 0x420, 0x400 },
		{ { .bounding = STRV("CAP_SYS_RESOURCE", "CAP_KILL"),
		    .effective = STRV("CAP_SYS_RESOURCE", "CAP_KILL"),
		    .permitted = STRV("CAP_SYS_RESOURCE", "CAP_KILL") },
		  (res & own_caps("CapBnd")) | 0x20, (res & held) | 0x20, (res & held) | 0x20,
		  0, 0 },
		/* nothing at all: every set empty */
		{ { .bounding = { 0 } }, 0, 0, 0, 0, 0 },
	};
	char buf[OUT_MAX];

	(void)state;
	if (!have_root())
		skip();
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		in_child(caps_child, &cases[i], buf, sizeof(buf));
		check_caps(buf, &cases[i]);
	}
}

/* ---- pf_process_setup ----------------------------------------------------------------------- */

struct setup_case {
	const struct pf_process *process;
	const struct pf_personality *personality;
};

static void setup_child(int out, void *arg)
{
	const struct setup_case *c = arg;
	struct pf_exec_plan plan;
	struct pf_error err = { 0 };
	struct rlimit lim;
	struct utsname u;
	char cwd[PATH_MAX], oom[32] = "";
	struct stat st;
	mode_t mask;
	int fd;

	if (pf_exec_plan_build(c->process, 0, false, &plan, &err) < 0 ||
	    pf_exec_plan_set_personality(&plan, c->personality, &err) < 0 ||
	    pf_process_setup(&plan, &err) < 0) {
		dprintf(out, "error=%s\n", err.msg);
		return;
	}
	report_status(out);
	getrlimit(RLIMIT_NOFILE, &lim);
	dprintf(out, "nofile=%llu %llu\n", (unsigned long long)lim.rlim_cur,
		(unsigned long long)lim.rlim_max);
	mask = umask(0);
	dprintf(out, "umask=%04o\n", (unsigned)mask);
	dprintf(out, "cwd=%s\n", getcwd(cwd, sizeof(cwd)) ? cwd : strerror(errno));
	if (stat(".", &st) == 0)
		dprintf(out, "cwd_mode=%04o %u\n", (unsigned)(st.st_mode & 07777),
			(unsigned)st.st_uid);
	fd = open("/proc/self/oom_score_adj", O_RDONLY);
	if (fd >= 0 && read(fd, oom, sizeof(oom) - 1) > 0)
		oom[strcspn(oom, "\n")] = '\0';
	close(fd);
	dprintf(out, "oom=%s\n", oom);
	uname(&u);
	dprintf(out, "machine=%s\n", u.machine);
	pf_exec_plan_clear(&plan);
}

static void test_setup_user(void **state)
{
	char cwd[PATH_MAX + 32], buf[OUT_MAX];
	struct pf_rlimit rl = { .type = "RLIMIT_NOFILE", .soft = { true, 100 },
				.hard = { true, 200 } };
	struct pf_capabilities caps = { .bounding = STRV("CAP_KILL", "CAP_CHOWN"),
					.effective = STRV("CAP_KILL"),
					.permitted = STRV("CAP_KILL") };
	struct pf_user user = { .uid = { true, 1000 }, .gid = { true, 1000 },
				.additional_gids = { (uint64_t[]){ 10, 20 }, 2, true },
				.umask = { true, 077 } };
	struct pf_process p = { .args = STRV("sh"), .cwd = cwd, .user = &user,
				.capabilities = &caps, .rlimits = { &rl, 1, true },
				.no_new_privileges = { true, true },
				.oom_score_adj = { true, 500 } };
	struct setup_case c = { &p, NULL };

	(void)state;
	if (!have_root())
		skip();
	snprintf(cwd, sizeof(cwd), "%s/work/a/b", tmp);
	in_child(setup_child, &c, buf, sizeof(buf));
	if (report(buf, "error"))
		fail_msg("setup failed: %s", report(buf, "error"));
	assert_string_equal(report(buf, "Uid"), "1000 1000 1000 1000");
	assert_string_equal(report(buf, "Gid"), "1000 1000 1000 1000");
	assert_string_equal(report(buf, "Groups"), "10 20");
	assert_string_equal(report(buf, "NoNewPrivs"), "1");
	/* the bounding set was trimmed before the uid switch, and effective came back after it */
	assert_string_equal(report(buf, "CapBnd"), "0000000000000021");
	assert_string_equal(report(buf, "CapEff"), "0000000000000020");
	assert_string_equal(report(buf, "CapPrm"), "0000000000000020");
	assert_string_equal(report(buf, "nofile"), "100 200");
	assert_string_equal(report(buf, "umask"), "0077");
	assert_string_equal(report(buf, "cwd"), cwd);
	/* created 0755 by root despite the umask, so the user could enter it */
	assert_string_equal(report(buf, "cwd_mode"), "0755 0");
	assert_string_equal(report(buf, "oom"), "500");
}

/* No root needed: a lower rlimit, a higher oom score, LINUX32, SCHED_BATCH and an idle I/O
 * priority are all things any process may do to itself. */
static void test_setup_unprivileged(void **state)
{
	char cwd[PATH_MAX], buf[OUT_MAX];
	struct pf_scheduler sched = { .policy = "SCHED_BATCH", .nice = { true, 7 } };
	struct pf_io_priority io = { .class_ = "IOPRIO_CLASS_IDLE", .priority = { true, 0 } };
	struct pf_process p = { .args = STRV("sh"), .cwd = cwd, .scheduler = &sched,
				.io_priority = &io, .oom_score_adj = { true, 1000 } };
	struct pf_personality pers = { .domain = "LINUX32" };
	struct setup_case c = { &p, &pers };
	struct utsname u;

	(void)state;
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	in_child(setup_child, &c, buf, sizeof(buf));
	if (report(buf, "error"))
		fail_msg("setup failed: %s", report(buf, "error"));
	assert_string_equal(report(buf, "oom"), "1000");
	assert_string_equal(report(buf, "cwd"), cwd);
	uname(&u);
	if (strcmp(u.machine, "x86_64") == 0)
		assert_string_equal(report(buf, "machine"), "i686");
}

static void sched_child(int out, void *arg)
{
	struct pf_scheduler sched = { .policy = "SCHED_BATCH", .nice = { true, 7 } };
	struct pf_io_priority io = { .class_ = "IOPRIO_CLASS_BE", .priority = { true, 6 } };
	struct pf_process p = { .args = STRV("sh"), .scheduler = &sched, .io_priority = &io };
	struct pf_exec_plan plan;
	struct pf_error err = { 0 };

	(void)arg;
	if (pf_exec_plan_build(&p, 0, false, &plan, &err) < 0 ||
	    pf_process_setup(&plan, &err) < 0) {
		dprintf(out, "error=%s\n", err.msg);
		return;
	}
	pf_exec_plan_clear(&plan);
	errno = 0;
	dprintf(out, "policy=%d\nnice=%d\nioprio=%ld\n", sched_getscheduler(0),
		getpriority(PRIO_PROCESS, 0), syscall(SYS_ioprio_get, 1, 0));
}

static void test_setup_scheduler(void **state)
{
	char buf[OUT_MAX], want[32];

	(void)state;
	in_child(sched_child, NULL, buf, sizeof(buf));
	if (report(buf, "error"))
		fail_msg("setup failed: %s", report(buf, "error"));
	snprintf(want, sizeof(want), "%d", SCHED_BATCH);
	assert_string_equal(report(buf, "policy"), want);
	assert_string_equal(report(buf, "nice"), "7");
	snprintf(want, sizeof(want), "%d", (2 << 13) | 6);
	assert_string_equal(report(buf, "ioprio"), want);
}

/* In a user namespace whose setgroups is "deny" the groups are skipped rather than failing;
 * an unmapped gid gets a message that says so. The child maps only its own ids (0 → 0). */
static void userns_child(int out, void *arg)
{
	const struct pf_process *p = arg;
	struct pf_exec_plan plan;
	struct pf_error err = { 0 };
	static const char *const files[][2] = { { "/proc/self/setgroups", "deny" },
						{ "/proc/self/uid_map", "0 0 1" },
						{ "/proc/self/gid_map", "0 0 1" } };

	if (unshare(CLONE_NEWUSER) < 0) {
		dprintf(out, "skip=unshare: %s\n", strerror(errno));
		return;
	}
	for (size_t i = 0; i < 3; i++) {
		int fd = open(files[i][0], O_WRONLY);

		if (fd < 0 || write(fd, files[i][1], strlen(files[i][1])) < 0) {
			dprintf(out, "skip=%s: %s\n", files[i][0], strerror(errno));
			return;
		}
		close(fd);
	}
	if (pf_exec_plan_build(p, 0, true, &plan, &err) < 0 || pf_process_setup(&plan, &err) < 0)
		dprintf(out, "error=%s\n", err.msg);
	else
		report_status(out);
}

static void test_setup_userns(void **state)
{
	struct pf_user root = { .uid = { true, 0 }, .gid = { true, 0 } };
	struct pf_user other = { .uid = { true, 0 }, .gid = { true, 5 } };
	struct pf_process p = { .args = STRV("sh"), .user = &root };
	char buf[OUT_MAX];

	(void)state;
	in_child(userns_child, &p, buf, sizeof(buf));
	if (report(buf, "skip")) {
		print_message("skipping: %s\n", report(buf, "skip"));
		skip();
	}
	assert_null(report(buf, "error"));
	assert_string_equal(report(buf, "Uid"), "0 0 0 0");
	p.user = &other;
	in_child(userns_child, &p, buf, sizeof(buf));
	assert_string_equal(report(buf, "error"),
			    "cannot set gid to unmapped id 5 in the user namespace");
}

/* Raising a hard limit needs CAP_SYS_RESOURCE; the message names the resource. */
static void test_setup_rlimit_error(void **state)
{
	struct rlimit now;
	struct pf_rlimit rl = { .type = "RLIMIT_NOFILE" };
	struct pf_process p = { .args = STRV("sh"), .rlimits = { &rl, 1, true } };
	struct setup_case c = { &p, NULL };
	char buf[OUT_MAX];

	(void)state;
	if (own_caps("CapEff") & (1ULL << 24)) {
		print_message("skipping: this process holds CAP_SYS_RESOURCE\n");
		skip();
	}
	getrlimit(RLIMIT_NOFILE, &now);
	rl.soft = rl.hard = (pf_uint){ true, (uint64_t)now.rlim_max + 1 };
	in_child(setup_child, &c, buf, sizeof(buf));
	assert_non_null(report(buf, "error"));
	assert_string_equal(report(buf, "error"),
			    "setrlimit RLIMIT_NOFILE: Operation not permitted");
}

/* ---- pf_process_exec ------------------------------------------------------------------------ */

static void exec_child(int out, void *arg)
{
	const struct pf_process *p = arg;
	struct pf_exec_plan plan;
	struct pf_error err = { 0 };
	int fd = open("/dev/null", O_RDONLY);

	/* fd 3 is preserved (preserve_fds = 1); the one at 9 is not and must not reach sh */
	if (dup2(fd, 3) < 0 || dup2(fd, 9) < 0 || dup2(out, 1) < 0 ||
	    pf_exec_plan_build(p, 1, false, &plan, &err) < 0) {
		dprintf(out, "error=setup\n");
		return;
	}
	pf_process_exec(&plan, &err);
	dprintf(out, "error=%s\n", err.msg);
	pf_exec_plan_clear(&plan);
}

static void test_exec(void **state)
{
	struct pf_process p = { .args = STRV("sh", "-c",
		"echo home=$HOME; echo fds=$(ls /proc/$$/fd | sort -n | tr '\\n' ' ')"),
		.env = STRV("PATH=/usr/bin:/bin") };
	struct passwd *pw = getpwuid(getuid());
	char buf[OUT_MAX], want[PATH_MAX];

	(void)state;
	in_child(exec_child, &p, buf, sizeof(buf));
	assert_null(report(buf, "error"));
	snprintf(want, sizeof(want), "%s", pw && pw->pw_dir[0] ? pw->pw_dir : "/");
	assert_string_equal(report(buf, "home"), want);
	/* the command substitution adds its pipe; 9 is gone */
	assert_non_null(report(buf, "fds"));
	assert_true(strncmp(report(buf, "fds"), "0 1 2 3 ", 8) == 0);
	assert_null(strstr(report(buf, "fds"), " 9 "));
}

static void test_exec_errors(void **state)
{
	char data[PATH_MAX + 16], buf[OUT_MAX], want[PATH_MAX + 64];
	struct pf_process p = { .args = STRV("/no/such/program") };
	struct pf_process q = { .args = STRV(data) };
	struct pf_process r = { .args = STRV("not-there"), .env = STRV("PATH=/nonexistent") };

	(void)state;
	in_child(exec_child, &p, buf, sizeof(buf));
	assert_string_equal(report(buf, "error"),
			    "exec /no/such/program: No such file or directory");
	snprintf(data, sizeof(data), "%s/plain", tmp);
	write_file(data, "not a program\n", 0644);
	in_child(exec_child, &q, buf, sizeof(buf));
	snprintf(want, sizeof(want), "exec %s: Permission denied", data);
	assert_string_equal(report(buf, "error"), want);
	in_child(exec_child, &r, buf, sizeof(buf));
	assert_string_equal(report(buf, "error"),
			    "exec \"not-there\": executable file not found in $PATH");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find_executable),
		cmocka_unit_test(test_plan_build),
		cmocka_unit_test(test_plan_errors),
		cmocka_unit_test(test_caps_apply),
		cmocka_unit_test(test_setup_user),
		cmocka_unit_test(test_setup_unprivileged),
		cmocka_unit_test(test_setup_scheduler),
		cmocka_unit_test(test_setup_userns),
		cmocka_unit_test(test_setup_rlimit_error),
		cmocka_unit_test(test_exec),
		cmocka_unit_test(test_exec_errors),
	};

	return cmocka_run_group_tests(tests, make_tmp, remove_tmp);
}
