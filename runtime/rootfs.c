/* The three steps the container's init takes with its filesystem: prepare (before pivot:
 * propagation, the rootfs as a mount point, the plan's mounts, /dev), pivot, and finish
 * (after pivot: console, read-only remounts, readonlyPaths, maskedPaths). The order of finish
 * is runc's: console, read-only remounts and root, readonlyPaths, maskedPaths. */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "bundle/cleanup.h"
#include "runtime/mount_internal.h"

/* The host's own / as the rootfs (pflask without --chroot) is already in place: the mount
 * namespace is a copy of the host's. It can be neither bound onto itself (a lookup of "/"
 * stops at the root, under the new mount) nor pivoted into (pivot_root: EBUSY). */
static bool rootfs_is_host_root(const struct pf_mount_plan *plan)
{
	return strcmp(plan->rootfs, "/") == 0;
}

int pf_rootfs_prepare(const struct pf_mount_plan *plan, struct pf_error *err)
{
	/* Nothing we mount may reach the host: a shared / would carry every mount back to its
	 * peers. Slave (or private, when that is asked) for now; a shared rootfs is made in
	 * finish, as a new peer group of the container's own. */
	unsigned long first = (plan->rootfs_propagation & (MS_PRIVATE | MS_UNBINDABLE)) ?
			      MS_PRIVATE | MS_REC : MS_SLAVE | MS_REC;
	_cleanup_close_ int root = -1;

	if (mount(NULL, "/", NULL, first, NULL) < 0)
		return pf_fail_errno(err, errno, "make / %s", first & MS_PRIVATE ? "private" : "slave");
	/* pivot_root needs the new root to be a mount point */
	if (!rootfs_is_host_root(plan) &&
	    mount(plan->rootfs, plan->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
		return pf_fail_errno(err, errno, "bind the rootfs %s on itself", plan->rootfs);
	root = open(plan->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return pf_fail_errno(err, errno, "open the rootfs %s", plan->rootfs);
	for (size_t i = 0; i < plan->n_ops; i++)
		if (pf_mount_apply(root, plan, i, err) < 0)
			return -1;
	return pf_devices_setup(root, plan, err);
}

/* The pivot_root(".", ".") trick: the old root ends up stacked on the new one, where it can be
 * detached without needing a directory to put it in. */
static int pivot(const struct pf_mount_plan *plan, struct pf_error *err)
{
	_cleanup_close_ int old_root = open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	_cleanup_close_ int new_root = open(plan->rootfs, O_DIRECTORY | O_RDONLY | O_CLOEXEC);

	if (old_root < 0 || new_root < 0)
		return pf_fail_errno(err, errno, "open the old and new root");
	if (fchdir(new_root) < 0)
		return pf_fail_errno(err, errno, "chdir to the rootfs");
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return pf_fail_errno(err, errno, "pivot_root");
	/* where "." is after pivot_root is not promised: go to the old root explicitly */
	if (fchdir(old_root) < 0)
		return pf_fail_errno(err, errno, "chdir to the old root");
	/* the detach must not propagate to the host's mounts */
	if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
		return pf_fail_errno(err, errno, "make the old root slave");
	if (umount2(".", MNT_DETACH) < 0)
		return pf_fail_errno(err, errno, "detach the old root");
	return chdir("/") < 0 ? pf_fail_errno(err, errno, "chdir to /") : 0;
}

static int move_root(const struct pf_mount_plan *plan, struct pf_error *err)
{
	if (chdir(plan->rootfs) < 0)
		return pf_fail_errno(err, errno, "chdir to the rootfs");
	if (mount(plan->rootfs, "/", NULL, MS_MOVE, NULL) < 0)
		return pf_fail_errno(err, errno, "move the rootfs to /");
	if (chroot(".") < 0)
		return pf_fail_errno(err, errno, "chroot");
	return chdir("/") < 0 ? pf_fail_errno(err, errno, "chdir to /") : 0;
}

int pf_rootfs_pivot(const struct pf_mount_plan *plan, struct pf_error *err)
{
	if (rootfs_is_host_root(plan))
		return chdir("/") < 0 ? pf_fail_errno(err, errno, "chdir to /") : 0;
	return plan->no_pivot ? move_root(plan, err) : pivot(plan, err);
}

static int bind_console(int root, int console_fd, struct pf_error *err)
{
	_cleanup_close_ int target = -1, mnt = -1;
	struct statfs sfs;
	struct stat st;

	if (fstat(console_fd, &st) < 0 || fstatfs(console_fd, &sfs) < 0)
		return pf_fail_errno(err, errno, "console");
	if (!S_ISCHR(st.st_mode) || sfs.f_type != DEVPTS_SUPER_MAGIC)
		return pf_fail(err, EINVAL, "console: not a pty of a devpts filesystem");
	target = pf_open_in_root(root, "/dev/console", true, true, O_PATH, err);
	if (target < 0)
		return pf_error_prefix(err, "console");
	mnt = pf_bind_fd(console_fd, target, false);
	return mnt < 0 ? pf_fail_errno(err, errno, "bind the console on /dev/console") : 0;
}

/* runc's finalizeRootfs: what was kept writable for us becomes read-only now. */
static int deferred_readonly(int root, const struct pf_mount_plan *plan, struct pf_error *err)
{
	for (size_t i = 0; i < plan->n_ops; i++) {
		const struct pf_mount_op *op = &plan->ops[i];
		_cleanup_close_ int fd = -1;
		uint64_t id;
		bool mount_root;

		if (!pf_op_defers_ro(op))
			continue;
		fd = pf_open_in_root(root, op->dest, false, false, O_PATH, err);
		if (fd < 0)
			return pf_error_prefix(err, "mounts[%zu]: make %s read-only", i, op->dest);
		if (pf_fd_mount(fd, &id, &mount_root) < 0 || !mount_root)
			return pf_fail(err, EINVAL, "mounts[%zu]: make %s read-only: not a mount "
				       "point", i, op->dest);
		if (pf_setattr(fd, false, MOUNT_ATTR_RDONLY, 0, 0) < 0)
			return pf_fail_errno(err, errno, "mounts[%zu]: make %s read-only", i,
					     op->dest);
	}
	return 0;
}

/* 1 when opened, 0 when missing, -1 on error. Missing paths are skipped, as in runc: a masked
 * or read-only path applies where it exists. */
static int open_existing(int root, const char *path, int *fd, struct pf_error *err)
{
	*fd = pf_open_in_root(root, path, false, false, O_PATH, err);
	if (*fd >= 0)
		return 1;
	if (err->err != ENOENT)
		return -1;
	pf_error_clear(err);
	return 0;
}

/* Only set flags: the ones the kernel locked stay as they are, so this works in a user
 * namespace too. */
static int readonly_path(int root, const char *path, struct pf_error *err)
{
	_cleanup_close_ int fd = -1, tree = -1;
	int found = open_existing(root, path, &fd, err);

	if (found <= 0)
		return found;
	tree = open_tree(fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE);
	if (tree < 0)
		return pf_fail_errno(err, errno, "bind on itself");
	if (pf_setattr(tree, true, MOUNT_ATTR_RDONLY, 0, 0) < 0)
		return pf_fail_errno(err, errno, "make read-only");
	return pf_attach_tree(tree, fd) < 0 ? pf_fail_errno(err, errno, "attach") : 0;
}

static int open_devnull(int root, struct pf_error *err)
{
	_cleanup_close_ int fd = pf_open_in_root(root, "/dev/null", false, false, O_PATH, err);
	struct stat st;

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0)
		return pf_fail_errno(err, errno, "stat /dev/null");
	/* binding anything else over a masked file would expose it, or something worse */
	if (!S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3))
		return pf_fail(err, EINVAL, "/dev/null in the container is not the null device");
	return pf_steal_fd(&fd);
}

/* An empty read-only tmpfs on target. *empty is the first one made, once attached: the
 * others are bind mounts of it (one superblock for all, as none can hold anything). */
static int empty_readonly_tmpfs(int target, int *empty, struct pf_error *err)
{
	_cleanup_close_ int fs = -1, mnt = -1;

	if (*empty >= 0) {
		mnt = pf_bind_fd(*empty, target, false);
		return mnt < 0 ? pf_fail_errno(err, errno, "bind an empty read-only tmpfs") : 0;
	}
	fs = fsopen("tmpfs", FSOPEN_CLOEXEC);
	if (fs < 0 || fsconfig(fs, FSCONFIG_SET_STRING, "source", "tmpfs", 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_FLAG, "ro", NULL, 0) < 0 ||
	    fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return pf_fail_errno(err, errno, "make a tmpfs");
	mnt = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_RDONLY);
	if (mnt < 0 || pf_attach_tree(mnt, target) < 0)
		return pf_fail_errno(err, errno, "mount a read-only tmpfs");
	*empty = pf_steal_fd(&mnt);
	return 0;
}

static int mask_path(int root, const char *path, int *devnull, int *empty, struct pf_error *err)
{
	_cleanup_close_ int fd = -1, mnt = -1;
	int found = open_existing(root, path, &fd, err);
	struct stat st;

	if (found <= 0)
		return found;
	if (fstat(fd, &st) < 0)
		return pf_fail_errno(err, errno, "stat");
	if (S_ISDIR(st.st_mode))
		return empty_readonly_tmpfs(fd, empty, err);
	if (*devnull < 0 && (*devnull = open_devnull(root, err)) < 0)
		return -1;
	mnt = pf_bind_fd(*devnull, fd, false);
	return mnt < 0 ? pf_fail_errno(err, errno, "bind /dev/null") : 0;
}

static int protect_paths(int root, const struct pf_mount_plan *plan, struct pf_error *err)
{
	_cleanup_close_ int devnull = -1, empty = -1;

	for (size_t i = 0; i < plan->n_readonly; i++)
		if (readonly_path(root, plan->readonly[i], err) < 0)
			return pf_error_prefix(err, "linux.readonlyPaths[%zu] %s", i,
					       plan->readonly[i]);
	for (size_t i = 0; i < plan->n_masked; i++)
		if (mask_path(root, plan->masked[i], &devnull, &empty, err) < 0)
			return pf_error_prefix(err, "linux.maskedPaths[%zu] %s", i, plan->masked[i]);
	return 0;
}

int pf_rootfs_finish(const struct pf_mount_plan *plan, int console_fd, struct pf_error *err)
{
	_cleanup_close_ int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (root < 0)
		return pf_fail_errno(err, errno, "open /");
	/* applied to the new / only now that it is /: runc's order */
	if (mount(NULL, "/", NULL, plan->rootfs_propagation, NULL) < 0)
		return pf_fail_errno(err, errno, "linux.rootfsPropagation");
	if (console_fd >= 0 && bind_console(root, console_fd, err) < 0)
		return -1;
	if (deferred_readonly(root, plan, err) < 0)
		return -1;
	if (plan->rootfs_readonly && pf_setattr(root, false, MOUNT_ATTR_RDONLY, 0, 0) < 0)
		return pf_fail_errno(err, errno, "root.readonly: make the rootfs read-only");
	return protect_paths(root, plan, err);
}
