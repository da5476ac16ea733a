/* Facts about a process read from /proc, used to tell a live container init from a dead one
 * whose pid was reused. */
#ifndef PF_PROC_H
#define PF_PROC_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* Start time (clock ticks since boot, /proc/PID/stat field 22) and state letter. -1 if the
 * process does not exist. */
int pf_proc_stat(pid_t pid, uint64_t *start_time, char *state);
/* True when pid is alive (not a zombie) and started at start_time. */
bool pf_proc_same(pid_t pid, uint64_t start_time);

#endif
