/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef ECDISC_KERNEL_RLL17PP_H
#define ECDISC_KERNEL_RLL17PP_H

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <vector>

namespace ecdisc {

/*
 * rll17pp: a 17PP-class RLL(1,7) rate-2/3 parity-preserving code with DC
 * control, an RMTR limit and numbered recording frames.
 *
 * Channel bits are in NRZ form, 1 = a transition (feed an NRZI encoder).
 *
 * ---- Code table (data bits -> channel bits, first bit left) ----
 *
 *   11 -> *0*      10 -> 001      01 -> 010
 *   0011 -> 010100        0010 -> 010000        0001 -> 000100
 *   000011 -> 000100100   000010 -> 000100000
 *   000001 -> 010100100   000000 -> 010100000
 *
 * The data side is a complete prefix code (Kraft sum 3/4 + 3/16 + 4/64 = 1),
 * parsed greedily left to right; every entry is rate 2/3 (2n data bits ->
 * 3n channel bits). "*0*" is 101 when the previous channel bit is 0 and 000
 * when it is 1. Substitutions, applied by the encoder:
 *
 *   k limit:  000010 00 -> 000100100100    000000 00 -> 010100100100
 *             (a 6-bit word ending in five zeros, followed by data 00)
 *   RMTR:     110111 -> 001000000   when the next code word starts with 010
 *             (the frame sync, which starts with 010, counts as such a word)
 *
 * Parity preservation: every entry has as many ones mod 2 in its data as in
 * its code (11 -> 101 or 000: even/even; 110111 -> 001000000: odd/odd; ...),
 * so inverting one data bit inverts the NRZI polarity of all later channel
 * bits. This is what makes the DC-control bits work.
 *
 * Constraints (verified exhaustively by scripts/rll17pp_table_check.py and
 * tests/kernels/test_rll17pp.cc): d = 1, k = 7 (runs of 2T..8T); at most
 * rll17pp_rmtr = 6 consecutive 2T runs (also across the payload/sync
 * junction). Why: every code word starts with 0 except *0* = 101, which only
 * follows a 0, so no two ones meet (d = 1); words end with at most 2 zeros
 * except 010000 (4, next word starts with at most 3), *0* = 000 (3, after a
 * 1), the 5-zero words 000100000 / 010100000 (followed only by data 01, 10,
 * 11, i.e. words with at most 2 leading zeros: the k substitution takes the
 * 00 case) and the RMTR word 001000000 (followed by 010): at most 7 zeros.
 * Unbroken 2T chains come from *0* = 101 alternating with 010 (data 11 01
 * 11 01 ...); the RMTR substitution cuts them after at most six 2T runs.
 * The encoder decides every word from at most 11 data bits (110111 and the
 * first five bits of the next word); it runs on a 12-bit table.
 *
 * Decoding: a sliding-block decoder on 3-bit words with a window of four
 * words (12 channel bits) from the word start; after the last payload word
 * the window sees the (known) next sync. Rules, w0..w3 = the window words:
 *   101 -> 11;  001 -> 110111 if w1 w2 w3 = 000 000 010, else 10
 *   010 100 100 100 -> 00000000   010 100 100 -> 000001
 *   010 100 000 100 -> 0011 (next word 0001..)   010 100 000 -> 000000
 *   010 100 -> 0011   010 000 100 -> 01   010 000 -> 0010   010 -> 01
 *   000 100 100 100 -> 00001000   000 100 100 -> 000011
 *   000 100 000 100 -> 0001   000 100 000 -> 000010   000 100 -> 0001
 *   000 -> 11 (*0* after a 1)
 *   anything else (011, 110, 111, 100 at a word start): decoded as 11
 *   Violations: two adjacent ones, a zero run over 7 (sync junctions included).
 *
 * ---- DC control ----
 * One DC-control bit is inserted in front of every dc_interval information
 * bits (the last group may be shorter). The encoder tries both values of each
 * DC bit and keeps the one that gives the smaller |RDS| (running digital sum
 * of the NRZI levels +-1, over the whole stream) at the end of the words
 * that the group of dc_interval bits after it decides (a one-group look-ahead).
 * The decoder drops the DC bits. Measured (frame_bytes 128, dc_interval
 * 45): max |RDS| = 32 over 10^4 random frames, <= 25 for frames of one
 * repeated byte; without DC control the same random data reaches ~1200.
 * tests/kernels/test_rll17pp.cc asserts |RDS| <= 48.
 *
 * ---- Frame ----
 *   sync (24 channel bits, as rll17: 0 1 00000000 1 00000000 1 0010, two 9T
 *   runs; coded data has no run over 8T, so no window holding coded data can
 *   equal it: a window equal to the sync holds two 8-zero runs, and only a
 *   sync has one. Tested: every window other than the syncs is at Hamming
 *   distance >= 2 from it, junctions included)
 *   + payload: the code of the data sequence
 *       [dc][g0][dc][g1]...[dc][g_last] [1 if odd] [1 1]
 *     where g0 g1 ... is the information: a header of the frame number
 *     (24 bits, MSB first, mod 2^24) and CRC-8 over its three bytes
 *     (polynomial x^8+x^2+x+1 = 0x07, initial value 0, no reflection, no
 *     final xor), then frame_bytes user bytes MSB first.
 *   The final "1 1" (and the "1" making the length even) terminates the
 *   prefix code inside the frame (a leftover "", 00 or 0000 becomes 11, 0011
 *   or 000011), so the channel length is fixed:
 *     I = 32 + 8 * frame_bytes       information bits
 *     G = ceil(I / dc_interval)      DC bits
 *     T = I + G, rounded up to even, + 2    coded data bits
 *     frame_bits = 24 + 3 * T / 2
 *   (frame_bytes = 128, dc_interval = 45: I = 1056, G = 24, T = 1082,
 *   frame_bits = 1647.)
 */

constexpr int rll17pp_sync_bits = 24;
constexpr uint32_t rll17pp_sync_word = 0x402012u; // 0100 0000 0010 0000 0001 0010
extern const std::array<uint8_t, rll17pp_sync_bits> rll17pp_sync;
//! most consecutive minimum (2T) runs the code produces
constexpr int rll17pp_rmtr = 6;
constexpr int rll17pp_header_bits = 32;
//! a frame number found in a header may jump ahead of the next frame number
//! to emit by at most (channel bits since the last emitted frame) / frame_bits
//! + this many frames; larger jumps are dropped (see rll17pp_decoder)
constexpr uint64_t rll17pp_max_jump = 64;

//! CRC-8, polynomial 0x07, init 0, MSB first, no final xor
uint8_t rll17pp_crc8(const uint8_t* bytes, size_t n);

//! sizes of one frame
struct rll17pp_layout {
    int frame_bytes = 0;
    int dc_interval = 0;
    int info_bits = 0;    //!< I = 32 + 8 * frame_bytes
    int dc_bits = 0;      //!< G = ceil(I / dc_interval)
    int coded_bits = 0;   //!< T: data bits coded, DC bits and termination included
    int payload_bits = 0; //!< 3 * T / 2
    int frame_bits = 0;   //!< 24 + payload_bits
    //! std::invalid_argument unless 1 <= frame_bytes <= 4096, 8 <= dc_interval <= 4096
    rll17pp_layout(int frame_bytes, int dc_interval);
    //! index in the coded data sequence of information bit k
    int coded_index(int k) const { return k + k / dc_interval + 1; }
};

//! Hamming distance between the 24 bits at p and the sync pattern
int rll17pp_sync_distance(const uint8_t* p);

/*! Encodes a complete (terminated) coded data sequence x[0..n) (n even, the
 *  prefix code complete at the end) after a channel bit prev, followed by the
 *  sync: writes 3n/2 channel bits. No DC choice, bit-by-bit parse (not the
 *  table): a reference for tests. std::invalid_argument if x does not end
 *  on a word boundary. */
void rll17pp_encode_sequence(const uint8_t* x, size_t n, uint8_t prev, uint8_t* out);

/*! Decodes n_words 3-bit words of one payload (followed by the sync) into
 *  the coded data sequence x (room for 2 * n_words + 8 bytes); returns the
 *  number of data bits written (2 * n_words). suspect (optional, one flag
 *  per data bit) is set for the data bits of a unit whose window, or the word
 *  before it, holds a code-rule violation (adjacent ones, a zero run over 7);
 *  *violations (optional) is increased by the number of such words. */
size_t rll17pp_decode_sequence(const uint8_t* c,
                               size_t n_words,
                               uint8_t prev,
                               uint8_t* x,
                               uint8_t* suspect,
                               uint64_t* violations);

/*! Frame encoder with DC control. Stateful: frame numbers count up from
 *  first_frame, and the NRZI level and RDS carry across frames. */
class rll17pp_encoder
{
public:
    rll17pp_encoder(int frame_bytes, uint64_t first_frame, int dc_interval);
    const rll17pp_layout& layout() const { return d_lay; }
    int frame_bytes() const { return d_lay.frame_bytes; }
    int frame_bits() const { return d_lay.frame_bits; }
    //! in: frame_bytes bytes; out: frame_bits channel bits
    void encode_frame(const uint8_t* in, uint8_t* out);
    std::vector<uint8_t> encode_frame(const std::vector<uint8_t>& bytes);
    uint64_t frames() const { return d_frames; }
    uint64_t next_frame_number() const { return d_number; }
    //! RDS (NRZI levels +-1, first level +1 after a transition from -1)
    int64_t rds() const { return d_rds; }
    int64_t max_abs_rds() const { return d_max_abs; }

private:
    rll17pp_layout d_lay;
    uint64_t d_number;
    uint64_t d_frames = 0;
    int d_level = -1; // NRZI level before the next channel bit
    int64_t d_rds = 0;
    int64_t d_max_abs = 0;
    std::vector<uint8_t> d_x, d_s0, d_s1;
    std::vector<uint64_t> d_xp;
    struct word_log {
        size_t i;
        int64_t rds, hi, lo;
        size_t nout;
        uint8_t prev;
    };
    std::vector<word_log> d_log; // the words of one DC trial
};

//! one output frame of the decoder
struct rll17pp_frame {
    uint64_t number = 0;
    bool filler = false; //!< not received: zeros, all erased
    //! real frame: filler frames just before it; first filler of a run: the run length
    uint64_t frames_missing_before = 0;
    uint64_t sync_position = 0; //!< stream index of the sync (real frames)
    bool flywheeled = false;    //!< decoded without its sync
    bool header_ok = false;     //!< the header CRC held
    uint64_t violations = 0;
    std::vector<uint8_t> bytes;  //!< frame_bytes
    std::vector<uint8_t> erased; //!< frame_bytes flags, 1 = unreliable
};

/*!
 * Streaming frame lock and rll17pp demodulation. push() takes hard channel
 * bits (NRZ form) in chunks of any size; output frames queue up in frame
 * number order (front()/pop()), independent of the chunking.
 *
 * Lock: search for the sync (distance 0..1 accepted at once; 2..tolerance
 * only if a sync within tolerance follows exactly one frame later). Then the
 * next sync is expected one frame later; lock_syncs consecutive syncs at the
 * frame spacing make the decoder locked. While locked, a sync missing at its
 * place (and not within +-8 bits, distance <= 1: a bit slip) is flywheeled:
 * the frame is decoded at the expected place and missed_syncs counts it;
 * unlock_misses consecutive misses lose the lock. Not locked, a missing sync
 * loses the frame grid at once. After a loss the search restarts just after
 * the last sync really found, so a sync that came early because bits were
 * dropped is found again. After a slip the grid moves to the slipped sync.
 * sync_losses counts lock losses and slips (not a failed acquisition).
 * The decision at a sync place needs its 24 bits (+8 for the slip window).
 *
 * Confirmation: a decoded frame is output only once a sync is found exactly
 * on its frame grid after it (the next sync, or a later one across
 * flywheeled frames). Frames not confirmed when the grid is lost (or a slip
 * is found) are discarded: their bits may be shifted. Hence the last frame
 * of a stream is output only when the next sync (24 bits) arrives; frames
 * that never arrive at the end are not output.
 *
 * Numbers: a confirmed frame takes its number from its header when the CRC
 * holds (the 24-bit value is lifted to the first number >= the next number
 * to emit that matches it mod 2^24); otherwise it is inferred along the
 * frame grid from the last good header (+1 per frame), or from a later good
 * header on the same grid (frames of a grid without any good header wait, up
 * to 64 frames, then the oldest are discarded). A good header that disagrees
 * with the grid counts in header_errors (the header wins). A frame whose
 * number goes backwards, or whose header jumps more than (channel bits since
 * the end of the last emitted frame) / frame_bits + rll17pp_max_jump ahead,
 * is dropped (frames_dropped) - unless three good headers in a row on the
 * same grid agree on that jump (a long stretch of the stream was lost). A
 * header 2^23 or more ahead (mod 2^24) counts as a step backwards: always
 * dropped.
 *
 * Output: frames in number order from first_frame. Frames never confirmed
 * are output as fillers: zeros, all bytes erased. Bytes of a real frame are
 * erased where a decoded word (or its look-ahead window) broke a code rule:
 * two adjacent ones, a zero run over 7, or - found by re-encoding the
 * decoded data - a channel word the encoder would not have produced; the
 * data bits of such a word +-8 are flagged (rll_violations counts the
 * words).
 */
class rll17pp_decoder
{
public:
    rll17pp_decoder(int frame_bytes,
                    int sync_tolerance,
                    int lock_syncs,
                    int unlock_misses,
                    uint64_t first_frame,
                    int dc_interval);

