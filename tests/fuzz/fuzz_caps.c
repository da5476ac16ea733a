/* libFuzzer target: pf_parse_caps (--caps=LIST). A parse that succeeds appends one normalized
 * item per comma-separated item ("all", "-all", "+CAP_X" or "-CAP_X" naming a capability
 * bundle/names.h knows) after what the list held, parses again to the same items, and
 * pf_capmask_apply keeps within the full set; a failure is -1 with a one-line message.
 * Run with `make fuzz`. */
#include "tests/fuzz/flagfuzz.h"

#include "bundle/cleanup.h"
#include "bundle/names.h"
#include "bundle/reflect.h"
#include "bundle/validate.h"
#include "compat/internal.h"
#include "compat/pflask.h"

const char fuzz_name[] = "fuzz_caps";

static void check_item(const char *it)
{
	if (strcmp(it, "all") == 0 || strcmp(it, "-all") == 0)
		return;
	if ((it[0] != '+' && it[0] != '-') || strncmp(it + 1, "CAP_", 4) != 0 ||
	    pf_capability_number(it + 1) < 0)
		fuzz_fail("item", it);
}

/* The items from index first on, joined with commas. */
static char *join(const pf_strv *v, size_t first)
{
	size_t len = 1;
	char *s, *p;

	for (size_t i = first; i < v->n; i++)
		len += strlen(v->v[i]) + 1;
	s = p = calloc(1, len);
	if (!s)
		fuzz_fail("calloc", "out of memory");
	for (size_t i = first; i < v->n; i++)
		p += sprintf(p, "%s%s", i > first ? "," : "", v->v[i]);
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_free_ char *arg = fuzz_arg(data, size);
	_cleanup_free_ char *joined = NULL;
	struct pf_error err = { 0 };
	pf_strv items = { 0 }, again = { 0 };
	pf_capmask all = pf_capmask_full(), set;
	int rc;

	if (pf_strv_push(&items, "-all") < 0)
		fuzz_fail("push", "out of memory");
	rc = pf_parse_caps(arg, &items, &err);
	if (items.n < 1 || strcmp(items.v[0], "-all") != 0)
		fuzz_fail("items", "what the list held was changed");
	if (items.n - 1 > fuzz_count(arg, ',') + 1)
		fuzz_fail("items", "more items than the list has");
	if (rc != 0) {
		fuzz_check_error(rc, &err);
		pf_strv_clear(&items);
		return 0;
	}
	if (items.n - 1 != fuzz_count(arg, ',') + 1)
		fuzz_fail("items", "not one per list item");
	for (size_t i = 1; i < items.n; i++)
		check_item(items.v[i]);
	joined = join(&items, 1);
	if (pf_parse_caps(joined, &again, &err) != 0 || again.n != items.n - 1)
		fuzz_fail("normalized items do not parse again", joined);
	for (size_t i = 0; i < again.n; i++)
		if (strcmp(again.v[i], items.v[i + 1]) != 0)
			fuzz_fail("normal form is not stable", again.v[i]);
	set = pf_capmask_apply(all, &items);
	if (set & ~all)
		fuzz_fail("apply", "a capability outside the full set");
	pf_strv_clear(&items);
	pf_strv_clear(&again);
	if (items.v || items.n)
		fuzz_fail("clear", "items left");
	return 0;
}
