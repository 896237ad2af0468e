/* The OOM-kill parser on the kernel's older formats, written from the
 * format strings of the kernel sources (each test says which), on
 * fragments, lost records and reports without their Killed line, and on
 * hostile names: a comm or a cgroup that holds the format's own
 * separators, paths longer than the event's fields, escapes, records
 * user space wrote, garbage. */
#include "testing.h"
#include "kmsg_testing.h"

#include "sources/kmsg.h"
#include "util.h"

#define KILLED_61 \
        "Killed process %d (%s) total-vm:4000kB, anon-rss:3000kB, file-rss:200kB, shmem-rss:4kB, UID:%d " \
        "pgtables:80kB oom_score_adj:%d\n"

static struct kmsg_oom_parser p;
static struct collected c;

static int setup(void **state) {
        kmsg_oom_parser_init(&p);
        memset(&c, 0, sizeof(c));
        return 0;
}

/* 6.18 (and 6.1: the same format strings in mm/oom_kill.c
 * dump_oom_victim() / __oom_kill_process() and mm/memcontrol.c
 * mem_cgroup_print_oom_context()), constraints other than the two seen
 * live: a mempolicy with a node list, and oom_kill_allocating_task. */
static void test_node_lists_and_messages(void **state) {
        feed(&p,
             "6,100,5000,-;oom-kill:constraint=CONSTRAINT_MEMORY_POLICY,nodemask=0-1,3,cpuset=/,"
             "mems_allowed=0-3,global_oom,task_memcg=/system.slice/db.service,task=postgres,pid=4242,uid=104\n",
             &c);
        assert_true(kmsg_oom_parser_pending(&p));
        assert_int_equal(c.n, 0);
        feed(&p,
             "3,101,5001,-;Out of memory (oom_kill_allocating_task): Killed process 4242 (postgres) total-vm:8kB, "
             "anon-rss:4kB, file-rss:0kB, shmem-rss:0kB, UID:104 pgtables:4kB oom_score_adj:-500\n",
             &c);
        assert_int_equal(c.n, 1);
        const struct kmsg_oom_event *e = &c.ev[0];
        assert_string_equal(e->constraint, "CONSTRAINT_MEMORY_POLICY");
        assert_string_equal(e->message, "Out of memory (oom_kill_allocating_task)");
        assert_string_equal(e->oom_memcg, "");
        assert_string_equal(e->task_memcg, "/system.slice/db.service");
        assert_true(e->pid == 4242 && e->uid == 104 && e->oom_score_adj == -500 && !e->memcg);
}

/* 4.19 and 4.20: mem_cgroup_print_oom_context() began with
 * pr_info(",oom_memcg=") - a record of its own - until Tetsuo Handa's
 * "mm, oom: Use pr_cont() in mem_cgroup_print_oom_context()" (Dec 2018).
 * The Killed line then was "Killed process %d (%s) total-vm:%lukB,
 * anon-rss:%lukB, file-rss:%lukB, shmem-rss:%lukB" after
 * "%s: Kill process %d (%s) score %u or sacrifice child". */
static void test_linux_4_19_split_context(void **state) {
        feed(&p, "6,10,100,-;oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0\n", &c);
        feed(&p, "6,11,101,-;,oom_memcg=/a,task_memcg=/a/b,task=hog,pid=77,uid=0\n", &c);
        feed(&p, "3,12,102,-;Memory cgroup out of memory: Kill process 77 (hog) score 990 or sacrifice child\n", &c);
        feed(&p,
             "3,13,103,-;Killed process 77 (hog) total-vm:70000kB, anon-rss:65000kB, file-rss:900kB, "
             "shmem-rss:0kB\n",
             &c);
        assert_int_equal(c.n, 1);
        const struct kmsg_oom_event *e = &c.ev[0];
        assert_int_equal(e->outcome, KMSG_OOM_KILLED);
        assert_string_equal(e->oom_memcg, "/a");
        assert_string_equal(e->task_memcg, "/a/b");
        assert_string_equal(e->message, "Memory cgroup out of memory");
        assert_true(e->pid == 77 && e->has_uid && e->uid == 0 && e->memcg);
        assert_true(e->has_shmem_rss && !e->has_pgtables && !e->has_oom_score_adj);
        assert_true(e->seq == 13 && e->usec == 103);
}

/* Before 4.19 (4.14's mm/memcontrol.c mem_cgroup_print_oom_info(),
 * mm/oom_kill.c oom_kill_process()): no oom-kill: line; "Task in PATH
 * killed as a result of limit of PATH", and the sacrificed child. */
