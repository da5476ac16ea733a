/* Cgroup placement (see cgroup.h). Every hierarchy is handled alike — one directory each, a pid
 * written to its cgroup.procs — so v1, v2 and hybrid hosts differ only in how many directories
 * there are, plus two quirks: a new v1 cpuset group is empty and refuses tasks until given cpus
 * and mems, and v2 groups can be killed whole through cgroup.kill. */
#include "runtime/cgroup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "bundle/cleanup.h"
#include "bundle/reflect.h"
#include "bundle/validate.h"

/* Where default cgroups live (pflask/<id>), shared by all containers; see pf_cgroup.created. */
#define TOP "pflask"
/* Child cgroups nested deeper than this below the container's are refused, not walked. */
#define MAX_DEPTH 64
/* Bound on one cgroup file (cgroup.procs): far above any real number of processes. */
#define MAX_READ (64u << 20)
/* Passes of mkdir -p when another pflask keeps removing the shared parent under us. */
#define MKDIR_PASSES 16
/* pf_cgroup_remove waits this long in all for exiting tasks to leave, polling. */
#define REMOVE_WAIT_NS 1000000000L
#define REMOVE_POLL_NS 10000000L

/* PF_VEC for pf_vec_push_raw, whose layout includes the unused `set`. */
// cppcheck-suppress unusedStructMember
typedef PF_VEC(pid_t) pid_vec;

static void pid_vec_free(pid_vec *v)
{
	free(v->v);
}

struct hierarchy {
	char *mnt;     /* mount point */
	dev_t dev;     /* one per hierarchy, so a second mount of it is recognised */
	bool whole;    /* the mount shows the whole hierarchy (mountinfo root "/") */
	bool cpuset;   /* v1 cpuset */
};
// cppcheck-suppress unusedStructMember
typedef PF_VEC(struct hierarchy) hierarchy_vec;

static void hierarchies_clear(hierarchy_vec *hs)
{
	for (size_t i = 0; i < hs->n; i++)
		free(hs->v[i].mnt);
	free(hs->v);
}

#define _cleanup_hierarchies_ __attribute__((cleanup(hierarchies_clear)))
#define _cleanup_pid_vec_ __attribute__((cleanup(pid_vec_free)))

/* ---- small file helpers ---------------------------------------------------------------- */

static int path_join(char out[PATH_MAX], const char *a, const char *b, struct pf_error *err)
{
	int n = snprintf(out, PATH_MAX, "%s/%s", a, b);

	if (n < 0 || n >= PATH_MAX)
		return pf_fail(err, ENAMETOOLONG, "%s/%s: path too long", a, b);
	return 0;
}

/* Reads a whole cgroup file. The kernel generates it while we read, so stat() tells no size. */
static int read_text(const char *path, char **out, struct pf_error *err)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	_cleanup_free_ char *buf = NULL;
	size_t have = 0, cap = 0;

	if (fd < 0)
		return pf_fail_errno(err, errno, "open %s", path);
	for (;;) {
		ssize_t n;

		if (cap - have < 2) {
			char *grown;

			if (cap >= MAX_READ)
				return pf_fail(err, EFBIG, "read %s: too large", path);
			cap = cap ? cap * 2 : 4096;
			grown = realloc(buf, cap);
			if (!grown)
				return pf_fail_errno(err, ENOMEM, "read %s", path);
			buf = grown;
		}
		n = read(fd, buf + have, cap - have - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return pf_fail_errno(err, errno, "read %s", path);
		if (n == 0)
			break;
		have += (size_t)n;
	}
	buf[have] = '\0';
	*out = pf_steal_ptr(&buf);
	return 0;
}

