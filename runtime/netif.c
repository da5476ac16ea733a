/* Network interfaces in a container's network namespace, with libnl-route-3.
 *
 * Two netlink sockets do the work: one in the runtime's namespace, and one in the container's
 * for what must be done there (lo up, addresses, a moved device up). A netlink socket keeps
 * the namespace it was made in, so that one is made right after a setns into the container's
 * namespace, and the thread goes straight back.
 *
 * libnl turns the kernel's errno into its own NLE_* codes, which merge several (ENOENT and
 * ESRCH are both NLE_OBJ_NOTFOUND, EEXIST and EADDRINUSE NLE_EXIST, the rest NLE_FAILURE) and
 * read differently from strerror; an error callback on each socket keeps the kernel's errno,
 * so messages read like every other one of pflask. */
#include "runtime/netif.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "bundle/cleanup.h"
#include "runtime/libnl.h"

#define SELF_NETNS "/proc/thread-self/ns/net"
/* the flags of an address a user sets (`ip address add ... nodad`), as opposed to its state */
#define ADDR_FLAGS_KEPT (IFA_F_NODAD | IFA_F_HOMEADDRESS | IFA_F_NOPREFIXROUTE | \
			 IFA_F_MANAGETEMPADDR | IFA_F_MCAUTOJOIN)

/* ---- names --------------------------------------------------------------------------- */

int pf_ifname_check(const char *name, const char *what, struct pf_error *err)
{
	char q[PF_QUOTE_MAX];
	size_t len = strlen(name);

	if (len == 0)
		return pf_fail(err, EINVAL, "%s is empty", what);
	pf_quote(q, sizeof(q), name);
	if (len >= IFNAMSIZ)
		return pf_fail(err, EINVAL, "%s %s is longer than %d bytes", what, q, IFNAMSIZ - 1);
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return pf_fail(err, EINVAL, "%s %s is not an interface name", what, q);
	for (const char *p = name; *p; p++) {
		if (*p == '/' || *p == ':')
			return pf_fail(err, EINVAL, "%s %s: '%c' is not allowed", what, q, *p);
		if (*p == ' ' || (*p >= '\t' && *p <= '\r'))
			return pf_fail(err, EINVAL, "%s %s: whitespace is not allowed", what, q);
	}
	return 0;
}

static const struct netif_kind {
	const char *kind;
	enum pf_netif_kind value;
	const char *usage;          /* its two fields */
	const char *a, *b;          /* what they are, in messages */
} netif_kinds[] = {
	{ "veth", PF_NETIF_VETH, "OUTSIDE:INSIDE", "outside name", "inside name" },
	{ "macvlan", PF_NETIF_MACVLAN, "MASTER:NAME", "master", "name" },
	{ "ipvlan", PF_NETIF_IPVLAN, "MASTER:NAME", "master", "name" },
};

/* The A:B after "kind:", both names checked. */
static int parse_pair(const struct netif_kind *k, const char *rest, struct pf_netif *out,
		      struct pf_error *err)
{
	_cleanup_free_ char *first = NULL;
	const char *colon = rest ? strchr(rest, ':') : NULL;

	if (!colon || strchr(colon + 1, ':'))
		return pf_fail(err, EINVAL, "expected %s:%s", k->kind, k->usage);
	first = strndup(rest, (size_t)(colon - rest));
	if (!first)
		return pf_fail_errno(err, ENOMEM, "%s", k->kind);
	if (pf_ifname_check(first, k->a, err) < 0 || pf_ifname_check(colon + 1, k->b, err) < 0)
		return -1;
	out->kind = k->value;
	memcpy(out->host, first, strlen(first) + 1);
	memcpy(out->inside, colon + 1, strlen(colon + 1) + 1);
	return 0;
}

int pf_netif_parse(const char *spec, struct pf_netif *out, struct pf_error *err)
{
	const char *colon = strchr(spec, ':');
	size_t klen = colon ? (size_t)(colon - spec) : strlen(spec);
	char q[PF_QUOTE_MAX];

	memset(out, 0, sizeof(*out));
	if (strcmp(spec, "lo") == 0) {
		out->kind = PF_NETIF_LO;
		return 0;
	}
	for (size_t i = 0; i < sizeof(netif_kinds) / sizeof(netif_kinds[0]); i++) {
		const struct netif_kind *k = &netif_kinds[i];

		if (strlen(k->kind) == klen && strncmp(spec, k->kind, klen) == 0)
			return parse_pair(k, colon ? colon + 1 : NULL, out, err);
	}
	pf_quote(q, sizeof(q), spec);
	return pf_fail(err, EINVAL, "%s is not lo, veth:OUTSIDE:INSIDE, macvlan:MASTER:NAME or "
				    "ipvlan:MASTER:NAME", q);
}

