/* oomguard: command line. */
#include <getopt.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "actions/guardian.h"
#include "actions/optin.h"
#include "actions/restore_owner.h"
#include "guard.h"
#include "outputs/hook.h"
#include "loop.h"
#include "pid1.h"
#include "outputs/log.h"
#include "outputs/report_print.h"
#include "outputs/status.h"
#include "policy/builtin_policy.h"
#include "policy/config.h"
#include "proc_events.h"
#include "reload.h"
#include "reload_pid.h"
#include "self_protect.h"
#include "sidecar.h"
#include "status.h"

/* Where sidecar mode keeps its restore file unless told (a container's
 * /run is rarely writable); the default's address tells them apart. */
#define SIDECAR_RESTORE_FILE "/tmp/oomguard/restore"
static const char default_restore_file[] = RESTORE_DEFAULT_FILE;

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif

struct options {
        const char *config, *root, *restore_file, *report, *report_dir, *reload_pid;
        bool config_given, check_config, dry_run, verbose, status, json, adjust, all, restore;
        bool sidecar;           /* --sidecar (sidecar.h) */
        const char *sidecar_of; /* --sidecar=PROGRAM: the app container beside ours */
        uint64_t ticks;
        enum log_target log_target;
};

static void usage(FILE *out) {
        fprintf(out,
                "usage: oomguard [-c FILE] [--dry-run] [--root DIR] [--log TARGET] [-v]\n"
                "       oomguard --sidecar[=PROGRAM] [-c FILE] [--dry-run] [--status [--json] | -n | --report WHAT]\n"
                "       oomguard -n|--check-config [-c FILE]\n"
                "       oomguard --status [--json] [--all] [--adjust] [-c FILE] [--root DIR]\n"
                "       oomguard --restore [--restore-file FILE]\n"
                "       oomguard --report list|last|ID [--json] [--report-dir DIR] [-c FILE]\n"
                "       oomguard --reload-pid PID [-c FILE]\n"
                "       oomguard -h|--help|--version\n"
                "\n"
                "  -c, --config FILE   policy file (default " SYSCONFDIR
                "/oomguard.conf;\n"
                "                      --status runs without one when the default is absent)\n"
                "  -n, --check-config  check the policy, print it and exit\n"
                "      --dry-run       log every decision, act on nothing\n"
                "      --sidecar       guard the container oomguard runs in: its own cgroup and\n"
                "                      limit, a built-in policy unless -c, logs on stderr (chosen\n"
                "                      on its own in a container without -c and the default file)\n"
                "      --sidecar=PROGRAM  guard the container of PROGRAM instead (a pod's app beside\n"
                "                      oomguard, with a shared pid namespace), followed across restarts\n"
                "      --root DIR      read /proc and /sys under DIR (tests)\n"
                "      --status        the machine and every cgroup with a memory limit, the\n"
                "                      closest to its limit first, and the rules that would fire\n"
                "      --json          --status as JSON; --report: the file as is (list: an array)\n"
                "      --all           --status: every cgroup, not the top 20\n"
                "      --adjust        --status: also each process an [adjust:] rule matches\n"
                "      --restore       put back the cgroup values a stopped oomguard left changed\n"
                "      --restore-file FILE  state file of the opt-in modes\n"
                "                      (default $OOMGUARD_RESTORE_FILE or " RESTORE_DEFAULT_FILE
                ")\n"
                "      --report WHAT   the forensic reports: list, last, an ID (or its start)\n"
                "      --report-dir DIR  where they are (default: report_dir of the policy file)\n"
                "      --reload-pid PID  reload the oomguard PID (SIGHUP) and wait until it is back;\n"
                "                      1 when FILE is refused (ExecReload=)\n"
                "      --ticks N       stop after N ticks (tests)\n"
                "      --log TARGET    auto | stderr | journal\n"
                "  -v, --verbose       debug messages\n"
                "  -h, --help          this text\n"
                "      --version       the version\n"
                "exit: 0 done, 1 configuration or run-time error, 2 usage error (oomguard(8))\n");
}

