/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "prml_viterbi_impl.h"
#include <gnuradio/io_signature.h>

namespace gr {
namespace ecdisc {

prml_viterbi::sptr
prml_viterbi::make(const std::vector<double>& target,
                   int decision_delay,
                   double scale,
                   int parallel_segment)
{
    return gnuradio::make_block_sptr<prml_viterbi_impl>(
        target, decision_delay, scale, parallel_segment);
}

prml_viterbi_impl::prml_viterbi_impl(const std::vector<double>& target,
                                     int decision_delay,
                                     double scale,
                                     int parallel_segment)
    : gr::sync_block("prml_viterbi",
                     gr::io_signature::make(1, 1, sizeof(float)),
                     gr::io_signature::makev(1, 2, { sizeof(uint8_t), sizeof(float) })),
      d_kernel(target, decision_delay, scale, parallel_segment)
{
    d_logger->debug("{} states, latency {} items, traceback every {}",
                    d_kernel.num_states(),
                    d_kernel.latency(),
                    d_kernel.traceback_stride());
}

bool prml_viterbi_impl::check_topology(int, int noutputs)
{
    if (noutputs > 1 && d_kernel.parallel_segment() > 0) {
        d_logger->error("the reliability output is not available in the "
                        "segment-parallel mode (parallel_segment = {}): use 0",
                        d_kernel.parallel_segment());
        return false;
    }
    return true;
}

int prml_viterbi_impl::work(int noutput_items,
                            gr_vector_const_void_star& input_items,
                            gr_vector_void_star& output_items)
{
    const auto* in = static_cast<const float*>(input_items[0]);
    auto* out = static_cast<uint8_t*>(output_items[0]);
    auto* rel = output_items.size() > 1 ? static_cast<float*>(output_items[1]) : nullptr;
    d_kernel.process(in, static_cast<size_t>(noutput_items), out, rel);
    return noutput_items;
}

} // namespace ecdisc
} // namespace gr
