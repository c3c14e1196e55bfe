/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_ECDISC_TIMING_RECOVERY_IMPL_H
#define INCLUDED_ECDISC_TIMING_RECOVERY_IMPL_H

#include "timing_recovery.h"
#include <gnuradio/ecdisc/timing_recovery.h>
#include <mutex>
#include <vector>

namespace gr {
namespace ecdisc {

class timing_recovery_impl : public timing_recovery
{
public:
    timing_recovery_impl(double sps,
                         double loop_bw,
                         double damping,
                         double max_deviation,
                         int phase_interval);

    void forecast(int noutput_items, gr_vector_int& ninput_items_required) override;
    int general_work(int noutput_items,
                     gr_vector_int& ninput_items,
                     gr_vector_const_void_star& input_items,
                     gr_vector_void_star& output_items) override;

    bool locked() const override;
    double samples_per_bit_estimate() const override;
    uint64_t bits_out() const override;
    double lock_metric() const override;
    double loop_bw() const override;
    void set_loop_bw(double loop_bw) override;

private:
    mutable std::mutex d_mutex;
    ::ecdisc::timing_recovery d_kernel;
    bool d_start_tagged = false;     // "timing_lock" false on item 0 added
    std::vector<double> d_positions; // centres of this call's output bits
    std::vector<gr::tag_t> d_held;   // input tags whose bit is not out yet
    std::vector<gr::tag_t> d_tags;
};

} // namespace ecdisc
} // namespace gr

#endif
