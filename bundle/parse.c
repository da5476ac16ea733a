/* JSON text → model, through yajl_tree and the field tables. Every error carries the JSON path
 * of the offending value (".linux.namespaces[3].type") so a user can find it in the file. */
#include "bundle/json.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>
#include <yajl/yajl_tree.h>

#include "bundle/cleanup.h"
#include "bundle/model.h"
#include "bundle/names.h"

/* The JSON path of the value being decoded; truncated (never overflowing) for absurd keys. */
struct jpath {
	char buf[256];
	size_t len;
};

/* Appends n bytes of s, truncating at the end of the buffer. Paths are pushed for every value
 * decoded, so this is a copy, not a printf. */
static void path_append(struct jpath *p, const char *s, size_t n)
{
	size_t room = sizeof(p->buf) - 1 - p->len;

	if (n > room)
		n = room;
	memcpy(p->buf + p->len, s, n);
	p->len += n;
	p->buf[p->len] = '\0';
}

static size_t path_push_key(struct jpath *p, const char *key)
{
	size_t old = p->len, n = 0;
	bool plain = *key != '\0';

	for (const char *c = key; *c; c++, n++)
		if (!isalnum((unsigned char)*c) && *c != '_')
			plain = false;
	if (plain) {
		path_append(p, ".", 1);
		path_append(p, key, n);
	} else {
		char q[PF_QUOTE_MAX];

		pf_quote(q, sizeof(q), key);
		path_append(p, "[", 1);
		path_append(p, q, strlen(q));
		path_append(p, "]", 1);
	}
	return old;
}

static size_t path_push_index(struct jpath *p, size_t i)
{
	char digits[24], *d = digits + sizeof(digits);
	size_t old = p->len;

	*--d = ']';
	do
		*--d = (char)('0' + i % 10);
	while ((i /= 10) && d > digits + 1);
	*--d = '[';
	path_append(p, d, (size_t)(digits + sizeof(digits) - d));
	return old;
}

static void path_pop(struct jpath *p, size_t old)
{
	p->len = old;
	p->buf[old] = '\0';
}

static const char *path_str(const struct jpath *p)
{
	return p->len ? p->buf : ".";
}

static const char *json_type_name(yajl_val v)
{
	switch (v->type) {
	case yajl_t_string:
		return "a string";
	case yajl_t_number:
		return "a number";
	case yajl_t_object:
		return "an object";
	case yajl_t_array:
		return "an array";
	case yajl_t_true:
	case yajl_t_false:
		return "a boolean";
	case yajl_t_null:
		return "null";
	default:
		return "an unknown value";
	}
}

static int fail_type(struct pf_error *err, const struct jpath *p, const char *want, yajl_val v)
{
	return pf_fail(err, EINVAL, "%s: expected %s, got %s", path_str(p), want, json_type_name(v));
}

struct decoder {
	struct jpath path;
	struct pf_error *err;
};

static int decode_object(struct decoder *d, const struct pf_type *type, yajl_val v, void *obj);

static int decode_string(struct decoder *d, const struct pf_field *f, yajl_val v, char **out)
{
	char q[PF_QUOTE_MAX];
	const char *s;

	if (!YAJL_IS_STRING(v))
		return fail_type(d->err, &d->path, "a string", v);
	s = YAJL_GET_STRING(v);
	if (!pf_utf8_valid(s))
		return pf_fail(d->err, EINVAL, "%s: not valid UTF-8", path_str(&d->path));
	if (f->values && pf_name_index(f->values, s) < 0)
		return pf_fail(d->err, EINVAL, "%s: unknown %s %s", path_str(&d->path), f->what,
			       pf_quote(q, sizeof(q), s));
	if (f->check && !f->check(s))
		return pf_fail(d->err, EINVAL, "%s: %s is not a valid %s", path_str(&d->path),
			       pf_quote(q, sizeof(q), s), f->what);
	*out = strdup(s);
	return *out ? 0 : pf_fail_errno(d->err, ENOMEM, "%s", path_str(&d->path));
}

/* The raw text of an integer; NULL, with err filled, when v is not a number without fraction
 * or exponent ("got a number" would not tell why 1.5 is refused). */
