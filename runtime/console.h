/* process.terminal: the pty is made inside the container (its devpts), the master goes to the
 * caller (--console-socket, or the foreground run's proxy) and the slave becomes init's
 * controlling terminal and stdio. */
#ifndef PF_CONSOLE_H
#define PF_CONSOLE_H

#include "bundle/error.h"
#include <sys/types.h>

#include "bundle/model.h"

/* Child, after pivot_root: the slave is opened from the master (TIOCGPTPEER), never by a
 * path a container could have swapped for a symlink. */
int pf_console_create(const struct pf_console_size *size, int *master, int *slave,
		      struct pf_error *err);
/* Child: setsid has been done; slave becomes the controlling terminal and fds 0, 1, 2. */
int pf_console_become_controlling(int slave, struct pf_error *err);
/* Parent: sends the master over the AF_UNIX socket at path (SCM_RIGHTS), as runc does. */
int pf_console_send(const char *path, int master, struct pf_error *err);
/* Parent: gives the pty the size of our stdin's terminal, if stdin is one. */
void pf_console_copy_winsize(int master);
/* Parent, foreground run: copies stdin to the master and the master to stdout until the
 * master closes; stdin (if a tty) is in raw mode meanwhile and its size follows SIGWINCH.
 * Returns when the pty is done; signals are the caller's. */
int pf_console_proxy(int master, int signal_fd, pid_t init, int *status, struct pf_error *err);

#endif
