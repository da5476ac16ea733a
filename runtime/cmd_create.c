/* create, start and run. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bundle/cleanup.h"
#include "bundle/json.h"
#include "runtime/cli.h"
#include "runtime/console.h"
#include "runtime/container.h"

enum { OPT_PID_FILE = 256, OPT_CONSOLE, OPT_NO_PIVOT, OPT_NO_KEYRING, OPT_PRESERVE, OPT_KEEP,
       OPT_NO_SUBREAPER };

struct run_opts {
	struct pf_create_opts create;
	bool detach, keep;
};

static int parse_preserve(const char *s, int *out, struct pf_error *err)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s < '0' || *s > '9' || *end || v > 1024)
		return pf_fail(err, EINVAL, "--preserve-fds: \"%s\" is not a number from 0 to 1024", s);
	*out = (int)v;
	return 0;
}

/* The options create and run share, plus run's own when `run` is true. Returns optind. */
static int parse_create_opts(int argc, char **argv, bool run, struct run_opts *o,
			     struct pf_error *err)
{
	static const struct option opts[] = {
		{ "bundle", required_argument, NULL, 'b' },
		{ "pid-file", required_argument, NULL, OPT_PID_FILE },
		{ "console-socket", required_argument, NULL, OPT_CONSOLE },
		{ "no-pivot", no_argument, NULL, OPT_NO_PIVOT },
		{ "no-new-keyring", no_argument, NULL, OPT_NO_KEYRING },
		{ "preserve-fds", required_argument, NULL, OPT_PRESERVE },
		{ "detach", no_argument, NULL, 'd' },
		{ "keep", no_argument, NULL, OPT_KEEP },
		{ "no-subreaper", no_argument, NULL, OPT_NO_SUBREAPER },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	o->create.bundle = ".";
	while ((c = getopt_long(argc, argv, run ? "+b:d" : "+b:", opts, NULL)) != -1) {
		switch (c) {
		case 'b': o->create.bundle = optarg; break;
		case OPT_PID_FILE: o->create.pid_file = optarg; break;
		case OPT_CONSOLE: o->create.console_socket = optarg; break;
		case OPT_NO_PIVOT: o->create.no_pivot = true; break;
		case OPT_NO_KEYRING: o->create.no_new_keyring = true; break;
		case OPT_NO_SUBREAPER: break;
		case OPT_PRESERVE:
			if (parse_preserve(optarg, &o->create.preserve_fds, err) < 0)
				return -1;
			break;
		case 'd':
			o->detach = true;
			break;
		case OPT_KEEP:
			if (run) {
				o->keep = true;
				break;
			}
			/* fallthrough */
		default:
			return pf_fail(err, EINVAL, "%s: unknown option \"%s\"", argv[0],
				       argv[optind - 1]);
		}
	}
	if (optind + 1 != argc)
		return pf_fail(err, EINVAL, "%s: expected exactly one container ID", argv[0]);
	return optind;
}

static int write_pid_file(const char *path, pid_t pid, struct pf_error *err)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%d", (int)pid);

	return pf_file_write(path, buf, (size_t)n, 0644, false, err);
}

static int create_steps(struct pf_launch *l, struct pf_error *err)
{
	if (pf_launch_prepare(l, err) < 0 || pf_launch_spawn(l, err) < 0)
		return -1;
	free(l->rec->state->status);
	l->rec->state->status = strdup("created");
	if (!l->rec->state->status)
		return pf_fail_errno(err, ENOMEM, "state");
	if (pf_store_save(&l->store, l->rec, err) < 0)
		return -1;
	if (l->opts.pid_file && write_pid_file(l->opts.pid_file, l->pid, err) < 0)
		return -1;
	if (l->console_master >= 0 && l->opts.console_socket &&
	    pf_console_send(l->opts.console_socket, l->console_master, err) < 0)
		return -1;
	return 0;
}

/* create's work, shared by run: on return the container is created and its state saved;
 * on failure nothing of it is left. */
static int create_container(struct pf_launch *l, struct pf_error *err)
{
	if (create_steps(l, err) == 0)
		return 0;
	pf_launch_abort(l);
	return pf_error_prefix(err, "%s %s", l->foreground ? "run" : "create", l->id);
}

