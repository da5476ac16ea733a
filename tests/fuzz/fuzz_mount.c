/* libFuzzer target: pf_parse_mount (--mount=TYPE:...). A parse that succeeds gives absolute
 * paths without a colon (overlay's without a comma either), fields matching the kind, and puts
 * the argument back together exactly; a failure is -1 with a one-line message and leaves the
 * output untouched. Clearing must free everything (ASan's leak check). Run with `make fuzz`. */
#include "tests/fuzz/flagfuzz.h"

#include "bundle/cleanup.h"
#include "compat/pflask.h"

const char fuzz_name[] = "fuzz_mount";

static const char *mount_type(enum pf_mount_kind k)
{
	switch (k) {
	case PF_MNT_BIND: return "bind";
	case PF_MNT_BIND_RO: return "bind-ro";
	case PF_MNT_OVERLAY: return "overlay";
	case PF_MNT_TMP: return "tmp";
	}
	fuzz_fail("kind", "out of range");
}

static void check_mount(const char *arg, const struct pf_mount_flag *m)
{
	char *again = NULL;
	int n;

	fuzz_check_path("destination", m->dest, ':');
	if (m->kind == PF_MNT_TMP) {
		if (m->source || m->work)
			fuzz_fail("tmp", "has a source or a work directory");
		n = asprintf(&again, "tmp:%s", m->dest);
	} else {
		fuzz_check_path("source", m->source, ':');
		if ((m->kind == PF_MNT_OVERLAY) != (m->work != NULL))
			fuzz_fail("work directory", "present exactly for overlay");
		if (m->kind == PF_MNT_OVERLAY) {
			fuzz_check_path("work directory", m->work, ':');
			if (strchr(m->source, ',') || strchr(m->dest, ',') || strchr(m->work, ','))
				fuzz_fail("overlay", "a path holds a comma");
			n = asprintf(&again, "overlay:%s:%s:%s", m->source, m->dest, m->work);
		} else {
			n = asprintf(&again, "%s:%s:%s", mount_type(m->kind), m->source, m->dest);
		}
	}
	if (n < 0)
		fuzz_fail("asprintf", "out of memory");
	if (strcmp(again, arg) != 0)
		fuzz_fail("round trip", again);
	free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_free_ char *arg = fuzz_arg(data, size);
	struct pf_error err = { 0 };
	struct pf_mount_flag m, untouched;
	int rc;

	memset(&m, 0xa5, sizeof(m));
	untouched = m;
	rc = pf_parse_mount(arg, &m, &err);
	if (rc != 0) {
		fuzz_check_error(rc, &err);
		if (memcmp(&m, &untouched, sizeof(m)) != 0)
			fuzz_fail("failure", "the output was written");
		return 0;
	}
	check_mount(arg, &m);
	pf_mount_flag_clear(&m);
	if (m.source || m.dest || m.work)
		fuzz_fail("clear", "a field is left");
	return 0;
}