    void push(const uint8_t* bits, size_t n);

    size_t frames_ready() const { return d_ready.size(); }
    const rll17pp_frame& front() const { return d_ready.front(); }
    void pop() { d_ready.pop_front(); }

    const rll17pp_layout& layout() const { return d_lay; }
    int frame_bytes() const { return d_lay.frame_bytes; }
    int frame_bits() const { return d_lay.frame_bits; }
    bool locked() const { return d_locked; }
    uint64_t frames() const { return d_frames; }
    uint64_t frames_missing() const { return d_missing; }
    uint64_t sync_losses() const { return d_sync_losses; }
    uint64_t missed_syncs() const { return d_missed; }
    uint64_t rll_violations() const { return d_violations; }
    uint64_t bytes_erased() const { return d_bytes_erased; }
    uint64_t frames_dropped() const { return d_dropped; }
    uint64_t header_errors() const { return d_header_errors; }
    uint64_t bits_in() const { return d_base + d_buf.size(); }

private:
    struct held {
        uint64_t pos = 0;
        uint64_t seq = 0; // index on the current grid
        bool confirmed = false;
        rll17pp_frame f;
        uint32_t hdr = 0;
    };
    enum class mode { search, track, payload };

    void run();
    const uint8_t* at(uint64_t pos) const { return d_buf.data() + (pos - d_base); }
    void start_grid(uint64_t pos);
    void decode_at(uint64_t pos, bool flywheel);
    void lose_grid(bool count_loss);
    void release();
    void emit(rll17pp_frame&& f, uint64_t pos);

