/* The runtime-spec's own schema examples (shared/oci-spec/schema/test/{config,state,features}):
 * every good one parses, emits, re-parses to an equal model and emits byte-identical text; every
 * bad one is refused. One test per file, so a failure names the example. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bundle/config.h"
#include "bundle/features.h"
#include "bundle/json.h"
#include "bundle/state.h"
#include "tests/unit/unit.h"

#define MAX_EXAMPLES 256

/* The three document kinds behind one interface. */
struct kind {
	const char *dir;     /* under schema/test */
	const char *name;    /* the name errors start with */
	void *(*parse)(const char *buf, size_t len, const char *name, struct pf_error *err);
	int (*emit)(const void *doc, char **out, size_t *len, struct pf_error *err);
	bool (*equal)(const void *a, const void *b);
	void (*free)(void *doc);
};

static void *spec_parse(const char *b, size_t n, const char *name, struct pf_error *e)
{
	return pf_spec_parse(b, n, name, e);
}
static int spec_emit(const void *d, char **o, size_t *n, struct pf_error *e)
{
	return pf_spec_emit(d, o, n, e);
}
static bool spec_equal(const void *a, const void *b)
{
	return pf_spec_equal(a, b);
}
static void spec_free(void *d)
{
	pf_spec_free(d);
}

static void *state_parse(const char *b, size_t n, const char *name, struct pf_error *e)
{
	return pf_state_parse(b, n, name, e);
}
static int state_emit(const void *d, char **o, size_t *n, struct pf_error *e)
{
	return pf_state_emit(d, o, n, e);
}
static bool state_equal(const void *a, const void *b)
{
	return pf_state_equal(a, b);
}
static void state_free(void *d)
{
	pf_state_free(d);
}

static void *features_parse(const char *b, size_t n, const char *name, struct pf_error *e)
{
	return pf_features_parse(b, n, name, e);
}
static int features_emit(const void *d, char **o, size_t *n, struct pf_error *e)
{
	return pf_features_emit(d, o, n, e);
}
static bool features_equal(const void *a, const void *b)
{
	return pf_features_equal(a, b);
}
static void features_free(void *d)
{
	pf_features_free(d);
}

static const struct kind kinds[] = {
	{ "config", "config.json", spec_parse, spec_emit, spec_equal, spec_free },
	{ "state", "state.json", state_parse, state_emit, state_equal, state_free },
	{ "features", "features.json", features_parse, features_emit, features_equal, features_free },
};

/* Bad examples whose exact refusal we know; others need only be refused with a message. */
static const struct {
	const char *file;
	const char *msg;
} known_refusals[] = {
	{ "config/bad/invalid-json.json",
	  "config.json: line 1, column 2: invalid object key (must be a string)" },
	{ "config/bad/linux-hugepage.json",
	  "config.json: .linux.resources.hugepageLimits[0].pageSize: \"64kB\" is not a valid page "
	  "size like \"2MB\"" },
	{ "config/bad/linux-netdevice.json",
	  "config.json: .linux.netDevices.eth0.name: expected a string, got a number" },
	{ "config/bad/linux-rdma.json",
	  "config.json: .linux.resources.rdma.mlx5_1.hcaHandles: expected an integer, got a string" },
	{ "state/bad/invalid-json.json",
	  "state.json: line 1, column 2: invalid object key (must be a string)" },
	{ "features/bad/missing-ociVersionMax.json",
	  "features.json: .ociVersionMax: required property is missing" },
};

struct example {
	const struct kind *kind;
	bool good;
	char *rel;            /* "config/good/minimal.json" */
	char *path;
};

static struct example examples[MAX_EXAMPLES];
static struct CMUnitTest tests[MAX_EXAMPLES + 6];   /* + one per missing directory */
static size_t n_tests;
static char *shared_dir;

static char *read_example(const struct example *ex, size_t *len)
{
	struct pf_error err = { 0 };
	char *buf = NULL;

	if (pf_file_read(ex->path, &buf, len, &err) < 0)
		fail_msg("%s", err.msg);
	return buf;
}

