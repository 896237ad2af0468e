/* /proc/PID/{stat,status,oom_score,oom_score_adj,cgroup}. */
#include <signal.h>
#include <sys/wait.h>

#include "testing.h"
#include "../fixtures/sources/tree.h"

#include "sources/proc_pid.h"
#include "util.h"

/* `cat /proc/self/stat` on this host (kernel 6.18). */
static const char cat_stat[] =
        "3091 (cat) R 3084 3084 2318 0 -1 4194304 98 0 0 0 0 0 0 0 20 0 1 0 210282 3133440 362 "
        "18446744073709551615 94159420030976 94159420050857 140729866164976 0 0 0 0 0 0 0 0 0 "
        "17 1 0 0 0 0 0 94159420066864 94159420068480 94159549595648 140729866173065 "
        "140729866173085 140729866173085 140729866174443 0\n";

static const char kthreadd_stat[] =
        "2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0 0 0 0 0 20 0 1 0 30 0 0 18446744073709551615 "
        "0 0 0 0 0 0 0 2147483647 0 1 0 0 0 1 0 0 0 0 0 0 0 0 0 0 0 0 0\n";

/* Fields 3.. after the comm, the same for every hostile-comm case. */
#define STAT_TAIL " S 77 78 79 0 -1 4194560 1 0 0 0 5 6 0 0 20 -5 3 0 123456 8192000 250 18446744073709551615 0\n"

static void test_stat_sample(void **state) {
        struct proc_stat s;
        assert_int_equal(PARSE_X(parse_proc_stat, cat_stat, &s), 0);
        assert_int_equal(s.pid, 3091);
        assert_string_equal(s.comm, "cat");
        assert_int_equal(s.state, 'R');
        assert_int_equal(s.ppid, 3084);
        assert_int_equal(s.pgrp, 3084);
        assert_int_equal(s.session, 2318);
        assert_int_equal(s.flags, 4194304);
        assert_false(s.flags & PF_KTHREAD);
        assert_int_equal(s.num_threads, 1);
        assert_int_equal(s.starttime, 210282);
        assert_int_equal(s.vsize, 3133440);
        assert_int_equal(s.rss_pages, 362);
}

static void test_stat_kthread(void **state) {
        struct proc_stat s;
        assert_int_equal(PARSE_X(parse_proc_stat, kthreadd_stat, &s), 0);
        assert_int_equal(s.pid, 2);
        assert_string_equal(s.comm, "kthreadd");
        assert_int_equal(s.ppid, 0);
        assert_true(s.flags & PF_KTHREAD);
        assert_int_equal(s.vsize, 0);
        assert_int_equal(s.rss_pages, 0);
}

static void assert_hostile(const char *text, const char *comm) {
        struct proc_stat s;
        assert_int_equal(PARSE_X(parse_proc_stat, text, &s), 0);
        assert_string_equal(s.comm, comm);
        assert_int_equal(s.pid, 123);
        assert_int_equal(s.state, 'S');
        assert_int_equal(s.ppid, 77);
        assert_int_equal(s.pgrp, 78);
        assert_int_equal(s.session, 79);
        assert_int_equal(s.flags, 4194560);
        assert_int_equal(s.num_threads, 3);
        assert_int_equal(s.starttime, 123456);
        assert_int_equal(s.vsize, 8192000);
        assert_int_equal(s.rss_pages, 250);
}

static void test_stat_hostile_comm(void **state) {
        assert_hostile("123 (a) R 1 (b)" STAT_TAIL, "a) R 1 (b");
        assert_hostile("123 (x) R 1 (y)" STAT_TAIL, "x) R 1 (y");
        assert_hostile("123 (a\nb)" STAT_TAIL, "a\nb");
        assert_hostile("123 ())" STAT_TAIL, ")");
        assert_hostile("123 (()" STAT_TAIL, "(");
        assert_hostile("123 ()" STAT_TAIL, "");
        assert_hostile("123 ( )" STAT_TAIL, " ");
        assert_hostile("123 (a) S 1 2 3 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 1 1 1 1 0)" STAT_TAIL,
                       "a) S 1 2 3 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 1 1 1 1 0");
}

