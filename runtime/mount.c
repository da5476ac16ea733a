/* Parent side of the filesystem setup: config.json's root, mounts, devices, maskedPaths and
 * readonlyPaths become a plan the child replays with syscalls only. Everything that can be
 * refused without touching the container is refused here, naming the config field. */
#include <errno.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "bundle/cleanup.h"
#include "runtime/mount_internal.h"

/* procfs's root directory inode */
#define PROC_ROOT_INO 1

/* "/a/./b//../c" -> "/a/c"; relative paths are taken from "/" (config.md allows that). */
static char *clean_path(const char *path)
{
	size_t len = strlen(path), o = 0;
	char *out = malloc(len + 2);
	const char *p = path;

	if (!out)
		return NULL;
	while (*p) {
		size_t n = strcspn(p, "/");

		if (n == 2 && p[0] == '.' && p[1] == '.') {
			while (o > 0 && out[--o] != '/')
				;
		} else if (n > 0 && !(n == 1 && p[0] == '.')) {
			out[o++] = '/';
			memcpy(out + o, p, n);
			o += n;
		}
		p += n + strspn(p + n, "/");
	}
	if (o == 0)
		out[o++] = '/';
	out[o] = '\0';
	return out;
}

static char *join_bundle(const char *bundle, const char *path)
{
	char *out = NULL;

	if (path[0] == '/')
		return strdup(path);
	if (asprintf(&out, "%s/%s", bundle, path) < 0)
		return NULL;
	return out;
}

/* runc's checkProcMount: over /proc only a fresh procfs (or a bind of procfs's root), inside
 * it only the files lxcfs emulates. */
static int check_proc_dest(const struct pf_mount_op *op, size_t i, struct pf_error *err)
{
	static const char *const allowed[] = {
		"/proc/cpuinfo", "/proc/diskstats", "/proc/meminfo", "/proc/stat", "/proc/swaps",
		"/proc/uptime", "/proc/loadavg", "/proc/slabinfo", "/proc/net/dev",
		"/proc/sys/kernel/ns_last_pid",
	};
	struct statfs sfs;
	struct stat st;

	if (strcmp(op->dest, "/proc") == 0) {
		if (!op->bind)
			return op->type && strcmp(op->type, "proc") == 0 ? 0 :
			       pf_fail(err, EINVAL, "mounts[%zu]: /proc cannot be mounted because it "
				       "is not of type proc", i);
		if (statfs(op->source, &sfs) < 0 || stat(op->source, &st) < 0)
			return pf_fail_errno(err, errno, "mounts[%zu]: source %s", i, op->source);
		if (sfs.f_type == PROC_SUPER_MAGIC && st.st_ino == PROC_ROOT_INO)
			return 0;
		return pf_fail(err, EINVAL, "mounts[%zu]: %s cannot be mounted on top of /proc", i,
			       op->source);
	}
	if (strncmp(op->dest, "/proc/", 6) != 0)
		return 0;
	for (size_t k = 0; k < sizeof(allowed) / sizeof(allowed[0]); k++)
		if (strcmp(op->dest, allowed[k]) == 0)
			return 0;
	return pf_fail(err, EINVAL, "mounts[%zu]: %s cannot be mounted because it is inside /proc",
		       i, op->dest);
}

static int build_bind(const struct pf_mount *m, const char *bundle, size_t i,
		      struct pf_mount_op *op, struct pf_error *err)
{
	struct stat st;

	if (!m->source)
		return pf_fail(err, EINVAL, "mounts[%zu]: a bind mount needs a source", i);
	op->source = join_bundle(bundle, m->source);
	if (!op->source)
		return pf_fail(err, ENOMEM, "mounts[%zu]: out of memory", i);
	if (stat(op->source, &st) < 0)
		return pf_fail_errno(err, errno, "mounts[%zu]: source %s", i, op->source);
	op->dest_is_file = !S_ISDIR(st.st_mode);
	return 0;
}

static int build_idmap(const struct pf_mount *m, bool in_userns, size_t i,
		       struct pf_mount_op *op, struct pf_error *err)
{
	/* mappings without the option: honour them rather than ignore them silently */
	if (m->uid_mappings.set || m->gid_mappings.set) {
		op->idmap = true;
		op->uid_mappings = (pf_id_mappings *)&m->uid_mappings;
		op->gid_mappings = (pf_id_mappings *)&m->gid_mappings;
	}
	if (!op->idmap)
		return 0;
	if (!op->bind)
		return pf_fail(err, EINVAL, "mounts[%zu]: idmap needs a bind mount", i);
	if (!op->uid_mappings && !in_userns)
		return pf_fail(err, EINVAL, "mounts[%zu]: idmap without uidMappings and gidMappings "
			       "needs a user namespace", i);
	return 0;
}

static int build_op(const struct pf_mount *m, const char *bundle, bool in_userns, size_t i,
		    struct pf_mount_op *op, struct pf_error *err)
{
	op->idmap_fd = -1;
	if (pf_mount_parse_options(&m->options, op, err) < 0)
		return pf_error_prefix(err, "mounts[%zu]", i);
	op->dest = clean_path(m->destination ? m->destination : "");
	if (!op->dest)
		return pf_fail(err, ENOMEM, "mounts[%zu]: out of memory", i);
	if (strcmp(op->dest, "/") == 0)
		return pf_fail(err, EINVAL, "mounts[%zu]: cannot mount over the rootfs itself", i);
	/* runc too takes type "bind" for a bind mount, options or not */
	if (m->type && strcmp(m->type, "bind") == 0)
		op->bind = true;
	if (op->bind) {
		if (build_bind(m, bundle, i, op, err) < 0)
			return -1;
	} else {
		if (!m->type || !*m->type)
			return pf_fail(err, EINVAL, "mounts[%zu]: no type, and not a bind mount "
				       "(\"bind\" or \"rbind\" in options)", i);
		op->type = strdup(m->type);
		if (!op->type || (m->source && !(op->source = strdup(m->source))))
			return pf_fail(err, ENOMEM, "mounts[%zu]: out of memory", i);
	}
	if (op->tmpcopyup && (op->bind || strcmp(op->type, "tmpfs") != 0))
		return pf_fail(err, EINVAL, "mounts[%zu]: tmpcopyup needs a tmpfs mount", i);
	if (build_idmap(m, in_userns, i, op, err) < 0)
		return -1;
	return check_proc_dest(op, i, err);
}

