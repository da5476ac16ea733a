/* Child side of create: the container's init, from clone to execve. It only makes syscalls on
 * data the parent prepared; a failure is sent to the parent as PF_MSG_ERROR and ends the
 * process, so nothing here prints. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "runtime/console.h"
#include "runtime/container.h"
#include "runtime/hooks.h"
#include "runtime/sync.h"
#include "runtime/sysctl.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#define KEYCTL_JOIN_SESSION_KEYRING 1

struct init_state {
	struct pf_launch *l;
	int sock;
	char *hook_state;      /* the state JSON for createContainer/startContainer hooks */
	int console_slave;
};

/* The namespaces clone left to us (early_flags), made while the parent claims the state
 * directory and makes the cgroup. */
static int make_early_namespaces(struct init_state *s, struct pf_error *err)
{
	int flags = s->l->ns.early_flags;

	if (!flags)
		return 0;
	if (unshare(flags) < 0)
		return pf_fail_errno(err, errno, "unshare namespaces");
	return pf_sync_send(s->sock, PF_MSG_NS_MADE, 0, NULL, 0, -1, err);
}

static int wait_parent_ready(struct init_state *s, struct pf_error *err)
{
	struct pf_msg m;

	if (pf_sync_expect(s->sock, PF_MSG_PARENT_READY, &m, err) < 0)
		return -1;
	if (m.fd < 0) {
		pf_msg_clear(&m);
		return pf_fail(err, EPROTO, "PARENT_READY without the exec fifo");
	}
	s->l->fifo_fd = m.fd;
	m.fd = -1;
	s->hook_state = m.payload;
	m.payload = NULL;
	pf_msg_clear(&m);
	return 0;
}

static int unshare_user(struct init_state *s, struct pf_error *err)
{
	struct pf_msg m;

	if (unshare(CLONE_NEWUSER) < 0)
		return pf_fail_errno(err, errno, "unshare user namespace");
	if (pf_sync_send(s->sock, PF_MSG_USERNS_READY, 0, NULL, 0, -1, err) < 0 ||
	    pf_sync_expect(s->sock, PF_MSG_IDMAP_DONE, &m, err) < 0)
		return -1;
	pf_msg_clear(&m);
	return 0;
}

/* With a joined pid namespace, or one unshared after joins, only a child of ours is inside it:
 * that child goes on as init while we report its pid and leave. */
static int fork_into_pid_namespace(struct init_state *s, struct pf_error *err)
{
	pid_t pid = fork();

	if (pid < 0)
		return pf_fail_errno(err, errno, "fork init");
	if (pid > 0) {
		if (pf_sync_send(s->sock, PF_MSG_INIT_PID, pid, NULL, 0, -1, err) < 0)
			pf_sync_send_error(s->sock, err);
		_exit(0);
	}
	/* no PDEATHSIG here: our parent exits at once. If create dies, the sync socket reaches
	 * EOF and init stops at its next step; the cgroup holds whatever is left. */
	return 0;
}

static int enter_namespaces(struct init_state *s, struct pf_error *err)
{
	const struct pf_ns_plan *ns = &s->l->ns;
	int flags = ns->unshare_flags | (ns->new_time ? CLONE_NEWTIME : 0);

	if (pf_ns_join_all(ns, err) < 0)
		return -1;
	if (ns->unshare_user && unshare_user(s, err) < 0)
		return -1;
	if (ns->new_user && (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0))
		return pf_fail_errno(err, errno, "become root in the user namespace");
	if (flags && unshare(flags) < 0)
		return pf_fail_errno(err, errno, "unshare namespaces");
	if (ns->new_time && s->l->spec->linux_ &&
	    pf_ns_set_time_offsets(s->l->spec->linux_->time_offsets, err) < 0)
		return -1;
	if (ns->fork_after && fork_into_pid_namespace(s, err) < 0)
		return -1;
	return 0;
}

static int set_names(const struct pf_spec *spec, struct pf_error *err)
{
	if (spec->hostname && sethostname(spec->hostname, strlen(spec->hostname)) < 0)
		return pf_fail_errno(err, errno, "set hostname %s", spec->hostname);
	if (spec->domainname && setdomainname(spec->domainname, strlen(spec->domainname)) < 0)
		return pf_fail_errno(err, errno, "set domainname %s", spec->domainname);
	return 0;
}

static int wait_runtime_hooks(struct init_state *s, struct pf_error *err)
{
	struct pf_msg m;

	if (pf_sync_send(s->sock, PF_MSG_MOUNTS_READY, 0, NULL, 0, -1, err) < 0 ||
	    pf_sync_expect(s->sock, PF_MSG_HOOKS_DONE, &m, err) < 0)
		return -1;
	pf_msg_clear(&m);
	return 0;
}

