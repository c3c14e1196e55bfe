/* -*- c++ -*- */
/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_ECDISC_WOBBLE_ADDRESS_DECODER_H
#define INCLUDED_ECDISC_WOBBLE_ADDRESS_DECODER_H

#include <gnuradio/ecdisc/api.h>
#include <gnuradio/sync_block.h>
#include <cstdint>
#include <vector>

namespace gr {
namespace ecdisc {

/*!
 * \brief Wobble address (ADIP-like) decoder on a push-pull signal.
 * \ingroup ecdisc
 *
 * Input: push-pull (float) at sps samples per channel bit, any offset and
 * scale, with noise. Output (optional): the input, unchanged, carrying the
 * tags. The format is that of wobble_address_encoder.
 *
 * A wobble PLL (decision-directed BPSK phase detector, once per wobble,
 * acquisition bandwidth 0.03 of the wobble rate, loop_bw once locked; pulls
 * in +-1% off the nominal 1 / (wobble_period_bits sps) cycles per sample)
 * correlates each wobble; word sync by the sync-unit pattern; the 80 bits
 * are RS(10,4)-decoded with at most 2 byte corrections (at most 1 while
 * searching for word sync) and checked (layer < max_layers, segment <
 * segments_per_track). A good word gives:
 *  - a tag "address" on the output at the sample where the word was
 *    decoded (its last wobble), and
 *  - a message on port "address",
 * both a dict {layer, track, segment, start (uint64: input sample where the
 * word began), corrected (bytes corrected)}. A word that fails is counted
 * in words_failed() and never emitted (see lib/wobble_address.h).
 * Upstream tags pass through to the output unchanged (an encoder's
 * "address" tags too; the decoder's own carry the key "start").
 */
class ECDISC_API wobble_address_decoder : virtual public gr::sync_block
{
public:
    typedef std::shared_ptr<wobble_address_decoder> sptr;

    /*!
     * \param sps samples per channel bit, 0.05..1000 (>= 8 samples per wobble)
     * \param wobble_period_bits channel bits per wobble, 8..1000
     * \param wobbles_per_unit wobbles per bit unit, 8..64
     * \param segments_per_track words per track, 1..256
     * \param max_layers layers an address may name, 1..16
     * \param loop_bw PLL noise bandwidth when locked, fraction of the wobble
     *        rate, 0.001..0.1
     */
    static sptr make(double sps = 1.0,
                     int wobble_period_bits = 69,
                     int wobbles_per_unit = 8,
                     int segments_per_track = 256,
                     int max_layers = 16,
                     double loop_bw = 0.01);

    //! words decoded and emitted
    virtual uint64_t words() const = 0;
    //! words found in sync that failed ECC or the range checks
    virtual uint64_t words_failed() const = 0;
    //! wobble PLL locked
    virtual bool locked() const = 0;
    //! word sync held
    virtual bool synced() const = 0;
    //! {layer, track, segment} of the last good word; empty before the first
    virtual std::vector<int64_t> last_address() const = 0;
    //! wobble frequency estimate, cycles per sample
    virtual double frequency() const = 0;
};

} // namespace ecdisc
} // namespace gr

#endif /* INCLUDED_ECDISC_WOBBLE_ADDRESS_DECODER_H */
