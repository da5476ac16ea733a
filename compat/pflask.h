/* The original pflask command line. Flags are parsed into pf_options (options.c and one parser
 * per flag grammar), then translated into an OCI config (translate.c); that config is what
 * runs, in-process, through the engine of pflask-runtime (supervise.c). */
#ifndef PF_COMPAT_H
#define PF_COMPAT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "bundle/error.h"
#include "bundle/model.h"

enum pf_mount_kind { PF_MNT_BIND, PF_MNT_BIND_RO, PF_MNT_OVERLAY, PF_MNT_TMP };

struct pf_mount_flag {               /* --mount=TYPE:... */
	enum pf_mount_kind kind;
	char *source;                    /* bind, bind-ro: host path; overlay: root_dir */
	char *dest;                      /* absolute, inside the chroot when there is one */
	char *work;                      /* overlay: work_dir */
};

enum pf_netif_kind { PF_NETIF_NONE, PF_NETIF_MOVE, PF_NETIF_MACVLAN, PF_NETIF_IPVLAN,
		     PF_NETIF_VETH };

struct pf_netif_flag {               /* --netif[=SPEC] */
	enum pf_netif_kind kind;         /* NONE: bare --netif, an empty netns with lo up */
	char *dev;                       /* MOVE: host device; MACVLAN/IPVLAN: master; VETH: outside */
	char *name;                      /* the name inside the container */
	char *spec;                      /* the argument as given (NULL for NONE), for hooks */
};

struct pf_user_map {                 /* --user-map=C:H:N (also C:H,N as in the manual) */
	uint32_t container_id, host_id, size;
};

struct pf_options {
	char *chroot;                    /* -r; absolute after parsing */
	char *chdir;                     /* -c */
	char *hostname;                  /* -t */
	PF_VEC(struct pf_mount_flag) mounts;
	PF_VEC(struct pf_netif_flag) netifs;
	bool netif_given;                /* any --netif: a network namespace */
	char *user;                      /* -u NAME */
	PF_VEC(struct pf_user_map) user_maps;
	bool ephemeral;                  /* -w */
	pf_strv cgroups;                 /* -g CONTROLLER, repeatable */
	pf_strv caps;                    /* -b LIST, each item "+cap", "-cap", "all", "-all" */
	bool caps_given;
	bool detach;                     /* -d */
	pid_t attach;                    /* -a PID; 0 when absent */
	pf_strv setenv;                  /* -s N=V, split on commas */
	bool keepenv;                    /* -k */
	bool no_userns, no_mountns, no_netns, no_ipcns, no_utsns, no_pidns;
	char *emit_bundle;               /* --emit-bundle=DIR */
	char *name;                      /* --name=ID; pflask-<pid> when not given */
	pf_strv command;                 /* after the options (or after --) */
	bool help, version;
};

/* argv -> options. Every error quotes the flag as given and says what is wrong:
 *   --mount=foo:/a:/b: unknown mount type "foo" (bind, bind-ro, overlay or tmp) */
int pf_options_parse(int argc, char **argv, struct pf_options *o, struct pf_error *err);
void pf_options_clear(struct pf_options *o);
void pf_options_usage(FILE *out);

/* One parser per flag grammar, each unit-tested alone. arg is the flag's argument (NULL for a
 * bare --netif); a message says what is wrong with it, and pf_options_parse puts the flag as
 * given in front: `unknown mount type "foo" (...)` becomes the line above. */
int pf_parse_mount(const char *arg, struct pf_mount_flag *out, struct pf_error *err);
int pf_parse_netif(const char *arg, struct pf_netif_flag *out, struct pf_error *err);
int pf_parse_user_map(const char *arg, struct pf_user_map *out, struct pf_error *err);
/* Appends the items of the list, normalized: "all", "-all", "+CAP_NAME", "-CAP_NAME". */
int pf_parse_caps(const char *arg, pf_strv *items, struct pf_error *err);
/* Appends each NAME=VALUE of the comma-separated list. */
int pf_parse_setenv(const char *arg, pf_strv *env, struct pf_error *err);
void pf_mount_flag_clear(struct pf_mount_flag *m);
void pf_netif_flag_clear(struct pf_netif_flag *n);

/* What a bundle cannot say in standard OCI and pflask does itself around the engine. */
struct pf_extras {
	bool ephemeral;                  /* overlay over the chroot, discarded at exit */
	char *lower;                     /* the chroot an ephemeral overlay covers */
};

/* options -> config.json. runtime_path: the absolute path of pflask-runtime, named in the
 * hooks that carry --netif types OCI has no words for (see docs/flags-to-oci.md). */
int pf_translate(const struct pf_options *o, const char *runtime_path, struct pf_spec **out,
		 struct pf_extras *extras, struct pf_error *err);
void pf_extras_clear(struct pf_extras *x);

#endif
