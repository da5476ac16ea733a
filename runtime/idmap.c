/* Id-mapped mounts ("idmap", "ridmap"). MOUNT_ATTR_IDMAP needs CAP_SYS_ADMIN over the
 * filesystem's user namespace (the host's, for host directories), which the container's init
 * no longer has once it is in its own user namespace: so the parent clones the source tree,
 * id-maps it while it is still detached (the kernel allows that only then), and the child just
 * attaches it with move_mount. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bundle/cleanup.h"
#include "runtime/mount_internal.h"

static int write_map(pid_t pid, const char *file, const pf_id_mappings *m, struct pf_error *err)
{
	char path[64], buf[4096];
	size_t n = 0;
	_cleanup_close_ int fd = -1;

	for (size_t i = 0; i < m->n; i++) {
		int w = snprintf(buf + n, sizeof(buf) - n, "%llu %llu %llu\n",
				 (unsigned long long)m->v[i].container_id.v,
				 (unsigned long long)m->v[i].host_id.v,
				 (unsigned long long)m->v[i].size.v);

		if (w < 0 || (size_t)w >= sizeof(buf) - n)
			return pf_fail(err, E2BIG, "%s: too many mappings", file);
		n += (size_t)w;
	}
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return pf_fail_errno(err, errno, "open %s", path);
	/* the kernel takes the whole map in one write, or nothing */
	if (write(fd, buf, n) != (ssize_t)n)
		return pf_fail_errno(err, errno, "write %s", path);
	return 0;
}

static int map_and_open(pid_t pid, const struct pf_mount_op *op, struct pf_error *err)
{
	char path[64];
	int fd;

	if (write_map(pid, "uid_map", op->uid_mappings, err) < 0 ||
	    write_map(pid, "gid_map", op->gid_mappings, err) < 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? pf_fail_errno(err, errno, "open %s", path) : fd;
}

/* A user namespace holding only the mount's mappings: a child unshares it and waits (only
 * async-signal-safe calls after fork) while we write its maps and keep a handle on it. */
static int userns_for(const struct pf_mount_op *op, struct pf_error *err)
{
	int ready[2], hold[2], fd = -1, status;
	char c = 0;
	pid_t pid;

	if (pipe2(ready, O_CLOEXEC) < 0)
		return pf_fail_errno(err, errno, "pipe");
	if (pipe2(hold, O_CLOEXEC) < 0) {
		close(ready[0]);
		close(ready[1]);
		return pf_fail_errno(err, errno, "pipe");
	}
	pid = fork();
	if (pid == 0) {
		close(ready[0]);
		close(hold[1]);
		c = unshare(CLONE_NEWUSER) == 0;
		if (write(ready[1], &c, 1) == 1)
			(void)!read(hold[0], &c, 1);
		_exit(0);
	}
	close(ready[1]);
	close(hold[0]);
	if (pid < 0)
		pf_fail_errno(err, errno, "fork");
	else if (read(ready[0], &c, 1) != 1 || !c)
		pf_fail(err, EPERM, "unshare a user namespace for the mappings");
	else
		fd = map_and_open(pid, op, err);
	close(hold[1]);
	close(ready[0]);
	if (pid > 0)
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	return fd;
}

static int open_idmapped(const struct pf_mount_op *op, int userns_fd, struct pf_error *err)
{
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)userns_fd };
	_cleanup_close_ int tree = open_tree(AT_FDCWD, op->source,
					     OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
					     (op->recursive ? AT_RECURSIVE : 0));

	if (tree < 0)
		return pf_fail_errno(err, errno, "clone %s", op->source);
	if (mount_setattr(tree, "", AT_EMPTY_PATH | (op->idmap_recursive ? AT_RECURSIVE : 0),
			  &attr, sizeof(attr)) < 0)
		return pf_fail_errno(err, errno, "id-map %s", op->source);
	return pf_steal_fd(&tree);
}

int pf_mount_plan_open_idmaps(struct pf_mount_plan *plan, int userns_fd, struct pf_error *err)
{
	for (size_t i = 0; i < plan->n_ops; i++) {
		struct pf_mount_op *op = &plan->ops[i];
		_cleanup_close_ int own = -1;

		if (!op->idmap || op->idmap_fd >= 0)
			continue;
		if (op->uid_mappings) {
			own = userns_for(op, err);
			if (own < 0)
				return pf_error_prefix(err, "mounts[%zu]: idmap", i);
		} else if (userns_fd < 0) {
			return pf_fail(err, EINVAL, "mounts[%zu]: idmap: no user namespace to map "
				       "with", i);
		}
		op->idmap_fd = open_idmapped(op, own >= 0 ? own : userns_fd, err);
		if (op->idmap_fd < 0)
			return pf_error_prefix(err, "mounts[%zu]", i);
	}
	return 0;
}
