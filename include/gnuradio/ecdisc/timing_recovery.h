/* -*- c++ -*- */
/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_ECDISC_TIMING_RECOVERY_H
#define INCLUDED_ECDISC_TIMING_RECOVERY_H

#include <gnuradio/block.h>
#include <gnuradio/ecdisc/api.h>
#include <cstdint>

namespace gr {
namespace ecdisc {

/*!
 * \brief Interpolating timing recovery: oversampled read RF in, one soft
 * sample per channel bit out (for pr_equalizer / prml_viterbi).
 * \ingroup ecdisc
 *
 * Input: RF (float, DC-free, e.g. after rf_frontend) at about sps samples
 * per channel bit (2..8, not necessarily an integer; the true rate may be
 * off by up to max_deviation and drift). Output: the RF interpolated (cubic
 * Lagrange, Farrow form) at each recovered bit centre (float).
 *
 * Timing error detector: amplitude-normalised Gardner at NRZI edges,
 * e = m / (y_k - y_{k-1}) (in bits, clipped to +-1/2) where y_k is the bit
 * centre sample, m the mid-bit sample before it, and y changes sign between
 * y_{k-1} and y_k. Loop: second-order PI with noise bandwidth loop_bw per
 * channel bit and damping factor damping (gains scaled for the RLL(1,7)
 * edge density 0.3), loop delay 2 bits; the period is clamped to
 * sps (1 +- max_deviation). While unlocked the loop runs at 4 loop_bw (at
 * most 0.1) to acquire.
 * Lock detector: the fraction of edges with |e| < 1/4, smoothed over about
 * 64 edges; locked above 0.75, unlocked below 0.60 (about 1 when locked on
 * a clean signal, 0.5 while slipping, 0.4-0.5 on noise alone).
 *
 * Tags on the output:
 *  - "timing_lock" (bool): the lock state, on output item 0 (false) and on
 *    the output bit at which the state changed.
 *  - "timing_phase" (double) every phase_interval output bits (bits 0, N,
 *    2N, ...; 0: none): the absolute input-stream position of that bit's
 *    centre, in input samples (item index of the input + fraction). With the
 *    output item offset it maps bits to input samples: e.g. to find which
 *    written bit an output item is (to align known training levels for
 *    pr_equalizer, or a reference for BER), or to measure jitter against
 *    the written positions; the difference of two consecutive tags divided
 *    by phase_interval is the mean period over them.
 *  - "timing_period" (double), on the same items: the period estimate then,
 *    in input samples per bit (velocity relative to nominal: sps / period).
 * Input tags are moved to the first output bit whose centre lies at or after
 * the tagged input item (those after the last bit centre of the stream are
 * dropped).
 */
class ECDISC_API timing_recovery : virtual public gr::block
{
public:
    typedef std::shared_ptr<timing_recovery> sptr;

    /*!
     * \param sps nominal input samples per channel bit, 2..8
     * \param loop_bw loop noise bandwidth per channel bit, (0, 0.05]
     * \param damping loop damping factor, 0.25..4
     * \param max_deviation period clamp, fraction of sps, (0, 0.1]
     * \param phase_interval output bits between timing_phase tags, 0..2^30
     *        (0: no timing_phase / timing_period tags)
     */
    static sptr make(double sps = 4.0,
                     double loop_bw = 0.01,
                     double damping = 0.7071067811865476,
                     double max_deviation = 0.02,
                     int phase_interval = 4096);

    //! true while the lock detector reports lock
    virtual bool locked() const = 0;
    //! current period estimate, input samples per channel bit
    virtual double samples_per_bit_estimate() const = 0;
    //! output bits emitted so far
    virtual uint64_t bits_out() const = 0;
    //! lock detector: smoothed fraction of edges with |timing error| < T/4
    virtual double lock_metric() const = 0;
    virtual double loop_bw() const = 0;
    virtual void set_loop_bw(double loop_bw) = 0;
};

} // namespace ecdisc
} // namespace gr

#endif /* INCLUDED_ECDISC_TIMING_RECOVERY_H */
