/* -*- c++ -*- */
/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_ECDISC_RLL17PP_DECODER_H
#define INCLUDED_ECDISC_RLL17PP_DECODER_H

#include <gnuradio/block.h>
#include <gnuradio/ecdisc/api.h>
#include <cstdint>
namespace gr {
namespace ecdisc {

/*!
 * \brief Frame lock and 17PP-class RLL(1,7) demodulation: channel bits in,
 * bytes (and erasure flags) out, aligned to absolute frame numbers.
 * \ingroup ecdisc
 *
 * Input: hard channel bits (uint8 0/1) in NRZ form (the output of an
 * nrzi_decoder). Output 0: frame_bytes bytes per frame, in frame-number order
 * from first_frame. Output 1 (optional): one flag per byte, 1 = erased.
 * Frames not received (gaps in the numbers, frames before the first one
 * found, frames whose bits could not be trusted) are output as zeros, all
 * erased, so that each byte keeps its absolute position. Bytes decoded from
 * words that broke a code rule are erased too.
 *
 * Lock: sync within sync_tolerance bit errors (2 or more only if confirmed by
 * a sync one frame later); locked after lock_syncs consecutive syncs at the
 * frame spacing; while locked a missing sync is flywheeled; unlock_misses
 * consecutive misses lose the lock and the search restarts after the last
 * sync found. A frame is output once a sync on its frame grid follows it, so
 * the last frame of a stream waits for the next sync (frames that never
 * arrive are not output). Details: lib/rll17pp.h.
 *
 * Tags on output 0, at the first byte of a frame: "frame" (uint64 number);
 * "sync_lost" (uint64: frames missing, i.e. output as fillers, just before
 * this frame) on the first received frame after a gap; "erased" (uint64:
 * number of filler frames in the run) on the first filler frame of a run.
 */
class ECDISC_API rll17pp_decoder : virtual public gr::block
{
public:
    typedef std::shared_ptr<rll17pp_decoder> sptr;

    /*!
     * \param frame_bytes user bytes per frame, 1..4096 (as at the encoder)
     * \param sync_tolerance bit errors accepted in a sync, 0..3
     * \param lock_syncs consecutive syncs at the frame spacing to lock, 1..16
     * \param unlock_misses consecutive missed syncs that lose the lock, 1..64
     * \param first_frame number of the first frame to output, below 2^24
     * \param dc_interval as at the encoder, 8..4096
     */
    static sptr make(int frame_bytes = 128,
                     int sync_tolerance = 2,
                     int lock_syncs = 2,
                     int unlock_misses = 3,
                     uint64_t first_frame = 0,
                     int dc_interval = 45);

    virtual bool locked() const = 0;
    //! frames received and output (fillers not included)
    virtual uint64_t frames() const = 0;
    //! filler frames output (zeros, erased)
    virtual uint64_t frames_missing() const = 0;
    //! times the frame grid was lost (lock lost, or a bit slip found)
    virtual uint64_t sync_losses() const = 0;
    //! syncs missing at their place while locked (flywheeled)
    virtual uint64_t missed_syncs() const = 0;
    //! code-rule violations (adjacent ones, runs over 8T)
    virtual uint64_t rll_violations() const = 0;
    //! bytes output with the erasure flag (fillers included)
    virtual uint64_t bytes_erased() const = 0;
    //! frames dropped: number backwards or implausibly far ahead
    virtual uint64_t frames_dropped() const = 0;
};

} // namespace ecdisc
} // namespace gr

#endif /* INCLUDED_ECDISC_RLL17PP_DECODER_H */
