/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "wobble_address_encoder_impl.h"
#include <gnuradio/io_signature.h>
#include <cmath>
#include <stdexcept>
#include <string>

namespace gr {
namespace ecdisc {

wobble_address_encoder::sptr wobble_address_encoder::make(int layer,
                                                          int start_track,
                                                          int start_segment,
                                                          double sps,
                                                          int wobble_period_bits,
                                                          int wobbles_per_unit,
                                                          int segments_per_track,
                                                          double amplitude)
{
    return gnuradio::make_block_sptr<wobble_address_encoder_impl>(layer,
                                                                  start_track,
                                                                  start_segment,
                                                                  sps,
                                                                  wobble_period_bits,
                                                                  wobbles_per_unit,
                                                                  segments_per_track,
                                                                  amplitude);
}

namespace {
const pmt::pmt_t k_address = pmt::mp("address");

pmt::pmt_t address_dict(const ::ecdisc::wobble_address& a)
{
    pmt::pmt_t d = pmt::make_dict();
    d = pmt::dict_add(d, pmt::mp("layer"), pmt::from_long(a.layer));
    d = pmt::dict_add(d, pmt::mp("track"), pmt::from_long(static_cast<long>(a.track)));
    d = pmt::dict_add(d, pmt::mp("segment"), pmt::from_long(a.segment));
    return d;
}

double checked_sps(double sps)
{
    if (!(sps >= 0.05 && sps <= 1000.0))
        throw std::invalid_argument("sps = " + std::to_string(sps) +
                                    ": must be 0.05..1000 samples per channel bit");
    return sps;
}
} // namespace

wobble_address_encoder_impl::wobble_address_encoder_impl(int layer,
                                                         int start_track,
                                                         int start_segment,
                                                         double sps,
                                                         int wobble_period_bits,
                                                         int wobbles_per_unit,
                                                         int segments_per_track,
                                                         double amplitude)
    : gr::sync_block("wobble_address_encoder",
                     gr::io_signature::make(0, 0, 0),
                     gr::io_signature::make(1, 1, sizeof(float))),
      d_mod(::ecdisc::wobble_format(wobble_period_bits, wobbles_per_unit, segments_per_track),
            ::ecdisc::wobble_address{ layer, start_track, start_segment }),
      d_sps(checked_sps(sps)),
      d_amplitude(amplitude)
{
    if (!(amplitude > 0.0) || !std::isfinite(amplitude))
        throw std::invalid_argument("amplitude = " + std::to_string(amplitude) +
                                    ": must be > 0");
}

uint64_t wobble_address_encoder_impl::word_start_sample(uint64_t j) const
{
    // first sample n with n / sps >= j * word length
    const double pos = static_cast<double>(j) *
                       static_cast<double>(d_mod.format().word_length_bits()) * d_sps;
    return static_cast<uint64_t>(std::ceil(pos - 1e-6));
}

int wobble_address_encoder_impl::work(int noutput_items,
                                      gr_vector_const_void_star&,
                                      gr_vector_void_star& output_items)
{
    auto* out = static_cast<float*>(output_items[0]);
    const uint64_t n0 = nitems_written(0);
    const auto n = static_cast<uint64_t>(noutput_items);
    d_mod.generate(static_cast<double>(n0) / d_sps, 1.0 / d_sps, out, n, d_amplitude);
    uint64_t j = d_words.load();
    for (uint64_t s = word_start_sample(j); s < n0 + n; s = word_start_sample(++j))
        add_item_tag(0, s, k_address, address_dict(d_mod.address_of_word(static_cast<int64_t>(j))));
    d_words.store(j);
    return noutput_items;
}

int64_t wobble_address_encoder_impl::word_length_bits() const
{
    return d_mod.format().word_length_bits();
}

std::vector<int64_t> wobble_address_encoder_impl::address_of_word(int64_t j) const
{
    if (j < 0)
        throw std::invalid_argument("j = " + std::to_string(j) + ": must be >= 0");
    const auto a = d_mod.address_of_word(j);
    return { a.layer, a.track, a.segment };
}

} // namespace ecdisc
} // namespace gr
