/* Memory cgroup parsers (v1, v2) and the kept-fd reader. */
#include <fcntl.h>
#include <sys/stat.h>

#include "testing.h"
#include "../fixtures/sources/tree.h"

#include "sources/memcg.h"
#include "util.h"

#define V1_UNLIMITED "9223372036854771712"

/* This host's root memcg memory.stat (cgroup v1, kernel 6.18). */
static const char v1_stat[] =
        "cache 9236480\nrss 4947968\nrss_huge 0\nshmem 9068544\nmapped_file 7495680\n"
        "dirty 8192\nwriteback 0\nworkingset_refault_anon 0\nworkingset_refault_file 44\n"
        "swap 0\nswapcached 0\npgpgin 33778\npgpgout 30315\npgfault 33725\npgmajfault 0\n"
        "inactive_anon 0\nactive_anon 1531904\ninactive_file 16384\nactive_file 151552\n"
        "unevictable 12484608\nhierarchical_memory_limit " V1_UNLIMITED
        "\n"
        "hierarchical_memsw_limit " V1_UNLIMITED
        "\ntotal_cache 26525696\ntotal_rss 8888320\n"
        "total_rss_huge 0\ntotal_shmem 9068544\ntotal_mapped_file 10854400\ntotal_dirty 98304\n"
        "total_writeback 0\ntotal_workingset_refault_anon 0\ntotal_workingset_refault_file 2948\n"
        "total_swap 0\ntotal_swapcached 0\ntotal_pgpgin 701741\ntotal_pgpgout 693251\n"
        "total_pgfault 818499\ntotal_pgmajfault 959\ntotal_inactive_anon 3821568\n"
        "total_active_anon 1560576\ntotal_inactive_file 6729728\ntotal_active_file 10727424\n"
        "total_unevictable 12484608\n";

/* cgroup v2 memory.stat as kernel 6.x prints it (trimmed). */
static const char v2_stat[] =
        "anon 1871872\nfile 7151616\nkernel 1425408\nkernel_stack 65536\npagetables 208896\n"
        "sock 0\nshmem 135168\nfile_mapped 4198400\nfile_dirty 0\nfile_writeback 0\n"
        "swapcached 0\nanon_thp 0\nfile_thp 0\nshmem_thp 0\ninactive_anon 1806336\n"
        "active_anon 65536\ninactive_file 5349376\nactive_file 1802240\nunevictable 0\n"
        "slab_reclaimable 757400\nslab_unreclaimable 318664\nslab 1076064\n"
        "workingset_refault_anon 0\nworkingset_refault_file 0\npgscan 0\npgsteal 0\n"
        "pgfault 5316\npgmajfault 93\npgrefill 0\nthp_fault_alloc 0\n";

static const char v2_events[] = "low 0\nhigh 12\nmax 345\noom 3\noom_kill 2\noom_group_kill 0\n";

static void test_v1_stat_totals(void **state) {
        struct memcg_stat s;
        assert_int_equal(PARSE_X(parse_memcg_v1_stat, v1_stat, &s), 0);
        assert_int_equal(s.file, 26525696);
        assert_int_equal(s.anon, 8888320);
        assert_int_equal(s.active_file, 10727424);
        assert_int_equal(s.inactive_file, 6729728);
        assert_int_equal(s.shmem, 9068544);
        assert_int_equal(s.mapped, 10854400); /* total_mapped_file, not the local one */
        assert_int_equal(s.pgfault, 818499);
        assert_int_equal(s.pgmajfault, 959);
}

static void test_v1_stat_local(void **state) {
        /* only the local half (cut before the total_* block) */
        size_t len = (size_t)(strstr(v1_stat, "total_cache") - v1_stat);
        struct memcg_stat s;
        assert_int_equal(PARSE_N(parse_memcg_v1_stat, v1_stat, len, &s), 0);
        assert_int_equal(s.file, 9236480);
        assert_int_equal(s.anon, 4947968);
        assert_int_equal(s.inactive_file, 16384);
        assert_int_equal(s.active_file, 151552);
        assert_int_equal(s.pgfault, 33725);
}

