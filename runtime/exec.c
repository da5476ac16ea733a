/* exec, parent and child. The parent prepares everything (the process, its plan, the
 * namespace files of init), forks; the child joins the namespaces and forks once more so the
 * process is inside init's pid namespace; the parent moves it into the container's cgroup and
 * waits for it. The sync messages are those of runtime/sync.h, in this order:
 *
 *   C -> P  PF_MSG_INIT_PID      the process's pid (the first child then exits)
 *   P -> C  PF_MSG_PARENT_READY  it is in the cgroup
 *   C -> P  PF_MSG_CONSOLE       pty master (with --tty)
 *   C -> P  PF_MSG_READY         about to execve
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bundle/cleanup.h"
#include "bundle/config.h"
#include "runtime/cgroup.h"
#include "runtime/console.h"
#include "runtime/container.h"
#include "runtime/exec_internal.h"
#include "runtime/foreground.h"
#include "runtime/namespaces.h"
#include "runtime/seccomp.h"
#include "runtime/sync.h"

struct exec_ctx {
	const struct pf_exec_opts *o;
	struct pf_spec *spec;
	struct pf_record *rec;
	struct pf_process *process;
	struct pf_exec_plan plan;
	struct pf_seccomp_prog seccomp;
	struct pf_ns_plan ns;
	int sync[2];
	pid_t first, pid;
	int console_master;
	enum pf_status status;       /* the container's, when exec began */
};

static const struct {
	const char *type, *proc;
	int flag;
} ns_files[] = {
	{ "user", "user", CLONE_NEWUSER }, { "mount", "mnt", CLONE_NEWNS },
	{ "pid", "pid", CLONE_NEWPID },    { "network", "net", CLONE_NEWNET },
	{ "ipc", "ipc", CLONE_NEWIPC },    { "uts", "uts", CLONE_NEWUTS },
	{ "cgroup", "cgroup", CLONE_NEWCGROUP }, { "time", "time", 0x80 /* CLONE_NEWTIME */ },
};

static bool same_file(const char *a, const char *b)
{
	struct stat x, y;

	return stat(a, &x) == 0 && stat(b, &y) == 0 && x.st_dev == y.st_dev && x.st_ino == y.st_ino;
}

/* init's namespaces, user first; ones we are already in are skipped (setns into our own user
 * namespace is an error). */
static int open_init_namespaces(struct exec_ctx *x, struct pf_error *err)
{
	pid_t init = (pid_t)x->rec->state->pid.v;

	for (size_t i = 0; i < sizeof(ns_files) / sizeof(ns_files[0]); i++) {
		char path[64], self[64];
		int fd;

		snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)init, ns_files[i].proc);
		snprintf(self, sizeof(self), "/proc/self/ns/%s", ns_files[i].proc);
		if (access(path, F_OK) < 0 || same_file(path, self))
			continue;
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return pf_fail_errno(err, errno, "open %s", path);
		x->ns.join[x->ns.n_join++] = (struct pf_ns_join){ fd, ns_files[i].flag,
								  ns_files[i].type };
		if (ns_files[i].flag == CLONE_NEWUSER)
			x->ns.user_namespace = true;
	}
	return 0;
}

