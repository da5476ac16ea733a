/* tmpcopyup: what the rootfs had under a tmpfs mount point is copied into the new tmpfs.
 * Everything is relative to directory fds (the source one opened before the tmpfs hid it) and
 * no symlink is ever followed: they are copied as symlinks. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle/cleanup.h"
#include "runtime/mount_internal.h"

#define MAX_DEPTH 128

static int copy_dir(int src, int dst, int depth, struct pf_error *err);

static int copy_data(int in, int out)
{
	_cleanup_free_ char *buf = malloc(65536);
	ssize_t n;

	if (!buf) {
		errno = ENOMEM;
		return -1;
	}
	while ((n = read(in, buf, 65536)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		for (ssize_t w, off = 0; off < n; off += w) {
			w = write(out, buf + off, (size_t)(n - off));
			if (w < 0 && errno != EINTR)
				return -1;
			w = w < 0 ? 0 : w;
		}
	}
	return 0;
}

static int copy_file(int src, int dst, const char *name)
{
	_cleanup_close_ int in = openat(src, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	_cleanup_close_ int out = -1;

	if (in < 0)
		return -1;
	out = openat(dst, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (out < 0)
		return -1;
	return copy_data(in, out);
}

static int copy_link(int src, int dst, const char *name)
{
	char target[PATH_MAX];
	ssize_t n = readlinkat(src, name, target, sizeof(target) - 1);

	if (n < 0)
		return -1;
	target[n] = '\0';
	return symlinkat(target, dst, name);
}

static int copy_subdir(int src, int dst, const char *name, int depth, struct pf_error *err)
{
	_cleanup_close_ int s = -1, d = -1;

	if (mkdirat(dst, name, 0700) < 0)
		return pf_fail_errno(err, errno, "mkdir %s", name);
	s = openat(src, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	d = openat(dst, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (s < 0 || d < 0)
		return pf_fail_errno(err, errno, "open %s", name);
	return copy_dir(s, d, depth + 1, err);
}

/* Owner first: chown clears the set-id bits that chmod then puts back. */
static int copy_meta(int dst, const char *name, const struct stat *st)
{
	struct timespec times[2] = { st->st_atim, st->st_mtim };

	if (fchownat(dst, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0)
		return -1;
	if (!S_ISLNK(st->st_mode) && fchmodat(dst, name, st->st_mode & 07777, 0) < 0)
		return -1;
	return utimensat(dst, name, times, AT_SYMLINK_NOFOLLOW);
}

static int copy_entry(int src, int dst, const char *name, int depth, struct pf_error *err)
{
	struct stat st;
	int rc;

	if (fstatat(src, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return pf_fail_errno(err, errno, "stat %s", name);
	if (S_ISDIR(st.st_mode)) {
		if (copy_subdir(src, dst, name, depth, err) < 0)
			return pf_error_prefix(err, "%s", name);
		rc = 0;
	} else if (S_ISREG(st.st_mode)) {
		rc = copy_file(src, dst, name);
	} else if (S_ISLNK(st.st_mode)) {
		rc = copy_link(src, dst, name);
	} else {
		rc = mknodat(dst, name, st.st_mode, st.st_rdev);
	}
	if (rc < 0 || copy_meta(dst, name, &st) < 0)
		return pf_fail_errno(err, errno, "copy %s", name);
	return 0;
}

static int copy_dir(int src, int dst, int depth, struct pf_error *err)
{
	_cleanup_closedir_ DIR *d = NULL;
	int fd = fcntl(src, F_DUPFD_CLOEXEC, 3);
	struct dirent *e;

	if (depth > MAX_DEPTH)
		return pf_fail(err, ELOOP, "more than %d directories deep", MAX_DEPTH);
	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return pf_fail_errno(err, errno, "read directory");
	}
	/* readdir's own position: a lseek on the dup'ed fd would move the caller's too */
	rewinddir(d);
	while ((errno = 0, e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (copy_entry(src, dst, e->d_name, depth, err) < 0)
			return -1;
	}
	return errno ? pf_fail_errno(err, errno, "read directory") : 0;
}

int pf_copy_tree(int src_dir, int dst_dir, struct pf_error *err)
{
	return copy_dir(src_dir, dst_dir, 0, err);
}