static const char *integer_text(struct decoder *d, yajl_val v)
{
	const char *r;

	if (!YAJL_IS_NUMBER(v)) {
		fail_type(d->err, &d->path, "an integer", v);
		return NULL;
	}
	r = v->u.number.r;
	if (strpbrk(r, ".eE")) {
		pf_fail(d->err, EINVAL, "%s: expected an integer, got %.40s", path_str(&d->path), r);
		return NULL;
	}
	return r;
}

static int decode_int(struct decoder *d, const struct pf_field *f, yajl_val v, int64_t *out)
{
	const char *r = integer_text(d, v);
	char *end;
	long long x;

	if (!r)
		return -1;
	errno = 0;
	x = strtoll(r, &end, 10);
	if (errno || *end || x < f->min || x > f->max)
		return pf_fail(d->err, ERANGE, "%s: %.40s is out of range for %s", path_str(&d->path), r,
			       f->width);
	*out = x;
	return 0;
}

static int decode_uint(struct decoder *d, const struct pf_field *f, yajl_val v, uint64_t *out)
{
	const char *r = integer_text(d, v);
	char *end;
	unsigned long long x;

	if (!r)
		return -1;
	errno = 0;
	x = strtoull(r, &end, 10);
	if (*r == '-' || errno || *end || x > f->umax)
		return pf_fail(d->err, ERANGE, "%s: %.40s is out of range for %s", path_str(&d->path), r,
			       f->width);
	*out = x;
	return 0;
}

static int decode_elem(struct decoder *d, const struct pf_field *f, yajl_val v, void *elem)
{
	switch (f->elem) {
	case PF_E_STR:
		return decode_string(d, f, v, elem);
	case PF_E_UINT:
		return decode_uint(d, f, v, elem);
	case PF_E_OBJ:
		return decode_object(d, f->type, v, elem);
	}
	return pf_fail(d->err, EINVAL, "%s: unsupported element", path_str(&d->path));
}

static int decode_vec(struct decoder *d, const struct pf_field *f, yajl_val v, void *field)
{
	size_t size = pf_elem_size(f), n;
	struct pf_vec_raw vec = { NULL, 0, true };
	int rc = 0;

	if (!YAJL_IS_ARRAY(v))
		return fail_type(d->err, &d->path, "an array", v);
	n = v->u.array.len;
	if (n == 0 && (f->flags & PF_NONEMPTY))
		return pf_fail(d->err, EINVAL, "%s: must not be empty", path_str(&d->path));
	if (n && !(vec.v = calloc(n, size)))
		return pf_fail_errno(d->err, ENOMEM, "%s", path_str(&d->path));
	for (size_t i = 0; i < n && rc == 0; i++, vec.n++) {
		size_t old = path_push_index(&d->path, i);
		rc = decode_elem(d, f, v->u.array.values[i], (char *)vec.v + i * size);
		path_pop(&d->path, old);
	}
	/* Stored even on failure so that clearing the object frees what was decoded. */
	memcpy(field, &vec, sizeof(vec));
	return rc;
}

