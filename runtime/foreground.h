/* A process waited for in the foreground (run, exec, pflask): the signals we receive go to it,
 * its pty is proxied, and its status becomes ours. */
#ifndef PF_FOREGROUND_H
#define PF_FOREGROUND_H

#include <signal.h>
#include <sys/types.h>

#include "bundle/error.h"

/* Blocks the signals to forward and returns a signalfd for them (-1 on failure). Call before
 * the process exists, so no signal is lost; the child must reset its mask. */
int pf_signals_capture(sigset_t *old);
void pf_signals_release(int sfd, const sigset_t *old);
/* Waits for pid (reaping every other child on the way: we may be a subreaper), forwarding
 * signals; with console_master >= 0 the pty is proxied meanwhile. Fills the wait status. */
int pf_wait_foreground(pid_t pid, int console_master, int sfd, int *status,
		       struct pf_error *err);
/* 0-255 from a wait status: the exit code, or 128+N for signal N. */
int pf_exit_code(int status);
int pf_write_pid_file(const char *path, pid_t pid, struct pf_error *err);

#endif
