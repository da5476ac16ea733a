/* state and list: read-only views of the store. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle/cleanup.h"
#include "bundle/validate.h"
#include "runtime/cli.h"
#include "runtime/container.h"

/* Opens, loads and computes the live status of one container. */
static int load_container(const char *root, const char *id, struct pf_store *s,
			  struct pf_record **r, enum pf_status *status, struct pf_error *err)
{
	if (pf_store_open(root, id, s, err) < 0)
		return -1;
	if (pf_store_load(s, r, err) < 0) {
		pf_store_close(s);
		return -1;
	}
	*status = pf_container_status(s, *r);
	return 0;
}

int pf_cmd_state(const struct pf_globals *g, int argc, char **argv, struct pf_error *err)
{
	struct pf_store s = { NULL, -1 };
	struct pf_record *r = NULL;
	_cleanup_free_ char *json = NULL;
	enum pf_status st;

	if (argc != 2)
		return pf_fail(err, EINVAL, "state: expected exactly one container ID");
	if (load_container(g->root, argv[1], &s, &r, &st, err) < 0)
		return -1;
	/* a stopped container has no pid to show */
	if (st == PF_STOPPED)
		r->state->pid = (pf_int){ true, 0 };
	if (pf_state_json(r, pf_status_name(st), &json, err) == 0)
		fputs(json, stdout);
	pf_record_free(r);
	pf_store_close(&s);
	return json ? 0 : -1;
}

struct list_row {
	char *id;
	long long pid;
	const char *status;
	char *bundle, *created, *owner;
};

static void print_table(const struct list_row *rows, size_t n, bool quiet)
{
	if (quiet) {
		for (size_t i = 0; i < n; i++)
			printf("%s\n", rows[i].id);
		return;
	}
	printf("%-20s %-8s %-10s %-40s %-31s %s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED",
	       "OWNER");
	for (size_t i = 0; i < n; i++)
		printf("%-20s %-8lld %-10s %-40s %-31s %s\n", rows[i].id, rows[i].pid,
		       rows[i].status, rows[i].bundle, rows[i].created, rows[i].owner);
}

static void print_json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", *s);
		else
			putchar(*s);
	}
	putchar('"');
}

static void print_json(const struct list_row *rows, size_t n)
{
	putchar('[');
	for (size_t i = 0; i < n; i++) {
		printf("%s{\"ociVersion\":\"1.3.0\",\"id\":", i ? "," : "");
		print_json_string(rows[i].id);
		printf(",\"pid\":%lld,\"status\":\"%s\",\"bundle\":", rows[i].pid, rows[i].status);
		print_json_string(rows[i].bundle);
		printf(",\"created\":");
		print_json_string(rows[i].created);
		printf(",\"owner\":");
		print_json_string(rows[i].owner);
		putchar('}');
	}
	printf("]\n");
}

static int collect_row(const char *root, const char *id, struct list_row *row, struct pf_record **r)
{
	struct pf_store s = { NULL, -1 };
	struct pf_error ignored = { 0 };
	enum pf_status st;

	/* a container deleted or broken meanwhile is simply not listed */
	if (load_container(root, id, &s, r, &st, &ignored) < 0)
		return -1;
	row->id = (*r)->state->id;
	row->pid = st == PF_STOPPED ? 0 : (*r)->state->pid.v;
	row->status = pf_status_name(st);
	row->bundle = (*r)->state->bundle;
	row->created = (*r)->state->created ? (*r)->state->created : "";
	row->owner = (*r)->state->owner ? (*r)->state->owner : "";
	pf_store_close(&s);
	return 0;
}

static int parse_list_opts(int argc, char **argv, bool *json, bool *quiet, struct pf_error *err)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "quiet", no_argument, NULL, 'q' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "+f:q", opts, NULL)) != -1) {
		if (c == 'q')
			*quiet = true;
		else if (c == 'f' && (strcmp(optarg, "json") == 0 || strcmp(optarg, "table") == 0))
			*json = strcmp(optarg, "json") == 0;
		else if (c == 'f')
			return pf_fail(err, EINVAL, "list: --format: \"%s\" is not table or json",
				       optarg);
		else
			return pf_fail(err, EINVAL, "list: unknown option \"%s\"", argv[optind - 1]);
	}
	if (optind != argc)
		return pf_fail(err, EINVAL, "list: unexpected argument \"%s\"", argv[optind]);
	return 0;
}

int pf_cmd_list(const struct pf_globals *g, int argc, char **argv, struct pf_error *err)
{
	bool json = false, quiet = false;
	pf_strv ids = { 0 };
	struct list_row *rows;
	struct pf_record **recs;
	size_t n = 0;

	if (parse_list_opts(argc, argv, &json, &quiet, err) < 0 ||
	    pf_store_list(g->root, &ids, err) < 0)
		return -1;
	rows = calloc(ids.n + 1, sizeof(*rows));
	recs = calloc(ids.n + 1, sizeof(*recs));
	if (!rows || !recs) {
		free(rows);
		free(recs);
		pf_strv_clear(&ids);
		return pf_fail_errno(err, ENOMEM, "list");
	}
	for (size_t i = 0; i < ids.n; i++)
		if (collect_row(g->root, ids.v[i], &rows[n], &recs[n]) == 0)
			n++;
	if (json)
		print_json(rows, n);
	else
		print_table(rows, n, quiet);
	for (size_t i = 0; i < n; i++)
		pf_record_free(recs[i]);
	free(rows);
	free(recs);
	pf_strv_clear(&ids);
	return 0;
}
