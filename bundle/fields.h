/* The field tables of config.json (see bundle/reflect.h), and the macros that write their rows. */
#ifndef PF_FIELDS_H
#define PF_FIELDS_H

#include <stdint.h>

#include "bundle/reflect.h"

extern const struct pf_type pf_spec_type;
extern const struct pf_type pf_process_type;
extern const struct pf_type pf_linux_type;
extern const struct pf_type pf_resources_type;

/* Row builders; each expects a macro T naming the struct the table describes. */
#define F_STR(k, m) .key = (k), .kind = PF_STR, .offset = offsetof(T, m)
#define F_ENUM(k, m, list, noun) F_STR(k, m), .values = (list), .what = (noun)
#define F_PATTERN(k, m, fn, noun) F_STR(k, m), .check = (fn), .what = (noun)
#define F_BOOL(k, m) .key = (k), .kind = PF_BOOL, .offset = offsetof(T, m)
#define F_INT(k, m, lo, hi, w) .key = (k), .kind = PF_INT, .offset = offsetof(T, m), \
	.min = (lo), .max = (hi), .width = (w)
#define F_I64(k, m) F_INT(k, m, INT64_MIN, INT64_MAX, "int64")
#define F_I32(k, m) F_INT(k, m, INT32_MIN, INT32_MAX, "int32")
#define F_UINT(k, m, hi, w) .key = (k), .kind = PF_UINT, .offset = offsetof(T, m), \
	.umax = (hi), .width = (w)
#define F_U64(k, m) F_UINT(k, m, UINT64_MAX, "uint64")
#define F_U32(k, m) F_UINT(k, m, UINT32_MAX, "uint32")
#define F_U16(k, m) F_UINT(k, m, UINT16_MAX, "uint16")
#define F_OBJ(k, m, ty) .key = (k), .kind = PF_OBJ, .offset = offsetof(T, m), .type = &(ty)
#define F_STRV(k, m) .key = (k), .kind = PF_VEC, .elem = PF_E_STR, .offset = offsetof(T, m)
#define F_ENUMV(k, m, list, noun) F_STRV(k, m), .values = (list), .what = (noun)
#define F_U32V(k, m) .key = (k), .kind = PF_VEC, .elem = PF_E_UINT, .offset = offsetof(T, m), \
	.umax = UINT32_MAX, .width = "uint32"
#define F_OBJV(k, m, ty) .key = (k), .kind = PF_VEC, .elem = PF_E_OBJ, .offset = offsetof(T, m), \
	.type = &(ty)
#define F_STRMAP(k, m) .key = (k), .kind = PF_MAP, .elem = PF_E_STR, .offset = offsetof(T, m)
#define F_OBJMAP(k, m, ty) .key = (k), .kind = PF_MAP, .elem = PF_E_OBJ, .offset = offsetof(T, m), \
	.type = &(ty)
#define PF_TYPE(var, label, tbl) const struct pf_type var = { label, sizeof(T), tbl }

#endif
