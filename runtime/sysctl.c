#include "runtime/sysctl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bundle/cleanup.h"

static bool has_namespace(const struct pf_linux *l, const char *type)
{
	for (size_t i = 0; l && i < l->namespaces.n; i++)
		if (strcmp(l->namespaces.v[i].type, type) == 0)
			return true;
	return false;
}

/* The namespace that isolates a key, or NULL when no namespace does. */
static const char *namespace_of(const char *key)
{
	static const char *const ipc_keys[] = {
		"kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem", "kernel.shmall",
		"kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced", NULL,
	};

	for (size_t i = 0; ipc_keys[i]; i++)
		if (strcmp(key, ipc_keys[i]) == 0)
			return "ipc";
	if (strncmp(key, "fs.mqueue.", 10) == 0)
		return "ipc";
	if (strncmp(key, "net.", 4) == 0)
		return "network";
	if (strcmp(key, "kernel.hostname") == 0 || strcmp(key, "kernel.domainname") == 0)
		return "uts";
	return NULL;
}

int pf_sysctl_check(const pf_strmap *sysctl, const struct pf_linux *l, struct pf_error *err)
{
	for (size_t i = 0; i < sysctl->n; i++) {
		const char *key = sysctl->keys[i], *ns = namespace_of(key);

		if (strstr(key, "..") || strchr(key, '/'))
			return pf_fail(err, EINVAL, "linux.sysctl: \"%s\" is not a sysctl name", key);
		if (!ns)
			return pf_fail(err, EINVAL, "linux.sysctl: \"%s\" is not namespaced and "
					       "would change the host", key);
		if (!has_namespace(l, ns))
			return pf_fail(err, EINVAL, "linux.sysctl: \"%s\" needs a %s namespace", key,
				       ns);
	}
	return 0;
}

int pf_sysctl_apply(const pf_strmap *sysctl, struct pf_error *err)
{
	for (size_t i = 0; i < sysctl->n; i++) {
		char path[512];
		_cleanup_close_ int fd = -1;
		size_t len = strlen(sysctl->v[i]);
		int n = snprintf(path, sizeof(path), "/proc/sys/%s", sysctl->keys[i]);

		if (n < 0 || (size_t)n >= sizeof(path))
			return pf_fail(err, ENAMETOOLONG, "sysctl %s", sysctl->keys[i]);
		for (char *p = path + 10; *p; p++)
			if (*p == '.')
				*p = '/';
		/* never through a link: a rootfs could point /proc/sys elsewhere */
		fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW | O_TRUNC);
		if (fd < 0)
			return pf_fail_errno(err, errno, "sysctl %s", sysctl->keys[i]);
		if (write(fd, sysctl->v[i], len) != (ssize_t)len)
			return pf_fail_errno(err, errno, "sysctl %s=%s", sysctl->keys[i],
					     sysctl->v[i]);
	}
	return 0;
}