/* Sidecar mode: the built-in policy unless -c, stderr for kubectl logs,
 * the restore file where a container can write (unless given). */
static void sidecar_settings(struct sidecar *sc, struct options *o) {
        sc->builtin = !o->config_given;
        if (o->log_target == LOG_TARGET_AUTO)
                log_setup(LOG_TARGET_STDERR, o->verbose);
        if (o->restore_file == default_restore_file)
                o->restore_file = SIDECAR_RESTORE_FILE;
}

/* Sidecar mode's policy: -c FILE or the built-in one, confined. */
static int sidecar_policy(const struct sidecar *sc, const char *config, struct policy *p) {
        int r = config ? load_policy(config, p) : sidecar_builtin_policy(sc, p);
        if (r < 0)
                return r;
        r = sidecar_confine_logged(sc, p);
        if (r < 0)
                policy_free(p);
        return r;
}

/* -n in sidecar mode: the policy as it will run, confined. */
static int sidecar_check_config(const struct sidecar *sc, const char *config) {
        struct policy p;
        if (sidecar_policy(sc, config, &p) < 0)
                return 1;
        policy_print(&p, stdout);
        policy_free(&p);
        printf("configuration OK\n");
        return 0;
}

static int parse_count(const char *s, uint64_t *ret) {
        char *end;
        errno = 0;
        unsigned long long v = strtoull(s, &end, 10);
        if (!*s || *end || errno || s[0] == '-')
                return -EINVAL;
        *ret = v;
        return 0;
}

/* One mode at a time; the --status options only with --status. */
static int check_combination(const struct options *o) {
        if (o->check_config + o->status + o->restore + !!o->report + !!o->reload_pid > 1) {
                fprintf(stderr, "oomguard: -n, --status, --restore, --report and --reload-pid exclude each other\n");
                return -EINVAL;
        }
        if (!o->status && (o->all || o->adjust || (o->json && !o->report))) {
                fprintf(stderr, "oomguard: --json, --all and --adjust go with --status (--json also with --report)\n");
                return -EINVAL;
        }
        if (o->sidecar && (o->restore || strcmp(o->root, "/") != 0)) {
                fprintf(stderr, "oomguard: --sidecar goes with the live system, not with --root or --restore\n");
                return -EINVAL;
        }
        if (o->report_dir && !o->report) {
                fprintf(stderr, "oomguard: --report-dir goes with --report\n");
                return -EINVAL;
        }
        return 0;
}