static void test_linux_4_14(void **state) {
        feed(&p, "6,1,10,-;Task in /web/worker killed as a result of limit of /web\n", &c);
        feed(&p, "6,2,11,-;memory: usage 262144kB, limit 262144kB, failcnt 3\n", &c);
        feed(&p, "3,3,12,-;Memory cgroup out of memory: Kill process 100 (nginx) score 700 or sacrifice child\n", &c);
        feed(&p,
             "3,4,13,-;Killed process 101 (nginx) total-vm:300kB, anon-rss:200kB, file-rss:10kB, "
             "shmem-rss:1kB\n",
             &c);
        assert_int_equal(c.n, 1);
        const struct kmsg_oom_event *e = &c.ev[0];
        assert_int_equal(e->pid, 101); /* the child the kernel sacrificed */
        assert_string_equal(e->constraint, "CONSTRAINT_MEMCG");
        assert_string_equal(e->task_memcg, "/web/worker");
        assert_string_equal(e->oom_memcg, "/web");
        assert_false(e->has_uid);
        /* 3.x: no shmem-rss; a global OOM says "Out of memory: Kill process" */
        feed(&p, "3,5,20,-;Out of memory: Kill process 9 (java) score 900 or sacrifice child\n", &c);
        feed(&p, "3,6,21,-;Killed process 9 (java) total-vm:1kB, anon-rss:2kB, file-rss:3kB\n", &c);
        assert_int_equal(c.n, 2);
        e = &c.ev[1];
        assert_string_equal(e->message, "Out of memory");
        assert_true(e->pid == 9 && e->file_rss_kb == 3 && !e->has_shmem_rss && !e->memcg && !e->has_context);
}

/* A report whose Killed line does not come: put out when the next one
 * starts, on a flush, or when records were lost in between. */
static void test_unconfirmed(void **state) {
        feed(&p,
             "6,50,1,-;oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,"
             "oom_memcg=/a,task_memcg=/a,task=one,pid=1001,uid=0\n",
             &c);
        feed(&p,
             "6,51,2,-;oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,"
             "oom_memcg=/b,task_memcg=/b,task=two,pid=1002,uid=0\n",
             &c);
        assert_int_equal(c.n, 1);
        assert_int_equal(c.ev[0].outcome, KMSG_OOM_UNCONFIRMED);
        assert_true(c.ev[0].pid == 1001 && c.ev[0].seq == 50 && !c.ev[0].has_rss);
        assert_string_equal(c.ev[0].comm, "one");
        assert_int_equal(kmsg_oom_parser_flush(&p), 1);
        collect_all(&p, &c);
        assert_string_equal(c.ev[1].task_memcg, "/b");
        assert_false(kmsg_oom_parser_pending(&p));
        /* seq 60, then 62: the Killed line at 62 may not be this report's */
        feed(&p,
             "6,60,3,-;oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,"
             "oom_memcg=/c,task_memcg=/c,task=three,pid=1003,uid=0\n",
             &c);
        feed(&p,
             "3,62,4,-;Memory cgroup out of memory: Killed process 1003 (three) total-vm:1kB, anon-rss:1kB, "
             "file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:4kB oom_score_adj:0\n",
             &c);
        assert_int_equal(c.n, 4);
        assert_int_equal(c.ev[2].outcome, KMSG_OOM_UNCONFIRMED);
        assert_int_equal(c.ev[3].outcome, KMSG_OOM_KILLED);
        assert_false(c.ev[3].has_context);
        /* "already exiting": no kill (5.x __oom_kill_process()) */
        feed(&p,
             "6,63,5,-;oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,"
             "oom_memcg=/d,task_memcg=/d,task=four,pid=1004,uid=0\n",
             &c);
        feed(&p,
             "6,64,6,-;Memory cgroup out of memory: OOM victim 1004 (four) is already exiting. Skip killing "
             "the task\n",
             &c);
        assert_int_equal(c.n, 5);
        assert_int_equal(c.ev[4].outcome, KMSG_OOM_EXITING);
        assert_string_equal(c.ev[4].oom_memcg, "/d");
        /* a new report ("invoked oom-killer") ends an open one */
        feed(&p,
             "6,65,7,-;oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,"
             "task_memcg=/,task=five,pid=1005,uid=0\n",
             &c);
        feed(&p, "4,66,8,-;java invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0\n", &c);
        assert_int_equal(c.n, 6);
        assert_int_equal(c.ev[5].pid, 1005);
}

/* Fragments (flag 'c' after 5.10, 'c' then '+' before): the line is
 * joined, unrelated records in between are skipped. */