    rll17pp_layout d_lay;
    int d_tol, d_lock_syncs, d_unlock_misses;
    uint64_t d_first;

    std::vector<uint8_t> d_buf;
    uint64_t d_base = 0;
    mode d_mode = mode::search;
    uint64_t d_scan = 0;
    uint64_t d_expected = 0;
    uint64_t d_pend = 0; // payload: the frame to decode when its bits are in
    bool d_pend_flywheel = false;
    uint64_t d_last_sync = 0;
    bool d_have_last_sync = false;
    bool d_locked = false;
    int d_good_run = 0;
    int d_misses = 0;

    std::deque<held> d_hold;
    uint64_t d_seq = 0;
    bool d_numbered = false;
    uint64_t d_grid_base = 0; // number of seq 0 on the grid
    uint64_t d_jump_base = 0; // grid base of the last implausible header
    int d_agree = 0;          // implausible headers in a row agreeing on it

    uint64_t d_next_out;
    uint64_t d_last_emit_end = 0;
    bool d_gap_pending = false; // a frame was discarded since the last emit

    std::deque<rll17pp_frame> d_ready;
    std::vector<uint8_t> d_x, d_sus, d_re;
    std::vector<uint64_t> d_xp;
    std::vector<int> d_map;

    uint64_t d_frames = 0, d_missing = 0, d_sync_losses = 0, d_missed = 0,
             d_violations = 0, d_bytes_erased = 0, d_dropped = 0, d_header_errors = 0;
};

} // namespace ecdisc

#endif
