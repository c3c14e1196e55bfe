/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "prml_viterbi.h"
#include <algorithm>
#include <cmath>
#include <cstring>
#ifdef __SSE2__
#include <emmintrin.h>
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

} // namespace

prml_viterbi::prml_viterbi(const std::vector<double>& target,
                           int decision_delay,
                           double scale)
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
    d_delta.resize(d_W * d_S);
    d_path.resize(d_delay + 2);
    d_pend_x.resize(d_K);
    d_pend_rel.resize(d_K);
    reset();
}

void prml_viterbi::reset()
{
    std::fill(d_metric.begin(), d_metric.end(), 0.0f);
    std::fill(std::begin(d_m16), std::end(d_m16), int16_t(0));
    std::fill(d_dec.begin(), d_dec.end(), 0);
    std::fill(d_delta.begin(), d_delta.end(), 0.0f);
    std::fill(d_pend_x.begin(), d_pend_x.end(), 0);
    std::fill(d_pend_rel.begin(), d_pend_rel.end(), 0.0f);
    d_t = 0;
    d_slot = 0;
    d_jk = 0;
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
    auto dec_at = [&](uint64_t tau, unsigned s) {
        return (d_dec[slot(t - tau)] >> s) & 1u;
    };

    unsigned best = 0;
    for (int s = 1; s < d_S; s++)
        if (d_metric[s] < d_metric[best])
            best = static_cast<unsigned>(s);
    // d_path[i]: state at time t - i, i = 0 .. D
    d_path[0] = static_cast<uint8_t>(best);
    unsigned s = best;
    {
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
        d_pend_x[j - j_lo] = d_path[t - j] & 1u;
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
// one-cycle integer operations (unpack, saturating add, min).
// Branch metrics: round(q (y - E)^2), q = 160 / (scale^2 sum h^2) (16 for
// PR(1,2,2,1) at scale 1), capped at 1023 (|y - E| >= 8 scale
// sqrt(sum h^2 / 10)); a removed branch costs 16383, more than any spread of
// reachable metrics ((M + 2) * 1023), so it never survives. Metrics are made
// relative to state 0 every 4th step (growth <= 4 * 1023 in between;
// unreachable states saturate at 32767). Margins are stored as float / q.
void prml_viterbi::run8_i16(const float* y, size_t n, uint8_t* x, float* reliability)
{
    const bool want_rel = reliability != nullptr;
    constexpr int S = 8, H = 4;
    alignas(16) float en[2][S], cap[2][S];
    for (int b = 0; b < 2; b++)
        for (int st = 0; st < S; st++) {
            en[b][st] = d_exp[(2 * b + (st & 1)) * H + (st >> 1)];
            cap[b][st] = en[b][st] == forbidden_level ? 16383.0f : 1023.0f;
        }
    const __m128 e0l = _mm_load_ps(en[0]), e0h = _mm_load_ps(en[0] + 4);
    const __m128 e1l = _mm_load_ps(en[1]), e1h = _mm_load_ps(en[1] + 4);
    const __m128 k0l = _mm_load_ps(cap[0]), k0h = _mm_load_ps(cap[0] + 4);
    const __m128 k1l = _mm_load_ps(cap[1]), k1h = _mm_load_ps(cap[1] + 4);
    const __m128 qv = _mm_set1_ps(d_q), invq = _mm_set1_ps(1.0f / d_q);
    __m128i m = _mm_loadu_si128(reinterpret_cast<const __m128i*>(d_m16));
    uint32_t* const dec = d_dec.data();
    float* const delta = d_delta.data();
    out_cursor c(*this);
    auto bm = [&](__m128 yv, __m128 el, __m128 eh, __m128 kl, __m128 kh) {
        const __m128 tl = _mm_sub_ps(yv, el), th = _mm_sub_ps(yv, eh);
        const __m128 bl = _mm_min_ps(_mm_mul_ps(_mm_mul_ps(tl, tl), qv), kl);
        const __m128 bh = _mm_min_ps(_mm_mul_ps(_mm_mul_ps(th, th), qv), kh);
        return _mm_packs_epi32(_mm_cvtps_epi32(bl), _mm_cvtps_epi32(bh));
    };
    for (size_t i = 0; i < n; i++) {
        const __m128 yv = _mm_set1_ps(y[i]);
        const __m128i bm0 = bm(yv, e0l, e0h, k0l, k0h);
        const __m128i bm1 = bm(yv, e1l, e1h, k1l, k1h);
        const __m128i c0 = _mm_adds_epi16(_mm_unpacklo_epi16(m, m), bm0);
        const __m128i c1 = _mm_adds_epi16(_mm_unpackhi_epi16(m, m), bm1);
        m = _mm_min_epi16(c0, c1);
        const __m128i lt = _mm_cmpgt_epi16(c0, c1); // c1 < c0
        dec[c.slot] =
            static_cast<uint32_t>(_mm_movemask_epi8(_mm_packs_epi16(lt, lt)) & 0xff);
        if (want_rel) {
            const __m128i dd =
                _mm_max_epi16(_mm_subs_epi16(c0, c1), _mm_subs_epi16(c1, c0));
            const __m128i dl = _mm_srai_epi32(_mm_unpacklo_epi16(dd, dd), 16);
            const __m128i dh = _mm_srai_epi32(_mm_unpackhi_epi16(dd, dd), 16);
            _mm_storeu_ps(delta + c.slot * S, _mm_mul_ps(_mm_cvtepi32_ps(dl), invq));
            _mm_storeu_ps(delta + c.slot * S + 4, _mm_mul_ps(_mm_cvtepi32_ps(dh), invq));
        }
        if ((c.t & 3u) == 0) {
            const __m128i ref = _mm_shuffle_epi32(_mm_shufflelo_epi16(m, 0), 0);
            m = _mm_subs_epi16(m, ref);
        }
        c.step(i, x, reliability, [&](uint64_t t, size_t slot) {
            alignas(16) int16_t mm[S];
            _mm_store_si128(reinterpret_cast<__m128i*>(mm), m);
            for (int st = 0; st < S; st++)
                d_metric[st] = mm[st];
            d_t = t;
            d_slot = slot;
            traceback(want_rel);
        });
    }
    c.store(*this);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(d_m16), m);
}
#endif

void prml_viterbi::process(const float* y, size_t n, uint8_t* x, float* reliability)
{
    switch (d_S) {
    case 4:
        run<4>(y, n, x, reliability);
        break;
    case 8:
#ifdef __SSE2__
        run8_i16(y, n, x, reliability);
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
