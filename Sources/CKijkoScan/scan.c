#include "kijko_scan.h"
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

void kijko_plane_count_portable(const uint8_t *base, ptrdiff_t stride, int width, int height,
                                uint8_t floor, uint8_t low, uint8_t high, int sample_every, kijko_plane_counts *out) {
    kijko_plane_counts r = {0, 0, 255, 0, 0, 0};
    if (sample_every < 1) sample_every = 1;
    for (int y = 0; y < height; y++) {
        const uint8_t *row = base + (ptrdiff_t)y * stride;
        uint32_t dark = 0, outside = 0;
        uint8_t lo = 255, hi = 0;
        for (int x = 0; x < width; x++) {
            uint8_t p = row[x];
            dark += p <= floor;
            outside += (p < low) | (p > high);
            lo = p < lo ? p : lo;
            hi = p > hi ? p : hi;
        }
        if (y % sample_every == 0) {
            uint32_t sum = 0;
            for (int x = 0; x < width; x++) sum += row[x];
            r.sampled_sum += sum;
            r.sampled_count += width;
        }
        r.at_or_below += dark;
        r.outside += outside;
        if (lo < r.lowest) r.lowest = lo;
        if (hi > r.highest) r.highest = hi;
    }
    *out = r;
}

int64_t kijko_plane_sad_portable(const uint8_t *a, ptrdiff_t stride_a, const uint8_t *b, ptrdiff_t stride_b,
                                 int width, int height) {
    int64_t total = 0;
    for (int y = 0; y < height; y++) {
        const uint8_t *ra = a + (ptrdiff_t)y * stride_a, *rb = b + (ptrdiff_t)y * stride_b;
        uint32_t row = 0;
        for (int x = 0; x < width; x++) row += ra[x] > rb[x] ? ra[x] - rb[x] : rb[x] - ra[x];
        total += row;
    }
    return total;
}


static inline uint8_t absdiff(uint8_t p, uint8_t q) { return p > q ? p - q : q - p; }

static inline int stands_out(uint8_t p0, uint8_t p1, uint8_t p2, uint8_t p3, uint8_t min_step) {
    uint8_t s = absdiff(p1, p2), a = absdiff(p0, p1), b = absdiff(p2, p3), side = a > b ? a : b;
    return (s >= min_step) & ((s >> 1) > side);
}

/// The vertical edges (scalar in both paths: an eighth of a sixteenth of the picture).
static void block_columns(const uint8_t *base, ptrdiff_t stride, int width, int height, uint8_t min_step,
                          int64_t *edge_hits, int64_t *middle_hits, int64_t *samples) {
    for (int y = 4; y < height; y += 16) {
        const uint8_t *row = base + (ptrdiff_t)y * stride;
        for (int x = 8; x + 6 < width; x += 8) {
            *edge_hits += stands_out(row[x - 2], row[x - 1], row[x], row[x + 1], min_step);
            *middle_hits += stands_out(row[x + 2], row[x + 3], row[x + 4], row[x + 5], min_step);
            *samples += 1;
        }
    }
}

void kijko_block_steps_portable(const uint8_t *base, ptrdiff_t stride, int width, int height, uint8_t min_step,
                                int64_t *edge_hits, int64_t *middle_hits, int64_t *samples) {
    *edge_hits = *middle_hits = *samples = 0;
    if (width < 24 || height < 24) return;
    for (int y = 16; y + 6 < height; y += 16) {
        const uint8_t *r[8];
        for (int i = 0; i < 8; i++) r[i] = base + (ptrdiff_t)(y - 2 + i) * stride;
        for (int x = 0; x < width; x++) {
            *edge_hits += stands_out(r[0][x], r[1][x], r[2][x], r[3][x], min_step);
            *middle_hits += stands_out(r[4][x], r[5][x], r[6][x], r[7][x], min_step);
        }
        *samples += width;
    }
    block_columns(base, stride, width, height, min_step, edge_hits, middle_hits, samples);
}

void kijko_combing_portable(const uint8_t *base, ptrdiff_t stride, int width, int height,
                            int64_t *across, int64_t *within, int64_t *count) {
    *across = *within = *count = 0;
    for (int y = 1; y + 1 < height; y += 16) {
        const uint8_t *a = base + (ptrdiff_t)(y - 1) * stride, *b = a + stride, *c = b + stride;
        for (int x = 0; x < width; x++) {
            int d = 2 * b[x] - a[x] - c[x];
            *across += d < 0 ? -d : d;
            *within += absdiff(a[x], c[x]);
        }
        *count += width;
    }
}

