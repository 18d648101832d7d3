/* rng.c — the ziggurat tables of rng_normal and its rare cases (wedges, tail); see rng.h.
 * The method: G. Marsaglia, W. W. Tsang, "The ziggurat method for generating random
 * variables" (2000), with the layout and the constants of J. A. Doornik, "An improved
 * ziggurat method to generate normal random samples" (2005). */
#include "rng.h"

#include <pthread.h>

#define ZIG_R 3.442619855899            /* where the tail starts */
#define ZIG_V 9.91256303526217e-3       /* the area of each layer */

double rng_zig_x[RNG_ZIG_N + 1], rng_zig_r[RNG_ZIG_N];

static void zig_tables(void)
{
    double f = exp(-0.5 * ZIG_R * ZIG_R);
    rng_zig_x[0] = ZIG_V / f;           /* the bottom layer: a rectangle and the tail */
    rng_zig_x[1] = ZIG_R;
    rng_zig_x[RNG_ZIG_N] = 0;
    for (int i = 2; i < RNG_ZIG_N; i++) {
        rng_zig_x[i] = sqrt(-2 * log(ZIG_V / rng_zig_x[i - 1] + f));
        f = exp(-0.5 * rng_zig_x[i] * rng_zig_x[i]);
    }
    for (int i = 0; i < RNG_ZIG_N; i++) rng_zig_r[i] = rng_zig_x[i + 1] / rng_zig_x[i];
}

void rng_init(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, zig_tables);
}

/* Uniform in (0, 1]: a log's argument. */
static double uniform_pos(rng *r) { return (double)((rng_next(r) >> 11) + 1) * 0x1.0p-53; }

double rng_normal_slow(rng *r, unsigned layer, double u)
{
    for (;;) {
        if (layer == 0) {   /* beyond R: Marsaglia's tail method */
            double x, y;
            do {
                x = log(uniform_pos(r)) / ZIG_R;
                y = log(uniform_pos(r));
            } while (-2 * y < x * x);
            return u < 0 ? x - ZIG_R : ZIG_R - x;
        }
        /* a wedge: accept x under the density, between the layer's two edges */
        double x = u * rng_zig_x[layer];
        double f0 = exp(-0.5 * (rng_zig_x[layer] * rng_zig_x[layer] - x * x));
        double f1 = exp(-0.5 * (rng_zig_x[layer + 1] * rng_zig_x[layer + 1] - x * x));
        if (f1 + rng_uniform(r) * (f0 - f1) < 1.0) return x;
        uint64_t v = rng_next(r);
        layer = (unsigned)(v & (RNG_ZIG_N - 1));
        u = (double)(v >> 11) * 0x1.0p-52 - 1.0;
        if (fabs(u) < rng_zig_r[layer]) return u * rng_zig_x[layer];
    }
}
