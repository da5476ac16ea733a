/* update: new resource limits for a running container (runc's flags, or --resources JSON). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle/cleanup.h"
#include "bundle/config.h"
#include "bundle/json.h"
#include "runtime/cgroup.h"
#include "runtime/cli.h"
#include "runtime/container.h"

enum { OPT_RESOURCES = 256, OPT_MEMORY, OPT_MEM_RES, OPT_MEM_SWAP, OPT_SHARES, OPT_QUOTA,
       OPT_PERIOD, OPT_RT_RUNTIME, OPT_RT_PERIOD, OPT_CPUS, OPT_MEMS, OPT_PIDS, OPT_BLKIO };

/* "512m", "1G", "-1": bytes (runc accepts these suffixes, powers of 1024). */
static int parse_size(const char *flag, const char *s, int64_t *out, struct pf_error *err)
{
	char *end;
	long long v;
	int shift = 0;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (end != s && *end && !end[1])
		shift = strchr("kK", *end) ? 10 : strchr("mM", *end) ? 20 : strchr("gG", *end) ? 30 : -1;
	if (errno || end == s || shift < 0 || (*end && end[1]) || (shift && v < 0) ||
	    (shift && v > (INT64_MAX >> shift)))
		return pf_fail(err, EINVAL, "update: --%s \"%s\": not a size", flag, s);
	*out = v * ((int64_t)1 << shift);
	return 0;
}

static struct pf_memory *memory_of(struct pf_resources *r)
{
	if (!r->memory)
		r->memory = calloc(1, sizeof(*r->memory));
	return r->memory;
}

static struct pf_cpu *cpu_of(struct pf_resources *r)
{
	if (!r->cpu)
		r->cpu = calloc(1, sizeof(*r->cpu));
	return r->cpu;
}

static int set_flag(struct pf_resources *r, int opt, const char *name, const char *arg,
		    struct pf_error *err)
{
	int64_t v = 0;
	bool text = opt == OPT_CPUS || opt == OPT_MEMS;

	if (!text && parse_size(name, arg, &v, err) < 0)
		return -1;
	if ((opt <= OPT_MEM_SWAP && !memory_of(r)) || (opt >= OPT_SHARES && opt <= OPT_MEMS && !cpu_of(r)))
		return pf_fail_errno(err, ENOMEM, "update");
	switch (opt) {
	case OPT_MEMORY: r->memory->limit = (pf_int){ true, v }; break;
	case OPT_MEM_RES: r->memory->reservation = (pf_int){ true, v }; break;
	case OPT_MEM_SWAP: r->memory->swap = (pf_int){ true, v }; break;
	case OPT_SHARES: r->cpu->shares = (pf_uint){ true, (uint64_t)v }; break;
	case OPT_QUOTA: r->cpu->quota = (pf_int){ true, v }; break;
	case OPT_PERIOD: r->cpu->period = (pf_uint){ true, (uint64_t)v }; break;
	case OPT_RT_RUNTIME: r->cpu->realtime_runtime = (pf_int){ true, v }; break;
	case OPT_RT_PERIOD: r->cpu->realtime_period = (pf_uint){ true, (uint64_t)v }; break;
	case OPT_CPUS: free(r->cpu->cpus); r->cpu->cpus = strdup(arg); break;
	case OPT_MEMS: free(r->cpu->mems); r->cpu->mems = strdup(arg); break;
	case OPT_PIDS:
		if (!r->pids && !(r->pids = calloc(1, sizeof(*r->pids))))
			return pf_fail_errno(err, ENOMEM, "update");
		r->pids->limit = (pf_int){ true, v };
		break;
	case OPT_BLKIO:
		if (!r->block_io && !(r->block_io = calloc(1, sizeof(*r->block_io))))
			return pf_fail_errno(err, ENOMEM, "update");
		r->block_io->weight = (pf_uint){ true, (uint64_t)v };
		break;
	}
	return 0;
}

static struct pf_resources *load_resources(const char *path, struct pf_error *err)
{
	_cleanup_free_ char *text = NULL;
	size_t len;

	if (pf_file_read(strcmp(path, "-") == 0 ? "/dev/stdin" : path, &text, &len, err) < 0)
		return NULL;
	return pf_resources_parse(text, len, "--resources", err);
}

static int parse_update(int argc, char **argv, struct pf_resources **r, struct pf_error *err)
{
	static const struct option opts[] = {
		{ "resources", required_argument, NULL, OPT_RESOURCES },
		{ "memory", required_argument, NULL, OPT_MEMORY },
		{ "memory-reservation", required_argument, NULL, OPT_MEM_RES },
		{ "memory-swap", required_argument, NULL, OPT_MEM_SWAP },
		{ "cpu-share", required_argument, NULL, OPT_SHARES },
		{ "cpu-quota", required_argument, NULL, OPT_QUOTA },
		{ "cpu-period", required_argument, NULL, OPT_PERIOD },
		{ "cpu-rt-runtime", required_argument, NULL, OPT_RT_RUNTIME },
		{ "cpu-rt-period", required_argument, NULL, OPT_RT_PERIOD },
		{ "cpuset-cpus", required_argument, NULL, OPT_CPUS },
		{ "cpuset-mems", required_argument, NULL, OPT_MEMS },
		{ "pids-limit", required_argument, NULL, OPT_PIDS },
		{ "blkio-weight", required_argument, NULL, OPT_BLKIO },
		{ NULL, 0, NULL, 0 },
	};
	int c, index;

	while ((c = getopt_long(argc, argv, "+r:", opts, &index)) != -1) {
		if (c == OPT_RESOURCES || c == 'r') {
			pf_resources_free(*r);
			if (!(*r = load_resources(optarg, err)))
				return -1;
		} else if (c >= OPT_MEMORY && c <= OPT_BLKIO) {
			if (set_flag(*r, c, opts[index].name, optarg, err) < 0)
				return -1;
		} else {
			return pf_fail(err, EINVAL, "update: unknown option \"%s\"", argv[optind - 1]);
		}
	}
	if (optind + 1 != argc)
		return pf_fail(err, EINVAL, "update: expected exactly one container ID");
	return optind;
}

int pf_cmd_update(const struct pf_globals *g, int argc, char **argv, struct pf_error *err)
{
	struct pf_resources *r = calloc(1, sizeof(*r));
	struct pf_store s = { NULL, -1 };
	struct pf_record *rec = NULL;
	int at, rc = -1;

	if (!r)
		return pf_fail_errno(err, ENOMEM, "update");
	at = parse_update(argc, argv, &r, err);
	if (at >= 0 && pf_store_open(g->root, argv[at], &s, err) == 0) {
		if (pf_store_load(&s, &rec, err) == 0) {
			struct pf_cgroup cg = { rec->cgroup_dirs, rec->cgroup_created };

			if (pf_container_status(&s, rec) == PF_STOPPED)
				pf_fail(err, EINVAL, "container not running");
			else
				rc = pf_cgroup_update_resources(&cg, r, err);
			if (rc < 0)
				pf_error_prefix(err, "update %s", argv[at]);
		}
		pf_store_close(&s);
	}
	pf_record_free(rec);
	pf_resources_free(r);
	return rc;
}