static int compare_keys(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Two equal keys in one object make the document mean different things to different parsers. */
static int check_duplicate_keys(struct decoder *d, yajl_val v)
{
	size_t n = v->u.object.len;
	_cleanup_free_ const char **keys = NULL;
	char q[PF_QUOTE_MAX];

	if (n < 2)
		return 0;
	keys = malloc(n * sizeof(*keys));
	if (!keys)
		return pf_fail_errno(d->err, ENOMEM, "%s", path_str(&d->path));
	memcpy(keys, v->u.object.keys, n * sizeof(*keys));
	qsort(keys, n, sizeof(*keys), compare_keys);
	for (size_t i = 1; i < n; i++)
		if (strcmp(keys[i - 1], keys[i]) == 0)
			return pf_fail(d->err, EINVAL, "%s: duplicate key %s", path_str(&d->path),
				       pf_quote(q, sizeof(q), keys[i]));
	return 0;
}

static int decode_map(struct decoder *d, const struct pf_field *f, yajl_val v, void *field)
{
	size_t size = pf_elem_size(f), n;
	struct pf_map_raw map = { NULL, NULL, 0, true };
	int rc;

	if (!YAJL_IS_OBJECT(v))
		return fail_type(d->err, &d->path, "an object", v);
	if ((rc = check_duplicate_keys(d, v)) < 0)
		return rc;
	n = v->u.object.len;
	if (n && (!(map.keys = calloc(n, sizeof(char *))) || !(map.v = calloc(n, size)))) {
		free(map.keys);
		return pf_fail_errno(d->err, ENOMEM, "%s", path_str(&d->path));
	}
	for (size_t i = 0; i < n && rc == 0; i++, map.n++) {
		size_t old;

		if (!pf_utf8_valid(v->u.object.keys[i])) {
			rc = pf_fail(d->err, EINVAL, "%s: a key is not valid UTF-8", path_str(&d->path));
			break;
		}
		old = path_push_key(&d->path, v->u.object.keys[i]);
		map.keys[i] = strdup(v->u.object.keys[i]);
		rc = map.keys[i] ? decode_elem(d, f, v->u.object.values[i], (char *)map.v + i * size)
				 : pf_fail_errno(d->err, ENOMEM, "%s", path_str(&d->path));
		path_pop(&d->path, old);
	}
	memcpy(field, &map, sizeof(map));
	return rc;
}

static int decode_bool(struct decoder *d, yajl_val v, pf_bool *out)
{
	if (!YAJL_IS_TRUE(v) && !YAJL_IS_FALSE(v))
		return fail_type(d->err, &d->path, "a boolean", v);
	out->set = true;
	out->v = YAJL_IS_TRUE(v);
	return 0;
}

static int decode_child(struct decoder *d, const struct pf_field *f, yajl_val v, void **out)
{
	void *child;
	int rc;

	if (!YAJL_IS_OBJECT(v))
		return fail_type(d->err, &d->path, "an object", v);
	child = calloc(1, f->type->size);
	if (!child)
		return pf_fail_errno(d->err, ENOMEM, "%s", path_str(&d->path));
	*out = child;
	rc = decode_object(d, f->type, v, child);
	return rc;
}

static int decode_field(struct decoder *d, const struct pf_field *f, yajl_val v, char *obj)
{
	void *p = obj + f->offset;

	switch (f->kind) {
	case PF_STR:
		return decode_string(d, f, v, p);
	case PF_BOOL:
		return decode_bool(d, v, p);
	case PF_INT: {
		pf_int *x = p;
		x->set = decode_int(d, f, v, &x->v) == 0;
		return x->set ? 0 : -1;
	}
	case PF_UINT: {
		pf_uint *x = p;
		x->set = decode_uint(d, f, v, &x->v) == 0;
		return x->set ? 0 : -1;
	}
	case PF_OBJ:
		return decode_child(d, f, v, p);
	case PF_VEC:
		return decode_vec(d, f, v, p);
	case PF_MAP:
		return decode_map(d, f, v, p);
	}
	return -1;
}

static yajl_val object_member(yajl_val obj, const char *key)
{
	for (size_t i = 0; i < obj->u.object.len; i++)
		if (strcmp(obj->u.object.keys[i], key) == 0)
			return obj->u.object.values[i];
	return NULL;
}

/* Unknown properties are ignored, as config.md requires; null counts as absent. */
static int decode_object(struct decoder *d, const struct pf_type *type, yajl_val v, void *obj)
{
	int rc;

	if (!YAJL_IS_OBJECT(v))
		return fail_type(d->err, &d->path, "an object", v);
	if ((rc = check_duplicate_keys(d, v)) < 0)
		return rc;
	for (const struct pf_field *f = type->fields; f->key; f++) {
		yajl_val member = object_member(v, f->key);
		size_t old;

		if ((!member || YAJL_IS_NULL(member)) && !(f->flags & PF_REQUIRED))
			continue;
		old = path_push_key(&d->path, f->key);
		if (member && !YAJL_IS_NULL(member))
			rc = decode_field(d, f, member, obj);
		else if (f->flags & PF_REQUIRED)
			rc = pf_fail(d->err, EINVAL, "%s: required property is missing",
				     path_str(&d->path));
		path_pop(&d->path, old);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Line and column (both from 1) of the byte at offset at. */
static void text_position(const char *buf, size_t at, size_t *line, size_t *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < at; i++, (*col)++)
		if (buf[i] == '\n') {
			(*line)++;
			*col = 0;
		}
}

/* yajl_tree frees recursively; refusing deep documents up front keeps the stack bounded. And it
 * hands strings over NUL-terminated, so "a\u0000b" would silently become "a": refused too. */
static int check_text(const char *buf, size_t len, const char *name, struct pf_error *err)
{
	size_t depth = 0, line, col;
	bool in_string = false;

	for (size_t i = 0; i < len; i++) {
		char c = buf[i];

		if (in_string) {
			if (c == '\\' && len - i >= 6 && memcmp(buf + i + 1, "u0000", 5) == 0) {
				text_position(buf, i, &line, &col);
				return pf_fail(err, EINVAL, "%s: line %zu, column %zu: \\u0000 in a string "
					       "is not supported", name, line, col);
			}
			if (c == '\\')
				i++;
			else if (c == '"')
				in_string = false;
		} else if (c == '"') {
			in_string = true;
		} else if (c == '{' || c == '[') {
			if (++depth > PF_JSON_MAX_DEPTH)
				return pf_fail(err, EINVAL, "%s: nested deeper than %d levels", name,
					       PF_JSON_MAX_DEPTH);
		} else if ((c == '}' || c == ']') && depth) {
			depth--;
		}
	}
	return 0;
}

/* yajl says "parse error: trailing garbage\n" or "lexical error: invalid char in json text.\n";
 * the reason alone fits our one-line format. */
static const char *syntax_reason(char *msg)
{
	size_t n;

	if (strncmp(msg, "parse error: ", 13) == 0)
		msg += 13;
	else if (strncmp(msg, "lexical error: ", 15) == 0)
		msg += 15;
	n = strlen(msg);
	while (n && strchr("\n .", msg[n - 1]))
		msg[--n] = '\0';
	return msg;
}

/* yajl_tree reports no position, so a malformed document is parsed once more by the streaming
 * parser, which tells how far it got. yajl's offset is just past the byte where it gave up for
 * most errors and at the start of the offending token for a few, so the column of the last byte
 * read is exact or one off, and never beyond the text. An error found only at the end
 * (yajl_complete_parse, "premature EOF") is placed just past the last byte. */
static int fail_syntax(const char *buf, size_t len, const char *name, struct pf_error *err)
{
	static const yajl_callbacks none;
	yajl_handle h = yajl_alloc(&none, NULL, NULL);
	size_t at = 0, line, col;
	unsigned char *msg = NULL;
	yajl_status st;

	if (!h)
		return pf_fail(err, ENOMEM, "%s: out of memory", name);
	yajl_config(h, yajl_allow_comments, 1);
	st = yajl_parse(h, (const unsigned char *)buf, len);
	if (st != yajl_status_ok) {
		at = yajl_get_bytes_consumed(h);
		at = at ? at - 1 : 0;
	} else if ((st = yajl_complete_parse(h)) != yajl_status_ok) {
		at = len;
	}
	if (st != yajl_status_ok)
		msg = yajl_get_error(h, 0, (const unsigned char *)buf, len);
	text_position(buf, at, &line, &col);
	pf_fail(err, EINVAL, "%s: line %zu, column %zu: %s", name, line, col,
		msg ? syntax_reason((char *)msg) : "invalid JSON");
	if (msg)
		yajl_free_error(h, msg);
	yajl_free(h);
	return -1;
}

/* True when buf holds only JSON whitespace; bounded by len, as buf need not be NUL-terminated. */
static bool only_whitespace(const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (buf[i] != ' ' && buf[i] != '\t' && buf[i] != '\r' && buf[i] != '\n')
			return false;
	return true;
}

int pf_json_decode(const struct pf_type *type, const char *buf, size_t len, const char *name,
		   void *obj, struct pf_error *err)
{
	struct decoder d = { .err = err };
	const char *nul = memchr(buf, '\0', len);
	_cleanup_free_ char *text = NULL;
	yajl_val tree;
	int rc;

	if (only_whitespace(buf, len))
		return pf_fail(err, EINVAL, "%s: empty document", name);
	if (nul)
		return fail_syntax(buf, (size_t)(nul - buf) + 1, name, err);
	if (check_text(buf, len, name, err) < 0)
		return -1;
	/* yajl_tree wants a NUL-terminated string; the caller's buffer need not be one */
	text = strndup(buf, len);
	if (!text)
		return pf_fail_errno(err, ENOMEM, "%s", name);
	tree = yajl_tree_parse(text, NULL, 0);
	if (!tree)
		return fail_syntax(buf, len, name, err);
	d.path.buf[0] = '\0';
	rc = decode_object(&d, type, tree, obj);
	yajl_tree_free(tree);
	if (rc < 0) {
		pf_obj_clear(type, obj);
		return pf_error_prefix(err, "%s", name);
	}
	return 0;
}
