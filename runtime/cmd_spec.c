/* `spec` writes the default bundle configuration; `validate` checks one. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bundle/cleanup.h"
#include "bundle/config.h"
#include "bundle/defaults.h"
#include "bundle/validate.h"
#include "runtime/cli.h"

static int config_path(const char *bundle, char *out, size_t size, struct pf_error *err)
{
	int n = snprintf(out, size, "%s/config.json", bundle);

	if (n < 0 || (size_t)n >= size)
		return pf_fail(err, ENAMETOOLONG, "--bundle: path too long");
	return 0;
}

/* getopt_long is kept quiet (opterr = 0, only main speaks), so the offending option is named here:
 * a short one is in optopt, a long one (or "--flag=value" misuse) is the whole argument. */
static int bad_option(const char *verb, int c, char **argv, struct pf_error *err)
{
	const char *arg = argv[optind - 1];
	char name[3] = { '-', (char)optopt, '\0' };

	if (optopt && strncmp(arg, "--", 2) != 0)
		arg = name;
	if (c == ':')
		return pf_fail(err, EINVAL, "%s: option \"%s\" needs an argument", verb, arg);
	return pf_fail(err, EINVAL, "%s: unknown option \"%s\" (see %s --help)", verb, arg, verb);
}

int pf_cmd_spec(const struct pf_globals *g, int argc, char **argv, struct pf_error *err)
{
	static const struct option opts[] = {
		{ "bundle", required_argument, NULL, 'b' },
		{ "rootless", no_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	const char *bundle = ".";
	bool rootless = g->rootless;
	_cleanup_spec_ struct pf_spec *spec = NULL;
	char path[PATH_MAX];
	int c;

	while ((c = getopt_long(argc, argv, "+:b:", opts, NULL)) != -1) {
		if (c == 'b')
			bundle = optarg;
		else if (c == 'r')
			rootless = true;
		else
			return bad_option("spec", c, argv, err);
	}
	if (optind < argc)
		return pf_fail(err, EINVAL, "spec: unexpected argument \"%s\"", argv[optind]);
	/* "" would make the path "/config.json" */
	if (!*bundle)
		return pf_fail(err, EINVAL, "spec: --bundle: empty path");
	if (config_path(bundle, path, sizeof(path), err) < 0)
		return -1;
	spec = pf_spec_default(rootless, geteuid(), getegid(), err);
	if (!spec || pf_spec_save(spec, path, true, err) < 0)
		return pf_error_prefix(err, "spec");
	return 0;
}

int pf_cmd_validate(const struct pf_globals *g, int argc, char **argv, struct pf_error *err)
{
	static const struct option opts[] = {
		{ "bundle", required_argument, NULL, 'b' },
		{ NULL, 0, NULL, 0 },
	};
	const char *bundle = ".";
	_cleanup_spec_ struct pf_spec *spec = NULL;
	pf_strv problems = { 0 };
	int c, found;

	(void)g;
	while ((c = getopt_long(argc, argv, "+:b:", opts, NULL)) != -1) {
		if (c == 'b')
			bundle = optarg;
		else
			return bad_option("validate", c, argv, err);
	}
	if (optind < argc)
		return pf_fail(err, EINVAL, "validate: unexpected argument \"%s\"", argv[optind]);
	if (!*bundle)
		return pf_fail(err, EINVAL, "validate: --bundle: empty path");
	spec = pf_spec_load(bundle, err);
	if (!spec) {
		/* a parse error is a problem like the others: same form, same exit status */
		fprintf(stderr, "%s\n", err->msg);
		return 1;
	}
	found = pf_spec_validate(spec, &problems);
	if (found < 0) {
		pf_strv_clear(&problems);
		return pf_fail_errno(err, ENOMEM, "validate");
	}
	/* every problem is reported, so these lines are the command's output, not one error */
	for (size_t i = 0; i < problems.n; i++)
		fprintf(stderr, "%s\n", problems.v[i]);
	pf_strv_clear(&problems);
	return found ? 1 : 0;
}
