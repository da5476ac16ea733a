/* Cgroup placement on v1, v2 and hybrid hosts. A container's cgroup is one relative path
 * (linux.cgroupsPath, or pflask/<id>) made in every mounted hierarchy: each v1 hierarchy
 * (controllers and named ones such as name=systemd) and the unified one. Hierarchies are found
 * in /proc/self/mountinfo; a hierarchy mounted twice is used once, and the path is taken below
 * its mount point (the top of the hierarchy this mount namespace sees). This file places,
 * signals and removes; cgroup_resources.c (with cgroup_v1.c, cgroup_v2.c, devices_bpf.c)
 * applies linux.resources.
 * Errors of create, add, list, signal and remove start with "cgroup: " and name the file or
 * directory that failed. */
#ifndef PF_CGROUP_H
#define PF_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "bundle/error.h"
#include "bundle/model.h"

struct pf_cgroup {
	pf_strv dirs;     /* absolute directories the container lives in, one per hierarchy */
	pf_strv created;  /* directories this runtime made, parents before children; also the
			   * shared top "pflask" directory when the path starts with it, so that
			   * whichever container goes last removes it */
};

/* The relative path a config asks for: cgroupsPath made relative ("/a/b" and "a/b" alike;
 * repeated slashes and "." components dropped), or "pflask/<id>". ".." components, a path
 * naming no cgroup below the root, an id that is not one path component, and systemd's
 * "slice:prefix:name" are refused. */
int pf_cgroup_path(const char *cgroups_path, const char *id, char **out, struct pf_error *err);

/* Makes the path in every hierarchy (v1 cpuset: cpus and mems copied from the parent so the
 * group can hold tasks). An existing leaf is joined, not created (and so never removed). cg
 * must be empty; on failure everything made is removed again and cg is left empty. */
int pf_cgroup_create(const char *rel_path, struct pf_cgroup *cg, struct pf_error *err);
/* The existing directories of rel_path, taken over for removal: how delete --force cleans up
 * a container whose record is lost. */
int pf_cgroup_adopt(const char *rel_path, struct pf_cgroup *cg, struct pf_error *err);
/* What pf_cgroup_create would make now, without making it: every hierarchy's directory in
 * dirs, those missing (and the shared top) in created. Recorded before the mkdirs, it lets a
 * create killed while making them be cleaned up. */
int pf_cgroup_plan(const char *rel_path, struct pf_cgroup *cg, struct pf_error *err);
/* Moves pid into the container's cgroup in every hierarchy. */
int pf_cgroup_add_pid(const struct pf_cgroup *cg, pid_t pid, struct pf_error *err);
/* The processes in the cgroup: every hierarchy's cgroup.procs, child cgroups included, sorted
 * and without duplicates. *pids is malloc'd (NULL when *n is 0). Directories already gone
 * count as empty. */
int pf_cgroup_pids(const struct pf_cgroup *cg, pid_t **pids, size_t *n, struct pf_error *err);
/* Sends sig to every process in the cgroup (as pf_cgroup_pids lists them; the calling process
 * is spared). For SIGKILL, v2 groups are first killed through cgroup.kill, which also catches
 * processes forked meanwhile. Processes already gone are not an error. */
int pf_cgroup_signal_all(const struct pf_cgroup *cg, int sig, struct pf_error *err);
/* True when any process remains in the cgroup; a cgroup that cannot be read counts as
 * populated. */
bool pf_cgroup_populated(const struct pf_cgroup *cg);
/* Removes what pf_cgroup_create made, children first (child cgroups the container made
 * included), retrying for about a second while the kernel still counts exiting tasks; dirs
 * already gone are not an error. Parent directories are removed only when empty: one still
 * holding another container's cgroup is kept. Tries every directory, reports the first
 * failure. */
int pf_cgroup_remove(const struct pf_cgroup *cg, struct pf_error *err);
void pf_cgroup_clear(struct pf_cgroup *cg);

/* Applies linux.resources (r may be NULL: the default device rules still apply) to the
 * container's cgroup: each block to its v1 controller where one is mounted, else translated
 * to cgroup v2 (controllers enabled from the top of the hierarchy down), the unified map to
 * the v2 directory, the device rules to v1 devices or as an eBPF program. A block asking for
 * a controller the host lacks fails before anything is written: "linux.resources.blockIO: no
 * blkio controller on this host". Implemented in cgroup_resources.c; docs/cgroups.md. */
int pf_cgroup_apply_resources(const struct pf_cgroup *cg, const struct pf_resources *r,
			      struct pf_error *err);
/* The same without the eBPF device program (where devices are v2's): create attaches that
 * with pf_cgroup_apply_device_program while init makes its mounts. Loading the program is
 * the slowest step of a cgroup (the verifier, ~0.5 ms), and runc too restricts devices
 * only once init has made its mounts and device nodes. */
int pf_cgroup_apply_resources_but_device_program(const struct pf_cgroup *cg,
						 const struct pf_resources *r,
						 struct pf_error *err);
int pf_cgroup_apply_device_program(const struct pf_cgroup *cg, const struct pf_resources *r,
				   struct pf_error *err);
/* For update: the same as pf_cgroup_apply_resources, but the device rules are rewritten only
 * when r has some (then as create writes them: r's rules and the defaults); otherwise the
 * container keeps the ones its config gave it. */
int pf_cgroup_update_resources(const struct pf_cgroup *cg, const struct pf_resources *r,
			       struct pf_error *err);

#endif
