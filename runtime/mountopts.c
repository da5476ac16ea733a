/* Mount options: config.md's "Linux mount options" table turned into mount(2) flags,
 * propagation, mount_setattr(2) attributes and the data string, with runc's precedence rules;
 * and the flag arithmetic used when those are applied. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>

#include "bundle/cleanup.h"
#include "runtime/mount_internal.h"

struct flag_opt {
	const char *name;
	unsigned long flag;
	bool clear;
};

/* "bind" and "rbind" are here too: they set MS_BIND (and MS_REC), which the op keeps as
 * booleans. "defaults" is accepted and means nothing. */
static const struct flag_opt flag_opts[] = {
	{ "acl", MS_POSIXACL, false },       { "async", MS_SYNCHRONOUS, true },
	{ "atime", MS_NOATIME, true },       { "bind", MS_BIND, false },
	{ "defaults", 0, false },            { "dev", MS_NODEV, true },
	{ "diratime", MS_NODIRATIME, true }, { "dirsync", MS_DIRSYNC, false },
	{ "exec", MS_NOEXEC, true },         { "iversion", MS_I_VERSION, false },
	{ "lazytime", MS_LAZYTIME, false },  { "loud", MS_SILENT, true },
	{ "mand", MS_MANDLOCK, false },      { "noacl", MS_POSIXACL, true },
	{ "noatime", MS_NOATIME, false },    { "nodev", MS_NODEV, false },
	{ "nodiratime", MS_NODIRATIME, false }, { "noexec", MS_NOEXEC, false },
	{ "noiversion", MS_I_VERSION, true }, { "nolazytime", MS_LAZYTIME, true },
	{ "nomand", MS_MANDLOCK, true },     { "norelatime", MS_RELATIME, true },
	{ "nostrictatime", MS_STRICTATIME, true }, { "nosuid", MS_NOSUID, false },
	{ "nosymfollow", MS_NOSYMFOLLOW, false }, { "rbind", MS_BIND | MS_REC, false },
	{ "relatime", MS_RELATIME, false },  { "remount", MS_REMOUNT, false },
	{ "ro", MS_RDONLY, false },          { "rw", MS_RDONLY, true },
	{ "silent", MS_SILENT, false },      { "strictatime", MS_STRICTATIME, false },
	{ "suid", MS_NOSUID, true },         { "symfollow", MS_NOSYMFOLLOW, true },
	{ "sync", MS_SYNCHRONOUS, false },
};

static const struct {
	const char *name;
	unsigned long flags;
} propagation_opts[] = {
	{ "private", MS_PRIVATE },   { "rprivate", MS_PRIVATE | MS_REC },
	{ "shared", MS_SHARED },     { "rshared", MS_SHARED | MS_REC },
	{ "slave", MS_SLAVE },       { "rslave", MS_SLAVE | MS_REC },
	{ "unbindable", MS_UNBINDABLE }, { "runbindable", MS_UNBINDABLE | MS_REC },
};

