/* runtime/mount.h without privileges: the mount option table, the plan a config becomes
 * (in a temp bundle), and pf_open_in_root keeping paths inside the root. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle/defaults.h"
#include "runtime/mount.h"
#include "tests/unit/unit.h"

static char tmp[256];

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

static int make_tmp(void **state)
{
	(void)state;
	snprintf(tmp, sizeof(tmp), "%s/pf-mountopts.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	return mkdtemp(tmp) ? 0 : -1;
}

static int remove_tmp(void **state)
{
	(void)state;
	return nftw(tmp, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Parses a NULL-terminated list of options into a fresh op. */
static struct pf_mount_op parse(const char *first, ...)
{
	struct pf_mount_op op = { 0 };
	char *list[32];
	pf_strv v = { .v = list, .set = true };
	struct pf_error err = { 0 };
	va_list ap;

	va_start(ap, first);
	for (const char *o = first; o && v.n < 32; o = va_arg(ap, const char *))
		list[v.n++] = (char *)o;
	va_end(ap);
	assert_int_equal(pf_mount_parse_options(&v, &op, &err), 0);
	return op;
}

static void test_default_dev_options(void **state)
{
	struct pf_mount_op op = parse("nosuid", "strictatime", "mode=755", "size=65536k", NULL);

	(void)state;
	assert_int_equal(op.flags, MS_NOSUID | MS_STRICTATIME);
	assert_int_equal(op.clear, 0);
	assert_string_equal(op.data, "mode=755,size=65536k");
	assert_false(op.bind);
	assert_int_equal(op.propagation, 0);
	assert_int_equal(op.attr_set | op.attr_clr, 0);
	free(op.data);
}

/* Every flag of config.md's table, set and cleared. */
static void test_flag_table(void **state)
{
	static const struct {
		const char *name;
		unsigned long flag;
		bool clear;
	} table[] = {
		{ "ro", MS_RDONLY, false },          { "rw", MS_RDONLY, true },
		{ "nosuid", MS_NOSUID, false },      { "suid", MS_NOSUID, true },
		{ "nodev", MS_NODEV, false },        { "dev", MS_NODEV, true },
		{ "noexec", MS_NOEXEC, false },      { "exec", MS_NOEXEC, true },
		{ "sync", MS_SYNCHRONOUS, false },   { "async", MS_SYNCHRONOUS, true },
		{ "dirsync", MS_DIRSYNC, false },    { "remount", MS_REMOUNT, false },
		{ "mand", MS_MANDLOCK, false },      { "nomand", MS_MANDLOCK, true },
		{ "atime", MS_NOATIME, true },       { "noatime", MS_NOATIME, false },
		{ "diratime", MS_NODIRATIME, true }, { "nodiratime", MS_NODIRATIME, false },
		{ "relatime", MS_RELATIME, false },  { "norelatime", MS_RELATIME, true },
		{ "strictatime", MS_STRICTATIME, false }, { "nostrictatime", MS_STRICTATIME, true },
		{ "lazytime", MS_LAZYTIME, false },  { "nolazytime", MS_LAZYTIME, true },
		{ "iversion", MS_I_VERSION, false }, { "noiversion", MS_I_VERSION, true },
		{ "silent", MS_SILENT, false },      { "loud", MS_SILENT, true },
		{ "nosymfollow", MS_NOSYMFOLLOW, false }, { "symfollow", MS_NOSYMFOLLOW, true },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		struct pf_mount_op op = parse(table[i].name, NULL);

		assert_int_equal(op.flags, table[i].clear ? 0 : table[i].flag);
		assert_int_equal(op.clear, table[i].clear ? table[i].flag : 0);
		assert_null(op.data);
	}
}

static void test_last_wins(void **state)
{
	struct pf_mount_op op = parse("ro", "rw", NULL);

	(void)state;
	assert_int_equal(op.flags, 0);
	assert_int_equal(op.clear, MS_RDONLY);
	op = parse("rw", "ro", "suid", NULL);
	assert_int_equal(op.flags, MS_RDONLY);
	assert_int_equal(op.clear, MS_NOSUID);
}

static void test_bind(void **state)
{
	struct pf_mount_op op = parse("rbind", "ro", NULL);

	(void)state;
	assert_true(op.bind);
	assert_true(op.recursive);
	assert_int_equal(op.flags, MS_RDONLY);
	op = parse("bind", NULL);
	assert_true(op.bind);
	assert_false(op.recursive);
	assert_int_equal(op.flags, 0);
	/* rbind then bind stays recursive, as MS_REC stays set in runc */
	op = parse("rbind", "bind", NULL);
	assert_true(op.recursive);
}

