/* pf_spec_validate on whole configs: the `spec` templates are clean and round-trip, and a config
 * with many problems reports every one of them, in a stable order. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "bundle/config.h"
#include "bundle/defaults.h"
#include "bundle/reflect.h"
#include "bundle/validate.h"
#include "tests/unit/unit.h"

static struct pf_spec *must_default(bool rootless, uid_t uid, gid_t gid)
{
	struct pf_error err = { 0 };
	struct pf_spec *spec = pf_spec_default(rootless, uid, gid, &err);

	if (!spec)
		fail_msg("pf_spec_default: %s", err.msg);
	return spec;
}

static bool has_namespace(const struct pf_spec *spec, const char *type)
{
	for (size_t i = 0; i < spec->linux_->namespaces.n; i++)
		if (strcmp(spec->linux_->namespaces.v[i].type, type) == 0)
			return true;
	return false;
}

static void test_default_is_clean(void **state)
{
	struct pf_spec *spec = must_default(false, 0, 0);

	(void)state;
	assert_string_equal(spec->oci_version, PF_OCI_VERSION);
	assert_true(has_namespace(spec, "network"));
	assert_false(has_namespace(spec, "user"));
	assert_false(spec->linux_->uid_mappings.set);
	assert_problems(spec, NULL, 0);
	assert_spec_round_trip(spec);
	pf_spec_free(spec);
}

static void test_rootless_default_is_clean(void **state)
{
	struct pf_spec *spec = must_default(true, 1000, 1000);
	const struct pf_id_mapping *uid, *gid;

	(void)state;
	assert_true(has_namespace(spec, "user"));
	assert_false(has_namespace(spec, "network"));
	assert_int_equal(spec->linux_->uid_mappings.n, 1);
	assert_int_equal(spec->linux_->gid_mappings.n, 1);
	uid = &spec->linux_->uid_mappings.v[0];
	gid = &spec->linux_->gid_mappings.v[0];
	assert_int_equal(uid->container_id.v, 0);
	assert_int_equal(uid->host_id.v, 1000);
	assert_int_equal(uid->size.v, 1);
	assert_int_equal(gid->host_id.v, 1000);
	assert_problems(spec, NULL, 0);
	assert_spec_round_trip(spec);
	pf_spec_free(spec);
}

/* Two calls with the same arguments give equal specs; rootless and not differ. */
static void test_defaults_are_deterministic(void **state)
{
	struct pf_spec *a = must_default(true, 1000, 1000), *b = must_default(true, 1000, 1000);
	struct pf_spec *root = must_default(false, 0, 0);
	char *ta = must_emit(a), *tb = must_emit(b);

	(void)state;
	assert_true(pf_spec_equal(a, b));
	assert_string_equal(ta, tb);
	assert_false(pf_spec_equal(a, root));
	free(ta);
	free(tb);
	pf_spec_free(a);
	pf_spec_free(b);
	pf_spec_free(root);
}

static void test_new_spec_needs_a_root(void **state)
{
	static const char *const want[] = {
		"config.json: .root: required to run a container on Linux",
	};
	struct pf_spec *spec = pf_spec_new();

	(void)state;
	assert_non_null(spec);
	assert_string_equal(spec->oci_version, PF_OCI_VERSION);
	assert_problems(spec, want, 1);
	pf_spec_free(spec);
}

/* One problem in each part the validator visits, written in a different order from the one
 * it reports in: root, process, mounts, hooks, names, then linux. */
static const char many_problems[] =
	"{\"ociVersion\": \"1.3.0\","
	" \"linux\": {\"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"pid\"}],"
	"  \"maskedPaths\": [\"relative\"],"
	"  \"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\", \"defaultErrnoRet\": 1}},"
	" \"hooks\": {\"poststop\": [{\"path\": \"cleanup\"}]},"
	" \"mounts\": [{\"destination\": \"tmp\"}],"
	" \"hostname\": \"box\","
	" \"process\": {\"cwd\": \"here\", \"args\": [], \"env\": [\"NOEQUALS\"],"
	"  \"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"soft\": 2, \"hard\": 1}]},"
	" \"root\": {\"path\": \"\"}}";

