#include "runtime/freezer.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bundle/cleanup.h"

enum kind { NONE, V1, V2 };

/* The file that freezes the cgroup: v1's freezer.state first (on a hybrid host it is the one
 * the v1 tools see), else v2's cgroup.freeze. */
static enum kind find_file(const struct pf_cgroup *cg, char *path, size_t size)
{
	for (size_t i = 0; i < cg->dirs.n; i++) {
		snprintf(path, size, "%s/freezer.state", cg->dirs.v[i]);
		if (access(path, F_OK) == 0)
			return V1;
	}
	for (size_t i = 0; i < cg->dirs.n; i++) {
		snprintf(path, size, "%s/cgroup.freeze", cg->dirs.v[i]);
		if (access(path, F_OK) == 0)
			return V2;
	}
	return NONE;
}

static int read_word(const char *path, char *buf, size_t size)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0 || (n = read(fd, buf, size - 1)) < 0)
		return -1;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

static int write_word(const char *path, const char *word, struct pf_error *err)
{
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0 || write(fd, word, strlen(word)) < 0)
		return pf_fail_errno(err, errno, "write %s to %s", word, path);
	return 0;
}

/* v2's cgroup.events says "frozen 1" once every task is stopped. */
static bool v2_frozen_now(const char *freeze_path)
{
	char events[PATH_MAX], buf[512];
	size_t dir = strlen(freeze_path) - strlen("cgroup.freeze");

	snprintf(events, sizeof(events), "%.*scgroup.events", (int)dir, freeze_path);
	return read_word(events, buf, sizeof(buf)) == 0 && strstr(buf, "frozen 1");
}

static bool reached(enum kind k, const char *path, bool frozen)
{
	char buf[64];

	if (k == V2)
		return v2_frozen_now(path) == frozen;
	if (read_word(path, buf, sizeof(buf)) < 0)
		return false;
	return strcmp(buf, frozen ? "FROZEN" : "THAWED") == 0;
}

int pf_freezer_set(const struct pf_cgroup *cg, bool frozen, struct pf_error *err)
{
	char path[PATH_MAX];
	enum kind k = find_file(cg, path, sizeof(path));
	struct timespec pause = { 0, 1000000 };

	if (k == NONE)
		return pf_fail(err, ENOTSUP, "no freezer: neither a v1 freezer nor cgroup v2 here");
	if (write_word(path, k == V1 ? (frozen ? "FROZEN" : "THAWED") : (frozen ? "1" : "0"),
		       err) < 0)
		return -1;
	/* v1 goes through FREEZING; both settle within milliseconds unless a task is stuck */
	for (int i = 0; i < 5000; i++) {
		if (reached(k, path, frozen))
			return 0;
		nanosleep(&pause, NULL);
	}
	return pf_fail(err, ETIMEDOUT, "%s: the cgroup did not %s", path, frozen ? "freeze" : "thaw");
}

bool pf_freezer_frozen(const struct pf_cgroup *cg)
{
	char path[PATH_MAX], buf[64];
	enum kind k = find_file(cg, path, sizeof(path));

	if (k == V2)
		return v2_frozen_now(path);
	return k == V1 && read_word(path, buf, sizeof(buf)) == 0 && strcmp(buf, "THAWED") != 0;
}
