/* runtime/mount.h for real (needs root): a child in its own mount namespace runs
 * plan_build, prepare, pivot and finish on a copy of the busybox rootfs (make rootfs) with the
 * default spec plus extra mounts, then checks what it sees from inside and reports one line
 * per fact through a pipe ("pass NAME" or "FAIL NAME: why"; never "ok", which TAP counts).
 * The parent asserts, and checks that nothing leaked: no mount of the temp dir in our own
 * mount table, nothing made outside the rootfs through a symlink. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bundle/cleanup.h"
#include "bundle/defaults.h"
#include "bundle/reflect.h"
#include "runtime/mount.h"
#include "tests/unit/unit.h"

#ifndef MQUEUE_MAGIC
#define MQUEUE_MAGIC 0x19800202
#endif

static char tmp[256], bundle[300], why_skip[256];

/* ---- fixtures ---------------------------------------------------------------------------- */

static void sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	assert_int_equal(system(cmd), 0);
}

static void put(const char *rel, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmp, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static const char *rootfs_source(char *buf, size_t size)
{
	const char *b = getenv("PFLASK_BUILD");

	snprintf(buf, size, "%s/rootfs", b && *b ? b : "build");
	return buf;
}

static int setup(void **state)
{
	char src[PATH_MAX], bin[2 * PATH_MAX];

	(void)state;
	if (geteuid() != 0) {
		snprintf(why_skip, sizeof(why_skip), "needs root");
		return 0;
	}
	snprintf(bin, sizeof(bin), "%s/bin/busybox", rootfs_source(src, sizeof(src)));
	if (access(bin, X_OK) < 0) {
		snprintf(why_skip, sizeof(why_skip), "no %.200s (make rootfs)", bin);
		return 0;
	}
	snprintf(tmp, sizeof(tmp), "/tmp/pf-rootfs.XXXXXX");
	if (!mkdtemp(tmp))
		return -1;
	snprintf(bundle, sizeof(bundle), "%s/bundle", tmp);
	snprintf(bin, sizeof(bin), "%s/locked", tmp);
	if (mkdir(bundle, 0755) < 0 || mkdir(bin, 0755) < 0)
		return -1;
	/* a copy: prepare creates mount points and we must not touch the shared rootfs */
	snprintf(bin, sizeof(bin), "cp -a %s %s/rootfs", src, bundle);
	return system(bin) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[512];

	(void)state;
	if (!tmp[0])
		return 0;
	/* --one-file-system: a mount left by a failed child must never lead rm into the host */
	snprintf(cmd, sizeof(cmd), "rm -rf --one-file-system %s", tmp);
	return system(cmd) == 0 ? 0 : -1;
}

static bool ready(void)
{
	if (!why_skip[0])
		return true;
	print_message("skipping: %s\n", why_skip);
	return false;
}

/* Lines of our own mount table that mention the temp dir: a leak, if there is any. */
static int leaked_mounts(void)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "r");
	char line[4096];
	int n = 0;

	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		if (strstr(line, tmp)) {
			print_message("leaked: %s", line);
			n++;
		}
	return n;
}

/* Appends the mounts of a JSON fragment ("[...]") to spec's. */
static void add_mounts(struct pf_spec *spec, const char *fragment)
{
	char text[8192];
	struct pf_spec *extra;

	snprintf(text, sizeof(text), BASE_HEAD ", " BASE_PROCESS ", \"mounts\": %s}", fragment);
	extra = must_parse(text);
	for (size_t i = 0; i < extra->mounts.n; i++)
		*PF_VEC_PUSH(&spec->mounts) = extra->mounts.v[i];
	/* moved, not copied */
	extra->mounts.n = 0;
	pf_spec_free(extra);
}

/* ---- the child --------------------------------------------------------------------------- */

static int report_fd = -1;

