/* create and run, shared by pflask-runtime's verbs and the pflask front end: a container from
 * a prepared launch, created, started, waited for in the foreground and deleted. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "bundle/json.h"
#include "runtime/console.h"
#include "runtime/container.h"
#include "runtime/foreground.h"

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
	if (l->opts.pid_file && pf_write_pid_file(l->opts.pid_file, l->pid, err) < 0)
		return -1;
	if (l->console_master >= 0 && l->opts.console_socket &&
	    pf_console_send(l->opts.console_socket, l->console_master, err) < 0)
		return -1;
	return 0;
}

/* create's work, shared by run: on return the container is created and its state saved;
 * on failure nothing of it is left. */
int pf_create_container(struct pf_launch *l, struct pf_error *err)
{
	/* a refused ID is said alone: "create <10 KiB of ID>: " would leave no room for why */
	if (pf_store_check_id(l->id, err) < 0)
		return -1;
	if (create_steps(l, err) == 0)
		return 0;
	pf_launch_abort(l);
	return pf_error_prefix(err, "%s %s", l->foreground ? "run" : "create", l->id);
}

static int finish_run(struct pf_launch *l, const struct pf_run_opts *o, struct pf_error *err)
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

static int run_container(struct pf_launch *l, const struct pf_run_opts *o, int sfd,
			 struct pf_error *err)
{
	int status = 0, rc;

	if (pf_create_container(l, err) < 0)
		return -1;
	/* before start, so the process sees the right size from its first instruction */
	if (l->console_master >= 0 && !l->opts.console_socket)
		pf_console_copy_winsize(l->console_master);
	if (pf_container_start(&l->store, l->rec, l->spec, err) < 0) {
		pf_launch_abort(l);
		return pf_error_prefix(err, "run %s", l->id);
	}
	/* from here on other commands (kill, delete --force) may act on it */
	pf_store_close(&l->store);
	if (o->detach)
		return 0;
	if (o->console && l->console_master >= 0 && !l->opts.console_socket)
		rc = o->console(l->console_master, sfd, l->pid, &status, o->console_arg, err);
	else
		rc = pf_wait_foreground(l->pid, l->opts.console_socket ? -1 : l->console_master,
					sfd, &status, err);
	if (rc < 0)
		return pf_error_prefix(err, "run %s", l->id);
	if (finish_run(l, o, err) < 0)
		return pf_error_prefix(err, "run %s: delete", l->id);
	return pf_exit_code(status);
}

int pf_run_container(struct pf_launch *l, const struct pf_run_opts *o, struct pf_error *err)
{
	sigset_t old;
	int rc, sfd;

	l->foreground = !o->detach;
	/* orphans of the container (and init itself, after a double fork) come back to us */
	if (!o->detach)
		prctl(PR_SET_CHILD_SUBREAPER, 1);
	sfd = o->detach ? -1 : pf_signals_capture(&old);
	rc = run_container(l, o, sfd, err);
	if (!o->detach)
		pf_signals_release(sfd, &old);
	return rc;
}
