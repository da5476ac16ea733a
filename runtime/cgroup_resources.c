/* linux.resources onto the container's cgroup (see cgroup.h): which hierarchy gets each block,
 * the refusal of limits no hierarchy can hold, and the device rules. The files themselves are
 * written by cgroup_v1.c and cgroup_v2.c; docs/cgroups.md has the translation table.
 *
 * A block goes to its v1 controller when one of the container's directories is a v1 hierarchy
 * holding it, else to the cgroup2 directory when the cgroup2 hierarchy offers the controller
 * (a hybrid host splits the blocks this way). Whether every asked-for controller exists is
 * checked before the first write, so such a config changes nothing. */
#include "runtime/cgroup.h"
#include "runtime/cgroup_resources.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "bundle/cleanup.h"
#include "bundle/reflect.h"
#include "bundle/validate.h"

/* Bound on a cgroup file read here (cgroup.controllers and the like are one line). */
#define MAX_READ (1u << 20)

static const struct {
	const char *v1, *v2, *block;
} ctrls[PF_CTRL_COUNT] = {
	[PF_CTRL_CPU] = { "cpu", "cpu", "cpu" },
	[PF_CTRL_CPUSET] = { "cpuset", "cpuset", "cpu" },
	[PF_CTRL_MEMORY] = { "memory", "memory", "memory" },
	[PF_CTRL_BLKIO] = { "blkio", "io", "blockIO" },
	[PF_CTRL_PIDS] = { "pids", "pids", "pids" },
	[PF_CTRL_HUGETLB] = { "hugetlb", "hugetlb", "hugepageLimits" },
	[PF_CTRL_NET_CLS] = { "net_cls", NULL, "network" },
	[PF_CTRL_NET_PRIO] = { "net_prio", NULL, "network" },
	[PF_CTRL_RDMA] = { "rdma", "rdma", "rdma" },
	[PF_CTRL_DEVICES] = { "devices", NULL, "devices" },
};

const char *pf_ctrl_v1_name(enum pf_ctrl c)
{
	return ctrls[c].v1;
}

const char *pf_ctrl_v2_name(enum pf_ctrl c)
{
	return ctrls[c].v2;
}

/* ---- file helpers ------------------------------------------------------------------------ */

/* Values from the config (unified, cpus, interface names) may hold anything: quoted in
 * messages unless plainly printable. */
static const char *shown(char *buf, size_t size, const char *value)
{
	for (const char *p = value; *p; p++)
		if (*p < 0x20 || *p > 0x7e)
			return pf_quote(buf, size, value);
	return value;
}

