#include "bundle/state.h"

#include <errno.h>
#include <stdlib.h>

#include "bundle/fields.h"
#include "bundle/json.h"

const char *const pf_state_statuses[] = { "creating", "created", "running", "stopped", NULL };

#define T struct pf_state
static const struct pf_field state_fields[] = {
	{ F_STR("ociVersion", oci_version), .flags = PF_REQUIRED },
	{ F_STR("id", id), .flags = PF_REQUIRED },
	{ F_ENUM("status", status, pf_state_statuses, "status"), .flags = PF_REQUIRED },
	{ F_INT("pid", pid, 0, INT32_MAX, "a pid") },
	{ F_STR("bundle", bundle), .flags = PF_REQUIRED },
	{ F_STR("rootfs", rootfs) },
	{ F_STR("created", created) },
	{ F_STR("owner", owner) },
	{ F_STRMAP("annotations", annotations) },
	{ 0 },
};
static PF_TYPE(state_type, "state", state_fields);
#undef T

struct pf_state *pf_state_parse(const char *buf, size_t len, const char *name,
				struct pf_error *err)
{
	struct pf_state *st = calloc(1, sizeof(*st));

	if (!st) {
		pf_fail_errno(err, ENOMEM, "%s", name);
		return NULL;
	}
	if (pf_json_decode(&state_type, buf, len, name, st, err) < 0) {
		free(st);
		return NULL;
	}
	return st;
}

int pf_state_emit(const struct pf_state *st, char **out, size_t *len, struct pf_error *err)
{
	return pf_json_encode(&state_type, st, out, len, err);
}

bool pf_state_equal(const struct pf_state *a, const struct pf_state *b)
{
	return pf_obj_equal(&state_type, a, b);
}

void pf_state_free(struct pf_state *st)
{
	if (st)
		pf_obj_free(&state_type, st);
}

#define T struct pf_record
static const struct pf_field record_fields[] = {
	{ F_OBJ("state", state, state_type), .flags = PF_REQUIRED },
	{ F_U64("pidStartTime", pid_start_time) },
	{ F_INT("creatorPid", creator_pid, 0, INT32_MAX, "a pid") },
	{ F_U64("creatorStartTime", creator_start_time) },
	{ F_BOOL("pidNamespace", pid_namespace) },
	{ F_BOOL("poststartHooks", poststart_hooks) },
	{ F_BOOL("poststopHooks", poststop_hooks) },
	{ F_STRV("cgroupDirs", cgroup_dirs) },
	{ F_STRV("cgroupCreated", cgroup_created) },
	{ F_STRV("hostLinks", host_links) },
	{ 0 },
};
static PF_TYPE(record_type, "record", record_fields);
#undef T

struct pf_record *pf_record_parse(const char *buf, size_t len, const char *name,
				  struct pf_error *err)
{
	struct pf_record *r = calloc(1, sizeof(*r));

	if (!r) {
		pf_fail_errno(err, ENOMEM, "%s", name);
		return NULL;
	}
	if (pf_json_decode(&record_type, buf, len, name, r, err) < 0) {
		free(r);
		return NULL;
	}
	return r;
}

int pf_record_emit(const struct pf_record *r, char **out, size_t *len, struct pf_error *err)
{
	return pf_json_encode(&record_type, r, out, len, err);
}

void pf_record_free(struct pf_record *r)
{
	if (r)
		pf_obj_free(&record_type, r);
}
