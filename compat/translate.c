/* pflask's options -> config.json. This file decides the namespaces, the root, the hostname
 * and what OCI has no words for (annotations, extras), then has translate_user.c,
 * translate_process.c, translate_mounts.c and translate_net.c fill in their parts, and checks
 * the result as `pflask-runtime validate` would. docs/flags-to-oci.md is the same mapping in
 * prose. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle/cleanup.h"
#include "bundle/config.h"
#include "bundle/reflect.h"
#include "bundle/validate.h"
#include "compat/internal.h"
#include "compat/pflask.h"

#define ANNOTATION_EPHEMERAL "org.pflask.ephemeral"
#define ANNOTATION_CGROUPS "org.pflask.cgroups"

int pf_set_str(char **dst, const char *s, struct pf_error *err)
{
	char *copy = strdup(s);

	if (!copy)
		return pf_fail_errno(err, ENOMEM, "translate");
	free(*dst);
	*dst = copy;
	return 0;
}

int pf_push_str(pf_strv *v, const char *s, struct pf_error *err)
{
	return pf_strv_push(v, s) < 0 ? pf_fail_errno(err, ENOMEM, "translate") : 0;
}

char *pf_host_path(const char *root, const char *path)
{
	char *out;

	if (asprintf(&out, "%s%s", strcmp(root, "/") == 0 ? "" : root, path) < 0)
		return NULL;
	return out;
}

/* Mount, IPC, PID, UTS and cgroup unless a --no-* flag removes one; network with --netif;
 * user with --user or --user-map. */
static void tr_plan_namespaces(struct pf_translation *t, const struct pf_options *o)
{
	t->ns_mount = !o->no_mountns;
	t->ns_pid = !o->no_pidns;
	t->ns_ipc = !o->no_ipcns;
	t->ns_uts = !o->no_utsns;
	t->ns_net = o->netif_given && !o->no_netns;
	t->ns_user = (o->user || o->user_maps.n) && !o->no_userns;
}

static int tr_namespaces(const struct pf_translation *t, struct pf_linux *l, struct pf_error *err)
{
	const struct { bool on; const char *type; } all[] = {
		{ t->ns_mount, "mount" }, { t->ns_pid, "pid" }, { t->ns_ipc, "ipc" },
		{ t->ns_uts, "uts" }, { true, "cgroup" }, { t->ns_net, "network" },
		{ t->ns_user, "user" },
	};

	l->namespaces.set = true;
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		struct pf_namespace *ns;

		if (!all[i].on)
			continue;
		ns = PF_VEC_PUSH(&l->namespaces);
		if (!ns || !(ns->type = strdup(all[i].type)))
			return pf_fail_errno(err, ENOMEM, "translate");
	}
	return 0;
}

/* Writable with or without --chroot, as in the original: a read-only root would be a flag. */
static int tr_root(const struct pf_translation *t, struct pf_spec *spec, struct pf_error *err)
{
	spec->root = calloc(1, sizeof(*spec->root));
	if (!spec->root)
		return pf_fail_errno(err, ENOMEM, "translate");
	spec->root->readonly = (pf_bool){ true, false };
	return pf_set_str(&spec->root->path, t->root, err);
}

static bool tr_strv_has(const pf_strv *v, const char *s)
{
	for (size_t i = 0; i < v->n; i++)
		if (strcmp(v->v[i], s) == 0)
			return true;
	return false;
}

/* The mount point of the first cgroup2 hierarchy in /proc/self/mountinfo, or NULL. Fields:
 * id parent major:minor root mountpoint options... - fstype source superoptions. */
static char *tr_cgroup2_mount(void)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
	_cleanup_free_ char *line = NULL;
	size_t cap = 0;

	while (f && getline(&line, &cap, f) > 0) {
		char mnt[4096];
		const char *dash = strstr(line, " - ");

		if (!dash || strncmp(dash, " - cgroup2 ", 11) != 0 ||
		    sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1)
			continue;
		/* mountinfo writes a space as \040; a hierarchy under such a path is not ours */
		return strchr(mnt, '\\') ? NULL : strdup(mnt);
	}
	return NULL;
}

static int tr_push_words(pf_strv *names, const char *path, struct pf_error *err)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	char word[256];

	while (f && fscanf(f, "%255s", word) == 1)
		if (pf_push_str(names, word, err) < 0)
			return -1;
	return 0;
}

int pf_host_cgroup_controllers(pf_strv *names, struct pf_error *err)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/cgroups", "re");
	_cleanup_free_ char *line = NULL, *v2 = tr_cgroup2_mount(), *list = NULL;
	size_t cap = 0;

	/* subsys_name hierarchy num_cgroups enabled */
	while (f && getline(&line, &cap, f) > 0) {
		char name[256];
		int enabled;

		if (line[0] != '#' && sscanf(line, "%255s %*d %*d %d", name, &enabled) == 2 &&
		    enabled && pf_push_str(names, name, err) < 0)
			return -1;
	}
	if (!v2)
		return 0;
	if (pf_push_str(names, "unified", err) < 0 || pf_push_str(names, "v2", err) < 0)
		return -1;
	list = pf_host_path(v2, "/cgroup.controllers");
	if (!list)
		return pf_fail_errno(err, ENOMEM, "translate");
	return tr_push_words(names, list, err);
}

