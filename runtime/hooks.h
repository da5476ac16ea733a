/* OCI hooks: each runs with its args and env, the container state JSON on stdin, and its
 * timeout (SIGKILL when it expires). */
#ifndef PF_HOOKS_H
#define PF_HOOKS_H

#include "bundle/error.h"
#include "bundle/model.h"

/* Runs every hook of the list in order; stops at the first failure, which names the hook kind,
 * its index and path, and how it failed (exit status, signal, timeout). */
int pf_hooks_run(const pf_hooks *hooks, const char *kind, const char *state_json,
		 struct pf_error *err);

#endif
