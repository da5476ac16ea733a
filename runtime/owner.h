/* What the pflask front end keeps beside the state of a container it supervises, so that a
 * pflask killed with SIGKILL leaves nothing that the next pflask or `pflask-runtime delete`
 * cannot find and clear:
 *
 *   ROOT/.pflask-ID/owner   "PID START\n": the supervising pflask and its start time
 *   ROOT/.pflask-ID/mnt     with --ephemeral only: an empty directory, on which its tmpfs and
 *                           overlay are mounted inside pflask's private mount namespace
 *
 * Mounts made in that namespace vanish with it, so the host only ever sees these two entries
 * and removing them never recurses (nor crosses a mount point). The directory is claimed by
 * renaming a complete one into place (ROOT/.pflask~PID~START~ID, whose owner is in its name;
 * "~" is never part of an ID): of two claims of one ID one wins, and a claim interrupted
 * halfway is recognisable as well. Dot names are invisible to `list`. */
#ifndef PF_OWNER_H
#define PF_OWNER_H

#include <stdbool.h>

#include "bundle/error.h"

#define PF_OWNER_MNT "mnt"

/* Claims ROOT/.pflask-ID for this process (with_mnt: and its mnt directory); *dir is its path
 * (malloc'ed). An ID held by a live pflask is "container ID already exists" (EEXIST); one
 * left by a dead pflask is reaped first. */
int pf_owner_claim(const char *root, const char *id, bool with_mnt, char **dir,
		   struct pf_error *err);
/* The owner's own cleanup, once its mounts are gone. */
void pf_owner_release(const char *dir);
/* When the owner of ROOT/.pflask-ID is gone: deletes the container ID it supervised (if that
 * container is still there and was created by it), then removes the directory. Returns 1 when
 * something was removed, 0 when there is nothing to do (no directory, or a live owner). */
int pf_owner_reap(const char *root, const char *id, struct pf_error *err);
/* Half-made claims of dead processes, and the store's temporary directories of dead creates
 * and deletes (pf_store_reap_temp): nothing that names a live container; best effort. */
void pf_owner_reap_temp(const char *root);
/* pf_owner_reap for every directory under root, and pf_owner_reap_temp; best effort (what
 * cannot be removed now stays for the next try). */
void pf_owner_reap_all(const char *root);

#endif
