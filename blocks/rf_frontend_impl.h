/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_ECDISC_RF_FRONTEND_IMPL_H
#define INCLUDED_ECDISC_RF_FRONTEND_IMPL_H

#include "rf_frontend.h"
#include <gnuradio/ecdisc/rf_frontend.h>
#include <atomic>

namespace gr {
namespace ecdisc {

class rf_frontend_impl : public rf_frontend
{
public:
    rf_frontend_impl(int n_channels,
                     double dc_alpha,
                     double agc_alpha,
                     bool invert,
                     double eq_boost,
                     int eq_spacing);

    int work(int noutput_items,
             gr_vector_const_void_star& input_items,
             gr_vector_void_star& output_items) override;

    double gain() const override { return d_gain.load(); }
    double dc_level() const override { return d_dc.load(); }

private:
    ::ecdisc::rf_frontend d_kernel;
    std::atomic<double> d_gain{ 1.0 };
    std::atomic<double> d_dc{ 0.0 };
};

} // namespace ecdisc
} // namespace gr

#endif