int pf_cmd_create(const struct pf_globals *g, int argc, char **argv, struct pf_error *err)
{
	struct run_opts o = { 0 };
	struct pf_launch l = { 0 };
	int at = parse_create_opts(argc, argv, false, &o, err), rc;

	if (at < 0)
		return -1;
	l.g = g;
	l.id = argv[at];
	l.opts = o.create;
	rc = create_container(&l, err);
	pf_launch_clear(&l);
	return rc;
}

int pf_cmd_start(const struct pf_globals *g, int argc, char **argv, struct pf_error *err)
{
	struct pf_store s = { NULL, -1 };
	struct pf_record *r = NULL;
	int rc;

	if (argc != 2)
		return pf_fail(err, EINVAL, "start: expected exactly one container ID");
	if (pf_store_open(g->root, argv[1], &s, err) < 0)
		return -1;
	rc = pf_store_load(&s, &r, err);
	if (rc == 0)
		rc = pf_container_start(&s, r, err);
	pf_record_free(r);
	pf_store_close(&s);
	return rc < 0 ? pf_error_prefix(err, "start %s", argv[1]) : 0;
}

static int exit_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 255;
}

static int signal_fd_for_forwarding(sigset_t *old)
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

/* Reaps everything (we are a subreaper) until init is gone; forwards the rest to init. */
static int wait_foreground(pid_t init, int sfd, int *status)
{
	for (;;) {
		struct signalfd_siginfo si;
		pid_t pid;
		int st;

		while ((pid = waitpid(-1, &st, WNOHANG | __WALL)) > 0)
			if (pid == init) {
				*status = st;
				return 0;
			}
		if (read(sfd, &si, sizeof(si)) != sizeof(si)) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (si.ssi_signo != SIGCHLD && si.ssi_signo != SIGWINCH)
			kill(init, (int)si.ssi_signo);
	}
}

static int finish_run(struct pf_launch *l, const struct run_opts *o, struct pf_error *err)
{
	struct pf_store s = { NULL, -1 };
	struct pf_record *r = NULL;
	int rc = 0;

	if (o->keep)
		return 0;
	if (pf_store_open(l->g->root, l->id, &s, err) < 0)
		return err->err == ENOENT ? 0 : -1;  /* someone deleted it already */
	if (pf_store_load(&s, &r, err) < 0 || pf_container_destroy(&s, r, err) < 0)
		rc = -1;
	pf_record_free(r);
	pf_store_close(&s);
	return rc;
}

static int run_container(struct pf_launch *l, const struct run_opts *o, int sfd,
			 struct pf_error *err)
{
	int status = 0;

	if (create_container(l, err) < 0)
		return -1;
	/* before start, so the process sees the right size from its first instruction */
	if (l->console_master >= 0 && !l->opts.console_socket)
		pf_console_copy_winsize(l->console_master);
	if (pf_container_start(&l->store, l->rec, err) < 0) {
		pf_launch_abort(l);
		return pf_error_prefix(err, "run %s", l->id);
	}
	/* from here on other commands (kill, delete --force) may act on it */
	pf_store_close(&l->store);
	if (o->detach)
		return 0;
	if (l->console_master >= 0 && !l->opts.console_socket) {
		if (pf_console_proxy(l->console_master, sfd, l->pid, &status, err) < 0)
			return -1;
	} else if (wait_foreground(l->pid, sfd, &status) < 0) {
		return pf_fail_errno(err, errno, "run %s: wait", l->id);
	}
	if (finish_run(l, o, err) < 0)
		return pf_error_prefix(err, "run %s: delete", l->id);
	return exit_code(status);
}

int pf_cmd_run(const struct pf_globals *g, int argc, char **argv, struct pf_error *err)
{
	struct run_opts o = { 0 };
	struct pf_launch l = { 0 };
	sigset_t old;
	int at = parse_create_opts(argc, argv, true, &o, err), rc, sfd;

	if (at < 0)
		return -1;
	l.g = g;
	l.id = argv[at];
	l.opts = o.create;
	l.foreground = !o.detach;
	/* orphans of the container (and init itself, after a double fork) come back to us */
	if (!o.detach)
		prctl(PR_SET_CHILD_SUBREAPER, 1);
	sfd = o.detach ? -1 : signal_fd_for_forwarding(&old);
	rc = run_container(&l, &o, sfd, err);
	if (sfd >= 0) {
		close(sfd);
		sigprocmask(SIG_SETMASK, &old, NULL);
	}
	pf_launch_clear(&l);
	return rc;
}
