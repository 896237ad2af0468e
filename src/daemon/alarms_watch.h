/* Limit-hit alarms, wired: each watched cgroup's counters, as read by
 * its last full read, into the pure state machine (policy/alarm.h); its
 * transitions out through warnings_emit. */
#pragma once

struct guard;

/* After the tick's decisions. No allocation; a transition writes a
 * journal entry and a report (rare: twice an episode). */
void alarms_watch_tick(struct guard *g);
