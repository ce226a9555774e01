/* Reference checksums for the kernels in bench/kernels (the .clif files): the eight kernels of
 * ../shared/bench/wasm/src with their sizes as parameters, step for step the
 * algorithm each .clif file implements (same operation order, so the same
 * floating-point results).
 *
 *   ref full    every kernel at the sizes of the C originals; prints
 *               "name checksum" and exits 1 unless each equals the checksum
 *               the original C kernel returns
 *   ref small   every kernel at the sizes of `run_small` in the .clif files;
 *               prints "name checksum" (bench/run.sh compares these with the
 *               `; run: %run_small() == N` lines)
 *
 * Build: cc -O2 -fno-math-errno -o ref ref.c -lm */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef uint8_t u8;
typedef uint32_t u32;
typedef int32_t i32;
typedef uint64_t u64;

static u32 lcg32(u32 *s) {
    *s = *s * 1664525u + 1013904223u;
    return *s;
}
static u64 splitmix64(u64 *s) {
    u64 z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
static u32 mix_double(double d) {
    u64 u;
    memcpy(&u, &d, 8);
    return (u32)u ^ (u32)(u >> 32);
}

/* ---- fib ---- */
static u32 fib(u32 n) {
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

/* ---- sieve: mark[] is cleared first (the C original relies on static
 * zero-initialised memory and a tag kept across calls) ---- */
static u32 sieve(u32 n, u32 rounds) {
    u8 *mark = calloc(n, 1);
    u32 sum = 0;
    u8 tag = 0;
    for (u32 k = 0; k < rounds; k++) {
        tag = (u8)(tag + 1);
        if (tag == 0) {
            memset(mark, 0, n);
            tag = 1;
        }
        u32 count = 0;
        for (u32 i = 2; i < n; i++) {
            if (mark[i] != tag) {
                count++;
                for (u32 j = i + i; j < n; j += i)
                    mark[j] = tag;
            }
        }
        sum += count;
    }
    free(mark);
    return sum;
}

/* ---- matmul ---- */
static u32 matmul(u32 n, u32 reps) {
    double *A = malloc(sizeof(double) * n * n), *B = malloc(sizeof(double) * n * n);
    double *C = malloc(sizeof(double) * n * n);
    u32 s = 12345;
    for (u32 i = 0; i < n; i++)
        for (u32 j = 0; j < n; j++) {
            A[i * n + j] = (double)(lcg32(&s) >> 8) * (1.0 / 16777216.0);
            B[i * n + j] = (double)(lcg32(&s) >> 8) * (1.0 / 16777216.0) - 0.5;
        }
    u32 h = 0;
    for (u32 rep = 0; rep < reps; rep++) {
        for (u32 i = 0; i < n * n; i++)
            C[i] = 0.0;
        for (u32 i = 0; i < n; i++)
            for (u32 k = 0; k < n; k++) {
                double a = A[i * n + k];
                for (u32 j = 0; j < n; j++)
                    C[i * n + j] += a * B[k * n + j];
            }
        double t = 0.0;
        for (u32 i = 0; i < n; i++)
            t += C[i * n + (i * 7 + rep) % n];
        h = h * 31u + mix_double(t);
        A[(rep % n) * n + rep % n] += 1.0;
    }
    free(A), free(B), free(C);
    return h;
}

/* ---- nbody ---- */
#define PI            3.141592653589793
#define SOLAR_MASS    (4 * PI * PI)
#define DAYS_PER_YEAR 365.24
typedef struct {
    double x, y, z, vx, vy, vz, mass;
} body;
#define NB 5
static const double nbody_init[NB][7] = {
    {0, 0, 0, 0, 0, 0, SOLAR_MASS},
    {4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01,
     1.66007664274403694e-03 * DAYS_PER_YEAR, 7.69901118419740425e-03 * DAYS_PER_YEAR,
     -6.90460016972063023e-05 * DAYS_PER_YEAR, 9.54791938424326609e-04 * SOLAR_MASS},
    {8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01,
     -2.76742510726862411e-03 * DAYS_PER_YEAR, 4.99852801234917238e-03 * DAYS_PER_YEAR,
     2.30417297573763929e-05 * DAYS_PER_YEAR, 2.85885980666130812e-04 * SOLAR_MASS},
    {1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01,
     2.96460137564761618e-03 * DAYS_PER_YEAR, 2.37847173959480950e-03 * DAYS_PER_YEAR,
     -2.96589568540237556e-05 * DAYS_PER_YEAR, 4.36624404335156298e-05 * SOLAR_MASS},
    {1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01,
     2.68067772490389322e-03 * DAYS_PER_YEAR, 1.62824170038242295e-03 * DAYS_PER_YEAR,
     -9.51592254519715870e-05 * DAYS_PER_YEAR, 5.15138902046611451e-05 * SOLAR_MASS}};

static void advance(body *b, double dt) {
    for (int i = 0; i < NB; i++) {
        body *bi = &b[i];
        for (int j = i + 1; j < NB; j++) {
            body *bj = &b[j];
            double dx = bi->x - bj->x, dy = bi->y - bj->y, dz = bi->z - bj->z;
            double d2 = dx * dx + dy * dy + dz * dz;
            double mag = dt / (d2 * sqrt(d2));
            bi->vx -= dx * bj->mass * mag;
            bi->vy -= dy * bj->mass * mag;
            bi->vz -= dz * bj->mass * mag;
            bj->vx += dx * bi->mass * mag;
            bj->vy += dy * bi->mass * mag;
            bj->vz += dz * bi->mass * mag;
        }
    }
    for (int i = 0; i < NB; i++) {
        b[i].x += dt * b[i].vx;
        b[i].y += dt * b[i].vy;
        b[i].z += dt * b[i].vz;
    }
}

static u32 nbody(u32 steps) {
    body b[NB];
    for (int i = 0; i < NB; i++) {
        b[i].x = nbody_init[i][0], b[i].y = nbody_init[i][1], b[i].z = nbody_init[i][2];
        b[i].vx = nbody_init[i][3], b[i].vy = nbody_init[i][4], b[i].vz = nbody_init[i][5];
        b[i].mass = nbody_init[i][6];
    }
    double px = 0, py = 0, pz = 0;
    for (int i = 0; i < NB; i++) {
        px += b[i].vx * b[i].mass;
        py += b[i].vy * b[i].mass;
        pz += b[i].vz * b[i].mass;
    }
    b[0].vx = -px / SOLAR_MASS, b[0].vy = -py / SOLAR_MASS, b[0].vz = -pz / SOLAR_MASS;
    for (u32 i = 0; i < steps; i++)
        advance(b, 0.01);
    double e = 0.0;
    for (int i = 0; i < NB; i++) {
        e += 0.5 * b[i].mass * (b[i].vx * b[i].vx + b[i].vy * b[i].vy + b[i].vz * b[i].vz);
        for (int j = i + 1; j < NB; j++) {
            double dx = b[i].x - b[j].x, dy = b[i].y - b[j].y, dz = b[i].z - b[j].z;
            e -= (b[i].mass * b[j].mass) / sqrt(dx * dx + dy * dy + dz * dz);
        }
    }
    return mix_double(e);
}

/* ---- sha256 ---- */
static const u32 K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};
static u32 ror(u32 x, u32 n) {
    return (x >> n) | (x << (32 - n));
}

static void compress(u32 st[8], const u8 *p) {
    u32 w[64];
    for (int i = 0; i < 16; i++)
        w[i] =
            (u32)p[4 * i] << 24 | (u32)p[4 * i + 1] << 16 | (u32)p[4 * i + 2] << 8 | p[4 * i + 3];
    for (int i = 16; i < 64; i++) {
        u32 s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3);
        u32 s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    u32 a = st[0], b = st[1], c = st[2], d = st[3], e = st[4], f = st[5], g = st[6], h = st[7];
    for (int i = 0; i < 64; i++) {
        u32 S1 = ror(e, 6) ^ ror(e, 11) ^ ror(e, 25);
        u32 ch = (e & f) ^ (~e & g);
        u32 t1 = h + S1 + ch + K[i] + w[i];
        u32 S0 = ror(a, 2) ^ ror(a, 13) ^ ror(a, 22);
        u32 mj = (a & b) ^ (a & c) ^ (b & c);
        u32 t2 = S0 + mj;
        h = g, g = f, f = e, e = d + t1, d = c, c = b, b = a, a = t1 + t2;
    }
    st[0] += a, st[1] += b, st[2] += c, st[3] += d;
    st[4] += e, st[5] += f, st[6] += g, st[7] += h;
}

static u32 sha256(u32 len, u32 passes) {
    u8 *buf = malloc(len);
    u32 s = 7;
    for (u32 i = 0; i < len; i++)
        buf[i] = (u8)(lcg32(&s) >> 24);
    u32 st[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    for (u32 k = 0; k < passes; k++) {
        for (u32 off = 0; off < len; off += 64)
            compress(st, buf + off);
        buf[k % len] ^= (u8)st[0];
    }
    free(buf);
    return st[0] ^ st[1] ^ st[2] ^ st[3] ^ st[4] ^ st[5] ^ st[6] ^ st[7];
}

/* ---- qsort ---- */
static void isort(u32 *v, i32 lo, i32 hi) {
    for (i32 i = lo + 1; i <= hi; i++) {
        u32 x = v[i];
        i32 j = i - 1;
        while (j >= lo && v[j] > x) {
            v[j + 1] = v[j];
            j--;
        }
        v[j + 1] = x;
    }
}
static void swap(u32 *v, i32 i, i32 j) {
    u32 t = v[i];
    v[i] = v[j];
    v[j] = t;
}
static void qs(u32 *v, i32 lo, i32 hi) {
    while (hi - lo > 16) {
        i32 mid = lo + ((hi - lo) >> 1);
        if (v[mid] < v[lo]) swap(v, mid, lo);
        if (v[hi] < v[lo]) swap(v, hi, lo);
        if (v[hi] < v[mid]) swap(v, hi, mid);
        u32 p = v[mid];
        i32 i = lo, j = hi;
        while (i <= j) {
            while (v[i] < p)
                i++;
            while (v[j] > p)
                j--;
            if (i <= j) {
                swap(v, i, j);
                i++;
                j--;
            }
        }
        if (j - lo < hi - i) {
            qs(v, lo, j);
            lo = i;
        } else {
            qs(v, i, hi);
            hi = j;
        }
    }
    isort(v, lo, hi);
}
static u32 qsort_k(u32 n, u32 rounds) {
    u32 *a = malloc(sizeof(u32) * n), h = 0;
    for (u32 k = 0; k < rounds; k++) {
        u32 s = 1000 + k;
        for (u32 i = 0; i < n; i++)
            a[i] = lcg32(&s);
        qs(a, 0, (i32)n - 1);
        for (u32 i = 0; i < n; i += 97)
            h = h * 31u + a[i];
        for (u32 i = 1; i < n; i++)
            if (a[i - 1] > a[i]) {
                free(a);
                return 0xBAD;
            }
    }
    free(a);
    return h;
}

/* ---- mandel ---- */
static u32 mandel(u32 w, u32 hgt, u32 maxit) {
    u32 sum = 0, hash = 0;
    for (u32 py = 0; py < hgt; py++) {
        double ci = -1.25 + 2.5 * (double)py / (double)hgt;
        for (u32 px = 0; px < w; px++) {
            double cr = -2.0 + 2.6 * (double)px / (double)w;
            double zr = 0, zi = 0, zr2 = 0, zi2 = 0;
            u32 it = 0;
            while (it < maxit && zr2 + zi2 <= 4.0) {
                zi = 2.0 * zr * zi + ci;
                zr = zr2 - zi2 + cr;
                zr2 = zr * zr;
                zi2 = zi * zi;
                it++;
            }
            sum += it;
            hash = (hash ^ it) * 16777619u;
        }
    }
    return sum ^ hash;
}

/* ---- hashtab ---- */
static u32 hashtab(u32 log, u32 nins, u32 nlook) {
    u32 slots = 1u << log, mask = slots - 1, h = 0;
    u64 *keys = malloc(sizeof(u64) * slots);
    u32 *vals = malloc(sizeof(u32) * slots);
    for (u32 i = 0; i < slots; i++)
        keys[i] = 0, vals[i] = 0;
    u64 s = 42;
    for (u32 v = 0; v < nins; v++) {
        u64 k = splitmix64(&s) | 1;
        u32 i = (u32)((k * 0x9E3779B97F4A7C15ull) >> (64 - log));
        for (;;) {
            if (keys[i] == 0) {
                keys[i] = k, vals[i] = v;
                break;
            }
            if (keys[i] == k) {
                vals[i] += v;
                break;
            }
            i = (i + 1) & mask;
        }
    }
    for (u32 n = 0; n < nlook; n++) {
        u64 probe = 42, k;
        if (n & 1) {
            u64 t = 0x1234567ull + n;
            k = splitmix64(&t) | 1;
        } else {
            probe += 0x9E3779B97F4A7C15ull * (u64)((n >> 1) % nins);
            k = splitmix64(&probe) | 1;
        }
        u32 i = (u32)((k * 0x9E3779B97F4A7C15ull) >> (64 - log)), r;
        for (;;) {
            if (keys[i] == k) {
                r = vals[i];
                break;
            }
            if (keys[i] == 0) {
                r = 0;
                break;
            }
            i = (i + 1) & mask;
        }
        h = h * 31u + r;
    }
    free(keys), free(vals);
    return h;
}

/* ---- driver ---- */
typedef struct kernel {
    const char *name;
    u32 (*run)(const u32 *size);
    u32 full[3], small[3];
    u32 expect; /* what the C original returns at full size */
} kernel;

static u32 k_fib(const u32 *s) {
    return fib(s[0]);
}
static u32 k_sieve(const u32 *s) {
    return sieve(s[0], s[1]);
}
static u32 k_matmul(const u32 *s) {
    return matmul(s[0], s[1]);
}
static u32 k_nbody(const u32 *s) {
    return nbody(s[0]);
}
static u32 k_sha256(const u32 *s) {
    return sha256(s[0], s[1]);
}
static u32 k_qsort(const u32 *s) {
    return qsort_k(s[0], s[1]);
}
static u32 k_mandel(const u32 *s) {
    return mandel(s[0], s[1], s[2]);
}
static u32 k_hashtab(const u32 *s) {
    return hashtab(s[0], s[1], s[2]);
}

/* Sizes: the C originals' (full) and the .clif files' run_small (small). */
static const kernel kernels[] = {
    {"fib", k_fib, {39}, {20}, 63245986u},
    {"sieve", k_sieve, {16u << 20, 5}, {32768, 3}, 5389355u},
    {"matmul", k_matmul, {320, 16}, {12, 3}, 4193579479u},
    {"nbody", k_nbody, {5000000}, {1000}, 2660952370u},
    {"sha256", k_sha256, {65536, 1200}, {1024, 3}, 2566654094u},
    {"qsort", k_qsort, {2u << 20, 3}, {1500, 2}, 1254157404u},
    {"mandel", k_mandel, {1000, 1000, 500}, {24, 16, 50}, 1681147336u},
    {"hashtab", k_hashtab, {21, 1200000, 8000000}, {10, 600, 4000}, 588723328u},
};

int main(int argc, char **argv) {
    int full = argc > 1 && strcmp(argv[1], "full") == 0;
    if (argc < 2 || (!full && strcmp(argv[1], "small") != 0)) {
        fprintf(stderr, "usage: ref full|small [KERNEL...]\n");
        return 2;
    }
    int status = 0;
    for (size_t i = 0; i < sizeof kernels / sizeof *kernels; i++) {
        const kernel *k = &kernels[i];
        int wanted = argc == 2;
        for (int a = 2; a < argc; a++)
            wanted |= strcmp(argv[a], k->name) == 0;
        if (!wanted) continue;
        u32 got = k->run(full ? k->full : k->small);
        printf("%s %u", k->name, got);
        if (full && got != k->expect) {
            printf(" MISMATCH (the C original returns %u)", k->expect);
            status = 1;
        }
        printf("\n");
    }
    return status;
}
