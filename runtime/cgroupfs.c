/* A mount of type "cgroup", as runc does it. On a unified (v2) host: cgroup2, or a bind of the
 * host's /sys/fs/cgroup where cgroup2 may not be mounted (a user namespace without a cgroup
 * namespace). On a v1 or hybrid host a plain "cgroup" mount would try to gather every
 * controller in one hierarchy and fail: instead a tmpfs gets one mount per v1 hierarchy of
 * the host (fresh in a cgroup namespace, else a bind of our own cgroup), plus a symlink per
 * controller of a merged hierarchy ("cpu" -> "cpu,cpuacct"). The tmpfs itself stays writable,
 * as runc leaves it, even when the mount asks for "ro" (its hierarchies are read-only). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "bundle/cleanup.h"
#include "runtime/mount_internal.h"

#define CGROUP_ROOT "/sys/fs/cgroup"
#define CG_FLAGS (MS_NOSUID | MS_NODEV | MS_NOEXEC)

struct hierarchy {
	const char *mountpoint;  /* on the host */
	char subsys[256];        /* "cpu,cpuacct", "name=systemd" */
};

static char *read_all(const char *path)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t len = 0, cap = 0;
	size_t n;

	if (!f)
		return NULL;
	do {
		if (cap - len < 4096) {
			char *p = realloc(buf, cap + 65536);

			if (!p) {
				free(buf);
				return NULL;
			}
			buf = p;
			cap += 65536;
		}
		n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
	} while (n > 0);
	buf[len] = '\0';
	return buf;
}

