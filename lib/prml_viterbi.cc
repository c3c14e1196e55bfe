/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "prml_viterbi.h"
#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#ifdef ECDISC_PRML_VITERBI_AVX2
#include <immintrin.h>
#endif
#include <sstream>
#include <stdexcept>

namespace ecdisc {

namespace {

[[noreturn]] void
bad(const std::string& param, const std::string& value, const char* allowed)
{
    std::ostringstream s;
    s << param << " = " << value << ": " << allowed;
    throw std::invalid_argument(s.str());
}

std::string vec_str(const std::vector<double>& v)
{
    std::ostringstream s;
    s << "[";
    for (size_t i = 0; i < v.size(); i++)
        s << (i ? ", " : "") << v[i];
    s << "]";
    return s.str();
}

// One add-compare-select step over all S states. Predecessors of
// s = 2p + x are p (x[n-M] = 0) and p + S/2 (x[n-M] = 1). Tables E are laid
// out [b][x][p] (index (2b + x) * S/2 + p) so that every load is contiguous;
// metrics and margins are stored in natural state order, the decisions as
// one bit per state (bit s set: the survivor into s comes from p + S/2).
// Generic form (any S; used for S = 4).
template <int S>
inline void acs_step(float y,
                     const float* __restrict E,
                     float* __restrict m,
                     uint32_t* __restrict dec,
                     float* __restrict delta)
{
    constexpr int H = S / 2;
    float nx[2][H];
    uint32_t bits = 0;
    for (int x = 0; x < 2; x++)
        for (int p = 0; p < H; p++) {
            const float t0 = y - E[x * H + p];
            const float t1 = y - E[(2 + x) * H + p];
            const float c0 = m[p] + t0 * t0;
            const float c1 = m[p + H] + t1 * t1;
            nx[x][p] = c1 < c0 ? c1 : c0;
            bits |= (c1 < c0 ? 1u : 0u) << (2 * p + x);
            delta[2 * p + x] = std::fabs(c0 - c1);
        }
    *dec = bits;
    const float ref = nx[0][0]; // state 0 (all zeros) is always reachable
    for (int p = 0; p < H; p++) {
        m[2 * p] = nx[0][p] - ref;
        m[2 * p + 1] = nx[1][p] - ref;
    }
}

// The same with 4-float vectors (GCC/Clang vector extensions: SSE2 on
// x86-64, NEON on ARM; no -march needed), for S >= 8: m holds S/4 vectors
// (natural order), E S/2 vectors ([b][x][q], q < S/8).
typedef float v4f __attribute__((vector_size(16)));
typedef int32_t v4i __attribute__((vector_size(16)));

template <int S>
inline void acs_step_v(float y,
                       const v4f* __restrict E,
                       v4f* __restrict m,
                       uint32_t* __restrict dec,
                       float* __restrict delta,
                       bool normalise)
{
    constexpr int H = S / 2, Q = H / 4;
    const v4f yv = { y, y, y, y };
    const v4i absmask = { 0x7fffffff, 0x7fffffff, 0x7fffffff, 0x7fffffff };
    v4f nx[2][Q], dl[2][Q];
    v4i dx[2][Q];
    for (int x = 0; x < 2; x++)
        for (int q = 0; q < Q; q++) {
            const v4f t0 = yv - E[x * Q + q];
            const v4f t1 = yv - E[(2 + x) * Q + q];
            const v4f c0 = m[q] + t0 * t0;
            const v4f c1 = m[q + Q] + t1 * t1;
            const v4i lt = c1 < c0;
#ifdef __SSE2__
            nx[x][q] = (v4f)_mm_min_ps((__m128)c1, (__m128)c0); // c1 < c0 ? c1 : c0
#else
            nx[x][q] = c1 < c0 ? c1 : c0;
#endif
            dx[x][q] = lt;
            dl[x][q] = (v4f)((v4i)(c0 - c1) & absmask);
        }
    uint32_t bits = 0;
    for (int q = 0; q < Q; q++) {
        m[2 * q] = __builtin_shufflevector(nx[0][q], nx[1][q], 0, 4, 1, 5);
        m[2 * q + 1] = __builtin_shufflevector(nx[0][q], nx[1][q], 2, 6, 3, 7);
        const v4i d0 = __builtin_shufflevector(dx[0][q], dx[1][q], 0, 4, 1, 5);
        const v4i d1 = __builtin_shufflevector(dx[0][q], dx[1][q], 2, 6, 3, 7);
#ifdef __SSE2__
        bits |= static_cast<uint32_t>(_mm_movemask_ps((__m128)d0) |
                                      (_mm_movemask_ps((__m128)d1) << 4))
                << (8 * q);
#else
        for (int k = 0; k < 4; k++)
            bits |= ((d0[k] ? 1u : 0u) << (8 * q + k)) |
                    ((d1[k] ? 1u : 0u) << (8 * q + 4 + k));
#endif
        const v4f l0 = __builtin_shufflevector(dl[0][q], dl[1][q], 0, 4, 1, 5);
        const v4f l1 = __builtin_shufflevector(dl[0][q], dl[1][q], 2, 6, 3, 7);
        std::memcpy(delta + 8 * q, &l0, sizeof l0);
        std::memcpy(delta + 8 * q + 4, &l1, sizeof l1);
    }
    *dec = bits;
    // every 8th step: metrics relative to state 0 (all zeros, always
    // reachable); in between they grow by < 8 branch metrics
    if (normalise) {
        const float r = m[0][0];
        const v4f ref = { r, r, r, r };
        for (int k = 0; k < 2 * Q; k++)
            m[k] -= ref;
    }
}

/*! S = 8 traceback step: predecessor map L of a step (byte s = the
 *  predecessor of state s), s8 = 8 x state -> 8 x predecessor */
inline unsigned f8_pred(uint64_t L, unsigned s8)
{
    return (static_cast<unsigned>(L >> s8) & 7u) << 3;
}

} // namespace

prml_viterbi::prml_viterbi(const std::vector<double>& target,
                           int decision_delay,
                           double scale,
                           int parallel_segment,
                           int parallel_warmup)
    : d_target(target), d_scale(scale)
{
    if (target.size() < 2 || target.size() > 6)
        bad("target", vec_str(target), "2 to 6 taps");
    double energy = 0.0;
    for (double h : target) {
        if (!std::isfinite(h))
            bad("target", vec_str(target), "finite taps");
        energy += h * h;
    }
    if (energy <= 0.0)
        bad("target", vec_str(target), "not all taps zero");
    if (!std::isfinite(scale) || scale <= 0.0)
        bad("scale", std::to_string(scale), "finite, > 0");
    d_L = static_cast<int>(target.size());
    if (decision_delay == 0)
        decision_delay = 32 * d_L;
    if (decision_delay < 8 || decision_delay > 65536)
        bad("decision_delay",
            std::to_string(decision_delay),
            "8 to 65536 samples, or 0 for 32 x target length");
    if (parallel_warmup != 0 && (parallel_warmup < 8 || parallel_warmup > 65536))
        bad("parallel_warmup",
            std::to_string(parallel_warmup),
            "8 to 65536 samples, or 0 for decision_delay");
    const int pwarm = parallel_warmup ? parallel_warmup : decision_delay;
    if (parallel_segment != 0 &&
        (parallel_segment < 256 || parallel_segment > (1 << 22) ||
         parallel_segment < pwarm + decision_delay))
        bad("parallel_segment",
            std::to_string(parallel_segment),
            "0 (off) or 256 to 4194304 samples, at least parallel_warmup + "
            "decision_delay");
    d_M = std::max(d_L - 1, 2);
    d_S = 1 << d_M;
    d_delay = static_cast<size_t>(decision_delay);
    d_K = std::max<size_t>(1, d_delay - d_delay / 4);
    d_U = std::min<size_t>(16 + 2 * static_cast<size_t>(d_L), d_delay - d_K + 1);
    d_W = d_delay + 2;
    d_rel_max = static_cast<float>(8.0 * 4.0 * scale * scale * energy);
    // 16-bit path: 16 units per unit squared error for PR(1,2,2,1) at
    // scale 1, the same resolution relative to d2min for any 4-tap target
    d_q = static_cast<float>(160.0 / (scale * scale * energy));

    // Branch tables: index b * S + s, the levels x[n-k] = bit k of (b << M | s).
    d_exp.assign(2 * d_S, 0.0f);
    for (int b = 0; b < 2; b++)
        for (int s = 0; s < d_S; s++) {
            const unsigned full =
                (static_cast<unsigned>(b) << d_M) | static_cast<unsigned>(s);
            double e = 0.0;
            for (int i = 0; i < d_L; i++)
                e += target[i] * (((full >> i) & 1u) ? 1.0 : -1.0);
            const int idx = (2 * b + (s & 1)) * (d_S / 2) + (s >> 1);
            const unsigned x0 = full & 1u, x1 = (full >> 1) & 1u, x2 = (full >> 2) & 1u;
            const bool run_of_one = (x1 != x2) && (x0 != x1);
            d_exp[idx] = run_of_one ? forbidden_level : static_cast<float>(scale * e);
        }
    d_metric.resize(d_S);
    d_dec.resize(d_W);
    if (f8_decisions()) {
        size_t r = 1;
        while (r < d_delay + d_K + 16) // a traceback reads while K more steps are written
            r <<= 1;
        d_f8.resize(r);
        d_rmask = r - 1;
    }
    d_delta.resize(d_W * d_S);
    d_path.resize(d_delay + 2);
    d_pend_x.resize(pend_pad + d_delay + 8);
    d_pend_rel.resize(d_K);
    d_tbs.resize(d_delay + 16);
    if (parallel_segment > 0 && f8_decisions()) {
        d_pS = static_cast<size_t>(parallel_segment);
        d_pW = static_cast<size_t>(pwarm);
        const size_t L = d_pW + d_pS + d_delay; // steps per segment trellis
        d_ph.resize(parallel_group * d_pS + d_pW + d_delay);
        d_pout.resize(parallel_group * d_pS);
        d_pf.resize(parallel_group * L);
        d_prev.resize(parallel_group * (pend_pad + d_pS + d_delay + 8));
    }
    use_simd(simd::avx512);
    reset();
}

bool prml_viterbi::f8_decisions() const
{
#ifdef __SSE2__
    return d_S == 8;
#else
    return false;
#endif
}

prml_viterbi::simd prml_viterbi::use_simd(simd max)
{
    d_simd = simd::baseline;
#ifdef ECDISC_PRML_VITERBI_AVX2
    if (max >= simd::avx2 && __builtin_cpu_supports("avx2") &&
        __builtin_cpu_supports("bmi2"))
        d_simd = simd::avx2;
    if (max >= simd::avx512 && d_simd == simd::avx2 &&
        __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl"))
        d_simd = simd::avx512;
#else
    (void)max;
#endif
    return d_simd;
}

void prml_viterbi::reset()
{
    std::fill(d_metric.begin(), d_metric.end(), 0.0f);
    std::fill(std::begin(d_m16), std::end(d_m16), int16_t(0));
    std::fill(d_dec.begin(), d_dec.end(), 0);
    // no decision yet: every predecessor s/2 (x[n-M] = 0)
    std::fill(d_f8.begin(), d_f8.end(), UINT64_C(0x0303020201010000));
    std::fill(d_delta.begin(), d_delta.end(), 0.0f);
    std::fill(d_pend_x.begin(), d_pend_x.end(), 0);
    std::fill(d_pend_rel.begin(), d_pend_rel.end(), 0.0f);
    d_pend_rel_stale = false;
    d_t = 0;
    d_slot = 0;
    d_jk = 0;
    // segment-parallel mode: the first group starts Wp samples before
    // sample 0 (segment 0 runs those steps with zero branch metrics: all metrics
    // stay equal, i.e. it starts at sample 0 like the sequential detector)
    std::fill(d_ph.begin(), d_ph.end(), 0.0f);
    d_phn = d_pS ? d_pW : 0;
    d_group = 0;
    std::fill(d_pout.begin(), d_pout.end(), 0);
}

// Called after the ACS of time t (t >= D, (t - D) % K == 0): decides the
// bits j in [t - D, t - D + K - 1] into the pending ring.
void prml_viterbi::traceback(bool want_rel)
{
    const uint64_t t = d_t;
    const unsigned half = static_cast<unsigned>(d_S / 2);
    const size_t S = static_cast<size_t>(d_S);
    // ring slot of time t - back (back <= D < W)
    auto slot = [&](uint64_t back) {
        const size_t b = static_cast<size_t>(back);
        return d_slot >= b ? d_slot - b : d_slot + d_W - b;
    };
    const bool f8 = f8_decisions();
    auto dec_at = [&](uint64_t tau, unsigned s) {
        if (f8)
            return static_cast<unsigned>(d_f8[tau & d_rmask] >> (8 * s + 2)) & 1u;
        return (d_dec[slot(t - tau)] >> s) & 1u;
    };

    unsigned best = 0;
    for (int s = 1; s < d_S; s++)
        if (d_metric[s] < d_metric[best])
            best = static_cast<unsigned>(s);
    // d_path[i]: state at time t - i, i = 0 .. D
    d_path[0] = static_cast<uint8_t>(best);
    unsigned s = best;
    if (f8) {
        unsigned s8 = 8 * s;
        for (size_t i = 0; i < d_delay; i++) {
            s8 = f8_pred(d_f8[(t - i) & d_rmask], s8);
            d_path[i + 1] = static_cast<uint8_t>(s8 >> 3);
        }
    } else {
        // the loads do not depend on s: the chain is shifts only
        const uint32_t* base = d_dec.data();
        const uint32_t* end = base + d_W;
        const uint32_t* row = base + d_slot;
        const unsigned top = static_cast<unsigned>(d_M - 1);
        for (size_t i = 0; i < d_delay; i++) {
            s = (s >> 1) | (((*row >> s) & 1u) << top);
            d_path[i + 1] = static_cast<uint8_t>(s);
            row = row == base ? end - 1 : row - 1;
        }
    }
    const uint64_t j_lo = t - d_delay, j_hi = j_lo + d_K - 1;
    for (uint64_t j = j_lo; j <= j_hi; j++) {
        d_pend_x[pend_pad + (j - j_lo)] = d_path[t - j] & 1u;
        d_pend_rel[j - j_lo] = d_rel_max;
    }
    if (!want_rel)
        return;
    const uint64_t k_hi = std::min<uint64_t>(t, j_hi + d_U);
    for (uint64_t k = j_lo + 1; k <= k_hi; k++) {
        const unsigned sk = d_path[t - k];
        const float dk = d_delta[slot(t - k) * S + sk];
        if (!(dk < d_rel_max))
            continue;
        unsigned c = d_path[t - k + 1] ^ half; // the discarded predecessor
        uint64_t tau = k - 1;
        for (size_t step = 0; step < d_U && tau >= j_lo; step++, tau--) {
            const unsigned ml = d_path[t - tau];
            if (c == ml)
                break;
            if (((c ^ ml) & 1u) && tau <= j_hi) {
                float& r = d_pend_rel[tau - j_lo];
                r = std::min(r, dk);
            }
            if (tau == j_lo)
                break;
            c = (c >> 1) | (dec_at(tau, c) ? half : 0u);
        }
    }
}

template <int S>
void prml_viterbi::run(const float* y, size_t n, uint8_t* x, float* reliability)
{
    const bool want_rel = reliability != nullptr;
    constexpr bool vec = S >= 8;
    constexpr int NV = vec ? S / 4 : 1;
    v4f mv[NV], Ev[2 * NV];
    if (vec) {
        std::memcpy(mv, d_metric.data(), sizeof(float) * S);
        std::memcpy(Ev, d_exp.data(), sizeof(float) * 2 * S);
    }
    const float* E = d_exp.data();
    float* m = d_metric.data();
    uint32_t* const dec = d_dec.data();
    float* const delta = d_delta.data();
    out_cursor c(*this);
    for (size_t i = 0; i < n; i++) {
        const size_t r = c.slot * static_cast<size_t>(S);
        if (vec)
            acs_step_v<(vec ? S : 8)>(
                y[i], Ev, mv, dec + c.slot, delta + r, (c.t & 7u) == 0);
        else
            acs_step<S>(y[i], E, m, dec + c.slot, delta + r);
        c.step(i, x, reliability, [&](uint64_t t, size_t slot) {
            if (vec)
                std::memcpy(d_metric.data(), mv, sizeof(float) * S);
            d_t = t;
            d_slot = slot;
            traceback(want_rel);
        });
    }
    c.store(*this);
    if (vec)
        std::memcpy(d_metric.data(), mv, sizeof(float) * S);
}

#ifdef __SSE2__
// S = 8 (targets of 4 taps, e.g. PR(1,2,2,1)) with 16-bit integer metrics:
// 8 states in one SSE2 register, so the add-compare-select chain is three
// integer operations (unpack, saturating add, min; 1 cycle each on older
// cores, 2 on AMD Zen 5).
// Branch metrics: round(q (y - E)^2), q = 160 / (scale^2 sum h^2) (16 for
// PR(1,2,2,1) at scale 1), capped at 1023 (|y - E| >= 8 scale
// sqrt(sum h^2 / 10)); a removed branch costs 16383, more than any spread of
// reachable metrics ((M + 2) * 1023), so it never survives. Metrics are made
// relative to state 0 every 4th step (growth <= 4 * 1023 in between;
// unreachable states saturate at 32767); hard decisions only: every 16th
// step, see acs8_loop. Margins are stored as float / q.
// Decisions: 8 bytes per step in the ring d_f8 (R = 2^k >= D + K + 16
// steps), byte s = the predecessor of state s, s/2 + 4 d (d = 1: the
// survivor comes from s/2 + 4), so that a traceback step is a shift and a
// mask of a 64-bit word, and maps of steps compose by byte shuffles.
// The SSE2, AVX2 and AVX-512 kernels share everything but the branch
// metrics (the same float operations in the same order, 4, 8 or 16 lanes
// wide; hence identical decisions and margins) and the hard traceback (one
// step at a time after the step that calls for it, or six steps per jump
// interleaved with the following steps).
namespace {

//! branch metric tables: E[b][s] (expected level of the branch into s from
//! the predecessor with oldest level b) and the caps
struct bm8_tables {
    alignas(32) float en[2][8], cap[2][8];
    float q;
};

//! a hard traceback in progress (AVX paths: its jumps run between the
//! add-compare-select steps that follow it, whose chain leaves the vector
//! units idle much of the time)
struct tb8_ctx {
    const uint64_t* sc; // sc[-i]: predecessor map of step u - i
    uint8_t* out;       // the next jump writes out .. out + 7
    unsigned s8;        // 8 x the state at u
    size_t left;        // jumps to go
};

struct bm8_sse2 {
    __m128 e0l, e0h, e1l, e1h, k0l, k0h, k1l, k1h, qv;
    explicit bm8_sse2(const bm8_tables& t)
        : e0l(_mm_load_ps(t.en[0])),
          e0h(_mm_load_ps(t.en[0] + 4)),
          e1l(_mm_load_ps(t.en[1])),
          e1h(_mm_load_ps(t.en[1] + 4)),
          k0l(_mm_load_ps(t.cap[0])),
          k0h(_mm_load_ps(t.cap[0] + 4)),
          k1l(_mm_load_ps(t.cap[1])),
          k1h(_mm_load_ps(t.cap[1] + 4)),
          qv(_mm_set1_ps(t.q))
    {
    }
    __m128i half(__m128 yv, __m128 el, __m128 eh, __m128 kl, __m128 kh) const
    {
        const __m128 tl = _mm_sub_ps(yv, el), th = _mm_sub_ps(yv, eh);
        const __m128 bl = _mm_min_ps(_mm_mul_ps(_mm_mul_ps(tl, tl), qv), kl);
        const __m128 bh = _mm_min_ps(_mm_mul_ps(_mm_mul_ps(th, th), qv), kh);
        return _mm_packs_epi32(_mm_cvtps_epi32(bl), _mm_cvtps_epi32(bh));
    }
    //! bm0[s], bm1[s]: branch metrics into s from s/2 and from s/2 + 4
    void operator()(float y, __m128i& bm0, __m128i& bm1) const
    {
        const __m128 yv = _mm_set1_ps(y);
        bm0 = half(yv, e0l, e0h, k0l, k0h);
        bm1 = half(yv, e1l, e1h, k1l, k1h);
    }
    static __m128i broadcast0(__m128i m)
    {
        return _mm_shuffle_epi32(_mm_shufflelo_epi16(m, 0), 0);
    }
    static constexpr bool jumps = false; // hard traceback one step at a time
    //! 16-bit lanes s/2 + 4 d from the decision mask lt (d = 1: all ones)
    static __m128i pred_map(__m128i lt)
    {
        return _mm_or_si128(_mm_and_si128(lt, _mm_set1_epi16(4)),
                            _mm_setr_epi16(0, 0, 1, 1, 2, 2, 3, 3));
    }
};

// Hard traceback one step at a time (any x86-64): rev[D - i] = x[t - i].
void tb8_single(const uint64_t* f8,
                size_t rmask,
                uint64_t t,
                unsigned s8,
                size_t D,
                uint8_t* rev,
                uint64_t* /* scratch */)
{
    for (size_t i = 0; i < D; i++) {
        rev[D - i] = static_cast<uint8_t>((s8 >> 3) & 1u);
        s8 = f8_pred(f8[(t - i) & rmask], s8);
    }
    rev[0] = static_cast<uint8_t>((s8 >> 3) & 1u);
}

#ifdef ECDISC_PRML_VITERBI_AVX2
// the 6 bits named by a | 8 b (a = state at u-3, b = state at u-6) as bytes
// (junk, junk, x[u-8] .. x[u-3]) in address order
const std::array<uint64_t, 64> tb8_lut6 = [] {
    std::array<uint64_t, 64> l{};
    for (unsigned w = 0; w < 64; w++) {
        const unsigned a = w & 7u, b = w >> 3;
        const unsigned bits[6] = { (b >> 2) & 1u, (b >> 1) & 1u, b & 1u,
                                   (a >> 2) & 1u, (a >> 1) & 1u, a & 1u };
        for (int i = 0; i < 6; i++)
            l[w] |= static_cast<uint64_t>(bits[i]) << (8 * (i + 2));
    }
    return l;
}();

__attribute__((target("avx2,bmi2"))) tb8_ctx tb8_start(const uint64_t* f8,
                                                       size_t rmask,
                                                       uint64_t t,
                                                       unsigned s8,
                                                       size_t D,
                                                       uint8_t* rev,
                                                       uint64_t* scratch)
{
    const size_t J = (D + 3) / 6; // jumps: bits up to x[t - 6J - 2], 6J + 2 >= D
    const size_t ne = 6 * J;      // maps of the steps t - ne + 1 .. t
    const size_t rt = static_cast<size_t>(t & rmask);
    const uint64_t* sc = f8 + rt;
    if (rt + 1 < ne) { // wraps around the ring: copy in time order
        const size_t r0 = static_cast<size_t>((t - ne + 1) & rmask);
        std::memcpy(scratch, f8 + r0, (rmask + 1 - r0) * sizeof(uint64_t));
        std::memcpy(scratch + (rmask + 1 - r0), f8, (rt + 1) * sizeof(uint64_t));
        sc = scratch + (ne - 1);
    }
    // x[t .. t-2] from the state at t (bytes junk, x[t-2], x[t-1], x[t])
    const uint32_t b3 = (((s8 >> 5) & 1u) << 8) | (((s8 >> 4) & 1u) << 16) |
                        (((s8 >> 3) & 1u) << 24);
    std::memcpy(rev + D - 3, &b3, 4);
    return { sc, rev + D - 10, s8, J };
}

// One jump of six steps at u. Byte shuffles compose the predecessor maps of
// steps u .. u-2 into A: state(u) -> state(u-3), those of u-3 .. u-5 into
// B, and B after A; byte s of E = A | 8 (B o A) holds the states at u-3 and
// u-6 reached from s at u. A state holds three levels, so these two name
// x[u-3 .. u-8]. The chain per jump is a shift and a mask.
__attribute__((target("avx2,bmi2"))) inline void tb8_jump_step(tb8_ctx& c)
{
    auto map = [](const uint64_t* p) {
        return _mm_loadl_epi64(reinterpret_cast<const __m128i*>(p));
    };
    const uint64_t* sc = c.sc;
    const __m128i A =
        _mm_shuffle_epi8(map(sc - 2), _mm_shuffle_epi8(map(sc - 1), map(sc)));
    const __m128i B =
        _mm_shuffle_epi8(map(sc - 5), _mm_shuffle_epi8(map(sc - 4), map(sc - 3)));
    const __m128i E = _mm_or_si128(A, _mm_slli_epi16(_mm_shuffle_epi8(B, A), 3));
    const uint64_t v = static_cast<uint64_t>(_mm_cvtsi128_si64(E)) >> c.s8;
    std::memcpy(c.out, &tb8_lut6[v & 0x3fu], 8);
    c.s8 = static_cast<unsigned>(v) & 0x38u;
    c.sc = sc - 6;
    c.out -= 6;
    c.left--;
}

struct bm8_avx2 {
    // lanes [E0 states 0-3, E1 states 0-3] and [E0 states 4-7, E1 states 4-7]:
    // the in-lane pack then yields bm0 in the low and bm1 in the high half
    __m256 ea, eb, ka, kb, qv;
    __attribute__((target("avx2"))) explicit bm8_avx2(const bm8_tables& t)
    {
        ea = _mm256_setr_m128(_mm_load_ps(t.en[0]), _mm_load_ps(t.en[1]));
        eb = _mm256_setr_m128(_mm_load_ps(t.en[0] + 4), _mm_load_ps(t.en[1] + 4));
        ka = _mm256_setr_m128(_mm_load_ps(t.cap[0]), _mm_load_ps(t.cap[1]));
        kb = _mm256_setr_m128(_mm_load_ps(t.cap[0] + 4), _mm_load_ps(t.cap[1] + 4));
        qv = _mm256_set1_ps(t.q);
    }
    //! [bm0 | bm1] in one register
    __attribute__((target("avx2"))) __m256i p256(float y) const
    {
        const __m256 yv = _mm256_set1_ps(y);
        const __m256 ta = _mm256_sub_ps(yv, ea), tb = _mm256_sub_ps(yv, eb);
        const __m256 ba = _mm256_min_ps(_mm256_mul_ps(_mm256_mul_ps(ta, ta), qv), ka);
        const __m256 bb = _mm256_min_ps(_mm256_mul_ps(_mm256_mul_ps(tb, tb), qv), kb);
        return _mm256_packs_epi32(_mm256_cvtps_epi32(ba), _mm256_cvtps_epi32(bb));
    }
    //! b0 = [bm0 of ya | bm0 of yb], b1 = [bm1 of ya | bm1 of yb];
    //! ZA: those of ya zero
    template <bool ZA>
    __attribute__((target("avx2"))) void
    pair(float ya, float yb, __m256i& b0, __m256i& b1) const
    {
        const __m256i pa = ZA ? _mm256_setzero_si256() : p256(ya), pb = p256(yb);
        b0 = _mm256_permute2x128_si256(pa, pb, 0x20);
        b1 = _mm256_permute2x128_si256(pa, pb, 0x31);
    }
    __attribute__((target("avx2"))) void
    operator()(float y, __m128i& bm0, __m128i& bm1) const
    {
        const __m256i p = p256(y);
        bm0 = _mm256_castsi256_si128(p);
        bm1 = _mm256_extracti128_si256(p, 1);
    }
    __attribute__((target("avx2"))) static __m128i broadcast0(__m128i m)
    {
        return _mm_broadcastw_epi16(m);
    }
    __attribute__((target("avx2"))) static __m128i pred_map(__m128i lt)
    {
        return _mm_or_si128(_mm_and_si128(lt, _mm_set1_epi16(4)),
                            _mm_setr_epi16(0, 0, 1, 1, 2, 2, 3, 3));
    }
    static constexpr bool jumps = true;
    __attribute__((target("avx2,bmi2"))) static void jump(tb8_ctx& c)
    {
        tb8_jump_step(c);
    }
    //! the first state of least metric (phminposuw on the metrics made
    //! unsigned in the same order)
    __attribute__((target("avx2"))) static unsigned best(__m128i m)
    {
        const __m128i u = _mm_xor_si128(m, _mm_set1_epi16(-32768));
        return (static_cast<unsigned>(_mm_cvtsi128_si32(_mm_minpos_epu16(u))) >> 16) & 7u;
    }
};

// Hard traceback six steps per jump. Per jump at u, byte shuffles compose
// the predecessor maps of steps u .. u-2 into A: state(u) -> state(u-3),
// those of u-3 .. u-5 into B, and B after A; byte s of E = A | 8 (B o A)
// holds the states at u-3 and u-6 reached from s at u. A state holds three
// levels, so these two name x[u-3 .. u-8]. The chain per jump is a shift
// and a mask.
struct bm8_avx512 {
    // lanes [E0 states 0-7, E1 states 0-7]; the saturating narrowing to
    // 16 bits yields bm0 in the low and bm1 in the high half
    __m512 e, k, qv;
    // pair(): lanes [E0 states 0-3 twice, E1 states 0-3 twice] (el) and the
    // same for states 4-7 (eh), caps alike
    __m512 el, eh, kl, kh;
    __attribute__((target("avx512f"))) explicit bm8_avx512(const bm8_tables& t)
    {
        e = _mm512_loadu_ps(&t.en[0][0]); // en[0], en[1] are contiguous
        k = _mm512_loadu_ps(&t.cap[0][0]);
        qv = _mm512_set1_ps(t.q);
        alignas(64) float a[4][16];
        for (int i = 0; i < 16; i++) {
            const int b = i / 8, st = i % 4;
            a[0][i] = t.en[b][st];
            a[1][i] = t.en[b][st + 4];
            a[2][i] = t.cap[b][st];
            a[3][i] = t.cap[b][st + 4];
        }
        el = _mm512_load_ps(a[0]);
        eh = _mm512_load_ps(a[1]);
        kl = _mm512_load_ps(a[2]);
        kh = _mm512_load_ps(a[3]);
    }
    //! b0 = [bm0 of ya | bm0 of yb], b1 = [bm1 of ya | bm1 of yb] (ZA:
    //! those of ya zero): the same float operations per branch as
    //! operator(), one in-lane pack
    template <bool ZA>
    __attribute__((target("avx512f,avx512bw,avx2"))) void
    pair(float ya, float yb, __m256i& b0, __m256i& b1) const
    {
        const __m512 yv = _mm512_mask_blend_ps(0xf0f0, _mm512_set1_ps(ya), _mm512_set1_ps(yb));
        const __m512 tl = _mm512_sub_ps(yv, el), th = _mm512_sub_ps(yv, eh);
        const __m512 bl = _mm512_min_ps(_mm512_mul_ps(_mm512_mul_ps(tl, tl), qv), kl);
        const __m512 bh = _mm512_min_ps(_mm512_mul_ps(_mm512_mul_ps(th, th), qv), kh);
        // 128-bit lane i: 4 words of bl, then 4 of bh: bm0 ya, bm0 yb, bm1 ya, bm1 yb
        const __m512i p = _mm512_packs_epi32(_mm512_cvtps_epi32(bl), _mm512_cvtps_epi32(bh));
        b0 = _mm512_castsi512_si256(p);
        b1 = _mm512_extracti64x4_epi64(p, 1);
        if (ZA) {
            b0 = _mm256_blend_epi32(b0, _mm256_setzero_si256(), 0x0f);
            b1 = _mm256_blend_epi32(b1, _mm256_setzero_si256(), 0x0f);
        }
    }
    //! [bm0 | bm1] in one register
    __attribute__((target("avx512f,avx2"))) __m256i p256(float y) const
    {
        const __m512 tv = _mm512_sub_ps(_mm512_set1_ps(y), e);
        const __m512 b = _mm512_min_ps(_mm512_mul_ps(_mm512_mul_ps(tv, tv), qv), k);
        return _mm512_cvtsepi32_epi16(_mm512_cvtps_epi32(b));
    }
    __attribute__((target("avx512f,avx2"))) void
    operator()(float y, __m128i& bm0, __m128i& bm1) const
    {
        const __m256i p = p256(y);
        bm0 = _mm256_castsi256_si128(p);
        bm1 = _mm256_extracti128_si256(p, 1);
    }
    __attribute__((target("avx2"))) static __m128i broadcast0(__m128i m)
    {
        return _mm_broadcastw_epi16(m);
    }
    //! (lt & 4) | (s >> 1) in one ternary logic operation
    __attribute__((target("avx512f,avx512vl"))) static __m128i pred_map(__m128i lt)
    {
        return _mm_ternarylogic_epi32(
            lt, _mm_set1_epi16(4), _mm_setr_epi16(0, 0, 1, 1, 2, 2, 3, 3), 0xea);
    }
    static constexpr bool jumps = true;
    __attribute__((target("avx2,bmi2"))) static void jump(tb8_ctx& c)
    {
        tb8_jump_step(c);
    }
    //! the first state of least metric (phminposuw on the metrics made
    //! unsigned in the same order)
    __attribute__((target("avx2"))) static unsigned best(__m128i m)
    {
        const __m128i u = _mm_xor_si128(m, _mm_set1_epi16(-32768));
        return (static_cast<unsigned>(_mm_cvtsi128_si32(_mm_minpos_epu16(u))) >> 16) & 7u;
    }
};
#endif

// One add-compare-select step of the S = 8 path (metrics m): decisions to
// *fp; REL: also the margins into the ring delta at slot. NORM: renormalise.
template <bool REL, bool NORM, class BM>
inline __attribute__((always_inline)) void acs8_step_bm(const BM&,
                                                        __m128i bm0,
                                                        __m128i bm1,
                                                        __m128i& m,
                                                        uint64_t* fp,
                                                        float* delta,
                                                        size_t& slot,
                                                        size_t W,
                                                        __m128 invq)
{
    const __m128i c0 = _mm_adds_epi16(_mm_unpacklo_epi16(m, m), bm0);
    const __m128i c1 = _mm_adds_epi16(_mm_unpackhi_epi16(m, m), bm1);
    m = _mm_min_epi16(c0, c1);
    const __m128i lt = _mm_cmpgt_epi16(c0, c1); // c1 < c0
    // predecessor map s/2 + 4 d (the ACS chain leaves room for these)
    const __m128i f = BM::pred_map(lt);
    _mm_storel_epi64(reinterpret_cast<__m128i*>(fp), _mm_packs_epi16(f, f));
    if (REL) {
        const __m128i dd = _mm_max_epi16(_mm_subs_epi16(c0, c1), _mm_subs_epi16(c1, c0));
        const __m128i dl = _mm_srai_epi32(_mm_unpacklo_epi16(dd, dd), 16);
        const __m128i dh = _mm_srai_epi32(_mm_unpackhi_epi16(dd, dd), 16);
        _mm_storeu_ps(delta + slot * 8, _mm_mul_ps(_mm_cvtepi32_ps(dl), invq));
        _mm_storeu_ps(delta + slot * 8 + 4, _mm_mul_ps(_mm_cvtepi32_ps(dh), invq));
        if (++slot == W)
            slot = 0;
    }
    if (NORM)
        m = _mm_subs_epi16(m, BM::broadcast0(m));
}

template <class BM, bool REL, bool NORM>
inline __attribute__((always_inline)) void acs8_step(const BM& bm,
                                                     float y,
                                                     __m128i& m,
                                                     uint64_t* fp,
                                                     float* delta,
                                                     size_t& slot,
                                                     size_t W,
                                                     __m128 invq)
{
    __m128i bm0, bm1;
    bm(y, bm0, bm1);
    acs8_step_bm<REL, NORM>(bm, bm0, bm1, m, fp, delta, slot, W, invq);
}

// len steps from time t (metrics m, returned). Renormalisation after the
// steps t with t % P == 0: P = 4 with the margins (their values at
// saturated, unreachable states depend on it), P = 16 for hard decisions
// only, and then (in the groups of 4 steps) by subtracting the state 0
// metric after step t from the branch metrics of step t + 2, off the
// add-compare-select chain. The metrics of reachable states (spread <=
// (M + 2) 1023, growth <= 1023 a step) then stay below 5115 + 18 * 1023 +
// 1023 < 32767, so no sum that can survive saturates, and every decision on
// a path that can survive is the same as with P = 4 (a removed branch still
// costs 16383 more than any competitor from a reachable state, and the
// subtracted offsets are common to all states). Decisions at unreachable
// states may differ; the hard traceback starts from the best state and
// never visits them. (FourTapKernelsMatchScalarReference checks this
// against a plain implementation with P = 4.)
// TB: one jump of the traceback in progress tb after every 4 steps.
template <class BM, bool REL, bool TB = false>
inline __attribute__((always_inline)) __m128i acs8_loop(const BM& bm,
                                                        const float* y,
                                                        size_t len,
                                                        __m128i m,
                                                        uint64_t t,
                                                        uint64_t* f8,
                                                        size_t rmask,
                                                        float* delta,
                                                        size_t slot,
                                                        size_t W,
                                                        __m128 invq,
                                                        tb8_ctx* tb = nullptr)
{
    constexpr unsigned P = REL ? 4 : 16;
    while (len > 0) {
        // the steps up to the end of the decision ring
        const size_t r = static_cast<size_t>(t & rmask);
        const size_t n = std::min(len, rmask + 1 - r);
        uint64_t* const fp = f8 + r;
        size_t i = 0;
        for (; i < n && (t & 3u) != 0; i++, t++)
            acs8_step<BM, REL, false>(bm, y[i], m, fp + i, delta, slot, W, invq);
        for (; i + 4 <= n; i += 4, t += 4) {
            // the branch metrics of the 4 steps first: they do not wait for
            // the metric chain
            __m128i b[4][2];
            for (int k = 0; k < 4; k++)
                bm(y[i + k], b[k][0], b[k][1]);
            if (!REL && (t & (P - 1)) == 0) {
                // hard decisions: the metrics after step t less their state
                // 0 value enter step t + 2 through its branch metrics, off
                // the add-compare-select chain (the same common offset; the
                // bound above still holds with 18 steps of growth)
                acs8_step_bm<REL, false>(
                    bm, b[0][0], b[0][1], m, fp + i, delta, slot, W, invq);
                const __m128i ref = BM::broadcast0(m);
                b[2][0] = _mm_sub_epi16(b[2][0], ref);
                b[2][1] = _mm_sub_epi16(b[2][1], ref);
            } else if ((t & (P - 1)) == 0) {
                acs8_step_bm<REL, true>(
                    bm, b[0][0], b[0][1], m, fp + i, delta, slot, W, invq);
            } else {
                acs8_step_bm<REL, false>(
                    bm, b[0][0], b[0][1], m, fp + i, delta, slot, W, invq);
            }
            acs8_step_bm<REL, false>(
                bm, b[1][0], b[1][1], m, fp + i + 1, delta, slot, W, invq);
            acs8_step_bm<REL, false>(
                bm, b[2][0], b[2][1], m, fp + i + 2, delta, slot, W, invq);
            acs8_step_bm<REL, false>(
                bm, b[3][0], b[3][1], m, fp + i + 3, delta, slot, W, invq);
            if constexpr (TB)
                if (tb->left)
                    BM::jump(*tb);
        }
        for (; i < n; i++, t++) {
            if ((t & (P - 1)) == 0)
                acs8_step<BM, REL, true>(bm, y[i], m, fp + i, delta, slot, W, invq);
            else
                acs8_step<BM, REL, false>(bm, y[i], m, fp + i, delta, slot, W, invq);
        }
        y += n;
        len -= n;
    }
    return m;
}

// Segment-parallel mode: G = 4 segment trellises in lockstep, each exactly
// the sequential hard-decision arithmetic (16-bit metrics, the same branch
// metrics and caps, renormalisation after the steps t % 16 == 0 by
// subtracting the state 0 metric from the branch metrics of step t + 2, so
// the bound of acs8_loop holds per segment: segments never mix). Ops: the
// add-compare-select of all four, in four SSE2 registers (four chains) or
// in the 128-bit halves of two AVX2 registers (two chains). Segment j runs
// on the samples y[j P + t] and writes its predecessor maps to f[j L + t].
struct group8_sse2_ops {
    struct V {
        __m128i s[4];
    };
    static void zero(V& m)
    {
        for (int j = 0; j < 4; j++)
            m.s[j] = _mm_setzero_si128();
    }
    template <bool PADA, class BM>
    static void bm(const BM& k, const float* y, size_t P, V& b0, V& b1)
    {
        for (int j = 0; j < 4; j++) {
            if (PADA && j == 0)
                b0.s[0] = b1.s[0] = _mm_setzero_si128();
            else
                k(y[j * P], b0.s[j], b1.s[j]);
        }
    }
    static void acs1(__m128i b0, __m128i b1, __m128i& m, uint64_t* f)
    {
        const __m128i c0 = _mm_adds_epi16(_mm_unpacklo_epi16(m, m), b0);
        const __m128i c1 = _mm_adds_epi16(_mm_unpackhi_epi16(m, m), b1);
        m = _mm_min_epi16(c0, c1);
        const __m128i lt = _mm_cmpgt_epi16(c0, c1); // c1 < c0
        const __m128i p = _mm_or_si128(_mm_and_si128(lt, _mm_set1_epi16(4)),
                                       _mm_setr_epi16(0, 0, 1, 1, 2, 2, 3, 3));
        _mm_storel_epi64(reinterpret_cast<__m128i*>(f), _mm_packs_epi16(p, p));
    }
    static void acs(const V& b0, const V& b1, V& m, uint64_t* f, size_t L)
    {
        for (int j = 0; j < 4; j++)
            acs1(b0.s[j], b1.s[j], m.s[j], f + j * L);
    }
    static void ref(const V& m, V& r)
    {
        for (int j = 0; j < 4; j++)
            r.s[j] = _mm_shuffle_epi32(_mm_shufflelo_epi16(m.s[j], 0), 0);
    }
    static void sub(V& x, const V& r)
    {
        for (int j = 0; j < 4; j++)
            x.s[j] = _mm_sub_epi16(x.s[j], r.s[j]);
    }
    static void subs(V& x, const V& r)
    {
        for (int j = 0; j < 4; j++)
            x.s[j] = _mm_subs_epi16(x.s[j], r.s[j]);
    }
    static void best(const V& m, unsigned* b)
    {
        for (int j = 0; j < 4; j++) {
            alignas(16) int16_t v[8];
            _mm_store_si128(reinterpret_cast<__m128i*>(v), m.s[j]);
            b[j] = 0;
            for (unsigned s = 1; s < 8; s++)
                if (v[s] < v[b[j]])
                    b[j] = s;
        }
    }
};

#ifdef ECDISC_PRML_VITERBI_AVX2
// BM::pair(ya, yb, b0, b1): b0 = [bm0 of ya | bm0 of yb], b1 likewise
struct group8_avx_ops {
    struct V {
        __m256i h[2]; // segments 0, 1 and 2, 3
    };
    __attribute__((target("avx2"))) static void zero(V& m)
    {
        m.h[0] = m.h[1] = _mm256_setzero_si256();
    }
    // (no target attribute: BM::pair, whose target may be wider, must be
    // inlined into the kernel function)
    template <bool PADA, class BM>
    static inline __attribute__((always_inline)) void
    bm(const BM& k, const float* y, size_t P, V& b0, V& b1)
    {
        k.template pair<PADA>(y[0], y[P], b0.h[0], b1.h[0]);
        k.template pair<false>(y[2 * P], y[3 * P], b0.h[1], b1.h[1]);
    }
    __attribute__((target("avx2"))) static void
    acs1(const __m256i& b0, const __m256i& b1, __m256i& m, uint64_t* fa, uint64_t* fb)
    {
        const __m256i c0 = _mm256_adds_epi16(_mm256_unpacklo_epi16(m, m), b0);
        const __m256i c1 = _mm256_adds_epi16(_mm256_unpackhi_epi16(m, m), b1);
        m = _mm256_min_epi16(c0, c1);
        const __m256i lt = _mm256_cmpgt_epi16(c0, c1); // c1 < c0
        const __m256i f = _mm256_or_si256(
            _mm256_and_si256(lt, _mm256_set1_epi16(4)),
            _mm256_setr_epi16(0, 0, 1, 1, 2, 2, 3, 3, 0, 0, 1, 1, 2, 2, 3, 3));
        const __m256i p = _mm256_packs_epi16(f, f);
        _mm_storel_epi64(reinterpret_cast<__m128i*>(fa), _mm256_castsi256_si128(p));
        _mm_storel_epi64(reinterpret_cast<__m128i*>(fb), _mm256_extracti128_si256(p, 1));
    }
    __attribute__((target("avx2"))) static void
    acs(const V& b0, const V& b1, V& m, uint64_t* f, size_t L)
    {
        acs1(b0.h[0], b1.h[0], m.h[0], f, f + L);
        acs1(b0.h[1], b1.h[1], m.h[1], f + 2 * L, f + 3 * L);
    }
    //! state 0 metric of each segment, broadcast in its half
    __attribute__((target("avx2"))) static void ref(const V& m, V& r)
    {
        r.h[0] = _mm256_shuffle_epi8(m.h[0], _mm256_set1_epi16(0x0100));
        r.h[1] = _mm256_shuffle_epi8(m.h[1], _mm256_set1_epi16(0x0100));
    }
    __attribute__((target("avx2"))) static void sub(V& x, const V& r)
    {
        x.h[0] = _mm256_sub_epi16(x.h[0], r.h[0]);
        x.h[1] = _mm256_sub_epi16(x.h[1], r.h[1]);
    }
    __attribute__((target("avx2"))) static void subs(V& x, const V& r)
    {
        x.h[0] = _mm256_subs_epi16(x.h[0], r.h[0]);
        x.h[1] = _mm256_subs_epi16(x.h[1], r.h[1]);
    }
    //! the first state of least metric (phminposuw, as bm8_avx2::best)
    __attribute__((target("avx2"))) static unsigned best1(__m128i m)
    {
        const __m128i u = _mm_xor_si128(m, _mm_set1_epi16(-32768));
        return (static_cast<unsigned>(_mm_cvtsi128_si32(_mm_minpos_epu16(u))) >> 16) & 7u;
    }
    __attribute__((target("avx2"))) static void best(const V& m, unsigned* b)
    {
        for (int k = 0; k < 2; k++) {
            b[2 * k] = best1(_mm256_castsi256_si128(m.h[k]));
            b[2 * k + 1] = best1(_mm256_extracti128_si256(m.h[k], 1));
        }
    }
};
#endif

//! steps t .. t + len - 1 of the four segment trellises (metrics m in and
//! out by reference: no vector return value); PADA: segment 0 runs with
//! zero branch metrics (before sample 0)
template <class Ops, bool PADA, class BM>
inline __attribute__((always_inline)) void group8_loop(const BM& bm,
                                                       const float* y,
                                                       size_t P,
                                                       size_t t,
                                                       size_t len,
                                                       typename Ops::V& m,
                                                       uint64_t* f,
                                                       size_t L)
{
    using V = typename Ops::V;
    const size_t end = t + len;
    for (; t < end && (t & 3u) != 0; t++) {
        V b0, b1;
        Ops::template bm<PADA>(bm, y + t, P, b0, b1);
        Ops::acs(b0, b1, m, f + t, L);
    }
    for (; t + 4 <= end; t += 4) {
        V b[4][2];
        for (int k = 0; k < 4; k++)
            Ops::template bm<PADA>(bm, y + t + k, P, b[k][0], b[k][1]);
        Ops::acs(b[0][0], b[0][1], m, f + t, L);
        if ((t & 15u) == 0) {
            V r;
            Ops::ref(m, r);
            Ops::sub(b[2][0], r);
            Ops::sub(b[2][1], r);
        }
        Ops::acs(b[1][0], b[1][1], m, f + t + 1, L);
        Ops::acs(b[2][0], b[2][1], m, f + t + 2, L);
        Ops::acs(b[3][0], b[3][1], m, f + t + 3, L);
    }
    for (; t < end; t++) {
        V b0, b1;
        Ops::template bm<PADA>(bm, y + t, P, b0, b1);
        Ops::acs(b0, b1, m, f + t, L);
        if ((t & 15u) == 0) {
            V r;
            Ops::ref(m, r);
            Ops::subs(m, r);
        }
    }
}

//! all four trellises over their L = Wp + P + D steps from equal metrics;
//! their best states at the end
template <class Ops, class BM>
inline __attribute__((always_inline)) void group8_acs(const BM& bm,
                                                      const float* y,
                                                      size_t P,
                                                      size_t L,
                                                      size_t pad,
                                                      uint64_t* f,
                                                      unsigned* best)
{
    typename Ops::V m;
    Ops::zero(m);
    if (pad > 0)
        group8_loop<Ops, true>(bm, y, P, 0, pad, m, f, L);
    group8_loop<Ops, false>(bm, y, P, pad, L - pad, m, f, L);
    Ops::best(m, best);
}

bm8_tables make_bm8_tables(const std::vector<float>& exp, float q)
{
    bm8_tables t;
    for (int b = 0; b < 2; b++)
        for (int st = 0; st < 8; st++) {
            t.en[b][st] = exp[(2 * b + (st & 1)) * 4 + (st >> 1)];
            t.cap[b][st] =
                t.en[b][st] == prml_viterbi::forbidden_level ? 16383.0f : 1023.0f;
        }
    t.q = q;
    return t;
}

} // namespace

unsigned prml_viterbi::best_state8() const
{
    unsigned best = 0;
    for (unsigned s = 1; s < 8; s++)
        if (d_m16[s] < d_m16[best])
            best = s;
    return best;
}

void prml_viterbi::traceback8_hard(tb8_fn fn)
{
    fn(d_f8.data(),
       d_rmask,
       d_t,
       8 * best_state8(),
       d_delay,
       d_pend_x.data() + pend_pad,
       d_tbs.data());
    d_pend_rel_stale = true;
}

// The driver: runs the add-compare-select in stretches between tracebacks
// (every K steps once t >= D) and copies the pending decisions out in blocks.
template <class BM>
inline __attribute__((always_inline)) void prml_viterbi::run8(
    const BM& bm, const float* y, size_t n, uint8_t* x, float* reliability)
{
    const bool want_rel = reliability != nullptr;
    if (want_rel && d_pend_rel_stale) { // bits decided without margins
        std::fill(d_pend_rel.begin(), d_pend_rel.end(), d_rel_max);
        d_pend_rel_stale = false;
    }
    const __m128 invq = _mm_set1_ps(1.0f / d_q);
    __m128i m = _mm_loadu_si128(reinterpret_cast<const __m128i*>(d_m16));
    uint64_t t = d_t;
    size_t slot = d_slot, jk = d_jk;
    const size_t D = d_delay, K = d_K, W = d_W, rmask = d_rmask;
    uint64_t* const f8 = d_f8.data();
    float* const delta = d_delta.data();
    const uint8_t* const px = d_pend_x.data() + pend_pad;
    const float* const prel = d_pend_rel.data();
    // (a macro, not a lambda: a lambda would not inherit the target ISA of
    // run8_avx2, and the branch metric kernel would not be inlined)
#define ECDISC_ACS8(i, len)                                                              \
    m = want_rel                                                                         \
            ? acs8_loop<BM, true>(bm, y + i, len, m, t, f8, rmask, delta, slot, W, invq) \
            : acs8_loop<BM, false>(                                                      \
                  bm, y + i, len, m, t, f8, rmask, delta, slot, W, invq)
    size_t i = 0;
    while (i < n) {
        // steps before the next traceback
        size_t len = t < D ? static_cast<size_t>(D - t) : (jk == 0 ? 0 : K - jk);
        len = std::min(len, n - i);
        if (len > 0) {
            ECDISC_ACS8(i, len);
            if (t < D) { // all of [t, t + len) is before the first decision
                std::memset(x + i, 0, len);
                if (want_rel)
                    std::fill(reliability + i, reliability + i + len, 0.0f);
            } else {
                std::memcpy(x + i, px + jk, len);
                if (want_rel)
                    std::memcpy(reliability + i, prel + jk, len * sizeof(float));
                jk += len;
                if (jk == K)
                    jk = 0;
            }
        } else {
            // t >= D, jk == 0: the step whose add-compare-select is followed
            // by a traceback
            len = 1;
            ECDISC_ACS8(i, 1);
            _mm_storeu_si128(reinterpret_cast<__m128i*>(d_m16), m);
            d_t = t;
            d_slot = slot;
            if (want_rel) {
                for (int st = 0; st < 8; st++)
                    d_metric[st] = d_m16[st];
                traceback(true);
                d_pend_rel_stale = false;
            } else if constexpr (!BM::jumps) {
                traceback8_hard(tb8_single);
            } else {
#ifdef ECDISC_PRML_VITERBI_AVX2
                // the traceback runs during the next (up to) K - 1 steps,
                // whose decisions go to ring slots it does not read
                // (R >= D + K + 16); their outputs are written after it
                const unsigned best = BM::best(m);
                tb8_ctx tc = tb8_start(d_f8.data(),
                                       rmask,
                                       t,
                                       8 * best,
                                       D,
                                       d_pend_x.data() + pend_pad,
                                       d_tbs.data());
                d_pend_rel_stale = true;
                const size_t seg = std::min(K - 1, n - i - 1);
                if (seg > 0)
                    m = acs8_loop<BM, false, true>(bm,
                                                   y + i + 1,
                                                   seg,
                                                   m,
                                                   t + 1,
                                                   f8,
                                                   rmask,
                                                   delta,
                                                   slot,
                                                   W,
                                                   invq,
                                                   &tc);
                while (tc.left)
                    BM::jump(tc);
                std::memcpy(x + i, px, 1 + seg);
                len = 1 + seg;
                jk = len == K ? 0 : len;
                i += len;
                t += len;
                slot = (slot + len) % W;
                continue;
#endif
            }
            x[i] = px[0];
            if (want_rel)
                reliability[i] = prel[0];
            jk = K == 1 ? 0 : 1;
        }
        i += len;
        t += len;
        slot += len;
        if (slot >= W)
            slot -= W;
    }
#undef ECDISC_ACS8
    d_t = t;
    d_slot = slot;
    d_jk = jk;
    _mm_storeu_si128(reinterpret_cast<__m128i*>(d_m16), m);
}

void prml_viterbi::run8_sse2(const float* y, size_t n, uint8_t* x, float* reliability)
{
    const bm8_sse2 bm(make_bm8_tables(d_exp, d_q));
    run8(bm, y, n, x, reliability);
}

#ifdef ECDISC_PRML_VITERBI_AVX2
__attribute__((target("avx2,bmi2"))) void
prml_viterbi::run8_avx2(const float* y, size_t n, uint8_t* x, float* reliability)
{
    const bm8_avx2 bm(make_bm8_tables(d_exp, d_q));
    run8(bm, y, n, x, reliability);
}

__attribute__((target("avx512f,avx512vl,avx2,bmi2"))) void
prml_viterbi::run8_avx512(const float* y, size_t n, uint8_t* x, float* reliability)
{
    const bm8_avx512 bm(make_bm8_tables(d_exp, d_q));
    run8(bm, y, n, x, reliability);
}
#endif
#endif

// Segment-parallel mode. The history d_ph holds the samples 4iP - Wp ..
// 4iP + 4P + D - 1 of group i once it is full (segment 4i + j runs its
// L = Wp + P + D steps on d_ph[jP ..]); each segment is traced back over
// P + D - 1 steps from its best state at its last step, and its first P
// bits are its decisions.
#ifdef __SSE2__
void prml_viterbi::group8_sse2(bool pad)
{
    const bm8_sse2 bm(make_bm8_tables(d_exp, d_q));
    const size_t L = d_pW + d_pS + d_delay, Dt = d_pS + d_delay - 1;
    const size_t RS = pend_pad + d_pS + d_delay + 8;
    unsigned b[4];
    group8_acs<group8_sse2_ops>(bm, d_ph.data(), d_pS, L, pad ? d_pW : 0, d_pf.data(), b);
    for (size_t j = 0; j < 4; j++) // no ring: the maps of steps 0 .. L - 1
        tb8_single(d_pf.data() + j * L,
                   ~size_t(0),
                   L - 1,
                   8 * b[j],
                   Dt,
                   d_prev.data() + j * RS + pend_pad,
                   nullptr);
}

#ifdef ECDISC_PRML_VITERBI_AVX2
// the four hard tracebacks of six steps per jump, interleaved (four chains)
#define ECDISC_GROUP8_AVX                                                                \
    const size_t L = d_pW + d_pS + d_delay, Dt = d_pS + d_delay - 1;                     \
    const size_t RS = pend_pad + d_pS + d_delay + 8;                                     \
    unsigned b[4];                                                                       \
    group8_acs<group8_avx_ops>(                                                          \
        bm, d_ph.data(), d_pS, L, pad ? d_pW : 0, d_pf.data(), b);                       \
    tb8_ctx c[4];                                                                        \
    for (size_t j = 0; j < 4; j++) /* no ring: the maps of steps 0 .. L - 1 */          \
        c[j] = tb8_start(d_pf.data() + j * L,                                            \
                         ~size_t(0),                                                     \
                         L - 1,                                                          \
                         8 * b[j],                                                       \
                         Dt,                                                             \
                         d_prev.data() + j * RS + pend_pad,                              \
                         d_tbs.data());                                                  \
    while (c[0].left)                                                                    \
        for (size_t j = 0; j < 4; j++)                                                   \
            tb8_jump_step(c[j]);

__attribute__((target("avx2,bmi2"))) void prml_viterbi::group8_avx2(bool pad)
{
    const bm8_avx2 bm(make_bm8_tables(d_exp, d_q));
    ECDISC_GROUP8_AVX
}

__attribute__((target("avx512f,avx512vl,avx512bw,avx2,bmi2"))) void
prml_viterbi::group8_avx512(bool pad)
{
    const bm8_avx512 bm(make_bm8_tables(d_exp, d_q));
    ECDISC_GROUP8_AVX
}
#undef ECDISC_GROUP8_AVX
#endif
#endif

void prml_viterbi::run_group()
{
    const bool pad = d_group == 0;
#if defined(ECDISC_PRML_VITERBI_AVX2)
    if (d_simd == simd::avx512 && __builtin_cpu_supports("avx512bw"))
        group8_avx512(pad);
    else if (d_simd >= simd::avx2)
        group8_avx2(pad);
    else
        group8_sse2(pad);
#elif defined(__SSE2__)
    group8_sse2(pad);
#endif
    const size_t RS = pend_pad + d_pS + d_delay + 8;
    for (size_t j = 0; j < parallel_group; j++)
        std::memcpy(d_pout.data() + j * d_pS, d_prev.data() + j * RS + pend_pad, d_pS);
    d_group++;
}

void prml_viterbi::process_parallel(const float* y, size_t n, uint8_t* x)
{
    const size_t GP = parallel_group * d_pS, full = GP + d_pW + d_delay;
    const uint64_t lat = latency();
    // outputs of the samples u .. u + c - 1: x[u - lat] from the last group
    // (decisions on x[iGP .. iGP + GP), first output at iGP + lat)
    auto emit = [&](uint8_t* o, uint64_t u, size_t c) {
        const size_t z = u < lat ? static_cast<size_t>(std::min<uint64_t>(c, lat - u)) : 0;
        std::memset(o, 0, z);
        if (c > z) {
            const uint64_t base = GP * (d_group - 1) + lat;
            std::memcpy(o + z, d_pout.data() + (u + z - base), c - z);
        }
    };
    uint64_t t = d_t;
    size_t i = 0;
    while (i < n) {
        const size_t need = full - d_phn;
        const size_t take = std::min(n - i, need);
        std::memcpy(d_ph.data() + d_phn, y + i, take * sizeof(float));
        d_phn += take;
        const bool ready = take == need; // the last sample of the group came
        const size_t pre = ready ? take - 1 : take;
        emit(x + i, t, pre);
        if (ready) {
            run_group();
            emit(x + i + pre, t + pre, 1);
            std::memmove(d_ph.data(), d_ph.data() + GP, (d_phn - GP) * sizeof(float));
            d_phn -= GP;
        }
        i += take;
        t += take;
    }
    d_t = t;
}

void prml_viterbi::process(const float* y, size_t n, uint8_t* x, float* reliability)
{
    if (d_pS) {
        if (reliability) {
            std::ostringstream s;
            s << "reliability = requested: not available in the segment-parallel "
                 "mode (parallel_segment = "
              << d_pS << ")";
            throw std::invalid_argument(s.str());
        }
        process_parallel(y, n, x);
        return;
    }
    switch (d_S) {
    case 4:
        run<4>(y, n, x, reliability);
        break;
    case 8:
#if defined(ECDISC_PRML_VITERBI_AVX2)
        if (d_simd == simd::avx512)
            run8_avx512(y, n, x, reliability);
        else if (d_simd == simd::avx2)
            run8_avx2(y, n, x, reliability);
        else
            run8_sse2(y, n, x, reliability);
#elif defined(__SSE2__)
        run8_sse2(y, n, x, reliability);
#else
        run<8>(y, n, x, reliability);
#endif
        break;
    case 16:
        run<16>(y, n, x, reliability);
        break;
    default:
        run<32>(y, n, x, reliability);
        break;
    }
}

} // namespace ecdisc
