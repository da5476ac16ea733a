/* A pflask container is an ordinary container of pflask-runtime's state root (ID pflask-<pid>
 * or --name), run in this process by the same engine (pf_run_container): so `pflask-runtime
 * list/state/kill` see it while it runs, signals sent to pflask reach it, and it is deleted
 * when it ends. What pflask adds around the engine:
 *
 *   - an owner directory beside the state (runtime/owner.h), claimed before anything else
 *     and released last, which lets the next pflask or `pflask-runtime delete` clear what a
 *     pflask killed with SIGKILL leaves behind (before each run, that is done for every dead
 *     pflask of the state root);
 *   - a tied init (struct pf_launch.tied): the container dies with its pflask;
 *   - --ephemeral (compat/ephemeral.c), whose overlay becomes root.path;
 *   - --detach (compat/detach.c), a background pflask serving the pty instead of stdio. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bundle/cleanup.h"
#include "bundle/config.h"
#include "compat/detach.h"
#include "compat/ephemeral.h"
#include "compat/supervise.h"
#include "runtime/owner.h"
#include "runtime/store.h"

static char *container_id(const char *name)
{
	char *id = NULL;

	if (name)
		return strdup(name);
	if (asprintf(&id, "pflask-%d", (int)getpid()) < 0)
		return NULL;
	return id;
}

static int use_overlay(struct pf_spec *spec, const char *merged, struct pf_error *err)
{
	char *path = strdup(merged);

	if (!path)
		return pf_fail_errno(err, ENOMEM, "--ephemeral");
	if (!spec->root) {
		spec->root = calloc(1, sizeof(*spec->root));
		if (!spec->root) {
			free(path);
			return pf_fail_errno(err, ENOMEM, "--ephemeral");
		}
	}
	free(spec->root->path);
	spec->root->path = path;
	return 0;
}

/* The container itself, once its owner directory is held; takes ownership of spec. */
static int run_owned(const char *root, const char *id, const char *owner,
		     struct pf_spec *spec, const struct pf_extras *x, const char *bundle,
		     const struct pf_run_opts *ro, struct pf_error *err)
{
	struct pf_globals g = { .root = root };
	struct pf_ephemeral eph = { 0 };
	struct pf_launch l = { 0 };
	int rc = 0;

	if (x->ephemeral) {
		char mnt[PATH_MAX];

		snprintf(mnt, sizeof(mnt), "%s/%s", owner, PF_OWNER_MNT);
		if (pf_ephemeral_setup(&eph, mnt, x->lower, err) < 0 ||
		    use_overlay(spec, eph.merged, err) < 0)
			rc = -1;
	}
	if (rc == 0) {
		l.g = &g;
		l.id = id;
		l.opts.bundle = bundle;
		l.spec = pf_steal_ptr(&spec);
		l.tied = true;
		rc = pf_run_container(&l, ro, err);
		pf_launch_clear(&l);
	}
	pf_spec_free(spec);
	/* the container has been deleted (or never was): its rootfs can go */
	pf_ephemeral_teardown(&eph);
	return rc;
}

int pf_supervise_run(struct pf_spec *spec, const struct pf_extras *x, const char *name,
		     const char *bundle, const struct pf_run_opts *ro, struct pf_error *err)
{
	const char *root = pf_store_default_root();
	_cleanup_free_ char *id = container_id(name), *owner = NULL;
	int rc;

	if (!id) {
		pf_spec_free(spec);
		return pf_fail_errno(err, ENOMEM, "container ID");
	}
	if (pf_owner_claim(root, id, x->ephemeral, &owner, err) < 0) {
		pf_spec_free(spec);
		return -1;
	}
	rc = run_owned(root, id, owner, spec, x, bundle, ro, err);
	pf_owner_release(owner);
	return rc;
}

int pf_supervise(const struct pf_options *o, struct pf_spec *spec, const struct pf_extras *x,
		 struct pf_error *err)
{
	static const struct pf_run_opts foreground = { 0 };
	char bundle[PATH_MAX];

	if (x->ephemeral && !x->lower) {
		pf_spec_free(spec);
		return pf_fail(err, EINVAL, "--ephemeral needs --chroot");
	}
	/* what pflask processes killed with SIGKILL left: their containers and directories */
	pf_owner_reap_all(pf_store_default_root());
	/* relative paths of the config (none, from translate) would be the caller's */
	if (!getcwd(bundle, sizeof(bundle)))
		strcpy(bundle, "/");
	if (o->detach)
		return pf_detach(o, spec, x, bundle, err);
	return pf_supervise_run(spec, x, o->name, bundle, &foreground, err);
}
