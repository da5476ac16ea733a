/* libFuzzer target, differential: runtime/pathres.c resolves paths inside a rootfs with
 * openat2(RESOLVE_IN_ROOT), and by hand (open_by_hand) where openat2 answers ENOSYS (valgrind,
 * old kernels). For every input path, both must open the same file or fail with the same
 * errno, over a tree full of absolute, relative, dangling, looping, escaping and magic
 * symlinks that is made once in a temporary directory. Run with `make fuzz`. */
#include <ftw.h>
#include <sanitizer/common_interface_defs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/pathres.c"    /* open_by_hand is static */

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char tree[] = "/tmp/pflask-fuzz-pathres.XXXXXX";
static int root_fd = -1;

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	return remove(path);
}

static void remove_tree(void)
{
	nftw(tree, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void make_tree(void)
{
	static const char *const dirs[] = { "a", "a/b", "a/b/c", "d", "e" };
	static const char *const files[] = { "a/b/c/f", "file" };
	static const char *const links[][2] = {
		{ "abs", "/a/b" }, { "a/b/up", "../../.." }, { "a/rel", "../d" },
		{ "dang", "/nonexistent" }, { "loop1", "loop2" }, { "loop2", "loop1" },
		{ "escape", "/../../.." }, { "magic", "/proc/self/root" }, { "a/b/tofile", "c/f" },
		{ "e/tofile", "/file" }, { "dot", "." }, { "chain", "abs/c" }, { "e/self", "self" },
		{ "e/dd", ".." }, { "e/slash", "/" },
	};
	int dfd;

	if (!mkdtemp(tree) || atexit(remove_tree) != 0)
		abort();
	__sanitizer_set_death_callback(remove_tree);    /* a crash leaves no tree in /tmp */
	dfd = open(tree, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		abort();
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (mkdirat(dfd, dirs[i], 0755) < 0)
			abort();
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		int fd = openat(dfd, files[i], O_CREAT | O_WRONLY | O_CLOEXEC, 0644);

		if (fd < 0)
			abort();
		close(fd);
	}
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++)
		if (symlinkat(links[i][1], dfd, links[i][0]) < 0)
			abort();
	root_fd = dfd;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	make_tree();
	return 0;
}

/* What fd is, for comparison: the path it names, or the errno of the failure. */
static void describe(int fd, int e, char *buf, size_t size)
{
	char proc[64];
	ssize_t n;

	if (fd < 0) {
		snprintf(buf, size, "errno %d", e);
		return;
	}
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	n = readlink(proc, buf, size - 1);
	buf[n < 0 ? 0 : n] = '\0';
	close(fd);
}

/* openat2 in the tree, described. EAGAIN means a rename or mount anywhere on the host raced a
 * ".." walk (any rename: rename_lock is global): try again. */
static void with_openat2(const char *path, int flags, char *buf, size_t size)
{
	struct open_how how = { .flags = (uint64_t)(flags | O_CLOEXEC), .resolve = RESOLVE_FLAGS };
	int fd = -1;

	for (int tries = 0; tries < 64; tries++) {
		fd = (int)syscall(SYS_openat2, root_fd, *path ? path : ".", &how, sizeof(how));
		if (fd >= 0 || errno != EAGAIN)
			break;
	}
	describe(fd, errno, buf, size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int flagsets[] = { O_PATH, O_PATH | O_NOFOLLOW, O_PATH | O_DIRECTORY,
					O_RDONLY };
	char path[PATH_MAX + 16], a[PATH_MAX], b[PATH_MAX];
	size_t n = strnlen((const char *)data, size);

	if (n >= sizeof(path))
		return 0;
	memcpy(path, data, n);
	path[n] = '\0';
	for (size_t i = 0; i < sizeof(flagsets) / sizeof(flagsets[0]); i++) {
		int fd = open_by_hand(root_fd, path, flagsets[i]);

		describe(fd, errno, b, sizeof(b));
		/* the kernel's answer can be wrong once: a lookup that falls back from RCU walk to
		 * ref walk under concurrent mounts keeps counting symlinks (a false ELOOP) */
		with_openat2(path, flagsets[i], a, sizeof(a));
		for (int again = 0; again < 8 && strcmp(a, b) != 0; again++)
			with_openat2(path, flagsets[i], a, sizeof(a));
		/* still EAGAIN: the host renames or mounts too often for openat2 to answer */
		if (strcmp(a, b) != 0 && strcmp(a, "errno 11") != 0) {
			fprintf(stderr, "fuzz_pathres: \"%s\" flags %#x: openat2 gives %s, by hand %s\n",
				path, flagsets[i], a, b);
			remove_tree();
			abort();
		}
	}
	return 0;
}
