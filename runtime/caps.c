/* Capabilities through the raw syscalls (no libcap): names to masks in the parent, then in the
 * child the bounding set (prctl), effective/permitted/inheritable (capset, version 3, 64 bits)
 * and ambient (prctl). */
#include "runtime/process.h"

#include <errno.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bundle/names.h"

#define CAP_BIT(c) (1ULL << (c))

static int names_to_mask(const pf_strv *names, const char *set, uint64_t *mask,
			 struct pf_error *err)
{
	*mask = 0;
	for (size_t i = 0; i < names->n; i++) {
		int c = pf_capability_number(names->v[i]);

		if (c < 0 || c > 63)
			return pf_fail(err, EINVAL,
				       "process.capabilities.%s[%zu]: unknown capability %s",
				       set, i, names->v[i]);
		*mask |= CAP_BIT(c);
	}
	return 0;
}

int pf_capset_from_config(const struct pf_capabilities *caps, struct pf_capset *out,
			  struct pf_error *err)
{
	if (names_to_mask(&caps->bounding, "bounding", &out->bounding, err) < 0 ||
	    names_to_mask(&caps->effective, "effective", &out->effective, err) < 0 ||
	    names_to_mask(&caps->permitted, "permitted", &out->permitted, err) < 0 ||
	    names_to_mask(&caps->inheritable, "inheritable", &out->inheritable, err) < 0 ||
	    names_to_mask(&caps->ambient, "ambient", &out->ambient, err) < 0)
		return -1;
	return 0;
}

static const char *cap_name(int c)
{
	return c <= pf_capability_last && pf_capability_names[c] ? pf_capability_names[c]
								  : "unknown capability";
}

/* The highest capability the running kernel knows: the bounding set answers EINVAL past the
 * last one. Not /proc/sys/kernel/cap_last_cap: in the container (after pivot_root, or in exec)
 * /proc may be a directory of the image, and a low number there would leave the rest of the
 * bounding set in place (CVE-2025-52881's family: a read of /proc redirected). */
static int cap_last(void)
{
	static int last = -1;  /* the kernel's, so the same for the life of the process */
	int lo = 0, hi = 63;

	if (last >= 0)
		return last;
	/* valid numbers form a prefix: a binary search (six reads, not forty) */
	while (lo < hi) {
		int mid = (lo + hi + 1) / 2;

		if (prctl(PR_CAPBSET_READ, mid, 0, 0, 0) < 0)
			hi = mid - 1;
		else
			lo = mid;
	}
	last = lo;
	return last;
}

static uint64_t mask_upto(int last)
{
	return last >= 63 ? ~0ULL : CAP_BIT(last + 1) - 1;
}

static int caps_get(struct __user_cap_data_struct data[2], struct pf_error *err)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };

	if (syscall(SYS_capget, &hdr, data) < 0)
		return pf_fail_errno(err, errno, "capget");
	return 0;
}

static bool holds_setpcap(void)
{
	struct __user_cap_data_struct data[2];
	struct pf_error ignored;

	return caps_get(data, &ignored) == 0 && (data[0].effective & CAP_BIT(CAP_SETPCAP));
}

/* Only capabilities still in the set are dropped: dropping needs CAP_SETPCAP, which is gone
 * after the uid switch, so a second pass over an already-trimmed set must not ask again.
 * Holding CAP_SETPCAP, dropping one that is not there is harmless: no read first. */
int pf_caps_drop_bounding(const struct pf_capset *set, struct pf_error *err)
{
	static uint64_t dropped;  /* by this process already: no second look */
	int last = cap_last();
	bool can_drop = holds_setpcap();

	for (int c = 0; c <= last; c++) {
		int in = 1;

		if ((set->bounding | dropped) & CAP_BIT(c))
			continue;
		if (!can_drop)
			in = prctl(PR_CAPBSET_READ, c, 0, 0, 0);
		if (in < 0 && errno == EINVAL)
			continue;
		if (in < 0)
			return pf_fail_errno(err, errno, "read bounding set (%s)", cap_name(c));
		if (in && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0)
			return pf_fail_errno(err, errno, "drop %s from the bounding set",
					     cap_name(c));
		dropped |= CAP_BIT(c);
	}
	return 0;
}

static void put_mask(uint64_t m, uint32_t *lo, uint32_t *hi)
{
	*lo = (uint32_t)m;
	*hi = (uint32_t)(m >> 32);
}

/* What is not held cannot be granted (capset would refuse the whole call with EPERM): the
 * request is trimmed to the permitted set we hold, inheritable also to what may be added
 * without CAP_SETPCAP, and effective to the new permitted set. */
static int caps_set(const struct pf_capset *set, uint64_t known, struct pf_error *err)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];
	uint64_t held, inh_ok, prm, eff, inh;

	if (caps_get(data, err) < 0)
		return -1;
	held = data[0].permitted | (uint64_t)data[1].permitted << 32;
	inh_ok = held | data[0].inheritable | (uint64_t)data[1].inheritable << 32;
	prm = set->permitted & known & held;
	eff = set->effective & prm;
	inh = set->inheritable & known & inh_ok;
	put_mask(eff, &data[0].effective, &data[1].effective);
	put_mask(prm, &data[0].permitted, &data[1].permitted);
	put_mask(inh, &data[0].inheritable, &data[1].inheritable);
	if (syscall(SYS_capset, &hdr, data) < 0)
		return pf_fail_errno(err, errno, "capset");
	return 0;
}

/* A raise fails unless the capability is both permitted and inheritable; like runc (which only
 * warns) such a capability is left out. EINVAL on clear means a kernel without ambient sets. */
static int caps_ambient(uint64_t ambient, uint64_t known, struct pf_error *err)
{
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0) {
		if (errno == EINVAL)
			return 0;
		return pf_fail_errno(err, errno, "clear the ambient set");
	}
	for (int c = 0; c < 64; c++)
		if ((ambient & known & CAP_BIT(c)))
			(void)prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0);
	return 0;
}

int pf_caps_apply(const struct pf_capset *set, struct pf_error *err)
{
	uint64_t known = mask_upto(cap_last());

	if (pf_caps_drop_bounding(set, err) < 0 || caps_set(set, known, err) < 0 ||
	    caps_ambient(set->ambient, known, err) < 0)
		return -1;
	return 0;
}
