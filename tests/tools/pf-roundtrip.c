/* pf-roundtrip config|state|features FILE: parses FILE with the bundle library and writes what
 * the library emits for it to stdout. A refused document gives one line on stderr and exit 1;
 * a bad command line gives exit 2. The schema tests feed the output to schema-check.py. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle/cleanup.h"
#include "bundle/config.h"
#include "bundle/features.h"
#include "bundle/json.h"
#include "bundle/state.h"

/* Parses buf as KIND and emits it again into *out; returns -1 with err filled. */
static int roundtrip(const char *kind, const char *buf, size_t len, const char *name, char **out,
		     size_t *out_len, struct pf_error *err)
{
	int rc = -1;

	if (strcmp(kind, "config") == 0) {
		_cleanup_spec_ struct pf_spec *spec = pf_spec_parse(buf, len, name, err);

		if (spec)
			rc = pf_spec_emit(spec, out, out_len, err);
	} else if (strcmp(kind, "state") == 0) {
		struct pf_state *st = pf_state_parse(buf, len, name, err);

		if (st)
			rc = pf_state_emit(st, out, out_len, err);
		pf_state_free(st);
	} else {
		struct pf_features *f = pf_features_parse(buf, len, name, err);

		if (f)
			rc = pf_features_emit(f, out, out_len, err);
		pf_features_free(f);
	}
	return rc;
}

int main(int argc, char **argv)
{
	_cleanup_free_ char *buf = NULL, *out = NULL;
	struct pf_error err = { 0 };
	size_t len, out_len;
	const char *name;

	if (argc != 3 || (strcmp(argv[1], "config") != 0 && strcmp(argv[1], "state") != 0 &&
			  strcmp(argv[1], "features") != 0)) {
		fprintf(stderr, "usage: pf-roundtrip config|state|features FILE\n");
		return 2;
	}
	name = strrchr(argv[2], '/') ? strrchr(argv[2], '/') + 1 : argv[2];
	if (pf_file_read(argv[2], &buf, &len, &err) < 0 ||
	    roundtrip(argv[1], buf, len, name, &out, &out_len, &err) < 0) {
		fprintf(stderr, "pf-roundtrip: %s\n", err.msg);
		return 1;
	}
	if (fwrite(out, 1, out_len, stdout) != out_len || fflush(stdout) != 0) {
		perror("pf-roundtrip: write");
		return 1;
	}
	return 0;
}
