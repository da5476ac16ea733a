/* What the files of compat/ share and nothing else needs: field splitting for the flag
 * grammars, and the pieces of the translation (translate.c calls the others). */
#ifndef PF_COMPAT_INTERNAL_H
#define PF_COMPAT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bundle/error.h"
#include "bundle/model.h"
#include "compat/pflask.h"

/* Splits a copy of s at every sep. Up to max fields are stored (pointing into *copy, which
 * the caller frees); the return value is the number of fields s has, which may exceed max,
 * or -1 when out of memory. */
int pf_split_fields(const char *s, char sep, char **copy, char **fields, size_t max);

/* True for a name the kernel takes for a network interface (1 to 15 bytes, no '/', ':' or
 * white space, not "." or ".."). */
bool pf_ifname_ok(const char *name);

/* Capabilities as a bit mask: bit n is capability n. */
typedef uint64_t pf_capmask;

/* Every capability the running kernel knows and bundle/names.h can name. */
pf_capmask pf_capmask_full(void);
/* The bounding set of this process (all ones when /proc cannot tell). */
pf_capmask pf_capmask_bounding(void);
/* Applies the normalized --caps items ("all", "-all", "+CAP_X", "-CAP_X") in order to all,
 * the full set; the result stays within it. */
pf_capmask pf_capmask_apply(pf_capmask all, const pf_strv *items);

/* The controllers this host has: /proc/cgroups (enabled ones) and the cgroup.controllers of
 * the unified (v2) hierarchy; "unified" and "v2" when a cgroup2 hierarchy is mounted. */
int pf_host_cgroup_controllers(pf_strv *names, struct pf_error *err);

/* Pieces of pf_translate, each filling its part of spec from the options. */
struct pf_translation {
	const struct pf_options *o;
	const char *runtime_path;
	const char *root;            /* the chroot, or "/" */
	bool ns_user, ns_mount, ns_pid, ns_net, ns_ipc, ns_uts;
	uint32_t uid, gid;           /* process.user */
	const char *user_name;       /* USER and LOGNAME */
};

int pf_translate_process(const struct pf_translation *t, struct pf_spec *spec,
			 struct pf_error *err);
int pf_translate_user(struct pf_translation *t, struct pf_spec *spec, struct pf_error *err);
int pf_translate_mounts(const struct pf_translation *t, struct pf_spec *spec,
			struct pf_error *err);
int pf_translate_net(const struct pf_translation *t, struct pf_spec *spec, struct pf_error *err);

/* root + path ("/x" + "/etc/passwd"); path alone when root is "/". NULL when out of memory. */
char *pf_host_path(const char *root, const char *path);

/* Allocation helpers for the builders: each returns -1 with err set when out of memory. */
int pf_set_str(char **dst, const char *s, struct pf_error *err);
int pf_push_str(pf_strv *v, const char *s, struct pf_error *err);

#endif
