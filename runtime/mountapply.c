/* Child side: one mount of the plan, on a target opened inside the rootfs. Binds are clones
 * of the source tree (open_tree) attached with move_mount onto the target's fd; other
 * filesystems are mounted on /proc/self/fd/N of the target. Flags, propagation and recursive
 * attributes are then set with mount_setattr on the new mount's own fd. */
#include <errno.h>
#include <fcntl.h>
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

int pf_attach_tree(int tree, int target)
{
	return move_mount(tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
}

int pf_bind_fd(int src_fd, int target_fd, bool recursive)
{
	_cleanup_close_ int tree = open_tree(src_fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
					     AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0));

	if (tree < 0 || pf_attach_tree(tree, target_fd) < 0)
		return -1;
	return pf_steal_fd(&tree);
}

bool pf_op_defers_ro(const struct pf_mount_op *op)
{
	if (op->bind || !(op->flags & MS_RDONLY))
		return false;
	return strcmp(op->type, "tmpfs") == 0 || strcmp(op->dest, "/dev") == 0;
}

int pf_mount_fs_at(int root_fd, const char *dest, int target_fd, const char *source,
		   const char *type, unsigned long flags, const char *data, struct pf_error *err)
{
	char path[32];

	snprintf(path, sizeof(path), "/proc/self/fd/%d", target_fd);
	if (mount(source, path, type, flags, data) < 0)
		return pf_fail(err, errno, "%s", strerror(errno));
	/* a remount changed the mount that was already there */
	if (flags & MS_REMOUNT)
		return fcntl(target_fd, F_DUPFD_CLOEXEC, 3);
	/* target_fd still names the directory underneath: find the mount just made */
	return pf_reopen_mount(root_fd, dest, target_fd, err);
}

static int apply_bind(const struct pf_mount_op *op, int target, struct pf_error *err)
{
	_cleanup_close_ int tree = -1;

	if (op->idmap) {
		if (op->idmap_fd < 0)
			return pf_fail(err, EINVAL, "idmap: the id-mapped tree was not prepared "
				       "(pf_mount_plan_open_idmaps)");
		/* attached once, then it is the mount: later calls only set its flags */
		tree = fcntl(op->idmap_fd, F_DUPFD_CLOEXEC, 3);
	} else {
		tree = open_tree(AT_FDCWD, op->source, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
				 (op->recursive ? AT_RECURSIVE : 0));
	}
	if (tree < 0)
		return pf_fail_errno(err, errno, "clone %s", op->source);
	if (pf_attach_tree(tree, target) < 0)
		return pf_fail(err, errno, "%s", strerror(errno));
	if (pf_bind_set_flags(tree, op, err) < 0)
		return -1;
	return pf_mount_set_extras(tree, op, err);
}

/* As runc: a tmpfs over an existing directory starts with that directory's mode (a mode= in
 * the options, coming later, still wins). */
static char *tmpfs_data(const struct pf_mount_op *op, int target, bool existed)
{
	struct stat st;
	char *out = NULL;

	if (!existed || strcmp(op->type, "tmpfs") != 0 || fstat(target, &st) < 0)
		return strdup(op->data ? op->data : "");
	if (asprintf(&out, "mode=%04o%s%s", (unsigned)(st.st_mode & 07777), op->data ? "," : "",
		     op->data ? op->data : "") < 0)
		return NULL;
	return out;
}

static int apply_fs(int root_fd, const struct pf_mount_op *op, int target, bool existed,
		    struct pf_error *err)
{
	_cleanup_free_ char *data = tmpfs_data(op, target, existed);
	_cleanup_close_ int old = -1, mnt = -1;
	unsigned long flags = op->flags;

