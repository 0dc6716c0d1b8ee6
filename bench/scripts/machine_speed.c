/* The machine's own speed over time: the same fixed work (a pointer chase through 4 MiB and a multiply-add
 * chain) timed every quarter second, with nothing else of ppl4j running. On these VMs its time moves by 1.5-4x
 * within a minute (docs/performance.md, "The machine's phases"): a step time read without a reference run beside
 * it says as much about the host as about the program. Usage: machine_speed SECONDS */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
    int seconds = argc > 1 ? atoi(argv[1]) : 30;
    size_t n = (size_t) 1 << 20;
    uint32_t *next = malloc(n * sizeof *next);
    if (next == NULL) {
        return 1;
    }
    for (size_t i = 0; i < n; i++) {
        next[i] = (uint32_t) i;
    }
    srand(1);
    for (size_t i = n - 1; i > 0; i--) { /* a random permutation: the chase misses the caches */
        size_t j = (size_t) rand() % (i + 1);
        uint32_t t = next[i];
        next[i] = next[j];
        next[j] = t;
    }
    double start = now();
    uint32_t p = 0;
    double x = 1.0;
    while (now() - start < seconds) {
        double t0 = now();
        for (int k = 0; k < 2000000; k++) {
            p = next[p];
            x = x * 1.0000001 + p * 1e-9;
        }
        printf("%.2f %.1f\n", t0 - start, (now() - t0) * 1e3);
        fflush(stdout);
        struct timespec pause = {0, 200000000};
        nanosleep(&pause, NULL);
    }
    return x > 0 && p < n ? 0 : 2; /* uses the results, so the loop stays */
}
