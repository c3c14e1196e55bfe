/* -*- c++ -*- */
/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_ECDISC_RLL17_ENCODER_H
#define INCLUDED_ECDISC_RLL17_ENCODER_H

#include <gnuradio/block.h>
#include <gnuradio/ecdisc/api.h>
#include <cstdint>
namespace gr {
namespace ecdisc {

/*!
 * \brief RLL(1,7) modulator with frame sync: user bytes in, channel bits out.
 * \ingroup ecdisc
 *
 * Input: bytes (uint8, 8 user bits each, MSB first). Output: channel bits
 * (uint8, 0 or 1) in NRZ form, 1 = a transition (feed an nrzi_encoder).
 * Every frame_bytes input bytes become one recording frame: a 24-bit sync
 * pattern (two 9T runs, which coded data never contains) followed by the
 * rate-2/3 (d=1, k=7) code of the frame payload, terminated inside the frame.
 * A "frame" tag (uint64 frame number) marks the first channel bit of each
 * sync. Input that does not fill a whole frame waits for more input.
 */
class ECDISC_API rll17_encoder : virtual public gr::block
{
public:
    typedef std::shared_ptr<rll17_encoder> sptr;

    /*!
     * \param frame_bytes user bytes per recording frame, 1..4096
     */
    static sptr make(int frame_bytes = 64);

    //! user bytes per frame
    virtual int frame_bytes() const = 0;
    //! channel bits per frame, sync included
    virtual int frame_bits() const = 0;
    //! frames emitted so far
    virtual uint64_t frames() const = 0;
};

} // namespace ecdisc
} // namespace gr

#endif /* INCLUDED_ECDISC_RLL17_ENCODER_H */
