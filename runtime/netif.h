/* Network interfaces of a container, made with libnl-route-3 from the runtime's side: the
 * `netif` verb (run as a createRuntime hook, or by hand with --pid) and linux.netDevices.
 *
 * Every function acts on the network namespace of a process, which must not be the runtime's
 * own. Links are created directly inside that namespace (IFLA_NET_NS_FD in the RTM_NEWLINK that
 * makes them), so the kernel either makes the whole thing or nothing, and no name is ever
 * taken on the host by an end that belongs in the container. */
#ifndef PF_NETIF_H
#define PF_NETIF_H

#include <net/if.h>
#include <sys/types.h>

#include "bundle/error.h"
#include "bundle/model.h"
#include "runtime/namespaces.h"

/* A `netif` operand: lo, veth:OUTSIDE:INSIDE, macvlan:MASTER:NAME or ipvlan:MASTER:NAME. */
enum pf_netif_kind { PF_NETIF_LO, PF_NETIF_VETH, PF_NETIF_MACVLAN, PF_NETIF_IPVLAN };

struct pf_netif {
	enum pf_netif_kind kind;
	char host[IFNAMSIZ];        /* veth: the outside end; macvlan, ipvlan: the master */
	char inside[IFNAMSIZ];      /* the name in the container (empty for lo) */
};

/* Parses one operand; err says what is wrong with it (names are quoted). */
int pf_netif_parse(const char *spec, struct pf_netif *out, struct pf_error *err);
/* Does what the operand says to the network namespace of pid. */
int pf_netif_apply(pid_t pid, const struct pf_netif *nif, struct pf_error *err);

/* An interface name the kernel takes: 1 to 15 bytes, no '/', ':' or whitespace, not "." or
 * "..". On failure err says so with the name quoted, after `what` ("master", "name"...). */
int pf_ifname_check(const char *name, const char *what, struct pf_error *err);

/* lo up inside. */
int pf_netif_lo_up(pid_t pid, struct pf_error *err);
/* A veth pair: `outside` in the runtime's namespace, up; `inside` in the container, left down
 * (no further configuration, like the original pflask). */
int pf_netif_veth(pid_t pid, const char *outside, const char *inside, struct pf_error *err);
/* A macvlan (bridge mode) or ipvlan (L2 mode) link on the host's `master`, made in the
 * container as `name`, left down. ipvlan fails with "ipvlan: not supported by this kernel"
 * when the kernel has no ipvlan. */
int pf_netif_macvlan(pid_t pid, const char *master, const char *name, struct pf_error *err);
int pf_netif_ipvlan(pid_t pid, const char *master, const char *name, struct pf_error *err);
/* Moves the host's `dev` into the container, renamed to `newname` (NULL: keeps its name; "%d"
 * picks the lowest free number there), with its permanent global addresses, and sets it up
 * (runtime-spec 1.3 linux.netDevices). If a step fails the device goes back as it was. */
int pf_netif_move(pid_t pid, const char *dev, const char *newname, struct pf_error *err);

/* linux.netDevices, in the parent before init runs: every device moved as by pf_netif_move, into
 * the namespace clone made (or the one init will join); all or nothing. The namespace of pid
 * must exist already: one unshared later by init (after joining others) is refused. */
int pf_netdevices_apply(pid_t pid, const struct pf_ns_plan *ns, const struct pf_linux *l,
			struct pf_error *err);

#endif
