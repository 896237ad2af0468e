/* The Prometheus metrics, wired (outputs/metrics.h, metrics_file.h): the
 * counters each stage moves (one call at each place), and the file,
 * written every metrics_interval after the tick's decisions, never on
 * the kill path. Everything is allocated at set-up; the text buffer
 * grows only when the watched cgroups outgrow it. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "outputs/metrics.h"
#include "outputs/metrics_file.h"
#include "outputs/warning.h"
#include "policy/evaluate.h"

struct guard;
struct kmsg_oom_event;

struct metrics_wire {
        struct metrics_counters *counters; /* NULL: not set up (--status, a fixture root) */
        struct metrics_file file;
        char *buf;
        size_t cap;
        struct metrics_label_ref *labels; /* one per watched cgroup */
        size_t labels_cap;
        uint64_t last_write_ns;
};

/* The file written: metrics_file, or OOMGUARD_METRICS_FILE when set (the
 * metrics_listen process serves the same). */
const char *metrics_wire_path(const struct guard *g);
/* The live daemon (guard_arm): buffers, the file. Logs what fails. */
void metrics_wire_setup(struct guard *g);
/* After a reload: the new metrics_file and the new rules. */
void metrics_wire_reload(struct guard *g);
void metrics_wire_free(struct guard *g);

/* An actuator ran for d and returned r (tick.c execute()); dry_run: the
 * dry-run actuator (which counts as outcome dry-run, but for a warn). */
void metrics_wire_action(struct guard *g, const struct decision *d, int r, bool dry_run);
/* A warning fired, or got worse (warnings_emit()). */
void metrics_wire_warning(struct guard *g, const struct warning_event *e);
/* The kernel killed in cgroup (the one whose limit was hit). */
void metrics_wire_kernel_kill(struct guard *g, const char *cgroup);
/* After each tick (loop.c): its start and duration (the gap since the
 * last start and the histogram), and the file when due. */
void metrics_wire_after_tick(struct guard *g, uint64_t start_ns, uint64_t tick_ns);
