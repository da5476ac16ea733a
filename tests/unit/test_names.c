/* The name tables of bundle/names.h and the version check of bundle/config.h. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <linux/capability.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/resource.h>

#include "bundle/config.h"
#include "bundle/names.h"

static void test_signal_parse(void **state)
{
	const struct {
		const char *s;
		int want;
	} cases[] = {
		{ "TERM", SIGTERM },
		{ "SIGTERM", SIGTERM },
		{ "sigkill", SIGKILL },
		{ "Hup", SIGHUP },
		{ "9", 9 },
		{ "1", 1 },
		{ "64", 64 },
		{ "0", -1 },
		{ "65", -1 },
		{ "RTMIN", SIGRTMIN },
		{ "SIGRTMIN", SIGRTMIN },
		{ "RTMIN+3", SIGRTMIN + 3 },
		{ "rtmax", SIGRTMAX },
		{ "RTMAX-1", SIGRTMAX - 1 },
		{ "SIGRTMAX-1", SIGRTMAX - 1 },
		{ "RTMIN-1", -1 },
		{ "RTMAX+1", -1 },
		{ "RTMIN+", -1 },
		{ "RTMIN+99", -1 },
		{ "bogus", -1 },
		{ "SIG", -1 },
		{ "", -1 },
		{ "-9", -1 },
		{ "+9", -1 },
		{ " 9", -1 },
		{ "9x", -1 },
		{ "99999999999", -1 },
		{ "SIGSIGTERM", -1 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int got = pf_signal_parse(cases[i].s);

		if (got != cases[i].want)
			fail_msg("pf_signal_parse(\"%s\") = %d, want %d", cases[i].s, got,
				 cases[i].want);
	}
}

static void test_capability_number(void **state)
{
	(void)state;
	assert_int_equal(pf_capability_number("CAP_CHOWN"), CAP_CHOWN);
	assert_int_equal(pf_capability_number("CAP_SYS_ADMIN"), CAP_SYS_ADMIN);
	assert_int_equal(pf_capability_number("CAP_CHECKPOINT_RESTORE"), CAP_CHECKPOINT_RESTORE);
	assert_int_equal(pf_capability_last, CAP_LAST_CAP);
	assert_string_equal(pf_capability_names[pf_capability_last], "CAP_CHECKPOINT_RESTORE");
	assert_null(pf_capability_names[pf_capability_last + 1]);
	assert_int_equal(pf_capability_number("CAP_BOGUS"), -1);
	assert_int_equal(pf_capability_number("cap_chown"), -1);
	assert_int_equal(pf_capability_number("CHOWN"), -1);
	assert_int_equal(pf_capability_number(""), -1);
}

/* Every name sits at its kernel number. */
static void test_capability_table_matches_kernel(void **state)
{
	const struct {
		int number;
		const char *name;
	} caps[] = {
		{ CAP_DAC_OVERRIDE, "CAP_DAC_OVERRIDE" }, { CAP_KILL, "CAP_KILL" },
		{ CAP_SETPCAP, "CAP_SETPCAP" }, { CAP_NET_BIND_SERVICE, "CAP_NET_BIND_SERVICE" },
		{ CAP_NET_RAW, "CAP_NET_RAW" }, { CAP_SYS_CHROOT, "CAP_SYS_CHROOT" },
		{ CAP_SYS_PTRACE, "CAP_SYS_PTRACE" }, { CAP_MKNOD, "CAP_MKNOD" },
		{ CAP_AUDIT_WRITE, "CAP_AUDIT_WRITE" }, { CAP_SETFCAP, "CAP_SETFCAP" },
		{ CAP_SYSLOG, "CAP_SYSLOG" }, { CAP_AUDIT_READ, "CAP_AUDIT_READ" },
		{ CAP_PERFMON, "CAP_PERFMON" }, { CAP_BPF, "CAP_BPF" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++)
		assert_int_equal(pf_capability_number(caps[i].name), caps[i].number);
	for (int i = 0; i <= pf_capability_last; i++) {
		assert_non_null(pf_capability_names[i]);
		assert_int_equal(pf_capability_number(pf_capability_names[i]), i);
	}
}

static void test_rlimit_number(void **state)
{
	const struct {
		int number;
		const char *name;
	} limits[] = {
		{ RLIMIT_CPU, "RLIMIT_CPU" }, { RLIMIT_FSIZE, "RLIMIT_FSIZE" },
		{ RLIMIT_DATA, "RLIMIT_DATA" }, { RLIMIT_STACK, "RLIMIT_STACK" },
		{ RLIMIT_CORE, "RLIMIT_CORE" }, { RLIMIT_RSS, "RLIMIT_RSS" },
		{ RLIMIT_NPROC, "RLIMIT_NPROC" }, { RLIMIT_NOFILE, "RLIMIT_NOFILE" },
		{ RLIMIT_MEMLOCK, "RLIMIT_MEMLOCK" }, { RLIMIT_AS, "RLIMIT_AS" },
		{ RLIMIT_LOCKS, "RLIMIT_LOCKS" }, { RLIMIT_SIGPENDING, "RLIMIT_SIGPENDING" },
		{ RLIMIT_MSGQUEUE, "RLIMIT_MSGQUEUE" }, { RLIMIT_NICE, "RLIMIT_NICE" },
		{ RLIMIT_RTPRIO, "RLIMIT_RTPRIO" }, { RLIMIT_RTTIME, "RLIMIT_RTTIME" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(limits) / sizeof(limits[0]); i++)
		assert_int_equal(pf_rlimit_number(limits[i].name), limits[i].number);
	assert_int_equal(pf_name_count(pf_rlimit_names), RLIMIT_NLIMITS);
	assert_int_equal(pf_rlimit_number("RLIMIT_BOGUS"), -1);
	assert_int_equal(pf_rlimit_number("NOFILE"), -1);
	assert_int_equal(pf_rlimit_number("rlimit_nofile"), -1);
	assert_int_equal(pf_rlimit_number(""), -1);
}

static void test_oci_version_supported(void **state)
{
	const struct {
		const char *v;
		bool want;
	} cases[] = {
		{ "1.0.0", true },
		{ "1.3.0", true },
		{ "1.2.1-dev", true },
		{ "1.0.2+x", true },
		{ "0.5.0-dev", true },
		{ "1.10.20", true },
		{ "2.0.0", false },
		{ "1", false },
		{ "1.", false },
		{ "1.0", false },
		{ "1.x.0", false },
		{ "1.0.x", false },
		{ "", false },
		{ "1.0.0-", false },
		{ "1.0.0+", false },
		{ "1.0.0.0", false },
		{ "1..0", false },
		{ "v1.0.0", false },
		{ " 1.0.0", false },
		{ "10.0.0", false },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (pf_oci_version_supported(cases[i].v) != cases[i].want)
			fail_msg("pf_oci_version_supported(\"%s\") should be %s", cases[i].v,
				 cases[i].want ? "true" : "false");
}

static void test_name_index(void **state)
{
	(void)state;
	assert_int_equal(pf_name_count(pf_namespace_types), 8);
	assert_int_equal(pf_name_index(pf_namespace_types, "mount"), 0);
	assert_int_equal(pf_name_index(pf_namespace_types, "time"), 7);
	assert_int_equal(pf_name_index(pf_namespace_types, "net"), -1);
	assert_int_equal(pf_name_index(pf_namespace_types, "Mount"), -1);
	assert_int_equal(pf_name_index(pf_hook_kinds, "createRuntime"), 1);
	assert_true(pf_name_index(pf_seccomp_actions, "SCMP_ACT_ERRNO") >= 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_signal_parse),
		cmocka_unit_test(test_capability_number),
		cmocka_unit_test(test_capability_table_matches_kernel),
		cmocka_unit_test(test_rlimit_number),
		cmocka_unit_test(test_oci_version_supported),
		cmocka_unit_test(test_name_index),
	};

	return cmocka_run_group_tests_name("names", tests, NULL, NULL);
}
