/* libFuzzer target: pf_parse_netif (--netif[=SPEC]). An empty input also runs the bare flag
 * (NULL). A parse that succeeds gives interface names the kernel takes (1 to 15 bytes, no '/',
 * ':' or space), the kind the first field names, and the argument back as spec; a failure is
 * -1 with a one-line message and leaves the output untouched. Run with `make fuzz`. */
#include "tests/fuzz/flagfuzz.h"

#include "bundle/cleanup.h"
#include "compat/pflask.h"

const char fuzz_name[] = "fuzz_netif";

static const char *netif_type(enum pf_netif_kind k)
{
	switch (k) {
	case PF_NETIF_MACVLAN: return "macvlan";
	case PF_NETIF_IPVLAN: return "ipvlan";
	case PF_NETIF_VETH: return "veth";
	case PF_NETIF_NONE:
	case PF_NETIF_MOVE: return NULL;
	}
	fuzz_fail("kind", "out of range");
}

static void check_name(const char *what, const char *name)
{
	size_t len;

	if (!name)
		fuzz_fail(what, "missing");
	len = strlen(name);
	if (len < 1 || len > 15 || strpbrk(name, "/: \t\n\r\v\f") || strcmp(name, ".") == 0 ||
	    strcmp(name, "..") == 0)
		fuzz_fail(what, name);
}

static void check_netif(const char *arg, const struct pf_netif_flag *nf)
{
	const char *type = netif_type(nf->kind);
	char *again = NULL;
	int n;

	if (nf->kind == PF_NETIF_NONE)
		fuzz_fail("kind", "an argument gave the bare --netif");
	check_name("device", nf->dev);
	check_name("name", nf->name);
	if (!nf->spec || strcmp(nf->spec, arg) != 0)
		fuzz_fail("spec", nf->spec);
	if (type)
		n = asprintf(&again, "%s:%s:%s", type, nf->dev, nf->name);
	else
		n = asprintf(&again, "%s:%s", nf->dev, nf->name);
	if (n < 0)
		fuzz_fail("asprintf", "out of memory");
	if (strcmp(again, arg) != 0)
		fuzz_fail("round trip", again);
	free(again);
}

static void run_one(const char *arg)
{
	struct pf_error err = { 0 };
	struct pf_netif_flag nf, untouched;
	int rc;

	memset(&nf, 0xa5, sizeof(nf));
	untouched = nf;
	rc = pf_parse_netif(arg, &nf, &err);
	if (rc != 0) {
		fuzz_check_error(rc, &err);
		if (!arg)
			fuzz_fail("bare --netif", err.msg);
		if (memcmp(&nf, &untouched, sizeof(nf)) != 0)
			fuzz_fail("failure", "the output was written");
		return;
	}
	if (!arg) {
		if (nf.kind != PF_NETIF_NONE || nf.dev || nf.name || nf.spec)
			fuzz_fail("bare --netif", "not an empty namespace");
		return;
	}
	check_netif(arg, &nf);
	pf_netif_flag_clear(&nf);
	if (nf.dev || nf.name || nf.spec)
		fuzz_fail("clear", "a field is left");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_free_ char *arg = fuzz_arg(data, size);

	if (size == 0)
		run_one(NULL);
	run_one(arg);
	return 0;
}
