/* /proc/zoneinfo parser, streaming reader and watermark levels. */
#include "testing.h"
#include "../fixtures/sources/tree.h"

#include "sources/zoneinfo.h"
#include "util.h"

/* This host's /proc/zoneinfo (kernel 6.18), trimmed: per-node stats cut
 * short, one CPU per pageset. Movable and Device are empty zones. */
static const char sample[] =
        "Node 0, zone      DMA\n"
        "  per-node stats\n"
        "      nr_inactive_anon 966\n"
        "      nr_active_anon 380\n"
        "      nr_free_pages_blocks 3584\n"
        "  pages free     3840\n"
        "        boost    0\n"
        "        min      62\n"
        "        low      77\n"
        "        high     92\n"
        "        promo    107\n"
        "        spanned  4095\n"
        "        present  3998\n"
        "        managed  3840\n"
        "        cma      0\n"
        "        protection: (0, 3019, 4043, 4043, 4043)\n"
        "      nr_free_pages 3840\n"
        "      numa_other   0\n"
        "  pagesets\n"
        "    cpu: 0\n"
        "              count:    0\n"
        "              high:     0\n"
        "              batch:    1\n"
        "              high_min: 38\n"
        "              high_max: 240\n"
        "  vm stats threshold: 4\n"
        "  node_unreclaimable:  0\n"
        "  start_pfn:           1\n"
        "Node 0, zone    DMA32\n"
        "  pages free     772917\n"
        "        boost    0\n"
        "        min      12570\n"
        "        low      15712\n"
        "        high     18854\n"
        "        promo    21996\n"
        "        spanned  1044480\n"
        "        present  782336\n"
        "        managed  772917\n"
        "        cma      0\n"
        "        protection: (0, 0, 1024, 1024, 1024)\n"
        "      nr_free_pages 772917\n"
        "  pagesets\n"
        "    cpu: 0\n"
        "              count:    77\n"
        "              high:     99999\n"
        "              batch:    63\n"
        "  vm stats threshold: 24\n"
        "  node_unreclaimable:  0\n"
        "  start_pfn:           4096\n"
        "Node 0, zone   Normal\n"
        "  pages free     162755\n"
        "        boost    0\n"
        "        min      4263\n"
        "        low      5328\n"
        "        high     6393\n"
        "        promo    7458\n"
        "        spanned  262144\n"
        "        present  262144\n"
        "        managed  262144\n"
        "        cma      0\n"
        "        protection: (0, 0, 0, 0, 0)\n"
        "  pagesets\n"
        "    cpu: 0\n"
        "              count:    12\n"
        "              high:     250\n"
        "              batch:    63\n"
        "  vm stats threshold: 24\n"
        "  node_unreclaimable:  0\n"
        "  start_pfn:           1048576\n"
        "Node 0, zone  Movable\n"
        "  pages free     0\n"
        "        boost    0\n"
        "        min      32\n"
        "        low      32\n"
        "        high     32\n"
        "        promo    32\n"
        "        spanned  0\n"
        "        present  0\n"
        "        managed  0\n"
        "        cma      0\n"
        "        protection: (0, 0, 0, 0, 0)\n"
        "Node 0, zone   Device\n"
        "  pages free     0\n"
        "        boost    0\n"
        "        min      0\n"
        "        low      0\n"
        "        high     0\n"
        "        promo    0\n"
        "        spanned  0\n"
        "        present  0\n"
        "        managed  0\n"
        "        cma      0\n"
        "        protection: (0, 0, 0, 0, 0)\n";

static void test_sample(void **state) {
        struct zoneinfo z;
        assert_int_equal(PARSE_X(parse_zoneinfo, sample, &z), 0);
        assert_int_equal(z.n_zones, 3); /* Movable, Device: managed 0 */
        assert_string_equal(z.zones[0].name, "DMA");
        assert_int_equal(z.zones[0].node, 0);
        assert_int_equal(z.zones[0].free_pages, 3840);
        assert_int_equal(z.zones[0].min, 62);
        assert_int_equal(z.zones[0].low, 77);
        assert_int_equal(z.zones[0].high, 92); /* not the pageset's "high:" */
        assert_int_equal(z.zones[0].managed, 3840);
        assert_string_equal(z.zones[1].name, "DMA32");
        assert_int_equal(z.zones[1].high, 18854);
        assert_string_equal(z.zones[2].name, "Normal");
        assert_int_equal(z.zones[2].free_pages, 162755);
        assert_int_equal(z.zones[2].min, 4263);
        assert_int_equal(z.zones[2].managed, 262144);
        assert_int_equal(zoneinfo_worst_level(&z), WATERMARK_NONE);
}

