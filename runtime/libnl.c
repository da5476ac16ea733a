#include "runtime/libnl.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdbool.h>

struct pf_libnl pf_libnl;

int pf_libnl_load(struct pf_error *err)
{
	static bool loaded;
	void *lib;

	if (loaded)
		return 0;
	/* never unloaded: the handle lives as long as the process */
	lib = dlopen(PF_LIBNL_ROUTE_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!lib)
		return pf_fail(err, ENOENT, "netlink: cannot load %s: %s", PF_LIBNL_ROUTE_SONAME,
			       dlerror());
	/* libnl-route-3 needs libnl-3: a lookup through it finds both */
#define PF_LIBNL_RESOLVE(f)                                                                  \
	pf_libnl.f = (__typeof__(&f))dlsym(lib, #f);                                         \
	if (!pf_libnl.f)                                                                     \
		return pf_fail(err, ENOENT, "netlink: %s has no %s", PF_LIBNL_ROUTE_SONAME, #f);
	PF_LIBNL_FUNCS(PF_LIBNL_RESOLVE)
#undef PF_LIBNL_RESOLVE
	loaded = true;
	return 0;
}
