/* --attach=PID: this terminal, proxied to the pty a background pflask holds (the protocol is
 * in compat/detach.h). Raw mode while attached, the window size sent along; ^@ detaches. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include "bundle/cleanup.h"
#include "bundle/json.h"
#include "compat/detach.h"
#include "compat/supervise.h"

#define DETACH_KEY '\0'   /* ^@ */

struct client {
	pid_t pid;
	int sock;
	int sfd;
	bool stdin_open;
	bool done;
	int result;           /* the exit status once done; -1 with err set on failure */
};

static int connect_to(pid_t pid, struct pf_error *err)
{
	_cleanup_close_ int sock = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	struct sockaddr_un addr;
	struct ucred cred;
	socklen_t len;

	if (sock < 0)
		return pf_fail_errno(err, errno, "--attach=%d: socket", (int)pid);
	pf_detach_address(pid, &addr, &len);
	if (connect(sock, (struct sockaddr *)&addr, len) < 0) {
		if (errno == ECONNREFUSED || errno == ENOENT)
			return pf_fail(err, ESRCH, "--attach=%d: no detached pflask with this pid",
				       (int)pid);
		return pf_fail_errno(err, errno, "--attach=%d", (int)pid);
	}
	len = sizeof(cred);
	if (getsockopt(sock, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
		return pf_fail_errno(err, errno, "--attach=%d", (int)pid);
	/* abstract names are anyone's to bind: only the pflask with that pid is believed */
	if (cred.pid != pid)
		return pf_fail(err, ESRCH, "--attach=%d: no detached pflask with this pid",
			       (int)pid);
	if (cred.uid != getuid())
		return pf_fail(err, EPERM, "--attach=%d: permission denied", (int)pid);
	return pf_steal_fd(&sock);
}

/* The server's first word: accepted, or why not. */
static int handshake(int sock, pid_t pid, struct pf_error *err)
{
	char buf[1 + PF_DT_PAYLOAD_MAX];
	ssize_t n;

	do
		n = recv(sock, buf, sizeof(buf) - 1, 0);
	while (n < 0 && errno == EINTR);
	if (n > 0 && buf[0] == PF_DT_ACCEPT)
		return 0;
	if (n > 0 && buf[0] == PF_DT_ERROR) {
		buf[n] = '\0';
		return pf_fail(err, EPERM, "--attach=%d: %s", (int)pid, buf + 1);
	}
	return pf_fail(err, EPROTO, "--attach=%d: no detached pflask with this pid", (int)pid);
}

static void send_winsize(int sock)
{
	struct winsize ws;

	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
		pf_detach_send(sock, PF_DT_WINSIZE, &ws, sizeof(ws));
}

/* Keys typed: everything up to ^@ goes to the pty; ^@ itself detaches. */
static void on_stdin(struct client *c, struct pf_error *err)
{
	char buf[PF_DT_PAYLOAD_MAX];
	ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));
	char *stop;
	size_t len;

	if (n < 0 && errno == EINTR)
		return;
	if (n <= 0) {
		/* no more input (a pipe, say): the output still comes, until the container ends */
		c->stdin_open = false;
		return;
	}
	stop = memchr(buf, DETACH_KEY, (size_t)n);
	len = stop ? (size_t)(stop - buf) : (size_t)n;
	if (stop != buf && pf_detach_send(c->sock, PF_DT_DATA, buf, len) < 0) {
		c->result = pf_fail_errno(err, errno, "--attach=%d", (int)c->pid);
		c->done = true;
	} else if (stop) {
		c->result = 0;
		c->done = true;
	}
}

static void on_server(struct client *c, struct pf_error *err)
{
	char buf[1 + PF_DT_PAYLOAD_MAX];
	ssize_t n = recv(c->sock, buf, sizeof(buf) - 1, 0);
	int32_t code;

	if (n < 0 && errno == EINTR)
		return;
	if (n <= 0) {
		c->result = pf_fail(err, EPIPE, "--attach=%d: the detached pflask went away",
				    (int)c->pid);
		c->done = true;
		return;
	}
	switch (buf[0]) {
	case PF_DT_DATA:
		if (pf_write_all(STDOUT_FILENO, buf + 1, (size_t)n - 1) < 0) {
			c->result = pf_fail_errno(err, errno, "--attach=%d: write", (int)c->pid);
			c->done = true;
		}
		break;
	case PF_DT_EXIT:
		if (n != 1 + (ssize_t)sizeof(code))
			break;
		memcpy(&code, buf + 1, sizeof(code));
		c->result = code;
		c->done = true;
		break;
	case PF_DT_ERROR:
		buf[n] = '\0';
		c->result = pf_fail(err, 0, "--attach=%d: %s", (int)c->pid, buf + 1);
		c->done = true;
		break;
	default:
		break;    /* unknown: ignored, for a newer server's sake */
	}
}

/* SIGWINCH is passed on; a signal that would end us ends the attachment instead, with the
 * terminal restored. */
static void on_signal(struct client *c)
{
	struct signalfd_siginfo si;

	if (read(c->sfd, &si, sizeof(si)) != sizeof(si))
		return;
	if (si.ssi_signo == SIGWINCH) {
		send_winsize(c->sock);
		return;
	}
	c->result = 128 + (int)si.ssi_signo;
	c->done = true;
}

static void proxy(struct client *c, struct pf_error *err)
{
	while (!c->done) {
		struct pollfd p[3] = { { c->stdin_open ? STDIN_FILENO : -1, POLLIN, 0 },
				       { c->sock, POLLIN, 0 },
				       { c->sfd, POLLIN, 0 } };

		if (poll(p, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			c->result = pf_fail_errno(err, errno, "--attach=%d: poll", (int)c->pid);
			return;
		}
		if (p[2].revents & POLLIN)
			on_signal(c);
		if (!c->done && p[1].revents & (POLLIN | POLLHUP | POLLERR))
			on_server(c, err);
		if (!c->done && p[0].revents & (POLLIN | POLLHUP | POLLERR))
			on_stdin(c, err);
	}
}

int pf_attach(pid_t pid, struct pf_error *err)
{
	static const int caught[] = { SIGWINCH, SIGHUP, SIGINT, SIGQUIT, SIGTERM };
	struct client c = { .pid = pid, .stdin_open = true, .result = 0 };
	_cleanup_close_ int sock = -1, sfd = -1;
	struct termios saved, raw;
	sigset_t set, old;
	bool tty;

	sock = connect_to(pid, err);
	if (sock < 0 || handshake(sock, pid, err) < 0)
		return -1;
	sigemptyset(&set);
	for (size_t i = 0; i < sizeof(caught) / sizeof(caught[0]); i++)
		sigaddset(&set, caught[i]);
	sigprocmask(SIG_BLOCK, &set, &old);
	sfd = signalfd(-1, &set, SFD_CLOEXEC);
	if (sfd < 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		return pf_fail_errno(err, errno, "--attach=%d: signalfd", (int)pid);
	}
	tty = tcgetattr(STDIN_FILENO, &saved) == 0;
	if (tty) {
		raw = saved;
		cfmakeraw(&raw);
		tcsetattr(STDIN_FILENO, TCSANOW, &raw);
		send_winsize(sock);
	}
	c.sock = sock;
	c.sfd = sfd;
	proxy(&c, err);
	if (tty)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return c.result;
}
