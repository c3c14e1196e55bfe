/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef ECDISC_KERNEL_WRITE_STRATEGY_H
#define ECDISC_KERNEL_WRITE_STRATEGY_H

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ecdisc {

/*! Single-pulse write strategy: NRZI levels (1 = mark) to laser power per beam.
 *
 *  Timing: sample k (0..sps-1) of a channel bit lies at (k + 0.5) / sps bits
 *  after the bit's start. The recording beam (beam 1) is at write power for
 *  the samples whose time lies in [mark_start + lead_trim, mark_end - tail_trim),
 *  at space power elsewhere; the assist beam (beam 0) is CW at assist power.
 *
 *  Latency: exactly one channel bit (sps samples). The tail trim needs to know
 *  whether the next bit ends the mark, so the samples of input bit n are
 *  emitted when bit n + 1 arrives: output bit m (samples m*sps .. m*sps+sps-1)
 *  describes input bit m - 1, and output bit 0 describes a space (the level
 *  before the stream). A mark of input bits [a, a+L) thus drives write power
 *  over output times [a + 1 + lead_trim, a + 1 + L - tail_trim) bits.
 *  Stateful across calls: a stream may be processed in pieces of any size. */
class write_strategy
{
public:
    write_strategy(int sps,
                   double write_power_mw,
                   double space_power_mw,
                   double assist_power_mw,
                   double lead_trim,
                   double tail_trim);

    //! n input bits -> n*sps samples on each beam (beam0, beam1 must hold n*sps)
    void process(const uint8_t* levels, float* beam0, float* beam1, size_t n);

    //! throws std::invalid_argument naming the bad parameter; nothing changes then
    void set_powers(double write_power_mw, double space_power_mw, double assist_power_mw);

    int sps() const { return d_sps; }
    double write_power_mw() const { return d_write; }
    double space_power_mw() const { return d_space; }
    double assist_power_mw() const { return d_assist; }
    double lead_trim() const { return d_lead; }
    double tail_trim() const { return d_tail; }
    //! output latency in samples (one channel bit)
    int latency_samples() const { return d_sps; }

private:
    void build_patterns();

    int d_sps;
    double d_write, d_space, d_assist, d_lead, d_tail;
    // beam 1 samples for one bit, indexed by (prev << 2) | (cur << 1) | next
    std::vector<float> d_patterns;
    uint8_t d_prev = 0; // level of the bit before the pending one
    uint8_t d_cur = 0;  // pending bit, emitted when its successor arrives
};

} // namespace ecdisc

#endif