/* ---- netlink sockets ----------------------------------------------------------------- */

struct nl {
	struct nl_sock *sk;
	int kernel_errno;           /* of the last request the kernel refused, else 0 */
};

static void nl_closep(struct nl *n)
{
	if (n->sk)
		pf_libnl.nl_socket_free(n->sk);
	n->sk = NULL;
}
#define _cleanup_nl_ __attribute__((cleanup(nl_closep)))

static void link_putp(struct rtnl_link **l)
{
	if (*l)
		pf_libnl.rtnl_link_put(*l);
}
#define _cleanup_link_ __attribute__((cleanup(link_putp)))

static void cache_freep(struct nl_cache **c)
{
	if (*c)
		pf_libnl.nl_cache_free(*c);
}
#define _cleanup_cache_ __attribute__((cleanup(cache_freep)))

static void addr_putp(struct rtnl_addr **a)
{
	if (*a)
		pf_libnl.rtnl_addr_put(*a);
}
#define _cleanup_addr_ __attribute__((cleanup(addr_putp)))

static int keep_errno(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	(void)who;
	((struct nl *)arg)->kernel_errno = -e->error;
	return NL_STOP;  /* libnl then returns its own code for it, as without the callback */
}

/* The socket for the next request: what an earlier one left is forgotten. */
static struct nl_sock *req(struct nl *n)
{
	n->kernel_errno = 0;
	return n->sk;
}

/* The errno behind a libnl return code: the kernel's when it refused; else read back from the
 * code (rtnl_link_get_kernel installs its own error callback, and libnl's "object not found"
 * after a lookup means no such link). */
static int errno_of(const struct nl *n, int rc)
{
	static const int map[][2] = {
		{ NLE_NOMEM, ENOMEM }, { NLE_EXIST, EEXIST }, { NLE_INVAL, EINVAL },
		{ NLE_RANGE, ERANGE }, { NLE_OPNOTSUPP, EOPNOTSUPP }, { NLE_AF_NOSUPPORT, EAFNOSUPPORT },
		{ NLE_OBJ_NOTFOUND, ENODEV }, { NLE_NODEV, ENODEV }, { NLE_BUSY, EBUSY },
		{ NLE_NOACCESS, EACCES }, { NLE_PERM, EPERM }, { NLE_AGAIN, EAGAIN },
		{ NLE_INTR, EINTR }, { NLE_MSGSIZE, EMSGSIZE }, { NLE_NOADDR, EADDRNOTAVAIL },
	};

	if (n->kernel_errno)
		return n->kernel_errno;
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (map[i][0] == -rc)
			return map[i][1];
	return 0;
}

static int nl_fail(const struct nl *n, int rc, struct pf_error *err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int nl_fail(const struct nl *n, int rc, struct pf_error *err, const char *fmt, ...)
{
	char what[PF_ERROR_MAX / 2];
	int e = errno_of(n, rc);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (e)
		return pf_fail_errno(err, e, "%s", what);
	return pf_fail(err, EIO, "%s: %s", what, pf_libnl.nl_geterror(rc));
}

/* A route socket in the current network namespace; n must stay where it is (the error callback
 * points to it). */
static int nl_open(struct nl *n, struct pf_error *err)
{
	struct nl_cb *cb;
	int rc;

	if (pf_libnl_load(err) < 0)
		return -1;
	cb = pf_libnl.nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb)
		return pf_fail_errno(err, ENOMEM, "netlink");
	pf_libnl.nl_cb_err(cb, NL_CB_CUSTOM, keep_errno, n);
	n->sk = pf_libnl.nl_socket_alloc_cb(cb);
	pf_libnl.nl_cb_put(cb);
	if (!n->sk)
		return pf_fail_errno(err, ENOMEM, "netlink");
	rc = pf_libnl.nl_connect(n->sk, NETLINK_ROUTE);
	return rc < 0 ? nl_fail(n, rc, err, "netlink socket") : 0;
}

