/* The OCI runtime-spec v1.3.0 configuration for Linux as plain C structs.
 *
 * Presence is explicit: a string is NULL when absent, a nested object is a NULL pointer, scalars
 * and vectors carry a `set` flag, so emitting writes back exactly the properties that were given.
 * Integers are held at 64 bits; their schema width is enforced when parsing (bundle/fields.c).
 * The layout of every PF_VEC and PF_MAP is the same, which lets the generic code in bundle/
 * walk them through the field tables. */
#ifndef PF_MODEL_H
#define PF_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct { bool set; bool v; } pf_bool;
typedef struct { bool set; int64_t v; } pf_int;
typedef struct { bool set; uint64_t v; } pf_uint;

#define PF_VEC(T) struct { T *v; size_t n; bool set; }
#define PF_MAP(T) struct { char **keys; T *v; size_t n; bool set; }

typedef PF_VEC(char *) pf_strv;
typedef PF_VEC(uint64_t) pf_uintv;
typedef PF_MAP(char *) pf_strmap;

struct pf_id_mapping {
	pf_uint container_id;
	pf_uint host_id;
	pf_uint size;
};
typedef PF_VEC(struct pf_id_mapping) pf_id_mappings;

struct pf_mount {
	char *destination;
	char *source;
	char *type;
	pf_strv options;
	pf_id_mappings uid_mappings;
	pf_id_mappings gid_mappings;
};

struct pf_hook {
	char *path;
	pf_strv args;
	pf_strv env;
	pf_int timeout;
};
typedef PF_VEC(struct pf_hook) pf_hooks;

struct pf_hooks_cfg {
	pf_hooks prestart;
	pf_hooks create_runtime;
	pf_hooks create_container;
	pf_hooks start_container;
	pf_hooks poststart;
	pf_hooks poststop;
};

struct pf_root {
	char *path;
	pf_bool readonly;
};

struct pf_console_size {
	pf_uint height;
	pf_uint width;
};

struct pf_user {
	pf_uint uid;
	pf_uint gid;
	pf_uint umask;
	pf_uintv additional_gids;
	char *username;
};

struct pf_capabilities {
	pf_strv bounding;
	pf_strv effective;
	pf_strv inheritable;
	pf_strv permitted;
	pf_strv ambient;
};

struct pf_rlimit {
	char *type;
	pf_uint soft;
	pf_uint hard;
};

struct pf_io_priority {
	char *class_;
	pf_int priority;
};

struct pf_scheduler {
	char *policy;
	pf_int nice;
	pf_int priority;
	pf_strv flags;
	pf_uint runtime;
	pf_uint deadline;
	pf_uint period;
};

struct pf_cpu_affinity {
	char *initial;
	char *final;
};

struct pf_process {
	pf_bool terminal;
	struct pf_console_size *console_size;
	char *cwd;
	pf_strv env;
	pf_strv args;
	char *command_line;
	struct pf_user *user;
	struct pf_capabilities *capabilities;
	PF_VEC(struct pf_rlimit) rlimits;
	pf_bool no_new_privileges;
	char *apparmor_profile;
	pf_int oom_score_adj;
	char *selinux_label;
	struct pf_io_priority *io_priority;
	struct pf_scheduler *scheduler;
	struct pf_cpu_affinity *exec_cpu_affinity;
};

struct pf_namespace {
	char *type;
	char *path;
};

struct pf_device {
	char *type;
	char *path;
	pf_int major;
	pf_int minor;
	pf_uint file_mode;
	pf_uint uid;
	pf_uint gid;
};

struct pf_net_device {
	char *name;
};

struct pf_time_offset {
	pf_int secs;
	pf_uint nanosecs;
};

struct pf_time_offsets {
	struct pf_time_offset *boottime;
	struct pf_time_offset *monotonic;
};

struct pf_device_cgroup {
	pf_bool allow;
	char *type;
	pf_int major;
	pf_int minor;
	char *access;
};

