/* /dev/kmsg: the record format, the OOM-kill parser on real kernel
 * records (tests/fixtures/kmsg/: kernel 6.18 on this host, Debian's 6.1
 * in the VM), and the reader (EPIPE, EINVAL, EAGAIN, seeking to the end)
 * over a scripted read(). The older formats and hostile input:
 * test_kmsg_lines.c. */
#include "testing.h"
#include "kmsg_testing.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sources/kmsg.h"
#include "util.h"

#define P618 "/process_api/3b7da234f6b4340b956ae110c2fab832/oomguard-kmsg-fixture"

/* ---- the record format (Documentation/ABI/testing/dev-kmsg) ---- */

static void test_record(void **state) {
        struct kmsg_record r;
        const char *rec = "6,339,5140900,-;NET: Registered protocol family 10\n";
        assert_int_equal(parse_kmsg_record(rec, strlen(rec), &r), 0);
        assert_int_equal(r.facility, 0);
        assert_int_equal(r.level, 6);
        assert_true(r.seq == 339 && r.usec == 5140900 && r.flag == '-');
        assert_int_equal(r.msg_len, strlen("NET: Registered protocol family 10"));
        assert_memory_equal(r.msg, "NET: Registered", 15);

        /* user space (facility 1), the KEY=VALUE lines after the text, an
         * extra header field (CONFIG_PRINTK_CALLER), a fragment */
        rec = "30,340,5690716,c,caller=T80;udevd[80]: starting version 181\n SUBSYSTEM=acpi\n DEVICE=+acpi:X\n";
        assert_int_equal(parse_kmsg_record(rec, strlen(rec), &r), 0);
        assert_int_equal(r.facility, 3);
        assert_int_equal(r.level, 6);
        assert_int_equal(r.flag, 'c');
        assert_int_equal(r.msg_len, strlen("udevd[80]: starting version 181"));

        /* no newline at the end, an empty text */
        assert_int_equal(PARSE(parse_kmsg_record, "4,1,2,-;x", &r), 0);
        assert_int_equal(r.msg_len, 1);
        assert_int_equal(PARSE(parse_kmsg_record, "4,1,2,-;", &r), 0);
        assert_int_equal(r.msg_len, 0);

        static const char *const bad[] = { "", "6", "6,1", "6,1,2", "6,1,2,", "6,1,2,-", "6,1,2,-\n;x",
                                           /* no flag: the header may not run on into
                                            * the dictionary line (the kmsg fuzzer) */
                                           "4,1,2,\n SUB;Killed process 9 (x) total-vm:1kB", "a,1,2,-;x", "6,,2,-;x",
                                           "6,1,2,;", "6;1,2,-;x", "-6,1,2,-;x", "6,1,99999999999999999999,-;x" };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++)
                assert_int_equal(PARSE(parse_kmsg_record, bad[i], &r), -EBADMSG);
}

/* ---- real records ---- */

static void assert_kill(const struct kmsg_oom_event *e, pid_t pid, const char *comm, const char *oom_memcg,
                        const char *task_memcg, const char *constraint) {
        assert_int_equal(e->outcome, KMSG_OOM_KILLED);
        assert_int_equal(e->pid, pid);
        assert_string_equal(e->comm, comm);
        assert_string_equal(e->oom_memcg, oom_memcg);
        assert_string_equal(e->task_memcg, task_memcg);
        assert_string_equal(e->constraint, constraint);
        assert_false(e->cut);
}

