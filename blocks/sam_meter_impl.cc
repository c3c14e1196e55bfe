/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "sam_meter_impl.h"
#include <gnuradio/io_signature.h>
#include <stdexcept>
#include <string>

namespace gr {
namespace ecdisc {

sam_meter::sptr sam_meter::make(
    const std::vector<double>& target, double scale, int delay, int skip, int stats_every)
{
    return gnuradio::make_block_sptr<sam_meter_impl>(target, scale, delay, skip, stats_every);
}

namespace {
const pmt::pmt_t k_stats = pmt::mp("stats");

int checked(const char* name, int v, int hi)
{
    if (v < 0 || v > hi)
        throw std::invalid_argument(std::string(name) + " = " + std::to_string(v) +
                                    ": must be in [0, " + std::to_string(hi) + "]");
    return v;
}
} // namespace

// The kernel is built before the history is set; delay is checked first so
// that a bad delay is reported as such (the skip passed on includes it).
sam_meter_impl::sam_meter_impl(
    const std::vector<double>& target, double scale, int delay, int skip, int stats_every)
    : gr::sync_block(
          "sam_meter",
          gr::io_signature::makev(2, 2, std::vector<int>{ sizeof(float), sizeof(uint8_t) }),
          gr::io_signature::make(0, 0, 0)),
      d_kernel(target,
               scale,
               static_cast<uint64_t>(checked("delay", delay, 1000000)) +
                   static_cast<uint64_t>(checked("skip", skip, 2000000000))),
      d_stats_every(static_cast<uint64_t>(checked("stats_every", stats_every, 2000000000)))
{
    // with history delay + 1 each input starts with delay past items: input 0
    // read from its start is delayed by `delay` against input 1 read after them
    set_history(static_cast<unsigned>(delay) + 1);
    message_port_register_out(k_stats);
}

void sam_meter_impl::publish_stats()
{
    pmt::pmt_t d = pmt::make_dict();
    d = pmt::dict_add(d, pmt::mp("sam_mean"), pmt::from_double(d_kernel.mean()));
    d = pmt::dict_add(d, pmt::mp("sam_sigma"), pmt::from_double(d_kernel.sigma()));
    d = pmt::dict_add(d, pmt::mp("sam_db"), pmt::from_double(d_kernel.snr_db()));
    d = pmt::dict_add(d, pmt::mp("events"), pmt::from_uint64(d_kernel.events()));
    d = pmt::dict_add(d, pmt::mp("negatives"), pmt::from_uint64(d_kernel.negatives()));
    message_port_pub(k_stats, d);
}

int sam_meter_impl::work(int noutput_items,
                         gr_vector_const_void_star& input_items,
                         gr_vector_void_star&)
{
    const size_t past = history() - 1;
    const auto* y = static_cast<const float*>(input_items[0]);
    const auto* x = static_cast<const uint8_t*>(input_items[1]) + past;
    const size_t n = static_cast<size_t>(noutput_items);
    std::lock_guard<std::mutex> lock(d_mutex);
    size_t done = 0;
    while (done < n) {
        if (d_stats_every == 0) {
            done += d_kernel.process(y + done, x + done, n - done);
            break;
        }
        const uint64_t next = (d_kernel.events() / d_stats_every + 1) * d_stats_every;
        done += d_kernel.process(y + done, x + done, n - done, next);
        if (d_kernel.events() == next)
            publish_stats();
    }
    return noutput_items;
}

double sam_meter_impl::sam_mean() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_kernel.mean();
}
double sam_meter_impl::sam_sigma() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_kernel.sigma();
}
double sam_meter_impl::sam_db() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_kernel.snr_db();
}
uint64_t sam_meter_impl::events() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_kernel.events();
}
uint64_t sam_meter_impl::negatives() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_kernel.negatives();
}
double sam_meter_impl::d2() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_kernel.d2();
}
void sam_meter_impl::reset_stats()
{
    std::lock_guard<std::mutex> lock(d_mutex);
    d_kernel.reset_stats();
}

} // namespace ecdisc
} // namespace gr
