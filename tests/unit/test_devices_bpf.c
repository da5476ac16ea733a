/* The device rules (runtime/cgroup_resources.c: their order and v1 lines) and the eBPF device
 * program of runtime/devices_bpf.c: its shape, and its answers run for real. BPF_PROG_TEST_RUN
 * does not serve BPF_PROG_TYPE_CGROUP_DEVICE, so the program is attached to a scratch cgroup2
 * group (pflask-unit-res-PID, removed by each test's teardown) and a child placed in it opens
 * devices. Those tests need root and a cgroup2 mount, and skip otherwise. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bundle/config.h"
#include "runtime/cgroup_resources.h"
#include "unit.h"

static char v2_mnt[PATH_MAX];  /* a cgroup2 mount of this host, "" when none */
static char scratch[PATH_MAX]; /* v2_mnt/pflask-unit-res-PID */

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

static void find_v2(void)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[8192];

	v2_mnt[0] = '\0';
	while (f && fgets(line, sizeof(line), f)) {
		char mnt[PATH_MAX], fstype[64];
		const char *dash = strstr(line, " - ");

		if (dash && sscanf(line, "%*s %*s %*s %*s %4095s", mnt) == 1 &&
		    sscanf(dash + 3, "%63s", fstype) == 1 && strcmp(fstype, "cgroup2") == 0) {
			snprintf(v2_mnt, sizeof(v2_mnt), "%s", mnt);
			break;
		}
	}
	if (f)
		fclose(f);
}

static void need_root(void)
{
	if (geteuid() != 0) {
		print_message("# needs root\n");
		skip();
	}
}

static void need_v2(void)
{
	need_root();
	if (!v2_mnt[0]) {
		print_message("# no cgroup2 hierarchy mounted\n");
		skip();
	}
}

/* ---- device rules ------------------------------------------------------------------------ */

static void test_device_rules_order(void **state)
{
	struct pf_spec *spec = with_resources(
		"{\"devices\": [{\"allow\": false, \"access\": \"rwm\"},"
		"               {\"allow\": true, \"type\": \"c\", \"major\": 10, \"minor\": 229,"
		"                \"access\": \"rw\"},"
		"               {\"allow\": true, \"type\": \"b\", \"major\": 8}]}");
	struct pf_dev_rule *rules = NULL;
	struct pf_error err = { 0 };
	char lines[2][64];
	size_t n = 0;

	(void)state;
	assert_int_equal(pf_dev_rules(res(spec), &rules, &n, &err), 0);
	assert_int_equal(n, 1 + 3 + 10);
	/* the runtime's deny-all, then the config's, in order, then the defaults */
	assert_int_equal(pf_dev_rule_v1(&rules[0], lines), 1);
	assert_string_equal(lines[0], "a");
	assert_false(rules[0].allow);
	assert_int_equal(pf_dev_rule_v1(&rules[1], lines), 1);
	assert_string_equal(lines[0], "a");
	assert_int_equal(pf_dev_rule_v1(&rules[2], lines), 1);
	assert_string_equal(lines[0], "c 10:229 rw");
	assert_true(rules[2].allow);
	assert_int_equal(pf_dev_rule_v1(&rules[3], lines), 1);
	assert_string_equal(lines[0], "b 8:* rwm");
	assert_int_equal(pf_dev_rule_v1(&rules[4], lines), 1);
	assert_string_equal(lines[0], "c *:* m");
	assert_int_equal(pf_dev_rule_v1(&rules[6], lines), 1);
	assert_string_equal(lines[0], "c 1:3 rwm");
	assert_int_equal(pf_dev_rule_v1(&rules[12], lines), 1);
	assert_string_equal(lines[0], "c 136:* rwm");
	free(rules);
	pf_spec_free(spec);

	/* no config: the deny-all and the defaults */
	assert_int_equal(pf_dev_rules(NULL, &rules, &n, &err), 0);
	assert_int_equal(n, 11);
	free(rules);
}

