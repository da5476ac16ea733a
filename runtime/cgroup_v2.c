/* linux.resources written to the cgroup2 directory: the blocks no v1 hierarchy of the container
 * holds, translated to v2's files as runc and crun translate them (docs/cgroups.md), then the
 * unified map verbatim, then the device program where no v1 devices controller is mounted.
 * What v2 cannot express (swappiness, realtime, disabling the OOM killer) is refused, as crun
 * refuses it, rather than silently dropped. */
#include "runtime/cgroup_resources.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bundle/cleanup.h"
#include "bundle/reflect.h"
#include "bundle/validate.h"
#include "runtime/log.h"

/* ---- conversions ------------------------------------------------------------------------- */

uint64_t pf_cg_shares_to_weight(uint64_t shares)
{
	if (shares == 0)
		return 0;
	if (shares < 2)
		shares = 2;
	if (shares > 262144)
		shares = 262144;
	return 1 + ((shares - 2) * 9999) / 262142;
}

uint64_t pf_cg_blkio_to_io_weight(uint64_t weight)
{
	if (weight == 0)
		return 0;
	if (weight < 10)
		weight = 10;
	if (weight > 1000)
		weight = 1000;
	return 1 + ((weight - 10) * 9999) / 990;
}

int pf_cg_swap_max(const struct pf_memory *m, char *out, size_t size, struct pf_error *err)
{
	int64_t swap = m->swap.v, limit = m->limit.v;

	if (swap <= 0) {
		snprintf(out, size, "%s", swap < 0 ? "max" : "0");
		return 0;
	}
	if (!m->limit.set || limit < 0)
		return pf_fail(err, EINVAL, "linux.resources.memory.swap: a swap limit needs a memory "
			       "limit on cgroup v2 (swap counts memory+swap)");
	if (swap < limit)
		return pf_fail(err, EINVAL, "linux.resources.memory.swap: %" PRId64 " is below the "
			       "memory limit %" PRId64 " (swap counts memory+swap)", swap, limit);
	snprintf(out, size, "%" PRId64, swap - limit);
	return 0;
}

int pf_cg_cpu_max(const struct pf_cpu *c, char *out, size_t size)
{
	bool quota = c->quota.set && c->quota.v != 0, period = c->period.set && c->period.v != 0;

	if (!quota && !period)
		return 0;
	if (quota && c->quota.v > 0)
		snprintf(out, size, "%" PRId64 " %" PRIu64, c->quota.v, period ? c->period.v : 100000);
	else if (period)
		snprintf(out, size, "max %" PRIu64, c->period.v);
	else
		snprintf(out, size, "max");
	return 1;
}

struct io_dev {
	int64_t major, minor;
	const pf_uint *rate[4]; /* rbps wbps riops wiops */
};

static struct io_dev *io_dev_of(struct io_dev *devs, size_t *n, int64_t major, int64_t minor)
{
	for (size_t i = 0; i < *n; i++)
		if (devs[i].major == major && devs[i].minor == minor)
			return &devs[i];
	devs[*n] = (struct io_dev){ major, minor, { NULL } };
	return &devs[(*n)++];
}

int pf_cg_io_max_lines(const struct pf_block_io *b, pf_strv *lines, struct pf_error *err)
{
	static const char *const keys[4] = { "rbps", "wbps", "riops", "wiops" };
	const pf_throttle_devices *lists[4] = { &b->throttle_read_bps_device,
						&b->throttle_write_bps_device,
						&b->throttle_read_iops_device,
						&b->throttle_write_iops_device };
	size_t total = 0, n = 0;
	_cleanup_free_ struct io_dev *devs = NULL;

	for (int k = 0; k < 4; k++)
		total += lists[k]->n;
	if (!total)
		return 0;
	devs = calloc(total, sizeof(*devs));
	if (!devs)
		return pf_fail_errno(err, ENOMEM, "linux.resources.blockIO");
	for (int k = 0; k < 4; k++)
		for (size_t i = 0; i < lists[k]->n; i++) {
			const struct pf_throttle_device *t = &lists[k]->v[i];

			io_dev_of(devs, &n, t->major.v, t->minor.v)->rate[k] = &t->rate;
		}
	for (size_t i = 0; i < n; i++) {
		char line[256];
		int o = snprintf(line, sizeof(line), "%" PRId64 ":%" PRId64, devs[i].major,
				 devs[i].minor);

		for (int k = 0; k < 4; k++)
			if (devs[i].rate[k])
				o += snprintf(line + o, sizeof(line) - (size_t)o, " %s=%" PRIu64, keys[k],
					      devs[i].rate[k]->v);
		if (pf_strv_push(lines, line) < 0)
			return pf_fail_errno(err, ENOMEM, "linux.resources.blockIO");
	}
	return 0;
}

