/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_ECDISC_RLL17_DECODER_IMPL_H
#define INCLUDED_ECDISC_RLL17_DECODER_IMPL_H

#include "rll17.h"
#include <gnuradio/ecdisc/rll17_decoder.h>
#include <pmt/pmt.h>

namespace gr {
namespace ecdisc {

class rll17_decoder_impl : public rll17_decoder
{
public:
    rll17_decoder_impl(int frame_bytes, int sync_tolerance);

    void forecast(int noutput_items, gr_vector_int& ninput_items_required) override;
    int general_work(int noutput_items,
                     gr_vector_int& ninput_items,
                     gr_vector_const_void_star& input_items,
                     gr_vector_void_star& output_items) override;

    bool locked() const override { return d_kernel.locked(); }
    uint64_t frames() const override { return d_kernel.frames(); }
    uint64_t sync_losses() const override { return d_kernel.sync_losses(); }
    uint64_t rll_violations() const override { return d_kernel.rll_violations(); }
    uint64_t frames_flagged() const override { return d_kernel.frames_flagged(); }

private:
    //! copies queued frames to out[produced..noutput_items), writing tags;
    //! returns the new number of items written in this call
    int drain(uint8_t* out, int noutput_items, int produced);

    ::ecdisc::rll17_decoder d_kernel;
    size_t d_offset = 0; // bytes of the front frame already emitted
    const pmt::pmt_t d_frame_key, d_lost_key, d_viol_key;
};

} // namespace ecdisc
} // namespace gr

#endif
