/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "nrzi_decoder_impl.h"
#include <gnuradio/io_signature.h>

namespace gr {
namespace ecdisc {

nrzi_decoder::sptr nrzi_decoder::make(int initial_level)
{
    return gnuradio::make_block_sptr<nrzi_decoder_impl>(initial_level);
}

nrzi_decoder_impl::nrzi_decoder_impl(int initial_level)
    : gr::sync_block("nrzi_decoder",
                     gr::io_signature::make(1, 1, sizeof(uint8_t)),
                     gr::io_signature::make(1, 1, sizeof(uint8_t))),
      d_kernel(initial_level)
{
}

int nrzi_decoder_impl::work(int noutput_items,
                            gr_vector_const_void_star& input_items,
                            gr_vector_void_star& output_items)
{
    const auto* in = static_cast<const uint8_t*>(input_items[0]);
    auto* out = static_cast<uint8_t*>(output_items[0]);
    d_kernel.decode(in, out, noutput_items);
    return noutput_items;
}

} // namespace ecdisc
} // namespace gr
