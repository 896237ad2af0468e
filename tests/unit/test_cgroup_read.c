/* The per-tick read of the watched cgroups: what a failed read does. */
#include "testing.h"

#include <fcntl.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "snapshot/cgroup_set.h"

/* One watched v1 cgroup whose usage file cannot be read (EISDIR: not the
 * kernel's "removed") and an armed OOM eventfd, as under oom_handler. */
static void setup_one(struct cgroup_set *set, struct watched_cgroup *w, struct cgroup_view *v) {
        *w = (struct watched_cgroup){ .path = "/a", .level_fd = -1, .psi_fd = -1, .pressure_fd = -1 };
        w->files.version = CGROUP_V1;
        for (size_t i = 0; i < _MEMCG_FILE_MAX; i++)
                w->files.fd[i] = -1;
        w->files.fd[MEMCG_USAGE] = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        w->oom_fd = eventfd(0, EFD_CLOEXEC);
        w->oom_handled = true;
        assert_true(w->files.fd[MEMCG_USAGE] >= 0 && w->oom_fd >= 0);
        *set = (struct cgroup_set){ .items = w, .n = 1, .cap = 1, .views = v, .cap_views = 1 };
}

/* A read error that is not the cgroup's removal: no view this tick, but
 * the OOM eventfd stays (closing it would leave an OOM with
 * oom_kill_disable = 1 waiting for nobody), and no rescan is forced. */
static void test_transient_error_keeps_fds(void **state) {
        struct cgroup_set set;
        struct watched_cgroup w;
        struct cgroup_view v;
        char scratch[8192];
        setup_one(&set, &w, &v);
        int oom_fd = w.oom_fd;
        cgroup_set_read(&set, 1000, 0, -1, scratch, sizeof(scratch));
        assert_false(v.valid);
        assert_false(w.vanished);
        assert_false(set.vanished);
        assert_int_equal(w.oom_fd, oom_fd);
        assert_true(fcntl(oom_fd, F_GETFD) >= 0);
        /* Read again next tick: still watched. */
        cgroup_set_read(&set, 2000, 0, -1, scratch, sizeof(scratch));
        assert_false(w.vanished);
        close(w.files.fd[MEMCG_USAGE]);
        close(oom_fd);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_transient_error_keeps_fds),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
