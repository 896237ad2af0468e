/* The narrow contexts each stage gets, built from the guard for one call
 * (as action_ctx is). Reads the guard, changes nothing, calls no other
 * file of daemon/: every other daemon file may use it. */
#pragma once

#include "actions/actuator.h"
#include "actions/optin.h"
#include "actions/rankings.h"
#include "guard.h"
#include "policy/supervise.h"

/* The real actuator or the dry-run one (--dry-run, --root, dry_run = yes). */
const struct actuator *context_actuator(const struct guard *g);
bool context_acts_for_real(const struct guard *g);

/* The context actions run in (wakeup: what woke the guard). */
void context_action(struct guard *g, const char *wakeup, struct action_ctx *ret);
/* The opt-in modes: enabled in a live, real, armed daemon. */
struct optin_ctx context_optin(struct guard *g);
/* The rankings; actx must stay where it is while used. */
struct rankings_ctx context_rankings(struct guard *g, const struct action_ctx *actx);
/* The supervisor watch; its findings are carried out by
 * actions/supervisor_act.h under the guard's kill cap. */
struct supervise_ctx context_supervise(struct guard *g);
