/* runtime/cgroup.c against this host's real cgroupfs (root only; skipped otherwise): placement in
 * every hierarchy /proc/self/mountinfo lists, signals, removal of what was made and only that,
 * cpuset inheritance, cleanup after a failed create, and a v2-only host simulated in a private
 * mount namespace. Every directory is named after this process (pflask-unit-PID or
 * pflask/unit-PID-*) and each test's teardown removes them even when the test failed. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bundle/reflect.h"
#include "bundle/validate.h"
#include "runtime/cgroup.h"

#define MAX_HIER 32

/* The test's own reading of mountinfo, to check the library's against. */
struct hier {
	char mnt[PATH_MAX];
	char root[PATH_MAX];
	dev_t dev;
	bool v2, cpuset;
};

static struct hier hiers[MAX_HIER];
static size_t n_hiers;
static char unit[64];  /* pflask-unit-PID: top directory of the tests' own cgroups */
static char pfx[64];   /* unit-PID-: leaf prefix of the tests' cgroups under pflask/ */

static bool has_opt(const char *opts, const char *name)
{
	size_t len = strlen(name);

	for (const char *p = opts; p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (strncmp(p, name, len) == 0 && (p[len] == ',' || p[len] == '\0'))
			return true;
	return false;
}

static void find_hierarchies(void)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[8192];

	n_hiers = 0;
	while (f && fgets(line, sizeof(line), f)) {
		struct hier h = { 0 };
		char fstype[64], src[256], super[2048];
		const char *dash = strstr(line, " - ");
		unsigned maj, min;
		struct stat st;
		bool dup = false;

		if (!dash || sscanf(line, "%*s %*s %u:%u %4095s %4095s", &maj, &min, h.root, h.mnt) != 4 ||
		    sscanf(dash + 3, "%63s %255s %2047s", fstype, src, super) != 3)
			continue;
		h.v2 = strcmp(fstype, "cgroup2") == 0;
		if (!h.v2 && strcmp(fstype, "cgroup") != 0)
			continue;
		h.dev = makedev(maj, min);
		h.cpuset = !h.v2 && has_opt(super, "cpuset");
		if (stat(h.mnt, &st) < 0 || st.st_dev != h.dev)
			continue;
		for (size_t i = 0; i < n_hiers; i++)
			dup |= hiers[i].dev == h.dev;
		if (!dup && n_hiers < MAX_HIER)
			hiers[n_hiers++] = h;
	}
	if (f)
		fclose(f);
}

/* Skips the calling test unless it can touch the host's cgroups. */
static void need_cgroups(void)
{
	if (geteuid() != 0) {
		print_message("# cgroup tests need root\n");
		skip();
	}
	if (!n_hiers) {
		print_message("# no cgroup hierarchy is mounted under /sys/fs/cgroup\n");
		skip();
	}
}

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static void join(char out[PATH_MAX], const char *a, const char *b)
{
	int n = snprintf(out, PATH_MAX, "%s/%s", a, b);

	assert_true(n > 0 && n < PATH_MAX);
}

static char *read_all(const char *path)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t len = 0;

	if (!f)
		return NULL;
	if (getdelim(&buf, &len, '\0', f) < 0) {
		free(buf);
		buf = strdup("");
	}
	fclose(f);
	return buf;
}

static bool procs_has(const char *dir, pid_t pid)
{
	char path[PATH_MAX], *text, *save = NULL;
	bool found = false;

	join(path, dir, "cgroup.procs");
	text = read_all(path);
	assert_non_null(text);
	for (char *t = strtok_r(text, "\n", &save); t; t = strtok_r(NULL, "\n", &save))
		found |= atoi(t) == pid;
	free(text);
	return found;
}

static pid_t sleeper(void)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		for (;;)
			pause();
	}
	return pid;
}

static void reap_all(void)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

/* Kills what lives in dir and below, then removes it, deepest first; best effort. */
static void scrub_tree(const char *dir)
{
	char path[PATH_MAX], *text;
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d)))
		if (e->d_type == DT_DIR && e->d_name[0] != '.' &&
		    snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) < (int)sizeof(path))
			scrub_tree(path);
	closedir(d);
	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	text = read_all(path);
	for (char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p))
		if (atoi(p) > 0)
			kill(atoi(p), SIGKILL);
	free(text);
	for (int i = 0; i < 200 && rmdir(dir) < 0 && errno == EBUSY; i++) {
		reap_all();
		usleep(5000);
	}
}

