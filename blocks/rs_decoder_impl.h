/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_ECDISC_RS_DECODER_IMPL_H
#define INCLUDED_ECDISC_RS_DECODER_IMPL_H

#include "reed_solomon.h"
#include <gnuradio/ecdisc/rs_decoder.h>
#include <pmt/pmt.h>
#include <atomic>
#include <vector>

namespace gr {
namespace ecdisc {

class rs_decoder_impl : public rs_decoder
{
public:
    rs_decoder_impl(int n, int k, int gf_poly, int fcr, int prim);

    int work(int noutput_items,
             gr_vector_const_void_star& input_items,
             gr_vector_void_star& output_items) override;

    int n() const override { return d_rs.n(); }
    int k() const override { return d_rs.k(); }
    uint64_t codewords() const override { return d_codewords; }
    uint64_t corrected_symbols() const override { return d_corrected; }
    uint64_t failures() const override { return d_failures; }

private:
    ::ecdisc::reed_solomon d_rs;
    std::vector<uint8_t> d_work; // one codeword being corrected
    const pmt::pmt_t d_status_key;
    std::vector<pmt::pmt_t> d_status; // [r + 1]: the tag value for status r
    std::atomic<uint64_t> d_codewords{ 0 }, d_corrected{ 0 }, d_failures{ 0 };
};

} // namespace ecdisc
} // namespace gr

#endif
