/* linux.resources (runtime/cgroup_resources.c, cgroup_v1.c, cgroup_v2.c): the v1→v2
 * conversions as pure functions, the v1 and v2 writers run on a directory of plain files
 * (every controller, whatever this host has), and pf_cgroup_apply_resources against this host's
 * cgroups. Tests touching the host need root and skip otherwise; their groups are named after
 * this process (pflask/unit-res-PID-x) and removed by each test's teardown. The device rules
 * and the eBPF program are tested in test_devices_bpf.c. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle/config.h"
#include "bundle/validate.h"
#include "runtime/cgroup.h"
#include "runtime/cgroup_resources.h"
#include "unit.h"

static char rel[64]; /* pflask/unit-res-PID-x for pf_cgroup_create */

/* ---- helpers ----------------------------------------------------------------------------- */

static struct pf_spec *with_resources(const char *json)
{
	char *text = NULL;
	struct pf_spec *spec;

	assert_true(asprintf(&text, BASE_HEAD ", " BASE_PROCESS ", \"linux\": {\"resources\": %s}}",
			     json) > 0);
	spec = must_parse(text);
	free(text);
	return spec;
}

static const struct pf_resources *res(const struct pf_spec *spec)
{
	return spec->linux_->resources;
}

static char *read_file(const char *dir, const char *file)
{
	char path[PATH_MAX], *buf = NULL;
	size_t len = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "re");
	if (!f)
		return NULL;
	if (getdelim(&buf, &len, '\0', f) < 0) {
		free(buf);
		buf = strdup("");
	}
	fclose(f);
	return buf;
}

static void assert_file(const char *dir, const char *file, const char *want)
{
	char *got = read_file(dir, file);

	if (!got)
		fail_msg("%s/%s: cannot read", dir, file);
	got[strcspn(got, "\n")] = '\0';
	if (strcmp(got, want) != 0)
		fail_msg("%s/%s: %s, not %s", dir, file, got, want);
	free(got);
}

static void need_root(void)
{
	if (geteuid() != 0) {
		print_message("# needs root\n");
		skip();
	}
}

/* ---- conversions ------------------------------------------------------------------------- */

static void test_shares_to_weight(void **state)
{
	(void)state;
	assert_int_equal(pf_cg_shares_to_weight(0), 0);
	assert_int_equal(pf_cg_shares_to_weight(1), 1);      /* below the v1 minimum: clamped */
	assert_int_equal(pf_cg_shares_to_weight(2), 1);
	assert_int_equal(pf_cg_shares_to_weight(512), 20);
	assert_int_equal(pf_cg_shares_to_weight(1024), 39);  /* v1's default, v2's is 100 */
	assert_int_equal(pf_cg_shares_to_weight(262144), 10000);
	assert_int_equal(pf_cg_shares_to_weight(1000000), 10000);
}

static void test_blkio_weight(void **state)
{
	(void)state;
	assert_int_equal(pf_cg_blkio_to_io_weight(0), 0);
	assert_int_equal(pf_cg_blkio_to_io_weight(10), 1);
	assert_int_equal(pf_cg_blkio_to_io_weight(100), 910);
	assert_int_equal(pf_cg_blkio_to_io_weight(500), 4950);
	assert_int_equal(pf_cg_blkio_to_io_weight(1000), 10000);
	assert_int_equal(pf_cg_blkio_to_io_weight(5), 1);
}

static void swap_case(const char *json, const char *want)
{
	struct pf_spec *spec = with_resources(json);
	struct pf_error err = { 0 };
	char out[32] = "";
	int rc = pf_cg_swap_max(res(spec)->memory, out, sizeof(out), &err);

	if (want[0] == '!') {
		assert_int_equal(rc, -1);
		assert_string_equal(err.msg, want + 1);
	} else {
		if (rc < 0)
			fail_msg("%s: %s", json, err.msg);
		assert_string_equal(out, want);
	}
	pf_spec_free(spec);
}