static void test_stat_long_comm(void **state) {
        char text[512], comm[200];
        struct proc_stat s;
        memset(comm, 'x', sizeof(comm) - 1);
        comm[sizeof(comm) - 1] = '\0';
        snprintf(text, sizeof(text), "123 (%s)" STAT_TAIL, comm);
        assert_int_equal(PARSE_X(parse_proc_stat, text, &s), 0);
        assert_int_equal(strlen(s.comm), COMM_MAX - 1); /* cut, still terminated */
        assert_int_equal(s.ppid, 77);
}

static void test_stat_errors(void **state) {
        struct proc_stat s = { .pid = 4242 };
        assert_int_equal(PARSE_X(parse_proc_stat, "", &s), -EBADMSG);
        assert_int_equal(PARSE_X(parse_proc_stat, "garbage\n", &s), -EBADMSG);
        assert_int_equal(PARSE_X(parse_proc_stat, "123 (cat R 1 2 3\n", &s), -EBADMSG);
        assert_int_equal(PARSE_X(parse_proc_stat, "123 cat) R 1 2 3\n", &s), -EBADMSG);
        assert_int_equal(PARSE_X(parse_proc_stat, "0 (a)" STAT_TAIL, &s), -EBADMSG);
        assert_int_equal(PARSE_X(parse_proc_stat, "-1 (a)" STAT_TAIL, &s), -EBADMSG);
        assert_int_equal(PARSE_X(parse_proc_stat, "99999999999 (a)" STAT_TAIL, &s), -EBADMSG);
        assert_int_equal(PARSE_X(parse_proc_stat, "123 (a)\n", &s), -EBADMSG);
        assert_int_equal(PARSE_X(parse_proc_stat, "123 (a) SS 77 78 79 0 -1 0 1 0 0 0 5 6 0 0 20 -5 3 0 1 2 3 4\n", &s),
                         -EBADMSG);
        assert_int_equal(PARSE_X(parse_proc_stat, "123 (a) S x 78 79 0 -1 0 1 0 0 0 5 6 0 0 20 -5 3 0 1 2 3 4\n", &s),
                         -EBADMSG);
        assert_int_equal(PARSE_X(parse_proc_stat, "123 (a) S -1 78 79 0 -1 0 1 0 0 0 5 6 0 0 20 -5 3 0 1 2 3 4\n", &s),
                         -EBADMSG);
        /* two spaces: a field would shift */
        assert_int_equal(PARSE_X(parse_proc_stat, "123 (a)  S 77 78 79 0 -1 0 1 0 0 0 5 6 0 0 20 -5 3 0 1 2 3 4\n", &s),
                         -EBADMSG);
        /* fields split across lines */
        assert_int_equal(PARSE_X(parse_proc_stat, "123 (a) S 77 78\n79 0 -1 0 1 0 0 0 5 6 0 0 20 -5 3 0 1 2 3 4\n", &s),
                         -EBADMSG);
        assert_int_equal(s.pid, 4242);
}

static void test_stat_overflow(void **state) {
        struct proc_stat s = { .pid = 4242 };
        assert_int_equal(
                PARSE_X(parse_proc_stat, "123 (a) S 2147483648 78 79 0 -1 0 1 0 0 0 5 6 0 0 20 -5 3 0 1 2 3 4\n", &s),
                -ERANGE);
        assert_int_equal(PARSE_X(parse_proc_stat,
                                 "123 (a) S 77 78 79 0 -1 0 1 0 0 0 5 6 0 0 20 -5 3 0 18446744073709551616 2 3 4\n",
                                 &s),
                         -ERANGE);
        assert_int_equal(PARSE_X(parse_proc_stat,
                                 "123 (a) S 77 78 79 0 -1 0 1 0 0 0 5 6 0 0 20 -5 9223372036854775808 0 1 2 3 4\n", &s),
                         -ERANGE);
        assert_int_equal(s.pid, 4242);
        assert_int_equal(PARSE_X(parse_proc_stat,
                                 "123 (a) S 77 78 79 0 -1 18446744073709551615 1 0 0 0 5 6 0 0 20 -5 1 0 1 2 3 4\n",
                                 &s),
                         0);
        assert_true(s.flags == UINT64_MAX);
}

