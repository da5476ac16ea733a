/* Semantic checks of a parsed config beyond its schema: what the spec says a runtime MUST refuse
 * and what the engine relies on (absolute paths, unique namespaces, consistent id mappings,
 * known names). Each problem is one line "config.json: .json.path: reason". */
#ifndef PF_VALIDATE_H
#define PF_VALIDATE_H

#include "bundle/model.h"

/* Appends every problem to out; returns how many were found, or -1 when out of memory. */
int pf_spec_validate(const struct pf_spec *spec, pf_strv *out);
void pf_strv_clear(pf_strv *v);

#endif
