/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "rf_frontend_impl.h"
#include <gnuradio/io_signature.h>

namespace gr {
namespace ecdisc {

rf_frontend::sptr rf_frontend::make(int n_channels,
                                    double dc_alpha,
                                    double agc_alpha,
                                    bool invert,
                                    double eq_boost,
                                    int eq_spacing)
{
    return gnuradio::make_block_sptr<rf_frontend_impl>(
        n_channels, dc_alpha, agc_alpha, invert, eq_boost, eq_spacing);
}

namespace {
int checked_channels(int n) { return (n >= 1 && n <= 16) ? n : 1; }
} // namespace

rf_frontend_impl::rf_frontend_impl(int n_channels,
                                   double dc_alpha,
                                   double agc_alpha,
                                   bool invert,
                                   double eq_boost,
                                   int eq_spacing)
    : gr::sync_block("rf_frontend",
                     gr::io_signature::make(checked_channels(n_channels),
                                            checked_channels(n_channels),
                                            sizeof(float)),
                     gr::io_signature::make(1, 1, sizeof(float))),
      d_kernel(n_channels, dc_alpha, agc_alpha, invert, eq_boost, eq_spacing)
{
}

int rf_frontend_impl::work(int noutput_items,
                           gr_vector_const_void_star& input_items,
                           gr_vector_void_star& output_items)
{
    const auto* const* in = reinterpret_cast<const float* const*>(input_items.data());
    auto* out = static_cast<float*>(output_items[0]);
    d_kernel.process(in, out, static_cast<size_t>(noutput_items));
    d_gain.store(d_kernel.gain());
    d_dc.store(d_kernel.dc_level());
    return noutput_items;
}

} // namespace ecdisc
} // namespace gr