static void test_v1_stat_errors(void **state) {
        struct memcg_stat s = { .anon = 5 };
        assert_int_equal(PARSE_X(parse_memcg_v1_stat, "", &s), -EBADMSG);
        assert_int_equal(PARSE_X(parse_memcg_v1_stat, "rss 1\nshmem 2\n", &s), -EBADMSG);
        assert_int_equal(PARSE_X(parse_memcg_v1_stat, "cache 1\n", &s), -EBADMSG);
        assert_int_equal(PARSE_X(parse_memcg_v1_stat, "\xff\xfe garbage\n", &s), -EBADMSG);
        /* a v2 memory.stat is not a v1 one */
        assert_int_equal(PARSE_X(parse_memcg_v1_stat, v2_stat, &s), -EBADMSG);
        assert_int_equal(PARSE_X(parse_memcg_v1_stat, "cache 1\nrss 99999999999999999999\n", &s), -ERANGE);
        assert_int_equal(s.anon, 5);
}

static void test_v2_stat(void **state) {
        struct memcg_stat s;
        assert_int_equal(PARSE_X(parse_memcg_v2_stat, v2_stat, &s), 0);
        assert_int_equal(s.anon, 1871872);
        assert_int_equal(s.file, 7151616);
        assert_int_equal(s.active_file, 1802240);
        assert_int_equal(s.inactive_file, 5349376);
        assert_int_equal(s.shmem, 135168);
        assert_int_equal(s.mapped, 4198400);
        assert_int_equal(s.pgfault, 5316);
        assert_int_equal(s.pgmajfault, 93);
}

static void test_v2_stat_errors(void **state) {
        struct memcg_stat s = { .anon = 5 };
        assert_int_equal(PARSE_X(parse_memcg_v2_stat, "", &s), -EBADMSG);
        assert_int_equal(PARSE_X(parse_memcg_v2_stat, "anon 1\n", &s), -EBADMSG);
        assert_int_equal(PARSE_X(parse_memcg_v2_stat, "anon_thp 1\nfile_mapped 2\n", &s), -EBADMSG);
        assert_int_equal(PARSE_X(parse_memcg_v2_stat, v1_stat, &s), -EBADMSG);
        assert_int_equal(PARSE_X(parse_memcg_v2_stat, "anon 1\nfile 18446744073709551616\n", &s), -ERANGE);
        assert_int_equal(s.anon, 5);
}

static void test_stat_every_truncation(void **state) {
        struct memcg_stat full, s;
        assert_int_equal(PARSE_X(parse_memcg_v2_stat, v2_stat, &full), 0);
        for (size_t len = 0; len < strlen(v2_stat); len++) {
                memset(&s, 0, sizeof(s));
                int r = PARSE_N(parse_memcg_v2_stat, v2_stat, len, &s);
                assert_true(r == 0 || r == -EBADMSG);
                if (r == 0) {
                        assert_int_equal(s.anon, full.anon);
                        assert_int_equal(s.file, full.file);
                        assert_true(s.inactive_file == 0 || s.inactive_file == full.inactive_file);
                }
        }
        for (size_t len = 0; len < strlen(v1_stat); len++) {
                int r = PARSE_N(parse_memcg_v1_stat, v1_stat, len, &s);
                assert_true(r == 0 || r == -EBADMSG);
        }
}

static void test_v1_oom_control(void **state) {
        bool disabled = true;
        uint64_t under = 9, kills = 9;
        assert_int_equal(PARSE_X(parse_memcg_v1_oom_control, "oom_kill_disable 0\nunder_oom 0\noom_kill 0\n", &disabled,
                                 &under, &kills),
                         0);
        assert_false(disabled);
        assert_int_equal(under, 0);
        assert_int_equal(kills, 0);
        assert_int_equal(PARSE_X(parse_memcg_v1_oom_control, "oom_kill_disable 1\nunder_oom 1\noom_kill 12\n",
                                 &disabled, &under, &kills),
                         0);
        assert_true(disabled);
        assert_int_equal(under, 1);
        assert_int_equal(kills, 12);
        /* kernels < 4.13: no oom_kill line */
        assert_int_equal(
                PARSE_X(parse_memcg_v1_oom_control, "oom_kill_disable 0\nunder_oom 0\n", &disabled, &under, &kills), 0);
        assert_int_equal(kills, 0);
}