static void say(bool ok, const char *name, const char *fmt, ...)
{
	char why[512] = "";
	va_list ap;

	if (!ok) {
		va_start(ap, fmt);
		vsnprintf(why, sizeof(why), fmt, ap);
		va_end(ap);
	}
	if (ok)
		dprintf(report_fd, "pass %s\n", name);
	else
		dprintf(report_fd, "FAIL %s: %s\n", name, why);
}

static bool fs_is(const char *path, unsigned long magic)
{
	struct statfs st;

	return statfs(path, &st) == 0 && (unsigned long)st.f_type == magic;
}

static bool vfs_flag(const char *path, unsigned long flag)
{
	struct statvfs st;

	return statvfs(path, &st) == 0 && (st.f_flag & flag) == flag;
}

static bool is_chr(const char *path, unsigned major, unsigned minor, mode_t mode)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == makedev(major, minor) &&
	       (mode == 0 || (st.st_mode & 07777) == mode);
}

static bool link_is(const char *path, const char *target)
{
	char buf[PATH_MAX];
	ssize_t n = readlink(path, buf, sizeof(buf) - 1);

	if (n < 0)
		return false;
	buf[n] = '\0';
	return strcmp(buf, target) == 0;
}

static bool file_starts(const char *path, const char *text)
{
	char buf[256] = "";
	int fd = open(path, O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

	if (fd >= 0)
		close(fd);
	return n >= 0 && strncmp(buf, text, strlen(text)) == 0;
}

static bool write_fails(const char *path, int want)
{
	int fd = open(path, O_WRONLY);

	if (fd >= 0) {
		close(fd);
		return false;
	}
	return errno == want;
}

static bool dir_is_empty(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int n = 0;

	if (!d)
		return false;
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(d);
	return n == 0;
}

/* Missing, or masked: the null device */
static bool masked_file(const char *path)
{
	return access(path, F_OK) < 0 || is_chr(path, 1, 3, 0);
}

static bool masked_dir(const char *path)
{
	return access(path, F_OK) < 0 || (dir_is_empty(path) && vfs_flag(path, ST_RDONLY));
}

/* The cgroup mount: cgroup2 on a unified host, else a tmpfs of v1 hierarchies. */
static bool cgroup_ok(void)
{
	DIR *d;
	struct dirent *e;
	int v1 = 0;
	char p[PATH_MAX];

	if (fs_is("/sys/fs/cgroup", CGROUP2_SUPER_MAGIC))
		return vfs_flag("/sys/fs/cgroup", ST_RDONLY);
	if (!fs_is("/sys/fs/cgroup", TMPFS_MAGIC) || !(d = opendir("/sys/fs/cgroup")))
		return false;
	while ((e = readdir(d))) {
		snprintf(p, sizeof(p), "/sys/fs/cgroup/%s", e->d_name);
		v1 += e->d_name[0] != '.' && fs_is(p, CGROUP_SUPER_MAGIC) && vfs_flag(p, ST_RDONLY);
	}
	closedir(d);
	/* runc leaves the tmpfs itself writable */
	return v1 > 0 && !vfs_flag("/sys/fs/cgroup", ST_RDONLY);
}

static int open_pty_slave(void)
{
	char name[64];
	int m = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC), s;

	if (m < 0 || unlockpt(m) < 0 || ptsname_r(m, name, sizeof(name)) != 0)
		return -1;
	s = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	return s;
}