static void test_recursive_attrs(void **state)
{
	struct pf_mount_op op = parse("rro", "rnosuid", NULL);

	(void)state;
	assert_int_equal(op.attr_set, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID);
	assert_int_equal(op.attr_clr, 0);
	assert_int_equal(op.flags, 0);
	op = parse("rro", "rrw", "rdev", "rexec", NULL);
	assert_int_equal(op.attr_set, 0);
	assert_int_equal(op.attr_clr, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
	/* an access time is an enum: the whole field is cleared with it */
	op = parse("rnoatime", NULL);
	assert_int_equal(op.attr_set, MOUNT_ATTR_NOATIME);
	assert_int_equal(op.attr_clr, MOUNT_ATTR__ATIME);
	op = parse("rrelatime", NULL);
	assert_int_equal(op.attr_set, MOUNT_ATTR_RELATIME);
	assert_int_equal(op.attr_clr, MOUNT_ATTR__ATIME);
	op = parse("rstrictatime", "rnodiratime", "rnosymfollow", NULL);
	assert_int_equal(op.attr_set, MOUNT_ATTR_STRICTATIME | MOUNT_ATTR_NODIRATIME |
			 MOUNT_ATTR_NOSYMFOLLOW);
	op = parse("rdiratime", "rsymfollow", "ratime", "rsuid", NULL);
	assert_int_equal(op.attr_clr, MOUNT_ATTR_NODIRATIME | MOUNT_ATTR_NOSYMFOLLOW |
			 MOUNT_ATTR_NOATIME | MOUNT_ATTR_NOSUID);
}

static void test_propagation(void **state)
{
	static const struct {
		const char *name;
		unsigned long flags;
	} table[] = {
		{ "private", MS_PRIVATE },   { "rprivate", MS_PRIVATE | MS_REC },
		{ "shared", MS_SHARED },     { "rshared", MS_SHARED | MS_REC },
		{ "slave", MS_SLAVE },       { "rslave", MS_SLAVE | MS_REC },
		{ "unbindable", MS_UNBINDABLE }, { "runbindable", MS_UNBINDABLE | MS_REC },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		struct pf_mount_op op = parse(table[i].name, NULL);

		assert_int_equal(op.propagation, table[i].flags);
		assert_int_equal(op.flags, 0);
		assert_null(op.data);
	}
}

static void test_special_and_data(void **state)
{
	struct pf_mount_op op = parse("foo", "defaults", "", "tmpcopyup", "uid=5", NULL);

	(void)state;
	assert_true(op.tmpcopyup);
	assert_string_equal(op.data, "foo,uid=5");
	assert_int_equal(op.flags, 0);
	free(op.data);
	op = parse("rbind", "idmap", NULL);
	assert_true(op.idmap);
	assert_false(op.idmap_recursive);
	op = parse("rbind", "ridmap", NULL);
	assert_true(op.idmap && op.idmap_recursive);
	assert_null(op.data);
}

/* ---- the plan ---------------------------------------------------------------------------- */

static void make_path(const char *rel, bool dir)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", tmp, rel);
	if (dir) {
		assert_int_equal(mkdir(path, 0755) == 0 || errno == EEXIST, 1);
	} else {
		int fd = open(path, O_CREAT | O_WRONLY, 0644);

		assert_true(fd >= 0);
		close(fd);
	}
}

/* The default spec plus extra mounts (a JSON fragment) in a bundle at tmp. */
static struct pf_spec *spec_with(const char *extra_mounts, const char *linux_extra)
{
	char text[8192];

	snprintf(text, sizeof(text),
		 BASE_HEAD ", " BASE_PROCESS ", \"mounts\": [%s], \"linux\": {\"namespaces\": "
		 "[{\"type\": \"mount\"}]%s}}", extra_mounts, linux_extra ? linux_extra : "");
	return must_parse(text);
}