static bool is_controller(const char *cgroups, const char *name, size_t len)
{
	for (const char *l = cgroups; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (strncmp(l, name, len) == 0 && (l[len] == '\t' || l[len] == ' '))
			return true;
	return false;
}

/* The super options minus the flags: the controllers and name= of the hierarchy. */
static void subsys_of(const char *opts, const char *cgroups, struct hierarchy *h)
{
	size_t o = 0;

	h->subsys[0] = '\0';
	while (*opts) {
		size_t n = strcspn(opts, ",");

		if ((strncmp(opts, "name=", 5) == 0 || is_controller(cgroups, opts, n)) &&
		    o + n + 2 < sizeof(h->subsys)) {
			if (o)
				h->subsys[o++] = ',';
			memcpy(h->subsys + o, opts, n);
			o += n;
			h->subsys[o] = '\0';
		}
		opts += n + (opts[n] == ',');
	}
}

/* One mountinfo line, split in place: returns true for a v1 hierarchy under /sys/fs/cgroup. */
static bool parse_line(char *line, const char *cgroups, struct hierarchy *h)
{
	char *sep = strstr(line, " - "), *f[5], *save = NULL, *type, *opts;

	if (!sep)
		return false;
	*sep = '\0';
	f[0] = strtok_r(line, " ", &save);
	for (int i = 1; i < 5 && f[i - 1]; i++)
		f[i] = strtok_r(NULL, " ", &save);
	type = strtok_r(sep + 3, " ", &save);
	opts = strtok_r(NULL, " ", &save) ? strtok_r(NULL, " \n", &save) : NULL;
	if (!f[0] || !f[4] || !type || !opts || strcmp(type, "cgroup") != 0)
		return false;
	if (strncmp(f[4], CGROUP_ROOT "/", sizeof(CGROUP_ROOT)) != 0 ||
	    strchr(f[4] + sizeof(CGROUP_ROOT), '/') || strchr(f[4], '\\'))
		return false;
	h->mountpoint = f[4];
	subsys_of(opts, cgroups, h);
	return h->subsys[0] != '\0';
}

/* Our own cgroup in that hierarchy, from /proc/self/cgroup ("4:cpu,cpuacct:/a/b"). */
static int own_path(const struct hierarchy *h, char *out, size_t size)
{
	_cleanup_free_ char *text = read_all("/proc/self/cgroup");
	size_t n = strlen(h->subsys);

	for (char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		char *c = strchr(l, ':');

		if (c && strncmp(c + 1, h->subsys, n) == 0 && c[1 + n] == ':') {
			int w = snprintf(out, size, "%s%.*s", h->mountpoint,
					 (int)strcspn(c + 2 + n, "\n"), c + 2 + n);

			return w < 0 || (size_t)w >= size ? -1 : 0;
		}
	}
	return snprintf(out, size, "%s", h->mountpoint) < (int)size ? 0 : -1;
}

static int bind_hierarchy(const struct hierarchy *h, int target, unsigned long flags,
			  struct pf_error *err)
{
	struct pf_mount_op op = { .flags = flags, .bind = true, .recursive = true };
	char src[PATH_MAX];
	_cleanup_close_ int tree = -1;

	if (own_path(h, src, sizeof(src)) < 0)
		return pf_fail(err, ENAMETOOLONG, "cgroup %s: path too long", h->subsys);
	tree = open_tree(AT_FDCWD, src, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
	if (tree < 0 || pf_attach_tree(tree, target) < 0)
		return pf_fail_errno(err, errno, "bind %s", src);
	return pf_bind_set_flags(tree, &op, err);
}

static int mount_hierarchy(int root_fd, const struct pf_mount_plan *plan,
			   const struct pf_mount_op *op, int tmpfs, const struct hierarchy *h,
			   struct pf_error *err)
{
	const char *name = strrchr(h->mountpoint, '/') + 1;
	unsigned long flags = CG_FLAGS | (op->flags & MS_RDONLY);
	_cleanup_free_ char *dest = NULL;
	_cleanup_close_ int target = -1;
	int rc = -1;

	if (asprintf(&dest, "%s/%s", op->dest, name) < 0)
		return pf_fail(err, ENOMEM, "out of memory");
	target = pf_open_in_root(root_fd, dest, true, false, O_PATH | O_DIRECTORY, err);
	if (target < 0)
		return -1;
	if (plan->cgroupns) {
		/* runc's source for name=systemd is "systemd": keep the mount table identical */
		const char *source = strncmp(h->subsys, "name=", 5) == 0 ? h->subsys + 5 : "cgroup";
		int mnt = pf_mount_fs_at(root_fd, dest, target, source, "cgroup", flags,
					 h->subsys, err);

		rc = mnt < 0 ? -1 : 0;
		if (mnt >= 0)
			close(mnt);
	}
	/* no cgroup namespace, or one we may not mount v1 in (a user namespace): runc binds */
	if (!plan->cgroupns || (rc < 0 && err->err == EPERM)) {
		pf_error_clear(err);
		rc = bind_hierarchy(h, target, flags, err);
	}
	if (rc < 0)
		return pf_error_prefix(err, "%s", dest);
	for (const char *p = h->subsys; strchr(name, ',') && *p;) {
		size_t n = strcspn(p, ",");
		char link[256];

		snprintf(link, sizeof(link), "%.*s", (int)n, p);
		if (symlinkat(name, tmpfs, link) < 0 && errno != EEXIST)
			return pf_fail_errno(err, errno, "symlink %s/%s", op->dest, link);
		p += n + (p[n] == ',');
	}
	return 0;
}

static int mount_v1(int root_fd, const struct pf_mount_plan *plan, const struct pf_mount_op *op,
		    int target, struct pf_error *err)
{
	_cleanup_free_ char *info = read_all("/proc/self/mountinfo");
	_cleanup_free_ char *cgroups = read_all("/proc/cgroups");
	_cleanup_close_ int mnt = -1;
	char *save = NULL;

	if (!info || !cgroups)
		return pf_fail_errno(err, errno ? errno : ENOMEM, "read /proc/self/mountinfo");
	mnt = pf_mount_fs_at(root_fd, op->dest, target, "tmpfs", "tmpfs", CG_FLAGS, "mode=755",
			     err);
	if (mnt < 0)
		return -1;
	for (char *l = strtok_r(info, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		struct hierarchy h;

		if (parse_line(l, cgroups, &h) &&
		    mount_hierarchy(root_fd, plan, op, mnt, &h, err) < 0)
			return -1;
	}
	return pf_mount_set_extras(mnt, op, err);
}

static int mount_v2(int root_fd, const struct pf_mount_op *op, int target, struct pf_error *err)
{
	_cleanup_close_ int mnt = pf_mount_fs_at(root_fd, op->dest, target,
						 op->source ? op->source : "cgroup", "cgroup2",
						 op->flags, op->data, err);

	if (mnt < 0 && (err->err == EPERM || err->err == EBUSY)) {
		pf_error_clear(err);
		mnt = open_tree(AT_FDCWD, CGROUP_ROOT, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
				AT_RECURSIVE);
		if (mnt < 0 || pf_attach_tree(mnt, target) < 0)
			return pf_fail_errno(err, errno, "bind " CGROUP_ROOT);
		if (pf_bind_set_flags(mnt, op, err) < 0)
			return -1;
	}
	if (mnt < 0)
		return -1;
	return pf_mount_set_extras(mnt, op, err);
}

int pf_mount_cgroup(int root_fd, const struct pf_mount_plan *plan,
		    const struct pf_mount_op *op, struct pf_error *err)
{
	_cleanup_close_ int target = pf_open_in_root(root_fd, op->dest, true, false,
						     O_PATH | O_DIRECTORY, err);
	struct statfs st;

	if (target < 0)
		return -1;
	if (statfs(CGROUP_ROOT, &st) == 0 && st.f_type == CGROUP2_SUPER_MAGIC)
		return mount_v2(root_fd, op, target, err);
	return mount_v1(root_fd, plan, op, target, err);
}