static const char *const many_problems_want[] = {
	"config.json: .root.path: must not be empty",
	"config.json: .process.cwd: must be an absolute path",
	"config.json: .process.args: at least one argument is required",
	"config.json: .process.env[0]: \"NOEQUALS\" is not of the form NAME=VALUE",
	"config.json: .process.rlimits[0]: soft limit 2 is above hard limit 1",
	"config.json: .mounts[0].destination: must be an absolute path",
	"config.json: .hooks.poststop[0].path: must be an absolute path",
	"config.json: .linux.namespaces[1].type: duplicate namespace \"pid\" "
	"(already at namespaces[0])",
	"config.json: .linux.maskedPaths[0]: must be an absolute path",
	"config.json: .linux.seccomp.defaultErrnoRet: only valid with SCMP_ACT_ERRNO or "
	"SCMP_ACT_TRACE",
	"config.json: .hostname: setting it needs a uts namespace in .linux.namespaces",
};

static void test_reports_every_problem_in_order(void **state)
{
	struct pf_spec *spec = must_parse(many_problems);

	(void)state;
	assert_problems(spec, many_problems_want,
			sizeof(many_problems_want) / sizeof(many_problems_want[0]));
	/* the same again: nothing depends on a previous call */
	assert_problems(spec, many_problems_want,
			sizeof(many_problems_want) / sizeof(many_problems_want[0]));
	pf_spec_free(spec);
}

/* The problems are appended: what the caller already collected is kept. */
static void test_appends_to_the_list(void **state)
{
	struct pf_spec *spec = must_parse(many_problems);
	size_t n = sizeof(many_problems_want) / sizeof(many_problems_want[0]);
	pf_strv out = { 0 };

	(void)state;
	assert_int_equal(pf_strv_push(&out, "earlier"), 0);
	assert_int_equal(pf_spec_validate(spec, &out), (int)n);
	assert_int_equal(out.n, n + 1);
	assert_string_equal(out.v[0], "earlier");
	assert_string_equal(out.v[n], many_problems_want[n - 1]);
	pf_strv_clear(&out);
	assert_null(out.v);
	assert_int_equal(out.n, 0);
	assert_false(out.set);
	pf_spec_free(spec);
}

/* Every problem line is one line, starts with the file name and a JSON path. */
static void test_problem_lines_are_one_line(void **state)
{
	struct pf_spec *spec = must_parse(
		"{\"ociVersion\": \"1.3.0\", \"root\": {\"path\": \"r\"},"
		" \"process\": {\"cwd\": \"/\", \"args\": [\"sh\"], \"env\": [\"A\\nB\"],"
		"  \"capabilities\": {\"bounding\": [\"CAP_\\u001b[31m\"]}},"
		" \"linux\": {\"devices\": ["
		"  {\"type\": \"c\", \"path\": \"/dev/x\\ny\", \"major\": 1, \"minor\": 1},"
		"  {\"type\": \"c\", \"path\": \"/dev/x\\ny\", \"major\": 1, \"minor\": 1}]}}");
	pf_strv out = { 0 };

	(void)state;
	assert_int_equal(pf_spec_validate(spec, &out), 3);
	for (size_t i = 0; i < out.n; i++) {
		assert_null(strchr(out.v[i], '\n'));
		assert_null(strchr(out.v[i], '\x1b'));
		assert_true(strncmp(out.v[i], "config.json: .", 14) == 0);
	}
	assert_string_equal(out.v[2], "config.json: .linux.devices[1].path: \"/dev/x\\x0ay\" is "
				      "already at devices[0]");
	pf_strv_clear(&out);
	pf_spec_free(spec);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_is_clean),
		cmocka_unit_test(test_rootless_default_is_clean),
		cmocka_unit_test(test_defaults_are_deterministic),
		cmocka_unit_test(test_new_spec_needs_a_root),
		cmocka_unit_test(test_reports_every_problem_in_order),
		cmocka_unit_test(test_appends_to_the_list),
		cmocka_unit_test(test_problem_lines_are_one_line),
	};

	return cmocka_run_group_tests_name("validate", tests, NULL, NULL);
}
