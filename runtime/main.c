/* pflask-runtime: an OCI runtime with runc's command line. Only this file prints errors. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bundle/config.h"
#include "runtime/cli.h"
#include "runtime/exeseal.h"
#include "runtime/log.h"
#include "runtime/store.h"

static const struct pf_verb verbs[] = {
	{ "create", "create a container from a bundle; its process waits for start",
	  "[--bundle|-b DIR] [--pid-file F] [--console-socket S] [--no-pivot] [--no-new-keyring]\n"
	  "       [--preserve-fds N] ID", pf_cmd_create },
	{ "start", "run the process of a created container", "ID", pf_cmd_start },
	{ "run", "create and start a container, wait for it and delete it",
	  "[create options] [--detach|-d] [--keep] ID", pf_cmd_run },
	{ "state", "print the state JSON of a container", "ID", pf_cmd_state },
	{ "list", "list containers", "[--format table|json] [--quiet|-q]", pf_cmd_list },
	{ "kill", "send a signal (default TERM) to a container's init",
	  "[--all|-a] ID [SIGNAL]", pf_cmd_kill },
	{ "delete", "delete a stopped container (any, with --force)", "[--force|-f] ID",
	  pf_cmd_delete },
	{ "exec", "run a new process in a running container",
	  "[--process FILE] [--tty|-t] [--console-socket S] [--detach|-d] [--pid-file F]\n"
	  "       [--cwd DIR] [--env|-e N=V]... [--user|-u UID[:GID]] [--cap CAP]... [--no-new-privs]\n"
	  "       [--preserve-fds N] ID [COMMAND [ARG...]]", pf_cmd_exec },
	{ "ps", "list the processes of a container", "[--format table|json] ID [PS OPTIONS]",
	  pf_cmd_ps },
	{ "pause", "freeze every process of a container", "ID", pf_cmd_pause },
	{ "resume", "thaw a paused container", "ID", pf_cmd_resume },
	{ "update", "change the resource limits of a running container",
	  "[--resources FILE|-] [--memory N] [--memory-reservation N] [--memory-swap N]\n"
	  "       [--cpu-share N] [--cpu-quota N] [--cpu-period N] [--cpu-rt-runtime N]\n"
	  "       [--cpu-rt-period N] [--cpuset-cpus L] [--cpuset-mems L] [--pids-limit N]\n"
	  "       [--blkio-weight N] ID", pf_cmd_update },
	{ "events", "print resource usage as JSON lines (once with --stats)",
	  "[--stats] [--interval SECONDS] ID", pf_cmd_events },
	{ "features", "print what this runtime implements (features.json)", "", pf_cmd_features },
	{ "spec", "write a default config.json into the bundle",
	  "[--bundle|-b DIR] [--rootless]", pf_cmd_spec },
	{ "validate", "check a bundle's config.json; one line per problem",
	  "[--bundle|-b DIR]", pf_cmd_validate },
	/* netif (runtime/cmd_netif.c) */
	{ "netif", "make network interfaces in a container (as an OCI createRuntime hook)",
	  "[--pid PID] lo | veth:OUTSIDE:INSIDE | macvlan:MASTER:NAME | ipvlan:MASTER:NAME...\n"
	  "       The container's process is the pid of the state JSON on stdin, or --pid.\n"
	  "       lo: set lo up. veth: a pair, OUTSIDE up on the host, INSIDE in the container.\n"
	  "       macvlan, ipvlan: a link on the host's MASTER, made in the container as NAME.\n"
	  "       Links in the container are left down, without addresses.", pf_cmd_netif },
	{ NULL, NULL, NULL, NULL },
};

const struct pf_verb *pf_find_verb(const char *name)
{
	for (const struct pf_verb *v = verbs; v->name; v++)
		if (strcmp(v->name, name) == 0)
			return v;
	return NULL;
}

bool pf_wants_help(const struct pf_verb *verb, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			printf("usage: pflask-runtime [global options] %s %s\n\n%s\n", verb->name,
			       verb->usage, verb->summary);
			return true;
		}
	}
	return false;
}

