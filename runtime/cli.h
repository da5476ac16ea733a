/* The pflask-runtime command line: global options and the verb table. */
#ifndef PF_CLI_H
#define PF_CLI_H

#include <stdbool.h>

#include "bundle/error.h"

#define PF_RUNTIME_VERSION "0.1.0"

enum pf_log_format { PF_LOG_TEXT, PF_LOG_JSON };

struct pf_globals {
	const char *root;          /* state root: /run/pflask or $XDG_RUNTIME_DIR/pflask */
	const char *log_path;
	enum pf_log_format log_format;
	bool debug;
	bool systemd_cgroup;
	bool rootless;
};

struct pf_verb {
	const char *name;
	const char *summary;
	const char *usage;           /* options and operands, for `VERB --help` */
	int (*run)(const struct pf_globals *g, int argc, char **argv, struct pf_error *err);
};

/* A verb returns its exit status (0, or the container's for run/exec) or -1 with err filled. */
int pf_cmd_spec(const struct pf_globals *g, int argc, char **argv, struct pf_error *err);
int pf_cmd_validate(const struct pf_globals *g, int argc, char **argv, struct pf_error *err);
int pf_cmd_create(const struct pf_globals *g, int argc, char **argv, struct pf_error *err);
int pf_cmd_start(const struct pf_globals *g, int argc, char **argv, struct pf_error *err);
int pf_cmd_run(const struct pf_globals *g, int argc, char **argv, struct pf_error *err);
int pf_cmd_state(const struct pf_globals *g, int argc, char **argv, struct pf_error *err);
int pf_cmd_list(const struct pf_globals *g, int argc, char **argv, struct pf_error *err);
int pf_cmd_kill(const struct pf_globals *g, int argc, char **argv, struct pf_error *err);
int pf_cmd_delete(const struct pf_globals *g, int argc, char **argv, struct pf_error *err);
int pf_cmd_pause(const struct pf_globals *g, int argc, char **argv, struct pf_error *err);
int pf_cmd_resume(const struct pf_globals *g, int argc, char **argv, struct pf_error *err);
int pf_cmd_ps(const struct pf_globals *g, int argc, char **argv, struct pf_error *err);
int pf_cmd_features(const struct pf_globals *g, int argc, char **argv, struct pf_error *err);
int pf_cmd_events(const struct pf_globals *g, int argc, char **argv, struct pf_error *err);
int pf_cmd_update(const struct pf_globals *g, int argc, char **argv, struct pf_error *err);
int pf_cmd_exec(const struct pf_globals *g, int argc, char **argv, struct pf_error *err);
/* netif (runtime/cmd_netif.c): network interfaces in a container, as a createRuntime hook */
int pf_cmd_netif(const struct pf_globals *g, int argc, char **argv, struct pf_error *err);

/* True (and prints the verb's usage) when argv holds -h/--help before any operand. */
bool pf_wants_help(const struct pf_verb *verb, int argc, char **argv);
const struct pf_verb *pf_find_verb(const char *name);

#endif