static void test_swap_math(void **state)
{
	(void)state;
	swap_case("{\"memory\": {\"limit\": 100, \"swap\": 300}}", "200");
	swap_case("{\"memory\": {\"limit\": 100, \"swap\": 100}}", "0");
	swap_case("{\"memory\": {\"limit\": 100, \"swap\": -1}}", "max");
	swap_case("{\"memory\": {\"swap\": -1}}", "max");
	swap_case("{\"memory\": {\"limit\": 100, \"swap\": 0}}", "0");
	swap_case("{\"memory\": {\"swap\": 300}}",
		  "!linux.resources.memory.swap: a swap limit needs a memory limit on cgroup v2 "
		  "(swap counts memory+swap)");
	swap_case("{\"memory\": {\"limit\": -1, \"swap\": 300}}",
		  "!linux.resources.memory.swap: a swap limit needs a memory limit on cgroup v2 "
		  "(swap counts memory+swap)");
	swap_case("{\"memory\": {\"limit\": 100, \"swap\": 50}}",
		  "!linux.resources.memory.swap: 50 is below the memory limit 100 (swap counts "
		  "memory+swap)");
}

static void cpu_max_case(const char *json, const char *want)
{
	struct pf_spec *spec = with_resources(json);
	char out[64] = "";
	int rc = pf_cg_cpu_max(res(spec)->cpu, out, sizeof(out));

	if (!want) {
		assert_int_equal(rc, 0);
	} else {
		assert_int_equal(rc, 1);
		assert_string_equal(out, want);
	}
	pf_spec_free(spec);
}

static void test_cpu_max(void **state)
{
	(void)state;
	cpu_max_case("{\"cpu\": {\"quota\": 50000, \"period\": 200000}}", "50000 200000");
	cpu_max_case("{\"cpu\": {\"quota\": 50000}}", "50000 100000");
	cpu_max_case("{\"cpu\": {\"period\": 250000}}", "max 250000");
	cpu_max_case("{\"cpu\": {\"quota\": -1}}", "max");
	cpu_max_case("{\"cpu\": {\"quota\": -1, \"period\": 100000}}", "max 100000");
	cpu_max_case("{\"cpu\": {\"quota\": 0}}", NULL);
	cpu_max_case("{\"cpu\": {\"shares\": 1024}}", NULL);
}

static void test_io_max_lines(void **state)
{
	struct pf_spec *spec = with_resources(
		"{\"blockIO\": {"
		"\"throttleReadBpsDevice\": [{\"major\": 8, \"minor\": 0, \"rate\": 600},"
		"                            {\"major\": 8, \"minor\": 16, \"rate\": 700}],"
		"\"throttleWriteBpsDevice\": [{\"major\": 8, \"minor\": 16, \"rate\": 800}],"
		"\"throttleReadIOPSDevice\": [{\"major\": 254, \"minor\": 0, \"rate\": 10}],"
		"\"throttleWriteIOPSDevice\": [{\"major\": 8, \"minor\": 0, \"rate\": 300}]}}");
	struct pf_error err = { 0 };
	pf_strv lines = { 0 };

	(void)state;
	assert_int_equal(pf_cg_io_max_lines(res(spec)->block_io, &lines, &err), 0);
	assert_int_equal(lines.n, 3);
	assert_string_equal(lines.v[0], "8:0 rbps=600 wiops=300");
	assert_string_equal(lines.v[1], "8:16 rbps=700 wbps=800");
	assert_string_equal(lines.v[2], "254:0 riops=10");
	pf_strv_clear(&lines);
	pf_spec_free(spec);

	spec = with_resources("{\"blockIO\": {\"weight\": 100}}");
	assert_int_equal(pf_cg_io_max_lines(res(spec)->block_io, &lines, &err), 0);
	assert_int_equal(lines.n, 0);
	pf_spec_free(spec);
}

static void test_rdma_line(void **state)
{
	struct pf_spec *spec = with_resources(
		"{\"rdma\": {\"mlx5_1\": {\"hcaHandles\": 3, \"hcaObjects\": 10000},"
		"            \"mlx4_0\": {\"hcaObjects\": 7}}}");
	const struct pf_resources *r = res(spec);
	char line[64], tiny[8];

	(void)state;
	assert_int_equal(pf_cg_rdma_line(r->rdma.keys[0], &r->rdma.v[0], line, sizeof(line)), 0);
	assert_string_equal(line, "mlx5_1 hca_handle=3 hca_object=10000");
	assert_int_equal(pf_cg_rdma_line(r->rdma.keys[1], &r->rdma.v[1], line, sizeof(line)), 0);
	assert_string_equal(line, "mlx4_0 hca_handle=max hca_object=7");
	assert_int_equal(pf_cg_rdma_line(r->rdma.keys[0], &r->rdma.v[0], tiny, sizeof(tiny)), -1);
	pf_spec_free(spec);
}

