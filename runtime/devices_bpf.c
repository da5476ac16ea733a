/* The device rules on cgroup v2: v2 has no devices controller, only programs of type
 * BPF_PROG_TYPE_CGROUP_DEVICE that the kernel runs on each open and mknod of a device node
 * by a process of the cgroup (or below). Built here instruction by instruction and loaded with
 * the raw bpf(2) syscall: no libbpf.
 *
 * The program gets { access_type = type | access << 16, major, minor } and returns 1 to allow.
 * Rules are checked from the last to the first. A register holds the requested access bits
 * not yet decided: a matching allow rule clears its bits (all cleared: allowed), a matching
 * deny rule holding any of them denies. Bits no rule decides fall to the deny at the end (the
 * first rule of the list is a deny-all anyway). This is the v1 list's semantics — the last
 * matching rule decides, bit by bit — without v1's limit on exceptions within exceptions.
 *
 *   r2 = type   r3 = access   r4 = major   r5 = minor   r6 = undecided bits
 *   per rule:   if r2 != TYPE goto next          (type 'a': no test)
 *               if r4 != MAJOR goto next         (wildcard: no test)
 *               if r5 != MINOR goto next
 *     allow:    w6 &= ~ACCESS; if r6 != 0 goto next; r0 = 1; exit
 *     deny:     r7 = r6; w7 &= ACCESS; if r7 == 0 goto next; r0 = 0; exit
 *   end:        r0 = 0; exit
 */
#include "runtime/cgroup_resources.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bundle/cleanup.h"

/* The most instructions a rule takes (three tests and five for the decision), and the
 * prologue and epilogue together. */
#define RULE_MAX 8
#define FRAME 9
/* Verifier log kept when loading fails: its last line says why. */
#define LOG_SIZE (64u * 1024u)

static struct bpf_insn insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
	struct bpf_insn i = { .code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm };

	return i;
}

#define LDX_W(dst, off) insn(BPF_LDX | BPF_MEM | BPF_W, dst, BPF_REG_1, off, 0)
#define AND32(dst, imm) insn(BPF_ALU | BPF_AND | BPF_K, dst, 0, 0, imm)
#define RSH32(dst, imm) insn(BPF_ALU | BPF_RSH | BPF_K, dst, 0, 0, imm)
#define MOV_REG(dst, src) insn(BPF_ALU64 | BPF_MOV | BPF_X, dst, src, 0, 0)
#define MOV_IMM(dst, imm) insn(BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm)
#define JNE(dst, imm, off) insn(BPF_JMP | BPF_JNE | BPF_K, dst, 0, off, imm)
#define JEQ(dst, imm, off) insn(BPF_JMP | BPF_JEQ | BPF_K, dst, 0, off, imm)
#define EXIT() insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

/* One rule's block at out; returns its length. Each test jumps past the block's end. */
static size_t rule_block(const struct pf_dev_rule *d, struct bpf_insn *out)
{
	struct bpf_insn body[5];
	size_t tests = 0, n = 0, b = 0;
	int32_t type = d->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR;
	int32_t acc = (int32_t)(d->access & PF_DEV_RWM);

	if (d->allow) {
		body[b++] = AND32(BPF_REG_6, (int32_t)(~d->access & PF_DEV_RWM));
		body[b++] = JNE(BPF_REG_6, 0, 2);
		body[b++] = MOV_IMM(BPF_REG_0, 1);
	} else {
		body[b++] = MOV_REG(BPF_REG_7, BPF_REG_6);
		body[b++] = AND32(BPF_REG_7, acc);
		body[b++] = JEQ(BPF_REG_7, 0, 2);
		body[b++] = MOV_IMM(BPF_REG_0, 0);
	}
	body[b++] = EXIT();
	tests = (d->type != 'a') + (d->major != PF_DEV_ANY) + (d->minor != PF_DEV_ANY);
	/* offsets count from the next instruction: test i skips the remaining tests and body */
	if (d->type != 'a') {
		out[n] = JNE(BPF_REG_2, type, (int16_t)(tests - n - 1 + b));
		n++;
	}
	if (d->major != PF_DEV_ANY) {
		out[n] = JNE(BPF_REG_4, (int32_t)d->major, (int16_t)(tests - n - 1 + b));
		n++;
	}
	if (d->minor != PF_DEV_ANY) {
		out[n] = JNE(BPF_REG_5, (int32_t)d->minor, (int16_t)(tests - n - 1 + b));
		n++;
	}
	memcpy(out + n, body, b * sizeof(*body));
	return n + b;
}

int pf_devices_bpf_build(const struct pf_dev_rule *rules, size_t n, struct bpf_insn **insns,
			 size_t *count, struct pf_error *err)
{
	_cleanup_free_ struct bpf_insn *p = calloc(FRAME + n * RULE_MAX, sizeof(*p));
	size_t k = 0;

	if (!p)
		return pf_fail_errno(err, ENOMEM, "cgroup: device program");
	p[k++] = LDX_W(BPF_REG_2, offsetof(struct bpf_cgroup_dev_ctx, access_type));
	p[k++] = AND32(BPF_REG_2, 0xffff);
	p[k++] = LDX_W(BPF_REG_3, offsetof(struct bpf_cgroup_dev_ctx, access_type));
	p[k++] = RSH32(BPF_REG_3, 16);
	p[k++] = LDX_W(BPF_REG_4, offsetof(struct bpf_cgroup_dev_ctx, major));
	p[k++] = LDX_W(BPF_REG_5, offsetof(struct bpf_cgroup_dev_ctx, minor));
	p[k++] = MOV_REG(BPF_REG_6, BPF_REG_3);
	for (size_t i = n; i-- > 0;) {
		/* a rule granting or refusing nothing decides nothing */
		if (!(rules[i].access & PF_DEV_RWM))
			continue;
		if (rules[i].type != 'a' && rules[i].type != 'b' && rules[i].type != 'c')
			return pf_fail(err, EINVAL, "cgroup: device rule of type '%c'", rules[i].type);
		k += rule_block(&rules[i], p + k);
	}
	p[k++] = MOV_IMM(BPF_REG_0, 0);
	p[k++] = EXIT();
	*count = k;
	*insns = pf_steal_ptr(&p);
	return 0;
}

