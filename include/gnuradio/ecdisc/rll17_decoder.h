/* -*- c++ -*- */
/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_ECDISC_RLL17_DECODER_H
#define INCLUDED_ECDISC_RLL17_DECODER_H

#include <gnuradio/block.h>
#include <gnuradio/ecdisc/api.h>
#include <cstdint>
namespace gr {
namespace ecdisc {

/*!
 * \brief Frame sync search and RLL(1,7) demodulation: channel bits in, bytes out.
 * \ingroup ecdisc
 *
 * Input: hard channel bits (uint8, 0/1) in NRZ form, 1 = transition (the
 * output of an nrzi_decoder). The decoder searches the sync pattern of
 * rll17_encoder (within sync_tolerance bit errors), decodes the frame payload
 * with the sliding-block decoder and emits frame_bytes bytes per frame.
 * Each frame opens with a "frame" tag (uint64 count of decoded frames); a frame
 * whose sync was not where the previous frame ended carries a "sync_lost" tag
 * (uint64: channel bits skipped). Frames with code-rule violations carry an
 * "rll_violations" tag (uint64 count): no error correction exists at this
 * stage, so such bytes are flagged, not trusted.
 */
class ECDISC_API rll17_decoder : virtual public gr::block
{
public:
    typedef std::shared_ptr<rll17_decoder> sptr;

    /*!
     * \param frame_bytes user bytes per frame, 1..4096 (as at the encoder)
     * \param sync_tolerance bit errors accepted in a sync pattern, 0..3
     */
    static sptr make(int frame_bytes = 64, int sync_tolerance = 2);

    //! true while frames follow each other with their syncs in place
    virtual bool locked() const = 0;
    //! frames decoded and emitted
    virtual uint64_t frames() const = 0;
    //! times the sync was lost and searched for again
    virtual uint64_t sync_losses() const = 0;
    //! code-rule violations seen in decoded payloads (d/k breaks, bad words)
    virtual uint64_t rll_violations() const = 0;
    //! frames that contained at least one violation
    virtual uint64_t frames_flagged() const = 0;
};

} // namespace ecdisc
} // namespace gr

#endif /* INCLUDED_ECDISC_RLL17_DECODER_H */
