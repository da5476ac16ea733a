/* Parent side of create: everything heavy happens here before clone (parsing, validation,
 * path resolution, namespace files, cgroup directories), then init is cloned and driven
 * through the sync protocol of runtime/sync.h until it is parked before execve. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bundle/cleanup.h"
#include "bundle/config.h"
#include "bundle/json.h"
#include "bundle/reflect.h"
#include "bundle/validate.h"
#include "runtime/container.h"
#include "runtime/hooks.h"
#include "runtime/log.h"
#include "runtime/netif.h"
#include "runtime/proc.h"
#include "runtime/sync.h"
#include "runtime/sysctl.h"

/* The bundle's config.json, or (from the pflask front end) a spec already in memory, whose text
 * is what the state directory keeps. */
static int load_config(struct pf_launch *l, char **text, struct pf_error *err)
{
	pf_strv problems = { 0 };
	size_t len;
	int found;

	l->bundle = realpath(l->opts.bundle, NULL);
	if (!l->bundle)
		return pf_fail_errno(err, errno, "bundle %s", l->opts.bundle);
	if (l->spec) {
		if (pf_spec_emit(l->spec, text, &len, err) < 0)
			return -1;
	} else {
		char path[PATH_MAX];

		snprintf(path, sizeof(path), "%s/config.json", l->bundle);
		if (pf_file_read(path, text, &len, err) < 0)
			return -1;
		l->spec = pf_spec_parse(*text, len, "config.json", err);
		if (!l->spec)
			return -1;
	}
	found = pf_spec_validate(l->spec, &problems);
	if (found != 0) {
		pf_fail(err, EINVAL, "%s", found > 0 ? problems.v[0] : "validate: out of memory");
		pf_strv_clear(&problems);
		return -1;
	}
	if (!l->spec->process)
		return pf_fail(err, EINVAL, "config.json: .process: required to create a container");
	return 0;
}

static char *timestamp_now(void)
{
	struct timespec ts;
	struct tm tm;
	char buf[64];
	size_t n;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, sizeof(buf) - n, ".%09ldZ", ts.tv_nsec);
	return strdup(buf);
}

static int copy_annotations(pf_strmap *to, const pf_strmap *from)
{
	for (size_t i = 0; i < from->n; i++)
		if (pf_strmap_set(to, from->keys[i], from->v[i]) < 0)
			return -1;
	return 0;
}

static int new_record(struct pf_launch *l, struct pf_error *err)
{
	struct pf_record *r = calloc(1, sizeof(*r));
	struct pf_state *st = calloc(1, sizeof(*st));
	uint64_t start = 0;

	if (r)
		r->state = st;
	l->rec = r;
	if (!r || !st || !(st->oci_version = strdup(PF_OCI_VERSION)) || !(st->id = strdup(l->id)) ||
	    !(st->status = strdup("creating")) || !(st->bundle = strdup(l->bundle)) ||
	    !(st->rootfs = strdup(l->mounts.rootfs)) || !(st->created = timestamp_now()) ||
	    !(st->owner = strdup("")) || copy_annotations(&st->annotations, &l->spec->annotations) < 0)
		return pf_fail_errno(err, ENOMEM, "state");
	pf_proc_stat(getpid(), &start, NULL);
	r->creator_pid = (pf_int){ true, getpid() };
	r->creator_start_time = (pf_uint){ true, start };
	r->pid_namespace = (pf_bool){ true, l->ns.pid_namespace };
	r->poststart_hooks = (pf_bool){ true, l->spec->hooks && l->spec->hooks->poststart.n };
	r->poststop_hooks = (pf_bool){ true, l->spec->hooks && l->spec->hooks->poststop.n };
	return 0;
}

static bool has_hooks(const struct pf_hooks_cfg *h, bool runtime_side)
{
	if (!h)
		return false;
	if (runtime_side)
		return h->prestart.n || h->create_runtime.n;
	return h->create_container.n || h->start_container.n;
}

static const char *cgroups_path(const struct pf_launch *l)
{
	return l->spec->linux_ ? l->spec->linux_->cgroups_path : NULL;
}

/* The directories make_cgroup will make go into the record the claim writes: a create killed
 * while making them leaves a state directory naming them, and delete removes them. */
static int plan_cgroup(struct pf_launch *l, struct pf_error *err)
{
	_cleanup_free_ char *rel = NULL;
	struct pf_cgroup plan = { 0 };

	if (pf_cgroup_path(cgroups_path(l), l->id, &rel, err) < 0 ||
	    pf_cgroup_plan(rel, &plan, err) < 0)
		return -1;
	/* the record takes the vectors over */
	l->rec->cgroup_dirs = plan.dirs;
	l->rec->cgroup_created = plan.created;
	return 0;
}