static void test_device_rule_v1_lines(void **state)
{
	struct pf_dev_rule a_major = { 'a', 10, PF_DEV_ANY, PF_DEV_RWM, true };
	struct pf_dev_rule a_read = { 'a', PF_DEV_ANY, PF_DEV_ANY, PF_DEV_READ, false };
	char lines[2][64];

	(void)state;
	/* v1's "a" would reset the list: a narrowed "a" is written as a char and a block rule */
	assert_int_equal(pf_dev_rule_v1(&a_major, lines), 2);
	assert_string_equal(lines[0], "c 10:* rwm");
	assert_string_equal(lines[1], "b 10:* rwm");
	assert_int_equal(pf_dev_rule_v1(&a_read, lines), 2);
	assert_string_equal(lines[0], "c *:* r");
	assert_string_equal(lines[1], "b *:* r");
}

static void test_device_rule_bad_number(void **state)
{
	struct pf_spec *spec = with_resources(
		"{\"devices\": [{\"allow\": true, \"type\": \"c\", \"major\": 4294967296}]}");
	struct pf_dev_rule *rules = NULL;
	struct pf_error err = { 0 };
	size_t n = 0;

	(void)state;
	assert_int_equal(pf_dev_rules(res(spec), &rules, &n, &err), -1);
	assert_string_equal(err.msg,
			    "linux.resources.devices[0].major: 4294967296 is not a device number");
	pf_spec_free(spec);
}

static void test_bpf_build_shape(void **state)
{
	struct pf_dev_rule rules[] = {
		{ 'a', PF_DEV_ANY, PF_DEV_ANY, PF_DEV_RWM, false },
		{ 'c', 1, 3, PF_DEV_RWM, true },
		{ 'c', 1, 5, 0, true }, /* grants nothing: no block */
		{ 'b', 7, PF_DEV_ANY, PF_DEV_READ, false },
	};
	struct bpf_insn *p = NULL;
	struct pf_error err = { 0 };
	size_t n = 0;

	(void)state;
	assert_int_equal(pf_devices_bpf_build(rules, 4, &p, &n, &err), 0);
	/* prologue 7, b 7:* deny 2 + 5, c 1:3 allow 3 + 4, deny-all 5, epilogue 2 */
	assert_int_equal(n, 7 + 7 + 7 + 5 + 2);
	/* the last rule is checked first: its type test jumps past its 6 other instructions */
	assert_int_equal(p[7].code, BPF_JMP | BPF_JNE | BPF_K);
	assert_int_equal(p[7].dst_reg, BPF_REG_2);
	assert_int_equal(p[7].imm, BPF_DEVCG_DEV_BLOCK);
	assert_int_equal(p[7].off, 6);
	assert_int_equal(p[n - 1].code, BPF_JMP | BPF_EXIT);
	free(p);

	/* no rules: deny everything */
	assert_int_equal(pf_devices_bpf_build(NULL, 0, &p, &n, &err), 0);
	assert_int_equal(n, 9);
	assert_int_equal(p[7].code, BPF_ALU64 | BPF_MOV | BPF_K);
	assert_int_equal(p[7].imm, 0);
	free(p);

	rules[0].type = 'x';
	assert_int_equal(pf_devices_bpf_build(rules, 1, &p, &n, &err), -1);
}

/* ---- the program, run by the kernel ------------------------------------------------------ */

struct probe {
	const char *path;
	int flags;
};

/* /dev/null and /dev/zero (1:3, 1:5), /dev/fuse and /dev/loop-control (10:229, 10:237):
 * character devices root can open here. (Block devices may be closed to root by the host.) */
static const struct probe probes[] = {
	{ "/dev/null", O_RDWR },   { "/dev/zero", O_RDONLY }, { "/dev/fuse", O_RDONLY },
	{ "/dev/fuse", O_WRONLY }, { "/dev/fuse", O_RDWR },   { "/dev/loop-control", O_RDONLY },
};
#define N_PROBES (sizeof(probes) / sizeof(probes[0]))

