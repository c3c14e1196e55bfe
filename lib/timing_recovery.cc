/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "timing_recovery.h"
#include <algorithm>
#include <cmath>
#include <cstring>
#include <sstream>
#include <stdexcept>
#include <string>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace ecdisc {

namespace {

void bad(const char* name, double v, const char* allowed)
{
    std::ostringstream s;
    s << name << " = " << v << ": " << allowed;
    throw std::invalid_argument(s.str());
}

void check_bw(double loop_bw)
{
    if (!(loop_bw > 0.0 && loop_bw <= 0.05))
        bad("loop_bw", loop_bw, "must be in (0, 0.05]");
}

//! cubic Lagrange (Farrow) interpolation at x[0] + mu, mu in [0, 1)
inline float farrow(const float* x, float mu)
{
    const float xm1 = x[-1], x0 = x[0], x1 = x[1], x2 = x[2];
    const float c1 = -(1.0f / 3.0f) * xm1 - 0.5f * x0 + x1 - (1.0f / 6.0f) * x2;
    const float c2 = 0.5f * (xm1 + x1) - x0;
    const float c3 = (1.0f / 6.0f) * (x2 - xm1) + 0.5f * (x0 - x1);
    return ((c3 * mu + c2) * mu + c1) * mu + x0;
}

//! 1 where the sign bits of a and b differ, else 0 (no branch)
inline float sign_differs(float a, float b)
{
    uint32_t ua, ub;
    std::memcpy(&ua, &a, 4);
    std::memcpy(&ub, &b, 4);
    return static_cast<float>(static_cast<int>((ua ^ ub) >> 31));
}

//! clamp to [-1/2, 1/2] (minss/maxss where available: no branch)
inline float clamp_half(float q)
{
#if defined(__SSE2__)
    const __m128 v = _mm_set_ss(q);
    return _mm_cvtss_f32(_mm_min_ss(_mm_max_ss(v, _mm_set_ss(-0.5f)), _mm_set_ss(0.5f)));
#else
    return std::min(std::max(q, -0.5f), 0.5f);
#endif
}

} // namespace

void timing_recovery::gains(double b, double zeta, double* kp, double* ki)
{
    const double theta = b / (zeta + 0.25 / zeta);
    const double d = 1.0 + 2.0 * zeta * theta + theta * theta;
    *kp = 4.0 * zeta * theta / d / edge_density;
    *ki = 4.0 * theta * theta / d / edge_density;
}

timing_recovery::timing_recovery(
    double sps, double loop_bw, double damping, double max_deviation, int phase_interval)
    : d_sps(sps),
      d_bw(loop_bw),
      d_zeta(damping),
      d_maxdev(max_deviation),
      d_interval(phase_interval)
{
    if (!(sps >= 2.0 && sps <= 8.0))
        bad("sps", sps, "must be in 2..8");
    check_bw(loop_bw);
    if (!(damping >= 0.25 && damping <= 4.0))
        bad("damping", damping, "must be in 0.25..4");
    if (!(max_deviation > 0.0 && max_deviation <= 0.1))
        bad("max_deviation", max_deviation, "must be in (0, 0.1]");
    if (phase_interval < 0 || phase_interval > (1 << 30))
        bad("phase_interval", phase_interval, "must be in 0..2^30");
    d_pos = sps;
    update_gains();
    d_kp = d_kp_acq;
    d_ki = d_ki_acq;
    d_events.reserve(64);
}

void timing_recovery::update_gains()
{
    gains(std::min(acq_factor * d_bw, 0.1), d_zeta, &d_kp_acq, &d_ki_acq);
    gains(d_bw, d_zeta, &d_kp_trk, &d_ki_trk);
}

void timing_recovery::set_loop_bw(double loop_bw)
{
    check_bw(loop_bw);
    d_bw = loop_bw;
    update_gains();
    d_kp = d_locked ? d_kp_trk : d_kp_acq;
    d_ki = d_locked ? d_ki_trk : d_ki_acq;
}

size_t timing_recovery::input_needed(size_t n_out) const
{
    if (n_out == 0)
        return 0;
    const double step = d_sps * (1.0 + d_maxdev);
    const double rel = d_pos - static_cast<double>(d_base);
    return static_cast<size_t>(std::ceil(rel + static_cast<double>(n_out - 1) * step)) +
           3;
}

