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
#include "runtime/fdpass.h"

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
	_cleanup_close_ int sock = pf_unix_connect(path, "--console-socket", err);
	static const char name[] = "/dev/ptmx";   /* what runc sends along */

	if (sock < 0)
		return -1;
	if (pf_send_with_fd(sock, name, sizeof(name) - 1, master) < 0)
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
