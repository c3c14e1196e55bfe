/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "quality.h"
#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>
#include <string>

namespace ecdisc {

namespace {

template <typename T>
[[noreturn]] void bad(const char* name, T value, const char* what)
{
    std::ostringstream s;
    s << name << " = " << value << ": " << what;
    throw std::invalid_argument(s.str());
}

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

} // namespace

// ---------------------------------------------------------------- jitter

jitter_meter::jitter_meter(double sps,
                           int settle_edges,
                           int fit_edges,
                           double envelope_bits,
                           double hysteresis,
                           bool dc_threshold)
    : d_sps(sps),
      d_settle(settle_edges),
      d_fit(fit_edges),
      d_env_bits(envelope_bits),
      d_hyst(hysteresis),
      d_dc(dc_threshold),
      d_period(sps)
{
    if (!(sps >= 2.0 && sps <= 16.0))
        bad("sps", sps, "must be in [2, 16] samples per channel bit");
    if (settle_edges < 0 || settle_edges > 1000000000)
        bad("settle_edges", settle_edges, "must be in [0, 1e9]");
    if (fit_edges < 16 || fit_edges > 1000000)
        bad("fit_edges", fit_edges, "must be in [16, 1e6]");
    if (!(envelope_bits >= 10.0 && envelope_bits <= 1e6))
        bad("envelope_bits", envelope_bits, "must be in [10, 1e6]");
    if (!(hysteresis >= 0.0 && hysteresis <= 0.4))
        bad("hysteresis", hysteresis, "must be in [0, 0.4] (of the peak-to-peak swing)");
    d_k = 1.0 / (envelope_bits * sps);
    d_lambda = 1.0 - 1.0 / fit_edges;
}

void jitter_meter::reset_stats()
{
    d_recent_n = d_recent_pos = 0;
    d_n = 0;
    d_s1 = d_s2 = 0.0;
    d_nr = 0;
    d_sr = d_sf = 0.0;
}

void jitter_meter::reset()
{
    d_t = 0;
    d_prev = 0.0f;
    d_hi = d_lo = d_mean = 0.0;
    d_state = 0;
    d_cand_up = d_cand_dn = 0.0;
    d_Y0 = 0.0;
    d_Sw = d_Sx = d_Sy = d_Sxx = d_Sxy = 0.0;
    d_nfit = 0;
    d_period = d_sps;
    d_seen = d_rejected = 0;
    d_err2 = 0.0;
    d_hold = 0;
    d_recent_n = d_recent_pos = 0;
    d_losses = 0;
    reset_stats();
}

size_t jitter_meter::process(const float* x, size_t n, uint64_t edge_limit)
{
    if (d_n >= edge_limit)
        return 0;
    size_t i = 0;
    // locals for the hot loop
    double hi = d_hi, lo = d_lo, mean = d_mean;
    const double k = d_k, hyst = d_hyst;
    const bool dc = d_dc;
    float prev = d_prev;
    uint64_t t = d_t;
    if (t == 0 && n > 0) { // first sample: start the envelopes there
        hi = lo = mean = x[0];
        prev = x[0];
        t = 1;
        i = 1;
    }
    for (; i < n; i++, t++) {
        const double v = x[i];
        hi = v > hi ? v : hi + k * (v - hi);
        lo = v < lo ? v : lo + k * (v - lo);
        if (dc) {
            // the fraction of the last sample interval spent above the level
            // (linear between the samples, so that it varies smoothly with
            // the level even when the samples keep the same phase to the
            // edges), fed back towards one half
            const double a = prev - mean, b = v - mean;
            double above;
            if (a >= 0.0 && b >= 0.0)
                above = 1.0;
            else if (a < 0.0 && b < 0.0)
                above = 0.0;
            else
                above = a >= 0.0 ? a / (a - b) : b / (b - a);
            // 16 times faster while the settling edges go by
            const double g = d_seen < static_cast<uint64_t>(d_settle) ? 16.0 : 1.0;
            mean += (above - 0.5) * g * k * (hi - lo);
        }
        const double thr = dc ? mean : 0.5 * (hi + lo);
        const double h = hyst * (hi - lo);
        const double d = v - thr;
        const double dp = prev - thr;
        prev = x[i];
        // crossing between sample t-1 (dp) and t (d), at t-1 + dp/(dp-d)
        if (dp < 0.0 && d >= 0.0)
            d_cand_up = static_cast<double>(t - 1) + dp / (dp - d);
        else if (dp >= 0.0 && d < 0.0)
            d_cand_dn = static_cast<double>(t - 1) + dp / (dp - d);
        if (d > h && d_state != 1) {
            if (d_state == -1)
                edge(d_cand_up, true);
            d_state = 1;
        } else if (d < -h && d_state != -1) {
            if (d_state == 1)
                edge(d_cand_dn, false);
            d_state = -1;
        } else {
            continue;
        }
        if (d_n >= edge_limit) {
            i++;
            t++;
            break;
        }
    }
    d_hi = hi;
    d_lo = lo;
    d_mean = mean;
    d_prev = prev;
    d_t = t;
    return i;
}

void jitter_meter::start_fit(double t)
{
    // the fit restarts with this edge as its only point (nominal period)
    d_Y0 = t;
    d_Sw = 1.0;
    d_Sx = d_Sy = d_Sxx = d_Sxy = 0.0;
    d_nfit = 1;
    d_seen++;
}

void jitter_meter::edge(double t, bool rising)
{
    if (d_nfit == 0) {
        start_fit(t);
        return;
    }
    const double yt = t - d_Y0; // in the frame of the last accepted edge
    double P = d_sps;
    if (d_nfit >= 8) {
        const double den = d_Sw * d_Sxx - d_Sx * d_Sx;
        if (den > 0.0)
            P = (d_Sw * d_Sxy - d_Sx * d_Sy) / den;
        P = std::min(std::max(P, 0.9 * d_sps), 1.1 * d_sps);
    }
    const double a = (d_Sy - P * d_Sx) / d_Sw;
    const double nb = std::nearbyint((yt - a) / P);
    if (nb < 1.0) {
        if (d_seen >= static_cast<uint64_t>(d_settle))
            d_rejected++;
        return;
    }
    const double e = yt - (a + P * nb);
    const double eT = e / P;
    if (d_nfit >= 8) {
        d_err2 += (eT * eT - d_err2) / 32.0;
        if (d_nfit >= 64 && d_err2 > 0.05) {
            // the clock is not on the edges: take the recent edges out of
            // the statistics and start the fit again from this edge
            for (int i = 0; i < d_recent_n; i++) {
                const int j = (d_recent_pos - 1 - i + k_recent) % k_recent;
                const double r = d_recent_e[j];
                d_n--;
                d_s1 -= r;
                d_s2 -= r * r;
                if (d_recent_r[j]) {
                    d_nr--;
                    d_sr -= r;
                } else {
                    d_sf -= r;
                }
            }
            d_recent_n = d_recent_pos = 0;
            d_losses++;
            d_hold = k_recent;
            d_err2 = 0.0;
            d_period = d_sps;
            start_fit(t);
            return;
        }
    }
    d_period = P;
    d_seen++;
    if (d_hold > 0) {
        d_hold--;
    } else if (d_seen > static_cast<uint64_t>(d_settle)) {
        d_n++;
        d_s1 += eT;
        d_s2 += eT * eT;
        if (rising) {
            d_nr++;
            d_sr += eT;
        } else {
            d_sf += eT;
        }
        d_recent_e[d_recent_pos] = eT;
        d_recent_r[d_recent_pos] = rising;
        d_recent_pos = (d_recent_pos + 1) % k_recent;
        d_recent_n = std::min(d_recent_n + 1, k_recent);
    }
    // move the frame to the new edge (x by nb bits, y by yt samples), age
    // the sums by lambda, add the new point at the origin
    const double cx = nb, cy = yt;
    const double Sx = d_Sx, Sy = d_Sy, Sw = d_Sw;
    const double l = d_lambda;
    d_Sxx = l * (d_Sxx - 2.0 * cx * Sx + cx * cx * Sw);
    d_Sxy = l * (d_Sxy - cx * Sy - cy * Sx + cx * cy * Sw);
    d_Sx = l * (Sx - cx * Sw);
    d_Sy = l * (Sy - cy * Sw);
    d_Sw = l * Sw + 1.0;
    d_Y0 = t;
    d_nfit++;
}

double jitter_meter::jitter_pct() const
{
    if (d_n == 0)
        return nan;
    const double m = d_s1 / d_n;
    return 100.0 * std::sqrt(std::max(0.0, d_s2 / d_n - m * m));
}

double jitter_meter::mean_offset_pct() const { return d_n ? 100.0 * d_s1 / d_n : nan; }

double jitter_meter::asymmetry_pct() const
{
    const uint64_t nf = d_n - d_nr;
    if (d_nr == 0 || nf == 0)
        return nan;
    return 100.0 * (d_sr / d_nr - d_sf / nf);
}

// ---------------------------------------------------------------- SAM

sam_meter::sam_meter(const std::vector<double>& target, double scale, uint64_t skip)
    : d_h(target), d_scale(scale), d_skip(skip)
{
    if (target.size() < 2 || target.size() > 8)
        bad("target", target.size(), "needs 2..8 taps (size given)");
    double h2 = 0.0;
    for (double v : target) {
        if (!std::isfinite(v))
            bad("target", v, "taps must be finite");
        h2 += v * v;
    }
    if (h2 == 0.0)
        bad("target", "all zero", "needs a non-zero tap");
    if (!(std::isfinite(scale) && scale > 0.0))
        bad("scale", scale, "must be finite and > 0");
    if (skip > (uint64_t(1) << 62))
        bad("skip", skip, "must be in [0, 2^62]");
    d_h2 = h2;
    d_inv = 1.0 / (scale * h2);
    d_L = static_cast<int>(target.size());
    d_A = std::max(d_L - 1, 2);
    reset();
}

void sam_meter::reset_stats()
{
    d_n = d_neg = 0;
    d_s1 = d_s2 = 0.0;
}

void sam_meter::reset()
{
    d_g0 = 0;
    // first event whose window starts at or after sample skip:
    // x[j - A] (and a[j-L+1]) must be >= skip
    d_jnext = d_skip + static_cast<uint64_t>(d_A);
    d_x.clear();
    d_y.clear();
    d_r.clear();
    reset_stats();
}

size_t sam_meter::process(const float* y, const uint8_t* x, size_t n, uint64_t event_limit)
{
    if (n == 0 || d_n >= event_limit)
        return 0;
    const size_t old = d_x.size();
    d_x.resize(old + n);
    d_y.resize(old + n);
    d_r.resize(old + n);
    uint8_t* bx = d_x.data();
    float* by = d_y.data();
    double* br = d_r.data();
    for (size_t i = 0; i < n; i++)
        bx[old + i] = x[i] != 0;
    std::copy(y, y + n, by + old);

    // residual r = y - s(x) where the L levels it needs are known
    const int L = d_L;
    const double* h = d_h.data();
    const double sc = d_scale;
    for (size_t p = old; p < old + n; p++) {
        if (d_g0 + p < static_cast<uint64_t>(L - 1)) {
            br[p] = 0.0;
            continue;
        }
        double s = 0.0;
        for (int i = 0; i < L; i++)
            s += h[i] * (2.0 * bx[p - i] - 1.0);
        br[p] = static_cast<double>(by[p]) - sc * s;
    }

    // events j with j + A inside the buffer
    const uint64_t end = d_g0 + old + n; // one past the last sample
    const uint64_t A = static_cast<uint64_t>(d_A);
    uint64_t j = d_jnext;
    uint64_t stop = end; // one past the last sample consumed
    const double inv = d_inv;
    for (; j + A < end; j++) {
        const size_t q = static_cast<size_t>(j - d_g0);
        const uint8_t c = bx[q];
        const bool first = bx[q - 1] != c;
        const bool last = bx[q + 1] != c;
        bool ok;
        if (first)
            ok = !last && bx[q + 2] == c; // run from j has >= 3 bits
        else if (last)
            ok = bx[q - 2] == c; // run up to j has >= 3 bits
        else
            continue;
        if (!ok)
            continue;
        double corr = 0.0;
        for (int i = 0; i < L; i++)
            corr += h[i] * br[q + i];
        const double dm = (c ? 1.0 : -1.0) * corr * inv; // M - 1
        d_n++;
        d_s1 += dm;
        d_s2 += dm * dm;
        if (dm < -1.0)
            d_neg++;
        if (d_n >= event_limit) {
            stop = j + A + 1;
            j++;
            break;
        }
    }
    d_jnext = j;
    const size_t consumed = static_cast<size_t>(stop - (d_g0 + old));
    size_t len = old + consumed;
    // keep what the next events need: from jnext - A (levels, for the
    // residual of later samples too: L - 1 <= A back)
    const uint64_t keep_from_g = d_jnext >= A ? d_jnext - A : 0;
    size_t drop = keep_from_g > d_g0 ? static_cast<size_t>(keep_from_g - d_g0) : 0;
    drop = std::min(drop, len);
    d_x.erase(d_x.begin(), d_x.begin() + drop);
    d_y.erase(d_y.begin(), d_y.begin() + drop);
    d_r.erase(d_r.begin(), d_r.begin() + drop);
    len -= drop;
    d_x.resize(len);
    d_y.resize(len);
    d_r.resize(len);
    d_g0 += drop;
    return consumed;
}

double sam_meter::mean() const { return d_n ? 1.0 + d_s1 / d_n : nan; }

double sam_meter::sigma() const
{
    if (d_n == 0)
        return nan;
    const double m = d_s1 / d_n;
    return std::sqrt(std::max(0.0, d_s2 / d_n - m * m));
}

double sam_meter::snr_db() const
{
    if (d_n == 0)
        return nan;
    const double s = sigma();
    if (s == 0.0)
        return std::numeric_limits<double>::infinity();
    return 20.0 * std::log10(mean() / s);
}

} // namespace ecdisc
