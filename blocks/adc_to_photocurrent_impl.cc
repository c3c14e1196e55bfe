/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "adc_to_photocurrent_impl.h"
#include "stats_chunks.h"
#include <gnuradio/io_signature.h>
#include <algorithm>
#include <stdexcept>

namespace gr {
namespace ecdisc {

namespace {

const pmt::pmt_t k_stats = pmt::mp("stats");
const pmt::pmt_t k_saturated = pmt::mp("saturated");

uint64_t checked_interval(int n)
{
    if (n < 0)
        throw std::invalid_argument("stats_interval = " + std::to_string(n) +
                                    ": must be >= 0 (0 = no stats messages)");
    return static_cast<uint64_t>(n);
}

} // namespace

adc_to_photocurrent::sptr adc_to_photocurrent::make(const std::string& calibration_file,
                                                    const std::string& channel,
                                                    int stats_interval)
{
    return gnuradio::make_block_sptr<adc_to_photocurrent_impl>(
        ::ecdisc::load_adc_calibration(calibration_file), channel, stats_interval);
}

adc_to_photocurrent_impl::adc_to_photocurrent_impl(
    const ::ecdisc::adc_calibration_config& cal,
    const std::string& channel,
    int stats_interval)
    : gr::sync_block("adc_to_photocurrent",
                     gr::io_signature::make(1, 1, sizeof(float)),
                     gr::io_signature::make(1, 1, sizeof(float))),
      d_kernel(cal.find_channel(channel)),
      d_dac_calibration(cal.dac_calibration),
      d_stats_interval(checked_interval(stats_interval))
{
    message_port_register_out(k_stats);
}

void adc_to_photocurrent_impl::publish_stats()
{
    pmt::pmt_t d = pmt::make_dict();
    d = pmt::dict_add(d, pmt::mp("samples"), pmt::from_uint64(d_kernel.samples()));
    d = pmt::dict_add(d, pmt::mp("saturated"), pmt::from_uint64(d_kernel.saturated()));
    message_port_pub(k_stats, d);
}

int adc_to_photocurrent_impl::work(int noutput_items,
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
            d_starts.clear();
            d_kernel.process(in + done, out + done, m, &d_starts);
            for (size_t i : d_starts)
                add_item_tag(0, start + done + i, k_saturated, pmt::PMT_T);
            if (!d_warned && !d_starts.empty()) {
                d_warned = true;
                d_logger->warn("channel {:s}: ADC reading at or beyond full scale (+-{:g}) "
                               "from sample {:d} on: saturated (counted; reported once)",
                               d_kernel.channel().name,
                               d_kernel.channel().adc_full_scale,
                               start + done + d_starts.front());
            }
        },
        [this] { publish_stats(); });
    return noutput_items;
}

uint64_t adc_to_photocurrent_impl::samples() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_kernel.samples();
}
uint64_t adc_to_photocurrent_impl::saturated() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_kernel.saturated();
}
std::string adc_to_photocurrent_impl::channel_name() const
{
    return d_kernel.channel().name;
}
int adc_to_photocurrent_impl::rx_channel() const { return d_kernel.channel().rx_channel; }
int adc_to_photocurrent_impl::beam() const { return d_kernel.channel().beam; }
double adc_to_photocurrent_impl::gain() const { return d_kernel.channel().gain; }
double adc_to_photocurrent_impl::offset() const { return d_kernel.channel().offset; }
double adc_to_photocurrent_impl::photocurrent(double adc) const
{
    return d_kernel.photocurrent(adc);
}
std::string adc_to_photocurrent_impl::dac_calibration() const
{
    return d_dac_calibration;
}

} // namespace ecdisc
} // namespace gr