/* A route socket in the namespace nsfd: made there, then this thread comes back. */
static int nl_open_in(int nsfd, struct nl *n, struct pf_error *err)
{
	_cleanup_close_ int home = open(SELF_NETNS, O_RDONLY | O_CLOEXEC);
	int rc;

	if (home < 0)
		return pf_fail_errno(err, errno, "open %s", SELF_NETNS);
	if (setns(nsfd, CLONE_NEWNET) < 0)
		return pf_fail_errno(err, errno, "enter the container's network namespace");
	rc = nl_open(n, err);
	if (setns(home, CLONE_NEWNET) < 0)
		return pf_fail_errno(err, errno, "return to the runtime's network namespace");
	return rc;
}

/* ---- namespaces ---------------------------------------------------------------------- */

/* A link made "in the container" would land on the host if the container shared its
 * namespace, and a device moved there would only be renamed on the host: refused. */
static int check_not_ours(int nsfd, struct pf_error *err)
{
	struct stat ours, theirs;

	if (stat(SELF_NETNS, &ours) < 0)
		return pf_fail_errno(err, errno, "stat %s", SELF_NETNS);
	if (fstat(nsfd, &theirs) < 0)
		return pf_fail_errno(err, errno, "stat the container's network namespace");
	if (ours.st_dev == theirs.st_dev && ours.st_ino == theirs.st_ino)
		return pf_fail(err, EINVAL, "the container has no network namespace of its own");
	return 0;
}

static int open_netns(pid_t pid, int *out, struct pf_error *err)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	*out = open(path, O_RDONLY | O_CLOEXEC);
	if (*out < 0)
		return pf_fail_errno(err, errno, "open %s", path);
	return check_not_ours(*out, err);
}

/* ---- links --------------------------------------------------------------------------- */

/* The link called name; errors say `what "name": ...` (what may be NULL). */
static int get_link(struct nl *n, const char *what, const char *name, struct rtnl_link **out,
		    struct pf_error *err)
{
	char q[PF_QUOTE_MAX];
	int rc = pf_libnl.rtnl_link_get_kernel(req(n), 0, name, out);

	if (rc == 0)
		return 0;
	pf_quote(q, sizeof(q), name);
	return what ? nl_fail(n, rc, err, "%s %s", what, q) : nl_fail(n, rc, err, "%s", q);
}

/* Sets link up or down (up < 0: leaves its flags alone), moves it to the namespace nsfd
 * (-1: stays) and renames it (NULL: keeps its name), in one request. The kernel moves first,
 * then renames and sets flags in the new namespace (do_setlink); a move leaves a device down. */
static int change_link(struct nl *n, struct rtnl_link *link, int up, int nsfd, const char *name)
{
	_cleanup_link_ struct rtnl_link *changes = pf_libnl.rtnl_link_alloc();

	if (!changes)
		return -NLE_NOMEM;
	if (up > 0)
		pf_libnl.rtnl_link_set_flags(changes, IFF_UP);
	else if (up == 0)
		pf_libnl.rtnl_link_unset_flags(changes, IFF_UP);
	if (nsfd >= 0)
		pf_libnl.rtnl_link_set_ns_fd(changes, nsfd);
	if (name)
		pf_libnl.rtnl_link_set_name(changes, name);
	return pf_libnl.rtnl_link_change(req(n), link, changes, 0);
}

static int set_up(struct nl *n, const char *name, struct pf_error *err)
{
	_cleanup_link_ struct rtnl_link *link = NULL;
	char q[PF_QUOTE_MAX];
	int rc;

	if (get_link(n, NULL, name, &link, err) < 0)
		return -1;
	rc = change_link(n, link, 1, -1, NULL);
	return rc < 0 ? nl_fail(n, rc, err, "set %s up", pf_quote(q, sizeof(q), name)) : 0;
}

int pf_netif_lo_up(pid_t pid, struct pf_error *err)
{
	_cleanup_close_ int nsfd = -1;
	_cleanup_nl_ struct nl ctr = { 0 };

	if (open_netns(pid, &nsfd, err) < 0 || nl_open_in(nsfd, &ctr, err) < 0)
		return -1;
	return set_up(&ctr, "lo", err);
}

