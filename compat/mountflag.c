/* --mount=TYPE:...: the original's four mount types, fields separated by colons (so a path
 * holding a colon cannot be given, as in the original). Every path must be absolute: the
 * destination is taken inside the chroot when there is one, the rest on the host. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bundle/cleanup.h"
#include "compat/internal.h"
#include "compat/pflask.h"

struct mount_grammar {
	const char *type;
	enum pf_mount_kind kind;
	size_t fields;               /* including the type */
	const char *usage;
	const char *what[3];         /* the fields after the type, for messages */
};

static const struct mount_grammar mount_grammars[] = {
	{ "bind", PF_MNT_BIND, 3, "bind:HOST_PATH:CONTAINER_PATH",
	  { "source", "destination", NULL } },
	{ "bind-ro", PF_MNT_BIND_RO, 3, "bind-ro:HOST_PATH:CONTAINER_PATH",
	  { "source", "destination", NULL } },
	{ "overlay", PF_MNT_OVERLAY, 4, "overlay:ROOT_DIR:DEST:WORK_DIR",
	  { "root directory", "destination", "work directory" } },
	{ "tmp", PF_MNT_TMP, 2, "tmp:DEST", { "destination", NULL, NULL } },
};

#define N_MOUNT_GRAMMARS (sizeof(mount_grammars) / sizeof(mount_grammars[0]))

static const struct mount_grammar *mount_grammar_of(const char *type)
{
	for (size_t i = 0; i < N_MOUNT_GRAMMARS; i++)
		if (strcmp(mount_grammars[i].type, type) == 0)
			return &mount_grammars[i];
	return NULL;
}

/* Every field present, non-empty and absolute; the message names the first that is not. */
static int mount_check_fields(const struct mount_grammar *g, char **f, int n,
			      struct pf_error *err)
{
	char q[PF_QUOTE_MAX];

	if ((size_t)n != g->fields)
		return pf_fail(err, EINVAL, "expected %s", g->usage);
	for (size_t i = 1; i < g->fields; i++)
		if (!f[i][0])
			return pf_fail(err, EINVAL, "expected %s (the %s is empty)", g->usage,
				       g->what[i - 1]);
	for (size_t i = 1; i < g->fields; i++)
		if (f[i][0] != '/')
			return pf_fail(err, EINVAL, "%s %s is not an absolute path", g->what[i - 1],
				       pf_quote(q, sizeof(q), f[i]));
	/* overlay's options are a comma-separated list: a comma in a path would split it */
	for (size_t i = 1; g->kind == PF_MNT_OVERLAY && i < g->fields; i++)
		if (strchr(f[i], ','))
			return pf_fail(err, EINVAL, "%s %s holds a comma, which overlay options "
				       "cannot carry", g->what[i - 1], pf_quote(q, sizeof(q), f[i]));
	return 0;
}

static int mount_fill(const struct mount_grammar *g, char **f, struct pf_mount_flag *out,
		      struct pf_error *err)
{
	struct pf_mount_flag m = { .kind = g->kind };

	/* tmp has only a destination; the others name their source first */
	if (g->kind == PF_MNT_TMP) {
		m.dest = strdup(f[1]);
	} else {
		m.source = strdup(f[1]);
		m.dest = strdup(f[2]);
		if (g->kind == PF_MNT_OVERLAY)
			m.work = strdup(f[3]);
	}
	if (!m.dest || (g->kind != PF_MNT_TMP && !m.source) ||
	    (g->kind == PF_MNT_OVERLAY && !m.work)) {
		pf_mount_flag_clear(&m);
		return pf_fail_errno(err, ENOMEM, "--mount");
	}
	*out = m;
	return 0;
}

int pf_parse_mount(const char *arg, struct pf_mount_flag *out, struct pf_error *err)
{
	_cleanup_free_ char *copy = NULL;
	const struct mount_grammar *g;
	char *f[5];
	int n = pf_split_fields(arg, ':', &copy, f, 5);

	if (n < 0)
		return pf_fail_errno(err, ENOMEM, "--mount");
	g = mount_grammar_of(f[0]);
	if (!g) {
		char q[PF_QUOTE_MAX];

		return pf_fail(err, EINVAL, "unknown mount type %s (bind, bind-ro, overlay or tmp)",
			       pf_quote(q, sizeof(q), f[0]));
	}
	if (mount_check_fields(g, f, n, err) < 0)
		return -1;
	return mount_fill(g, f, out, err);
}

void pf_mount_flag_clear(struct pf_mount_flag *m)
{
	free(m->source);
	free(m->dest);
	free(m->work);
	m->source = m->dest = m->work = NULL;
}
