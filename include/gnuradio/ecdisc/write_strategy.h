/* -*- c++ -*- */
/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_ECDISC_WRITE_STRATEGY_H
#define INCLUDED_ECDISC_WRITE_STRATEGY_H

#include <gnuradio/ecdisc/api.h>
#include <gnuradio/sync_interpolator.h>
#include <string>

namespace gr {
namespace ecdisc {

/*!
 * \brief Write strategy: NRZI levels to laser power per beam (mW), single
 * pulse, multi-pulse (n-1) or castle, with an optionally gated assist beam,
 * the along-track delay of the recording beam and the electrode voltage.
 * \ingroup ecdisc
 *
 * Input: NRZI levels (uint8, 1 = mark), one per channel bit (T). Outputs, at
 * sps samples per channel bit:
 *  - output 0, beam 0 (spot 1, the leading assist beam), mW: assist_power_mw,
 *    CW (assist_mode "cw") or only over [W start - assist_lead, W end) of
 *    every written mark and 0 elsewhere ("gated");
 *  - output 1, beam 1 (spot 2, the recording beam), mW, by mode (times from
 *    the start of a mark of n T; its window W = [lead_trim, n - tail_trim)):
 *    - "single": write_power_mw over W, space_power_mw elsewhere;
 *    - "multi_pulse" (n-1 pulses, one for n = 2): pulse k at
 *      [lead_trim + k, lead_trim + k + width) at write power, width t_top
 *      for the first, t_lp for the last, t_mp between; bias_power_mw in W
 *      between the pulses; cooling_power_mw over
 *      [n - tail_trim, n - tail_trim + t_cool); space_power_mw elsewhere;
 *    - "castle": write power over [lead_trim, lead_trim + t_top) and over
 *      the last t_lp of W, middle_power_mw over the rest of W, then cooling
 *      and space as in multi_pulse;
 *  - output 2 (optional), V: record_voltage_v on every sample, the electrode
 *    programme of the recorded layer (for a bench DAC).
 * Sample k of a bit lies (k + 0.5)/sps bits into it; a sample is at a level
 * when that time lies in the level's half-open interval.
 *
 * Latency: D channel bits (D = 1 in mode "single", 2 otherwise: the last
 * pulse needs to see where the mark ends); the first D output bits are a
 * space. Output 1 is further delayed by beam_delay_samples, during which it
 * holds space power: the recording spot trails the assist spot by
 *     beam_delay_samples = round(spacing_m / velocity_m_s * sample_rate),
 *     sample_rate = channel_bit_rate * sps
 * (10 um at 4.92 m/s, 66 Mbit/s, sps 4: 537 samples).
 *
 * With the first six arguments only, the block is the single-pulse strategy
 * with a CW assist beam and no beam delay, as before.
 *
 * Per-layer power table (power_table_file, see lib/power_table.h and
 * media/power_table_default.yml): each entry holds one layer's write, space
 * and assist powers, its recording electrode voltage and optionally the
 * bias/cooling/middle levels. Selecting a layer sets all of them at once:
 *  - at construction (layer >= 0);
 *  - synchronised with the data: a "layer" tag (integer) on an input bit
 *    switches from that bit on (the beam delay carries the bits before it at
 *    their old powers);
 *  - by a message on port "layer" (an integer, or a dict {layer: K}),
 *    applied from the first bit of the next call to work.
 * Every switch puts a "layer" tag (long) on each output at the first sample
 * of the switched bit. A layer missing from the table, or a message without
 * a layer, is logged as an error and changes nothing.
 */
class ECDISC_API write_strategy : virtual public gr::sync_interpolator
{
public:
    typedef std::shared_ptr<write_strategy> sptr;

    /*!
     * \param sps samples per channel bit, 2..32
     * \param write_power_mw recording power during a mark (pulse), 0..100 mW
     * \param space_power_mw recording beam power in spaces, 0..write_power_mw
     * \param assist_power_mw assist beam power, 0..100 mW (0 = off)
     * \param lead_trim mark start delay in channel bits, 0..1
     * \param tail_trim mark end advance in channel bits, 0..1
     * \param mode "single", "multi_pulse" or "castle"
     * \param t_top first pulse width, 0..2 T (multi_pulse: <= 1 T)
     * \param t_mp middle pulse width (multi_pulse), 0..1 T
     * \param t_lp last pulse width, 0..2 T
     * \param t_cool cooling gap after the mark, 0..2 T
     *        (the pulses fit every mark of 2..9 T: lead_trim + t_top <=
     *        2 - tail_trim and lead_trim + tail_trim + t_lp <= 2)
     * \param bias_power_mw power between pulses (multi_pulse),
     *        cooling_power_mw..write_power_mw
     * \param cooling_power_mw power of the cooling gap, 0..bias_power_mw
     *        (multi_pulse) or 0..middle_power_mw (castle)
     * \param middle_power_mw castle plateau, cooling_power_mw..write_power_mw
     * \param assist_mode "cw" or "gated"
     * \param assist_lead gated assist beam on this long before W, 0..1 T
     * \param beam_delay_samples delay of output 1 after output 0, 0..1048576
     * \param record_voltage_v electrode voltage on output 2, -10..10 V
     * \param power_table_file per-layer power table (YAML); "" = none (the
     *        powers above stay until set_powers or set_layer is called)
     * \param layer the table's layer to start with; -1 = the powers above
     */
    static sptr make(int sps = 4,
                     double write_power_mw = 6.0,
                     double space_power_mw = 0.5,
                     double assist_power_mw = 3.0,
                     double lead_trim = 0.25,
                     double tail_trim = 0.75,
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
                     double record_voltage_v = 0.0,
                     const std::string& power_table_file = "",
                     int layer = -1);

    virtual void
    set_powers(double write_power_mw, double space_power_mw, double assist_power_mw) = 0;
    virtual double write_power_mw() const = 0;
    virtual double space_power_mw() const = 0;
    virtual double assist_power_mw() const = 0;

    //! bias, cooling and middle powers (mW), checked like make()
    virtual void set_strategy_powers(double bias_power_mw,
                                     double cooling_power_mw,
                                     double middle_power_mw) = 0;
    virtual double bias_power_mw() const = 0;
    virtual double cooling_power_mw() const = 0;
    virtual double middle_power_mw() const = 0;
    //! voltage on output 2, -10..10 V
    virtual void set_record_voltage_v(double record_voltage_v) = 0;
    virtual double record_voltage_v() const = 0;
    /*! Applies the power table entry of a layer from the next bit on
     *  (std::invalid_argument when there is no table or the layer is not in
     *  it; nothing changes then). */
    virtual void set_layer(int layer) = 0;
    //! the layer whose table entry is applied, -1 when none is
    virtual int layer() const = 0;
    virtual std::string mode() const = 0;
    //! latency of the data in samples before the beam delay (D channel bits)
    virtual int latency_samples() const = 0;
    virtual int beam_delay_samples() const = 0;
};

} // namespace ecdisc
} // namespace gr

#endif /* INCLUDED_ECDISC_WRITE_STRATEGY_H */
