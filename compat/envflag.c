/* --setenv=NAME=VALUE[,NAME=VALUE...]: split on commas, as the original did (so a value cannot
 * hold a comma). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bundle/cleanup.h"
#include "bundle/reflect.h"
#include "compat/pflask.h"

int pf_parse_setenv(const char *arg, pf_strv *env, struct pf_error *err)
{
	_cleanup_free_ char *copy = strdup(arg);
	char *rest = copy, *item;

	if (!copy)
		return pf_fail_errno(err, ENOMEM, "--setenv");
	while ((item = strsep(&rest, ",")) != NULL) {
		const char *eq = strchr(item, '=');

		if (!eq || eq == item) {
			char q[PF_QUOTE_MAX];

			return pf_fail(err, EINVAL, "%s is not NAME=VALUE",
				       pf_quote(q, sizeof(q), item));
		}
		if (pf_strv_push(env, item) < 0)
			return pf_fail_errno(err, ENOMEM, "--setenv");
	}
	return 0;
}