static int parse_args(int argc, char **argv, struct options *o) {
        enum {
                OPT_DRY = 256,
                OPT_ROOT,
                OPT_STATUS,
                OPT_JSON,
                OPT_TICKS,
                OPT_LOG,
                OPT_VERSION,
                OPT_ADJUST,
                OPT_RESTORE,
                OPT_RESTORE_FILE,
                OPT_ALL,
                OPT_REPORT,
                OPT_REPORT_DIR,
                OPT_RELOAD_PID,
                OPT_SIDECAR
        };
        static const struct option longopts[] = { { "config", required_argument, NULL, 'c' },
                                                  { "check-config", no_argument, NULL, 'n' },
                                                  { "dry-run", no_argument, NULL, OPT_DRY },
                                                  { "root", required_argument, NULL, OPT_ROOT },
                                                  { "status", no_argument, NULL, OPT_STATUS },
                                                  { "json", no_argument, NULL, OPT_JSON },
                                                  { "adjust", no_argument, NULL, OPT_ADJUST },
                                                  { "all", no_argument, NULL, OPT_ALL },
                                                  { "restore", no_argument, NULL, OPT_RESTORE },
                                                  { "restore-file", required_argument, NULL, OPT_RESTORE_FILE },
                                                  { "report", required_argument, NULL, OPT_REPORT },
                                                  { "report-dir", required_argument, NULL, OPT_REPORT_DIR },
                                                  { "reload-pid", required_argument, NULL, OPT_RELOAD_PID },
                                                  { "ticks", required_argument, NULL, OPT_TICKS },
                                                  { "sidecar", optional_argument, NULL, OPT_SIDECAR },
                                                  { "log", required_argument, NULL, OPT_LOG },
                                                  { "verbose", no_argument, NULL, 'v' },
                                                  { "help", no_argument, NULL, 'h' },
                                                  { "version", no_argument, NULL, OPT_VERSION },
                                                  { 0 } };
        int c;
        while ((c = getopt_long(argc, argv, "c:nvh", longopts, NULL)) != -1) {
                switch (c) {
                case 'c':
                        o->config = optarg;
                        o->config_given = true;
                        break;
                case 'n':
                        o->check_config = true;
                        break;
                case 'v':
                        o->verbose = true;
                        break;
                case OPT_DRY:
                        o->dry_run = true;
                        break;
                case OPT_ROOT:
                        o->root = optarg;
                        break;
                case OPT_STATUS:
                        o->status = true;
                        break;
                case OPT_JSON:
                        o->json = true;
                        break;
                case OPT_ADJUST:
                        o->adjust = true;
                        break;
                case OPT_ALL:
                        o->all = true;
                        break;
                case OPT_RESTORE:
                        o->restore = true;
                        break;
                case OPT_RESTORE_FILE:
                        o->restore_file = optarg;
                        break;
                case OPT_REPORT:
                        o->report = optarg;
                        break;
                case OPT_REPORT_DIR:
                        o->report_dir = optarg;
                        break;
                case OPT_RELOAD_PID:
                        o->reload_pid = optarg;
                        break;
                case OPT_SIDECAR:
                        o->sidecar = true;
                        if (optarg && (!*optarg || strchr(optarg, '/'))) {
                                fprintf(stderr, "oomguard: --sidecar=PROGRAM: a program's name, not '%s'\n", optarg);
                                return -EINVAL;
                        }
                        o->sidecar_of = optarg;
                        break;
                case OPT_TICKS:
                        if (parse_count(optarg, &o->ticks) < 0) {
                                fprintf(stderr, "oomguard: --ticks: expected a number, got '%s'\n", optarg);
                                return -EINVAL;
                        }
                        break;
                case OPT_LOG:
                        if (strcmp(optarg, "stderr") == 0)
                                o->log_target = LOG_TARGET_STDERR;
                        else if (strcmp(optarg, "journal") == 0)
                                o->log_target = LOG_TARGET_JOURNAL;
                        else if (strcmp(optarg, "auto") == 0)
                                o->log_target = LOG_TARGET_AUTO;
                        else {
                                fprintf(stderr, "oomguard: --log: expected auto, stderr or journal\n");
                                return -EINVAL;
                        }
                        break;
                case 'h':
                        usage(stdout);
                        exit(0);
                case OPT_VERSION:
                        printf("oomguard %s\n", OOMGUARD_VERSION);
                        exit(0);
                default:
                        usage(stderr);
                        return -EINVAL;
                }
        }
        if (optind < argc) {
                fprintf(stderr, "oomguard: unexpected argument '%s'\n", argv[optind]);
                return -EINVAL;
        }
        return check_combination(o);
}

static int check_config(const char *path) {
        struct policy p;
        struct config_errors errors = { 0 };
        int r = config_load(path, &p, &errors);
        config_errors_print(&errors, stderr);
        config_errors_free(&errors);
        if (r < 0)
                return 1;
        policy_print(&p, stdout);
        policy_free(&p);
        printf("configuration OK\n");
        return 0;
}

/* How long a new instance waits for the guardian of a dead one to finish
 * putting back (a replay takes milliseconds). */
#define OWNER_WAIT_MS 5000

/* One instance per restore file (actions/restore_owner.h). Returns the
 * claim's fd, -EBUSY when another instance holds it (said), or another
 * -errno: then nothing can be listed in the file either, so nothing will
 * be changed: warned, and the daemon goes on. */