static void test_v1_oom_control_errors(void **state) {
        bool disabled = true;
        uint64_t under = 9, kills = 9;
        assert_int_equal(PARSE_X(parse_memcg_v1_oom_control, "", &disabled, &under, &kills), -EBADMSG);
        assert_int_equal(
                PARSE_X(parse_memcg_v1_oom_control, "oom_kill_disable 0\noom_kill 3\n", &disabled, &under, &kills),
                -EBADMSG);
        assert_int_equal(PARSE_X(parse_memcg_v1_oom_control, "oom_kill_disable 0\nunder_oom 0\noom_kill 3", &disabled,
                                 &under, &kills),
                         0);
        assert_int_equal(kills, 0); /* the cut last line does not count */
        kills = 9;
        assert_int_equal(
                PARSE_N(parse_memcg_v1_oom_control, "oom_kill_disable 0\nunder_oom 0\n", 20, &disabled, &under, &kills),
                -EBADMSG);
        assert_int_equal(PARSE_X(parse_memcg_v1_oom_control,
                                 "oom_kill_disable 0\nunder_oom 0\noom_kill 99999999999999999999\n", &disabled, &under,
                                 &kills),
                         -ERANGE);
        assert_false(disabled);
        assert_int_equal(kills, 9);
}

static void test_v2_events(void **state) {
        uint64_t max = 0, oom = 0, kills = 0;
        assert_int_equal(PARSE_X(parse_memcg_v2_events, v2_events, &max, &oom, &kills), 0);
        assert_int_equal(max, 345);
        assert_int_equal(oom, 3);
        assert_int_equal(kills, 2);
        assert_int_equal(PARSE_X(parse_memcg_v2_events, "low 0\nhigh 0\nmax 0\noom 0\n", &max, &oom, &kills), 0);
        assert_int_equal(kills, 0);
        max = oom = kills = 7;
        assert_int_equal(PARSE_X(parse_memcg_v2_events, "", &max, &oom, &kills), -EBADMSG);
        assert_int_equal(PARSE_X(parse_memcg_v2_events, "low 0\nhigh 0\nmax 1\n", &max, &oom, &kills), -EBADMSG);
        assert_int_equal(PARSE_X(parse_memcg_v2_events, "max max\noom 1\n", &max, &oom, &kills), -EBADMSG);
        assert_int_equal(PARSE_X(parse_memcg_v2_events, "max 1\noom 18446744073709551616\n", &max, &oom, &kills),
                         -ERANGE);
        assert_int_equal(PARSE_N(parse_memcg_v2_events, v2_events, 20, &max, &oom, &kills), -EBADMSG);
        assert_int_equal(max, 7);
        assert_int_equal(oom, 7);
        assert_int_equal(kills, 7);
}

static void test_normalize(void **state) {
        assert_true(memcg_v1_normalize_limit(UINT64_C(9223372036854771712)) == BYTES_UNLIMITED);
        assert_true(memcg_v1_normalize_limit(MEMCG_V1_UNLIMITED_FLOOR) == BYTES_UNLIMITED);
        assert_true(memcg_v1_normalize_limit(UINT64_MAX) == BYTES_UNLIMITED);
        assert_true(memcg_v1_normalize_limit(MEMCG_V1_UNLIMITED_FLOOR - 4096) == MEMCG_V1_UNLIMITED_FLOOR - 4096);
        assert_int_equal(memcg_v1_normalize_limit(268435456), 268435456);
        assert_int_equal(memcg_v1_normalize_limit(0), 0);
}

/* --- kept-fd reader against fixture trees --- */

