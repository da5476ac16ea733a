/* mounts, maskedPaths, readonlyPaths. With --chroot the container gets the mounts of the
 * `spec` template (proc, /dev, devpts, shm, mqueue, sysfs, cgroup) and its masked and
 * read-only paths; without it, the host's tree as it is, plus a fresh /proc when the
 * container has its own PID namespace. --mount flags come last, so they land on top. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle/cleanup.h"
#include "bundle/config.h"
#include "bundle/defaults.h"
#include "bundle/reflect.h"
#include "bundle/validate.h"
#include "compat/internal.h"
#include "compat/pflask.h"

static void mnt_free(struct pf_mount *m)
{
	free(m->destination);
	free(m->source);
	free(m->type);
	pf_strv_clear(&m->options);
	free(m->uid_mappings.v);
	free(m->gid_mappings.v);
	memset(m, 0, sizeof(*m));
}

static int mnt_fill(struct pf_mount *m, const char *dest, const char *type, const char *source,
		    const char *const *opts, struct pf_error *err)
{
	if (pf_set_str(&m->destination, dest, err) < 0 || pf_set_str(&m->type, type, err) < 0 ||
	    pf_set_str(&m->source, source, err) < 0)
		return -1;
	for (size_t i = 0; opts && opts[i]; i++)
		if (pf_push_str(&m->options, opts[i], err) < 0)
			return -1;
	return 0;
}

static int mnt_push(struct pf_spec *spec, const char *dest, const char *type,
		    const char *source, const char *const *opts, struct pf_error *err)
{
	struct pf_mount *m = PF_VEC_PUSH(&spec->mounts);

	if (!m)
		return pf_fail_errno(err, ENOMEM, "translate");
	return mnt_fill(m, dest, type, source, opts, err);
}

/* The host's instance bound in place of a fresh one (options of runc's rootless template). */
static int mnt_rebind(struct pf_mount *m, const char *source, bool readonly,
		      struct pf_error *err)
{
	static const char *const rw[] = { "rbind", "nosuid", "noexec", "nodev", NULL };
	static const char *const ro[] = { "rbind", "nosuid", "noexec", "nodev", "ro", NULL };
	_cleanup_free_ char *dest = pf_steal_ptr(&m->destination);

	mnt_free(m);
	return mnt_fill(m, dest, "bind", source, readonly ? ro : rw, err);
}

static void mnt_drop_option(pf_strv *opts, const char *opt)
{
	for (size_t i = 0; i < opts->n; i++)
		if (strcmp(opts->v[i], opt) == 0) {
			free(opts->v[i]);
			memmove(&opts->v[i], &opts->v[i + 1], (opts->n - i - 1) * sizeof(*opts->v));
			opts->n--;
			return;
		}
}

/* In a user namespace the kernel lets proc, sysfs and mqueue be mounted only by the owner of
 * the PID, network and IPC namespace they show; where the container shares the host's, the
 * host's instance is bound instead (mqueue is left out). devpts' gid=5 is not mapped. */
static int mnt_adapt(const struct pf_translation *t, struct pf_mount *m, bool *keep,
		     struct pf_error *err)
{
	const char *d = m->destination;

	*keep = true;
	if (!t->ns_user)
		return 0;
	if (strcmp(d, "/dev/pts") == 0)
		mnt_drop_option(&m->options, "gid=5");
	else if (strcmp(d, "/dev/mqueue") == 0 && !t->ns_ipc)
		*keep = false;
	else if (strcmp(d, "/proc") == 0 && !t->ns_pid)
		return mnt_rebind(m, "/proc", false, err);
	else if (strcmp(d, "/sys") == 0 && !t->ns_net)
		return mnt_rebind(m, "/sys", true, err);
	return 0;
}

static int mnt_take_template(const struct pf_translation *t, struct pf_spec *spec,
			     struct pf_spec *tpl, struct pf_error *err)
{
	struct pf_linux *l = spec->linux_, *from = tpl->linux_;

