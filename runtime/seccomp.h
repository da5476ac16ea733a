/* linux.seccomp: compiled with libseccomp in the parent into a classic BPF program, loaded by
 * init with seccomp(2) as its last step before execve, and, when a rule says SCMP_ACT_NOTIFY,
 * the listener fd the kernel returns handed to the agent at listenerPath.
 *
 *   parent (pf_launch_prepare)   pf_seccomp_compile: libseccomp → BPF in memory, flags checked
 *                                against the kernel; nothing of libseccomp is left for the child
 *   child (init.c)               pf_seccomp_apply: seccomp(SECCOMP_SET_MODE_FILTER); with NOTIFY
 *                                the listener fd goes up as PF_MSG_SECCOMP_FD (runtime/sync.h)
 *   parent (drive_child, exec)   pf_seccomp_forward_fd: the fd and the container process state
 *                                (config-linux.md) to the agent, one connection per process
 *                                (init, and each exec'd process: each loads its own filter)
 *
 * Where init loads it follows runc: without noNewPrivileges loading needs CAP_SYS_ADMIN, so
 * between pf_process_prepare and pf_process_finalize; with it, after finalize, as late as the
 * sync socket allows (just before READY and the park on the exec fifo). */
#ifndef PF_SECCOMP_H
#define PF_SECCOMP_H

#include <linux/filter.h>
#include <stdbool.h>
#include <sys/types.h>

#include "bundle/error.h"
#include "bundle/model.h"

struct pf_record;

struct pf_seccomp_prog {
	struct sock_filter *insns;   /* malloc'd; NULL: no filter */
	unsigned short len;
	unsigned int flags;          /* SECCOMP_FILTER_FLAG_* for seccomp(2) */
	bool notify;                 /* SCMP_ACT_NOTIFY is used: NEW_LISTENER is in flags */
};

/* Compiles sc (NULL: no seccomp, out is left empty) into out, which the caller clears.
 * runc's rules: ERRNO and TRACE return EPERM unless errnoRet (defaultErrnoRet) says otherwise;
 * a syscall name libseccomp does not know is skipped with a debug log; a rule whose action is
 * the default action is skipped (libseccomp refuses it); args with the same index twice become
 * one rule per arg (OR), else all args go into one rule (AND); SCMP_CMP_MASKED_EQ takes value as
 * the mask and valueTwo as the datum. Fails, naming the property, on what cannot be loaded:
 * a flag the kernel lacks, an architecture libseccomp lacks, NOTIFY as the default action, on
 * sendmsg (init's own way to hand over the fd) or without listenerPath. */
int pf_seccomp_compile(const struct pf_seccomp *sc, struct pf_seccomp_prog *out,
		       struct pf_error *err);
void pf_seccomp_prog_clear(struct pf_seccomp_prog *prog);
/* For `features`: libseccomp knows the architecture ("SCMP_ARCH_X86"); this kernel takes the
 * flag ("SECCOMP_FILTER_FLAG_LOG"). Compile refuses what these say no to. */
bool pf_seccomp_arch_known(const char *name);
bool pf_seccomp_flag_supported(const char *name);

/* Child: loads the filter (nothing without one). With NOTIFY the listener fd is sent on sock
 * as PF_MSG_SECCOMP_FD and closed. */
int pf_seccomp_apply(const struct pf_seccomp_prog *prog, int sock, struct pf_error *err);
/* Child: only the seccomp(2) call; *listener is the fd with NOTIFY, else -1. */
int pf_seccomp_load(const struct pf_seccomp_prog *prog, int *listener, struct pf_error *err);

/* Parent: expects PF_MSG_SECCOMP_FD on sock and sends the fd with the container process state
 * (the container's state as rec and status say, the process's pid) to sc->listenerPath. */
int pf_seccomp_forward_fd(int sock, const struct pf_seccomp *sc, const struct pf_record *rec,
			  const char *status, pid_t pid, struct pf_error *err);
/* The container process state JSON: ociVersion, fds ["seccompFd"], pid, metadata (left out
 * when NULL), state (a JSON object, inserted as is). The caller frees *out. */
int pf_seccomp_process_state(pid_t pid, const char *metadata, const char *state, char **out,
			     struct pf_error *err);
/* Parent: connects to the AF_UNIX stream socket at path, sends json with fd (SCM_RIGHTS, with
 * the first bytes) and closes the connection. */
int pf_seccomp_send_listener(const char *path, const char *json, int fd, struct pf_error *err);

#endif