static void test_plan_default_spec(void **state)
{
	struct pf_error err = { 0 };
	struct pf_spec *spec = pf_spec_default(false, 0, 0, &err);
	struct pf_mount_plan plan;
	char want[512], real[PATH_MAX];

	(void)state;
	assert_non_null(spec);
	make_path("rootfs", true);
	assert_int_equal(pf_mount_plan_build(spec, tmp, false, &plan, &err), 0);
	snprintf(want, sizeof(want), "%s/rootfs", tmp);
	assert_non_null(realpath(want, real));
	assert_string_equal(plan.rootfs, real);
	assert_true(plan.rootfs_readonly);
	assert_int_equal(plan.rootfs_propagation, MS_SLAVE | MS_REC);
	assert_int_equal(plan.n_ops, spec->mounts.n);
	assert_true(plan.default_dev);
	assert_true(plan.dev_pts);
	assert_false(plan.in_userns);
	assert_true(plan.cgroupns);
	assert_int_equal(plan.n_masked, spec->linux_->masked_paths.n);
	assert_int_equal(plan.n_readonly, spec->linux_->readonly_paths.n);
	assert_string_equal(plan.ops[0].dest, "/proc");
	assert_string_equal(plan.ops[0].type, "proc");
	assert_string_equal(plan.ops[1].dest, "/dev");
	assert_int_equal(plan.ops[1].flags, MS_NOSUID | MS_STRICTATIME);
	assert_string_equal(plan.ops[1].data, "mode=755,size=65536k");
	for (size_t i = 0; i < plan.n_ops; i++)
		assert_int_equal(plan.ops[i].idmap_fd, -1);
	pf_mount_plan_clear(&plan);
	/* rootless: a user namespace, /sys bound from the host */
	pf_spec_free(spec);
	spec = pf_spec_default(true, 1000, 1000, &err);
	assert_int_equal(pf_mount_plan_build(spec, tmp, false, &plan, &err), 0);
	assert_true(plan.in_userns);
	assert_true(plan.ops[5].bind && plan.ops[5].recursive);
	assert_string_equal(plan.ops[5].source, "/sys");
	assert_null(plan.ops[5].type);
	pf_mount_plan_clear(&plan);
	pf_spec_free(spec);
}

static void test_plan_binds(void **state)
{
	struct pf_error err = { 0 };
	struct pf_spec *spec;
	struct pf_mount_plan plan;
	char want[512];

	(void)state;
	make_path("rootfs", true);
	make_path("data", true);
	make_path("file", false);
	spec = spec_with("{\"destination\": \"/a/./b/../c\", \"source\": \"data\", "
			 "\"options\": [\"rbind\", \"ro\"]},"
			 "{\"destination\": \"/etc/f\", \"source\": \"file\", \"type\": \"bind\"},"
			 "{\"destination\": \"/dev\", \"source\": \"/dev\", \"options\": [\"bind\"]}",
			 ", \"rootfsPropagation\": \"private\", \"devices\": [{\"path\": \"/dev/fuse\", "
			 "\"type\": \"c\", \"major\": 10, \"minor\": 229}]");
	assert_int_equal(pf_mount_plan_build(spec, tmp, false, &plan, &err), 0);
	snprintf(want, sizeof(want), "%s/data", tmp);
	assert_string_equal(plan.ops[0].source, want);
	assert_string_equal(plan.ops[0].dest, "/a/c");
	assert_false(plan.ops[0].dest_is_file);
	assert_true(plan.ops[1].bind);
	assert_true(plan.ops[1].dest_is_file);
	/* /dev bound from the host: no default devices, no linux.devices made in it */
	assert_false(plan.default_dev);
	assert_int_equal(plan.n_devices, 0);
	assert_int_equal(plan.rootfs_propagation, MS_PRIVATE | MS_REC);
	pf_mount_plan_clear(&plan);
	/* private propagation cannot be kept with MS_MOVE */
	assert_int_equal(pf_mount_plan_build(spec, tmp, true, &plan, &err), -1);
	assert_string_equal(err.msg, "linux.rootfsPropagation: private is not safe without "
			    "pivot_root");
	pf_spec_free(spec);
}

static void expect_plan_error(const char *mounts, const char *linux_extra, const char *want)
{
	struct pf_error err = { 0 };
	struct pf_spec *spec = spec_with(mounts, linux_extra);
	struct pf_mount_plan plan;
	char msg[PF_ERROR_MAX + PATH_MAX];

	assert_int_equal(pf_mount_plan_build(spec, tmp, false, &plan, &err), -1);
	snprintf(msg, sizeof(msg), want, tmp);
	assert_string_equal(err.msg, msg);
	pf_spec_free(spec);
}

