/* The adjuster's fixed tables: processes already handled (open addressing
 * on the pid, linear probing, deletion by backward shift so there are no
 * tombstones to clean up) and the enforce watch list. No allocation. */
#include <string.h>

#include "adjust_internal.h"

static size_t slot_of(const struct adjuster *a, pid_t pid) { return ((size_t)pid * 2654435761u) & (a->track_cap - 1); }

static struct adjust_track_entry *lookup(struct adjuster *a, pid_t pid) {
        for (size_t i = slot_of(a, pid), n = 0; n < a->track_cap; i = (i + 1) & (a->track_cap - 1), n++) {
                if (a->track[i].pid == pid)
                        return &a->track[i];
                if (a->track[i].pid == 0)
                        return NULL;
        }
        return NULL;
}

/* A pid seen with another start time is a new process (pid reuse). */
struct adjust_track_entry *adjust_track_find(struct adjuster *a, pid_t pid, uint64_t starttime) {
        struct adjust_track_entry *e = a->track ? lookup(a, pid) : NULL;
        return e && e->starttime == starttime ? e : NULL;
}

struct adjust_track_entry *adjust_track_add(struct adjuster *a, pid_t pid, uint64_t starttime, int rule) {
        if (!a->track)
                return NULL;
        struct adjust_track_entry *e = lookup(a, pid);
        if (!e) {
                if (a->n_track >= a->track_cap / 4 * 3) {
                        a->n_overflow++; /* treated as new at each rescan */
                        return NULL;
                }
                size_t i = slot_of(a, pid);
                while (a->track[i].pid != 0)
                        i = (i + 1) & (a->track_cap - 1);
                e = &a->track[i];
                a->n_track++;
        }
        *e = (struct adjust_track_entry){
                .pid = pid, .rule = (int16_t)rule, .gen = a->gen, .batch = a->batch_no, .starttime = starttime
        };
        return e;
}

/* Backward shift: move later entries of the probe chain into the hole
 * unless that would put them before their home slot. */
static void remove_slot(struct adjuster *a, size_t hole) {
        size_t mask = a->track_cap - 1;
        for (size_t j = (hole + 1) & mask; a->track[j].pid != 0; j = (j + 1) & mask) {
                size_t home = slot_of(a, a->track[j].pid);
                bool movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
                if (movable) {
                        a->track[hole] = a->track[j];
                        hole = j;
                }
        }
        a->track[hole] = (struct adjust_track_entry){ 0 };
        a->n_track--;
}

void adjust_track_remove(struct adjuster *a, pid_t pid) {
        struct adjust_track_entry *e = a->track ? lookup(a, pid) : NULL;
        adjust_watch_remove(a, pid);
        if (e)
                remove_slot(a, (size_t)(e - a->track));
}

/* After a full rescan every live process has gen == a->gen. A removal
 * can shift an unchecked entry into slot i: look at i again. Entries
 * shifted from the wrapped start were already checked and kept. */
void adjust_track_sweep(struct adjuster *a) {
        for (size_t i = 0; a->track && i < a->track_cap;) {
                if (a->track[i].pid != 0 && a->track[i].gen != a->gen) {
                        adjust_watch_remove(a, a->track[i].pid);
                        remove_slot(a, i);
                } else
                        i++;
        }
}

void adjust_watch_remove(struct adjuster *a, pid_t pid) {
        for (size_t i = 0; i < a->n_watch; i++)
                if (a->watch[i].pid == pid) {
                        close(a->watch[i].fd);
                        a->watch[i] = a->watch[--a->n_watch];
                        return;
                }
}
