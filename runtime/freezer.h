/* pause and resume: the v1 freezer (freezer.state) where it is mounted, else cgroup v2's
 * cgroup.freeze. */
#ifndef PF_FREEZER_H
#define PF_FREEZER_H

#include <stdbool.h>

#include "bundle/error.h"
#include "runtime/cgroup.h"

/* Freezes or thaws every process of the cgroup and waits until the kernel says it is done. */
int pf_freezer_set(const struct pf_cgroup *cg, bool frozen, struct pf_error *err);
/* True when the container's cgroup is frozen. */
bool pf_freezer_frozen(const struct pf_cgroup *cg);

#endif
