/* Status, start and destroy of a container found in the store. */
#include "runtime/container.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bundle/cleanup.h"
#include "bundle/config.h"
#include "runtime/freezer.h"
#include "runtime/hooks.h"
#include "runtime/log.h"
#include "runtime/proc.h"

const char *pf_status_name(enum pf_status s)
{
	static const char *const names[] = { "creating", "created", "running", "paused",
					     "stopped" };

	return names[s];
}

bool pf_container_init_alive(const struct pf_record *r)
{
	return r->state->pid.set && r->pid_start_time.set &&
	       pf_proc_same((pid_t)r->state->pid.v, r->pid_start_time.v);
}

enum pf_status pf_container_status(const struct pf_store *s, const struct pf_record *r)
{
	const char *st = r->state->status;

	if (strcmp(st, "creating") == 0) {
		/* a create that was killed halfway leaves "creating" behind: it is stopped */
		if (r->creator_pid.set && r->creator_start_time.set &&
		    pf_proc_same((pid_t)r->creator_pid.v, r->creator_start_time.v))
			return PF_CREATING;
		return PF_STOPPED;
	}
	if (strcmp(st, "stopped") == 0 || !pf_container_init_alive(r))
		return PF_STOPPED;
	if (faccessat(s->fd, PF_EXEC_FIFO, F_OK, 0) == 0)
		return PF_CREATED;
	{
		struct pf_cgroup cg = { r->cgroup_dirs, r->cgroup_created };

		return pf_freezer_frozen(&cg) ? PF_PAUSED : PF_RUNNING;
	}
}

int pf_state_json(const struct pf_record *r, const char *status, char **out,
		  struct pf_error *err)
{
	struct pf_state copy = *r->state;

	copy.status = (char *)status;
	return pf_state_emit(&copy, out, NULL, err);
}

static struct pf_spec *load_config_copy(const struct pf_store *s, struct pf_error *err)
{
	return pf_spec_load(s->dir, err);
}

/* Waits (a poll, as init need not be our child) until init is gone, at most ~10 s. */
static int wait_init_gone(const struct pf_record *r)
{
	struct timespec pause = { 0, 1000000 };

	for (int i = 0; i < 10000; i++) {
		if (!pf_container_init_alive(r))
			return 0;
		nanosleep(&pause, NULL);
	}
	return -1;
}

/* What init executes: while it waits, a view of the runtime's binary (the one create ran,
 * perhaps sealed: runtime/exeseal.c). */
static bool exe_of(pid_t pid, struct stat *st)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	return stat(path, st) == 0;
}

/* poststart hooks run after the process has been executed: until then init's exe is the one
 * it waited with (or it is gone). */
static void wait_for_exec(pid_t pid, const struct stat *parked)
{
	struct timespec pause = { 0, 1000000 };
	struct stat now;

	for (int i = 0; i < 10000; i++) {
		if (!exe_of(pid, &now) || now.st_dev != parked->st_dev ||
		    now.st_ino != parked->st_ino)
			return;
		nanosleep(&pause, NULL);
	}
}

int pf_container_start(struct pf_store *s, struct pf_record *r, const struct pf_spec *known,
		       struct pf_error *err)
{
	_cleanup_spec_ struct pf_spec *loaded = NULL;
	const struct pf_spec *spec = known;
	_cleanup_free_ char *state = NULL;
	_cleanup_close_ int fd = -1;
	char path[PATH_MAX];
	struct stat parked;
	bool parked_known, hooks;