/* 6.18, this host: a v1 cgroup of 64 MiB, the victim in its child. */
static void test_linux_6_18_memcg(void **state) {
        struct kmsg_oom_parser p;
        struct collected c = { 0 };
        kmsg_oom_parser_init(&p);
        feed_fixture(&p, "linux-6.18-memcg-v1.kmsg", &c);
        assert_int_equal(c.n, 2);
        const struct kmsg_oom_event *e = &c.ev[0];
        assert_kill(e, 28714, "a b) c", P618, P618 "/child", "CONSTRAINT_MEMCG");
        assert_true(e->has_context && e->memcg && !e->oom_group);
        assert_string_equal(e->message, "Memory cgroup out of memory");
        assert_true(e->has_uid && e->uid == 0);
        assert_true(e->has_rss && e->total_vm_kb == 68268 && e->anon_rss_kb == 65280 && e->file_rss_kb == 1196);
        assert_true(e->has_shmem_rss && e->shmem_rss_kb == 0);
        assert_true(e->has_pgtables && e->pgtables_kb == 172);
        assert_true(e->has_oom_score_adj && e->oom_score_adj == 0);
        assert_true(e->seq == 25122 && e->usec == 14231667855);
        /* the comm the kernel escaped as b\x5cs\x09t */
        assert_kill(&c.ev[1], 28716, "b\\s\tt", P618, P618, "CONSTRAINT_MEMCG");
        assert_true(c.ev[1].anon_rss_kb == 65152 && c.ev[1].seq == 25200);
        assert_false(kmsg_oom_parser_pending(&p));
}

/* 6.18: after the first report the rest are rate limited: six Killed
 * lines alone, each its own event with what it says. */
static void test_linux_6_18_ratelimited(void **state) {
        static const pid_t alone[] = { 24109, 24118, 24127, 24136, 24140, 24149 };
        struct kmsg_oom_parser p;
        struct collected c = { 0 };
        kmsg_oom_parser_init(&p);
        feed_fixture(&p, "linux-6.18-ratelimited.kmsg", &c);
        assert_int_equal(c.n, 7);
        assert_kill(&c.ev[0], 24099, "ogbhog",
                    "/process_api/dfb2ca847d5f9170fec4aeb04bd742eb/oomguard-bench-16232/race",
                    "/process_api/dfb2ca847d5f9170fec4aeb04bd742eb/oomguard-bench-16232/race", "CONSTRAINT_MEMCG");
        for (int i = 0; i < 6; i++) {
                const struct kmsg_oom_event *e = &c.ev[i + 1];
                assert_kill(e, alone[i], "ogbhog", "", "", "");
                assert_false(e->has_context);
                assert_true(e->memcg); /* from "Memory cgroup out of memory" */
                assert_true(e->has_rss && e->anon_rss_kb >= 261376);
                assert_true(e->has_uid && e->uid == 0);
        }
}

/* Debian's 6.1 in the VM: a nested memcg, a plain one, the whole machine. */
static void test_linux_6_1_memcg_and_global(void **state) {
        struct kmsg_oom_parser p;
        struct collected c = { 0 };
        kmsg_oom_parser_init(&p);
        feed_fixture(&p, "linux-6.1-v1-memcg-and-global.kmsg", &c);
        assert_int_equal(c.n, 3);
        assert_kill(&c.ev[0], 134, "a b) c", "/lim", "/lim/child", "CONSTRAINT_MEMCG");
        assert_true(c.ev[0].shmem_rss_kb == 12 && c.ev[0].pgtables_kb == 108);
        assert_kill(&c.ev[1], 135, "hog", "/lim", "/lim", "CONSTRAINT_MEMCG");
        const struct kmsg_oom_event *g = &c.ev[2];
        assert_kill(g, 136, "hog", "", "/", "CONSTRAINT_NONE");
        assert_false(g->memcg);
        assert_string_equal(g->message, "Out of memory");
        assert_true(g->total_vm_kb == 433200 && g->anon_rss_kb == 428784 && g->file_rss_kb == 4);
        assert_true(g->seq == 532 && g->usec == 14378534);
}

/* 6.1, v2 with memory.oom.group: the group's other task is an event of
 * its own (oom_group), the victim met again by the group's scan is not. */
