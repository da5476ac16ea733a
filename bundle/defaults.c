#include "bundle/defaults.h"

#include <stdio.h>
#include <stdlib.h>

#include "bundle/cleanup.h"
#include "bundle/config.h"

/* Kept as JSON text: the template reads like the file it produces, and parsing it proves it
 * valid against our own model every time. %1$s is the namespaces' tail, %2$s the mappings,
 * %3$s the devpts gid option, %4$s the /sys mount. */
static const char template_json[] =
	"{\"ociVersion\": \"" PF_OCI_VERSION "\","
	" \"process\": {\"terminal\": true, \"user\": {\"uid\": 0, \"gid\": 0},"
	"  \"args\": [\"sh\"],"
	"  \"env\": [\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\","
	"           \"TERM=xterm\"],"
	"  \"cwd\": \"/\","
	"  \"capabilities\": {"
	"   \"bounding\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"],"
	"   \"effective\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"],"
	"   \"permitted\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"]},"
	"  \"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"hard\": 1024, \"soft\": 1024}],"
	"  \"noNewPrivileges\": true},"
	" \"root\": {\"path\": \"rootfs\", \"readonly\": true},"
	" \"hostname\": \"pflask\","
	" \"mounts\": ["
	"  {\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"},"
	"  {\"destination\": \"/dev\", \"type\": \"tmpfs\", \"source\": \"tmpfs\","
	"   \"options\": [\"nosuid\", \"strictatime\", \"mode=755\", \"size=65536k\"]},"
	"  {\"destination\": \"/dev/pts\", \"type\": \"devpts\", \"source\": \"devpts\","
	"   \"options\": [\"nosuid\", \"noexec\", \"newinstance\", \"ptmxmode=0666\", \"mode=0620\"%3$s]},"
	"  {\"destination\": \"/dev/shm\", \"type\": \"tmpfs\", \"source\": \"shm\","
	"   \"options\": [\"nosuid\", \"noexec\", \"nodev\", \"mode=1777\", \"size=65536k\"]},"
	"  {\"destination\": \"/dev/mqueue\", \"type\": \"mqueue\", \"source\": \"mqueue\","
	"   \"options\": [\"nosuid\", \"noexec\", \"nodev\"]},"
	"  %4$s,"
	"  {\"destination\": \"/sys/fs/cgroup\", \"type\": \"cgroup\", \"source\": \"cgroup\","
	"   \"options\": [\"nosuid\", \"noexec\", \"nodev\", \"relatime\", \"ro\"]}],"
	" \"linux\": {%2$s"
	"  \"resources\": {\"devices\": [{\"allow\": false, \"access\": \"rwm\"}]},"
	"  \"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"ipc\"}, {\"type\": \"uts\"},"
	"   {\"type\": \"mount\"}, {\"type\": \"cgroup\"}%1$s],"
	"  \"maskedPaths\": [\"/proc/acpi\", \"/proc/asound\", \"/proc/kcore\", \"/proc/keys\","
	"   \"/proc/latency_stats\", \"/proc/timer_list\", \"/proc/timer_stats\","
	"   \"/proc/sched_debug\", \"/sys/firmware\", \"/proc/scsi\"],"
	"  \"readonlyPaths\": [\"/proc/bus\", \"/proc/fs\", \"/proc/irq\", \"/proc/sys\","
	"   \"/proc/sysrq-trigger\"]}}";

static const char sysfs_mount[] =
	"{\"destination\": \"/sys\", \"type\": \"sysfs\", \"source\": \"sysfs\","
	" \"options\": [\"nosuid\", \"noexec\", \"nodev\", \"ro\"]}";

/* Without CAP_SYS_ADMIN over the network namespace sysfs cannot be mounted: bind the host's. */
static const char sysfs_bind[] =
	"{\"destination\": \"/sys\", \"type\": \"none\", \"source\": \"/sys\","
	" \"options\": [\"rbind\", \"nosuid\", \"noexec\", \"nodev\", \"ro\"]}";

struct pf_spec *pf_spec_default(bool rootless, uid_t host_uid, gid_t host_gid,
				struct pf_error *err)
{
	char mappings[256] = "";
	_cleanup_free_ char *text = NULL;
	int n;

	if (rootless)
		snprintf(mappings, sizeof(mappings),
			 "\"uidMappings\": [{\"containerID\": 0, \"hostID\": %u, \"size\": 1}],"
			 " \"gidMappings\": [{\"containerID\": 0, \"hostID\": %u, \"size\": 1}],",
			 (unsigned)host_uid, (unsigned)host_gid);
	n = asprintf(&text, template_json, rootless ? ", {\"type\": \"user\"}" : ", {\"type\": \"network\"}",
		     mappings, rootless ? "" : ", \"gid=5\"", rootless ? sysfs_bind : sysfs_mount);
	if (n < 0) {
		text = NULL;
		pf_fail(err, ENOMEM, "spec: out of memory");
		return NULL;
	}
	return pf_spec_parse(text, (size_t)n, "spec template", err);
}
