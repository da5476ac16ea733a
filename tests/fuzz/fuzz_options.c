/* libFuzzer target: pf_options_parse over a whole pflask command line, the input split at NUL
 * bytes into argv (argv[0] is "pflask"). Every error must be one line naming the flag; a
 * command line that parses gives absolute paths where the flags need them and an ID the state
 * store takes, and clears without a leak. -r and --chroot are resolved with realpath(3) on
 * this host, so they only ever succeed for directories that exist. Run with `make fuzz`. */
#include "tests/fuzz/flagfuzz.h"

#include "bundle/cleanup.h"
#include "compat/pflask.h"
#include "runtime/store.h"

const char fuzz_name[] = "fuzz_options";

#define MAX_ARGS 64

static void check_options(const struct pf_options *o)
{
	struct pf_error err = { 0 };

	if (o->chroot)
		fuzz_check_path("chroot", o->chroot, '\0');
	if (o->chdir)
		fuzz_check_path("chdir", o->chdir, '\0');
	for (size_t i = 0; i < o->mounts.n; i++)
		fuzz_check_path("mount destination", o->mounts.v[i].dest, ':');
	if (o->hostname && (!o->hostname[0] || strlen(o->hostname) > 64))
		fuzz_fail("hostname", o->hostname);
	if (o->attach < 0)
		fuzz_fail("attach", "negative");
	if (!o->help && !o->version && (!o->name || pf_store_check_id(o->name, &err) < 0))
		fuzz_fail("name", err.msg);
	if (o->ephemeral && !o->chroot && !o->help && !o->version)
		fuzz_fail("ephemeral", "without a chroot");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_free_ char *buf = malloc(size + 1);
	char *argv[MAX_ARGS + 2] = { "pflask" };
	struct pf_error err = { 0 };
	struct pf_options o;
	int argc = 1, rc;

	if (!buf)
		fuzz_fail("malloc", "out of memory");
	memcpy(buf, data, size);
	buf[size] = '\0';
	for (char *p = buf; p <= buf + size && argc <= MAX_ARGS; p += strlen(p) + 1)
		argv[argc++] = p;
	argv[argc] = NULL;
	rc = pf_options_parse(argc, argv, &o, &err);
	if (rc != 0) {
		fuzz_check_error(rc, &err);
		if (err.msg[0] != '-')
			fuzz_fail("error does not name the flag", err.msg);
	} else {
		check_options(&o);
	}
	pf_options_clear(&o);
	return 0;
}
