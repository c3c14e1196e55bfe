/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_ECDISC_BER_COUNTER_IMPL_H
#define INCLUDED_ECDISC_BER_COUNTER_IMPL_H

#include "ber_counter.h"
#include <gnuradio/ecdisc/ber_counter.h>
#include <mutex>

namespace gr {
namespace ecdisc {

class ber_counter_impl : public ber_counter
{
public:
    ber_counter_impl(int max_lag, int align_bits);

    void forecast(int noutput_items, gr_vector_int& ninput_items_required) override;
    int general_work(int noutput_items,
                     gr_vector_int& ninput_items,
                     gr_vector_const_void_star& input_items,
                     gr_vector_void_star& output_items) override;
    bool stop() override;

    bool aligned() const override;
    int lag() const override;
    uint64_t reference_bits() const override;
    uint64_t bits_compared() const override;
    uint64_t errors() const override;
    double ber() const override;

private:
    mutable std::mutex d_mutex;
    ::ecdisc::ber_counter d_kernel;
    int d_held[2] = { 0, 0 }; // items already read but left in each buffer
    int d_lagging = 1;        // the input the block waits for (see forecast)
    bool d_logged_align = false;
};

} // namespace ecdisc
} // namespace gr

#endif
