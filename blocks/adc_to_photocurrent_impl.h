/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_ECDISC_ADC_TO_PHOTOCURRENT_IMPL_H
#define INCLUDED_ECDISC_ADC_TO_PHOTOCURRENT_IMPL_H

#include "adc_calibration.h"
#include <gnuradio/ecdisc/adc_to_photocurrent.h>
#include <mutex>

namespace gr {
namespace ecdisc {

class adc_to_photocurrent_impl : public adc_to_photocurrent
{
public:
    adc_to_photocurrent_impl(const ::ecdisc::adc_calibration_config& cal,
                             const std::string& channel,
                             int stats_interval);

    int work(int noutput_items,
             gr_vector_const_void_star& input_items,
             gr_vector_void_star& output_items) override;

    uint64_t samples() const override;
    uint64_t saturated() const override;
    std::string channel_name() const override;
    int rx_channel() const override;
    int beam() const override;
    double gain() const override;
    double offset() const override;
    double photocurrent(double adc) const override;
    std::string dac_calibration() const override;

private:
    void publish_stats();

    mutable std::mutex d_mutex;
    ::ecdisc::adc_to_photocurrent_map d_kernel;
    std::string d_dac_calibration;
    uint64_t d_stats_interval;
    bool d_warned = false;
    std::vector<size_t> d_starts;
};

} // namespace ecdisc
} // namespace gr

#endif
