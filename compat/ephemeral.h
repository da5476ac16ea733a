/* --ephemeral: the chroot under an overlay whose upper layer is a tmpfs, both mounted in a
 * mount namespace of pflask's own. The host never sees either mount, and the kernel removes
 * them (with every change the container made) when the last process of that namespace is
 * gone: a pflask killed with SIGKILL leaves no mount and no upper directory behind, only the
 * empty mount point in its owner directory (runtime/owner.h), which the next pflask or
 * `pflask-runtime delete` removes. Mounted by pflask as the host's root, the overlay also
 * works for containers with a user namespace, which could not mount it themselves before
 * Linux 5.11. */
#ifndef PF_COMPAT_EPHEMERAL_H
#define PF_COMPAT_EPHEMERAL_H

#include <stdbool.h>

#include "bundle/error.h"

struct pf_ephemeral {
	char *mnt;            /* the tmpfs holding upper/ and work/ */
	char *merged;         /* the overlay: mounted over the chroot, the container's rootfs */
	bool tmpfs_mounted;
	bool overlay_mounted;
};

/* Moves this process to a mount namespace of its own (slave of the host's), then mounts the
 * tmpfs on mnt (an empty directory) and the overlay of lower over lower itself. */
int pf_ephemeral_setup(struct pf_ephemeral *e, const char *mnt, const char *lower,
		       struct pf_error *err);
/* Unmounts what setup mounted; safe on a zeroed or half set up pf_ephemeral. */
void pf_ephemeral_teardown(struct pf_ephemeral *e);

#endif