static void test_plan_errors(void **state)
{
	struct pf_error err = { 0 };
	struct pf_spec *spec = spec_with("", NULL);
	struct pf_mount_plan plan;
	char want[PF_ERROR_MAX];

	(void)state;
	free(spec->root->path);
	spec->root->path = strdup("nowhere");
	assert_int_equal(pf_mount_plan_build(spec, tmp, false, &plan, &err), -1);
	snprintf(want, sizeof(want), "root.path: %s/nowhere: No such file or directory", tmp);
	assert_string_equal(err.msg, want);
	free(spec->root->path);
	spec->root->path = strdup("file");
	make_path("file", false);
	assert_int_equal(pf_mount_plan_build(spec, tmp, false, &plan, &err), -1);
	snprintf(want, sizeof(want), "root.path: %s/file: Not a directory", tmp);
	assert_string_equal(err.msg, want);
	pf_spec_free(spec);

	make_path("rootfs", true);
	expect_plan_error("{\"destination\": \"/x\", \"source\": \"missing\", \"options\": [\"bind\"]}",
			  NULL, "mounts[0]: source %s/missing: No such file or directory");
	expect_plan_error("{\"destination\": \"/x\", \"source\": \"x\"}", NULL,
			  "mounts[0]: no type, and not a bind mount (\"bind\" or \"rbind\" in options)");
	expect_plan_error("{\"destination\": \"/proc\", \"type\": \"proc\"},"
			  "{\"destination\": \"/proc/kcore\", \"type\": \"tmpfs\"}", NULL,
			  "mounts[1]: /proc/kcore cannot be mounted because it is inside /proc");
	expect_plan_error("{\"destination\": \"/proc\", \"type\": \"tmpfs\"}", NULL,
			  "mounts[0]: /proc cannot be mounted because it is not of type proc");
	expect_plan_error("{\"destination\": \"/x\", \"type\": \"tmpfs\", \"options\": [\"idmap\"]}",
			  NULL, "mounts[0]: idmap needs a bind mount");
	expect_plan_error("{\"destination\": \"/x\", \"source\": \"rootfs\", \"options\": "
			  "[\"rbind\", \"idmap\"]}", NULL, "mounts[0]: idmap without uidMappings "
			  "and gidMappings needs a user namespace");
	expect_plan_error("{\"destination\": \"/x\", \"type\": \"proc\", \"options\": "
			  "[\"tmpcopyup\"]}", NULL, "mounts[0]: tmpcopyup needs a tmpfs mount");
}

/* ---- paths inside a root ----------------------------------------------------------------- */

static void test_open_in_root(void **state)
{
	char root[300], outside[300], link[400], p[1024];
	struct pf_error err = { 0 };
	struct stat st;
	int root_fd, fd;

	(void)state;
	snprintf(root, sizeof(root), "%s/r", tmp);
	snprintf(outside, sizeof(outside), "%s/outside", tmp);
	assert_int_equal(mkdir(root, 0755), 0);
	assert_int_equal(mkdir(outside, 0755), 0);
	/* an absolute symlink to a host directory, and one to nowhere */
	snprintf(link, sizeof(link), "%s/evil", root);
	assert_int_equal(symlink(outside, link), 0);
	snprintf(link, sizeof(link), "%s/up", root);
	assert_int_equal(symlink("../../../..", link), 0);
	root_fd = open(root, O_PATH | O_DIRECTORY);
	assert_true(root_fd >= 0);

	/* through the symlink: made inside the root, under the link's target taken in the root */
	fd = pf_open_in_root(root_fd, "/evil/sub/file", true, true, O_PATH, &err);
	assert_true(fd >= 0);
	close(fd);
	snprintf(p, sizeof(p), "%s%s/sub/file", root, outside);
	assert_int_equal(lstat(p, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	snprintf(p, sizeof(p), "%s/sub", outside);
	assert_int_equal(lstat(p, &st), -1);

	/* ".." and a symlink climbing out both stop at the root */
	fd = pf_open_in_root(root_fd, "../../x/y", true, false, O_PATH | O_DIRECTORY, &err);
	assert_true(fd >= 0);
	close(fd);
	snprintf(p, sizeof(p), "%s/x/y", root);
	assert_int_equal(stat(p, &st), 0);
	fd = pf_open_in_root(root_fd, "/up/z", true, false, O_PATH, &err);
	assert_true(fd >= 0);
	close(fd);
	snprintf(p, sizeof(p), "%s/z", root);
	assert_int_equal(stat(p, &st), 0);

	/* without create a missing path is an error naming it */
	assert_int_equal(pf_open_in_root(root_fd, "/nope", false, false, O_PATH, &err), -1);
	assert_string_equal(err.msg, "open /nope in the rootfs: No such file or directory");
	close(root_fd);
	/* magic links are refused */
	root_fd = open("/", O_PATH | O_DIRECTORY);
	assert_int_equal(pf_open_in_root(root_fd, "/proc/self/cwd", false, false, O_PATH, &err),
			 -1);
	assert_int_equal(err.err, ELOOP);
	close(root_fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_dev_options),
		cmocka_unit_test(test_flag_table),
		cmocka_unit_test(test_last_wins),
		cmocka_unit_test(test_bind),
		cmocka_unit_test(test_recursive_attrs),
		cmocka_unit_test(test_propagation),
		cmocka_unit_test(test_special_and_data),
		cmocka_unit_test(test_plan_default_spec),
		cmocka_unit_test(test_plan_binds),
		cmocka_unit_test(test_plan_errors),
		cmocka_unit_test(test_open_in_root),
	};

	return cmocka_run_group_tests(tests, make_tmp, remove_tmp);
}
