/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef ECDISC_KERNEL_SLICER_CDR_H
#define ECDISC_KERNEL_SLICER_CDR_H

#include <cstddef>
#include <cstdint>

namespace ecdisc {

/*! Slicer with zero-crossing clock recovery.
 *
 *  Crossings of (x - threshold) are located by linear interpolation between
 *  two samples. The ideal crossing lies half a bit period T before the next
 *  bit centre; the error e (samples) between a crossing and the nearest ideal
 *  boundary drives a second-order (proportional-integral) loop:
 *    next_centre += alpha * e,   T += beta * e
 *  with the usual critically damped gains for a normalised loop bandwidth
 *  loop_bw (zeta = 1/sqrt(2)): alpha = 4 zeta bw / d, beta = 4 bw^2 / d,
 *  d = 1 + 2 zeta bw + bw^2. T is clamped to +-10% of the nominal sps.
 *  At each bit centre the RF is interpolated linearly and the bit is 1 when
 *  it is above threshold. Stateful across calls; the first centre is put at
 *  sample T/2 (the loop pulls it onto the data within a few crossings). */
class slicer_cdr
{
public:
    slicer_cdr(double sps, double loop_bw, double threshold);

    /*! Consumes input and emits decisions until the input is exhausted or
     *  the output is full (max_out >= 1 always makes progress: a decision
     *  that finds no room is kept and delivered first by the next call).
     *  Returns the number of bits written; *consumed: samples used. */
    size_t
    process(const float* in, size_t n_in, uint8_t* out, size_t max_out, size_t* consumed);

    double period() const { return d_period; }
    double nominal_sps() const { return d_sps; }
    uint64_t bits() const { return d_bits; }
    uint64_t crossings() const { return d_crossings; }
    double threshold() const { return d_threshold; }
    void set_threshold(double threshold);
    double alpha() const { return d_alpha; }
    double beta() const { return d_beta; }

private:
    double d_sps, d_alpha, d_beta;
    double d_threshold;
    double d_period;
    double d_tmin, d_tmax;
    double d_next;       // next bit centre, in samples after the previous sample
    float d_prev = 0.0f; // previous sample
    bool d_have_prev = false;
    uint64_t d_bits = 0, d_crossings = 0;
    uint8_t d_pending[4]; // decisions made but not yet delivered
    size_t d_npending = 0;
};

} // namespace ecdisc

#endif
