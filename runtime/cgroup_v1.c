/* linux.resources written to v1 controllers: each block whose controller a v1 hierarchy of the
 * container holds (cgroup_resources.c decided that). v1 files take the OCI values as they are,
 * -1 included; only the choice of file depends on the kernel (CFQ's blkio.weight or BFQ's
 * blkio.bfq.weight, the kmem files of older kernels). */
#include "runtime/cgroup_resources.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/log.h"

/* The first of two names that exists; the first when neither does, so the error names it. */
static const char *either(const char *dir, const char *a, const char *b)
{
	return pf_cg_exists(dir, a) || !pf_cg_exists(dir, b) ? a : b;
}

/* kmem limits: Linux 5.16 stopped enforcing them and later kernels drop the files; ignored
 * then, as runc ignores them. */
static int kmem(const char *dir, const char *file, const pf_int *v, struct pf_error *err)
{
	if (!v->set)
		return 0;
	if (!pf_cg_exists(dir, file)) {
		pf_log_debug("cgroup: no %s in %s: kernel memory limit ignored", file, dir);
		return 0;
	}
	if (pf_cg_writef(dir, file, err, "%" PRId64, v->v) == 0)
		return 0;
	if (err->err != EOPNOTSUPP)
		return -1;
	pf_log_debug("%s: ignored", err->msg);
	return 0;
}

/* The memsw limit (memory+swap) must stay at or above the memory limit at every step: when
 * the memory limit is refused (EINVAL) memsw goes first. memsw is missing when the kernel does
 * not account swap: an unlimited swap (-1) is then what there is, any other is an error (as in
 * runc, and as on cgroup v2). */
static int memory_limits(const char *dir, const struct pf_memory *m, struct pf_error *err)
{
	bool limit_done = false;

	if (m->limit.set) {
		if (pf_cg_writef(dir, "memory.limit_in_bytes", err, "%" PRId64, m->limit.v) == 0)
			limit_done = true;
		else if (err->err != EINVAL || !m->swap.set)
			return -1;
	}
	if (m->swap.set) {
		if (m->swap.v < 0 && !pf_cg_exists(dir, "memory.memsw.limit_in_bytes"))
			pf_log_debug("cgroup: no swap accounting in %s: unlimited swap", dir);
		else if (pf_cg_writef(dir, "memory.memsw.limit_in_bytes", err, "%" PRId64,
				      m->swap.v) < 0)
			return -1;
	}
	if (m->limit.set && !limit_done &&
	    pf_cg_writef(dir, "memory.limit_in_bytes", err, "%" PRId64, m->limit.v) < 0)
		return -1;
	return 0;
}

static int memory(const char *dir, const struct pf_memory *m, struct pf_error *err)
{
	if (memory_limits(dir, m, err) < 0)
		return -1;
	if (m->reservation.set && pf_cg_writef(dir, "memory.soft_limit_in_bytes", err,
					       "%" PRId64, m->reservation.v) < 0)
		return -1;
	if (kmem(dir, "memory.kmem.limit_in_bytes", &m->kernel, err) < 0 ||
	    kmem(dir, "memory.kmem.tcp.limit_in_bytes", &m->kernel_tcp, err) < 0)
		return -1;
	if (m->swappiness.set &&
	    pf_cg_writef(dir, "memory.swappiness", err, "%" PRIu64, m->swappiness.v) < 0)
		return -1;
	if (m->disable_oom_killer.set && m->disable_oom_killer.v &&
	    pf_cg_write(dir, "memory.oom_control", "1", err) < 0)
		return -1;
	/* Linux 5.16 and later accept only 1: the hierarchy is always on */
	if (m->use_hierarchy.set &&
	    pf_cg_write(dir, "memory.use_hierarchy", m->use_hierarchy.v ? "1" : "0", err) < 0)
		return -1;
	return 0;
}

/* Zero shares, quota and period mean "unset", as in runc and crun. A new period below the old
 * one can be refused while the old quota stands (EINVAL): it is written again after the
 * quota. The burst must not exceed the quota, so it comes after it. */
