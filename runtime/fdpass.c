#include "runtime/fdpass.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "bundle/cleanup.h"

int pf_send_with_fd(int sock, const void *buf, size_t len, int fd)
{
	struct iovec iov = { (void *)buf, len };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	const char *p = buf;
	ssize_t n;

	if (fd >= 0) {
		struct cmsghdr *c;

		memset(&ctl, 0, sizeof(ctl));
		mh.msg_control = ctl.buf;
		mh.msg_controllen = sizeof(ctl.buf);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	do
		n = sendmsg(sock, &mh, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	/* a stream socket may take the rest in later sends; the fd went with the first bytes */
	while (n >= 0 && (size_t)n < len) {
		ssize_t m = send(sock, p + n, len - (size_t)n, MSG_NOSIGNAL);

		if (m < 0 && errno != EINTR)
			return -1;
		n += m > 0 ? m : 0;
	}
	return n < 0 ? -1 : 0;
}

int pf_unix_connect(const char *path, const char *what, struct pf_error *err)
{
	_cleanup_close_ int sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un addr = { .sun_family = AF_UNIX };

	if (sock < 0)
		return pf_fail_errno(err, errno, "%s: socket", what);
	if (strlen(path) >= sizeof(addr.sun_path))
		return pf_fail(err, ENAMETOOLONG, "%s %s: path too long", what, path);
	strcpy(addr.sun_path, path);
	if (connect(sock, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		return pf_fail_errno(err, errno, "%s %s", what, path);
	return pf_steal_fd(&sock);
}