static const struct {
	const char *name;
	uint64_t attr;
	bool clear;
} attr_opts[] = {
	{ "rro", MOUNT_ATTR_RDONLY, false },         { "rrw", MOUNT_ATTR_RDONLY, true },
	{ "rnosuid", MOUNT_ATTR_NOSUID, false },     { "rsuid", MOUNT_ATTR_NOSUID, true },
	{ "rnodev", MOUNT_ATTR_NODEV, false },       { "rdev", MOUNT_ATTR_NODEV, true },
	{ "rnoexec", MOUNT_ATTR_NOEXEC, false },     { "rexec", MOUNT_ATTR_NOEXEC, true },
	{ "rnodiratime", MOUNT_ATTR_NODIRATIME, false }, { "rdiratime", MOUNT_ATTR_NODIRATIME, true },
	{ "rrelatime", MOUNT_ATTR_RELATIME, false }, { "rnorelatime", MOUNT_ATTR_RELATIME, true },
	{ "rnoatime", MOUNT_ATTR_NOATIME, false },   { "ratime", MOUNT_ATTR_NOATIME, true },
	{ "rstrictatime", MOUNT_ATTR_STRICTATIME, false },
	{ "rnostrictatime", MOUNT_ATTR_STRICTATIME, true },
	{ "rnosymfollow", MOUNT_ATTR_NOSYMFOLLOW, false },
	{ "rsymfollow", MOUNT_ATTR_NOSYMFOLLOW, true },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static bool parse_flag(const char *o, struct pf_mount_op *op)
{
	for (size_t i = 0; i < N(flag_opts); i++) {
		unsigned long f = flag_opts[i].flag;

		if (strcmp(o, flag_opts[i].name) != 0)
			continue;
		if (f & MS_BIND) {
			op->bind = true;
			op->recursive |= (f & MS_REC) != 0;
		} else if (flag_opts[i].clear) {
			op->flags &= ~f;
			op->clear |= f;
		} else {
			op->flags |= f;
			op->clear &= ~f;
		}
		return true;
	}
	return false;
}

/* As runc: the last of set and clear wins; an access-time setting must also clear the whole
 * __ATIME field, mount_setattr(2) says, because it is an enum and not a bit. */
static bool parse_attr(const char *o, struct pf_mount_op *op)
{
	for (size_t i = 0; i < N(attr_opts); i++) {
		uint64_t a = attr_opts[i].attr;

		if (strcmp(o, attr_opts[i].name) != 0)
			continue;
		if (attr_opts[i].clear) {
			op->attr_clr |= a;
			op->attr_set &= ~a;
		} else {
			op->attr_set |= a;
			op->attr_clr &= ~a;
			if ((a & MOUNT_ATTR__ATIME) == a)
				op->attr_clr |= MOUNT_ATTR__ATIME;
		}
		return true;
	}
	return false;
}

static bool parse_special(const char *o, struct pf_mount_op *op)
{
	for (size_t i = 0; i < N(propagation_opts); i++) {
		if (strcmp(o, propagation_opts[i].name) == 0) {
			op->propagation = propagation_opts[i].flags;
			return true;
		}
	}
	if (strcmp(o, "tmpcopyup") == 0)
		op->tmpcopyup = true;
	else if (strcmp(o, "idmap") == 0 || strcmp(o, "ridmap") == 0) {
		op->idmap = true;
		op->idmap_recursive |= o[0] == 'r';
	} else {
		return false;
	}
	return true;
}

static int append_data(char **data, const char *o)
{
	size_t old = *data ? strlen(*data) : 0, len = strlen(o);
	char *p = realloc(*data, old + len + 2);

	if (!p)
		return -1;
	if (old)
		p[old++] = ',';
	memcpy(p + old, o, len + 1);
	*data = p;
	return 0;
}

int pf_mount_parse_options(const pf_strv *options, struct pf_mount_op *op, struct pf_error *err)
{
	_cleanup_free_ char *data = NULL;

	for (size_t i = 0; i < options->n; i++) {
		const char *o = options->v[i];

		if (!o || !*o || parse_flag(o, op) || parse_attr(o, op) || parse_special(o, op))
			continue;
		if (append_data(&data, o) < 0)
			return pf_fail(err, ENOMEM, "mount options: out of memory");
	}
	free(op->data);
	op->data = pf_steal_ptr(&data);
	return 0;
}

/* The per-mount flags in their three spellings: mount(2), mount_setattr(2), statfs(2). */
static const struct {
	unsigned long ms;
	uint64_t attr;
	unsigned long st;
} flag_map[] = {
	{ MS_RDONLY, MOUNT_ATTR_RDONLY, ST_RDONLY },
	{ MS_NOSUID, MOUNT_ATTR_NOSUID, ST_NOSUID },
	{ MS_NODEV, MOUNT_ATTR_NODEV, ST_NODEV },
	{ MS_NOEXEC, MOUNT_ATTR_NOEXEC, ST_NOEXEC },
	{ MS_NODIRATIME, MOUNT_ATTR_NODIRATIME, ST_NODIRATIME },
	{ MS_NOSYMFOLLOW, MOUNT_ATTR_NOSYMFOLLOW, ST_NOSYMFOLLOW },
	{ MS_NOATIME, 0, ST_NOATIME },
	{ MS_RELATIME, 0, ST_RELATIME },
};

uint64_t pf_ms_to_attr(unsigned long ms)
{
	uint64_t a = 0;

	for (size_t i = 0; i < N(flag_map); i++)
		if (ms & flag_map[i].ms)
			a |= flag_map[i].attr;
	/* the kernel's own precedence: strictatime beats noatime beats relatime */
	if (ms & MS_STRICTATIME)
		a |= MOUNT_ATTR_STRICTATIME;
	else if (ms & MS_NOATIME)
		a |= MOUNT_ATTR_NOATIME;
	return a;
}

unsigned long pf_statfs_to_ms(unsigned long f)
{
	unsigned long ms = 0;

	for (size_t i = 0; i < N(flag_map); i++)
		if (f & flag_map[i].st)
			ms |= flag_map[i].ms;
	/* statfs has no bit for it: neither noatime nor relatime is strictatime */
	if (!(f & (ST_NOATIME | ST_RELATIME)))
		ms |= MS_STRICTATIME;
	return ms;
}

int pf_setattr(int fd, bool recursive, uint64_t set, uint64_t clr, uint64_t propagation)
{
	struct mount_attr attr = { .attr_set = set, .attr_clr = clr, .propagation = propagation };

	return mount_setattr(fd, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &attr,
			     sizeof(attr));
}

/* What "mount --bind -o OPTS" should mean: exactly the requested per-mount flags, the
 * access-time setting kept unless one is requested; with "remount" only the named flags
 * change, as "mount -o remount,bind,OPTS" does. */
static void bind_attrs(const struct pf_mount_op *op, uint64_t *set, uint64_t *clr)
{
	unsigned long req = op->flags & PF_MS_PER_MOUNT;

	*set = pf_ms_to_attr(req);
	*clr = 0;
	if (req & PF_MS_ATIME)
		*clr |= MOUNT_ATTR__ATIME | MOUNT_ATTR_NODIRATIME;
	if (op->flags & MS_REMOUNT)
		*clr |= pf_ms_to_attr(op->clear & PF_MS_PER_MOUNT & ~PF_MS_ATIME);
	else
		*clr |= (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
			 MOUNT_ATTR_NOEXEC | MOUNT_ATTR_NOSYMFOLLOW) & ~*set;
	*clr &= ~(*set & ~MOUNT_ATTR__ATIME);
}

int pf_bind_set_flags(int mnt_fd, const struct pf_mount_op *op, struct pf_error *err)
{
	uint64_t set, clr;
	unsigned long src, req = op->flags & PF_MS_PER_MOUNT;
	struct statfs st;
	int first;

	/* no flag named at all: the bind keeps the source's flags */
	if (!(op->flags & ~(MS_BIND | MS_REC | MS_REMOUNT)) && !op->clear)
		return 0;
	bind_attrs(op, &set, &clr);
	if (pf_setattr(mnt_fd, false, set, clr, 0) == 0)
		return 0;
	first = errno;
	if (first != EPERM || fstatfs(mnt_fd, &st) < 0)
		return pf_fail_errno(err, first, "set mount flags");
	/* locked flags (a mount from a more privileged namespace): keep those the source has,
	 * unless the options asked to clear one, or asked for another access-time setting */
	src = pf_statfs_to_ms(st.f_flags);
	if (src & op->clear & PF_MS_LOCKED)
		return pf_fail_errno(err, first, "set mount flags (the source's are locked)");
	if ((req & (MS_NOATIME | MS_RELATIME | MS_STRICTATIME)) &&
	    (req & (MS_NOATIME | MS_RELATIME | MS_STRICTATIME)) !=
		    (src & (MS_NOATIME | MS_RELATIME | MS_STRICTATIME)))
		return pf_fail_errno(err, first, "set mount flags (the source's atime is locked)");
	clr &= ~pf_ms_to_attr(src & PF_MS_LOCKED & ~PF_MS_ATIME);
	if (src & MS_NODIRATIME)
		clr &= ~(uint64_t)MOUNT_ATTR_NODIRATIME;
	if (pf_setattr(mnt_fd, false, set, clr, 0) < 0)
		return pf_fail_errno(err, errno, "set mount flags");
	return 0;
}

int pf_mount_set_extras(int mnt_fd, const struct pf_mount_op *op, struct pf_error *err)
{
	if (op->propagation &&
	    pf_setattr(mnt_fd, op->propagation & MS_REC, 0, 0, op->propagation & ~MS_REC) < 0)
		return pf_fail_errno(err, errno, "set propagation");
	if ((op->attr_set || op->attr_clr) &&
	    pf_setattr(mnt_fd, true, op->attr_set, op->attr_clr, 0) < 0)
		return pf_fail_errno(err, errno, "set recursive mount attributes");
	return 0;
}
