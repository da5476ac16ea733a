#include "runtime/sysctl.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "bundle/cleanup.h"

/* procfs's root directory inode */
#define PF_PROC_ROOT_INO 1

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

/* The mount a descriptor is on, to keep a write on /proc's own. */
static int mount_id(int fd, uint64_t *id)
{
	struct statx stx;

	if (statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &stx) < 0)
		return -1;
	if (!(stx.stx_mask & STATX_MNT_ID)) {
		errno = ENOSYS;
		return -1;
	}
	*id = stx.stx_mnt_id;
	return 0;
}

/* /proc as a handle: the root of a procfs, or a refusal. After pivot_root it is the
 * container's, and an image without a procfs mount there has a directory of its own. */
static int open_procfs(uint64_t *mnt, struct pf_error *err)
{
	_cleanup_close_ int fd = open("/proc", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct statfs sfs;
	struct stat st;

	if (fd < 0)
		return pf_fail_errno(err, errno, "sysctl: open /proc");
	if (fstatfs(fd, &sfs) < 0 || fstat(fd, &st) < 0 || mount_id(fd, mnt) < 0)
		return pf_fail_errno(err, errno, "sysctl: stat /proc");
	if (sfs.f_type != PROC_SUPER_MAGIC || st.st_ino != PF_PROC_ROOT_INO)
		return pf_fail(err, EXDEV, "sysctl: /proc is not a procfs mount");
	return pf_steal_fd(&fd);
}

/* The key's file under the procfs handle, kept only when it is on that very mount: a write
 * must not land on something mounted over /proc/sys, nor where a link leads
 * (CVE-2025-52881). O_NONBLOCK: a FIFO found there must not hang us. */
static int open_key(int proc, uint64_t mnt, const char *key, struct pf_error *err)
{
	_cleanup_close_ int fd = -1;
	char path[512];
	int n = snprintf(path, sizeof(path), "sys/%s", key);
	uint64_t id;

	if (n < 0 || (size_t)n >= sizeof(path))
		return pf_fail(err, ENAMETOOLONG, "sysctl %s", key);
	for (char *p = path + 4; *p; p++)
		if (*p == '.')
			*p = '/';
	fd = openat(proc, path, O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return pf_fail_errno(err, errno, "sysctl %s", key);
	if (mount_id(fd, &id) < 0)
		return pf_fail_errno(err, errno, "sysctl %s: statx", key);
	if (id != mnt)
		return pf_fail(err, EXDEV, "sysctl %s: something is mounted on /proc/%s", key, path);
	return pf_steal_fd(&fd);
}

int pf_sysctl_apply(const pf_strmap *sysctl, struct pf_error *err)
{
	_cleanup_close_ int proc = -1;
	uint64_t mnt;

	if (sysctl->n == 0)
		return 0;
	proc = open_procfs(&mnt, err);
	if (proc < 0)
		return -1;
	for (size_t i = 0; i < sysctl->n; i++) {
		_cleanup_close_ int fd = open_key(proc, mnt, sysctl->keys[i], err);
		size_t len = strlen(sysctl->v[i]);

		if (fd < 0)
			return -1;
		if (write(fd, sysctl->v[i], len) != (ssize_t)len)
			return pf_fail_errno(err, errno, "sysctl %s=%s", sysctl->keys[i],
					     sysctl->v[i]);
	}
	return 0;
}
