#include "bundle/validate.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle/cleanup.h"
#include "bundle/names.h"
#include "bundle/reflect.h"

#define HOST_NAME_LIMIT 64      /* the kernel's __NEW_UTS_LEN */
#define IFNAME_LIMIT 15         /* IFNAMSIZ - 1 */
#define IDMAP_LIMIT 340         /* lines the kernel accepts in uid_map */

struct checker {
	pf_strv *out;
	int count;
	bool nomem;
};

static void problem(struct checker *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void problem(struct checker *c, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n = snprintf(line, sizeof(line), "config.json: ");

	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	va_end(ap);
	c->count++;
	if (pf_strv_push(c->out, line) < 0)
		c->nomem = true;
}

static bool absolute(const char *p)
{
	return p && p[0] == '/';
}

struct ref {
	const char *s;
	size_t i;
};

static int compare_refs(const void *a, const void *b)
{
	const struct ref *x = a, *y = b;
	int c = strcmp(x->s, y->s);

	return c ? c : (x->i > y->i) - (x->i < y->i);
}

/* For each of the n elements of an array (size bytes each, a string member at offset), the index
 * of the first element holding an equal string: its own index when it is the first. Sorting
 * keeps this O(n log n); comparing every pair took minutes for a config with 100,000 devices.
 * Returns NULL (and flags the checker) when out of memory, or when n is 0. */
static size_t *first_equal(struct checker *c, const void *base, size_t n, size_t size,
			   size_t offset)
{
	_cleanup_free_ struct ref *refs = NULL;
	size_t *first;

	if (n == 0)
		return NULL;
	refs = calloc(n, sizeof(*refs));
	first = calloc(n, sizeof(*first));
	if (!refs || !first) {
		c->nomem = true;
		free(first);
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		memcpy(&refs[i].s, (const char *)base + i * size + offset, sizeof(refs[i].s));
		refs[i].i = i;
	}
	qsort(refs, n, sizeof(*refs), compare_refs);
	for (size_t k = 0; k < n; k++)
		first[refs[k].i] = k && strcmp(refs[k].s, refs[k - 1].s) == 0 ? first[refs[k - 1].i]
									  : refs[k].i;
	return first;
}

static void check_root(struct checker *c, const struct pf_spec *s)
{
	if (!s->root)
		problem(c, ".root: required to run a container on Linux");
	else if (!s->root->path[0])
		problem(c, ".root.path: must not be empty");
}

static void check_env(struct checker *c, const pf_strv *env, const char *where)
{
	char q[PF_QUOTE_MAX];

	for (size_t i = 0; i < env->n; i++) {
		const char *eq = strchr(env->v[i], '=');

		if (!eq || eq == env->v[i])
			problem(c, "%s.env[%zu]: %s is not of the form NAME=VALUE", where, i,
				pf_quote(q, sizeof(q), env->v[i]));
	}
}

static void check_capability_set(struct checker *c, const pf_strv *set, const char *name)
{
	char q[PF_QUOTE_MAX];

	for (size_t i = 0; i < set->n; i++)
		if (pf_capability_number(set->v[i]) < 0)
			problem(c, ".process.capabilities.%s[%zu]: unknown capability %s", name, i,
				pf_quote(q, sizeof(q), set->v[i]));
}

static void check_capabilities(struct checker *c, const struct pf_capabilities *caps)
{
	if (!caps)
		return;
	check_capability_set(c, &caps->bounding, "bounding");
	check_capability_set(c, &caps->effective, "effective");
	check_capability_set(c, &caps->inheritable, "inheritable");
	check_capability_set(c, &caps->permitted, "permitted");
	check_capability_set(c, &caps->ambient, "ambient");
}

static void check_rlimits(struct checker *c, const struct pf_process *p)
{
	_cleanup_free_ size_t *first = first_equal(c, p->rlimits.v, p->rlimits.n,
						   sizeof(*p->rlimits.v),
						   offsetof(struct pf_rlimit, type));
	char q[PF_QUOTE_MAX];

	for (size_t i = 0; i < p->rlimits.n; i++) {
		const struct pf_rlimit *r = &p->rlimits.v[i];

		if (pf_rlimit_number(r->type) < 0)
			problem(c, ".process.rlimits[%zu].type: unknown rlimit %s", i,
				pf_quote(q, sizeof(q), r->type));
		if (r->soft.v > r->hard.v)
			problem(c, ".process.rlimits[%zu]: soft limit %llu is above hard limit %llu", i,
				(unsigned long long)r->soft.v, (unsigned long long)r->hard.v);
		if (first && first[i] != i)
			problem(c, ".process.rlimits[%zu].type: %s is already set by rlimits[%zu]", i,
				pf_quote(q, sizeof(q), r->type), first[i]);
	}
}

static void check_scheduling(struct checker *c, const struct pf_process *p)
{
	if (p->io_priority && p->io_priority->priority.set &&
	    (p->io_priority->priority.v < 0 || p->io_priority->priority.v > 7))
		problem(c, ".process.ioPriority.priority: %lld is out of range (0 to 7)",
			(long long)p->io_priority->priority.v);
	if (p->scheduler && p->scheduler->nice.set &&
	    (p->scheduler->nice.v < -20 || p->scheduler->nice.v > 19))
		problem(c, ".process.scheduler.nice: %lld is out of range (-20 to 19)",
			(long long)p->scheduler->nice.v);
	if (p->oom_score_adj.set && (p->oom_score_adj.v < -1000 || p->oom_score_adj.v > 1000))
		problem(c, ".process.oomScoreAdj: %lld is out of range (-1000 to 1000)",
			(long long)p->oom_score_adj.v);
}

static void check_process(struct checker *c, const struct pf_process *p)
{
	if (!p)
		return;
	if (!absolute(p->cwd))
		problem(c, ".process.cwd: must be an absolute path");
	if (p->args.n == 0)
		problem(c, ".process.args: at least one argument is required");
	else if (!p->args.v[0][0])
		problem(c, ".process.args[0]: must not be empty");
	check_env(c, &p->env, ".process");
	if (p->user && !p->user->uid.set)
		problem(c, ".process.user.uid: required property is missing");
	if (p->user && !p->user->gid.set)
		problem(c, ".process.user.gid: required property is missing");
	if (p->console_size && !(p->terminal.set && p->terminal.v))
		problem(c, ".process.consoleSize: only valid with process.terminal set to true");
	check_capabilities(c, p->capabilities);
	check_rlimits(c, p);
	check_scheduling(c, p);
}

static bool has_option(const pf_strv *opts, const char *name)
{
	for (size_t i = 0; i < opts->n; i++)
		if (strcmp(opts->v[i], name) == 0)
			return true;
	return false;
}

/* Both the container side and the host side of a set of mappings must be disjoint ranges. */
static bool ranges_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

/* Reports the first earlier mapping whose range overlaps mapping i on one side. */
static void check_overlap(struct checker *c, const pf_id_mappings *m, size_t i, bool host,
			  const char *where)
{
	const struct pf_id_mapping *a = &m->v[i];
	uint64_t a_start = host ? a->host_id.v : a->container_id.v;

	for (size_t j = 0; j < i; j++) {
		const struct pf_id_mapping *b = &m->v[j];
		uint64_t b_start = host ? b->host_id.v : b->container_id.v;

		if (ranges_overlap(a_start, a->size.v, b_start, b->size.v)) {
			problem(c, "%s[%zu]: %s range overlaps %s[%zu]", where, i,
				host ? "hostID" : "containerID", where, j);
			return;
		}
	}
}

/* Past the kernel's limit the pairwise checks are skipped: they would only bury that problem. */
static void check_mappings(struct checker *c, const pf_id_mappings *m, const char *where)
{
	if (m->n > IDMAP_LIMIT) {
		problem(c, "%s: %zu mappings, the kernel accepts at most %d", where, m->n, IDMAP_LIMIT);
		return;
	}
	for (size_t i = 0; i < m->n; i++) {
		const struct pf_id_mapping *a = &m->v[i];

		if (a->size.v == 0)
			problem(c, "%s[%zu].size: must be at least 1", where, i);
		if (a->container_id.v + a->size.v > 1ull << 32 || a->host_id.v + a->size.v > 1ull << 32)
			problem(c, "%s[%zu]: range goes past the largest id 4294967295", where, i);
		check_overlap(c, m, i, false, where);
		check_overlap(c, m, i, true, where);
	}
}

static void check_mounts(struct checker *c, const struct pf_spec *s)
{
	char where[64];

	for (size_t i = 0; i < s->mounts.n; i++) {
		const struct pf_mount *m = &s->mounts.v[i];
		bool idmapped = m->uid_mappings.set || m->gid_mappings.set;

		if (!absolute(m->destination))
			problem(c, ".mounts[%zu].destination: must be an absolute path", i);
		if (m->uid_mappings.set != m->gid_mappings.set)
			problem(c, ".mounts[%zu]: uidMappings and gidMappings must be given together", i);
		if (idmapped && !has_option(&m->options, "bind") && !has_option(&m->options, "rbind"))
			problem(c, ".mounts[%zu]: id mappings need a bind mount (\"bind\" or \"rbind\")",
				i);
		snprintf(where, sizeof(where), ".mounts[%zu].uidMappings", i);
		check_mappings(c, &m->uid_mappings, where);
		snprintf(where, sizeof(where), ".mounts[%zu].gidMappings", i);
		check_mappings(c, &m->gid_mappings, where);
	}
}

static void check_hook_list(struct checker *c, const pf_hooks *hooks, const char *kind)
{
	char where[64];

	for (size_t i = 0; i < hooks->n; i++) {
		if (!absolute(hooks->v[i].path))
			problem(c, ".hooks.%s[%zu].path: must be an absolute path", kind, i);
		snprintf(where, sizeof(where), ".hooks.%s[%zu]", kind, i);
		check_env(c, &hooks->v[i].env, where);
	}
}

static void check_hooks(struct checker *c, const struct pf_hooks_cfg *h)
{
	if (!h)
		return;
	check_hook_list(c, &h->prestart, "prestart");
	check_hook_list(c, &h->create_runtime, "createRuntime");
	check_hook_list(c, &h->create_container, "createContainer");
	check_hook_list(c, &h->start_container, "startContainer");
	check_hook_list(c, &h->poststart, "poststart");
	check_hook_list(c, &h->poststop, "poststop");
}

static const struct pf_namespace *find_namespace(const struct pf_linux *l, const char *type)
{
	for (size_t i = 0; l && i < l->namespaces.n; i++)
		if (strcmp(l->namespaces.v[i].type, type) == 0)
			return &l->namespaces.v[i];
	return NULL;
}

static void check_namespaces(struct checker *c, const struct pf_linux *l)
{
	_cleanup_free_ size_t *first = first_equal(c, l->namespaces.v, l->namespaces.n,
						   sizeof(*l->namespaces.v),
						   offsetof(struct pf_namespace, type));

	for (size_t i = 0; i < l->namespaces.n; i++) {
		const struct pf_namespace *ns = &l->namespaces.v[i];

		if (ns->path && !absolute(ns->path))
			problem(c, ".linux.namespaces[%zu].path: must be an absolute path", i);
		if (first && first[i] != i)
			problem(c, ".linux.namespaces[%zu].type: duplicate namespace \"%s\" "
				   "(already at namespaces[%zu])", i, ns->type, first[i]);
	}
}

static void check_user_namespace(struct checker *c, const struct pf_linux *l)
{
	const struct pf_namespace *user = find_namespace(l, "user");
	bool mapped = l->uid_mappings.n || l->gid_mappings.n;
	const char *which = l->uid_mappings.n ? ".linux.uidMappings" : ".linux.gidMappings";

	check_mappings(c, &l->uid_mappings, ".linux.uidMappings");
	check_mappings(c, &l->gid_mappings, ".linux.gidMappings");
	if (mapped && !user)
		problem(c, "%s: id mappings need a user namespace in .linux.namespaces", which);
	if (mapped && user && user->path)
		problem(c, "%s: id mappings cannot be applied to a joined user namespace "
			   "(namespaces[user].path is set)", which);
	if (user && !user->path && !l->uid_mappings.n)
		problem(c, ".linux.uidMappings: a new user namespace needs uid mappings");
	if (user && !user->path && !l->gid_mappings.n)
		problem(c, ".linux.gidMappings: a new user namespace needs gid mappings");
}

static void check_time_offsets(struct checker *c, const struct pf_linux *l)
{
	const struct pf_namespace *time_ns = find_namespace(l, "time");

	if (!l->time_offsets)
		return;
	if (!time_ns)
		problem(c, ".linux.timeOffsets: needs a time namespace in .linux.namespaces");
	else if (time_ns->path)
		problem(c, ".linux.timeOffsets: cannot be applied to a joined time namespace");
}

static void check_devices(struct checker *c, const struct pf_linux *l)
{
	_cleanup_free_ size_t *first = first_equal(c, l->devices.v, l->devices.n,
						   sizeof(*l->devices.v), offsetof(struct pf_device, path));
	char q[PF_QUOTE_MAX];

	for (size_t i = 0; i < l->devices.n; i++) {
		const struct pf_device *d = &l->devices.v[i];

		if (!absolute(d->path))
			problem(c, ".linux.devices[%zu].path: must be an absolute path", i);
		if (d->type[0] != 'p' && (!d->major.set || !d->minor.set))
			problem(c, ".linux.devices[%zu]: major and minor are required for type \"%s\"",
				i, d->type);
		if (first && first[i] != i)
			problem(c, ".linux.devices[%zu].path: %s is already at devices[%zu]", i,
				pf_quote(q, sizeof(q), d->path), first[i]);
	}
}

static void check_device_rules(struct checker *c, const struct pf_resources *r)
{
	char q[PF_QUOTE_MAX];

	for (size_t i = 0; r && i < r->devices.n; i++) {
		const struct pf_device_cgroup *d = &r->devices.v[i];

		if (d->type && strcmp(d->type, "a") && strcmp(d->type, "b") && strcmp(d->type, "c"))
			problem(c, ".linux.resources.devices[%zu].type: %s is not one of a, b, c", i,
				pf_quote(q, sizeof(q), d->type));
		if (d->access && strspn(d->access, "rwm") != strlen(d->access))
			problem(c, ".linux.resources.devices[%zu].access: %s is not made of r, w, m", i,
				pf_quote(q, sizeof(q), d->access));
	}
}

/* Keys become file names under the cgroup directory: no separators, no dot-dot. */
static void check_unified(struct checker *c, const struct pf_resources *r)
{
	char q[PF_QUOTE_MAX];

	for (size_t i = 0; r && i < r->unified.n; i++) {
		const char *k = r->unified.keys[i];

		if (!k[0] || strchr(k, '/') || strcmp(k, ".") == 0 || strcmp(k, "..") == 0)
			problem(c, ".linux.resources.unified: %s is not a cgroup file name",
				pf_quote(q, sizeof(q), k));
	}
}

static void check_paths(struct checker *c, const pf_strv *paths, const char *where)
{
	for (size_t i = 0; i < paths->n; i++)
		if (!absolute(paths->v[i]))
			problem(c, "%s[%zu]: must be an absolute path", where, i);
}

static bool valid_ifname(const char *n)
{
	size_t len = strlen(n);

	return len > 0 && len <= IFNAME_LIMIT && strcmp(n, ".") && strcmp(n, "..") &&
	       !strpbrk(n, "/: \t\n");
}

/* A map key as parsing writes it in a JSON path: .eth0, or ["veth-1"] when not a plain word. */
static const char *key_path(char *buf, size_t size, const char *key)
{
	static const char word[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_";

	if (key[0] && strspn(key, word) == strlen(key)) {
		snprintf(buf, size, ".%s", key);
	} else {
		char q[PF_QUOTE_MAX];

		snprintf(buf, size, "[%s]", pf_quote(q, sizeof(q), key));
	}
	return buf;
}

static void check_net_devices(struct checker *c, const struct pf_linux *l)
{
	const struct pf_namespace *net = find_namespace(l, "network");
	char q[PF_QUOTE_MAX], k[PF_QUOTE_MAX + 2];

	if (l->net_devices.n && !net)
		problem(c, ".linux.netDevices: needs a network namespace in .linux.namespaces");
	for (size_t i = 0; i < l->net_devices.n; i++) {
		const char *key = l->net_devices.keys[i], *name = l->net_devices.v[i].name;

		if (!valid_ifname(key))
			problem(c, ".linux.netDevices: %s is not a network interface name",
				pf_quote(q, sizeof(q), key));
		if (name && !valid_ifname(name))
			problem(c, ".linux.netDevices%s.name: %s is not a network interface name",
				key_path(k, sizeof(k), key), pf_quote(q, sizeof(q), name));
	}
}

static bool errno_action(const char *action)
{
	return strcmp(action, "SCMP_ACT_ERRNO") == 0 || strcmp(action, "SCMP_ACT_TRACE") == 0;
}

static void check_seccomp(struct checker *c, const struct pf_seccomp *sc)
{
	if (!sc)
		return;
	if (sc->default_errno_ret.set && !errno_action(sc->default_action))
		problem(c, ".linux.seccomp.defaultErrnoRet: only valid with SCMP_ACT_ERRNO or "
			   "SCMP_ACT_TRACE");
	if (sc->listener_metadata && !sc->listener_path)
		problem(c, ".linux.seccomp.listenerMetadata: must not be set without listenerPath");
	for (size_t i = 0; i < sc->syscalls.n; i++) {
		const struct pf_syscall *sys = &sc->syscalls.v[i];

		if (sys->errno_ret.set && !errno_action(sys->action))
			problem(c, ".linux.seccomp.syscalls[%zu].errnoRet: only valid with "
				   "SCMP_ACT_ERRNO or SCMP_ACT_TRACE", i);
		for (size_t j = 0; j < sys->names.n; j++)
			if (!sys->names.v[j][0])
				problem(c, ".linux.seccomp.syscalls[%zu].names[%zu]: must not be empty", i,
					j);
		for (size_t j = 0; j < sys->args.n; j++)
			if (sys->args.v[j].index.v > 5)
				problem(c, ".linux.seccomp.syscalls[%zu].args[%zu].index: %llu is out of "
					   "range (0 to 5)", i, j, (unsigned long long)sys->args.v[j].index.v);
	}
}

static void check_linux(struct checker *c, const struct pf_spec *s)
{
	const struct pf_linux *l = s->linux_;
	static const struct pf_linux empty;

	if (!l)
		l = &empty;
	check_namespaces(c, l);
	check_user_namespace(c, l);
	check_time_offsets(c, l);
	check_devices(c, l);
	check_device_rules(c, l->resources);
	check_unified(c, l->resources);
	check_paths(c, &l->masked_paths, ".linux.maskedPaths");
	check_paths(c, &l->readonly_paths, ".linux.readonlyPaths");
	check_net_devices(c, l);
	check_seccomp(c, l->seccomp);
	if (s->hostname && !find_namespace(l, "uts"))
		problem(c, ".hostname: setting it needs a uts namespace in .linux.namespaces");
	if (s->domainname && !find_namespace(l, "uts"))
		problem(c, ".domainname: setting it needs a uts namespace in .linux.namespaces");
}

static void check_names(struct checker *c, const struct pf_spec *s)
{
	if (s->hostname && strlen(s->hostname) > HOST_NAME_LIMIT)
		problem(c, ".hostname: longer than %d characters", HOST_NAME_LIMIT);
	if (s->domainname && strlen(s->domainname) > HOST_NAME_LIMIT)
		problem(c, ".domainname: longer than %d characters", HOST_NAME_LIMIT);
	for (size_t i = 0; i < s->annotations.n; i++)
		if (!s->annotations.keys[i][0])
			problem(c, ".annotations: keys must not be empty");
}

int pf_spec_validate(const struct pf_spec *spec, pf_strv *out)
{
	struct checker c = { .out = out };

	check_root(&c, spec);
	check_process(&c, spec->process);
	check_mounts(&c, spec);
	check_hooks(&c, spec->hooks);
	check_names(&c, spec);
	check_linux(&c, spec);
	if (c.nomem) {
		errno = ENOMEM;
		return -1;
	}
	return c.count;
}

void pf_strv_clear(pf_strv *v)
{
	for (size_t i = 0; i < v->n; i++)
		free(v->v[i]);
	free(v->v);
	v->v = NULL;
	v->n = 0;
	v->set = false;
}
