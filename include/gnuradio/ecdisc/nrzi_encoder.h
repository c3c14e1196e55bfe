/* -*- c++ -*- */
/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_ECDISC_NRZI_ENCODER_H
#define INCLUDED_ECDISC_NRZI_ENCODER_H

#include <gnuradio/ecdisc/api.h>
#include <gnuradio/sync_block.h>
#include <cstdint>
namespace gr {
namespace ecdisc {

/*!
 * \brief NRZI: a 1 toggles the write level, a 0 keeps it.
 * \ingroup ecdisc
 *
 * Input: channel bits (uint8 0/1, 1 = transition). Output: levels (uint8 0/1,
 * 1 = mark), one per channel bit.
 */
class ECDISC_API nrzi_encoder : virtual public gr::sync_block
{
public:
    typedef std::shared_ptr<nrzi_encoder> sptr;
    /*! \param initial_level level before the first bit, 0 or 1 */
    static sptr make(int initial_level = 0);
    //! current level (the last one written)
    virtual int level() const = 0;
};

} // namespace ecdisc
} // namespace gr

#endif /* INCLUDED_ECDISC_NRZI_ENCODER_H */
