/* runtime/hooks.h: hooks as real programs (shell scripts in a temp dir) that leave what they
 * saw in files: their stdin, args, env and open fds; the ways a hook can fail; and where what
 * a hook writes to stderr goes (our stderr is a file while pf_hooks_run runs). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "runtime/hooks.h"

#define STRV(...) { .v = (char *[]){ __VA_ARGS__ }, \
		    .n = sizeof((char *[]){ __VA_ARGS__ }) / sizeof(char *), .set = true }
#define STATE "{\"ociVersion\":\"1.3.0\",\"id\":\"c1\",\"status\":\"creating\",\"pid\":42}"

static char tmp[PATH_MAX];

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

static int make_tmp(void **state)
{
	(void)state;
	snprintf(tmp, sizeof(tmp), "/tmp/pf-hooks-XXXXXX");
	return mkdtemp(tmp) ? 0 : -1;
}

static int remove_tmp(void **state)
{
	(void)state;
	return nftw(tmp, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* tmp/name, in a buffer that lives as long as the test (a few per test). */
static char *in_tmp(const char *name)
{
	static char bufs[8][PATH_MAX + 64];
	static int next;
	char *b = bufs[next++ % 8];

	snprintf(b, sizeof(bufs[0]), "%s/%s", tmp, name);
	return b;
}

/* Writes an executable script tmp/name with body after the #! line; returns its path. */
static char *script(const char *name, const char *body)
{
	char *path = in_tmp(name);
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fprintf(f, "#!/bin/sh\n%s\n", body);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, 0755), 0);
	return path;
}

