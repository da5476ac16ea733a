/* Child side of the container process: the plan applied with plain syscalls, in runc's order.
 * Everything that needs privilege (rlimits, scheduler, oom_score_adj, the bounding set, groups)
 * happens while we are still root in our namespaces; capabilities are set last. */
#include "runtime/process.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bundle/cleanup.h"
#include "bundle/names.h"

#define PF_IOPRIO_WHO_PROCESS 1

static int set_rlimits(const struct pf_exec_plan *plan, struct pf_error *err)
{
	for (size_t i = 0; i < plan->n_rlimits; i++) {
		const struct pf_rlimit_op *r = &plan->rlimits[i];
		struct rlimit lim = { .rlim_cur = r->soft, .rlim_max = r->hard };

		if (setrlimit(r->resource, &lim) < 0)
			return pf_fail_errno(err, errno, "setrlimit %s",
					     pf_rlimit_names[r->resource]);
	}
	return 0;
}

/* Lowering the score below its current value needs CAP_SYS_RESOURCE; raising it does not. */
static int set_oom_score_adj(int value, struct pf_error *err)
{
	_cleanup_close_ int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%d", value);
	struct statfs sfs;

	if (fd < 0)
		return pf_fail_errno(err, errno, "open /proc/self/oom_score_adj");
	/* the container's /proc by now: an image without a procfs mount would take the write */
	if (fstatfs(fd, &sfs) < 0 || sfs.f_type != PROC_SUPER_MAGIC)
		return pf_fail(err, EXDEV, "set oom_score_adj: /proc is not procfs");
	if (write(fd, buf, (size_t)len) != len)
		return pf_fail_errno(err, errno, "set oom_score_adj to %d", value);
	return 0;
}

static int set_scheduling(const struct pf_exec_plan *plan, struct pf_error *err)
{
	if (plan->has_personality && personality(plan->personality) < 0)
		return pf_fail_errno(err, errno, "personality %s",
				     plan->personality == PER_LINUX32 ? "LINUX32" : "LINUX");
	if (plan->has_sched && syscall(SYS_sched_setattr, 0, &plan->sched, 0) < 0)
		return pf_fail_errno(err, errno, "sched_setattr %s",
				     pf_sched_policies[plan->sched.sched_policy]);
	if (plan->has_ioprio && syscall(SYS_ioprio_set, PF_IOPRIO_WHO_PROCESS, 0, plan->ioprio) < 0)
		return pf_fail_errno(err, errno, "ioprio_set");
	return 0;
}

