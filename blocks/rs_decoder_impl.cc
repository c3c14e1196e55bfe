/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "rs_decoder_impl.h"
#include <gnuradio/io_signature.h>
#include <cstring>
#include <vector>

namespace gr {
namespace ecdisc {

rs_decoder::sptr rs_decoder::make(int n, int k, int gf_poly, int fcr, int prim)
{
    return gnuradio::make_block_sptr<rs_decoder_impl>(n, k, gf_poly, fcr, prim);
}

namespace {
// The io signatures need n and k before the kernel member exists: every
// parameter is checked first (the kernel throws, naming the bad one), for
// either signature, as their order of evaluation is unspecified.
size_t checked_size(int bytes, int n, int k, int gf_poly, int fcr, int prim)
{
    ::ecdisc::reed_solomon(n, k, gf_poly, fcr, prim);
    return sizeof(uint8_t) * static_cast<size_t>(bytes);
}
} // namespace

rs_decoder_impl::rs_decoder_impl(int n, int k, int gf_poly, int fcr, int prim)
    : gr::sync_block(
          "rs_decoder",
          gr::io_signature::make(1, 2, checked_size(n, n, k, gf_poly, fcr, prim)),
          gr::io_signature::make(1, 1, checked_size(k, n, k, gf_poly, fcr, prim))),
      d_rs(n, k, gf_poly, fcr, prim),
      d_work(n),
      d_status_key(pmt::mp("rs_status"))
{
    // the tag values, made once: -1 (failure), 0 .. n-k symbols corrected
    for (int v = -1; v <= n - k; v++)
        d_status.push_back(pmt::from_long(v));
    // One item is one codeword on every port. work() copies input 0's tags
    // to the same item of the output (except an upstream "rs_status", which
    // this block's own tag replaces); the erasure flags' tags are dropped.
    set_tag_propagation_policy(TPP_CUSTOM);
}

int rs_decoder_impl::work(int noutput_items,
                          gr_vector_const_void_star& input_items,
                          gr_vector_void_star& output_items)
{
    const auto* in = static_cast<const uint8_t*>(input_items[0]);
    const auto* flags =
        input_items.size() > 1 ? static_cast<const uint8_t*>(input_items[1]) : nullptr;
    auto* out = static_cast<uint8_t*>(output_items[0]);
    const size_t n = static_cast<size_t>(d_rs.n()), k = static_cast<size_t>(d_rs.k());
    const uint64_t first = nitems_written(0);
    uint64_t corrected = 0, failures = 0;

    std::vector<gr::tag_t> tags;
    get_tags_in_range(tags, 0, nitems_read(0), nitems_read(0) + noutput_items);
    for (const auto& t : tags)
        if (!pmt::eq(t.key, d_status_key))
            add_item_tag(0, t.offset - nitems_read(0) + first, t.key, t.value, t.srcid);

    for (int i = 0; i < noutput_items; i++) {
        std::memcpy(d_work.data(), in + i * n, n);
        const int r = d_rs.decode_flags(d_work.data(), flags ? flags + i * n : nullptr);
        if (r == ::ecdisc::rs_failure) {
            std::memset(out + i * k, 0, k);
            failures++;
            // failures come in bursts on a bad channel: log the 1st, 2nd, 4th, ...
            const uint64_t total = d_failures + failures;
            if ((total & (total - 1)) == 0)
                d_logger->debug("codeword {} uncorrectable ({} failures so far)",
                                first + static_cast<uint64_t>(i),
                                total);
        } else {
            std::memcpy(out + i * k, d_work.data(), k);
            corrected += static_cast<uint64_t>(r);
        }
        add_item_tag(0,
                     first + static_cast<uint64_t>(i),
                     d_status_key,
                     d_status[r == ::ecdisc::rs_failure ? 0 : r + 1],
                     alias_pmt());
    }
    d_codewords += static_cast<uint64_t>(noutput_items);
    d_corrected += corrected;
    d_failures += failures;
    return noutput_items;
}

} // namespace ecdisc
} // namespace gr