	if (!data)
		return pf_fail(err, ENOMEM, "out of memory");
	if (pf_op_defers_ro(op))
		flags &= ~(unsigned long)MS_RDONLY;
	/* opened before the mount: it keeps showing what the tmpfs is about to hide */
	if (op->tmpcopyup) {
		old = openat(target, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (old < 0)
			return pf_fail_errno(err, errno, "tmpcopyup: open %s", op->dest);
	}
	mnt = pf_mount_fs_at(root_fd, op->dest, target, op->source, op->type, flags,
			     *data ? data : NULL, err);
	if (mnt < 0)
		return -1;
	if (op->tmpcopyup) {
		_cleanup_close_ int dst = openat(mnt, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		if (dst < 0)
			return pf_fail_errno(err, errno, "tmpcopyup: open the new tmpfs");
		if (pf_copy_tree(old, dst, err) < 0)
			return pf_error_prefix(err, "tmpcopyup");
	}
	return pf_mount_set_extras(mnt, op, err);
}

/* procfs and sysfs over a symlink have been the way out of more than one runtime. */
static int check_special_dest(int root_fd, const struct pf_mount_op *op, struct pf_error *err)
{
	bool link;

	if (op->bind || (strcmp(op->type, "proc") != 0 && strcmp(op->type, "sysfs") != 0))
		return 0;
	if (pf_is_symlink_in_root(root_fd, op->dest, &link, err) < 0)
		return -1;
	return link ? pf_fail(err, ELOOP, "%s in the rootfs is a symlink", op->dest) : 0;
}

/* The plan checked dest as a string; a symlink may still lead somewhere under /proc. */
static int check_proc_target(const struct pf_mount_op *op, int target, struct pf_error *err)
{
	struct statfs st;
	struct stat sb;

	if (fstatfs(target, &st) < 0 || fstat(target, &sb) < 0)
		return pf_fail_errno(err, errno, "statfs %s", op->dest);
	/* the host's / as the rootfs brings the host's procfs: /proc is its root, as it should */
	if (st.f_type == PROC_SUPER_MAGIC && strcmp(op->dest, "/proc") == 0 &&
	    sb.st_ino == PROC_ROOT_INO)
		return 0;
	if (st.f_type == PROC_SUPER_MAGIC && strncmp(op->dest, "/proc/", 6) != 0)
		return pf_fail(err, EINVAL, "%s resolves to a place inside /proc", op->dest);
	return 0;
}

static int open_target(int root_fd, const struct pf_mount_op *op, bool *existed,
		       struct pf_error *err)
{
	int flags = O_PATH | (op->bind ? 0 : O_DIRECTORY);
	int fd = pf_open_in_root(root_fd, op->dest, false, false, flags, err);

	*existed = fd >= 0;
	if (fd < 0 && err->err == ENOENT) {
		pf_error_clear(err);
		fd = pf_open_in_root(root_fd, op->dest, true, op->bind && op->dest_is_file, flags,
				     err);
	}
	return fd;
}

static int apply(int root_fd, const struct pf_mount_plan *plan, const struct pf_mount_op *op,
		 struct pf_error *err)
{
	_cleanup_close_ int target = -1;
	bool existed;

	if (!op->bind && strcmp(op->type, "cgroup") == 0)
		return pf_mount_cgroup(root_fd, plan, op, err);
	if (check_special_dest(root_fd, op, err) < 0)
		return -1;
	target = open_target(root_fd, op, &existed, err);
	if (target < 0 || check_proc_target(op, target, err) < 0)
		return -1;
	return op->bind ? apply_bind(op, target, err) : apply_fs(root_fd, op, target, existed, err);
}

int pf_mount_apply(int root_fd, const struct pf_mount_plan *plan, size_t i,
		   struct pf_error *err)
{
	const struct pf_mount_op *op = &plan->ops[i];

	if (apply(root_fd, plan, op, err) == 0)
		return 0;
	if (op->bind)
		return pf_error_prefix(err, "mounts[%zu]: bind %s on %s", i, op->source, op->dest);
	return pf_error_prefix(err, "mounts[%zu]: mount %s on %s", i, op->type, op->dest);
}
