/* netif: network interfaces for a container, run as an OCI createRuntime hook by any runtime
 * (the state JSON on stdin names the container's process), or by hand with --pid. Every operand
 * is parsed before any is applied, so a typo changes nothing. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "bundle/cleanup.h"
#include "bundle/json.h"
#include "bundle/state.h"
#include "runtime/cli.h"
#include "runtime/netif.h"

static int parse_pid(const char *s, pid_t *pid)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v <= 0 || v > INT_MAX)
		return -1;
	*pid = (pid_t)v;
	return 0;
}

/* The pid of the state JSON a hook gets on stdin. */
static int pid_from_state(pid_t *pid, struct pf_error *err)
{
	_cleanup_free_ char *text = NULL;
	struct pf_state *st;
	size_t len;
	int rc = 0;

	if (pf_file_read("/dev/stdin", &text, &len, err) < 0)
		return pf_error_prefix(err, "netif: the state on stdin");
	st = pf_state_parse(text, len, "state", err);
	if (!st)
		return pf_error_prefix(err, "netif: the state on stdin");
	if (!st->pid.set || st->pid.v <= 0 || st->pid.v > INT_MAX)
		rc = pf_fail(err, EINVAL, "netif: the state on stdin has no pid");
	else
		*pid = (pid_t)st->pid.v;
	pf_state_free(st);
	return rc;
}

/* An operand as the error shows it: as given, unless it would break the line. */
static const char *shown(char *buf, size_t size, const char *spec)
{
	for (const char *p = spec; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return pf_quote(buf, size, spec);
	return spec;
}

int pf_cmd_netif(const struct pf_globals *g, int argc, char **argv, struct pf_error *err)
{
	static const struct option opts[] = {
		{ "pid", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	_cleanup_free_ struct pf_netif *nifs = NULL;
	char q[PF_QUOTE_MAX];
	pid_t pid = 0;
	int c, n;

	(void)g;
	while ((c = getopt_long(argc, argv, "+:", opts, NULL)) != -1) {
		if (c == ':')
			return pf_fail(err, EINVAL, "netif: --pid needs a process id");
		if (c != 'p')
			return pf_fail(err, EINVAL, "netif: unknown option \"%s\"", argv[optind - 1]);
		if (parse_pid(optarg, &pid) < 0)
			return pf_fail(err, EINVAL, "netif: --pid: %s is not a process id",
				       pf_quote(q, sizeof(q), optarg));
	}
	n = argc - optind;
	if (n <= 0)
		return pf_fail(err, EINVAL, "netif: expected lo, veth:OUTSIDE:INSIDE, "
					    "macvlan:MASTER:NAME or ipvlan:MASTER:NAME");
	nifs = calloc((size_t)n, sizeof(*nifs));
	if (!nifs)
		return pf_fail_errno(err, ENOMEM, "netif");
	for (int i = 0; i < n; i++)
		if (pf_netif_parse(argv[optind + i], &nifs[i], err) < 0)
			return pf_error_prefix(err, "netif %s", shown(q, sizeof(q), argv[optind + i]));
	if (!pid && pid_from_state(&pid, err) < 0)
		return -1;
	for (int i = 0; i < n; i++)
		if (pf_netif_apply(pid, &nifs[i], err) < 0)
			return pf_error_prefix(err, "netif %s", shown(q, sizeof(q), argv[optind + i]));
	return 0;
}
