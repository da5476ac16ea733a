/* linux.seccomp: libseccomp in the parent turns the profile into BPF, init loads that BPF with a
 * bare seccomp(2) call, and the parent hands a NOTIFY listener fd to the agent. See seccomp.h
 * for the order and the rules taken from runc. */
#include "runtime/seccomp.h"

#include <ctype.h>
#include <errno.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "bundle/cleanup.h"
#include "bundle/config.h"
#include "runtime/container.h"
#include "runtime/fdpass.h"
#include "runtime/log.h"
#include "runtime/sync.h"

#ifndef SECCOMP_FILTER_FLAG_TSYNC_ESRCH
#define SECCOMP_FILTER_FLAG_TSYNC_ESRCH (1UL << 4)
#endif
#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

#define PF_MAX_ERRNO 4095        /* the kernel caps SECCOMP_RET_ERRNO data there */
#define PF_SYSCALL_ARGS 6

static void release_ctx(scmp_filter_ctx *ctx)
{
	if (*ctx)
		seccomp_release(*ctx);
}

/* ---- profile → libseccomp ------------------------------------------------------------------ */

static const struct {
	const char *name;
	uint32_t action;
} actions[] = {
	{ "SCMP_ACT_KILL", SCMP_ACT_KILL },
	{ "SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS },
	{ "SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD },
	{ "SCMP_ACT_TRAP", SCMP_ACT_TRAP },
	{ "SCMP_ACT_ERRNO", SCMP_ACT_ERRNO(0) },
	{ "SCMP_ACT_TRACE", SCMP_ACT_TRACE(0) },
	{ "SCMP_ACT_ALLOW", SCMP_ACT_ALLOW },
	{ "SCMP_ACT_LOG", SCMP_ACT_LOG },
	{ "SCMP_ACT_NOTIFY", SCMP_ACT_NOTIFY },
};

static const struct {
	const char *name;
	enum scmp_compare op;
} operators[] = {
	{ "SCMP_CMP_NE", SCMP_CMP_NE }, { "SCMP_CMP_LT", SCMP_CMP_LT },
	{ "SCMP_CMP_LE", SCMP_CMP_LE }, { "SCMP_CMP_EQ", SCMP_CMP_EQ },
	{ "SCMP_CMP_GE", SCMP_CMP_GE }, { "SCMP_CMP_GT", SCMP_CMP_GT },
	{ "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
};

static const struct {
	const char *name;
	unsigned int flag;
} flag_names[] = {
	{ "SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC },
	{ "SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG },
	{ "SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW },
	{ "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV },
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ERRNO and TRACE carry errnoRet (EPERM when absent, as runc); other actions take none. */
static int action_of(const char *name, const pf_uint *errno_ret, const char *path,
		     const char *errno_path, uint32_t *out, struct pf_error *err)
{
	for (size_t i = 0; i < COUNT(actions); i++) {
		bool with_errno;

		if (!name || strcmp(actions[i].name, name) != 0)
			continue;
		with_errno = actions[i].action == SCMP_ACT_ERRNO(0) ||
			     actions[i].action == SCMP_ACT_TRACE(0);
		if (errno_ret->set && !with_errno)
			return pf_fail(err, EINVAL, "%s: only valid with SCMP_ACT_ERRNO or "
				       "SCMP_ACT_TRACE, not %s", errno_path, name);
		if (errno_ret->set && errno_ret->v > PF_MAX_ERRNO)
			return pf_fail(err, EINVAL, "%s: %llu is not an errno (0 to %d)", errno_path,
				       (unsigned long long)errno_ret->v, PF_MAX_ERRNO);
		*out = actions[i].action;
		if (with_errno)
			*out |= errno_ret->set ? (uint32_t)errno_ret->v : (uint32_t)EPERM;
		return 0;
	}
	return pf_fail(err, EINVAL, "%s: unknown action %s", path, name ? name : "(none)");
}

/* Known to this kernel: an unknown flag is EINVAL before the (NULL) program is even read. */
static bool kernel_has_flag(unsigned int flag)
{
	/* WAIT_KILLABLE_RECV alone is EINVAL by design: it only goes with a listener */
	if (flag == SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV)
		flag |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
	return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flag, NULL) < 0 && errno == EFAULT;
}

static int flag_index(const char *name)
{
	for (size_t k = 0; k < COUNT(flag_names); k++)
		if (strcmp(flag_names[k].name, name) == 0)
			return (int)k;
	return -1;
}

bool pf_seccomp_flag_supported(const char *name)
{
	int k = flag_index(name);

	return k >= 0 && kernel_has_flag(flag_names[k].flag);
}

static int translate_flags(const struct pf_seccomp *sc, bool notify, unsigned int *out,
			   struct pf_error *err)
{
	*out = 0;
	for (size_t i = 0; i < sc->flags.n; i++) {
		const char *name = sc->flags.v[i];
		int k = flag_index(name);

		if (k < 0)
			return pf_fail(err, EINVAL, "linux.seccomp.flags[%zu]: unknown flag %s", i,
				       name);
		if (!kernel_has_flag(flag_names[k].flag))
			return pf_fail(err, EOPNOTSUPP, "linux.seccomp.flags[%zu]: %s is not "
				       "supported by this kernel", i, name);
		*out |= flag_names[k].flag;
	}
	if (!notify) {
		/* meaningless without a listener (and refused by the kernel); libseccomp drops it */
		if (*out & SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV)
			pf_log_debug("seccomp: SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV ignored "
				     "without SCMP_ACT_NOTIFY");
		*out &= ~(unsigned int)SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
		return 0;
	}
	*out |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
	/* TSYNC with a listener needs TSYNC_ESRCH (5.7), or a failed sync and the fd would share
	 * the return value. init has one thread: where the kernel lacks it, TSYNC can go. */
	if (*out & SECCOMP_FILTER_FLAG_TSYNC) {
		if (kernel_has_flag(SECCOMP_FILTER_FLAG_TSYNC_ESRCH))
			*out |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
		else
			*out &= ~(unsigned int)SECCOMP_FILTER_FLAG_TSYNC;
	}
	return 0;
}

/* "SCMP_ARCH_X86_64" → libseccomp's "x86_64" → its token; 0 when libseccomp lacks it. */
static uint32_t arch_token(const char *name)
{
	char low[32];
	size_t n = 0;

	if (strncmp(name, "SCMP_ARCH_", 10) != 0 || strlen(name + 10) >= sizeof(low))
		return 0;
	for (const char *p = name + 10; *p; p++)
		low[n++] = (char)tolower((unsigned char)*p);
	low[n] = '\0';
	return seccomp_arch_resolve_name(low);
}

bool pf_seccomp_arch_known(const char *name)
{
	return arch_token(name) != 0;
}

/* The native architecture is in every new filter already (EEXIST). */
static int add_architectures(scmp_filter_ctx ctx, const pf_strv *archs, struct pf_error *err)
{
	for (size_t i = 0; i < archs->n; i++) {
		uint32_t token = arch_token(archs->v[i]);
		int rc;

		if (token == 0)
			return pf_fail(err, EINVAL, "linux.seccomp.architectures[%zu]: %s is unknown "
				       "to libseccomp %u.%u.%u", i, archs->v[i], SCMP_VER_MAJOR,
				       SCMP_VER_MINOR, SCMP_VER_MICRO);
		rc = seccomp_arch_add(ctx, token);
		if (rc < 0 && rc != -EEXIST)
			return pf_fail_errno(err, -rc, "linux.seccomp.architectures[%zu]: add %s", i,
					     archs->v[i]);
	}
	return 0;
}

static int condition_of(const struct pf_seccomp_arg *a, const char *path,
			struct scmp_arg_cmp *out, struct pf_error *err)
{
	size_t k = 0;

	while (k < COUNT(operators) && (!a->op || strcmp(operators[k].name, a->op) != 0))
		k++;
	if (k == COUNT(operators))
		return pf_fail(err, EINVAL, "%s.op: unknown operator %s", path,
			       a->op ? a->op : "(none)");
	if (a->index.v >= PF_SYSCALL_ARGS)
		return pf_fail(err, EINVAL, "%s.index: %llu is out of range (0 to 5)", path,
			       (unsigned long long)a->index.v);
	/* MASKED_EQ: (arg & datum_a) == datum_b, and the spec's value is the mask */
	*out = (struct scmp_arg_cmp){ .arg = (unsigned int)a->index.v, .op = operators[k].op,
				      .datum_a = a->value.v, .datum_b = a->value_two.v };
	return 0;
}

/* Args on distinct indexes are ANDed in one rule; libseccomp cannot AND two tests of one
 * index, so then runc adds one rule per arg (OR), and so do we. */
static bool index_repeated(const struct pf_syscall *sys)
{
	unsigned int seen = 0;

	for (size_t k = 0; k < sys->args.n; k++) {
		unsigned int bit = 1u << (sys->args.v[k].index.v % PF_SYSCALL_ARGS);

		if (seen & bit)
			return true;
		seen |= bit;
	}
	return false;
}

static int add_syscall(scmp_filter_ctx ctx, uint32_t action, int nr, const struct scmp_arg_cmp *conds,
		       size_t n, bool repeated)
{
	int rc = 0;

	if (!repeated)
		return seccomp_rule_add_array(ctx, action, nr, (unsigned int)n, conds);
	for (size_t k = 0; k < n && rc == 0; k++)
		rc = seccomp_rule_add_array(ctx, action, nr, 1, &conds[k]);
	return rc;
}

static int add_names(scmp_filter_ctx ctx, uint32_t action, const struct pf_syscall *sys,
		     const char *path, const struct scmp_arg_cmp *conds, struct pf_error *err)
{
	bool repeated = index_repeated(sys);

	for (size_t j = 0; j < sys->names.n; j++) {
		const char *name = sys->names.v[j];
		int nr = seccomp_syscall_resolve_name(name), rc;

		if (action == SCMP_ACT_NOTIFY && strcmp(name, "sendmsg") == 0)
			return pf_fail(err, EINVAL, "%s.names[%zu]: SCMP_ACT_NOTIFY cannot be used "
				       "for sendmsg: init sends the listener fd with it", path, j);
		if (nr == __NR_SCMP_ERROR) {
			/* newer than libseccomp, or a typo: runc skips it too */
			pf_log_debug("seccomp: unknown syscall %s ignored", name);
			continue;
		}
		rc = add_syscall(ctx, action, nr, conds, sys->args.n, repeated);
		if (rc < 0)
			return pf_fail_errno(err, -rc, "%s.names[%zu]: libseccomp refuses the rule "
					     "for %s", path, j, name);
	}
	return 0;
}

static int add_rule(scmp_filter_ctx ctx, uint32_t def, const struct pf_syscall *sys, size_t i,
		    struct pf_error *err)
{
	_cleanup_free_ struct scmp_arg_cmp *conds = NULL;
	char path[64], where[96];
	uint32_t action;

	snprintf(path, sizeof(path), "linux.seccomp.syscalls[%zu]", i);
	snprintf(where, sizeof(where), "%s.errnoRet", path);
	if (action_of(sys->action, &sys->errno_ret, path, where, &action, err) < 0)
		return -1;
	if (sys->args.n) {
		conds = calloc(sys->args.n, sizeof(*conds));
		if (!conds)
			return pf_fail_errno(err, ENOMEM, "%s", path);
	}
	for (size_t k = 0; k < sys->args.n; k++) {
		snprintf(where, sizeof(where), "%s.args[%zu]", path, k);
		if (condition_of(&sys->args.v[k], where, &conds[k], err) < 0)
			return -1;
	}
	/* libseccomp refuses a rule that repeats the default; it would change nothing anyway */
	if (action == def)
		return 0;
	return add_names(ctx, action, sys, path, conds, err);
}

static bool uses_notify(const struct pf_seccomp *sc)
{
	for (size_t i = 0; i < sc->syscalls.n; i++)
		if (sc->syscalls.v[i].action && strcmp(sc->syscalls.v[i].action, "SCMP_ACT_NOTIFY") == 0)
			return true;
	return false;
}

/* ---- libseccomp → BPF -------------------------------------------------------------------- */

/* libseccomp 2.5 only exports to an fd: a memfd, read back whole. */
static int export_bpf(scmp_filter_ctx ctx, struct pf_seccomp_prog *out, struct pf_error *err)
{
	_cleanup_close_ int fd = memfd_create("pflask-seccomp", MFD_CLOEXEC);
	struct stat st;
	size_t count;
	int rc;

	if (fd < 0)
		return pf_fail_errno(err, errno, "seccomp: memfd_create");
	rc = seccomp_export_bpf(ctx, fd);
	if (rc < 0)
		return pf_fail_errno(err, -rc, "seccomp: export BPF");
	if (fstat(fd, &st) < 0)
		return pf_fail_errno(err, errno, "seccomp: fstat");
	count = (size_t)st.st_size / sizeof(struct sock_filter);
	if (count == 0 || (size_t)st.st_size % sizeof(struct sock_filter))
		return pf_fail(err, EINVAL, "seccomp: libseccomp exported %lld bytes of BPF",
			       (long long)st.st_size);
	/* the kernel's limit for one filter (BPF_MAXINSNS) */
	if (count > 4096)
		return pf_fail(err, E2BIG, "seccomp: the profile compiles to %zu BPF instructions, "
			       "more than the kernel's 4096", count);
	out->insns = malloc((size_t)st.st_size);
	if (!out->insns)
		return pf_fail_errno(err, ENOMEM, "seccomp");
	if (pread(fd, out->insns, (size_t)st.st_size, 0) != st.st_size) {
		free(pf_steal_ptr(&out->insns));
		return pf_fail_errno(err, errno ? errno : EIO, "seccomp: read BPF back");
	}
	out->len = (unsigned short)count;
	return 0;
}

static int check_notify(const struct pf_seccomp *sc, bool notify, struct pf_error *err)
{
	/* init itself runs under the filter until execve; with NOTIFY as the default its very
	 * next syscall would wait for an agent that cannot have the fd yet (runc refuses it too) */
	if (strcmp(sc->default_action, "SCMP_ACT_NOTIFY") == 0)
		return pf_fail(err, EINVAL, "linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be "
			       "the default action");
	if (notify && (!sc->listener_path || !sc->listener_path[0]))
		return pf_fail(err, EINVAL, "linux.seccomp.listenerPath: required with "
			       "SCMP_ACT_NOTIFY");
	return 0;
}

int pf_seccomp_compile(const struct pf_seccomp *sc, struct pf_seccomp_prog *out,
		       struct pf_error *err)
{
	__attribute__((cleanup(release_ctx))) scmp_filter_ctx ctx = NULL;
	uint32_t def;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!sc)
		return 0;
	out->notify = uses_notify(sc);
	if (!sc->default_action)
		return pf_fail(err, EINVAL, "linux.seccomp.defaultAction: required");
	if (check_notify(sc, out->notify, err) < 0 ||
	    action_of(sc->default_action, &sc->default_errno_ret, "linux.seccomp.defaultAction",
		      "linux.seccomp.defaultErrnoRet", &def, err) < 0)
		return -1;
	if (translate_flags(sc, out->notify, &out->flags, err) < 0)
		return -1;
	ctx = seccomp_init(def);
	if (!ctx)
		return pf_fail(err, EINVAL, "linux.seccomp.defaultAction: libseccomp refuses %s",
			       sc->default_action);
	/* a binary tree instead of a linear list pays off on long profiles (runc's threshold;
	 * libseccomp <= 2.5.4 misbehaves with the tree and no rules) */
	if (sc->syscalls.n > 32 && (rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2)) < 0)
		pf_log_debug("seccomp: no binary tree optimization: %s", strerror(-rc));
	if (add_architectures(ctx, &sc->architectures, err) < 0)
		return -1;
	for (size_t i = 0; i < sc->syscalls.n; i++)
		if (add_rule(ctx, def, &sc->syscalls.v[i], i, err) < 0)
			return -1;
	if (export_bpf(ctx, out, err) < 0) {
		memset(out, 0, sizeof(*out));
		return -1;
	}
	return 0;
}

void pf_seccomp_prog_clear(struct pf_seccomp_prog *prog)
{
	free(prog->insns);
	memset(prog, 0, sizeof(*prog));
}

/* ---- child -------------------------------------------------------------------------------- */

int pf_seccomp_load(const struct pf_seccomp_prog *prog, int *listener, struct pf_error *err)
{
	struct sock_fprog fprog = { .len = prog->len, .filter = prog->insns };
	long rc;

	*listener = -1;
	if (!prog->insns)
		return 0;
	rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, prog->flags, &fprog);
	if (rc < 0)
		return pf_fail_errno(err, errno, "load seccomp filter");
	if (prog->notify)
		*listener = (int)rc;
	return 0;
}

int pf_seccomp_apply(const struct pf_seccomp_prog *prog, int sock, struct pf_error *err)
{
	_cleanup_close_ int listener = -1;

	if (pf_seccomp_load(prog, &listener, err) < 0)
		return -1;
	if (listener < 0)
		return 0;
	return pf_sync_send(sock, PF_MSG_SECCOMP_FD, 0, NULL, 0, listener, err);
}

/* ---- parent: the agent ------------------------------------------------------------------- */

/* A JSON string: quotes, backslashes and control characters escaped; the text is UTF-8
 * already (the parser refuses anything else). */
static int append_json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	return fputc('"', f) == EOF ? -1 : 0;
}

int pf_seccomp_process_state(pid_t pid, const char *metadata, const char *state, char **out,
			     struct pf_error *err)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int bad;

	*out = NULL;
	if (!f)
		return pf_fail_errno(err, errno, "seccomp: container process state");
	fprintf(f, "{\"ociVersion\": \"%s\", \"fds\": [\"seccompFd\"], \"pid\": %d", PF_OCI_VERSION,
		(int)pid);
	if (metadata) {
		fputs(", \"metadata\": ", f);
		append_json_string(f, metadata);
	}
	fprintf(f, ", \"state\": %s}", state);
	bad = ferror(f);
	if (fclose(f) != 0 || bad) {
		free(buf);
		return pf_fail_errno(err, ENOMEM, "seccomp: container process state");
	}
	*out = buf;
	return 0;
}

int pf_seccomp_send_listener(const char *path, const char *json, int fd, struct pf_error *err)
{
	_cleanup_close_ int sock = pf_unix_connect(path, "seccomp listener: connect to", err);

	if (sock < 0)
		return -1;
	if (pf_send_with_fd(sock, json, strlen(json), fd) < 0)
		return pf_fail_errno(err, errno, "seccomp listener: send to %s", path);
	return 0;
}

int pf_seccomp_forward_fd(int sock, const struct pf_seccomp *sc, const struct pf_record *rec,
			  const char *status, pid_t pid, struct pf_error *err)
{
	_cleanup_free_ char *state = NULL, *json = NULL;
	struct pf_msg m;
	int rc;

	if (pf_sync_expect(sock, PF_MSG_SECCOMP_FD, &m, err) < 0)
		return -1;
	if (m.fd < 0) {
		pf_msg_clear(&m);
		return pf_fail(err, EPROTO, "sync: SECCOMP_FD came without a file descriptor");
	}
	rc = pf_state_json(rec, status, &state, err);
	if (rc == 0)
		rc = pf_seccomp_process_state(pid, sc->listener_metadata, state, &json, err);
	if (rc == 0)
		rc = pf_seccomp_send_listener(sc->listener_path, json, m.fd, err);
	pf_msg_clear(&m);
	return rc;
}
