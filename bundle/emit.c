/* Model → JSON text through yajl_gen and the field tables: properties in table order, only those
 * that are set, so equal models always give byte-identical documents. */
#include "bundle/json.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "bundle/model.h"

static int encode_object(yajl_gen g, const struct pf_type *type, const void *obj);

/* yajl's own check (yajl_gen_validate_utf8) lets overlong forms ("\xc0\xaf" for '/'), UTF-16
 * surrogates and code points above U+10FFFF through; other parsers would read those differently. */
bool pf_utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		unsigned char c = *p++;
		uint32_t cp, min;
		int more;

		if (c < 0x80)
			continue;
		if (c >= 0xc2 && c <= 0xdf)
			more = 1;
		else if (c >= 0xe0 && c <= 0xef)
			more = 2;
		else if (c >= 0xf0 && c <= 0xf4)
			more = 3;
		else
			return false;
		cp = c & (0x3fu >> more);
		min = more == 1 ? 0x80 : more == 2 ? 0x800 : 0x10000;
		for (; more; more--, p++) {
			if ((*p & 0xc0) != 0x80)     /* also stops at the terminating NUL */
				return false;
			cp = cp << 6 | (*p & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
	}
	return true;
}

static int gen_string(yajl_gen g, const char *s)
{
	if (!pf_utf8_valid(s))
		return -1;
	return yajl_gen_string(g, (const unsigned char *)s, strlen(s)) == yajl_gen_status_ok ? 0 : -1;
}

/* yajl_gen_integer stops at LLONG_MAX; uint64 values above it are written as number text. */
static int gen_uint(yajl_gen g, uint64_t v)
{
	char num[24];
	int n = snprintf(num, sizeof(num), "%" PRIu64, v);

	return yajl_gen_number(g, num, (size_t)n) == yajl_gen_status_ok ? 0 : -1;
}

static int encode_elem(yajl_gen g, const struct pf_field *f, const void *elem)
{
	switch (f->elem) {
	case PF_E_STR:
		return gen_string(g, *(char *const *)elem);
	case PF_E_UINT:
		return gen_uint(g, *(const uint64_t *)elem);
	case PF_E_OBJ:
		return encode_object(g, f->type, elem);
	}
	return -1;
}

static int encode_vec(yajl_gen g, const struct pf_field *f, const struct pf_vec_raw *vec)
{
	size_t size = pf_elem_size(f);

	if (yajl_gen_array_open(g) != yajl_gen_status_ok)
		return -1;
	for (size_t i = 0; i < vec->n; i++)
		if (encode_elem(g, f, (const char *)vec->v + i * size) < 0)
			return -1;
	return yajl_gen_array_close(g) == yajl_gen_status_ok ? 0 : -1;
}

static int encode_map(yajl_gen g, const struct pf_field *f, const struct pf_map_raw *map)
{
	size_t size = pf_elem_size(f);

	if (yajl_gen_map_open(g) != yajl_gen_status_ok)
		return -1;
	for (size_t i = 0; i < map->n; i++)
		if (gen_string(g, map->keys[i]) < 0 ||
		    encode_elem(g, f, (const char *)map->v + i * size) < 0)
			return -1;
	return yajl_gen_map_close(g) == yajl_gen_status_ok ? 0 : -1;
}

/* Writes "key": value when the field is set; returns 0 also when it is absent. */
static int encode_field(yajl_gen g, const struct pf_field *f, const char *obj)
{
	const void *p = obj + f->offset;
	struct pf_vec_raw vec;
	struct pf_map_raw map;

	switch (f->kind) {
	case PF_STR: {
		const char *s = *(char *const *)p;
		return s ? (gen_string(g, f->key) < 0 ? -1 : gen_string(g, s)) : 0;
	}
	case PF_BOOL: {
		const pf_bool *b = p;
		if (!b->set)
			return 0;
		return gen_string(g, f->key) < 0 || yajl_gen_bool(g, b->v) != yajl_gen_status_ok ? -1
												     : 0;
	}
	case PF_INT: {
		const pf_int *x = p;
		if (!x->set)
			return 0;
		return gen_string(g, f->key) < 0 || yajl_gen_integer(g, x->v) != yajl_gen_status_ok
			       ? -1
			       : 0;
	}
	case PF_UINT: {
		const pf_uint *x = p;
		return x->set ? (gen_string(g, f->key) < 0 ? -1 : gen_uint(g, x->v)) : 0;
	}
	case PF_OBJ: {
		const void *child = *(void *const *)p;
		return child ? (gen_string(g, f->key) < 0 ? -1 : encode_object(g, f->type, child)) : 0;
	}
	case PF_VEC:
		memcpy(&vec, p, sizeof(vec));
		return vec.set ? (gen_string(g, f->key) < 0 ? -1 : encode_vec(g, f, &vec)) : 0;
	case PF_MAP:
		memcpy(&map, p, sizeof(map));
		return map.set ? (gen_string(g, f->key) < 0 ? -1 : encode_map(g, f, &map)) : 0;
	}
	return -1;
}

static int encode_object(yajl_gen g, const struct pf_type *type, const void *obj)
{
	if (yajl_gen_map_open(g) != yajl_gen_status_ok)
		return -1;
	for (const struct pf_field *f = type->fields; f->key; f++)
		if (encode_field(g, f, obj) < 0)
			return -1;
	return yajl_gen_map_close(g) == yajl_gen_status_ok ? 0 : -1;
}

int pf_json_encode(const struct pf_type *type, const void *obj, char **out, size_t *len,
		   struct pf_error *err)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	const unsigned char *text;
	size_t n;
	int rc = -1;

	if (!g)
		return pf_fail(err, ENOMEM, "encode %s: out of memory", type->name);
	yajl_gen_config(g, yajl_gen_beautify, 1);
	yajl_gen_config(g, yajl_gen_indent_string, "\t");
	/* a string that is not UTF-8 (a raw command-line byte, say) must fail, not emit bad JSON */
	yajl_gen_config(g, yajl_gen_validate_utf8, 1);
	if (encode_object(g, type, obj) < 0) {
		pf_fail(err, EINVAL, "encode %s: a string is not valid UTF-8", type->name);
	} else if (yajl_gen_get_buf(g, &text, &n) == yajl_gen_status_ok &&
		   (*out = malloc(n + 2))) {
		/* beautified yajl output already ends in a newline; one is enough */
		memcpy(*out, text, n);
		if (n == 0 || text[n - 1] != '\n')
			(*out)[n++] = '\n';
		(*out)[n] = '\0';
		if (len)
			*len = n;
		rc = 0;
	} else {
		pf_fail(err, ENOMEM, "encode %s: out of memory", type->name);
	}
	yajl_gen_free(g);
	return rc;
}