/* Every prefix: no read past len, and a success has every field whole. */
static void test_stat_every_truncation(void **state) {
        const char *texts[] = { cat_stat, "123 (a) R 1 (b)" STAT_TAIL, kthreadd_stat };
        for (size_t t = 0; t < ELEMENTSOF(texts); t++) {
                struct proc_stat full, s;
                assert_int_equal(PARSE_X(parse_proc_stat, texts[t], &full), 0);
                for (size_t len = 0; len < strlen(texts[t]); len++) {
                        memset(&s, 0, sizeof(s));
                        int r = PARSE_N(parse_proc_stat, texts[t], len, &s);
                        if (r < 0)
                                assert_int_equal(r, -EBADMSG);
                        else
                                assert_memory_equal(&s, &full, sizeof(s));
                }
        }
        /* cut right after rss's digits: "362" could be "3621" */
        const char *rss_end = strstr(cat_stat, " 362 ") + 4;
        struct proc_stat s;
        assert_int_equal(PARSE_N(parse_proc_stat, cat_stat, (size_t)(rss_end - cat_stat), &s), -EBADMSG);
        assert_int_equal(PARSE_N(parse_proc_stat, cat_stat, (size_t)(rss_end - cat_stat) + 1, &s), 0);
}

static const char cat_status[] =
        "Name:\tcat\nUmask:\t0022\nState:\tR (running)\nTgid:\t4242\nNgid:\t0\nPid:\t4242\n"
        "PPid:\t3084\nTracerPid:\t0\nUid:\t1000\t1001\t1002\t1003\nGid:\t0\t0\t0\t0\n"
        "FDSize:\t256\nGroups:\t \nNStgid:\t4242\nNSpid:\t4242\nNSpgid:\t3084\nNSsid:\t2318\n"
        "Kthread:\t0\nVmPeak:\t    3060 kB\nVmSize:\t    3060 kB\nVmLck:\t       0 kB\n"
        "VmPin:\t       0 kB\nVmHWM:\t    1720 kB\nVmRSS:\t    1720 kB\nRssAnon:\t     116 kB\n"
        "RssFile:\t    1604 kB\nRssShmem:\t       8 kB\nVmData:\t     360 kB\nVmStk:\t     132 kB\n"
        "VmExe:\t      20 kB\nVmLib:\t    1528 kB\nVmPTE:\t      52 kB\nVmSwap:\t      64 kB\n"
        "HugetlbPages:\t       0 kB\nCoreDumping:\t0\nTHP_enabled:\t1\n"
        "untag_mask:\t0xffffffffffffffff\nThreads:\t1\nSigQ:\t0/96365\n"
        "SigPnd:\t0000000000000000\nCapEff:\t000001fffeffffff\nSeccomp:\t0\n"
        "Cpus_allowed:\t3\nCpus_allowed_list:\t0-1\nMems_allowed_list:\t0\n"
        "voluntary_ctxt_switches:\t0\nnonvoluntary_ctxt_switches:\t0\n";

static const char kthread_status[] =
        "Name:\tkthreadd\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t2\nNgid:\t0\nPid:\t2\n"
        "PPid:\t0\nTracerPid:\t0\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nFDSize:\t64\nGroups:\t \n"
        "Kthread:\t1\nThreads:\t1\n";

static void test_status_sample(void **state) {
        struct proc_status s;
        assert_int_equal(PARSE_X(parse_proc_status, cat_status, &s), 0);
        assert_int_equal(s.uid, 1000); /* the real uid, first of four */
        assert_true(s.has_vm_rss);
        assert_int_equal(s.vm_rss, 1720 * 1024);
        assert_int_equal(s.rss_anon, 116 * 1024);
        assert_int_equal(s.rss_file, 1604 * 1024);
        assert_int_equal(s.rss_shmem, 8 * 1024);
        assert_int_equal(s.vm_swap, 64 * 1024);
        assert_int_equal(s.vm_pte, 52 * 1024);
}

