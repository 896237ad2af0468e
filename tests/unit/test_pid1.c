/* PID 1's reaper (daemon/pid1.c), on children of this test: every
 * exited child that is not the guard's own is reaped; one of the guard's
 * own (here: the hook runner's pid) keeps its exit status for its
 * owner's waitpid, also when it exited first and so stands first in the
 * kernel's line (the children list is read past it). No PID namespace
 * needed: pid1_reap acts on the caller's children, whoever it is. */
#include "testing.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "daemon/guard.h"
#include "daemon/pid1.h"

static pid_t child_exiting(int status) {
        pid_t pid = fork();
        if (pid == 0)
                _exit(status);
        assert_true(pid > 0);
        return pid;
}

/* Until pid has exited (a zombie, not reaped: WNOWAIT). */
static void until_exited(pid_t pid) {
        for (int i = 0; i < 2000; i++) {
                siginfo_t si = { 0 };
                if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid == pid)
                        return;
                nanosleep(&(struct timespec){ .tv_nsec = 1000 * 1000 }, NULL);
        }
        fail_msg("child %d did not exit", (int)pid);
}

static bool reaped(pid_t pid) { return waitpid(pid, NULL, WNOHANG) < 0 && errno == ECHILD; }

static void guard_with_scratch(struct guard *g) {
        *g = (struct guard){ 0 };
        g->scratch = malloc(GUARD_SCRATCH_SIZE);
        assert_non_null(g->scratch);
}

static void test_orphans_reaped(void **state) {
        (void)state;
        struct guard g;
        guard_with_scratch(&g);
        assert_int_equal(pid1_reap(&g, NULL), 0); /* no child at all */
        pid_t a = child_exiting(0), b = child_exiting(5);
        until_exited(a);
        until_exited(b);
        assert_int_equal(pid1_reap(&g, NULL), 2);
        assert_true(reaped(a));
        assert_true(reaped(b));
        free(g.scratch);
}

static void test_own_child_first_in_line_keeps_its_status(void **state) {
        (void)state;
        struct guard g;
        guard_with_scratch(&g);
        pid_t own = child_exiting(3);
        until_exited(own); /* first in the kernel's list, and exited */
        g.reports.hooks.pid = own;
        pid_t others[3];
        for (int i = 0; i < 3; i++)
                others[i] = child_exiting(0);
        for (int i = 0; i < 3; i++)
                until_exited(others[i]);
        assert_int_equal(pid1_reap(&g, NULL), 3);
        for (int i = 0; i < 3; i++)
                assert_true(reaped(others[i]));
        int status = 0;
        assert_int_equal(waitpid(own, &status, WNOHANG), own); /* its owner's */
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 3);
        free(g.scratch);
}

static void test_running_children_left_alone(void **state) {
        (void)state;
        struct guard g;
        guard_with_scratch(&g);
        pid_t sleeper = fork();
        if (sleeper == 0) {
                alarm(10); /* gone on its own should the test fail */
                pause();
                _exit(0);
        }
        pid_t own = fork(); /* the metrics process, running */
        if (own == 0) {
                alarm(10); /* gone on its own should the test fail */
                pause();
                _exit(0);
        }
        g.metrics_server.pid = own;
        assert_int_equal(pid1_reap(&g, NULL), 0);
        kill(sleeper, SIGKILL);
        until_exited(sleeper);
        assert_int_equal(pid1_reap(&g, NULL), 1);
        assert_true(reaped(sleeper));
        kill(own, SIGKILL);
        until_exited(own);
        assert_int_equal(pid1_reap(&g, NULL), 0); /* ours, and nothing else */
        int status = 0;
        assert_int_equal(waitpid(own, &status, WNOHANG), own);
        assert_true(WIFSIGNALED(status));
        free(g.scratch);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_orphans_reaped),
                cmocka_unit_test(test_own_child_first_in_line_keeps_its_status),
                cmocka_unit_test(test_running_children_left_alone),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
