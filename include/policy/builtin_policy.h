/* Sidecar mode's policy (oomguard(8), SIDECAR): the built-in one, used
 * when no -c is given, and the confinement every policy gets there, so
 * that nothing outside the container is ever acted on. Pure: no I/O but
 * the text it parses, never logs. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "policy/config.h"
#include "policy/policy.h"

#define BUILTIN_POLICY_NAME "built-in sidecar policy"
/* Its report_dir: a container's /var/lib is rarely writable. */
#define BUILTIN_REPORT_DIR "/tmp/oomguard/reports"

/* The built-in policy's INI text. proc_view: our cgroup as
 * /proc/self/cgroup shows it (the [supervisor:] rule names the processes
 * of that cgroup only); v2: the memory controller is cgroup v2 (then
 * the memory.high tripwire too). -EINVAL for a path INI cannot carry
 * (';', '#', a newline), -ENOBUFS. */
int builtin_policy_text(const char *proc_view, bool v2, char *buf, size_t size);

/* The text above, loaded as a file is (errors in *errors). */
int builtin_policy_load(const char *proc_view, bool v2, struct policy *ret, struct config_errors *errors);

/* What sidecar_confine changed, for the log. */
struct confine_result {
        bool dropped_global; /* [global] acts machine-wide */
        int global_line;
        size_t dropped_adjust; /* [adjust:] rules match any process the pid namespace shows */
        size_t prefixed;       /* [cgroup:] paths moved below our own cgroup */
};

/* In sidecar mode a policy's [cgroup:] paths are relative to our own
 * cgroup (own_rel in the memory mount, "/" in a container): each glob is
 * prefixed with it (glob characters escaped), "/" being the cgroup
 * itself. [global] and [adjust:] are dropped. -ENOMEM. */
int sidecar_confine(struct policy *p, const char *own_rel, struct confine_result *ret);

/* Pure: own_rel + glob, own_rel's glob characters escaped. -ENAMETOOLONG. */
int confine_glob(const char *own_rel, const char *glob, char *buf, size_t size);
