/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_ECDISC_NRZI_ENCODER_IMPL_H
#define INCLUDED_ECDISC_NRZI_ENCODER_IMPL_H

#include "nrzi.h"
#include <gnuradio/ecdisc/nrzi_encoder.h>

namespace gr {
namespace ecdisc {

class nrzi_encoder_impl : public nrzi_encoder
{
public:
    explicit nrzi_encoder_impl(int initial_level);

    int work(int noutput_items,
             gr_vector_const_void_star& input_items,
             gr_vector_void_star& output_items) override;
    int level() const override { return d_kernel.level(); }

private:
    ::ecdisc::nrzi_encoder d_kernel;
};

} // namespace ecdisc
} // namespace gr

#endif
