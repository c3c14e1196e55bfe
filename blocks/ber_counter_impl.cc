/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ber_counter_impl.h"
#include <gnuradio/io_signature.h>

namespace gr {
namespace ecdisc {

ber_counter::sptr ber_counter::make(int max_lag, int align_bits)
{
    return gnuradio::make_block_sptr<ber_counter_impl>(max_lag, align_bits);
}

ber_counter_impl::ber_counter_impl(int max_lag, int align_bits)
    : gr::block("ber_counter",
                gr::io_signature::make(2, 2, sizeof(uint8_t)),
                gr::io_signature::make(0, 0, 0)),
      d_kernel(max_lag, align_bits)
{
}

/*
 * Scheduling. The GNU Radio scheduler retires a sink as soon as one of its
 * inputs is finished and empty, and the two streams finish at very different
 * times (the reference is ready at once, the detected bits come through the
 * whole read chain). So the last item of the stream that runs ahead is read
 * into the kernel but left in its buffer: that input can never retire the
 * block, which lives until the lagging stream ends; every other item is
 * consumed at once. The block then waits for the lagging input (forecast)
 * instead of spinning on the held item.
 */
void ber_counter_impl::forecast(int, gr_vector_int& ninput_items_required)
{
    ninput_items_required[0] = d_lagging == 0 ? 1 : 0;
    ninput_items_required[1] = d_lagging == 1 ? 1 : 0;
}

int ber_counter_impl::general_work(int,
                                   gr_vector_int& ninput_items,
                                   gr_vector_const_void_star& input_items,
                                   gr_vector_void_star&)
{
    const auto* ref = static_cast<const uint8_t*>(input_items[0]);
    const auto* rcv = static_cast<const uint8_t*>(input_items[1]);
    const int n[2] = { ninput_items[0], ninput_items[1] };
    int ahead;
    {
        std::lock_guard<std::mutex> lock(d_mutex);
        if (n[0] > d_held[0])
            d_kernel.push_reference(ref + d_held[0],
                                    static_cast<size_t>(n[0] - d_held[0]));
        if (n[1] > d_held[1])
            d_kernel.push_received(rcv + d_held[1],
                                   static_cast<size_t>(n[1] - d_held[1]));
        if (!d_logged_align && d_kernel.aligned()) {
            d_logged_align = true;
            d_logger->trace("aligned: lag {} bits", d_kernel.lag());
        }
        // received[j] pairs with reference[j - lag]
        const int64_t ref_end =
            static_cast<int64_t>(d_kernel.reference_bits()) + d_kernel.lag();
        ahead = ref_end >= static_cast<int64_t>(d_kernel.received_bits()) ? 0 : 1;
    }
    for (int i = 0; i < 2; i++) {
        const int keep = (i == ahead && n[i] > 0) ? 1 : 0;
        consume(i, n[i] - keep);
        d_held[i] = keep;
    }
    d_lagging = 1 - ahead;
    return 0;
}

bool ber_counter_impl::stop()
{
    std::lock_guard<std::mutex> lock(d_mutex);
    if (!d_kernel.aligned())
        d_logger->warn("never aligned: {} reference and {} detected bits, {} + {} needed",
                       d_kernel.reference_bits(),
                       d_kernel.received_bits(),
                       d_kernel.align_bits(),
                       d_kernel.max_lag());
    return true;
}

bool ber_counter_impl::aligned() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_kernel.aligned();
}

int ber_counter_impl::lag() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_kernel.lag();
}

uint64_t ber_counter_impl::reference_bits() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_kernel.reference_bits();
}

uint64_t ber_counter_impl::bits_compared() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_kernel.bits_compared();
}

uint64_t ber_counter_impl::errors() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_kernel.errors();
}

double ber_counter_impl::ber() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_kernel.ber();
}

} // namespace ecdisc
} // namespace gr
