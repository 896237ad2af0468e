/* Benchmark helper: a paced exec storm.
 *   execstorm BIN RATE SECONDS
 * fork + execv(BIN) RATE times a second for SECONDS, paced on absolute
 * CLOCK_MONOTONIC deadlines (a late start is not made up for by a burst
 * beyond one missed slot), reaping as it goes. BIN is a copy of true.
 * Prints "summary execs=N failed=F seconds=S rate=R". On SIGTERM/SIGINT it
 * stops forking, reaps what is left and exits. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stop;
static void on_signal(int sig) { stop = sig; }

static long long now_ns(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv) {
        if (argc != 4)
                return fprintf(stderr, "usage: execstorm BIN RATE SECONDS\n"), 2;
        long rate = atol(argv[2]);
        double secs = atof(argv[3]);
        if (rate < 1 || secs <= 0)
                return 2;
        struct sigaction sa = { .sa_handler = on_signal };
        sigaction(SIGTERM, &sa, NULL);
        sigaction(SIGINT, &sa, NULL);
        long long step = 1000000000LL / rate, start = now_ns(), end = start + (long long)(secs * 1e9);
        long long next = start;
        long execs = 0, failed = 0, running = 0;
        while (!stop && next < end) {
                struct timespec ts = { next / 1000000000LL, next % 1000000000LL };
                while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR && !stop)
                        ;
                if (stop)
                        break;
                pid_t pid = fork();
                if (pid == 0) {
                        signal(SIGTERM, SIG_DFL);
                        signal(SIGINT, SIG_DFL);
                        execl(argv[1], argv[1], (char *)NULL);
                        _exit(127);
                }
                if (pid > 0)
                        running++;
                int st;
                pid_t w;
                while (running > 0 && (w = waitpid(-1, &st, WNOHANG)) > 0) {
                        running--;
                        if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
                                execs++;
                        else
                                failed++;
                }
                if (pid < 0)
                        failed++;
                next += step;
                long long now = now_ns();
                if (next < now - step)
                        next = now - step; /* at most one catch-up slot */
        }
        int st;
        while (running > 0 && waitpid(-1, &st, 0) > 0) {
                running--;
                if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
                        execs++;
                else
                        failed++;
        }
        double took = (double)(now_ns() - start) / 1e9;
        printf("summary execs=%ld failed=%ld seconds=%.3f rate=%.1f\n", execs, failed, took, (double)execs / took);
        return stop ? 1 : 0;
}
