/* -*- c++ -*- */
/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_ECDISC_NRZI_DECODER_H
#define INCLUDED_ECDISC_NRZI_DECODER_H

#include <gnuradio/ecdisc/api.h>
#include <gnuradio/sync_block.h>
#include <cstdint>
namespace gr {
namespace ecdisc {

/*!
 * \brief NRZI decoding: output 1 where the level changed from the previous bit.
 * \ingroup ecdisc
 *
 * Input: detected levels (uint8 0/1). Output: channel bits (uint8 0/1,
 * 1 = transition).
 */
class ECDISC_API nrzi_decoder : virtual public gr::sync_block
{
public:
    typedef std::shared_ptr<nrzi_decoder> sptr;
    /*! \param initial_level level assumed before the first input, 0 or 1 */
    static sptr make(int initial_level = 0);
};

} // namespace ecdisc
} // namespace gr

#endif /* INCLUDED_ECDISC_NRZI_DECODER_H */
