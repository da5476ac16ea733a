/* config.json in and out: the public face of the bundle library for the engine and front end. */
#ifndef PF_CONFIG_H
#define PF_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "bundle/error.h"
#include "bundle/model.h"

#define PF_OCI_VERSION "1.3.0"

/* Parses a config document; name ("config.json") starts every error message. */
struct pf_spec *pf_spec_parse(const char *buf, size_t len, const char *name, struct pf_error *err);
/* Reads and parses BUNDLE/config.json. */
struct pf_spec *pf_spec_load(const char *bundle_dir, struct pf_error *err);
int pf_spec_emit(const struct pf_spec *spec, char **out, size_t *len, struct pf_error *err);
/* Writes the spec to path atomically; with exclusive an existing file is refused. */
int pf_spec_save(const struct pf_spec *spec, const char *path, bool exclusive,
		 struct pf_error *err);
bool pf_spec_equal(const struct pf_spec *a, const struct pf_spec *b);
void pf_spec_free(struct pf_spec *spec);
/* An empty spec with ociVersion set, for builders (defaults, the pflask front end). */
struct pf_spec *pf_spec_new(void);

/* A process object alone (exec --process FILE), checked like config.json's "process". */
struct pf_process *pf_process_parse(const char *buf, size_t len, const char *name,
				    struct pf_error *err);
void pf_process_free(struct pf_process *p);
/* A linux.resources object alone (update --resources FILE). */
struct pf_resources *pf_resources_parse(const char *buf, size_t len, const char *name,
					struct pf_error *err);
void pf_resources_free(struct pf_resources *r);

/* "1.x.y" with any minor (and the pre-1.0 drafts "0.x.y"), an optional "-suffix" or "+suffix" */
bool pf_oci_version_supported(const char *v);

static inline void pf_spec_freep(struct pf_spec **s)
{
	pf_spec_free(*s);
}
#define _cleanup_spec_ __attribute__((cleanup(pf_spec_freep)))

#endif