static void test_status_kthread(void **state) {
        struct proc_status s;
        memset(&s, 0xff, sizeof(s));
        assert_int_equal(PARSE_X(parse_proc_status, kthread_status, &s), 0);
        assert_int_equal(s.uid, 0);
        assert_false(s.has_vm_rss);
        assert_int_equal(s.vm_rss, 0);
        assert_int_equal(s.vm_swap, 0);
}

static void test_status_errors(void **state) {
        struct proc_status s = { .uid = 4242 };
        assert_int_equal(PARSE_X(parse_proc_status, "", &s), -EBADMSG);
        assert_int_equal(PARSE_X(parse_proc_status, "Name:\tx\nVmRSS:\t1 kB\n", &s), -EBADMSG);
        assert_int_equal(PARSE_X(parse_proc_status, "Uid:\tx\t0\t0\t0\n", &s), -EBADMSG);
        assert_int_equal(PARSE_X(parse_proc_status, "Uid:\n", &s), -EBADMSG);
        assert_int_equal(PARSE_X(parse_proc_status, "Uid:\t-1\t0\t0\t0\n", &s), -EBADMSG);
        assert_int_equal(PARSE_X(parse_proc_status, "Uid:\t4294967296\t0\t0\t0\n", &s), -ERANGE);
        assert_int_equal(PARSE_X(parse_proc_status, "Uid:\t0\t0\t0\t0\nVmRSS:\t99999999999999999999 kB\n", &s),
                         -ERANGE);
        /* the name is escaped by the kernel, but a fake "Uid:" in it must not count */
        assert_int_equal(PARSE_X(parse_proc_status, "Name:\tUid:\t7\nVmRSS:\t1 kB\n", &s), -EBADMSG);
        /* "Uid:" cut before its newline: not trusted */
        assert_int_equal(PARSE_X(parse_proc_status, "Name:\tx\nUid:\t100", &s), -EBADMSG);
        assert_int_equal(s.uid, 4242);
        assert_int_equal(PARSE_X(parse_proc_status, "Uid:\t4294967295\t0\t0\t0\n", &s), 0);
        assert_int_equal(s.uid, (uid_t)-1);
}

static void test_status_every_truncation(void **state) {
        struct proc_status full, s;
        assert_int_equal(PARSE_X(parse_proc_status, cat_status, &full), 0);
        for (size_t len = 0; len < strlen(cat_status); len++) {
                memset(&s, 0, sizeof(s));
                int r = PARSE_N(parse_proc_status, cat_status, len, &s);
                if (r < 0) {
                        assert_int_equal(r, -EBADMSG);
                        continue;
                }
                assert_int_equal(s.uid, full.uid);
                assert_true(s.vm_rss == 0 || s.vm_rss == full.vm_rss);
                assert_true(s.vm_swap == 0 || s.vm_swap == full.vm_swap);
                assert_true(s.vm_pte == 0 || s.vm_pte == full.vm_pte);
        }
}

static void test_int_value(void **state) {
        int v = 5;
        assert_int_equal(PARSE_X(parse_int_value, "0\n", &v), 0);
        assert_int_equal(v, 0);
        assert_int_equal(PARSE_X(parse_int_value, "-1000\n", &v), 0);
        assert_int_equal(v, -1000);
        assert_int_equal(PARSE_X(parse_int_value, "1000", &v), 0);
        assert_int_equal(v, 1000);
        assert_int_equal(PARSE_X(parse_int_value, "  667 \n", &v), 0);
        assert_int_equal(v, 667);
        assert_int_equal(PARSE_X(parse_int_value, "2147483647\n", &v), 0);
        assert_int_equal(v, INT_MAX);
        assert_int_equal(PARSE_X(parse_int_value, "-2147483648\n", &v), 0);
        assert_int_equal(v, INT_MIN);
        assert_int_equal(PARSE_N(parse_int_value, "-1000", 3, &v), 0);
        assert_int_equal(v, -10);
}