int pf_process_prepare(const struct pf_exec_plan *plan, struct pf_error *err)
{
	if (set_rlimits(plan, err) < 0)
		return -1;
	if (plan->has_oom_score_adj && set_oom_score_adj(plan->oom_score_adj, err) < 0)
		return -1;
	if (set_scheduling(plan, err) < 0)
		return -1;
	if (plan->has_umask)
		umask(plan->umask);
	/* Without CAP_SYS_ADMIN a seccomp filter needs no_new_privs, and it only affects execve,
	 * so runc sets it here, before the caller's seccomp and our uid and capability changes. */
	if (plan->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return pf_fail_errno(err, errno, "prctl PR_SET_NO_NEW_PRIVS");
	return 0;
}

/* mkdir -p, with directories 0755 whatever the configured umask (runc creates the cwd before
 * it sets the umask, so a umask of 077 must not make it unreachable for the container user). */
static int make_dirs(const char *path, struct pf_error *err)
{
	char buf[PATH_MAX];
	mode_t old;
	int rc = 0;

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return pf_fail(err, ENAMETOOLONG, "mkdir cwd %s: path too long", path);
	old = umask(022);
	for (char *p = buf + 1; rc == 0; p++) {
		bool end = *p == '\0';

		if (*p != '/' && !end)
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			rc = pf_fail_errno(err, errno, "mkdir cwd %s", buf);
		if (end)
			break;
		*p = '/';
	}
	umask(old);
	return rc;
}

/* First chdir, as root: it may reach a directory the container user could not. *later is set
 * when only the container user may enter it (a volume chowned to that user), as runc does. */
static int enter_cwd(const char *cwd, bool *later, struct pf_error *err)
{
	*later = false;
	if (chdir(cwd) == 0)
		return 0;
	if (errno == ENOENT) {
		if (make_dirs(cwd, err) < 0)
			return -1;
		if (chdir(cwd) == 0)
			return 0;
	}
	if (errno == EACCES || errno == EPERM) {
		*later = true;
		return 0;
	}
	return pf_fail_errno(err, errno, "chdir to cwd %s", cwd);
}

/* getcwd(2) prefixes "(unreachable)" when the directory lies outside our root, e.g. reached
 * through a leaked directory fd (CVE-2024-21626); glibc then fails with ENOENT. */
static int verify_cwd(struct pf_error *err)
{
	char buf[PATH_MAX];

	if (!getcwd(buf, sizeof(buf))) {
		if (errno == ENOENT)
			return pf_fail(err, ENOENT, "current working directory is outside of the "
				       "container's root: possible container breakout");
		return pf_fail_errno(err, errno, "getcwd");
	}
	if (buf[0] != '/')
		return pf_fail(err, EPERM, "current working directory %s is not absolute: possible "
			       "container breakout", buf);
	return 0;
}

static int id_error(struct pf_error *err, int e, bool in_userns, const char *what,
		    unsigned int id)
{
	if (e == EINVAL && in_userns)
		return pf_fail(err, e, "cannot set %s to unmapped id %u in the user namespace",
			       what, id);
	return pf_fail_errno(err, e, "set%s %u", what, id);
}

static int switch_user(const struct pf_exec_plan *plan, struct pf_error *err)
{
	/* A user namespace whose gid map was written without CAP_SETGID has setgroups "deny":
	 * groups cannot be set there, and there is nothing to do about it (runc skips it
	 * silently too). The kernel's EPERM says so, not /proc/self/setgroups: that is the
	 * container's /proc now, where an image without a procfs mount could say "deny" to keep
	 * the groups of whoever ran the runtime. */
	if (setgroups(plan->n_groups, plan->groups) < 0 && !(errno == EPERM && plan->in_userns))
		return pf_fail_errno(err, errno, "setgroups");
	if (setresgid(plan->gid, plan->gid, plan->gid) < 0)
		return id_error(err, errno, plan->in_userns, "gid", plan->gid);
	if (setresuid(plan->uid, plan->uid, plan->uid) < 0)
		return id_error(err, errno, plan->in_userns, "uid", plan->uid);
	return 0;
}

/* PR_SET_KEEPCAPS keeps the permitted set across the switch away from uid 0; the effective
 * set is cleared anyway and comes back with pf_caps_apply. */
static int become_user(const struct pf_exec_plan *plan, struct pf_error *err)
{
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return pf_fail_errno(err, errno, "prctl PR_SET_KEEPCAPS");
	if (switch_user(plan, err) < 0)
		return -1;
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		return pf_fail_errno(err, errno, "prctl PR_SET_KEEPCAPS");
	return 0;
}

int pf_process_finalize(const struct pf_exec_plan *plan, struct pf_error *err)
{
	bool later = false;

	if (plan->cwd && enter_cwd(plan->cwd, &later, err) < 0)
		return -1;
	/* Dropping from the bounding set needs CAP_SETPCAP: before the uid switch. */
	if (plan->has_caps && pf_caps_drop_bounding(&plan->caps, err) < 0)
		return -1;
	if (plan->has_user && become_user(plan, err) < 0)
		return -1;
	if (later && chdir(plan->cwd) < 0)
		return pf_fail_errno(err, errno, "chdir to cwd %s", plan->cwd);
	if (verify_cwd(err) < 0)
		return -1;
	if (plan->has_caps && pf_caps_apply(&plan->caps, err) < 0)
		return -1;
	return 0;
}

int pf_process_setup(const struct pf_exec_plan *plan, struct pf_error *err)
{
	if (pf_process_prepare(plan, err) < 0)
		return -1;
	return pf_process_finalize(plan, err);
}