int pf_netif_veth(pid_t pid, const char *outside, const char *inside, struct pf_error *err)
{
	_cleanup_close_ int nsfd = -1;
	_cleanup_nl_ struct nl host = { 0 };
	_cleanup_link_ struct rtnl_link *link = NULL;
	struct rtnl_link *peer;
	int rc;

	if (pf_ifname_check(outside, "outside name", err) < 0 ||
	    pf_ifname_check(inside, "inside name", err) < 0 || open_netns(pid, &nsfd, err) < 0 ||
	    nl_open(&host, err) < 0)
		return -1;
	link = pf_libnl.rtnl_link_veth_alloc();
	if (!link)
		return pf_fail_errno(err, ENOMEM, "create veth %s", outside);
	pf_libnl.rtnl_link_set_name(link, outside);
	pf_libnl.rtnl_link_set_flags(link, IFF_UP);
	peer = pf_libnl.rtnl_link_veth_get_peer(link);
	pf_libnl.rtnl_link_set_name(peer, inside);
	pf_libnl.rtnl_link_set_ns_fd(peer, nsfd);
	pf_libnl.rtnl_link_put(peer);
	/* one request: the kernel makes both ends, the peer right in the container, and sets the
	 * outside end up; if any of it fails it unregisters both, so there is nothing to undo */
	rc = pf_libnl.rtnl_link_add(req(&host), link, NLM_F_CREATE | NLM_F_EXCL);
	return rc < 0 ? nl_fail(&host, rc, err, "create veth %s", outside) : 0;
}

/* A macvlan or ipvlan link on the host's master, made right in the container as name. */
static int link_on_master(pid_t pid, const char *kind, const char *master, const char *name,
			  struct pf_error *err)
{
	_cleanup_close_ int nsfd = -1;
	_cleanup_nl_ struct nl host = { 0 };
	_cleanup_link_ struct rtnl_link *lower = NULL;
	_cleanup_link_ struct rtnl_link *link = NULL;
	bool macvlan = strcmp(kind, "macvlan") == 0;
	int rc;

	if (pf_ifname_check(master, "master", err) < 0 || pf_ifname_check(name, "name", err) < 0 ||
	    open_netns(pid, &nsfd, err) < 0 || nl_open(&host, err) < 0)
		return -1;
	if (get_link(&host, "master", master, &lower, err) < 0)
		return -1;
	link = macvlan ? pf_libnl.rtnl_link_macvlan_alloc() : pf_libnl.rtnl_link_ipvlan_alloc();
	if (!link)
		return pf_fail_errno(err, ENOMEM, "create %s %s", kind, name);
	/* the modes docker and podman use: containers on one master reach each other */
	rc = macvlan ? pf_libnl.rtnl_link_macvlan_set_mode(link, MACVLAN_MODE_BRIDGE)
		     : pf_libnl.rtnl_link_ipvlan_set_mode(link, IPVLAN_MODE_L2);
	if (rc < 0)
		return nl_fail(&host, rc, err, "create %s %s", kind, name);
	pf_libnl.rtnl_link_set_link(link, pf_libnl.rtnl_link_get_ifindex(lower));
	pf_libnl.rtnl_link_set_name(link, name);
	pf_libnl.rtnl_link_set_ns_fd(link, nsfd);
	rc = pf_libnl.rtnl_link_add(req(&host), link, NLM_F_CREATE | NLM_F_EXCL);
	/* a kernel without the link type answers EOPNOTSUPP ("Unknown device type") */
	if (rc < 0 && errno_of(&host, rc) == EOPNOTSUPP)
		return pf_fail(err, EOPNOTSUPP, "%s: not supported by this kernel", kind);
	return rc < 0 ? nl_fail(&host, rc, err, "create %s %s on %s", kind, name, master) : 0;
}

int pf_netif_macvlan(pid_t pid, const char *master, const char *name, struct pf_error *err)
{
	return link_on_master(pid, "macvlan", master, name, err);
}

int pf_netif_ipvlan(pid_t pid, const char *master, const char *name, struct pf_error *err)
{
	return link_on_master(pid, "ipvlan", master, name, err);
}