static void test_int_value_errors(void **state) {
        int v = 5;
        assert_int_equal(PARSE_X(parse_int_value, "", &v), -EBADMSG);
        assert_int_equal(PARSE_X(parse_int_value, "\n", &v), -EBADMSG);
        assert_int_equal(PARSE_X(parse_int_value, "-", &v), -EBADMSG);
        assert_int_equal(PARSE_X(parse_int_value, "--1", &v), -EBADMSG);
        assert_int_equal(PARSE_X(parse_int_value, "+1", &v), -EBADMSG);
        assert_int_equal(PARSE_X(parse_int_value, "12a", &v), -EBADMSG);
        assert_int_equal(PARSE_X(parse_int_value, "1 2", &v), -EBADMSG);
        assert_int_equal(PARSE_X(parse_int_value, "- 1", &v), -EBADMSG);
        assert_int_equal(PARSE_X(parse_int_value, "2147483648", &v), -ERANGE);
        assert_int_equal(PARSE_X(parse_int_value, "-2147483649", &v), -ERANGE);
        assert_int_equal(PARSE_X(parse_int_value, "99999999999999999999999", &v), -ERANGE);
        assert_int_equal(v, 5);
}

/* This host's (hybrid) /proc/self/cgroup, with a v1 co-mount added. */
static const char hybrid_cgroup[] =
        "10:cpu,cpuacct:/user.slice\n"
        "9:name=systemd:/user.slice/session-1.scope\n"
        "8:pids:/\n"
        "4:memory:/process_api/7c25de224e2099b24397e8e738f572c8\n"
        "3:cpuset:/\n"
        "0::/user.slice/session-1.scope\n";

static void test_cgroup(void **state) {
        char p[256];
        assert_int_equal(PARSE_X(parse_proc_cgroup, hybrid_cgroup, "memory", p, sizeof(p)), 0);
        assert_string_equal(p, "/process_api/7c25de224e2099b24397e8e738f572c8");
        assert_int_equal(PARSE_X(parse_proc_cgroup, hybrid_cgroup, NULL, p, sizeof(p)), 0);
        assert_string_equal(p, "/user.slice/session-1.scope");
        assert_int_equal(PARSE_X(parse_proc_cgroup, hybrid_cgroup, "cpu", p, sizeof(p)), 0);
        assert_string_equal(p, "/user.slice");
        assert_int_equal(PARSE_X(parse_proc_cgroup, hybrid_cgroup, "cpuacct", p, sizeof(p)), 0);
        assert_string_equal(p, "/user.slice");
        assert_int_equal(PARSE_X(parse_proc_cgroup, hybrid_cgroup, "name=systemd", p, sizeof(p)), 0);
        assert_string_equal(p, "/user.slice/session-1.scope");
        assert_int_equal(PARSE_X(parse_proc_cgroup, hybrid_cgroup, "pids", p, sizeof(p)), 0);
        assert_string_equal(p, "/");
        /* pure v2 */
        assert_int_equal(PARSE_X(parse_proc_cgroup, "0::/system.slice/nginx.service\n", NULL, p, sizeof(p)), 0);
        assert_string_equal(p, "/system.slice/nginx.service");
        /* ':' inside the path belongs to the path */
        assert_int_equal(PARSE_X(parse_proc_cgroup, "0::/a:b:c\n", NULL, p, sizeof(p)), 0);
        assert_string_equal(p, "/a:b:c");
        /* exactly fits */
        assert_int_equal(PARSE_X(parse_proc_cgroup, "0::/abc\n", NULL, p, 5), 0);
        assert_string_equal(p, "/abc");
}

