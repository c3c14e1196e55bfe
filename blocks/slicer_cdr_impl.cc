/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "slicer_cdr_impl.h"
#include <gnuradio/io_signature.h>
#include <cmath>

namespace gr {
namespace ecdisc {

slicer_cdr::sptr slicer_cdr::make(double sps, double loop_bw, double threshold)
{
    return gnuradio::make_block_sptr<slicer_cdr_impl>(sps, loop_bw, threshold);
}

slicer_cdr_impl::slicer_cdr_impl(double sps, double loop_bw, double threshold)
    : gr::block("slicer_cdr",
                gr::io_signature::make(1, 1, sizeof(float)),
                gr::io_signature::make(1, 1, sizeof(uint8_t))),
      d_kernel(sps, loop_bw, threshold)
{
    set_relative_rate(1.0 / sps);
}

void slicer_cdr_impl::forecast(int noutput_items, gr_vector_int& ninput_items_required)
{
    // About one bit period per decision; the kernel takes what it is given
    // and stops early when the output fills, so this is only a hint.
    const double sps = d_kernel.nominal_sps();
    ninput_items_required[0] = static_cast<int>(std::ceil(noutput_items * sps * 0.9)) + 1;
}

int slicer_cdr_impl::general_work(int noutput_items,
                                  gr_vector_int& ninput_items,
                                  gr_vector_const_void_star& input_items,
                                  gr_vector_void_star& output_items)
{
    const auto* in = static_cast<const float*>(input_items[0]);
    auto* out = static_cast<uint8_t*>(output_items[0]);
    size_t consumed = 0;
    size_t nout;
    {
        std::lock_guard<std::mutex> lock(d_mutex);
        nout = d_kernel.process(in,
                                static_cast<size_t>(ninput_items[0]),
                                out,
                                static_cast<size_t>(noutput_items),
                                &consumed);
    }
    consume_each(static_cast<int>(consumed));
    return static_cast<int>(nout);
}

double slicer_cdr_impl::period() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_kernel.period();
}

uint64_t slicer_cdr_impl::bits() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_kernel.bits();
}

void slicer_cdr_impl::set_threshold(double threshold)
{
    std::lock_guard<std::mutex> lock(d_mutex);
    d_kernel.set_threshold(threshold);
}

double slicer_cdr_impl::threshold() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_kernel.threshold();
}

} // namespace ecdisc
} // namespace gr
