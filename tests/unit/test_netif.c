/* runtime/netif.h: the `netif` operands (lo, veth:OUTSIDE:INSIDE, macvlan:MASTER:NAME,
 * ipvlan:MASTER:NAME), interface name checks, and the refusals that need no privilege. The
 * links themselves are made in tests/integration/netif.bats. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "runtime/netif.h"

static void assert_parses(const char *spec, enum pf_netif_kind kind, const char *host,
			  const char *inside)
{
	struct pf_netif nif;
	struct pf_error err = { 0 };

	if (pf_netif_parse(spec, &nif, &err) < 0)
		fail_msg("%s: %s", spec, err.msg);
	assert_int_equal(nif.kind, kind);
	assert_string_equal(nif.host, host);
	assert_string_equal(nif.inside, inside);
}

static void assert_refused(const char *spec, const char *want)
{
	struct pf_netif nif;
	struct pf_error err = { 0 };

	assert_int_equal(pf_netif_parse(spec, &nif, &err), -1);
	assert_string_equal(err.msg, want);
	assert_int_equal(err.err, EINVAL);
}

static void test_parse_kinds(void **state)
{
	(void)state;
	assert_parses("lo", PF_NETIF_LO, "", "");
	assert_parses("veth:v0:eth0", PF_NETIF_VETH, "v0", "eth0");
	assert_parses("macvlan:pfm0:mv0", PF_NETIF_MACVLAN, "pfm0", "mv0");
	assert_parses("ipvlan:eth1:ipv0", PF_NETIF_IPVLAN, "eth1", "ipv0");
	/* 15 bytes is the limit; the kernel fills a "%d" template itself */
	assert_parses("veth:abcdefghijklmno:eth%d", PF_NETIF_VETH, "abcdefghijklmno", "eth%d");
	assert_parses("veth:v-0.x_y:e@1", PF_NETIF_VETH, "v-0.x_y", "e@1");
}

static void test_parse_shape(void **state)
{
	static const char *const any =
		"is not lo, veth:OUTSIDE:INSIDE, macvlan:MASTER:NAME or ipvlan:MASTER:NAME";
	char want[256];

	(void)state;
	snprintf(want, sizeof(want), "\"\" %s", any);
	assert_refused("", want);
	snprintf(want, sizeof(want), "\"bridge:a:b\" %s", any);
	assert_refused("bridge:a:b", want);
	snprintf(want, sizeof(want), "\"lo:x\" %s", any);
	assert_refused("lo:x", want);
	snprintf(want, sizeof(want), "\"VETH:a:b\" %s", any);
	assert_refused("VETH:a:b", want);
	assert_refused("veth", "expected veth:OUTSIDE:INSIDE");
	assert_refused("veth:v0", "expected veth:OUTSIDE:INSIDE");
	assert_refused("veth:v0:eth0:x", "expected veth:OUTSIDE:INSIDE");
	assert_refused("macvlan:eth0", "expected macvlan:MASTER:NAME");
	assert_refused("ipvlan:", "expected ipvlan:MASTER:NAME");
}

static void test_parse_names(void **state)
{
	(void)state;
	assert_refused("veth::eth0", "outside name is empty");
	assert_refused("veth:v0:", "inside name is empty");
	assert_refused("macvlan::x", "master is empty");
	assert_refused("veth:abcdefghijklmnop:eth0",
		       "outside name \"abcdefghijklmnop\" is longer than 15 bytes");
	assert_refused("ipvlan:eth0:abcdefghijklmnopqrstuvwxyz",
		       "name \"abcdefghijklmnopqrstuvwxyz\" is longer than 15 bytes");
	assert_refused("veth:a/b:eth0", "outside name \"a/b\": '/' is not allowed");
	assert_refused("macvlan:eth 0:mv0", "master \"eth 0\": whitespace is not allowed");
	assert_refused("veth:v0:e\tx", "inside name \"e\\x09x\": whitespace is not allowed");
	assert_refused("veth:v0:e\nx", "inside name \"e\\x0ax\": whitespace is not allowed");
	assert_refused("veth:..:eth0", "outside name \"..\" is not an interface name");
	assert_refused("veth:v0:.", "inside name \".\" is not an interface name");
}

static void test_ifname_check(void **state)
{
	struct pf_error err = { 0 };

	(void)state;
	assert_int_equal(pf_ifname_check("eth0", "device", &err), 0);
	assert_int_equal(pf_ifname_check("container_eth0", "device", &err), 0);
	assert_int_equal(pf_ifname_check("a:b", "device", &err), -1);
	assert_string_equal(err.msg, "device \"a:b\": ':' is not allowed");
}

/* Nothing is ever made "in the container" when it shares our network namespace: it would land
 * on the host. This process is such a container. */
static void test_refuses_own_namespace(void **state)
{
	struct pf_error err = { 0 };

	(void)state;
	assert_int_equal(pf_netif_lo_up(getpid(), &err), -1);
	assert_string_equal(err.msg, "the container has no network namespace of its own");
	assert_int_equal(pf_netif_veth(getpid(), "pft0", "pft1", &err), -1);
	assert_string_equal(err.msg, "the container has no network namespace of its own");
	assert_int_equal(pf_netif_move(getpid(), "lo", "x", &err), -1);
	assert_string_equal(err.msg, "move \"lo\": the container has no network namespace of its own");
	/* names are checked before anything is opened */
	assert_int_equal(pf_netif_macvlan(getpid(), "eth0", "", &err), -1);
	assert_string_equal(err.msg, "name is empty");
}

static void test_netdevices_plan(void **state)
{
	struct pf_net_device dev = { .name = "eth1" };
	char *key = "pfnd0";
	struct pf_linux l = { 0 };
	struct pf_ns_plan plan = { 0 };
	struct pf_error err = { 0 };

	(void)state;
	/* nothing asked: nothing done, whatever the namespaces */
	assert_int_equal(pf_netdevices_apply(getpid(), &plan, NULL, &err), 0);
	assert_int_equal(pf_netdevices_apply(getpid(), &plan, &l, &err), 0);
	l.net_devices.keys = &key;
	l.net_devices.v = &dev;
	l.net_devices.n = 1;
	/* a network namespace that init unshares only after joining others */
	plan.unshare_flags = CLONE_NEWNET;
	assert_int_equal(pf_netdevices_apply(getpid(), &plan, &l, &err), -1);
	assert_string_equal(err.msg, "linux.netDevices: a network namespace made after joining "
				     "other namespaces is made too late to move devices into");
	/* clone made one, but this pid is in ours */
	plan.unshare_flags = 0;
	plan.clone_flags = CLONE_NEWNET;
	assert_int_equal(pf_netdevices_apply(getpid(), &plan, &l, &err), -1);
	assert_string_equal(err.msg, "linux.netDevices: the container has no network namespace of "
				     "its own");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_kinds),
		cmocka_unit_test(test_parse_shape),
		cmocka_unit_test(test_parse_names),
		cmocka_unit_test(test_ifname_check),
		cmocka_unit_test(test_refuses_own_namespace),
		cmocka_unit_test(test_netdevices_plan),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
