/* The kill path's identity check against real processes: a pid that was
 * reused by another process must never be signalled. Uses clone3 with
 * set_tid to force the reuse (needs root); skips otherwise. */
#include "testing.h"

#include <linux/sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "actions/kill.h"
#include "util.h"

static pid_t spawn_sleeper(void) {
        pid_t pid = fork();
        if (pid == 0) {
                for (;;)
                        pause();
        }
        assert_true(pid > 0);
        return pid;
}

/* A child with exactly this pid (clone3 set_tid), or -errno. */
static pid_t spawn_sleeper_at(pid_t want) {
        struct clone_args args = { .exit_signal = SIGCHLD, .set_tid = (uint64_t)(uintptr_t)&want, .set_tid_size = 1 };
        long pid = syscall(SYS_clone3, &args, sizeof(args));
        if (pid == 0) {
                for (;;)
                        pause();
        }
        return pid < 0 ? -errno : (pid_t)pid;
}

static struct victim victim_of(pid_t pid) {
        struct proc_stat st;
        assert_int_equal(read_proc_stat("/", pid, &st), 0);
        struct victim v = { .pid = pid, .starttime = st.starttime, .pidfd = -1 };
        snprintf(v.comm, sizeof(v.comm), "%s", st.comm);
        return v;
}

static void sleep_ms(long ms) {
        struct timespec ts = { 0, ms * 1000000L };
        nanosleep(&ts, NULL);
}

static void reap(pid_t pid, int want_signal) {
        int status;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFSIGNALED(status));
        assert_int_equal(WTERMSIG(status), want_signal);
}

static void test_wrong_start_time_is_refused(void **state) {
        pid_t pid = spawn_sleeper();
        struct victim v = victim_of(pid);
        v.pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
        assert_true(v.pidfd >= 0);
        v.starttime++;
        struct kill_result res;
        assert_int_equal(victim_kill("/", &v, 0, NSEC_PER_SEC, &res), -ESRCH);
        assert_int_equal(kill(pid, 0), 0); /* untouched */
        v.starttime--;
        assert_int_equal(victim_kill("/", &v, 0, NSEC_PER_SEC, &res), 0);
        assert_true(res.sent_kill && res.exited);
        reap(pid, SIGKILL);
        close(v.pidfd);
}

static void test_reused_pid_is_never_signalled(void **state) {
        pid_t a = spawn_sleeper();
        struct victim chosen = victim_of(a); /* chosen ... */
        int old_pidfd = (int)syscall(SYS_pidfd_open, a, 0);
        kill(a, SIGKILL); /* ... then it died, */
        reap(a, SIGKILL);
        sleep_ms(30);                  /* (start times tick at 10 ms) */
        pid_t b = spawn_sleeper_at(a); /* and its pid went to b */
        if (b < 0) {
                close(old_pidfd);
                skip(); /* clone3 set_tid needs CAP_SYS_ADMIN */
        }
        assert_int_equal(b, a);
        struct kill_result res;
        /* The pidfd taken before the reuse refers to the dead process. */
        chosen.pidfd = old_pidfd;
        assert_int_equal(victim_kill("/", &chosen, 0, NSEC_PER_SEC, &res), -ESRCH);
        /* A pidfd opened after the reuse points at b: the start time says no. */
        chosen.pidfd = (int)syscall(SYS_pidfd_open, b, 0);
        assert_int_equal(victim_kill("/", &chosen, 0, NSEC_PER_SEC, &res), -ESRCH);
        assert_int_equal(victim_signal("/", &chosen, SIGSTOP), -ESRCH);
        assert_int_equal(kill(b, 0), 0); /* the innocent lives */
        close(chosen.pidfd);
        close(old_pidfd);
        kill(b, SIGKILL);
        reap(b, SIGKILL);
}

static void test_grace_then_kill(void **state) {
        pid_t pid = fork();
        if (pid == 0) {
                signal(SIGTERM, SIG_IGN); /* ignores the polite request */
                for (;;)
                        pause();
        }
        sleep_ms(20);
        struct victim v = victim_of(pid);
        v.pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
        struct kill_result res;
        assert_int_equal(victim_kill("/", &v, 100 * NSEC_PER_MSEC, NSEC_PER_SEC, &res), 0);
        assert_true(res.sent_term);
        assert_true(res.sent_kill);
        assert_true(res.exited);
        assert_true(res.exit_ns >= 100 * NSEC_PER_MSEC);
        reap(pid, SIGKILL);
        close(v.pidfd);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_wrong_start_time_is_refused),
                cmocka_unit_test(test_reused_pid_is_never_signalled),
                cmocka_unit_test(test_grace_then_kill),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
