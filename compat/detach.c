/* --detach: the background pflask. It runs the container as a foreground pflask would (its
 * init's parent, forwarding signals, deleting it at the end) but serves the pty to clients of
 * the socket described in compat/detach.h instead of to its own stdio. The pflask the user
 * started waits only until the container runs, prints the background pid and exits. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "bundle/cleanup.h"
#include "bundle/config.h"
#include "compat/detach.h"

/* what the background pflask tells the one waiting for it, in one write */
#define REPORT_READY 'R'
#define REPORT_ERROR 'E'

struct server {
	int report;                 /* pipe to the waiting pflask; -1 once told */
	int listener;
	int client;                 /* -1 while detached */
	int master;
	pid_t init;
	int status;
	bool init_done, master_done;
	char input[PF_DT_PAYLOAD_MAX];  /* from the client, not yet taken by the pty */
	size_t in_len, in_off;
};

void pf_detach_address(pid_t pid, struct sockaddr_un *addr, socklen_t *len)
{
	int n;

	memset(addr, 0, sizeof(*addr));
	addr->sun_family = AF_UNIX;
	/* sun_path[0] stays NUL: an abstract name, gone with the last socket bound to it */
	n = snprintf(addr->sun_path + 1, sizeof(addr->sun_path) - 1, "pflask/%d", (int)pid);
	*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + (size_t)n);
}

int pf_detach_send(int sock, char type, const void *payload, size_t len)
{
	char buf[1 + PF_DT_PAYLOAD_MAX];
	ssize_t n;

	if (len > PF_DT_PAYLOAD_MAX)
		len = PF_DT_PAYLOAD_MAX;
	buf[0] = type;
	if (len)
		memcpy(buf + 1, payload, len);
	do
		n = send(sock, buf, len + 1, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)(len + 1) ? 0 : -1;
}

static void send_text(int sock, char type, const char *text)
{
	pf_detach_send(sock, type, text, strlen(text));
}

static void report(struct server *s, char type, const char *msg)
{
	char buf[1 + PF_ERROR_MAX];
	size_t n = strnlen(msg, PF_ERROR_MAX - 1);

	if (s->report < 0)
		return;
	buf[0] = type;
	memcpy(buf + 1, msg, n);
	/* at most PIPE_BUF bytes: one write, read whole */
	if (write(s->report, buf, n + 1) < 0) {
		/* the waiting pflask is gone: there is nobody to tell */
	}
	close(s->report);
	s->report = -1;
}

static int open_listener(struct server *s, struct pf_error *err)
{
	struct sockaddr_un addr;
	socklen_t len;

	s->listener = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (s->listener < 0)
		return pf_fail_errno(err, errno, "--detach: socket");
	pf_detach_address(getpid(), &addr, &len);
	if (bind(s->listener, (struct sockaddr *)&addr, len) < 0 || listen(s->listener, 4) < 0)
		return pf_fail_errno(err, errno, "--detach: listen on @%s", addr.sun_path + 1);
	return 0;
}

static void drop_client(struct server *s)
{
	if (s->client >= 0)
		close(s->client);
	s->client = -1;
	s->in_len = s->in_off = 0;
}

static void on_connect(struct server *s)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	int fd = accept4(s->listener, NULL, NULL, SOCK_CLOEXEC);

	if (fd < 0)
		return;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 || cred.uid != getuid()) {
		send_text(fd, PF_DT_ERROR, "permission denied");
		close(fd);
	} else if (s->client >= 0) {
		send_text(fd, PF_DT_ERROR, "another terminal is attached");
		close(fd);
	} else if (pf_detach_send(fd, PF_DT_ACCEPT, NULL, 0) < 0) {
		close(fd);
	} else {
		s->client = fd;
	}
}

/* A message from the client: input is held until the pty takes it, and the client is not
 * read meanwhile, so a container that reads nothing slows the client down, never us. */
static void on_client(struct server *s)
{
	char buf[1 + PF_DT_PAYLOAD_MAX];
	ssize_t n = recv(s->client, buf, sizeof(buf), 0);

	if (n < 0 && errno == EINTR)
		return;
	if (n <= 0) {
		drop_client(s);    /* ^@ or a client gone: detached */
		return;
	}
	if (buf[0] == PF_DT_DATA && n > 1) {
		memcpy(s->input, buf + 1, (size_t)n - 1);
		s->in_len = (size_t)n - 1;
		s->in_off = 0;
	} else if (buf[0] == PF_DT_WINSIZE && n == 1 + (ssize_t)sizeof(struct winsize)) {
		struct winsize ws;

		memcpy(&ws, buf + 1, sizeof(ws));
		/* the kernel sends SIGWINCH to the pty's foreground group */
		ioctl(s->master, TIOCSWINSZ, &ws);
	}
}