/* The whole content of tmp/name, in a static buffer. */
static const char *slurp(const char *name)
{
	static char buf[65536];
	FILE *f = fopen(in_tmp(name), "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_hook_sees_state_args_env(void **state)
{
	char out_var[PATH_MAX + 8];
	struct pf_hook h = { .args = STRV("ignored-by-sh", "one", "two words"),
			     .env = STRV(out_var, "FOO=bar baz") };
	pf_hooks hooks = { &h, 1, true };
	struct pf_error err = { 0 };

	(void)state;
	snprintf(out_var, sizeof(out_var), "OUT=%s", tmp);
	h.path = script("save.sh", "cat > \"$OUT/stdin\"\n"
				   "printf '%s\\n' \"$@\" > \"$OUT/args\"\n"
				   "env | grep -v '^PWD=' | sort > \"$OUT/env\"");
	if (pf_hooks_run(&hooks, "createRuntime", STATE, &err) < 0)
		fail_msg("%s", err.msg);
	assert_string_equal(slurp("stdin"), STATE);
	assert_string_equal(slurp("args"), "one\ntwo words\n");
	char want[PATH_MAX + 64];
	snprintf(want, sizeof(want), "FOO=bar baz\nOUT=%s\n", tmp);
	assert_string_equal(slurp("env"), want);
}

/* args[0] comes from the config (a script cannot show it: the kernel replaces it with the
 * interpreter's), and with no args it is the path; no env means an empty one. */
static void test_hook_argv0(void **state)
{
	char cmd[PATH_MAX + 128];
	struct pf_hook with = { .path = "/bin/sh", .args = STRV("custom-name", "-c", cmd) };
	struct pf_hook without = { .path = "/bin/sh" };
	pf_hooks hooks = { &with, 1, true };
	struct pf_error err = { 0 };

	(void)state;
	snprintf(cmd, sizeof(cmd),
		 "tr '\\0' '\\n' < /proc/$$/cmdline > %s; env | grep -v ^PWD= > %s; true",
		 in_tmp("cmdline"), in_tmp("env"));
	assert_int_equal(pf_hooks_run(&hooks, "poststart", STATE, &err), 0);
	assert_true(strncmp(slurp("cmdline"), "custom-name\n-c\n", 15) == 0);
	assert_string_equal(slurp("env"), ""); /* dash adds PWD itself */
	/* with no args sh reads its commands from stdin: the state is the script here */
	snprintf(cmd, sizeof(cmd), "tr '\\0' '\\n' < /proc/$$/cmdline > %s\n", in_tmp("cmdline"));
	hooks.v = &without;
	assert_int_equal(pf_hooks_run(&hooks, "poststart", cmd, &err), 0);
	assert_string_equal(slurp("cmdline"), "/bin/sh\n");
}

static void test_hook_failures(void **state)
{
	struct pf_hook h[2] = { { .path = script("ok.sh", "exit 0") },
				{ .path = script("three.sh", "exit 3") } };
	pf_hooks hooks = { h, 2, true };
	struct pf_error err = { 0 };
	char want[PATH_MAX + 128];

	(void)state;
	assert_int_equal(pf_hooks_run(&hooks, "prestart", STATE, &err), -1);
	snprintf(want, sizeof(want), "hook prestart[1] %s: exited with status 3", h[1].path);
	assert_string_equal(err.msg, want);

	h[1].path = script("killed.sh", "kill -9 $$");
	assert_int_equal(pf_hooks_run(&hooks, "poststop", STATE, &err), -1);
	snprintf(want, sizeof(want), "hook poststop[1] %s: killed by signal 9", h[1].path);
	assert_string_equal(err.msg, want);

	h[0].path = "/nonexistent/hook";
	assert_int_equal(pf_hooks_run(&hooks, "createContainer", STATE, &err), -1);
	assert_string_equal(err.msg, "hook createContainer[0] /nonexistent/hook: exec: "
				     "No such file or directory");
	assert_int_equal(err.err, ENOENT);

	h[0].path = in_tmp("not-executable");
	assert_int_equal(close(open(h[0].path, O_WRONLY | O_CREAT, 0644)), 0);
	assert_int_equal(pf_hooks_run(&hooks, "startContainer", STATE, &err), -1);
	snprintf(want, sizeof(want), "hook startContainer[0] %s: exec: Permission denied",
		 h[0].path);
	assert_string_equal(err.msg, want);
}

static void test_hook_timeout(void **state)
{
	char body[PATH_MAX + 64];
	struct pf_hook h = { .timeout = { true, 1 } };
	pf_hooks hooks = { &h, 1, true };
	struct pf_error err = { 0 };
	char want[PATH_MAX + 128];
	double start, took;
	long pid;

	(void)state;
	snprintf(body, sizeof(body), "echo $$ > %s\nexec sleep 30", in_tmp("pid"));
	h.path = script("sleeper.sh", body);
	start = now();
	assert_int_equal(pf_hooks_run(&hooks, "createRuntime", STATE, &err), -1);
	took = now() - start;
	snprintf(want, sizeof(want), "hook createRuntime[0] %s: timed out after 1s", h.path);
	assert_string_equal(err.msg, want);
	if (took < 0.9 || took > 2.5)
		fail_msg("the timeout took %.2fs", took);
	pid = strtol(slurp("pid"), NULL, 10);
	assert_true(pid > 0);
	assert_int_equal(kill((pid_t)pid, 0), -1);
	assert_int_equal(errno, ESRCH);
}

/* A state far larger than a pipe holds, to hooks that never read it: one exits at once, one
 * reads a little and lingers. Neither may hang us or kill us with SIGPIPE. */
static void test_hook_ignores_stdin(void **state)
{
	size_t len = 1 << 20;
	char *big = malloc(len + 1);
	struct pf_hook h[2] = { { .path = script("noread.sh", "exit 0"), .timeout = { true, 10 } },
				{ .path = script("little.sh", "head -c 10 > /dev/null; sleep 0.2"),
				  .timeout = { true, 10 } } };
	pf_hooks hooks = { h, 2, true };
	struct pf_error err = { 0 };
	sigset_t pending;

	(void)state;
	assert_non_null(big);
	memset(big, 'x', len);
	big[len] = '\0';
	if (pf_hooks_run(&hooks, "createRuntime", big, &err) < 0)
		fail_msg("%s", err.msg);
	free(big);
	assert_int_equal(sigpending(&pending), 0);
	assert_false(sigismember(&pending, SIGPIPE));
}

/* Only stdio reaches the hook: an fd we leave open without close-on-exec does not. */
static void test_hook_fds(void **state)
{
	char cmd[PATH_MAX + 64];
	struct pf_hook h = { .path = "/bin/sh", .args = STRV("sh", "-c", cmd),
			     .env = STRV("PATH=/usr/bin:/bin") };
	pf_hooks hooks = { &h, 1, true };
	struct pf_error err = { 0 };
	int fd = open("/dev/null", O_RDONLY);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(dup2(fd, 7), 7);
	/* no pipeline: its pipes would be open in the shell while ls looks */
	snprintf(cmd, sizeof(cmd), "exec > %s; ls /proc/$$/fd", in_tmp("fds"));
	assert_int_equal(pf_hooks_run(&hooks, "poststart", STATE, &err), 0);
	close(7);
	close(fd);
	assert_string_equal(slurp("fds"), "0\n1\n2\n");
}

/* Our stderr goes to tmp/name until stderr_restore; returns the saved fd. */
static int stderr_to(const char *name)
{
	int saved = dup(2), fd = open(in_tmp(name), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	assert_true(saved >= 0 && fd >= 0);
	fflush(stderr);
	assert_int_equal(dup2(fd, 2), 2);
	close(fd);
	return saved;
}

static void stderr_restore(int saved)
{
	fflush(stderr);
	assert_int_equal(dup2(saved, 2), 2);
	close(saved);
}

/* A failing hook's last non-empty line ends the error, without its own "name: " in front;
 * what it wrote before goes to our stderr, and that line is not said twice. */
static void test_hook_stderr_on_failure(void **state)
{
	struct pf_hook h = { .path = script("chatty.sh", "echo starting >&2\n"
							"echo 'chatty.sh: no such master: eth9' >&2\n"
							"printf '\\n  \\n' >&2\n"
							"exit 1") };
	pf_hooks hooks = { &h, 1, true };
	struct pf_error err = { 0 };
	char want[PATH_MAX + 128];
	int saved = stderr_to("stderr");

	(void)state;
	assert_int_equal(pf_hooks_run(&hooks, "createRuntime", STATE, &err), -1);
	stderr_restore(saved);
	snprintf(want, sizeof(want), "hook createRuntime[0] %s: exited with status 1: "
				     "no such master: eth9", h.path);
	assert_string_equal(err.msg, want);
	assert_string_equal(slurp("stderr"), "starting\n");

	/* one that names itself otherwise keeps its line whole; a tab stays inside one line */
	h.path = script("other.sh", "printf 'runc: bad\\tthing' >&2; exit 2");
	saved = stderr_to("stderr");
	assert_int_equal(pf_hooks_run(&hooks, "prestart", STATE, &err), -1);
	stderr_restore(saved);
	snprintf(want, sizeof(want), "hook prestart[0] %s: exited with status 2: runc: bad thing",
		 h.path);
	assert_string_equal(err.msg, want);
	assert_string_equal(slurp("stderr"), "");
}

/* A hook that succeeds: everything it wrote reaches our stderr unchanged, even far more than a
 * pipe or our buffer holds (1 MiB), and it is never blocked on a full pipe. */
static void test_hook_stderr_on_success(void **state)
{
	struct pf_hook h = { .path = script("talk.sh", "printf 'one\\n\\ntwo' >&2"),
			     .timeout = { true, 20 } };
	pf_hooks hooks = { &h, 1, true };
	struct pf_error err = { 0 };
	int saved = stderr_to("stderr");
	const char *got;

	(void)state;
	assert_int_equal(pf_hooks_run(&hooks, "poststart", STATE, &err), 0);
	stderr_restore(saved);
	assert_string_equal(slurp("stderr"), "one\n\ntwo");

	h.path = script("flood.sh", "head -c 1048576 /dev/zero | tr '\\0' x >&2; echo end >&2");
	saved = stderr_to("stderr");
	if (pf_hooks_run(&hooks, "poststart", STATE, &err) < 0) {
		stderr_restore(saved);
		fail_msg("%s", err.msg);
	}
	stderr_restore(saved);
	{
		struct stat st;

		assert_int_equal(stat(in_tmp("stderr"), &st), 0);
		assert_int_equal(st.st_size, 1048576 + 4);
	}
	got = slurp("stderr"); /* its first 64 KiB */
	assert_true(got[0] == 'x' && strspn(got, "x") == strlen(got));
}

static void test_no_hooks(void **state)
{
	pf_hooks none = { 0 };
	struct pf_error err = { 0 };

	(void)state;
	assert_int_equal(pf_hooks_run(NULL, "prestart", STATE, &err), 0);
	assert_int_equal(pf_hooks_run(&none, "prestart", STATE, &err), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hook_sees_state_args_env),
		cmocka_unit_test(test_hook_argv0),
		cmocka_unit_test(test_hook_failures),
		cmocka_unit_test(test_hook_timeout),
		cmocka_unit_test(test_hook_ignores_stdin),
		cmocka_unit_test(test_hook_fds),
		cmocka_unit_test(test_hook_stderr_on_failure),
		cmocka_unit_test(test_hook_stderr_on_success),
		cmocka_unit_test(test_no_hooks),
	};

	return cmocka_run_group_tests(tests, make_tmp, remove_tmp);
}