static int sys_bpf(int cmd, union bpf_attr *attr)
{
	return (int)syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

/* The verifier's last line that names the problem: the log ends with "processed N insns"
 * statistics, after it. */
static const char *reason(char *log)
{
	char *end = log + strlen(log);

	for (;;) {
		char *line;

		while (end > log && end[-1] == '\n')
			*--end = '\0';
		line = end;
		while (line > log && line[-1] != '\n')
			line--;
		if (line == log || strncmp(line, "processed ", 10) != 0)
			return line;
		end = line;
	}
}

int pf_devices_bpf_load(const struct bpf_insn *insns, size_t count, struct pf_error *err)
{
	_cleanup_free_ char *log = NULL;
	union bpf_attr attr;
	int fd, saved;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	attr.insns = (uint64_t)(uintptr_t)insns;
	attr.insn_cnt = (uint32_t)count;
	attr.license = (uint64_t)(uintptr_t)"BSD";
	fd = sys_bpf(BPF_PROG_LOAD, &attr);
	if (fd >= 0)
		return fd;
	saved = errno;
	/* loaded again only to learn why (the log costs the kernel time on every load) */
	log = calloc(1, LOG_SIZE);
	if (log && saved != EPERM) {
		attr.log_level = 1;
		attr.log_size = LOG_SIZE;
		attr.log_buf = (uint64_t)(uintptr_t)log;
		fd = sys_bpf(BPF_PROG_LOAD, &attr);
		if (fd >= 0)
			return fd;
		if (*log)
			return pf_fail(err, saved, "cgroup: load the device program: %s: %s",
				       strerror(saved), reason(log));
	}
	return pf_fail_errno(err, saved, "cgroup: load the device program");
}

/* The ids of the device programs attached to the cgroup itself (not its parents'); at most
 * max (the kernel allows 64 per attach point). */
static int attached_ids(int cg, uint32_t *ids, uint32_t max, uint32_t *n, struct pf_error *err)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.query.target_fd = (uint32_t)cg;
	attr.query.attach_type = BPF_CGROUP_DEVICE;
	attr.query.prog_ids = (uint64_t)(uintptr_t)ids;
	attr.query.prog_cnt = max;
	if (sys_bpf(BPF_PROG_QUERY, &attr) < 0)
		return pf_fail_errno(err, errno, "cgroup: list the device programs");
	*n = attr.query.prog_cnt < max ? attr.query.prog_cnt : max;
	return 0;
}

/* Detaches the program id from the cgroup. */
static int detach_id(int cg, uint32_t id, struct pf_error *err)
{
	_cleanup_close_ int prog = -1;
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_id = id;
	prog = sys_bpf(BPF_PROG_GET_FD_BY_ID, &attr);
	if (prog < 0)
		return errno == ENOENT ? 0 : pf_fail_errno(err, errno, "cgroup: device program %u", id);
	memset(&attr, 0, sizeof(attr));
	attr.target_fd = (uint32_t)cg;
	attr.attach_bpf_fd = (uint32_t)prog;
	attr.attach_type = BPF_CGROUP_DEVICE;
	if (sys_bpf(BPF_PROG_DETACH, &attr) < 0 && errno != ENOENT)
		return pf_fail_errno(err, errno, "cgroup: detach device program %u", id);
	return 0;
}

int pf_devices_bpf_apply(const char *dir, const struct pf_dev_rule *rules, size_t n,
			 struct pf_error *err)
{
	uint32_t old[64], n_old = 0;
	_cleanup_free_ struct bpf_insn *insns = NULL;
	_cleanup_close_ int prog = -1, cg = -1;
	union bpf_attr attr;
	size_t count = 0;

	if (pf_devices_bpf_build(rules, n, &insns, &count, err) < 0)
		return -1;
	prog = pf_devices_bpf_load(insns, count, err);
	if (prog < 0)
		return -1;
	cg = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cg < 0)
		return pf_fail_errno(err, errno, "cgroup: open %s", dir);
	/* an update replaces the rules: the programs attached before go once the new one is in
	 * (programs of one cgroup must all allow, so the old would keep what the new grants out;
	 * meanwhile both apply, which only ever denies more) */
	if (attached_ids(cg, old, 64, &n_old, err) < 0)
		return -1;
	memset(&attr, 0, sizeof(attr));
	attr.target_fd = (uint32_t)cg;
	attr.attach_bpf_fd = (uint32_t)prog;
	attr.attach_type = BPF_CGROUP_DEVICE;
	/* ALLOW_MULTI: programs of the parent groups (systemd's) keep running too, and all of
	 * them must allow */
	attr.attach_flags = BPF_F_ALLOW_MULTI;
	if (sys_bpf(BPF_PROG_ATTACH, &attr) < 0)
		return pf_fail_errno(err, errno, "cgroup: attach the device program to %s", dir);
	/* the attachment holds the program; closing our fd leaves it to the cgroup's lifetime */
	for (uint32_t i = 0; i < n_old; i++)
		if (detach_id(cg, old[i], err) < 0)
			return -1;
	return 0;
}