static void write_v1(const char *root, const char *dir, bool memsw) {
        char p[256];
#define W(name, val) (snprintf(p, sizeof(p), "%s/" name, dir), tree_write(root, p, val))
        W("memory.usage_in_bytes", "35414016\n");
        W("memory.limit_in_bytes", "268435456\n");
        W("memory.failcnt", "17\n");
        W("memory.oom_control", "oom_kill_disable 1\nunder_oom 1\noom_kill 4\n");
        W("memory.stat", v1_stat);
        if (memsw) {
                W("memory.memsw.usage_in_bytes", "35418112\n");
                W("memory.memsw.limit_in_bytes", V1_UNLIMITED "\n");
        }
#undef W
}

static void write_v2(const char *root, const char *dir, bool optional) {
        char p[256];
#define W(name, val) (snprintf(p, sizeof(p), "%s/" name, dir), tree_write(root, p, val))
        W("memory.current", "9015296\n");
        W("memory.max", "268435456\n");
        W("memory.events", v2_events);
        W("memory.stat", v2_stat);
        if (optional) {
                W("memory.high", "201326592\n");
                W("memory.swap.current", "4096\n");
                W("memory.swap.max", "max\n");
                W("memory.pressure",
                  "some avg10=1.50 avg60=0.75 avg300=0.20 total=123456\n"
                  "full avg10=0.50 avg60=0.25 avg300=0.05 total=65432\n");
        }
#undef W
}

static char *join(const char *root, const char *rel) {
        char *s;
        assert_true(asprintf(&s, "%s/%s", root, rel) > 0);
        return s;
}

static void test_read_v1(void **state) {
        char *root = tree_new(), *dir = join(root, "memory/app");
        char buf[8192];
        struct memcg_files f;
        struct memcg_stats m;
        write_v1(root, "memory/app", true);
        assert_int_equal(memcg_open(CGROUP_V1, dir, NULL, &f), 0);
        assert_int_equal(f.fd[MEMCG_HIGH], -1);
        assert_int_equal(f.fd[MEMCG_PRESSURE], -1);
        assert_int_equal(memcg_read(&f, buf, sizeof(buf), &m), 0);
        assert_int_equal(m.version, CGROUP_V1);
        assert_int_equal(m.usage, 35414016);
        assert_int_equal(m.limit, 268435456);
        assert_true(m.high == BYTES_UNLIMITED);
        assert_int_equal(m.swap_usage, 4096); /* memsw.usage - usage */
        assert_true(m.swap_limit == BYTES_UNLIMITED);
        assert_int_equal(m.failcnt, 17);
        assert_int_equal(m.oom, 1);
        assert_int_equal(m.oom_kill, 4);
        assert_true(m.oom_kill_disable);
        assert_int_equal(m.stat.inactive_file, 6729728); /* total_* */
        assert_false(m.has_psi);

        /* the tick re-reads the same fds: new values show up */
        tree_write(root, "memory/app/memory.failcnt", "18\n");
        tree_write(root, "memory/app/memory.limit_in_bytes", V1_UNLIMITED "\n");
        assert_int_equal(memcg_read(&f, buf, sizeof(buf), &m), 0);
        assert_int_equal(m.failcnt, 18);
        assert_true(m.limit == BYTES_UNLIMITED);
        memcg_close(&f);
        for (int i = 0; i < _MEMCG_FILE_MAX; i++)
                assert_int_equal(f.fd[i], -1);
        memcg_close(&f); /* twice is harmless */
        tree_rm(root);
        free(root);
        free(dir);
}

