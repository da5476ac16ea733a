/* /dev: the default devices (config-linux.md "Default Devices"), runc's symlinks, then
 * linux.devices. Nodes are made with mknodat in their parent directory's fd, opened inside the
 * rootfs; where mknod is not allowed (a user namespace) the host's node is bound onto an empty
 * file instead, as runc does. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "bundle/cleanup.h"
#include "runtime/mount_internal.h"

struct node {
	const char *path;
	mode_t type;          /* S_IFCHR, S_IFBLK, S_IFIFO */
	dev_t rdev;
	mode_t mode;
	uid_t uid;
	gid_t gid;
};

/* runc's order, so that the bind mounts of a user namespace list the same way */
static const struct {
	const char *path;
	unsigned major, minor;
} default_devices[] = {
	{ "/dev/null", 1, 3 }, { "/dev/random", 1, 8 }, { "/dev/full", 1, 7 },
	{ "/dev/tty", 5, 0 },  { "/dev/zero", 1, 5 },   { "/dev/urandom", 1, 9 },
};

static bool same_node(const struct stat *st, const struct node *n)
{
	return (st->st_mode & S_IFMT) == n->type && (n->type == S_IFIFO || st->st_rdev == n->rdev);
}

static int bind_from_host(int dir, const char *name, const struct node *n, struct pf_error *err)
{
	_cleanup_close_ int src = open(n->path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	_cleanup_close_ int target = -1;
	struct stat st;
	int fd;

	if (src < 0 || fstat(src, &st) < 0)
		return pf_fail_errno(err, errno, "bind from the host");
	if (!same_node(&st, n))
		return pf_fail(err, ENODEV, "bind from the host: the host's is another device");
	fd = openat(dir, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return pf_fail_errno(err, errno, "create the mount point");
	close(fd);
	target = openat(dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	fd = target < 0 ? -1 : pf_bind_fd(src, target, false);
	if (fd < 0)
		return pf_fail_errno(err, errno, "bind from the host");
	close(fd);
	return 0;
}

static int make_node(int root_fd, const struct node *n, bool in_userns, struct pf_error *err)
{
	const char *name;
	_cleanup_close_ int dir = pf_open_parent_in_root(root_fd, n->path, true, &name, err);
	struct stat st;
	mode_t old;
	int rc;

	if (dir < 0)
		return -1;
	/* config-linux.md: a file already there that is not this device is an error */
	if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
		return same_node(&st, n) ? 0 : pf_fail(err, EEXIST, "exists and is another file");
	if (in_userns)
		return bind_from_host(dir, name, n, err);
	/* the mode is exactly fileMode, whatever our umask */
	old = umask(0);
	rc = mknodat(dir, name, n->type | n->mode, n->rdev);
	umask(old);
	if (rc < 0 && errno == EPERM)
		return bind_from_host(dir, name, n, err);
	if (rc < 0)
		return pf_fail_errno(err, errno, "mknod");
	if (fchownat(dir, name, n->uid, n->gid, AT_SYMLINK_NOFOLLOW) < 0)
		return pf_fail_errno(err, errno, "chown");
	return 0;
}

static bool listed(const struct pf_mount_plan *plan, const char *path)
{
	for (size_t i = 0; i < plan->n_devices; i++)
		if (plan->devices[i].path && strcmp(plan->devices[i].path, path) == 0)
			return true;
	return false;
}

static int default_nodes(int root_fd, const struct pf_mount_plan *plan, struct pf_error *err)
{
	for (size_t i = 0; i < sizeof(default_devices) / sizeof(default_devices[0]); i++) {
		struct node n = { .path = default_devices[i].path, .type = S_IFCHR, .mode = 0666,
				  .rdev = makedev(default_devices[i].major,
						  default_devices[i].minor) };

		/* as runc: a device of the same path in linux.devices replaces the default */
		if (listed(plan, n.path))
			continue;
		if (make_node(root_fd, &n, plan->in_userns, err) < 0)
			return pf_error_prefix(err, "device %s", n.path);
	}
	return 0;
}

static int dev_links(int root_fd, const struct pf_mount_plan *plan, struct pf_error *err)
{
	static const char *const links[][2] = {
		{ "/proc/self/fd", "fd" },      { "/proc/self/fd/0", "stdin" },
		{ "/proc/self/fd/1", "stdout" }, { "/proc/self/fd/2", "stderr" },
		{ "/proc/kcore", "core" },
	};
	_cleanup_close_ int dev = pf_open_in_root(root_fd, "/dev", true, false,
						  O_PATH | O_DIRECTORY, err);

	if (dev < 0)
		return -1;
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		/* kcore exists only with CONFIG_PROC_KCORE: no dangling /dev/core */
		if (strcmp(links[i][1], "core") == 0 && access("/proc/kcore", F_OK) < 0)
			continue;
		if (symlinkat(links[i][0], dev, links[i][1]) < 0 && errno != EEXIST)
			return pf_fail_errno(err, errno, "symlink /dev/%s", links[i][1]);
	}
	if (!plan->dev_pts)
		return 0;
	if (unlinkat(dev, "ptmx", 0) < 0 && errno != ENOENT)
		return pf_fail_errno(err, errno, "remove /dev/ptmx");
	if (symlinkat("pts/ptmx", dev, "ptmx") < 0)
		return pf_fail_errno(err, errno, "symlink /dev/ptmx");
	return 0;
}

static int device_node(const struct pf_device *d, struct node *n, struct pf_error *err)
{
	if (!d->type || !d->path || strlen(d->type) != 1)
		return pf_fail(err, EINVAL, "needs a type and a path");
	switch (d->type[0]) {
	case 'c':
	case 'u':
		n->type = S_IFCHR;
		break;
	case 'b':
		n->type = S_IFBLK;
		break;
	case 'p':
		n->type = S_IFIFO;
		break;
	default:
		return pf_fail(err, EINVAL, "unknown type \"%s\"", d->type);
	}
	n->path = d->path;
	n->rdev = n->type == S_IFIFO ? 0 : makedev((unsigned)d->major.v, (unsigned)d->minor.v);
	n->mode = d->file_mode.set ? (mode_t)d->file_mode.v & 07777 : 0666;
	n->uid = d->uid.set ? (uid_t)d->uid.v : 0;
	n->gid = d->gid.set ? (gid_t)d->gid.v : 0;
	return 0;
}

int pf_devices_setup(int root_fd, const struct pf_mount_plan *plan, struct pf_error *err)
{
	if (plan->default_dev &&
	    (default_nodes(root_fd, plan, err) < 0 || dev_links(root_fd, plan, err) < 0))
		return -1;
	for (size_t i = 0; i < plan->n_devices; i++) {
		struct node n;

		if (device_node(&plan->devices[i], &n, err) < 0 ||
		    make_node(root_fd, &n, plan->in_userns && n.type != S_IFIFO, err) < 0)
			return pf_error_prefix(err, "linux.devices[%zu] %s", i,
					       plan->devices[i].path ? plan->devices[i].path : "");
	}
	return 0;
}