int pf_netif_apply(pid_t pid, const struct pf_netif *nif, struct pf_error *err)
{
	switch (nif->kind) {
	case PF_NETIF_LO: return pf_netif_lo_up(pid, err);
	case PF_NETIF_VETH: return pf_netif_veth(pid, nif->host, nif->inside, err);
	case PF_NETIF_MACVLAN: return pf_netif_macvlan(pid, nif->host, nif->inside, err);
	case PF_NETIF_IPVLAN: return pf_netif_ipvlan(pid, nif->host, nif->inside, err);
	}
	return pf_fail(err, EINVAL, "unknown interface kind %d", (int)nif->kind);
}

/* ---- moving host devices (linux.netDevices) ------------------------------------------ */

struct mover {
	struct nl host, ctr;
	int nsfd;                   /* the container's namespace (not ours to close) */
	int home;                   /* ours, to move devices back */
	struct nl_cache *addrs;     /* the host's addresses before anything moved */
};

struct moved {
	char dev[IFNAMSIZ];         /* its name on the host */
	char name[IFNAMSIZ];        /* its name in the container */
	int index;                  /* its ifindex on the host */
	bool was_up;
};

static void mover_close(struct mover *m)
{
	nl_closep(&m->host);
	nl_closep(&m->ctr);
	cache_freep(&m->addrs);
	if (m->home >= 0)
		close(m->home);
	m->home = -1;
}

static int mover_open(struct mover *m, int nsfd, struct pf_error *err)
{
	int rc;

	m->nsfd = nsfd;
	m->home = open(SELF_NETNS, O_RDONLY | O_CLOEXEC);
	if (m->home < 0)
		return pf_fail_errno(err, errno, "open %s", SELF_NETNS);
	if (nl_open(&m->host, err) < 0 || nl_open_in(nsfd, &m->ctr, err) < 0)
		return -1;
	rc = pf_libnl.rtnl_addr_alloc_cache(req(&m->host), &m->addrs);
	return rc < 0 ? nl_fail(&m->host, rc, err, "list the host's addresses") : 0;
}

static bool has_link(struct nl_cache *links, const char *name)
{
	struct rtnl_link *l = pf_libnl.rtnl_link_get_by_name(links, name);

	if (l)
		pf_libnl.rtnl_link_put(l);
	return l != NULL;
}

/* The name a device gets in the container: want itself, which must be free there, or for a
 * template ("eth%d") its lowest free instance, as the kernel would pick it. Picked here
 * because the device is found again by that name after the move. */
static int pick_name(struct nl *ctr, const char *want, char out[IFNAMSIZ], struct pf_error *err)
{
	_cleanup_cache_ struct nl_cache *links = NULL;
	const char *pct = strchr(want, '%');
	char q[PF_QUOTE_MAX];
	int rc = pf_libnl.rtnl_link_alloc_cache(req(ctr), AF_UNSPEC, &links);

	if (rc < 0)
		return nl_fail(ctr, rc, err, "list the container's links");
	pf_quote(q, sizeof(q), want);
	if (!pct) {
		if (has_link(links, want))
			return pf_fail(err, EEXIST, "%s exists in the container", q);
		snprintf(out, IFNAMSIZ, "%s", want);
		return 0;
	}
	if (pct[1] != 'd' || strchr(pct + 2, '%'))
		return pf_fail(err, EINVAL, "%s: a template has one %%d and no other %%", q);
	for (int i = 0; i < 32768; i++) {
		char name[IFNAMSIZ + 16];

		snprintf(name, sizeof(name), "%.*s%d%s", (int)(pct - want), want, i, pct + 2);
		if (strlen(name) >= IFNAMSIZ)
			break;
		if (!has_link(links, name)) {
			memcpy(out, name, strlen(name) + 1);
			return 0;
		}
	}
	return pf_fail(err, ENFILE, "%s: no free name in the container", q);
}