void kijko_red_count_portable(const uint8_t *u, ptrdiff_t stride_u, const uint8_t *v, ptrdiff_t stride_v, int width,
                              int height, uint8_t cr_min, uint8_t cb_max, int64_t *red, int64_t *count) {
    *red = *count = 0;
    for (int y = 0; y < height; y += 2) {
        const uint8_t *ru = u + (ptrdiff_t)y * stride_u, *rv = v + (ptrdiff_t)y * stride_v;
        for (int x = 0; x < width; x++) *red += (rv[x] >= cr_min) & (ru[x] <= cb_max);
        *count += width;
    }
}

#if defined(__SSE2__)

void kijko_plane_count(const uint8_t *base, ptrdiff_t stride, int width, int height,
                       uint8_t floor, uint8_t low, uint8_t high, int sample_every, kijko_plane_counts *out) {
    if (low > high || width < 16) {
        kijko_plane_count_portable(base, stride, width, height, floor, low, high, sample_every, out);
        return;
    }
    if (sample_every < 1) sample_every = 1;
    const __m128i zero = _mm_setzero_si128();
    const __m128i vfloor = _mm_set1_epi8((char)floor), vlow = _mm_set1_epi8((char)low), vhigh = _mm_set1_epi8((char)high);
    __m128i vmin = _mm_set1_epi8((char)0xFF), vmax = zero;
    __m128i dark64 = zero, inside64 = zero, sum64 = zero;
    int64_t tail_dark = 0, tail_outside = 0, tail_sum = 0, sampled_count = 0;
    int tail_low = 255, tail_high = 0;
    const int whole = width & ~15;
    for (int y = 0; y < height; y++) {
        const uint8_t *row = base + (ptrdiff_t)y * stride;
        const int sampled = y % sample_every == 0;
        // Byte counters take at most 255 steps before they are summed into 64-bit lanes.
        __m128i dark8 = zero, inside8 = zero;
        int steps = 0;
        for (int x = 0; x < whole; x += 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)(row + x));
            vmin = _mm_min_epu8(vmin, v);
            vmax = _mm_max_epu8(vmax, v);
            // All ones where v <= floor, and where low <= v <= high; subtracting -1 counts one.
            dark8 = _mm_sub_epi8(dark8, _mm_cmpeq_epi8(_mm_min_epu8(v, vfloor), v));
            inside8 = _mm_sub_epi8(inside8, _mm_cmpeq_epi8(_mm_min_epu8(_mm_max_epu8(v, vlow), vhigh), v));
            if (sampled) sum64 = _mm_add_epi64(sum64, _mm_sad_epu8(v, zero));
            if (++steps == 255) {
                dark64 = _mm_add_epi64(dark64, _mm_sad_epu8(dark8, zero));
                inside64 = _mm_add_epi64(inside64, _mm_sad_epu8(inside8, zero));
                dark8 = inside8 = zero;
                steps = 0;
            }
        }
        dark64 = _mm_add_epi64(dark64, _mm_sad_epu8(dark8, zero));
        inside64 = _mm_add_epi64(inside64, _mm_sad_epu8(inside8, zero));
        for (int x = whole; x < width; x++) {
            uint8_t p = row[x];
            tail_dark += p <= floor;
            tail_outside += (p < low) | (p > high);
            if (p < tail_low) tail_low = p;
            if (p > tail_high) tail_high = p;
            if (sampled) tail_sum += p;
        }
        if (sampled) sampled_count += width;
    }
    uint8_t mins[16], maxs[16];
    int64_t lanes[2];
    _mm_storeu_si128((__m128i *)mins, vmin);
    _mm_storeu_si128((__m128i *)maxs, vmax);
    kijko_plane_counts r = {0, 0, tail_low, tail_high, tail_sum, sampled_count};
    for (int i = 0; i < 16; i++) {
        if (mins[i] < r.lowest) r.lowest = mins[i];
        if (maxs[i] > r.highest) r.highest = maxs[i];
    }
    if (height == 0) { r.lowest = 255; r.highest = 0; }
    _mm_storeu_si128((__m128i *)lanes, dark64);
    r.at_or_below = lanes[0] + lanes[1] + tail_dark;
    _mm_storeu_si128((__m128i *)lanes, inside64);
    r.outside = (int64_t)whole * height - (lanes[0] + lanes[1]) + tail_outside;
    _mm_storeu_si128((__m128i *)lanes, sum64);
    r.sampled_sum += lanes[0] + lanes[1];
    *out = r;
}