/* ---- the writers, on plain files --------------------------------------------------------- */

/* A directory of empty regular files standing in for a cgroup: each file a writer may touch
 * exists, and after the writers ran holds the last value written (one write each here). */
static char fake[PATH_MAX];

static void make_fake(const char *const *files)
{
	char path[PATH_MAX];

	snprintf(fake, sizeof(fake), "/tmp/pflask-unit-res-%d-XXXXXX", (int)getpid());
	assert_non_null(mkdtemp(fake));
	for (size_t i = 0; files[i]; i++) {
		int fd;

		assert_true(snprintf(path, sizeof(path), "%s/%s", fake, files[i]) < (int)sizeof(path));
		fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
		assert_true(fd >= 0);
		close(fd);
	}
}

static int scrub_fake(void **state)
{
	char path[PATH_MAX];
	DIR *d;
	struct dirent *e;

	(void)state;
	if (!fake[0] || !(d = opendir(fake)))
		return 0;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.' &&
		    snprintf(path, sizeof(path), "%s/%s", fake, e->d_name) < (int)sizeof(path))
			unlink(path);
	closedir(d);
	rmdir(fake);
	fake[0] = '\0';
	return 0;
}

static void test_v2_writers(void **state)
{
	static const char *const files[] = {
		"memory.max", "memory.low", "memory.swap.max", "memory.high", "cpu.weight", "cpu.max",
		"cpu.max.burst", "cpu.idle", "cpuset.cpus", "cpuset.mems", "pids.max", "io.weight",
		"io.max", "hugetlb.2MB.max", "rdma.max", NULL
	};
	struct pf_spec *spec = with_resources(
		"{\"memory\": {\"limit\": 104857600, \"reservation\": -1, \"swap\": 209715200,"
		"  \"kernel\": 1000000},"
		" \"cpu\": {\"shares\": 1024, \"quota\": 50000, \"period\": 200000, \"burst\": 1000,"
		"  \"idle\": 1, \"cpus\": \"0-1\", \"mems\": \"0\"},"
		" \"pids\": {\"limit\": -1},"
		" \"blockIO\": {\"weight\": 500,"
		"  \"throttleReadBpsDevice\": [{\"major\": 8, \"minor\": 0, \"rate\": 600}],"
		"  \"throttleWriteIOPSDevice\": [{\"major\": 8, \"minor\": 0, \"rate\": 300}]},"
		" \"hugepageLimits\": [{\"pageSize\": \"2MB\", \"limit\": 4194304}],"
		" \"rdma\": {\"mlx5_1\": {\"hcaHandles\": 3}},"
		" \"unified\": {\"memory.high\": \"90000000\"}}");
	struct pf_cg_layout L = { .v2 = fake };
	struct pf_error err = { 0 };

	(void)state;
	make_fake(files);
	L.v1[PF_CTRL_DEVICES] = "devices elsewhere"; /* no BPF on a plain directory */
	if (pf_cg_v2_apply(&L, res(spec), true, &err) < 0)
		fail_msg("%s", err.msg);
	assert_file(fake, "memory.max", "104857600");
	assert_file(fake, "memory.low", "max");
	assert_file(fake, "memory.swap.max", "104857600");
	assert_file(fake, "memory.high", "90000000");
	assert_file(fake, "cpu.weight", "39");
	assert_file(fake, "cpu.max", "50000 200000");
	assert_file(fake, "cpu.max.burst", "1000");
	assert_file(fake, "cpu.idle", "1");
	assert_file(fake, "cpuset.cpus", "0-1");
	assert_file(fake, "cpuset.mems", "0");
	assert_file(fake, "pids.max", "max");
	assert_file(fake, "io.weight", "4950"); /* no io.bfq.weight: converted */
	assert_file(fake, "io.max", "8:0 rbps=600 wiops=300");
	assert_file(fake, "hugetlb.2MB.max", "4194304");
	assert_file(fake, "rdma.max", "mlx5_1 hca_handle=3 hca_object=max");
	pf_spec_free(spec);
}

