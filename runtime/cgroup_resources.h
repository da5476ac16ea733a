/* Internal to the files that apply linux.resources (cgroup_resources.c, cgroup_v1.c,
 * cgroup_v2.c, devices_bpf.c) and to their unit test; the engine calls only
 * pf_cgroup_apply_resources (cgroup.h). docs/cgroups.md has the v1/v2 translation table. */
#ifndef PF_CGROUP_RESOURCES_H
#define PF_CGROUP_RESOURCES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/bpf.h>

#include "bundle/error.h"
#include "bundle/model.h"

/* The controllers linux.resources can ask for, by their v1 names. */
enum pf_ctrl {
	PF_CTRL_CPU,
	PF_CTRL_CPUSET,
	PF_CTRL_MEMORY,
	PF_CTRL_BLKIO,
	PF_CTRL_PIDS,
	PF_CTRL_HUGETLB,
	PF_CTRL_NET_CLS,
	PF_CTRL_NET_PRIO,
	PF_CTRL_RDMA,
	PF_CTRL_DEVICES,
	PF_CTRL_COUNT
};

/* v1 name ("blkio"), and the v2 name ("io") or NULL for net_cls, net_prio and devices, which
 * cgroup v2 has not as controllers. */
const char *pf_ctrl_v1_name(enum pf_ctrl c);
const char *pf_ctrl_v2_name(enum pf_ctrl c);

/* Where the container's cgroup files are, as found from its directories. */
struct pf_cg_layout {
	const char *v1[PF_CTRL_COUNT]; /* the v1 directory holding each controller, else NULL */
	const char *v2;                /* the container's cgroup2 directory, else NULL */
	char *v2_top;                  /* mount point of that cgroup2 hierarchy */
	pf_strv v2_avail;              /* controllers in v2_top's cgroup.controllers */
};

/* ---- shared file helpers (cgroup_resources.c) ------------------------------------------- */

/* Writes value (one line, one write(2)) to dir/file. The error reads
 * "cgroup: write FILE=VALUE in DIR: strerror", errno kept in err->err. */
