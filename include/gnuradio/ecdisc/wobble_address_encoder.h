/* -*- c++ -*- */
/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_ECDISC_WOBBLE_ADDRESS_ENCODER_H
#define INCLUDED_ECDISC_WOBBLE_ADDRESS_ENCODER_H

#include <gnuradio/ecdisc/api.h>
#include <gnuradio/sync_block.h>
#include <cstdint>
#include <vector>

namespace gr {
namespace ecdisc {

/*!
 * \brief Groove wobble carrying address words (ADIP-like), as a waveform.
 * \ingroup ecdisc
 *
 * Source. Output: the groove's radial displacement (float, +-amplitude) at
 * sps samples per channel bit, for consecutive address words starting at
 * (layer, start_track, start_segment); the segment counts up and wraps to
 * the next track after segments_per_track words.
 *
 * Format (lib/wobble_address.h): wobble = one sine period of
 * wobble_period_bits channel bits, inverted (marked) or not; units of
 * wobbles_per_unit (U) wobbles with marked wobbles {0,1,6,7} (sync),
 * {0,2,3} (bit 1), {0,4,5} (bit 0); a word = sync unit + 80 bit units = the
 * RS(10,4) GF(256) codeword of layer<<28 | track<<8 | segment (4, 20 and
 * 8 bits), MSB first. Word length 81 U wobble_period_bits channel bits.
 *
 * Tag "address" at the first sample of each word: a dict {layer, track,
 * segment}.
 */
class ECDISC_API wobble_address_encoder : virtual public gr::sync_block
{
public:
    typedef std::shared_ptr<wobble_address_encoder> sptr;

    /*!
     * \param layer 0..15
     * \param start_track 0..1048575
     * \param start_segment 0..segments_per_track-1
     * \param sps samples per channel bit, 0.05..1000
     * \param wobble_period_bits channel bits per wobble, 8..1000
     * \param wobbles_per_unit wobbles per bit unit, 8..64
     * \param segments_per_track words per track, 1..256
     * \param amplitude output amplitude, > 0
     */
    static sptr make(int layer = 0,
                     int start_track = 0,
                     int start_segment = 0,
                     double sps = 1.0,
                     int wobble_period_bits = 69,
                     int wobbles_per_unit = 8,
                     int segments_per_track = 256,
                     double amplitude = 1.0);

    //! channel bits per address word
    virtual int64_t word_length_bits() const = 0;
    //! address of the j-th word output: {layer, track, segment}
    virtual std::vector<int64_t> address_of_word(int64_t j) const = 0;
    //! words begun so far
    virtual uint64_t words() const = 0;
};

} // namespace ecdisc
} // namespace gr

#endif /* INCLUDED_ECDISC_WOBBLE_ADDRESS_ENCODER_H */
