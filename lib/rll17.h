/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef ECDISC_KERNEL_RLL17_H
#define ECDISC_KERNEL_RLL17_H

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <vector>

namespace ecdisc {

/*
 * RLL(1,7) rate-2/3 modulation code with frame sync.
 *
 * Channel bits are in NRZ form, 1 = a transition. User bits are taken two at
 * a time (MSB first within each byte).
 *
 *   basic words:        00->101  01->100  10->001  11->010
 *   substitution words: 0000->101000  0001->100000  1000->001000  1001->010000
 *
 * Greedy, left to right: when the current pair is 00 or 10 and the NEXT pair
 * (inside the same frame) is 00 or 01, the two pairs take the 6-bit word and
 * the encoder advances by two pairs; otherwise the current pair takes its
 * basic word. The last pair of a frame, when it is reached as the current
 * pair, has no look-ahead and is always coded with its basic word (it may
 * still be the second half of a substitution started by the pair before it;
 * forbidding that would break d=1, e.g. 00|00 -> 101|101).
 *
 * Why d=1 and k=7 hold: the only basic-word junction with two adjacent ones
 * is (00 or 10 -> word ends in 1) followed by (00 or 01 -> word starts with
 * 1), and exactly that case is substituted; substitution words end in 000.
 * The longest zero run inside coded data is 100000 followed by 001 = 7 zeros.
 *
 * Frame: sync (24 bits) + payload (12 * frame_bytes bits).
 *   sync = 0 1 00000000 1 00000000 1 0010  (two 9T runs, never in coded data)
 * A payload ends with at most 5 zeros and the sync starts with "01", so the
 * payload->sync junction has at most 6 zeros and no adjacent ones; the sync
 * ends with "10" and every word starts with at most 2 zeros, so the
 * sync->payload junction has at most 3 zeros.
 */

constexpr int rll17_sync_bits = 24;
//! the sync pattern, MSB = first channel bit
constexpr uint32_t rll17_sync_word = 0x402012u; // 0100 0000 0010 0000 0001 0010
//! the sync pattern as channel bits
extern const std::array<uint8_t, rll17_sync_bits> rll17_sync;

//! throws std::invalid_argument naming the parameter unless 1 <= frame_bytes <= 4096
int rll17_check_frame_bytes(int frame_bytes);
//! throws std::invalid_argument naming the parameter unless 0 <= tol <= 3
int rll17_check_sync_tolerance(int sync_tolerance);
//! channel bits per frame: 24 + 12 * frame_bytes
inline int rll17_frame_bits(int frame_bytes)
{
    return rll17_sync_bits + 12 * frame_bytes;
}
//! Hamming distance between the 24 bits at p and the sync pattern
int rll17_sync_distance(const uint8_t* p);

/*! Encodes n_bytes user bytes as one terminated code block (substitution
 *  never reaches beyond the block): writes exactly 12 * n_bytes channel bits. */
void rll17_encode_payload(const uint8_t* bytes, size_t n_bytes, uint8_t* bits);

/*! Decodes 12 * n_bytes channel bits of one payload (word-aligned) into
 *  n_bytes bytes with the sliding-block decoder. Returns the number of
 *  code-rule violations seen (see rll17_decoder). */
uint64_t rll17_decode_payload(const uint8_t* bits, size_t n_bytes, uint8_t* bytes);

/*! Frame encoder: frame_bytes bytes -> sync + payload. */
class rll17_encoder
{
public:
    explicit rll17_encoder(int frame_bytes);
    int frame_bytes() const { return d_frame_bytes; }
    int frame_bits() const { return rll17_frame_bits(d_frame_bytes); }
    //! in: frame_bytes bytes; out: frame_bits channel bits
    void encode_frame(const uint8_t* in, uint8_t* out) const;
    //! bytes.size() must equal frame_bytes (std::invalid_argument otherwise)
    std::vector<uint8_t> encode_frame(const std::vector<uint8_t>& bytes) const;

private:
    int d_frame_bytes;
};

//! one decoded frame and its status
struct rll17_frame {
    uint64_t number = 0;        //!< 0-based index among the decoded frames
    uint64_t sync_position = 0; //!< stream index of the first sync bit
    int sync_distance = 0;      //!< bit errors in the received sync
    bool sync_lost = false;     //!< sync not exactly where expected
    uint64_t bits_skipped = 0;  //!< |found - expected| in channel bits (if sync_lost)
    uint64_t violations = 0;    //!< code-rule violations in the payload
    std::vector<uint8_t> bytes; //!< frame_bytes decoded bytes
};

/*!
 * Streaming frame-sync and RLL(1,7) demodulation state machine. push() takes
 * chunks of hard channel bits of any size; complete frames queue up and are
 * read with front()/pop(). The output does not depend on the chunking.
 *
 * Sync rules:
 *  - the stream is expected to start with a sync at bit 0;
 *  - tracking: after a frame, the next sync is expected right after its
 *    payload and accepted there if its Hamming distance is <= tolerance;
 *    otherwise the best candidate (smallest distance, then nearest) within
 *    +-8 bits is taken (bit slip); otherwise the decoder loses lock and
 *    searches the stream again from the start of the last payload (so a sync
 *    that came early because bits were dropped is still found; the frame
 *    already emitted from that region is then wrong, and the next frame's
 *    sync_lost says so);
 *  - full search: a candidate at distance 0 or 1 is accepted at once (coded
 *    data is never within distance 1 of the sync); a candidate at distance
 *    2..tolerance is accepted only if a second sync (distance <= tolerance)
 *    follows exactly one frame later, because coded data can come within
 *    distance 2 of the sync.
 * A frame whose sync was not exactly where expected (including a first sync
 * not at stream bit 0) has sync_lost set and bits_skipped = the distance in
 * channel bits between the expected and the found place (either side: a
 * sync found early means bits were lost); sync_losses()
 * counts these frames. No frame is emitted without a sync.
 *
 * Violations (each counted once): a word 111, 110 or 011 (decoded as the
 * nearest basic word: 00, as 100, 10); a 000 word not preceded by 101, 001,
 * 100 or 010 (decoded 00); two adjacent ones across a word boundary; a zero
 * run of 8 or more (counted once per run; the run starts with the sync's last
 * 0).
 */
class rll17_decoder
{
public:
    rll17_decoder(int frame_bytes, int sync_tolerance);

