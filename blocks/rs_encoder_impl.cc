/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "rs_encoder_impl.h"
#include <gnuradio/io_signature.h>

namespace gr {
namespace ecdisc {

rs_encoder::sptr rs_encoder::make(int n, int k, int gf_poly, int fcr, int prim)
{
    return gnuradio::make_block_sptr<rs_encoder_impl>(n, k, gf_poly, fcr, prim);
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

rs_encoder_impl::rs_encoder_impl(int n, int k, int gf_poly, int fcr, int prim)
    : gr::sync_block(
          "rs_encoder",
          gr::io_signature::make(1, 1, checked_size(k, n, k, gf_poly, fcr, prim)),
          gr::io_signature::make(1, 1, checked_size(n, n, k, gf_poly, fcr, prim))),
      d_rs(n, k, gf_poly, fcr, prim)
{
}

int rs_encoder_impl::work(int noutput_items,
                          gr_vector_const_void_star& input_items,
                          gr_vector_void_star& output_items)
{
    const auto* in = static_cast<const uint8_t*>(input_items[0]);
    auto* out = static_cast<uint8_t*>(output_items[0]);
    const size_t n = static_cast<size_t>(d_rs.n()), k = static_cast<size_t>(d_rs.k());
    for (int i = 0; i < noutput_items; i++)
        d_rs.encode(in + i * k, out + i * n);
    d_codewords += static_cast<uint64_t>(noutput_items);
    return noutput_items;
}

} // namespace ecdisc
} // namespace gr
