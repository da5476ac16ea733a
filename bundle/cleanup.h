/* Cleanup attributes: every fd, pointer and handle is released on scope exit. Ownership is
 * handed on by stealing, which leaves the variable empty so the cleanup does nothing. */
#ifndef PF_CLEANUP_H
#define PF_CLEANUP_H

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static inline void pf_freep(void *p)
{
	free(*(void **)p);
}

static inline void pf_closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
}

static inline void pf_fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

static inline void pf_closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}

#define _cleanup_free_ __attribute__((cleanup(pf_freep)))
#define _cleanup_close_ __attribute__((cleanup(pf_closep)))
#define _cleanup_fclose_ __attribute__((cleanup(pf_fclosep)))
#define _cleanup_closedir_ __attribute__((cleanup(pf_closedirp)))

static inline void *pf_steal_ptr_(void **p)
{
	void *v = *p;
	*p = NULL;
	return v;
}
#define pf_steal_ptr(pp) pf_steal_ptr_((void **)(pp))

static inline int pf_steal_fd(int *fd)
{
	int v = *fd;
	*fd = -1;
	return v;
}

#endif
