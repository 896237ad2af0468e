/* Internal to src/actions/optin*.c: the undo log (optin_changes.c) and
 * one mode's tick for one watched cgroup (index i, valid this tick, whose
 * rule has the mode; optin_tripwire.c, optin_oom.c). */
#pragma once

#include "actions/optin.h"

int optin_record(struct optin_state *s, enum restore_key key, const char *path, const char *original, const char *ours);
int optin_put_back(struct optin_state *s, enum restore_key key, const char *path, const char *why);
/* Put entry i back and drop it when that worked (it stays when not). */
int optin_put_back_at(struct optin_state *s, size_t i, const char *why);
/* Puts back every entry put() says, then saves the file once. */
void optin_put_back_where(struct optin_state *s, bool (*put)(const struct restore_entry *e, const void *ud),
                          const void *ud, const char *why);
int optin_cgroup_file(const struct optin_ctx *c, const struct watched_cgroup *w, const char *name, char *buf,
                      size_t size);
/* Returns true when memory.events "high" rose at our tripwire. */
bool optin_tripwire_tick(struct optin_state *s, const struct optin_ctx *c, size_t i);
void optin_oom_tick(struct optin_state *s, const struct optin_ctx *c, size_t i, uint64_t now);
/* Forget the per-cgroup state of the modes (after everything was put back). */
void optin_forget(struct watched_cgroup *w);
