/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cluster_encoder_impl.h"
#include <gnuradio/io_signature.h>
#include <stdexcept>

namespace gr {
namespace ecdisc {

cluster_encoder::sptr cluster_encoder::make(const std::string& format_file,
                                            uint64_t first_sector)
{
    return gnuradio::make_block_sptr<cluster_encoder_impl>(format_file, first_sector);
}

namespace {
uint32_t checked_first(uint64_t first_sector)
{
    if (first_sector > 0xFFFFFFFFull)
        throw std::invalid_argument("first_sector = " + std::to_string(first_sector) +
                                    ": must be in 0..4294967295 (32-bit sector numbers)");
    return static_cast<uint32_t>(first_sector);
}
} // namespace

cluster_encoder_impl::cluster_encoder_impl(const std::string& format_file,
                                           uint64_t first_sector)
    : gr::block("cluster_encoder",
                gr::io_signature::make(1, 1, sizeof(uint8_t)),
                gr::io_signature::make(1, 1, sizeof(uint8_t))),
      d_fmt(::ecdisc::load_sector_format(format_file)),
      d_next_sector(checked_first(first_sector)),
      d_cluster_key(pmt::mp("cluster"))
{
    // whole clusters out; the rate tells the scheduler to give the upstream
    // buffer room for a whole cluster of input
    set_output_multiple(static_cast<int>(d_fmt.cluster_bytes()));
    set_relative_rate(d_fmt.cluster_bytes(), d_fmt.cluster_user_bytes());
    set_tag_propagation_policy(TPP_DONT);
}

void cluster_encoder_impl::forecast(int noutput_items,
                                    gr_vector_int& ninput_items_required)
{
    const int clusters = noutput_items / cluster_bytes();
    ninput_items_required[0] = std::max(1, clusters) * cluster_user_bytes();
}

int cluster_encoder_impl::general_work(int noutput_items,
                                       gr_vector_int& ninput_items,
                                       gr_vector_const_void_star& input_items,
                                       gr_vector_void_star& output_items)
{
    const auto* in = static_cast<const uint8_t*>(input_items[0]);
    auto* out = static_cast<uint8_t*>(output_items[0]);
    const int ub = cluster_user_bytes(), cb = cluster_bytes();
    const int n = std::min(noutput_items / cb, ninput_items[0] / ub);
    for (int c = 0; c < n; c++) {
        add_item_tag(0,
                     nitems_written(0) +
                         static_cast<uint64_t>(c) * static_cast<uint64_t>(cb),
                     d_cluster_key,
                     pmt::from_uint64(d_clusters + static_cast<uint64_t>(c)),
                     alias_pmt());
        d_fmt.encode(in + static_cast<size_t>(c) * static_cast<size_t>(ub),
                     d_next_sector,
                     out + static_cast<size_t>(c) * static_cast<size_t>(cb));
        d_next_sector += static_cast<uint32_t>(d_fmt.sectors());
    }
    d_clusters += static_cast<uint64_t>(n);
    consume_each(n * ub);
    return n * cb;
}

} // namespace ecdisc
} // namespace gr
