/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_ECDISC_POWER_TO_DAC_IMPL_H
#define INCLUDED_ECDISC_POWER_TO_DAC_IMPL_H

#include "calibration.h"
#include <gnuradio/ecdisc/power_to_dac.h>
#include <mutex>

namespace gr {
namespace ecdisc {

class power_to_dac_impl : public power_to_dac
{
public:
    power_to_dac_impl(const std::string& calibration_file,
                      const std::string& channel,
                      int stats_interval,
                      const std::string& medium_file);

    int work(int noutput_items,
             gr_vector_const_void_star& input_items,
             gr_vector_void_star& output_items) override;

    uint64_t samples() const override;
    uint64_t clipped_low() const override;
    uint64_t clipped_high() const override;
    std::string channel_name() const override;
    int beam() const override;
    double lsb() const override;
    double dac_value(double power_mw) const override;
    double power_mw(double dac_value) const override;

private:
    void publish_stats();

    mutable std::mutex d_mutex;
    ::ecdisc::power_to_dac_map d_kernel;
    uint64_t d_stats_interval;
    bool d_warned = false;
    std::vector<size_t> d_clip_starts;
};

} // namespace ecdisc
} // namespace gr

#endif
