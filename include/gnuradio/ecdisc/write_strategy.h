/* -*- c++ -*- */
/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_ECDISC_WRITE_STRATEGY_H
#define INCLUDED_ECDISC_WRITE_STRATEGY_H

#include <gnuradio/ecdisc/api.h>
#include <gnuradio/sync_interpolator.h>

namespace gr {
namespace ecdisc {

/*!
 * \brief Write strategy: NRZI levels to laser power per beam (mW).
 * \ingroup ecdisc
 *
 * Input: NRZI levels (uint8, 1 = mark), one per channel bit. Outputs, at sps
 * samples per channel bit, float laser power in mW:
 *  - output 0, beam 0 (spot 1, the leading assist beam): assist_power_mw, CW;
 *  - output 1, beam 1 (spot 2, the recording beam): write_power_mw during a
 *    mark, shortened by lead_trim at its start and tail_trim at its end (both
 *    in channel bits; a single-pulse strategy), space_power_mw elsewhere.
 * Sample k of a bit lies (k + 0.5)/sps bits into it. Latency: exactly one
 * channel bit (sps samples; the first output bit is a space), because the
 * tail trim needs to see the bit after a mark.
 */
class ECDISC_API write_strategy : virtual public gr::sync_interpolator
{
public:
    typedef std::shared_ptr<write_strategy> sptr;

    /*!
     * \param sps samples per channel bit, 2..32
     * \param write_power_mw recording power during a mark, 0..100 mW
     * \param space_power_mw recording beam power in spaces, 0..write_power_mw
     * \param assist_power_mw assist beam power, 0..100 mW (0 = off)
     * \param lead_trim mark start delay in channel bits, 0..1
     * \param tail_trim mark end advance in channel bits, 0..1
     */
    static sptr make(int sps = 4,
                     double write_power_mw = 6.0,
                     double space_power_mw = 0.5,
                     double assist_power_mw = 3.0,
                     double lead_trim = 0.25,
                     double tail_trim = 0.75);

    virtual void
    set_powers(double write_power_mw, double space_power_mw, double assist_power_mw) = 0;
    virtual double write_power_mw() const = 0;
    virtual double space_power_mw() const = 0;
    virtual double assist_power_mw() const = 0;
};

} // namespace ecdisc
} // namespace gr

#endif /* INCLUDED_ECDISC_WRITE_STRATEGY_H */
