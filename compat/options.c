/* The original pflask command line: getopt_long with the original letters. "+" stops at the
 * first operand, so the command's own options are left to it: `pflask -r /x ls -l`. Errors
 * are made here, not printed by getopt: each names the flag as it was given. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle/cleanup.h"
#include "bundle/reflect.h"
#include "bundle/validate.h"
#include "compat/internal.h"
#include "compat/pflask.h"
#include "runtime/store.h"

#define HOSTNAME_MAX 64      /* the kernel's __NEW_UTS_LEN */

enum { OPT_EMIT_BUNDLE = 256, OPT_NAME, OPT_VERSION };

/* Leading ':' : getopt reports a missing argument as ':' and prints nothing. */
static const char opt_short[] = "+:r:c:t:m:n::u:e:wg:b:da:s:kUMNIHPh";

static const struct option opt_long[] = {
	{ "chroot", required_argument, NULL, 'r' },
	{ "chdir", required_argument, NULL, 'c' },
	{ "hostname", required_argument, NULL, 't' },
	{ "mount", required_argument, NULL, 'm' },
	{ "netif", optional_argument, NULL, 'n' },
	{ "user", required_argument, NULL, 'u' },
	{ "user-map", required_argument, NULL, 'e' },
	{ "ephemeral", no_argument, NULL, 'w' },
	{ "cgroup", required_argument, NULL, 'g' },
	{ "caps", required_argument, NULL, 'b' },
	{ "detach", no_argument, NULL, 'd' },
	{ "attach", required_argument, NULL, 'a' },
	{ "setenv", required_argument, NULL, 's' },
	{ "keepenv", no_argument, NULL, 'k' },
	{ "no-userns", no_argument, NULL, 'U' },
	{ "no-mountns", no_argument, NULL, 'M' },
	{ "no-netns", no_argument, NULL, 'N' },
	{ "no-ipcns", no_argument, NULL, 'I' },
	{ "no-utsns", no_argument, NULL, 'H' },
	{ "no-pidns", no_argument, NULL, 'P' },
	{ "emit-bundle", required_argument, NULL, OPT_EMIT_BUNDLE },
	{ "name", required_argument, NULL, OPT_NAME },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

int pf_split_fields(const char *s, char sep, char **copy, char **fields, size_t max)
{
	char *rest, *f;
	int n = 0;

	*copy = strdup(s);
	if (!*copy)
		return -1;
	rest = *copy;
	while ((f = strsep(&rest, (char[]){ sep, '\0' })) != NULL) {
		if ((size_t)n < max)
			fields[n] = f;
		n++;
	}
	return n;
}

/* The flag as it was given, for messages: "--chroot=/x", "-r /x", "-neth0:e0", "--netif".
 * The argument's control characters are escaped: the message stays one line. */
static const char *opt_text(char *buf, size_t size, int c, int longindex, const char *arg)
{
	char esc[PF_ERROR_MAX / 2];
	const char *a = pf_escape(esc, sizeof(esc), arg ? arg : "");

	if (longindex >= 0 && arg)
		snprintf(buf, size, "--%s=%s", opt_long[longindex].name, a);
	else if (longindex >= 0)
		snprintf(buf, size, "--%s", opt_long[longindex].name);
	else if (arg && c == 'n')    /* an optional argument is only ever attached */
		snprintf(buf, size, "-%c%s", c, a);
	else if (arg)
		snprintf(buf, size, "-%c %s", c, a);
	else
		snprintf(buf, size, "-%c", c);
	return buf;
}

static int opt_set_str(char **dst, const char *arg, struct pf_error *err)
{
	char *s = strdup(arg);

	if (!s)
		return pf_fail_errno(err, ENOMEM, "out of memory");
	free(*dst);
	*dst = s;
	return 0;
}

static int opt_absolute(const char *arg, struct pf_error *err)
{
	char q[PF_QUOTE_MAX];

	if (arg[0] == '/')
		return 0;
	return pf_fail(err, EINVAL, "%s is not an absolute path", pf_quote(q, sizeof(q), arg));
}

/* The chroot is made absolute and canonical here, so a missing one fails before anything
 * is made, and every later path built on it (overlay lower directories) is real. */
static int opt_chroot(struct pf_options *o, const char *arg, struct pf_error *err)
{
	char *path = realpath(arg, NULL);
	int e = errno;
	struct stat st;

	if (!path)
		return pf_fail(err, e, "%s", strerror(e));
	if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode)) {
		free(path);
		return pf_fail(err, ENOTDIR, "%s", strerror(ENOTDIR));
	}
	free(o->chroot);
	o->chroot = path;
	return 0;
}

