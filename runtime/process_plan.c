/* Parent side of the container process: config.json's "process" turned into numbers and
 * NULL-terminated vectors before clone, so every name the kernel cannot take fails here, with
 * its JSON path, instead of in a child that cannot print. */
#include "runtime/process.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>

#include "bundle/names.h"

/* include/uapi/linux/ioprio.h */
#define PF_IOPRIO_CLASS_SHIFT 13

/* A NULL-terminated copy of the vector's pointers (the strings stay borrowed). */
static int strv_to_array(const pf_strv *v, char ***out, struct pf_error *err)
{
	char **a = calloc(v->n + 1, sizeof(*a));

	if (!a)
		return pf_fail_errno(err, ENOMEM, "process");
	for (size_t i = 0; i < v->n; i++)
		a[i] = v->v[i];
	*out = a;
	return 0;
}

static int plan_rlimits(const struct pf_process *p, struct pf_exec_plan *plan,
			struct pf_error *err)
{
	if (p->rlimits.n == 0)
		return 0;
	plan->rlimits = calloc(p->rlimits.n, sizeof(*plan->rlimits));
	if (!plan->rlimits)
		return pf_fail_errno(err, ENOMEM, "process.rlimits");
	for (size_t i = 0; i < p->rlimits.n; i++) {
		const struct pf_rlimit *r = &p->rlimits.v[i];
		int resource = r->type ? pf_rlimit_number(r->type) : -1;

		if (resource < 0)
			return pf_fail(err, EINVAL, "process.rlimits[%zu].type: unknown rlimit %s",
				       i, r->type ? r->type : "(missing)");
		plan->rlimits[i] = (struct pf_rlimit_op){ resource, r->soft.v, r->hard.v };
	}
	plan->n_rlimits = p->rlimits.n;
	return 0;
}

static int plan_scheduler(const struct pf_scheduler *s, struct pf_exec_plan *plan,
			  struct pf_error *err)
{
	/* The names lists follow the kernel's numbering: SCHED_OTHER = 0 ... SCHED_DEADLINE = 6,
	 * and flag i is bit i (SCHED_FLAG_RESET_ON_FORK = 0x01 ... UTIL_CLAMP_MAX = 0x40). */
	int policy = s->policy ? pf_name_index(pf_sched_policies, s->policy) : -1;
	struct pf_sched_attr *a = &plan->sched;

	if (policy < 0)
		return pf_fail(err, EINVAL, "process.scheduler.policy: unknown policy %s",
			       s->policy ? s->policy : "(missing)");
	memset(a, 0, sizeof(*a));
	a->size = sizeof(*a);
	a->sched_policy = (uint32_t)policy;
	for (size_t i = 0; i < s->flags.n; i++) {
		int bit = pf_name_index(pf_sched_flags, s->flags.v[i]);

		if (bit < 0)
			return pf_fail(err, EINVAL, "process.scheduler.flags[%zu]: unknown flag %s",
				       i, s->flags.v[i]);
		a->sched_flags |= 1ULL << bit;
	}
	a->sched_nice = (int32_t)s->nice.v;
	a->sched_priority = (uint32_t)s->priority.v;
	a->sched_runtime = s->runtime.v;
	a->sched_deadline = s->deadline.v;
	a->sched_period = s->period.v;
	plan->has_sched = true;
	return 0;
}

static int plan_ioprio(const struct pf_io_priority *io, struct pf_exec_plan *plan,
		       struct pf_error *err)
{
	/* IOPRIO_CLASS_RT = 1, BE = 2, IDLE = 3: the names list order, plus one. */
	int class = io->class_ ? pf_name_index(pf_ioprio_classes, io->class_) : -1;

	if (class < 0)
		return pf_fail(err, EINVAL, "process.ioPriority.class: unknown class %s",
			       io->class_ ? io->class_ : "(missing)");
	if (io->priority.v < 0 || io->priority.v > 7)
		return pf_fail(err, EINVAL, "process.ioPriority.priority: %lld is out of range "
			       "(0 to 7)", (long long)io->priority.v);
	plan->ioprio = ((class + 1) << PF_IOPRIO_CLASS_SHIFT) | (int)io->priority.v;
	plan->has_ioprio = true;
	return 0;
}