static void test_v1_swap_limit(void **state) {
        char *root = tree_new(), *dir = join(root, "cg");
        char buf[8192];
        struct memcg_files f;
        struct memcg_stats m;
        write_v1(root, "cg", true);
        /* memsw 512M, memory 256M: 256M of swap allowed */
        tree_write(root, "cg/memory.memsw.limit_in_bytes", "536870912\n");
        /* usage above memsw usage (racy reads): clamp at 0 */
        tree_write(root, "cg/memory.memsw.usage_in_bytes", "35000000\n");
        assert_int_equal(memcg_open(CGROUP_V1, dir, NULL, &f), 0);
        assert_int_equal(memcg_read(&f, buf, sizeof(buf), &m), 0);
        assert_int_equal(m.swap_limit, 268435456);
        assert_int_equal(m.swap_usage, 0);
        /* memsw == memory: no swap at all for this cgroup */
        tree_write(root, "cg/memory.memsw.limit_in_bytes", "268435456\n");
        assert_int_equal(memcg_read(&f, buf, sizeof(buf), &m), 0);
        assert_int_equal(m.swap_limit, 0);
        /* memory unlimited, memsw limited: memsw bounds swap */
        tree_write(root, "cg/memory.limit_in_bytes", V1_UNLIMITED "\n");
        tree_write(root, "cg/memory.memsw.limit_in_bytes", "536870912\n");
        assert_int_equal(memcg_read(&f, buf, sizeof(buf), &m), 0);
        assert_int_equal(m.swap_limit, 536870912);
        memcg_close(&f);
        tree_rm(root);
        free(root);
        free(dir);
}

static void test_read_v1_no_memsw_hybrid_psi(void **state) {
        char *root = tree_new(), *dir = join(root, "memory/app"), *psi = join(root, "unified/app");
        char buf[8192];
        struct memcg_files f;
        struct memcg_stats m;
        write_v1(root, "memory/app", false); /* swapaccount=0 */
        tree_write(root, "unified/app/memory.pressure",
                   "some avg10=2.00 avg60=1.00 avg300=0.50 total=777\n"
                   "full avg10=1.00 avg60=0.50 avg300=0.25 total=333\n");
        assert_int_equal(memcg_open(CGROUP_V1, dir, psi, &f), 0);
        assert_int_equal(f.fd[MEMCG_SWAP_USAGE], -1);
        assert_int_equal(f.fd[MEMCG_SWAP_LIMIT], -1);
        assert_true(f.fd[MEMCG_PRESSURE] >= 0);
        assert_int_equal(memcg_read(&f, buf, sizeof(buf), &m), 0);
        assert_int_equal(m.swap_usage, 0);
        assert_true(m.swap_limit == BYTES_UNLIMITED);
        assert_true(m.has_psi);
        assert_int_equal(m.psi.some.total, 777);
        assert_float_equal(m.psi.full.avg10, 1.0, 1e-9);
        memcg_close(&f);
        tree_rm(root);
        free(root);
        free(dir);
        free(psi);
}

static void test_read_v2(void **state) {
        char *root = tree_new(), *dir = join(root, "system.slice/web.service");
        char buf[8192];
        struct memcg_files f;
        struct memcg_stats m;
        write_v2(root, "system.slice/web.service", true);
        assert_int_equal(memcg_open(CGROUP_V2, dir, dir, &f), 0);
        assert_int_equal(f.fd[MEMCG_OOM_CONTROL], -1);
        assert_int_equal(memcg_read(&f, buf, sizeof(buf), &m), 0);
        assert_int_equal(m.version, CGROUP_V2);
        assert_int_equal(m.usage, 9015296);
        assert_int_equal(m.limit, 268435456);
        assert_int_equal(m.high, 201326592);
        assert_int_equal(m.swap_usage, 4096);
        assert_true(m.swap_limit == BYTES_UNLIMITED);
        assert_int_equal(m.failcnt, 345);
        assert_int_equal(m.oom, 3);
        assert_int_equal(m.oom_kill, 2);
        assert_false(m.oom_kill_disable);
        assert_int_equal(m.stat.anon, 1871872);
        assert_int_equal(m.stat.inactive_file, 5349376);
        assert_true(m.has_psi);
        assert_int_equal(m.psi.some.total, 123456);
        assert_true(m.psi.has_full);
        tree_write(root, "system.slice/web.service/memory.max", "max\n");
        assert_int_equal(memcg_read(&f, buf, sizeof(buf), &m), 0);
        assert_true(m.limit == BYTES_UNLIMITED);
        memcg_close(&f);
        /* the alarms count this cgroup's own limits: memory.events.local
         * (5.2+); without it, memory.events */
        assert_int_equal(m.local_high, 12);
        assert_int_equal(m.local_oom, 3);
        tree_write(root, "system.slice/web.service/memory.events.local", "low 0\nhigh 5\nmax 7\noom 1\noom_kill 1\n");
        assert_int_equal(memcg_open(CGROUP_V2, dir, dir, &f), 0);
        assert_int_equal(memcg_read(&f, buf, sizeof(buf), &m), 0);
        assert_int_equal(m.failcnt, 7);
        assert_int_equal(m.local_high, 5);
        assert_int_equal(m.local_oom, 1);
        assert_int_equal(m.high_events, 12); /* the tripwire's, hierarchical */
        assert_int_equal(m.oom, 3);
        memcg_close(&f);
        tree_rm(root);
        free(root);
        free(dir);
}