static int opt_hostname(struct pf_options *o, const char *arg, struct pf_error *err)
{
	if (!arg[0])
		return pf_fail(err, EINVAL, "the hostname must not be empty");
	if (strlen(arg) > HOSTNAME_MAX)
		return pf_fail(err, EINVAL, "longer than %d characters", HOSTNAME_MAX);
	return opt_set_str(&o->hostname, arg, err);
}

static int opt_attach(struct pf_options *o, const char *arg, struct pf_error *err)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (arg[0] < '0' || arg[0] > '9' || *end || errno || v <= 0 || v > INT_MAX)
		return pf_fail(err, EINVAL, "not a process id");
	o->attach = (pid_t)v;
	return 0;
}

static int opt_nonempty(char **dst, const char *arg, const char *what, struct pf_error *err)
{
	if (!arg[0])
		return pf_fail(err, EINVAL, "the %s must not be empty", what);
	return opt_set_str(dst, arg, err);
}

static int opt_push_nonempty(pf_strv *v, const char *arg, const char *what,
			     struct pf_error *err)
{
	if (!arg[0])
		return pf_fail(err, EINVAL, "the %s must not be empty", what);
	return pf_strv_push(v, arg) < 0 ? pf_fail_errno(err, ENOMEM, "out of memory") : 0;
}

/* The flags taking no argument; false for any other. */
static bool opt_apply_switch(struct pf_options *o, int c)
{
	bool *flag;

	switch (c) {
	case 'w': flag = &o->ephemeral; break;
	case 'd': flag = &o->detach; break;
	case 'k': flag = &o->keepenv; break;
	case 'U': flag = &o->no_userns; break;
	case 'M': flag = &o->no_mountns; break;
	case 'N': flag = &o->no_netns; break;
	case 'I': flag = &o->no_ipcns; break;
	case 'H': flag = &o->no_utsns; break;
	case 'P': flag = &o->no_pidns; break;
	case 'h': flag = &o->help; break;
	case OPT_VERSION: flag = &o->version; break;
	default: return false;
	}
	*flag = true;
	return true;
}

static int opt_mount(struct pf_options *o, const char *arg, struct pf_error *err)
{
	struct pf_mount_flag m, *slot;

	if (pf_parse_mount(arg, &m, err) < 0)
		return -1;
	slot = PF_VEC_PUSH(&o->mounts);
	if (!slot) {
		pf_mount_flag_clear(&m);
		return pf_fail_errno(err, ENOMEM, "out of memory");
	}
	*slot = m;
	return 0;
}

static int opt_netif(struct pf_options *o, const char *arg, struct pf_error *err)
{
	struct pf_netif_flag n, *slot;

	if (pf_parse_netif(arg, &n, err) < 0)
		return -1;
	slot = PF_VEC_PUSH(&o->netifs);
	if (!slot) {
		pf_netif_flag_clear(&n);
		return pf_fail_errno(err, ENOMEM, "out of memory");
	}
	*slot = n;
	o->netif_given = true;
	return 0;
}

static int opt_user_map(struct pf_options *o, const char *arg, struct pf_error *err)
{
	struct pf_user_map m, *slot;

	if (pf_parse_user_map(arg, &m, err) < 0)
		return -1;
	slot = PF_VEC_PUSH(&o->user_maps);
	if (!slot)
		return pf_fail_errno(err, ENOMEM, "out of memory");
	*slot = m;
	return 0;
}

