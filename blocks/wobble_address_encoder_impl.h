/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_ECDISC_WOBBLE_ADDRESS_ENCODER_IMPL_H
#define INCLUDED_ECDISC_WOBBLE_ADDRESS_ENCODER_IMPL_H

#include "wobble_address.h"
#include <gnuradio/ecdisc/wobble_address_encoder.h>
#include <atomic>

namespace gr {
namespace ecdisc {

class wobble_address_encoder_impl : public wobble_address_encoder
{
public:
    wobble_address_encoder_impl(int layer,
                                int start_track,
                                int start_segment,
                                double sps,
                                int wobble_period_bits,
                                int wobbles_per_unit,
                                int segments_per_track,
                                double amplitude);

    int work(int noutput_items,
             gr_vector_const_void_star& input_items,
             gr_vector_void_star& output_items) override;

    int64_t word_length_bits() const override;
    std::vector<int64_t> address_of_word(int64_t j) const override;
    uint64_t words() const override { return d_words.load(); }

private:
    uint64_t word_start_sample(uint64_t j) const;

    ::ecdisc::wobble_address_modulator d_mod;
    double d_sps;
    double d_amplitude;
    std::atomic<uint64_t> d_words{ 0 }; // next word to tag
};

} // namespace ecdisc
} // namespace gr

#endif
