/* pause, resume and ps: verbs on the container's cgroup. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bundle/cleanup.h"
#include "runtime/cli.h"
#include "runtime/container.h"
#include "runtime/freezer.h"

static int with_container(const struct pf_globals *g, const char *id, struct pf_store *s,
			  struct pf_record **r, enum pf_status *st, struct pf_error *err)
{
	if (pf_store_open(g->root, id, s, err) < 0)
		return -1;
	if (pf_store_load(s, r, err) < 0) {
		pf_store_close(s);
		return -1;
	}
	*st = pf_container_status(s, *r);
	return 0;
}

static int set_frozen(const struct pf_globals *g, int argc, char **argv, bool frozen,
		      struct pf_error *err)
{
	struct pf_store s = { NULL, -1 };
	struct pf_record *r = NULL;
	enum pf_status st, want = frozen ? PF_RUNNING : PF_PAUSED;
	int rc;

	if (argc != 2)
		return pf_fail(err, EINVAL, "%s: expected exactly one container ID", argv[0]);
	if (with_container(g, argv[1], &s, &r, &st, err) < 0)
		return -1;
	if (st != want) {
		rc = pf_fail(err, EINVAL, "%s %s: container is %s, not %s", argv[0], argv[1],
			     pf_status_name(st), pf_status_name(want));
	} else {
		struct pf_cgroup cg = { r->cgroup_dirs, r->cgroup_created };

		rc = pf_freezer_set(&cg, frozen, err);
		if (rc < 0)
			pf_error_prefix(err, "%s %s", argv[0], argv[1]);
	}
	pf_record_free(r);
	pf_store_close(&s);
	return rc;
}

int pf_cmd_pause(const struct pf_globals *g, int argc, char **argv, struct pf_error *err)
{
	return set_frozen(g, argc, argv, true, err);
}

int pf_cmd_resume(const struct pf_globals *g, int argc, char **argv, struct pf_error *err)
{
	return set_frozen(g, argc, argv, false, err);
}

static void print_pids_json(const pid_t *pids, size_t n)
{
	putchar('[');
	for (size_t i = 0; i < n; i++)
		printf("%s%d", i ? "," : "", (int)pids[i]);
	printf("]\n");
}

static bool listed(const pid_t *pids, size_t n, long pid)
{
	for (size_t i = 0; i < n; i++)
		if (pids[i] == pid)
			return true;
	return false;
}

/* ps(1) with args, its output on a pipe: a plain fork and exec, no shell. */
static FILE *spawn_ps(char **argv, pid_t *child)
{
	int fds[2];

	if (pipe2(fds, O_CLOEXEC) < 0)
		return NULL;
	*child = fork();
	if (*child == 0) {
		dup2(fds[1], STDOUT_FILENO);
		execvp("ps", argv);
		_exit(127);
	}
	close(fds[1]);
	if (*child < 0) {
		close(fds[0]);
		return NULL;
	}
	return fdopen(fds[0], "r");
}

/* The column of ps's header that names PID, or -1. */
static int pid_column(const char *header)
{
	_cleanup_free_ char *copy = strdup(header);
	char *tok, *save = NULL;
	int col = 0;

	if (!copy)
		return -1;
	for (tok = strtok_r(copy, " \t\n", &save); tok; tok = strtok_r(NULL, " \t\n", &save), col++)
		if (strcmp(tok, "PID") == 0)
			return col;
	return -1;
}

/* The pid in column col of a line of ps, or -1 when that column is not a whole number. */
static long pid_in_line(const char *line, int col)
{
	_cleanup_free_ char *copy = strdup(line);
	char *tok, *save = NULL, *end;
	long pid;

	if (!copy)
		return -1;
	tok = strtok_r(copy, " \t\n", &save);
	for (int i = 0; tok && i < col; i++)
		tok = strtok_r(NULL, " \t\n", &save);
	if (!tok)
		return -1;
	errno = 0;
	pid = strtol(tok, &end, 10);
	return errno || *end || end == tok || pid <= 0 ? -1 : pid;
}

/* runc's table: ps(1) on the host (options after the ID, default -ef), its header and the
 * lines of the container's processes. Lines are read whole: a host process's command line
 * can be longer than any buffer. */
static int print_pids_table(const pid_t *pids, size_t n, char **ps_args, int n_args,
			    struct pf_error *err)
{
	char *argv[64] = { "ps" };
	_cleanup_free_ char *line = NULL;
	size_t cap = 0;
	int a = 1, pid_col = -1;
	pid_t child;
	FILE *p;

	for (int i = 0; i < n_args && a < 62; i++)
		argv[a++] = ps_args[i];
	if (a == 1)
		argv[a++] = "-ef";
	argv[a] = NULL;
	p = spawn_ps(argv, &child);
	if (!p)
		return pf_fail_errno(err, errno, "ps");
	if (getline(&line, &cap, p) > 0 && (pid_col = pid_column(line)) >= 0)
		fputs(line, stdout);
	while (pid_col >= 0 && getline(&line, &cap, p) > 0)
		if (listed(pids, n, pid_in_line(line, pid_col)))
			fputs(line, stdout);
	fclose(p);
	waitpid(child, NULL, 0);
	return pid_col < 0 ? pf_fail(err, EINVAL, "ps: no PID column in its output") : 0;
}

int pf_cmd_ps(const struct pf_globals *g, int argc, char **argv, struct pf_error *err)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	struct pf_store s = { NULL, -1 };
	struct pf_record *r = NULL;
	enum pf_status st;
	bool json = false;
	pid_t *pids = NULL;
	size_t n = 0;
	int c, rc;

	while ((c = getopt_long(argc, argv, "+f:", opts, NULL)) != -1) {
		if (c == 'f' && (strcmp(optarg, "json") == 0 || strcmp(optarg, "table") == 0))
			json = strcmp(optarg, "json") == 0;
		else
			return pf_fail(err, EINVAL, "ps: bad option \"%s\"", argv[optind - 1]);
	}
	if (optind >= argc)
		return pf_fail(err, EINVAL, "ps: expected a container ID");
	if (with_container(g, argv[optind], &s, &r, &st, err) < 0)
		return -1;
	{
		struct pf_cgroup cg = { r->cgroup_dirs, r->cgroup_created };

		rc = pf_cgroup_pids(&cg, &pids, &n, err);
	}
	if (rc == 0 && json)
		print_pids_json(pids, n);
	else if (rc == 0)
		rc = print_pids_table(pids, n, argv + optind + 1, argc - optind - 1, err);
	free(pids);
	pf_record_free(r);
	pf_store_close(&s);
	return rc;
}
