/* runtime/seccomp.h: profiles compiled to BPF, then loaded in a forked child (with
 * no_new_privs, so no privilege is needed) that makes one syscall and reports what the kernel
 * said; compile errors; the container process state sent to a NOTIFY agent. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/seccomp.h"
#include "unit.h"

/* What a child that exits must still be allowed to do under an allow-list profile. */
#define EXIT_ALLOWED "{\"names\": [\"exit_group\", \"exit\"], \"action\": \"SCMP_ACT_ALLOW\"}"

struct compiled {
	struct pf_spec *spec;
	struct pf_seccomp_prog prog;
	struct pf_error err;
	int rc;
};

/* Parses a config whose linux.seccomp is the JSON text given, and compiles it. */
static void compile_json(struct compiled *c, const char *seccomp)
{
	char text[16384];

	snprintf(text, sizeof(text), BASE_HEAD ", " BASE_PROCESS ", \"linux\": {\"seccomp\": %s}}",
		 seccomp);
	memset(c, 0, sizeof(*c));
	c->spec = must_parse(text);
	c->rc = pf_seccomp_compile(c->spec->linux_->seccomp, &c->prog, &c->err);
}

static void compiled_clear(struct compiled *c)
{
	pf_seccomp_prog_clear(&c->prog);
	pf_spec_free(c->spec);
}

static void must_compile(struct compiled *c, const char *seccomp)
{
	compile_json(c, seccomp);
	if (c->rc < 0)
		fail_msg("unexpected compile error: %s", c->err.msg);
	assert_non_null(c->prog.insns);
	assert_true(c->prog.len > 0);
}

static void assert_compile_error(const char *seccomp, const char *want)
{
	struct compiled c;

	compile_json(&c, seccomp);
	assert_int_equal(c.rc, -1);
	if (!strstr(c.err.msg, want))
		fail_msg("error \"%s\" lacks \"%s\"", c.err.msg, want);
	assert_null(c.prog.insns);
	compiled_clear(&c);
}

/* The child's end: exit_group itself, as sanitizers' _exit makes syscalls a strict filter
 * refuses. */
static void __attribute__((noreturn)) child_exit(int code)
{
	for (;;)
		syscall(SYS_exit_group, code);
}

/* The outcome of one syscall under the filter, in a child. */
#define KILLED(sig) (-1000 - (sig))

static int outcome(pid_t pid)
{
	int status;

	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status))
		return KILLED(WTERMSIG(status));
	return WEXITSTATUS(status);
}

/* 0 when the syscall succeeded, its errno when it failed, KILLED(sig) when the child died. */
static int run_filtered(const struct pf_seccomp_prog *prog, long nr, long a0, long a1)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		struct pf_error err = { 0 };
		int listener;
		long rc;

		/* cmocka catches SIGSYS; SCMP_ACT_TRAP must end this child, not resume the tests */
		signal(SIGSYS, SIG_DFL);
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
		    pf_seccomp_load(prog, &listener, &err) < 0)
			child_exit(200);
		rc = syscall(nr, a0, a1);
		child_exit(rc < 0 ? (errno > 199 ? 199 : errno) : 0);
	}
	return outcome(pid);
}

static void test_no_profile(void **state)
{
	struct pf_seccomp_prog prog = { .len = 3 };
	struct pf_error err = { 0 };
	int listener = 7;

	(void)state;
	assert_int_equal(pf_seccomp_compile(NULL, &prog, &err), 0);
	assert_null(prog.insns);
	assert_int_equal(prog.len, 0);
	assert_false(prog.notify);
	/* nothing to load is not an error */
	assert_int_equal(pf_seccomp_load(&prog, &listener, &err), 0);
	assert_int_equal(listener, -1);
	pf_seccomp_prog_clear(&prog);
}