static int claim_restore_file(const char *file, const char *who) {
        pid_t owner;
        int fd = restore_owner_claim(file, OWNER_WAIT_MS, &owner);
        if (fd == -EBUSY && owner > 0)
                log_error(
                        "%s: oomguard (pid %d) is running with the restore file %s; refusing to run beside it: "
                        "it would put back the values the running one guards with",
                        who, (int)owner, file);
        else if (fd == -EBUSY)
                log_error("%s: another oomguard holds %s.owner; refusing to run beside it", who, file);
        else if (fd < 0)
                log_warning("%s: cannot claim %s.owner: %s", who, file, strerror(-fd));
        return fd;
}

/* --restore (ExecStopPost=), and the daemon's start: what an oomguard
 * before left changed goes back before anything is applied. */
static int restore_leftover(const char *file, const char *who) {
        if (access(file, F_OK) < 0)
                return 0; /* nothing left: the usual case */
        int r = optin_replay(file, who);
        if (r > 0)
                log_notice("%s: put back %d cgroup values listed in %s", who, r, file);
        return r < 0 || access(file, F_OK) == 0 ? -EIO : 0; /* the file stays while some failed */
}

/* --restore refuses while an instance runs: it puts its values back
 * itself when it stops, and what it guards with now must stay. */
static int restore_command(const char *file) {
        int fd = claim_restore_file(file, "--restore");
        if (fd == -EBUSY)
                return 1;
        int r = restore_leftover(file, "--restore");
        if (fd >= 0)
                close(fd);
        return r < 0 ? 1 : 0;
}

/* --report: the directory from --report-dir, else the policy's report_dir
 * (-c, or the default file when it exists), else the default, or the
 * built-in policy's in sidecar mode (--sidecar, or chosen on its own). */
static int show_report(const struct options *o) {
        struct policy p = { 0 };
        policy_free(&p); /* the defaults */
        bool file = o->config_given || access(o->config, F_OK) == 0;
        if (!o->report_dir && file && load_policy(o->config, &p) < 0)
                return 1;
        struct sidecar sc;
        bool builtin = !o->report_dir && !file &&
                       (o->sidecar_of || sidecar_detect(o->root, o->sidecar, true, o->config, &sc) > 0);
        const char *dir = o->report_dir ? o->report_dir : builtin ? BUILTIN_REPORT_DIR : p.daemon.report_dir;
        int r = 1;
        if (!*dir)
                fprintf(stderr, "oomguard: reports are off (report_dir is empty in %s)\n", o->config);
        else
                r = report_print_command(dir, o->report, o->json, stdout);
        policy_free(&p);
        return r;
}

/* Sidecar mode's start: which container, and with --sidecar=PROGRAM the
 * wait for its app. 1 in sidecar mode (*sc filled), 0 for the usual
 * daemon, -1 when the run ends here with *exit_code. */
static int sidecar_start(struct options *o, bool no_default, struct sidecar *sc, int *exit_code) {
        *exit_code = 1;
        int sidecar = o->sidecar_of ? sidecar_app_detect(o->sidecar_of, o->config, sc)
                                    : sidecar_detect(o->root, o->sidecar, no_default && strcmp(o->root, "/") == 0,
                                                     o->config, sc);
        if (sidecar <= 0)
                return sidecar < 0 ? -1 : 0;
        if (o->sidecar_of && sc->app.pidfd < 0 && (o->status || o->check_config)) {
                log_error("--sidecar=%s: no container of %s here now", o->sidecar_of, o->sidecar_of);
                return -1;
        }
        if (o->check_config) {
                *exit_code = sidecar_check_config(sc, o->config_given ? o->config : NULL);
                return -1;
        }
        sidecar_settings(sc, o);
        if (o->sidecar_of && sc->app.pidfd < 0 && sidecar_app_wait(sc) < 0)
                return -1; /* the daemon waits for its app: nothing to guard before */
        return 1;
}