int pf_cg_write(const char *dir, const char *file, const char *value, struct pf_error *err)
{
	char path[PATH_MAX], q[PF_QUOTE_MAX];
	size_t len = strlen(value);
	int n = snprintf(path, sizeof(path), "%s/%s", dir, file);
	_cleanup_close_ int fd = -1;
	ssize_t w;

	if (n < 0 || n >= (int)sizeof(path))
		return pf_fail(err, ENAMETOOLONG, "cgroup: %s/%s: path too long", dir, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return pf_fail_errno(err, errno, "cgroup: write %s=%s in %s", file,
				     shown(q, sizeof(q), value), dir);
	do
		w = write(fd, value, len);
	while (w < 0 && errno == EINTR);
	if (w < 0)
		return pf_fail_errno(err, errno, "cgroup: write %s=%s in %s", file,
				     shown(q, sizeof(q), value), dir);
	if ((size_t)w != len)
		return pf_fail(err, EIO, "cgroup: write %s=%s in %s: short write", file,
			       shown(q, sizeof(q), value), dir);
	return 0;
}

int pf_cg_writef(const char *dir, const char *file, struct pf_error *err, const char *fmt, ...)
{
	char value[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(value, sizeof(value), fmt, ap);
	va_end(ap);
	if (n < 0 || n >= (int)sizeof(value))
		return pf_fail(err, EOVERFLOW, "cgroup: write %s in %s: value too long", file, dir);
	return pf_cg_write(dir, file, value, err);
}

bool pf_cg_exists(const char *dir, const char *file)
{
	char path[PATH_MAX];
	int n = snprintf(path, sizeof(path), "%s/%s", dir, file);

	return n > 0 && n < (int)sizeof(path) && access(path, F_OK) == 0;
}

int pf_cg_read(const char *dir, const char *file, char **out, struct pf_error *err)
{
	char path[PATH_MAX];
	int n = snprintf(path, sizeof(path), "%s/%s", dir, file);
	_cleanup_free_ char *buf = NULL;
	_cleanup_close_ int fd = -1;
	size_t have = 0, cap = 0;

	if (n < 0 || n >= (int)sizeof(path))
		return pf_fail(err, ENAMETOOLONG, "cgroup: %s/%s: path too long", dir, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return pf_fail_errno(err, errno, "cgroup: read %s", path);
	for (;;) {
		ssize_t r;

		if (cap - have < 2) {
			char *grown;

			if (cap >= MAX_READ)
				return pf_fail(err, EFBIG, "cgroup: read %s: too large", path);
			cap = cap ? cap * 2 : 1024;
			grown = realloc(buf, cap);
			if (!grown)
				return pf_fail_errno(err, ENOMEM, "cgroup: read %s", path);
			buf = grown;
		}
		r = read(fd, buf + have, cap - have - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return pf_fail_errno(err, errno, "cgroup: read %s", path);
		if (r == 0)
			break;
		have += (size_t)r;
	}
	buf[have] = '\0';
	*out = pf_steal_ptr(&buf);
	return 0;
}

bool pf_cg_has_word(const char *text, const char *word)
{
	size_t len = strlen(word);

	for (const char *p = text; *(p += strspn(p, " \t\n"));) {
		size_t n = strcspn(p, " \t\n");

		if (n == len && strncmp(p, word, len) == 0)
			return true;
		p += n;
	}
	return false;
}

bool pf_cg_strv_has(const pf_strv *v, const char *s)
{
	for (size_t i = 0; i < v->n; i++)
		if (strcmp(v->v[i], s) == 0)
			return true;
	return false;
}

/* ---- layout ------------------------------------------------------------------------------ */

static void layout_clear(struct pf_cg_layout *L)
{
	free(L->v2_top);
	pf_strv_clear(&L->v2_avail);
}

#define _cleanup_layout_ __attribute__((cleanup(layout_clear)))

/* A v1 hierarchy's controllers show as the prefixes of its files ("memory.limit_in_bytes"):
 * no need to match the directory back to its mount's options. */
static int v1_controllers(struct pf_cg_layout *L, const char *dir, struct pf_error *err)
{
	_cleanup_closedir_ DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return pf_fail_errno(err, errno, "cgroup: open %s", dir);
	while ((e = readdir(d))) {
		size_t len = strcspn(e->d_name, ".");

		if (e->d_type == DT_DIR || !e->d_name[len])
			continue;
		for (int c = 0; c < PF_CTRL_COUNT; c++)
			if (!L->v1[c] && strlen(ctrls[c].v1) == len &&
			    strncmp(e->d_name, ctrls[c].v1, len) == 0)
				L->v1[c] = dir;
	}
	return 0;
}

/* The mount point: the highest directory above dir still on its filesystem. */
static int find_top(const char *dir, char **top, struct pf_error *err)
{
	_cleanup_free_ char *p = strdup(dir);
	struct stat st, up;

	if (!p)
		return pf_fail_errno(err, ENOMEM, "cgroup");
	if (stat(p, &st) < 0)
		return pf_fail_errno(err, errno, "cgroup: stat %s", p);
	for (char *slash; (slash = strrchr(p, '/')) && slash != p;) {
		*slash = '\0';
		if (stat(p, &up) < 0 || up.st_dev != st.st_dev) {
			*slash = '/';
			break;
		}
	}
	*top = pf_steal_ptr(&p);
	return 0;
}

static int v2_found(struct pf_cg_layout *L, const char *dir, struct pf_error *err)
{
	_cleanup_free_ char *text = NULL;
	char *save = NULL;

	if (L->v2)
		return 0;
	L->v2 = dir;
	if (find_top(dir, &L->v2_top, err) < 0 ||
	    pf_cg_read(L->v2_top, "cgroup.controllers", &text, err) < 0)
		return -1;
	for (char *w = strtok_r(text, " \n", &save); w; w = strtok_r(NULL, " \n", &save))
		if (pf_strv_push(&L->v2_avail, w) < 0)
			return pf_fail_errno(err, ENOMEM, "cgroup");
	return 0;
}

static int layout_find(const struct pf_cgroup *cg, struct pf_cg_layout *L, struct pf_error *err)
{
	for (size_t i = 0; i < cg->dirs.n; i++) {
		const char *dir = cg->dirs.v[i];
		struct statfs fs;

		if (statfs(dir, &fs) < 0)
			return pf_fail_errno(err, errno, "cgroup: statfs %s", dir);
		if (fs.f_type == CGROUP2_SUPER_MAGIC) {
			if (v2_found(L, dir, err) < 0)
				return -1;
		} else if (fs.f_type == CGROUP_SUPER_MAGIC) {
			if (v1_controllers(L, dir, err) < 0)
				return -1;
		}
	}
	return 0;
}

/* ---- what the config asks for ------------------------------------------------------------ */

static bool asks_cpu(const struct pf_cpu *c)
{
	return c && (c->shares.set || c->quota.set || c->burst.set || c->period.set ||
		     c->realtime_runtime.set || c->realtime_period.set || c->idle.set);
}

/* kernel and kernelTCP, gone from recent kernels, are ignored where unsupported and so ask
 * for nothing; checkBeforeUpdate matters only to update. */
static bool asks_memory(const struct pf_memory *m)
{
	return m && (m->limit.set || m->reservation.set || m->swap.set || m->swappiness.set ||
		     (m->disable_oom_killer.set && m->disable_oom_killer.v) ||
		     m->use_hierarchy.set);
}

static bool asks_blkio(const struct pf_block_io *b)
{
	return b && (b->weight.set || b->leaf_weight.set || b->weight_device.n ||
		     b->throttle_read_bps_device.n || b->throttle_write_bps_device.n ||
		     b->throttle_read_iops_device.n || b->throttle_write_iops_device.n);
}

static bool asks(const struct pf_resources *r, enum pf_ctrl c)
{
	switch (c) {
	case PF_CTRL_CPU:
		return asks_cpu(r->cpu);
	case PF_CTRL_CPUSET:
		return r->cpu && (r->cpu->cpus || r->cpu->mems);
	case PF_CTRL_MEMORY:
		return asks_memory(r->memory);
	case PF_CTRL_BLKIO:
		return asks_blkio(r->block_io);
	case PF_CTRL_PIDS:
		return r->pids && r->pids->limit.set;
	case PF_CTRL_HUGETLB:
		return r->hugepage_limits.n > 0;
	case PF_CTRL_NET_CLS:
		return r->network && r->network->class_id.set;
	case PF_CTRL_NET_PRIO:
		return r->network && r->network->priorities.n > 0;
	case PF_CTRL_RDMA:
		return r->rdma.n > 0;
	case PF_CTRL_DEVICES:
		return r->devices.n > 0;
	default:
		return false;
	}
}

static bool v2_offers(const struct pf_cg_layout *L, enum pf_ctrl c)
{
	if (!L->v2)
		return false;
	if (c == PF_CTRL_DEVICES)
		return true;  /* an eBPF program, no controller */
	return ctrls[c].v2 && pf_cg_strv_has(&L->v2_avail, ctrls[c].v2);
}

static bool any_v1(const struct pf_cg_layout *L)
{
	for (int c = 0; c < PF_CTRL_COUNT; c++)
		if (L->v1[c])
			return true;
	return false;
}

/* Named as the host's kind of cgroups calls it: "blkio" where v1 hierarchies exist, "io" on a
 * v2-only host. */
static int absent(const struct pf_cg_layout *L, enum pf_ctrl c, struct pf_error *err)
{
	const char *name = any_v1(L) || !ctrls[c].v2 ? ctrls[c].v1 : ctrls[c].v2;

	if (L->v2 && !ctrls[c].v2)
		return pf_fail(err, ENODEV, "linux.resources.%s: no %s controller on this host "
			       "(cgroup v2 has no equivalent)", ctrls[c].block, name);
	return pf_fail(err, ENODEV, "linux.resources.%s: no %s controller on this host",
		       ctrls[c].block, name);
}

static int check_hosted(const struct pf_cg_layout *L, const struct pf_resources *r,
			struct pf_error *err)
{
	for (int c = 0; c < PF_CTRL_COUNT; c++)
		if (asks(r, c) && !L->v1[c] && !v2_offers(L, c))
			return absent(L, c, err);
	if (r->unified.n && !L->v2)
		return pf_fail(err, ENODEV, "linux.resources.unified: needs cgroup v2, and this "
			       "host has no cgroup2 hierarchy");
	return 0;
}

static int need(pf_strv *v, const char *name, struct pf_error *err)
{
	if (pf_cg_strv_has(v, name) || pf_strv_push(v, name) == 0)
		return 0;
	return pf_fail_errno(err, ENOMEM, "cgroup");
}

/* The v2 controllers to enable: those of the blocks bound to v2, and the prefix of each
 * unified key that names one ("memory.high"). */
static int v2_needs(const struct pf_cg_layout *L, const struct pf_resources *r, pf_strv *v,
		    struct pf_error *err)
{
	for (int c = 0; c < PF_CTRL_COUNT; c++)
		if (asks(r, c) && !L->v1[c] && ctrls[c].v2 && need(v, ctrls[c].v2, err) < 0)
			return -1;
	for (size_t i = 0; i < r->unified.n; i++) {
		char name[64];
		size_t len = strcspn(r->unified.keys[i], ".");

		if (len >= sizeof(name))
			continue;
		memcpy(name, r->unified.keys[i], len);
		name[len] = '\0';
		if (pf_cg_strv_has(&L->v2_avail, name) && need(v, name, err) < 0)
			return -1;
	}
	return 0;
}

/* ---- devices ----------------------------------------------------------------------------- */

/* What /dev holds in every container (runtime/devices.c), and mknod of anything (a node is
 * useless without the right to open it; init makes linux.devices with mknod inside the
 * cgroup), as runc and crun allow. */
static const struct pf_dev_rule default_rules[] = {
	{ 'c', PF_DEV_ANY, PF_DEV_ANY, PF_DEV_MKNOD, true },
	{ 'b', PF_DEV_ANY, PF_DEV_ANY, PF_DEV_MKNOD, true },
	{ 'c', 1, 3, PF_DEV_RWM, true },           /* null */
	{ 'c', 1, 8, PF_DEV_RWM, true },           /* random */
	{ 'c', 1, 7, PF_DEV_RWM, true },           /* full */
	{ 'c', 5, 0, PF_DEV_RWM, true },           /* tty */
	{ 'c', 1, 5, PF_DEV_RWM, true },           /* zero */
	{ 'c', 1, 9, PF_DEV_RWM, true },           /* urandom */
	{ 'c', 136, PF_DEV_ANY, PF_DEV_RWM, true }, /* pts/N */
	{ 'c', 5, 2, PF_DEV_RWM, true },           /* ptmx */
};

#define N_DEFAULT (sizeof(default_rules) / sizeof(default_rules[0]))
/* Kernel device numbers fit 12 and 20 bits; the BPF program compares 32-bit immediates. */
#define DEV_NUM_MAX 0x7fffffff

static int dev_number(const pf_int *v, size_t i, const char *what, int64_t *out,
		      struct pf_error *err)
{
	if (!v->set || v->v == -1) {
		*out = PF_DEV_ANY;
		return 0;
	}
	if (v->v < 0 || v->v > DEV_NUM_MAX)
		return pf_fail(err, EINVAL, "linux.resources.devices[%zu].%s: %lld is not a device "
			       "number", i, what, (long long)v->v);
	*out = v->v;
	return 0;
}

static int dev_rule(const struct pf_device_cgroup *d, size_t i, struct pf_dev_rule *out,
		    struct pf_error *err)
{
	const char *acc = d->access && *d->access ? d->access : "rwm";

	out->type = d->type ? d->type[0] : 'a';
	out->allow = d->allow.v;
	out->access = (strchr(acc, 'm') ? PF_DEV_MKNOD : 0) | (strchr(acc, 'r') ? PF_DEV_READ : 0) |
		      (strchr(acc, 'w') ? PF_DEV_WRITE : 0);
	if (dev_number(&d->major, i, "major", &out->major, err) < 0 ||
	    dev_number(&d->minor, i, "minor", &out->minor, err) < 0)
		return -1;
	return 0;
}

int pf_dev_rules(const struct pf_resources *r, struct pf_dev_rule **rules, size_t *n,
		 struct pf_error *err)
{
	size_t asked = r ? r->devices.n : 0, k = 0;
	_cleanup_free_ struct pf_dev_rule *v = calloc(1 + asked + N_DEFAULT, sizeof(*v));

	if (!v)
		return pf_fail_errno(err, ENOMEM, "linux.resources.devices");
	v[k++] = (struct pf_dev_rule){ 'a', PF_DEV_ANY, PF_DEV_ANY, PF_DEV_RWM, false };
	for (size_t i = 0; i < asked; i++)
		if (dev_rule(&r->devices.v[i], i, &v[k++], err) < 0)
			return -1;
	for (size_t i = 0; i < N_DEFAULT; i++)
		v[k++] = default_rules[i];
	*n = k;
	*rules = pf_steal_ptr(&v);
	return 0;
}

/* ---- entry ------------------------------------------------------------------------------- */

static const struct pf_resources no_resources;

/* v1_devices: the v1 device lists; v2_program: the v2 device program. */
static int apply(const struct pf_cgroup *cg, const struct pf_resources *r, bool v1_devices,
		 bool v2_program, struct pf_error *err)
{
	_cleanup_layout_ struct pf_cg_layout L = { 0 };
	pf_strv v2_ctrls = { 0 };
	int rc;

	if (!r)
		r = &no_resources;
	if (layout_find(cg, &L, err) < 0 || check_hosted(&L, r, err) < 0)
		return -1;
	rc = v2_needs(&L, r, &v2_ctrls, err);
	if (rc == 0)
		rc = pf_cg_v1_apply(&L, r, v1_devices, err);
	if (rc == 0 && L.v2)
		rc = pf_cg_v2_enable(&L, &v2_ctrls, err) < 0 ? -1
							    : pf_cg_v2_apply(&L, r, v2_program, err);
	pf_strv_clear(&v2_ctrls);
	return rc;
}

int pf_cgroup_apply_resources(const struct pf_cgroup *cg, const struct pf_resources *r,
			      struct pf_error *err)
{
	return apply(cg, r, true, true, err);
}

int pf_cgroup_apply_resources_but_device_program(const struct pf_cgroup *cg,
						 const struct pf_resources *r,
						 struct pf_error *err)
{
	return apply(cg, r, true, false, err);
}

int pf_cgroup_update_resources(const struct pf_cgroup *cg, const struct pf_resources *r,
			       struct pf_error *err)
{
	bool devices = r && r->devices.n;

	return apply(cg, r, devices, devices, err);
}

int pf_cgroup_apply_device_program(const struct pf_cgroup *cg, const struct pf_resources *r,
				   struct pf_error *err)
{
	_cleanup_layout_ struct pf_cg_layout L = { 0 };

	if (layout_find(cg, &L, err) < 0)
		return -1;
	return pf_cg_v2_devices(&L, r ? r : &no_resources, err);
}

int pf_cg_hugetlb(const char *dir, const struct pf_resources *r, const char *suffix,
		  struct pf_error *err)
{
	for (size_t i = 0; i < r->hugepage_limits.n; i++) {
		const struct pf_hugepage_limit *h = &r->hugepage_limits.v[i];
		char file[128], rsvd[128];

		snprintf(file, sizeof(file), "hugetlb.%s.%s", h->page_size, suffix);
		snprintf(rsvd, sizeof(rsvd), "hugetlb.%s.rsvd.%s", h->page_size, suffix);
		if (!pf_cg_exists(dir, file))
			return pf_fail(err, ENOENT, "linux.resources.hugepageLimits[%zu]: no %s huge "
				       "pages on this host (no %s in %s)", i, h->page_size, file, dir);
		if (pf_cg_writef(dir, file, err, "%" PRIu64, h->limit.v) < 0)
			return -1;
		if (pf_cg_exists(dir, rsvd) && pf_cg_writef(dir, rsvd, err, "%" PRIu64, h->limit.v) < 0)
			return -1;
	}
	return 0;
}

int pf_cg_rdma(const char *dir, const struct pf_resources *r, struct pf_error *err)
{
	for (size_t i = 0; i < r->rdma.n; i++) {
		char line[256];

		if (pf_cg_rdma_line(r->rdma.keys[i], &r->rdma.v[i], line, sizeof(line)) < 0)
			return pf_fail(err, EOVERFLOW, "linux.resources.rdma: device name too long");
		if (pf_cg_write(dir, "rdma.max", line, err) < 0)
			return -1;
	}
	return 0;
}
