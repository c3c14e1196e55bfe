/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_ECDISC_RLL17_ENCODER_IMPL_H
#define INCLUDED_ECDISC_RLL17_ENCODER_IMPL_H

#include "rll17.h"
#include <gnuradio/ecdisc/rll17_encoder.h>
#include <pmt/pmt.h>

namespace gr {
namespace ecdisc {

class rll17_encoder_impl : public rll17_encoder
{
public:
    explicit rll17_encoder_impl(int frame_bytes);

    void forecast(int noutput_items, gr_vector_int& ninput_items_required) override;
    int general_work(int noutput_items,
                     gr_vector_int& ninput_items,
                     gr_vector_const_void_star& input_items,
                     gr_vector_void_star& output_items) override;

    int frame_bytes() const override { return d_kernel.frame_bytes(); }
    int frame_bits() const override { return d_kernel.frame_bits(); }
    uint64_t frames() const override { return d_frames; }

private:
    ::ecdisc::rll17_encoder d_kernel;
    uint64_t d_frames = 0;
    const pmt::pmt_t d_frame_key;
};

} // namespace ecdisc
} // namespace gr

#endif