static void print_usage(FILE *out)
{
	fprintf(out, "usage: pflask-runtime [global options] COMMAND [options] [ID]\n\n"
		     "Global options:\n"
		     "  --root DIR           state directory (default /run/pflask)\n"
		     "  --log FILE           also write errors and debug messages to FILE\n"
		     "  --log-format FORMAT  text or json\n"
		     "  --debug              log debug messages\n"
		     "  --version, -v        print the version\n"
		     "  --help, -h           print this help\n\nCommands:\n");
	for (const struct pf_verb *v = verbs; v->name; v++)
		fprintf(out, "  %-10s %s\n", v->name, v->summary);
}

static void print_version(void)
{
	printf("pflask-runtime version %s\nspec: %s\n", PF_RUNTIME_VERSION, PF_OCI_VERSION);
}

enum { OPT_ROOT = 256, OPT_LOG, OPT_LOG_FORMAT, OPT_DEBUG, OPT_SYSTEMD, OPT_ROOTLESS };

/* Returns the index of the verb in argv, 0 after printing help/version, or -1 on a bad flag. */
static int parse_globals(int argc, char **argv, struct pf_globals *g, struct pf_error *err)
{
	static const struct option opts[] = {
		{ "root", required_argument, NULL, OPT_ROOT },
		{ "log", required_argument, NULL, OPT_LOG },
		{ "log-format", required_argument, NULL, OPT_LOG_FORMAT },
		{ "debug", no_argument, NULL, OPT_DEBUG },
		{ "systemd-cgroup", no_argument, NULL, OPT_SYSTEMD },
		{ "rootless", required_argument, NULL, OPT_ROOTLESS },
		{ "version", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:vh", opts, NULL)) != -1) {
		switch (c) {
		case OPT_ROOT: g->root = optarg; break;
		case OPT_LOG: g->log_path = optarg; break;
		case OPT_LOG_FORMAT:
			if (strcmp(optarg, "json") == 0)
				g->log_format = PF_LOG_JSON;
			else if (strcmp(optarg, "text") == 0)
				g->log_format = PF_LOG_TEXT;
			else
				return pf_fail(err, EINVAL, "--log-format: \"%s\" is not text or json",
					       optarg);
			break;
		case OPT_DEBUG: g->debug = true; break;
		case OPT_SYSTEMD: g->systemd_cgroup = true; break;
		case OPT_ROOTLESS: g->rootless = strcmp(optarg, "true") == 0; break;
		case 'v': print_version(); return 0;
		case 'h': print_usage(stdout); return 0;
		case ':':
			return pf_fail(err, EINVAL, "global option \"%s\" needs an argument",
				       argv[optind - 1]);
		default:
			return pf_fail(err, EINVAL, "unknown global option \"%s\"", argv[optind - 1]);
		}
	}
	if (optind >= argc) {
		print_usage(stderr);
		return pf_fail(err, EINVAL, "no command given");
	}
	return optind;
}

static bool enters_container(const struct pf_verb *verb)
{
	return verb->run == pf_cmd_create || verb->run == pf_cmd_run || verb->run == pf_cmd_exec;
}

int main(int argc, char **argv)
{
	struct pf_globals g = { .root = pf_store_default_root() };
	struct pf_error err = { 0 };
	const struct pf_verb *verb;
	int at, rc;

	at = parse_globals(argc, argv, &g, &err);
	if (at == 0)
		return 0;
	pf_log_init(&g);
	if (at < 0) {
		pf_log_error(&err);
		return 1;
	}
	verb = pf_find_verb(argv[at]);
	if (!verb) {
		pf_fail(&err, EINVAL, "unknown command \"%s\" (see --help)", argv[at]);
		pf_log_error(&err);
		return 1;
	}
	if (pf_wants_help(verb, argc - at, argv + at))
		return 0;
	/* their processes enter containers as forks of this one (CVE-2019-5736) */
	if (enters_container(verb) && pf_exe_seal(argv, &err) < 0) {
		pf_log_error(&err);
		return 1;
	}
	optind = 1;
	rc = verb->run(&g, argc - at, argv + at, &err);
	if (rc < 0) {
		pf_log_error(&err);
		return 1;
	}
	return rc;
}
