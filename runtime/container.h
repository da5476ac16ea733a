/* A container's lifecycle: the status derived from its record and its process, the verbs'
 * allowed transitions, and the launch context shared by create and run. */
#ifndef PF_CONTAINER_H
#define PF_CONTAINER_H

#include <stdbool.h>
#include <sys/types.h>

#include "bundle/error.h"
#include "bundle/model.h"
#include "bundle/state.h"
#include "runtime/cgroup.h"
#include "runtime/cli.h"
#include "runtime/mount.h"
#include "runtime/namespaces.h"
#include "runtime/process.h"
#include "runtime/seccomp.h"
#include "runtime/store.h"

enum pf_status { PF_CREATING, PF_CREATED, PF_RUNNING, PF_PAUSED, PF_STOPPED };

const char *pf_status_name(enum pf_status s);
/* The status now: a record says creating/created/running, but only a live process with the
 * recorded start time makes it so; "created" until start has removed the exec fifo. */
enum pf_status pf_container_status(const struct pf_store *s, const struct pf_record *r);
/* True when the init recorded is still that process (and not a zombie). */
bool pf_container_init_alive(const struct pf_record *r);

struct pf_create_opts {
	const char *bundle;           /* as given; made absolute */
	const char *pid_file;
	const char *console_socket;
	int preserve_fds;
	bool no_pivot;
	bool no_new_keyring;
};

struct pf_launch {
	const struct pf_globals *g;
	const char *id;
	struct pf_create_opts opts;
	char *bundle;                 /* absolute */
	struct pf_spec *spec;         /* set beforehand by pflask; else read from the bundle */
	struct pf_ns_plan ns;
	struct pf_mount_plan mounts;
	struct pf_exec_plan exec;
	struct pf_seccomp_prog seccomp; /* seccomp hook: linux.seccomp compiled (runtime/seccomp.h) */
	struct pf_cgroup cg;
	struct pf_store store;
	struct pf_record *rec;
	char *config_text;            /* between prepare and the claim: the state's config copy */
	int sync[2];                  /* [0] parent's end, [1] child's end */
	int fifo_fd;                  /* exec fifo, held open read-write by init */
	pid_t pid;                    /* init, in the runtime's pid namespace */
	pid_t first_child;            /* the cloned child when init is its child */
	int console_master;           /* with process.terminal */
	bool runtime_hooks;           /* prestart or createRuntime hooks exist */
	bool container_hooks;         /* createContainer or startContainer hooks exist */
	bool foreground;              /* run: the runtime stays as init's parent */
	bool tied;                    /* init dies with its parent (pflask's containers) */
};

/* Parses the bundle and makes everything the child needs. */
int pf_launch_prepare(struct pf_launch *l, struct pf_error *err);
/* Clones init, claims the state directory and makes the cgroup while init makes its
 * namespaces, then drives init until it is parked before execve (status created). On failure
 * nothing is left: no process, cgroup or state directory. */
int pf_launch_spawn(struct pf_launch *l, struct pf_error *err);
/* Undoes what prepare and a failed spawn made. */
void pf_launch_abort(struct pf_launch *l);
void pf_launch_clear(struct pf_launch *l);

struct pf_run_opts {
	bool detach;     /* return once the process runs */
	bool keep;       /* do not delete the container when it stops */
	/* In the foreground with process.terminal, serves the pty master in place of the stdio
	 * proxy (pflask --detach); as pf_console_proxy, returns once init has been waited for. */
	int (*console)(int master, int signal_fd, pid_t init, int *status, void *arg,
		       struct pf_error *err);
	void *console_arg;
};

/* create: on return the container is created and its state saved; on failure nothing of it
 * is left and err says "create ID: ..." (or "run ID: ..."). */
int pf_create_container(struct pf_launch *l, struct pf_error *err);
/* run: create, start and (in the foreground) wait, forwarding signals or proxying the pty,
 * then delete unless keep. Returns the process's exit status (128+N for signal N). */
int pf_run_container(struct pf_launch *l, const struct pf_run_opts *o, struct pf_error *err);

/* Child side (init.c): never returns on success. */
void pf_init_main(struct pf_launch *l) __attribute__((noreturn));

/* The public state JSON of a record, with the given status. */
int pf_state_json(const struct pf_record *r, const char *status, char **out,
		  struct pf_error *err);

/* Releases a created container: init execs the process. known: its config when the caller
 * has it parsed already, else NULL (read from the state directory). */
int pf_container_start(struct pf_store *s, struct pf_record *r, const struct pf_spec *known,
		       struct pf_error *err);
/* delete --force of a container whose state.json cannot be read: its cgroup is found again
 * from the config copy, every process in it killed, and everything removed. */
int pf_container_destroy_lost(struct pf_store *s, const char *id, struct pf_error *err);
/* Kills what is left, removes the cgroup, runs poststop hooks, removes the state. */
int pf_container_destroy(struct pf_store *s, struct pf_record *r, struct pf_error *err);

#endif
