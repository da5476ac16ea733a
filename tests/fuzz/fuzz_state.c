/* libFuzzer target: state.json parse → emit → parse again, which must give an equal state and
 * the same bytes; a parse error must be a single line. Run with `make fuzz`. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle/cleanup.h"
#include "bundle/state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz_state: %s: %s\n", what, detail);
	abort();
}

static void state_freep(struct pf_state **st)
{
	pf_state_free(*st);
}
#define _cleanup_state_ __attribute__((cleanup(state_freep)))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pf_error err = { 0 };
	_cleanup_state_ struct pf_state *st = pf_state_parse((const char *)data, size, "state.json", &err);
	_cleanup_state_ struct pf_state *again = NULL;
	_cleanup_free_ char *text = NULL, *text2 = NULL;
	size_t len, len2;

	if (!st) {
		if (!err.msg[0] || strchr(err.msg, '\n') || strncmp(err.msg, "state.json: ", 12) != 0)
			fail("parse error", err.msg);
		return 0;
	}
	if (pf_state_emit(st, &text, &len, &err) < 0)
		fail("emit", err.msg);
	again = pf_state_parse(text, len, "emitted", &err);
	if (!again)
		fail("parse of the emitted text", err.msg);
	if (!pf_state_equal(st, again))
		fail("round trip", "the re-parsed state differs");
	if (pf_state_emit(again, &text2, &len2, &err) < 0)
		fail("second emit", err.msg);
	if (len != len2 || memcmp(text, text2, len) != 0)
		fail("round trip", "the second emit differs from the first");
	return 0;
}
