#include "runtime/namespaces.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "bundle/cleanup.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const struct {
	const char *name;
	int flag;
} ns_types[] = {
	{ "user", CLONE_NEWUSER }, { "mount", CLONE_NEWNS },     { "pid", CLONE_NEWPID },
	{ "network", CLONE_NEWNET }, { "ipc", CLONE_NEWIPC },     { "uts", CLONE_NEWUTS },
	{ "cgroup", CLONE_NEWCGROUP }, { "time", CLONE_NEWTIME },
};

static int ns_flag(const char *name)
{
	for (size_t i = 0; i < sizeof(ns_types) / sizeof(ns_types[0]); i++)
		if (strcmp(ns_types[i].name, name) == 0)
			return ns_types[i].flag;
	return 0;
}

/* The spec requires an error when path is not a namespace of the named type. */
static int open_namespace(const struct pf_namespace *ns, int flag, struct pf_error *err)
{
	_cleanup_close_ int fd = open(ns->path, O_RDONLY | O_CLOEXEC);
	int type;

	if (fd < 0)
		return pf_fail_errno(err, errno, "open %s namespace %s", ns->type, ns->path);
	type = ioctl(fd, NS_GET_NSTYPE);
	if (type < 0 && errno == ENOTTY)
		return pf_fail(err, EINVAL, "%s is not a namespace file", ns->path);
	if (type < 0)
		return pf_fail_errno(err, errno, "inspect namespace %s", ns->path);
	if (type != flag)
		return pf_fail(err, EINVAL, "%s is not a namespace of type %s", ns->path, ns->type);
	return pf_steal_fd(&fd);
}

static int add_join(struct pf_ns_plan *plan, const struct pf_namespace *ns, int flag,
		    struct pf_error *err)
{
	int fd = open_namespace(ns, flag, err);

	if (fd < 0)
		return -1;
	/* the user namespace goes first: the others are joined with its privileges */
	if (flag == CLONE_NEWUSER && plan->n_join) {
		memmove(&plan->join[1], &plan->join[0], plan->n_join * sizeof(plan->join[0]));
		plan->join[0] = (struct pf_ns_join){ fd, flag, ns->type };
	} else {
		plan->join[plan->n_join] = (struct pf_ns_join){ fd, flag, ns->type };
	}
	plan->n_join++;
	return 0;
}

static bool joins(const struct pf_ns_plan *plan, int flag)
{
	for (size_t i = 0; i < plan->n_join; i++)
		if (plan->join[i].type == flag)
			return true;
	return false;
}

/* Clone can make the new namespaces only when nothing is joined before them: a joined user
 * or pid namespace, or any join next to a new user namespace, needs join-then-unshare. */
static void choose_path(struct pf_ns_plan *plan, int new_flags)
{
	bool slow = joins(plan, CLONE_NEWUSER) || joins(plan, CLONE_NEWPID) ||
		    (plan->n_join && (new_flags & CLONE_NEWUSER));

	/* cgroup: unshared after the parent has moved init into its cgroup, so that it becomes
	 * the namespace root; time: unshared so offsets can be written before exec enters it */
	new_flags &= ~(CLONE_NEWCGROUP | CLONE_NEWTIME);
	if (slow) {
		plan->unshare_user = new_flags & CLONE_NEWUSER;
		plan->unshare_flags |= new_flags & ~CLONE_NEWUSER;
		plan->fork_after = (new_flags & CLONE_NEWPID) || joins(plan, CLONE_NEWPID);
	} else if (new_flags & CLONE_NEWUSER) {
		/* the parent writes its maps before the child goes on: all at once */
		plan->clone_flags = new_flags;
	} else {
		/* A network namespace takes clone ~1 ms of the parent's time; unshared by the child
		 * it is made alongside the parent's own work. The pid namespace can only be
		 * clone's: init is its pid 1. */
		plan->clone_flags = new_flags & CLONE_NEWPID;
		plan->early_flags = new_flags & ~CLONE_NEWPID;
	}
}

int pf_ns_plan_build(const struct pf_linux *l, struct pf_ns_plan *plan, struct pf_error *err)
{
	int new_flags = 0;

	memset(plan, 0, sizeof(*plan));
	for (size_t i = 0; l && i < l->namespaces.n; i++) {
		const struct pf_namespace *ns = &l->namespaces.v[i];
		int flag = ns_flag(ns->type);

		if (flag == CLONE_NEWPID)
			plan->pid_namespace = true;
		if (flag == CLONE_NEWNS)
			plan->mount_namespace = true;
		if (flag == CLONE_NEWUSER)
			plan->user_namespace = true;
		if (!ns->path || !ns->path[0]) {
			new_flags |= flag;
		} else if (add_join(plan, ns, flag, err) < 0) {
			pf_ns_plan_clear(plan);
			return pf_error_prefix(err, "linux.namespaces[%zu]", i);
		}
	}
	plan->new_user = new_flags & CLONE_NEWUSER;
	plan->new_time = new_flags & CLONE_NEWTIME;
	plan->unshare_flags = new_flags & CLONE_NEWCGROUP;
	choose_path(plan, new_flags);
	return 0;
}

void pf_ns_plan_clear(struct pf_ns_plan *plan)
{
	for (size_t i = 0; i < plan->n_join; i++)
		close(plan->join[i].fd);
	plan->n_join = 0;
}

int pf_ns_join_all(const struct pf_ns_plan *plan, struct pf_error *err)
{
	for (size_t i = 0; i < plan->n_join; i++)
		if (setns(plan->join[i].fd, plan->join[i].type) < 0)
			return pf_fail_errno(err, errno, "join %s namespace", plan->join[i].name);
	return 0;
}

int pf_ns_set_time_offsets(const struct pf_time_offsets *offsets, struct pf_error *err)
{
	char buf[128];
	int n = 0, fd;
	const struct pf_time_offset *mono = offsets ? offsets->monotonic : NULL;
	const struct pf_time_offset *boot = offsets ? offsets->boottime : NULL;

	if (mono)
		n += snprintf(buf + n, sizeof(buf) - (size_t)n, "monotonic %lld %llu\n",
			      (long long)mono->secs.v, (unsigned long long)mono->nanosecs.v);
	if (boot)
		n += snprintf(buf + n, sizeof(buf) - (size_t)n, "boottime %lld %llu\n",
			      (long long)boot->secs.v, (unsigned long long)boot->nanosecs.v);
	if (n == 0)
		return 0;
	fd = open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return pf_fail_errno(err, errno, "open /proc/self/timens_offsets");
	if (write(fd, buf, (size_t)n) != n) {
		int e = errno;
		close(fd);
		return pf_fail_errno(err, e, "set time namespace offsets");
	}
	close(fd);
	return 0;
}
