/* The container's filesystem, in two halves. The parent turns config.json into a plan (option
 * strings parsed into flags, sources resolved against the bundle) before clone; the child
 * replays it with plain syscalls. Every target inside the rootfs is resolved without leaving
 * it (openat2 RESOLVE_IN_ROOT) and mounted through a file descriptor. */
#ifndef PF_MOUNT_H
#define PF_MOUNT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "bundle/error.h"
#include "bundle/model.h"

struct pf_mount_op {
	char *source;            /* binds: absolute host path; others: the fs source string */
	char *dest;              /* absolute and lexically clean, inside the container */
	char *type;              /* NULL for binds */
	unsigned long flags;     /* MS_* for mount(2), without propagation, MS_BIND or MS_REC */
	unsigned long clear;     /* MS_* the options turned off explicitly ("rw", "suid") */
	unsigned long propagation; /* MS_SHARED/SLAVE/PRIVATE/UNBINDABLE, | MS_REC; 0 = none */
	uint64_t attr_set;       /* MOUNT_ATTR_* applied recursively (rro, rnosuid, ...) */
	uint64_t attr_clr;
	char *data;              /* comma-joined options the kernel fs parses (mode=755, ...) */
	bool bind;
	bool recursive;          /* rbind */
	bool tmpcopyup;          /* copy the rootfs content under dest into the new tmpfs */
	bool dest_is_file;       /* a bind of a non-directory: create an empty file as target */
	bool idmap;              /* "idmap" or "ridmap" */
	bool idmap_recursive;    /* "ridmap": every mount of an rbind is id-mapped */
	int idmap_fd;            /* the detached id-mapped tree (pf_mount_plan_open_idmaps); -1 */
	pf_id_mappings *uid_mappings, *gid_mappings; /* borrowed from the spec; NULL if unset */
};

struct pf_mount_plan {
	char *rootfs;                     /* absolute, symlinks resolved */
	bool rootfs_readonly;
	unsigned long rootfs_propagation; /* MS_* | MS_REC, default MS_SLAVE | MS_REC */
	struct pf_mount_op *ops;
	size_t n_ops;
	bool default_dev;                 /* a /dev mount (not a bind) exists: default devices */
	bool dev_pts;                     /* a /dev/pts mount exists: /dev/ptmx -> pts/ptmx */
	struct pf_device *devices;        /* linux.devices, borrowed; none when /dev is a bind */
	size_t n_devices;
	bool in_userns;                   /* devices are bound from the host, not mknod'ed */
	bool cgroupns;                    /* a cgroup namespace: cgroupfs mounted, not bound */
	char **masked, **readonly;        /* borrowed */
	size_t n_masked, n_readonly;
	bool no_pivot;
};

/* Parses one mount's option list into op (flags, clear, propagation, attr_*, data, bind,
 * recursive, tmpcopyup, idmap*), which must start zeroed. As runc does, options not in the
 * table ("mode=755", "size=64k", "foo") go to data; "defaults" and "" mean nothing. Fails only
 * when memory runs out. */
int pf_mount_parse_options(const pf_strv *options, struct pf_mount_op *op, struct pf_error *err);
/* Parent: builds the whole plan from a validated spec; rootfs and relative bind sources are
 * resolved against bundle. Errors name the field: "root.path: ...", "mounts[N]: ...". */
int pf_mount_plan_build(const struct pf_spec *spec, const char *bundle, bool no_pivot,
			struct pf_mount_plan *plan, struct pf_error *err);
/* Frees what build allocated and closes the idmap fds. */
void pf_mount_plan_clear(struct pf_mount_plan *plan);

/* Parent, after the container's user namespace has its id maps: makes the detached,
 * id-mapped tree of every "idmap"/"ridmap" mount (op->idmap_fd). A mount with its own
 * uidMappings/gidMappings gets a user namespace made for them; the others use userns_fd (the
 * container's, /proc/PID/ns/user; -1 when there is none). The fds must reach the child's copy
 * of the plan under the same op index (e.g. SCM_RIGHTS) before pf_rootfs_prepare; a child
 * that is fork()ed after this call simply inherits them. */
int pf_mount_plan_open_idmaps(struct pf_mount_plan *plan, int userns_fd, struct pf_error *err);

/* Child, in its new mount namespace, before pivot_root: propagation of /, the rootfs bound on
 * itself, every mount of the plan, the default /dev and linux.devices. Needs the host's /proc
 * (mounts are made through /proc/self/fd). */
int pf_rootfs_prepare(const struct pf_mount_plan *plan, struct pf_error *err);
/* Child: pivot_root (or MS_MOVE + chroot with no_pivot) into the rootfs; cwd becomes /. */
int pf_rootfs_pivot(const struct pf_mount_plan *plan, struct pf_error *err);
/* Child, after pivot: final rootfs propagation, /dev/console bound to the pty slave
 * (console_fd >= 0, a char device of a devpts), tmpfs and /dev mounts made read-only as asked,
 * the rootfs remounted read-only if asked, read-only paths, masked paths. Needs no /proc. */
int pf_rootfs_finish(const struct pf_mount_plan *plan, int console_fd, struct pf_error *err);

/* Opens path inside root (an O_PATH fd of the rootfs) without leaving it, creating missing
 * directories (and, with as_file, an empty file as the last component) on the way. flags are
 * open(2)'s (O_CLOEXEC is always added); symlinks are followed inside the root, magic links
 * (/proc/PID/fd/...) never. */
int pf_open_in_root(int root_fd, const char *path, bool create, bool as_file, int flags,
		    struct pf_error *err);

#endif
