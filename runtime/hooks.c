/* OCI hooks: fork, execve with the configured args and env, the state JSON on stdin, stdout
 * shared with us, stderr through a pipe, and the timeout enforced with SIGKILL.
 *
 * One poll loop feeds stdin, reads stderr and waits for the exit, so a hook that never reads its
 * stdin (the state can be larger than a pipe holds) or writes a lot to stderr neither blocks us
 * nor escapes its timeout. The exit is watched through a pidfd; kernels before 5.3 get a 20 ms
 * waitpid poll instead.
 *
 * stderr is kept (its last 64 KiB; what falls out of that goes on to ours as it comes) so that a
 * failing hook's last word ends the error: "hook createRuntime[0] /bin/x: exited with status 1:
 * what x said". Everything else it wrote goes on to our stderr, unchanged, once it ends. */
#include "runtime/hooks.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bundle/cleanup.h"
#include "runtime/process.h"

#define FALLBACK_POLL_MS 20
#define STDERR_KEEP (64 * 1024)

struct hook_run {
	pid_t pid;
	int pidfd;          /* -1 without pidfd_open */
	int in;             /* our end of the hook's stdin; -1 once written or refused */
	const char *data;
	size_t len, off;
	int errout;         /* our end of the hook's stderr; -1 at its end */
	char *kept;         /* what it wrote there, the last STDERR_KEEP bytes at most */
	size_t kept_len;
	bool reaped;
	int status;
};