static void check_devices(bool userns)
{
	say(is_chr("/dev/null", 1, 3, userns ? 0 : 0666), "dev-null", "not char 1:3 0666");
	say(is_chr("/dev/zero", 1, 5, 0) && is_chr("/dev/full", 1, 7, 0) &&
	    is_chr("/dev/random", 1, 8, 0) && is_chr("/dev/urandom", 1, 9, 0) &&
	    is_chr("/dev/tty", 5, 0, 0), "dev-defaults", "a default device is missing");
	say(link_is("/dev/fd", "/proc/self/fd") && link_is("/dev/stdin", "/proc/self/fd/0") &&
	    link_is("/dev/stdout", "/proc/self/fd/1") && link_is("/dev/stderr", "/proc/self/fd/2"),
	    "dev-links", "fd/stdin/stdout/stderr links");
	say(link_is("/dev/ptmx", "pts/ptmx"), "dev-ptmx", "/dev/ptmx is not -> pts/ptmx");
	say(access("/proc/kcore", F_OK) < 0 || link_is("/dev/core", "/proc/kcore"), "dev-core",
	    "/dev/core");
	say(fs_is("/dev/pts", DEVPTS_SUPER_MAGIC), "devpts", "no devpts on /dev/pts");
	say(fs_is("/dev/shm", TMPFS_MAGIC) && fs_is("/dev/mqueue", MQUEUE_MAGIC), "shm-mqueue",
	    "/dev/shm or /dev/mqueue");
	say(is_chr("/dev/fuse", 10, 229, userns ? 0 : 0600), "device-fuse", "linux.devices fuse");
	/* the host has no /dev/custom/zero to bind from */
	say(userns || is_chr("/dev/custom/zero", 1, 5, 0), "device-nested", "/dev/custom/zero");
}

static void check_default(bool userns)
{
	struct stat st = { 0 };

	say(access("/bin/busybox", X_OK) == 0 && access(bundle, F_OK) < 0, "root",
	    "not in the rootfs");
	say(fs_is("/proc", PROC_SUPER_MAGIC), "proc", "/proc is not procfs");
	say(vfs_flag("/sys", ST_RDONLY), "sys-ro", "/sys is not read-only");
	say(cgroup_ok(), "cgroup", "/sys/fs/cgroup is not what runc makes");
	check_devices(userns);
	say(masked_file("/proc/kcore") && masked_file("/proc/keys") &&
	    masked_file("/proc/timer_list") && masked_file("/proc/sched_debug"), "masked-proc",
	    "a file of /proc is not masked");
	say(masked_dir("/proc/acpi") && masked_dir("/proc/scsi") && masked_dir("/sys/firmware"),
	    "masked-proc-dirs", "a directory of /proc or /sys is not masked");
	say(write_fails("/proc/sys/kernel/hostname", EROFS), "proc-sys-ro",
	    "/proc/sys/kernel/hostname is writable (%s)", strerror(errno));
	say(mkdir("/newdir", 0755) < 0 && errno == EROFS, "root-ro", "mkdir / gave %s",
	    strerror(errno));
	say(file_starts("/evil/data/hello", "hi") && vfs_flag("/evil/data", ST_RDONLY | ST_NOSUID),
	    "bind-through-symlink", "/evil/data/hello or its flags");
	say(file_starts("/etc/bound.txt", "file"), "bind-file", "/etc/bound.txt");
	say(file_starts("/etc/passwd", "root:") && fs_is("/etc", TMPFS_MAGIC), "tmpcopyup",
	    "/etc is not a tmpfs with the rootfs' passwd");
	say(write_fails("/etc/passwd", EROFS) && access("/etc/group", W_OK) == 0, "readonly-file",
	    "/etc/passwd writable, or /etc/group not");
	say(stat("/scratch", &st) == 0 && (st.st_mode & 07777) == 01777 &&
	    fs_is("/scratch", TMPFS_MAGIC), "tmpfs-mode", "/scratch mode %o", st.st_mode);
	say(vfs_flag("/rro", ST_RDONLY) && vfs_flag("/rro/sub", ST_RDONLY) &&
	    fs_is("/rro/sub", TMPFS_MAGIC), "rro", "/rro or /rro/sub is writable");
	/* exactly "ro" as asked (runc's bind semantics), unless the flags are locked: kept then */
	say(userns ? vfs_flag("/locked", ST_RDONLY | ST_NOSUID | ST_NODEV | ST_NOEXEC) :
	    vfs_flag("/locked", ST_RDONLY) && !vfs_flag("/locked", ST_NOSUID), "bind-flags",
	    "/locked has the wrong flags");
	say(dir_is_empty("/secretdir") && vfs_flag("/secretdir", ST_RDONLY), "masked-dir",
	    "/secretdir is not an empty read-only tmpfs");
	say(is_chr("/secret.txt", 1, 3, 0), "masked-file", "/secret.txt is not /dev/null");
}