int pf_cg_rdma_line(const char *dev, const struct pf_rdma *r, char *out, size_t size)
{
	char h[24] = "max", o[24] = "max";
	int n;

	if (r->hca_handles.set)
		snprintf(h, sizeof(h), "%" PRIu64, r->hca_handles.v);
	if (r->hca_objects.set)
		snprintf(o, sizeof(o), "%" PRIu64, r->hca_objects.v);
	n = snprintf(out, size, "%s hca_handle=%s hca_object=%s", dev, h, o);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

/* ---- enabling controllers ---------------------------------------------------------------- */

/* "+ctrl" in dir's cgroup.subtree_control, unless already there (a delegated tree may have it
 * enabled for us without letting us write the file). */
static int enable_in(const char *dir, const char *ctrl, struct pf_error *err)
{
	_cleanup_free_ char *on = NULL;
	char word[72];

	if (pf_cg_read(dir, "cgroup.subtree_control", &on, err) < 0)
		return -1;
	if (pf_cg_has_word(on, ctrl))
		return 0;
	snprintf(word, sizeof(word), "+%s", ctrl);
	return pf_cg_write(dir, "cgroup.subtree_control", word, err);
}

int pf_cg_v2_enable(const struct pf_cg_layout *L, const pf_strv *ctrls, struct pf_error *err)
{
	size_t top = strlen(L->v2_top);
	char path[PATH_MAX];

	if (snprintf(path, sizeof(path), "%s", L->v2) >= (int)sizeof(path))
		return pf_fail(err, ENAMETOOLONG, "cgroup: %s: path too long", L->v2);
	if (!ctrls->n || strncmp(path, L->v2_top, top) != 0 || path[top] != '/')
		return 0;
	/* each level from the top down to the container's parent: a group is offered a
	 * controller only when its parent enables it for its children */
	for (char *p = path + top; p;) {
		*p = '\0';
		for (size_t i = 0; i < ctrls->n; i++)
			if (enable_in(path, ctrls->v[i], err) < 0)
				return -1;
		*p = '/';
		p = strchr(p + 1, '/');
	}
	return 0;
}

/* ---- writers ----------------------------------------------------------------------------- */

static int max_or(const char *dir, const char *file, int64_t v, struct pf_error *err)
{
	return v < 0 ? pf_cg_write(dir, file, "max", err)
		     : pf_cg_writef(dir, file, err, "%" PRId64, v);
}

static int unsupported(const char *what, struct pf_error *err)
{
	return pf_fail(err, EOPNOTSUPP, "linux.resources.%s: not supported on cgroup v2", what);
}

static int memory(const char *dir, const struct pf_memory *m, struct pf_error *err)
{
	if (m->swappiness.set)
		return unsupported("memory.swappiness", err);
	if (m->disable_oom_killer.set && m->disable_oom_killer.v)
		return unsupported("memory.disableOOMKiller", err);
	if (m->use_hierarchy.set && !m->use_hierarchy.v)
		return pf_fail(err, EOPNOTSUPP, "linux.resources.memory.useHierarchy: false is not "
			       "supported on cgroup v2 (always hierarchical)");
	if (m->kernel.set || m->kernel_tcp.set)
		pf_log_debug("cgroup v2 has no kernel memory limits: memory.kernel and "
			     "memory.kernelTCP ignored");
	if (m->swap.set) {
		char swap[32];

		if (pf_cg_swap_max(m, swap, sizeof(swap), err) < 0)
			return -1;
		/* no file without swap accounting: "max" and "0" are then what it is anyway */
		if (pf_cg_write(dir, "memory.swap.max", swap, err) < 0 &&
		    (err->err != ENOENT || (strcmp(swap, "max") && strcmp(swap, "0"))))
			return -1;
	}
	if (m->limit.set && max_or(dir, "memory.max", m->limit.v, err) < 0)
		return -1;
	if (m->reservation.set && max_or(dir, "memory.low", m->reservation.v, err) < 0)
		return -1;
	return 0;
}

/* The burst must not exceed the quota: cpu.max first. */
static int cpu(const char *dir, const struct pf_cpu *c, struct pf_error *err)
{
	char max[64];

	if (c->realtime_runtime.set || c->realtime_period.set)
		return unsupported("cpu.realtimeRuntime and realtimePeriod", err);
	if (c->shares.set && c->shares.v &&
	    pf_cg_writef(dir, "cpu.weight", err, "%" PRIu64, pf_cg_shares_to_weight(c->shares.v)) < 0)
		return -1;
	if (pf_cg_cpu_max(c, max, sizeof(max)) && pf_cg_write(dir, "cpu.max", max, err) < 0)
		return -1;
	if (c->burst.set && pf_cg_writef(dir, "cpu.max.burst", err, "%" PRIu64, c->burst.v) < 0)
		return -1;
	if (c->idle.set && pf_cg_writef(dir, "cpu.idle", err, "%" PRId64, c->idle.v) < 0)
		return -1;
	return 0;
}

static int cpuset(const char *dir, const struct pf_cpu *c, struct pf_error *err)
{
	if (c->cpus && pf_cg_write(dir, "cpuset.cpus", c->cpus, err) < 0)
		return -1;
	if (c->mems && pf_cg_write(dir, "cpuset.mems", c->mems, err) < 0)
		return -1;
	return 0;
}

/* BFQ's io.bfq.weight takes blkio's own scale (and per-device lines); io.weight, the
 * fallback, takes [1, 10000]. */
static int io_weights(const char *dir, const struct pf_block_io *b, struct pf_error *err)
{
	bool bfq = pf_cg_exists(dir, "io.bfq.weight");
	const char *file = bfq ? "io.bfq.weight" : "io.weight";

	if (b->leaf_weight.set)
		return unsupported("blockIO.leafWeight", err);
	if (b->weight.set && b->weight.v &&
	    pf_cg_writef(dir, file, err, "%" PRIu64,
			 bfq ? b->weight.v : pf_cg_blkio_to_io_weight(b->weight.v)) < 0)
		return -1;
	for (size_t i = 0; i < b->weight_device.n; i++) {
		const struct pf_weight_device *w = &b->weight_device.v[i];

		if (w->leaf_weight.set)
			pf_log_debug("cgroup v2: blockIO.weightDevice[%zu].leafWeight ignored", i);
		if (w->weight.set &&
		    pf_cg_writef(dir, file, err, "%" PRId64 ":%" PRId64 " %" PRIu64, w->major.v,
				 w->minor.v, bfq ? w->weight.v : pf_cg_blkio_to_io_weight(w->weight.v)) < 0)
			return -1;
	}
	return 0;
}

static int io(const char *dir, const struct pf_block_io *b, struct pf_error *err)
{
	pf_strv lines = { 0 };
	int rc = 0;

	if (io_weights(dir, b, err) < 0 || pf_cg_io_max_lines(b, &lines, err) < 0)
		rc = -1;
	for (size_t i = 0; i < lines.n && rc == 0; i++)
		rc = pf_cg_write(dir, "io.max", lines.v[i], err);
	pf_strv_clear(&lines);
	return rc;
}

/* A file of a controller this group was not given reads as missing: say which. */
static void unified_missing(const char *dir, const char *key, struct pf_error *err)
{
	_cleanup_free_ char *have = NULL;
	struct pf_error ignored;
	char ctrl[64];
	size_t len = strcspn(key, ".");

	if (!key[len] || len >= sizeof(ctrl) || strncmp(key, "cgroup.", 7) == 0 ||
	    pf_cg_read(dir, "cgroup.controllers", &have, &ignored) < 0)
		return;
	memcpy(ctrl, key, len);
	ctrl[len] = '\0';
	if (!pf_cg_has_word(have, ctrl)) {
		char q[PF_QUOTE_MAX];

		pf_fail(err, ENODEV, "linux.resources.unified: %s: no %s controller in cgroup v2 "
			"on this host", pf_quote(q, sizeof(q), key), ctrl);
	}
}

/* Each line of a value is one write, as crun does (io.max takes one device a write). Empty
 * values are skipped. */
static int unified(const char *dir, const pf_strmap *u, struct pf_error *err)
{
	for (size_t i = 0; i < u->n; i++) {
		_cleanup_free_ char *value = strdup(u->v[i] ? u->v[i] : "");
		char *save = NULL;

		if (!value)
			return pf_fail_errno(err, ENOMEM, "linux.resources.unified");
		for (char *line = strtok_r(value, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save)) {
			if (pf_cg_write(dir, u->keys[i], line, err) == 0)
				continue;
			if (err->err == ENOENT)
				unified_missing(dir, u->keys[i], err);
			return -1;
		}
	}
	return 0;
}

static int devices(const char *dir, const struct pf_resources *r, struct pf_error *err)
{
	_cleanup_free_ struct pf_dev_rule *rules = NULL;
	size_t n = 0;

	if (pf_dev_rules(r, &rules, &n, err) < 0)
		return -1;
	if (pf_devices_bpf_apply(dir, rules, n, err) == 0)
		return 0;
	/* an unprivileged runtime in a delegated cgroup cannot load BPF: like crun it goes on
	 * without the device filter, unless the config asks for rules */
	if ((err->err == EPERM || err->err == EACCES) && geteuid() != 0 && !r->devices.n) {
		pf_log_debug("%s: no device filter", err->msg);
		return 0;
	}
	return -1;
}

int pf_cg_v2_devices(const struct pf_cg_layout *L, const struct pf_resources *r,
		     struct pf_error *err)
{
	return L->v2 && !L->v1[PF_CTRL_DEVICES] ? devices(L->v2, r, err) : 0;
}

int pf_cg_v2_apply(const struct pf_cg_layout *L, const struct pf_resources *r, bool with_devices,
		   struct pf_error *err)
{
	const char *dir = L->v2;
	const char *const *v1 = L->v1;

	if (r->memory && !v1[PF_CTRL_MEMORY] && memory(dir, r->memory, err) < 0)
		return -1;
	if (r->cpu && !v1[PF_CTRL_CPU] && cpu(dir, r->cpu, err) < 0)
		return -1;
	if (r->cpu && !v1[PF_CTRL_CPUSET] && cpuset(dir, r->cpu, err) < 0)
		return -1;
	if (r->pids && r->pids->limit.set && !v1[PF_CTRL_PIDS] &&
	    max_or(dir, "pids.max", r->pids->limit.v, err) < 0)
		return -1;
	if (r->block_io && !v1[PF_CTRL_BLKIO] && io(dir, r->block_io, err) < 0)
		return -1;
	if (!v1[PF_CTRL_HUGETLB] && pf_cg_hugetlb(dir, r, "max", err) < 0)
		return -1;
	if (!v1[PF_CTRL_RDMA] && pf_cg_rdma(dir, r, err) < 0)
		return -1;
	/* after the blocks, so that a unified key overrides what they wrote to the same file */
	if (unified(dir, &r->unified, err) < 0)
		return -1;
	return with_devices ? pf_cg_v2_devices(L, r, err) : 0;
}
