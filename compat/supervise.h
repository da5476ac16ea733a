/* Running a translated config in the foreground, as the original pflask did: the engine of
 * pflask-runtime in-process, plus what OCI has no words for (--ephemeral), plus --detach and
 * --attach. */
#ifndef PF_SUPERVISE_H
#define PF_SUPERVISE_H

#include "bundle/error.h"
#include "bundle/model.h"
#include "compat/pflask.h"

/* Runs spec as container ID (o->name or pflask-<pid>) under the state root of pflask-runtime;
 * takes ownership of spec. Returns the container's exit status (128+N for signal N), or -1
 * with err set. */
int pf_supervise(const struct pf_options *o, struct pf_spec *spec, const struct pf_extras *x,
		 struct pf_error *err);
/* --attach=PID: connects this terminal to a detached pflask; ^@ detaches again. */
int pf_attach(pid_t pid, struct pf_error *err);

#endif
