/* Kernel event sources that wake the guard the moment something happens,
 * instead of at the next poll:
 *  - cgroup v1 usage thresholds: an eventfd registered through
 *    cgroup.event_control on memory.usage_in_bytes; the kernel signals it
 *    when usage crosses the level (either way), at charge time.
 *  - PSI triggers: "some|full STALL_US WINDOW_US" written to
 *    /proc/pressure/memory or a cgroup's memory.pressure; POLLPRI when the
 *    stall within the window exceeds the threshold.
 *  - cgroup v2 memory.events: kernfs wakes pollers (POLLPRI) whenever a
 *    counter changes (high, max, oom, oom_kill).
 * Every arm function returns a file descriptor to poll, or -errno. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* v1: poll the returned eventfd for POLLIN; read 8 bytes to re-arm. */
int memcg_v1_threshold_arm(const char *cgroup_dir, uint64_t bytes);
/* What a registration costs (measured on this kernel, tests/bench/armcost):
 * a v1 usage threshold ~12-16 ms, because mem_cgroup_usage_register_event
 * (mm/memcontrol-v1.c) publishes the new threshold array with
 * synchronize_rcu() and waits for a grace period; the OOM and vmpressure
 * eventfds and a PSI trigger ~15 us. Closing a PSI trigger waits for a
 * grace period too (psi_trigger_destroy), closing a v1 eventfd does not
 * (the kernel unregisters it from a workqueue). Waits from different
 * threads end with the same grace period, so the bulk calls below run up
 * to TRIGGER_PARALLEL of them at once, each in a short-lived thread: 200
 * thresholds take ~75 ms instead of ~2.6 s. */
#define TRIGGER_PARALLEL 64

struct v1_threshold_req {
        const char *cgroup_dir;
        uint64_t bytes;
        int ret_fd; /* out: the eventfd (as memcg_v1_threshold_arm), or -errno */
};
/* memcg_v1_threshold_arm for each request, many at a time; returns when
 * every one is done. */
void memcg_v1_thresholds_arm(struct v1_threshold_req *reqs, size_t n);
/* Close fds (-1 entries are skipped), many at a time: for PSI triggers. */
void triggers_close(int *fds, size_t n);

/* v1: an eventfd the kernel signals when the cgroup is under OOM (with
 * oom_kill_disable its tasks then wait; see actions/optin.h). */
int memcg_v1_oom_event_arm(const char *cgroup_dir);
/* vmpressure: an eventfd the kernel signals when reclaim in the cgroup (or
 * below it) reaches level ("low": reclaim at all, "medium", "critical"). */
int memcg_v1_pressure_arm(const char *cgroup_dir, const char *level);
void trigger_drain_eventfd(int fd);

/* PSI: stall_us within window_us. Without CAP_SYS_RESOURCE the kernel
 * only accepts windows that are multiples of 2 s; on EPERM/EINVAL this
 * retries with the 2 s window and the same stall ratio. ret_window_us
 * says what was armed. */
int psi_trigger_arm(const char *path, bool full, uint64_t stall_us, uint64_t window_us, uint64_t *ret_window_us);

/* Pure: the PSI trigger line "some 150000 1000000". */
int psi_trigger_format(char *buf, size_t size, bool full, uint64_t stall_us, uint64_t window_us);