static int opt_apply(struct pf_options *o, int c, const char *arg, struct pf_error *err)
{
	switch (c) {
	case 'r': return opt_chroot(o, arg, err);
	case 'c': return opt_absolute(arg, err) < 0 ? -1 : opt_set_str(&o->chdir, arg, err);
	case 't': return opt_hostname(o, arg, err);
	case 'm': return opt_mount(o, arg, err);
	case 'n': return opt_netif(o, arg, err);
	case 'u': return opt_nonempty(&o->user, arg, "user name", err);
	case 'e': return opt_user_map(o, arg, err);
	case 'g': return opt_push_nonempty(&o->cgroups, arg, "controller", err);
	case 'b':
		o->caps_given = true;
		return pf_parse_caps(arg, &o->caps, err);
	case 'a': return opt_attach(o, arg, err);
	case 's': return pf_parse_setenv(arg, &o->setenv, err);
	case OPT_EMIT_BUNDLE: return opt_nonempty(&o->emit_bundle, arg, "bundle directory", err);
	case OPT_NAME:
		return pf_store_check_id(arg, err) < 0 ? -1 : opt_set_str(&o->name, arg, err);
	default: return pf_fail(err, EINVAL, "option not handled");
	}
}

/* Long options matching the prefix in text ("--ch" matches --chroot and --chdir). */
static int opt_prefix_matches(const char *text)
{
	size_t len;
	int n = 0;

	if (strncmp(text, "--", 2) != 0)
		return 0;
	len = strcspn(text + 2, "=");
	for (const struct option *l = opt_long; l->name; l++)
		n += strncmp(l->name, text + 2, len) == 0;
	return n;
}

static bool opt_known(int val)
{
	for (const struct option *l = opt_long; l->name; l++)
		if (l->val == val)
			return true;
	return false;
}

/* getopt's '?' and ':' as one line. For '?', optopt is 0 for an unknown long option, a known
 * option for a long one given an argument it does not take, and an unknown letter for an
 * unknown short option. A long option has always moved optind past itself, so its text is
 * argv[optind - 1]; a short one may still be inside a cluster ("-kx"), so it is named alone. */
static int opt_getopt_error(int c, char **argv, struct pf_error *err)
{
	char esc[PF_ERROR_MAX / 2], letter[8];
	const char *text = pf_escape(esc, sizeof(esc), optind > 0 ? argv[optind - 1] : "");

	if (c == ':')
		return strncmp(text, "--", 2) == 0
			       ? pf_fail(err, EINVAL, "%s: needs an argument", text)
			       : pf_fail(err, EINVAL, "-%c: needs an argument", optopt);
	if (optopt == 0 && opt_prefix_matches(text) > 1)
		return pf_fail(err, EINVAL, "%s: ambiguous option (see pflask --help)", text);
	if (optopt == 0)
		return pf_fail(err, EINVAL, "%s: unknown option (see pflask --help)", text);
	if (opt_known(optopt))
		return pf_fail(err, EINVAL, "%s: takes no argument", text);
	return pf_fail(err, EINVAL, "-%s: unknown option (see pflask --help)",
		       pf_escape(letter, sizeof(letter), (char[]){ (char)optopt, '\0' }));
}

/* Flags that cannot be given together, or one without the other. */
static int opt_check_combinations(const struct pf_options *o, struct pf_error *err)
{
	char esc[PF_ERROR_MAX / 2];

	if (o->ephemeral && !o->chroot)
		return pf_fail(err, EINVAL, "--ephemeral: needs --chroot");
	if (o->hostname && o->no_utsns)
		return pf_fail(err, EINVAL, "--hostname=%s: needs a UTS namespace (drop --no-utsns)",
			       pf_escape(esc, sizeof(esc), o->hostname));
	if (o->no_mountns && o->chroot)
		return pf_fail(err, EINVAL, "--chroot=%s: needs a mount namespace (drop --no-mountns)",
			       pf_escape(esc, sizeof(esc), o->chroot));
	if (o->no_mountns && o->mounts.n)
		return pf_fail(err, EINVAL, "--mount: needs a mount namespace (drop --no-mountns)");
	if (o->no_netns && o->netif_given)
		return pf_fail(err, EINVAL, "--netif%s%s: needs a network namespace (drop --no-netns)",
			       o->netifs.v[0].spec ? "=" : "",
			       o->netifs.v[0].spec ? pf_escape(esc, sizeof(esc), o->netifs.v[0].spec)
						   : "");
	return 0;
}

static int opt_finish(struct pf_options *o, int argc, char **argv, struct pf_error *err)
{
	for (int i = optind; i < argc; i++)
		if (pf_strv_push(&o->command, argv[i]) < 0)
			return pf_fail_errno(err, ENOMEM, "out of memory");
	if (!o->name && asprintf(&o->name, "pflask-%d", (int)getpid()) < 0) {
		o->name = NULL;
		return pf_fail_errno(err, ENOMEM, "out of memory");
	}
	return opt_check_combinations(o, err);
}

