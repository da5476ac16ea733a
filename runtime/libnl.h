/* libnl-3 and libnl-route-3, loaded the first time a network device is set up.
 *
 * Linked in, libnl-route-3 is most of what the dynamic loader does on every start of the
 * runtime (its own relocations, its constructors, a probe of /etc/libnl): about 0.4 ms of each
 * of the two executions of a `create` or `run`, for something only netDevices and the `netif`
 * verb use. The loading happens in the runtime's own mount namespace, by soname, from the
 * host's library path: what the dynamic linker would have loaded at start-up. */
#ifndef PF_RUNTIME_LIBNL_H
#define PF_RUNTIME_LIBNL_H

#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/ipvlan.h>
#include <netlink/route/link/macvlan.h>
#include <netlink/route/link/veth.h>

#include "bundle/error.h"

#ifndef PF_LIBNL_ROUTE_SONAME
#define PF_LIBNL_ROUTE_SONAME "libnl-route-3.so.200"
#endif

/* Every function of libnl that pflask calls. */
#define PF_LIBNL_FUNCS(X) \
	X(nl_addr2str) \
	X(nl_cache_free) \
	X(nl_cache_get_first) \
	X(nl_cache_get_next) \
	X(nl_cb_alloc) \
	X(nl_cb_err) \
	X(nl_cb_put) \
	X(nl_connect) \
	X(nl_geterror) \
	X(nl_socket_alloc_cb) \
	X(nl_socket_free) \
	X(rtnl_addr_add) \
	X(rtnl_addr_alloc) \
	X(rtnl_addr_alloc_cache) \
	X(rtnl_addr_get_broadcast) \
	X(rtnl_addr_get_family) \
	X(rtnl_addr_get_flags) \
	X(rtnl_addr_get_ifindex) \
	X(rtnl_addr_get_local) \
	X(rtnl_addr_get_peer) \
	X(rtnl_addr_get_prefixlen) \
	X(rtnl_addr_get_scope) \
	X(rtnl_addr_put) \
	X(rtnl_addr_set_broadcast) \
	X(rtnl_addr_set_family) \
	X(rtnl_addr_set_flags) \
	X(rtnl_addr_set_ifindex) \
	X(rtnl_addr_set_local) \
	X(rtnl_addr_set_peer) \
	X(rtnl_addr_set_prefixlen) \
	X(rtnl_addr_set_scope) \
	X(rtnl_link_add) \
	X(rtnl_link_alloc) \
	X(rtnl_link_alloc_cache) \
	X(rtnl_link_change) \
	X(rtnl_link_get_by_name) \
	X(rtnl_link_get_flags) \
	X(rtnl_link_get_ifindex) \
	X(rtnl_link_get_kernel) \
	X(rtnl_link_ipvlan_alloc) \
	X(rtnl_link_ipvlan_set_mode) \
	X(rtnl_link_macvlan_alloc) \
	X(rtnl_link_macvlan_set_mode) \
	X(rtnl_link_put) \
	X(rtnl_link_set_flags) \
	X(rtnl_link_set_link) \
	X(rtnl_link_set_name) \
	X(rtnl_link_set_ns_fd) \
	X(rtnl_link_unset_flags) \
	X(rtnl_link_veth_alloc) \
	X(rtnl_link_veth_get_peer)

struct pf_libnl {
#define PF_LIBNL_MEMBER(f) __typeof__(&f) f;
	PF_LIBNL_FUNCS(PF_LIBNL_MEMBER)
#undef PF_LIBNL_MEMBER
};

/* Filled by pf_libnl_load; its pointers are valid only after it returned 0. */
extern struct pf_libnl pf_libnl;

/* Loads the libraries once; later calls return at once. */
int pf_libnl_load(struct pf_error *err);

#endif
