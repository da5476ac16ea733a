#include "compat/ephemeral.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle/cleanup.h"

/* Our mounts must never reach the host: the namespace is a slave of the host's, so mounts go
 * from the host to us and never back. */
static int private_namespace(struct pf_error *err)
{
	if (unshare(CLONE_NEWNS) < 0)
		return pf_fail_errno(err, errno, "unshare the mount namespace");
	if (mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0)
		return pf_fail_errno(err, errno, "make / slave");
	return 0;
}

/* overlayfs splits layer paths at ':' and unescapes '\'. */
static char *escape_layer(const char *path)
{
	char *out = malloc(2 * strlen(path) + 1), *o = out;

	if (!out)
		return NULL;
	for (; *path; path++) {
		if (*path == ':' || *path == '\\')
			*o++ = '\\';
		*o++ = *path;
	}
	*o = '\0';
	return out;
}

/* The overlay's root takes its owner and mode from the upper directory: give it those of the
 * chroot, so / in the container looks as it does without --ephemeral. */
static int make_upper(int dir, const char *lower, struct pf_error *err)
{
	struct stat st;

	if (stat(lower, &st) < 0)
		return pf_fail_errno(err, errno, "%s", lower);
	if (!S_ISDIR(st.st_mode))
		return pf_fail(err, ENOTDIR, "%s: not a directory", lower);
	if (mkdirat(dir, "upper", 0700) < 0 || mkdirat(dir, "work", 0700) < 0)
		return pf_fail_errno(err, errno, "make the overlay's directories");
	if (fchownat(dir, "upper", st.st_uid, st.st_gid, 0) < 0 ||
	    fchmodat(dir, "upper", st.st_mode & 07777, 0) < 0)
		return pf_fail_errno(err, errno, "give the upper directory the chroot's owner");
	return 0;
}

static int set_layer(int fs, const char *key, const char *path)
{
	_cleanup_free_ char *escaped = escape_layer(path);

	if (!escaped) {
		errno = ENOMEM;
		return -1;
	}
	return fsconfig(fs, FSCONFIG_SET_STRING, key, escaped, 0);
}

/* With the new mount API each option is its own string: a chroot path holding a comma
 * needs no care beyond overlayfs's own escaping. */
static int mount_overlay(const struct pf_ephemeral *e, const char *lower, struct pf_error *err)
{
	_cleanup_close_ int fs = fsopen("overlay", FSOPEN_CLOEXEC), mnt = -1;
	_cleanup_free_ char *upper = NULL, *work = NULL;

	if (fs < 0)
		return pf_fail_errno(err, errno, "overlayfs");
	if (asprintf(&upper, "%s/upper", e->mnt) < 0 || asprintf(&work, "%s/work", e->mnt) < 0)
		return pf_fail_errno(err, ENOMEM, "overlay");
	if (set_layer(fs, "lowerdir", lower) < 0 || set_layer(fs, "upperdir", upper) < 0 ||
	    set_layer(fs, "workdir", work) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "source", "pflask-ephemeral", 0) < 0 ||
	    fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return pf_fail_errno(err, errno, "overlay of %s", lower);
	mnt = fsmount(fs, FSMOUNT_CLOEXEC, 0);
	/* over the chroot itself (its layer was resolved above): the container's rootfs keeps
	 * its path, which a user namespace's root may traverse where the state root's 0700
	 * directories would stop it */
	if (mnt < 0 || move_mount(mnt, "", AT_FDCWD, e->merged, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return pf_fail_errno(err, errno, "mount the overlay on %s", lower);
	return 0;
}

static int setup(struct pf_ephemeral *e, const char *lower, struct pf_error *err)
{
	_cleanup_close_ int dir = -1;

	if (private_namespace(err) < 0)
		return -1;
	/* mode 0700: the changes are nobody's business but the container's */
	if (mount("pflask-ephemeral", e->mnt, "tmpfs", 0, "mode=0700") < 0)
		return pf_fail_errno(err, errno, "mount a tmpfs on %s", e->mnt);
	e->tmpfs_mounted = true;
	dir = open(e->mnt, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return pf_fail_errno(err, errno, "open %s", e->mnt);
	if (make_upper(dir, lower, err) < 0 || mount_overlay(e, lower, err) < 0)
		return -1;
	e->overlay_mounted = true;
	return 0;
}

int pf_ephemeral_setup(struct pf_ephemeral *e, const char *mnt, const char *lower,
		       struct pf_error *err)
{
	memset(e, 0, sizeof(*e));
	e->mnt = strdup(mnt);
	e->merged = strdup(lower);
	if (!e->mnt || !e->merged) {
		pf_ephemeral_teardown(e);
		return pf_fail_errno(err, ENOMEM, "--ephemeral");
	}
	if (setup(e, lower, err) == 0)
		return 0;
	pf_ephemeral_teardown(e);
	return pf_error_prefix(err, "--ephemeral");
}

void pf_ephemeral_teardown(struct pf_ephemeral *e)
{
	/* lazily: a process of the container that outlived it may still hold a file open */
	if (e->overlay_mounted)
		umount2(e->merged, MNT_DETACH);
	if (e->tmpfs_mounted)
		umount2(e->mnt, MNT_DETACH);
	free(e->mnt);
	free(e->merged);
	memset(e, 0, sizeof(*e));
}
