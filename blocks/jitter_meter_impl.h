/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_ECDISC_JITTER_METER_IMPL_H
#define INCLUDED_ECDISC_JITTER_METER_IMPL_H

#include "quality.h"
#include <gnuradio/ecdisc/jitter_meter.h>
#include <mutex>

namespace gr {
namespace ecdisc {

class jitter_meter_impl : public jitter_meter
{
public:
    jitter_meter_impl(
        double sps, int settle_edges, int fit_edges, int stats_every, bool dc_threshold);

    int work(int noutput_items,
             gr_vector_const_void_star& input_items,
             gr_vector_void_star& output_items) override;

    double jitter_pct() const override;
    uint64_t edges() const override;
    uint64_t edges_seen() const override;
    uint64_t clock_losses() const override;
    double mean_offset_pct() const override;
    double asymmetry_pct() const override;
    double period() const override;
    double threshold() const override;
    void reset_stats() override;

private:
    void publish_stats(); // d_mutex held

    mutable std::mutex d_mutex;
    ::ecdisc::jitter_meter d_kernel;
    uint64_t d_stats_every;
};

} // namespace ecdisc
} // namespace gr

#endif
