#include "runtime/store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle/cleanup.h"
#include "bundle/json.h"
#include "bundle/reflect.h"
#include "bundle/validate.h"
#include "runtime/proc.h"

#define ID_MAX 1024
/* Temporary entries of the root: ".new-ID-PID-START" (a claim being filled) and
 * ".gone-ID-PID-START" (a directory being removed), named after their process so that what a
 * killed one leaves can be told from one still at work. */
#define NEW_PREFIX ".new-"
#define GONE_PREFIX ".gone-"

const char *pf_store_default_root(void)
{
	static char buf[PATH_MAX];
	const char *xdg = getenv("XDG_RUNTIME_DIR");

	if (geteuid() == 0 || !xdg || !*xdg)
		return "/run/pflask";
	snprintf(buf, sizeof(buf), "%s/pflask", xdg);
	return buf;
}

int pf_store_check_id(const char *id, struct pf_error *err)
{
	static const char allowed[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				      "0123456789_+-.";
	size_t n = strlen(id);

	if (n == 0)
		return pf_fail(err, EINVAL, "container ID must not be empty");
	/* a leading dot is kept for the store's own temporary entries */
	if (n > ID_MAX || strspn(id, allowed) != n || id[0] == '.') {
		char q[PF_QUOTE_MAX];

		return pf_fail(err, EINVAL, "invalid container ID %s: use letters, digits "
			       "and _ + - . (not first) only", pf_quote(q, sizeof(q), id));
	}
	return 0;
}

static int mkdir_p(const char *path, mode_t mode)
{
	char buf[PATH_MAX];
	size_t n = strlen(path);

	if (n >= sizeof(buf))
		return -1;
	memcpy(buf, path, n + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, mode) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(buf, mode) < 0 && errno != EEXIST ? -1 : 0;
}

static int join(char *buf, size_t size, const char *a, const char *b)
{
	int n = snprintf(buf, size, "%s/%s", a, b);

	return n < 0 || (size_t)n >= size ? -1 : 0;
}

int pf_store_path(const struct pf_store *s, const char *name, char *buf, size_t size)
{
	return join(buf, size, s->dir, name);
}

static int open_locked(const char *dir, struct pf_error *err)
{
	_cleanup_close_ int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return pf_fail_errno(err, errno, "open %s", dir);
	if (flock(fd, LOCK_EX) < 0)
		return pf_fail_errno(err, errno, "lock %s", dir);
	return pf_steal_fd(&fd);
}

/* The first record, in a directory nobody reads yet: no temporary name of its own. No fsync
 * here or anywhere: the state root lives in /run, which no reboot keeps. */
static int write_first_record(const char *dir, const struct pf_record *rec, struct pf_error *err)
{
	_cleanup_free_ char *text = NULL;
	char path[PATH_MAX];
	size_t len;

	if (join(path, sizeof(path), dir, PF_STATE_FILE) < 0)
		return pf_fail(err, ENAMETOOLONG, "state path too long");
	if (pf_record_emit(rec, &text, &len, err) < 0)
		return -1;
	return pf_file_write(path, text, len, 0600, PF_FILE_IN_PLACE, err);
}

/* Everything but the rename: a complete state directory under a private name. */
static int fill_temp_dir(const char *tmp, const struct pf_record *rec, const char *config_text,
			 struct pf_error *err)
{
	char path[PATH_MAX];

	if (write_first_record(tmp, rec, err) < 0)
		return -1;
	if (join(path, sizeof(path), tmp, PF_CONFIG_COPY) < 0 ||
	    pf_file_write(path, config_text, strlen(config_text), 0600, PF_FILE_IN_PLACE, err) < 0)
		return -1;
	if (join(path, sizeof(path), tmp, PF_EXEC_FIFO) < 0 || mkfifo(path, 0600) < 0)
		return pf_fail_errno(err, errno, "mkfifo %s", path);
	return 0;
}

/* "ROOT/PREFIX-ID-PID-START" for this process (dir: ROOT/ID when id is NULL). */
static int temp_name(char *buf, size_t size, const char *dir, const char *id, const char *prefix)
{
	uint64_t start = 0;
	const char *slash = id ? NULL : strrchr(dir, '/');
	int n;

	pf_proc_stat(getpid(), &start, NULL);
	if (slash)
		n = snprintf(buf, size, "%.*s/%s%s-%d-%llu", (int)(slash - dir), dir, prefix,
			     slash + 1, (int)getpid(), (unsigned long long)start);
	else
		n = snprintf(buf, size, "%s/%s%s-%d-%llu", dir, prefix, id, (int)getpid(),
			     (unsigned long long)start);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

static void remove_tree(const char *dir)
{
	_cleanup_closedir_ DIR *d = opendir(dir);
	struct dirent *e;
	char path[PATH_MAX];

	while (d && (e = readdir(d))) {
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") &&
		    join(path, sizeof(path), dir, e->d_name) == 0)
			unlink(path);
	}
	rmdir(dir);
}

int pf_store_claim(const char *root, const char *id, const struct pf_record *rec,
		   const char *config_text, struct pf_store *out, struct pf_error *err)
{
	char tmp[PATH_MAX], final[PATH_MAX];
	_cleanup_close_ int fd = -1;

	if (mkdir_p(root, 0700) < 0)
		return pf_fail_errno(err, errno, "create state root %s", root);
	if (join(final, sizeof(final), root, id) < 0 ||
	    temp_name(tmp, sizeof(tmp), root, id, NEW_PREFIX) < 0)
		return pf_fail(err, ENAMETOOLONG, "state path too long");
	if (access(final, F_OK) == 0)
		return pf_fail(err, EEXIST, "container %s already exists", id);
	if (mkdir(tmp, 0700) < 0)
		return pf_fail_errno(err, errno, "create %s", tmp);
	if ((fd = open_locked(tmp, err)) < 0 || fill_temp_dir(tmp, rec, config_text, err) < 0) {
		remove_tree(tmp);
		return -1;
	}
	/* rename() never replaces a non-empty directory: of two creates of one ID, one wins */
	if (rename(tmp, final) < 0) {
		int e = errno;
		remove_tree(tmp);
		if (e == EEXIST || e == ENOTEMPTY)
			return pf_fail(err, EEXIST, "container %s already exists", id);
		return pf_fail_errno(err, e, "create %s", final);
	}
	out->dir = strdup(final);
	if (!out->dir) {
		remove_tree(final);
		return pf_fail_errno(err, ENOMEM, "create %s", final);
	}
	out->fd = pf_steal_fd(&fd);
	return 0;
}

int pf_store_open(const char *root, const char *id, struct pf_store *out, struct pf_error *err)
{
	char dir[PATH_MAX];
	int fd;

	if (pf_store_check_id(id, err) < 0)
		return -1;
	if (join(dir, sizeof(dir), root, id) < 0)
		return pf_fail(err, ENAMETOOLONG, "state path too long");
	fd = open_locked(dir, err);
	if (fd < 0 && err->err == ENOENT)
		return pf_fail(err, ENOENT, "container %s does not exist", id);
	if (fd < 0)
		return -1;
	/* a delete that won the lock first has moved the directory away */
	if (faccessat(fd, PF_STATE_FILE, F_OK, 0) < 0 && errno == ENOENT &&
	    access(dir, F_OK) < 0) {
		close(fd);
		return pf_fail(err, ENOENT, "container %s does not exist", id);
	}
	out->dir = strdup(dir);
	if (!out->dir) {
		close(fd);
		return pf_fail_errno(err, ENOMEM, "open %s", dir);
	}
	out->fd = fd;
	return 0;
}

int pf_store_load(const struct pf_store *s, struct pf_record **out, struct pf_error *err)
{
	_cleanup_free_ char *text = NULL;
	char path[PATH_MAX];
	size_t len;

	if (join(path, sizeof(path), s->dir, PF_STATE_FILE) < 0)
		return pf_fail(err, ENAMETOOLONG, "state path too long");
	if (pf_file_read(path, &text, &len, err) < 0)
		return -1;
	*out = pf_record_parse(text, len, path, err);
	return *out ? 0 : -1;
}

int pf_store_save(const struct pf_store *s, const struct pf_record *rec, struct pf_error *err)
{
	_cleanup_free_ char *text = NULL;
	_cleanup_close_ int fd = -1;
	size_t len;

	if (pf_record_emit(rec, &text, &len, err) < 0)
		return -1;
	fd = openat(s->fd, PF_STATE_FILE, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 || pf_write_all(fd, text, len) < 0 || ftruncate(fd, (off_t)len) < 0)
		return pf_fail_errno(err, errno, "write %s/%s", s->dir, PF_STATE_FILE);
	return 0;
}

int pf_store_remove(struct pf_store *s, struct pf_error *err)
{
	char gone[PATH_MAX];

	if (!s->dir || !strchr(s->dir, '/'))
		return 0;
	/* a dot name: invisible to list, never an ID */
	if (temp_name(gone, sizeof(gone), s->dir, NULL, GONE_PREFIX) < 0)
		return pf_fail(err, ENAMETOOLONG, "state path too long");
	if (rename(s->dir, gone) < 0 && errno != ENOENT)
		return pf_fail_errno(err, errno, "remove %s", s->dir);
	remove_tree(gone);
	return 0;
}

void pf_store_close(struct pf_store *s)
{
	free(s->dir);
	s->dir = NULL;
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

static int compare_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int pf_store_list(const char *root, pf_strv *ids, struct pf_error *err)
{
	_cleanup_closedir_ DIR *d = opendir(root);
	struct dirent *e;

	if (!d)
		return errno == ENOENT ? 0 : pf_fail_errno(err, errno, "open %s", root);
	while ((e = readdir(d))) {
		/* temporary (".new-", ".gone") entries start with a dot; so do "." and ".." */
		if (e->d_name[0] == '.' || e->d_type != DT_DIR)
			continue;
		if (pf_strv_push(ids, e->d_name) < 0) {
			pf_strv_clear(ids);
			return pf_fail_errno(err, ENOMEM, "list %s", root);
		}
	}
	if (ids->n)
		qsort(ids->v, ids->n, sizeof(char *), compare_strings);
	return 0;
}

/* True for a temporary entry whose process is gone: "PREFIX...-PID-START". */
static bool temp_orphaned(const char *name)
{
	const char *start, *pid;
	char *end;
	unsigned long long st;
	long p;

	if (strncmp(name, NEW_PREFIX, strlen(NEW_PREFIX)) != 0 &&
	    strncmp(name, GONE_PREFIX, strlen(GONE_PREFIX)) != 0)
		return false;
	start = strrchr(name, '-');
	for (pid = start; pid > name && pid[-1] != '-'; pid--)
		;
	if (pid <= name + 1 || !start[1] || start == pid)
		return false;
	p = strtol(pid, &end, 10);
	if (end != start || p <= 0 || p > INT_MAX)
		return false;
	st = strtoull(start + 1, &end, 10);
	return !*end && !pf_proc_same((pid_t)p, st);
}

void pf_store_reap_temp(const char *root)
{
	_cleanup_closedir_ DIR *d = opendir(root);
	struct dirent *e;
	char path[PATH_MAX];

	while (d && (e = readdir(d)))
		if ((e->d_type == DT_DIR || e->d_type == DT_UNKNOWN) && temp_orphaned(e->d_name) &&
		    join(path, sizeof(path), root, e->d_name) == 0)
			remove_tree(path);
}