static void v2_refuses(const char *json, const char *want)
{
	static const char *const files[] = { "memory.max", "cpu.weight", "io.weight", NULL };
	struct pf_spec *spec = with_resources(json);
	struct pf_cg_layout L = { .v2 = fake };
	struct pf_error err = { 0 };

	make_fake(files);
	L.v1[PF_CTRL_DEVICES] = "devices elsewhere";
	assert_int_equal(pf_cg_v2_apply(&L, res(spec), true, &err), -1);
	assert_string_equal(err.msg, want);
	scrub_fake(NULL);
	pf_spec_free(spec);
}

static void test_v2_refusals(void **state)
{
	(void)state;
	v2_refuses("{\"memory\": {\"swappiness\": 10}}",
		   "linux.resources.memory.swappiness: not supported on cgroup v2");
	v2_refuses("{\"memory\": {\"disableOOMKiller\": true}}",
		   "linux.resources.memory.disableOOMKiller: not supported on cgroup v2");
	v2_refuses("{\"memory\": {\"useHierarchy\": false}}",
		   "linux.resources.memory.useHierarchy: false is not supported on cgroup v2 "
		   "(always hierarchical)");
	v2_refuses("{\"cpu\": {\"realtimeRuntime\": 1000}}",
		   "linux.resources.cpu.realtimeRuntime and realtimePeriod: not supported on "
		   "cgroup v2");
	v2_refuses("{\"blockIO\": {\"leafWeight\": 100}}",
		   "linux.resources.blockIO.leafWeight: not supported on cgroup v2");
}

/* A file that is not there: the error names it, the value and the directory. */
static void test_write_error_message(void **state)
{
	static const char *const files[] = { "cpu.weight", NULL };
	struct pf_spec *spec = with_resources("{\"pids\": {\"limit\": 7}}");
	struct pf_cg_layout L = { .v2 = fake };
	struct pf_error err = { 0 };
	char want[PF_ERROR_MAX];

	(void)state;
	make_fake(files);
	L.v1[PF_CTRL_DEVICES] = "devices elsewhere";
	assert_int_equal(pf_cg_v2_apply(&L, res(spec), true, &err), -1);
	assert_true(snprintf(want, sizeof(want), "cgroup: write pids.max=7 in %s: %s", fake,
			     strerror(ENOENT)) < (int)sizeof(want));
	assert_string_equal(err.msg, want);
	assert_int_equal(err.err, ENOENT);
	/* values from the config are quoted when not plainly printable */
	assert_int_equal(pf_cg_write(fake, "cpu.max", "a\tb", &err), -1);
	assert_true(snprintf(want, sizeof(want), "cgroup: write cpu.max=\"a\\x09b\" in %s: %s", fake,
			     strerror(ENOENT)) < (int)sizeof(want));
	assert_string_equal(err.msg, want);
	pf_spec_free(spec);
}