static int scrub(void **state)
{
	(void)state;
	if (scratch[0])
		rmdir(scratch);
	return 0;
}

/* Bit i of the result: probes[i] opened, from a child moved into scratch. Probes the host
 * itself refuses count as skipped (the caller's want is masked with what the host allows). */
static unsigned run_probes(const char *dir)
{
	char procs[PATH_MAX];
	int status;
	pid_t pid;

	assert_true(snprintf(procs, sizeof(procs), "%s/cgroup.procs", dir) < (int)sizeof(procs));
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		FILE *f = fopen(procs, "we");
		unsigned got = 0;

		if (!f || fprintf(f, "%d", (int)getpid()) < 0 || fclose(f) != 0)
			_exit(255);
		for (size_t i = 0; i < N_PROBES; i++) {
			int fd = open(probes[i].path, probes[i].flags | O_CLOEXEC | O_NONBLOCK);

			if (fd >= 0) {
				got |= 1u << i;
				close(fd);
			}
		}
		_exit((int)got);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_not_equal(WEXITSTATUS(status), 255);
	return (unsigned)WEXITSTATUS(status);
}

static void make_scratch(void)
{
	need_v2();
	assert_true(snprintf(scratch, sizeof(scratch), "%s/pflask-unit-res-%d", v2_mnt,
			     (int)getpid()) < (int)sizeof(scratch));
	rmdir(scratch);
	assert_int_equal(mkdir(scratch, 0755), 0);
}

/* Applies the config's rules (plus the runtime's) to a fresh group and runs the probes. */
static unsigned probe_rules(const char *devices_json)
{
	char json[2048];
	struct pf_spec *spec;
	struct pf_dev_rule *rules = NULL;
	struct pf_error err = { 0 };
	unsigned got;
	size_t n = 0;

	snprintf(json, sizeof(json), "{\"devices\": %s}", devices_json);
	spec = with_resources(json);
	assert_int_equal(pf_dev_rules(res(spec), &rules, &n, &err), 0);
	rmdir(scratch);
	assert_int_equal(mkdir(scratch, 0755), 0);
	if (pf_devices_bpf_apply(scratch, rules, n, &err) < 0)
		fail_msg("%s", err.msg);
	got = run_probes(scratch);
	assert_int_equal(rmdir(scratch), 0);
	free(rules);
	pf_spec_free(spec);
	return got;
}

#define P_NULL 1u
#define P_ZERO 2u
#define P_FUSE_R 4u
#define P_FUSE_W 8u
#define P_FUSE_RW 16u
#define P_LOOPCTL 32u

static void test_bpf_program_decides(void **state)
{
	unsigned host;

	(void)state;
	make_scratch();
	host = run_probes(scratch); /* no program: what the host lets root open */
	assert_int_equal(rmdir(scratch), 0);
	if ((host & (P_NULL | P_FUSE_R | P_FUSE_W | P_LOOPCTL)) !=
	    (P_NULL | P_FUSE_R | P_FUSE_W | P_LOOPCTL)) {
		print_message("# this host refuses root /dev/fuse or /dev/loop-control\n");
		skip();
	}
	/* the defaults: null and zero, nothing else */
	assert_int_equal(probe_rules("[]") & host, P_NULL | P_ZERO);
	/* a read-only grant */
	assert_int_equal(probe_rules("[{\"allow\": true, \"type\": \"c\", \"major\": 10,"
				     "  \"minor\": 229, \"access\": \"r\"}]") & host,
			 P_NULL | P_ZERO | P_FUSE_R);
	/* the last match decides, bit by bit: rw granted, then w taken back */
	assert_int_equal(probe_rules("[{\"allow\": true, \"type\": \"c\", \"major\": 10,"
				     "  \"minor\": 229, \"access\": \"rw\"},"
				     " {\"allow\": false, \"type\": \"c\", \"major\": 10,"
				     "  \"minor\": 229, \"access\": \"w\"}]") & host,
			 P_NULL | P_ZERO | P_FUSE_R);
	/* an exception within an exception, which v1 cannot hold */
	assert_int_equal(probe_rules("[{\"allow\": true, \"type\": \"c\", \"major\": 10},"
				     " {\"allow\": false, \"type\": \"c\", \"major\": 10,"
				     "  \"minor\": 229}]") & host,
			 P_NULL | P_ZERO | P_LOOPCTL);
	/* everything allowed; a config's deny-all after it wins, except for the defaults */
	assert_int_equal(probe_rules("[{\"allow\": true}]") & host, host);
	assert_int_equal(probe_rules("[{\"allow\": true}, {\"allow\": false}]") & host,
			 P_NULL | P_ZERO);
	/* the defaults come last: a config cannot take /dev/null away */
	assert_int_equal(probe_rules("[{\"allow\": false, \"type\": \"c\", \"major\": 1,"
				     "  \"minor\": 3}]") & host, P_NULL | P_ZERO);
}