static void test_linux_6_1_oom_group(void **state) {
        struct kmsg_oom_parser p;
        struct collected c = { 0 };
        kmsg_oom_parser_init(&p);
        feed_fixture(&p, "linux-6.1-v2-oom-group.kmsg", &c);
        assert_int_equal(c.n, 3);
        assert_kill(&c.ev[0], 126, "hog", "/lim", "/lim", "CONSTRAINT_MEMCG");
        assert_kill(&c.ev[1], 130, "hog", "/grp", "/grp", "CONSTRAINT_MEMCG");
        assert_false(c.ev[1].oom_group);
        assert_kill(&c.ev[2], 128, "hog", "/grp", "", "CONSTRAINT_MEMCG");
        assert_true(c.ev[2].oom_group && c.ev[2].has_context);
        assert_true(c.ev[2].anon_rss_kb == 16400 && c.ev[2].seq == 512);
}

/* Every prefix of every record of the fixtures, each in a fresh parser
 * and an exact-size block: nothing read past it (ASan), nothing crashes. */
static void test_fixture_prefixes(void **state) {
        static const char *const files[] = { "linux-6.18-memcg-v1.kmsg", "linux-6.1-v1-memcg-and-global.kmsg",
                                             "linux-6.1-v2-oom-group.kmsg" };
        static struct kmsg_oom_parser p;
        for (size_t f = 0; f < ELEMENTSOF(files); f++) {
                char path[512], *line = NULL;
                size_t cap = 0;
                ssize_t n;
                snprintf(path, sizeof(path), "%s/%s", KMSG_FIXTURES, files[f]);
                FILE *fp = fopen(path, "re");
                assert_non_null(fp);
                while ((n = getline(&line, &cap, fp)) > 0) {
                        if (!strstr(line, "oom-kill:") && !strstr(line, "Killed process"))
                                continue;
                        for (ssize_t k = 0; k <= n; k++) {
                                struct collected c = { 0 };
                                kmsg_oom_parser_init(&p);
                                feed_n(&p, line, (size_t)k, &c);
                                kmsg_oom_parser_flush(&p);
                                collect_all(&p, &c);
                                assert_true(c.n <= 1);
                        }
                }
                free(line);
                fclose(fp);
        }
}

/* ---- the reader, over a scripted read() ---- */

static int script_fd = -1;
static const char *const *script;
static size_t script_n, script_i;

/* The test's read(): the script for script_fd ("!EPIPE", "!EINVAL",
 * "!EAGAIN" or a record), the kernel's for any other fd. */
ssize_t read(int fd, void *buf, size_t n) {
        if (fd != script_fd || script_fd < 0)
                return syscall(SYS_read, fd, buf, n);
        const char *s = script_i < script_n ? script[script_i++] : "!EAGAIN";
        if (s[0] == '!') {
                errno = strcmp(s, "!EPIPE") == 0 ? EPIPE : strcmp(s, "!EINVAL") == 0 ? EINVAL : EAGAIN;
                return -1;
        }
        size_t len = strlen(s);
        if (len > n) {
                errno = EINVAL; /* as the kernel: the record is skipped */
                return -1;
        }
        memcpy(buf, s, len);
        return (ssize_t)len;
}

static void run_script(struct kmsg_reader *r, const char *const *s, size_t n) {
        script_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
        assert_true(script_fd >= 0);
        script = s, script_n = n, script_i = 0;
        kmsg_reader_init_fd(r, script_fd);
}

static void end_script(struct kmsg_reader *r) {
        kmsg_close(r);
        assert_int_equal(r->fd, -1);
        script_fd = -1;
}