static void test_fragments(void **state) {
        feed(&p, "6,1,1,c;oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null)\n", &c);
        feed(&p, "4,2,1,-;e1000e: eth0 NIC Link is Up\n", &c);
        feed(&p, "6,3,1,+;,cpuset=/,mems_allowed=0,oom_memcg=/k,task_memcg=/k/x\n", &c);
        feed(&p, "6,4,1,c;,task=hog,pid=5,uid=0\n", &c);
        feed(&p, "6,5,1,c;,task=bogus,pid=6,uid=0\n", &c); /* the line is complete: not a piece of it */
        feed(&p,
             "3,6,2,-;Memory cgroup out of memory: Killed process 5 (hog) total-vm:1kB, anon-rss:1kB, "
             "file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:4kB oom_score_adj:0\n",
             &c);
        assert_int_equal(c.n, 1);
        assert_string_equal(c.ev[0].oom_memcg, "/k");
        assert_string_equal(c.ev[0].task_memcg, "/k/x");
        assert_false(c.ev[0].cut);
}

/* The names are anyone's: a comm holding ",task=" or ") total-vm:", a
 * cgroup holding ",task_memcg=", non-printable bytes (escaped). */
static void test_hostile_names(void **state) {
        char rec[1024];
        feed(&p,
             "6,1,1,-;oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,"
             "oom_memcg=/a,task_memcg=/a,task=x,task=y,pid=7,uid=0\n",
             &c);
        snprintf(rec, sizeof(rec), "3,2,1,-;Memory cgroup out of memory: " KILLED_61, 7, "x,task=y", 0, 0);
        feed(&p, rec, &c);
        assert_string_equal(c.ev[0].comm, "x,task=y");
        assert_string_equal(c.ev[0].task_memcg, "/a");
        /* the same text, the comm "y": then the cgroup is "/a,task=x" */
        feed(&p,
             "6,3,1,-;oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,"
             "oom_memcg=/a,task_memcg=/a,task=x,task=y,pid=8,uid=0\n",
             &c);
        snprintf(rec, sizeof(rec), "3,4,1,-;Memory cgroup out of memory: " KILLED_61, 8, "y", 0, 0);
        feed(&p, rec, &c);
        assert_string_equal(c.ev[1].comm, "y");
        assert_string_equal(c.ev[1].task_memcg, "/a,task=x");
        /* a cgroup named ",task_memcg=": the split where the victim is below */
        feed(&p,
             "6,5,1,-;oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,"
             "oom_memcg=/a,task_memcg=/b,task_memcg=/a,task_memcg=/b/c,task=z,pid=9,uid=-1\n",
             &c);
        snprintf(rec, sizeof(rec), "3,6,1,-;Memory cgroup out of memory: " KILLED_61, 9, "z) total-vm:1kB", -1, 0);
        feed(&p, rec, &c);
        assert_string_equal(c.ev[2].oom_memcg, "/a,task_memcg=/b");
        assert_string_equal(c.ev[2].task_memcg, "/a,task_memcg=/b/c");
        assert_string_equal(c.ev[2].comm, "z) total-vm:1kB");
        assert_true(c.ev[2].total_vm_kb == 4000 && c.ev[2].uid == 4294967295u);
        /* escapes: \x5c is '\', \x00 and a bad escape stay as written */
        snprintf(rec, sizeof(rec), "3,7,1,-;Out of memory: " KILLED_61, 10, "a\\x00b\\xzz\\x5c", 0, 0);
        feed(&p, rec, &c);
        assert_string_equal(c.ev[3].comm, "a\\x00b\\xzz\\");
        assert_int_equal(c.n, 4);
}

/* What user space writes to /dev/kmsg (facility 1 and up) is never an
 * OOM kill, whatever it says. */
static void test_injected(void **state) {
        feed(&p,
             "14,1,1,-;oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),oom_memcg=/x,task_memcg=/x,"
             "task=sshd,pid=1,uid=0\n",
             &c);
        feed(&p,
             "11,2,1,-;Memory cgroup out of memory: Killed process 1 (sshd) total-vm:1kB, anon-rss:1kB, "
             "file-rss:1kB\n",
             &c);
        kmsg_oom_parser_flush(&p);
        collect_all(&p, &c);
        assert_int_equal(c.n, 0);
}