static void test_two_nodes(void **state) {
        struct zoneinfo z;
        const char *text =
                "Node 0, zone   Normal\n  pages free     100\n        min      10\n"
                "        low      20\n        high     30\n        managed  1000\n"
                "Node 1, zone   Normal\n  pages free     15\n        min      10\n"
                "        low      20\n        high     30\n        managed  1000\n";
        assert_int_equal(PARSE_X(parse_zoneinfo, text, &z), 0);
        assert_int_equal(z.n_zones, 2);
        assert_int_equal(z.zones[1].node, 1);
        assert_int_equal(z.zones[1].free_pages, 15);
        assert_int_equal(zoneinfo_worst_level(&z), WATERMARK_LOW);
}

static void test_levels(void **state) {
        struct zoneinfo z = { .n_zones = 2 };
        z.zones[0] = (struct zone_watermarks){ .free_pages = 1000, .min = 10, .low = 20, .high = 30, .managed = 5000 };
        z.zones[1] = z.zones[0];
        assert_int_equal(zoneinfo_worst_level(&z), WATERMARK_NONE);
        z.zones[1].free_pages = 30; /* at high: not below */
        assert_int_equal(zoneinfo_worst_level(&z), WATERMARK_NONE);
        z.zones[1].free_pages = 29;
        assert_int_equal(zoneinfo_worst_level(&z), WATERMARK_HIGH);
        z.zones[0].free_pages = 19;
        assert_int_equal(zoneinfo_worst_level(&z), WATERMARK_LOW);
        z.zones[1].free_pages = 9;
        assert_int_equal(zoneinfo_worst_level(&z), WATERMARK_MIN);
        z.zones[1].managed = 0; /* an empty zone does not count */
        assert_int_equal(zoneinfo_worst_level(&z), WATERMARK_LOW);
        z.n_zones = 0;
        assert_int_equal(zoneinfo_worst_level(&z), WATERMARK_NONE);
}

static void test_level_strings(void **state) {
        enum watermark_level l = WATERMARK_NONE;
        assert_string_equal(watermark_level_to_string(WATERMARK_MIN), "min");
        assert_string_equal(watermark_level_to_string(WATERMARK_LOW), "low");
        assert_string_equal(watermark_level_to_string(WATERMARK_HIGH), "high");
        assert_string_equal(watermark_level_to_string(WATERMARK_NONE), "none");
        assert_null(watermark_level_to_string((enum watermark_level)42));
        assert_int_equal(watermark_level_from_string("low", &l), 0);
        assert_int_equal(l, WATERMARK_LOW);
        assert_int_equal(watermark_level_from_string("high", &l), 0);
        assert_int_equal(l, WATERMARK_HIGH);
        assert_int_equal(watermark_level_from_string("LOW", &l), -EINVAL);
        assert_int_equal(watermark_level_from_string("", &l), -EINVAL);
        assert_int_equal(watermark_level_from_string(NULL, &l), -EINVAL);
        assert_int_equal(l, WATERMARK_HIGH);
}

static void test_errors(void **state) {
        struct zoneinfo z = { .n_zones = 99 };
        assert_int_equal(PARSE_X(parse_zoneinfo, "", &z), -EBADMSG);
        assert_int_equal(PARSE_X(parse_zoneinfo, "garbage\n\xff\n", &z), -EBADMSG);
        /* a zone without its watermarks does not count */
        assert_int_equal(PARSE_X(parse_zoneinfo, "Node 0, zone Normal\n  pages free 5\n        managed 9\n", &z),
                         -EBADMSG);
        /* fields outside any zone are ignored */
        assert_int_equal(PARSE_X(parse_zoneinfo, "  pages free 5\n min 1\n low 2\n high 3\n managed 9\n", &z),
                         -EBADMSG);
        /* bad header: the zone's fields are not trusted */
        assert_int_equal(PARSE_X(parse_zoneinfo,
                                 "Node x, zone Normal\n  pages free 5\n min 1\n low 2\n high 3\n managed 9\n", &z),
                         -EBADMSG);
        assert_int_equal(
                PARSE_X(parse_zoneinfo,
                        "Node 0, zone ThisNameIsFarTooLong\n  pages free 5\n min 1\n low 2\n high 3\n managed 9\n", &z),
                -EBADMSG);
        assert_int_equal(
                PARSE_X(parse_zoneinfo,
                        "Node 0, zone Normal\n  pages free 99999999999999999999\n min 1\n low 2\n high 3\n managed 9\n",
                        &z),
                -EBADMSG);
        /* only empty zones */
        assert_int_equal(PARSE_X(parse_zoneinfo,
                                 "Node 0, zone Movable\n  pages free 0\n min 1\n low 2\n high 3\n managed 0\n", &z),
                         -EBADMSG);
        assert_int_equal(z.n_zones, 99);
}

