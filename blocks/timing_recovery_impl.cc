/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "timing_recovery_impl.h"
#include <gnuradio/io_signature.h>
#include <algorithm>

namespace gr {
namespace ecdisc {

timing_recovery::sptr timing_recovery::make(
    double sps, double loop_bw, double damping, double max_deviation, int phase_interval)
{
    return gnuradio::make_block_sptr<timing_recovery_impl>(
        sps, loop_bw, damping, max_deviation, phase_interval);
}

namespace {
const pmt::pmt_t k_lock = pmt::mp("timing_lock");
const pmt::pmt_t k_phase = pmt::mp("timing_phase");
const pmt::pmt_t k_period = pmt::mp("timing_period");
} // namespace

timing_recovery_impl::timing_recovery_impl(
    double sps, double loop_bw, double damping, double max_deviation, int phase_interval)
    : gr::block("timing_recovery",
                gr::io_signature::make(1, 1, sizeof(float)),
                gr::io_signature::make(1, 1, sizeof(float))),
      d_kernel(sps, loop_bw, damping, max_deviation, phase_interval)
{
    set_relative_rate(1.0 / sps);
    // input tags go to the first output bit whose centre is at or after them
    set_tag_propagation_policy(TPP_DONT);
}

void timing_recovery_impl::forecast(int noutput_items,
                                    gr_vector_int& ninput_items_required)
{
    // A hint: the kernel uses what it is given and may emit fewer bits.
    std::lock_guard<std::mutex> lock(d_mutex);
    ninput_items_required[0] =
        static_cast<int>(d_kernel.input_needed(static_cast<size_t>(noutput_items)));
}

int timing_recovery_impl::general_work(int noutput_items,
                                       gr_vector_int& ninput_items,
                                       gr_vector_const_void_star& input_items,
                                       gr_vector_void_star& output_items)
{
    const auto* in = static_cast<const float*>(input_items[0]);
    auto* out = static_cast<float*>(output_items[0]);
    const uint64_t first = nitems_written(0);
    if (d_positions.size() < static_cast<size_t>(noutput_items))
        d_positions.resize(static_cast<size_t>(noutput_items));
    std::lock_guard<std::mutex> lock(d_mutex);
    const uint64_t bits0 = d_kernel.bits_out();
    size_t consumed = 0;
    const size_t n = d_kernel.process(in,
                                      static_cast<size_t>(ninput_items[0]),
                                      out,
                                      static_cast<size_t>(noutput_items),
                                      &consumed,
                                      d_positions.data());
    // Input tags: those of the samples consumed now, after the ones held
    // back (their bit was not out yet); each goes to the first output bit
    // whose centre is at or after the tag's item, or waits for it.
    const uint64_t r0 = nitems_read(0);
    get_tags_in_range(d_tags, 0, r0, r0 + consumed);
    d_tags.insert(d_tags.begin(), d_held.begin(), d_held.end());
    d_held.clear();
    const auto* pb = d_positions.data();
    for (const auto& t : d_tags) {
        const auto* p = std::lower_bound(pb, pb + n, static_cast<double>(t.offset));
        if (p == pb + n) {
            d_held.push_back(t);
            continue;
        }
        add_item_tag(0, first + static_cast<uint64_t>(p - pb), t.key, t.value, t.srcid);
    }
    if (!d_start_tagged && n > 0) {
        // the initial state, on output item 0 (before any change there)
        add_item_tag(0, first, k_lock, pmt::PMT_F);
        d_start_tagged = true;
    }
    for (const auto& e : d_kernel.events()) {
        const uint64_t offset = first + (e.bit - bits0);
        if (e.kind == e.lock) {
            add_item_tag(0, offset, k_lock, pmt::from_bool(e.locked));
            d_logger->debug("{} at bit {}", e.locked ? "locked" : "lost lock", e.bit);
        } else {
            add_item_tag(0, offset, k_phase, pmt::from_double(e.position));
            add_item_tag(0, offset, k_period, pmt::from_double(e.period));
        }
    }
    consume_each(static_cast<int>(consumed));
    return static_cast<int>(n);
}

bool timing_recovery_impl::locked() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_kernel.locked();
}

double timing_recovery_impl::samples_per_bit_estimate() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_kernel.samples_per_bit_estimate();
}

uint64_t timing_recovery_impl::bits_out() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_kernel.bits_out();
}

double timing_recovery_impl::lock_metric() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_kernel.lock_metric();
}

double timing_recovery_impl::loop_bw() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_kernel.loop_bw();
}

void timing_recovery_impl::set_loop_bw(double loop_bw)
{
    std::lock_guard<std::mutex> lock(d_mutex);
    d_kernel.set_loop_bw(loop_bw);
}

} // namespace ecdisc
} // namespace gr
