/* The last step of the container process: find the program on the container's PATH, keep
 * stray fds out of it, complete its environment and execve. */
#include "runtime/process.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bundle/cleanup.h"

#define PF_DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* The value of NAME in a NULL-terminated environment, or NULL. */
static const char *env_get(char *const envp[], const char *name)
{
	size_t len = strlen(name);

	for (size_t i = 0; envp && envp[i]; i++)
		if (strncmp(envp[i], name, len) == 0 && envp[i][len] == '=')
			return envp[i] + len + 1;
	return NULL;
}

/* AT_EACCESS: as the user we are now (the container's); it also says no on a noexec mount. */
static bool is_executable(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	       faccessat(AT_FDCWD, path, X_OK, AT_EACCESS) == 0;
}

/* An empty PATH element would mean the current directory; like Go's exec.LookPath since 1.19
 * (which runc uses) we refuse to run a program found relative to it, so it is skipped. */
int pf_find_executable(const char *name, char *const envp[], char *out, size_t size,
		       struct pf_error *err)
{
	char quoted[PF_QUOTE_MAX];
	const char *path = env_get(envp, "PATH");

	if (!name || !*name)
		return pf_fail(err, ENOENT, "exec \"\": executable file not found in $PATH");
	if (strchr(name, '/')) {
		if ((size_t)snprintf(out, size, "%s", name) >= size)
			return pf_fail(err, ENAMETOOLONG, "exec %s: name too long",
				       pf_quote(quoted, sizeof(quoted), name));
		return 0;
	}
	if (!path)
		path = PF_DEFAULT_PATH;
	for (const char *p = path; *p;) {
		size_t len = strcspn(p, ":");

		if (len > 0 && p[0] == '/' &&
		    (size_t)snprintf(out, size, "%.*s/%s", (int)len, p, name) < size &&
		    is_executable(out))
			return 0;
		p += len;
		if (*p == ':')
			p++;
	}
	if (size)
		out[0] = '\0';
	return pf_fail(err, ENOENT, "exec %s: executable file not found in $PATH",
		       pf_quote(quoted, sizeof(quoted), name));
}

static int cloexec_walk(unsigned int first, struct pf_error *err)
{
	_cleanup_closedir_ DIR *d = opendir("/proc/self/fd");
	struct dirent *e;

	if (!d)
		return pf_fail_errno(err, errno, "open /proc/self/fd");
	while ((e = readdir(d))) {
		char *end;
		long fd = strtol(e->d_name, &end, 10);
		int flags;

		if (e->d_name[0] < '0' || e->d_name[0] > '9' || *end || fd < (long)first ||
		    fd > INT_MAX || fd == dirfd(d))
			continue;
		flags = fcntl((int)fd, F_GETFD);
		if (flags >= 0 && !(flags & FD_CLOEXEC) &&
		    fcntl((int)fd, F_SETFD, flags | FD_CLOEXEC) < 0)
			return pf_fail_errno(err, errno, "set close-on-exec on fd %ld", fd);
	}
	return 0;
}

int pf_fds_cloexec_from(unsigned int first, struct pf_error *err)
{
	/* CLOSE_RANGE_CLOEXEC arrived in Linux 5.11: older kernels say EINVAL (or ENOSYS before
	 * 5.9), and a seccomp profile may deny the call with EPERM. */
	if (syscall(SYS_close_range, first, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
		return 0;
	if (errno != ENOSYS && errno != EINVAL && errno != EPERM)
		return pf_fail_errno(err, errno, "close_range");
	return cloexec_walk(first, err);
}

/* The home directory of uid in the container's /etc/passwd, "/" when it is not there (runc's
 * default). Written into buf. */
static void passwd_home(uid_t uid, char *buf, size_t size)
{
	_cleanup_fclose_ FILE *f = fopen("/etc/passwd", "re");
	_cleanup_free_ char *line = NULL;
	size_t cap = 0;

	snprintf(buf, size, "/");
	while (f && getline(&line, &cap, f) > 0) {
		char *fields[7], *s = line;
		int n = 0;

		line[strcspn(line, "\n")] = '\0';
		while (n < 7 && (fields[n] = strsep(&s, ":")))
			n++;
		if (n >= 6 && fields[2][0] && strtoul(fields[2], NULL, 10) == uid &&
		    fields[5][0]) {
			snprintf(buf, size, "%s", fields[5]);
			return;
		}
	}
}

/* envp with HOME=... appended when it has no HOME; NULL on allocation failure. */
static char **env_with_home(char *const envp[], char **home_var)
{
	char home[PATH_MAX];
	size_t n = 0;
	char **out;

	while (envp && envp[n])
		n++;
	out = calloc(n + 2, sizeof(*out));
	if (!out)
		return NULL;
	if (n)
		memcpy(out, envp, n * sizeof(*out));
	if (env_get(envp, "HOME"))
		return out;
	passwd_home(getuid(), home, sizeof(home));
	if (asprintf(home_var, "HOME=%s", home) < 0) {
		free(out);
		return NULL;
	}
	out[n] = *home_var;
	return out;
}

int pf_process_exec(const struct pf_exec_plan *plan, struct pf_error *err)
{
	_cleanup_free_ char **envp = NULL;
	_cleanup_free_ char *home_var = NULL;
	char path[PATH_MAX];

	if (pf_find_executable(plan->argv[0], plan->envp, path, sizeof(path), err) < 0)
		return -1;
	if (pf_fds_cloexec_from(3U + (unsigned int)plan->preserve_fds, err) < 0)
		return -1;
	envp = env_with_home(plan->envp, &home_var);
	if (!envp)
		return pf_fail_errno(err, ENOMEM, "exec %s", path);
	execve(path, plan->argv, envp);
	return pf_fail_errno(err, errno, "exec %s", path);
}
