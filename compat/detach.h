/* --detach and --attach: a background pflask holds the container's pty and lends it to one
 * attached client at a time.
 *
 * The background pflask listens on the abstract AF_UNIX socket "\0pflask/PID" (PID: its own,
 * the one --detach prints). Abstract names need no file to clean up after a SIGKILL, but
 * anyone may bind one, so both ends check the other with SO_PEERCRED: the server takes only
 * clients of its own uid, the client only a server whose pid is PID and whose uid is its own.
 *
 * The socket is SOCK_SEQPACKET, so every message arrives whole: one type byte, then its
 * payload. Window sizes travel in band, which keeps the client a plain proxy that needs to
 * hand over no file descriptor and can never be left holding the pty.
 *
 *   server -> client   'A'             accepted: the terminal is the client's now
 *                      'E' text        refused, or the container could not be deleted
 *                      'D' bytes       output of the pty
 *                      'X' int32       the container exited with this status (128+N for
 *                                      signal N) and has been deleted
 *   client -> server   'D' bytes       input for the pty
 *                      'W' winsize     the client's window size (struct winsize), first
 *                                      right after 'A', then on every SIGWINCH
 *
 * ^@ (a NUL byte typed by the user) never reaches the socket: the client stops there and
 * closes it, which is all a detach is. */
#ifndef PF_COMPAT_DETACH_H
#define PF_COMPAT_DETACH_H

#include <stddef.h>
#include <sys/types.h>
#include <sys/un.h>

#include "bundle/error.h"
#include "bundle/model.h"
#include "compat/pflask.h"
#include "runtime/container.h"

enum {
	PF_DT_ACCEPT = 'A',
	PF_DT_ERROR = 'E',
	PF_DT_DATA = 'D',
	PF_DT_EXIT = 'X',
	PF_DT_WINSIZE = 'W',
};

#define PF_DT_PAYLOAD_MAX 4096

/* The address of the background pflask with this pid; *len is for bind/connect. */
void pf_detach_address(pid_t pid, struct sockaddr_un *addr, socklen_t *len);
/* One message; MSG_NOSIGNAL, so a peer gone is an error, never a SIGPIPE. */
int pf_detach_send(int sock, char type, const void *payload, size_t len);

/* supervise.c: runs spec as container id (NULL: pflask-<our pid>), as pf_supervise does in
 * the foreground; ro says who serves the pty, bundle is what relative paths of spec are
 * relative to. Takes ownership of spec. */
int pf_supervise_run(struct pf_spec *spec, const struct pf_extras *x, const char *id,
		     const char *bundle, const struct pf_run_opts *ro, struct pf_error *err);
/* detach.c: forks the background pflask, which runs the container and serves its pty; the
 * caller's process prints that pflask's pid and returns 0 once the container runs, or fails
 * with the error that kept it from running. Without --name the container is pflask-<that
 * pid>, so the ID and the pid to attach to agree. Takes ownership of spec. */
int pf_detach(const struct pf_options *o, struct pf_spec *spec, const struct pf_extras *x,
	      const char *bundle, struct pf_error *err);

#endif
