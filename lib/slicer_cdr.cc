/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "slicer_cdr.h"
#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>
#include <string>

namespace ecdisc {

namespace {

void bad(const char* name, double v, const char* allowed)
{
    std::ostringstream s;
    s << name << " = " << v << ": " << allowed;
    throw std::invalid_argument(s.str());
}

} // namespace

slicer_cdr::slicer_cdr(double sps, double loop_bw, double threshold)
    : d_sps(sps), d_threshold(threshold), d_period(sps)
{
    if (!(sps >= 1.5 && sps <= 64.0))
        bad("sps", sps, "must be in 1.5..64");
    if (!(loop_bw > 0.0 && loop_bw <= 0.25))
        bad("loop_bw", loop_bw, "must be in (0, 0.25]");
    if (!std::isfinite(threshold))
        bad("threshold", threshold, "must be finite");
    const double zeta = std::sqrt(0.5);
    const double d = 1.0 + 2.0 * zeta * loop_bw + loop_bw * loop_bw;
    d_alpha = 4.0 * zeta * loop_bw / d;
    d_beta = 4.0 * loop_bw * loop_bw / d;
    d_tmin = 0.9 * sps;
    d_tmax = 1.1 * sps;
    d_next = 0.5 * sps;
}

void slicer_cdr::set_threshold(double threshold)
{
    if (!std::isfinite(threshold))
        bad("threshold", threshold, "must be finite");
    d_threshold = threshold;
}

size_t slicer_cdr::process(
    const float* in, size_t n_in, uint8_t* out, size_t max_out, size_t* consumed)
{
    const float th = static_cast<float>(d_threshold);
    size_t i = 0, nout = 0;
    // Deliver what an earlier call could not.
    size_t k = 0;
    for (; k < d_npending && nout < max_out; k++)
        out[nout++] = d_pending[k];
    for (size_t j = k; j < d_npending; j++)
        d_pending[j - k] = d_pending[j];
    d_npending -= k;
    if (d_npending > 0) {
        *consumed = 0;
        d_bits += nout;
        return nout;
    }
    if (!d_have_prev && n_in > 0) {
        // The first sample only starts the time base (sample 0 at time 0).
        d_prev = in[0];
        d_have_prev = true;
        i = 1;
    }
    double next = d_next, T = d_period;
    float xp = d_prev;
    for (; i < n_in && nout < max_out; i++) {
        const float x = in[i];
        // next: time of the next centre relative to the sample before x.
        const bool sp = xp > th, sx = x > th;
        if (sp != sx) {
            const double tau = static_cast<double>(xp - th) / static_cast<double>(xp - x);
            const double b0 = next - 0.5 * T; // expected boundary
            double e = tau - b0;
            e -= T * std::floor(e / T + 0.5); // nearest boundary
            next += d_alpha * e;
            T = std::min(d_tmax, std::max(d_tmin, T + d_beta * e));
            d_crossings++;
        }
        while (next <= 1.0) {
            const double mu = std::max(0.0, next);
            const double v = xp + mu * (static_cast<double>(x) - xp);
            const uint8_t bit = v > th ? 1 : 0;
            if (nout < max_out)
                out[nout++] = bit;
            else if (d_npending < sizeof(d_pending)) // centres are > ~1 sample apart
                d_pending[d_npending++] = bit;
            next += T;
        }
        next -= 1.0;
        xp = x;
    }
    d_next = next;
    d_period = T;
    d_prev = xp;
    d_bits += nout;
    *consumed = i;
    return nout;
}

} // namespace ecdisc
