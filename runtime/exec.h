/* exec: a new process in a running container, joining all its namespaces and its cgroup,
 * with the process settings of config.json's "process" as overridden by the command line. */
#ifndef PF_EXEC_H
#define PF_EXEC_H

#include <stdbool.h>

#include "bundle/error.h"
#include "bundle/model.h"
#include "runtime/cli.h"

struct pf_exec_opts {
	const char *process_file;   /* --process: a process JSON replacing config.json's */
	const char *console_socket;
	const char *pid_file;
	const char *cwd;
	const char *user;           /* UID[:GID] */
	pf_strv env;                /* N=V, added to (or replacing in) the config's env */
	pf_strv caps;               /* added to bounding, effective and permitted only */
	bool tty, detach, no_new_privs;
	int preserve_fds;
	char **args;                /* the command, when no --process */
	int n_args;
};

/* Returns the process's exit status (foreground) or 0 (detached), -1 with err. */
int pf_exec(const struct pf_globals *g, const char *id, const struct pf_exec_opts *o,
	    struct pf_error *err);

#endif