static void test_read_v2_minimal(void **state) {
        char *root = tree_new(), *dir = join(root, "cg");
        char buf[8192];
        struct memcg_files f;
        struct memcg_stats m;
        write_v2(root, "cg", false);
        /* psi_dir given but no memory.pressure there: no PSI, no error */
        assert_int_equal(memcg_open(CGROUP_V2, dir, dir, &f), 0);
        assert_int_equal(f.fd[MEMCG_HIGH], -1);
        assert_int_equal(f.fd[MEMCG_PRESSURE], -1);
        assert_int_equal(memcg_read(&f, buf, sizeof(buf), &m), 0);
        assert_true(m.high == BYTES_UNLIMITED);
        assert_int_equal(m.swap_usage, 0);
        assert_true(m.swap_limit == BYTES_UNLIMITED);
        assert_false(m.has_psi);
        memcg_close(&f);
        tree_rm(root);
        free(root);
        free(dir);
}

static void test_open_errors(void **state) {
        char *root = tree_new(), *dir = join(root, "cg"), *none = join(root, "nope");
        struct memcg_files f;
        memset(&f, 0x5a, sizeof(f));
        assert_int_equal(memcg_open(CGROUP_V2, none, NULL, &f), -ENOENT);
        for (int i = 0; i < _MEMCG_FILE_MAX; i++)
                assert_int_equal(f.fd[i], -1); /* safe to close */
        memcg_close(&f);
        /* a v2 dir opened as v1 */
        write_v2(root, "cg", true);
        assert_int_equal(memcg_open(CGROUP_V1, dir, NULL, &f), -ENOENT);
        /* the usage file missing */
        tree_rm_rel(root, "cg/memory.current");
        assert_int_equal(memcg_open(CGROUP_V2, dir, NULL, &f), -ENOENT);
        /* a required file other than usage missing */
        tree_write(root, "cg/memory.current", "1\n");
        tree_rm_rel(root, "cg/memory.events");
        assert_int_equal(memcg_open(CGROUP_V2, dir, NULL, &f), -ENOENT);
        assert_int_equal(memcg_open((enum cgroup_version)3, dir, NULL, &f), -EINVAL);
        tree_rm(root);
        free(root);
        free(dir);
        free(none);
}

static void test_read_errors_leave_ret(void **state) {
        char *root = tree_new(), *dir = join(root, "cg");
        char buf[8192], small[16];
        struct memcg_files f;
        struct memcg_stats m = { .usage = 4242 };
        write_v2(root, "cg", true);
        assert_int_equal(memcg_open(CGROUP_V2, dir, dir, &f), 0);
        tree_write(root, "cg/memory.max", "lots\n");
        assert_int_equal(memcg_read(&f, buf, sizeof(buf), &m), -EINVAL);
        tree_write(root, "cg/memory.max", "max\n");
        tree_write(root, "cg/memory.events", "garbage\n");
        assert_int_equal(memcg_read(&f, buf, sizeof(buf), &m), -EBADMSG);
        tree_write(root, "cg/memory.events", v2_events);
        tree_write(root, "cg/memory.pressure", "nonsense\n");
        assert_int_equal(memcg_read(&f, buf, sizeof(buf), &m), -EBADMSG);
        tree_write(root, "cg/memory.pressure", "some avg10=0.00 avg60=0.00 avg300=0.00 total=0\n");
        /* scratch space too small for memory.stat */
        assert_int_equal(memcg_read(&f, small, sizeof(small), &m), -ENOBUFS);
        assert_int_equal(m.usage, 4242);
        assert_int_equal(memcg_read(&f, buf, sizeof(buf), &m), 0);
        assert_int_equal(m.usage, 9015296);
        memcg_close(&f);
        tree_rm(root);
        free(root);
        free(dir);
}

