/* /proc/zoneinfo: free pages and min/low/high watermarks per zone. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define ZONEINFO_MAX_ZONES 32

struct zone_watermarks {
        int node;
        char name[16];           /* "DMA", "DMA32", "Normal", "Movable", ... */
        uint64_t free_pages;     /* "pages free" */
        uint64_t min, low, high; /* watermarks, pages */
        uint64_t managed;        /* pages managed by the buddy allocator */
};

struct zoneinfo {
        struct zone_watermarks zones[ZONEINFO_MAX_ZONES];
        size_t n_zones;
};

enum watermark_level { WATERMARK_NONE = 0, WATERMARK_MIN, WATERMARK_LOW, WATERMARK_HIGH };

/* Zones with managed == 0 (empty) are dropped. Extra zones beyond
 * ZONEINFO_MAX_ZONES are ignored. -EBADMSG when no zone was found. */
int parse_zoneinfo(const char *buf, size_t len, struct zoneinfo *ret);
int read_zoneinfo(const char *root, struct zoneinfo *ret);

/* The lowest watermark that some populated zone's free pages are below,
 * i.e. WATERMARK_MIN if any zone is below min, else LOW if any is below
 * low, ... WATERMARK_NONE if every zone is above high. Pure. */
enum watermark_level zoneinfo_worst_level(const struct zoneinfo *z);
const char *watermark_level_to_string(enum watermark_level l);
int watermark_level_from_string(const char *s, enum watermark_level *ret);
