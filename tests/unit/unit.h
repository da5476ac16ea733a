/* Helpers shared by the cmocka unit tests of bundle/ (header only: every tests/unit/test_*.c is
 * its own binary). Include after <cmocka.h>. */
#ifndef PF_TEST_UNIT_H
#define PF_TEST_UNIT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle/config.h"
#include "bundle/validate.h"

/* A minimal config that parses and validates cleanly; tests splice one property into it. */
#define BASE_HEAD "{\"ociVersion\": \"1.3.0\", \"root\": {\"path\": \"rootfs\"}"
#define BASE_PROCESS "\"process\": {\"cwd\": \"/\", \"args\": [\"sh\"]}"
#define BASE_LINUX "\"linux\": {\"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"mount\"}]}"

/* Parses text as "config.json"; on failure returns NULL with err filled. */
static inline struct pf_spec *parse_text(const char *text, struct pf_error *err)
{
	pf_error_clear(err);
	return pf_spec_parse(text, strlen(text), "config.json", err);
}

/* Parses text, failing the test (with the library's message) when it does not parse. */
static inline struct pf_spec *must_parse(const char *text)
{
	struct pf_error err;
	struct pf_spec *spec = parse_text(text, &err);

	if (!spec)
		fail_msg("unexpected parse error: %s", err.msg);
	return spec;
}

/* Emits spec, failing the test when it cannot. The caller frees the text. */
static inline char *must_emit(const struct pf_spec *spec)
{
	struct pf_error err = { 0 };
	char *text = NULL;
	size_t len = 0;

	if (pf_spec_emit(spec, &text, &len, &err) < 0)
		fail_msg("unexpected emit error: %s", err.msg);
	assert_int_equal(len, strlen(text));
	return text;
}

/* Asserts that validating spec gives exactly the n lines of want, in order. */
static inline void assert_problems(const struct pf_spec *spec, const char *const *want, size_t n)
{
	pf_strv got = { 0 };
	int count = pf_spec_validate(spec, &got);

	for (size_t i = 0; i < got.n; i++)
		if (i >= n || strcmp(got.v[i], want[i]) != 0)
			print_message("problem %zu: %s\n", i, got.v[i]);
	assert_int_equal(count, (int)got.n);
	assert_int_equal(got.n, n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(got.v[i], want[i]);
	pf_strv_clear(&got);
}

/* parse → emit → parse → equal → emit again, byte for byte. */
static inline void assert_spec_round_trip(const struct pf_spec *spec)
{
	char *first = must_emit(spec), *second;
	struct pf_spec *again = must_parse(first);

	assert_true(pf_spec_equal(spec, again));
	second = must_emit(again);
	assert_string_equal(first, second);
	free(second);
	second = must_emit(spec);
	assert_string_equal(first, second);
	free(second);
	free(first);
	pf_spec_free(again);
}

#endif
