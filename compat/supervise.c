/* Placeholder until the supervisor lands: the front end can already translate and emit. */
#include <errno.h>

#include "bundle/config.h"
#include "compat/supervise.h"

int pf_supervise(const struct pf_options *o, struct pf_spec *spec, const struct pf_extras *x,
		 struct pf_error *err)
{
	(void)o;
	(void)x;
	pf_spec_free(spec);
	return pf_fail(err, ENOSYS, "running containers is not implemented yet");
}

int pf_attach(pid_t pid, struct pf_error *err)
{
	(void)pid;
	return pf_fail(err, ENOSYS, "--attach is not implemented yet");
}
