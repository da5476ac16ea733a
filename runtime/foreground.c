#include "runtime/foreground.h"

#include <errno.h>
#include <stdio.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bundle/json.h"
#include "runtime/console.h"

int pf_exit_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 255;
}

int pf_signals_capture(sigset_t *old)
{
	static const int forwarded[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2,
					 SIGWINCH, SIGCHLD, SIGCONT, SIGALRM, SIGPIPE };
	sigset_t set;

	sigemptyset(&set);
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		sigaddset(&set, forwarded[i]);
	sigprocmask(SIG_BLOCK, &set, old);
	return signalfd(-1, &set, SFD_CLOEXEC);
}

void pf_signals_release(int sfd, const sigset_t *old)
{
	if (sfd >= 0)
		close(sfd);
	sigprocmask(SIG_SETMASK, old, NULL);
}

/* Reaps everything until pid is gone; forwards the rest to pid. */
static int wait_forwarding(pid_t target, int sfd, int *status)
{
	for (;;) {
		struct signalfd_siginfo si;
		pid_t pid;
		int st;

		while ((pid = waitpid(-1, &st, WNOHANG | __WALL)) > 0)
			if (pid == target) {
				*status = st;
				return 0;
			}
		if (read(sfd, &si, sizeof(si)) != sizeof(si)) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (si.ssi_signo != SIGCHLD && si.ssi_signo != SIGWINCH)
			kill(target, (int)si.ssi_signo);
	}
}

int pf_wait_foreground(pid_t pid, int console_master, int sfd, int *status,
		       struct pf_error *err)
{
	if (console_master >= 0)
		return pf_console_proxy(console_master, sfd, pid, status, err);
	if (wait_forwarding(pid, sfd, status) < 0)
		return pf_fail_errno(err, errno, "wait for %d", (int)pid);
	return 0;
}

int pf_write_pid_file(const char *path, pid_t pid, struct pf_error *err)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%d", (int)pid);

	if (pf_file_write(path, buf, (size_t)n, 0644, 0, err) < 0)
		return pf_error_prefix(err, "--pid-file");
	return 0;
}
