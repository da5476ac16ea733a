/* The generic model operations of bundle/reflect.h, and emit/parse fidelity at the edges:
 * presence, integer limits, strings. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "bundle/config.h"
#include "bundle/fields.h"
#include "bundle/reflect.h"
#include "bundle/validate.h"
#include "tests/unit/unit.h"

static void test_vec_push(void **state)
{
	pf_id_mappings maps = { 0 };
	struct pf_id_mapping *m;

	(void)state;
	assert_false(maps.set);
	for (unsigned i = 0; i < 100; i++) {
		m = PF_VEC_PUSH(&maps);
		assert_non_null(m);
		assert_ptr_equal(m, &maps.v[i]);
		/* a new element is zeroed: nothing in it is set */
		assert_false(m->container_id.set || m->host_id.set || m->size.set);
		m->host_id = (pf_uint){ true, 1000 + i };
	}
	assert_true(maps.set);
	assert_int_equal(maps.n, 100);
	for (unsigned i = 0; i < 100; i++)
		assert_int_equal(maps.v[i].host_id.v, 1000 + i);
	free(maps.v);
}

static void test_strv_push_copies(void **state)
{
	pf_strv v = { 0 };
	char buf[] = "first";

	(void)state;
	assert_int_equal(pf_strv_push(&v, buf), 0);
	buf[0] = 'F';
	assert_int_equal(pf_strv_push(&v, ""), 0);
	assert_int_equal(pf_strv_push(&v, "third"), 0);
	assert_true(v.set);
	assert_int_equal(v.n, 3);
	assert_string_equal(v.v[0], "first");
	assert_string_equal(v.v[1], "");
	assert_string_equal(v.v[2], "third");
	assert_ptr_not_equal(v.v[0], buf);
	pf_strv_clear(&v);
}

static void test_strmap_set_and_get(void **state)
{
	pf_strmap m = { 0 };

	(void)state;
	assert_null(pf_strmap_get(&m, "a"));
	assert_int_equal(pf_strmap_set(&m, "zeta", "1"), 0);
	assert_int_equal(pf_strmap_set(&m, "alpha", "2"), 0);
	assert_int_equal(pf_strmap_set(&m, "mid", "3"), 0);
	/* replacing keeps the key where it was: insertion order, not sorted */
	assert_int_equal(pf_strmap_set(&m, "alpha", "two"), 0);
	assert_true(m.set);
	assert_int_equal(m.n, 3);
	assert_string_equal(m.keys[0], "zeta");
	assert_string_equal(m.keys[1], "alpha");
	assert_string_equal(m.keys[2], "mid");
	assert_string_equal(m.v[1], "two");
	assert_string_equal(pf_strmap_get(&m, "alpha"), "two");
	assert_string_equal(pf_strmap_get(&m, "zeta"), "1");
	assert_null(pf_strmap_get(&m, "ALPHA"));
	assert_null(pf_strmap_get(&m, ""));
	for (size_t i = 0; i < m.n; i++) {
		free(m.keys[i]);
		free(m.v[i]);
	}
	free(m.keys);
	free(m.v);
}

/* A map set through the API emits in its insertion order. */
static void test_strmap_emit_order(void **state)
{
	struct pf_spec *spec = pf_spec_new();
	char *text;

	(void)state;
	assert_non_null(spec);
	assert_int_equal(pf_strmap_set(&spec->annotations, "org.z", "1"), 0);
	assert_int_equal(pf_strmap_set(&spec->annotations, "org.a", "2"), 0);
	assert_int_equal(pf_strmap_set(&spec->annotations, "org.z", "3"), 0);
	text = must_emit(spec);
	assert_string_equal(text, "{\n"
				  "\t\"ociVersion\": \"1.3.0\",\n"
				  "\t\"annotations\": {\n"
				  "\t\t\"org.z\": \"3\",\n"
				  "\t\t\"org.a\": \"2\"\n"
				  "\t}\n"
				  "}\n");
	free(text);
	pf_spec_free(spec);
}

#define WITH_CPU(quota) \
	"{\"ociVersion\": \"1.3.0\", \"linux\": {\"resources\": {\"cpu\": {\"shares\": 1024, " \
	"\"quota\": " quota ", \"period\": 100000}}}}"

