/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_ECDISC_RLL17PP_DECODER_IMPL_H
#define INCLUDED_ECDISC_RLL17PP_DECODER_IMPL_H

#include "rll17pp.h"
#include <gnuradio/ecdisc/rll17pp_decoder.h>
#include <pmt/pmt.h>

namespace gr {
namespace ecdisc {

class rll17pp_decoder_impl : public rll17pp_decoder
{
public:
    rll17pp_decoder_impl(int frame_bytes,
                         int sync_tolerance,
                         int lock_syncs,
                         int unlock_misses,
                         uint64_t first_frame,
                         int dc_interval);

    void forecast(int noutput_items, gr_vector_int& ninput_items_required) override;
    int general_work(int noutput_items,
                     gr_vector_int& ninput_items,
                     gr_vector_const_void_star& input_items,
                     gr_vector_void_star& output_items) override;

    bool locked() const override { return d_kernel.locked(); }
    uint64_t frames() const override { return d_kernel.frames(); }
    uint64_t frames_missing() const override { return d_kernel.frames_missing(); }
    uint64_t sync_losses() const override { return d_kernel.sync_losses(); }
    uint64_t missed_syncs() const override { return d_kernel.missed_syncs(); }
    uint64_t rll_violations() const override { return d_kernel.rll_violations(); }
    uint64_t bytes_erased() const override { return d_kernel.bytes_erased(); }
    uint64_t frames_dropped() const override { return d_kernel.frames_dropped(); }

private:
    int drain(uint8_t* out, uint8_t* flags, int noutput_items, int produced);

    ::ecdisc::rll17pp_decoder d_kernel;
    size_t d_offset = 0; // bytes of the front frame already emitted
    const pmt::pmt_t d_frame_key, d_lost_key, d_erased_key;
};

} // namespace ecdisc
} // namespace gr

#endif