static int become_process(struct exec_ctx *x, int sock, struct pf_error *err)
{
	char path[PATH_MAX];
	struct pf_msg m;
	int slave;

	if (pf_sync_expect(sock, PF_MSG_PARENT_READY, &m, err) < 0)
		return -1;
	pf_msg_clear(&m);
	if (x->ns.user_namespace && (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0))
		return pf_fail_errno(err, errno, "become root in the user namespace");
	if (x->process->terminal.v) {
		int master;

		if (setsid() < 0)
			return pf_fail_errno(err, errno, "setsid");
		if (pf_console_create(x->process->console_size, &master, &slave, err) < 0)
			return -1;
		if (pf_sync_send(sock, PF_MSG_CONSOLE, 0, NULL, 0, master, err) < 0)
			return -1;
		close(master);
		if (pf_console_become_controlling(slave, err) < 0)
			return -1;
	}
	/* the container's filter binds exec'd processes too, loaded in init's order */
	if (pf_process_prepare(&x->plan, err) < 0 ||
	    (!x->plan.no_new_privs && pf_seccomp_apply(&x->seccomp, sock, err) < 0) ||
	    pf_process_finalize(&x->plan, err) < 0 ||
	    pf_find_executable(x->plan.argv[0], x->plan.envp, path, sizeof(path), err) < 0)
		return -1;
	if (access(path, X_OK) < 0)
		return pf_fail_errno(err, errno, "exec %s", path);
	if (x->plan.no_new_privs && pf_seccomp_apply(&x->seccomp, sock, err) < 0)
		return -1;
	if (pf_sync_send(sock, PF_MSG_READY, 0, NULL, 0, -1, err) < 0)
		return -1;
	return pf_process_exec(&x->plan, err);
}

static void child_main(struct exec_ctx *x) __attribute__((noreturn));
static void child_main(struct exec_ctx *x)
{
	int sock = x->sync[1];
	struct pf_error err = { 0 };
	sigset_t none;
	pid_t pid;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	prctl(PR_SET_DUMPABLE, 0);
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) == 0 && pf_ns_join_all(&x->ns, &err) == 0) {
		/* only a child of ours is inside init's pid namespace */
		pid = fork();
		/* no PDEATHSIG: our parent exits at once; the sync socket tells of the runtime's end */
		if (pid == 0)
			become_process(x, sock, &err);
		else if (pid > 0 && pf_sync_send(sock, PF_MSG_INIT_PID, pid, NULL, 0, -1, &err) == 0)
			_exit(0);
		else if (pid < 0 && errno == ENOMEM)
			/* fork into a pid namespace whose init has died */
			pf_fail(&err, ESRCH, "container not running");
		else if (pid < 0)
			pf_fail_errno(&err, errno, "fork");
	}
	pf_sync_send_error(sock, &err);
	_exit(1);
}

static int drive(struct exec_ctx *x, struct pf_error *err)
{
	struct pf_cgroup cg = { x->rec->cgroup_dirs, x->rec->cgroup_created };
	struct pf_msg m;
	int status;

	if (pf_sync_expect(x->sync[0], PF_MSG_INIT_PID, &m, err) < 0)
		return -1;
	x->pid = m.value;
	pf_msg_clear(&m);
	waitpid(x->first, &status, 0);
	x->first = 0;
	if (pf_cgroup_add_pid(&cg, x->pid, err) < 0 ||
	    pf_sync_send(x->sync[0], PF_MSG_PARENT_READY, x->pid, NULL, 0, -1, err) < 0)
		return -1;
	if (x->process->terminal.v) {
		if (pf_sync_expect(x->sync[0], PF_MSG_CONSOLE, &m, err) < 0)
			return -1;
		x->console_master = m.fd;
		m.fd = -1;
		pf_msg_clear(&m);
	}
	/* the exec'd process loads the filter itself: its own listener, for the same agent */
	if (x->seccomp.notify &&
	    pf_seccomp_forward_fd(x->sync[0], x->spec->linux_->seccomp, x->rec,
				  pf_status_name(x->status), x->pid, err) < 0)
		return -1;
	if (pf_sync_expect(x->sync[0], PF_MSG_READY, &m, err) < 0)
		return -1;
	pf_msg_clear(&m);
	if (x->o->pid_file && pf_write_pid_file(x->o->pid_file, x->pid, err) < 0)
		return -1;
	if (x->console_master >= 0 && x->o->console_socket)
		return pf_console_send(x->o->console_socket, x->console_master, err);
	return 0;
}

