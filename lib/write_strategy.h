/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef ECDISC_KERNEL_WRITE_STRATEGY_H
#define ECDISC_KERNEL_WRITE_STRATEGY_H

#include <cstddef>
#include "power_table.h"
#include <cstdint>
#include <string>
#include <vector>

namespace ecdisc {

/*! Write strategy: NRZI levels (1 = mark) to laser power per beam.
 *
 *  Timing: sample k (0..sps-1) of a channel bit lies at (k + 0.5) / sps bits
 *  after the bit's start; a sample is at a level when its time lies in the
 *  level's half-open interval [lo, hi). All times below are relative to the
 *  start of a mark of n channel bits (T); the mark's "window" is
 *  W = [lead_trim, n - tail_trim). A mark whose window is empty is not written.
 *
 *  Recording beam (beam 1), by mode:
 *   - "single" (the default): write power over W, space power elsewhere
 *     (the strategy widths and the bias, cooling and middle powers are unused).
 *   - "multi_pulse" (the n-1 strategy): n-1 pulses at write power (one for
 *     n <= 2), pulse k starting at lead_trim + k (a 1 T pitch) with width
 *     t_top (k = 0), t_lp (the last, k = n-2 >= 1) or t_mp (the others);
 *     bias power in W between the pulses; then cooling power over
 *     [n - tail_trim, n - tail_trim + t_cool); space power elsewhere.
 *   - "castle": write power over [lead_trim, lead_trim + t_top) and over the
 *     last t_lp of W, [n - tail_trim - t_lp, n - tail_trim); middle power over
 *     the rest of W; then cooling and space as in multi_pulse.
 *  Where intervals of neighbouring marks overlap, write beats bias/middle
 *  beats cooling beats space. Pulses are clipped to W (for n = 2..9 the
 *  validation guarantees that they fit; longer marks continue the rule).
 *
 *  Assist beam (beam 0): "cw": assist power throughout; "gated": assist power
 *  over [lead_trim - assist_lead, n - tail_trim) of every written mark, 0
 *  elsewhere, on the timeline of beam 1 before the beam delay below.
 *
 *  Beam delay: the recording spot trails the assist spot along the track, so
 *  beam 1 is delayed by beam_delay_samples relative to beam 0 (it holds space
 *  power for the first beam_delay_samples samples):
 *      beam_delay_samples = round(spacing_m / velocity_m_s * sample_rate),
 *      sample_rate = channel_bit_rate * sps,
 *  e.g. 10 um at 4.92 m/s (BD 1x, 66 Mbit/s) and sps 4: 537 samples.
 *
 *  Voltage (optional third output): record_voltage_v on every sample, the
 *  electrode programme of the recorded layer.
 *
 *  Latency (before the beam delay): D channel bits, D = 1 in mode "single",
 *  2 otherwise (the last pulse needs to know where the mark ends): output bit
 *  m (samples m*sps .. m*sps+sps-1) describes input bit m - D, and the first
 *  D output bits describe spaces (the level before the stream). A mark of
 *  input bits [a, a+L) in mode "single" thus drives write power over output
 *  times [a + 1 + lead_trim, a + 1 + L - tail_trim) bits.
 *  Stateful across calls: a stream may be processed in pieces of any size. */
class write_strategy
{
public:
    enum class strategy { single, multi_pulse, castle };

    /*! Parameters are checked (std::invalid_argument naming the parameter,
     *  its value and the allowed range):
     *   sps 2..32; powers 0..100 mW with space <= write and, when the mode
     *   uses them, cooling <= bias <= write (multi_pulse) or
     *   cooling <= middle <= write (castle); lead_trim, tail_trim 0..1 T;
     *   t_top, t_mp, t_lp, t_cool 0..2 T with the pulses fitting every mark
     *   of 2..9 T: multi_pulse needs lead_trim + t_top <= 2 - tail_trim,
     *   t_top <= 1, t_mp <= 1, lead_trim + tail_trim + t_lp <= 2; castle
     *   needs lead_trim + t_top <= 2 - tail_trim and
     *   lead_trim + tail_trim + t_lp <= 2; assist_lead 0..1 T;
     *   beam_delay_samples 0..1048576; record_voltage_v -10..10 V. */
    write_strategy(int sps,
                   double write_power_mw,
                   double space_power_mw,
                   double assist_power_mw,
                   double lead_trim,
                   double tail_trim,
                   const std::string& mode = "single",
                   double t_top = 0.5,
                   double t_mp = 0.5,
                   double t_lp = 0.5,
                   double t_cool = 0.5,
                   double bias_power_mw = 1.0,
                   double cooling_power_mw = 0.5,
                   double middle_power_mw = 4.0,
                   const std::string& assist_mode = "cw",
                   double assist_lead = 0.5,
                   int beam_delay_samples = 0,
                   double record_voltage_v = 0.0);

