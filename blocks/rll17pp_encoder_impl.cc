/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "rll17pp_encoder_impl.h"
#include <gnuradio/io_signature.h>
#include <algorithm>

namespace gr {
namespace ecdisc {

rll17pp_encoder::sptr
rll17pp_encoder::make(int frame_bytes, uint64_t first_frame, int dc_interval)
{
    return gnuradio::make_block_sptr<rll17pp_encoder_impl>(
        frame_bytes, first_frame, dc_interval);
}

rll17pp_encoder_impl::rll17pp_encoder_impl(int frame_bytes,
                                           uint64_t first_frame,
                                           int dc_interval)
    : gr::block("rll17pp_encoder",
                gr::io_signature::make(1, 1, sizeof(uint8_t)),
                gr::io_signature::make(1, 1, sizeof(uint8_t))),
      d_kernel(frame_bytes, first_frame, dc_interval),
      d_frame_key(pmt::mp("frame"))
{
    set_output_multiple(d_kernel.frame_bits());
    set_relative_rate(static_cast<uint64_t>(d_kernel.frame_bits()),
                      static_cast<uint64_t>(d_kernel.frame_bytes()));
    set_tag_propagation_policy(TPP_DONT);
}

void rll17pp_encoder_impl::forecast(int noutput_items,
                                    gr_vector_int& ninput_items_required)
{
    ninput_items_required[0] =
        (noutput_items / d_kernel.frame_bits()) * d_kernel.frame_bytes();
}

int rll17pp_encoder_impl::general_work(int noutput_items,
                                       gr_vector_int& ninput_items,
                                       gr_vector_const_void_star& input_items,
                                       gr_vector_void_star& output_items)
{
    const auto* in = static_cast<const uint8_t*>(input_items[0]);
    auto* out = static_cast<uint8_t*>(output_items[0]);
    const int fbytes = d_kernel.frame_bytes();
    const int fbits = d_kernel.frame_bits();
    const int nframes = std::min(noutput_items / fbits, ninput_items[0] / fbytes);
    for (int k = 0; k < nframes; k++) {
        add_item_tag(0,
                     nitems_written(0) + static_cast<uint64_t>(k) * fbits,
                     d_frame_key,
                     pmt::from_uint64(d_kernel.next_frame_number()),
                     alias_pmt());
        d_kernel.encode_frame(in + static_cast<size_t>(k) * fbytes,
                              out + static_cast<size_t>(k) * fbits);
    }
    consume_each(nframes * fbytes);
    return nframes * fbits;
}

} // namespace ecdisc
} // namespace gr
