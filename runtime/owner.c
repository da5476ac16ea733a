#include "runtime/owner.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle/cleanup.h"
#include "runtime/container.h"
#include "runtime/proc.h"

#define OWNER_FILE "owner"
#define FINAL_PREFIX ".pflask-"
#define TEMP_PREFIX ".pflask~"

struct owner {
	pid_t pid;
	uint64_t start;
};

static int write_owner(int dir, const struct owner *o, struct pf_error *err)
{
	_cleanup_close_ int fd = openat(dir, OWNER_FILE, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
					0600);
	char buf[64];
	int n = snprintf(buf, sizeof(buf), "%d %" PRIu64 "\n", (int)o->pid, o->start);

	if (fd < 0 || write(fd, buf, (size_t)n) != n)
		return pf_fail_errno(err, errno, "write the owner file");
	return 0;
}

/* 0 and *o when the file names an owner; -1 when it is missing or unreadable. */
static int read_owner(int dir, struct owner *o)
{
	_cleanup_close_ int fd = openat(dir, OWNER_FILE, O_RDONLY | O_CLOEXEC);
	char buf[64];
	ssize_t n;
	int pid;

	if (fd < 0 || (n = read(fd, buf, sizeof(buf) - 1)) <= 0)
		return -1;
	buf[n] = '\0';
	if (sscanf(buf, "%d %" SCNu64, &pid, &o->start) != 2)
		return -1;
	o->pid = pid;
	return 0;
}

/* Empties the directory through its fd, so what is removed is what was read (a new claim
 * renamed onto the path meanwhile is untouched); rmdir then only ever takes an empty one. */
static int remove_dir(int fd, const char *path, struct pf_error *err)
{
	if (unlinkat(fd, OWNER_FILE, 0) < 0 && errno != ENOENT)
		return pf_fail_errno(err, errno, "remove %s/%s", path, OWNER_FILE);
	if (unlinkat(fd, PF_OWNER_MNT, AT_REMOVEDIR) < 0 && errno != ENOENT)
		return pf_fail_errno(err, errno, "remove %s/%s", path, PF_OWNER_MNT);
	if (rmdir(path) < 0 && errno != ENOENT && errno != ENOTEMPTY && errno != EEXIST)
		return pf_fail_errno(err, errno, "remove %s", path);
	return 0;
}

static int fill_claim(const char *tmp, const struct owner *o, bool with_mnt,
		      struct pf_error *err)
{
	struct pf_error ignored = { 0 };
	_cleanup_close_ int fd = -1;
	int rc = 0;

	if (mkdir(tmp, 0700) < 0)
		return pf_fail_errno(err, errno, "create %s", tmp);
	fd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return pf_fail_errno(err, errno, "open %s", tmp);
	if (write_owner(fd, o, err) < 0)
		rc = -1;
	else if (with_mnt && mkdirat(fd, PF_OWNER_MNT, 0700) < 0)
		rc = pf_fail_errno(err, errno, "create %s/%s", tmp, PF_OWNER_MNT);
	if (rc < 0)
		remove_dir(fd, tmp, &ignored);
	return rc;
}

/* 0, or -1 with EEXIST when the ID is held. */
static int try_claim(const char *tmp, const char *final, const struct owner *o, bool with_mnt,
		     struct pf_error *err)
{
	struct pf_error ignored = { 0 };
	_cleanup_close_ int fd = -1;
	int e;

	if (fill_claim(tmp, o, with_mnt, err) < 0)
		return -1;
	/* rename() never replaces a non-empty directory: of two claims of one ID, one wins */
	if (rename(tmp, final) == 0)
		return 0;
	e = errno;
	fd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0)
		remove_dir(fd, tmp, &ignored);
	if (e == EEXIST || e == ENOTEMPTY)
		return pf_fail(err, EEXIST, "%s is taken", final);
	return pf_fail_errno(err, e, "create %s", final);
}

int pf_owner_claim(const char *root, const char *id, bool with_mnt, char **dir,
		   struct pf_error *err)
{
	struct owner me = { getpid(), 0 };
	char tmp[PATH_MAX], final[PATH_MAX];

