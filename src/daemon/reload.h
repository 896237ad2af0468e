/* Loading the policy at start and on SIGHUP. */
#pragma once

#include "guard.h"
#include "policy/policy.h"

/* Load the config into *ret; on error log every error and return it. */
int load_policy(const char *path, struct policy *ret);

/* SIGHUP: load path; on success swap it in, on failure keep the old one
 * (and say so). Tells systemd RELOADING=1, then READY=1 either way. */
void reload_policy(struct guard *g, const char *path);
