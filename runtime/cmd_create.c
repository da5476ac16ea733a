/* create, start and run. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle/cleanup.h"
#include "runtime/cli.h"
#include "runtime/container.h"

enum { OPT_PID_FILE = 256, OPT_CONSOLE, OPT_NO_PIVOT, OPT_NO_KEYRING, OPT_PRESERVE, OPT_KEEP,
       OPT_NO_SUBREAPER };

struct run_opts {
	struct pf_create_opts create;
	struct pf_run_opts run;
};

static int parse_preserve(const char *s, int *out, struct pf_error *err)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s < '0' || *s > '9' || *end || v > 1024)
		return pf_fail(err, EINVAL, "--preserve-fds: \"%s\" is not a number from 0 to 1024", s);
	*out = (int)v;
	return 0;
}

/* The options create and run share, plus run's own when `run` is true. Returns optind. */
static int parse_create_opts(int argc, char **argv, bool run, struct run_opts *o,
			     struct pf_error *err)
{
	static const struct option opts[] = {
		{ "bundle", required_argument, NULL, 'b' },
		{ "pid-file", required_argument, NULL, OPT_PID_FILE },
		{ "console-socket", required_argument, NULL, OPT_CONSOLE },
		{ "no-pivot", no_argument, NULL, OPT_NO_PIVOT },
		{ "no-new-keyring", no_argument, NULL, OPT_NO_KEYRING },
		{ "preserve-fds", required_argument, NULL, OPT_PRESERVE },
		{ "detach", no_argument, NULL, 'd' },
		{ "keep", no_argument, NULL, OPT_KEEP },
		{ "no-subreaper", no_argument, NULL, OPT_NO_SUBREAPER },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	o->create.bundle = ".";
	while ((c = getopt_long(argc, argv, run ? "+b:d" : "+b:", opts, NULL)) != -1) {
		switch (c) {
		case 'b': o->create.bundle = optarg; break;
		case OPT_PID_FILE: o->create.pid_file = optarg; break;
		case OPT_CONSOLE: o->create.console_socket = optarg; break;
		case OPT_NO_PIVOT: o->create.no_pivot = true; break;
		case OPT_NO_KEYRING: o->create.no_new_keyring = true; break;
		case OPT_NO_SUBREAPER: break;
		case OPT_PRESERVE:
			if (parse_preserve(optarg, &o->create.preserve_fds, err) < 0)
				return -1;
			break;
		case 'd':
			o->run.detach = true;
			break;
		case OPT_KEEP:
			if (run) {
				o->run.keep = true;
				break;
			}
			/* fallthrough */
		default:
			return pf_fail(err, EINVAL, "%s: unknown option \"%s\"", argv[0],
				       argv[optind - 1]);
		}
	}
	if (optind + 1 != argc)
		return pf_fail(err, EINVAL, "%s: expected exactly one container ID", argv[0]);
	return optind;
}

int pf_cmd_create(const struct pf_globals *g, int argc, char **argv, struct pf_error *err)
{
	struct run_opts o = { 0 };
	struct pf_launch l = { 0 };
	int at = parse_create_opts(argc, argv, false, &o, err), rc;

	if (at < 0)
		return -1;
	l.g = g;
	l.id = argv[at];
	l.opts = o.create;
	rc = pf_create_container(&l, err);
	pf_launch_clear(&l);
	return rc;
}

int pf_cmd_start(const struct pf_globals *g, int argc, char **argv, struct pf_error *err)
{
	struct pf_store s = { NULL, -1 };
	struct pf_record *r = NULL;
	int rc;

	if (argc != 2)
		return pf_fail(err, EINVAL, "start: expected exactly one container ID");
	if (pf_store_open(g->root, argv[1], &s, err) < 0)
		return -1;
	rc = pf_store_load(&s, &r, err);
	if (rc == 0)
		rc = pf_container_start(&s, r, NULL, err);
	pf_record_free(r);
	pf_store_close(&s);
	return rc < 0 ? pf_error_prefix(err, "start %s", argv[1]) : 0;
}

int pf_cmd_run(const struct pf_globals *g, int argc, char **argv, struct pf_error *err)
{
	struct run_opts o = { 0 };
	struct pf_launch l = { 0 };
	int at = parse_create_opts(argc, argv, true, &o, err), rc;

	if (at < 0)
		return -1;
	l.g = g;
	l.id = argv[at];
	l.opts = o.create;
	rc = pf_run_container(&l, &o.run, err);
	pf_launch_clear(&l);
	return rc;
}
