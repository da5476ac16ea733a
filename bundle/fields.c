/* config.json described row by row: the schema of runtime-spec v1.3.0 (config-schema.json,
 * config-linux.json, defs*.json) for Linux. Other platforms' sections are ignored as unknown. */
#include "bundle/fields.h"

#include <stddef.h>
#include <string.h>

#include "bundle/model.h"
#include "bundle/names.h"

/* The schema's "pattern"s, written out by hand to avoid a regex engine on the parse path. */
static bool all_of(const char *s, const char *set)
{
	return strspn(s, set) == strlen(s);
}

static bool is_page_size(const char *s)            /* ^[1-9][0-9]*[KMG]B$ */
{
	size_t n = strlen(s), digits = strspn(s, "0123456789");

	return n >= 3 && s[0] != '0' && digits == n - 2 && strchr("KMG", s[n - 2]) &&
	       s[n - 1] == 'B';
}

static bool is_rlimit_type(const char *s)         /* ^RLIMIT_[A-Z]+$ */
{
	return strncmp(s, "RLIMIT_", 7) == 0 && s[7] && all_of(s + 7, "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
}

static bool is_cpu_list(const char *s)            /* ^[0-9, -]*$ */
{
	return all_of(s, "0123456789, -");
}

static bool is_mem_bw_schema(const char *s)       /* ^MB:[^\n]*$ */
{
	return strncmp(s, "MB:", 3) == 0 && !strchr(s, '\n');
}

static bool is_file_type(const char *s)           /* ^[cbup]$ */
{
	return s[0] && !s[1] && strchr("cbup", s[0]);
}

#define T struct pf_id_mapping
static const struct pf_field id_mapping_fields[] = {
	{ F_U32("containerID", container_id), .flags = PF_REQUIRED },
	{ F_U32("hostID", host_id), .flags = PF_REQUIRED },
	{ F_U32("size", size), .flags = PF_REQUIRED },
	{ 0 },
};
static PF_TYPE(id_mapping_type, "id mapping", id_mapping_fields);
#undef T

#define T struct pf_mount
static const struct pf_field mount_fields[] = {
	{ F_STR("destination", destination), .flags = PF_REQUIRED },
	{ F_STR("type", type) },
	{ F_STR("source", source) },
	{ F_STRV("options", options) },
	{ F_OBJV("uidMappings", uid_mappings, id_mapping_type) },
	{ F_OBJV("gidMappings", gid_mappings, id_mapping_type) },
	{ 0 },
};
static PF_TYPE(mount_type, "mount", mount_fields);
#undef T

#define T struct pf_hook
static const struct pf_field hook_fields[] = {
	{ F_STR("path", path), .flags = PF_REQUIRED },
	{ F_STRV("args", args) },
	{ F_STRV("env", env) },
	{ F_INT("timeout", timeout, 1, INT64_MAX, "positive integer") },
	{ 0 },
};
static PF_TYPE(hook_type, "hook", hook_fields);
#undef T

#define T struct pf_hooks_cfg
static const struct pf_field hooks_fields[] = {
	{ F_OBJV("prestart", prestart, hook_type) },
	{ F_OBJV("createRuntime", create_runtime, hook_type) },
	{ F_OBJV("createContainer", create_container, hook_type) },
	{ F_OBJV("startContainer", start_container, hook_type) },
	{ F_OBJV("poststart", poststart, hook_type) },
	{ F_OBJV("poststop", poststop, hook_type) },
	{ 0 },
};
static PF_TYPE(hooks_type, "hooks", hooks_fields);
#undef T

#define T struct pf_root
static const struct pf_field root_fields[] = {
	{ F_STR("path", path), .flags = PF_REQUIRED },
	{ F_BOOL("readonly", readonly) },
	{ 0 },
};
static PF_TYPE(root_type, "root", root_fields);
#undef T

#define T struct pf_console_size
static const struct pf_field console_size_fields[] = {
	{ F_U64("height", height), .flags = PF_REQUIRED },
	{ F_U64("width", width), .flags = PF_REQUIRED },
	{ 0 },
};
static PF_TYPE(console_size_type, "console size", console_size_fields);
#undef T

#define T struct pf_user
static const struct pf_field user_fields[] = {
	{ F_U32("uid", uid) },
	{ F_U32("gid", gid) },
	{ F_U32("umask", umask) },
	{ F_U32V("additionalGids", additional_gids) },
	{ F_STR("username", username) },
	{ 0 },
};
static PF_TYPE(user_type, "user", user_fields);
#undef T

#define T struct pf_capabilities
static const struct pf_field capabilities_fields[] = {
	{ F_STRV("bounding", bounding) },
	{ F_STRV("effective", effective) },
	{ F_STRV("inheritable", inheritable) },
	{ F_STRV("permitted", permitted) },
	{ F_STRV("ambient", ambient) },
	{ 0 },
};
static PF_TYPE(capabilities_type, "capabilities", capabilities_fields);
#undef T

#define T struct pf_rlimit
static const struct pf_field rlimit_fields[] = {
	{ F_PATTERN("type", type, is_rlimit_type, "rlimit type like \"RLIMIT_NOFILE\""),
	  .flags = PF_REQUIRED },
	{ F_U64("soft", soft), .flags = PF_REQUIRED },
	{ F_U64("hard", hard), .flags = PF_REQUIRED },
	{ 0 },
};
static PF_TYPE(rlimit_type, "rlimit", rlimit_fields);
#undef T

#define T struct pf_io_priority
static const struct pf_field io_priority_fields[] = {
	{ F_ENUM("class", class_, pf_ioprio_classes, "I/O priority class"), .flags = PF_REQUIRED },
	{ F_I32("priority", priority) },
	{ 0 },
};
static PF_TYPE(io_priority_type, "I/O priority", io_priority_fields);
#undef T

#define T struct pf_scheduler
static const struct pf_field scheduler_fields[] = {
	{ F_ENUM("policy", policy, pf_sched_policies, "scheduler policy"), .flags = PF_REQUIRED },
	{ F_I32("nice", nice) },
	{ F_I32("priority", priority) },
	{ F_ENUMV("flags", flags, pf_sched_flags, "scheduler flag") },
	{ F_U64("runtime", runtime) },
	{ F_U64("deadline", deadline) },
	{ F_U64("period", period) },
	{ 0 },
};
static PF_TYPE(scheduler_type, "scheduler", scheduler_fields);
#undef T

#define T struct pf_cpu_affinity
static const struct pf_field cpu_affinity_fields[] = {
	{ F_PATTERN("initial", initial, is_cpu_list, "CPU list like \"0-3,7\"") },
	{ F_PATTERN("final", final, is_cpu_list, "CPU list like \"0-3,7\"") },
	{ 0 },
};
static PF_TYPE(cpu_affinity_type, "exec CPU affinity", cpu_affinity_fields);
#undef T

#define T struct pf_process
static const struct pf_field process_fields[] = {
	{ F_BOOL("terminal", terminal) },
	{ F_OBJ("consoleSize", console_size, console_size_type) },
	{ F_STR("cwd", cwd), .flags = PF_REQUIRED },
	{ F_STRV("env", env) },
	{ F_STRV("args", args) },
	{ F_STR("commandLine", command_line) },
	{ F_OBJ("user", user, user_type) },
	{ F_OBJ("capabilities", capabilities, capabilities_type) },
	{ F_OBJV("rlimits", rlimits, rlimit_type) },
	{ F_BOOL("noNewPrivileges", no_new_privileges) },
	{ F_STR("apparmorProfile", apparmor_profile) },
	{ F_INT("oomScoreAdj", oom_score_adj, INT64_MIN, INT64_MAX, "integer") },
	{ F_STR("selinuxLabel", selinux_label) },
	{ F_OBJ("ioPriority", io_priority, io_priority_type) },
	{ F_OBJ("scheduler", scheduler, scheduler_type) },
	{ F_OBJ("execCPUAffinity", exec_cpu_affinity, cpu_affinity_type) },
	{ 0 },
};
PF_TYPE(pf_process_type, "process", process_fields);
#undef T

#define T struct pf_namespace
static const struct pf_field namespace_fields[] = {
	{ F_ENUM("type", type, pf_namespace_types, "namespace type"), .flags = PF_REQUIRED },
	{ F_STR("path", path) },
	{ 0 },
};
static PF_TYPE(namespace_type, "namespace", namespace_fields);
#undef T

#define T struct pf_device
static const struct pf_field device_fields[] = {
	{ F_PATTERN("type", type, is_file_type, "device type (c, b, u or p)"), .flags = PF_REQUIRED },
	{ F_STR("path", path), .flags = PF_REQUIRED },
	{ F_I64("major", major) },
	{ F_I64("minor", minor) },
	{ F_UINT("fileMode", file_mode, 511, "file mode (0 to 0777)") },
	{ F_U32("uid", uid) },
	{ F_U32("gid", gid) },
	{ 0 },
};
static PF_TYPE(device_type, "device", device_fields);
#undef T

#define T struct pf_net_device
static const struct pf_field net_device_fields[] = {
	{ F_STR("name", name) },
	{ 0 },
};
static PF_TYPE(net_device_type, "net device", net_device_fields);
#undef T

#define T struct pf_time_offset
static const struct pf_field time_offset_fields[] = {
	{ F_I64("secs", secs) },
	{ F_U32("nanosecs", nanosecs) },
	{ 0 },
};
static PF_TYPE(time_offset_type, "time offset", time_offset_fields);
#undef T

#define T struct pf_time_offsets
static const struct pf_field time_offsets_fields[] = {
	{ F_OBJ("boottime", boottime, time_offset_type) },
	{ F_OBJ("monotonic", monotonic, time_offset_type) },
	{ 0 },
};
static PF_TYPE(time_offsets_type, "time offsets", time_offsets_fields);
#undef T

#define T struct pf_device_cgroup
static const struct pf_field device_cgroup_fields[] = {
	{ F_BOOL("allow", allow), .flags = PF_REQUIRED },
	{ F_STR("type", type) },
	{ F_I64("major", major) },
	{ F_I64("minor", minor) },
	{ F_STR("access", access) },
	{ 0 },
};
static PF_TYPE(device_cgroup_type, "device rule", device_cgroup_fields);
#undef T

#define T struct pf_memory
static const struct pf_field memory_fields[] = {
	{ F_I64("limit", limit) },
	{ F_I64("reservation", reservation) },
	{ F_I64("swap", swap) },
	{ F_I64("kernel", kernel) },
	{ F_I64("kernelTCP", kernel_tcp) },
	{ F_U64("swappiness", swappiness) },
	{ F_BOOL("disableOOMKiller", disable_oom_killer) },
	{ F_BOOL("useHierarchy", use_hierarchy) },
	{ F_BOOL("checkBeforeUpdate", check_before_update) },
	{ 0 },
};
static PF_TYPE(memory_type, "memory", memory_fields);
#undef T

#define T struct pf_cpu
static const struct pf_field cpu_fields[] = {
	{ F_U64("shares", shares) },
	{ F_I64("quota", quota) },
	{ F_U64("burst", burst) },
	{ F_U64("period", period) },
	{ F_I64("realtimeRuntime", realtime_runtime) },
	{ F_U64("realtimePeriod", realtime_period) },
	{ F_STR("cpus", cpus) },
	{ F_STR("mems", mems) },
	{ F_I64("idle", idle) },
	{ 0 },
};
static PF_TYPE(cpu_type, "cpu", cpu_fields);
#undef T

#define T struct pf_pids
static const struct pf_field pids_fields[] = {
	{ F_I64("limit", limit), .flags = PF_REQUIRED },
	{ 0 },
};
static PF_TYPE(pids_type, "pids", pids_fields);
#undef T

#define T struct pf_weight_device
static const struct pf_field weight_device_fields[] = {
	{ F_I64("major", major), .flags = PF_REQUIRED },
	{ F_I64("minor", minor), .flags = PF_REQUIRED },
	{ F_U16("weight", weight) },
	{ F_U16("leafWeight", leaf_weight) },
	{ 0 },
};
static PF_TYPE(weight_device_type, "weight device", weight_device_fields);
#undef T

#define T struct pf_throttle_device
static const struct pf_field throttle_device_fields[] = {
	{ F_I64("major", major), .flags = PF_REQUIRED },
	{ F_I64("minor", minor), .flags = PF_REQUIRED },
	{ F_U64("rate", rate) },
	{ 0 },
};
static PF_TYPE(throttle_device_type, "throttle device", throttle_device_fields);
#undef T

#define T struct pf_block_io
static const struct pf_field block_io_fields[] = {
	{ F_U16("weight", weight) },
	{ F_U16("leafWeight", leaf_weight) },
	{ F_OBJV("weightDevice", weight_device, weight_device_type) },
	{ F_OBJV("throttleReadBpsDevice", throttle_read_bps_device, throttle_device_type) },
	{ F_OBJV("throttleWriteBpsDevice", throttle_write_bps_device, throttle_device_type) },
	{ F_OBJV("throttleReadIOPSDevice", throttle_read_iops_device, throttle_device_type) },
	{ F_OBJV("throttleWriteIOPSDevice", throttle_write_iops_device, throttle_device_type) },
	{ 0 },
};
static PF_TYPE(block_io_type, "block I/O", block_io_fields);
#undef T

#define T struct pf_hugepage_limit
static const struct pf_field hugepage_limit_fields[] = {
	{ F_PATTERN("pageSize", page_size, is_page_size, "page size like \"2MB\""),
	  .flags = PF_REQUIRED },
	{ F_U64("limit", limit), .flags = PF_REQUIRED },
	{ 0 },
};
static PF_TYPE(hugepage_limit_type, "hugepage limit", hugepage_limit_fields);
#undef T

#define T struct pf_net_priority
static const struct pf_field net_priority_fields[] = {
	{ F_STR("name", name), .flags = PF_REQUIRED },
	{ F_U32("priority", priority), .flags = PF_REQUIRED },
	{ 0 },
};
static PF_TYPE(net_priority_type, "network priority", net_priority_fields);
#undef T

#define T struct pf_network
static const struct pf_field network_fields[] = {
	{ F_U32("classID", class_id) },
	{ F_OBJV("priorities", priorities, net_priority_type) },
	{ 0 },
};
static PF_TYPE(network_type, "network", network_fields);
#undef T

#define T struct pf_rdma
static const struct pf_field rdma_fields[] = {
	{ F_U32("hcaHandles", hca_handles) },
	{ F_U32("hcaObjects", hca_objects) },
	{ 0 },
};
static PF_TYPE(rdma_type, "rdma", rdma_fields);
#undef T

#define T struct pf_resources
static const struct pf_field resources_fields[] = {
	{ F_OBJV("devices", devices, device_cgroup_type) },
	{ F_OBJ("memory", memory, memory_type) },
	{ F_OBJ("cpu", cpu, cpu_type) },
	{ F_OBJ("pids", pids, pids_type) },
	{ F_OBJ("blockIO", block_io, block_io_type) },
	{ F_OBJV("hugepageLimits", hugepage_limits, hugepage_limit_type) },
	{ F_OBJ("network", network, network_type) },
	{ F_OBJMAP("rdma", rdma, rdma_type) },
	{ F_STRMAP("unified", unified) },
	{ 0 },
};
PF_TYPE(pf_resources_type, "resources", resources_fields);
#undef T

#define T struct pf_seccomp_arg
static const struct pf_field seccomp_arg_fields[] = {
	{ F_U32("index", index), .flags = PF_REQUIRED },
	{ F_U64("value", value), .flags = PF_REQUIRED },
	{ F_U64("valueTwo", value_two) },
	{ F_ENUM("op", op, pf_seccomp_operators, "seccomp operator"), .flags = PF_REQUIRED },
	{ 0 },
};
static PF_TYPE(seccomp_arg_type, "seccomp argument", seccomp_arg_fields);
#undef T

#define T struct pf_syscall
static const struct pf_field syscall_fields[] = {
	{ F_STRV("names", names), .flags = PF_REQUIRED | PF_NONEMPTY },
	{ F_ENUM("action", action, pf_seccomp_actions, "seccomp action"), .flags = PF_REQUIRED },
	{ F_U32("errnoRet", errno_ret) },
	{ F_OBJV("args", args, seccomp_arg_type) },
	{ 0 },
};
static PF_TYPE(syscall_type, "syscall rule", syscall_fields);
#undef T

#define T struct pf_seccomp
static const struct pf_field seccomp_fields[] = {
	{ F_ENUM("defaultAction", default_action, pf_seccomp_actions, "seccomp action"),
	  .flags = PF_REQUIRED },
	{ F_U32("defaultErrnoRet", default_errno_ret) },
	{ F_ENUMV("architectures", architectures, pf_seccomp_archs, "seccomp architecture") },
	{ F_ENUMV("flags", flags, pf_seccomp_flags, "seccomp flag") },
	{ F_STR("listenerPath", listener_path) },
	{ F_STR("listenerMetadata", listener_metadata) },
	{ F_OBJV("syscalls", syscalls, syscall_type) },
	{ 0 },
};
static PF_TYPE(seccomp_type, "seccomp", seccomp_fields);
#undef T

#define T struct pf_intel_rdt
static const struct pf_field intel_rdt_fields[] = {
	{ F_STR("closID", clos_id) },
	{ F_STRV("schemata", schemata) },
	{ F_STR("l3CacheSchema", l3_cache_schema) },
	{ F_PATTERN("memBwSchema", mem_bw_schema, is_mem_bw_schema, "schema like \"MB:0=70\"") },
	{ F_BOOL("enableMonitoring", enable_monitoring) },
	{ 0 },
};
static PF_TYPE(intel_rdt_type, "intelRdt", intel_rdt_fields);
#undef T

#define T struct pf_memory_policy
static const struct pf_field memory_policy_fields[] = {
	{ F_ENUM("mode", mode, pf_mempolicy_modes, "memory policy mode") },
	{ F_STR("nodes", nodes) },
	{ F_ENUMV("flags", flags, pf_mempolicy_flags, "memory policy flag") },
	{ 0 },
};
static PF_TYPE(memory_policy_type, "memory policy", memory_policy_fields);
#undef T

#define T struct pf_personality
static const struct pf_field personality_fields[] = {
	{ F_ENUM("domain", domain, pf_personality_domains, "personality domain") },
	{ F_STRV("flags", flags) },
	{ 0 },
};
static PF_TYPE(personality_type, "personality", personality_fields);
#undef T

#define T struct pf_linux
static const struct pf_field linux_fields[] = {
	{ F_OBJV("namespaces", namespaces, namespace_type) },
	{ F_OBJV("uidMappings", uid_mappings, id_mapping_type) },
	{ F_OBJV("gidMappings", gid_mappings, id_mapping_type) },
	{ F_OBJ("timeOffsets", time_offsets, time_offsets_type) },
	{ F_OBJV("devices", devices, device_type) },
	{ F_OBJMAP("netDevices", net_devices, net_device_type) },
	{ F_STR("cgroupsPath", cgroups_path) },
	{ F_OBJ("resources", resources, pf_resources_type) },
	{ F_ENUM("rootfsPropagation", rootfs_propagation, pf_rootfs_propagations,
		 "rootfs propagation") },
	{ F_OBJ("seccomp", seccomp, seccomp_type) },
	{ F_STRMAP("sysctl", sysctl) },
	{ F_STRV("maskedPaths", masked_paths) },
	{ F_STRV("readonlyPaths", readonly_paths) },
	{ F_STR("mountLabel", mount_label) },
	{ F_OBJ("personality", personality, personality_type) },
	{ F_OBJ("intelRdt", intel_rdt, intel_rdt_type) },
	{ F_OBJ("memoryPolicy", memory_policy, memory_policy_type) },
	{ 0 },
};
PF_TYPE(pf_linux_type, "linux", linux_fields);
#undef T

#define T struct pf_spec
static const struct pf_field spec_fields[] = {
	{ F_STR("ociVersion", oci_version), .flags = PF_REQUIRED },
	{ F_OBJ("root", root, root_type) },
	{ F_OBJV("mounts", mounts, mount_type) },
	{ F_OBJ("process", process, pf_process_type) },
	{ F_STR("hostname", hostname) },
	{ F_STR("domainname", domainname) },
	{ F_OBJ("hooks", hooks, hooks_type) },
	{ F_STRMAP("annotations", annotations) },
	{ F_OBJ("linux", linux_, pf_linux_type) },
	{ 0 },
};
PF_TYPE(pf_spec_type, "config", spec_fields);
#undef T
