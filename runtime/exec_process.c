/* The process exec runs: config.json's "process" (or --process FILE) with the command line's
 * overrides applied. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bundle/cleanup.h"
#include "bundle/config.h"
#include "bundle/json.h"
#include "bundle/names.h"
#include "bundle/reflect.h"
#include "bundle/validate.h"
#include "runtime/exec_internal.h"

static int load_process_file(const char *path, struct pf_process **out, struct pf_error *err)
{
	_cleanup_free_ char *text = NULL;
	size_t len;

	if (pf_file_read(path, &text, &len, err) < 0)
		return pf_error_prefix(err, "--process");
	*out = pf_process_parse(text, len, path, err);
	return *out ? 0 : -1;
}

/* N=V replaces an existing N, else is appended. */
static int set_env(pf_strv *env, const char *kv, struct pf_error *err)
{
	const char *eq = strchr(kv, '=');
	size_t n;

	if (!eq || eq == kv)
		return pf_fail(err, EINVAL, "--env \"%s\": not of the form NAME=VALUE", kv);
	n = (size_t)(eq - kv) + 1;
	for (size_t i = 0; i < env->n; i++)
		if (strncmp(env->v[i], kv, n) == 0) {
			char *copy = strdup(kv);

			if (!copy)
				return pf_fail_errno(err, ENOMEM, "--env");
			free(env->v[i]);
			env->v[i] = copy;
			return 0;
		}
	return pf_strv_push(env, kv) < 0 ? pf_fail_errno(err, ENOMEM, "--env") : 0;
}

static int parse_id(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || (*end && *end != ':') || v > UINT32_MAX)
		return -1;
	*out = v;
	return 0;
}

static int set_user(struct pf_process *p, const char *spec, struct pf_error *err)
{
	const char *colon = strchr(spec, ':');
	uint64_t uid, gid = 0;

	if (parse_id(spec, &uid) < 0 || (colon && parse_id(colon + 1, &gid) < 0))
		return pf_fail(err, EINVAL, "--user \"%s\": expected UID[:GID] in numbers", spec);
	if (!p->user && !(p->user = calloc(1, sizeof(*p->user))))
		return pf_fail_errno(err, ENOMEM, "--user");
	p->user->uid = (pf_uint){ true, uid };
	p->user->gid = (pf_uint){ true, colon ? gid : (p->user->gid.set ? p->user->gid.v : 0) };
	return 0;
}

/* --cap never reaches the inheritable or ambient sets (CVE-2022-29162). */
static int add_caps(struct pf_process *p, const pf_strv *caps, struct pf_error *err)
{
	for (size_t i = 0; i < caps->n; i++) {
		const char *c = caps->v[i];

		if (pf_capability_number(c) < 0)
			return pf_fail(err, EINVAL, "--cap \"%s\": unknown capability", c);
		if (!p->capabilities && !(p->capabilities = calloc(1, sizeof(*p->capabilities))))
			return pf_fail_errno(err, ENOMEM, "--cap");
		if (pf_strv_push(&p->capabilities->bounding, c) < 0 ||
		    pf_strv_push(&p->capabilities->effective, c) < 0 ||
		    pf_strv_push(&p->capabilities->permitted, c) < 0)
			return pf_fail_errno(err, ENOMEM, "--cap");
	}
	return 0;
}

static int replace_args(struct pf_process *p, char **args, int n, struct pf_error *err)
{
	pf_strv fresh = { 0 };

	for (int i = 0; i < n; i++)
		if (pf_strv_push(&fresh, args[i]) < 0) {
			pf_strv_clear(&fresh);
			return pf_fail_errno(err, ENOMEM, "exec");
		}
	pf_strv_clear(&p->args);
	p->args = fresh;
	return 0;
}

static int apply_overrides(struct pf_process *p, const struct pf_exec_opts *o,
			   struct pf_error *err)
{
	if (o->n_args && replace_args(p, o->args, o->n_args, err) < 0)
		return -1;
	for (size_t i = 0; i < o->env.n; i++)
		if (set_env(&p->env, o->env.v[i], err) < 0)
			return -1;
	if (o->cwd) {
		free(p->cwd);
		if (!(p->cwd = strdup(o->cwd)))
			return pf_fail_errno(err, ENOMEM, "--cwd");
	}
	if (o->user && set_user(p, o->user, err) < 0)
		return -1;
	if (add_caps(p, &o->caps, err) < 0)
		return -1;
	if (o->no_new_privs)
		p->no_new_privileges = (pf_bool){ true, true };
	p->terminal = (pf_bool){ true, o->tty };
	if (o->cwd && o->cwd[0] != '/')
		return pf_fail(err, EINVAL, "--cwd \"%s\": must be an absolute path", o->cwd);
	if (!p->args.n)
		return pf_fail(err, EINVAL, "no command given");
	return 0;
}

int pf_exec_process(struct pf_spec *spec, const struct pf_exec_opts *o, struct pf_process **out,
		    struct pf_error *err)
{
	struct pf_process *p = NULL;

	if (o->process_file) {
		if (load_process_file(o->process_file, &p, err) < 0)
			return -1;
	} else {
		/* config.json's process is the base; the spec gives it up */
		p = spec->process;
		spec->process = NULL;
		if (!p && !(p = calloc(1, sizeof(*p))))
			return pf_fail_errno(err, ENOMEM, "exec");
	}
	if (apply_overrides(p, o, err) < 0) {
		pf_process_free(p);
		return -1;
	}
	*out = p;
	return 0;
}
