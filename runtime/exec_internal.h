#ifndef PF_EXEC_INTERNAL_H
#define PF_EXEC_INTERNAL_H

#include "runtime/exec.h"

/* The process to run: config.json's (taken from spec) or --process's, with overrides. */
int pf_exec_process(struct pf_spec *spec, const struct pf_exec_opts *o, struct pf_process **out,
		    struct pf_error *err);

#endif
