/* Context-switch load for DeepDiveLiveIT: PAIRS pairs of processes bouncing one byte through two pipes
 * (each round trip is two context switches) for SECONDS, at most RATE round trips a second per pair
 * (0: as fast as possible). Every process ends by itself: the echoing child sees end-of-file when its
 * partner stops, and a partner that cannot write stops.
 *   pingpong PAIRS SECONDS RATE */
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

static void echo(int in, int out) {
    char c;
    while (read(in, &c, 1) == 1 && write(out, &c, 1) == 1) {
    }
    _exit(0);
}

static void serve(int out, int in, time_t end, long rate) {
    char c = 0;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (long n = 1; time(NULL) < end; n++) {
        if (write(out, &c, 1) != 1 || read(in, &c, 1) != 1) {
            break;
        }
        if (rate > 0 && n % 100 == 0) {
            struct timespec now;
            clock_gettime(CLOCK_MONOTONIC, &now);
            double ahead = n / (double) rate - ((now.tv_sec - t0.tv_sec) + (now.tv_nsec - t0.tv_nsec) / 1e9);
            if (ahead > 0) {
                usleep((useconds_t) (ahead * 1e6));
            }
        }
    }
}

int main(int argc, char **argv) {
    int pairs = argc > 1 ? atoi(argv[1]) : 1;
    int seconds = argc > 2 ? atoi(argv[2]) : 10;
    long rate = argc > 3 ? atol(argv[3]) : 0;
    time_t end = time(NULL) + (seconds > 0 && seconds <= 600 ? seconds : 10);
    for (int p = 0; p < pairs && p < 64; p++) {
        int there[2], back[2];
        if (pipe(there) || pipe(back)) {
            return 1;
        }
        if (fork() == 0) {
            if (fork() == 0) {
                close(there[1]);
                close(back[0]);
                echo(there[0], back[1]);
            }
            close(there[0]);
            close(back[1]);
            serve(there[1], back[0], end, rate);
            close(there[1]);
            wait(NULL);
            _exit(0);
        }
        close(there[0]);
        close(there[1]);
        close(back[0]);
        close(back[1]);
    }
    while (wait(NULL) > 0) {
    }
    return 0;
}
