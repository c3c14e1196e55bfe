/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "jitter_meter_impl.h"
#include <gnuradio/io_signature.h>
#include <stdexcept>
#include <string>

namespace gr {
namespace ecdisc {

jitter_meter::sptr
jitter_meter::make(
    double sps, int settle_edges, int fit_edges, int stats_every, bool dc_threshold)
{
    return gnuradio::make_block_sptr<jitter_meter_impl>(
        sps, settle_edges, fit_edges, stats_every, dc_threshold);
}

namespace {
const pmt::pmt_t k_stats = pmt::mp("stats");

uint64_t checked_every(int n)
{
    if (n < 0)
        throw std::invalid_argument("stats_every = " + std::to_string(n) +
                                    ": must be >= 0 (0 = no stats messages)");
    return static_cast<uint64_t>(n);
}
} // namespace

jitter_meter_impl::jitter_meter_impl(double sps,
                                     int settle_edges,
                                     int fit_edges,
                                     int stats_every,
                                     bool dc_threshold)
    : gr::sync_block("jitter_meter",
                     gr::io_signature::make(1, 1, sizeof(float)),
                     gr::io_signature::make(0, 0, 0)),
      d_kernel(sps, settle_edges, fit_edges, 1000.0, 0.05, dc_threshold),
      d_stats_every(checked_every(stats_every))
{
    message_port_register_out(k_stats);
}

void jitter_meter_impl::publish_stats()
{
    pmt::pmt_t d = pmt::make_dict();
    d = pmt::dict_add(d, pmt::mp("jitter_pct"), pmt::from_double(d_kernel.jitter_pct()));
    d = pmt::dict_add(d, pmt::mp("edges"), pmt::from_uint64(d_kernel.edges()));
    d = pmt::dict_add(
        d, pmt::mp("mean_offset_pct"), pmt::from_double(d_kernel.mean_offset_pct()));
    d = pmt::dict_add(d, pmt::mp("asymmetry_pct"), pmt::from_double(d_kernel.asymmetry_pct()));
    d = pmt::dict_add(d, pmt::mp("period"), pmt::from_double(d_kernel.period()));
    d = pmt::dict_add(d, pmt::mp("clock_losses"), pmt::from_uint64(d_kernel.clock_losses()));
    message_port_pub(k_stats, d);
}

int jitter_meter_impl::work(int noutput_items,
                            gr_vector_const_void_star& input_items,
                            gr_vector_void_star&)
{
    const auto* in = static_cast<const float*>(input_items[0]);
    const size_t n = static_cast<size_t>(noutput_items);
    std::lock_guard<std::mutex> lock(d_mutex);
    size_t done = 0;
    while (done < n) {
        if (d_stats_every == 0) {
            done += d_kernel.process(in + done, n - done);
            break;
        }
        // stop at each multiple of stats_every edges: one message each
        const uint64_t next = (d_kernel.edges() / d_stats_every + 1) * d_stats_every;
        done += d_kernel.process(in + done, n - done, next);
        if (d_kernel.edges() == next)
            publish_stats();
    }
    return noutput_items;
}

double jitter_meter_impl::jitter_pct() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_kernel.jitter_pct();
}
uint64_t jitter_meter_impl::edges() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_kernel.edges();
}
uint64_t jitter_meter_impl::clock_losses() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_kernel.clock_losses();
}
uint64_t jitter_meter_impl::edges_seen() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_kernel.edges_seen();
}
double jitter_meter_impl::mean_offset_pct() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_kernel.mean_offset_pct();
}
double jitter_meter_impl::asymmetry_pct() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_kernel.asymmetry_pct();
}
double jitter_meter_impl::period() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_kernel.period();
}
double jitter_meter_impl::threshold() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_kernel.threshold();
}
void jitter_meter_impl::reset_stats()
{
    std::lock_guard<std::mutex> lock(d_mutex);
    d_kernel.reset_stats();
}

} // namespace ecdisc
} // namespace gr
