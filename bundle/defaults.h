/* The `spec` template: a config.json like `runc spec` writes, for a busybox-style rootfs. */
#ifndef PF_DEFAULTS_H
#define PF_DEFAULTS_H

#include <stdbool.h>
#include <sys/types.h>

#include "bundle/error.h"
#include "bundle/model.h"

/* rootless: a user namespace mapping container root to host_uid/host_gid, no network
 * namespace, /sys bound from the host, no devpts gid option. */
struct pf_spec *pf_spec_default(bool rootless, uid_t host_uid, gid_t host_gid,
				struct pf_error *err);

#endif