int pf_options_parse(int argc, char **argv, struct pf_options *o, struct pf_error *err)
{
	int c, longindex = -1;

	memset(o, 0, sizeof(*o));
	opterr = 0;
	optind = 0;    /* glibc: a full restart, so the parser can run more than once */
	while ((c = getopt_long(argc, argv, opt_short, opt_long, &longindex)) != -1) {
		if (c == '?' || c == ':')
			return opt_getopt_error(c, argv, err);
		if (!opt_apply_switch(o, c) && opt_apply(o, c, optarg, err) < 0) {
			char flag[PF_ERROR_MAX / 2];

			return pf_error_prefix(err, "%s", opt_text(flag, sizeof(flag), c,
								    longindex, optarg));
		}
		longindex = -1;
	}
	if (o->help || o->version)
		return 0;
	return opt_finish(o, argc, argv, err);
}

void pf_options_clear(struct pf_options *o)
{
	free(o->chroot);
	free(o->chdir);
	free(o->hostname);
	for (size_t i = 0; i < o->mounts.n; i++)
		pf_mount_flag_clear(&o->mounts.v[i]);
	free(o->mounts.v);
	for (size_t i = 0; i < o->netifs.n; i++)
		pf_netif_flag_clear(&o->netifs.v[i]);
	free(o->netifs.v);
	free(o->user);
	free(o->user_maps.v);
	pf_strv_clear(&o->cgroups);
	pf_strv_clear(&o->caps);
	pf_strv_clear(&o->setenv);
	free(o->emit_bundle);
	free(o->name);
	pf_strv_clear(&o->command);
	memset(o, 0, sizeof(*o));
}

void pf_options_usage(FILE *out)
{
	fputs("usage: pflask [options] [--] [command ...]\n\n"
	      "Runs command (default /bin/bash, or /bin/sh when the root has no bash) in a new\n"
	      "container of pflask-runtime's state root.\n\n"
	      "  -r, --chroot=DIR         use DIR as the root directory\n"
	      "  -c, --chdir=DIR          start the command in DIR (inside the container)\n"
	      "  -t, --hostname=NAME      set the hostname\n"
	      "  -m, --mount=TYPE:...     add a mount (repeatable): bind:HOST:CONT,\n"
	      "                           bind-ro:HOST:CONT, overlay:ROOT_DIR:DEST:WORK_DIR, tmp:DEST\n"
	      "  -n, --netif[=SPEC]       new network namespace; SPEC moves or makes an interface\n"
	      "                           (repeatable): DEV:NAME, macvlan:MASTER:NAME,\n"
	      "                           ipvlan:MASTER:NAME, veth:OUTSIDE:INSIDE\n"
	      "  -u, --user=NAME          run the command as NAME (new user namespace)\n"
	      "  -e, --user-map=C:H:N     map N ids from C inside to H outside (repeatable)\n"
	      "  -w, --ephemeral          discard changes to / at exit (needs --chroot)\n"
	      "  -g, --cgroup=CONTROLLER  run in a new cgroup of CONTROLLER (repeatable)\n"
	      "  -b, --caps=LIST          capabilities: all, -all, +name, -name, comma-separated\n"
	      "  -d, --detach             detach from the terminal (see --attach)\n"
	      "  -a, --attach=PID         attach to the detached pflask PID (^@ detaches again)\n"
	      "  -s, --setenv=N=V[,N=V]   add environment variables (repeatable)\n"
	      "  -k, --keepenv            keep the environment with --chroot\n"
	      "  -U, --no-userns          no user namespace\n"
	      "  -M, --no-mountns         no mount namespace\n"
	      "  -N, --no-netns           no network namespace\n"
	      "  -I, --no-ipcns           no IPC namespace\n"
	      "  -H, --no-utsns           no UTS namespace\n"
	      "  -P, --no-pidns           no PID namespace\n"
	      "      --emit-bundle=DIR    write DIR/config.json and stop\n"
	      "      --name=ID            the container's ID (default pflask-PID)\n"
	      "  -h, --help               print this help\n"
	      "      --version            print the version\n", out);
}
