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
#include <stdint.h>

/* v1: poll the returned eventfd for POLLIN; read 8 bytes to re-arm. */
int memcg_v1_threshold_arm(const char *cgroup_dir, uint64_t bytes);
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
