/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "servo_signals.h"
#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace ecdisc {

servo_method parse_servo_method(const std::string& method)
{
    if (method == "fes_astigmatic")
        return servo_method::fes_astigmatic;
    if (method == "push_pull")
        return servo_method::push_pull;
    if (method == "dpp")
        return servo_method::dpp;
    if (method == "three_beam")
        return servo_method::three_beam;
    if (method == "rf_sum")
        return servo_method::rf_sum;
    throw std::invalid_argument("method = " + method +
                                ": must be fes_astigmatic, push_pull, dpp, three_beam "
                                "or rf_sum");
}

std::string servo_method_name(servo_method m)
{
    switch (m) {
    case servo_method::fes_astigmatic:
        return "fes_astigmatic";
    case servo_method::push_pull:
        return "push_pull";
    case servo_method::dpp:
        return "dpp";
    case servo_method::three_beam:
        return "three_beam";
    case servo_method::rf_sum:
        return "rf_sum";
    }
    return "?";
}

int servo_method_inputs(servo_method m)
{
    switch (m) {
    case servo_method::dpp:
        return 8;
    case servo_method::three_beam:
        return 2;
    default:
        return 4;
    }
}

void focus_error_astigmatic(const float* a,
                            const float* b,
                            const float* c,
                            const float* d,
                            float* out,
                            size_t n,
                            float floor)
{
    for (size_t i = 0; i < n; i++) {
        const float s = a[i] + b[i] + c[i] + d[i];
        out[i] = ((a[i] + c[i]) - (b[i] + d[i])) / std::max(s, floor);
    }
}

void push_pull(const float* a,
               const float* b,
               const float* c,
               const float* d,
               float* out,
               size_t n,
               float floor)
{
    for (size_t i = 0; i < n; i++) {
        const float s = a[i] + b[i] + c[i] + d[i];
        out[i] = ((a[i] + d[i]) - (b[i] + c[i])) / std::max(s, floor);
    }
}

void three_beam(const float* e, const float* f, float* out, size_t n, float floor)
{
    for (size_t i = 0; i < n; i++)
        out[i] = (e[i] - f[i]) / std::max(e[i] + f[i], floor);
}

void rf_sum(const float* a, const float* b, const float* c, const float* d, float* out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = (a[i] + b[i]) + (c[i] + d[i]);
}

void differential_push_pull(const float* const* ch, float* out, size_t n, float k, float floor)
{
    const float *a = ch[0], *b = ch[1], *c = ch[2], *d = ch[3];
    const float *e1 = ch[4], *e2 = ch[5], *f1 = ch[6], *f2 = ch[7];
    for (size_t i = 0; i < n; i++) {
        const float mpp = (a[i] + d[i]) - (b[i] + c[i]);
        const float ms = (a[i] + b[i]) + (c[i] + d[i]);
        const float spp = (e1[i] + f1[i]) - (e2[i] + f2[i]);
        const float ss = (e1[i] + e2[i]) + (f1[i] + f2[i]);
        out[i] = (mpp - k * spp) / std::max(ms + k * ss, floor);
    }
}

servo_error_signal::servo_error_signal(const std::string& method,
                                       double k,
                                       double sum_floor,
                                       double k_window)
    : d_method(parse_servo_method(method)), d_floor(sum_floor), d_window(k_window)
{
    if (!(sum_floor > 0.0) || !std::isfinite(sum_floor))
        throw std::invalid_argument("sum_floor = " + std::to_string(sum_floor) +
                                    ": must be > 0");
    if (!(k_window >= 1.0 && k_window <= 1e9))
        throw std::invalid_argument("k_window = " + std::to_string(k_window) +
                                    ": must be 1..1e9 samples");
    set_k(k);
}

void servo_error_signal::set_k(double k)
{
    if (!std::isfinite(k) || k > 1e6)
        throw std::invalid_argument("k = " + std::to_string(k) +
                                    ": must be finite, <= 1e6 (< 0: estimate)");
    if (k >= 0.0) {
        d_k = k;
        d_estimate = false;
    } else {
        d_estimate = true;
        d_have_avg = false;
    }
}

void servo_error_signal::process(const float* const* ch, float* out, size_t n)
{
    const float fl = static_cast<float>(d_floor);
    switch (d_method) {
    case servo_method::fes_astigmatic:
        focus_error_astigmatic(ch[0], ch[1], ch[2], ch[3], out, n, fl);
        return;
    case servo_method::push_pull:
        push_pull(ch[0], ch[1], ch[2], ch[3], out, n, fl);
        return;
    case servo_method::three_beam:
        three_beam(ch[0], ch[1], out, n, fl);
        return;
    case servo_method::rf_sum:
        rf_sum(ch[0], ch[1], ch[2], ch[3], out, n);
        return;
    case servo_method::dpp:
        break;
    }
    if (!d_estimate) {
        differential_push_pull(ch, out, n, static_cast<float>(d_k), fl);
        return;
    }
    // Estimated k: per chunk of up to 256 samples, update the running main
    // and side sums (time constant d_window samples), then apply the chunk
    // with the updated k.
    constexpr size_t chunk = 256;
    for (size_t i0 = 0; i0 < n; i0 += chunk) {
        const size_t m = std::min(chunk, n - i0);
        double ms = 0.0, ss = 0.0;
        for (size_t i = i0; i < i0 + m; i++) {
            ms += (ch[0][i] + ch[1][i]) + (ch[2][i] + ch[3][i]);
            ss += (ch[4][i] + ch[5][i]) + (ch[6][i] + ch[7][i]);
        }
        ms /= static_cast<double>(m);
        ss /= static_cast<double>(m);
        if (!d_have_avg) {
            d_main_avg = ms;
            d_side_avg = ss;
            d_have_avg = true;
        } else {
            const double g = 1.0 - std::exp(-static_cast<double>(m) / d_window);
            d_main_avg += g * (ms - d_main_avg);
            d_side_avg += g * (ss - d_side_avg);
        }
        if (d_side_avg > d_floor)
            d_k = std::min(d_main_avg / d_side_avg, 1e6);
        const float* sub[8];
        for (int c = 0; c < 8; c++)
            sub[c] = ch[c] + i0;
        differential_push_pull(sub, out + i0, m, static_cast<float>(d_k), fl);
    }
}

} // namespace ecdisc
