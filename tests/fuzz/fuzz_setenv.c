/* libFuzzer target: pf_parse_setenv (--setenv=NAME=VALUE[,...]). A parse that succeeds appends
 * one NAME=VALUE per comma-separated item after what the list held, each with a non-empty name
 * and no comma, and they join back into the argument; a failure is -1 with a one-line message.
 * Run with `make fuzz`. */
#include "tests/fuzz/flagfuzz.h"

#include "bundle/cleanup.h"
#include "bundle/reflect.h"
#include "bundle/validate.h"
#include "compat/pflask.h"

const char fuzz_name[] = "fuzz_setenv";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_free_ char *arg = fuzz_arg(data, size);
	_cleanup_free_ char *joined = NULL;
	struct pf_error err = { 0 };
	pf_strv env = { 0 };
	size_t items;
	int rc;

	if (pf_strv_push(&env, "KEEP=1") < 0)
		fuzz_fail("push", "out of memory");
	items = fuzz_count(arg, ',') + 1;
	rc = pf_parse_setenv(arg, &env, &err);
	if (env.n < 1 || strcmp(env.v[0], "KEEP=1") != 0)
		fuzz_fail("env", "what the list held was changed");
	if (env.n - 1 > items)
		fuzz_fail("env", "more items than the list has");
	if (rc != 0) {
		fuzz_check_error(rc, &err);
		pf_strv_clear(&env);
		return 0;
	}
	if (env.n - 1 != items)
		fuzz_fail("env", "not one per list item");
	joined = calloc(1, strlen(arg) + 2);
	if (!joined)
		fuzz_fail("calloc", "out of memory");
	for (size_t i = 1; i < env.n; i++) {
		const char *eq = strchr(env.v[i], '=');

		if (!eq || eq == env.v[i] || strchr(env.v[i], ','))
			fuzz_fail("item", env.v[i]);
		if (i > 1)
			strcat(joined, ",");
		strcat(joined, env.v[i]);
	}
	if (strcmp(joined, arg) != 0)
		fuzz_fail("round trip", joined);
	pf_strv_clear(&env);
	return 0;
}
