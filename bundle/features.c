#include "bundle/features.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bundle/fields.h"
#include "bundle/json.h"
#include "bundle/names.h"

static bool is_cap_name(const char *s)          /* ^CAP_[A-Z_]+$ */
{
	return strncmp(s, "CAP_", 4) == 0 && s[4] &&
	       strspn(s + 4, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_") == strlen(s + 4);
}

#define T struct pf_feat_enabled
static const struct pf_field enabled_fields[] = {
	{ F_BOOL("enabled", enabled) },
	{ 0 },
};
static PF_TYPE(enabled_type, "feature", enabled_fields);
#undef T

#define T struct pf_feat_cgroup
static const struct pf_field cgroup_fields[] = {
	{ F_BOOL("v1", v1) },
	{ F_BOOL("v2", v2) },
	{ F_BOOL("systemd", systemd) },
	{ F_BOOL("systemdUser", systemd_user) },
	{ F_BOOL("rdma", rdma) },
	{ 0 },
};
static PF_TYPE(cgroup_type, "cgroup", cgroup_fields);
#undef T

#define T struct pf_feat_seccomp
static const struct pf_field seccomp_fields[] = {
	{ F_BOOL("enabled", enabled) },
	{ F_ENUMV("actions", actions, pf_seccomp_actions, "seccomp action") },
	{ F_ENUMV("operators", operators, pf_seccomp_operators, "seccomp operator") },
	{ F_ENUMV("archs", archs, pf_seccomp_archs, "seccomp architecture") },
	{ F_ENUMV("knownFlags", known_flags, pf_seccomp_flags, "seccomp flag") },
	{ F_ENUMV("supportedFlags", supported_flags, pf_seccomp_flags, "seccomp flag") },
	{ 0 },
};
static PF_TYPE(seccomp_type, "seccomp", seccomp_fields);
#undef T

#define T struct pf_feat_mount_ext
static const struct pf_field mount_ext_fields[] = {
	{ F_OBJ("idmap", idmap, enabled_type) },
	{ 0 },
};
static PF_TYPE(mount_ext_type, "mountExtensions", mount_ext_fields);
#undef T

#define T struct pf_feat_mempolicy
static const struct pf_field mempolicy_fields[] = {
	{ F_ENUMV("modes", modes, pf_mempolicy_modes, "memory policy mode") },
	{ F_ENUMV("flags", flags, pf_mempolicy_flags, "memory policy flag") },
	{ 0 },
};
static PF_TYPE(mempolicy_type, "memoryPolicy", mempolicy_fields);
#undef T

#define T struct pf_feat_intel_rdt
static const struct pf_field intel_rdt_fields[] = {
	{ F_BOOL("enabled", enabled) },
	{ F_BOOL("schemata", schemata) },
	{ F_BOOL("monitoring", monitoring) },
	{ 0 },
};
static PF_TYPE(intel_rdt_type, "intelRdt", intel_rdt_fields);
#undef T

#define T struct pf_feat_linux
static const struct pf_field linux_fields[] = {
	{ F_ENUMV("namespaces", namespaces, pf_namespace_types, "namespace type") },
	{ F_STRV("capabilities", capabilities), .check = is_cap_name,
	  .what = "capability like \"CAP_CHOWN\"" },
	{ F_OBJ("cgroup", cgroup, cgroup_type) },
	{ F_OBJ("seccomp", seccomp, seccomp_type) },
	{ F_OBJ("apparmor", apparmor, enabled_type) },
	{ F_OBJ("selinux", selinux, enabled_type) },
	{ F_OBJ("intelRdt", intel_rdt, intel_rdt_type) },
	{ F_OBJ("mountExtensions", mount_extensions, mount_ext_type) },
	{ F_OBJ("memoryPolicy", memory_policy, mempolicy_type) },
	{ F_OBJ("netDevices", net_devices, enabled_type) },
	{ 0 },
};
static PF_TYPE(linux_type, "linux", linux_fields);
#undef T

#define T struct pf_features
static const struct pf_field features_fields[] = {
	{ F_STR("ociVersionMin", oci_version_min), .flags = PF_REQUIRED },
	{ F_STR("ociVersionMax", oci_version_max), .flags = PF_REQUIRED },
	{ F_ENUMV("hooks", hooks, pf_hook_kinds, "hook kind") },
	{ F_STRV("mountOptions", mount_options) },
	{ F_STRMAP("annotations", annotations) },
	{ F_STRV("potentiallyUnsafeConfigAnnotations", potentially_unsafe_config_annotations) },
	{ F_OBJ("linux", linux_, linux_type) },
	{ 0 },
};
static PF_TYPE(features_type, "features", features_fields);
#undef T

struct pf_features *pf_features_parse(const char *buf, size_t len, const char *name,
				      struct pf_error *err)
{
	struct pf_features *f = calloc(1, sizeof(*f));

	if (!f) {
		pf_fail_errno(err, ENOMEM, "%s", name);
		return NULL;
	}
	if (pf_json_decode(&features_type, buf, len, name, f, err) < 0) {
		free(f);
		return NULL;
	}
	return f;
}

int pf_features_emit(const struct pf_features *f, char **out, size_t *len, struct pf_error *err)
{
	return pf_json_encode(&features_type, f, out, len, err);
}

bool pf_features_equal(const struct pf_features *a, const struct pf_features *b)
{
	return pf_obj_equal(&features_type, a, b);
}

void pf_features_free(struct pf_features *f)
{
	if (f)
		pf_obj_free(&features_type, f);
}