/* Personality flags are ignored: the spec defines none, and runc ignores them too. */
int pf_exec_plan_set_personality(struct pf_exec_plan *plan, const struct pf_personality *p,
				 struct pf_error *err)
{
	if (!p)
		return 0;
	if (p->domain && strcmp(p->domain, "LINUX") == 0)
		plan->personality = PER_LINUX;
	else if (p->domain && strcmp(p->domain, "LINUX32") == 0)
		plan->personality = PER_LINUX32;
	else
		return pf_fail(err, EINVAL, "linux.personality.domain: unknown domain %s",
			       p->domain ? p->domain : "(missing)");
	plan->has_personality = true;
	return 0;
}

static int plan_id(uint64_t v, const char *what, uint32_t *out, struct pf_error *err)
{
	/* (uid_t)-1 means "leave unchanged" to setresuid, so it is no id at all. */
	if (v >= UINT32_MAX)
		return pf_fail(err, EINVAL, "process.user.%s: %llu is not a valid id", what,
			       (unsigned long long)v);
	*out = (uint32_t)v;
	return 0;
}

static int plan_user(const struct pf_user *u, struct pf_exec_plan *plan, struct pf_error *err)
{
	if (!u)
		return 0;
	if (plan_id(u->uid.v, "uid", &plan->uid, err) < 0 ||
	    plan_id(u->gid.v, "gid", &plan->gid, err) < 0)
		return -1;
	if (u->additional_gids.n) {
		plan->groups = calloc(u->additional_gids.n, sizeof(*plan->groups));
		if (!plan->groups)
			return pf_fail_errno(err, ENOMEM, "process.user.additionalGids");
	}
	for (size_t i = 0; i < u->additional_gids.n; i++)
		if (plan_id(u->additional_gids.v[i], "additionalGids", &plan->groups[i], err) < 0)
			return -1;
	plan->n_groups = u->additional_gids.n;
	plan->has_umask = u->umask.set;
	plan->umask = (mode_t)(u->umask.v & 0777);
	plan->has_user = true;
	return 0;
}

static int plan_scalars(const struct pf_process *p, struct pf_exec_plan *plan,
			struct pf_error *err)
{
	if (p->oom_score_adj.set) {
		if (p->oom_score_adj.v < -1000 || p->oom_score_adj.v > 1000)
			return pf_fail(err, EINVAL, "process.oomScoreAdj: %lld is out of range "
				       "(-1000 to 1000)", (long long)p->oom_score_adj.v);
		plan->has_oom_score_adj = true;
		plan->oom_score_adj = (int)p->oom_score_adj.v;
	}
	plan->cwd = p->cwd;
	plan->no_new_privs = p->no_new_privileges.set && p->no_new_privileges.v;
	if (p->capabilities) {
		if (pf_capset_from_config(p->capabilities, &plan->caps, err) < 0)
			return -1;
		plan->has_caps = true;
	}
	return 0;
}

static int plan_fill(const struct pf_process *p, struct pf_exec_plan *plan,
		     struct pf_error *err)
{
	if (strv_to_array(&p->args, &plan->argv, err) < 0 ||
	    strv_to_array(&p->env, &plan->envp, err) < 0)
		return -1;
	if (!plan->argv[0] || !plan->argv[0][0])
		return pf_fail(err, EINVAL, "process.args: at least one argument is required");
	if (plan_rlimits(p, plan, err) < 0 || plan_scalars(p, plan, err) < 0 ||
	    plan_user(p->user, plan, err) < 0)
		return -1;
	if (p->scheduler && plan_scheduler(p->scheduler, plan, err) < 0)
		return -1;
	if (p->io_priority && plan_ioprio(p->io_priority, plan, err) < 0)
		return -1;
	return 0;
}

int pf_exec_plan_build(const struct pf_process *process, int preserve_fds, bool in_userns,
		       struct pf_exec_plan *plan, struct pf_error *err)
{
	memset(plan, 0, sizeof(*plan));
	if (!process)
		return pf_fail(err, EINVAL, "process: required property is missing");
	if (preserve_fds < 0)
		return pf_fail(err, EINVAL, "preserve-fds: %d is negative", preserve_fds);
	plan->process = process;
	plan->preserve_fds = preserve_fds;
	plan->in_userns = in_userns;
	if (plan_fill(process, plan, err) < 0) {
		pf_exec_plan_clear(plan);
		return -1;
	}
	return 0;
}

void pf_exec_plan_clear(struct pf_exec_plan *plan)
{
	free(plan->argv);
	free(plan->envp);
	free(plan->rlimits);
	free(plan->groups);
	memset(plan, 0, sizeof(*plan));
}
