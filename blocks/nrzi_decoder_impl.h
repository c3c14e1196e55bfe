/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_ECDISC_NRZI_DECODER_IMPL_H
#define INCLUDED_ECDISC_NRZI_DECODER_IMPL_H

#include "nrzi.h"
#include <gnuradio/ecdisc/nrzi_decoder.h>

namespace gr {
namespace ecdisc {

class nrzi_decoder_impl : public nrzi_decoder
{
public:
    explicit nrzi_decoder_impl(int initial_level);

    int work(int noutput_items,
             gr_vector_const_void_star& input_items,
             gr_vector_void_star& output_items) override;

private:
    ::ecdisc::nrzi_decoder d_kernel;
};

} // namespace ecdisc
} // namespace gr

#endif
