/* --netif[=SPEC]: no SPEC is an empty network namespace; DEV:NAME moves a host interface in;
 * macvlan:MASTER:NAME, ipvlan:MASTER:NAME and veth:OUTSIDE:INSIDE create one. The original
 * told a move from a creation by the number of fields; here a first field naming a type
 * always means a creation, so "veth:v0" is a creation missing a field, not a move of a host
 * interface called "veth". */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bundle/cleanup.h"
#include "compat/internal.h"
#include "compat/pflask.h"

#define IFNAME_MAX 15   /* IFNAMSIZ - 1 */

struct netif_grammar {
	const char *type;
	enum pf_netif_kind kind;
	const char *usage;
};

static const struct netif_grammar netif_grammars[] = {
	{ "macvlan", PF_NETIF_MACVLAN, "macvlan:MASTER:NAME" },
	{ "ipvlan", PF_NETIF_IPVLAN, "ipvlan:MASTER:NAME" },
	{ "veth", PF_NETIF_VETH, "veth:OUTSIDE:INSIDE" },
};

#define NETIF_ANY "expected DEV:NAME, macvlan:MASTER:NAME, ipvlan:MASTER:NAME or veth:OUTSIDE:INSIDE"

bool pf_ifname_ok(const char *name)
{
	size_t len = strlen(name);

	return len > 0 && len <= IFNAME_MAX && strcmp(name, ".") != 0 && strcmp(name, "..") != 0 &&
	       !strpbrk(name, "/: \t\n\r\v\f");
}

static const struct netif_grammar *netif_grammar_of(const char *type)
{
	for (size_t i = 0; i < sizeof(netif_grammars) / sizeof(netif_grammars[0]); i++)
		if (strcmp(netif_grammars[i].type, type) == 0)
			return &netif_grammars[i];
	return NULL;
}

static int netif_check_name(const char *name, struct pf_error *err)
{
	char q[PF_QUOTE_MAX];

	if (pf_ifname_ok(name))
		return 0;
	return pf_fail(err, EINVAL, "%s is not a network interface name (1 to %d characters, "
		       "no '/', ':' or spaces)", pf_quote(q, sizeof(q), name), IFNAME_MAX);
}

/* The kind and the two interface names of spec, pointing into f. */
static int netif_classify(char **f, int n, struct pf_netif_flag *out, const char **dev,
			  const char **name, struct pf_error *err)
{
	const struct netif_grammar *g = netif_grammar_of(f[0]);

	if (g) {
		if (n != 3 || !f[1][0] || !f[2][0])
			return pf_fail(err, EINVAL, "expected %s", g->usage);
		out->kind = g->kind;
		*dev = f[1];
		*name = f[2];
		return 0;
	}
	if (n == 3) {
		char q[PF_QUOTE_MAX];

		return pf_fail(err, EINVAL, "unknown interface type %s (macvlan, ipvlan or veth)",
			       pf_quote(q, sizeof(q), f[0]));
	}
	if (n != 2 || !f[0][0] || !f[1][0])
		return pf_fail(err, EINVAL, NETIF_ANY);
	out->kind = PF_NETIF_MOVE;
	*dev = f[0];
	*name = f[1];
	return 0;
}

int pf_parse_netif(const char *arg, struct pf_netif_flag *out, struct pf_error *err)
{
	struct pf_netif_flag nf = { .kind = PF_NETIF_NONE };
	_cleanup_free_ char *copy = NULL;
	const char *dev = NULL, *name = NULL;
	char *f[4];
	int n;

	if (!arg) {
		*out = nf;
		return 0;
	}
	n = pf_split_fields(arg, ':', &copy, f, 4);
	if (n < 0)
		return pf_fail_errno(err, ENOMEM, "--netif");
	if (netif_classify(f, n, &nf, &dev, &name, err) < 0 || netif_check_name(dev, err) < 0 ||
	    netif_check_name(name, err) < 0)
		return -1;
	nf.dev = strdup(dev);
	nf.name = strdup(name);
	nf.spec = strdup(arg);
	if (!nf.dev || !nf.name || !nf.spec) {
		pf_netif_flag_clear(&nf);
		return pf_fail_errno(err, ENOMEM, "--netif");
	}
	*out = nf;
	return 0;
}

void pf_netif_flag_clear(struct pf_netif_flag *n)
{
	free(n->dev);
	free(n->name);
	free(n->spec);
	n->dev = n->name = n->spec = NULL;
}
