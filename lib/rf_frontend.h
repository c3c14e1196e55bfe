/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef ECDISC_KERNEL_RF_FRONTEND_H
#define ECDISC_KERNEL_RF_FRONTEND_H

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ecdisc {

/*! Fixed three-tap boost ("limit") equaliser: lifts the short runs that the
 *  optical spot blurs. y[n] = x[n-k] - (boost/2) (x[n] + x[n-2k]), k = spacing
 *  (samples, one channel bit), so the output lags the input by k samples.
 *  rf_frontend bypasses it when boost = 0 (no delay). Stateful across calls; before the
 *  first sample the input is taken to have been x[0]. */
class boost_equalizer
{
public:
    boost_equalizer(double boost, int spacing);
    //! out may not alias in
    void process(const float* in, float* out, size_t n);
    double boost() const { return d_boost; }
    int spacing() const { return d_k; }

private:
    double d_boost;
    int d_k;
    bool d_primed = false;
    std::vector<float> d_buf; // last 2k inputs, then the new ones
};

/*! Detector front end: sum of channels, boost equaliser, DC restore, AGC to
 *  unit RMS.
 *
 *  Per sample n (s = sum of the channels, passed through boost_equalizer):
 *    m[n] = m[n-1] + a_n (s[n] - m[n-1]),   y[n] = s[n] - m[n]
 *    p[n] = p[n-1] + b_n (y[n]^2 - p[n-1]), out[n] = +-y[n] / sqrt(p[n])
 *  with a_n = max(dc_alpha, 1/(n+1)) and b_n = max(agc_alpha, 1/(n+1)): the
 *  trackers start as the running mean of the first samples (m[0] = s[0]) and
 *  turn into the one-pole trackers after 1/alpha samples, so the output is
 *  sane from the first sample. In steady state a step of height h at sample
 *  n0 leaves y[n] = h (1 - dc_alpha)^(n - n0 + 1) for n >= n0.
 *  The gain is capped at 1e6 (a silent input gives a silent output).
 *  Stateful across calls. */
class rf_frontend
{
public:
    rf_frontend(int n_channels,
                double dc_alpha,
                double agc_alpha,
                bool invert,
                double eq_boost = 0.0,
                int eq_spacing = 4);

    //! in[c][i], c < n_channels, i < n; out may alias in[0]
    void process(const float* const* in, float* out, size_t n);

    int n_channels() const { return d_nch; }
    double gain() const;
    double dc_level() const { return d_mean; }
    double power() const { return d_power; }

private:
    int d_nch;
    double d_dc_alpha, d_agc_alpha;
    bool d_invert;
    double d_mean = 0.0, d_power = 0.0;
    uint64_t d_count = 0; // samples seen (for the start-up running mean)
    std::vector<float> d_sum, d_eq;
    boost_equalizer d_equalizer;
};

} // namespace ecdisc

#endif
