// A reference for `fpgarun predict`'s 1 -> 2 thread scaling: a job shaped like predict on the jet
// tagger, with no start-up and no input at all: each thread claims blocks of samples, does a fixed amount of
// integer work per sample, and pwrites the block's float64 outputs into one new file, while a
// flusher thread calls fdatasync every 2 MB (predict's NPYBlockWriter does the same); at the end a
// last fdatasync and a rename. Run with the output on disk and on tmpfs, it separates what the
// durable write path costs two busy CPUs from what the work itself allows.
//
// WORK is `chain` (default: a latency-bound multiply-xor chain, which barely feels what shares its
// core) or `simd` (eight independent AVX2 32-bit multiply-add-shift chains, throughput-bound like
// the emulator's Dense kernels: it runs faster alone when the VM gives a lone vCPU a whole host core,
// as the emulator does; without AVX2 it falls back to `chain`).
//
//   scaling_reference OUT_DIR THREADS [SAMPLES] [NS_PER_SAMPLE] [OUTPUTS] [WORK]
// prints the wall-clock milliseconds of the whole job.
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { BLOCK = 16384, SYNC_BYTES = 2 << 20, HEADER = 128 };

static long samples, outputs;
static double iters_per_sample;
static int simd_work;
static int fd;
static atomic_long next_block, written;
static atomic_int finished;
static volatile uint64_t sink;

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec * 1e-6;
}

// A dependent multiply-xor chain: integer work that does not touch memory.
static uint64_t spin(long n, uint64_t x) {
    for (long i = 0; i < n; i++) x = (x * 6364136223846793005ull + 1442695040888963407ull) ^ (x >> 29);
    return x;
}

#if defined(__x86_64__)
#include <immintrin.h>
// Eight independent chains of vpmulld + vpaddd + vpsrld + vpxor: throughput-bound on the multiplier.
__attribute__((target("avx2"))) static uint64_t spin_simd(long n, uint64_t seed) {
    __m256i a[8];
    for (int k = 0; k < 8; k++) a[k] = _mm256_set1_epi32((int)(seed + (uint64_t)k));
    const __m256i m = _mm256_set1_epi32(1103515245), c = _mm256_set1_epi32(12345);
    for (long i = 0; i < n; i++) {
        for (int k = 0; k < 8; k++) {
            a[k] = _mm256_add_epi32(_mm256_mullo_epi32(a[k], m), c);
            a[k] = _mm256_xor_si256(a[k], _mm256_srli_epi32(a[k], 13));
        }
    }
    __m256i x = a[0];
    for (int k = 1; k < 8; k++) x = _mm256_xor_si256(x, a[k]);
    return (uint64_t)_mm256_extract_epi64(x, 0);
}
#endif

static uint64_t work(long n, uint64_t seed) {
#if defined(__x86_64__)
    if (simd_work) return spin_simd(n, seed);
#endif
    return spin(n, seed);
}

static void *worker(void *arg) {
    (void)arg;
    double *out = malloc(sizeof(double) * BLOCK * outputs);
    for (;;) {
        long start = atomic_fetch_add(&next_block, BLOCK);
        if (start >= samples) break;
        long n = samples - start < BLOCK ? samples - start : BLOCK;
        uint64_t x = work((long)(iters_per_sample * n), (uint64_t)start);
        for (long i = 0; i < n * outputs; i++) out[i] = (double)((x + (uint64_t)i) & 0xffff) / 1024.0;
        size_t bytes = sizeof(double) * n * outputs;
        if (pwrite(fd, out, bytes, HEADER + sizeof(double) * start * outputs) != (ssize_t)bytes) {
            perror("pwrite");
            exit(1);
        }
        atomic_fetch_add(&written, bytes);
    }
    free(out);
    return NULL;
}

static void *flusher(void *arg) {
    (void)arg;
    long synced = 0;
    while (!atomic_load(&finished)) {
        long w = atomic_load(&written);
        if (w - synced >= SYNC_BYTES) {
            fdatasync(fd);
            synced = w;
        } else {
            usleep(500);
        }
    }
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: scaling_reference OUT_DIR THREADS [SAMPLES] [NS_PER_SAMPLE] [OUTPUTS] [chain|simd]\n");
        return 2;
    }
    int threads = atoi(argv[2]);
    samples = argc > 3 ? atol(argv[3]) : 1000000;
    double ns_per_sample = argc > 4 ? atof(argv[4]) : 500;
    outputs = argc > 5 ? atol(argv[5]) : 5;
    const char *kind = argc > 6 ? argv[6] : "chain";
    if (strcmp(kind, "simd") == 0) {
#if defined(__x86_64__)
        simd_work = __builtin_cpu_supports("avx2");
#endif
    } else if (strcmp(kind, "chain") != 0) {
        fprintf(stderr, "scaling_reference: WORK must be chain or simd, not %s\n", kind);
        return 2;
    }
    if (threads < 1 || threads > 64 || samples < 1 || outputs < 1 || ns_per_sample < 0) {
        fprintf(stderr, "scaling_reference: bad arguments\n");
        return 2;
    }
    // Calibrate the work loop once, single-threaded, before timing anything.
    double c0 = now_ms();
    const long calibration = simd_work ? 2000000 : 20000000;
    sink = work(calibration, 1);
    iters_per_sample = ns_per_sample * calibration / ((now_ms() - c0) * 1e6);

    char tmp[4096], final[4096];
    snprintf(tmp, sizeof tmp, "%s/.scaling_reference.tmp-%d", argv[1], (int)getpid());
    snprintf(final, sizeof final, "%s/scaling_reference-%d.out", argv[1], (int)getpid());
    double t0 = now_ms();
    fd = open(tmp, O_RDWR | O_CREAT | O_EXCL, 0600);
    if (fd < 0) {
        perror(tmp);
        return 2;
    }
    char header[HEADER];
    memset(header, ' ', sizeof header);
    if (pwrite(fd, header, sizeof header, 0) != HEADER) {
        perror("pwrite");
        return 1;
    }
    pthread_t flush, work[64];
    pthread_create(&flush, NULL, flusher, NULL);
    for (int i = 1; i < threads; i++) pthread_create(&work[i], NULL, worker, NULL);
    worker(NULL);
    for (int i = 1; i < threads; i++) pthread_join(work[i], NULL);
    atomic_store(&finished, 1);
    pthread_join(flush, NULL);
    if (fdatasync(fd) != 0 || close(fd) != 0 || rename(tmp, final) != 0) {
        perror(final);
        return 1;
    }
    printf("%.1f\n", now_ms() - t0);
    unlink(final);
    return 0;
}
