/* /proc/zoneinfo: free pages against the min/low/high watermarks.
 *
 * The file grows with the number of CPUs (a "pagesets" block per CPU per
 * zone), so the reader streams it through a fixed buffer line by line
 * instead of needing the whole file at once. Parser and reader share one
 * line-at-a-time state machine. */
#include <fcntl.h>
#include <string.h>

#include "sources/kv.h"
#include "sources/zoneinfo.h"
#include "util.h"

enum { ZF_FREE = 1, ZF_MIN = 2, ZF_LOW = 4, ZF_HIGH = 8, ZF_MANAGED = 16, ZF_ALL = 31 };

struct zi_state {
        struct zoneinfo zi;
        struct zone_watermarks cur;
        unsigned seen; /* ZF_* of cur; 0 when outside a zone */
        bool in_zone;
};

/* Keeps the zone just finished if it is complete and populated. */
static void zi_commit(struct zi_state *s) {
        if (s->in_zone && s->seen == ZF_ALL && s->cur.managed > 0 && s->zi.n_zones < ZONEINFO_MAX_ZONES)
                s->zi.zones[s->zi.n_zones++] = s->cur;
        s->in_zone = false;
        s->seen = 0;
}

/* "Node 0, zone      DMA" */
static void zi_zone_header(struct zi_state *s, const char *p, const char *end) {
        const char *tok;
        size_t n;
        uint64_t node;
        zi_commit(s);
        kv_token(&p, end, &tok); /* "Node" */
        p = kv_skip_blanks(p, end);
        if (parse_u64_at(&p, end, &node) < 0 || node > INT32_MAX || p >= end || *p != ',')
                return;
        p++;
        n = kv_token(&p, end, &tok);
        if (!kv_token_eq(tok, n, "zone"))
                return;
        n = kv_token(&p, end, &tok);
        if (n == 0 || n >= sizeof(s->cur.name) || kv_skip_blanks(p, end) != end)
                return;
        memset(&s->cur, 0, sizeof(s->cur));
        s->cur.node = (int)node;
        memcpy(s->cur.name, tok, n);
        s->in_zone = true;
}

/* "<key> <number>" with nothing after the number. */
static bool zi_number(const char *p, const char *end, uint64_t *ret) {
        p = kv_skip_blanks(p, end);
        if (parse_u64_at(&p, end, ret) < 0)
                return false;
        return kv_skip_blanks(p, end) == end;
}

static void zi_line(struct zi_state *s, const char *line, size_t len) {
        const char *p = line, *end = line + len, *tok;
        size_t n = kv_token(&p, end, &tok);
        uint64_t *dst = NULL;
        unsigned bit = 0;

        if (kv_token_eq(tok, n, "Node") && tok == line) {
                zi_zone_header(s, line, end);
                return;
        }
        if (!s->in_zone)
                return;
        if (kv_token_eq(tok, n, "pages")) {
                n = kv_token(&p, end, &tok);
                if (kv_token_eq(tok, n, "free"))
                        dst = &s->cur.free_pages, bit = ZF_FREE;
        } else if (kv_token_eq(tok, n, "min"))
                dst = &s->cur.min, bit = ZF_MIN;
        else if (kv_token_eq(tok, n, "low"))
                dst = &s->cur.low, bit = ZF_LOW;
        else if (kv_token_eq(tok, n, "high")) /* not "high:" of pagesets */
                dst = &s->cur.high, bit = ZF_HIGH;
        else if (kv_token_eq(tok, n, "managed"))
                dst = &s->cur.managed, bit = ZF_MANAGED;
        if (dst && !(s->seen & bit) && zi_number(p, end, dst))
                s->seen |= bit;
}

static int zi_finish(struct zi_state *s, struct zoneinfo *ret) {
        zi_commit(s);
        if (s->zi.n_zones == 0)
                return -EBADMSG;
        *ret = s->zi;
        return 0;
}

/* Feeds every complete line of [buf, buf+len); returns bytes consumed. */
static size_t zi_feed(struct zi_state *s, const char *buf, size_t len) {
        const char *p = buf, *line;
        size_t n;
        while (kv_next_line(&p, buf + len, &line, &n))
                zi_line(s, line, n);
        return (size_t)(p - buf);
}

int parse_zoneinfo(const char *buf, size_t len, struct zoneinfo *ret) {
        struct zi_state s = { 0 };
        zi_feed(&s, buf, len);
        return zi_finish(&s, ret);
}

int read_zoneinfo(const char *root, struct zoneinfo *ret) {
        _cleanup_(closep) int fd = open_at_root(root, "/proc/zoneinfo", O_RDONLY);
        struct zi_state s = { 0 };
        char buf[8192];
        size_t have = 0;
        if (fd < 0)
                return fd;
        for (;;) {
                ssize_t n = read(fd, buf + have, sizeof(buf) - have);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                if (n == 0)
                        break;
                have += (size_t)n;
                size_t used = zi_feed(&s, buf, have);
                if (used == 0 && have == sizeof(buf))
                        return -ENOBUFS; /* one line longer than the buffer */
                memmove(buf, buf + used, have - used);
                have -= used;
        }
        return zi_finish(&s, ret);
}

enum watermark_level zoneinfo_worst_level(const struct zoneinfo *z) {
        enum watermark_level worst = WATERMARK_NONE;
        for (size_t i = 0; i < z->n_zones && i < ZONEINFO_MAX_ZONES; i++) {
                const struct zone_watermarks *w = &z->zones[i];
                enum watermark_level l = WATERMARK_NONE;
                if (w->managed == 0)
                        continue;
                if (w->free_pages < w->min)
                        l = WATERMARK_MIN;
                else if (w->free_pages < w->low)
                        l = WATERMARK_LOW;
                else if (w->free_pages < w->high)
                        l = WATERMARK_HIGH;
                /* MIN (1) is the worst; NONE (0) the best. */
                if (l != WATERMARK_NONE && (worst == WATERMARK_NONE || l < worst))
                        worst = l;
        }
        return worst;
}

static const char *const level_names[] = {
        [WATERMARK_NONE] = "none",
        [WATERMARK_MIN] = "min",
        [WATERMARK_LOW] = "low",
        [WATERMARK_HIGH] = "high",
};

const char *watermark_level_to_string(enum watermark_level l) {
        if ((unsigned)l >= ELEMENTSOF(level_names))
                return NULL;
        return level_names[l];
}

int watermark_level_from_string(const char *s, enum watermark_level *ret) {
        for (size_t i = 0; i < ELEMENTSOF(level_names); i++)
                if (s && strcmp(s, level_names[i]) == 0) {
                        *ret = (enum watermark_level)i;
                        return 0;
                }
        return -EINVAL;
}
