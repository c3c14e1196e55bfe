/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_ECDISC_SAM_METER_IMPL_H
#define INCLUDED_ECDISC_SAM_METER_IMPL_H

#include "quality.h"
#include <gnuradio/ecdisc/sam_meter.h>
#include <mutex>

namespace gr {
namespace ecdisc {

class sam_meter_impl : public sam_meter
{
public:
    sam_meter_impl(
        const std::vector<double>& target, double scale, int delay, int skip, int stats_every);

    int work(int noutput_items,
             gr_vector_const_void_star& input_items,
             gr_vector_void_star& output_items) override;

    double sam_mean() const override;
    double sam_sigma() const override;
    double sam_db() const override;
    uint64_t events() const override;
    uint64_t negatives() const override;
    double d2() const override;
    void reset_stats() override;

private:
    void publish_stats(); // d_mutex held

    mutable std::mutex d_mutex;
    ::ecdisc::sam_meter d_kernel;
    uint64_t d_stats_every;
};

} // namespace ecdisc
} // namespace gr

#endif