/* In the child: the whole sequence, then the facts. */
static void container(const struct pf_mount_plan *plan, bool userns,
		      void (*check)(bool userns))
{
	struct pf_error err = { 0 };
	struct stat con, slave_st;
	int slave;

	if (pf_rootfs_prepare(plan, &err) < 0 || pf_rootfs_pivot(plan, &err) < 0) {
		dprintf(report_fd, "ERROR %s\n", err.msg);
		return;
	}
	slave = plan->dev_pts ? open_pty_slave() : -1;
	if (pf_rootfs_finish(plan, slave, &err) < 0) {
		dprintf(report_fd, "ERROR %s\n", err.msg);
		return;
	}
	if (slave >= 0)
		say(fstat(slave, &slave_st) == 0 && stat("/dev/console", &con) == 0 &&
		    S_ISCHR(con.st_mode) && con.st_rdev == slave_st.st_rdev, "console",
		    "/dev/console is not the pty");
	if (check)
		check(userns);
	/* PF_TEST_VERBOSE=1: the container's mount table, for a human */
	if (getenv("PF_TEST_VERBOSE")) {
		char buf[4096];
		int fd = open("/proc/self/mountinfo", O_RDONLY);
		ssize_t n;

		while (fd >= 0 && (n = read(fd, buf, sizeof(buf))) > 0)
			(void)!write(report_fd, buf, (size_t)n);
		if (fd >= 0)
			close(fd);
	}
	say(getcwd(NULL, 0) != NULL, "cwd", "no cwd");
}

static int map_ids(pid_t pid)
{
	static const char *const files[] = { "uid_map", "gid_map" };

	for (int i = 0; i < 2; i++) {
		char path[64];
		int fd;

		snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, files[i]);
		fd = open(path, O_WRONLY);
		if (fd < 0 || write(fd, "0 0 4294967295\n", 15) != 15)
			return -1;
		close(fd);
	}
	return 0;
}

static void die(const char *what)
{
	dprintf(report_fd, "ERROR %s: %s\n", what, strerror(errno));
	_exit(1);
}

/* The mounts a test wants to find in the host's place: made in a mount namespace of the
 * child's own, before any user namespace, so that one sees them locked. */
