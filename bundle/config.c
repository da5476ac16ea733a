#include "bundle/config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle/cleanup.h"
#include "bundle/fields.h"
#include "bundle/json.h"

static bool is_digits(const char *s, size_t n)
{
	return n > 0 && strspn(s, "0123456789") >= n;
}

bool pf_oci_version_supported(const char *v)
{
	const char *minor, *patch;
	size_t patch_len;

	/* 0.x drafts (the spec's own example is "0.5.0-dev") share 1.x's format */
	if (strncmp(v, "1.", 2) != 0 && strncmp(v, "0.", 2) != 0)
		return false;
	minor = v + 2;
	patch = strchr(minor, '.');
	if (!patch || !is_digits(minor, (size_t)(patch - minor)))
		return false;
	patch++;
	patch_len = strcspn(patch, "-+");
	return is_digits(patch, patch_len) && (patch[patch_len] == '\0' || patch[patch_len + 1]);
}

struct pf_spec *pf_spec_parse(const char *buf, size_t len, const char *name, struct pf_error *err)
{
	struct pf_spec *spec = calloc(1, sizeof(*spec));

	if (!spec) {
		pf_fail_errno(err, ENOMEM, "%s", name);
		return NULL;
	}
	if (pf_json_decode(&pf_spec_type, buf, len, name, spec, err) < 0) {
		free(spec);
		return NULL;
	}
	if (!pf_oci_version_supported(spec->oci_version)) {
		char q[PF_QUOTE_MAX];

		pf_fail(err, EINVAL, "%s: .ociVersion: unsupported version %s (supported: 1.x.y)", name,
			pf_quote(q, sizeof(q), spec->oci_version));
		pf_spec_free(spec);
		return NULL;
	}
	return spec;
}

struct pf_spec *pf_spec_load(const char *bundle_dir, struct pf_error *err)
{
	_cleanup_free_ char *buf = NULL;
	char path[PATH_MAX];
	size_t len;
	int n = snprintf(path, sizeof(path), "%s/config.json", bundle_dir);

	if (n < 0 || (size_t)n >= sizeof(path)) {
		pf_fail(err, ENAMETOOLONG, "bundle path too long");
		return NULL;
	}
	if (pf_file_read(path, &buf, &len, err) < 0)
		return NULL;
	return pf_spec_parse(buf, len, "config.json", err);
}

int pf_spec_emit(const struct pf_spec *spec, char **out, size_t *len, struct pf_error *err)
{
	return pf_json_encode(&pf_spec_type, spec, out, len, err);
}

int pf_spec_save(const struct pf_spec *spec, const char *path, bool exclusive,
		 struct pf_error *err)
{
	_cleanup_free_ char *text = NULL;
	size_t len;

	if (pf_spec_emit(spec, &text, &len, err) < 0)
		return -1;
	return pf_file_write(path, text, len, 0644, PF_FILE_SYNC | (exclusive ? PF_FILE_EXCL : 0), err);
}

bool pf_spec_equal(const struct pf_spec *a, const struct pf_spec *b)
{
	return pf_obj_equal(&pf_spec_type, a, b);
}

void pf_spec_free(struct pf_spec *spec)
{
	if (spec)
		pf_obj_free(&pf_spec_type, spec);
}

struct pf_spec *pf_spec_new(void)
{
	struct pf_spec *spec = calloc(1, sizeof(*spec));

	if (spec && !(spec->oci_version = strdup(PF_OCI_VERSION))) {
		free(spec);
		return NULL;
	}
	return spec;
}

struct pf_process *pf_process_parse(const char *buf, size_t len, const char *name,
				    struct pf_error *err)
{
	struct pf_process *p = calloc(1, sizeof(*p));

	if (!p) {
		pf_fail_errno(err, ENOMEM, "%s", name);
		return NULL;
	}
	if (pf_json_decode(&pf_process_type, buf, len, name, p, err) < 0) {
		free(p);
		return NULL;
	}
	return p;
}

void pf_process_free(struct pf_process *p)
{
	if (p)
		pf_obj_free(&pf_process_type, p);
}

struct pf_resources *pf_resources_parse(const char *buf, size_t len, const char *name,
					struct pf_error *err)
{
	struct pf_resources *r = calloc(1, sizeof(*r));

	if (!r) {
		pf_fail_errno(err, ENOMEM, "%s", name);
		return NULL;
	}
	if (pf_json_decode(&pf_resources_type, buf, len, name, r, err) < 0) {
		free(r);
		return NULL;
	}
	return r;
}

void pf_resources_free(struct pf_resources *r)
{
	if (r)
		pf_obj_free(&pf_resources_type, r);
}