/* A difference deep in the tree, in value or in presence, makes two specs unequal. */
static void test_equal_sees_deep_difference(void **state)
{
	struct pf_spec *a = must_parse(WITH_CPU("50000")), *b = must_parse(WITH_CPU("50000"));
	struct pf_cpu *cpu = b->linux_->resources->cpu;

	(void)state;
	assert_true(pf_spec_equal(a, b));
	assert_true(pf_obj_equal(&pf_spec_type, a, b));
	cpu->quota.v = 50001;
	assert_false(pf_spec_equal(a, b));
	assert_false(pf_obj_equal(&pf_resources_type, a->linux_->resources, b->linux_->resources));
	assert_true(pf_obj_equal(&pf_process_type, &(struct pf_process){ 0 },
				 &(struct pf_process){ 0 }));
	cpu->quota.v = 50000;
	assert_true(pf_spec_equal(a, b));
	/* same value, but absent: the emitted documents differ, so the models do too */
	cpu->quota.set = false;
	assert_false(pf_spec_equal(a, b));
	cpu->quota.set = true;
	cpu->quota.v = 50000;
	assert_true(pf_spec_equal(a, b));
	pf_obj_free(&pf_resources_type, b->linux_->resources);
	b->linux_->resources = NULL;
	assert_false(pf_spec_equal(a, b));
	pf_spec_free(a);
	pf_spec_free(b);
}

/* "args": [] is not the same as no args: it is kept through parse and emit (yajl writes an
 * empty array over two lines, "[\n\n\t\t]"). */
static void test_empty_vector_is_not_absent(void **state)
{
	struct pf_spec *empty = must_parse("{\"ociVersion\": \"1.3.0\", "
					   "\"process\": {\"cwd\": \"/\", \"args\": []}}");
	struct pf_spec *absent = must_parse("{\"ociVersion\": \"1.3.0\", "
					    "\"process\": {\"cwd\": \"/\"}}");
	char *with = must_emit(empty), *without = must_emit(absent);

	(void)state;
	assert_true(empty->process->args.set);
	assert_int_equal(empty->process->args.n, 0);
	assert_false(absent->process->args.set);
	assert_false(pf_spec_equal(empty, absent));
	assert_non_null(strstr(with, "\"args\": ["));
	assert_null(strstr(without, "args"));
	assert_spec_round_trip(empty);
	assert_spec_round_trip(absent);
	free(with);
	free(without);
	pf_spec_free(empty);
	pf_spec_free(absent);
}

/* Same for an empty object map. */
static void test_empty_map_is_not_absent(void **state)
{
	struct pf_spec *spec = must_parse("{\"ociVersion\": \"1.3.0\", \"annotations\": {}}");
	char *text = must_emit(spec);

	(void)state;
	assert_true(spec->annotations.set);
	assert_int_equal(spec->annotations.n, 0);
	assert_non_null(strstr(text, "\"annotations\": {"));
	assert_spec_round_trip(spec);
	free(text);
	pf_spec_free(spec);
}

static void test_uint64_max_round_trip(void **state)
{
	struct pf_spec *spec = must_parse(
		"{\"ociVersion\": \"1.3.0\", \"process\": {\"cwd\": \"/\", \"rlimits\": "
		"[{\"type\": \"RLIMIT_CORE\", \"soft\": 18446744073709551615, "
		"\"hard\": 18446744073709551615}]}}");
	char *text = must_emit(spec);

	(void)state;
	assert_true(spec->process->rlimits.v[0].soft.v == UINT64_MAX);
	assert_true(spec->process->rlimits.v[0].hard.v == UINT64_MAX);
	assert_non_null(strstr(text, "\"hard\": 18446744073709551615"));
	assert_spec_round_trip(spec);
	free(text);
	pf_spec_free(spec);
}

static void test_int64_limits_round_trip(void **state)
{
	struct pf_spec *spec = must_parse(
		"{\"ociVersion\": \"1.3.0\", \"linux\": {\"resources\": {\"memory\": "
		"{\"limit\": -9223372036854775808, \"swap\": 9223372036854775807, \"kernel\": 0}}}}");
	const struct pf_memory *mem = spec->linux_->resources->memory;
	char *text = must_emit(spec);

	(void)state;
	assert_true(mem->limit.v == INT64_MIN);
	assert_true(mem->swap.v == INT64_MAX);
	assert_true(mem->kernel.set && mem->kernel.v == 0);
	assert_non_null(strstr(text, "\"limit\": -9223372036854775808"));
	assert_non_null(strstr(text, "\"swap\": 9223372036854775807"));
	assert_spec_round_trip(spec);
	free(text);
	pf_spec_free(spec);
}