/* --status, or the daemon's loop, on a guard set up for the policy. */
static int status_or_loop(const struct options *o, struct guard *g, const struct sidecar *sc, bool no_policy) {
        if (o->status) {
                const struct status_options so = { .json = o->json,
                                                   .adjust = o->adjust,
                                                   .all = o->all,
                                                   .config = no_policy || (sc && sc->builtin) ? NULL : o->config,
                                                   .sidecar = sc ? &sc->self : NULL,
                                                   .default_config = SYSCONFDIR "/oomguard.conf" };
                return status_show(g, &so);
        }
        struct loop_options lo = { .config_path = sc && sc->builtin ? NULL : o->config,
                                   .max_ticks = o->ticks,
                                   .lock_memory = strcmp(o->root, "/") == 0 };
        if (sc)
                sidecar_announce(sc, g);
        return loop_run(g, &lo) < 0 ? 1 : 0;
}

/* The policy, the restore file's claim, the guard, then status_or_loop. */
static int run_guard(const struct options *o, struct sidecar *sc, bool no_default) {
        /* --status needs no policy: without -c and without the default
         * file it lists what the kernel says, and no rule. */
        bool no_policy = !sc && o->status && no_default;
        struct policy p = { 0 };
        if (no_policy)
                policy_free(&p); /* the defaults, no rule */
        else if (sc ? sidecar_policy(sc, sc->builtin ? NULL : o->config, &p) < 0 : load_policy(o->config, &p) < 0)
                return 1;
        /* Only an instance that may change cgroup files claims the restore
         * file and replays it: --dry-run, --status and -n leave it alone.
         * A policy's dry_run = yes does not: a reload may turn it off. */
        bool changes_files = !o->status && strcmp(o->root, "/") == 0 && !o->dry_run;
        int owner_fd = changes_files ? claim_restore_file(o->restore_file, "start-up") : -1;
        if (owner_fd == -EBUSY) {
                policy_free(&p);
                return 1;
        }
        if (changes_files)
                (void)restore_leftover(o->restore_file, "start-up");
        /* Not on the stack: ~100 KiB (the births ring alone is 48), and a
         * stack that cannot grow under RLIMIT_AS is a SIGSEGV before
         * self_protect() can say so (tests/t-live-faults.sh). */
        static struct guard g;
        int r = 1;
        if (guard_init(&g, o->root, &p, o->dry_run, o->restore_file) == 0) {
                g.optin.owner_fd = owner_fd; /* the guardian inherits it */
                g.sidecar = sc;
                sidecar_app_apply(&g); /* --sidecar=PROGRAM: the app's mounts */
                r = status_or_loop(o, &g, sc, no_policy);
        }
        guard_free(&g);
        if (owner_fd >= 0)
                close(owner_fd);
        return r;
}

int main(int argc, char **argv) {
        struct options o = { .config = SYSCONFDIR "/oomguard.conf", .root = "/" };
        /* Internal, not in --help: the hook runner the guard spawns (outputs/hook.h). */
        if (argc == 3 && strcmp(argv[1], "--hook-runner") == 0)
                return hook_runner_main(argv[2]);
        if (argc == 3 && strcmp(argv[1], "--guardian") == 0) /* actions/guardian.h */
                return guardian_run(argv[2]);
        if (parse_args(argc, argv, &o) < 0)
                return 2;
        if (o.check_config && !o.sidecar)
                return check_config(o.config);
        if (o.report)
                return show_report(&o);
        if (o.reload_pid)
                return reload_pid_command(o.reload_pid, o.config);
        if (!o.restore_file)
                o.restore_file = getenv("OOMGUARD_RESTORE_FILE");
        if (!o.restore_file || !*o.restore_file)
                o.restore_file = default_restore_file;
        log_setup(o.status || o.restore ? LOG_TARGET_STDERR : o.log_target, o.verbose);
        if (o.restore)
                return restore_command(o.restore_file);
        sigset_t loop_signals;
        if (!o.status && !o.check_config && pid1_is()) /* PID 1 drops what it does not block: a SIGTERM during set-up */
                (void)loop_block_signals(&loop_signals);
        raise_fd_limit();
        static struct sidecar sc;
        bool no_default = !o.config_given && access(o.config, F_OK) < 0 && errno == ENOENT;
        int exit_code, sidecar = sidecar_start(&o, no_default, &sc, &exit_code);
        if (sidecar < 0)
                return exit_code;
        return run_guard(&o, sidecar ? &sc : NULL, no_default);
}
