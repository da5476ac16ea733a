/* The container process: everything config.json's "process" (and linux.personality) says,
 * prepared in the parent, applied in the child in a fixed order after the filesystem is ready,
 * then execve.
 *
 * The child runs two phases so the caller can load a seccomp filter between them when
 * noNewPrivileges is off (without no_new_privs, seccomp needs CAP_SYS_ADMIN, which phase two
 * may drop), as runc does:
 *
 *   pf_process_prepare   rlimits, oom_score_adj, personality, scheduler, I/O priority,
 *                        umask, no_new_privs
 *   [seccomp when !noNewPrivileges]
 *   pf_process_finalize  cwd (created 0755 if missing, entered as root), bounding set,
 *                        groups, gid, uid (permitted caps kept across), cwd again as the
 *                        user if root could not enter it, getcwd check, capabilities
 *   [seccomp when noNewPrivileges]
 *   pf_find_executable, pf_process_exec */
#ifndef PF_PROCESS_H
#define PF_PROCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "bundle/error.h"
#include "bundle/model.h"

/* The five capability sets as bit masks (bit N = capability number N). */
struct pf_capset {
	uint64_t bounding, effective, permitted, inheritable, ambient;
};

struct pf_rlimit_op {
	int resource;                      /* RLIMIT_* */
	uint64_t soft, hard;
};

/* The kernel's struct sched_attr, first version (48 bytes), which every kernel with
 * sched_setattr accepts; our own copy because glibc only declares it from 2.41. */
struct pf_sched_attr {
	uint32_t size;
	uint32_t sched_policy;
	uint64_t sched_flags;
	int32_t sched_nice;
	uint32_t sched_priority;
	uint64_t sched_runtime;
	uint64_t sched_deadline;
	uint64_t sched_period;
};

/* Prepared in the parent so the child only makes syscalls. */
struct pf_exec_plan {
	const struct pf_process *process;  /* borrowed from the spec */
	char **argv;                       /* NULL-terminated, borrowed strings */
	char **envp;                       /* NULL-terminated, borrowed strings */
	int preserve_fds;                  /* fds 3 .. 3+N-1 stay open in the container */
	bool in_userns;

	struct pf_rlimit_op *rlimits;
	size_t n_rlimits;
	bool has_oom_score_adj;
	int oom_score_adj;
	bool has_personality;
	unsigned long personality;         /* PER_LINUX or PER_LINUX32 */
	bool has_sched;
	struct pf_sched_attr sched;
	bool has_ioprio;
	int ioprio;                        /* IOPRIO_PRIO_VALUE(class, level) */
	const char *cwd;                   /* borrowed; NULL: stay where we are */
	bool has_umask;
	mode_t umask;
	bool no_new_privs;
	bool has_user;
	uid_t uid;
	gid_t gid;
	gid_t *groups;                     /* additionalGids */
	size_t n_groups;
	bool has_caps;                     /* false: capabilities are left as they are */
	struct pf_capset caps;
};

/* Fails on names the kernel interfaces cannot take (capability, rlimit, scheduler policy or
 * flag, I/O class) with the JSON path of the property. */
int pf_exec_plan_build(const struct pf_process *process, int preserve_fds, bool in_userns,
		       struct pf_exec_plan *plan, struct pf_error *err);
/* linux.personality lives outside "process": the caller adds it after building (NULL: none). */
int pf_exec_plan_set_personality(struct pf_exec_plan *plan, const struct pf_personality *p,
				 struct pf_error *err);
void pf_exec_plan_clear(struct pf_exec_plan *plan);

/* Child, as root of its namespaces, after pivot_root; the two phases described above.
 * pf_process_setup runs both back to back (for callers without seccomp). */
int pf_process_prepare(const struct pf_exec_plan *plan, struct pf_error *err);
int pf_process_finalize(const struct pf_exec_plan *plan, struct pf_error *err);
int pf_process_setup(const struct pf_exec_plan *plan, struct pf_error *err);

/* Capability names to masks; unknown names fail. */
int pf_capset_from_config(const struct pf_capabilities *caps, struct pf_capset *out,
			  struct pf_error *err);
/* Child: drops from the bounding set every capability the kernel knows that set->bounding
 * lacks. Needs CAP_SETPCAP, so it runs before the uid switch. */
int pf_caps_drop_bounding(const struct pf_capset *set, struct pf_error *err);
/* Child: the five sets (bounding dropped first, ambient raised last). Capabilities above the
 * kernel's last, or not held by this process, are skipped silently (they cannot be granted;
 * the spec says not to fail), and so are ambient raises the kernel refuses, as runc does. */
int pf_caps_apply(const struct pf_capset *set, struct pf_error *err);

/* Finds args[0] on the container's PATH (from envp, default /usr/local/sbin:...:/bin): a name
 * with a '/' is taken as is, otherwise the first regular file we may execute wins. */
int pf_find_executable(const char *name, char *const envp[], char *out, size_t size,
		       struct pf_error *err);
/* Marks every fd >= first close-on-exec (close_range, else a walk over /proc/self/fd). */
int pf_fds_cloexec_from(unsigned int first, struct pf_error *err);
/* Child: every fd above 2 + preserve_fds becomes close-on-exec, HOME is added from the
 * container's /etc/passwd when envp lacks it (as runc does), then execve of args[0] looked up
 * with pf_find_executable (call that earlier too, as runc does, to fail at create rather than
 * at start). Returns only on failure. */
int pf_process_exec(const struct pf_exec_plan *plan, struct pf_error *err);

#endif
