/* The guard must survive the memory shortage it is guarding against:
 * lock its pages and opt out of the kernel's OOM killer. */
#include <sys/mman.h>
#include <sys/resource.h>

#include "self_protect.h"
#include "outputs/log.h"
#include "util.h"

#ifndef MCL_ONFAULT
#define MCL_ONFAULT 4
#endif

void self_protect(void) {
        /* MCL_ONFAULT: lock what we touch without faulting in every
         * reserved-but-unused mapping (thread stacks, malloc arenas). */
        if (mlockall(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT) < 0 && mlockall(MCL_CURRENT | MCL_FUTURE) < 0)
                log_warning("mlockall failed: %m; pages may be swapped out under pressure");
        int r = write_file_at("/", "/proc/self/oom_score_adj", "-1000");
        if (r < 0)
                log_warning("cannot set own oom_score_adj to -1000: %s", strerror(-r));
}

void raise_fd_limit(void) {
        /* ~8 kept files per watched cgroup: 1,000 cgroups pass the usual
         * soft limit of 1024. The hard limit is ours to take. */
        struct rlimit rl;
        if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
                rl.rlim_cur = rl.rlim_max;
                if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
                        log_warning("cannot raise the open files limit: %m");
        }
}