	if (pf_container_status(s, r) != PF_CREATED)
		return pf_fail(err, EINVAL, "cannot start a container that is %s",
			       pf_status_name(pf_container_status(s, r)));
	/* the config is read again only for its hooks; a record from before the flag says
	 * nothing, and the config decides */
	if (!spec && !(r->poststart_hooks.set && !r->poststart_hooks.v)) {
		loaded = load_config_copy(s, err);
		if (!loaded)
			return -1;
		spec = loaded;
	}
	hooks = spec && spec->hooks && spec->hooks->poststart.n;
	/* noted before init may go on (unknown to a caller that may not look into init) */
	parked_known = hooks && exe_of((pid_t)r->state->pid.v, &parked);
	pf_store_path(s, PF_EXEC_FIFO, path, sizeof(path));
	/* init holds the fifo open: a writer never blocks, and ENXIO means init is gone */
	fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return pf_fail_errno(err, errno, "open exec fifo");
	if (write(fd, "0", 1) != 1)
		return pf_fail_errno(err, errno, "release init");
	/* "running" needs no write: the status is derived, and the fifo's absence says it */
	unlink(path);
	if (hooks) {
		if (parked_known)
			wait_for_exec((pid_t)r->state->pid.v, &parked);
		if (pf_state_json(r, "running", &state, err) < 0)
			return -1;
		if (pf_hooks_run(&spec->hooks->poststart, "poststart", state, err) < 0) {
			kill((pid_t)r->state->pid.v, SIGKILL);
			return -1;
		}
	}
	return 0;
}

static void run_poststop(const struct pf_store *s, const struct pf_record *r)
{
	_cleanup_spec_ struct pf_spec *spec = NULL;
	_cleanup_free_ char *state = NULL;
	struct pf_error err = { 0 };

	/* a record from before the flag says nothing: the config decides */
	if (r->poststop_hooks.set && !r->poststop_hooks.v)
		return;
	spec = load_config_copy(s, &err);
	if (!spec || !spec->hooks || !spec->hooks->poststop.n)
		return;
	/* poststop failures are warnings: the rest of the delete goes on */
	if (pf_state_json(r, "stopped", &state, &err) < 0 ||
	    pf_hooks_run(&spec->hooks->poststop, "poststop", state, &err) < 0)
		pf_log_warning(&err);
}

static void record_cgroup(const struct pf_record *r, struct pf_cgroup *cg)
{
	/* borrowed: the record owns the strings */
	cg->dirs = r->cgroup_dirs;
	cg->created = r->cgroup_created;
}

int pf_container_destroy(struct pf_store *s, struct pf_record *r, struct pf_error *err)
{
	struct pf_cgroup cg;

	record_cgroup(r, &cg);
	if (pf_container_init_alive(r)) {
		kill((pid_t)r->state->pid.v, SIGKILL);
		/* a frozen task takes its SIGKILL only once thawed */
		if (pf_freezer_frozen(&cg))
			pf_freezer_set(&cg, false, err);
		if (wait_init_gone(r) < 0)
			return pf_fail(err, ETIMEDOUT, "init %lld did not die",
				       (long long)r->state->pid.v);
	}
	if (pf_cgroup_populated(&cg) && pf_cgroup_signal_all(&cg, SIGKILL, err) < 0)
		return -1;
	if (pf_cgroup_remove(&cg, err) < 0)
		return -1;
	run_poststop(s, r);
	return pf_store_remove(s, err);
}

int pf_container_destroy_lost(struct pf_store *s, const char *id, struct pf_error *err)
{
	_cleanup_spec_ struct pf_spec *spec = load_config_copy(s, err);
	_cleanup_free_ char *rel = NULL;
	struct pf_cgroup cg = { 0 };
	int rc = 0;

	/* without the config nothing names the cgroup: at least the state goes */
	if (spec && pf_cgroup_path(spec->linux_ ? spec->linux_->cgroups_path : NULL, id, &rel,
				   err) == 0 &&
	    pf_cgroup_adopt(rel, &cg, err) == 0) {
		if (pf_cgroup_signal_all(&cg, SIGKILL, err) < 0 || pf_cgroup_remove(&cg, err) < 0)
			rc = -1;
		pf_cgroup_clear(&cg);
	}
	return pf_store_remove(s, err) < 0 ? -1 : rc;
}