static void test_cgroup_errors(void **state) {
        char p[8] = "keep";
        assert_int_equal(PARSE_X(parse_proc_cgroup, hybrid_cgroup, "blkio", p, sizeof(p)), -ENOENT);
        assert_int_equal(PARSE_X(parse_proc_cgroup, hybrid_cgroup, "mem", p, sizeof(p)), -ENOENT);
        assert_int_equal(PARSE_X(parse_proc_cgroup, hybrid_cgroup, "cpu,cpuacct", p, sizeof(p)), -ENOENT);
        assert_int_equal(PARSE_X(parse_proc_cgroup, "4:memory:/a\n", NULL, p, sizeof(p)), -ENOENT);
        /* A cgroup named "x\n0::/y" spoofs a second line: refused, not read. */
        assert_int_equal(PARSE_X(parse_proc_cgroup, "4:memory:/x\n0::/y\n0::/real\n", NULL, p, sizeof(p)), -EBADMSG);
        assert_int_equal(PARSE_X(parse_proc_cgroup, "4:memory:/a\n4:memory:/b\n0::/\n", "memory", p, sizeof(p)),
                         -EBADMSG);
        assert_int_equal(PARSE_X(parse_proc_cgroup, "", NULL, p, sizeof(p)), -ENOENT);
        assert_int_equal(PARSE_X(parse_proc_cgroup, "garbage\n", NULL, p, sizeof(p)), -ENOENT);
        assert_int_equal(PARSE_X(parse_proc_cgroup, "0::\n", NULL, p, sizeof(p)), -ENOENT);
        assert_int_equal(PARSE_X(parse_proc_cgroup, "10::/x\n", NULL, p, sizeof(p)), -ENOENT);
        assert_int_equal(PARSE_X(parse_proc_cgroup, "0:memory:/x\n", NULL, p, sizeof(p)), -ENOENT);
        /* cut before the newline: the path may be cut too */
        assert_int_equal(PARSE_X(parse_proc_cgroup, "0::/system.sl", NULL, p, sizeof(p)), -ENOENT);
        assert_int_equal(PARSE_X(parse_proc_cgroup, hybrid_cgroup, "", p, sizeof(p)), -EINVAL);
        assert_int_equal(PARSE_X(parse_proc_cgroup, hybrid_cgroup, NULL, p, sizeof(p)), -ENAMETOOLONG);
        assert_int_equal(PARSE_X(parse_proc_cgroup, "0::/abcd\n", NULL, p, 5), -ENAMETOOLONG);
        assert_string_equal(p, "keep");
        for (size_t len = 0; len < strlen(hybrid_cgroup); len++) {
                char q[256];
                int r = PARSE_N(parse_proc_cgroup, hybrid_cgroup, len, "memory", q, sizeof(q));
                if (r == 0)
                        assert_string_equal(q, "/process_api/7c25de224e2099b24397e8e738f572c8");
                else
                        assert_int_equal(r, -ENOENT);
        }
}

static void test_readers_fixture(void **state) {
        char *root = tree_new();
        struct proc_stat st;
        struct proc_status ss;
        char cg[256];
        int v;
        tree_write(root, "proc/123/stat", "123 (a) R 1 (b)" STAT_TAIL);
        tree_write(root, "proc/123/status", cat_status);
        tree_write(root, "proc/123/oom_score", "667\n");
        tree_write(root, "proc/123/oom_score_adj", "-1000\n");
        tree_write(root, "proc/123/cgroup", hybrid_cgroup);
        assert_int_equal(read_proc_stat(root, 123, &st), 0);
        assert_string_equal(st.comm, "a) R 1 (b");
        assert_int_equal(st.ppid, 77);
        assert_int_equal(read_proc_status(root, 123, &ss), 0);
        assert_int_equal(ss.uid, 1000);
        assert_int_equal(read_proc_oom_score(root, 123, &v), 0);
        assert_int_equal(v, 667);
        assert_int_equal(read_proc_oom_score_adj(root, 123, &v), 0);
        assert_int_equal(v, -1000);
        assert_int_equal(read_proc_cgroup(root, 123, "memory", cg, sizeof(cg)), 0);
        assert_string_equal(cg, "/process_api/7c25de224e2099b24397e8e738f572c8");
        assert_int_equal(read_proc_cgroup(root, 123, NULL, cg, sizeof(cg)), 0);

        /* a process that is not there: -ESRCH from every reader */
        assert_int_equal(read_proc_stat(root, 999, &st), -ESRCH);
        assert_int_equal(read_proc_status(root, 999, &ss), -ESRCH);
        assert_int_equal(read_proc_oom_score(root, 999, &v), -ESRCH);
        assert_int_equal(read_proc_oom_score_adj(root, 999, &v), -ESRCH);
        assert_int_equal(read_proc_cgroup(root, 999, NULL, cg, sizeof(cg)), -ESRCH);
        /* the process is there but this file is not: -ENOENT */
        tree_write(root, "proc/124/stat", cat_stat);
        assert_int_equal(read_proc_oom_score(root, 124, &v), -ENOENT);
        assert_int_equal(read_proc_stat(root, 0, &st), -EINVAL);
        assert_int_equal(read_proc_stat(root, -5, &st), -EINVAL);
        /* the process vanishes */
        tree_rm_rel(root, "proc/123");
        assert_int_equal(read_proc_stat(root, 123, &st), -ESRCH);
        assert_true(errno_is_vanished(read_proc_status(root, 123, &ss)));
        tree_write(root, "proc/125/stat", "");
        assert_int_equal(read_proc_stat(root, 125, &st), -EBADMSG);
        tree_rm(root);
        free(root);
}

