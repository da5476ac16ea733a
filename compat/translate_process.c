/* process: the command, its directory, environment, user, capabilities and terminal. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle/cleanup.h"
#include "bundle/names.h"
#include "bundle/reflect.h"
#include "compat/internal.h"
#include "compat/pflask.h"

#define CHROOT_PATH "PATH=/usr/sbin:/usr/bin:/sbin:/bin"

extern char **environ;

/* No command: bash when the root has one, else sh. lstat, so that an absolute symlink of the
 * chroot is not followed on the host. */
static int proc_args(const struct pf_translation *t, struct pf_process *p, struct pf_error *err)
{
	const pf_strv *cmd = &t->o->command;
	_cleanup_free_ char *bash = NULL;
	struct stat st;

	if (cmd->n) {
		for (size_t i = 0; i < cmd->n; i++)
			if (pf_push_str(&p->args, cmd->v[i], err) < 0)
				return -1;
		return 0;
	}
	bash = pf_host_path(t->root, "/bin/bash");
	if (!bash)
		return pf_fail_errno(err, ENOMEM, "translate");
	return pf_push_str(&p->args, lstat(bash, &st) == 0 ? "/bin/bash" : "/bin/sh", err);
}

/* Sets NAME=VALUE, replacing an earlier NAME: the last word wins, as with setenv(3). */
static int proc_env_set(pf_strv *env, const char *entry, struct pf_error *err)
{
	size_t len = strcspn(entry, "=") + 1;

	for (size_t i = 0; i < env->n; i++)
		if (strncmp(env->v[i], entry, len) == 0)
			return pf_set_str(&env->v[i], entry, err);
	return pf_push_str(env, entry, err);
}

static int proc_env_pair(pf_strv *env, const char *name, const char *value,
			 struct pf_error *err)
{
	_cleanup_free_ char *entry = NULL;

	if (asprintf(&entry, "%s=%s", name, value) < 0) {
		entry = NULL;
		return pf_fail_errno(err, ENOMEM, "translate");
	}
	return proc_env_set(env, entry, err);
}

/* The caller's environment, less what is not NAME=VALUE (the config could not say it). */
static int proc_env_inherit(pf_strv *env, struct pf_error *err)
{
	for (char **e = environ; e && *e; e++)
		if (strchr(*e, '=') && **e != '=' && proc_env_set(env, *e, err) < 0)
			return -1;
	return 0;
}

/* The original's order: the caller's environment (cleared with --chroot unless --keepenv),
 * with --chroot PATH, USER, LOGNAME and TERM, then --setenv, then container=pflask. */
static int proc_env(const struct pf_translation *t, pf_strv *env, struct pf_error *err)
{
	const struct pf_options *o = t->o;
	const char *term = getenv("TERM");

	env->set = true;
	if ((!o->chroot || o->keepenv) && proc_env_inherit(env, err) < 0)
		return -1;
	if (o->chroot && (proc_env_set(env, CHROOT_PATH, err) < 0 ||
			  proc_env_pair(env, "USER", t->user_name, err) < 0 ||
			  proc_env_pair(env, "LOGNAME", t->user_name, err) < 0 ||
			  proc_env_pair(env, "TERM", term && *term ? term : "xterm", err) < 0))
		return -1;
	for (size_t i = 0; i < o->setenv.n; i++)
		if (proc_env_set(env, o->setenv.v[i], err) < 0)
			return -1;
	return proc_env_set(env, "container=pflask", err);
}

static int proc_cap_list(pf_strv *list, pf_capmask set, struct pf_error *err)
{
	list->set = true;
	for (int i = 0; i < 64 && i <= pf_capability_last; i++)
		if ((set >> i & 1) && pf_capability_names[i] &&
		    pf_push_str(list, pf_capability_names[i], err) < 0)
			return -1;
	return 0;
}

/* The full set is what the kernel knows, and, outside a user namespace, what pflask itself
 * holds: no runtime can grant more (capset fails, and runc refuses the container). The set
 * bounds everyone; only root holds it. The original dropped from the bounding set and then
 * setuid() to the user, which empties the permitted and effective sets: a user is a user. */
static int proc_caps(const struct pf_translation *t, struct pf_process *p, struct pf_error *err)
{
	pf_capmask set = pf_capmask_full(), held;
	struct pf_capabilities *c;

	if (!t->ns_user)
		set &= pf_capmask_bounding();
	if (t->o->caps_given)
		set = pf_capmask_apply(set, &t->o->caps);
	held = t->uid == 0 ? set : 0;
	c = p->capabilities = calloc(1, sizeof(*c));
	if (!c)
		return pf_fail_errno(err, ENOMEM, "translate");
	c->inheritable.set = c->ambient.set = true;
	if (proc_cap_list(&c->bounding, set, err) < 0 ||
	    proc_cap_list(&c->effective, held, err) < 0 ||
	    proc_cap_list(&c->permitted, held, err) < 0)
		return -1;
	return 0;
}

int pf_translate_process(const struct pf_translation *t, struct pf_spec *spec,
			 struct pf_error *err)
{
	struct pf_process *p = spec->process = calloc(1, sizeof(*p));

	if (!p || !(p->user = calloc(1, sizeof(*p->user))))
		return pf_fail_errno(err, ENOMEM, "translate");
	/* the foreground container gets a pty exactly when pflask itself has a terminal */
	p->terminal = (pf_bool){ true, isatty(STDIN_FILENO) == 1 };
	p->user->uid = (pf_uint){ true, t->uid };
	p->user->gid = (pf_uint){ true, t->gid };
	if (pf_set_str(&p->cwd, t->o->chdir ? t->o->chdir : "/", err) < 0 ||
	    proc_args(t, p, err) < 0 || proc_env(t, &p->env, err) < 0 || proc_caps(t, p, err) < 0)
		return -1;
	return 0;
}
