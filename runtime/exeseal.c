/* CVE-2019-5736. Every process of ours that ends up inside a container (init, exec's process)
 * is a fork of the command that made it, so until its execve its /proc/self/exe is this
 * binary. If what it executes there is "#!/proc/self/exe" (or a symlink to it), this binary
 * runs again as a process of the container, dumpable, its ELF interpreter and libraries the
 * image's: the container holds it open and rewrites it once no runtime process keeps it busy.
 * So the commands that make such processes (create, run, exec) first execute themselves again
 * through a read-only view of the binary, and nothing reached through /proc/PID/exe of theirs
 * can be opened for writing:
 *   - a detached bind mount of the binary's directory made read-only (no copy; it needs
 *     CAP_SYS_ADMIN, and vanishes with the last process executing from it);
 *   - else a sealed memfd copy of the binary (rootless, or mounts refused).
 * A binary that is already read-only (its mount, or the immutable attribute) needs neither,
 * and is not executed again. docs/security.md weighs this against the alternatives. */
#include "runtime/exeseal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/fs.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "bundle/cleanup.h"

#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#else
#define RUNNING_ON_VALGRIND 0
#endif

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

/* Set across our own execve to the binary's path, so that a view that did not come out
 * read-only is an error rather than a loop, and the sealed process still knows where its
 * binary lives (its /proc/self/exe names the view). */
#define PF_SEALED_ENV "_PFLASK_EXE_SEALED"

static char exe_path[PATH_MAX];

const char *pf_exe_path(void)
{
	ssize_t n;

	if (exe_path[0])
		return exe_path;
	n = readlink("/proc/self/exe", exe_path, sizeof(exe_path) - 1);
	exe_path[n > 0 ? n : 0] = '\0';
	return exe_path;
}

static bool is_sealed_memfd(int fd)
{
	int seals = fcntl(fd, F_GET_SEALS);

	return seals >= 0 && (seals & F_SEAL_WRITE);
}

static bool is_read_only(int fd)
{
	struct statvfs sv;
	int attr = 0;

	if (fstatvfs(fd, &sv) == 0 && (sv.f_flag & ST_RDONLY))
		return true;
	if (is_sealed_memfd(fd))
		return true;
	return ioctl(fd, FS_IOC_GETFLAGS, &attr) == 0 && (attr & FS_IMMUTABLE_FL);
}

/* execveat of the read-only view: dir/base in a detached, read-only clone of dir's mount. */
static int exec_read_only_view(int exe, char **argv)
{
	char path[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);
	_cleanup_close_ int tree = -1;
	struct mount_attr ro = { .attr_set = MOUNT_ATTR_RDONLY };
	struct stat running, seen;
	char *base;

	if (n <= 0 || path[0] != '/')
		return -1;
	path[n] = '\0';
	base = strrchr(path, '/');
	*base++ = '\0';
	tree = open_tree(AT_FDCWD, *path ? path : "/", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (tree < 0 || mount_setattr(tree, "", AT_EMPTY_PATH, &ro, sizeof(ro)) < 0)
		return -1;
	/* the name may have been given to a new binary meanwhile (an upgrade): run ours only */
	if (fstat(exe, &running) < 0 || fstatat(tree, base, &seen, AT_SYMLINK_NOFOLLOW) < 0 ||
	    running.st_dev != seen.st_dev || running.st_ino != seen.st_ino) {
		errno = ESTALE;
		return -1;
	}
	execveat(tree, base, argv, environ, 0);
	return -1;
}

static int copy_all(int from, int to, off_t size)
{
	off_t off = 0;

	while (off < size) {
		ssize_t n = sendfile(to, from, &off, (size_t)(size - off));

		if (n <= 0)
			return n < 0 ? -1 : (errno = EIO, -1);
	}
	return 0;
}

static int exec_sealed_copy(int exe, char **argv, struct pf_error *err)
{
	_cleanup_close_ int mem = memfd_create("pflask-runtime", MFD_CLOEXEC | MFD_ALLOW_SEALING |
					       MFD_EXEC);
	struct stat st;

	/* kernels before 6.3 know no MFD_EXEC: their memfds are executable anyway */
	if (mem < 0 && errno == EINVAL)
		mem = memfd_create("pflask-runtime", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (mem < 0)
		return pf_fail_errno(err, errno, "seal the runtime binary: memfd_create");
	if (fstat(exe, &st) < 0 || copy_all(exe, mem, st.st_size) < 0)
		return pf_fail_errno(err, errno, "seal the runtime binary: copy");
	if (fcntl(mem, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) < 0)
		return pf_fail_errno(err, errno, "seal the runtime binary: seal");
	execveat(mem, "", argv, environ, AT_EMPTY_PATH);
	return pf_fail_errno(err, errno, "seal the runtime binary: execute the copy");
}

int pf_exe_seal(char **argv, struct pf_error *err)
{
	_cleanup_close_ int exe = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	const char *was = getenv(PF_SEALED_ENV);
	bool again = was != NULL;

	if (was && was[0] == '/')
		snprintf(exe_path, sizeof(exe_path), "%s", was);
	unsetenv(PF_SEALED_ENV);
	/* valgrind 3.19 can neither execveat nor see past an exec it does not trace: memcheck
	 * (tests/valgrind.sh) would lose the very command it checks. The binary the kernel runs
	 * there is valgrind's tool, not this one; a test under valgrind goes unsealed. */
	if (RUNNING_ON_VALGRIND)
		return 0;
	if (exe < 0)
		return pf_fail_errno(err, errno, "seal the runtime binary: open /proc/self/exe");
	if (is_read_only(exe)) {
		/* executed from a memfd, the command's name is the descriptor's number */
		if (is_sealed_memfd(exe)) {
			const char *name = strrchr(argv[0], '/');

			prctl(PR_SET_NAME, name ? name + 1 : argv[0]);
		}
		return 0;
	}
	if (again)
		return pf_fail(err, EROFS, "seal the runtime binary: its read-only view is writable");
	if (setenv(PF_SEALED_ENV, pf_exe_path(), 1) < 0)
		return pf_fail_errno(err, errno, "seal the runtime binary");
	(void)exec_read_only_view(exe, argv);
	return exec_sealed_copy(exe, argv, err);
}