static void test_every_truncation(void **state) {
        struct zoneinfo full, z;
        assert_int_equal(PARSE_X(parse_zoneinfo, sample, &full), 0);
        for (size_t len = 0; len < strlen(sample); len++) {
                memset(&z, 0, sizeof(z));
                int r = PARSE_N(parse_zoneinfo, sample, len, &z);
                if (r < 0) {
                        assert_int_equal(r, -EBADMSG);
                        continue;
                }
                /* a zone is kept only when all its numbers were complete */
                for (size_t i = 0; i < z.n_zones; i++)
                        assert_memory_equal(&z.zones[i], &full.zones[i], sizeof(z.zones[i]));
        }
}

static void test_too_many_zones(void **state) {
        static char big[64 * 1024];
        size_t n = 0;
        for (int i = 0; i < ZONEINFO_MAX_ZONES + 8; i++)
                n += (size_t)snprintf(big + n, sizeof(big) - n,
                                      "Node %d, zone Normal\n  pages free %d\n min 1\n low 2\n high 3\n managed 100\n",
                                      i, i + 10);
        struct zoneinfo z;
        assert_int_equal(PARSE_N(parse_zoneinfo, big, n, &z), 0);
        assert_int_equal(z.n_zones, ZONEINFO_MAX_ZONES);
        assert_int_equal(z.zones[ZONEINFO_MAX_ZONES - 1].node, ZONEINFO_MAX_ZONES - 1);
}

/* Many CPUs make zoneinfo big: the reader streams it through a small
 * buffer and must not lose a line at a chunk boundary. */
static void test_reader_big_file(void **state) {
        char *root = tree_new();
        static char big[512 * 1024];
        size_t n = 0;
        for (int zone = 0; zone < 3; zone++) {
                n += (size_t)snprintf(big + n, sizeof(big) - n,
                                      "Node 0, zone Zone%d\n  pages free     %d\n        min      10\n"
                                      "        low      20\n        high     30\n",
                                      zone, 1000 + zone);
                n += (size_t)snprintf(big + n, sizeof(big) - n, "  pagesets\n");
                for (int cpu = 0; cpu < 512; cpu++)
                        n += (size_t)snprintf(big + n, sizeof(big) - n,
                                              "    cpu: %d\n              count:    0\n              high:     0\n"
                                              "              batch:    1\n  vm stats threshold: 4\n",
                                              cpu);
                /* managed after the pagesets: order does not matter */
                n += (size_t)snprintf(big + n, sizeof(big) - n, "        managed  %d\n", 5000 + zone);
        }
        assert_true(n > 128 * 1024 && n < sizeof(big) - 1);
        tree_write(root, "proc/zoneinfo", big);
        struct zoneinfo z;
        assert_int_equal(read_zoneinfo(root, &z), 0);
        assert_int_equal(z.n_zones, 3);
        for (int i = 0; i < 3; i++) {
                assert_int_equal(z.zones[i].free_pages, 1000 + i);
                assert_int_equal(z.zones[i].managed, 5000 + i);
                assert_int_equal(z.zones[i].high, 30);
        }
        tree_rm(root);
        free(root);
}

static void test_reader(void **state) {
        char *root = tree_new();
        struct zoneinfo z, parsed;
        assert_int_equal(read_zoneinfo(root, &z), -ENOENT);
        tree_write(root, "proc/zoneinfo", sample);
        assert_int_equal(read_zoneinfo(root, &z), 0);
        assert_int_equal(PARSE_X(parse_zoneinfo, sample, &parsed), 0);
        assert_memory_equal(&z, &parsed, sizeof(z));
        tree_write(root, "proc/zoneinfo", "nothing here\n");
        assert_int_equal(read_zoneinfo(root, &z), -EBADMSG);
        tree_rm(root);
        free(root);
        if (access(SOURCES_FIXTURES "/root/proc/zoneinfo", R_OK) == 0) {
                assert_int_equal(read_zoneinfo(SOURCES_FIXTURES "/root", &z), 0);
                assert_int_equal(z.n_zones, 3);
        }
        if (access("/proc/zoneinfo", R_OK) == 0) {
                assert_int_equal(read_zoneinfo("/", &z), 0);
                assert_true(z.n_zones > 0);
        }
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_sample),         cmocka_unit_test(test_two_nodes),
                cmocka_unit_test(test_levels),         cmocka_unit_test(test_level_strings),
                cmocka_unit_test(test_errors),         cmocka_unit_test(test_every_truncation),
                cmocka_unit_test(test_too_many_zones), cmocka_unit_test(test_reader_big_file),
                cmocka_unit_test(test_reader),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
