/* Whole-file reads with a size bound, and atomic writes (temporary file, fsync, rename). */
#include "bundle/json.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle/cleanup.h"

int pf_file_read(const char *path, char **out, size_t *len, struct pf_error *err)
{
	/* O_NONBLOCK: opening a FIFO nobody writes to would wait forever; cleared once open, so a
	 * FIFO without a writer reads as empty and a pipe (/dev/stdin) is read to its end */
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	_cleanup_free_ char *buf = NULL;
	size_t have = 0, cap = 0;
	struct stat st;
	int fl;

	if (fd < 0)
		return pf_fail_errno(err, errno, "open %s", path);
	if (fstat(fd, &st) < 0)
		return pf_fail_errno(err, errno, "stat %s", path);
	if (S_ISDIR(st.st_mode))
		return pf_fail(err, EISDIR, "read %s: is a directory", path);
	if ((fl = fcntl(fd, F_GETFL)) < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0)
		return pf_fail_errno(err, errno, "read %s", path);
	for (;;) {
		ssize_t n;

		if (have + 1 >= cap) {
			char *grown;

			if (cap > PF_JSON_MAX_SIZE)
				return pf_fail(err, EFBIG, "read %s: larger than %u MiB", path,
					       PF_JSON_MAX_SIZE >> 20);
			cap = cap ? cap * 2 : 8192;
			grown = realloc(buf, cap);
			if (!grown)
				return pf_fail_errno(err, ENOMEM, "read %s", path);
			buf = grown;
		}
		n = read(fd, buf + have, cap - have - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return pf_fail_errno(err, errno, "read %s", path);
		if (n == 0)
			break;
		have += (size_t)n;
	}
	if (have > PF_JSON_MAX_SIZE)
		return pf_fail(err, EFBIG, "read %s: larger than %u MiB", path, PF_JSON_MAX_SIZE >> 20);
	buf[have] = '\0';
	*out = pf_steal_ptr(&buf);
	if (len)
		*len = have;
	return 0;
}

int pf_write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static int write_in_place(const char *path, const char *buf, size_t len, unsigned mode,
			  struct pf_error *err)
{
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
				      mode);

	if (fd < 0 && errno == EEXIST)
		return pf_fail(err, EEXIST, "%s already exists", path);
	if (fd < 0 || fchmod(fd, mode) < 0 || pf_write_all(fd, buf, len) < 0) {
		int e = errno;

		if (fd >= 0)
			unlink(path);
		return pf_fail_errno(err, e, "write %s", path);
	}
	return 0;
}

int pf_file_write(const char *path, const char *buf, size_t len, unsigned mode, unsigned flags,
		  struct pf_error *err)
{
	char tmp[PATH_MAX];
	_cleanup_close_ int fd = -1;
	int n;

	if (flags & PF_FILE_IN_PLACE)
		return write_in_place(path, buf, len, mode, err);
	n = snprintf(tmp, sizeof(tmp), "%s.tmp-XXXXXX", path);
	if (n < 0 || (size_t)n >= sizeof(tmp))
		return pf_fail(err, ENAMETOOLONG, "write %s: path too long", path);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return pf_fail_errno(err, errno, "write %s", path);
	bool exclusive = flags & PF_FILE_EXCL;

	if (fchmod(fd, mode) < 0 || pf_write_all(fd, buf, len) < 0 ||
	    ((flags & PF_FILE_SYNC) && fsync(fd) < 0)) {
		int e = errno;
		unlink(tmp);
		return pf_fail_errno(err, e, "write %s", path);
	}
	/* link() refuses an existing target, which rename() would silently replace */
	if (exclusive ? link(tmp, path) : rename(tmp, path)) {
		int e = errno;
		unlink(tmp);
		if (e == EEXIST)
			return pf_fail(err, e, "%s already exists", path);
		return pf_fail_errno(err, e, "write %s", path);
	}
	if (exclusive)
		unlink(tmp);
	return 0;
}
