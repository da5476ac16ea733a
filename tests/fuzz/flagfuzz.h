/* What the flag-grammar fuzz targets (fuzz_mount.c, fuzz_netif.c, fuzz_usermap.c,
 * fuzz_caps.c, fuzz_setenv.c, fuzz_options.c) share: the input as the C string a command line
 * would carry (it stops at the first NUL, as argv does), and the checks every message must
 * pass. compat/ is not in libpflask.a: the Makefile links these targets with its flag parsers. */
#ifndef PF_FLAGFUZZ_H
#define PF_FLAGFUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The target's name in failure reports; each target defines it. */
extern const char fuzz_name[];

__attribute__((noreturn)) static inline void fuzz_fail(const char *what, const char *detail)
{
	fprintf(stderr, "%s: %s: %s\n", fuzz_name, what, detail ? detail : "(null)");
	abort();
}

/* data as an argv string: a copy up to the first NUL (argv cannot carry one). */
static inline char *fuzz_arg(const uint8_t *data, size_t size)
{
	size_t n = strnlen((const char *)data, size);
	char *s = malloc(n + 1);

	if (!s)
		fuzz_fail("malloc", "out of memory");
	memcpy(s, data, n);
	s[n] = '\0';
	return s;
}

/* A message fit for one line on stderr: not empty, no control characters (a newline or a
 * carriage return would split it, an escape would drive the terminal). */
static inline void fuzz_check_line(const char *what, const char *msg)
{
	if (!msg[0])
		fuzz_fail(what, "empty message");
	for (const char *p = msg; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			fuzz_fail(what, msg);
}

/* A failed parse: -1 and a one-line message. */
static inline void fuzz_check_error(int rc, const struct pf_error *err)
{
	if (rc != -1)
		fuzz_fail("failure", "return value is not -1");
	fuzz_check_line("error message", err->msg);
}

/* s is present, absolute and without the separator the grammar splits on (none: '\0'). */
static inline void fuzz_check_path(const char *what, const char *s, char sep)
{
	if (!s || s[0] != '/' || (sep && strchr(s, sep)))
		fuzz_fail(what, s);
}

/* Number of times c occurs in s. */
static inline size_t fuzz_count(const char *s, char c)
{
	size_t n = 0;

	for (; *s; s++)
		n += *s == c;
	return n;
}

#endif
