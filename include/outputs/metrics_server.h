/* metrics_listen: the guard's side of the metrics HTTP process. The
 * guard never reads the network: a separate program,
 * oomguard-metrics-httpd (src/httpd/), binds the address, drops to an
 * unprivileged user (nobody) and serves metrics_file, which it reads
 * afresh for each scrape. The guard starts it with posix_spawn (an exec:
 * no page of the guard is shared with it), restarts it when it dies (at
 * most once a second; every 10 s while it dies at once, as when the
 * address is taken), replaces it when a reload changes the address or
 * the file, and stops it at exit; the process also exits by itself when
 * the guard dies (PR_SET_PDEATHSIG and a check of its parent).
 *
 * The program is looked for next to the guard's own executable (a build
 * tree: build/oomguard beside build/oomguard-metrics-httpd), then where
 * make install puts it (PKGLIBDIR, $(PREFIX)/lib/oomguard). */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define METRICS_HTTPD_NAME "oomguard-metrics-httpd"

struct metrics_server {
        pid_t pid;                        /* the HTTP process; 0 = none */
        int pidfd;                        /* its pidfd, -1 = none */
        char listen[64];                  /* "ADDR:PORT"; "" = off */
        char file[1024];                  /* the file it serves */
        char user[33];                    /* the user it serves as (started as root) */
        uint64_t started_ns, next_try_ns; /* CLOCK_MONOTONIC */
        uint64_t restarts;
};

void metrics_server_init(struct metrics_server *ms);
/* Starts the HTTP process for listen ("" or NULL: none) serving file as
 * user (NULL: nobody). Replaces one already there. Spawns: at start-up,
 * never on the kill path. Returns 0 or -errno (logged). */
int metrics_server_start(struct metrics_server *ms, const char *listen, const char *file, const char *user);
/* After a reload: a changed address, file or user replaces the process,
 * an address gone stops it, one that appeared starts it; else as ensure. */
int metrics_server_reload(struct metrics_server *ms, const char *listen, const char *file, const char *user);
/* Restarts a process that died: one poll of its pidfd when it lives.
 * Call it once a loop turn, off the kill path. Returns 1 restarted, 0
 * nothing to do (or not yet), -errno. */
int metrics_server_ensure(struct metrics_server *ms);
/* SIGTERM, at most 1 s, then SIGKILL; reaped. */
void metrics_server_stop(struct metrics_server *ms);
/* The program's path into buf: next to /proc/self/exe's target, else
 * PKGLIBDIR. Returns 0, or -ENOENT when neither is executable. */
int metrics_server_find(char *buf, size_t size);
