/* Internal to src/actions/adjust*.c (and its unit test): the track
 * table of processes an [adjust:] rule set. */
#pragma once

#include "actions/adjust.h"

struct adjust_track_entry *adjust_track_find(struct adjuster *a, pid_t pid, uint64_t starttime);
struct adjust_track_entry *adjust_track_add(struct adjuster *a, pid_t pid, uint64_t starttime, int rule);
void adjust_track_remove(struct adjuster *a, pid_t pid);
/* Drops entries not seen by the rescan generation a->gen (exited). */
void adjust_track_sweep(struct adjuster *a);
void adjust_watch_remove(struct adjuster *a, pid_t pid);
