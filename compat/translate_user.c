/* --user and --user-map: who the process runs as, and the id mappings of its user namespace.
 *
 * --user alone maps the user to itself and root to itself: root must stay mapped, because the
 * runtime sets the container up (mounts, devices, hostname) as the container's root before it
 * becomes the user. --user-map gives the mappings instead, the same for uids and gids, as the
 * original did. */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle/cleanup.h"
#include "bundle/reflect.h"
#include "compat/internal.h"
#include "compat/pflask.h"

/* A decimal uid filling the whole string. */
static bool user_numeric(const char *s, uint32_t *out)
{
	unsigned long long v;
	char *end;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v > UINT32_MAX)
		return false;
	*out = (uint32_t)v;
	return true;
}

/* The user in ROOT/etc/passwd, read as a file: the chroot's users are not the host's, and the
 * host's NSS modules have no business answering for the container. A number that passwd does
 * not know is its own uid and gid. */
static int user_lookup(const char *root, const char *name, uint32_t *uid, uint32_t *gid,
		       struct pf_error *err)
{
	_cleanup_free_ char *path = pf_host_path(root, "/etc/passwd");
	_cleanup_fclose_ FILE *f = NULL;
	struct passwd pw, *found = NULL;
	char buf[4096];
	uint32_t n = 0;
	bool numeric = user_numeric(name, &n);

	if (!path)
		return pf_fail_errno(err, ENOMEM, "translate");
	f = fopen(path, "re");
	if (!f && !numeric)
		return pf_fail_errno(err, errno, "%s", path);
	while (f && fgetpwent_r(f, &pw, buf, sizeof(buf), &found) == 0 && found) {
		if (numeric ? pw.pw_uid == n : strcmp(pw.pw_name, name) == 0) {
			*uid = pw.pw_uid;
			*gid = pw.pw_gid;
			return 0;
		}
	}
	if (!numeric)
		return pf_fail(err, ENOENT, "no such user in %s", path);
	*uid = *gid = n;
	return 0;
}

static int user_map_push(pf_id_mappings *m, uint64_t container, uint64_t host, uint64_t size,
			 struct pf_error *err)
{
	struct pf_id_mapping *slot = PF_VEC_PUSH(m);

	if (!slot)
		return pf_fail_errno(err, ENOMEM, "translate");
	slot->container_id = (pf_uint){ true, container };
	slot->host_id = (pf_uint){ true, host };
	slot->size = (pf_uint){ true, size };
	return 0;
}

static bool user_ranges_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

static bool user_id_mapped(const pf_id_mappings *m, uint64_t id)
{
	for (size_t i = 0; i < m->n; i++)
		if (id >= m->v[i].container_id.v && id < m->v[i].container_id.v + m->v[i].size.v)
			return true;
	return false;
}

static void user_map_text(char *buf, size_t size, const struct pf_user_map *m)
{
	snprintf(buf, size, "--user-map=%u:%u:%u", m->container_id, m->host_id, m->size);
}

/* Overlapping ranges on either side are refused by the kernel; say which flags collide. */
static int user_maps_check(const struct pf_options *o, struct pf_error *err)
{
	for (size_t i = 0; i < o->user_maps.n; i++)
		for (size_t j = 0; j < i; j++) {
			const struct pf_user_map *a = &o->user_maps.v[i], *b = &o->user_maps.v[j];
			char ta[64], tb[64];

			if (!user_ranges_overlap(a->container_id, a->size, b->container_id, b->size) &&
			    !user_ranges_overlap(a->host_id, a->size, b->host_id, b->size))
				continue;
			user_map_text(ta, sizeof(ta), a);
			user_map_text(tb, sizeof(tb), b);
			return pf_fail(err, EINVAL, "%s: overlaps %s", ta, tb);
		}
	return 0;
}

static int user_maps_from_flags(const struct pf_translation *t, struct pf_linux *l,
				struct pf_error *err)
{
	const struct pf_options *o = t->o;

	if (user_maps_check(o, err) < 0)
		return -1;
	for (size_t i = 0; i < o->user_maps.n; i++) {
		const struct pf_user_map *m = &o->user_maps.v[i];

		if (user_map_push(&l->uid_mappings, m->container_id, m->host_id, m->size, err) < 0 ||
		    user_map_push(&l->gid_mappings, m->container_id, m->host_id, m->size, err) < 0)
			return -1;
	}
	if (o->user && !user_id_mapped(&l->uid_mappings, t->uid))
		return pf_fail(err, EINVAL, "--user=%s: uid %u is not mapped by --user-map", o->user,
			       t->uid);
	if (o->user && !user_id_mapped(&l->gid_mappings, t->gid))
		return pf_fail(err, EINVAL, "--user=%s: gid %u is not mapped by --user-map", o->user,
			       t->gid);
	return 0;
}

/* root to root, and the user to itself */
static int user_maps_identity(const struct pf_translation *t, struct pf_linux *l,
			      struct pf_error *err)
{
	if (user_map_push(&l->uid_mappings, 0, 0, 1, err) < 0 ||
	    user_map_push(&l->gid_mappings, 0, 0, 1, err) < 0)
		return -1;
	if (t->uid && user_map_push(&l->uid_mappings, t->uid, t->uid, 1, err) < 0)
		return -1;
	if (t->gid && user_map_push(&l->gid_mappings, t->gid, t->gid, 1, err) < 0)
		return -1;
	return 0;
}

int pf_translate_user(struct pf_translation *t, struct pf_spec *spec, struct pf_error *err)
{
	const struct pf_options *o = t->o;

	t->uid = t->gid = 0;
	t->user_name = o->user ? o->user : "root";
	if (o->user && user_lookup(t->root, o->user, &t->uid, &t->gid, err) < 0)
		return pf_error_prefix(err, "--user=%s", o->user);
	if (!t->ns_user)
		return 0;
	if (o->user_maps.n)
		return user_maps_from_flags(t, spec->linux_, err);
	return user_maps_identity(t, spec->linux_, err);
}
