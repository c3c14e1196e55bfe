/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "write_strategy.h"
#include <algorithm>
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

void check_range(
    const char* name, double v, double lo, double hi, const std::string& allowed)
{
    if (!(v >= lo && v <= hi))
        throw std::invalid_argument(std::string(name) + " = " + fmt(v) + ": " + allowed);
}

// Sums of user-given widths compared with a tolerance: 0.3 + 0.9 <= 2 - 0.8
// must hold although the doubles differ in the last bit.
constexpr double FIT_EPS = 1e-9;

void check_fit(const char* name, double v, double sum, double limit, const char* what)
{
    if (!(sum <= limit + FIT_EPS))
        throw std::invalid_argument(std::string(name) + " = " + fmt(v) + ": " + what);
}

write_strategy::strategy parse_mode(const std::string& mode)
{
    if (mode == "single")
        return write_strategy::strategy::single;
    if (mode == "multi_pulse")
        return write_strategy::strategy::multi_pulse;
    if (mode == "castle")
        return write_strategy::strategy::castle;
    throw std::invalid_argument("mode = " + mode +
                                ": must be single, multi_pulse or castle");
}

bool parse_assist_mode(const std::string& assist_mode)
{
    if (assist_mode == "cw")
        return false;
    if (assist_mode == "gated")
        return true;
    throw std::invalid_argument("assist_mode = " + assist_mode + ": must be cw or gated");
}

constexpr int MAX_BEAM_DELAY = 1 << 20;

} // namespace

write_strategy::write_strategy(int sps,
                               double write_power_mw,
                               double space_power_mw,
                               double assist_power_mw,
                               double lead_trim,
                               double tail_trim,
                               const std::string& mode,
                               double t_top,
                               double t_mp,
                               double t_lp,
                               double t_cool,
                               double bias_power_mw,
                               double cooling_power_mw,
                               double middle_power_mw,
                               const std::string& assist_mode,
                               double assist_lead,
                               int beam_delay_samples,
                               double record_voltage_v)
    : d_sps(sps),
      d_write(write_power_mw),
      d_space(space_power_mw),
      d_assist(assist_power_mw),
      d_lead(lead_trim),
      d_tail(tail_trim),
      d_mode(parse_mode(mode)),
      d_mode_name(mode),
      d_t_top(t_top),
      d_t_mp(t_mp),
      d_t_lp(t_lp),
      d_t_cool(t_cool),
      d_bias(bias_power_mw),
      d_cooling(cooling_power_mw),
      d_middle(middle_power_mw),
      d_gated(parse_assist_mode(assist_mode)),
      d_assist_mode_name(assist_mode),
      d_assist_lead(assist_lead),
      d_beam_delay(beam_delay_samples),
      d_voltage(record_voltage_v)
{
    if (sps < 2 || sps > 32)
        throw std::invalid_argument("sps = " + std::to_string(sps) +
                                    ": must be in 2..32");
    validate_powers(write_power_mw,
                    space_power_mw,
                    assist_power_mw,
                    bias_power_mw,
                    cooling_power_mw,
                    middle_power_mw);
    check_range("lead_trim", lead_trim, 0.0, 1.0, "must be in 0..1 channel bits");
    check_range("tail_trim", tail_trim, 0.0, 1.0, "must be in 0..1 channel bits");
    check_range("t_top", t_top, 0.0, 2.0, "must be in 0..2 channel bits");
    check_range("t_mp", t_mp, 0.0, 2.0, "must be in 0..2 channel bits");
    check_range("t_lp", t_lp, 0.0, 2.0, "must be in 0..2 channel bits");
    check_range("t_cool", t_cool, 0.0, 2.0, "must be in 0..2 channel bits");
    if (d_mode != strategy::single) {
        check_fit("t_top",
                  t_top,
                  lead_trim + t_top,
                  2.0 - tail_trim,
                  "the first pulse must fit a 2T mark: "
                  "lead_trim + t_top <= 2 - tail_trim");
        check_fit("t_lp",
                  t_lp,
                  lead_trim + tail_trim + t_lp,
                  2.0,
                  "the last pulse must fit the mark: "
                  "lead_trim + tail_trim + t_lp <= 2");
    }
    if (d_mode == strategy::multi_pulse) {
        check_fit("t_top",
                  t_top,
                  t_top,
                  1.0,
                  "must be <= 1 channel bit in mode multi_pulse "
                  "(the first pulse ends before the second starts)");
        check_fit("t_mp",
                  t_mp,
                  t_mp,
                  1.0,
                  "must be <= 1 channel bit in mode multi_pulse (the pulse pitch)");
    }
    check_range("assist_lead", assist_lead, 0.0, 1.0, "must be in 0..1 channel bits");
    if (beam_delay_samples < 0 || beam_delay_samples > MAX_BEAM_DELAY)
        throw std::invalid_argument(
            "beam_delay_samples = " + std::to_string(beam_delay_samples) +
            ": must be in 0.." + std::to_string(MAX_BEAM_DELAY));
    check_range(
        "record_voltage_v", record_voltage_v, -10.0, 10.0, "must be in -10..10 V");

    d_lookahead = d_mode == strategy::single ? 1 : 2;
    d_key_mask = (1u << (HIST + 1 + d_lookahead)) - 1u;
    d_delay.assign(static_cast<size_t>(d_beam_delay), static_cast<float>(d_space));
    d_scratch.resize(static_cast<size_t>(d_beam_delay));
    build_patterns();
}

