/* events: the container's resource usage as runc prints it, one JSON object a line; with
 * --stats once, otherwise every --interval until the container stops. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "runtime/cli.h"
#include "runtime/container.h"

/* The first number in the first of files found in any of the cgroup's directories. */
static bool read_stat(const struct pf_cgroup *cg, const char *const *files, uint64_t *out)
{
	char path[4096], buf[128];

	for (size_t f = 0; files[f]; f++)
		for (size_t i = 0; i < cg->dirs.n; i++) {
			FILE *fp;
			bool ok;

			snprintf(path, sizeof(path), "%s/%s", cg->dirs.v[i], files[f]);
			fp = fopen(path, "re");
			if (!fp)
				continue;
			ok = fgets(buf, sizeof(buf), fp) && sscanf(buf, "%" SCNu64, out) == 1;
			if (!ok && strncmp(buf, "max", 3) == 0) {
				*out = UINT64_MAX;
				ok = true;
			}
			fclose(fp);
			if (ok)
				return true;
		}
	return false;
}

/* v2's cpu.stat: "usage_usec N" on its first line. */
static bool read_cpu_v2(const struct pf_cgroup *cg, uint64_t *ns)
{
	char path[4096];

	for (size_t i = 0; i < cg->dirs.n; i++) {
		uint64_t us;
		FILE *fp;
		int ok;

		snprintf(path, sizeof(path), "%s/cpu.stat", cg->dirs.v[i]);
		if (!(fp = fopen(path, "re")))
			continue;
		ok = fscanf(fp, "usage_usec %" SCNu64, &us) == 1;
		fclose(fp);
		if (ok) {
			*ns = us * 1000;
			return true;
		}
	}
	return false;
}

static void print_stats(const char *id, const struct pf_cgroup *cg)
{
	static const char *const mem_usage[] = { "memory.usage_in_bytes", "memory.current", NULL };
	static const char *const mem_limit[] = { "memory.limit_in_bytes", "memory.max", NULL };
	static const char *const pids[] = { "pids.current", NULL };
	static const char *const cpu[] = { "cpuacct.usage", NULL };
	uint64_t usage = 0, limit = 0, npids = 0, cpu_ns = 0;

	read_stat(cg, mem_usage, &usage);
	read_stat(cg, mem_limit, &limit);
	read_stat(cg, pids, &npids);
	if (!read_stat(cg, cpu, &cpu_ns))
		read_cpu_v2(cg, &cpu_ns);
	printf("{\"type\":\"stats\",\"id\":\"%s\",\"data\":{\"cpu\":{\"usage\":{\"total\":%" PRIu64
	       "}},\"memory\":{\"usage\":{\"usage\":%" PRIu64 ",\"limit\":%" PRIu64
	       "}},\"pids\":{\"current\":%" PRIu64 "}}}\n",
	       id, cpu_ns, usage, limit, npids);
	fflush(stdout);
}

static int parse_interval(const char *s, unsigned *seconds, struct pf_error *err)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (*s < '0' || *s > '9' || (*end && strcmp(end, "s") != 0) || v == 0 || v > 3600)
		return pf_fail(err, EINVAL, "events: --interval \"%s\": seconds from 1 to 3600", s);
	*seconds = (unsigned)v;
	return 0;
}

/* One look at the container: prints its stats; false once it is gone or stopped. */
static bool sample(const struct pf_globals *g, const char *id, struct pf_error *err)
{
	struct pf_store s = { NULL, -1 };
	struct pf_record *r = NULL;
	bool alive = false;

	if (pf_store_open(g->root, id, &s, err) < 0)
		return false;
	if (pf_store_load(&s, &r, err) == 0 && pf_container_status(&s, r) != PF_STOPPED) {
		struct pf_cgroup cg = { r->cgroup_dirs, r->cgroup_created };

		alive = true;
		print_stats(id, &cg);
	}
	pf_record_free(r);
	pf_store_close(&s);
	return alive;
}

int pf_cmd_events(const struct pf_globals *g, int argc, char **argv, struct pf_error *err)
{
	static const struct option opts[] = {
		{ "stats", no_argument, NULL, 's' },
		{ "interval", required_argument, NULL, 'i' },
		{ NULL, 0, NULL, 0 },
	};
	bool once = false;
	unsigned interval = 5;
	int c;

	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		if (c == 's')
			once = true;
		else if (c != 'i' || parse_interval(optarg, &interval, err) < 0)
			return err->msg[0] ? -1 : pf_fail(err, EINVAL, "events: unknown option \"%s\"",
							  argv[optind - 1]);
	}
	if (optind + 1 != argc)
		return pf_fail(err, EINVAL, "events: expected exactly one container ID");
	if (!sample(g, argv[optind], err))
		return err->msg[0] ? -1 : pf_fail(err, EINVAL, "events %s: container not running",
						  argv[optind]);
	while (!once) {
		sleep(interval);
		if (!sample(g, argv[optind], err))
			break;
	}
	return 0;
}
