/* libFuzzer target: pf_parse_user_map (--user-map=C:H:N, also C:H,N). A parse that succeeds
 * gives a count of at least 1 and ranges that end at or below 2^32, and formatting the result
 * back as C:H:N parses to the same map; a failure is -1 with a one-line message and leaves the
 * output untouched. The parse is compared with a second, independent reading of the grammar.
 * Run with `make fuzz`. */
#include <inttypes.h>

#include "tests/fuzz/flagfuzz.h"

#include "bundle/cleanup.h"
#include "compat/pflask.h"

const char fuzz_name[] = "fuzz_usermap";

/* A field of decimal digits only, at most UINT32_MAX; the end of the field in *end. */
static bool ref_number(const char *s, char stop, uint32_t *out, const char **end)
{
	uint64_t v = 0;

	if (*s < '0' || *s > '9')
		return false;
	for (; *s >= '0' && *s <= '9'; s++) {
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > UINT32_MAX)
			return false;
	}
	if (*s != stop)
		return false;
	*out = (uint32_t)v;
	*end = s;
	return true;
}

/* The grammar read a second way: C ':' H (':' or ',') N, digits only. */
static bool ref_parse(const char *s, struct pf_user_map *m)
{
	const char *e;

	if (!ref_number(s, ':', &m->container_id, &e))
		return false;
	s = e + 1;
	if (strchr(s, ':')) {
		if (!ref_number(s, ':', &m->host_id, &e))
			return false;
	} else if (!ref_number(s, ',', &m->host_id, &e)) {
		return false;
	}
	return ref_number(e + 1, '\0', &m->size, &e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_free_ char *arg = fuzz_arg(data, size);
	struct pf_error err = { 0 };
	struct pf_user_map m, untouched, ref, again;
	char text[64];
	bool ref_ok, ref_in_range;
	int rc;

	memset(&m, 0xa5, sizeof(m));
	untouched = m;
	rc = pf_parse_user_map(arg, &m, &err);
	ref_ok = ref_parse(arg, &ref);
	ref_in_range = ref_ok && ref.size > 0 &&
		       (uint64_t)ref.container_id + ref.size <= UINT64_C(1) << 32 &&
		       (uint64_t)ref.host_id + ref.size <= UINT64_C(1) << 32;
	if (rc != 0) {
		fuzz_check_error(rc, &err);
		if (memcmp(&m, &untouched, sizeof(m)) != 0)
			fuzz_fail("failure", "the output was written");
		if (ref_in_range)
			fuzz_fail("rejected a valid map", arg);
		return 0;
	}
	if (!ref_in_range || memcmp(&m, &ref, sizeof(m)) != 0)
		fuzz_fail("accepted differently from the grammar", arg);
	snprintf(text, sizeof(text), "%" PRIu32 ":%" PRIu32 ":%" PRIu32, m.container_id, m.host_id,
		 m.size);
	if (pf_parse_user_map(text, &again, &err) != 0 || memcmp(&m, &again, sizeof(m)) != 0)
		fuzz_fail("round trip", text);
	return 0;
}