    //! n input bits -> n*sps samples on each beam (beam0, beam1 must hold n*sps)
    void process(const uint8_t* levels, float* beam0, float* beam1, size_t n)
    {
        process(levels, beam0, beam1, nullptr, n);
    }
    //! the same, and the electrode voltage (n*sps samples) unless voltage is null
    void
    process(const uint8_t* levels, float* beam0, float* beam1, float* voltage, size_t n);

    //! throws std::invalid_argument naming the bad parameter; nothing changes then
    void set_powers(double write_power_mw, double space_power_mw, double assist_power_mw);
    //! bias, cooling and middle powers; validated like the constructor
    void set_strategy_powers(double bias_power_mw,
                             double cooling_power_mw,
                             double middle_power_mw);
    //! -10..10 V
    void set_record_voltage_v(double record_voltage_v);
    /*! Every level of one layer's power table entry at once (the strategy
     *  powers only when the entry has them), validated like the constructor
     *  before anything changes. */
    void apply(const layer_power& p);

    int sps() const { return d_sps; }
    double write_power_mw() const { return d_write; }
    double space_power_mw() const { return d_space; }
    double assist_power_mw() const { return d_assist; }
    double lead_trim() const { return d_lead; }
    double tail_trim() const { return d_tail; }
    const std::string& mode() const { return d_mode_name; }
    double t_top() const { return d_t_top; }
    double t_mp() const { return d_t_mp; }
    double t_lp() const { return d_t_lp; }
    double t_cool() const { return d_t_cool; }
    double bias_power_mw() const { return d_bias; }
    double cooling_power_mw() const { return d_cooling; }
    double middle_power_mw() const { return d_middle; }
    const std::string& assist_mode() const { return d_assist_mode_name; }
    double assist_lead() const { return d_assist_lead; }
    int beam_delay_samples() const { return d_beam_delay; }
    double record_voltage_v() const { return d_voltage; }
    //! latency of the data in samples before the beam delay (D channel bits)
    int latency_samples() const { return d_lookahead * d_sps; }

private:
    void validate_powers(double write,
                         double space,
                         double assist,
                         double bias,
                         double cooling,
                         double middle) const;
    void build_patterns();
    //! beam 1 and gate samples of the bit in the middle of a context window
    void render(unsigned key, float* beam1, float* gate) const;

    int d_sps;
    double d_write, d_space, d_assist, d_lead, d_tail;
    strategy d_mode;
    std::string d_mode_name;
    double d_t_top, d_t_mp, d_t_lp, d_t_cool;
    double d_bias, d_cooling, d_middle;
    bool d_gated;
    std::string d_assist_mode_name;
    double d_assist_lead;
    int d_beam_delay;
    double d_voltage;

    // The samples of input bit j depend on the bits j-HIST .. j+d_lookahead
    // only; patterns are indexed by that window, oldest bit most significant.
    static constexpr int HIST = 4;
    int d_lookahead;               // D: 1 (single) or 2
    unsigned d_key_mask;           // (1 << (HIST + 1 + D)) - 1
    unsigned d_key = 0;            // the window so far; spaces before the stream
    std::vector<float> d_patterns; // beam 1, one bit of sps samples per key
    std::vector<float> d_gates;    // beam 0 when gated
    std::vector<float> d_delay;    // the last beam_delay_samples of beam 1
    std::vector<float> d_scratch;
};

} // namespace ecdisc

#endif
