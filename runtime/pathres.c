/* Paths inside the rootfs. Every lookup goes through openat2(RESOLVE_IN_ROOT) (or the same
 * lookup by hand where openat2 is missing): an absolute symlink or a ".." in the rootfs is taken
 * relative to the rootfs, so nothing the image holds can make us create, mount or mknod outside
 * it. Missing components are created one at a time relative to their parent's fd, never
 * through a path string that is walked again. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bundle/cleanup.h"
#include "runtime/mount_internal.h"

#define RESOLVE_FLAGS (RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS)
#define MAX_HOPS 40

/* -1 with errno set to e. */
static int fail_with(int e)
{
	errno = e;
	return -1;
}

/* dir replaced by its subdirectory name, opened O_PATH without following a symlink. */
static int step_into(int *dir, const char *name)
{
	int fd = openat(*dir, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return -1;
	close(*dir);
	*dir = fd;
	return 0;
}

/* The directory resolved ("/a/b", only real directories) opened again from the root. */
static int reopen_resolved(int root_fd, const char *resolved, int *dir)
{
	char copy[PATH_MAX], *rest = copy, *name;
	int fd = openat(root_fd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	close(*dir);
	*dir = fd;
	snprintf(copy, sizeof(copy), "%s", resolved);
	while ((name = strsep(&rest, "/")) != NULL)
		if (*name && step_into(dir, name) < 0)
			return -1;
	return 0;
}

/* What openat2(RESOLVE_IN_ROOT) does, by hand, where it answers ENOSYS (Linux before 5.6, a
 * seccomp profile that does not know it, valgrind): one component at a time with O_NOFOLLOW,
 * a symlink's target walked on from the root (absolute) or from its directory, ".." never above
 * the root, at most 40 symlinks. openat2 also notices a rename racing a ".." walk; this does
 * not, and needs no more while the rootfs is ours alone, as it is while a container is made. */
static int open_by_hand(int root_fd, const char *path, int flags)
{
	char todo[PATH_MAX], resolved[PATH_MAX] = "", target[PATH_MAX], name[NAME_MAX + 1];
	_cleanup_close_ int dir = openat(root_fd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	const char *p = todo;
	int hops = 0;

	if (dir < 0)
		return -1;
	if ((size_t)snprintf(todo, sizeof(todo), "%s", path) >= sizeof(todo))
		return fail_with(ENAMETOOLONG);
	for (;;) {
		size_t n, len = strlen(resolved);
		ssize_t tl;
		bool last, dir_only;

		p += strspn(p, "/");
		if (!*p)
			return openat(dir, ".", flags | O_CLOEXEC);
		n = strcspn(p, "/");
		if (n > NAME_MAX)
			return fail_with(ENAMETOOLONG);
		memcpy(name, p, n);
		name[n] = '\0';
		p += n;
		last = p[strspn(p, "/")] == '\0';
		dir_only = last && *p == '/';    /* "name/": a directory, a symlink followed */
		if (strcmp(name, ".") == 0)
			continue;
		if (strcmp(name, "..") == 0) {
			char *slash = strrchr(resolved, '/');

			if (slash)
				*slash = '\0';
			if (reopen_resolved(root_fd, resolved, &dir) < 0)
				return -1;
			continue;
		}
		tl = readlinkat(dir, name, target, sizeof(target) - 1);
		if (tl >= 0 && !(last && !dir_only && (flags & O_NOFOLLOW))) {
			char next[PATH_MAX];

			if (++hops > MAX_HOPS)
				return fail_with(ELOOP);
			target[tl] = '\0';
			if ((size_t)snprintf(next, sizeof(next), "%s%s", target, p) >= sizeof(next))
				return fail_with(ENAMETOOLONG);
			memcpy(todo, next, strlen(next) + 1);
			p = todo;
			if (target[0] == '/') {
				resolved[0] = '\0';
				if (reopen_resolved(root_fd, resolved, &dir) < 0)
					return -1;
			}
			continue;
		}
		if (last)
			return openat(dir, name, flags | O_NOFOLLOW | O_CLOEXEC |
				      (dir_only ? O_DIRECTORY : 0));
		if (len + n + 2 > sizeof(resolved))
			return fail_with(ENAMETOOLONG);
		if (step_into(&dir, name) < 0)
			return -1;
		snprintf(resolved + len, sizeof(resolved) - len, "/%s", name);
	}
}

/* openat2 in the root; EAGAIN means a rename or mount raced with a ".." walk: try again.
 * Once it has answered ENOSYS, this process does every lookup by hand. */
static int open_scoped(int root_fd, const char *path, int flags)
{
	static bool no_openat2;
	struct open_how how = { .flags = (uint64_t)(flags | O_CLOEXEC),
				.resolve = RESOLVE_FLAGS };
	int fd = -1;

	if (!*path)
		path = ".";
	for (int tries = 0; tries < 16 && !no_openat2; tries++) {
		fd = (int)syscall(SYS_openat2, root_fd, path, &how, sizeof(how));
		if (fd >= 0 || errno != EAGAIN)
			break;
	}
	if (fd < 0 && (no_openat2 || errno == ENOSYS)) {
		no_openat2 = true;
		return open_by_hand(root_fd, path, flags);
	}
	return fd;
}

/* Creates name in the directory dir; an existing entry is fine (the caller opens it again). */
static int create_entry(int dir, const char *name, bool as_file)
{
	if (as_file) {
		int fd = openat(dir, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC,
				0644);

		if (fd >= 0)
			close(fd);
		return fd < 0 && errno != EEXIST ? -1 : 0;
	}
	return mkdirat(dir, name, 0755) < 0 && errno != EEXIST ? -1 : 0;
}

#define DANGLING (-2)

/* prefix/ was found to be a symlink to nowhere: what to walk next is its target (inside the
 * root, as openat2 would take it) followed by the rest of the path. */
static int follow_dangling(int dir, const char *name, const char *before, size_t before_len,
			   const char *rest, char *next, size_t size)
{
	char target[PATH_MAX];
	ssize_t n = readlinkat(dir, name, target, sizeof(target) - 1);
	int w;

	if (n <= 0)
		return -1;
	target[n] = '\0';
	if (target[0] == '/')
		w = snprintf(next, size, "%s%s", target, rest);
	else
		w = snprintf(next, size, "%.*s/%s%s", (int)before_len, before, target, rest);
	return w < 0 || (size_t)w >= size ? -1 : 0;
}

/* One walk over path, one component at a time, creating what is missing; returns the fd of
 * the whole path opened with flags, or DANGLING with the path to walk instead in next. */
static int walk(int root_fd, const char *path, bool as_file, int flags, char *next, size_t size,
		struct pf_error *err)
{
	char prefix[PATH_MAX] = "";
	size_t len = 0;
	_cleanup_close_ int parent = open_scoped(root_fd, "", O_PATH | O_DIRECTORY);
	const char *p = path + strspn(path, "/");
	int fd_root;

	if (parent < 0)
		return pf_fail_errno(err, errno, "open the rootfs");
	while (*p) {
		size_t n = strcspn(p, "/"), skip = n + strspn(p + n, "/"), before = len;
		bool last = p[skip] == '\0';
		int fd, want = last ? flags : O_PATH | O_DIRECTORY;
		char name[NAME_MAX + 1];

		if (n > NAME_MAX || len + n + 2 > sizeof(prefix))
			return pf_fail(err, ENAMETOOLONG, "%s: path too long", path);
		memcpy(name, p, n);
		name[n] = '\0';
		len += (size_t)snprintf(prefix + len, sizeof(prefix) - len, "/%s", name);
		fd = open_scoped(root_fd, prefix, want);
		if (fd < 0 && errno == ENOENT) {
			if (create_entry(parent, name, last && as_file) < 0)
				return pf_fail_errno(err, errno, "create %s in the rootfs", prefix);
			fd = open_scoped(root_fd, prefix, want);
			/* it exists, yet cannot be opened: a symlink to nowhere */
			if (fd < 0 && errno == ENOENT) {
				if (follow_dangling(parent, name, prefix, before, p + n, next,
						    size) < 0)
					return pf_fail(err, ENOENT, "%s in the rootfs: cannot follow "
						       "the symlink", prefix);
				return DANGLING;
			}
		}
		if (fd < 0)
			return pf_fail_errno(err, errno, "open %s in the rootfs", prefix);
		if (last)
			return fd;
		close(parent);
		parent = fd;
		p += skip;
	}
	/* nothing but slashes: the root itself */
	fd_root = open_scoped(root_fd, "", flags);
	return fd_root < 0 ? pf_fail_errno(err, errno, "open the rootfs") : fd_root;
}

/* Symlinks to missing places are followed by hand, like runc's securejoin: their target is
 * created inside the root. */
static int create_path(int root_fd, const char *path, bool as_file, int flags,
		       struct pf_error *err)
{
	char bufs[2][PATH_MAX];
	const char *cur = path;

	for (int hop = 0; hop <= MAX_HOPS; hop++) {
		int fd = walk(root_fd, cur, as_file, flags, bufs[hop % 2], PATH_MAX, err);

		if (fd != DANGLING)
			return fd;
		cur = bufs[hop % 2];
	}
	return pf_fail(err, ELOOP, "%s: too many symlinks", path);
}

int pf_open_in_root(int root_fd, const char *path, bool create, bool as_file, int flags,
		    struct pf_error *err)
{
	int fd = open_scoped(root_fd, path, flags);

	if (fd >= 0)
		return fd;
	if (errno != ENOENT || !create)
		return pf_fail_errno(err, errno, "open %s in the rootfs", path);
	return create_path(root_fd, path, as_file, flags, err);
}

int pf_open_parent_in_root(int root_fd, const char *path, bool create, const char **name,
			   struct pf_error *err)
{
	char dir[PATH_MAX];
	size_t len = strlen(path);
	const char *base;

	while (len > 1 && path[len - 1] == '/')
		len--;
	if (len >= sizeof(dir))
		return pf_fail(err, ENAMETOOLONG, "%s: path too long", path);
	memcpy(dir, path, len);
	dir[len] = '\0';
	base = strrchr(dir, '/');
	base = base ? base + 1 : dir;
	if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
		return pf_fail(err, EINVAL, "%s: does not name a file", path);
	*name = path + (base - dir);
	dir[base - dir] = '\0';
	return pf_open_in_root(root_fd, dir, create, false, O_PATH | O_DIRECTORY, err);
}

int pf_fd_mount(int fd, uint64_t *mnt_id, bool *mount_root)
{
	struct statx stx;

	if (statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_MNT_ID, &stx) < 0)
		return -1;
	if (!(stx.stx_mask & STATX_MNT_ID)) {
		errno = ENOSYS;
		return -1;
	}
	*mnt_id = stx.stx_mnt_id;
	*mount_root = stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT &&
		      stx.stx_attributes & STATX_ATTR_MOUNT_ROOT;
	return 0;
}

int pf_reopen_mount(int root_fd, const char *path, int below, struct pf_error *err)
{
	_cleanup_close_ int fd = pf_open_in_root(root_fd, path, false, false, O_PATH, err);
	uint64_t old_id, new_id;
	bool old_root, new_root;

	if (fd < 0)
		return -1;
	if (pf_fd_mount(below, &old_id, &old_root) < 0 || pf_fd_mount(fd, &new_id, &new_root) < 0)
		return pf_fail_errno(err, errno, "statx %s", path);
	/* something swapped the path under us: never touch a mount we did not make */
	if (!new_root || new_id == old_id)
		return pf_fail(err, EBUSY, "%s is not the new mount after mounting", path);
	return pf_steal_fd(&fd);
}

int pf_is_symlink_in_root(int root_fd, const char *path, bool *is_link, struct pf_error *err)
{
	const char *name;
	_cleanup_close_ int dir = pf_open_parent_in_root(root_fd, path, false, &name, err);
	struct stat st;

	*is_link = false;
	if (dir < 0) {
		if (err->err != ENOENT)
			return -1;
		pf_error_clear(err);
		return 0;
	}
	if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno == ENOENT)
			return 0;
		return pf_fail_errno(err, errno, "stat %s in the rootfs", path);
	}
	*is_link = S_ISLNK(st.st_mode);
	return 0;
}