int pf_cg_write(const char *dir, const char *file, const char *value, struct pf_error *err);
/* As pf_cg_write with a printf-made value. */
int pf_cg_writef(const char *dir, const char *file, struct pf_error *err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
bool pf_cg_exists(const char *dir, const char *file);
/* Reads dir/file whole (malloc'd into *out). */
int pf_cg_read(const char *dir, const char *file, char **out, struct pf_error *err);
/* True when the whitespace-separated list text holds word. */
bool pf_cg_has_word(const char *text, const char *word);
bool pf_cg_strv_has(const pf_strv *v, const char *s);

/* ---- pure conversions (cgroup_v2.c) ------------------------------------------------------ */

/* cpu.shares [2, 262144] → cpu.weight [1, 10000], crun's and runc's linear map; 0 stays 0. */
uint64_t pf_cg_shares_to_weight(uint64_t shares);
/* blkio.weight [10, 1000] → io.weight [1, 10000], linear like runc and crun; 0 stays 0. */
uint64_t pf_cg_blkio_to_io_weight(uint64_t weight);
/* memory.swap.max from OCI memory.swap (memory+swap, as v1's memsw) and memory.limit:
 * "max" for a negative swap, "0" for 0, else swap - limit. Fails when a positive swap has no
 * memory limit (or an unlimited one) or is below it. */
int pf_cg_swap_max(const struct pf_memory *m, char *out, size_t size, struct pf_error *err);
/* cpu.max from quota and period (0 counts as unset): "QUOTA PERIOD" (period 100000 when
 * unset), "max PERIOD" for a negative quota or a period alone, "max" for a negative quota
 * alone. Returns 1 when out was filled, 0 when there is nothing to write. */
int pf_cg_cpu_max(const struct pf_cpu *c, char *out, size_t size);
/* io.max lines, one per device in order of first mention:
 * "MAJ:MIN rbps=N wbps=N riops=N wiops=N" with only the keys the config sets. */
int pf_cg_io_max_lines(const struct pf_block_io *b, pf_strv *lines, struct pf_error *err);
/* rdma.max line for one device: "DEV hca_handle=N hca_object=N" (missing ones "max");
 * -1 when out is too small. */
int pf_cg_rdma_line(const char *dev, const struct pf_rdma *r, char *out, size_t size);

/* ---- writers ----------------------------------------------------------------------------- */

/* with_devices: also the device lists, where a v1 devices controller is mounted */
int pf_cg_v1_apply(const struct pf_cg_layout *L, const struct pf_resources *r, bool with_devices,
		   struct pf_error *err);
/* Enables ctrls (v2 names) in cgroup.subtree_control from v2_top down to the parent of the
 * container's directory, skipping levels that have them already. */
int pf_cg_v2_enable(const struct pf_cg_layout *L, const pf_strv *ctrls, struct pf_error *err);
/* with_devices: also the device program, where no v1 devices controller is mounted */
int pf_cg_v2_apply(const struct pf_cg_layout *L, const struct pf_resources *r, bool with_devices,
		   struct pf_error *err);
/* The device program alone, where devices are v2's (else nothing). */
int pf_cg_v2_devices(const struct pf_cg_layout *L, const struct pf_resources *r,
		     struct pf_error *err);

/* ---- devices ----------------------------------------------------------------------------- */

#define PF_DEV_MKNOD 1u /* the bits of BPF_DEVCG_ACC_* */
#define PF_DEV_READ 2u
#define PF_DEV_WRITE 4u
#define PF_DEV_RWM 7u
#define PF_DEV_ANY (-1)

struct pf_dev_rule {
	char type;       /* 'a', 'c' or 'b' */
	int64_t major;   /* PF_DEV_ANY for all */
	int64_t minor;
	unsigned access; /* PF_DEV_* bits */
	bool allow;
};

/* The rules in force, in order, the last match deciding: deny everything, then
 * linux.resources.devices (r may be NULL), then the devices every container gets (as runc and
 * crun: they come last, so a config's leading deny-all does not take away /dev/null).
 * *rules is malloc'd. */
int pf_dev_rules(const struct pf_resources *r, struct pf_dev_rule **rules, size_t *n,
		 struct pf_error *err);
/* The v1 lines for one rule: "a", or "TYPE MAJ:MIN ACCESS" — two of them ('c' and 'b') for a
 * type 'a' narrowed by numbers or access, as v1's "a" would reset the whole list. Returns the
 * number of lines. */
int pf_dev_rule_v1(const struct pf_dev_rule *d, char lines[2][64]);

/* A BPF_PROG_TYPE_CGROUP_DEVICE program deciding by rules: for each requested access bit the
 * last matching rule holding the bit decides; any bit denied, or one no rule decides, denies.
 * *insns is malloc'd. */
int pf_devices_bpf_build(const struct pf_dev_rule *rules, size_t n, struct bpf_insn **insns,
			 size_t *count, struct pf_error *err);
/* Loads a program; returns its fd. */
int pf_devices_bpf_load(const struct bpf_insn *insns, size_t count, struct pf_error *err);
/* Builds, loads and attaches (BPF_F_ALLOW_MULTI) the program to the cgroup2 directory dir;
 * the kernel drops it with the cgroup. */
int pf_devices_bpf_apply(const char *dir, const struct pf_dev_rule *rules, size_t n,
			 struct pf_error *err);

/* hugepageLimits: hugetlb.SIZE.<suffix> ("limit_in_bytes" on v1, "max" on v2), and the
 * reservation limit (Linux 5.7) beside it where the kernel has it, as runc does. */
int pf_cg_hugetlb(const char *dir, const struct pf_resources *r, const char *suffix,
		  struct pf_error *err);
/* rdma: one rdma.max line per device (the same format on v1 and v2). */
int pf_cg_rdma(const char *dir, const struct pf_resources *r, struct pf_error *err);

#endif
