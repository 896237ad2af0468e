/* Small helpers shared by every stage: cleanup attributes, clocks, file
 * I/O, growing arrays, fork with a pipe, formatting for people. */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _unused_ __attribute__((unused))
#define _printf_(a, b) __attribute__((format(printf, a, b)))
#define ELEMENTSOF(x) (sizeof(x) / sizeof((x)[0]))

#define OOMGUARD_VERSION "0.1.0" /* --version, the metrics' oomguard_build_info */

#define NSEC_PER_SEC UINT64_C(1000000000)
#define NSEC_PER_MSEC UINT64_C(1000000)
#define USEC_PER_SEC UINT64_C(1000000)

/* "No limit" / "not known" for byte counters (the kernel's "max"). */
#define BYTES_UNLIMITED UINT64_MAX

static inline void freep(void *p) { free(*(void **)p); }
static inline void closep(int *fd) {
        if (*fd >= 0) {
                int saved = errno;
                close(*fd);
                errno = saved;
        }
}

static inline bool errno_is_vanished(int e) {
        /* A process or cgroup that went away between listing and reading. */
        e = e < 0 ? -e : e;
        return e == ENOENT || e == ESRCH || e == ENODEV || e == ENXIO;
}

uint64_t now_ns(void);      /* CLOCK_MONOTONIC */
uint64_t boottime_ns(void); /* CLOCK_BOOTTIME */

/* Make *array (of elem_size elements, *cap of them) hold at least need:
 * the capacity doubles (at least 8) or, when need is more than that,
 * becomes need; n * size is overflow-checked, and on failure the array is
 * left as it was. Allocates: never on the hot path.
 * Returns 0 or -ENOMEM. GROW() is the typed spelling. */
int grow_array(void **array, size_t *cap, size_t need, size_t elem_size);
#define GROW(array, cap, need) grow_array((void **)&(array), &(cap), (need), sizeof(*(array)))

/* Root (euid 0) or any effective capability: a unit's dynamic user with
 * AmbientCapabilities= is as dangerous to trick as root. What a process
 * without either does, its user could do already. Reads no file. */
bool privileged(void);

/* Read a whole small file at root+path into buf (NUL-terminated).
 * Returns bytes read or -errno. -ENOBUFS when it did not fit. */
ssize_t read_file_at(const char *root, const char *path, char *buf, size_t size);

/* Re-read a kept fd from offset 0 (hot path: no allocation). NUL-terminates. */
ssize_t pread_all(int fd, char *buf, size_t size);

/* All n bytes of buf to fd (a pipe may take them in parts), or -errno. */
int write_all(int fd, const char *buf, size_t n);

/* Open root+path read-only, O_CLOEXEC. Returns fd or -errno. */
int open_at_root(const char *root, const char *path, int flags);

/* Whether path is dir or below it ("/a/b" is within "/a" and "/", not
 * within "/a/b2" nor "/a/"'s sibling "/ab"). Both absolute. */
bool path_within(const char *path, const char *dir);

/* A "." or ".." component ("/a/..", "/../b"). The kernel never writes one
 * in a cgroup path of its own namespace: /proc/PID/cgroup shows "/../x"
 * for a process in a cgroup outside the reader's cgroup namespace (another
 * container), which is never within anything of ours. */
bool path_has_dot_component(const char *path);

/* base, then rel, with "." and ".." components resolved: the cgroup a
 * namespace-relative path names ("/a/b" and "/../c" give "/a/c").
 * -EXDEV when it climbs above "/", -ENAMETOOLONG. */
int path_resolve(const char *base, const char *rel, char *ret, size_t size);

/* Join root and path into buf ("/" root means none). -ENAMETOOLONG. */
int path_join(char *buf, size_t size, const char *root, const char *path);

/* Write a string to root+path (open, write, close). Returns 0 or -errno. */
int write_file_at(const char *root, const char *path, const char *value);

/* fork(2) with a pipe: the child writes and the parent reads it
 * (child_writes), or the other way round. Returns the child's pid in the
 * parent, 0 in the child, or -errno; *ret_fd is the caller's own end
 * (O_CLOEXEC), the other end is closed on each side, and the child keeps
 * no other descriptor but 0, 1 and 2. */
static inline uint64_t min_u64(uint64_t a, uint64_t b) { return a < b ? a : b; }

pid_t fork_piped(bool child_writes, int *ret_fd);

/* Starts the program at path (posix_spawn: a vfork, then exec; none of
 * the caller's pages are shared with it copy-on-write) with argv; fds[i]
 * becomes its descriptor SPAWN_FIRST_FD + i, and it keeps no other but 0,
 * 1 and 2; no signal blocked or ignored. Returns 0 or -errno. spawn_self:
 * this program again (/proc/self/exe). */
#define SPAWN_FIRST_FD 3
#define SPAWN_FDS_MAX 4
int spawn_program(const char *path, char *const argv[], const int *fds, size_t n_fds, pid_t *ret_pid);
int spawn_self(char *const argv[], const int *fds, size_t n_fds, pid_t *ret_pid);

/* "1.5GiB", "512.0MiB", "max" (BYTES_UNLIMITED). */
const char *format_bytes(char *buf, size_t size, uint64_t bytes);

/* Copy src into dst (always NUL-terminated); replace control and
 * non-printable bytes with '?' so hostile process names can be logged. */
void sanitize_copy(char *dst, size_t size, const char *src);