int64_t kijko_plane_sad(const uint8_t *a, ptrdiff_t stride_a, const uint8_t *b, ptrdiff_t stride_b, int width, int height) {
    const int whole = width & ~15;
    __m128i sum64 = _mm_setzero_si128();
    int64_t tail = 0;
    for (int y = 0; y < height; y++) {
        const uint8_t *ra = a + (ptrdiff_t)y * stride_a, *rb = b + (ptrdiff_t)y * stride_b;
        for (int x = 0; x < whole; x += 16) {
            __m128i p = _mm_loadu_si128((const __m128i *)(ra + x)), q = _mm_loadu_si128((const __m128i *)(rb + x));
            sum64 = _mm_add_epi64(sum64, _mm_sad_epu8(p, q));
        }
        for (int x = whole; x < width; x++) tail += ra[x] > rb[x] ? ra[x] - rb[x] : rb[x] - ra[x];
    }
    int64_t lanes[2];
    _mm_storeu_si128((__m128i *)lanes, sum64);
    return lanes[0] + lanes[1] + tail;
}

static inline __m128i absdiff16(__m128i p, __m128i q) { return _mm_or_si128(_mm_subs_epu8(p, q), _mm_subs_epu8(q, p)); }

/// All ones in the lanes where the step p1|p2 stands out (see stands_out).
static inline __m128i stands_out16(__m128i p0, __m128i p1, __m128i p2, __m128i p3, __m128i vmin) {
    __m128i s = absdiff16(p1, p2), side = _mm_max_epu8(absdiff16(p0, p1), absdiff16(p2, p3));
    __m128i big = _mm_cmpeq_epi8(_mm_max_epu8(s, vmin), s);                       // s >= min_step
    __m128i half = _mm_and_si128(_mm_srli_epi16(s, 1), _mm_set1_epi8(0x7F));
    __m128i not_over = _mm_cmpeq_epi8(_mm_min_epu8(half, side), half);           // half <= side
    return _mm_andnot_si128(not_over, big);
}

static inline int64_t lanes_sum(__m128i v) {
    int64_t lanes[2];
    _mm_storeu_si128((__m128i *)lanes, v);
    return lanes[0] + lanes[1];
}

void kijko_block_steps(const uint8_t *base, ptrdiff_t stride, int width, int height, uint8_t min_step,
                       int64_t *edge_hits, int64_t *middle_hits, int64_t *samples) {
    *edge_hits = *middle_hits = *samples = 0;
    if (width < 24 || height < 24) return;
    const __m128i zero = _mm_setzero_si128(), vmin = _mm_set1_epi8((char)min_step);
    const int whole = width & ~15;
    for (int y = 16; y + 6 < height; y += 16) {
        const uint8_t *r[8];
        for (int i = 0; i < 8; i++) r[i] = base + (ptrdiff_t)(y - 2 + i) * stride;
        __m128i e8 = zero, m8 = zero, e64 = zero, m64 = zero;
        int steps = 0;
        for (int x = 0; x < whole; x += 16) {
            __m128i v[8];
            for (int i = 0; i < 8; i++) v[i] = _mm_loadu_si128((const __m128i *)(r[i] + x));
            e8 = _mm_sub_epi8(e8, stands_out16(v[0], v[1], v[2], v[3], vmin));
            m8 = _mm_sub_epi8(m8, stands_out16(v[4], v[5], v[6], v[7], vmin));
            if (++steps == 255) {
                e64 = _mm_add_epi64(e64, _mm_sad_epu8(e8, zero));
                m64 = _mm_add_epi64(m64, _mm_sad_epu8(m8, zero));
                e8 = m8 = zero;
                steps = 0;
            }
        }
        *edge_hits += lanes_sum(_mm_add_epi64(e64, _mm_sad_epu8(e8, zero)));
        *middle_hits += lanes_sum(_mm_add_epi64(m64, _mm_sad_epu8(m8, zero)));
        for (int x = whole; x < width; x++) {
            *edge_hits += stands_out(r[0][x], r[1][x], r[2][x], r[3][x], min_step);
            *middle_hits += stands_out(r[4][x], r[5][x], r[6][x], r[7][x], min_step);
        }
        *samples += width;
    }
    block_columns(base, stride, width, height, min_step, edge_hits, middle_hits, samples);
}