void write_strategy::validate_powers(double write,
                                     double space,
                                     double assist,
                                     double bias,
                                     double cooling,
                                     double middle) const
{
    check_range("write_power_mw", write, 0.0, 100.0, "must be in 0..100 mW");
    check_range("space_power_mw", space, 0.0, write, "must be in 0..write_power_mw");
    check_range("assist_power_mw", assist, 0.0, 100.0, "must be in 0..100 mW");
    check_range("bias_power_mw", bias, 0.0, 100.0, "must be in 0..100 mW");
    check_range("cooling_power_mw", cooling, 0.0, 100.0, "must be in 0..100 mW");
    check_range("middle_power_mw", middle, 0.0, 100.0, "must be in 0..100 mW");
    const auto between = [](const char* lo, double lv, const char* hi, double hv) {
        return std::string("must be in ") + lo + ".." + hi + " (" + fmt(lv) + ".." +
               fmt(hv) + " mW) in mode ";
    };
    if (d_mode == strategy::multi_pulse) {
        check_range("bias_power_mw",
                    bias,
                    cooling,
                    write,
                    between("cooling_power_mw", cooling, "write_power_mw", write) +
                        "multi_pulse");
    } else if (d_mode == strategy::castle) {
        check_range("middle_power_mw",
                    middle,
                    cooling,
                    write,
                    between("cooling_power_mw", cooling, "write_power_mw", write) +
                        "castle");
    }
}

void write_strategy::set_powers(double write_power_mw,
                                double space_power_mw,
                                double assist_power_mw)
{
    validate_powers(
        write_power_mw, space_power_mw, assist_power_mw, d_bias, d_cooling, d_middle);
    d_write = write_power_mw;
    d_space = space_power_mw;
    d_assist = assist_power_mw;
    build_patterns();
}

void write_strategy::set_strategy_powers(double bias_power_mw,
                                         double cooling_power_mw,
                                         double middle_power_mw)
{
    validate_powers(
        d_write, d_space, d_assist, bias_power_mw, cooling_power_mw, middle_power_mw);
    d_bias = bias_power_mw;
    d_cooling = cooling_power_mw;
    d_middle = middle_power_mw;
    build_patterns();
}

void write_strategy::set_record_voltage_v(double record_voltage_v)
{
    check_range(
        "record_voltage_v", record_voltage_v, -10.0, 10.0, "must be in -10..10 V");
    d_voltage = record_voltage_v;
}

void write_strategy::apply(const layer_power& p)
{
    const double bias = p.has_strategy_powers ? p.bias_power_mw : d_bias;
    const double cooling = p.has_strategy_powers ? p.cooling_power_mw : d_cooling;
    const double middle = p.has_strategy_powers ? p.middle_power_mw : d_middle;
    validate_powers(
        p.write_power_mw, p.space_power_mw, p.assist_power_mw, bias, cooling, middle);
    check_range(
        "record_voltage_v", p.record_voltage_v, -10.0, 10.0, "must be in -10..10 V");
    d_write = p.write_power_mw;
    d_space = p.space_power_mw;
    d_assist = p.assist_power_mw;
    d_bias = bias;
    d_cooling = cooling;
    d_middle = middle;
    d_voltage = p.record_voltage_v;
    build_patterns();
}

