/* features.json (features.md, features-linux.md): what this runtime implements. */
#ifndef PF_FEATURES_H
#define PF_FEATURES_H

#include <stdbool.h>
#include <stddef.h>

#include "bundle/error.h"
#include "bundle/model.h"

struct pf_feat_enabled {
	pf_bool enabled;
};

struct pf_feat_cgroup {
	pf_bool v1, v2, systemd, systemd_user, rdma;
};

struct pf_feat_seccomp {
	pf_bool enabled;
	pf_strv actions, operators, archs, known_flags, supported_flags;
};

struct pf_feat_mount_ext {
	struct pf_feat_enabled *idmap;
};

struct pf_feat_mempolicy {
	pf_strv modes, flags;
};

struct pf_feat_intel_rdt {
	pf_bool enabled, schemata, monitoring;
};

struct pf_feat_linux {
	pf_strv namespaces;
	pf_strv capabilities;
	struct pf_feat_cgroup *cgroup;
	struct pf_feat_seccomp *seccomp;
	struct pf_feat_enabled *apparmor;
	struct pf_feat_enabled *selinux;
	struct pf_feat_intel_rdt *intel_rdt;
	struct pf_feat_mount_ext *mount_extensions;
	struct pf_feat_mempolicy *memory_policy;
	struct pf_feat_enabled *net_devices;
};

struct pf_features {
	char *oci_version_min;
	char *oci_version_max;
	pf_strv hooks;
	pf_strv mount_options;
	pf_strmap annotations;
	pf_strv potentially_unsafe_config_annotations;
	struct pf_feat_linux *linux_;
};

struct pf_features *pf_features_parse(const char *buf, size_t len, const char *name,
				      struct pf_error *err);
int pf_features_emit(const struct pf_features *f, char **out, size_t *len, struct pf_error *err);
bool pf_features_equal(const struct pf_features *a, const struct pf_features *b);
void pf_features_free(struct pf_features *f);

#endif
