/* --netif: linux.netDevices where OCI has the words (moving a host interface in), and
 * createRuntime hooks calling `pflask-runtime netif SPEC` where it has none (bringing lo up
 * in an empty namespace; creating a macvlan, ipvlan or veth). A createRuntime hook runs in
 * the runtime's namespaces once the container's exist, with the state (and so the pid) on
 * its stdin: any OCI runtime can run it, and one that cannot fails visibly. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bundle/cleanup.h"
#include "bundle/reflect.h"
#include "compat/internal.h"
#include "compat/pflask.h"

static int net_hook(const struct pf_translation *t, struct pf_spec *spec, const char *arg,
		    struct pf_error *err)
{
	struct pf_hook *h;

	if (!t->runtime_path)
		return pf_fail(err, ENOENT, "--netif: the path of pflask-runtime is not known");
	if (!spec->hooks && !(spec->hooks = calloc(1, sizeof(*spec->hooks))))
		return pf_fail_errno(err, ENOMEM, "translate");
	h = PF_VEC_PUSH(&spec->hooks->create_runtime);
	if (!h)
		return pf_fail_errno(err, ENOMEM, "translate");
	if (pf_set_str(&h->path, t->runtime_path, err) < 0 ||
	    pf_push_str(&h->args, "pflask-runtime", err) < 0 ||
	    pf_push_str(&h->args, "netif", err) < 0 || pf_push_str(&h->args, arg, err) < 0)
		return -1;
	return 0;
}

static int net_move(struct pf_linux *l, const char *dev, const char *name, struct pf_error *err)
{
	char **keys = realloc(l->net_devices.keys, (l->net_devices.n + 1) * sizeof(*keys));
	struct pf_net_device *v;

	if (keys)
		l->net_devices.keys = keys;
	v = keys ? realloc(l->net_devices.v, (l->net_devices.n + 1) * sizeof(*v)) : NULL;
	if (!v)
		return pf_fail_errno(err, ENOMEM, "translate");
	l->net_devices.v = v;
	v = &v[l->net_devices.n];
	memset(v, 0, sizeof(*v));
	keys[l->net_devices.n] = strdup(dev);
	if (!keys[l->net_devices.n])
		return pf_fail_errno(err, ENOMEM, "translate");
	l->net_devices.n++;
	l->net_devices.set = true;
	return pf_set_str(&v->name, name, err);
}

/* Two flags naming one interface (on the host, or inside) would fail half-way at run time. */
static int net_check_unique(const struct pf_options *o, size_t i, struct pf_error *err)
{
	const struct pf_netif_flag *a = &o->netifs.v[i];

	for (size_t j = 0; j < i; j++) {
		const struct pf_netif_flag *b = &o->netifs.v[j];

		if (b->kind == PF_NETIF_NONE)
			continue;
		if (strcmp(a->name, b->name) == 0)
			return pf_fail(err, EINVAL, "--netif=%s: --netif=%s already names an interface "
				       "%s inside", a->spec, b->spec, a->name);
		if (a->kind == PF_NETIF_MOVE && b->kind == PF_NETIF_MOVE && strcmp(a->dev, b->dev) == 0)
			return pf_fail(err, EINVAL, "--netif=%s: --netif=%s already moves %s", a->spec,
				       b->spec, a->dev);
	}
	return 0;
}

int pf_translate_net(const struct pf_translation *t, struct pf_spec *spec, struct pf_error *err)
{
	const struct pf_options *o = t->o;
	bool lo = false;

	if (!t->ns_net)
		return 0;
	for (size_t i = 0; i < o->netifs.n; i++) {
		const struct pf_netif_flag *n = &o->netifs.v[i];
		int rc;

		if (n->kind == PF_NETIF_NONE) {
			/* one is enough however often the bare flag was given */
			rc = lo ? 0 : net_hook(t, spec, "lo", err);
			lo = true;
		} else if (net_check_unique(o, i, err) < 0) {
			return -1;
		} else if (n->kind == PF_NETIF_MOVE) {
			rc = net_move(spec->linux_, n->dev, n->name, err);
		} else {
			rc = net_hook(t, spec, n->spec, err);
		}
		if (rc < 0)
			return -1;
	}
	return 0;
}