static int add_addr(struct nl *n, struct rtnl_addr *from, int ifindex, struct pf_error *err)
{
	_cleanup_addr_ struct rtnl_addr *a = pf_libnl.rtnl_addr_alloc();
	struct nl_addr *peer = pf_libnl.rtnl_addr_get_peer(from), *brd = pf_libnl.rtnl_addr_get_broadcast(from);
	char text[INET6_ADDRSTRLEN + 8];
	int rc;

	pf_libnl.nl_addr2str(pf_libnl.rtnl_addr_get_local(from), text, sizeof(text));
	if (!a)
		return pf_fail_errno(err, ENOMEM, "address %s", text);
	/* a fresh address, not a copy: a copy would bring the old label, which names the old
	 * device, and the kernel's lifetimes */
	pf_libnl.rtnl_addr_set_ifindex(a, ifindex);
	pf_libnl.rtnl_addr_set_family(a, pf_libnl.rtnl_addr_get_family(from));
	pf_libnl.rtnl_addr_set_scope(a, pf_libnl.rtnl_addr_get_scope(from));
	rc = pf_libnl.rtnl_addr_set_local(a, pf_libnl.rtnl_addr_get_local(from));
	if (rc == 0 && peer)
		rc = pf_libnl.rtnl_addr_set_peer(a, peer);
	if (rc == 0 && brd)
		rc = pf_libnl.rtnl_addr_set_broadcast(a, brd);
	pf_libnl.rtnl_addr_set_prefixlen(a, pf_libnl.rtnl_addr_get_prefixlen(from));
	pf_libnl.rtnl_addr_set_flags(a, pf_libnl.rtnl_addr_get_flags(from) & ADDR_FLAGS_KEPT);
	if (rc == 0)
		rc = pf_libnl.rtnl_addr_add(req(n), a, 0);
	return rc < 0 ? nl_fail(n, rc, err, "add address %s", text) : 0;
}

/* Moving a device to another namespace flushes its addresses; runtime-spec 1.3 says the
 * permanent ones of global scope must stay, so what the host had on `from` is added to the
 * link `to` (in n's namespace). */
static int copy_addrs(struct nl *n, struct nl_cache *addrs, int from, int to, struct pf_error *err)
{
	for (struct nl_object *o = pf_libnl.nl_cache_get_first(addrs); o; o = pf_libnl.nl_cache_get_next(o)) {
		struct rtnl_addr *a = (struct rtnl_addr *)o;

		if (pf_libnl.rtnl_addr_get_ifindex(a) != from || pf_libnl.rtnl_addr_get_scope(a) != RT_SCOPE_UNIVERSE ||
		    !(pf_libnl.rtnl_addr_get_flags(a) & IFA_F_PERMANENT))
			continue;
		if (add_addr(n, a, to, err) < 0)
			return -1;
	}
	return 0;
}

/* Best effort, on a failed create: the device back on the host under its name, up if it was,
 * with its addresses. It is found in the container under its new name, or its old one when
 * only the rename failed. */
static void move_back(struct mover *m, const struct moved *mv)
{
	_cleanup_link_ struct rtnl_link *link = NULL;
	_cleanup_link_ struct rtnl_link *home = NULL;
	struct pf_error ignored = { 0 };

	if (get_link(&m->ctr, NULL, mv->name, &link, &ignored) < 0 &&
	    get_link(&m->ctr, NULL, mv->dev, &link, &ignored) < 0)
		return;
	if (change_link(&m->ctr, link, mv->was_up ? 1 : -1, m->home, mv->dev) < 0 ||
	    get_link(&m->host, NULL, mv->dev, &home, &ignored) < 0)
		return;
	copy_addrs(&m->host, m->addrs, mv->index, pf_libnl.rtnl_link_get_ifindex(home), &ignored);
}

static bool on_host(struct mover *m, const struct moved *mv)
{
	_cleanup_link_ struct rtnl_link *link = NULL;
	struct pf_error ignored = { 0 };

	return get_link(&m->host, NULL, mv->dev, &link, &ignored) == 0 &&
	       pf_libnl.rtnl_link_get_ifindex(link) == mv->index;
}

/* In the container: the host's addresses, then up. */
static int settle(struct mover *m, const struct moved *mv, struct pf_error *err)
{
	_cleanup_link_ struct rtnl_link *link = NULL;
	char q[PF_QUOTE_MAX];
	int rc;

	pf_quote(q, sizeof(q), mv->name);
	if (get_link(&m->ctr, NULL, mv->name, &link, err) < 0)
		return pf_error_prefix(err, "find it in the container");
	if (copy_addrs(&m->ctr, m->addrs, mv->index, pf_libnl.rtnl_link_get_ifindex(link), err) < 0)
		return pf_error_prefix(err, "%s in the container", q);
	rc = change_link(&m->ctr, link, 1, -1, NULL);
	return rc < 0 ? nl_fail(&m->ctr, rc, err, "set %s up in the container", q) : 0;
}

