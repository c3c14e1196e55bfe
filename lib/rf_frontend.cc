/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "rf_frontend.h"
#include <volk/volk.h>
#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>
#include <string>

namespace ecdisc {

namespace {

constexpr double max_gain = 1e6;
constexpr double min_power = 1.0 / (max_gain * max_gain);

void check_alpha(const char* name, double v)
{
    if (!(v > 0.0 && v <= 0.1)) {
        std::ostringstream s;
        s << name << " = " << v << ": must be in (0, 0.1]";
        throw std::invalid_argument(s.str());
    }
}

} // namespace

boost_equalizer::boost_equalizer(double boost, int spacing) : d_boost(boost), d_k(spacing)
{
    if (!(boost >= 0.0 && boost <= 2.0)) {
        std::ostringstream s;
        s << "eq_boost = " << boost << ": must be in 0..2";
        throw std::invalid_argument(s.str());
    }
    if (spacing < 1 || spacing > 64)
        throw std::invalid_argument("eq_spacing = " + std::to_string(spacing) +
                                    ": must be in 1..64 samples");
}

void boost_equalizer::process(const float* in, float* out, size_t n)
{
    if (n == 0)
        return;
    const size_t h = 2 * static_cast<size_t>(d_k);
    if (!d_primed) {
        d_buf.assign(h, in[0]);
        d_primed = true;
    }
    d_buf.resize(h + n);
    std::copy(in, in + n, d_buf.begin() + h);
    const float* x = d_buf.data(); // x[i + h] = in[i]
    const float c = static_cast<float>(d_boost / 2.0);
    for (size_t i = 0; i < n; i++)
        out[i] = x[i + d_k] - c * (x[i + h] + x[i]);
    std::copy(d_buf.end() - h, d_buf.end(), d_buf.begin());
    d_buf.resize(h);
}

rf_frontend::rf_frontend(int n_channels,
                         double dc_alpha,
                         double agc_alpha,
                         bool invert,
                         double eq_boost,
                         int eq_spacing)
    : d_nch(n_channels),
      d_dc_alpha(dc_alpha),
      d_agc_alpha(agc_alpha),
      d_invert(invert),
      d_equalizer(eq_boost, eq_spacing)
{
    if (n_channels < 1 || n_channels > 16)
        throw std::invalid_argument("n_channels = " + std::to_string(n_channels) +
                                    ": must be in 1..16");
    check_alpha("dc_alpha", dc_alpha);
    check_alpha("agc_alpha", agc_alpha);
}

double rf_frontend::gain() const { return 1.0 / std::sqrt(std::max(d_power, min_power)); }

void rf_frontend::process(const float* const* in, float* out, size_t n)
{
    if (n == 0)
        return;
    const float* s = in[0];
    if (d_nch > 1) {
        d_sum.resize(n);
        volk_32f_x2_add_32f(d_sum.data(), in[0], in[1], static_cast<unsigned>(n));
        for (int c = 2; c < d_nch; c++)
            volk_32f_x2_add_32f(
                d_sum.data(), d_sum.data(), in[c], static_cast<unsigned>(n));
        s = d_sum.data();
    }
    if (d_equalizer.boost() > 0.0) {
        d_eq.resize(n);
        d_equalizer.process(s, d_eq.data(), n);
        s = d_eq.data();
    }
    double m = d_mean, p = d_power;
    const double a = d_dc_alpha, b = d_agc_alpha;
    const double sign = d_invert ? -1.0 : 1.0;
    size_t i = 0;
    // Start-up: running means until 1/(count+1) falls below alpha.
    for (; i < n && (1.0 / (d_count + 1.0) > a || 1.0 / (d_count + 1.0) > b); i++) {
        const double w = 1.0 / (d_count + 1.0);
        m += std::max(a, w) * (s[i] - m);
        const double y = s[i] - m;
        p += std::max(b, w) * (y * y - p);
        out[i] = static_cast<float>(sign * y / std::sqrt(std::max(p, min_power)));
        d_count++;
    }
    // Steady state.
    for (; i < n; i++) {
        m += a * (s[i] - m);
        const double y = s[i] - m;
        p += b * (y * y - p);
        out[i] = static_cast<float>(sign * y / std::sqrt(std::max(p, min_power)));
    }
    d_mean = m;
    d_power = p;
}

} // namespace ecdisc
