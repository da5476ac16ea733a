/* Errors travel up: a failing function fills a pf_error and returns -1; each caller may prefix
 * its own context, and only main() prints the result. */
#ifndef PF_ERROR_H
#define PF_ERROR_H

#include <stddef.h>

#define PF_ERROR_MAX 1024

struct pf_error {
	int err;                  /* errno of the cause, 0 when the cause is not a syscall */
	char msg[PF_ERROR_MAX];
};

/* Sets the message (printf-style) and errno; always returns -1 so callers can `return pf_fail(...)`. */
int pf_fail(struct pf_error *e, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* As pf_fail, appending ": strerror(err)". */
int pf_fail_errno(struct pf_error *e, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Prepends "context: " to the message; returns -1. */
int pf_error_prefix(struct pf_error *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void pf_error_clear(struct pf_error *e);

/* Writes s into buf as a quoted, escaped, possibly shortened string fit for a one-line message. */
const char *pf_quote(char *buf, size_t size, const char *s);
#define PF_QUOTE_MAX 80
/* As pf_quote, unquoted and shortened only when buf is full: control characters become \xNN,
 * for text that is already part of a message's wording (a flag as it was given, a path). */
const char *pf_escape(char *buf, size_t size, const char *s);
/* The last non-empty line of buf[0, len): its start in *start, its end (trailing blanks and
 * newlines left out) returned; 0 and *start 0 when there is none. For a child's stderr, whose
 * last word says why it failed. */
size_t pf_last_line(const char *buf, size_t len, size_t *start);

#endif
