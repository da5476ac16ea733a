/* exec's command line (runc's). */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "bundle/reflect.h"
#include "bundle/validate.h"
#include "runtime/cli.h"
#include "runtime/exec.h"

enum { OPT_PROCESS = 256, OPT_CONSOLE, OPT_PID_FILE, OPT_CWD, OPT_CAP, OPT_NNP, OPT_PRESERVE,
       OPT_IGNORED };

static int parse_number(const char *s, int *out, struct pf_error *err)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s < '0' || *s > '9' || *end || v > 1024)
		return pf_fail(err, EINVAL, "exec: --preserve-fds: \"%s\" is not a number from 0 "
				       "to 1024", s);
	*out = (int)v;
	return 0;
}

static int parse_exec_opts(int argc, char **argv, struct pf_exec_opts *o, struct pf_error *err)
{
	static const struct option opts[] = {
		{ "process", required_argument, NULL, OPT_PROCESS },
		{ "console-socket", required_argument, NULL, OPT_CONSOLE },
		{ "pid-file", required_argument, NULL, OPT_PID_FILE },
		{ "cwd", required_argument, NULL, OPT_CWD },
		{ "env", required_argument, NULL, 'e' },
		{ "user", required_argument, NULL, 'u' },
		{ "cap", required_argument, NULL, OPT_CAP },
		{ "no-new-privs", no_argument, NULL, OPT_NNP },
		{ "preserve-fds", required_argument, NULL, OPT_PRESERVE },
		{ "tty", no_argument, NULL, 't' },
		{ "detach", no_argument, NULL, 'd' },
		/* accepted as runc does, meaningless without SELinux/AppArmor here */
		{ "process-label", required_argument, NULL, OPT_IGNORED },
		{ "apparmor", required_argument, NULL, OPT_IGNORED },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "+e:u:td", opts, NULL)) != -1) {
		switch (c) {
		case OPT_PROCESS: o->process_file = optarg; break;
		case OPT_CONSOLE: o->console_socket = optarg; break;
		case OPT_PID_FILE: o->pid_file = optarg; break;
		case OPT_CWD: o->cwd = optarg; break;
		case 'u': o->user = optarg; break;
		case OPT_NNP: o->no_new_privs = true; break;
		case 't': o->tty = true; break;
		case 'd': o->detach = true; break;
		case OPT_IGNORED: break;
		case 'e':
			if (pf_strv_push(&o->env, optarg) < 0)
				return pf_fail_errno(err, ENOMEM, "exec");
			break;
		case OPT_CAP:
			if (pf_strv_push(&o->caps, optarg) < 0)
				return pf_fail_errno(err, ENOMEM, "exec");
			break;
		case OPT_PRESERVE:
			if (parse_number(optarg, &o->preserve_fds, err) < 0)
				return -1;
			break;
		default:
			return pf_fail(err, EINVAL, "exec: unknown option \"%s\"", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return pf_fail(err, EINVAL, "exec: expected a container ID");
	if (!o->process_file && optind + 1 >= argc)
		return pf_fail(err, EINVAL, "exec: no command given (or --process FILE)");
	o->args = argv + optind + 1;
	o->n_args = argc - optind - 1;
	return optind;
}

int pf_cmd_exec(const struct pf_globals *g, int argc, char **argv, struct pf_error *err)
{
	struct pf_exec_opts o = { 0 };
	int at = parse_exec_opts(argc, argv, &o, err), rc = -1;

	if (at >= 0)
		rc = pf_exec(g, argv[at], &o, err);
	pf_strv_clear(&o.env);
	pf_strv_clear(&o.caps);
	return rc;
}