static void test_readers_committed_fixture(void **state) {
        const char *root = SOURCES_FIXTURES "/root";
        struct proc_stat st;
        struct proc_status ss;
        int v;
        char cg[512];
        if (access(SOURCES_FIXTURES "/root/proc/4242/stat", R_OK) != 0)
                skip();
        assert_int_equal(read_proc_stat(root, 4242, &st), 0);
        assert_int_equal(st.pid, 4242);
        assert_string_equal(st.comm, "cat");
        assert_int_equal(read_proc_status(root, 4242, &ss), 0);
        assert_int_equal(ss.uid, 1000);
        assert_int_equal(read_proc_oom_score(root, 4242, &v), 0);
        assert_int_equal(v, 667);
        assert_int_equal(read_proc_cgroup(root, 4242, NULL, cg, sizeof(cg)), 0);
}

static void test_readers_live(void **state) {
        struct proc_stat st;
        struct proc_status ss;
        int v;
        char cg[4096];
        if (access("/proc/self/stat", R_OK) != 0)
                skip();
        assert_int_equal(read_proc_stat("/", getpid(), &st), 0);
        assert_int_equal(st.pid, getpid());
        assert_int_equal(st.ppid, getppid());
        assert_int_equal(st.state, 'R');
        assert_true(st.starttime > 0);
        assert_int_equal(read_proc_status("/", getpid(), &ss), 0);
        assert_int_equal(ss.uid, getuid());
        assert_true(ss.has_vm_rss && ss.vm_rss > 0);
        assert_int_equal(read_proc_oom_score_adj("/", getpid(), &v), 0);
        assert_int_equal(read_proc_oom_score("/", getpid(), &v), 0);
        assert_int_equal(read_proc_cgroup("/", getpid(), NULL, cg, sizeof(cg)), 0);
        assert_int_equal(cg[0], '/');
        /* a child that exited and was reaped */
        pid_t child = fork();
        assert_true(child >= 0);
        if (child == 0)
                _exit(0);
        assert_int_equal(waitpid(child, NULL, 0), child);
        assert_int_equal(read_proc_stat("/", child, &st), -ESRCH);
        assert_int_equal(read_proc_status("/", child, &ss), -ESRCH);
        /* kernel thread 2 (kthreadd), when visible in this pid namespace */
        if (read_proc_stat("/", 2, &st) == 0 && strcmp(st.comm, "kthreadd") == 0) {
                assert_true(st.flags & PF_KTHREAD);
                assert_int_equal(read_proc_status("/", 2, &ss), 0);
                assert_false(ss.has_vm_rss);
        }
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_stat_sample),
                cmocka_unit_test(test_stat_kthread),
                cmocka_unit_test(test_stat_hostile_comm),
                cmocka_unit_test(test_stat_long_comm),
                cmocka_unit_test(test_stat_errors),
                cmocka_unit_test(test_stat_overflow),
                cmocka_unit_test(test_stat_every_truncation),
                cmocka_unit_test(test_status_sample),
                cmocka_unit_test(test_status_kthread),
                cmocka_unit_test(test_status_errors),
                cmocka_unit_test(test_status_every_truncation),
                cmocka_unit_test(test_int_value),
                cmocka_unit_test(test_int_value_errors),
                cmocka_unit_test(test_cgroup),
                cmocka_unit_test(test_cgroup_errors),
                cmocka_unit_test(test_readers_fixture),
                cmocka_unit_test(test_readers_committed_fixture),
                cmocka_unit_test(test_readers_live),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
