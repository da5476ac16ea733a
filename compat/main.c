/* pflask: the original command line, run as an OCI bundle by the engine of pflask-runtime.
 * parse -> help/version -> attach -> translate -> emit or run. Only this file prints. */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle/cleanup.h"
#include "bundle/config.h"
#include "compat/pflask.h"
#include "compat/supervise.h"
#include "runtime/cli.h"
#include "runtime/exeseal.h"

/* pflask-runtime beside this binary: the hooks of --netif name it by absolute path, since a
 * hook runs with an empty environment (and another runtime's PATH is not ours). */
static int runtime_path(char *buf, size_t size, struct pf_error *err)
{
	char self[PATH_MAX];

	/* not /proc/self/exe: after pf_exe_seal it names a read-only view of the binary */
	snprintf(self, sizeof(self), "%s", pf_exe_path());
	if (!self[0])
		return pf_fail_errno(err, errno, "readlink /proc/self/exe");
	if ((size_t)snprintf(buf, size, "%s/pflask-runtime", dirname(self)) >= size)
		return pf_fail(err, ENAMETOOLONG, "the path of pflask-runtime is too long");
	return 0;
}

/* mkdir -p, each new directory 0755. */
static int mkdir_parents(const char *dir, struct pf_error *err)
{
	char buf[PATH_MAX], saved;
	size_t len = strlen(dir);

	if (len >= sizeof(buf))
		return pf_fail(err, ENAMETOOLONG, "%s", strerror(ENAMETOOLONG));
	memcpy(buf, dir, len + 1);
	for (char *p = buf + 1;; p++) {
		if (*p && *p != '/')
			continue;
		saved = *p;
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return pf_fail(err, errno, "mkdir %s: %s", buf, strerror(errno));
		*p = saved;
		if (!saved)
			return 0;
	}
}

/* --emit-bundle=DIR: DIR/config.json and nothing else; an existing one is never replaced. */
static int emit_bundle(const char *dir, const struct pf_spec *spec, struct pf_error *err)
{
	_cleanup_free_ char *path = NULL;
	struct stat st;

	if (asprintf(&path, "%s/config.json", dir) < 0) {
		path = NULL;
		return pf_fail_errno(err, ENOMEM, "--emit-bundle=%s", dir);
	}
	if (lstat(path, &st) == 0)
		return pf_fail(err, EEXIST, "--emit-bundle=%s: %s already exists", dir, path);
	if (mkdir_parents(dir, err) < 0 || pf_spec_save(spec, path, true, err) < 0)
		return pf_error_prefix(err, "--emit-bundle=%s", dir);
	return 0;
}

static int run(const struct pf_options *o, char **argv, struct pf_error *err)
{
	struct pf_spec *spec = NULL;
	struct pf_extras x = { 0 };
	char rt[PATH_MAX];
	int rc;

	if (o->attach)
		return pf_attach(o->attach, err);
	/* init is a fork of this process (CVE-2019-5736, runtime/exeseal.c): without a pid
	 * namespace, or on a kernel that lets a running binary be written, a process of the
	 * container could otherwise outlive us holding our binary open */
	if (!o->emit_bundle && pf_exe_seal(argv, err) < 0)
		return -1;
	if (runtime_path(rt, sizeof(rt), err) < 0 || pf_translate(o, rt, &spec, &x, err) < 0)
		return -1;
	if (o->emit_bundle) {
		rc = emit_bundle(o->emit_bundle, spec, err);
		pf_spec_free(spec);
	} else {
		rc = pf_supervise(o, spec, &x, err);    /* takes the spec */
	}
	pf_extras_clear(&x);
	return rc;
}

int main(int argc, char **argv)
{
	struct pf_options o;
	struct pf_error err = { 0 };
	int rc;

	if (pf_options_parse(argc, argv, &o, &err) < 0) {
		rc = -1;
	} else if (o.help) {
		pf_options_usage(stdout);
		rc = 0;
	} else if (o.version) {
		printf("pflask version %s\n", PF_RUNTIME_VERSION);
		rc = 0;
	} else {
		rc = run(&o, argv, &err);
	}
	pf_options_clear(&o);
	if (rc < 0) {
		char safe[4 * PF_ERROR_MAX];    /* one line, whatever the message quotes */

		fprintf(stderr, "pflask: %s\n", pf_escape(safe, sizeof(safe), err.msg));
		return 1;
	}
	return rc;
}