static int spawn(struct exec_ctx *x, struct pf_error *err)
{
	if (pf_sync_pair(x->sync, err) < 0)
		return -1;
	x->first = fork();
	if (x->first < 0)
		return pf_fail_errno(err, errno, "fork");
	if (x->first == 0) {
		close(x->sync[0]);
		child_main(x);
	}
	close(x->sync[1]);
	x->sync[1] = -1;
	if (drive(x, err) == 0)
		return 0;
	if (x->pid > 0)
		kill(x->pid, SIGKILL);
	if (x->first > 0) {
		kill(x->first, SIGKILL);
		waitpid(x->first, NULL, 0);
	}
	return -1;
}

static int load(const struct pf_globals *g, const char *id, struct exec_ctx *x,
		struct pf_error *err)
{
	struct pf_store s = { NULL, -1 };
	int rc = -1;

	if (pf_store_open(g->root, id, &s, err) < 0)
		return -1;
	if (pf_store_load(&s, &x->rec, err) == 0 && (x->spec = pf_spec_load(s.dir, err))) {
		enum pf_status st = pf_container_status(&s, x->rec);

		if (st == PF_CREATED || st == PF_RUNNING) {
			x->status = st;
			rc = 0;
		}
		else
			pf_fail(err, EINVAL, "container not running (%s)", pf_status_name(st));
	}
	pf_store_close(&s);
	return rc;
}

static int prepare(struct exec_ctx *x, struct pf_error *err)
{
	const struct pf_exec_opts *o = x->o;

	if (o->tty && o->detach && !o->console_socket)
		return pf_fail(err, EINVAL, "--tty with --detach needs --console-socket");
	if (pf_exec_process(x->spec, o, &x->process, err) < 0 || open_init_namespaces(x, err) < 0)
		return -1;
	if (pf_exec_plan_build(x->process, o->preserve_fds, x->ns.user_namespace, &x->plan, err) < 0)
		return -1;
	if (pf_seccomp_compile(x->spec->linux_ ? x->spec->linux_->seccomp : NULL, &x->seccomp,
			       err) < 0)
		return -1;
	return pf_exec_plan_set_personality(
		&x->plan, x->spec->linux_ ? x->spec->linux_->personality : NULL, err);
}

static void clear(struct exec_ctx *x)
{
	for (int i = 0; i < 2; i++)
		if (x->sync[i] >= 0)
			close(x->sync[i]);
	if (x->console_master >= 0)
		close(x->console_master);
	pf_exec_plan_clear(&x->plan);
	pf_seccomp_prog_clear(&x->seccomp);
	pf_ns_plan_clear(&x->ns);
	pf_process_free(x->process);
	pf_spec_free(x->spec);
	pf_record_free(x->rec);
}

int pf_exec(const struct pf_globals *g, const char *id, const struct pf_exec_opts *o,
	    struct pf_error *err)
{
	struct exec_ctx x = { .o = o, .sync = { -1, -1 }, .console_master = -1 };
	sigset_t old;
	int rc, status = 0, sfd = -1;

	if (pf_store_check_id(id, err) < 0)    /* said alone, as create does */
		return -1;
	rc = load(g, id, &x, err) < 0 || prepare(&x, err) < 0 ? -1 : 0;
	if (rc == 0 && !o->detach) {
		/* the process is our grandchild: it comes back to us when its parent exits */
		prctl(PR_SET_CHILD_SUBREAPER, 1);
		sfd = pf_signals_capture(&old);
	}
	if (rc == 0)
		rc = spawn(&x, err);
	if (rc == 0 && !o->detach) {
		rc = pf_wait_foreground(x.pid, o->console_socket ? -1 : x.console_master, sfd,
					&status, err);
		rc = rc < 0 ? -1 : pf_exit_code(status);
	}
	if (!o->detach && sfd >= 0)
		pf_signals_release(sfd, &old);
	clear(&x);
	return rc < 0 ? pf_error_prefix(err, "exec %s", id) : rc;
}
