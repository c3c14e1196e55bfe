/* -*- c++ -*- */
/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_ECDISC_RLL17PP_ENCODER_H
#define INCLUDED_ECDISC_RLL17PP_ENCODER_H

#include <gnuradio/block.h>
#include <gnuradio/ecdisc/api.h>
#include <cstdint>
namespace gr {
namespace ecdisc {

/*!
 * \brief 17PP-class RLL(1,7) modulator with DC control and numbered frames:
 * user bytes in, channel bits out.
 * \ingroup ecdisc
 *
 * Input: bytes (uint8, MSB first). Output: channel bits (uint8 0/1) in NRZ
 * form, 1 = a transition (feed an nrzi_encoder). Every frame_bytes input
 * bytes become one recording frame of frame_bits() channel bits: a 24-bit
 * sync (two 9T runs, never produced by data) and the rate-2/3 parity-
 * preserving d=1, k=7 code (at most 6 consecutive 2T runs) of a header
 * (24-bit frame number from first_frame, CRC-8) and the bytes, with one
 * DC-control bit in front of every dc_interval information bits, chosen to
 * keep the running digital sum of the NRZI waveform small. The code table
 * and the frame layout are documented in lib/rll17pp.h.
 * A "frame" tag (uint64 frame number) marks the first bit of each sync;
 * upstream tags are not propagated. Input that does not fill a whole frame
 * waits for more input.
 */
class ECDISC_API rll17pp_encoder : virtual public gr::block
{
public:
    typedef std::shared_ptr<rll17pp_encoder> sptr;

    /*!
     * \param frame_bytes user bytes per frame, 1..4096
     * \param first_frame number of the first frame, below 2^24
     * \param dc_interval information bits per DC-control bit, 8..4096
     */
    static sptr
    make(int frame_bytes = 128, uint64_t first_frame = 0, int dc_interval = 45);

    //! user bytes per frame
    virtual int frame_bytes() const = 0;
    //! channel bits per frame: 24 + 3 * T / 2 (lib/rll17pp.h)
    virtual int frame_bits() const = 0;
    //! frames emitted so far
    virtual uint64_t frames() const = 0;
    //! largest |running digital sum| of the NRZI waveform so far
    virtual int64_t max_abs_rds() const = 0;
    //! running digital sum now
    virtual int64_t rds() const = 0;
};

} // namespace ecdisc
} // namespace gr

#endif /* INCLUDED_ECDISC_RLL17PP_ENCODER_H */