/* Escapes and non-ASCII text are decoded to UTF-8 and come back as the same string. */
static void test_unicode_and_escapes_round_trip(void **state)
{
	struct pf_spec *spec = must_parse(
		"{\"ociVersion\": \"1.3.0\", \"hostname\": "
		"\"caf\\u00e9 \\\"q\\\" back\\\\slash\\ttab\\nnl \\u2603 \\ud834\\udd1e \\/ \\u0001 "
		"\xe2\x82\xac\"}");
	char *text = must_emit(spec);

	(void)state;
	assert_string_equal(spec->hostname, "caf\xc3\xa9 \"q\" back\\slash\ttab\nnl \xe2\x98\x83 "
					    "\xf0\x9d\x84\x9e / \x01 \xe2\x82\xac");
	/* emitted as valid JSON: quotes, backslashes and control characters escaped */
	assert_non_null(strstr(text, "\\\"q\\\" back\\\\slash\\ttab\\nnl"));
	assert_null(strchr(text, '\x01'));
	assert_spec_round_trip(spec);
	free(text);
	pf_spec_free(spec);
}

/* Raw bytes (a command-line argument in another encoding, say) never become bad JSON. */
static void test_emit_refuses_invalid_utf8(void **state)
{
	static const char *const bad[] = {
		"\xff",                 /* never in UTF-8 */
		"caf\xe9",              /* Latin-1 */
		"\xc3\x28",             /* lead byte without continuation */
		"ok\x80",               /* continuation without lead byte */
		"\xe2\x82",             /* truncated at the end */
		"\xc0\xaf",             /* overlong '/' */
		"\xe0\x80\xaf",         /* overlong '/' again */
		"\xed\xa0\x80",         /* UTF-16 surrogate D800 */
		"\xf4\x90\x80\x80",     /* above U+10FFFF */
	};
	struct pf_error err = { 0 };

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct pf_spec *spec = pf_spec_new();
		char *text = NULL;
		size_t len = 12345;

		spec->hostname = strdup(bad[i]);
		assert_int_equal(pf_spec_emit(spec, &text, &len, &err), -1);
		assert_string_equal(err.msg, "encode config: a string is not valid UTF-8");
		assert_null(text);
		pf_spec_free(spec);
	}
}

/* The edges of what is valid are emitted. */
static void test_emit_accepts_valid_utf8_edges(void **state)
{
	static const char *const good[] = {
		"\x7f", "\xc2\x80", "\xdf\xbf", "\xe0\xa0\x80", "\xed\x9f\xbf", "\xee\x80\x80",
		"\xef\xbf\xbf", "\xf0\x90\x80\x80", "\xf4\x8f\xbf\xbf",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		struct pf_spec *spec = pf_spec_new();

		spec->hostname = strdup(good[i]);
		assert_spec_round_trip(spec);
		pf_spec_free(spec);
	}
}

/* The same for a map key. */
static void test_emit_refuses_invalid_utf8_key(void **state)
{
	struct pf_spec *spec = pf_spec_new();
	struct pf_error err = { 0 };
	char *text = NULL;

	(void)state;
	assert_int_equal(pf_strmap_set(&spec->annotations, "bad\xfe", "v"), 0);
	assert_int_equal(pf_spec_emit(spec, &text, NULL, &err), -1);
	assert_string_equal(err.msg, "encode config: a string is not valid UTF-8");
	assert_null(text);
	pf_spec_free(spec);
}

/* Freeing a half-built spec is safe, and clearing leaves zeroes. */
static void test_clear_leaves_zeroes(void **state)
{
	struct pf_spec *spec = must_parse(WITH_CPU("1"));
	static const struct pf_spec zero;

	(void)state;
	pf_obj_clear(&pf_spec_type, spec);
	assert_memory_equal(spec, &zero, sizeof(zero));
	pf_obj_clear(&pf_spec_type, spec);
	free(spec);
	pf_spec_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vec_push),
		cmocka_unit_test(test_strv_push_copies),
		cmocka_unit_test(test_strmap_set_and_get),
		cmocka_unit_test(test_strmap_emit_order),
		cmocka_unit_test(test_equal_sees_deep_difference),
		cmocka_unit_test(test_empty_vector_is_not_absent),
		cmocka_unit_test(test_empty_map_is_not_absent),
		cmocka_unit_test(test_uint64_max_round_trip),
		cmocka_unit_test(test_int64_limits_round_trip),
		cmocka_unit_test(test_unicode_and_escapes_round_trip),
		cmocka_unit_test(test_emit_refuses_invalid_utf8),
		cmocka_unit_test(test_emit_accepts_valid_utf8_edges),
		cmocka_unit_test(test_emit_refuses_invalid_utf8_key),
		cmocka_unit_test(test_clear_leaves_zeroes),
	};

	return cmocka_run_group_tests_name("model", tests, NULL, NULL);
}
