/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_ECDISC_RS_ENCODER_IMPL_H
#define INCLUDED_ECDISC_RS_ENCODER_IMPL_H

#include "reed_solomon.h"
#include <gnuradio/ecdisc/rs_encoder.h>
#include <atomic>

namespace gr {
namespace ecdisc {

class rs_encoder_impl : public rs_encoder
{
public:
    rs_encoder_impl(int n, int k, int gf_poly, int fcr, int prim);

    int work(int noutput_items,
             gr_vector_const_void_star& input_items,
             gr_vector_void_star& output_items) override;

    int n() const override { return d_rs.n(); }
    int k() const override { return d_rs.k(); }
    uint64_t codewords() const override { return d_codewords; }

private:
    ::ecdisc::reed_solomon d_rs;
    std::atomic<uint64_t> d_codewords{ 0 };
};

} // namespace ecdisc
} // namespace gr

#endif