static int cpu(const char *dir, const struct pf_cpu *c, struct pf_error *err)
{
	bool period_again = false;

	if (c->period.set && c->period.v &&
	    pf_cg_writef(dir, "cpu.cfs_period_us", err, "%" PRIu64, c->period.v) < 0) {
		if (err->err != EINVAL || !c->quota.set || !c->quota.v)
			return -1;
		period_again = true;
	}
	if (c->quota.set && c->quota.v &&
	    pf_cg_writef(dir, "cpu.cfs_quota_us", err, "%" PRId64, c->quota.v) < 0)
		return -1;
	if (period_again &&
	    pf_cg_writef(dir, "cpu.cfs_period_us", err, "%" PRIu64, c->period.v) < 0)
		return -1;
	if (c->burst.set && pf_cg_writef(dir, "cpu.cfs_burst_us", err, "%" PRIu64, c->burst.v) < 0)
		return -1;
	if (c->shares.set && c->shares.v &&
	    pf_cg_writef(dir, "cpu.shares", err, "%" PRIu64, c->shares.v) < 0)
		return -1;
	/* the runtime must fit in the period: period first */
	if (c->realtime_period.set && pf_cg_writef(dir, "cpu.rt_period_us", err, "%" PRIu64,
						   c->realtime_period.v) < 0)
		return -1;
	if (c->realtime_runtime.set && pf_cg_writef(dir, "cpu.rt_runtime_us", err, "%" PRId64,
						    c->realtime_runtime.v) < 0)
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

static int throttle(const char *dir, const char *file, const pf_throttle_devices *v,
		    struct pf_error *err)
{
	for (size_t i = 0; i < v->n; i++)
		if (pf_cg_writef(dir, file, err, "%" PRId64 ":%" PRId64 " %" PRIu64, v->v[i].major.v,
				 v->v[i].minor.v, v->v[i].rate.v) < 0)
			return -1;
	return 0;
}

/* CFQ (gone in Linux 5.0) had blkio.weight; BFQ has blkio.bfq.weight, in the same range. */
static int blkio_weights(const char *dir, const struct pf_block_io *b, struct pf_error *err)
{
	const char *wdev = either(dir, "blkio.weight_device", "blkio.bfq.weight_device");
	const char *ldev = either(dir, "blkio.leaf_weight_device", "blkio.bfq.leaf_weight_device");

	if (b->weight.set && pf_cg_writef(dir, either(dir, "blkio.weight", "blkio.bfq.weight"),
					  err, "%" PRIu64, b->weight.v) < 0)
		return -1;
	if (b->leaf_weight.set &&
	    pf_cg_writef(dir, either(dir, "blkio.leaf_weight", "blkio.bfq.leaf_weight"), err,
			 "%" PRIu64, b->leaf_weight.v) < 0)
		return -1;
	for (size_t i = 0; i < b->weight_device.n; i++) {
		const struct pf_weight_device *w = &b->weight_device.v[i];

		if (w->weight.set && pf_cg_writef(dir, wdev, err, "%" PRId64 ":%" PRId64 " %" PRIu64,
						  w->major.v, w->minor.v, w->weight.v) < 0)
			return -1;
		if (w->leaf_weight.set &&
		    pf_cg_writef(dir, ldev, err, "%" PRId64 ":%" PRId64 " %" PRIu64, w->major.v,
				 w->minor.v, w->leaf_weight.v) < 0)
			return -1;
	}
	return 0;
}

static int blkio(const char *dir, const struct pf_block_io *b, struct pf_error *err)
{
	if (blkio_weights(dir, b, err) < 0 ||
	    throttle(dir, "blkio.throttle.read_bps_device", &b->throttle_read_bps_device, err) < 0 ||
	    throttle(dir, "blkio.throttle.write_bps_device", &b->throttle_write_bps_device, err) < 0 ||
	    throttle(dir, "blkio.throttle.read_iops_device", &b->throttle_read_iops_device, err) < 0 ||
	    throttle(dir, "blkio.throttle.write_iops_device", &b->throttle_write_iops_device, err) < 0)
		return -1;
	return 0;
}

static int net_prio(const char *dir, const struct pf_network *n, struct pf_error *err)
{
	for (size_t i = 0; i < n->priorities.n; i++) {
		const struct pf_net_priority *p = &n->priorities.v[i];

		if (pf_cg_writef(dir, "net_prio.ifpriomap", err, "%s %" PRIu64, p->name ? p->name : "",
				 p->priority.v) < 0)
			return -1;
	}
	return 0;
}

/* Deny everything, then each rule in order: the kernel's list then follows the rules with the
 * last one deciding, except that a deny takes back only an allow of exactly the same
 * type:major:minor (v1 keeps no exception within an exception). */
static int devices(const char *dir, const struct pf_resources *r, struct pf_error *err)
{
	struct pf_dev_rule *rules = NULL;
	size_t n = 0;
	int rc = 0;

	if (pf_dev_rules(r, &rules, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n && rc == 0; i++) {
		char lines[2][64];
		int k = pf_dev_rule_v1(&rules[i], lines);

		for (int j = 0; j < k && rc == 0; j++)
			rc = pf_cg_write(dir, rules[i].allow ? "devices.allow" : "devices.deny",
					 lines[j], err);
	}
	free(rules);
	return rc;
}

static void dev_num(char *buf, size_t size, int64_t v)
{
	if (v == PF_DEV_ANY)
		snprintf(buf, size, "*");
	else
		snprintf(buf, size, "%" PRId64, v);
}

int pf_dev_rule_v1(const struct pf_dev_rule *d, char lines[2][64])
{
	char major[24], minor[24], acc[4];
	size_t a = 0;

	if (d->type == 'a' && d->major == PF_DEV_ANY && d->minor == PF_DEV_ANY &&
	    d->access == PF_DEV_RWM) {
		snprintf(lines[0], 64, "a");
		return 1;
	}
	dev_num(major, sizeof(major), d->major);
	dev_num(minor, sizeof(minor), d->minor);
	if (d->access & PF_DEV_READ)
		acc[a++] = 'r';
	if (d->access & PF_DEV_WRITE)
		acc[a++] = 'w';
	if (d->access & PF_DEV_MKNOD)
		acc[a++] = 'm';
	acc[a] = '\0';
	if (d->type != 'a') {
		snprintf(lines[0], 64, "%c %s:%s %s", d->type, major, minor, acc);
		return 1;
	}
	snprintf(lines[0], 64, "c %s:%s %s", major, minor, acc);
	snprintf(lines[1], 64, "b %s:%s %s", major, minor, acc);
	return 2;
}

static int pids(const char *dir, const struct pf_pids *p, struct pf_error *err)
{
	if (p->limit.v < 0)
		return pf_cg_write(dir, "pids.max", "max", err);
	return pf_cg_writef(dir, "pids.max", err, "%" PRId64, p->limit.v);
}

int pf_cg_v1_apply(const struct pf_cg_layout *L, const struct pf_resources *r, bool with_devices,
		   struct pf_error *err)
{
	const char *const *d = L->v1;
	const struct pf_network *net = r->network;

	if (r->memory && d[PF_CTRL_MEMORY] && memory(d[PF_CTRL_MEMORY], r->memory, err) < 0)
		return -1;
	if (r->cpu && d[PF_CTRL_CPU] && cpu(d[PF_CTRL_CPU], r->cpu, err) < 0)
		return -1;
	if (r->cpu && d[PF_CTRL_CPUSET] && cpuset(d[PF_CTRL_CPUSET], r->cpu, err) < 0)
		return -1;
	if (r->pids && r->pids->limit.set && d[PF_CTRL_PIDS] && pids(d[PF_CTRL_PIDS], r->pids, err) < 0)
		return -1;
	if (r->block_io && d[PF_CTRL_BLKIO] && blkio(d[PF_CTRL_BLKIO], r->block_io, err) < 0)
		return -1;
	if (d[PF_CTRL_HUGETLB] && pf_cg_hugetlb(d[PF_CTRL_HUGETLB], r, "limit_in_bytes", err) < 0)
		return -1;
	if (net && net->class_id.set && d[PF_CTRL_NET_CLS] &&
	    pf_cg_writef(d[PF_CTRL_NET_CLS], "net_cls.classid", err, "%" PRIu64, net->class_id.v) < 0)
		return -1;
	if (net && d[PF_CTRL_NET_PRIO] && net_prio(d[PF_CTRL_NET_PRIO], net, err) < 0)
		return -1;
	if (d[PF_CTRL_RDMA] && pf_cg_rdma(d[PF_CTRL_RDMA], r, err) < 0)
		return -1;
	if (with_devices && d[PF_CTRL_DEVICES] && devices(d[PF_CTRL_DEVICES], r, err) < 0)
		return -1;
	return 0;
}
