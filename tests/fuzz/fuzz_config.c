/* libFuzzer target: config.json parse → validate → emit → parse again. A document the library
 * accepts must emit to one it accepts again, equal to the first and byte-identical when emitted
 * once more; every error and every problem must be a single line. Run with `make fuzz`. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle/cleanup.h"
#include "bundle/config.h"
#include "bundle/validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz_config: %s: %s\n", what, detail);
	abort();
}

static void check_line(const char *what, const char *msg, const char *prefix)
{
	if (!msg[0] || strchr(msg, '\n') || strncmp(msg, prefix, strlen(prefix)) != 0)
		fail(what, msg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pf_error err = { 0 };
	_cleanup_spec_ struct pf_spec *spec = pf_spec_parse((const char *)data, size, "config.json", &err);
	_cleanup_spec_ struct pf_spec *again = NULL;
	_cleanup_free_ char *text = NULL, *text2 = NULL;
	pf_strv problems = { 0 };
	size_t len, len2;

	if (!spec) {
		check_line("parse error", err.msg, "config.json: ");
		return 0;
	}
	if (pf_spec_validate(spec, &problems) < 0)
		fail("validate", "out of memory");
	for (size_t i = 0; i < problems.n; i++)
		check_line("problem", problems.v[i], "config.json: .");
	pf_strv_clear(&problems);

	if (pf_spec_emit(spec, &text, &len, &err) < 0)
		fail("emit", err.msg);
	if (strlen(text) != len)
		fail("emit", "length differs from the text");
	again = pf_spec_parse(text, len, "emitted", &err);
	if (!again)
		fail("parse of the emitted text", err.msg);
	if (!pf_spec_equal(spec, again))
		fail("round trip", "the re-parsed spec differs");
	if (pf_spec_emit(again, &text2, &len2, &err) < 0)
		fail("second emit", err.msg);
	if (len != len2 || memcmp(text, text2, len) != 0)
		fail("round trip", "the second emit differs from the first");
	return 0;
}
