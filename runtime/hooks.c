/* OCI hooks: fork, execve with the configured args and env, the state JSON on stdin, stdout and
 * stderr shared with us, and the timeout enforced with SIGKILL.
 *
 * One poll loop both feeds stdin and waits for the exit, so a hook that never reads its stdin
 * (the state can be larger than a pipe holds) neither blocks us nor escapes its timeout. The
 * exit is watched through a pidfd; kernels before 5.3 get a 20 ms waitpid poll instead. */
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

struct hook_run {
	pid_t pid;
	int pidfd;          /* -1 without pidfd_open */
	int in;             /* our end of the hook's stdin; -1 once written or refused */
	const char *data;
	size_t len, off;
	bool reaped;
	int status;
};

/* In the forked child: only what exec needs, then the errno of a failure on the error pipe. */
static __attribute__((noreturn)) void hook_child(const struct pf_hook *h, char **argv, char **envp,
						 int in, int errfd)
{
	sigset_t none;
	int e;

	signal(SIGPIPE, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* dup2 onto itself would keep close-on-exec: when our stdin was closed the pipe is fd 0.
	 * Nothing of ours but stdio reaches the hook (errfd is close-on-exec already). */
	if ((in == 0 ? fcntl(0, F_SETFD, 0) : dup2(in, 0)) == 0 &&
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

/* Polls until the hook exits or the deadline (-1: none) passes; returns 1 on exit, 0 on
 * timeout. */
static int supervise(struct hook_run *r, int64_t deadline, struct pf_error *err)
{
	for (;;) {
		struct pollfd fds[2] = { { r->in, POLLOUT, 0 }, { r->pidfd, POLLIN, 0 } };
		int64_t left = deadline < 0 ? -1 : deadline - now_ms();
		int timeout_ms = left < 0 ? -1 : (int)(left > 60000 ? 60000 : left);

		if (r->off >= r->len && r->in >= 0)
			feed(r);
		if (deadline >= 0 && left <= 0)
			return 0;
		if (r->pidfd < 0 && (timeout_ms < 0 || timeout_ms > FALLBACK_POLL_MS))
			timeout_ms = FALLBACK_POLL_MS;
		if (poll(fds, 2, timeout_ms) < 0 && errno != EINTR)
			return pf_fail_errno(err, errno, "poll");
		if (fds[0].revents)
			feed(r);
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

/* Runs the forked hook to its end; r->in and the error pipe are ours to read or close. */
static int finish(struct hook_run *r, const struct pf_hook *h, int errfd, struct pf_error *err)
{
	int64_t deadline = h->timeout.set ? now_ms() + h->timeout.v * 1000 : -1;
	int exec_errno = 0, done;

	r->pidfd = (int)syscall(SYS_pidfd_open, r->pid, 0);
	if (fcntl(r->in, F_SETFL, O_NONBLOCK) < 0) {
		close(r->in); /* cannot happen on a fresh pipe; better no input than a hang */
		r->in = -1;
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
	if (done < 0)
		return -1;
	if (done == 0)
		return pf_fail(err, ETIMEDOUT, "timed out after %llds", (long long)h->timeout.v);
	if (read(errfd, &exec_errno, sizeof(exec_errno)) != (ssize_t)sizeof(exec_errno))
		exec_errno = 0;
	return outcome(r, exec_errno, err);
}

static int spawn(const struct pf_hook *h, const char *state, struct pf_error *err)
{
	_cleanup_free_ char **argv = NULL;
	_cleanup_free_ char **envp = NULL;
	_cleanup_close_ int in_r = -1;
	_cleanup_close_ int err_r = -1;
	_cleanup_close_ int err_w = -1;
	int in[2], ep[2];
	struct hook_run r = { .pidfd = -1, .in = -1, .data = state, .len = strlen(state) };

	if (hook_vectors(h, &argv, &envp, err) < 0)
		return -1;
	if (pipe2(in, O_CLOEXEC) < 0)
		return pf_fail_errno(err, errno, "pipe");
	in_r = in[0];
	r.in = in[1];
	if (pipe2(ep, O_CLOEXEC) < 0) {
		close(r.in);
		return pf_fail_errno(err, errno, "pipe");
	}
	err_r = ep[0];
	err_w = ep[1];
	r.pid = fork();
	if (r.pid < 0) {
		close(r.in);
		return pf_fail_errno(err, errno, "fork");
	}
	if (r.pid == 0)
		hook_child(h, argv, envp, in_r, err_w);
	close(pf_steal_fd(&in_r));
	close(pf_steal_fd(&err_w));
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
