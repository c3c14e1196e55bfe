/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "wobble_address_decoder_impl.h"
#include <gnuradio/io_signature.h>
#include <cstring>

namespace gr {
namespace ecdisc {

wobble_address_decoder::sptr wobble_address_decoder::make(double sps,
                                                          int wobble_period_bits,
                                                          int wobbles_per_unit,
                                                          int segments_per_track,
                                                          int max_layers,
                                                          double loop_bw)
{
    return gnuradio::make_block_sptr<wobble_address_decoder_impl>(
        sps, wobble_period_bits, wobbles_per_unit, segments_per_track, max_layers, loop_bw);
}

namespace {
const pmt::pmt_t k_address = pmt::mp("address");
} // namespace

wobble_address_decoder_impl::wobble_address_decoder_impl(double sps,
                                                         int wobble_period_bits,
                                                         int wobbles_per_unit,
                                                         int segments_per_track,
                                                         int max_layers,
                                                         double loop_bw)
    : gr::sync_block("wobble_address_decoder",
                     gr::io_signature::make(1, 1, sizeof(float)),
                     gr::io_signature::make(0, 1, sizeof(float))),
      d_kernel(::ecdisc::wobble_format(
                   wobble_period_bits, wobbles_per_unit, segments_per_track, max_layers),
               sps,
               loop_bw)
{
    message_port_register_out(k_address);
}

int wobble_address_decoder_impl::work(int noutput_items,
                                      gr_vector_const_void_star& input_items,
                                      gr_vector_void_star& output_items)
{
    const auto* in = static_cast<const float*>(input_items[0]);
    const auto n = static_cast<size_t>(noutput_items);
    const bool have_out = !output_items.empty();
    if (have_out)
        std::memcpy(output_items[0], in, n * sizeof(float));
    const uint64_t n0 = nitems_read(0);
    d_found.clear();
    {
        std::lock_guard<std::mutex> lock(d_mutex);
        d_kernel.process(in, n, d_found);
        if (!d_found.empty()) {
            const auto& a = d_found.back().address;
            d_last = { a.layer, a.track, a.segment };
        }
    }
    for (const auto& w : d_found) {
        pmt::pmt_t d = pmt::make_dict();
        d = pmt::dict_add(d, pmt::mp("layer"), pmt::from_long(w.address.layer));
        d = pmt::dict_add(
            d, pmt::mp("track"), pmt::from_long(static_cast<long>(w.address.track)));
        d = pmt::dict_add(d, pmt::mp("segment"), pmt::from_long(w.address.segment));
        d = pmt::dict_add(d, pmt::mp("start"), pmt::from_uint64(w.start_sample));
        d = pmt::dict_add(d, pmt::mp("corrected"), pmt::from_long(w.corrected));
        // the kernel counts samples from 0 like nitems_read
        if (have_out && w.end_sample >= n0 && w.end_sample < n0 + n)
            add_item_tag(0, w.end_sample, k_address, d);
        message_port_pub(k_address, d);
    }
    return noutput_items;
}

uint64_t wobble_address_decoder_impl::words() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_kernel.words();
}

uint64_t wobble_address_decoder_impl::words_failed() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_kernel.words_failed();
}

bool wobble_address_decoder_impl::locked() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_kernel.locked();
}

bool wobble_address_decoder_impl::synced() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_kernel.synced();
}

std::vector<int64_t> wobble_address_decoder_impl::last_address() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_last;
}

double wobble_address_decoder_impl::frequency() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_kernel.frequency();
}

} // namespace ecdisc
} // namespace gr