static void host_mounts(const char *submount)
{
	char locked[300];

	if (unshare(CLONE_NEWNS) < 0)
		die("unshare mount namespace");
	/* nothing of ours may reach the host, even before prepare says so */
	if (mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0)
		die("make / slave");
	if (submount && mount("tmpfs", submount, "tmpfs", 0, NULL) < 0)
		die("submount");
	snprintf(locked, sizeof(locked), "%s/locked", tmp);
	if (mount("tmpfs", locked, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		die("locked tmpfs");
}

/* The new namespaces, as the engine would make them; in a user namespace a pid namespace too
 * (procfs demands it), so the container runs in a grandchild. */
static void enter(bool userns, int sync_r, int sync_w)
{
	char c = 0;
	pid_t pid;
	int status;

	if (!userns) {
		if (unshare(CLONE_NEWCGROUP) < 0)
			die("unshare");
		return;
	}
	if (unshare(CLONE_NEWUSER) < 0 || write(sync_w, "u", 1) != 1 ||
	    read(sync_r, &c, 1) != 1 || c != 'm')
		die("user namespace");
	if (unshare(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWCGROUP) < 0)
		die("unshare");
	pid = fork();
	if (pid != 0) {
		waitpid(pid, &status, 0);
		_exit(0);
	}
}

struct run {
	const struct pf_mount_plan *plan;
	bool userns;
	void (*check)(bool userns);  /* the facts to report from inside */
	const char *submount;        /* a tmpfs mounted here (in the child's namespace) first */
};

/* Runs a container child and returns everything it reported. */
static char *run_child(const struct run *r)
{
	int rep[2], to_child[2], to_parent[2], status;
	char *out = calloc(1, 65536), c;
	size_t len = 0;
	ssize_t n;
	pid_t pid;

	assert_non_null(out);
	assert_int_equal(pipe(rep), 0);
	assert_int_equal(pipe(to_child), 0);
	assert_int_equal(pipe(to_parent), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(rep[0]);
		report_fd = rep[1];
		host_mounts(r->submount);
		enter(r->userns, to_child[0], to_parent[1]);
		container(r->plan, r->userns, r->check);
		dprintf(report_fd, "done\n");
		_exit(0);
	}
	close(rep[1]);
	close(to_child[0]);
	close(to_parent[1]);
	if (r->userns && read(to_parent[0], &c, 1) == 1) {
		assert_int_equal(map_ids(pid), 0);
		assert_int_equal(write(to_child[1], "m", 1), 1);
	}
	while ((n = read(rep[0], out + len, 65535 - len)) > 0)
		len += (size_t)n;
	close(rep[0]);
	close(to_child[1]);
	close(to_parent[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return out;
}

/* No "FAIL" or "ERROR", and the child got to the end. PF_TEST_VERBOSE=1 shows the report
 * (and the container's mount table) as TAP comments. */
static void assert_report(const char *out)
{
	if (getenv("PF_TEST_VERBOSE"))
		for (const char *l = out; *l; l += strcspn(l, "\n") + (l[strcspn(l, "\n")] != 0))
			print_message("# %.*s\n", (int)strcspn(l, "\n"), l);
	if (strstr(out, "FAIL") || strstr(out, "ERROR") || !strstr(out, "done\n"))
		fail_msg("child reported:\n%s", out);
}

/* ---- the tests --------------------------------------------------------------------------- */

static struct pf_spec *default_spec(bool userns)
{
	struct pf_error err = { 0 };
	struct pf_spec *spec = pf_spec_default(userns, 0, 0, &err);
	char frag[4096];

	assert_non_null(spec);
	snprintf(frag, sizeof(frag), "["
		 "{\"destination\": \"/evil/data\", \"source\": \"data\", "
		 " \"options\": [\"rbind\", \"ro\", \"nosuid\"]},"
		 "{\"destination\": \"/etc\", \"type\": \"tmpfs\", \"source\": \"tmpfs\", "
		 " \"options\": [\"tmpcopyup\"]},"
		 "{\"destination\": \"/etc/bound.txt\", \"source\": \"%s/file.txt\", "
		 " \"options\": [\"bind\"]},"
		 "{\"destination\": \"/scratch\", \"type\": \"tmpfs\", \"source\": \"tmpfs\", "
		 " \"options\": [\"nosuid\", \"mode=1777\"]},"
		 "{\"destination\": \"/rro\", \"source\": \"data2\", \"options\": [\"rbind\", \"rro\"]},"
		 "{\"destination\": \"/locked\", \"source\": \"%s/locked\", \"options\": [\"rbind\", \"ro\"]}"
		 "]", tmp, tmp);
	add_mounts(spec, frag);
	assert_int_equal(pf_strv_push(&spec->linux_->masked_paths, "/secretdir"), 0);
	assert_int_equal(pf_strv_push(&spec->linux_->masked_paths, "/secret.txt"), 0);
	assert_int_equal(pf_strv_push(&spec->linux_->masked_paths, "/not/there"), 0);
	assert_int_equal(pf_strv_push(&spec->linux_->readonly_paths, "/not/there/either"), 0);
	assert_int_equal(pf_strv_push(&spec->linux_->readonly_paths, "/etc/passwd"), 0);
	{
		struct pf_device *d = PF_VEC_PUSH(&spec->linux_->devices);

		d->type = strdup("c"), d->path = strdup("/dev/fuse");
		d->major = (pf_int){ true, 10 }, d->minor = (pf_int){ true, 229 };
		d->file_mode = (pf_uint){ true, 0600 };
		if (userns)
			return spec;
		d = PF_VEC_PUSH(&spec->linux_->devices);
		d->type = strdup("c"), d->path = strdup("/dev/custom/zero");
		d->major = (pf_int){ true, 1 }, d->minor = (pf_int){ true, 5 };
	}
	return spec;
}

static void make_fixture(void)
{
	char outside[300];

	snprintf(outside, sizeof(outside), "%s/outside", tmp);
	sh("mkdir -p %s %s/data %s/data2/sub %s/rootfs/secretdir", outside, bundle, bundle, bundle);
	put("bundle/data/hello", "hi\n");
	put("file.txt", "file\n");
	put("bundle/rootfs/secretdir/key", "secret\n");
	put("bundle/rootfs/secret.txt", "secret\n");
	/* an absolute symlink in the image that points at a real host directory */
	sh("ln -sfn %s %s/rootfs/evil", outside, bundle);
}

static void run_default(bool userns)
{
	struct pf_spec *spec = default_spec(userns);
	struct pf_error err = { 0 };
	struct pf_mount_plan plan;
	char sub[400], *out;
	struct run r = { .plan = &plan, .userns = userns, .check = check_default,
			 .submount = sub };

	make_fixture();
	snprintf(sub, sizeof(sub), "%s/data2/sub", bundle);
	if (pf_mount_plan_build(spec, bundle, false, &plan, &err) < 0)
		fail_msg("plan: %s", err.msg);
	out = run_child(&r);
	assert_report(out);
	free(out);
	pf_mount_plan_clear(&plan);
	pf_spec_free(spec);
	/* nothing was made in the host directory the symlink named, no mount is left behind */
	sh("test -z \"$(ls -A %s/outside)\"", tmp);
	assert_int_equal(leaked_mounts(), 0);
}

static void test_default_spec(void **state)
{
	(void)state;
	if (!ready())
		skip();
	run_default(false);
}

/* The rootless template in a user namespace: locked mount flags, devices bound from the host,
 * cgroup v1 not mountable. */
static void test_user_namespace(void **state)
{
	(void)state;
	if (!ready())
		skip();
	run_default(true);
}

static void expect_failure(struct pf_spec *spec, bool userns, const char *want)
{
	struct pf_error err = { 0 };
	struct pf_mount_plan plan;
	struct run r = { .plan = &plan, .userns = userns };
	char *out;

	if (pf_mount_plan_build(spec, bundle, false, &plan, &err) < 0)
		fail_msg("plan: %s", err.msg);
	out = run_child(&r);
	if (!strstr(out, want))
		fail_msg("wanted \"%s\", child reported:\n%s", want, out);
	free(out);
	pf_mount_plan_clear(&plan);
	assert_int_equal(leaked_mounts(), 0);
}

static void test_proc_symlink_refused(void **state)
{
	struct pf_spec *spec;

	(void)state;
	if (!ready())
		skip();
	sh("mkdir -p %s/small && ln -sfn /tmp %s/small/proc", tmp, tmp);
	spec = must_parse(BASE_HEAD ", " BASE_PROCESS ", \"mounts\": [{\"destination\": \"/proc\","
			  " \"type\": \"proc\", \"source\": \"proc\"}]}");
	free(spec->root->path);
	spec->root->path = strdup("../small");
	expect_failure(spec, false, "ERROR mounts[0]: mount proc on /proc: /proc in the rootfs is "
		       "a symlink");
	pf_spec_free(spec);
}

static void check_no_pivot(bool userns)
{
	(void)userns;
	say(access("/marker", F_OK) == 0 && fs_is("/proc", PROC_SUPER_MAGIC), "moved-root",
	    "/marker or /proc missing");
}

/* In a user namespace a flag locked on the source cannot be cleared: "suid" must fail rather
 * than give a nosuid mount. */
static void test_locked_flag_refused(void **state)
{
	struct pf_spec *spec;
	char text[1024], want[512];

	(void)state;
	if (!ready())
		skip();
	sh("mkdir -p %s/small2", tmp);
	snprintf(text, sizeof(text), BASE_HEAD ", " BASE_PROCESS ", \"mounts\": [{\"destination\":"
		 " \"/x\", \"source\": \"%s/locked\", \"options\": [\"bind\", \"suid\"]}]}", tmp);
	spec = must_parse(text);
	free(spec->root->path);
	spec->root->path = strdup("../small2");
	snprintf(want, sizeof(want), "ERROR mounts[0]: bind %s/locked on /x: set mount flags (the "
		 "source's are locked): Operation not permitted", tmp);
	expect_failure(spec, true, want);
	pf_spec_free(spec);
}

static void test_no_pivot(void **state)
{
	struct pf_error err = { 0 };
	struct pf_spec *spec;
	struct pf_mount_plan plan;
	struct run r = { .plan = &plan, .check = check_no_pivot };
	char *out;

	(void)state;
	if (!ready())
		skip();
	sh("mkdir -p %s/np/proc && touch %s/np/marker", tmp, tmp);
	spec = must_parse(BASE_HEAD ", " BASE_PROCESS ", \"mounts\": [{\"destination\": \"/proc\","
			  " \"type\": \"proc\", \"source\": \"proc\"}], \"linux\": "
			  "{\"maskedPaths\": [\"/proc/kcore\"]}}");
	free(spec->root->path);
	spec->root->path = strdup("../np");
	assert_int_equal(pf_mount_plan_build(spec, bundle, true, &plan, &err), 0);
	out = run_child(&r);
	assert_report(out);
	free(out);
	pf_mount_plan_clear(&plan);
	pf_spec_free(spec);
	assert_int_equal(leaked_mounts(), 0);
}

static void check_idmap(bool userns)
{
	struct stat st = { 0 };

	(void)userns;
	say(stat("/mnt/f", &st) == 0 && st.st_uid == 1000 && st.st_gid == 2000, "idmap",
	    "/mnt/f is owned by %u:%u", st.st_uid, st.st_gid);
}

/* idmap: the parent prepares the id-mapped tree; a file owned by 0 on disk shows as 1000. */
static void test_idmap(void **state)
{
	struct pf_error err = { 0 };
	struct pf_spec *spec;
	struct pf_mount_plan plan;
	struct run r = { .plan = &plan, .check = check_idmap };
	char *out;

	(void)state;
	if (!ready())
		skip();
	sh("mkdir -p %s/idm/mnt %s/idsrc && touch %s/idsrc/f", tmp, tmp, tmp);
	spec = must_parse(BASE_HEAD ", " BASE_PROCESS ", \"mounts\": [{\"destination\": \"/mnt\","
			  " \"source\": \"../idsrc\", \"options\": [\"rbind\", \"idmap\"],"
			  " \"uidMappings\": [{\"containerID\": 0, \"hostID\": 1000, \"size\": 1}],"
			  " \"gidMappings\": [{\"containerID\": 0, \"hostID\": 2000, \"size\": 1}]}]}");
	free(spec->root->path);
	spec->root->path = strdup("../idm");
	assert_int_equal(pf_mount_plan_build(spec, bundle, false, &plan, &err), 0);
	if (pf_mount_plan_open_idmaps(&plan, -1, &err) < 0)
		fail_msg("open idmaps: %s", err.msg);
	assert_true(plan.ops[0].idmap_fd >= 0);
	out = run_child(&r);
	assert_report(out);
	free(out);
	pf_mount_plan_clear(&plan);
	pf_spec_free(spec);
	assert_int_equal(leaked_mounts(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_spec),
		cmocka_unit_test(test_user_namespace),
		cmocka_unit_test(test_proc_symlink_refused),
		cmocka_unit_test(test_locked_flag_refused),
		cmocka_unit_test(test_no_pivot),
		cmocka_unit_test(test_idmap),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
