/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cluster_decoder_impl.h"
#include <gnuradio/io_signature.h>

namespace gr {
namespace ecdisc {

cluster_decoder::sptr cluster_decoder::make(const std::string& format_file)
{
    return gnuradio::make_block_sptr<cluster_decoder_impl>(format_file);
}

cluster_decoder_impl::cluster_decoder_impl(const std::string& format_file)
    : gr::block("cluster_decoder",
                gr::io_signature::make(1, 2, sizeof(uint8_t)),
                gr::io_signature::make(1, 1, sizeof(uint8_t))),
      d_fmt(::ecdisc::load_sector_format(format_file)),
      d_sector_key(pmt::mp("sector")),
      d_status_key(pmt::mp("sector_status"))
{
    set_output_multiple(static_cast<int>(d_fmt.cluster_user_bytes()));
    set_relative_rate(d_fmt.cluster_user_bytes(), d_fmt.cluster_bytes());
    set_tag_propagation_policy(TPP_DONT);
}

void cluster_decoder_impl::forecast(int noutput_items,
                                    gr_vector_int& ninput_items_required)
{
    const int clusters = std::max(1, noutput_items / cluster_user_bytes());
    for (auto& r : ninput_items_required)
        r = clusters * cluster_bytes();
}

int cluster_decoder_impl::general_work(int noutput_items,
                                       gr_vector_int& ninput_items,
                                       gr_vector_const_void_star& input_items,
                                       gr_vector_void_star& output_items)
{
    const auto* in = static_cast<const uint8_t*>(input_items[0]);
    const auto* flags =
        input_items.size() > 1 ? static_cast<const uint8_t*>(input_items[1]) : nullptr;
    auto* out = static_cast<uint8_t*>(output_items[0]);
    const size_t ub = d_fmt.cluster_user_bytes(), cb = d_fmt.cluster_bytes();
    const size_t u = static_cast<size_t>(d_fmt.user_bytes());
    int avail = ninput_items[0];
    for (size_t p = 1; p < ninput_items.size(); p++)
        avail = std::min(avail, ninput_items[p]);
    const int n =
        std::min(noutput_items / static_cast<int>(ub), avail / static_cast<int>(cb));
    uint64_t corrected = 0, failed = 0;
    for (int c = 0; c < n; c++) {
        const size_t ci = static_cast<size_t>(c);
        const auto r =
            d_fmt.decode(in + ci * cb, flags ? flags + ci * cb : nullptr, out + ci * ub);
        const uint32_t base = r.number_known ? r.number[0] : d_next_sector;
        d_next_sector = base + static_cast<uint32_t>(d_fmt.sectors());
        const uint64_t first = nitems_written(0) + ci * ub;
        for (int s = 0; s < d_fmt.sectors(); s++) {
            const size_t si = static_cast<size_t>(s);
            add_item_tag(0,
                         first + si * u,
                         d_sector_key,
                         pmt::from_uint64(base + static_cast<uint32_t>(s)),
                         alias_pmt());
            add_item_tag(0,
                         first + si * u,
                         d_status_key,
                         pmt::from_long(r.status[si]),
                         alias_pmt());
        }
        corrected += static_cast<uint64_t>(r.sectors_corrected);
        failed += static_cast<uint64_t>(r.sectors_failed);
        if (r.sectors_failed) {
            // failures come in bursts on a bad channel: log the 1st, 2nd, 4th, ...
            // cluster with failed sectors
            const uint64_t total = ++d_bad_clusters;
            if ((total & (total - 1)) == 0)
                d_logger->debug("cluster {}: {} of {} sectors failed ({} codewords "
                                "uncorrectable; {} clusters with failures so far)",
                                d_clusters + ci,
                                r.sectors_failed,
                                d_fmt.sectors(),
                                r.codewords_failed,
                                total);
        }
    }
    d_clusters += static_cast<uint64_t>(n);
    d_sectors += static_cast<uint64_t>(n) * static_cast<uint64_t>(d_fmt.sectors());
    d_corrected += corrected;
    d_failed += failed;
    consume_each(n * static_cast<int>(cb));
    return n * static_cast<int>(ub);
}

} // namespace ecdisc
} // namespace gr