/* "a,b,c" */
static char *tr_join(const pf_strv *v)
{
	size_t len = 1;
	char *out;

	for (size_t i = 0; i < v->n; i++)
		len += strlen(v->v[i]) + 1;
	out = calloc(1, len);
	for (size_t i = 0; out && i < v->n; i++) {
		if (i)
			strcat(out, ",");
		strcat(out, v->v[i]);
	}
	return out;
}

/* The engine makes a new cgroup in every hierarchy it finds, so a controller that exists is
 * honoured by default; the path and annotation make the request visible in the config. */
static int tr_cgroups(const struct pf_options *o, struct pf_spec *spec, struct pf_error *err)
{
	pf_strv host = { 0 }, wanted = { 0 };
	_cleanup_free_ char *joined = NULL, *path = NULL;
	int rc = 0;

	if (!o->cgroups.n)
		return 0;
	if (pf_host_cgroup_controllers(&host, err) < 0)
		return pf_error_prefix(err, "--cgroup=%s", o->cgroups.v[0]);
	for (size_t i = 0; i < o->cgroups.n && rc == 0; i++) {
		const char *c = o->cgroups.v[i];

		if (!tr_strv_has(&host, c))
			rc = pf_fail(err, ENOENT, "--cgroup=%s: no such cgroup controller on this host",
				     c);
		else if (!tr_strv_has(&wanted, c))
			rc = pf_push_str(&wanted, c, err);
	}
	joined = rc == 0 ? tr_join(&wanted) : NULL;
	pf_strv_clear(&host);
	pf_strv_clear(&wanted);
	if (rc < 0)
		return -1;
	if (!joined || asprintf(&path, "pflask/%s", o->name) < 0) {
		path = NULL;
		return pf_fail_errno(err, ENOMEM, "translate");
	}
	if (pf_set_str(&spec->linux_->cgroups_path, path, err) < 0)
		return -1;
	if (pf_strmap_set(&spec->annotations, ANNOTATION_CGROUPS, joined) < 0)
		return pf_fail_errno(err, ENOMEM, "translate");
	return 0;
}

static int tr_ephemeral(const struct pf_options *o, struct pf_spec *spec,
			struct pf_extras *x, struct pf_error *err)
{
	if (!o->ephemeral)
		return 0;
	if (!o->chroot)
		return pf_fail(err, EINVAL, "--ephemeral: needs --chroot");
	x->ephemeral = true;
	if (pf_set_str(&x->lower, o->chroot, err) < 0)
		return -1;
	if (pf_strmap_set(&spec->annotations, ANNOTATION_EPHEMERAL, "true") < 0)
		return pf_fail_errno(err, ENOMEM, "translate");
	return 0;
}

/* What pflask-runtime would refuse is a bug of the translation, not of the flags, but it is
 * still better said here than by the engine. */
static int tr_validate(const struct pf_spec *spec, struct pf_error *err)
{
	pf_strv problems = { 0 };
	int n = pf_spec_validate(spec, &problems);

	if (n < 0)
		pf_fail_errno(err, ENOMEM, "translate");
	else if (n > 0)
		pf_fail(err, EINVAL, "the translated %s", problems.v[0]);
	pf_strv_clear(&problems);
	return n == 0 ? 0 : -1;
}

static int tr_build(struct pf_translation *t, struct pf_spec *spec, struct pf_extras *x,
		    struct pf_error *err)
{
	const struct pf_options *o = t->o;

	spec->linux_ = calloc(1, sizeof(*spec->linux_));
	if (!spec->linux_)
		return pf_fail_errno(err, ENOMEM, "translate");
	if (tr_root(t, spec, err) < 0 || tr_namespaces(t, spec->linux_, err) < 0)
		return -1;
	if (o->hostname && pf_set_str(&spec->hostname, o->hostname, err) < 0)
		return -1;
	if (pf_translate_user(t, spec, err) < 0 || pf_translate_process(t, spec, err) < 0 ||
	    pf_translate_mounts(t, spec, err) < 0 || pf_translate_net(t, spec, err) < 0)
		return -1;
	if (tr_cgroups(o, spec, err) < 0 || tr_ephemeral(o, spec, x, err) < 0)
		return -1;
	return tr_validate(spec, err);
}

int pf_translate(const struct pf_options *o, const char *runtime_path, struct pf_spec **out,
		 struct pf_extras *extras, struct pf_error *err)
{
	struct pf_translation t = { .o = o, .runtime_path = runtime_path };
	_cleanup_spec_ struct pf_spec *spec = NULL;
	struct pf_extras x = { 0 };

	*out = NULL;
	memset(extras, 0, sizeof(*extras));
	if (!o->name)
		return pf_fail(err, EINVAL, "translate: no container ID");
	t.root = o->chroot ? o->chroot : "/";
	tr_plan_namespaces(&t, o);
	spec = pf_spec_new();
	if (!spec)
		return pf_fail_errno(err, ENOMEM, "translate");
	if (tr_build(&t, spec, &x, err) < 0) {
		pf_extras_clear(&x);
		return -1;
	}
	*out = pf_steal_ptr(&spec);
	*extras = x;
	return 0;
}

void pf_extras_clear(struct pf_extras *x)
{
	free(x->lower);
	memset(x, 0, sizeof(*x));
}
