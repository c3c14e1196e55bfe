/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "write_strategy_impl.h"
#include <gnuradio/io_signature.h>

namespace gr {
namespace ecdisc {

write_strategy::sptr write_strategy::make(int sps,
                                          double write_power_mw,
                                          double space_power_mw,
                                          double assist_power_mw,
                                          double lead_trim,
                                          double tail_trim)
{
    return gnuradio::make_block_sptr<write_strategy_impl>(
        sps, write_power_mw, space_power_mw, assist_power_mw, lead_trim, tail_trim);
}

namespace {
// The interpolation must be known before the kernel validates sps.
unsigned checked_interp(int sps)
{
    return (sps >= 2 && sps <= 32) ? static_cast<unsigned>(sps) : 2u;
}
} // namespace

write_strategy_impl::write_strategy_impl(int sps,
                                         double write_power_mw,
                                         double space_power_mw,
                                         double assist_power_mw,
                                         double lead_trim,
                                         double tail_trim)
    : gr::sync_interpolator("write_strategy",
                            gr::io_signature::make(1, 1, sizeof(uint8_t)),
                            gr::io_signature::make(2, 2, sizeof(float)),
                            checked_interp(sps)),
      d_kernel(sps, write_power_mw, space_power_mw, assist_power_mw, lead_trim, tail_trim)
{
}

int write_strategy_impl::work(int noutput_items,
                              gr_vector_const_void_star& input_items,
                              gr_vector_void_star& output_items)
{
    const auto* in = static_cast<const uint8_t*>(input_items[0]);
    auto* beam0 = static_cast<float*>(output_items[0]);
    auto* beam1 = static_cast<float*>(output_items[1]);
    const size_t nbits = static_cast<size_t>(noutput_items) / interpolation();
    std::lock_guard<std::mutex> lock(d_mutex);
    d_kernel.process(in, beam0, beam1, nbits);
    return static_cast<int>(nbits * interpolation());
}

void write_strategy_impl::set_powers(double write_power_mw,
                                     double space_power_mw,
                                     double assist_power_mw)
{
    std::lock_guard<std::mutex> lock(d_mutex);
    d_kernel.set_powers(write_power_mw, space_power_mw, assist_power_mw);
    d_logger->trace("powers set: write {} mW, space {} mW, assist {} mW",
                    write_power_mw,
                    space_power_mw,
                    assist_power_mw);
}

double write_strategy_impl::write_power_mw() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_kernel.write_power_mw();
}

double write_strategy_impl::space_power_mw() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_kernel.space_power_mw();
}

double write_strategy_impl::assist_power_mw() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_kernel.assist_power_mw();
}

} // namespace ecdisc
} // namespace gr
