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
                                          double tail_trim,
                                          const std::string& mode,
                                          double t_top,
                                          double t_mp,
                                          double t_lp,
                                          double t_cool,
                                          double bias_power_mw,
                                          double cooling_power_mw,
                                          double middle_power_mw,
                                          const std::string& assist_mode,
                                          double assist_lead,
                                          int beam_delay_samples,
                                          double record_voltage_v)
{
    return gnuradio::make_block_sptr<write_strategy_impl>(sps,
                                                          write_power_mw,
                                                          space_power_mw,
                                                          assist_power_mw,
                                                          lead_trim,
                                                          tail_trim,
                                                          mode,
                                                          t_top,
                                                          t_mp,
                                                          t_lp,
                                                          t_cool,
                                                          bias_power_mw,
                                                          cooling_power_mw,
                                                          middle_power_mw,
                                                          assist_mode,
                                                          assist_lead,
                                                          beam_delay_samples,
                                                          record_voltage_v);
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
                                         double tail_trim,
                                         const std::string& mode,
                                         double t_top,
                                         double t_mp,
                                         double t_lp,
                                         double t_cool,
                                         double bias_power_mw,
                                         double cooling_power_mw,
                                         double middle_power_mw,
                                         const std::string& assist_mode,
                                         double assist_lead,
                                         int beam_delay_samples,
                                         double record_voltage_v)
    : gr::sync_interpolator("write_strategy",
                            gr::io_signature::make(1, 1, sizeof(uint8_t)),
                            // outputs: beam 0, beam 1, optional electrode voltage
                            gr::io_signature::make(2, 3, sizeof(float)),
                            checked_interp(sps)),
      d_kernel(sps,
               write_power_mw,
               space_power_mw,
               assist_power_mw,
               lead_trim,
               tail_trim,
               mode,
               t_top,
               t_mp,
               t_lp,
               t_cool,
               bias_power_mw,
               cooling_power_mw,
               middle_power_mw,
               assist_mode,
               assist_lead,
               beam_delay_samples,
               record_voltage_v)
{
    d_logger->trace("mode {}, assist {}, latency {} samples, beam delay {} samples",
                    mode,
                    assist_mode,
                    d_kernel.latency_samples(),
                    beam_delay_samples);
}

int write_strategy_impl::work(int noutput_items,
                              gr_vector_const_void_star& input_items,
                              gr_vector_void_star& output_items)
{
    const auto* in = static_cast<const uint8_t*>(input_items[0]);
    auto* beam0 = static_cast<float*>(output_items[0]);
    auto* beam1 = static_cast<float*>(output_items[1]);
    auto* volts =
        output_items.size() > 2 ? static_cast<float*>(output_items[2]) : nullptr;
    const size_t nbits = static_cast<size_t>(noutput_items) / interpolation();
    std::lock_guard<std::mutex> lock(d_mutex);
    d_kernel.process(in, beam0, beam1, volts, nbits);
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

void write_strategy_impl::set_strategy_powers(double bias_power_mw,
                                              double cooling_power_mw,
                                              double middle_power_mw)
{
    std::lock_guard<std::mutex> lock(d_mutex);
    d_kernel.set_strategy_powers(bias_power_mw, cooling_power_mw, middle_power_mw);
    d_logger->trace("strategy powers set: bias {} mW, cooling {} mW, middle {} mW",
                    bias_power_mw,
                    cooling_power_mw,
                    middle_power_mw);
}

double write_strategy_impl::bias_power_mw() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_kernel.bias_power_mw();
}

double write_strategy_impl::cooling_power_mw() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_kernel.cooling_power_mw();
}

double write_strategy_impl::middle_power_mw() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_kernel.middle_power_mw();
}

void write_strategy_impl::set_record_voltage_v(double record_voltage_v)
{
    std::lock_guard<std::mutex> lock(d_mutex);
    d_kernel.set_record_voltage_v(record_voltage_v);
}

double write_strategy_impl::record_voltage_v() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_kernel.record_voltage_v();
}

// Fixed at construction: no lock needed.
std::string write_strategy_impl::mode() const { return d_kernel.mode(); }

int write_strategy_impl::latency_samples() const { return d_kernel.latency_samples(); }

int write_strategy_impl::beam_delay_samples() const
{
    return d_kernel.beam_delay_samples();
}

} // namespace ecdisc
} // namespace gr
