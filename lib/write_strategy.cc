/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "write_strategy.h"
#include <cstring>
#include <sstream>
#include <stdexcept>
#include <string>

namespace ecdisc {

namespace {

template <typename T>
std::string fmt(T v)
{
    std::ostringstream s;
    s << v;
    return s.str();
}

void check_range(const char* name, double v, double lo, double hi, const char* allowed)
{
    if (!(v >= lo && v <= hi))
        throw std::invalid_argument(std::string(name) + " = " + fmt(v) + ": " + allowed);
}

void check_powers(double write, double space, double assist)
{
    check_range("write_power_mw", write, 0.0, 100.0, "must be in 0..100 mW");
    check_range("space_power_mw", space, 0.0, write, "must be in 0..write_power_mw");
    check_range("assist_power_mw", assist, 0.0, 100.0, "must be in 0..100 mW");
}

} // namespace

write_strategy::write_strategy(int sps,
                               double write_power_mw,
                               double space_power_mw,
                               double assist_power_mw,
                               double lead_trim,
                               double tail_trim)
    : d_sps(sps),
      d_write(write_power_mw),
      d_space(space_power_mw),
      d_assist(assist_power_mw),
      d_lead(lead_trim),
      d_tail(tail_trim)
{
    if (sps < 2 || sps > 32)
        throw std::invalid_argument("sps = " + std::to_string(sps) +
                                    ": must be in 2..32");
    check_powers(write_power_mw, space_power_mw, assist_power_mw);
    check_range("lead_trim", lead_trim, 0.0, 1.0, "must be in 0..1 channel bits");
    check_range("tail_trim", tail_trim, 0.0, 1.0, "must be in 0..1 channel bits");
    build_patterns();
}

void write_strategy::set_powers(double write_power_mw,
                                double space_power_mw,
                                double assist_power_mw)
{
    check_powers(write_power_mw, space_power_mw, assist_power_mw);
    d_write = write_power_mw;
    d_space = space_power_mw;
    d_assist = assist_power_mw;
    build_patterns();
}

void write_strategy::build_patterns()
{
    d_patterns.assign(8 * static_cast<size_t>(d_sps), static_cast<float>(d_space));
    for (int idx = 0; idx < 8; idx++) {
        const bool prev = idx & 4, cur = idx & 2, next = idx & 1;
        if (!cur)
            continue;
        // Mark-relative window inside this bit: a mark starts here when the
        // previous bit is a space, ends here when the next one is.
        const double lo = prev ? 0.0 : d_lead;
        const double hi = next ? 1.0 : 1.0 - d_tail;
        for (int k = 0; k < d_sps; k++) {
            const double t = (k + 0.5) / d_sps;
            if (t >= lo && t < hi)
                d_patterns[idx * d_sps + k] = static_cast<float>(d_write);
        }
    }
}

void write_strategy::process(const uint8_t* levels, float* beam0, float* beam1, size_t n)
{
    const size_t sps = static_cast<size_t>(d_sps);
    const float assist = static_cast<float>(d_assist);
    for (size_t i = 0; i < n * sps; i++)
        beam0[i] = assist;
    uint8_t prev = d_prev, cur = d_cur;
    const float* pat = d_patterns.data();
    for (size_t i = 0; i < n; i++) {
        const uint8_t next = levels[i] & 1u;
        std::memcpy(beam1 + i * sps,
                    pat + static_cast<size_t>((prev << 2) | (cur << 1) | next) * sps,
                    sps * sizeof(float));
        prev = cur;
        cur = next;
    }
    d_prev = prev;
    d_cur = cur;
}

} // namespace ecdisc
