#include "runtime/sync.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "runtime/fdpass.h"

#define PAYLOAD_MAX (16u << 20)

struct wire {
	uint32_t type;
	int32_t value;
	uint32_t len;
};

const char *pf_msg_name(uint32_t type)
{
	static const char *const names[] = {
		[PF_MSG_PARENT_READY] = "PARENT_READY", [PF_MSG_USERNS_READY] = "USERNS_READY",
		[PF_MSG_IDMAP_DONE] = "IDMAP_DONE",     [PF_MSG_INIT_PID] = "INIT_PID",
		[PF_MSG_MOUNTS_READY] = "MOUNTS_READY", [PF_MSG_HOOKS_DONE] = "HOOKS_DONE",
		[PF_MSG_CONSOLE] = "CONSOLE",           [PF_MSG_SECCOMP_FD] = "SECCOMP_FD",
		[PF_MSG_READY] = "READY",               [PF_MSG_ERROR] = "ERROR",
		[PF_MSG_NS_MADE] = "NS_MADE",
	};

	return type < sizeof(names) / sizeof(names[0]) && names[type] ? names[type] : "UNKNOWN";
}

int pf_sync_pair(int fds[2], struct pf_error *err)
{
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0)
		return pf_fail_errno(err, errno, "socketpair");
	return 0;
}

static int read_all(int sock, char *buf, size_t len)
{
	while (len) {
		ssize_t n = recv(sock, buf, len, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EPIPE;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

int pf_sync_send(int sock, uint32_t type, int32_t value, const char *payload, size_t len,
		 int fd, struct pf_error *err)
{
	struct wire w = { type, value, (uint32_t)len };

	if (len > PAYLOAD_MAX)
		return pf_fail(err, EMSGSIZE, "sync %s: payload too large", pf_msg_name(type));
	if (pf_send_with_fd(sock, &w, sizeof(w), fd) < 0 ||
	    (len && pf_send_with_fd(sock, payload, len, -1) < 0))
		return pf_fail_errno(err, errno, "sync: send %s", pf_msg_name(type));
	return 0;
}

static int recv_header(int sock, struct wire *w, int *fd)
{
	struct iovec iov = { w, sizeof(*w) };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf,
			     .msg_controllen = sizeof(ctl.buf) };
	ssize_t n;

	*fd = -1;
	do
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n <= 0) {
		if (n == 0)
			errno = EPIPE;
		return -1;
	}
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
			memcpy(fd, CMSG_DATA(c), sizeof(int));
	if (n < (ssize_t)sizeof(*w))
		return read_all(sock, (char *)w + n, sizeof(*w) - (size_t)n);
	return 0;
}

static int receive(int sock, struct pf_msg *msg)
{
	struct wire w = { 0 };

	memset(msg, 0, sizeof(*msg));
	if (recv_header(sock, &w, &msg->fd) < 0)
		return -1;
	msg->type = w.type;
	msg->value = w.value;
	msg->len = w.len;
	if (w.len > PAYLOAD_MAX) {
		errno = EMSGSIZE;
		return -1;
	}
	msg->payload = malloc((size_t)w.len + 1);
	if (!msg->payload || read_all(sock, msg->payload, w.len) < 0)
		return -1;
	msg->payload[w.len] = '\0';
	return 0;
}

int pf_sync_expect(int sock, uint32_t want, struct pf_msg *msg, struct pf_error *err)
{
	if (receive(sock, msg) < 0) {
		int e = errno;
		pf_msg_clear(msg);
		if (e == EPIPE || e == ECONNRESET)
			return pf_fail(err, EPIPE, "init exited before %s", pf_msg_name(want));
		return pf_fail_errno(err, e, "sync: receive %s", pf_msg_name(want));
	}
	if (msg->type == PF_MSG_ERROR && want != PF_MSG_ERROR) {
		pf_fail(err, msg->value, "%s", msg->payload ? msg->payload : "init failed");
		pf_msg_clear(msg);
		return -1;
	}
	if (msg->type != want) {
		pf_fail(err, EPROTO, "sync: expected %s, got %s", pf_msg_name(want),
			pf_msg_name(msg->type));
		pf_msg_clear(msg);
		return -1;
	}
	return 0;
}

void pf_sync_send_error(int sock, const struct pf_error *err)
{
	pf_sync_send(sock, PF_MSG_ERROR, err->err, err->msg, strlen(err->msg), -1, NULL);
}

void pf_msg_clear(struct pf_msg *msg)
{
	free(msg->payload);
	msg->payload = NULL;
	if (msg->fd >= 0)
		close(msg->fd);
	msg->fd = -1;
}
