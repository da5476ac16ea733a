/* kill and delete. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "bundle/names.h"
#include "runtime/cli.h"
#include "runtime/container.h"
#include "runtime/owner.h"

int pf_cmd_kill(const struct pf_globals *g, int argc, char **argv, struct pf_error *err)
{
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	struct pf_store s = { NULL, -1 };
	struct pf_record *r = NULL;
	bool all = false;
	int c, sig = SIGTERM, rc = 0;
	enum pf_status st;

	while ((c = getopt_long(argc, argv, "+a", opts, NULL)) != -1) {
		if (c != 'a')
			return pf_fail(err, EINVAL, "kill: unknown option \"%s\"", argv[optind - 1]);
		all = true;
	}
	if (optind >= argc || argc - optind > 2)
		return pf_fail(err, EINVAL, "kill: expected a container ID and an optional signal");
	if (argc - optind == 2 && (sig = pf_signal_parse(argv[optind + 1])) < 0)
		return pf_fail(err, EINVAL, "kill: unknown signal \"%s\"", argv[optind + 1]);
	if (pf_store_open(g->root, argv[optind], &s, err) < 0 || pf_store_load(&s, &r, err) < 0) {
		pf_store_close(&s);
		return -1;
	}
	st = pf_container_status(&s, r);
	if (st != PF_CREATED && st != PF_RUNNING && st != PF_PAUSED) {
		rc = pf_fail(err, EINVAL, "kill %s: container not running", argv[optind]);
	} else if (all) {
		struct pf_cgroup cg = { r->cgroup_dirs, r->cgroup_created };
		rc = pf_cgroup_signal_all(&cg, sig, err);
	} else if (kill((pid_t)r->state->pid.v, sig) < 0) {
		rc = pf_fail_errno(err, errno, "kill %s", argv[optind]);
	}
	pf_record_free(r);
	pf_store_close(&s);
	return rc;
}

/* A pflask container: its supervisor's directory goes too, if that pflask is dead. */
static int reap_owner(const char *root, const char *id, struct pf_error *err)
{
	struct pf_error mine = { 0 };

	if (pf_owner_reap(root, id, &mine) >= 0)
		return 0;
	*err = mine;
	return -1;
}

int pf_cmd_delete(const struct pf_globals *g, int argc, char **argv, struct pf_error *err)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	struct pf_store s = { NULL, -1 };
	struct pf_record *r = NULL;
	bool force = false;
	int c, rc;
	enum pf_status st;

	while ((c = getopt_long(argc, argv, "+f", opts, NULL)) != -1) {
		if (c != 'f')
			return pf_fail(err, EINVAL, "delete: unknown option \"%s\"", argv[optind - 1]);
		force = true;
	}
	if (optind + 1 != argc)
		return pf_fail(err, EINVAL, "delete: expected exactly one container ID");
	/* what creates, deletes and pflasks killed halfway left: never an ID, so nothing else
	 * finds it */
	pf_owner_reap_temp(g->root);
	if (pf_store_open(g->root, argv[optind], &s, err) < 0) {
		/* the container is gone; what a killed pflask kept beside it may not be */
		if (err->err == ENOENT && reap_owner(g->root, argv[optind], err) < 0)
			return -1;
		return force && err->err == ENOENT ? 0 : -1;
	}
	rc = pf_store_load(&s, &r, err);
	/* a state file too damaged to read cannot stop a forced delete */
	if (rc < 0 && force) {
		rc = pf_container_destroy_lost(&s, argv[optind], err);
	} else if (rc == 0) {
		st = pf_container_status(&s, r);
		if (st != PF_STOPPED && !force)
			rc = pf_fail(err, EBUSY, "delete %s: container is %s (use --force)",
				     argv[optind], pf_status_name(st));
		else
			rc = pf_container_destroy(&s, r, err);
	}
	pf_record_free(r);
	pf_store_close(&s);
	/* after the store's lock is released: reaping takes it again */
	if (rc == 0)
		rc = reap_owner(g->root, argv[optind], err);
	return rc < 0 ? pf_error_prefix(err, "delete %s", argv[optind]) : 0;
}