/* A cgroup file takes one value per write(2), so the value goes in a single call. */
static int write_text(const char *path, const char *s, struct pf_error *err)
{
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
	size_t len = strlen(s);
	ssize_t n;

	if (fd < 0)
		return pf_fail_errno(err, errno, "open %s", path);
	do
		n = write(fd, s, len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return pf_fail_errno(err, errno, "write %s", path);
	if ((size_t)n != len)
		return pf_fail(err, EIO, "write %s: short write", path);
	return 0;
}

static bool blank(const char *s)
{
	return s[strspn(s, " \t\n")] == '\0';
}

static bool strv_has(const pf_strv *v, const char *s)
{
	for (size_t i = 0; i < v->n; i++)
		if (strcmp(v->v[i], s) == 0)
			return true;
	return false;
}

/* kernfs fills d_type; the fallback only matters on an unusual filesystem. */
static bool is_subdir(DIR *d, const struct dirent *e)
{
	struct stat st;

	if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
		return false;
	if (e->d_type != DT_UNKNOWN)
		return e->d_type == DT_DIR;
	return fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
}

/* ---- the relative path ----------------------------------------------------------------- */

/* Writes the components of in to out ("a/b"), dropping empty and "." ones; -1 on "..". out
 * has room for strlen(in) + 1 bytes. */
static int normalize(const char *in, char *out)
{
	size_t o = 0;

	for (const char *p = in; *p;) {
		const char *end = strchrnul(p, '/');
		size_t len = (size_t)(end - p);

		if (len == 2 && p[0] == '.' && p[1] == '.')
			return -1;
		if (len && !(len == 1 && p[0] == '.')) {
			if (o)
				out[o++] = '/';
			memcpy(out + o, p, len);
			o += len;
		}
		p = *end ? end + 1 : end;
	}
	out[o] = '\0';
	return 0;
}

/* systemd's driver takes "slice:prefix:name", never a path. */
static bool systemd_form(const char *s)
{
	size_t colons = 0;

	if (strchr(s, '/'))
		return false;
	for (; *s; s++)
		colons += *s == ':';
	return colons == 2;
}

static int default_path(const char *id, char **out, struct pf_error *err)
{
	if (!id || !*id || strchr(id, '/') || strcmp(id, ".") == 0 || strcmp(id, "..") == 0) {
		char q[PF_QUOTE_MAX];

		return pf_fail(err, EINVAL, "cgroup: container id %s cannot name a cgroup",
			       pf_quote(q, sizeof(q), id ? id : ""));
	}
	if (asprintf(out, "%s/%s", TOP, id) < 0) {
		*out = NULL;
		return pf_fail_errno(err, ENOMEM, "cgroup: path");
	}
	return 0;
}

int pf_cgroup_path(const char *cgroups_path, const char *id, char **out, struct pf_error *err)
{
	_cleanup_free_ char *rel = NULL;
	char q[PF_QUOTE_MAX];

	if (!cgroups_path || !*cgroups_path)
		return default_path(id, out, err);
	pf_quote(q, sizeof(q), cgroups_path);
	if (systemd_form(cgroups_path))
		return pf_fail(err, EINVAL, "linux.cgroupsPath: %s: systemd cgroup paths need "
			       "--systemd-cgroup, which is not supported", q);
	rel = malloc(strlen(cgroups_path) + 1);
	if (!rel)
		return pf_fail_errno(err, ENOMEM, "linux.cgroupsPath");
	if (normalize(cgroups_path, rel) < 0)
		return pf_fail(err, EINVAL, "linux.cgroupsPath: %s: must not contain \"..\"", q);
	if (!*rel)
		return pf_fail(err, EINVAL, "linux.cgroupsPath: %s: names no cgroup below the root", q);
	*out = pf_steal_ptr(&rel);
	return 0;
}

/* create() computes directory names by offsets into rel, which needs the normalized form. */
static int check_rel(const char *rel, struct pf_error *err)
{
	_cleanup_free_ char *norm = rel ? malloc(strlen(rel) + 1) : NULL;
	char q[PF_QUOTE_MAX];

	if (rel && !norm)
		return pf_fail_errno(err, ENOMEM, "cgroup");
	if (rel && *rel && rel[0] != '/' && normalize(rel, norm) == 0 && strcmp(norm, rel) == 0)
		return 0;
	return pf_fail(err, EINVAL, "cgroup: %s is not a relative path as pf_cgroup_path makes",
		       pf_quote(q, sizeof(q), rel ? rel : ""));
}

/* ---- hierarchies ----------------------------------------------------------------------- */

struct mountinfo {
	unsigned major, minor;
	char *root, *mnt, *fstype, *super;
};

/* mountinfo writes space, tab, newline and backslash in paths as \ooo. */
static void unescape(char *s)
{
	char *o = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*o++ = (char)(((s[1] - '0') << 6) | ((s[2] - '0') << 3) | (s[3] - '0'));
			s += 3;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

/* "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime shared:9 - cgroup cgroup rw,memory":
 * optional fields sit between the mount options and "-". Splits line in place. */
static bool mountinfo_parse(char *line, struct mountinfo *m)
{
	char *save = NULL, *f[6], *tok;

	line[strcspn(line, "\n")] = '\0';
	for (int i = 0; i < 6; i++) {
		f[i] = strtok_r(i ? NULL : line, " ", &save);
		if (!f[i])
			return false;
	}
	if (sscanf(f[2], "%u:%u", &m->major, &m->minor) != 2)
		return false;
	do
		tok = strtok_r(NULL, " ", &save);
	while (tok && strcmp(tok, "-") != 0);
	if (!tok)
		return false;
	m->fstype = strtok_r(NULL, " ", &save);
	tok = strtok_r(NULL, " ", &save); /* source */
	m->super = strtok_r(NULL, " ", &save);
	m->root = f[3];
	m->mnt = f[4];
	unescape(m->root);
	unescape(m->mnt);
	return m->fstype && tok && m->super;
}

static bool has_option(const char *opts, const char *name)
{
	size_t len = strlen(name);

	for (const char *p = opts;;) {
		const char *end = strchrnul(p, ',');

		if ((size_t)(end - p) == len && strncmp(p, name, len) == 0)
			return true;
		if (!*end)
			return false;
		p = end + 1;
	}
}

static int hierarchy_set_mount(struct hierarchy *h, const struct mountinfo *m,
			       struct pf_error *err)
{
	char *mnt = strdup(m->mnt);

	if (!mnt)
		return pf_fail_errno(err, ENOMEM, "read /proc/self/mountinfo");
	free(h->mnt);
	h->mnt = mnt;
	h->whole = strcmp(m->root, "/") == 0;
	return 0;
}

static int hierarchy_add(hierarchy_vec *hs, const struct mountinfo *m, bool v2,
			 struct pf_error *err)
{
	dev_t dev = makedev(m->major, m->minor);
	struct hierarchy *h;
	struct stat st;

	/* A mount covered by a later one (say cgroup2 mounted over the v1 tmpfs) is still listed,
	 * but its path now leads elsewhere. */
	if (stat(m->mnt, &st) < 0 || st.st_dev != dev)
		return 0;
	for (size_t i = 0; i < hs->n; i++) {
		if (hs->v[i].dev != dev)
			continue;
		/* Mounted twice: prefer a mount of the whole hierarchy over a bind of a subtree. */
		if (!hs->v[i].whole && strcmp(m->root, "/") == 0)
			return hierarchy_set_mount(&hs->v[i], m, err);
		return 0;
	}
	h = PF_VEC_PUSH(hs);
	if (!h)
		return pf_fail_errno(err, ENOMEM, "read /proc/self/mountinfo");
	h->dev = dev;
	h->cpuset = !v2 && has_option(m->super, "cpuset");
	return hierarchy_set_mount(h, m, err);
}

static int hierarchies_find(hierarchy_vec *hs, struct pf_error *err)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
	_cleanup_free_ char *line = NULL;
	size_t cap = 0;

	if (!f)
		return pf_fail_errno(err, errno, "open /proc/self/mountinfo");
	while (getline(&line, &cap, f) >= 0) {
		struct mountinfo m;
		bool v2;

		if (!mountinfo_parse(line, &m))
			continue;
		v2 = strcmp(m.fstype, "cgroup2") == 0;
		if ((v2 || strcmp(m.fstype, "cgroup") == 0) && hierarchy_add(hs, &m, v2, err) < 0)
			return -1;
	}
	if (ferror(f))
		return pf_fail(err, EIO, "read /proc/self/mountinfo: read error");
	if (!hs->n)
		return pf_fail(err, ENOENT, "no cgroup or cgroup2 filesystem is mounted");
	return 0;
}

/* ---- create ---------------------------------------------------------------------------- */

/* Calls fn for each directory from mnt/<first component> down to mnt/rel; stops at the first
 * non-zero result and returns it. */
typedef int (*level_fn)(const char *dir, size_t depth, bool leaf, void *ctx,
			struct pf_error *err);

static int each_level(const char *mnt, const char *rel, level_fn fn, void *ctx,
		      struct pf_error *err)
{
	char path[PATH_MAX];
	size_t base = strlen(mnt) + 1, depth = 0;

	if (path_join(path, mnt, rel, err) < 0)
		return -1;
	for (const char *p = rel; *p; depth++) {
		const char *end = strchrnul(p, '/');
		size_t stop = base + (size_t)(end - rel);
		char saved = path[stop];
		int r;

		path[stop] = '\0';
		r = fn(path, depth, !*end, ctx, err);
		path[stop] = saved;
		if (r)
			return r;
		p = *end ? end + 1 : end;
	}
	return 0;
}

/* Noted once, even when a later pass of mkdir -p makes it again. */
static int record(pf_strv *created, const char *dir, struct pf_error *err)
{
	if (strv_has(created, dir) || pf_strv_push(created, dir) == 0)
		return 0;
	return pf_fail_errno(err, ENOMEM, "mkdir %s", dir);
}

/* One level of mkdir -p. Returns 1 when the parent vanished (ENOENT) or is being removed
 * (ENODEV): another pflask removed the shared top directory it had found empty, and the
 * caller starts over. */
static int make_level(const char *dir, size_t depth, bool leaf, void *ctx, struct pf_error *err)
{
	pf_strv *created = ctx;
	struct stat st;

	if (mkdir(dir, 0755) == 0)
		return record(created, dir, err);
	if ((errno == ENOENT || errno == ENODEV) && depth > 0)
		return 1;
	if (errno != EEXIST)
		return pf_fail_errno(err, errno, "mkdir %s", dir);
	if (leaf) {
		/* Joining an existing cgroup is allowed (runc allows it too); it stays someone
		 * else's, so it is not recorded. */
		if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
			return 0;
		return pf_fail(err, ENOTDIR, "mkdir %s: exists and is not a directory", dir);
	}
	/* The shared top belongs to all containers: whichever is removed last takes it away. */
	if (depth == 0 && strcmp(strrchr(dir, '/') + 1, TOP) == 0)
		return record(created, dir, err);
	return 0;
}

/* Copies file from dir's parent when dir's own is empty. */
static int cpuset_copy(const char *dir, const char *file, struct pf_error *err)
{
	_cleanup_free_ char *mine = NULL, *parents = NULL;
	char path[PATH_MAX], parent_path[PATH_MAX];
	int parent_len = (int)(strrchr(dir, '/') - dir);
	int n = snprintf(parent_path, sizeof(parent_path), "%.*s/%s", parent_len, dir, file);

	if (n < 0 || n >= (int)sizeof(parent_path))
		return pf_fail(err, ENAMETOOLONG, "%s: path too long", dir);
	if (path_join(path, dir, file, err) < 0 || read_text(path, &mine, err) < 0)
		return -1;
	if (!blank(mine))
		return 0;
	if (read_text(parent_path, &parents, err) < 0)
		return -1;
	return blank(parents) ? 0 : write_text(path, parents, err);
}

/* A new v1 cpuset group starts with empty cpuset.cpus and cpuset.mems and refuses tasks
 * (ENOSPC) until both are set. Every level is filled top down, not only those we made: a
 * shared parent another pflask has just made may not be filled yet. */
static int cpuset_level(const char *dir, size_t depth, bool leaf, void *ctx,
			struct pf_error *err)
{
	(void)depth;
	(void)leaf;
	(void)ctx;
	if (cpuset_copy(dir, "cpuset.cpus", err) < 0 || cpuset_copy(dir, "cpuset.mems", err) < 0)
		return -1;
	return 0;
}

static int create_in(const struct hierarchy *h, const char *rel, struct pf_cgroup *cg,
		     struct pf_error *err)
{
	char dir[PATH_MAX];
	int r = 1;

	if (path_join(dir, h->mnt, rel, err) < 0)
		return -1;
	for (int pass = 0; r == 1 && pass < MKDIR_PASSES; pass++)
		r = each_level(h->mnt, rel, make_level, &cg->created, err);
	if (r == 1)
		return pf_fail(err, ENOENT, "mkdir %s: its parents keep being removed", dir);
	if (r < 0)
		return -1;
	if (pf_strv_push(&cg->dirs, dir) < 0)
		return pf_fail_errno(err, ENOMEM, "mkdir %s", dir);
	return h->cpuset ? each_level(h->mnt, rel, cpuset_level, NULL, err) : 0;
}

int pf_cgroup_create(const char *rel_path, struct pf_cgroup *cg, struct pf_error *err)
{
	_cleanup_hierarchies_ hierarchy_vec hs = {0};

	if (check_rel(rel_path, err) < 0)
		return -1;
	if (hierarchies_find(&hs, err) < 0)
		return pf_error_prefix(err, "cgroup");
	/* v2: no controller is enabled here; cgroup_resources.c will do it for what it sets. */
	for (size_t i = 0; i < hs.n; i++) {
		if (create_in(&hs.v[i], rel_path, cg, err) == 0)
			continue;
		pf_cgroup_remove(cg, NULL);
		pf_cgroup_clear(cg);
		return pf_error_prefix(err, "cgroup");
	}
	return 0;
}

/* The leaf is adopted as if made here; the shared top too, so it goes when it empties. */
static int adopt_in(const struct hierarchy *h, const char *rel, struct pf_cgroup *cg,
		    struct pf_error *err)
{
	char dir[PATH_MAX], top[PATH_MAX];
	struct stat st;

	if (path_join(dir, h->mnt, rel, err) < 0)
		return -1;
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
		return 0;
	if (strncmp(rel, TOP "/", sizeof(TOP)) == 0 &&
	    (path_join(top, h->mnt, TOP, err) < 0 || record(&cg->created, top, err) < 0))
		return -1;
	if (record(&cg->created, dir, err) < 0 || pf_strv_push(&cg->dirs, dir) < 0)
		return pf_fail_errno(err, ENOMEM, "cgroup %s", dir);
	return 0;
}

int pf_cgroup_adopt(const char *rel_path, struct pf_cgroup *cg, struct pf_error *err)
{
	_cleanup_hierarchies_ hierarchy_vec hs = {0};

	if (check_rel(rel_path, err) < 0)
		return -1;
	if (hierarchies_find(&hs, err) < 0)
		return pf_error_prefix(err, "cgroup");
	for (size_t i = 0; i < hs.n; i++)
		if (adopt_in(&hs.v[i], rel_path, cg, err) < 0) {
			pf_cgroup_clear(cg);
			return pf_error_prefix(err, "cgroup");
		}
	return 0;
}

/* One level of the plan: what make_level would record, were it to run now. */
static int plan_level(const char *dir, size_t depth, bool leaf, void *ctx, struct pf_error *err)
{
	(void)leaf;
	if (access(dir, F_OK) < 0 && errno == ENOENT)
		return record(ctx, dir, err);
	if (depth == 0 && strcmp(strrchr(dir, '/') + 1, TOP) == 0)
		return record(ctx, dir, err);
	return 0;
}

static int plan_in(const struct hierarchy *h, const char *rel, struct pf_cgroup *cg,
		   struct pf_error *err)
{
	char dir[PATH_MAX];

	if (path_join(dir, h->mnt, rel, err) < 0 ||
	    each_level(h->mnt, rel, plan_level, &cg->created, err) < 0)
		return -1;
	if (pf_strv_push(&cg->dirs, dir) < 0)
		return pf_fail_errno(err, ENOMEM, "cgroup %s", dir);
	return 0;
}

int pf_cgroup_plan(const char *rel_path, struct pf_cgroup *cg, struct pf_error *err)
{
	_cleanup_hierarchies_ hierarchy_vec hs = {0};

	if (check_rel(rel_path, err) < 0)
		return -1;
	if (hierarchies_find(&hs, err) < 0)
		return pf_error_prefix(err, "cgroup");
	for (size_t i = 0; i < hs.n; i++)
		if (plan_in(&hs.v[i], rel_path, cg, err) < 0) {
			pf_cgroup_clear(cg);
			return pf_error_prefix(err, "cgroup");
		}
	return 0;
}

int pf_cgroup_add_pid(const struct pf_cgroup *cg, pid_t pid, struct pf_error *err)
{
	char path[PATH_MAX], value[32];

	snprintf(value, sizeof(value), "%d", (int)pid);
	for (size_t i = 0; i < cg->dirs.n; i++)
		if (path_join(path, cg->dirs.v[i], "cgroup.procs", err) < 0 ||
		    write_text(path, value, err) < 0)
			return pf_error_prefix(err, "cgroup: add pid %d", (int)pid);
	return 0;
}

/* ---- processes ------------------------------------------------------------------------- */

/* Called for each pid: 0 goes on, 1 stops the walk, -1 is out of memory. */
typedef int (*pid_fn)(pid_t pid, void *ctx);

static int procs_parse(const char *path, const char *text, pid_fn fn, void *ctx,
		       struct pf_error *err)
{
	for (const char *p = text; *(p += strspn(p, " \n"));) {
		char *end;
		long v;

		errno = 0;
		v = strtol(p, &end, 10);
		if (end == p || errno || v < 0 || v > INT_MAX)
			return pf_fail(err, EINVAL, "read %s: not a list of pids", path);
		p = end;
		/* A process outside our pid namespace reads as 0; kill(0) would hit our group. */
		if (v == 0)
			continue;
		switch (fn((pid_t)v, ctx)) {
		case 0:
			break;
		case 1:
			return 1;
		default:
			return pf_fail_errno(err, ENOMEM, "read %s", path);
		}
	}
	return 0;
}

/* Calls fn for the pids in dir and in its child cgroups. A group that is gone (already
 * removed, or removed while we walk) holds nothing. */
static int procs_walk(const char *dir, int depth, pid_fn fn, void *ctx, struct pf_error *err)
{
	_cleanup_closedir_ DIR *d = opendir(dir);
	_cleanup_free_ char *text = NULL;
	char path[PATH_MAX];
	struct dirent *e;
	int r;

	if (!d)
		return errno == ENOENT ? 0 : pf_fail_errno(err, errno, "open %s", dir);
	if (depth > MAX_DEPTH)
		return pf_fail(err, ELOOP, "%s: child cgroups nested too deep", dir);
	if (path_join(path, dir, "cgroup.procs", err) < 0)
		return -1;
	if (read_text(path, &text, err) < 0)
		return err->err == ENOENT || err->err == ENODEV ? 0 : -1;
	r = procs_parse(path, text, fn, ctx, err);
	if (r)
		return r;
	while ((e = readdir(d))) {
		if (!is_subdir(d, e))
			continue;
		if (path_join(path, dir, e->d_name, err) < 0)
			return -1;
		r = procs_walk(path, depth + 1, fn, ctx, err);
		if (r)
			return r;
	}
	return 0;
}

static int collect(pid_t pid, void *ctx)
{
	pid_t *slot = PF_VEC_PUSH((pid_vec *)ctx);

	if (!slot)
		return -1;
	*slot = pid;
	return 0;
}

static int pid_cmp(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

int pf_cgroup_pids(const struct pf_cgroup *cg, pid_t **pids, size_t *n, struct pf_error *err)
{
	_cleanup_pid_vec_ pid_vec v = {0};
	struct pf_error scratch;
	size_t unique = 0;

	if (!err)
		err = &scratch;
	for (size_t i = 0; i < cg->dirs.n; i++)
		if (procs_walk(cg->dirs.v[i], 0, collect, &v, err) < 0)
			return pf_error_prefix(err, "cgroup: list processes");
	/* Each hierarchy lists the same processes again, and v1 may repeat one in a file. */
	if (v.n)
		qsort(v.v, v.n, sizeof(*v.v), pid_cmp);
	for (size_t i = 0; i < v.n; i++)
		if (!unique || v.v[unique - 1] != v.v[i])
			v.v[unique++] = v.v[i];
	*n = unique;
	*pids = unique ? pf_steal_ptr(&v.v) : NULL;
	return 0;
}

static int found(pid_t pid, void *ctx)
{
	(void)pid;
	*(bool *)ctx = true;
	return 1;
}

bool pf_cgroup_populated(const struct pf_cgroup *cg)
{
	struct pf_error err;
	bool any = false;

	for (size_t i = 0; i < cg->dirs.n && !any; i++)
		if (procs_walk(cg->dirs.v[i], 0, found, &any, &err) < 0)
			return true;
	return any;
}

/* cgroup.kill (v2, Linux 5.14) kills the whole subtree at once, forks in flight included. v1
 * groups and older kernels have no such file. */
static int kill_file(const char *dir, struct pf_error *err)
{
	char path[PATH_MAX];

	if (path_join(path, dir, "cgroup.kill", err) < 0)
		return -1;
	if (write_text(path, "1", err) < 0)
		return err->err == ENOENT ? 0 : -1;
	return 0;
}

int pf_cgroup_signal_all(const struct pf_cgroup *cg, int sig, struct pf_error *err)
{
	_cleanup_free_ pid_t *pids = NULL;
	struct pf_error scratch;
	pid_t self = getpid();
	bool self_inside = false;
	size_t n = 0;

	if (!err)
		err = &scratch;
	if (pf_cgroup_pids(cg, &pids, &n, err) < 0)
		return -1;
	/* Placed into an existing cgroup that holds the runtime itself, it must not kill itself
	 * halfway; cgroup.kill cannot spare anyone. */
	for (size_t i = 0; i < n; i++)
		self_inside |= pids[i] == self;
	if (sig == SIGKILL && !self_inside)
		for (size_t i = 0; i < cg->dirs.n; i++)
			if (kill_file(cg->dirs.v[i], err) < 0)
				return pf_error_prefix(err, "cgroup");
	for (size_t i = 0; i < n; i++)
		if (pids[i] != self && kill(pids[i], sig) < 0 && errno != ESRCH)
			return pf_fail_errno(err, errno, "cgroup: kill %d", (int)pids[i]);
	return 0;
}

/* ---- remove ---------------------------------------------------------------------------- */

static void deadline_after(struct timespec *t, long ns)
{
	clock_gettime(CLOCK_MONOTONIC, t);
	t->tv_nsec += ns;
	t->tv_sec += t->tv_nsec / 1000000000L;
	t->tv_nsec %= 1000000000L;
}

static bool past(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > t->tv_sec || (now.tv_sec == t->tv_sec && now.tv_nsec >= t->tv_nsec);
}

/* The kernel keeps a group busy for a moment after its last tasks were killed and reaped;
 * rmdir is retried until the deadline (at least once). */
static int rmdir_wait(const char *dir, const struct timespec *deadline, struct pf_error *err)
{
	const struct timespec poll = {0, REMOVE_POLL_NS};

	for (;;) {
		if (rmdir(dir) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY || past(deadline))
			return pf_fail_errno(err, errno, "rmdir %s", dir);
		nanosleep(&poll, NULL);
	}
}

/* dir and the child cgroups the container made below it, deepest first. */
static int remove_tree(const char *dir, int depth, const struct timespec *deadline,
		       struct pf_error *err)
{
	_cleanup_closedir_ DIR *d = opendir(dir);
	char path[PATH_MAX];
	struct dirent *e;

	if (!d)
		return errno == ENOENT ? 0 : pf_fail_errno(err, errno, "open %s", dir);
	if (depth > MAX_DEPTH)
		return pf_fail(err, ELOOP, "%s: child cgroups nested too deep", dir);
	while ((e = readdir(d))) {
		if (!is_subdir(d, e))
			continue;
		if (path_join(path, dir, e->d_name, err) < 0 ||
		    remove_tree(path, depth + 1, deadline, err) < 0)
			return -1;
	}
	return rmdir_wait(dir, deadline, err);
}

/* A parent we made may hold other containers' cgroups by now (EBUSY on cgroupfs): kept. */
static int remove_if_unused(const char *dir, struct pf_error *err)
{
	if (rmdir(dir) == 0 || errno == ENOENT || errno == EBUSY || errno == ENOTEMPTY)
		return 0;
	return pf_fail_errno(err, errno, "rmdir %s", dir);
}

int pf_cgroup_remove(const struct pf_cgroup *cg, struct pf_error *err)
{
	struct pf_error later;
	struct timespec deadline;
	int rc = 0;

	/* One deadline for all: the first busy group absorbs the wait for the dying tasks, which
	 * are in every hierarchy at once. */
	deadline_after(&deadline, REMOVE_WAIT_NS);
	for (size_t i = cg->created.n; i-- > 0;) {
		const char *dir = cg->created.v[i];
		struct pf_error *e = rc ? &later : err;
		int r = strv_has(&cg->dirs, dir) ? remove_tree(dir, 0, &deadline, e)
						 : remove_if_unused(dir, e);

		if (r < 0 && rc == 0)
			rc = pf_error_prefix(err, "cgroup");
	}
	return rc;
}

void pf_cgroup_clear(struct pf_cgroup *cg)
{
	pf_strv_clear(&cg->dirs);
	pf_strv_clear(&cg->created);
}
