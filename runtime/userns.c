/* User namespace id maps, written by the parent once the child is in its new namespace. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bundle/cleanup.h"
#include "bundle/json.h"
#include "runtime/namespaces.h"

static int format_map(const pf_id_mappings *m, char *buf, size_t size)
{
	size_t n = 0;

	for (size_t i = 0; i < m->n; i++) {
		int w = snprintf(buf + n, size - n, "%llu %llu %llu\n",
				 (unsigned long long)m->v[i].container_id.v,
				 (unsigned long long)m->v[i].host_id.v,
				 (unsigned long long)m->v[i].size.v);
		if (w < 0 || (size_t)w >= size - n)
			return -1;
		n += (size_t)w;
	}
	return (int)n;
}

/* The kernel takes the whole map in one write(), or nothing. */
static int write_map_file(pid_t pid, const char *file, const pf_id_mappings *m,
			  struct pf_error *err)
{
	char path[64], buf[340 * 40];
	_cleanup_close_ int fd = -1;
	int len = format_map(m, buf, sizeof(buf));

	if (len < 0)
		return pf_fail(err, E2BIG, "%s: too many mappings", file);
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return pf_fail_errno(err, errno, "open %s", path);
	if (write(fd, buf, (size_t)len) != len)
		return pf_fail_errno(err, errno, "write %s", file);
	return 0;
}

/* All the helper writes to stderr, of which the first size-1 bytes are kept in buf
 * (NUL-terminated); the rest is read and dropped, so the helper never blocks on the pipe. */
static ssize_t read_helper_stderr(int fd, char *buf, size_t size)
{
	size_t have = 0;
	char drop[512];

	for (;;) {
		ssize_t n = have + 1 < size ? read(fd, buf + have, size - 1 - have)
					    : read(fd, drop, sizeof(drop));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (have + 1 < size)
			have += (size_t)n;
	}
	buf[have] = '\0';
	return (ssize_t)have;
}

/* newuidmap PID CID HID SIZE...: the setuid helpers let an unprivileged user map the ranges
 * /etc/subuid grants. */
static int run_map_helper(const char *helper, pid_t pid, const pf_id_mappings *m,
			  struct pf_error *err)
{
	char *argv[3 + 3 * 340 + 1], nums[3 * 340 + 1][24];
	size_t a = 0, k = 0;
	char text[4096];
	int status, out[2];
	ssize_t said;
	pid_t child;

	argv[a++] = (char *)helper;
	snprintf(nums[k], sizeof(nums[k]), "%d", (int)pid);
	argv[a++] = nums[k++];
	for (size_t i = 0; i < m->n && i < 340; i++) {
		snprintf(nums[k], sizeof(nums[k]), "%llu", (unsigned long long)m->v[i].container_id.v);
		argv[a++] = nums[k++];
		snprintf(nums[k], sizeof(nums[k]), "%llu", (unsigned long long)m->v[i].host_id.v);
		argv[a++] = nums[k++];
		snprintf(nums[k], sizeof(nums[k]), "%llu", (unsigned long long)m->v[i].size.v);
		argv[a++] = nums[k++];
	}
	argv[a] = NULL;
	if (pipe2(out, O_CLOEXEC) < 0)
		return pf_fail_errno(err, errno, "pipe for %s", helper);
	child = fork();
	if (child < 0) {
		close(out[0]);
		close(out[1]);
		return pf_fail_errno(err, errno, "fork %s", helper);
	}
	if (child == 0) {
		dup2(out[1], STDERR_FILENO);
		execvp(helper, argv);
		_exit(127);
	}
	close(out[1]);
	said = read_helper_stderr(out[0], text, sizeof(text));
	close(out[0]);
	if (waitpid(child, &status, 0) < 0)
		return pf_fail_errno(err, errno, "wait %s", helper);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return pf_fail(err, ENOENT, "%s: not installed (package uidmap)", helper);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		size_t start, end = pf_last_line(text, (size_t)said, &start);

		/* its last words say why (a range /etc/subuid does not grant, ...) and end the
		 * error, as a hook's do; what it said before goes on to our stderr */
		if (end == 0)
			return pf_fail(err, EPERM, "%s failed (status %d)", helper,
				       WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		(void)pf_write_all(STDERR_FILENO, text, start);
		return pf_fail(err, EPERM, "%.*s", (int)(end - start), text + start);
	}
	/* a warning of a helper that succeeded goes on to our stderr, as a hook's does */
	if (said > 0)
		(void)pf_write_all(STDERR_FILENO, text, (size_t)said);
	return 0;
}

int pf_userns_write_maps(pid_t pid, const struct pf_linux *l, struct pf_error *err)
{
	if (geteuid() != 0) {
		if (run_map_helper("newuidmap", pid, &l->uid_mappings, err) < 0 ||
		    run_map_helper("newgidmap", pid, &l->gid_mappings, err) < 0)
			return -1;
		return 0;
	}
	if (write_map_file(pid, "uid_map", &l->uid_mappings, err) < 0 ||
	    write_map_file(pid, "gid_map", &l->gid_mappings, err) < 0)
		return pf_error_prefix(err, "user namespace");
	return 0;
}