static int resolve_rootfs(const struct pf_root *root, const char *bundle,
			  struct pf_mount_plan *plan, struct pf_error *err)
{
	_cleanup_free_ char *joined = NULL;
	struct stat st;

	if (!root || !root->path)
		return pf_fail(err, EINVAL, "root.path: missing");
	joined = join_bundle(bundle, root->path);
	if (!joined)
		return pf_fail(err, ENOMEM, "root.path: out of memory");
	plan->rootfs = realpath(joined, NULL);
	if (!plan->rootfs)
		return pf_fail_errno(err, errno, "root.path: %s", joined);
	if (stat(plan->rootfs, &st) < 0)
		return pf_fail_errno(err, errno, "root.path: %s", joined);
	if (!S_ISDIR(st.st_mode))
		return pf_fail_errno(err, ENOTDIR, "root.path: %s", joined);
	plan->rootfs_readonly = root->readonly.v;
	return 0;
}

static int parse_propagation(const struct pf_linux *l, bool no_pivot,
			     struct pf_mount_plan *plan, struct pf_error *err)
{
	static const struct {
		const char *name;
		unsigned long flags;
	} map[] = {
		{ "private", MS_PRIVATE }, { "shared", MS_SHARED },
		{ "slave", MS_SLAVE },     { "unbindable", MS_UNBINDABLE },
	};
	const char *p = l ? l->rootfs_propagation : NULL;

	plan->rootfs_propagation = MS_SLAVE | MS_REC;
	if (!p)
		return 0;
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (strcmp(p, map[i].name) != 0)
			continue;
		plan->rootfs_propagation = map[i].flags | MS_REC;
		/* a private / cannot be moved away by MS_MOVE: runc refuses it too */
		if (no_pivot && (map[i].flags & MS_PRIVATE))
			return pf_fail(err, EINVAL, "linux.rootfsPropagation: private is not safe "
				       "without pivot_root");
		return 0;
	}
	return pf_fail(err, EINVAL, "linux.rootfsPropagation: unknown value \"%s\"", p);
}

static void scan_namespaces(const struct pf_linux *l, struct pf_mount_plan *plan)
{
	for (size_t i = 0; l && i < l->namespaces.n; i++) {
		const char *t = l->namespaces.v[i].type;

		if (t && strcmp(t, "user") == 0)
			plan->in_userns = true;
		if (t && strcmp(t, "cgroup") == 0)
			plan->cgroupns = true;
	}
}

static int build_ops(const struct pf_spec *spec, const char *bundle, struct pf_mount_plan *plan,
		     struct pf_error *err)
{
	bool dev_bind = false;

	plan->ops = calloc(spec->mounts.n ? spec->mounts.n : 1, sizeof(*plan->ops));
	if (!plan->ops)
		return pf_fail(err, ENOMEM, "mounts: out of memory");
	for (size_t i = 0; i < spec->mounts.n; i++) {
		struct pf_mount_op *op = &plan->ops[i];

		plan->n_ops = i + 1;
		if (build_op(&spec->mounts.v[i], bundle, plan->in_userns, i, op, err) < 0)
			return -1;
		if (strcmp(op->dest, "/dev") == 0) {
			dev_bind = op->bind;
			plan->default_dev = !op->bind;
		}
		if (strcmp(op->dest, "/dev/pts") == 0)
			plan->dev_pts = true;
	}
	/* the host's /dev bound in: runc creates no device in it, neither do we */
	if (!dev_bind && spec->linux_) {
		plan->devices = spec->linux_->devices.v;
		plan->n_devices = spec->linux_->devices.n;
	}
	return 0;
}

int pf_mount_plan_build(const struct pf_spec *spec, const char *bundle, bool no_pivot,
			struct pf_mount_plan *plan, struct pf_error *err)
{
	const struct pf_linux *l = spec->linux_;

	memset(plan, 0, sizeof(*plan));
	plan->no_pivot = no_pivot;
	scan_namespaces(l, plan);
	if (resolve_rootfs(spec->root, bundle, plan, err) < 0 ||
	    parse_propagation(l, no_pivot, plan, err) < 0 || build_ops(spec, bundle, plan, err) < 0) {
		pf_mount_plan_clear(plan);
		return -1;
	}
	if (l) {
		plan->masked = l->masked_paths.v;
		plan->n_masked = l->masked_paths.n;
		plan->readonly = l->readonly_paths.v;
		plan->n_readonly = l->readonly_paths.n;
	}
	return 0;
}

void pf_mount_plan_clear(struct pf_mount_plan *plan)
{
	for (size_t i = 0; i < plan->n_ops; i++) {
		struct pf_mount_op *op = &plan->ops[i];

		free(op->source);
		free(op->dest);
		free(op->type);
		free(op->data);
		if (op->idmap_fd >= 0)
			close(op->idmap_fd);
	}
	free(plan->ops);
	free(plan->rootfs);
	memset(plan, 0, sizeof(*plan));
}
