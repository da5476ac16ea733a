#include "bundle/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void vset(struct pf_error *e, const char *fmt, va_list ap)
{
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
}

int pf_fail(struct pf_error *e, int err, const char *fmt, ...)
{
	va_list ap;

	if (!e)
		return -1;
	e->err = err;
	va_start(ap, fmt);
	vset(e, fmt, ap);
	va_end(ap);
	return -1;
}

int pf_fail_errno(struct pf_error *e, int err, const char *fmt, ...)
{
	va_list ap;
	size_t len;

	if (!e)
		return -1;
	e->err = err;
	va_start(ap, fmt);
	vset(e, fmt, ap);
	va_end(ap);
	len = strlen(e->msg);
	snprintf(e->msg + len, sizeof(e->msg) - len, ": %s", strerror(err));
	return -1;
}

int pf_error_prefix(struct pf_error *e, const char *fmt, ...)
{
	char head[PF_ERROR_MAX];
	size_t hlen, mlen;
	va_list ap;

	if (!e)
		return -1;
	va_start(ap, fmt);
	vsnprintf(head, sizeof(head) - 2, fmt, ap);
	va_end(ap);
	strcat(head, ": ");
	hlen = strlen(head);
	mlen = strnlen(e->msg, sizeof(e->msg) - 1);
	if (hlen + mlen >= sizeof(e->msg))
		mlen = sizeof(e->msg) - 1 - hlen;
	memmove(e->msg + hlen, e->msg, mlen);
	memcpy(e->msg, head, hlen);
	e->msg[hlen + mlen] = '\0';
	return -1;
}

void pf_error_clear(struct pf_error *e)
{
	e->err = 0;
	e->msg[0] = '\0';
}

const char *pf_quote(char *buf, size_t size, const char *s)
{
	size_t o = 0, limit = size > 8 ? size - 8 : 0;

	if (size < 3)
		return "";
	buf[o++] = '"';
	for (; *s && o < limit; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			buf[o++] = '\\';
			buf[o++] = (char)c;
		} else if (c < 0x20 || c == 0x7f) {
			o += (size_t)snprintf(buf + o, size - o, "\\x%02x", c);
		} else {
			buf[o++] = (char)c;
		}
	}
	if (*s) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o++] = '"';
	buf[o] = '\0';
	return buf;
}

const char *pf_escape(char *buf, size_t size, const char *s)
{
	size_t o = 0;

	if (size < 1)
		return "";
	for (; *s && o + 5 < size; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c == 0x7f)
			o += (size_t)snprintf(buf + o, size - o, "\\x%02x", c);
		else
			buf[o++] = (char)c;
	}
	buf[o] = '\0';
	return buf;
}

size_t pf_last_line(const char *buf, size_t len, size_t *start)
{
	size_t end = len;

	while (end > 0 && strchr(" \t\r\n", buf[end - 1]))
		end--;
	*start = end;
	while (*start > 0 && buf[*start - 1] != '\n')
		(*start)--;
	return end;
}
