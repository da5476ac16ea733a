/* Generic free, compare and grow over the field tables of bundle/reflect.h. */
#include "bundle/reflect.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "bundle/model.h"

size_t pf_elem_size(const struct pf_field *f)
{
	switch (f->elem) {
	case PF_E_STR:
		return sizeof(char *);
	case PF_E_UINT:
		return sizeof(uint64_t);
	case PF_E_OBJ:
		return f->type->size;
	}
	return 0;
}

static void elem_clear(const struct pf_field *f, void *elem)
{
	if (f->elem == PF_E_STR)
		free(*(char **)elem);
	else if (f->elem == PF_E_OBJ)
		pf_obj_clear(f->type, elem);
}

static void elems_clear(const struct pf_field *f, void *v, size_t n)
{
	size_t size = pf_elem_size(f);

	for (size_t i = 0; i < n; i++)
		elem_clear(f, (char *)v + i * size);
	free(v);
}

static void field_clear(const struct pf_field *f, char *obj)
{
	void *p = obj + f->offset;

	switch (f->kind) {
	case PF_STR:
		free(*(char **)p);
		break;
	case PF_OBJ:
		if (*(void **)p)
			pf_obj_free(f->type, *(void **)p);
		break;
	case PF_VEC: {
		struct pf_vec_raw vec;

		memcpy(&vec, p, sizeof(vec));
		elems_clear(f, vec.v, vec.n);
		break;
	}
	case PF_MAP: {
		struct pf_map_raw map;

		memcpy(&map, p, sizeof(map));
		for (size_t i = 0; i < map.n; i++)
			free(map.keys[i]);
		free(map.keys);
		elems_clear(f, map.v, map.n);
		break;
	}
	default:
		break;
	}
}

void pf_obj_clear(const struct pf_type *type, void *obj)
{
	if (!obj)
		return;
	for (const struct pf_field *f = type->fields; f->key; f++)
		field_clear(f, obj);
	memset(obj, 0, type->size);
}

void pf_obj_free(const struct pf_type *type, void *obj)
{
	pf_obj_clear(type, obj);
	free(obj);
}

static bool str_equal(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

static bool elem_equal(const struct pf_field *f, const void *a, const void *b)
{
	switch (f->elem) {
	case PF_E_STR:
		return str_equal(*(char *const *)a, *(char *const *)b);
	case PF_E_UINT:
		return *(const uint64_t *)a == *(const uint64_t *)b;
	case PF_E_OBJ:
		return pf_obj_equal(f->type, a, b);
	}
	return false;
}

static bool elems_equal(const struct pf_field *f, const void *a, const void *b, size_t n)
{
	size_t size = pf_elem_size(f);

	for (size_t i = 0; i < n; i++)
		if (!elem_equal(f, (const char *)a + i * size, (const char *)b + i * size))
			return false;
	return true;
}

static bool field_equal(const struct pf_field *f, const char *a, const char *b)
{
	const void *pa = a + f->offset, *pb = b + f->offset;

	switch (f->kind) {
	case PF_STR:
		return str_equal(*(char *const *)pa, *(char *const *)pb);
	case PF_BOOL: {
		const pf_bool *x = pa, *y = pb;
		return x->set == y->set && (!x->set || x->v == y->v);
	}
	case PF_INT: {
		const pf_int *x = pa, *y = pb;
		return x->set == y->set && (!x->set || x->v == y->v);
	}
	case PF_UINT: {
		const pf_uint *x = pa, *y = pb;
		return x->set == y->set && (!x->set || x->v == y->v);
	}
	case PF_OBJ: {
		const void *x = *(void *const *)pa, *y = *(void *const *)pb;
		if (!x || !y)
			return x == y;
		return pf_obj_equal(f->type, x, y);
	}
	case PF_VEC: {
		struct pf_vec_raw x, y;
		memcpy(&x, pa, sizeof(x));
		memcpy(&y, pb, sizeof(y));
		return x.set == y.set && x.n == y.n && elems_equal(f, x.v, y.v, x.n);
	}
	case PF_MAP: {
		struct pf_map_raw x, y;
		memcpy(&x, pa, sizeof(x));
		memcpy(&y, pb, sizeof(y));
		if (x.set != y.set || x.n != y.n)
			return false;
		for (size_t i = 0; i < x.n; i++)
			if (strcmp(x.keys[i], y.keys[i]) != 0)
				return false;
		return elems_equal(f, x.v, y.v, x.n);
	}
	}
	return false;
}

bool pf_obj_equal(const struct pf_type *type, const void *a, const void *b)
{
	for (const struct pf_field *f = type->fields; f->key; f++)
		if (!field_equal(f, a, b))
			return false;
	return true;
}

void *pf_vec_push_raw(void *vec, size_t elem_size)
{
	struct pf_vec_raw raw;
	char *grown;

	memcpy(&raw, vec, sizeof(raw));
	if (raw.n >= SIZE_MAX / elem_size - 1) {
		errno = ENOMEM;
		return NULL;
	}
	grown = realloc(raw.v, (raw.n + 1) * elem_size);
	if (!grown)
		return NULL;
	memset(grown + raw.n * elem_size, 0, elem_size);
	raw.v = grown;
	raw.n++;
	raw.set = true;
	memcpy(vec, &raw, sizeof(raw));
	return grown + (raw.n - 1) * elem_size;
}

int pf_strv_push(void *strv, const char *s)
{
	char *copy = strdup(s);
	char **slot;

	if (!copy)
		return -1;
	slot = pf_vec_push_raw(strv, sizeof(char *));
	if (!slot) {
		free(copy);
		return -1;
	}
	*slot = copy;
	return 0;
}

static ssize_t map_find(const struct pf_map_raw *m, const char *key)
{
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->keys[i], key) == 0)
			return (ssize_t)i;
	return -1;
}

const char *pf_strmap_get(const void *map, const char *key)
{
	struct pf_map_raw m;
	ssize_t i;

	memcpy(&m, map, sizeof(m));
	i = map_find(&m, key);
	return i < 0 ? NULL : ((char **)m.v)[i];
}

int pf_strmap_set(void *map, const char *key, const char *value)
{
	struct pf_map_raw m;
	char *v = strdup(value), *k = NULL, **keys, **vals;
	ssize_t i;

	if (!v)
		return -1;
	memcpy(&m, map, sizeof(m));
	i = map_find(&m, key);
	if (i >= 0) {
		free(((char **)m.v)[i]);
		((char **)m.v)[i] = v;
		return 0;
	}
	k = strdup(key);
	keys = k ? realloc(m.keys, (m.n + 1) * sizeof(char *)) : NULL;
	if (keys)
		m.keys = keys;
	vals = keys ? realloc(m.v, (m.n + 1) * sizeof(char *)) : NULL;
	if (!vals) {
		memcpy(map, &m, sizeof(m));
		free(k);
		free(v);
		return -1;
	}
	m.v = vals;
	m.keys[m.n] = k;
	vals[m.n] = v;
	m.n++;
	m.set = true;
	memcpy(map, &m, sizeof(m));
	return 0;
}