static bool strv_equal(const pf_strv *a, const pf_strv *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->v[i], b->v[i]))
			return false;
	return true;
}

static const struct pf_resources *resources(const struct pf_launch *l)
{
	return l->spec->linux_ ? l->spec->linux_->resources : NULL;
}

/* linux.resources (cgroup_resources.c): before clone, so that a bad value fails create with
 * nothing left (the abort removes the cgroup); the device program comes in parent_ready */
static int apply_resources(struct pf_launch *l, struct pf_error *err)
{
	return pf_cgroup_apply_resources_but_device_program(&l->cg, resources(l), err);
}

static int make_cgroup(struct pf_launch *l, struct pf_error *err)
{
	_cleanup_free_ char *rel = NULL;

	const char *asked = cgroups_path(l);

	if (pf_cgroup_path(asked, l->id, &rel, err) < 0)
		return -1;
	if (pf_cgroup_create(rel, &l->cg, err) < 0) {
		/* like runc, an unprivileged user without a delegated cgroup goes without one,
		 * unless the config asked for a path */
		bool denied = err->err == EACCES || err->err == EPERM || err->err == EROFS;

		const struct pf_resources *r = l->spec->linux_ ? l->spec->linux_->resources : NULL;
		bool limits = r && (r->memory || r->cpu || r->pids || r->block_io ||
				    r->hugepage_limits.n || r->network || r->rdma.n || r->unified.n);

		if (geteuid() == 0 || asked || !denied)
			return -1;
		if (limits)
			return pf_error_prefix(err, "linux.resources: limits need a cgroup");
		pf_log_debug("no cgroup: %s", err->msg);
		pf_strv_clear(&l->rec->cgroup_dirs);
		pf_strv_clear(&l->rec->cgroup_created);
		return pf_store_save(&l->store, l->rec, err);
	}
	/* the plan gives way to what was made (an existing leaf is joined, and not ours),
	 * recorded before any process exists, so a crash from here on can be cleaned up; the
	 * usual case made just what the claim recorded */
	if (strv_equal(&l->rec->cgroup_dirs, &l->cg.dirs) &&
	    strv_equal(&l->rec->cgroup_created, &l->cg.created))
		return apply_resources(l, err);
	pf_strv_clear(&l->rec->cgroup_dirs);
	pf_strv_clear(&l->rec->cgroup_created);
	for (size_t i = 0; i < l->cg.dirs.n; i++)
		if (pf_strv_push(&l->rec->cgroup_dirs, l->cg.dirs.v[i]) < 0)
			return pf_fail_errno(err, ENOMEM, "state");
	for (size_t i = 0; i < l->cg.created.n; i++)
		if (pf_strv_push(&l->rec->cgroup_created, l->cg.created.v[i]) < 0)
			return pf_fail_errno(err, ENOMEM, "state");
	if (pf_store_save(&l->store, l->rec, err) < 0)
		return -1;
	return apply_resources(l, err);
}

static int open_fifo(struct pf_launch *l, struct pf_error *err)
{
	char path[PATH_MAX];

	pf_store_path(&l->store, PF_EXEC_FIFO, path, sizeof(path));
	/* read-write: never blocks, and init keeps a reader so start's open cannot block */
	l->fifo_fd = open(path, O_RDWR | O_CLOEXEC);
	return l->fifo_fd < 0 ? pf_fail_errno(err, errno, "open %s", path) : 0;
}