/* Teardown of every root test: nothing named after this process may remain. */
static int scrub(void **state)
{
	char top[PATH_MAX], path[PATH_MAX];

	(void)state;
	reap_all();
	for (size_t i = 0; i < n_hiers; i++) {
		DIR *d;
		struct dirent *e;

		join(path, hiers[i].mnt, unit);
		scrub_tree(path);
		join(top, hiers[i].mnt, "pflask");
		d = opendir(top);
		if (!d)
			continue;
		while ((e = readdir(d)))
			if (strncmp(e->d_name, pfx, strlen(pfx)) == 0 &&
			    snprintf(path, sizeof(path), "%s/%s", top, e->d_name) < (int)sizeof(path))
				scrub_tree(path);
		closedir(d);
		rmdir(top); /* only when empty: another container may be using it */
	}
	reap_all();
	return 0;
}

static void must_create(const char *rel, struct pf_cgroup *cg)
{
	struct pf_error err = { 0 };

	if (pf_cgroup_create(rel, cg, &err) < 0)
		fail_msg("pf_cgroup_create %s: %s", rel, err.msg);
}

static void must_remove(struct pf_cgroup *cg)
{
	struct pf_error err = { 0 };

	if (pf_cgroup_remove(cg, &err) < 0)
		fail_msg("pf_cgroup_remove: %s", err.msg);
}

static bool strv_has(const pf_strv *v, const char *s)
{
	for (size_t i = 0; i < v->n; i++)
		if (strcmp(v->v[i], s) == 0)
			return true;
	return false;
}

/* The shared parent may legitimately outlive us when another container lives in it. */
static void assert_gone_or_in_use(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	bool children = false;

	if (!d)
		return;
	while ((e = readdir(d)))
		children |= e->d_type == DT_DIR && e->d_name[0] != '.';
	closedir(d);
	if (!children)
		fail_msg("%s is left behind, empty", dir);
}

/* ---- path rules ------------------------------------------------------------------------- */

static void test_path_rules(void **state)
{
	static const struct {
		const char *path, *id, *want, *error;
	} cases[] = {
		{ "/a/b", "c1", "a/b", NULL },
		{ "a/b", "c1", "a/b", NULL },
		{ "//a//b/", "c1", "a/b", NULL },
		{ "/a/./b/.", "c1", "a/b", NULL },
		{ "/machine/c1", NULL, "machine/c1", NULL },
		{ "/a:b:c", "c1", "a:b:c", NULL },
		{ "a:b", "c1", "a:b", NULL },
		{ NULL, "c1", "pflask/c1", NULL },
		{ "", "c1", "pflask/c1", NULL },
		{ "/a/../b", "c1", NULL, "linux.cgroupsPath: \"/a/../b\": must not contain \"..\"" },
		{ "..", "c1", NULL, "linux.cgroupsPath: \"..\": must not contain \"..\"" },
		{ "/", "c1", NULL, "linux.cgroupsPath: \"/\": names no cgroup below the root" },
		{ "/./", "c1", NULL, "linux.cgroupsPath: \"/./\": names no cgroup below the root" },
		{ "x:y:z", "c1", NULL, "linux.cgroupsPath: \"x:y:z\": systemd cgroup paths need "
					"--systemd-cgroup, which is not supported" },
		{ "system.slice:pflask:c1", "c1", NULL, "linux.cgroupsPath: \"system.slice:pflask:c1\": "
			"systemd cgroup paths need --systemd-cgroup, which is not supported" },
		{ NULL, NULL, NULL, "cgroup: container id \"\" cannot name a cgroup" },
		{ "", "..", NULL, "cgroup: container id \"..\" cannot name a cgroup" },
		{ NULL, "a/b", NULL, "cgroup: container id \"a/b\" cannot name a cgroup" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pf_error err = { 0 };
		char *out = NULL;
		int rc = pf_cgroup_path(cases[i].path, cases[i].id, &out, &err);
		const char *got = rc == 0 ? out : err.msg, *want = cases[i].want ? cases[i].want
										 : cases[i].error;

		if ((rc == 0) != (cases[i].want != NULL) || strcmp(got, want) != 0)
			fail_msg("case %zu (%s, %s): got %s \"%s\", want \"%s\"", i,
				 cases[i].path ? cases[i].path : "NULL", cases[i].id ? cases[i].id : "NULL",
				 rc == 0 ? "path" : "error", got, want);
		if (rc < 0) {
			assert_null(out);
			assert_int_equal(err.err, EINVAL);
		}
		free(out);
	}
}

static void test_create_needs_a_normal_relative_path(void **state)
{
	static const char *const bad[] = { "", "/a", "a//b", "a/../b", "a/", "./a" };
	struct pf_cgroup cg = { 0 };

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct pf_error err = { 0 };

		assert_int_equal(pf_cgroup_create(bad[i], &cg, &err), -1);
		assert_int_equal(err.err, EINVAL);
		assert_int_equal(cg.dirs.n, 0);
	}
	assert_int_equal(pf_cgroup_create(NULL, &cg, NULL), -1);
}

