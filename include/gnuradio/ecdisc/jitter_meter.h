/* -*- c++ -*- */
/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_ECDISC_JITTER_METER_H
#define INCLUDED_ECDISC_JITTER_METER_H

#include <gnuradio/ecdisc/api.h>
#include <gnuradio/sync_block.h>
#include <cstdint>

namespace gr {
namespace ecdisc {

/*!
 * \brief Read-channel jitter: sigma of the edge timing about a fitted clock,
 * in percent of the channel bit period T.
 * \ingroup ecdisc
 *
 * Input: the RF (equalised or from the front end, float) at sps samples per
 * channel bit. No outputs: read the results with the getters.
 *
 * Slicer at the mid-level between a peak and a valley envelope (instant
 * attack, release time constant 1000 bits), hysteresis 5 % of the
 * peak-to-peak swing; each edge is the last crossing of that level, located
 * by linear interpolation between two samples (its error adds a floor of
 * ~1.6 % T rms at sps = 2, 0.2 % at 4, 0.05 % at 8 for edges about T wide:
 * use sps >= 4). The clock is an
 * exponentially weighted least-squares line through (bit boundary index,
 * edge time) with a memory of fit_edges edges (~3 fit_edges channel bits
 * with RLL(1,7) data): a constant frequency offset and variations slower
 * than that memory are followed by the clock and are not jitter. Each edge's
 * deviation e from its nearest fitted boundary is taken before the edge
 * enters the fit. After the first settle_edges edges:
 * jitter_pct() = 100 sigma(e) / T, mean_offset_pct() = 100 mean(e) / T,
 * asymmetry_pct() = 100 (mean e of rising - of falling edges) / T. NaN
 * before any edge was measured.
 *
 * Message port "stats" (out): every stats_every measured edges (0 = never)
 * a dict {jitter_pct, edges, mean_offset_pct, asymmetry_pct, period}.
 */
class ECDISC_API jitter_meter : virtual public gr::sync_block
{
public:
    typedef std::shared_ptr<jitter_meter> sptr;

    /*!
     * \param sps samples per channel bit, 2..16 (need not be an integer)
     * \param settle_edges edges not measured at the start, 0..10^9
     * \param fit_edges memory of the clock fit in edges, 16..10^6
     * \param stats_every a "stats" message every this many measured edges, >= 0 (0 = none)
     * \param dc_threshold slice at the level that makes the sliced signal
     *        DC-free (binary-DC feedback: right for a DC-free code whose marks
     *        and spaces reach unequal peaks) instead of the mid-level of the
     *        peak and valley envelopes
     */
    static sptr make(double sps,
                     int settle_edges = 1000,
                     int fit_edges = 500,
                     int stats_every = 0,
                     bool dc_threshold = false);

    //! 100 sigma(edge deviation) / T over the measured edges (NaN before any)
    virtual double jitter_pct() const = 0;
    //! edges measured (after the settling edges)
    virtual uint64_t edges() const = 0;
    //! edges detected in all, the settling ones included
    virtual uint64_t edges_seen() const = 0;
    //! 100 mean(edge deviation) / T
    virtual double mean_offset_pct() const = 0;
    //! 100 (mean deviation of rising edges - of falling edges) / T
    virtual double asymmetry_pct() const = 0;
    //! fitted clock period in samples
    virtual double period() const = 0;
    //! current slicer threshold
    virtual double threshold() const = 0;
    /*! times the clock fit was found off the edges (deviations spread over
     *  the bit) and re-acquired; those edges are not in the figures */
    virtual uint64_t clock_losses() const = 0;
    //! restart the statistics (no new settling; slicer and clock kept)
    virtual void reset_stats() = 0;
};

} // namespace ecdisc
} // namespace gr

#endif /* INCLUDED_ECDISC_JITTER_METER_H */