int pf_launch_prepare(struct pf_launch *l, struct pf_error *err)
{
	_cleanup_free_ char *text = NULL;
	const struct pf_process *p;

	l->sync[0] = l->sync[1] = l->fifo_fd = l->console_master = -1;
	l->store.fd = -1;
	if (pf_store_check_id(l->id, err) < 0 || load_config(l, &text, err) < 0)
		return -1;
	p = l->spec->process;
	if (p->terminal.v && !l->opts.console_socket && !l->foreground)
		return pf_fail(err, EINVAL, "process.terminal needs --console-socket when detached");
	if (l->spec->linux_ && pf_sysctl_check(&l->spec->linux_->sysctl, l->spec->linux_, err) < 0)
		return -1;
	if (pf_ns_plan_build(l->spec->linux_, &l->ns, err) < 0 ||
	    pf_mount_plan_build(l->spec, l->bundle, l->opts.no_pivot, &l->mounts, err) < 0 ||
	    pf_exec_plan_build(p, l->opts.preserve_fds, l->ns.user_namespace, &l->exec,
			       err) < 0 ||
	    pf_exec_plan_set_personality(&l->exec,
					 l->spec->linux_ ? l->spec->linux_->personality : NULL,
					 err) < 0)
		return -1;
	/* seccomp hook: libseccomp runs here, init only loads the BPF */
	if (pf_seccomp_compile(l->spec->linux_ ? l->spec->linux_->seccomp : NULL, &l->seccomp,
			       err) < 0)
		return -1;
	/* trees with their own mappings are made here and inherited by init; mappings to the
	 * container's own user namespace would need its fd sent to init, which is not done yet */
	if (pf_mount_plan_open_idmaps(&l->mounts, -1, err) < 0)
		return -1;
	l->runtime_hooks = has_hooks(l->spec->hooks, true);
	l->container_hooks = has_hooks(l->spec->hooks, false);
	if (new_record(l, err) < 0 || plan_cgroup(l, err) < 0)
		return -1;
	l->config_text = pf_steal_ptr(&text);
	return 0;
}

/* After clone, while the child makes its namespaces: the state directory (whose claim makes
 * the ID ours), the cgroup and the exec fifo. */
static int claim(struct pf_launch *l, struct pf_error *err)
{
	int rc = pf_store_claim(l->g->root, l->id, l->rec, l->config_text, &l->store, err);

	free(l->config_text);
	l->config_text = NULL;
	if (rc < 0)
		return -1;
	return make_cgroup(l, err) < 0 || open_fifo(l, err) < 0 ? -1 : 0;
}

static int parent_ready(struct pf_launch *l, struct pf_error *err)
{
	_cleanup_free_ char *state = NULL;
	struct pf_msg m;

	if (l->ns.early_flags) {
		if (pf_sync_expect(l->sync[0], PF_MSG_NS_MADE, &m, err) < 0)
			return -1;
		pf_msg_clear(&m);
	}
	if (l->ns.clone_flags & CLONE_NEWUSER &&
	    pf_userns_write_maps(l->first_child, l->spec->linux_, err) < 0)
		return -1;
	if (pf_cgroup_add_pid(&l->cg, l->first_child, err) < 0)
		return -1;
	/* linux.netDevices (runtime/netif.c): moved while init still waits, all or nothing */
	if (pf_netdevices_apply(l->first_child, &l->ns, l->spec->linux_, err) < 0)
		return -1;
	/* in-container hooks read the state on stdin; the child cannot render it itself */
	if (l->container_hooks && pf_state_json(l->rec, "creating", &state, err) < 0)
		return -1;
	if (pf_sync_send(l->sync[0], PF_MSG_PARENT_READY, l->first_child, state,
			 state ? strlen(state) : 0, l->fifo_fd, err) < 0)
		return -1;
	/* init holds the fifo now; our copy would stay open in a foreground run for as long as
	 * the container runs */
	close(l->fifo_fd);
	l->fifo_fd = -1;
	/* while init makes its mounts: attached before we read its READY, so before start */
	return l->cg.dirs.n ? pf_cgroup_apply_device_program(&l->cg, resources(l), err) : 0;
}

static int exchange_userns(struct pf_launch *l, struct pf_error *err)
{
	struct pf_msg m;

	if (pf_sync_expect(l->sync[0], PF_MSG_USERNS_READY, &m, err) < 0)
		return -1;
	pf_msg_clear(&m);
	if (pf_userns_write_maps(l->first_child, l->spec->linux_, err) < 0)
		return -1;
	return pf_sync_send(l->sync[0], PF_MSG_IDMAP_DONE, 0, NULL, 0, -1, err);
}

/* The first child forked init and exits: reap it, and adopt init's pid. */
static int receive_init_pid(struct pf_launch *l, struct pf_error *err)
{
	struct pf_msg m;
	int status;

	if (pf_sync_expect(l->sync[0], PF_MSG_INIT_PID, &m, err) < 0)
		return -1;
	l->pid = m.value;
	pf_msg_clear(&m);
	if (waitpid(l->first_child, &status, 0) == l->first_child)
		l->first_child = 0;
	return 0;
}

