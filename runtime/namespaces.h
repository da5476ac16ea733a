/* Which namespaces clone creates, which the child joins (setns) or unshares itself, and
 * whether it must fork once more so that init lands inside a pid namespace. Decided in the
 * parent from linux.namespaces; the child only replays it. */
#ifndef PF_NAMESPACES_H
#define PF_NAMESPACES_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "bundle/error.h"
#include "bundle/model.h"

struct pf_ns_join {
	int fd;                /* the namespace file, opened and type-checked by the parent */
	int type;              /* CLONE_NEW* */
	const char *name;
};

struct pf_ns_plan {
	int clone_flags;       /* made by clone itself: the fast path when nothing is joined */
	int early_flags;       /* fast path, no user namespace: made by the child right after
				* clone, while the parent claims the state and makes the cgroup */
	int unshare_flags;     /* made by the child after its joins, user namespace excluded */
	bool unshare_user;     /* the child unshares a user namespace and waits for its maps */
	bool new_user;         /* a new user namespace, either way: the parent writes id maps */
	bool fork_after;       /* the child forks again: init is its child */
	bool new_time;         /* unshared by the child so offsets can be set before exec */
	bool pid_namespace;    /* init is pid 1 of a namespace (new or joined) */
	bool mount_namespace;
	bool user_namespace;   /* new or joined */
	struct pf_ns_join join[8];
	size_t n_join;         /* the user namespace first, as joining it changes privilege */
};

int pf_ns_plan_build(const struct pf_linux *l, struct pf_ns_plan *plan, struct pf_error *err);
void pf_ns_plan_clear(struct pf_ns_plan *plan);
/* Child: setns into every joined namespace, in plan order. */
int pf_ns_join_all(const struct pf_ns_plan *plan, struct pf_error *err);
/* Child: /proc/self/timens_offsets from linux.timeOffsets (before anything runs in it). */
int pf_ns_set_time_offsets(const struct pf_time_offsets *offsets, struct pf_error *err);
/* Parent: writes /proc/PID/uid_map and gid_map (as root directly; otherwise through
 * newuidmap/newgidmap). */
int pf_userns_write_maps(pid_t pid, const struct pf_linux *l, struct pf_error *err);

#endif
