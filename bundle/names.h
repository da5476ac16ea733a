/* Names the spec knows: enums of the schema and the kernel's capability, rlimit and signal names. */
#ifndef PF_NAMES_H
#define PF_NAMES_H

#include <stdbool.h>
#include <stddef.h>

extern const char *const pf_namespace_types[];      /* "mount", "pid", ... in schema order */
extern const char *const pf_rootfs_propagations[];
extern const char *const pf_seccomp_actions[];
extern const char *const pf_seccomp_archs[];
extern const char *const pf_seccomp_flags[];
extern const char *const pf_seccomp_operators[];
extern const char *const pf_sched_policies[];
extern const char *const pf_sched_flags[];
extern const char *const pf_mempolicy_modes[];
extern const char *const pf_mempolicy_flags[];
extern const char *const pf_personality_domains[];
extern const char *const pf_ioprio_classes[];
extern const char *const pf_hook_kinds[];

/* Index of s in a NULL-terminated list, or -1. */
int pf_name_index(const char *const *list, const char *s);
size_t pf_name_count(const char *const *list);

/* Capabilities "CAP_CHOWN"... indexed by number; NULL for a gap. */
extern const char *const pf_capability_names[];
extern const int pf_capability_last;
/* Number of a capability by full name ("CAP_SYS_ADMIN"), or -1. */
int pf_capability_number(const char *name);

/* Rlimits "RLIMIT_CPU"... indexed by resource number. */
extern const char *const pf_rlimit_names[];
int pf_rlimit_number(const char *name);

/* Parses "TERM", "SIGTERM", "sigterm", "15", "RTMIN+3". Returns the number or -1. */
int pf_signal_parse(const char *s);

#endif
