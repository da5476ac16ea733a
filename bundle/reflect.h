/* Field tables: each JSON object of the spec is described once, as a list of its properties with
 * their C offsets, kinds and schema constraints. Parsing, emitting, comparing and freeing are
 * generic walks over these tables, so a property is added to the model in exactly two places:
 * its struct member and its table row. */
#ifndef PF_REFLECT_H
#define PF_REFLECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bundle/error.h"

enum pf_kind {
	PF_STR,   /* char *, NULL when absent */
	PF_BOOL,  /* pf_bool */
	PF_INT,   /* pf_int, within [min, max] */
	PF_UINT,  /* pf_uint, at most umax */
	PF_OBJ,   /* pointer to the struct described by .type */
	PF_VEC,   /* PF_VEC of .elem */
	PF_MAP,   /* PF_MAP (string keys, insertion order) of .elem */
};

/* The element of a vector or map: a string, a bare uint64_t or an inline struct. */
enum pf_elem {
	PF_E_STR,
	PF_E_UINT,
	PF_E_OBJ,
};

#define PF_REQUIRED 0x1u  /* the schema requires the property */
#define PF_NONEMPTY 0x2u  /* a vector needs at least one element */

struct pf_type;

/* A string check beyond type: returns true when s is acceptable. */
typedef bool (*pf_str_check)(const char *s);

struct pf_field {
	const char *key;
	enum pf_kind kind;
	enum pf_elem elem;
	size_t offset;
	const struct pf_type *type;     /* PF_OBJ, or elements of PF_E_OBJ */
	unsigned flags;
	int64_t min, max;               /* PF_INT range */
	uint64_t umax;                  /* PF_UINT (and PF_E_UINT) upper bound */
	const char *width;              /* "uint32", for range messages */
	const char *const *values;      /* allowed strings (NULL-terminated) for PF_STR / string vectors */
	pf_str_check check;             /* pattern for PF_STR / string vectors */
	const char *what;               /* noun for enum/pattern errors: "namespace type" */
};

struct pf_type {
	const char *name;
	size_t size;
	const struct pf_field *fields;  /* terminated by a row with key == NULL */
};

/* Same layout as every PF_VEC / PF_MAP instance; copied with memcpy, never aliased. */
struct pf_vec_raw {
	void *v;
	size_t n;
	bool set;
};

struct pf_map_raw {
	char **keys;
	void *v;
	size_t n;
	bool set;
};

size_t pf_elem_size(const struct pf_field *f);

/* Generic operations on an object described by type. */
void pf_obj_clear(const struct pf_type *type, void *obj);  /* frees members, leaves zeroes */
void pf_obj_free(const struct pf_type *type, void *obj);   /* clear + free(obj) */
bool pf_obj_equal(const struct pf_type *type, const void *a, const void *b);

/* Grows a vector by one zeroed element and returns it (NULL on ENOMEM). */
void *pf_vec_push_raw(void *vec, size_t elem_size);
/* Appends to a string vector a copy of s. */
int pf_strv_push(void *strv, const char *s);
/* Sets key to a copy of value in a string map (replacing an existing key). */
int pf_strmap_set(void *map, const char *key, const char *value);
/* The value of key in a string map, or NULL. */
const char *pf_strmap_get(const void *map, const char *key);

#define PF_VEC_PUSH(vec) ((__typeof__((vec)->v))pf_vec_push_raw((vec), sizeof(*(vec)->v)))

#endif
