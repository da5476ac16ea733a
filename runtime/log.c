#include "runtime/log.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static struct {
	int fd;
	enum pf_log_format format;
	bool debug;
} logger = { -1, PF_LOG_TEXT, false };

void pf_log_init(const struct pf_globals *g)
{
	logger.format = g->log_format;
	logger.debug = g->debug;
	if (g->log_path)
		logger.fd = open(g->log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
}

static void json_escape(char *out, size_t size, const char *s)
{
	size_t o = 0;

	for (; *s && o + 7 < size; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			out[o++] = '\\';
			out[o++] = (char)c;
		} else if (c < 0x20) {
			o += (size_t)snprintf(out + o, size - o, "\\u%04x", c);
		} else {
			out[o++] = (char)c;
		}
	}
	out[o] = '\0';
}

static void write_line(const char *level, const char *msg)
{
	char line[4 * 1024 + 256], stamp[64];
	struct timespec ts;
	struct tm tm;
	int n;

	if (logger.fd < 0)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = (int)strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(stamp + n, sizeof(stamp) - (size_t)n, ".%09ldZ", ts.tv_nsec);
	if (logger.format == PF_LOG_JSON) {
		char esc[4 * 1024];

		json_escape(esc, sizeof(esc), msg);
		n = snprintf(line, sizeof(line), "{\"level\":\"%s\",\"msg\":\"%s\",\"time\":\"%s\"}\n",
			     level, esc, stamp);
	} else {
		n = snprintf(line, sizeof(line), "%s %s: %s\n", stamp, level, msg);
	}
	if (n > 0 && write(logger.fd, line, strnlen(line, sizeof(line))) < 0)
		return;
}

/* An error is one line on stderr whatever it quotes (an ID, a path, a config value): control
 * characters are written as \xNN. */
void pf_log_error(const struct pf_error *err)
{
	char safe[4 * PF_ERROR_MAX];

	pf_escape(safe, sizeof(safe), err->msg);
	fprintf(stderr, "pflask-runtime: %s\n", safe);
	write_line("error", logger.format == PF_LOG_JSON ? err->msg : safe);
}

void pf_log_warning(const struct pf_error *err)
{
	char safe[4 * PF_ERROR_MAX];

	pf_escape(safe, sizeof(safe), err->msg);
	fprintf(stderr, "pflask-runtime: warning: %s\n", safe);
	write_line("warning", logger.format == PF_LOG_JSON ? err->msg : safe);
}

void pf_log_debug(const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	if (!logger.debug)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (logger.fd >= 0)
		write_line("debug", msg);
	else
		fprintf(stderr, "pflask-runtime: debug: %s\n", msg);
}
