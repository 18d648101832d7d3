/* rng.h — admit's own seeded PRNG (never rand()): xoshiro256** seeded through
 * splitmix64, so that a seed gives the same stream on every machine and libc. */
#ifndef ADMIT_RNG_H
#define ADMIT_RNG_H

#include <math.h>
#include <stdint.h>

typedef struct rng { uint64_t s[4]; } rng;

static inline uint64_t rng_splitmix(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static inline void rng_seed(rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++) r->s[i] = rng_splitmix(&seed);
}

static inline uint64_t rng_rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static inline uint64_t rng_next(rng *r)
{
    uint64_t *s = r->s, result = rng_rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rng_rotl(s[3], 45);
    return result;
}

/* Uniform in [0, 1), 53 bits. */
static inline double rng_uniform(rng *r) { return (double)(rng_next(r) >> 11) * 0x1.0p-53; }

/* Uniform integer in [0, n), n > 0 (Lemire's multiply; the bias is below 2^-32). */
static inline uint32_t rng_below(rng *r, uint32_t n)
{
    return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

/* Standard normal by Marsaglia and Tsang's ziggurat (128 layers, Doornik's layout): one
 * 64-bit draw, a compare and a multiply in 98.8% of cases; no log or sin on the way. The
 * tables are computed once by rng_init (before any thread draws). */
#define RNG_ZIG_N 128
extern double rng_zig_x[RNG_ZIG_N + 1], rng_zig_r[RNG_ZIG_N];
void rng_init(void);
double rng_normal_slow(rng *r, unsigned layer, double u);

static inline double rng_normal(rng *r)
{
    uint64_t x = rng_next(r);
    unsigned layer = (unsigned)(x & (RNG_ZIG_N - 1));     /* bits 0-6 */
    double u = (double)(x >> 11) * 0x1.0p-52 - 1.0;       /* bits 11-63: [-1, 1) */
    if (fabs(u) < rng_zig_r[layer]) return u * rng_zig_x[layer];
    return rng_normal_slow(r, layer, u);
}

/* Poisson(lambda) by Knuth's product method: fine for the small means used here. */
static inline uint32_t rng_poisson(rng *r, double lambda)
{
    double limit = exp(-lambda), prod = rng_uniform(r);
    uint32_t k = 0;
    while (prod > limit) { k++; prod *= rng_uniform(r); }
    return k;
}

#endif
