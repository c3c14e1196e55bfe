/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "rll17pp_decoder_impl.h"
#include <gnuradio/io_signature.h>
#include <algorithm>
#include <cstring>

namespace gr {
namespace ecdisc {

rll17pp_decoder::sptr rll17pp_decoder::make(int frame_bytes,
                                            int sync_tolerance,
                                            int lock_syncs,
                                            int unlock_misses,
                                            uint64_t first_frame,
                                            int dc_interval)
{
    return gnuradio::make_block_sptr<rll17pp_decoder_impl>(
        frame_bytes, sync_tolerance, lock_syncs, unlock_misses, first_frame, dc_interval);
}

rll17pp_decoder_impl::rll17pp_decoder_impl(int frame_bytes,
                                           int sync_tolerance,
                                           int lock_syncs,
                                           int unlock_misses,
                                           uint64_t first_frame,
                                           int dc_interval)
    : gr::block("rll17pp_decoder",
                gr::io_signature::make(1, 1, sizeof(uint8_t)),
                gr::io_signature::make(1, 2, sizeof(uint8_t))),
      d_kernel(frame_bytes,
               sync_tolerance,
               lock_syncs,
               unlock_misses,
               first_frame,
               dc_interval),
      d_frame_key(pmt::mp("frame")),
      d_lost_key(pmt::mp("sync_lost")),
      d_erased_key(pmt::mp("erased"))
{
    set_relative_rate(static_cast<uint64_t>(d_kernel.frame_bytes()),
                      static_cast<uint64_t>(d_kernel.frame_bits()));
    // tags are made here; upstream tags would land at meaningless offsets
    set_tag_propagation_policy(TPP_DONT);
}

void rll17pp_decoder_impl::forecast(int, gr_vector_int& ninput_items_required)
{
    ninput_items_required[0] = d_kernel.frames_ready() ? 0 : 1;
}

int rll17pp_decoder_impl::drain(uint8_t* out,
                                uint8_t* flags,
                                int noutput_items,
                                int produced)
{
    while (produced < noutput_items && d_kernel.frames_ready()) {
        const ::ecdisc::rll17pp_frame& f = d_kernel.front();
        if (d_offset == 0) {
            const uint64_t off = nitems_written(0) + produced;
            add_item_tag(0, off, d_frame_key, pmt::from_uint64(f.number), alias_pmt());
            if (f.filler && f.frames_missing_before) {
                add_item_tag(0,
                             off,
                             d_erased_key,
                             pmt::from_uint64(f.frames_missing_before),
                             alias_pmt());
            } else if (!f.filler && f.frames_missing_before) {
                add_item_tag(0,
                             off,
                             d_lost_key,
                             pmt::from_uint64(f.frames_missing_before),
                             alias_pmt());
                d_logger->debug("frame {}: {} frames missing before it",
                                f.number,
                                f.frames_missing_before);
            }
        }
        const size_t n = std::min(f.bytes.size() - d_offset,
                                  static_cast<size_t>(noutput_items - produced));
        std::memcpy(out + produced, f.bytes.data() + d_offset, n);
        if (flags)
            std::memcpy(flags + produced, f.erased.data() + d_offset, n);
        produced += static_cast<int>(n);
        d_offset += n;
        if (d_offset == f.bytes.size()) {
            d_kernel.pop();
            d_offset = 0;
        }
    }
    return produced;
}

int rll17pp_decoder_impl::general_work(int noutput_items,
                                       gr_vector_int& ninput_items,
                                       gr_vector_const_void_star& input_items,
                                       gr_vector_void_star& output_items)
{
    const auto* in = static_cast<const uint8_t*>(input_items[0]);
    auto* out = static_cast<uint8_t*>(output_items[0]);
    auto* flags =
        output_items.size() > 1 ? static_cast<uint8_t*>(output_items[1]) : nullptr;
    int produced = drain(out, flags, noutput_items, 0);
    if (d_kernel.frames_ready() == 0 && ninput_items[0] > 0) {
        d_kernel.push(in, static_cast<size_t>(ninput_items[0]));
        consume_each(ninput_items[0]);
        produced = drain(out, flags, noutput_items, produced);
    }
    return produced;
}

} // namespace ecdisc
} // namespace gr