static void test_errno_rule(void **state)
{
	struct compiled c;

	(void)state;
	must_compile(&c, "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": ["
			 "{\"names\": [\"getppid\"], \"action\": \"SCMP_ACT_ERRNO\"},"
			 "{\"names\": [\"getpgid\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 18}]}");
	assert_int_equal(c.prog.flags, 0);
	assert_false(c.prog.notify);
	/* EPERM without errnoRet, as runc */
	assert_int_equal(run_filtered(&c.prog, SYS_getppid, 0, 0), EPERM);
	assert_int_equal(run_filtered(&c.prog, SYS_getpgid, 0, 0), EXDEV);
	assert_int_equal(run_filtered(&c.prog, SYS_getpid, 0, 0), 0);
	compiled_clear(&c);
}

static void test_default_errno(void **state)
{
	struct compiled c;

	(void)state;
	must_compile(&c, "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [" EXIT_ALLOWED
			 ", {\"names\": [\"getpid\"], \"action\": \"SCMP_ACT_ALLOW\"}]}");
	assert_int_equal(run_filtered(&c.prog, SYS_getppid, 0, 0), EPERM);
	assert_int_equal(run_filtered(&c.prog, SYS_getpid, 0, 0), 0);
	compiled_clear(&c);

	must_compile(&c, "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 38,"
			 " \"syscalls\": [" EXIT_ALLOWED ","
			 " {\"names\": [\"getpgid\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 1}]}");
	assert_int_equal(run_filtered(&c.prog, SYS_getppid, 0, 0), ENOSYS);
	/* ERRNO(1) is not the default ERRNO(38): the rule stays */
	assert_int_equal(run_filtered(&c.prog, SYS_getpgid, 0, 0), EPERM);
	compiled_clear(&c);
}

static void test_kill_actions(void **state)
{
	struct compiled c;

	(void)state;
	must_compile(&c, "{\"defaultAction\": \"SCMP_ACT_KILL\", \"syscalls\": [" EXIT_ALLOWED
			 ", {\"names\": [\"getpid\"], \"action\": \"SCMP_ACT_ALLOW\"}]}");
	assert_int_equal(run_filtered(&c.prog, SYS_getpid, 0, 0), 0);
	assert_int_equal(run_filtered(&c.prog, SYS_getppid, 0, 0), KILLED(SIGSYS));
	compiled_clear(&c);

	must_compile(&c, "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": ["
			 "{\"names\": [\"getppid\"], \"action\": \"SCMP_ACT_KILL_PROCESS\"},"
			 "{\"names\": [\"getpgid\"], \"action\": \"SCMP_ACT_TRAP\"},"
			 "{\"names\": [\"getsid\"], \"action\": \"SCMP_ACT_KILL_THREAD\"},"
			 "{\"names\": [\"getpid\"], \"action\": \"SCMP_ACT_LOG\"}]}");
	assert_int_equal(run_filtered(&c.prog, SYS_getppid, 0, 0), KILLED(SIGSYS));
	assert_int_equal(run_filtered(&c.prog, SYS_getpgid, 0, 0), KILLED(SIGSYS));
	assert_int_equal(run_filtered(&c.prog, SYS_getsid, 0, 0), KILLED(SIGSYS));
	assert_int_equal(run_filtered(&c.prog, SYS_getpid, 0, 0), 0);
	compiled_clear(&c);
}

static void test_trace_without_tracer(void **state)
{
	struct compiled c;

	(void)state;
	/* no tracer attached: the kernel fails the syscall with ENOSYS */
	must_compile(&c, "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": ["
			 "{\"names\": [\"getppid\"], \"action\": \"SCMP_ACT_TRACE\", \"errnoRet\": 5}]}");
	assert_int_equal(run_filtered(&c.prog, SYS_getppid, 0, 0), ENOSYS);
	compiled_clear(&c);
}

static void test_args(void **state)
{
	struct compiled c;

	(void)state;
	must_compile(&c, "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": ["
			 "{\"names\": [\"umask\"], \"action\": \"SCMP_ACT_ERRNO\","
			 " \"args\": [{\"index\": 0, \"value\": 18, \"op\": \"SCMP_CMP_EQ\"}]},"
			 "{\"names\": [\"getpriority\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 18,"
			 " \"args\": [{\"index\": 1, \"value\": 100, \"op\": \"SCMP_CMP_GT\"}]}]}");
	assert_int_equal(run_filtered(&c.prog, SYS_umask, 18, 0), EPERM);
	assert_int_equal(run_filtered(&c.prog, SYS_umask, 19, 0), 0);
	assert_int_equal(run_filtered(&c.prog, SYS_getpriority, PRIO_PROCESS, 101), EXDEV);
	assert_int_equal(run_filtered(&c.prog, SYS_getpriority, PRIO_PROCESS, 0), 0);
	compiled_clear(&c);
}

/* OCI and runc: value is the mask, valueTwo the datum. */
static void test_masked_eq(void **state)
{
	struct compiled c;

	(void)state;
	must_compile(&c, "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": ["
			 "{\"names\": [\"umask\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 0,"
			 " \"value\": 7, \"valueTwo\": 2, \"op\": \"SCMP_CMP_MASKED_EQ\"}]}]}");
	assert_int_equal(run_filtered(&c.prog, SYS_umask, 022, 0), EPERM);
	assert_int_equal(run_filtered(&c.prog, SYS_umask, 072, 0), EPERM);
	assert_int_equal(run_filtered(&c.prog, SYS_umask, 020, 0), 0);
	assert_int_equal(run_filtered(&c.prog, SYS_umask, 7, 0), 0);
	compiled_clear(&c);
}

/* Distinct indexes: one rule, all must match. The same index twice: one rule each (runc). */
static void test_args_and_or(void **state)
{
	struct compiled c;

	(void)state;
	must_compile(&c, "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": ["
			 "{\"names\": [\"getpriority\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 18,"
			 " \"args\": [{\"index\": 0, \"value\": 0, \"op\": \"SCMP_CMP_EQ\"},"
			 "            {\"index\": 1, \"value\": 100, \"op\": \"SCMP_CMP_GT\"}]},"
			 "{\"names\": [\"umask\"], \"action\": \"SCMP_ACT_ERRNO\","
			 " \"args\": [{\"index\": 0, \"value\": 1, \"op\": \"SCMP_CMP_EQ\"},"
			 "            {\"index\": 0, \"value\": 2, \"op\": \"SCMP_CMP_EQ\"}]}]}");
	assert_int_equal(run_filtered(&c.prog, SYS_getpriority, 0, 101), EXDEV);
	assert_int_not_equal(run_filtered(&c.prog, SYS_getpriority, 1, 101), EXDEV);
	assert_int_equal(run_filtered(&c.prog, SYS_getpriority, 0, 0), 0);
	assert_int_equal(run_filtered(&c.prog, SYS_umask, 1, 0), EPERM);
	assert_int_equal(run_filtered(&c.prog, SYS_umask, 2, 0), EPERM);
	assert_int_equal(run_filtered(&c.prog, SYS_umask, 3, 0), 0);
	compiled_clear(&c);
}

static void test_unknown_and_default_rules_skipped(void **state)
{
	struct compiled c;

	(void)state;
	must_compile(&c, "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": ["
			 "{\"names\": [\"no_such_syscall\", \"getppid\"], \"action\": \"SCMP_ACT_ERRNO\"},"
			 "{\"names\": [\"getpid\"], \"action\": \"SCMP_ACT_ALLOW\"}]}");
	assert_int_equal(run_filtered(&c.prog, SYS_getppid, 0, 0), EPERM);
	assert_int_equal(run_filtered(&c.prog, SYS_getpid, 0, 0), 0);
	compiled_clear(&c);
}

static void test_architectures(void **state)
{
	struct compiled c;

	(void)state;
	must_compile(&c, "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": ["
			 "\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X86\", \"SCMP_ARCH_X32\", \"SCMP_ARCH_AARCH64\"],"
			 " \"syscalls\": [{\"names\": [\"getppid\", \"socketcall\"],"
			 " \"action\": \"SCMP_ACT_ERRNO\"}]}");
	assert_int_equal(run_filtered(&c.prog, SYS_getppid, 0, 0), EPERM);
	compiled_clear(&c);
}

static void test_flags(void **state)
{
	struct compiled c;

	(void)state;
	must_compile(&c, "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"flags\": ["
			 "\"SECCOMP_FILTER_FLAG_LOG\", \"SECCOMP_FILTER_FLAG_SPEC_ALLOW\","
			 " \"SECCOMP_FILTER_FLAG_TSYNC\"],"
			 " \"syscalls\": [{\"names\": [\"getppid\"], \"action\": \"SCMP_ACT_ERRNO\"}]}");
	assert_int_equal(c.prog.flags, SECCOMP_FILTER_FLAG_LOG | SECCOMP_FILTER_FLAG_SPEC_ALLOW |
				       SECCOMP_FILTER_FLAG_TSYNC);
	assert_int_equal(run_filtered(&c.prog, SYS_getppid, 0, 0), EPERM);
	compiled_clear(&c);

	/* only meaningful with a listener: dropped, as libseccomp does */
	must_compile(&c, "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"flags\": ["
			 "\"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV\"]}");
	assert_int_equal(c.prog.flags, 0);
	compiled_clear(&c);
}

static void test_features(void **state)
{
	(void)state;
	assert_true(pf_seccomp_arch_known("SCMP_ARCH_X86_64"));
	assert_true(pf_seccomp_arch_known("SCMP_ARCH_AARCH64"));
	assert_false(pf_seccomp_arch_known("SCMP_ARCH_BOGUS"));
	assert_false(pf_seccomp_arch_known("x86_64"));
	assert_true(pf_seccomp_flag_supported("SECCOMP_FILTER_FLAG_LOG"));
	assert_false(pf_seccomp_flag_supported("SECCOMP_FILTER_FLAG_BOGUS"));
}

static void test_unknown_flag(void **state)
{
	struct pf_seccomp sc = {
		.default_action = "SCMP_ACT_ALLOW",
		.flags = { .v = (char *[]){ "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_BOGUS" },
			   .n = 2, .set = true },
	};
	struct pf_seccomp_prog prog;
	struct pf_error err = { 0 };

	(void)state;
	assert_int_equal(pf_seccomp_compile(&sc, &prog, &err), -1);
	assert_string_equal(err.msg, "linux.seccomp.flags[1]: unknown flag SECCOMP_FILTER_FLAG_BOGUS");
	assert_null(prog.insns);
}

static void test_bad_values(void **state)
{
	struct pf_seccomp_arg args[] = { { .index = { true, 6 }, .value = { true, 1 },
					   .op = "SCMP_CMP_EQ" } };
	struct pf_syscall rules[] = { { .names = { .v = (char *[]){ "getppid" }, .n = 1 },
					.action = "SCMP_ACT_ERRNO",
					.args = { .v = args, .n = 1 } } };
	struct pf_seccomp sc = { .default_action = "SCMP_ACT_ALLOW",
				 .syscalls = { .v = rules, .n = 1 } };
	struct pf_seccomp_prog prog;
	struct pf_error err = { 0 };

	(void)state;
	assert_int_equal(pf_seccomp_compile(&sc, &prog, &err), -1);
	assert_string_equal(err.msg, "linux.seccomp.syscalls[0].args[0].index: 6 is out of range "
				     "(0 to 5)");
	args[0] = (struct pf_seccomp_arg){ .index = { true, 0 }, .op = "SCMP_CMP_BOGUS" };
	assert_int_equal(pf_seccomp_compile(&sc, &prog, &err), -1);
	assert_string_equal(err.msg, "linux.seccomp.syscalls[0].args[0].op: unknown operator "
				     "SCMP_CMP_BOGUS");
	sc.syscalls.n = 0;
	sc.architectures = (pf_strv){ .v = (char *[]){ "SCMP_ARCH_X86", "SCMP_ARCH_BOGUS" }, .n = 2 };
	assert_int_equal(pf_seccomp_compile(&sc, &prog, &err), -1);
	assert_non_null(strstr(err.msg, "linux.seccomp.architectures[1]: SCMP_ARCH_BOGUS is unknown "
					"to libseccomp"));
	sc.default_action = "SCMP_ACT_BOGUS";
	assert_int_equal(pf_seccomp_compile(&sc, &prog, &err), -1);
	assert_string_equal(err.msg, "linux.seccomp.defaultAction: unknown action SCMP_ACT_BOGUS");
	sc.default_action = NULL;
	assert_int_equal(pf_seccomp_compile(&sc, &prog, &err), -1);
	assert_string_equal(err.msg, "linux.seccomp.defaultAction: required");

	assert_compile_error("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"defaultErrnoRet\": 1}",
			     "linux.seccomp.defaultErrnoRet: only valid with SCMP_ACT_ERRNO or "
			     "SCMP_ACT_TRACE, not SCMP_ACT_ALLOW");
	assert_compile_error("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\":"
			     " [\"getppid\"], \"action\": \"SCMP_ACT_KILL\", \"errnoRet\": 1}]}",
			     "linux.seccomp.syscalls[0].errnoRet: only valid with");
	assert_compile_error("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\":"
			     " [\"getppid\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 4096}]}",
			     "linux.seccomp.syscalls[0].errnoRet: 4096 is not an errno (0 to 4095)");
}

static void test_notify(void **state)
{
	struct compiled c;

	(void)state;
	must_compile(&c, "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"/run/agent\","
			 " \"flags\": [\"SECCOMP_FILTER_FLAG_TSYNC\","
			 " \"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV\"],"
			 " \"syscalls\": [{\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}");
	assert_true(c.prog.notify);
	/* TSYNC with a listener only goes with TSYNC_ESRCH */
	assert_int_equal(c.prog.flags, SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_TSYNC |
				       SECCOMP_FILTER_FLAG_TSYNC_ESRCH |
				       SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV);
	compiled_clear(&c);

	assert_compile_error("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\":"
			     " [\"mkdir\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}",
			     "linux.seccomp.listenerPath: required with SCMP_ACT_NOTIFY");
	assert_compile_error("{\"defaultAction\": \"SCMP_ACT_NOTIFY\", \"listenerPath\": \"/a\"}",
			     "linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default");
	assert_compile_error("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"/a\","
			     " \"syscalls\": [{\"names\": [\"mkdir\", \"sendmsg\"],"
			     " \"action\": \"SCMP_ACT_NOTIFY\"}]}",
			     "linux.seccomp.syscalls[0].names[1]: SCMP_ACT_NOTIFY cannot be used for "
			     "sendmsg");
}

/* The listener fd comes back from the load; an unanswered notification ends in ENOSYS once
 * the listener is closed. */
static void test_notify_load(void **state)
{
	struct compiled c;
	pid_t pid;

	(void)state;
	must_compile(&c, "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"/a\","
			 " \"syscalls\": [{\"names\": [\"getppid\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}");
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct pf_error err = { 0 };
		int listener;

		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
		    pf_seccomp_load(&c.prog, &listener, &err) < 0 || listener < 0)
			child_exit(200);
		close(listener);
		child_exit(syscall(SYS_getppid) < 0 && errno == ENOSYS ? 0 : 201);
	}
	assert_int_equal(outcome(pid), 0);
	compiled_clear(&c);
}

/* More than 32 rules: libseccomp's binary tree (runc's threshold). */
static void test_long_profile(void **state)
{
	static const char *const names[] = {
		"getppid", "getpgid", "getsid", "getpriority", "umask", "sethostname",
		"setdomainname", "acct", "swapon", "swapoff", "reboot", "kexec_load", "init_module",
		"delete_module", "iopl", "ioperm", "syslog", "vhangup", "pivot_root", "chroot",
		"mount", "umount2", "unshare", "setns", "bpf", "perf_event_open", "quotactl",
		"add_key", "request_key", "keyctl", "userfaultfd", "lookup_dcookie", "nfsservctl",
		"personality", "settimeofday", "clock_settime", "adjtimex", "clock_adjtime",
	};
	char text[8192];
	size_t n = 0;
	struct compiled c;

	(void)state;
	n += (size_t)snprintf(text + n, sizeof(text) - n,
			      "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [");
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
				      "%s{\"names\": [\"%s\"], \"action\": \"SCMP_ACT_ERRNO\","
				      " \"errnoRet\": %zu}", i ? ", " : "", names[i], i + 1);
	snprintf(text + n, sizeof(text) - n, "]}");
	must_compile(&c, text);
	assert_int_equal(run_filtered(&c.prog, SYS_getppid, 0, 0), 1);
	assert_int_equal(run_filtered(&c.prog, SYS_getsid, 0, 0), 3);
	assert_int_equal(run_filtered(&c.prog, SYS_clock_adjtime, 0, 0), 38);
	assert_int_equal(run_filtered(&c.prog, SYS_getpid, 0, 0), 0);
	compiled_clear(&c);
}

static void test_process_state(void **state)
{
	struct pf_error err = { 0 };
	char *json = NULL;

	(void)state;
	assert_int_equal(pf_seccomp_process_state(42, "a\"b\\c\n", "{\"id\": \"x\"}", &json, &err),
			 0);
	assert_string_equal(json, "{\"ociVersion\": \"1.3.0\", \"fds\": [\"seccompFd\"], "
				  "\"pid\": 42, \"metadata\": \"a\\\"b\\\\c\\u000a\", "
				  "\"state\": {\"id\": \"x\"}}");
	free(json);
	assert_int_equal(pf_seccomp_process_state(7, NULL, "{}", &json, &err), 0);
	assert_string_equal(json, "{\"ociVersion\": \"1.3.0\", \"fds\": [\"seccompFd\"], "
				  "\"pid\": 7, \"state\": {}}");
	free(json);
}

/* The agent's side: one connection, the JSON, and the fd with the first bytes. */
static void test_send_listener(void **state)
{
	char dir[] = "/tmp/pf-seccomp-XXXXXX", path[64], buf[256] = "";
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { buf, sizeof(buf) - 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf,
			     .msg_controllen = sizeof(ctl.buf) };
	struct pf_error err = { 0 };
	struct stat a, b;
	int srv, conn, got = -1, pipefd[2];
	struct cmsghdr *cm;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/agent.sock", dir);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	srv = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(srv >= 0);
	assert_int_equal(bind(srv, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(srv, 1), 0);
	assert_int_equal(pipe(pipefd), 0);
	assert_int_equal(pf_seccomp_send_listener(path, "{\"pid\": 1}", pipefd[0], &err), 0);
	conn = accept(srv, NULL, NULL);
	assert_true(conn >= 0);
	assert_int_equal(recvmsg(conn, &mh, 0), 10);
	assert_string_equal(buf, "{\"pid\": 1}");
	for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS)
			memcpy(&got, CMSG_DATA(cm), sizeof(int));
	assert_true(got >= 0);
	assert_int_equal(fstat(got, &a), 0);
	assert_int_equal(fstat(pipefd[0], &b), 0);
	assert_true(a.st_ino == b.st_ino);
	/* the runtime closed its end: EOF after the one message */
	assert_int_equal(recv(conn, buf, sizeof(buf), 0), 0);

	unlink(path);
	assert_int_equal(pf_seccomp_send_listener(path, "{}", pipefd[0], &err), -1);
	assert_non_null(strstr(err.msg, "seccomp listener: connect to"));
	close(got), close(conn), close(srv), close(pipefd[0]), close(pipefd[1]);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_profile),
		cmocka_unit_test(test_errno_rule),
		cmocka_unit_test(test_default_errno),
		cmocka_unit_test(test_kill_actions),
		cmocka_unit_test(test_trace_without_tracer),
		cmocka_unit_test(test_args),
		cmocka_unit_test(test_masked_eq),
		cmocka_unit_test(test_args_and_or),
		cmocka_unit_test(test_unknown_and_default_rules_skipped),
		cmocka_unit_test(test_architectures),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_features),
		cmocka_unit_test(test_unknown_flag),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_notify),
		cmocka_unit_test(test_notify_load),
		cmocka_unit_test(test_long_profile),
		cmocka_unit_test(test_process_state),
		cmocka_unit_test(test_send_listener),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
