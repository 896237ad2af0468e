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

/* The stack the loop may use, in place and locked before the first tick:
 * with MCL_ONFAULT a page the kill path first touches deep down would be
 * allocated then, under the memory shortage it is acting on. */
#define STACK_RESERVE (256 * 1024)

static __attribute__((noinline)) void touch_stack(void) {
        volatile char pad[STACK_RESERVE];
        for (size_t i = 0; i < sizeof(pad); i += 4096)
                pad[i] = 0;
}

/* Whether the address space has room for the reserve (RLIMIT_AS): a
 * stack that cannot grow is a SIGSEGV, not an error to report. */
static bool room_for_stack(void) {
        struct rlimit rl;
        if (getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < 2 * STACK_RESERVE)
                return false; /* the reserve, and what is in use already */
        void *p = mmap(NULL, STACK_RESERVE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (p == MAP_FAILED)
                return false;
        munmap(p, STACK_RESERVE);
        return true;
}

int self_protect(bool quiet) {
        if (!room_for_stack())
                return log_error_errno(-ENOMEM, "cannot reserve %d KiB of stack (RLIMIT_AS, RLIMIT_STACK): %m",
                                       STACK_RESERVE / 1024);
        touch_stack();
        /* MCL_ONFAULT: lock what we touch without faulting in every
         * reserved-but-unused mapping (thread stacks, malloc arenas). */
        if (mlockall(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT) < 0 && mlockall(MCL_CURRENT | MCL_FUTURE) < 0 && !quiet)
                log_warning("mlockall failed: %m; pages may be swapped out under pressure");
        int r = write_file_at("/", "/proc/self/oom_score_adj", "-1000");
        if (r < 0 && !quiet)
                log_warning("cannot set own oom_score_adj to -1000: %s", strerror(-r));
        return 0;
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