void write_strategy::render(unsigned key, float* beam1, float* gate) const
{
    // The window (bits j-HIST .. j+D) padded on both sides with copies of its
    // end bits: a run reaching the padding is long, and beyond the window
    // nothing changes the samples of bit j (see the header: pulses need D
    // bits of lookahead, cooling and the fit checks HIST bits of history).
    const int win = HIST + 1 + d_lookahead;
    const int pad = 12;
    std::vector<uint8_t> seq(static_cast<size_t>(2 * pad + win));
    for (int i = 0; i < win; i++)
        seq[static_cast<size_t>(pad + i)] = (key >> (win - 1 - i)) & 1u;
    for (int i = 0; i < pad; i++) {
        seq[static_cast<size_t>(i)] = seq[static_cast<size_t>(pad)];
        seq[static_cast<size_t>(pad + win + i)] = seq[static_cast<size_t>(pad + win - 1)];
    }
    const int j = pad + HIST;

    struct mark_geo {
        int off, n; // start relative to bit j, length in bits
    };
    std::vector<mark_geo> marks;
    for (int i = 0; i < static_cast<int>(seq.size());) {
        if (!seq[static_cast<size_t>(i)]) {
            i++;
            continue;
        }
        int e = i;
        while (e < static_cast<int>(seq.size()) && seq[static_cast<size_t>(e)])
            e++;
        marks.push_back({ i - j, e - i });
        i = e;
    }

    // Times relative to the start of bit j. A boundary is an integer number
    // of bits plus a fraction computed from the parameters alone, so that a
    // boundary inside bit j equals the fraction exactly (mode "single" thus
    // reproduces the former per-bit patterns sample for sample).
    for (int k = 0; k < d_sps; k++) {
        const double t = (k + 0.5) / d_sps;
        int level = 0; // 0 space, 1 cooling, 2 bias/middle, 3 write
        bool on = false;
        for (const auto& m : marks) {
            const double end_bit = static_cast<double>(m.off + m.n - 1);
            const double w_lo = static_cast<double>(m.off) + d_lead;
            const double w_hi = end_bit + (1.0 - d_tail);
            if (!(w_lo < w_hi))
                continue; // an empty window: the mark is not written
            if (t >= static_cast<double>(m.off) + (d_lead - d_assist_lead) && t < w_hi)
                on = true;
            if (t >= w_lo && t < w_hi) {
                int lv = 2;
                if (d_mode == strategy::single) {
                    lv = 3;
                } else if (d_mode == strategy::multi_pulse) {
                    const int npulses = std::max(1, m.n - 1);
                    for (int p = 0; p < npulses && lv < 3; p++) {
                        const double w =
                            p == 0 ? d_t_top : (p == m.n - 2 ? d_t_lp : d_t_mp);
                        const double base = static_cast<double>(m.off + p);
                        if (t >= base + d_lead && t < base + (d_lead + w))
                            lv = 3;
                    }
                } else { // castle
                    const double base = static_cast<double>(m.off);
                    if ((t >= base + d_lead && t < base + (d_lead + d_t_top)) ||
                        t >= end_bit + (1.0 - d_tail - d_t_lp))
                        lv = 3;
                }
                level = std::max(level, lv);
            } else if (d_mode != strategy::single && t >= w_hi &&
                       t < end_bit + (1.0 - d_tail + d_t_cool)) {
                level = std::max(level, 1);
            }
        }
        const double mw[4] = {
            d_space, d_cooling, d_mode == strategy::castle ? d_middle : d_bias, d_write
        };
        beam1[k] = static_cast<float>(mw[level]);
        gate[k] = on ? static_cast<float>(d_assist) : 0.0f;
    }
}

void write_strategy::build_patterns()
{
    const size_t nkeys = static_cast<size_t>(d_key_mask) + 1;
    const size_t sps = static_cast<size_t>(d_sps);
    d_patterns.assign(nkeys * sps, 0.0f);
    d_gates.assign(nkeys * sps, 0.0f);
    for (size_t key = 0; key < nkeys; key++)
        render(static_cast<unsigned>(key), &d_patterns[key * sps], &d_gates[key * sps]);
}

void write_strategy::process(
    const uint8_t* levels, float* beam0, float* beam1, float* voltage, size_t n)
{
    const size_t sps = static_cast<size_t>(d_sps);
    const size_t nsamp = n * sps;
    const float* pat = d_patterns.data();
    const unsigned mask = d_key_mask;
    unsigned key = d_key;
    if (d_gated) {
        const float* gates = d_gates.data();
        for (size_t i = 0; i < n; i++) {
            key = ((key << 1) | (levels[i] & 1u)) & mask;
            std::memcpy(beam1 + i * sps, pat + key * sps, sps * sizeof(float));
            std::memcpy(beam0 + i * sps, gates + key * sps, sps * sizeof(float));
        }
    } else {
        std::fill(beam0, beam0 + nsamp, static_cast<float>(d_assist));
        for (size_t i = 0; i < n; i++) {
            key = ((key << 1) | (levels[i] & 1u)) & mask;
            std::memcpy(beam1 + i * sps, pat + key * sps, sps * sizeof(float));
        }
    }
    d_key = key;

    // Beam delay: beam 1 is the concatenation (delay line, new samples),
    // of which the first nsamp go out and the last d_beam_delay stay.
    const size_t nd = static_cast<size_t>(d_beam_delay);
    if (nd > 0 && nsamp > 0) {
        if (nsamp >= nd) {
            std::memcpy(d_scratch.data(), beam1 + nsamp - nd, nd * sizeof(float));
            std::memmove(beam1 + nd, beam1, (nsamp - nd) * sizeof(float));
            std::memcpy(beam1, d_delay.data(), nd * sizeof(float));
            d_delay.swap(d_scratch);
        } else {
            std::memcpy(d_scratch.data(), beam1, nsamp * sizeof(float));
            std::memcpy(beam1, d_delay.data(), nsamp * sizeof(float));
            std::memmove(
                d_delay.data(), d_delay.data() + nsamp, (nd - nsamp) * sizeof(float));
            std::memcpy(
                d_delay.data() + nd - nsamp, d_scratch.data(), nsamp * sizeof(float));
        }
    }
    if (voltage)
        std::fill(voltage, voltage + nsamp, static_cast<float>(d_voltage));
}

} // namespace ecdisc