static void test_reader_gaps(void **state) {
        static const char *const s[] = { "6,10,1,-;a\n", "!EPIPE",       "6,15,2,-;b\n", "6,16,3,-;c\n",
                                         "!EINVAL",      "6,18,4,-;d\n", "!EAGAIN",      "6,19,5,-;e\n" };
        struct kmsg_reader r;
        char buf[KMSG_RECORD_MAX + 1];
        run_script(&r, s, ELEMENTSOF(s));
        assert_int_equal(kmsg_read_record(&r, buf, sizeof(buf)), 11);
        assert_string_equal(buf, "6,10,1,-;a\n");
        assert_true(r.lost == 0 && r.next_seq == 11);
        assert_int_equal(kmsg_read_record(&r, buf, sizeof(buf)), 11); /* EPIPE: 11..14 gone */
        assert_string_equal(buf, "6,15,2,-;b\n");
        assert_true(r.lost == 4 && r.overwrites == 1);
        assert_int_equal(kmsg_read_record(&r, buf, sizeof(buf)), 11);
        assert_int_equal(kmsg_read_record(&r, buf, sizeof(buf)), 11); /* EINVAL: 17 skipped */
        assert_string_equal(buf, "6,18,4,-;d\n");
        assert_true(r.lost == 5 && r.overwrites == 1);
        assert_int_equal(kmsg_read_record(&r, buf, sizeof(buf)), 0); /* EAGAIN: none waiting */
        assert_int_equal(kmsg_read_record(&r, buf, sizeof(buf)), 11);
        assert_int_equal(kmsg_read_record(&r, buf, sizeof(buf)), 0); /* the end of the script */
        assert_true(r.lost == 5 && r.next_seq == 20);
        end_script(&r);
}

static void test_reader_small_buffer(void **state) {
        static const char *const s[] = { "6,1,1,-;a record longer than the buffer\n", "6,2,1,-;ok\n" };
        static const char *einval[64 + 1];
        struct kmsg_reader r;
        char small[16];
        run_script(&r, s, ELEMENTSOF(s));
        assert_int_equal(kmsg_read_record(&r, small, sizeof(small)), 11); /* the long one skipped */
        assert_string_equal(small, "6,2,1,-;ok\n");
        assert_int_equal(kmsg_read_record(&r, small, 1), -EINVAL);
        end_script(&r);
        /* a buffer too small for every record: the loop gives up */
        for (size_t i = 0; i < ELEMENTSOF(einval); i++)
                einval[i] = "!EINVAL";
        run_script(&r, einval, ELEMENTSOF(einval));
        assert_int_equal(kmsg_read_record(&r, small, sizeof(small)), -EINVAL);
        end_script(&r);
        kmsg_reader_init_fd(&r, -1);
        assert_int_equal(kmsg_read_record(&r, small, sizeof(small)), -EBADF);
}

/* kmsg_open() seeks to the end: what was there before is not read. */
static void test_open_at_end(void **state) {
        char root[] = "/tmp/oomguard-kmsg-XXXXXX", path[256], buf[64];
        struct kmsg_reader r;
        assert_non_null(mkdtemp(root));
        assert_int_equal(kmsg_open(root, &r), -ENOENT);
        snprintf(path, sizeof(path), "%s/dev", root);
        assert_int_equal(mkdir(path, 0700), 0);
        snprintf(path, sizeof(path), "%s/dev/kmsg", root);
        FILE *f = fopen(path, "we");
        assert_non_null(f);
        fputs("3,1,1,-;Memory cgroup out of memory: Killed process 1 (old) total-vm:1kB\n", f);
        fclose(f);
        assert_int_equal(kmsg_open(root, &r), 0);
        assert_int_equal(fcntl(r.fd, F_GETFL) & O_NONBLOCK, O_NONBLOCK);
        assert_int_equal(fcntl(r.fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
        assert_int_equal(kmsg_read_record(&r, buf, sizeof(buf)), 0);
        kmsg_close(&r);
        unlink(path);
        snprintf(path, sizeof(path), "%s/dev", root);
        rmdir(path);
        rmdir(root);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_record),
                cmocka_unit_test(test_linux_6_18_memcg),
                cmocka_unit_test(test_linux_6_18_ratelimited),
                cmocka_unit_test(test_linux_6_1_memcg_and_global),
                cmocka_unit_test(test_linux_6_1_oom_group),
                cmocka_unit_test(test_fixture_prefixes),
                cmocka_unit_test(test_reader_gaps),
                cmocka_unit_test(test_reader_small_buffer),
                cmocka_unit_test(test_open_at_end),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
