/* state.json (runtime.md "State", state-schema.json), with runc's extra `created` and `rootfs`. */
#ifndef PF_STATE_H
#define PF_STATE_H

#include <stdbool.h>
#include <stddef.h>

#include "bundle/error.h"
#include "bundle/model.h"

struct pf_state {
	char *oci_version;
	char *id;
	char *status;        /* creating, created, running, stopped */
	pf_int pid;
	char *bundle;
	char *rootfs;
	char *created;       /* RFC 3339, UTC, nanoseconds */
	char *owner;
	pf_strmap annotations;
};

extern const char *const pf_state_statuses[];

struct pf_state *pf_state_parse(const char *buf, size_t len, const char *name,
				struct pf_error *err);
int pf_state_emit(const struct pf_state *st, char **out, size_t *len, struct pf_error *err);
bool pf_state_equal(const struct pf_state *a, const struct pf_state *b);
void pf_state_free(struct pf_state *st);

#endif
