/* The runtime binary, executed again read-only before a command that puts processes into a
 * container (CVE-2019-5736; runtime/exeseal.c). */
#ifndef PF_EXESEAL_H
#define PF_EXESEAL_H

#include "bundle/error.h"

/* Returns 0 when this process already runs a binary nobody can write to (a read-only mount,
 * an immutable file, a sealed memfd); otherwise executes argv again from a read-only view of
 * the binary and does not return, or fails with -1 and err. argv is main's, unchanged. */
int pf_exe_seal(char **argv, struct pf_error *err);
/* The path of this process's binary on the host, also after pf_exe_seal (whose /proc/self/exe
 * names the read-only view); "" when unknown. */
const char *pf_exe_path(void);

#endif
