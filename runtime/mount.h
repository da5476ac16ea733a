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
	char *dest;              /* absolute path inside the container */
	char *type;              /* NULL for binds */
	unsigned long flags;     /* MS_* for mount(2), without propagation */
	unsigned long clear;     /* MS_* the options turned off explicitly ("rw", "suid") */
	unsigned long propagation; /* MS_SHARED/SLAVE/PRIVATE/UNBINDABLE, | MS_REC; 0 = none */
	uint64_t attr_set;       /* MOUNT_ATTR_* applied recursively (rro, rnosuid, ...) */
	uint64_t attr_clr;
	char *data;              /* comma-joined options the kernel fs parses (mode=755, ...) */
	bool bind;
	bool recursive;          /* rbind */
	bool tmpcopyup;          /* copy the rootfs content under dest into the new tmpfs */
	bool dest_is_file;       /* a bind of a non-directory: create an empty file as target */
	int idmap_userns_fd;     /* for idmap/ridmap mounts; -1 otherwise (set by spawn) */
	pf_id_mappings *uid_mappings, *gid_mappings; /* borrowed from the spec */
};

struct pf_mount_plan {
	char *rootfs;                     /* absolute, symlinks resolved */
	bool rootfs_readonly;
	unsigned long rootfs_propagation; /* MS_* | MS_REC, default MS_SLAVE | MS_REC */
	struct pf_mount_op *ops;
	size_t n_ops;
	bool default_dev;                 /* a /dev mount exists: make the default devices */
	struct pf_device *devices;        /* linux.devices, borrowed */
	size_t n_devices;
	bool in_userns;                   /* devices are bound from the host, not mknod'ed */
	char **masked, **readonly;        /* borrowed */
	size_t n_masked, n_readonly;
	bool no_pivot;
};

/* Parses one mount's option list. Unknown options that look like flags are refused with the
 * option's name; "key=value" and unknown words go to data, as runc does. */
int pf_mount_parse_options(const pf_strv *options, struct pf_mount_op *op, struct pf_error *err);
/* Parent: builds the whole plan from a validated spec; rootfs is resolved against bundle. */
int pf_mount_plan_build(const struct pf_spec *spec, const char *bundle, bool no_pivot,
			struct pf_mount_plan *plan, struct pf_error *err);
void pf_mount_plan_clear(struct pf_mount_plan *plan);

/* Child, in its new mount namespace, before pivot_root: propagation of /, the rootfs bound on
 * itself, every mount of the plan, the default /dev and linux.devices. */
int pf_rootfs_prepare(const struct pf_mount_plan *plan, struct pf_error *err);
/* Child: pivot_root (or MS_MOVE + chroot with no_pivot) into the rootfs; cwd becomes /. */
int pf_rootfs_pivot(const struct pf_mount_plan *plan, struct pf_error *err);
/* Child, after pivot: /dev/console bound to the pty slave (console_fd >= 0), masked paths,
 * read-only paths, the rootfs remounted read-only if asked, and the final propagation. */
int pf_rootfs_finish(const struct pf_mount_plan *plan, int console_fd, struct pf_error *err);

/* Opens path inside root (an O_PATH fd of the rootfs) without leaving it, creating missing
 * directories (and, with as_file, an empty file as the last component) on the way. */
int pf_open_in_root(int root_fd, const char *path, bool create, bool as_file, int flags,
		    struct pf_error *err);

#endif
