/* Where main() reports: stderr always, and the --log file in text or JSON lines (containerd and
 * podman read the last "error" object from it). */
#ifndef PF_LOG_H
#define PF_LOG_H

#include "bundle/error.h"
#include "runtime/cli.h"

void pf_log_init(const struct pf_globals *g);
void pf_log_error(const struct pf_error *err);
/* A warning: reported, and the operation goes on. */
void pf_log_warning(const struct pf_error *err);
void pf_log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