static void test_v1_writers(void **state)
{
	static const char *const files[] = {
		"memory.limit_in_bytes", "memory.memsw.limit_in_bytes", "memory.soft_limit_in_bytes",
		"memory.swappiness", "memory.oom_control", "memory.use_hierarchy", "cpu.cfs_period_us",
		"cpu.cfs_quota_us", "cpu.cfs_burst_us", "cpu.shares", "cpu.rt_period_us",
		"cpu.rt_runtime_us", "cpuset.cpus", "cpuset.mems", "pids.max", "blkio.bfq.weight",
		"blkio.throttle.write_iops_device", "hugetlb.2MB.limit_in_bytes",
		"hugetlb.2MB.rsvd.limit_in_bytes", "net_cls.classid", "net_prio.ifpriomap",
		"rdma.max", "devices.allow", "devices.deny", NULL
	};
	struct pf_spec *spec = with_resources(
		"{\"memory\": {\"limit\": 104857600, \"reservation\": 52428800, \"swap\": 209715200,"
		"  \"kernel\": 1000000, \"swappiness\": 10, \"disableOOMKiller\": true,"
		"  \"useHierarchy\": true},"
		" \"cpu\": {\"shares\": 512, \"quota\": -1, \"period\": 100000, \"burst\": 0,"
		"  \"realtimeRuntime\": 950, \"realtimePeriod\": 1000, \"cpus\": \"0\", \"mems\": \"0\"},"
		" \"pids\": {\"limit\": 0},"
		" \"blockIO\": {\"weight\": 500,"
		"  \"throttleWriteIOPSDevice\": [{\"major\": 8, \"minor\": 16, \"rate\": 300}]},"
		" \"hugepageLimits\": [{\"pageSize\": \"2MB\", \"limit\": 4194304}],"
		" \"network\": {\"classID\": 1048577, \"priorities\": [{\"name\": \"eth0\","
		"  \"priority\": 5}]},"
		" \"rdma\": {\"mlx5_1\": {\"hcaHandles\": 3, \"hcaObjects\": 9}}}");
	struct pf_cg_layout L = { 0 };
	struct pf_error err = { 0 };

	(void)state;
	make_fake(files);
	for (int c = 0; c < PF_CTRL_COUNT; c++)
		L.v1[c] = fake;
	if (pf_cg_v1_apply(&L, res(spec), true, &err) < 0)
		fail_msg("%s", err.msg);
	assert_file(fake, "memory.limit_in_bytes", "104857600");
	assert_file(fake, "memory.memsw.limit_in_bytes", "209715200");
	assert_file(fake, "memory.soft_limit_in_bytes", "52428800");
	assert_file(fake, "memory.swappiness", "10");
	assert_file(fake, "memory.oom_control", "1");
	assert_file(fake, "memory.use_hierarchy", "1");
	assert_file(fake, "cpu.shares", "512");
	assert_file(fake, "cpu.cfs_quota_us", "-1");
	assert_file(fake, "cpu.cfs_period_us", "100000");
	assert_file(fake, "cpu.cfs_burst_us", "0");
	assert_file(fake, "cpu.rt_period_us", "1000");
	assert_file(fake, "cpu.rt_runtime_us", "950");
	assert_file(fake, "cpuset.cpus", "0");
	assert_file(fake, "pids.max", "0");
	assert_file(fake, "blkio.bfq.weight", "500"); /* no blkio.weight (CFQ): BFQ's */
	assert_file(fake, "blkio.throttle.write_iops_device", "8:16 300");
	assert_file(fake, "hugetlb.2MB.limit_in_bytes", "4194304");
	assert_file(fake, "hugetlb.2MB.rsvd.limit_in_bytes", "4194304");
	assert_file(fake, "net_cls.classid", "1048577");
	assert_file(fake, "net_prio.ifpriomap", "eth0 5");
	assert_file(fake, "rdma.max", "mlx5_1 hca_handle=3 hca_object=9");
	/* the deny-all, then (no config rules) the defaults, the last of them ptmx */
	assert_file(fake, "devices.deny", "a");
	/* written many times, and a plain file is not truncated: the last one is at the start */
	{
		char *allow = read_file(fake, "devices.allow");

		assert_non_null(allow);
		assert_int_equal(strncmp(allow, "c 5:2 rwm", 9), 0);
		free(allow);
	}
	pf_spec_free(spec);
}

/* ---- pf_cgroup_apply_resources on this host ---------------------------------------------- */

static int scrub_cgroup(void **state)
{
	struct pf_cgroup cg = { 0 };

	(void)state;
	if (rel[0] && geteuid() == 0 && pf_cgroup_adopt(rel, &cg, NULL) == 0) {
		pf_cgroup_remove(&cg, NULL);
		pf_cgroup_clear(&cg);
	}
	return 0;
}

static const char *dir_with(const struct pf_cgroup *cg, const char *file)
{
	char path[PATH_MAX];

	for (size_t i = 0; i < cg->dirs.n; i++) {
		snprintf(path, sizeof(path), "%s/%s", cg->dirs.v[i], file);
		if (access(path, F_OK) == 0)
			return cg->dirs.v[i];
	}
	return NULL;
}

static void make_cgroup(struct pf_cgroup *cg)
{
	struct pf_error err = { 0 };

	need_root();
	snprintf(rel, sizeof(rel), "pflask/unit-res-%d-x", (int)getpid());
	if (pf_cgroup_create(rel, cg, &err) < 0)
		fail_msg("%s", err.msg);
}

