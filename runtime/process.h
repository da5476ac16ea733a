/* The container process: everything config.json's "process" says, applied in the child in a
 * fixed order after the filesystem is ready, then execve. */
#ifndef PF_PROCESS_H
#define PF_PROCESS_H

#include <stdbool.h>
#include <sys/types.h>

#include "bundle/error.h"
#include "bundle/model.h"

/* Prepared in the parent so the child only makes syscalls. */
struct pf_exec_plan {
	const struct pf_process *process;  /* borrowed from the spec */
	char **envp;                       /* NULL-terminated, borrowed strings */
	int preserve_fds;                  /* fds 3 .. 3+N-1 stay open in the container */
	bool in_userns;
};

int pf_exec_plan_build(const struct pf_process *process, int preserve_fds, bool in_userns,
		       struct pf_exec_plan *plan, struct pf_error *err);
void pf_exec_plan_clear(struct pf_exec_plan *plan);

/* Child, as root of its namespaces: rlimits, oom_score_adj, personality, scheduler, I/O
 * priority, umask, cwd (created if missing, verified inside the container), groups, gid, uid
 * with the configured capabilities kept across the switch, no_new_privs. */
int pf_process_setup(const struct pf_exec_plan *plan, struct pf_error *err);
/* Child: the five capability sets (bounding dropped first, ambient raised last). */
int pf_caps_apply(const struct pf_capabilities *caps, struct pf_error *err);
/* Finds args[0] on the container's PATH (from envp, default /usr/local/sbin:...:/bin). */
int pf_find_executable(const char *name, char *const envp[], char *out, size_t size,
		       struct pf_error *err);
/* Child: every fd above 2 + preserve_fds becomes close-on-exec, then execve. Returns only on
 * failure. */
int pf_process_exec(const struct pf_exec_plan *plan, struct pf_error *err);

#endif