/* ---- on the host ------------------------------------------------------------------------ */

/* Lines of /proc/PID/cgroup ("N:controllers:/path") whose path is want. */
static size_t cgroup_lines_with(pid_t pid, const char *want)
{
	char path[64], *text, *save = NULL;
	size_t count = 0;

	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	text = read_all(path);
	assert_non_null(text);
	for (char *t = strtok_r(text, "\n", &save); t; t = strtok_r(NULL, "\n", &save)) {
		const char *p = strchr(t, ':');

		p = p ? strchr(p + 1, ':') : NULL;
		if (p && strcmp(p + 1, want) == 0)
			count++;
	}
	free(text);
	return count;
}

static void test_lifecycle(void **state)
{
	struct pf_cgroup cg = { 0 };
	struct pf_error err = { 0 };
	char id[96], *rel = NULL, dir[PATH_MAX], want[PATH_MAX + 1], top[PATH_MAX];
	size_t whole = 0, n = 0;
	pid_t pid, *pids = NULL;
	int status;

	(void)state;
	need_cgroups();
	snprintf(id, sizeof(id), "%slife", pfx);
	assert_int_equal(pf_cgroup_path(NULL, id, &rel, &err), 0);
	must_create(rel, &cg);

	/* one directory per hierarchy, each made here */
	assert_int_equal(cg.dirs.n, n_hiers);
	for (size_t i = 0; i < n_hiers; i++) {
		join(dir, hiers[i].mnt, rel);
		assert_true(is_dir(dir));
		assert_true(strv_has(&cg.dirs, dir));
		assert_true(strv_has(&cg.created, dir));
		whole += strcmp(hiers[i].root, "/") == 0;
	}

	pid = sleeper();
	if (pf_cgroup_add_pid(&cg, pid, &err) < 0)
		fail_msg("add_pid: %s", err.msg);
	for (size_t i = 0; i < cg.dirs.n; i++)
		assert_true(procs_has(cg.dirs.v[i], pid));
	snprintf(want, sizeof(want), "/%s", rel);
	if (whole == n_hiers)
		assert_int_equal(cgroup_lines_with(pid, want), n_hiers);

	assert_true(pf_cgroup_populated(&cg));
	assert_int_equal(pf_cgroup_pids(&cg, &pids, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(pids[0], pid);
	free(pids);

	assert_int_equal(pf_cgroup_signal_all(&cg, SIGKILL, &err), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	assert_false(pf_cgroup_populated(&cg));
	assert_int_equal(pf_cgroup_pids(&cg, &pids, &n, &err), 0);
	assert_int_equal(n, 0);
	assert_null(pids);

	must_remove(&cg);
	for (size_t i = 0; i < cg.dirs.n; i++)
		assert_false(is_dir(cg.dirs.v[i]));
	for (size_t i = 0; i < n_hiers; i++) {
		join(top, hiers[i].mnt, "pflask");
		assert_true(strv_has(&cg.created, top)); /* the shared top is always ours to try */
		assert_gone_or_in_use(top);
	}
	/* gone already: not an error, and nothing to signal */
	must_remove(&cg);
	assert_int_equal(pf_cgroup_signal_all(&cg, SIGKILL, &err), 0);
	assert_false(pf_cgroup_populated(&cg));
	pf_cgroup_clear(&cg);
	free(rel);
}

/* Two containers under pflask/: the parent stays while either lives, whichever goes first. */
static void test_shared_parent(void **state)
{
	(void)state;
	need_cgroups();
	for (int order = 0; order < 2; order++) {
		struct pf_cgroup a = { 0 }, b = { 0 };
		struct pf_cgroup *first = order ? &b : &a, *second = order ? &a : &b;
		char rel_a[96], rel_b[96], top[PATH_MAX];

		snprintf(rel_a, sizeof(rel_a), "pflask/%sa", pfx);
		snprintf(rel_b, sizeof(rel_b), "pflask/%sb", pfx);
		must_create(rel_a, &a);
		must_create(rel_b, &b);
		must_remove(first);
		for (size_t i = 0; i < n_hiers; i++) {
			join(top, hiers[i].mnt, "pflask");
			assert_true(is_dir(top));
			assert_false(is_dir(first->dirs.v[i]));
			assert_true(is_dir(second->dirs.v[i]));
		}
		must_remove(second);
		for (size_t i = 0; i < n_hiers; i++) {
			join(top, hiers[i].mnt, "pflask");
			assert_false(is_dir(second->dirs.v[i]));
			assert_gone_or_in_use(top);
		}
		pf_cgroup_clear(&a);
		pf_cgroup_clear(&b);
	}
}

/* Child cgroups the container made are listed, signalled and removed with it. */
static void test_child_cgroups(void **state)
{
	struct pf_cgroup cg = { 0 }, inner = { 0 };
	struct pf_error err = { 0 };
	char rel[96], rel_inner[128], deeper[PATH_MAX], top[PATH_MAX];
	pid_t p1, p2, *pids = NULL;
	size_t n = 0;
	int status;

	(void)state;
	need_cgroups();
	snprintf(rel, sizeof(rel), "%s/sig", unit);
	snprintf(rel_inner, sizeof(rel_inner), "%s/sig/inner", unit);
	must_create(rel, &cg);
	must_create(rel_inner, &inner); /* as the container would, cpuset filled */
	assert_int_equal(inner.created.n, n_hiers);
	for (size_t i = 0; i < inner.dirs.n; i++) {
		join(deeper, inner.dirs.v[i], "deeper");
		assert_int_equal(mkdir(deeper, 0755), 0);
	}
	p1 = sleeper();
	p2 = sleeper();
	if (pf_cgroup_add_pid(&cg, p1, &err) < 0 || pf_cgroup_add_pid(&inner, p2, &err) < 0)
		fail_msg("add_pid: %s", err.msg);

	assert_int_equal(pf_cgroup_pids(&cg, &pids, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(pids[0], p1 < p2 ? p1 : p2);
	assert_int_equal(pids[1], p1 < p2 ? p2 : p1);
	free(pids);

	/* not SIGKILL: every process is signalled by pid */
	assert_int_equal(pf_cgroup_signal_all(&cg, SIGTERM, &err), 0);
	assert_int_equal(waitpid(p1, &status, 0), p1);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
	assert_int_equal(waitpid(p2, &status, 0), p2);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
	assert_false(pf_cgroup_populated(&cg));

	must_remove(&cg);
	for (size_t i = 0; i < n_hiers; i++) {
		assert_false(is_dir(inner.dirs.v[i]));
		assert_false(is_dir(cg.dirs.v[i]));
		join(top, hiers[i].mnt, unit);
		assert_false(is_dir(top));
	}
	pf_cgroup_clear(&inner);
	pf_cgroup_clear(&cg);
}

/* A group whose process lives on cannot go: remove gives up after about a second, names the
 * directory, and leaves the cgroup whole; once the process is gone it succeeds. */
static void test_remove_busy(void **state)
{
	struct pf_cgroup cg = { 0 };
	struct pf_error err = { 0 };
	struct timespec t0, t1;
	char rel[96], msg[PATH_MAX + 64];
	double waited;
	pid_t pid;

	(void)state;
	need_cgroups();
	snprintf(rel, sizeof(rel), "%s/busy", unit);
	must_create(rel, &cg);
	pid = sleeper();
	if (pf_cgroup_add_pid(&cg, pid, &err) < 0)
		fail_msg("add_pid: %s", err.msg);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(pf_cgroup_remove(&cg, &err), -1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	waited = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	assert_true(waited > 0.9 && waited < 3.0);
	assert_int_equal(err.err, EBUSY);
	snprintf(msg, sizeof(msg), "cgroup: rmdir %s: Device or resource busy",
		 cg.dirs.v[cg.dirs.n - 1]);
	assert_string_equal(err.msg, msg);
	for (size_t i = 0; i < cg.dirs.n; i++)
		assert_true(procs_has(cg.dirs.v[i], pid));

	kill(pid, SIGKILL);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	must_remove(&cg);
	for (size_t i = 0; i < cg.dirs.n; i++)
		assert_false(is_dir(cg.dirs.v[i]));
	pf_cgroup_clear(&cg);
}

/* A container may be placed into an existing cgroup; it then is not its to remove. */
static void test_existing_leaf(void **state)
{
	struct pf_cgroup owner = { 0 }, guest = { 0 };
	char rel[96];

	(void)state;
	need_cgroups();
	snprintf(rel, sizeof(rel), "%s/keep", unit);
	must_create(rel, &owner);
	must_create(rel, &guest);
	assert_int_equal(guest.created.n, 0);
	assert_int_equal(guest.dirs.n, owner.dirs.n);
	for (size_t i = 0; i < guest.dirs.n; i++)
		assert_string_equal(guest.dirs.v[i], owner.dirs.v[i]);
	must_remove(&guest);
	for (size_t i = 0; i < owner.dirs.n; i++)
		assert_true(is_dir(owner.dirs.v[i]));
	must_remove(&owner);
	for (size_t i = 0; i < owner.dirs.n; i++)
		assert_false(is_dir(owner.dirs.v[i]));
	pf_cgroup_clear(&guest);
	pf_cgroup_clear(&owner);
}

/* A control file of the last hierarchy's groups that the first hierarchy's groups lack: as a
 * path component it is a directory everywhere but there, so create fails in the last one. */
static bool file_only_in_last(const struct pf_cgroup *probe, char *name, size_t size)
{
	DIR *d = opendir(probe->dirs.v[probe->dirs.n - 1]);
	struct dirent *e;
	char path[PATH_MAX];
	bool found = false;

	assert_non_null(d);
	while (!found && (e = readdir(d))) {
		if (e->d_type != DT_REG)
			continue;
		join(path, probe->dirs.v[0], e->d_name);
		if (access(path, F_OK) == 0)
			continue;
		snprintf(name, size, "%s", e->d_name);
		found = true;
	}
	closedir(d);
	return found;
}

static void test_create_failure_cleans_up(void **state)
{
	struct pf_cgroup probe = { 0 }, cg = { 0 };
	struct pf_error err = { 0 };
	char rel[96], bad[PATH_MAX], file[256], dir[PATH_MAX], msg[PATH_MAX + 64];

	(void)state;
	need_cgroups();
	snprintf(rel, sizeof(rel), "%s/probe", unit);
	must_create(rel, &probe);
	if (probe.dirs.n < 2 || !file_only_in_last(&probe, file, sizeof(file)))
		snprintf(file, sizeof(file), "cgroup.procs");
	snprintf(bad, sizeof(bad), "%s/%s/x", rel, file);

	assert_int_equal(pf_cgroup_create(bad, &cg, &err), -1);
	assert_int_equal(err.err, ENOTDIR);
	snprintf(dir, sizeof(dir), "%s/%s/x", probe.dirs.v[strcmp(file, "cgroup.procs") ? probe.dirs.n - 1 : 0], file);
	snprintf(msg, sizeof(msg), "cgroup: mkdir %s: Not a directory", dir);
	assert_string_equal(err.msg, msg);
	assert_int_equal(cg.dirs.n, 0);
	assert_int_equal(cg.created.n, 0);
	/* what it made in the hierarchies before the failing one is gone again */
	for (size_t i = 0; i < probe.dirs.n; i++) {
		join(dir, probe.dirs.v[i], file);
		assert_false(is_dir(dir));
		assert_true(is_dir(probe.dirs.v[i]));
	}

	/* a leaf that exists but is no directory */
	snprintf(bad, sizeof(bad), "%s/cgroup.procs", rel);
	assert_int_equal(pf_cgroup_create(bad, &cg, &err), -1);
	assert_int_equal(err.err, ENOTDIR);
	assert_non_null(strstr(err.msg, "exists and is not a directory"));
	assert_int_equal(cg.dirs.n, 0);

	must_remove(&probe);
	for (size_t i = 0; i < probe.dirs.n; i++)
		assert_false(is_dir(probe.dirs.v[i]));
	pf_cgroup_clear(&probe);
}

static void assert_same_file(const char *dir, const char *ref_dir, const char *file)
{
	char a[PATH_MAX], b[PATH_MAX], *x, *y;

	join(a, dir, file);
	join(b, ref_dir, file);
	x = read_all(a);
	y = read_all(b);
	assert_non_null(x);
	assert_non_null(y);
	assert_true(strlen(y) > 1);
	assert_string_equal(x, y);
	free(x);
	free(y);
}

static void test_cpuset_inherits(void **state)
{
	const struct hier *cs = NULL;
	struct pf_cgroup cg = { 0 };
	struct pf_error err = { 0 };
	char rel[96], dir[PATH_MAX];
	pid_t pid;
	int status;

	(void)state;
	need_cgroups();
	for (size_t i = 0; i < n_hiers; i++)
		if (hiers[i].cpuset)
			cs = &hiers[i];
	if (!cs) {
		print_message("# no cgroup v1 cpuset hierarchy on this host\n");
		skip();
	}
	snprintf(rel, sizeof(rel), "%s/cs/a", unit);
	must_create(rel, &cg);
	for (size_t i = 0; i < cg.created.n; i++) {
		if (strncmp(cg.created.v[i], cs->mnt, strlen(cs->mnt)) != 0 ||
		    cg.created.v[i][strlen(cs->mnt)] != '/')
			continue;
		assert_same_file(cg.created.v[i], cs->mnt, "cpuset.cpus");
		assert_same_file(cg.created.v[i], cs->mnt, "cpuset.mems");
	}
	join(dir, cs->mnt, rel);
	assert_true(strv_has(&cg.created, dir));

	pid = sleeper();
	if (pf_cgroup_add_pid(&cg, pid, &err) < 0) /* ENOSPC when cpus or mems are empty */
		fail_msg("add_pid: %s", err.msg);
	assert_true(procs_has(dir, pid));
	assert_int_equal(pf_cgroup_signal_all(&cg, SIGKILL, &err), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	must_remove(&cg);
	assert_false(is_dir(dir));
	pf_cgroup_clear(&cg);
}

/* Containers coming and going at once under pflask/: whoever removes the shared parent, a
 * create racing with it starts over instead of failing, and the last one out takes it away. */
static int churn(int worker)
{
	for (int round = 0; round < 25; round++) {
		struct pf_cgroup cg = { 0 };
		struct pf_error err = { 0 };
		char rel[128];

		snprintf(rel, sizeof(rel), "pflask/%sw%d", pfx, worker);
		if (pf_cgroup_create(rel, &cg, &err) < 0 || pf_cgroup_remove(&cg, &err) < 0) {
			fprintf(stderr, "# worker %d round %d: %s\n", worker, round, err.msg);
			pf_cgroup_clear(&cg);
			return 1;
		}
		pf_cgroup_clear(&cg);
	}
	return 0;
}

static void test_concurrent_containers(void **state)
{
	enum { WORKERS = 6 };
	pid_t pids[WORKERS];
	char top[PATH_MAX];
	int status, failed = 0;

	(void)state;
	need_cgroups();
	for (int i = 0; i < WORKERS; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0)
			_exit(churn(i));
	}
	/* all reaped before judging: the teardown must not pull cgroups from under a worker */
	for (int i = 0; i < WORKERS; i++) {
		if (waitpid(pids[i], &status, 0) != pids[i] || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0)
			failed++;
	}
	assert_int_equal(failed, 0);
	for (size_t i = 0; i < n_hiers; i++) {
		join(top, hiers[i].mnt, "pflask");
		assert_gone_or_in_use(top);
	}
}

/* ---- a v2-only host, simulated ------------------------------------------------------------ */

/* Runs in the forked child: reports the first problem on fd and returns non-zero. */
static int v2_only_scenario(int fd)
{
	struct pf_cgroup cg = { 0 };
	struct pf_error err = { 0 };
	char rel[96], dir[PATH_MAX], want[PATH_MAX + 1];
	pid_t pid;
	int status, rc = 1;

#define CHECK(cond, ...)                              \
	do {                                          \
		if (!(cond)) {                        \
			dprintf(fd, __VA_ARGS__);     \
			goto out;                     \
		}                                     \
	} while (0)

	snprintf(rel, sizeof(rel), "%s/v2/c", unit);
	snprintf(dir, sizeof(dir), "/sys/fs/cgroup/%s", rel);
	CHECK(pf_cgroup_create(rel, &cg, &err) == 0, "create: %s", err.msg);
	CHECK(cg.dirs.n == 1 && strcmp(cg.dirs.v[0], dir) == 0, "dirs: %zu, %s", cg.dirs.n,
	      cg.dirs.n ? cg.dirs.v[0] : "");
	CHECK(cg.created.n == 3, "created %zu dirs, not 3", cg.created.n);
	pid = fork();
	if (pid == 0) {
		for (;;)
			pause();
	}
	CHECK(pid > 0, "fork: %s", strerror(errno));
	CHECK(pf_cgroup_add_pid(&cg, pid, &err) == 0, "add_pid: %s", err.msg);
	snprintf(want, sizeof(want), "/%s", rel);
	CHECK(cgroup_lines_with(pid, want) == 1, "/proc/%d/cgroup does not show 0::%s", pid, want);
	CHECK(pf_cgroup_populated(&cg), "not populated");
	CHECK(pf_cgroup_signal_all(&cg, SIGKILL, &err) == 0, "signal_all: %s", err.msg);
	CHECK(waitpid(pid, &status, 0) == pid && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
	      "sleeper not killed");
	CHECK(pf_cgroup_remove(&cg, &err) == 0, "remove: %s", err.msg);
	snprintf(dir, sizeof(dir), "/sys/fs/cgroup/%s", unit);
	CHECK(!is_dir(dir), "%s left behind", dir);
	rc = 0;
out:
	pf_cgroup_clear(&cg);
	return rc;
#undef CHECK
}

static int enter_v2_only(int fd)
{
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		dprintf(fd, "private mount namespace: %s", strerror(errno));
		return 1;
	}
	if (umount2("/sys/fs/cgroup", MNT_DETACH) < 0 && errno != EINVAL) {
		dprintf(fd, "umount /sys/fs/cgroup: %s", strerror(errno));
		return 1;
	}
	if (mount("cgroup2", "/sys/fs/cgroup", "cgroup2", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0) {
		dprintf(fd, "mount cgroup2: %s", strerror(errno));
		return 77;
	}
	return 0;
}

static void test_v2_only_host(void **state)
{
	char msg[PF_ERROR_MAX] = "";
	int pipefd[2], status;
	ssize_t got;
	pid_t pid;

	(void)state;
	need_cgroups();
	assert_int_equal(pipe(pipefd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int rc;

		close(pipefd[0]);
		rc = enter_v2_only(pipefd[1]);
		_exit(rc ? rc : v2_only_scenario(pipefd[1]));
	}
	close(pipefd[1]);
	got = read(pipefd[0], msg, sizeof(msg) - 1);
	msg[got > 0 ? got : 0] = '\0';
	close(pipefd[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == 77) {
		print_message("# %s\n", msg);
		skip();
	}
	if (WEXITSTATUS(status) != 0)
		fail_msg("v2-only child: %s", msg);
}

static int group_setup(void **state)
{
	(void)state;
	snprintf(unit, sizeof(unit), "pflask-unit-%d", (int)getpid());
	snprintf(pfx, sizeof(pfx), "unit-%d-", (int)getpid());
	find_hierarchies();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path_rules),
		cmocka_unit_test(test_create_needs_a_normal_relative_path),
		cmocka_unit_test_teardown(test_lifecycle, scrub),
		cmocka_unit_test_teardown(test_shared_parent, scrub),
		cmocka_unit_test_teardown(test_child_cgroups, scrub),
		cmocka_unit_test_teardown(test_remove_busy, scrub),
		cmocka_unit_test_teardown(test_existing_leaf, scrub),
		cmocka_unit_test_teardown(test_create_failure_cleans_up, scrub),
		cmocka_unit_test_teardown(test_cpuset_inherits, scrub),
		cmocka_unit_test_teardown(test_concurrent_containers, scrub),
		cmocka_unit_test_teardown(test_v2_only_host, scrub),
	};

	return cmocka_run_group_tests_name("cgroup", tests, group_setup, scrub);
}
