/* The guard must survive the memory shortage it is guarding against:
 * lock its pages and opt out of the kernel's OOM killer. */
#include <sys/mman.h>

#include "daemon/self_protect.h"
#include "outputs/log.h"
#include "util.h"

#ifndef MCL_ONFAULT
#define MCL_ONFAULT 4
#endif

void self_protect(void) {
        /* MCL_ONFAULT: lock what we touch without faulting in every
         * reserved-but-unused mapping (thread stacks, malloc arenas). */
        if (mlockall(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT) < 0 &&
            mlockall(MCL_CURRENT | MCL_FUTURE) < 0)
                log_warning("mlockall failed: %m; pages may be swapped out under pressure");
        int r = write_file_at("/", "/proc/self/oom_score_adj", "-1000");
        if (r < 0)
                log_warning("cannot set own oom_score_adj to -1000: %s", strerror(-r));
}
