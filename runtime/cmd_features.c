/* features: features.json (features.md), built from the same tables the parser and the engine
 * use, so it cannot claim what is not there. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle/cleanup.h"
#include "bundle/config.h"
#include "bundle/features.h"
#include "bundle/names.h"
#include "bundle/reflect.h"
#include "runtime/cli.h"
#include "runtime/seccomp.h"

/* Every option runtime/mountopts.c understands (anything else goes to the fs as data). */
static const char *const mount_options[] = {
	"async", "atime", "bind", "defaults", "dev", "diratime", "dirsync", "exec", "idmap",
	"iversion", "lazytime", "loud", "mand", "noatime", "nodev", "nodiratime", "noexec",
	"noiversion", "nolazytime", "nomand", "norelatime", "nostrictatime", "nosuid",
	"nosymfollow", "private", "ratime", "rbind", "rdev", "rdiratime", "relatime", "remount",
	"rexec", "ridmap", "rnoatime", "rnodev", "rnodiratime", "rnoexec", "rnorelatime",
	"rnostrictatime", "rnosuid", "rnosymfollow", "ro", "rprivate", "rrelatime", "rro", "rrw",
	"rshared", "rslave", "rstrictatime", "rsuid", "rsymfollow", "runbindable", "rw", "shared",
	"silent", "slave", "strictatime", "suid", "symfollow", "sync", "tmpcopyup", "unbindable",
	NULL,
};

static int push_all(pf_strv *v, const char *const *list)
{
	v->set = true;
	for (size_t i = 0; list[i]; i++)
		if (pf_strv_push(v, list[i]) < 0)
			return -1;
	return 0;
}

/* Only what this libseccomp and this kernel can do. */
static int push_if(pf_strv *v, const char *const *list, bool (*ok)(const char *))
{
	v->set = true;
	for (size_t i = 0; list[i]; i++)
		if (ok(list[i]) && pf_strv_push(v, list[i]) < 0)
			return -1;
	return 0;
}

static int last_cap(void)
{
	FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "re");
	int last = pf_capability_last;

	if (f) {
		if (fscanf(f, "%d", &last) != 1 || last > pf_capability_last)
			last = pf_capability_last;
		fclose(f);
	}
	return last;
}

static struct pf_feat_enabled *enabled(bool on)
{
	struct pf_feat_enabled *e = calloc(1, sizeof(*e));

	if (e)
		e->enabled = (pf_bool){ true, on };
	return e;
}

static int fill_linux(struct pf_feat_linux *l)
{
	struct pf_feat_seccomp *sc = calloc(1, sizeof(*sc));
	struct pf_feat_cgroup *cg = calloc(1, sizeof(*cg));
	struct pf_feat_mount_ext *mx = calloc(1, sizeof(*mx));

	l->seccomp = sc;
	l->cgroup = cg;
	l->mount_extensions = mx;
	if (!sc || !cg || !mx || push_all(&l->namespaces, pf_namespace_types) < 0)
		return -1;
	l->capabilities.set = true;
	for (int i = 0; i <= last_cap(); i++)
		if (pf_strv_push(&l->capabilities, pf_capability_names[i]) < 0)
			return -1;
	*cg = (struct pf_feat_cgroup){ .v1 = { true, true }, .v2 = { true, true },
				       .systemd = { true, false }, .systemd_user = { true, false },
				       .rdma = { true, true } };
	sc->enabled = (pf_bool){ true, true };
	if (push_all(&sc->actions, pf_seccomp_actions) < 0 ||
	    push_all(&sc->operators, pf_seccomp_operators) < 0 ||
	    push_all(&sc->known_flags, pf_seccomp_flags) < 0 ||
	    push_if(&sc->archs, pf_seccomp_archs, pf_seccomp_arch_known) < 0 ||
	    push_if(&sc->supported_flags, pf_seccomp_flags, pf_seccomp_flag_supported) < 0)
		return -1;
	l->apparmor = enabled(false);
	l->selinux = enabled(false);
	l->net_devices = enabled(true);
	mx->idmap = enabled(true);
	return l->apparmor && l->selinux && l->net_devices && mx->idmap ? 0 : -1;
}

static int fill(struct pf_features *f)
{
	if (!(f->oci_version_min = strdup("1.0.0")) ||
	    !(f->oci_version_max = strdup(PF_OCI_VERSION)) ||
	    push_all(&f->hooks, pf_hook_kinds) < 0 || push_all(&f->mount_options, mount_options) < 0 ||
	    pf_strmap_set(&f->annotations, "org.pflask.version", PF_RUNTIME_VERSION) < 0 ||
	    !(f->linux_ = calloc(1, sizeof(*f->linux_))))
		return -1;
	return fill_linux(f->linux_);
}

int pf_cmd_features(const struct pf_globals *g, int argc, char **argv, struct pf_error *err)
{
	struct pf_features *f = calloc(1, sizeof(*f));
	_cleanup_free_ char *json = NULL;

	(void)g;
	(void)argv;
	if (argc != 1) {
		pf_features_free(f);
		return pf_fail(err, EINVAL, "features: takes no arguments");
	}
	if (!f || fill(f) < 0 || pf_features_emit(f, &json, NULL, err) < 0) {
		pf_features_free(f);
		return err->msg[0] ? -1 : pf_fail_errno(err, ENOMEM, "features");
	}
	fputs(json, stdout);
	pf_features_free(f);
	return 0;
}