static int run_runtime_hooks(struct pf_launch *l, struct pf_error *err)
{
	_cleanup_free_ char *state = NULL;
	const struct pf_hooks_cfg *h = l->spec->hooks;
	struct pf_msg m;

	if (pf_sync_expect(l->sync[0], PF_MSG_MOUNTS_READY, &m, err) < 0)
		return -1;
	pf_msg_clear(&m);
	if (pf_state_json(l->rec, "creating", &state, err) < 0 ||
	    pf_hooks_run(&h->prestart, "prestart", state, err) < 0 ||
	    pf_hooks_run(&h->create_runtime, "createRuntime", state, err) < 0)
		return -1;
	return pf_sync_send(l->sync[0], PF_MSG_HOOKS_DONE, 0, NULL, 0, -1, err);
}

static int record_pid(struct pf_launch *l, struct pf_error *err)
{
	uint64_t start;

	if (pf_proc_stat(l->pid, &start, NULL) < 0)
		return pf_fail(err, ESRCH, "init %d exited during create", (int)l->pid);
	l->rec->state->pid = (pf_int){ true, l->pid };
	l->rec->pid_start_time = (pf_uint){ true, start };
	return 0;
}

static int drive_child(struct pf_launch *l, struct pf_error *err)
{
	struct pf_msg m;

	if (parent_ready(l, err) < 0)
		return -1;
	if (l->ns.unshare_user && exchange_userns(l, err) < 0)
		return -1;
	if (l->ns.fork_after && receive_init_pid(l, err) < 0)
		return -1;
	if (record_pid(l, err) < 0)
		return -1;
	if (l->runtime_hooks && run_runtime_hooks(l, err) < 0)
		return -1;
	if (l->spec->process->terminal.v) {
		if (pf_sync_expect(l->sync[0], PF_MSG_CONSOLE, &m, err) < 0)
			return -1;
		l->console_master = m.fd;
		m.fd = -1;
		pf_msg_clear(&m);
	}
	/* seccomp hook: the NOTIFY listener fd, on to the agent */
	if (l->seccomp.notify &&
	    pf_seccomp_forward_fd(l->sync[0], l->spec->linux_->seccomp, l->rec, "creating", l->pid,
				  err) < 0)
		return -1;
	if (pf_sync_expect(l->sync[0], PF_MSG_READY, &m, err) < 0)
		return -1;
	pf_msg_clear(&m);
	return 0;
}

int pf_launch_spawn(struct pf_launch *l, struct pf_error *err)
{
	pid_t pid;

	if (pf_sync_pair(l->sync, err) < 0)
		return -1;
	/* a raw clone without a new stack behaves like fork, with namespaces */
	pid = (pid_t)syscall(SYS_clone, (unsigned long)l->ns.clone_flags | SIGCHLD, NULL, NULL,
			     NULL, 0);
	if (pid < 0)
		return pf_fail_errno(err, errno, "clone");
	if (pid == 0) {
		close(l->sync[0]);
		l->sync[0] = -1;
		pf_init_main(l);
	}
	close(l->sync[1]);
	l->sync[1] = -1;
	l->first_child = l->pid = pid;
	if (claim(l, err) < 0 || drive_child(l, err) < 0) {
		/* init reports its own failure; a protocol error alone says less */
		return -1;
	}
	close(l->sync[0]);
	l->sync[0] = -1;
	return 0;
}

void pf_launch_abort(struct pf_launch *l)
{
	struct pf_error ignored = { 0 };
	int status;

	if (l->pid > 0 && l->pid != l->first_child) {
		kill(l->pid, SIGKILL);
		waitpid(l->pid, &status, __WALL);  /* ours only as a subreaper; else ECHILD */
	}
	if (l->first_child > 0) {
		kill(l->first_child, SIGKILL);
		waitpid(l->first_child, &status, 0);
	}
	l->pid = l->first_child = 0;
	if (l->cg.dirs.n) {
		pf_cgroup_signal_all(&l->cg, SIGKILL, &ignored);
		pf_cgroup_remove(&l->cg, &ignored);
	}
	if (l->store.dir)
		pf_store_remove(&l->store, &ignored);
}

void pf_launch_clear(struct pf_launch *l)
{
	for (int i = 0; i < 2; i++)
		if (l->sync[i] >= 0)
			close(l->sync[i]);
	if (l->fifo_fd >= 0)
		close(l->fifo_fd);
	if (l->console_master >= 0)
		close(l->console_master);
	pf_store_close(&l->store);
	pf_ns_plan_clear(&l->ns);
	pf_mount_plan_clear(&l->mounts);
	pf_exec_plan_clear(&l->exec);
	pf_seccomp_prog_clear(&l->seccomp);  /* seccomp hook */
	pf_cgroup_clear(&l->cg);
	pf_record_free(l->rec);
	pf_spec_free(l->spec);
	free(l->bundle);
	free(l->config_text);
	memset(l, 0, sizeof(*l));
}