namespace {

//! loop state while process() runs (in registers, not in the object)
struct loop_state {
    double pos, v, kp, ki;
    float L, yprev, e1, e2;
};

/*! Up to max_bits bits, while the input lasts; stops after a bit whose lock
 *  detector crosses its threshold (*flip set). Returns the bits made. */
template <bool with_positions>
inline size_t run_bits(loop_state& st,
                       const float* in,
                       double base,
                       double lim,
                       double sps,
                       double vmax,
                       float thr,
                       bool locked,
                       float* out,
                       double* positions,
                       size_t max_bits,
                       bool* flip)
{
    const float la = static_cast<float>(timing_recovery::lock_alpha);
    double pos = st.pos, v = st.v;
    const double kp = st.kp, ki = st.ki;
    float L = st.L, yprev = st.yprev, e1 = st.e1, e2 = st.e2;
    size_t k = 0;
    bool f = false;
    while (k < max_bits && pos < lim) {
        const double P = sps + v;
        const double rc = pos - base;
        const double rm = rc - 0.5 * P;
        const long i = static_cast<long>(rc); // rm >= 1: no negative indices
        const long j = static_cast<long>(rm);
        const float y = farrow(in + i, static_cast<float>(rc - static_cast<double>(i)));
        const float m = farrow(in + j, static_cast<float>(rm - static_cast<double>(j)));
        // TED: normalised Gardner at NRZI edges; branch-free (edges are
        // data, a branch on them would be mispredicted)
        const float fe = sign_differs(y, yprev);
        // edge: y - yprev (the 1e-30 keeps +0 vs -0 from dividing by 0)
        const float ds = (y - yprev) * fe + (1.0f - fe) + 1e-30f;
        const float q = clamp_half(m / ds);
        const float e = fe * q;
        // lock detector: fraction of edges with |e| < 1/4
        const float near = std::fabs(q) < 0.25f ? 1.0f : 0.0f;
        L += fe * la * (near - L);
        yprev = y;
        out[k] = y;
        if constexpr (with_positions)
            positions[k] = pos;
        // loop filter, fed the error of two bits ago (loop delay 2 bits: the
        // next positions do not wait for this bit's interpolation and TED)
        const double ea = e2;
        e2 = e1;
        e1 = e;
        v = std::min(std::max(v - ki * ea, -vmax), vmax);
        pos += sps + v - kp * ea;
        k++;
        // lock detector with hysteresis (thr: the threshold to cross)
        if (locked ? L < thr : L > thr) {
            f = true;
            break;
        }
    }
    st.pos = pos;
    st.v = v;
    st.L = L;
    st.yprev = yprev;
    st.e1 = e1;
    st.e2 = e2;
    *flip = f;
    return k;
}

} // namespace

size_t timing_recovery::process(const float* in,
                                size_t n_in,
                                float* out,
                                size_t max_out,
                                size_t* consumed,
                                double* positions)
{
    d_events.clear();
    const double sps = d_sps;
    const double vmax = d_maxdev * sps;
    // positions are absolute (so rounding does not depend on the chunking);
    // t - base is exact for the integer base
    const double base = static_cast<double>(d_base);
    const double lim = base + static_cast<double>(n_in) - 2.0; // floor(c) + 2 < n_in
    loop_state st{ d_pos,   d_v,  d_kp * sps, d_ki * sps, static_cast<float>(d_L),
                   d_yprev, d_e1, d_e2 };
    bool locked = d_locked;
    // bits until the next phase event (0: this bit)
    uint64_t to_phase = UINT64_MAX;
    if (d_interval > 0) {
        const uint64_t r = d_bits % static_cast<uint64_t>(d_interval);
        to_phase = r == 0 ? 0 : static_cast<uint64_t>(d_interval) - r;
    }
    size_t n = 0;
    while (n < max_out && st.pos < lim) {
        if (to_phase == 0) {
            d_events.push_back({ event::phase, d_bits + n, locked, st.pos, sps + st.v });
            to_phase = static_cast<uint64_t>(d_interval);
        }
        const size_t seg = static_cast<size_t>(
            std::min<uint64_t>(to_phase, static_cast<uint64_t>(max_out - n)));
        const float thr = static_cast<float>(locked ? lock_off : lock_on);
        bool flip = false;
        const size_t k = positions ? run_bits<true>(st,
                                                    in,
                                                    base,
                                                    lim,
                                                    sps,
                                                    vmax,
                                                    thr,
                                                    locked,
                                                    out + n,
                                                    positions + n,
                                                    seg,
                                                    &flip)
                                   : run_bits<false>(st,
                                                     in,
                                                     base,
                                                     lim,
                                                     sps,
                                                     vmax,
                                                     thr,
                                                     locked,
                                                     out + n,
                                                     nullptr,
                                                     seg,
                                                     &flip);
        n += k;
        to_phase -= k;
        if (flip) { // the lock state changes after bit n - 1; gear shift
            locked = !locked;
            d_events.push_back({ event::lock, d_bits + n - 1, locked, 0.0, 0.0 });
            st.kp = (locked ? d_kp_trk : d_kp_acq) * sps;
            st.ki = (locked ? d_ki_trk : d_ki_acq) * sps;
        }
    }
    // samples no later bit needs: before floor(next mid) - 1
    const double tmn = st.pos - base - 0.5 * (sps + st.v);
    double c = std::floor(tmn) - 1.0;
    c = std::max(0.0, std::min(c, static_cast<double>(n_in)));
    const size_t cons = static_cast<size_t>(c);
    *consumed = cons;
    d_pos = st.pos;
    d_base += cons;
    d_v = st.v;
    d_L = st.L;
    d_yprev = st.yprev;
    d_e1 = st.e1;
    d_e2 = st.e2;
    d_locked = locked;
    d_kp = st.kp / sps;
    d_ki = st.ki / sps;
    d_bits += n;
    return n;
}

} // namespace ecdisc
