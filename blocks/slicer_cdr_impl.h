/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_ECDISC_SLICER_CDR_IMPL_H
#define INCLUDED_ECDISC_SLICER_CDR_IMPL_H

#include "slicer_cdr.h"
#include <gnuradio/ecdisc/slicer_cdr.h>
#include <mutex>

namespace gr {
namespace ecdisc {

class slicer_cdr_impl : public slicer_cdr
{
public:
    slicer_cdr_impl(double sps, double loop_bw, double threshold);

    void forecast(int noutput_items, gr_vector_int& ninput_items_required) override;
    int general_work(int noutput_items,
                     gr_vector_int& ninput_items,
                     gr_vector_const_void_star& input_items,
                     gr_vector_void_star& output_items) override;

    double period() const override;
    uint64_t bits() const override;
    void set_threshold(double threshold) override;
    double threshold() const override;

private:
    mutable std::mutex d_mutex;
    ::ecdisc::slicer_cdr d_kernel;
};

} // namespace ecdisc
} // namespace gr

#endif