static void on_writable(struct server *s)
{
	ssize_t n = write(s->master, s->input + s->in_off, s->in_len - s->in_off);

	if (n > 0)
		s->in_off += (size_t)n;
	if ((n < 0 && errno != EAGAIN && errno != EINTR) || s->in_off == s->in_len)
		s->in_len = s->in_off = 0;
}

/* Output goes to the client, or nowhere while nobody is attached. */
static bool on_output(struct server *s)
{
	char buf[PF_DT_PAYLOAD_MAX];
	ssize_t n = read(s->master, buf, sizeof(buf));

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return false;
	if (n <= 0) {
		/* EIO: no slave is open any more */
		s->master_done = true;
		return false;
	}
	if (s->client >= 0 && pf_detach_send(s->client, PF_DT_DATA, buf, (size_t)n) < 0)
		drop_client(s);
	return true;
}

/* We are init's parent and a subreaper: every child is ours to reap. */
static void on_signal(struct server *s, int sfd)
{
	struct signalfd_siginfo si;
	pid_t pid;
	int st;

	if (read(sfd, &si, sizeof(si)) != sizeof(si))
		return;
	if (si.ssi_signo == SIGCHLD) {
		while ((pid = waitpid(-1, &st, WNOHANG | __WALL)) > 0)
			if (pid == s->init) {
				s->status = st;
				s->init_done = true;
			}
	} else if (si.ssi_signo != SIGWINCH) {
		kill(s->init, (int)si.ssi_signo);
	}
}

static void serve_loop(struct server *s, int sfd)
{
	while (!s->init_done) {
		struct pollfd p[4] = {
			{ s->master_done ? -1 : s->master, (short)(POLLIN | (s->in_len ? POLLOUT : 0)), 0 },
			{ sfd, POLLIN, 0 },
			{ s->listener, POLLIN, 0 },
			{ s->in_len ? -1 : s->client, POLLIN, 0 },
		};

		if (poll(p, 4, -1) < 0) {
			if (errno == EINTR)
				continue;
			/* nothing left to serve with: the container cannot go on unwatched */
			kill(s->init, SIGKILL);
			if (waitpid(s->init, &s->status, __WALL) == s->init)
				s->init_done = true;
			continue;
		}
		if (p[1].revents & POLLIN)
			on_signal(s, sfd);
		if (p[0].revents & POLLOUT)
			on_writable(s);
		if (p[0].revents & (POLLIN | POLLHUP | POLLERR))
			on_output(s);
		if (p[2].revents & POLLIN)
			on_connect(s);
		if (p[3].revents & (POLLIN | POLLHUP | POLLERR))
			on_client(s);
	}
}

/* pf_run_opts.console: from here the container runs, and the waiting pflask may go. */
static int serve(int master, int sfd, pid_t init, int *status, void *arg, struct pf_error *err)
{
	struct server *s = arg;
	struct pf_error lerr = { 0 };
	int drained = 0;

	(void)err;
	s->master = master;
	s->init = init;
	fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
	if (open_listener(s, &lerr) < 0) {
		/* unreachable, the container would be useless: it goes, and the error is told */
		report(s, REPORT_ERROR, lerr.msg);
		kill(init, SIGKILL);
	} else {
		report(s, REPORT_READY, "");
	}
	serve_loop(s, sfd);
	/* no new client while the container is deleted; the attached one waits for its status */
	if (s->listener >= 0)
		close(s->listener);
	s->listener = -1;
	/* what the last processes wrote, within reason (one that holds the pty may go on) */
	while (!s->master_done && drained++ < 256 && on_output(s))
		;
	*status = s->status;
	return 0;
}

/* The background pflask's last word to its client, once the container is deleted. */
static void finish(struct server *s, int rc, const struct pf_error *err)
{
	int32_t code = rc;

	if (s->client < 0)
		return;
	if (rc >= 0)
		pf_detach_send(s->client, PF_DT_EXIT, &code, sizeof(code));
	else
		send_text(s->client, PF_DT_ERROR, err->msg);
	drop_client(s);
}