/* In the forked child: only what exec needs, then the errno of a failure on the error pipe. */
static __attribute__((noreturn)) void hook_child(const struct pf_hook *h, char **argv, char **envp,
						 int in, int out2, int errfd)
{
	sigset_t none;
	int e;

	signal(SIGPIPE, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* with our stdio closed the pipes can be fds 0-2: all three are lifted above 2 before
	 * any dup2 lands on one. Nothing of ours but stdio reaches the hook (the copies and errfd
	 * are close-on-exec). */
	in = fcntl(in, F_DUPFD_CLOEXEC, 3);
	out2 = fcntl(out2, F_DUPFD_CLOEXEC, 3);
	errfd = fcntl(errfd, F_DUPFD_CLOEXEC, 3);
	if (in >= 0 && out2 >= 0 && errfd >= 0 && dup2(in, 0) == 0 && dup2(out2, 2) == 2 &&
	    pf_fds_cloexec_from(3, NULL) == 0)
		execve(h->path, argv, envp);
	e = errno;
	if (write(errfd, &e, sizeof(e)) < 0)
		_exit(127);
	_exit(127);
}

/* NULL-terminated argv (args[0] from the config, the path when there are no args) and envp. */
static int hook_vectors(const struct pf_hook *h, char ***argv, char ***envp, struct pf_error *err)
{
	size_t na = h->args.n ? h->args.n : 1;

	*argv = calloc(na + 1, sizeof(**argv));
	*envp = calloc(h->env.n + 1, sizeof(**envp));
	if (!*argv || !*envp)
		return pf_fail_errno(err, ENOMEM, "hook");
	for (size_t i = 0; i < h->args.n; i++)
		(*argv)[i] = h->args.v[i];
	if (!h->args.n)
		(*argv)[0] = h->path;
	for (size_t i = 0; i < h->env.n; i++)
		(*envp)[i] = h->env.v[i];
	return 0;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Writes what the pipe takes now. A hook that exits or closes stdin unread makes EPIPE (the
 * SIGPIPE is blocked by the caller); it was free not to read, so that ends the input. */
static void feed(struct hook_run *r)
{
	while (r->in >= 0 && r->off < r->len) {
		ssize_t n = write(r->in, r->data + r->off, r->len - r->off);

		if (n > 0) {
			r->off += (size_t)n;
		} else if (n < 0 && errno == EINTR) {
			continue;
		} else if (n < 0 && errno == EAGAIN) {
			return;
		} else {
			break;
		}
	}
	close(r->in);
	r->in = -1;
}

static void pass_on(const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(2, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

/* Reads what the hook's stderr holds now; when the buffer is full its older half goes on to our
 * stderr, so a chatty hook neither blocks on a full pipe nor loses anything. */
static void drain(struct hook_run *r)
{
	while (r->errout >= 0) {
		ssize_t n;

		if (r->kept_len == STDERR_KEEP) {
			pass_on(r->kept, STDERR_KEEP / 2);
			memmove(r->kept, r->kept + STDERR_KEEP / 2, STDERR_KEEP / 2);
			r->kept_len = STDERR_KEEP / 2;
		}
		n = read(r->errout, r->kept + r->kept_len, STDERR_KEEP - r->kept_len);
		if (n > 0) {
			r->kept_len += (size_t)n;
		} else if (n < 0 && errno == EINTR) {
			continue;
		} else if (n < 0 && errno == EAGAIN) {
			return;
		} else {
			close(r->errout);
			r->errout = -1;
		}
	}
}

/* Polls until the hook exits or the deadline (-1: none) passes; returns 1 on exit, 0 on
 * timeout. */
static int supervise(struct hook_run *r, int64_t deadline, struct pf_error *err)
{
	for (;;) {
		struct pollfd fds[3] = { { r->in, POLLOUT, 0 }, { r->pidfd, POLLIN, 0 },
					 { r->errout, POLLIN, 0 } };
		int64_t left = deadline < 0 ? -1 : deadline - now_ms();
		int timeout_ms = left < 0 ? -1 : (int)(left > 60000 ? 60000 : left);

		if (r->off >= r->len && r->in >= 0)
			feed(r);
		if (deadline >= 0 && left <= 0)
			return 0;
		if (r->pidfd < 0 && (timeout_ms < 0 || timeout_ms > FALLBACK_POLL_MS))
			timeout_ms = FALLBACK_POLL_MS;
		if (poll(fds, 3, timeout_ms) < 0 && errno != EINTR)
			return pf_fail_errno(err, errno, "poll");
		if (fds[0].revents)
			feed(r);
		if (fds[2].revents)
			drain(r);
		if (fds[1].revents)
			return 1;
		if (r->pidfd < 0 && waitpid(r->pid, &r->status, WNOHANG) == r->pid) {
			r->reaped = true;
			return 1;
		}
	}
}

static int reap(struct hook_run *r)
{
	while (!r->reaped) {
		if (waitpid(r->pid, &r->status, 0) == r->pid)
			r->reaped = true;
		else if (errno != EINTR)
			return -1;
	}
	return 0;
}

/* How the hook ended, from its wait status and the errno its exec failed with (0: exec'd). */
static int outcome(const struct hook_run *r, int exec_errno, struct pf_error *err)
{
	if (exec_errno)
		return pf_fail_errno(err, exec_errno, "exec");
	if (WIFSIGNALED(r->status))
		return pf_fail(err, 0, "killed by signal %d", WTERMSIG(r->status));
	if (WIFEXITED(r->status) && WEXITSTATUS(r->status) != 0)
		return pf_fail(err, 0, "exited with status %d", WEXITSTATUS(r->status));
	return 0;
}

/* The program name a hook may start its messages with ("prog: ..."): the error names it. */
static size_t own_prefix(const struct pf_hook *h, const char *line, size_t len)
{
	const char *names[2] = { h->path, h->args.n ? h->args.v[0] : NULL };

	for (size_t i = 0; i < 2; i++) {
		const char *base = names[i] ? strrchr(names[i], '/') : NULL;
		size_t blen;

		base = base ? base + 1 : names[i];
		blen = base ? strlen(base) : 0;
		if (blen && len > blen + 2 && memcmp(line, base, blen) == 0 &&
		    memcmp(line + blen, ": ", 2) == 0)
			return blen + 2;
	}
	return 0;
}

/* What the hook wrote to stderr goes on to ours, except, when it failed (err set), its last
 * non-empty line: that one ends the error instead, so it is said once. */
static void report_stderr(const struct hook_run *r, const struct pf_hook *h, struct pf_error *err)
{
	const char *buf = r->kept;
	size_t end = 0, start = 0, skip, mlen;

	if (err)
		end = pf_last_line(buf, r->kept_len, &start);
	if (!err || end == 0) {
		pass_on(buf, r->kept_len);
		return;
	}
	pass_on(buf, start);
	skip = own_prefix(h, buf + start, end - start);
	mlen = strlen(err->msg);
	if (mlen + 2 < sizeof(err->msg)) {
		snprintf(err->msg + mlen, sizeof(err->msg) - mlen, ": %.*s",
			 (int)(end - start - skip), buf + start + skip);
		/* the message stays one line */
		for (char *p = err->msg + mlen; *p; p++)
			if ((unsigned char)*p < 0x20)
				*p = ' ';
	}
}

/* Runs the forked hook to its end; r->in, r->errout and the error pipe are ours to read or
 * close. */
static int finish(struct hook_run *r, const struct pf_hook *h, int errfd, struct pf_error *err)
{
	int64_t deadline = h->timeout.set ? now_ms() + h->timeout.v * 1000 : -1;
	int exec_errno = 0, done, rc;

	r->pidfd = (int)syscall(SYS_pidfd_open, r->pid, 0);
	if (fcntl(r->in, F_SETFL, O_NONBLOCK) < 0) {
		close(r->in); /* cannot happen on a fresh pipe; better no input than a hang */
		r->in = -1;
	}
	if (fcntl(r->errout, F_SETFL, O_NONBLOCK) < 0) {
		close(r->errout); /* as above: better its stderr lost than a hang */
		r->errout = -1;
	}
	done = supervise(r, deadline, err);
	if (done <= 0) /* timed out, or we can no longer watch it: it must not outlive us */
		kill(r->pid, SIGKILL);
	if (r->in >= 0)
		close(r->in);
	if (reap(r) < 0 && done >= 0)
		done = pf_fail_errno(err, errno, "waitpid");
	if (r->pidfd >= 0)
		close(r->pidfd);
	/* what is in the pipe now, without waiting for its end: a child the hook left running
	 * may hold it open */
	drain(r);
	if (r->errout >= 0)
		close(r->errout);
	r->errout = -1;
	if (done < 0)
		rc = -1;
	else if (done == 0)
		rc = pf_fail(err, ETIMEDOUT, "timed out after %llds", (long long)h->timeout.v);
	else if (read(errfd, &exec_errno, sizeof(exec_errno)) != (ssize_t)sizeof(exec_errno))
		rc = outcome(r, 0, err);
	else
		rc = outcome(r, exec_errno, err);
	report_stderr(r, h, rc < 0 ? err : NULL);
	return rc;
}

/* A pipe whose ends go to *ours and *theirs (close-on-exec both). */
static int make_pipe(int *ours, int *theirs, bool we_read, struct pf_error *err)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC) < 0)
		return pf_fail_errno(err, errno, "pipe");
	*ours = p[we_read ? 0 : 1];
	*theirs = p[we_read ? 1 : 0];
	return 0;
}

static int spawn(const struct pf_hook *h, const char *state, struct pf_error *err)
{
	_cleanup_free_ char **argv = NULL;
	_cleanup_free_ char **envp = NULL;
	_cleanup_free_ char *kept = malloc(STDERR_KEEP);
	_cleanup_close_ int in_w = -1;
	_cleanup_close_ int in_r = -1;
	_cleanup_close_ int out2_r = -1;
	_cleanup_close_ int out2_w = -1;
	_cleanup_close_ int err_r = -1;
	_cleanup_close_ int err_w = -1;
	struct hook_run r = { .pidfd = -1, .in = -1, .errout = -1, .data = state,
			      .len = strlen(state), .kept = kept };

	if (!kept)
		return pf_fail_errno(err, ENOMEM, "hook");
	if (hook_vectors(h, &argv, &envp, err) < 0 || make_pipe(&in_w, &in_r, false, err) < 0 ||
	    make_pipe(&out2_r, &out2_w, true, err) < 0 || make_pipe(&err_r, &err_w, true, err) < 0)
		return -1;
	r.pid = fork();
	if (r.pid < 0)
		return pf_fail_errno(err, errno, "fork");
	if (r.pid == 0)
		hook_child(h, argv, envp, in_r, out2_w, err_w);
	close(pf_steal_fd(&in_r));
	close(pf_steal_fd(&out2_w));
	close(pf_steal_fd(&err_w));
	r.in = pf_steal_fd(&in_w);
	r.errout = pf_steal_fd(&out2_r);
	return finish(&r, h, err_r, err);
}

/* SIGPIPE is blocked while we write; one our write raised is taken back before unblocking,
 * unless one was pending already (that one is not ours to swallow). */
static int run_one(const struct pf_hook *h, const char *state, struct pf_error *err)
{
	sigset_t pipe_only, old, pending;
	struct timespec zero = { 0, 0 };
	bool was_pending;
	int rc;

	if (h->timeout.set && h->timeout.v <= 0)
		return pf_fail(err, EINVAL, "timeout %lld must be greater than zero",
			       (long long)h->timeout.v);
	sigemptyset(&pipe_only);
	sigaddset(&pipe_only, SIGPIPE);
	sigpending(&pending);
	was_pending = sigismember(&pending, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_only, &old);
	rc = spawn(h, state, err);
	sigpending(&pending);
	if (!was_pending && sigismember(&pending, SIGPIPE))
		sigtimedwait(&pipe_only, NULL, &zero);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}

int pf_hooks_run(const pf_hooks *hooks, const char *kind, const char *state_json,
		 struct pf_error *err)
{
	if (!hooks)
		return 0;
	for (size_t i = 0; i < hooks->n; i++) {
		const struct pf_hook *h = &hooks->v[i];

		if (!h->path)
			return pf_fail(err, EINVAL, "hook %s[%zu]: path is missing", kind, i);
		if (run_one(h, state_json ? state_json : "", err) < 0)
			return pf_error_prefix(err, "hook %s[%zu] %s", kind, i, h->path);
	}
	return 0;
}
