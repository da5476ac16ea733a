#include "runtime/console.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "bundle/cleanup.h"

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

int pf_console_create(const struct pf_console_size *size, int *master, int *slave,
		      struct pf_error *err)
{
	_cleanup_close_ int m = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	int unlock = 0, s;

	if (m < 0)
		return pf_fail_errno(err, errno, "open /dev/ptmx");
	if (ioctl(m, TIOCSPTLCK, &unlock) < 0)
		return pf_fail_errno(err, errno, "unlock pty");
	s = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (s < 0)
		return pf_fail_errno(err, errno, "open pty slave");
	if (size) {
		struct winsize ws = { .ws_row = (unsigned short)size->height.v,
				      .ws_col = (unsigned short)size->width.v };
		ioctl(s, TIOCSWINSZ, &ws);
	}
	*master = pf_steal_fd(&m);
	*slave = s;
	return 0;
}

int pf_console_become_controlling(int slave, struct pf_error *err)
{
	if (ioctl(slave, TIOCSCTTY, 0) < 0)
		return pf_fail_errno(err, errno, "set controlling terminal");
	for (int fd = 0; fd < 3; fd++)
		if (dup2(slave, fd) < 0)
			return pf_fail_errno(err, errno, "dup pty to fd %d", fd);
	return 0;
}

int pf_console_send(const char *path, int master, struct pf_error *err)
{
	_cleanup_close_ int sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	char name[] = "/dev/ptmx";
	struct iovec iov = { name, sizeof(name) - 1 };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf,
			     .msg_controllen = sizeof(ctl.buf) };
	struct cmsghdr *c;

	if (sock < 0)
		return pf_fail_errno(err, errno, "console socket");
	if (strlen(path) >= sizeof(addr.sun_path))
		return pf_fail(err, ENAMETOOLONG, "--console-socket %s: path too long", path);
	strcpy(addr.sun_path, path);
	if (connect(sock, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		return pf_fail_errno(err, errno, "--console-socket %s", path);
	memset(&ctl, 0, sizeof(ctl));
	c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &master, sizeof(int));
	if (sendmsg(sock, &mh, MSG_NOSIGNAL) < 0)
		return pf_fail_errno(err, errno, "send pty to %s", path);
	return 0;
}

static int copy_once(int from, int to)
{
	char buf[8192];
	ssize_t n = read(from, buf, sizeof(buf));

	if (n <= 0)
		return -1;
	for (ssize_t off = 0; off < n;) {
		ssize_t w = write(to, buf + off, (size_t)(n - off));

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		off += w;
	}
	return 0;
}

void pf_console_copy_winsize(int master)
{
	struct winsize ws;

	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
		ioctl(master, TIOCSWINSZ, &ws);
}

int pf_console_proxy(int master, int signal_fd, pid_t init, int *status, struct pf_error *err)
{
	struct termios saved, raw;
	bool tty = tcgetattr(STDIN_FILENO, &saved) == 0;
	bool stdin_open = true, done = false;

	if (tty) {
		raw = saved;
		cfmakeraw(&raw);
		tcsetattr(STDIN_FILENO, TCSANOW, &raw);
		pf_console_copy_winsize(master);
	}
	while (!done) {
		struct pollfd p[3] = { { master, POLLIN, 0 }, { signal_fd, POLLIN, 0 },
				       { stdin_open ? STDIN_FILENO : -1, POLLIN, 0 } };

		if (poll(p, 3, -1) < 0 && errno != EINTR)
			break;
		if (p[2].revents & (POLLIN | POLLHUP) && copy_once(STDIN_FILENO, master) < 0)
			stdin_open = false;
		if (p[0].revents & POLLIN && copy_once(master, STDOUT_FILENO) < 0)
			done = true;
		else if (p[0].revents & (POLLHUP | POLLERR))
			done = true;
		if (p[1].revents & POLLIN) {
			struct signalfd_siginfo si;

			if (read(signal_fd, &si, sizeof(si)) == sizeof(si)) {
				if (si.ssi_signo == SIGWINCH && tty)
					pf_console_copy_winsize(master);
				else if (si.ssi_signo != SIGCHLD)
					kill(init, (int)si.ssi_signo);
				else if (waitpid(init, status, WNOHANG) == init)
					init = 0;
			}
		}
	}
	if (tty)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	if (init > 0 && waitpid(init, status, 0) < 0)
		return pf_fail_errno(err, errno, "wait for init");
	return 0;
}