void kijko_combing(const uint8_t *base, ptrdiff_t stride, int width, int height,
                   int64_t *across, int64_t *within, int64_t *count) {
    *across = *within = *count = 0;
    const __m128i zero = _mm_setzero_si128();
    const int whole = width & ~15;
    __m128i across64 = zero, within64 = zero;
    for (int y = 1; y + 1 < height; y += 16) {
        const uint8_t *a = base + (ptrdiff_t)(y - 1) * stride, *b = a + stride, *c = b + stride;
        for (int x = 0; x < whole; x += 16) {
            __m128i va = _mm_loadu_si128((const __m128i *)(a + x)), vb = _mm_loadu_si128((const __m128i *)(b + x)),
                    vc = _mm_loadu_si128((const __m128i *)(c + x));
            // |2b - a - c| in 16-bit lanes, summed by madd into 32-bit lanes, then widened.
            __m128i lo = _mm_sub_epi16(_mm_slli_epi16(_mm_unpacklo_epi8(vb, zero), 1),
                                       _mm_add_epi16(_mm_unpacklo_epi8(va, zero), _mm_unpacklo_epi8(vc, zero)));
            __m128i hi = _mm_sub_epi16(_mm_slli_epi16(_mm_unpackhi_epi8(vb, zero), 1),
                                       _mm_add_epi16(_mm_unpackhi_epi8(va, zero), _mm_unpackhi_epi8(vc, zero)));
            __m128i sign_lo = _mm_srai_epi16(lo, 15), sign_hi = _mm_srai_epi16(hi, 15);
            lo = _mm_sub_epi16(_mm_xor_si128(lo, sign_lo), sign_lo);
            hi = _mm_sub_epi16(_mm_xor_si128(hi, sign_hi), sign_hi);
            __m128i sum32 = _mm_madd_epi16(_mm_add_epi16(lo, hi), _mm_set1_epi16(1));
            across64 = _mm_add_epi64(across64, _mm_add_epi64(_mm_unpacklo_epi32(sum32, zero), _mm_unpackhi_epi32(sum32, zero)));
            within64 = _mm_add_epi64(within64, _mm_sad_epu8(va, vc));
        }
        for (int x = whole; x < width; x++) {
            int d = 2 * b[x] - a[x] - c[x];
            *across += d < 0 ? -d : d;
            *within += absdiff(a[x], c[x]);
        }
        *count += width;
    }
    *across += lanes_sum(across64);
    *within += lanes_sum(within64);
}

void kijko_red_count(const uint8_t *u, ptrdiff_t stride_u, const uint8_t *v, ptrdiff_t stride_v, int width, int height,
                     uint8_t cr_min, uint8_t cb_max, int64_t *red, int64_t *count) {
    *red = *count = 0;
    const __m128i zero = _mm_setzero_si128(), vcr = _mm_set1_epi8((char)cr_min), vcb = _mm_set1_epi8((char)cb_max);
    const int whole = width & ~15;
    __m128i red64 = zero;
    for (int y = 0; y < height; y += 2) {
        const uint8_t *ru = u + (ptrdiff_t)y * stride_u, *rv = v + (ptrdiff_t)y * stride_v;
        __m128i red8 = zero;
        int steps = 0;
        for (int x = 0; x < whole; x += 16) {
            __m128i cb = _mm_loadu_si128((const __m128i *)(ru + x)), cr = _mm_loadu_si128((const __m128i *)(rv + x));
            __m128i hit = _mm_and_si128(_mm_cmpeq_epi8(_mm_max_epu8(cr, vcr), cr), _mm_cmpeq_epi8(_mm_min_epu8(cb, vcb), cb));
            red8 = _mm_sub_epi8(red8, hit);
            if (++steps == 255) { red64 = _mm_add_epi64(red64, _mm_sad_epu8(red8, zero)); red8 = zero; steps = 0; }
        }
        red64 = _mm_add_epi64(red64, _mm_sad_epu8(red8, zero));
        for (int x = whole; x < width; x++) *red += (rv[x] >= cr_min) & (ru[x] <= cb_max);
        *count += width;
    }
    *red += lanes_sum(red64);
}

#else

void kijko_plane_count(const uint8_t *base, ptrdiff_t stride, int width, int height,
                       uint8_t floor, uint8_t low, uint8_t high, int sample_every, kijko_plane_counts *out) {
    kijko_plane_count_portable(base, stride, width, height, floor, low, high, sample_every, out);
}

int64_t kijko_plane_sad(const uint8_t *a, ptrdiff_t stride_a, const uint8_t *b, ptrdiff_t stride_b, int width, int height) {
    return kijko_plane_sad_portable(a, stride_a, b, stride_b, width, height);
}

void kijko_block_steps(const uint8_t *base, ptrdiff_t stride, int width, int height, uint8_t min_step,
                       int64_t *edge_hits, int64_t *middle_hits, int64_t *samples) {
    kijko_block_steps_portable(base, stride, width, height, min_step, edge_hits, middle_hits, samples);
}

void kijko_combing(const uint8_t *base, ptrdiff_t stride, int width, int height,
                   int64_t *across, int64_t *within, int64_t *count) {
    kijko_combing_portable(base, stride, width, height, across, within, count);
}

void kijko_red_count(const uint8_t *u, ptrdiff_t stride_u, const uint8_t *v, ptrdiff_t stride_v, int width, int height,
                     uint8_t cr_min, uint8_t cb_max, int64_t *red, int64_t *count) {
    kijko_red_count_portable(u, stride_u, v, stride_v, width, height, cr_min, cb_max, red, count);
}

#endif
