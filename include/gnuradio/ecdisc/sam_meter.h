/* -*- c++ -*- */
/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_ECDISC_SAM_METER_H
#define INCLUDED_ECDISC_SAM_METER_H

#include <gnuradio/ecdisc/api.h>
#include <gnuradio/sync_block.h>
#include <cstdint>
#include <vector>

namespace gr {
namespace ecdisc {

/*!
 * \brief Sequenced-amplitude margin (SAM) of a PRML read channel, an
 * i-MLSE-like figure of merit.
 * \ingroup ecdisc
 *
 * Input 0: equalised samples, one per channel bit (float). Input 1: the
 * detected NRZI levels (uint8 0/1, as prml_viterbi outputs them). No
 * outputs: read the results with the getters.
 *
 * Model as in prml_viterbi: s(x)[n] = scale sum_i h[i] a[n-i], a = 2x - 1.
 * Pairing: input 0 is delayed by `delay` samples before it is paired with
 * input 1, so with both fed from the detector's input and output,
 * delay = prml_viterbi.latency() aligns them (0 when the inputs are already
 * aligned). The first delay + skip pairs are not measured.
 *
 * Events: every detected edge moved one bit earlier or later where the
 * d = 1 constraint allows it (the shrinking run has >= 3 bits), i.e. a flip
 * of one level x[j] next to an edge. Margin of an event:
 * M = (||y - s(x')||^2 - ||y - s(x)||^2) / d^2 over the samples it touches,
 * d^2 = ||s(x') - s(x)||^2 = 4 scale^2 sum h^2: M = 1 without noise; with
 * AWGN sigma, mean 1 and sigma_M = 2 sigma / d. sam_db() ("SAM SNR") =
 * 20 log10(sam_mean / sam_sigma). NaN before any event; sam_db() is +inf
 * when sam_sigma is 0.
 *
 * Message port "stats" (out): every stats_every events (0 = never) a dict
 * {sam_mean, sam_sigma, sam_db, events, negatives}.
 */
class ECDISC_API sam_meter : virtual public gr::sync_block
{
public:
    typedef std::shared_ptr<sam_meter> sptr;

    /*!
     * \param target PR target h, 2..8 taps (default PR(1,2,2,1))
     * \param scale level scale, > 0 (as prml_viterbi's)
     * \param delay samples input 0 is delayed by before pairing, 0..1000000
     * \param skip pairs not measured at the start (after the delay ones), >= 0
     * \param stats_every a "stats" message every this many events, >= 0 (0 = none)
     */
    static sptr make(const std::vector<double>& target = std::vector<double>{ 1, 2, 2, 1 },
                     double scale = 1.0,
                     int delay = 0,
                     int skip = 0,
                     int stats_every = 0);

    //! mean margin (1 without noise)
    virtual double sam_mean() const = 0;
    //! standard deviation of the margins
    virtual double sam_sigma() const = 0;
    //! 20 log10(sam_mean / sam_sigma), "SAM SNR" in dB
    virtual double sam_db() const = 0;
    //! events measured
    virtual uint64_t events() const = 0;
    //! events with a negative margin
    virtual uint64_t negatives() const = 0;
    //! squared distance of an event, 4 scale^2 sum h^2
    virtual double d2() const = 0;
    //! restart the statistics
    virtual void reset_stats() = 0;
};

} // namespace ecdisc
} // namespace gr

#endif /* INCLUDED_ECDISC_SAM_METER_H */