/* Detached from the caller's session and stdio: nothing of the terminal or the caller's
 * pipes (a test harness waits for those to close) may stay open here. */
static int become_background(int report)
{
	/* out of the way of 0, 1 and 2 first, should the caller have started us without them */
	int moved = fcntl(report, F_DUPFD_CLOEXEC, 10), null;

	if (moved < 0 || setsid() < 0)
		return -1;
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null < 0)
		return -1;
	for (int fd = 0; fd < 3; fd++)
		if (dup2(null, fd) < 0)
			return -1;
	if (dup3(moved, 3, O_CLOEXEC) < 0)
		return -1;
	close_range(4, ~0U, 0);
	return chdir("/") < 0 ? -1 : 3;
}

static void __attribute__((noreturn))
background(struct pf_spec *spec, const struct pf_extras *x, const char *id, const char *bundle,
	   int report_fd)
{
	struct server s = { .report = -1, .listener = -1, .client = -1, .master = -1 };
	struct pf_run_opts ro = { .console = serve, .console_arg = &s };
	struct pf_error err = { 0 };
	int rc;

	s.report = become_background(report_fd);
	if (s.report < 0)
		_exit(1);
	rc = pf_supervise_run(spec, x, id, bundle, &ro, &err);
	/* still untold: the container never ran */
	if (s.report >= 0)
		report(&s, REPORT_ERROR, rc < 0 ? err.msg : "--detach: the container has no pty");
	finish(&s, rc, &err);
	_exit(rc < 0 ? 1 : rc);
}

static void default_console_size(struct pf_process *p)
{
	struct winsize ws = { .ws_row = 24, .ws_col = 80 };

	if (p->console_size)
		return;
	p->console_size = calloc(1, sizeof(*p->console_size));
	if (!p->console_size)
		return;
	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) < 0 || !ws.ws_row || !ws.ws_col)
		ws = (struct winsize){ .ws_row = 24, .ws_col = 80 };
	p->console_size->height = (pf_uint){ true, ws.ws_row };
	p->console_size->width = (pf_uint){ true, ws.ws_col };
}

/* The waiting side: the background pflask's report, as one read. */
static int wait_report(int fd, struct pf_error *err)
{
	char buf[1 + PF_ERROR_MAX];
	ssize_t n;

	do
		n = read(fd, buf, sizeof(buf) - 1);
	while (n < 0 && errno == EINTR);
	if (n > 0 && buf[0] == REPORT_READY)
		return 0;
	if (n > 1 && buf[0] == REPORT_ERROR) {
		buf[n] = '\0';
		return pf_fail(err, 0, "%s", buf + 1);
	}
	return pf_fail(err, EPIPE, "--detach: the background pflask exited before the container "
		       "ran");
}

/* --name, or NULL for the default: the options may have filled in pflask-<our pid> already,
 * which is not the pid --attach will take. */
static const char *given_name(const struct pf_options *o)
{
	char mine[32];

	snprintf(mine, sizeof(mine), "pflask-%d", (int)getpid());
	return o->name && strcmp(o->name, mine) != 0 ? o->name : NULL;
}

int pf_detach(const struct pf_options *o, struct pf_spec *spec, const struct pf_extras *x,
	      const char *bundle, struct pf_error *err)
{
	const char *id = given_name(o);
	_cleanup_close_ int rd = -1;
	int fds[2];
	pid_t pid;

	if (!spec->process) {
		pf_spec_free(spec);
		return pf_fail(err, EINVAL, "--detach: the config has no process");
	}
	/* the pty is what an attached terminal talks to, whatever stdin is now */
	spec->process->terminal = (pf_bool){ true, true };
	default_console_size(spec->process);
	if (pipe2(fds, O_CLOEXEC) < 0) {
		pf_spec_free(spec);
		return pf_fail_errno(err, errno, "--detach: pipe");
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		background(spec, x, id, bundle, fds[1]);
	}
	close(fds[1]);
	rd = fds[0];
	pf_spec_free(spec);
	if (pid < 0)
		return pf_fail_errno(err, errno, "--detach: fork");
	if (wait_report(rd, err) < 0) {
		/* it exits right after telling: nothing of it stays */
		waitpid(pid, NULL, 0);
		return -1;
	}
	/* the command's output: the pid to give to --attach */
	printf("%d\n", (int)pid);
	return 0;
}
