/* --user-map=CONTAINER_ID:HOST_ID:COUNT. The manual's own example writes the last separator
 * as a comma (--user-map=0:100000,65536), so both are taken there. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bundle/cleanup.h"
#include "compat/internal.h"
#include "compat/pflask.h"

#define USERMAP_USAGE "expected CONTAINER_ID:HOST_ID:COUNT (three numbers)"

/* A decimal number filling the whole field, at most UINT32_MAX. */
static bool usermap_number(const char *s, uint32_t *out)
{
	unsigned long long v;
	char *end;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v > UINT32_MAX)
		return false;
	*out = (uint32_t)v;
	return true;
}

int pf_parse_user_map(const char *arg, struct pf_user_map *out, struct pf_error *err)
{
	_cleanup_free_ char *copy = NULL;
	struct pf_user_map m;
	char *f[4], *comma;
	int n;

	n = pf_split_fields(arg, ':', &copy, f, 4);
	if (n < 0)
		return pf_fail_errno(err, ENOMEM, "--user-map");
	/* C:H,N: the count after a comma in the second field */
	if (n == 2 && (comma = strchr(f[1], ',')) != NULL) {
		*comma = '\0';
		f[2] = comma + 1;
		n = 3;
	}
	if (n != 3 || !usermap_number(f[0], &m.container_id) ||
	    !usermap_number(f[1], &m.host_id) || !usermap_number(f[2], &m.size))
		return pf_fail(err, EINVAL, USERMAP_USAGE);
	if (m.size == 0)
		return pf_fail(err, EINVAL, "the count must be at least 1");
	if ((uint64_t)m.container_id + m.size > 1ull << 32 ||
	    (uint64_t)m.host_id + m.size > 1ull << 32)
		return pf_fail(err, EINVAL, "the range goes past the largest id 4294967295");
	*out = m;
	return 0;
}