static int sys_bpf(int cmd, union bpf_attr *attr)
{
	return (int)syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

/* The attached program lives as long as the cgroup: after rmdir its id goes (the kernel
 * releases a cgroup's programs asynchronously, so this polls). */
static void test_bpf_program_goes_with_the_cgroup(void **state)
{
	struct pf_dev_rule *rules = NULL;
	struct pf_error err = { 0 };
	union bpf_attr attr;
	uint32_t ids[8];
	size_t n = 0;
	int cg, fd = -1;

	(void)state;
	make_scratch();
	assert_int_equal(pf_dev_rules(NULL, &rules, &n, &err), 0);
	if (pf_devices_bpf_apply(scratch, rules, n, &err) < 0)
		fail_msg("%s", err.msg);
	free(rules);
	cg = open(scratch, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(cg >= 0);
	memset(&attr, 0, sizeof(attr));
	attr.query.target_fd = (uint32_t)cg;
	attr.query.attach_type = BPF_CGROUP_DEVICE;
	attr.query.prog_ids = (uint64_t)(uintptr_t)ids;
	attr.query.prog_cnt = 8;
	assert_int_equal(sys_bpf(BPF_PROG_QUERY, &attr), 0);
	assert_int_equal(attr.query.prog_cnt, 1);
	assert_int_equal(attr.query.attach_flags, BPF_F_ALLOW_MULTI);
	close(cg);
	assert_int_equal(rmdir(scratch), 0);
	for (int i = 0; i < 500; i++) {
		struct timespec t = { 0, 10000000L };

		memset(&attr, 0, sizeof(attr));
		attr.prog_id = ids[0];
		fd = sys_bpf(BPF_PROG_GET_FD_BY_ID, &attr);
		if (fd < 0)
			break;
		close(fd);
		nanosleep(&t, NULL);
	}
	assert_true(fd < 0);
	assert_int_equal(errno, ENOENT);
}

static void test_bpf_load_error_names_the_verifier(void **state)
{
	struct bpf_insn bad[1];
	struct pf_error err = { 0 };

	(void)state;
	need_root();
	memset(bad, 0, sizeof(bad));
	bad[0].code = BPF_JMP | BPF_EXIT; /* r0 never set */
	assert_int_equal(pf_devices_bpf_load(bad, 1, &err), -1);
	assert_non_null(strstr(err.msg, "cgroup: load the device program: "));
	assert_non_null(strstr(err.msg, "R0"));
}

static int group_setup(void **state)
{
	(void)state;
	find_v2();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_device_rules_order),
		cmocka_unit_test(test_device_rule_v1_lines),
		cmocka_unit_test(test_device_rule_bad_number),
		cmocka_unit_test(test_bpf_build_shape),
		cmocka_unit_test_teardown(test_bpf_program_decides, scrub),
		cmocka_unit_test_teardown(test_bpf_program_goes_with_the_cgroup, scrub),
		cmocka_unit_test(test_bpf_load_error_names_the_verifier),
	};

	return cmocka_run_group_tests_name("devices_bpf", tests, group_setup, NULL);
}
