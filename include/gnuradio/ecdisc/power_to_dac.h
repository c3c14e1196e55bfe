/* -*- c++ -*- */
/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_ECDISC_POWER_TO_DAC_H
#define INCLUDED_ECDISC_POWER_TO_DAC_H

#include <gnuradio/ecdisc/api.h>
#include <gnuradio/sync_block.h>
#include <cstdint>
#include <string>

namespace gr {
namespace ecdisc {

/*!
 * \brief Laser power (mW) to DAC units through a bench calibration curve.
 * \ingroup ecdisc
 *
 * Input: laser power of one beam in mW (float), the stream that drives the
 * medium simulator. Output: the DAC value (float, DAC units) for the laser
 * driver of that beam on a bench: the calibration points of the channel,
 * interpolated piecewise-linearly, clipped to the first/last point outside
 * them, then quantised to dac_bits over [-dac_full_scale, dac_full_scale]
 * (nearest code, ties to even; none when dac_bits is 0).
 *
 * A sample below the first point (or NaN) counts as clipped low, one above
 * the last point as clipped high. The first clipping is logged once as a
 * warning; the first sample of every clipped run gets a "clipped" tag
 * (pmt true). Message output "stats": a dict {samples, clipped_low,
 * clipped_high} (uint64) after every stats_interval samples (0 = never).
 *
 * The calibration's beams are checked against the laser array of the medium
 * whose power streams the block receives (see check_calibration_geometry in
 * lib/calibration.h): the channel's beam must exist there, and a laser_array
 * in the calibration must match the medium's geometry.
 */
class ECDISC_API power_to_dac : virtual public gr::sync_block
{
public:
    typedef std::shared_ptr<power_to_dac> sptr;

    /*!
     * \param calibration_file calibration YAML (a bare name is also looked up
     *        among the installed media, e.g. "calibration_example.yml")
     * \param channel channel name, or a beam index as a decimal string ("1")
     * \param stats_interval samples between "stats" messages, >= 0 (0 = never)
     * \param medium_file medium whose laser array the power streams belong to
     *        ("" = the built-in default medium)
     */
    static sptr make(const std::string& calibration_file = "calibration_example.yml",
                     const std::string& channel = "record",
                     int stats_interval = 0,
                     const std::string& medium_file = "");

    virtual uint64_t samples() const = 0;
    virtual uint64_t clipped_low() const = 0;
    virtual uint64_t clipped_high() const = 0;
    //! the selected channel's name and beam
    virtual std::string channel_name() const = 0;
    virtual int beam() const = 0;
    //! size of one DAC code in DAC units (0 without quantisation)
    virtual double lsb() const = 0;
    //! the map for one value (double precision): mW -> DAC, quantised
    virtual double dac_value(double power_mw) const = 0;
    //! the inverse, for readback: DAC -> the lowest power giving it (mW)
    virtual double power_mw(double dac_value) const = 0;
};

} // namespace ecdisc
} // namespace gr

#endif /* INCLUDED_ECDISC_POWER_TO_DAC_H */