static int setup_filesystem(struct init_state *s, struct pf_error *err)
{
	struct pf_launch *l = s->l;
	const struct pf_hooks_cfg *h = l->spec->hooks;

	if (pf_rootfs_prepare(&l->mounts, err) < 0)
		return -1;
	if (l->runtime_hooks && wait_runtime_hooks(s, err) < 0)
		return -1;
	if (h && pf_hooks_run(&h->create_container, "createContainer", s->hook_state, err) < 0)
		return -1;
	return pf_rootfs_pivot(&l->mounts, err);
}

static int setup_console(struct init_state *s, struct pf_error *err)
{
	int master;

	if (!s->l->spec->process->terminal.v)
		return 0;
	if (pf_console_create(s->l->spec->process->console_size, &master, &s->console_slave,
			      err) < 0)
		return -1;
	if (pf_sync_send(s->sock, PF_MSG_CONSOLE, 0, NULL, 0, master, err) < 0) {
		close(master);
		return -1;
	}
	close(master);
	return pf_console_become_controlling(s->console_slave, err);
}

static int wait_for_start(struct init_state *s, struct pf_error *err)
{
	char c;
	ssize_t n;

	if (pf_sync_send(s->sock, PF_MSG_READY, 0, NULL, 0, -1, err) < 0)
		return -1;
	close(s->sock);
	s->sock = -1;
	do
		n = read(s->l->fifo_fd, &c, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		return -1;
	close(s->l->fifo_fd);
	return 0;
}

static int init_steps(struct init_state *s, struct pf_error *err)
{
	struct pf_launch *l = s->l;
	const struct pf_hooks_cfg *h = l->spec->hooks;
	char path[PATH_MAX];

	if (make_early_namespaces(s, err) < 0 || wait_parent_ready(s, err) < 0 ||
	    enter_namespaces(s, err) < 0)
		return -1;
	if (setsid() < 0)
		return pf_fail_errno(err, errno, "setsid");
	if (!l->opts.no_new_keyring)
		syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL);
	if (set_names(l->spec, err) < 0 || setup_filesystem(s, err) < 0)
		return -1;
	if (setup_console(s, err) < 0)
		return -1;
	if (l->spec->linux_ && pf_sysctl_apply(&l->spec->linux_->sysctl, err) < 0)
		return -1;
	if (pf_rootfs_finish(&l->mounts, s->console_slave, err) < 0)
		return -1;
	if (pf_process_prepare(&l->exec, err) < 0)
		return -1;
	/* seccomp hook: without no_new_privs loading needs CAP_SYS_ADMIN, which finalize drops */
	if (!l->exec.no_new_privs && pf_seccomp_apply(&l->seccomp, s->sock, err) < 0)
		return -1;
	if (pf_process_finalize(&l->exec, err) < 0)
		return -1;
	/* a missing program fails create, as with runc, not start */
	if (pf_find_executable(l->exec.argv[0], l->exec.envp, path, sizeof(path), err) < 0)
		return -1;
	if (access(path, X_OK) < 0)
		return pf_fail_errno(err, errno, "exec %s", path);
	/* once parked, the create process exits: that must not kill us. A tied init (pflask's)
	 * dies with the process that runs it; set only now, as a change of credentials clears
	 * it. Should that parent be gone already, sending READY below fails. */
	if (prctl(PR_SET_PDEATHSIG, l->tied && !l->ns.fork_after ? SIGKILL : 0) < 0)
		return pf_fail_errno(err, errno, "prctl PDEATHSIG");
	/* seccomp hook: with no_new_privs as late as the sync socket allows, so the filter sees
	 * few of our own syscalls; a filter that cannot load still fails create */
	if (l->exec.no_new_privs && pf_seccomp_apply(&l->seccomp, s->sock, err) < 0)
		return -1;
	if (wait_for_start(s, err) < 0)
		_exit(1);
	if (h && pf_hooks_run(&h->start_container, "startContainer", s->hook_state, err) < 0)
		return -1;
	return pf_process_exec(&l->exec, err);
}

void pf_init_main(struct pf_launch *l)
{
	struct init_state s = { .l = l, .sock = l->sync[1], .console_slave = -1 };
	struct pf_error err = { 0 };

	sigset_t none;

	/* a foreground run blocks the signals it forwards: the container must not inherit that */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* until exec, /proc/PID of init must not be open to the container's processes */
	prctl(PR_SET_DUMPABLE, 0);
	/* if create dies before init is parked, init dies too (the parent cleans the rest) */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) == 0)
		init_steps(&s, &err);
	if (s.sock >= 0)
		pf_sync_send_error(s.sock, &err);
	else if (err.msg[0])
		/* after start nobody listens on the socket: the container's stderr is all there is */
		dprintf(STDERR_FILENO, "pflask-runtime: %s\n", err.msg);
	_exit(1);
}
