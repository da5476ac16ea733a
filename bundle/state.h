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

/* What the runtime keeps in its state directory: the public state plus what it needs to find,
 * verify and undo the container later. */
struct pf_record {
	struct pf_state *state;
	pf_uint pid_start_time;      /* /proc/PID/stat field 22: tells a reused pid apart */
	pf_int creator_pid;          /* the create/run process, while status is "creating" */
	pf_uint creator_start_time;
	pf_bool pid_namespace;       /* init is pid 1 of its own namespace */
	pf_bool poststart_hooks;     /* false: start need not read the config again */
	pf_bool poststop_hooks;      /* false: delete need not read the config again */
	pf_strv cgroup_dirs;
	pf_strv cgroup_created;
	pf_strv host_links;          /* network interfaces made on the host, removed at delete */
};

struct pf_record *pf_record_parse(const char *buf, size_t len, const char *name,
				  struct pf_error *err);
int pf_record_emit(const struct pf_record *r, char **out, size_t *len, struct pf_error *err);
void pf_record_free(struct pf_record *r);

struct pf_state *pf_state_parse(const char *buf, size_t len, const char *name,
				struct pf_error *err);
int pf_state_emit(const struct pf_state *st, char **out, size_t *len, struct pf_error *err);
bool pf_state_equal(const struct pf_state *a, const struct pf_state *b);
void pf_state_free(struct pf_state *st);

#endif