	if (pf_store_check_id(id, err) < 0)
		return -1;
	if (pf_proc_stat(me.pid, &me.start, NULL) < 0)
		return pf_fail_errno(err, errno, "read our own start time");
	if (mkdir(root, 0700) < 0 && errno != EEXIST)
		return pf_fail_errno(err, errno, "create state root %s", root);
	if (snprintf(final, sizeof(final), "%s/" FINAL_PREFIX "%s", root, id) >= (int)sizeof(final) ||
	    snprintf(tmp, sizeof(tmp), "%s/" TEMP_PREFIX "%d~%" PRIu64 "~%s", root, (int)me.pid,
		     me.start, id) >= (int)sizeof(tmp))
		return pf_fail(err, ENAMETOOLONG, "state path too long");
	if (try_claim(tmp, final, &me, with_mnt, err) < 0) {
		int reaped;

		if (err->err != EEXIST)
			return -1;
		/* held by a live pflask, or left by a killed one that can go now */
		reaped = pf_owner_reap(root, id, err);
		if (reaped < 0)
			return -1;
		if (reaped == 0 || try_claim(tmp, final, &me, with_mnt, err) < 0)
			return pf_fail(err, EEXIST, "container %s already exists", id);
	}
	*dir = strdup(final);
	if (!*dir) {
		pf_owner_release(final);
		return pf_fail_errno(err, ENOMEM, "claim %s", final);
	}
	return 0;
}

void pf_owner_release(const char *dir)
{
	_cleanup_close_ int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct pf_error ignored = { 0 };

	if (fd >= 0)
		remove_dir(fd, dir, &ignored);
}

static bool created_by(const struct pf_record *r, const struct owner *o)
{
	return r->creator_pid.set && r->creator_pid.v == o->pid && r->creator_start_time.set &&
	       r->creator_start_time.v == o->start;
}

/* The container the dead owner supervised, if it is still there and really its. */
static int destroy_orphan(const char *root, const char *id, const struct owner *o,
			  struct pf_error *err)
{
	struct pf_store s = { NULL, -1 };
	struct pf_record *r = NULL;
	int rc = 0;

	if (pf_store_open(root, id, &s, err) < 0)
		return err->err == ENOENT ? 0 : -1;
	rc = pf_store_load(&s, &r, err);
	if (rc == 0 && created_by(r, o))
		rc = pf_container_destroy(&s, r, err);
	pf_record_free(r);
	pf_store_close(&s);
	return rc < 0 ? pf_error_prefix(err, "delete %s", id) : 0;
}

int pf_owner_reap(const char *root, const char *id, struct pf_error *err)
{
	_cleanup_close_ int fd = -1;
	char path[PATH_MAX];
	struct owner o;

	if (snprintf(path, sizeof(path), "%s/" FINAL_PREFIX "%s", root, id) >= (int)sizeof(path))
		return pf_fail(err, ENAMETOOLONG, "state path too long");
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : pf_fail_errno(err, errno, "open %s", path);
	/* an owner file that cannot be read is from a claim no live process finished */
	if (read_owner(fd, &o) == 0) {
		if (pf_proc_same(o.pid, o.start))
			return 0;
		if (destroy_orphan(root, id, &o, err) < 0)
			return -1;
	}
	return remove_dir(fd, path, err) < 0 ? -1 : 1;
}

/* ".pflask~PID~START~ID": a claim that was never renamed into place. */
static void reap_temp(const char *root, const char *name)
{
	struct pf_error ignored = { 0 };
	_cleanup_close_ int fd = -1;
	char path[PATH_MAX];
	struct owner o;
	int pid;

	if (sscanf(name, TEMP_PREFIX "%d~%" SCNu64 "~", &pid, &o.start) != 2 ||
	    pf_proc_same(pid, o.start))
		return;
	if (snprintf(path, sizeof(path), "%s/%s", root, name) >= (int)sizeof(path))
		return;
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0)
		remove_dir(fd, path, &ignored);
}

void pf_owner_reap_temp(const char *root)
{
	_cleanup_closedir_ DIR *d = opendir(root);
	struct dirent *e;

	pf_store_reap_temp(root);
	while (d && (e = readdir(d)))
		if (strncmp(e->d_name, TEMP_PREFIX, strlen(TEMP_PREFIX)) == 0)
			reap_temp(root, e->d_name);
}

void pf_owner_reap_all(const char *root)
{
	_cleanup_closedir_ DIR *d = opendir(root);
	struct dirent *e;

	pf_owner_reap_temp(root);
	while (d && (e = readdir(d))) {
		struct pf_error ignored = { 0 };

		if (strncmp(e->d_name, FINAL_PREFIX, strlen(FINAL_PREFIX)) == 0)
			pf_owner_reap(root, e->d_name + strlen(FINAL_PREFIX), &ignored);
	}
}
