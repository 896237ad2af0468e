/* Test helper: a zombie factory. Forks a child every INTERVAL ms that
 * exits at once, and never reaps any of them.
 *   zombief [COUNT] [INTERVAL_MS]   (defaults 50, 20), then waits. */
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
        int count = argc > 1 ? atoi(argv[1]) : 50;
        long ms = argc > 2 ? atol(argv[2]) : 20;
        for (int i = 0; i < count; i++) {
                if (fork() == 0)
                        _exit(0);
                struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
                nanosleep(&ts, NULL);
        }
        for (;;)
                pause();
}