/* On tmpfs an unlinked file stays readable; the cgroup-ness (ENODEV) is
 * checked live below. Here: the directory is gone and the files emptied
 * or replaced: errors, no crash, ret untouched. */
static void test_vanished_fixture(void **state) {
        char *root = tree_new(), *dir = join(root, "cg");
        char buf[8192];
        struct memcg_files f;
        struct memcg_stats m = { .usage = 4242 };
        write_v1(root, "cg", true);
        assert_int_equal(memcg_open(CGROUP_V1, dir, NULL, &f), 0);
        char *usage = join(dir, "memory.usage_in_bytes");
        assert_int_equal(truncate(usage, 0), 0);
        assert_true(memcg_read(&f, buf, sizeof(buf), &m) < 0);
        tree_rm_rel(root, "cg");
        assert_true(memcg_read(&f, buf, sizeof(buf), &m) < 0);
        assert_int_equal(m.usage, 4242);
        memcg_close(&f);
        assert_int_equal(memcg_open(CGROUP_V1, dir, NULL, &f), -ENOENT);
        tree_rm(root);
        free(root);
        free(dir);
        free(usage);
}

/* The real thing: a v1 child cgroup removed while its files are open. */
static void test_vanished_live_v1(void **state) {
        char line[4096], parent[4096] = "", *dir = NULL;
        FILE *pf = fopen("/proc/self/cgroup", "re");
        if (!pf)
                skip();
        while (fgets(line, sizeof(line), pf)) {
                char *c = strstr(line, ":memory:/");
                if (c) {
                        line[strcspn(line, "\n")] = '\0';
                        snprintf(parent, sizeof(parent), "/sys/fs/cgroup/memory%s", c + 8);
                }
        }
        fclose(pf);
        if (!*parent || asprintf(&dir, "%s/oomguard-test-%d", parent, (int)getpid()) < 0)
                skip(); /* no v1 memory controller here */
        if (mkdir(dir, 0755) < 0) {
                free(dir);
                skip(); /* not root, or no permission to create cgroups */
        }
        char buf[8192];
        struct memcg_files f;
        struct memcg_stats m = { .usage = 4242 };
        int r = memcg_open(CGROUP_V1, dir, NULL, &f);
        if (r == 0)
                r = memcg_read(&f, buf, sizeof(buf), &m);
        rmdir(dir);
        assert_int_equal(r, 0);
        assert_true(m.limit == BYTES_UNLIMITED);
        r = memcg_read(&f, buf, sizeof(buf), &m);
        assert_true(r == -ENODEV || r == -ENOENT);
        assert_true(errno_is_vanished(r));
        memcg_close(&f);
        assert_int_equal(memcg_open(CGROUP_V1, dir, NULL, &f), -ENOENT);
        free(dir);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_v1_stat_totals),
                cmocka_unit_test(test_v1_stat_local),
                cmocka_unit_test(test_v1_stat_errors),
                cmocka_unit_test(test_v2_stat),
                cmocka_unit_test(test_v2_stat_errors),
                cmocka_unit_test(test_stat_every_truncation),
                cmocka_unit_test(test_v1_oom_control),
                cmocka_unit_test(test_v1_oom_control_errors),
                cmocka_unit_test(test_v2_events),
                cmocka_unit_test(test_normalize),
                cmocka_unit_test(test_read_v1),
                cmocka_unit_test(test_v1_swap_limit),
                cmocka_unit_test(test_read_v1_no_memsw_hybrid_psi),
                cmocka_unit_test(test_read_v2),
                cmocka_unit_test(test_read_v2_minimal),
                cmocka_unit_test(test_open_errors),
                cmocka_unit_test(test_read_errors_leave_ret),
                cmocka_unit_test(test_vanished_fixture),
                cmocka_unit_test(test_vanished_live_v1),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
