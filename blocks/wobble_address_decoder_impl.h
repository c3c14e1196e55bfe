/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_ECDISC_WOBBLE_ADDRESS_DECODER_IMPL_H
#define INCLUDED_ECDISC_WOBBLE_ADDRESS_DECODER_IMPL_H

#include "wobble_address.h"
#include <gnuradio/ecdisc/wobble_address_decoder.h>
#include <mutex>

namespace gr {
namespace ecdisc {

class wobble_address_decoder_impl : public wobble_address_decoder
{
public:
    wobble_address_decoder_impl(double sps,
                                int wobble_period_bits,
                                int wobbles_per_unit,
                                int segments_per_track,
                                int max_layers,
                                double loop_bw);

    int work(int noutput_items,
             gr_vector_const_void_star& input_items,
             gr_vector_void_star& output_items) override;

    uint64_t words() const override;
    uint64_t words_failed() const override;
    bool locked() const override;
    bool synced() const override;
    std::vector<int64_t> last_address() const override;
    double frequency() const override;

private:
    mutable std::mutex d_mutex; // kernel: work vs. getters
    ::ecdisc::wobble_address_decoder d_kernel;
    std::vector<::ecdisc::wobble_word> d_found;
    std::vector<int64_t> d_last;
};

} // namespace ecdisc
} // namespace gr

#endif
