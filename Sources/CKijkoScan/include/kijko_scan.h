#ifndef KIJKO_SCAN_H
#define KIJKO_SCAN_H
// The full-frame inner loops of QC's picture checks on 8-bit planes, in one pass over each row:
// SSE2 on x86-64, plain C (which the compiler vectorises) elsewhere. Each function reads
// `height` rows of `width` bytes, `stride` bytes apart; nothing is kept.
#include <stddef.h>
#include <stdint.h>

/// What one pass over a plane counts.
typedef struct {
    int64_t at_or_below;     ///< pixels <= floor
    int64_t outside;         ///< pixels < low or > high
    int32_t lowest;          ///< the lowest level (255 for an empty plane)
    int32_t highest;         ///< the highest level (0 for an empty plane)
    int64_t sampled_sum;     ///< sum of the pixels on every `sample_every`-th row from the first
    int64_t sampled_count;   ///< how many pixels that sum holds
} kijko_plane_counts;

/// Counts a plane in one pass (low <= high; sample_every >= 1).
void kijko_plane_count(const uint8_t *base, ptrdiff_t stride, int width, int height,
                       uint8_t floor, uint8_t low, uint8_t high, int sample_every, kijko_plane_counts *out);

/// The same counts by the plain C loops, whatever the machine (what the tests hold the fast path to).
void kijko_plane_count_portable(const uint8_t *base, ptrdiff_t stride, int width, int height,
                                uint8_t floor, uint8_t low, uint8_t high, int sample_every, kijko_plane_counts *out);

/// Sum of |a - b| over two planes of one size.
int64_t kijko_plane_sad(const uint8_t *a, ptrdiff_t stride_a, const uint8_t *b, ptrdiff_t stride_b, int width, int height);

/// The same sum by the plain C loop.
int64_t kijko_plane_sad_portable(const uint8_t *a, ptrdiff_t stride_a, const uint8_t *b, ptrdiff_t stride_b,
                                 int width, int height);

/// Blocking on a sample of the picture (8x8 block edges against block middles): for every 16th row
/// pair 16k-1|16k across the width, and along every 16th row (from row 4) at columns 8k-1|8k, counts
/// the steps that stand out — at least `min_step` and more than twice the larger step beside them —
/// at the edge (`edge_hits`) and at the block's middle 4 rows/columns on (`middle_hits`), of `samples`.
void kijko_block_steps(const uint8_t *base, ptrdiff_t stride, int width, int height, uint8_t min_step,
                       int64_t *edge_hits, int64_t *middle_hits, int64_t *samples);
void kijko_block_steps_portable(const uint8_t *base, ptrdiff_t stride, int width, int height, uint8_t min_step,
                                int64_t *edge_hits, int64_t *middle_hits, int64_t *samples);

/// Combing on every 16th line triple (a, b, c) from line 1: sums of |2b - a - c| (`across`) and of
/// |a - c| (`within`) over `count` pixels.
void kijko_combing(const uint8_t *base, ptrdiff_t stride, int width, int height,
                   int64_t *across, int64_t *within, int64_t *count);
void kijko_combing_portable(const uint8_t *base, ptrdiff_t stride, int width, int height,
                            int64_t *across, int64_t *within, int64_t *count);

/// Chroma pixels on every other row with Cr >= cr_min and Cb <= cb_max (saturated red), and how
/// many pixels were read.
void kijko_red_count(const uint8_t *u, ptrdiff_t stride_u, const uint8_t *v, ptrdiff_t stride_v, int width, int height,
                     uint8_t cr_min, uint8_t cb_max, int64_t *red, int64_t *count);
void kijko_red_count_portable(const uint8_t *u, ptrdiff_t stride_u, const uint8_t *v, ptrdiff_t stride_v, int width,
                              int height, uint8_t cr_min, uint8_t cb_max, int64_t *red, int64_t *count);

#endif
