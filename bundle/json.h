/* Generic JSON decoding and encoding of objects described by field tables. Private to bundle/:
 * the only place yajl is used. */
#ifndef PF_JSON_H
#define PF_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "bundle/error.h"
#include "bundle/reflect.h"

/* Largest document we read: far above any real config, low enough to bound memory. */
#define PF_JSON_MAX_SIZE (16u << 20)
/* Deepest nesting accepted; the spec itself needs 7 levels. */
#define PF_JSON_MAX_DEPTH 64

/* Decodes buf into obj (zeroed by the caller, of type). Errors read "NAME: .json.path: reason",
 * or "NAME: line L, column C: reason" for malformed JSON. On failure obj is cleared. */
int pf_json_decode(const struct pf_type *type, const char *buf, size_t len, const char *name,
		   void *obj, struct pf_error *err);

/* Encodes obj as indented JSON (a malloc'd, NUL-terminated string). */
int pf_json_encode(const struct pf_type *type, const void *obj, char **out, size_t *len,
		   struct pf_error *err);

/* True when s is well-formed UTF-8 (RFC 3629), the only text JSON may carry. */
bool pf_utf8_valid(const char *s);

/* write(2) until all of buf is written (EINTR retried); 0, or -1 with errno. */
int pf_write_all(int fd, const char *buf, size_t len);
/* Reads a whole file (at most PF_JSON_MAX_SIZE bytes), NUL-terminated. */
int pf_file_read(const char *path, char **out, size_t *len, struct pf_error *err);
#define PF_FILE_EXCL 0x1u  /* an existing file is an error (EEXIST) and is never replaced */
#define PF_FILE_SYNC 0x2u  /* fsync before the rename: for files that must survive a reboot */
/* no temporary file: written under its own name, which must not exist yet; for a directory
 * nobody else sees until it is complete */
#define PF_FILE_IN_PLACE 0x4u
/* Writes a file atomically: a temporary file in the same directory, then renamed, so readers
 * see the old content or the new, never a part. */
int pf_file_write(const char *path, const char *buf, size_t len, unsigned mode, unsigned flags,
		  struct pf_error *err);

#endif
