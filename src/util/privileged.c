/* Whether this process holds power its user alone does not (util.h). */
#include <linux/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util.h"

/* capget(2) rather than CapEff in /proc/self/status: it needs no /proc
 * mounted (a container's, a chroot's). A failed capget counts as
 * privileged: what it gates (the trust checks) is then done, not skipped. */
bool privileged(void) {
        if (geteuid() == 0)
                return true;
        struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
        struct __user_cap_data_struct data[2] = { { 0 } };
        if (syscall(SYS_capget, &hdr, data) < 0)
                return true;
        return data[0].effective || data[1].effective;
}