static void test_good_example(void **state)
{
	const struct example *ex = *state;
	const struct kind *k = ex->kind;
	struct pf_error err = { 0 };
	size_t len, len2;
	char *buf = read_example(ex, &len), *first = NULL, *second = NULL;
	void *doc = k->parse(buf, len, k->name, &err), *again;

	if (!doc)
		fail_msg("%s: %s", ex->rel, err.msg);
	assert_int_equal(k->emit(doc, &first, &len, &err), 0);
	again = k->parse(first, len, k->name, &err);
	if (!again)
		fail_msg("%s: re-parsing the emitted text: %s\n%s", ex->rel, err.msg, first);
	assert_true(k->equal(doc, again));
	assert_int_equal(k->emit(again, &second, &len2, &err), 0);
	assert_int_equal(len, len2);
	assert_string_equal(first, second);
	free(second);
	assert_int_equal(k->emit(doc, &second, &len2, &err), 0);
	assert_string_equal(first, second);
	free(second);
	free(first);
	k->free(again);
	k->free(doc);
	free(buf);
}

static void test_bad_example(void **state)
{
	const struct example *ex = *state;
	const struct kind *k = ex->kind;
	struct pf_error err = { 0 };
	size_t len, prefix = strlen(k->name);
	char *buf = read_example(ex, &len);
	void *doc = k->parse(buf, len, k->name, &err);

	if (doc)
		fail_msg("%s: accepted", ex->rel);
	assert_true(strncmp(err.msg, k->name, prefix) == 0 && strncmp(err.msg + prefix, ": ", 2) == 0);
	assert_null(strchr(err.msg, '\n'));
	for (size_t i = 0; i < sizeof(known_refusals) / sizeof(known_refusals[0]); i++)
		if (strcmp(known_refusals[i].file, ex->rel) == 0)
			assert_string_equal(err.msg, known_refusals[i].msg);
	free(buf);
}

static void test_shared_missing(void **state)
{
	(void)state;
	print_message("# shared dir %s not found (set PFLASK_SHARED): examples not checked\n",
		      shared_dir);
	skip();
}

static void test_no_examples(void **state)
{
	const char *dir = *state;

	fail_msg("%s: no *.json examples", dir);
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Registers one test per *.json file of kind/{good,bad}, in name order. The strings live until
 * the process exits. */
static void add_examples(const struct kind *k, bool good)
{
	char *dir, *names[MAX_EXAMPLES];
	size_t n = 0;
	struct dirent *e;
	DIR *d;

	if (asprintf(&dir, "%s/oci-spec/schema/test/%s/%s", shared_dir, k->dir,
		     good ? "good" : "bad") < 0)
		abort();
	d = opendir(dir);
	while (d && (e = readdir(d)) && n < MAX_EXAMPLES) {
		size_t len = strlen(e->d_name);

		if (len > 5 && strcmp(e->d_name + len - 5, ".json") == 0)
			names[n++] = strdup(e->d_name);
	}
	if (d)
		closedir(d);
	if (n == 0) {
		tests[n_tests++] = (struct CMUnitTest){ .name = dir, .test_func = test_no_examples,
							.initial_state = dir };
		return;
	}
	qsort(names, n, sizeof(names[0]), compare_names);
	for (size_t i = 0; i < n && n_tests < MAX_EXAMPLES; i++) {
		struct example *ex = &examples[n_tests];

		ex->kind = k;
		ex->good = good;
		if (asprintf(&ex->rel, "%s/%s/%s", k->dir, good ? "good" : "bad", names[i]) < 0 ||
		    asprintf(&ex->path, "%s/%s", dir, names[i]) < 0)
			abort();
		tests[n_tests++] = (struct CMUnitTest){ .name = ex->rel,
			.test_func = good ? test_good_example : test_bad_example, .initial_state = ex };
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(dir);
}

/* PFLASK_SHARED, else $PFLASK_ROOT/../shared (the runner exports PFLASK_ROOT), else ../shared
 * from the repository top, where the runner starts us. */
static void find_shared(void)
{
	const char *env = getenv("PFLASK_SHARED"), *root = getenv("PFLASK_ROOT");

	int n;

	if (env && *env)
		n = asprintf(&shared_dir, "%s", env);
	else if (root && *root)
		n = asprintf(&shared_dir, "%s/../shared", root);
	else
		n = asprintf(&shared_dir, "../shared");
	if (n < 0)
		abort();
}

int main(void)
{
	struct stat st;

	find_shared();
	if (stat(shared_dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		tests[n_tests++] = (struct CMUnitTest){ .name = "schema examples",
							.test_func = test_shared_missing };
	} else {
		for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
			add_examples(&kinds[i], true);
			add_examples(&kinds[i], false);
		}
	}
	return _cmocka_run_group_tests("examples", tests, n_tests, NULL, NULL);
}
