/* -*- c++ -*- */
/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_ECDISC_RF_FRONTEND_H
#define INCLUDED_ECDISC_RF_FRONTEND_H

#include <gnuradio/ecdisc/api.h>
#include <gnuradio/sync_block.h>

namespace gr {
namespace ecdisc {

/*!
 * \brief Detector front end: sum of detector channels, boost equaliser, DC
 * restore and AGC.
 * \ingroup ecdisc
 *
 * Inputs: n_channels detector streams (float, normalised photocurrent).
 * The sum goes through a fixed three-tap boost equaliser
 * y[n] = x[n-k] - (eq_boost/2)(x[n] + x[n-2k]), k = eq_spacing samples (one
 * channel bit), which lifts the short runs the optical spot blurs; it delays
 * the RF by k samples, and eq_boost = 0 bypasses it (no delay).
 * Output: RF (float) with its slowly varying mean removed (one-pole tracking
 * mean, dc_alpha per sample) and scaled to unit RMS (one-pole power estimate,
 * agc_alpha per sample). With invert, marks (darker) come out positive.
 */
class ECDISC_API rf_frontend : virtual public gr::sync_block
{
public:
    typedef std::shared_ptr<rf_frontend> sptr;

    /*!
     * \param n_channels detector channels summed, 1..16
     * \param dc_alpha DC tracking coefficient per sample, (0, 0.1]
     * \param agc_alpha AGC power tracking coefficient per sample, (0, 0.1]
     * \param invert negate the RF so that marks read positive
     * \param eq_boost boost of the equaliser, 0..2 (0 = off)
     * \param eq_spacing equaliser tap spacing in samples (samples per
     *        channel bit), 1..64
     */
    static sptr make(int n_channels = 1,
                     double dc_alpha = 1e-3,
                     double agc_alpha = 1e-3,
                     bool invert = true,
                     double eq_boost = 0.0,
                     int eq_spacing = 4);

    //! current gain applied after DC removal
    virtual double gain() const = 0;
    //! current DC estimate removed from the sum
    virtual double dc_level() const = 0;
};

} // namespace ecdisc
} // namespace gr

#endif /* INCLUDED_ECDISC_RF_FRONTEND_H */
