/* linux.sysctl: only namespaced keys, written under the container's /proc/sys. */
#ifndef PF_SYSCTL_H
#define PF_SYSCTL_H

#include "bundle/error.h"
#include "bundle/model.h"
#include "runtime/namespaces.h"

/* Parent: refuses keys that are not isolated by a namespace the container has (like runc). */
int pf_sysctl_check(const pf_strmap *sysctl, const struct pf_linux *l, struct pf_error *err);
/* Child, after pivot_root. */
int pf_sysctl_apply(const pf_strmap *sysctl, struct pf_error *err);

#endif
