#include "runtime/proc.h"

#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bundle/cleanup.h"

int pf_proc_stat(pid_t pid, uint64_t *start_time, char *state)
{
	char path[64], buf[1024];
	_cleanup_close_ int fd = -1;
	const char *p;
	ssize_t n;
	unsigned long long start = 0;
	char st = 0;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	/* the command name may hold spaces and parentheses: fields resume after the last ')' */
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 1, " %c %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s "
				"%*s %*s %*s %llu", &st, &start) != 2)
		return -1;
	if (start_time)
		*start_time = start;
	if (state)
		*state = st;
	return 0;
}

bool pf_proc_same(pid_t pid, uint64_t start_time)
{
	uint64_t start;
	char state;

	if (pid <= 0 || pf_proc_stat(pid, &start, &state) < 0)
		return false;
	return start == start_time && state != 'Z' && state != 'X';
}
