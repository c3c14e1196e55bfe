/* -*- c++ -*- */
/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_ECDISC_ADC_TO_PHOTOCURRENT_H
#define INCLUDED_ECDISC_ADC_TO_PHOTOCURRENT_H

#include <gnuradio/ecdisc/api.h>
#include <gnuradio/sync_block.h>
#include <cstdint>
#include <string>

namespace gr {
namespace ecdisc {

/*!
 * \brief ADC reading to detector photocurrent through a bench calibration.
 * \ingroup ecdisc
 *
 * Input: the ADC reading of one RX channel (float, ADC units: the I
 * component of the device's complex stream, full scale +-adc_full_scale).
 * Output: the detector photocurrent (float) in the medium simulator's units
 * (1.0 = the photocurrent of 1 mW reflected onto the detector), what
 * rf_frontend expects: p(gain * (adc - offset)), p the channel's polynomial
 * (default p(u) = u).
 *
 * A reading with |adc| >= adc_full_scale (or NaN) counts as saturated. The
 * first saturation is logged once as a warning; the first sample of every
 * saturated run gets a "saturated" tag (pmt true). Message output "stats": a
 * dict {samples, saturated} (uint64) after every stats_interval samples
 * (0 = never). Stream tags pass through (rx_time etc.).
 */
class ECDISC_API adc_to_photocurrent : virtual public gr::sync_block
{
public:
    typedef std::shared_ptr<adc_to_photocurrent> sptr;

    /*!
     * \param calibration_file bench calibration YAML with adc_channels (a bare
     *        name is also looked up among the installed media, e.g.
     *        "bench_calibration_example.yml")
     * \param channel channel name, or an RX channel index as a decimal
     *        string ("1")
     * \param stats_interval samples between "stats" messages, >= 0 (0 = never)
     */
    static sptr make(const std::string& calibration_file = "bench_calibration_example.yml",
                     const std::string& channel = "record_det",
                     int stats_interval = 0);

    virtual uint64_t samples() const = 0;
    virtual uint64_t saturated() const = 0;
    //! the selected channel's name, RX channel and beam
    virtual std::string channel_name() const = 0;
    virtual int rx_channel() const = 0;
    virtual int beam() const = 0;
    virtual double gain() const = 0;
    virtual double offset() const = 0;
    //! the map for one value (double precision): ADC -> photocurrent
    virtual double photocurrent(double adc) const = 0;
    //! the DAC-side calibration file the bench file names (resolved; "" = none)
    virtual std::string dac_calibration() const = 0;
};

} // namespace ecdisc
} // namespace gr

#endif /* INCLUDED_ECDISC_ADC_TO_PHOTOCURRENT_H */