/* Paths longer than the fields, a line the kernel cut short. */
static void test_long_and_cut(void **state) {
        static char rec[5 * KMSG_PATH_MAX + 512], path[2 * KMSG_PATH_MAX];
        memset(path, 'p', sizeof(path) - 1);
        path[0] = '/';
        snprintf(rec, sizeof(rec),
                 "6,1,1,-;oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,"
                 "oom_memcg=%s,task_memcg=%s,task=hog,pid=3,uid=0\n",
                 path, path);
        feed(&p, rec, &c);
        snprintf(rec, sizeof(rec), "3,2,1,-;Memory cgroup out of memory: " KILLED_61, 3,
                 "hog hog hog hog hog hog hog hog hog hog hog hog hog hog hog hog hog hog hog hog", 0, 0);
        feed(&p, rec, &c);
        assert_int_equal(c.n, 1);
        assert_true(c.ev[0].cut);
        assert_int_equal(strlen(c.ev[0].oom_memcg), KMSG_PATH_MAX - 1);
        assert_int_equal(strlen(c.ev[0].task_memcg), KMSG_PATH_MAX - 1);
        assert_int_equal(strlen(c.ev[0].comm), KMSG_COMM_MAX - 1);
        assert_int_equal(c.ev[0].pid, 3);
        /* cut in the middle of task_memcg: no task, pid or uid; what is there */
        feed(&p,
             "6,3,1,-;oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,"
             "oom_memcg=/a,task_memcg=/a/b\n",
             &c);
        kmsg_oom_parser_flush(&p);
        collect_all(&p, &c);
        assert_int_equal(c.n, 2);
        assert_true(c.ev[1].cut && c.ev[1].pid == 0 && !c.ev[1].has_uid);
        assert_string_equal(c.ev[1].task_memcg, "/a/b");
        /* a tail that is not numbers */
        feed(&p, "6,4,1,-;oom-kill:constraint=CONSTRAINT_MEMCG,oom_memcg=/a,task_memcg=/a,task=q,pid=x,uid=0\n", &c);
        feed(&p, "3,5,1,-;Out of memory: Killed process 12x (q) total-vm:1kB\n", &c);
        feed(&p, "3,6,1,-;Out of memory: Killed process 12 (q) total-vm:kB\n", &c);
        kmsg_oom_parser_flush(&p);
        collect_all(&p, &c);
        assert_int_equal(c.n, 3);
        assert_true(c.ev[2].pid == 0 && c.ev[2].cut);
}

/* The caller takes events after every feed; if it does not, the queue
 * keeps the first KMSG_QUEUE_MAX and counts the rest. */
static void test_queue_full(void **state) {
        char rec[512];
        for (int i = 0; i < KMSG_QUEUE_MAX + 2; i++) {
                snprintf(rec, sizeof(rec), "3,%d,1,-;Out of memory: " KILLED_61, 100 + i, 200 + i, "w", 0, 0);
                feed(&p, rec, NULL);
        }
        assert_true(p.dropped == 2);
        collect_all(&p, &c);
        assert_int_equal(c.n, KMSG_QUEUE_MAX);
        assert_int_equal(c.ev[0].pid, 200);
        assert_int_equal(c.ev[KMSG_QUEUE_MAX - 1].pid, 200 + KMSG_QUEUE_MAX - 1);
}

/* Pseudo-random bytes and random cuts of real lines: no crash, no read
 * past a record (ASan), at most KMSG_QUEUE_MAX events at once. */
static void test_garbage(void **state) {
        static const char *const pieces[] = { "6,",
                                              "3,",
                                              "0,",
                                              ",",
                                              "-;",
                                              "c;",
                                              "oom-kill:",
                                              "constraint=",
                                              ",oom_memcg=",
                                              ",task_memcg=",
                                              ",global_oom",
                                              ",task=",
                                              ",pid=",
                                              ",uid=",
                                              "Killed process ",
                                              " (",
                                              ") total-vm:",
                                              "kB, ",
                                              "UID:",
                                              ": ",
                                              "\\x",
                                              "/",
                                              "1",
                                              "42",
                                              "\n",
                                              "Task in ",
                                              " killed as a "
                                              "result of limit of ",
                                              "Tasks in ",
                                              "memory.oom.group set" };
        char rec[600];
        uint64_t x = 88172645463325252ull;
        for (int i = 0; i < 20000; i++) {
                size_t n = 0;
                int parts = 1 + (int)(x % 12);
                for (int k = 0; k < parts; k++) {
                        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
                        const char *s = pieces[x % ELEMENTSOF(pieces)];
                        size_t l = strlen(s);
                        if (n + l >= sizeof(rec))
                                break;
                        memcpy(rec + n, s, l);
                        n += l;
                }
                feed_n(&p, rec, n, NULL);
                collect_all(&p, &c);
                c.n = 0;
        }
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup(test_node_lists_and_messages, setup),
                cmocka_unit_test_setup(test_linux_4_19_split_context, setup),
                cmocka_unit_test_setup(test_linux_4_14, setup),
                cmocka_unit_test_setup(test_unconfirmed, setup),
                cmocka_unit_test_setup(test_fragments, setup),
                cmocka_unit_test_setup(test_hostile_names, setup),
                cmocka_unit_test_setup(test_injected, setup),
                cmocka_unit_test_setup(test_long_and_cut, setup),
                cmocka_unit_test_setup(test_queue_full, setup),
                cmocka_unit_test_setup(test_garbage, setup),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