	spec->mounts.set = true;
	for (size_t i = 0; i < tpl->mounts.n; i++) {
		struct pf_mount *m = &tpl->mounts.v[i], *slot;
		bool keep;

		if (mnt_adapt(t, m, &keep, err) < 0)
			return -1;
		if (!keep)
			continue;
		slot = PF_VEC_PUSH(&spec->mounts);
		if (!slot)
			return pf_fail_errno(err, ENOMEM, "translate");
		*slot = *m;
		memset(m, 0, sizeof(*m));
	}
	l->masked_paths = from->masked_paths;
	l->readonly_paths = from->readonly_paths;
	/* the device cgroup denies everything but the runtime's default devices, as runc's */
	l->resources = from->resources;
	memset(&from->masked_paths, 0, sizeof(from->masked_paths));
	memset(&from->readonly_paths, 0, sizeof(from->readonly_paths));
	from->resources = NULL;
	return 0;
}

static int mnt_chroot_defaults(const struct pf_translation *t, struct pf_spec *spec,
			       struct pf_error *err)
{
	_cleanup_spec_ struct pf_spec *tpl = pf_spec_default(false, 0, 0, err);

	if (!tpl)
		return -1;
	return mnt_take_template(t, spec, tpl, err);
}

static int mnt_overlay(const struct pf_translation *t, struct pf_spec *spec,
		       const struct pf_mount_flag *f, struct pf_error *err)
{
	_cleanup_free_ char *lower = pf_host_path(t->root, f->dest);
	_cleanup_free_ char *lo = NULL, *up = NULL, *work = NULL;
	const char *opts[4];

	/* the original stacks ROOT_DIR on the container's DEST: that DEST, seen from the host,
	 * is the lower layer */
	if (!lower || asprintf(&lo, "lowerdir=%s", lower) < 0 ||
	    asprintf(&up, "upperdir=%s", f->source) < 0 || asprintf(&work, "workdir=%s", f->work) < 0)
		return pf_fail_errno(err, ENOMEM, "translate");
	opts[0] = lo;
	opts[1] = up;
	opts[2] = work;
	opts[3] = NULL;
	return mnt_push(spec, f->dest, "overlay", "overlay", opts, err);
}

static int mnt_from_flag(const struct pf_translation *t, struct pf_spec *spec,
			 const struct pf_mount_flag *f, struct pf_error *err)
{
	static const char *const bind[] = { "rbind", NULL };
	static const char *const bind_ro[] = { "rbind", "ro", NULL };

	switch (f->kind) {
	case PF_MNT_BIND:
		return mnt_push(spec, f->dest, "bind", f->source, bind, err);
	case PF_MNT_BIND_RO:
		return mnt_push(spec, f->dest, "bind", f->source, bind_ro, err);
	case PF_MNT_TMP:
		return mnt_push(spec, f->dest, "tmpfs", "tmpfs", NULL, err);
	case PF_MNT_OVERLAY:
		return mnt_overlay(t, spec, f, err);
	}
	return pf_fail(err, EINVAL, "translate: unknown mount kind");
}

int pf_translate_mounts(const struct pf_translation *t, struct pf_spec *spec,
			struct pf_error *err)
{
	static const char *const proc_opts[] = { "nosuid", "noexec", "nodev", NULL };

	spec->mounts.set = true;
	if (t->o->chroot) {
		if (mnt_chroot_defaults(t, spec, err) < 0)
			return -1;
	} else if (t->ns_mount && t->ns_pid &&
		   mnt_push(spec, "/proc", "proc", "proc", proc_opts, err) < 0) {
		return -1;
	}
	for (size_t i = 0; i < t->o->mounts.n; i++)
		if (mnt_from_flag(t, spec, &t->o->mounts.v[i], err) < 0)
			return -1;
	return 0;
}
