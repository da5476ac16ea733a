/* Cgroup placement on v1, v2 and hybrid hosts. A container's cgroup is one relative path
 * (linux.cgroupsPath, or pflask/<id>) made in every mounted hierarchy: each v1 hierarchy
 * (controllers and named ones such as name=systemd) and the unified one. Resource limits are
 * applied by cgroup_resources.c (a later issue); this file places, signals and removes. */
#ifndef PF_CGROUP_H
#define PF_CGROUP_H

#include <stdbool.h>
#include <sys/types.h>

#include "bundle/error.h"
#include "bundle/model.h"

struct pf_cgroup {
	pf_strv dirs;     /* absolute directories the container lives in, one per hierarchy */
	pf_strv created;  /* directories this runtime made, parents before children */
};

/* The relative path a config asks for: cgroupsPath made relative ("/a/b" and "a/b" alike),
 * or "pflask/<id>". "..", empty components and systemd's "slice:prefix:name" are refused. */
int pf_cgroup_path(const char *cgroups_path, const char *id, char **out, struct pf_error *err);

/* Makes the path in every hierarchy (v1 cpuset: cpus and mems copied from the parent so the
 * group can hold tasks). On failure everything made is removed again. */
int pf_cgroup_create(const char *rel_path, struct pf_cgroup *cg, struct pf_error *err);
/* Moves pid into the container's cgroup in every hierarchy. */
int pf_cgroup_add_pid(const struct pf_cgroup *cg, pid_t pid, struct pf_error *err);
/* Sends sig to every process in the cgroup (all hierarchies' cgroup.procs, recursively). */
int pf_cgroup_signal_all(const struct pf_cgroup *cg, int sig, struct pf_error *err);
/* True when any process remains in the cgroup. */
bool pf_cgroup_populated(const struct pf_cgroup *cg);
/* Removes what pf_cgroup_create made, children first, retrying briefly while the kernel
 * still counts exiting tasks; dirs already gone are not an error. */
int pf_cgroup_remove(const struct pf_cgroup *cg, struct pf_error *err);
void pf_cgroup_clear(struct pf_cgroup *cg);

#endif
