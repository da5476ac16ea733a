/* Sending bytes with a file descriptor over an AF_UNIX socket (SCM_RIGHTS), and connecting to
 * a socket by path: the sync protocol, --console-socket and seccomp listeners all need them. */
#ifndef PF_FDPASS_H
#define PF_FDPASS_H

#include <stddef.h>

#include "bundle/error.h"

/* Sends all of buf; fd (if >= 0) travels with the first bytes. No SIGPIPE. 0 or -1 (errno). */
int pf_send_with_fd(int sock, const void *buf, size_t len, int fd);
/* A connected AF_UNIX stream socket (close-on-exec); what names the path in errors. */
int pf_unix_connect(const char *path, const char *what, struct pf_error *err);

#endif
