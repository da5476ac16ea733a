/* The named messages between the runtime (parent, P) and the container's init (child, C),
 * over a socketpair made before clone. Each side expects one message at a time; anything
 * else is a protocol error, and PF_MSG_ERROR carries the child's failure up to the parent,
 * which is the only side that reports.
 *
 *   step  direction  message              payload              when
 *   0     C -> P     PF_MSG_NS_MADE       -                    only when C unshares namespaces
 *                                                              right after clone (early_flags)
 *   1     P -> C     PF_MSG_PARENT_READY  host pid, state JSON, after clone: id maps written
 *                                         exec fifo (fd)       (user ns by clone), cgroup joined
 *   2     C -> P     PF_MSG_USERNS_READY  -                    only when C unshared a user ns
 *   3     P -> C     PF_MSG_IDMAP_DONE    -                    reply to 2, maps written
 *   4     C -> P     PF_MSG_INIT_PID      host pid of init     only when C forked again (a
 *                                                              joined pid ns, or namespaces
 *                                                              unshared after joining others)
 *   5     C -> P     PF_MSG_MOUNTS_READY  -                    mounts done, before pivot_root;
 *                                                              only with prestart/createRuntime
 *   6     P -> C     PF_MSG_HOOKS_DONE    -                    reply to 5, hooks succeeded
 *   7     C -> P     PF_MSG_CONSOLE       pty master (fd)      only with process.terminal
 *   8     C -> P     PF_MSG_SECCOMP_FD    listener fd (fd)     only when linux.seccomp uses
 *                                                              SCMP_ACT_NOTIFY: the filter is
 *                                                              loaded; P sends the fd to the
 *                                                              agent at listenerPath, no reply
 *   9     C -> P     PF_MSG_READY         -                    parked just before execve
 *   any   C -> P     PF_MSG_ERROR         message, errno       C failed and exits
 */
#ifndef PF_SYNC_H
#define PF_SYNC_H

#include <stddef.h>
#include <stdint.h>

#include "bundle/error.h"

enum pf_msg_type {
	PF_MSG_PARENT_READY = 1,
	PF_MSG_USERNS_READY,
	PF_MSG_IDMAP_DONE,
	PF_MSG_INIT_PID,
	PF_MSG_MOUNTS_READY,
	PF_MSG_HOOKS_DONE,
	PF_MSG_CONSOLE,
	PF_MSG_SECCOMP_FD,
	PF_MSG_READY,
	PF_MSG_ERROR,
	PF_MSG_NS_MADE,
};

struct pf_msg {
	uint32_t type;
	int32_t value;      /* errno for PF_MSG_ERROR, a pid for PARENT_READY and INIT_PID */
	char *payload;      /* NUL-terminated, malloc'd, may be NULL */
	size_t len;
	int fd;             /* received with SCM_RIGHTS, or -1 */
};

const char *pf_msg_name(uint32_t type);
int pf_sync_pair(int fds[2], struct pf_error *err);
/* Sends a message; fd >= 0 is passed along with SCM_RIGHTS. */
int pf_sync_send(int sock, uint32_t type, int32_t value, const char *payload, size_t len,
		 int fd, struct pf_error *err);
/* Receives the next message and checks it is `want`. A PF_MSG_ERROR from the peer becomes
 * err (its text and errno); EOF becomes "init exited before TYPE". */
int pf_sync_expect(int sock, uint32_t want, struct pf_msg *msg, struct pf_error *err);
/* The child's last word: its error, sent as PF_MSG_ERROR. */
void pf_sync_send_error(int sock, const struct pf_error *err);
void pf_msg_clear(struct pf_msg *msg);

#endif
