/* Shared by the files behind runtime/mount.h (pathres.c, mountopts.c, mount.c, mountapply.c,
 * cgroupfs.c, devices.c, rootfs.c); not part of the engine's API. */
#ifndef PF_MOUNT_INTERNAL_H
#define PF_MOUNT_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/mount.h>

#include "runtime/mount.h"

#ifndef ST_NOSYMFOLLOW
#define ST_NOSYMFOLLOW 0x2000
#endif

/* The per-mount flags a bind remount (or mount_setattr) can change; the rest are superblock
 * flags, fixed by whoever mounted the filesystem. */
#define PF_MS_PER_MOUNT (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOSYMFOLLOW | \
			 MS_NOATIME | MS_NODIRATIME | MS_RELATIME | MS_STRICTATIME)
#define PF_MS_ATIME (MS_NOATIME | MS_NODIRATIME | MS_RELATIME | MS_STRICTATIME)
/* What the kernel locks on mounts copied into a less privileged mount namespace. */
#define PF_MS_LOCKED (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME | \
		      MS_NODIRATIME | MS_RELATIME)

/* pathres.c */
/* Opens the parent directory of path inside the root (creating it when asked) and points
 * *name at path's last component, which is never "", "." or "..". */
int pf_open_parent_in_root(int root_fd, const char *path, bool create, const char **name,
			   struct pf_error *err);
/* statx: the mount id of fd and whether fd is the root of that mount. */
int pf_fd_mount(int fd, uint64_t *mnt_id, bool *mount_root);
/* Re-resolves path inside the root after something was mounted on it: returns an O_PATH fd
 * of the new mount's root, or fails when path is not a mount root other than below's. */
int pf_reopen_mount(int root_fd, const char *path, int below, struct pf_error *err);
/* True when path's last component exists inside the root and is a symlink. */
int pf_is_symlink_in_root(int root_fd, const char *path, bool *is_link, struct pf_error *err);

/* mountopts.c */
uint64_t pf_ms_to_attr(unsigned long ms);
unsigned long pf_statfs_to_ms(unsigned long f_flags);
/* mount_setattr on fd itself (AT_EMPTY_PATH); -1 with errno set on failure. */
int pf_setattr(int fd, bool recursive, uint64_t set, uint64_t clr, uint64_t propagation);
/* Bind semantics of runc: the mount gets exactly the requested per-mount flags, except that
 * flags the kernel locked (in a user namespace) are kept unless the options cleared them. */
int pf_bind_set_flags(int mnt_fd, const struct pf_mount_op *op, struct pf_error *err);
/* The propagation and the recursive attributes of op, on the mount mnt_fd. */
int pf_mount_set_extras(int mnt_fd, const struct pf_mount_op *op, struct pf_error *err);

/* mountapply.c */
/* Attaches the detached or cloned tree onto target (both fds, no path is re-resolved). */
int pf_attach_tree(int tree, int target);
/* Bind-mounts the file or directory src_fd refers to onto target_fd (a clone of its mount,
 * recursive when asked); returns the fd of the new mount or -1 with errno. */
int pf_bind_fd(int src_fd, int target_fd, bool recursive);
/* The i-th mount of the plan, under the rootfs root_fd (before pivot). */
int pf_mount_apply(int root_fd, const struct pf_mount_plan *plan, size_t i,
		   struct pf_error *err);
/* Mounts a fresh filesystem on target_fd; returns the new mount's fd (re-resolved). */
int pf_mount_fs_at(int root_fd, const char *dest, int target_fd, const char *source,
		   const char *type, unsigned long flags, const char *data, struct pf_error *err);
/* True when the op is mounted read-write first and made read-only in pf_rootfs_finish,
 * because the runtime still writes into it (device nodes, mount points, copy-up): tmpfs and
 * /dev, as in runc. */
bool pf_op_defers_ro(const struct pf_mount_op *op);

/* copyup.c */
/* Copies the directory tree src_dir (an open directory) into dst_dir. */
int pf_copy_tree(int src_dir, int dst_dir, struct pf_error *err);

/* cgroupfs.c */
/* type "cgroup": cgroup2 on a unified host, else a tmpfs with one mount per v1 hierarchy. */
int pf_mount_cgroup(int root_fd, const struct pf_mount_plan *plan,
		    const struct pf_mount_op *op, struct pf_error *err);

/* devices.c */
/* The default devices and symlinks of /dev (when plan->default_dev), then linux.devices. */
int pf_devices_setup(int root_fd, const struct pf_mount_plan *plan, struct pf_error *err);

#endif