    void push(const uint8_t* bits, size_t n);

    size_t frames_ready() const { return d_ready.size(); }
    const rll17_frame& front() const { return d_ready.front(); }
    rll17_frame& front() { return d_ready.front(); }
    void pop() { d_ready.pop_front(); }

    int frame_bytes() const { return d_frame_bytes; }
    int frame_bits() const { return d_frame_bits; }
    int sync_tolerance() const { return d_tol; }
    //! true while tracking (a sync was found and the last one was in its window)
    bool locked() const { return d_mode != mode::search; }
    uint64_t frames() const { return d_frames; }
    uint64_t sync_losses() const { return d_sync_losses; }
    uint64_t rll_violations() const { return d_violations; }
    uint64_t frames_flagged() const { return d_flagged; }
    //! channel bits pushed so far
    uint64_t bits_in() const { return d_base + d_buf.size(); }

private:
    enum class mode { search, track, payload };

    void run();
    const uint8_t* at(uint64_t pos) const { return d_buf.data() + (pos - d_base); }
    void accept(uint64_t pos, int dist, uint64_t expected);
    void trim(uint64_t keep_from);

    int d_frame_bytes;
    int d_frame_bits;
    int d_tol;

    std::vector<uint8_t> d_buf; // bits d_base .. d_base + size
    uint64_t d_base = 0;

    mode d_mode = mode::search;
    uint64_t d_scan = 0;     // search: next candidate
    uint64_t d_expected = 0; // search origin / tracking: expected sync place
    uint64_t d_sync = 0;     // payload: accepted sync place
    rll17_frame d_pending;   // payload: status of the accepted sync

    std::deque<rll17_frame> d_ready;
    uint64_t d_frames = 0;
    uint64_t d_sync_losses = 0;
    uint64_t d_violations = 0;
    uint64_t d_flagged = 0;
};

} // namespace ecdisc

#endif
