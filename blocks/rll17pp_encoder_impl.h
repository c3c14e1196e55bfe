/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_ECDISC_RLL17PP_ENCODER_IMPL_H
#define INCLUDED_ECDISC_RLL17PP_ENCODER_IMPL_H

#include "rll17pp.h"
#include <gnuradio/ecdisc/rll17pp_encoder.h>
#include <pmt/pmt.h>

namespace gr {
namespace ecdisc {

class rll17pp_encoder_impl : public rll17pp_encoder
{
public:
    rll17pp_encoder_impl(int frame_bytes, uint64_t first_frame, int dc_interval);

    void forecast(int noutput_items, gr_vector_int& ninput_items_required) override;
    int general_work(int noutput_items,
                     gr_vector_int& ninput_items,
                     gr_vector_const_void_star& input_items,
                     gr_vector_void_star& output_items) override;

    int frame_bytes() const override { return d_kernel.frame_bytes(); }
    int frame_bits() const override { return d_kernel.frame_bits(); }
    uint64_t frames() const override { return d_kernel.frames(); }
    int64_t max_abs_rds() const override { return d_kernel.max_abs_rds(); }
    int64_t rds() const override { return d_kernel.rds(); }

private:
    ::ecdisc::rll17pp_encoder d_kernel;
    const pmt::pmt_t d_frame_key;
};

} // namespace ecdisc
} // namespace gr

#endif