static int move_one(struct mover *m, const char *dev, const char *want, struct moved *mv,
		    struct pf_error *err)
{
	_cleanup_link_ struct rtnl_link *link = NULL;
	int rc;

	if (pf_ifname_check(dev, "device", err) < 0 ||
	    (want && pf_ifname_check(want, "name", err) < 0))
		return -1;
	if (get_link(&m->host, NULL, dev, &link, err) < 0) {
		if (err->err == ENODEV)
			return pf_fail(err, ENODEV, "no such device on the host");
		return -1;
	}
	snprintf(mv->dev, sizeof(mv->dev), "%s", dev);
	mv->index = pf_libnl.rtnl_link_get_ifindex(link);
	mv->was_up = pf_libnl.rtnl_link_get_flags(link) & IFF_UP;
	if (pick_name(&m->ctr, want ? want : dev, mv->name, err) < 0)
		return -1;
	rc = change_link(&m->host, link, -1, m->nsfd, mv->name);
	if (rc < 0) {
		char q[PF_QUOTE_MAX];

		nl_fail(&m->host, rc, err, "move into the container as %s",
			pf_quote(q, sizeof(q), mv->name));
		if (!on_host(m, mv))
			move_back(m, mv); /* moved, and then not renamed */
		return -1;
	}
	if (settle(m, mv, err) < 0) {
		move_back(m, mv);
		return -1;
	}
	return 0;
}

int pf_netif_move(pid_t pid, const char *dev, const char *newname, struct pf_error *err)
{
	_cleanup_close_ int nsfd = -1;
	__attribute__((cleanup(mover_close))) struct mover m = { .home = -1 };
	struct moved mv = { 0 };

	if (open_netns(pid, &nsfd, err) < 0 || mover_open(&m, nsfd, err) < 0 ||
	    move_one(&m, dev, newname, &mv, err) < 0) {
		char q[PF_QUOTE_MAX];

		return pf_error_prefix(err, "move %s", pf_quote(q, sizeof(q), dev));
	}
	return 0;
}

/* The namespace the devices go to: the one init will join (its fd is open already), or the
 * one clone made. One that init unshares after joining others does not exist yet. */
static int container_netns(pid_t pid, const struct pf_ns_plan *ns, int *out,
			   struct pf_error *err)
{
	for (size_t i = 0; i < ns->n_join; i++) {
		if (ns->join[i].type != CLONE_NEWNET)
			continue;
		*out = fcntl(ns->join[i].fd, F_DUPFD_CLOEXEC, 3);
		if (*out < 0)
			return pf_fail_errno(err, errno, "network namespace");
		return check_not_ours(*out, err);
	}
	if (!((ns->clone_flags | ns->early_flags) & CLONE_NEWNET))
		return pf_fail(err, EOPNOTSUPP, "a network namespace made after joining other "
						"namespaces is made too late to move devices into");
	return open_netns(pid, out, err);
}

int pf_netdevices_apply(pid_t pid, const struct pf_ns_plan *ns, const struct pf_linux *l,
			struct pf_error *err)
{
	_cleanup_close_ int nsfd = -1;
	__attribute__((cleanup(mover_close))) struct mover m = { .home = -1 };
	_cleanup_free_ struct moved *mv = NULL;

	if (!l || !l->net_devices.n)
		return 0;
	if (container_netns(pid, ns, &nsfd, err) < 0 || mover_open(&m, nsfd, err) < 0)
		return pf_error_prefix(err, "linux.netDevices");
	mv = calloc(l->net_devices.n, sizeof(*mv));
	if (!mv)
		return pf_fail_errno(err, ENOMEM, "linux.netDevices");
	for (size_t i = 0; i < l->net_devices.n; i++) {
		const char *dev = l->net_devices.keys[i];
		char q[PF_QUOTE_MAX];

		if (move_one(&m, dev, l->net_devices.v[i].name, &mv[i], err) == 0)
			continue;
		/* all or nothing: the container would not start, and the devices are the host's */
		while (i-- > 0)
			move_back(&m, &mv[i]);
		return pf_error_prefix(err, "linux.netDevices %s", pf_quote(q, sizeof(q), dev));
	}
	return 0;
}
