/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_ECDISC_PRML_VITERBI_IMPL_H
#define INCLUDED_ECDISC_PRML_VITERBI_IMPL_H

#include "prml_viterbi.h"
#include <gnuradio/ecdisc/prml_viterbi.h>

namespace gr {
namespace ecdisc {

class prml_viterbi_impl : public prml_viterbi
{
public:
    prml_viterbi_impl(const std::vector<double>& target,
                      int decision_delay,
                      double scale,
                      int parallel_segment);

    int work(int noutput_items,
             gr_vector_const_void_star& input_items,
             gr_vector_void_star& output_items) override;

    int latency() const override { return static_cast<int>(d_kernel.latency()); }
    int num_states() const override { return d_kernel.num_states(); }
    int parallel_segment() const override { return d_kernel.parallel_segment(); }
    bool check_topology(int ninputs, int noutputs) override;

private:
    ::ecdisc::prml_viterbi d_kernel;
};

} // namespace ecdisc
} // namespace gr

#endif