static void test_apply_pids_and_memory(void **state)
{
	struct pf_spec *spec = with_resources("{\"pids\": {\"limit\": 42},"
					      " \"memory\": {\"limit\": 104857600}}");
	struct pf_cgroup cg = { 0 };
	struct pf_error err = { 0 };
	const char *pids, *mem, *file = "memory.limit_in_bytes";

	(void)state;
	make_cgroup(&cg);
	pids = dir_with(&cg, "pids.max");
	mem = dir_with(&cg, file);
	if (!mem)
		mem = dir_with(&cg, file = "memory.max");
	if (!pids || !mem) {
		pf_cgroup_remove(&cg, NULL);
		pf_cgroup_clear(&cg);
		pf_spec_free(spec);
		print_message("# no pids or memory controller for a new group here\n");
		skip();
	}
	if (pf_cgroup_apply_resources(&cg, res(spec), &err) < 0)
		fail_msg("%s", err.msg);
	assert_file(pids, "pids.max", "42");
	assert_file(mem, file, "104857600");
	assert_int_equal(pf_cgroup_remove(&cg, &err), 0);
	pf_cgroup_clear(&cg);
	pf_spec_free(spec);
}

/* The check for every controller comes before any write: nothing changes. */
static void test_apply_absent_controller(void **state)
{
	struct pf_spec *spec = with_resources("{\"pids\": {\"limit\": 42},"
					      " \"rdma\": {\"mlx5_1\": {\"hcaHandles\": 3}}}");
	struct pf_cgroup cg = { 0 };
	struct pf_error err = { 0 };
	const char *pids;

	(void)state;
	make_cgroup(&cg);
	pids = dir_with(&cg, "pids.max");
	if (dir_with(&cg, "rdma.max") || !pids) {
		pf_cgroup_remove(&cg, NULL);
		pf_cgroup_clear(&cg);
		pf_spec_free(spec);
		print_message("# this host has rdma, or no pids\n");
		skip();
	}
	assert_int_equal(pf_cgroup_apply_resources(&cg, res(spec), &err), -1);
	assert_string_equal(err.msg, "linux.resources.rdma: no rdma controller on this host");
	assert_int_equal(err.err, ENODEV);
	assert_file(pids, "pids.max", "max");
	assert_int_equal(pf_cgroup_remove(&cg, &err), 0);
	pf_cgroup_clear(&cg);
	pf_spec_free(spec);
}

/* A value the kernel refuses: the error names the file, the value and the directory. */
static void test_apply_error_names_file_and_value(void **state)
{
	struct pf_spec *spec = with_resources("{\"cpu\": {\"cpus\": \"4096\"}}");
	struct pf_cgroup cg = { 0 };
	struct pf_error err = { 0 };
	const char *dir;
	char want[PF_ERROR_MAX];

	(void)state;
	make_cgroup(&cg);
	dir = dir_with(&cg, "cpuset.cpus");
	if (!dir) {
		pf_cgroup_remove(&cg, NULL);
		pf_cgroup_clear(&cg);
		pf_spec_free(spec);
		print_message("# no cpuset controller for a new group here\n");
		skip();
	}
	assert_int_equal(pf_cgroup_apply_resources(&cg, res(spec), &err), -1);
	snprintf(want, sizeof(want), "cgroup: write cpuset.cpus=4096 in %s: %s", dir,
		 strerror(err.err));
	assert_string_equal(err.msg, want);
	assert_int_equal(pf_cgroup_remove(&cg, &err), 0);
	pf_cgroup_clear(&cg);
	pf_spec_free(spec);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shares_to_weight),
		cmocka_unit_test(test_blkio_weight),
		cmocka_unit_test(test_swap_math),
		cmocka_unit_test(test_cpu_max),
		cmocka_unit_test(test_io_max_lines),
		cmocka_unit_test(test_rdma_line),
		cmocka_unit_test_teardown(test_v2_writers, scrub_fake),
		cmocka_unit_test_teardown(test_v2_refusals, scrub_fake),
		cmocka_unit_test_teardown(test_v1_writers, scrub_fake),
		cmocka_unit_test_teardown(test_write_error_message, scrub_fake),
		cmocka_unit_test_teardown(test_apply_pids_and_memory, scrub_cgroup),
		cmocka_unit_test_teardown(test_apply_absent_controller, scrub_cgroup),
		cmocka_unit_test_teardown(test_apply_error_names_file_and_value, scrub_cgroup),
	};

	return cmocka_run_group_tests_name("cgroup_resources", tests, NULL, NULL);
}