struct pf_memory {
	pf_int limit;
	pf_int reservation;
	pf_int swap;
	pf_int kernel;
	pf_int kernel_tcp;
	pf_uint swappiness;
	pf_bool disable_oom_killer;
	pf_bool use_hierarchy;
	pf_bool check_before_update;
};

struct pf_cpu {
	pf_uint shares;
	pf_int quota;
	pf_uint burst;
	pf_uint period;
	pf_int realtime_runtime;
	pf_uint realtime_period;
	char *cpus;
	char *mems;
	pf_int idle;
};

struct pf_pids {
	pf_int limit;
};

struct pf_weight_device {
	pf_int major;
	pf_int minor;
	pf_uint weight;
	pf_uint leaf_weight;
};

struct pf_throttle_device {
	pf_int major;
	pf_int minor;
	pf_uint rate;
};
typedef PF_VEC(struct pf_throttle_device) pf_throttle_devices;

struct pf_block_io {
	pf_uint weight;
	pf_uint leaf_weight;
	PF_VEC(struct pf_weight_device) weight_device;
	pf_throttle_devices throttle_read_bps_device;
	pf_throttle_devices throttle_write_bps_device;
	pf_throttle_devices throttle_read_iops_device;
	pf_throttle_devices throttle_write_iops_device;
};

struct pf_hugepage_limit {
	char *page_size;
	pf_uint limit;
};

struct pf_net_priority {
	char *name;
	pf_uint priority;
};

struct pf_network {
	pf_uint class_id;
	PF_VEC(struct pf_net_priority) priorities;
};

struct pf_rdma {
	pf_uint hca_handles;
	pf_uint hca_objects;
};

struct pf_resources {
	PF_VEC(struct pf_device_cgroup) devices;
	struct pf_memory *memory;
	struct pf_cpu *cpu;
	struct pf_pids *pids;
	struct pf_block_io *block_io;
	PF_VEC(struct pf_hugepage_limit) hugepage_limits;
	struct pf_network *network;
	PF_MAP(struct pf_rdma) rdma;
	pf_strmap unified;
};

struct pf_seccomp_arg {
	pf_uint index;
	pf_uint value;
	pf_uint value_two;
	char *op;
};

struct pf_syscall {
	pf_strv names;
	char *action;
	pf_uint errno_ret;
	PF_VEC(struct pf_seccomp_arg) args;
};

struct pf_seccomp {
	char *default_action;
	pf_uint default_errno_ret;
	pf_strv architectures;
	pf_strv flags;
	char *listener_path;
	char *listener_metadata;
	PF_VEC(struct pf_syscall) syscalls;
};

struct pf_intel_rdt {
	char *clos_id;
	pf_strv schemata;
	char *l3_cache_schema;
	char *mem_bw_schema;
	pf_bool enable_monitoring;
};

struct pf_memory_policy {
	char *mode;
	char *nodes;
	pf_strv flags;
};

struct pf_personality {
	char *domain;
	pf_strv flags;
};

struct pf_linux {
	PF_VEC(struct pf_namespace) namespaces;
	pf_id_mappings uid_mappings;
	pf_id_mappings gid_mappings;
	struct pf_time_offsets *time_offsets;
	PF_VEC(struct pf_device) devices;
	PF_MAP(struct pf_net_device) net_devices;
	char *cgroups_path;
	struct pf_resources *resources;
	char *rootfs_propagation;
	struct pf_seccomp *seccomp;
	pf_strmap sysctl;
	pf_strv masked_paths;
	pf_strv readonly_paths;
	char *mount_label;
	struct pf_personality *personality;
	struct pf_intel_rdt *intel_rdt;
	struct pf_memory_policy *memory_policy;
};

/* The whole config.json. */
struct pf_spec {
	char *oci_version;
	struct pf_root *root;
	PF_VEC(struct pf_mount) mounts;
	struct pf_process *process;
	char *hostname;
	char *domainname;
	struct pf_hooks_cfg *hooks;
	pf_strmap annotations;
	struct pf_linux *linux_;
};

#endif
