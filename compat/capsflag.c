/* --caps=LIST: comma-separated items applied in order to the full set: "all" (every
 * capability), "-all" (none), "+name" or "name" (add), "-name" (drop). Names are taken in any
 * case, with or without "CAP_", and kept as "+CAP_NAME" / "-CAP_NAME". */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bundle/cleanup.h"
#include "bundle/json.h"
#include "bundle/names.h"
#include "bundle/reflect.h"
#include "compat/internal.h"
#include "compat/pflask.h"

/* The normal form of one item in buf, or -1 with err set. */
static int caps_normalize(const char *item, char *buf, size_t size, struct pf_error *err)
{
	char sign = item[0] == '-' ? '-' : '+', upper[64];
	const char *name = item + (item[0] == '-' || item[0] == '+');
	size_t i;

	if (!*name)
		return pf_fail(err, EINVAL, "empty capability name");
	if (strcasecmp(name, "all") == 0) {
		snprintf(buf, size, "%s", sign == '-' ? "-all" : "all");
		return 0;
	}
	if (strncasecmp(name, "CAP_", 4) == 0)
		name += 4;
	for (i = 0; name[i] && i + 1 < sizeof(upper); i++)
		upper[i] = (char)toupper((unsigned char)name[i]);
	upper[i] = '\0';
	snprintf(buf, size, "%cCAP_%s", sign, upper);
	if (name[i] || pf_capability_number(buf + 1) < 0) {
		char q[PF_QUOTE_MAX];

		return pf_fail(err, EINVAL, "unknown capability %s",
			       pf_quote(q, sizeof(q), item + (item[0] == '-' || item[0] == '+')));
	}
	return 0;
}

int pf_parse_caps(const char *arg, pf_strv *items, struct pf_error *err)
{
	_cleanup_free_ char *copy = strdup(arg);
	char *rest = copy, *item;

	if (!copy)
		return pf_fail_errno(err, ENOMEM, "--caps");
	while ((item = strsep(&rest, ",")) != NULL) {
		char norm[80];

		if (caps_normalize(item, norm, sizeof(norm), err) < 0)
			return -1;
		if (pf_strv_push(items, norm) < 0)
			return pf_fail_errno(err, ENOMEM, "--caps");
	}
	return 0;
}

/* The highest capability of the running kernel; bundle/names.h's table when /proc cannot
 * tell (no /proc in a build chroot). */
static int caps_kernel_last(void)
{
	_cleanup_free_ char *text = NULL;
	struct pf_error ignored;
	size_t len;
	char *end;
	long last;

	if (pf_file_read("/proc/sys/kernel/cap_last_cap", &text, &len, &ignored) < 0)
		return pf_capability_last;
	last = strtol(text, &end, 10);
	if (end == text || last < 0 || last > pf_capability_last)
		return pf_capability_last;
	return (int)last;
}

pf_capmask pf_capmask_full(void)
{
	int last = caps_kernel_last();
	pf_capmask set = 0;

	for (int i = 0; i <= last && i < 64; i++)
		if (pf_capability_names[i])
			set |= (pf_capmask)1 << i;
	return set;
}

/* CapBnd of /proc/self/status: what this process may hand on; everything when unknown. */
pf_capmask pf_capmask_bounding(void)
{
	_cleanup_free_ char *text = NULL;
	struct pf_error ignored;
	unsigned long long v;
	const char *line;
	size_t len;

	if (pf_file_read("/proc/self/status", &text, &len, &ignored) < 0 ||
	    !(line = strstr(text, "\nCapBnd:")) || sscanf(line + 8, "%llx", &v) != 1)
		return ~(pf_capmask)0;
	return (pf_capmask)v;
}

pf_capmask pf_capmask_apply(pf_capmask all, const pf_strv *items)
{
	pf_capmask set = all;

	for (size_t i = 0; i < items->n; i++) {
		const char *it = items->v[i];
		int n;

		if (strcmp(it, "all") == 0) {
			set = all;
			continue;
		}
		if (strcmp(it, "-all") == 0) {
			set = 0;
			continue;
		}
		n = pf_capability_number(it + 1);
		if (n < 0 || n >= 64)
			continue;    /* cannot happen: items were normalized by pf_parse_caps */
		if (it[0] == '-')
			set &= ~((pf_capmask)1 << n);
		else
			set |= (pf_capmask)1 << n;
	}
	/* what cannot be granted is not asked for: a runtime would refuse the whole config */
	return set & all;
}
