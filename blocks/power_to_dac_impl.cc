/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "power_to_dac_impl.h"
#include "stats_chunks.h"
#include <gnuradio/io_signature.h>
#include <stdexcept>

namespace gr {
namespace ecdisc {

namespace {

const pmt::pmt_t k_stats = pmt::mp("stats");
const pmt::pmt_t k_clipped = pmt::mp("clipped");

//! the calibration, checked against the medium's laser array, and the channel
::ecdisc::calibration_channel load_channel(const std::string& calibration_file,
                                           const std::string& channel,
                                           const std::string& medium_file)
{
    const auto cal = ::ecdisc::load_calibration(calibration_file);
    const auto& ch = cal.find_channel(channel);
    ::ecdisc::check_calibration_geometry(cal, ::ecdisc::load_medium(medium_file));
    return ch;
}

uint64_t checked_interval(int n)
{
    if (n < 0)
        throw std::invalid_argument("stats_interval = " + std::to_string(n) +
                                    ": must be >= 0 (0 = no stats messages)");
    return static_cast<uint64_t>(n);
}

} // namespace

power_to_dac::sptr power_to_dac::make(const std::string& calibration_file,
                                      const std::string& channel,
                                      int stats_interval,
                                      const std::string& medium_file)
{
    return gnuradio::make_block_sptr<power_to_dac_impl>(
        calibration_file, channel, stats_interval, medium_file);
}

power_to_dac_impl::power_to_dac_impl(const std::string& calibration_file,
                                     const std::string& channel,
                                     int stats_interval,
                                     const std::string& medium_file)
    : gr::sync_block("power_to_dac",
                     gr::io_signature::make(1, 1, sizeof(float)),
                     gr::io_signature::make(1, 1, sizeof(float))),
      d_kernel(load_channel(calibration_file, channel, medium_file)),
      d_stats_interval(checked_interval(stats_interval))
{
    message_port_register_out(k_stats);
}

void power_to_dac_impl::publish_stats()
{
    pmt::pmt_t d = pmt::make_dict();
    d = pmt::dict_add(d, pmt::mp("samples"), pmt::from_uint64(d_kernel.samples()));
    d = pmt::dict_add(
        d, pmt::mp("clipped_low"), pmt::from_uint64(d_kernel.clipped_low()));
    d = pmt::dict_add(
        d, pmt::mp("clipped_high"), pmt::from_uint64(d_kernel.clipped_high()));
    message_port_pub(k_stats, d);
}

int power_to_dac_impl::work(int noutput_items,
                            gr_vector_const_void_star& input_items,
                            gr_vector_void_star& output_items)
{
    const auto* in = static_cast<const float*>(input_items[0]);
    auto* out = static_cast<float*>(output_items[0]);
    const uint64_t start = nitems_written(0);
    std::lock_guard<std::mutex> lock(d_mutex);
    in_stats_chunks(
        static_cast<size_t>(noutput_items),
        d_stats_interval,
        [this] { return d_kernel.samples(); },
        [&](size_t done, size_t m) {
            d_clip_starts.clear();
            d_kernel.process(in + done, out + done, m, &d_clip_starts);
            for (size_t i : d_clip_starts)
                add_item_tag(0, start + done + i, k_clipped, pmt::PMT_T);
            if (!d_warned && !d_clip_starts.empty()) {
                d_warned = true;
                d_logger->warn(
                    "channel {:s}: laser power outside the calibration ({:g}..{:g} mW) from "
                    "sample {:d} on: clipped to the end points (counted; reported once)",
                    d_kernel.channel().name,
                    d_kernel.min_power_mw(),
                    d_kernel.max_power_mw(),
                    start + done + d_clip_starts.front());
            }
        },
        [this] { publish_stats(); });
    return noutput_items;
}

uint64_t power_to_dac_impl::samples() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_kernel.samples();
}
uint64_t power_to_dac_impl::clipped_low() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_kernel.clipped_low();
}
uint64_t power_to_dac_impl::clipped_high() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_kernel.clipped_high();
}
std::string power_to_dac_impl::channel_name() const { return d_kernel.channel().name; }
int power_to_dac_impl::beam() const { return d_kernel.channel().beam; }
double power_to_dac_impl::lsb() const { return d_kernel.lsb(); }
double power_to_dac_impl::dac_value(double power_mw) const
{
    return d_kernel.forward(power_mw);
}
double power_to_dac_impl::power_mw(double dac_value) const
{
    return d_kernel.power_mw(dac_value);
}

} // namespace ecdisc
} // namespace gr
