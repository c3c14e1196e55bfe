/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef ECDISC_KERNEL_WOBBLE_ADDRESS_H
#define ECDISC_KERNEL_WOBBLE_ADDRESS_H

#include "reed_solomon.h"
#include <cstddef>
#include <cstdint>
#include <vector>

namespace ecdisc {

/*
 * Addresses in the groove wobble (ADIP-like).
 *
 * Wobble. The groove's radial displacement is a sinusoid of period W
 * channel bits (wobble_period_bits, default 69 as in BD): wobble w covers
 * positions [w W, (w + 1) W) and has the value pol(w) sin(2 pi (pos / W - w)),
 * normalised to +-1, pol(w) = +1 (monotone wobble) or -1 (marked wobble,
 * phase inverted). Phase inversions thus fall on the zero crossings at the
 * wobble boundaries.
 *
 * Units. Wobbles are grouped in units of U wobbles (wobbles_per_unit, 8..64,
 * default 8). A unit's marked (inverted) wobbles, at positions within the
 * unit:
 *     sync unit     {0, 1, 6, 7}
 *     data bit 1    {0, 2, 3}
 *     data bit 0    {0, 4, 5}
 * every other wobble is monotone (so with U = 8 five of eight wobbles, and
 * with larger U more, are plain carrier). Hamming distances: data 0 / data 1
 * four wobbles, sync / data five wobbles.
 *
 * Address word: 1 sync unit + 80 data units (81 U wobbles; with W = 69 and
 * U = 8: 44712 channel bits, 3.33 mm of track at 74.5 nm per bit). The 80
 * bits, MSB first per byte, are a codeword of RS(10, 4) over GF(2^8)
 * (polynomial 0x11D, first root alpha^0; lib/reed_solomon.h) whose 4 data
 * bytes are, big-endian, the 32-bit value
 *     layer << 28 | track << 8 | segment
 * (layer 4 bits, 0..15; track 20 bits, 0..1048575; segment 8 bits). The
 * code has distance 7; the decoder accepts at most 2 corrected bytes
 * (max_corrections): words with 3 or 4 byte errors are always detected,
 * and a random word is taken for a codeword with probability ~1e-8.
 * A word is also rejected (implausible) when layer >= max_layers or
 * segment >= segments_per_track.
 *
 * Consecutive words carry consecutive addresses: segment + 1, wrapping to
 * segment 0 of track + 1 after segments_per_track segments (track wraps at
 * 2^20).
 */
struct wobble_address {
    int layer = 0;
    int64_t track = 0;
    int segment = 0;
    bool operator==(const wobble_address& o) const
    {
        return layer == o.layer && track == o.track && segment == o.segment;
    }
    bool operator!=(const wobble_address& o) const { return !(*this == o); }
};

class wobble_format
{
public:
    static constexpr int data_bytes = 4;
    static constexpr int rs_n = 10;
    static constexpr int word_bits = 8 * rs_n; // 80 data units
    static constexpr int units_per_word = 1 + word_bits;
    static constexpr int max_corrections = 2;
    static constexpr int track_bits = 20;

    /*!
     * \param wobble_period_bits W, channel bits per wobble, 8..1000
     * \param wobbles_per_unit U, 8..64
     * \param segments_per_track words per track, 1..256
     * \param max_layers layers an address may name, 1..16
     * Bad values throw std::invalid_argument naming the parameter.
     */
    explicit wobble_format(int wobble_period_bits = 69,
                           int wobbles_per_unit = 8,
                           int segments_per_track = 256,
                           int max_layers = 16);

    int wobble_period_bits() const { return d_W; }
    int wobbles_per_unit() const { return d_U; }
    int segments_per_track() const { return d_spt; }
    int max_layers() const { return d_max_layers; }
    int word_wobbles() const { return units_per_word * d_U; }
    //! channel bits per address word
    int64_t word_length_bits() const { return static_cast<int64_t>(word_wobbles()) * d_W; }

    //! throws std::invalid_argument (naming layer / track / segment) if out of range
    void check(const wobble_address& a) const;
    bool plausible(const wobble_address& a) const;
    //! the address `words` words after a (words >= 0)
    wobble_address advance(const wobble_address& a, int64_t words) const;

    //! the 10-byte RS codeword of an address
    std::vector<uint8_t> codeword(const wobble_address& a) const;
    //! polarity (+1 / -1) of each of the word_wobbles() wobbles of a word
    void word_polarity(const wobble_address& a, int8_t* pol) const;
    //! the U-wobble polarity template of a sync unit (0) or a data unit with bit b (1 + b)
    const std::vector<int8_t>& unit_template(int kind) const { return d_tmpl[kind]; }

    /*!
     * Corrects a received 10-byte word in place and unpacks it. Returns the
     * number of corrected bytes (0..max_corr, max_corr capped at
     * max_corrections) or -1 (uncorrectable, more corrections needed, or
     * implausible); the word and a are left unchanged then.
     */
    int decode(uint8_t* word, wobble_address& a, int max_corr = max_corrections) const;

    const reed_solomon& code() const { return d_rs; }

private:
    int d_W, d_U, d_spt, d_max_layers;
    reed_solomon d_rs;
    std::vector<int8_t> d_tmpl[3];
};

/*!
 * Wobble waveform generator for a run of consecutive address words starting
 * at `start`, word 0 beginning at channel-bit position 0. The medium can
 * call sample() at any position (e.g. the spot's position along the track
 * in channel bits) or fill a buffer with generate().
 */
class wobble_address_modulator
{
public:
    wobble_address_modulator(const wobble_format& fmt, const wobble_address& start);

    const wobble_format& format() const { return d_fmt; }
    wobble_address start() const { return d_start; }
    wobble_address address_of_word(int64_t j) const { return d_fmt.advance(d_start, j); }

    //! groove displacement, normalised to +-1, at position pos_bits >= 0
    //! (channel bits from the start of word 0); negative positions give 0
    double sample(double pos_bits);
    //! out[i] = amplitude * sample(pos0_bits + i * step_bits)
    void generate(double pos0_bits, double step_bits, float* out, size_t n, double amplitude = 1.0);

private:
    void load_word(int64_t j);

    wobble_format d_fmt;
    wobble_address d_start;
    int64_t d_word = -1;
    std::vector<int8_t> d_pol;
};

//! one address word found by the decoder
struct wobble_word {
    wobble_address address;
    int corrected = 0;          //!< RS byte corrections
    uint64_t start_sample = 0;  //!< input sample where the word's first wobble began
    uint64_t end_sample = 0;    //!< input sample at which the word was decoded
};

/*!
 * Wobble address decoder on a push-pull signal (float) at sps samples per
 * channel bit (any DC offset and scale; the wobble is assumed to be the
 * dominant component near its frequency).
 *
 * The input's running mean (time constant 8 wobbles) is subtracted first,
 * so offsets and slow variations (e.g. track crossings) do not leak into
 * the wobble correlations.
 *
 * PLL: an NCO at nominal 1 / (W sps) cycles per sample (kept within +-5%)
 * correlates each wobble with sin and cos of its phase (I, Q over one NCO
 * cycle, so wobble boundaries are the NCO's phase wraps). Costas (BPSK)
 * phase detector e = I Q / <I^2 + Q^2> (<> running mean over 64 wobbles;
 * sin(2 dphi) / 2 on a whole wobble of either polarity, and cycles that
 * straddle a polarity change weigh by their small energy, so the only
 * stable points are dphi = 0 and 180 degrees), second-order loop updated
 * once per wobble, damping 0.707, noise bandwidth 0.03 of the wobble rate
 * while acquiring and loop_bw once locked. Lock indicator: (<|I|> - <|Q|>)
 * / (<|I|> + <|Q|>), running means over 64 wobbles (0 for noise alone, -> 1
 * for a clean locked wobble): locked above 0.2, unlocked below 0.1.
 * The loop's 180 degree ambiguity is a wobble-timing ambiguity: locked at
 * 180 degrees the NCO wraps mid-wobble, its cycles span halves of two
 * wobbles and cancel where the polarity changes, while cycles shifted by
 * half a wobble are whole wobbles. So the running means (64 wobbles) of |I|
 * over the NCO cycles and over the half-cycle-shifted cycles are compared:
 * when locked and the shifted one is larger by 2% (at most once per 64
 * wobbles), the NCO is turned by pi. The sign of the signal (an inverted
 * push-pull gives the same v as the 180 degree lock would) is not decided
 * here but by the word sync.
 *
 * Demodulation: each wobble gives v = I / (samples / 2) (polarity x
 * amplitude). Word sync: out of sync and with the PLL locked, every wobble
 * is tried as the start of a word whose sync-unit correlation with the
 * template is >= 0.6 U times the running amplitude (either sign: the sign
 * fixes the signal's polarity) and whose data units show their structure
 * (one of the pairs {2,3}, {4,5} marked: mean(|v4 + v5 - v2 - v3| -
 * |v2 + v3 + v4 + v5|) >= 0.35 x 4 x amplitude; a start off by part of a
 * unit, e.g. half a unit, can pass the sync threshold and would read every
 * bit alike, i.e. the all-zero codeword of address 0/0/0); the 80 data
 * units are decided (bit 1 iff v4 + v5 - v2 - v3 > 0 after the polarity),
 * and the word is RS-decoded
 * accepting at most 1 correction (a random candidate passes with
 * probability ~1e-11) and checked. A good word is emitted and puts the
 * decoder in sync: the next word is expected L = 81 U wobbles later (start
 * taken at the best sync correlation among -1, 0, +1 wobbles from there).
 * In sync every expected word is decoded once, with up to max_corrections
 * (2) corrections (a random word passes with probability ~1e-8); a
 * failure counts in words_failed() (never emitted) and 3 failures in a row
 * drop back to the search. Out of sync, failed candidates are not counted
 * (they need not be words).
 */
class wobble_address_decoder
{
public:
    /*!
     * \param fmt address format
     * \param sps samples per channel bit, 0.05..1000 (W sps >= 8 samples per wobble)
     * \param loop_bw PLL noise bandwidth when locked, as a fraction of the
     *        wobble rate, 0.001..0.1
     */
    wobble_address_decoder(const wobble_format& fmt, double sps, double loop_bw = 0.01);

    const wobble_format& format() const { return d_fmt; }
    //! consume n samples; decoded words are appended to `words`
    void process(const float* in, size_t n, std::vector<wobble_word>& words);

    uint64_t words() const { return d_words; }
    uint64_t words_failed() const { return d_failed; }
    bool locked() const { return d_locked; }
    bool synced() const { return d_synced; }
    //! wobble frequency estimate, cycles per sample
    double frequency() const;
    //! running wobble amplitude estimate (units of the input)
    double amplitude() const { return d_amp; }
    uint64_t wobbles() const { return d_nwob; }
    uint64_t samples() const { return d_nsamp; }

private:
    void end_of_wobble(std::vector<wobble_word>& words);
    void set_loop(double bw);
    double sync_score(uint64_t start) const; // normalised sync correlation
    // decode the word starting at wobble `start` with polarity p; true if good
    // (search: also require the data units' structure, see unit_structure)
    bool try_word(uint64_t start,
                  double p,
                  int max_corr,
                  bool search,
                  std::vector<wobble_word>& words);
    // data-unit structure of a candidate word (1 aligned, <= ~0.25 for a
    // start off by a part of a unit)
    double unit_structure(uint64_t start) const;

    wobble_format d_fmt;
    double d_sps, d_loop_bw;
    double d_w0, d_w;            // NCO frequency, rad/sample
    double d_theta = 0.0;        // NCO phase, rad
    double d_c = 1.0, d_s = 0.0; // cos, sin of the phase (rotator)
    double d_cw = 1.0, d_sw = 0.0;
    double d_I = 0.0, d_Q = 0.0;
    double d_dc = 0.0, d_dc_gain = 0.0; // DC blocker
    bool d_dc_init = false;
    int d_n = 0;                 // samples in the current wobble
    uint64_t d_wob_start = 0;    // sample where the current wobble began
    double d_alpha = 0.0, d_beta = 0.0;
    double d_lock_metric = 0.0;
    double d_absI = 0.0, d_absQ = 0.0;
    double d_pow = 0.0;          // running mean of I^2 + Q^2 per wobble
    bool d_locked = false;
    double d_amp = 0.0;
    bool d_amp_init = false;
    // wobble-boundary (half-cycle) ambiguity: I of the current cycle's first
    // half, of the previous cycle's second half, running means of |I| over
    // the NCO cycles and over the cycles shifted by half a wobble
    double d_I1 = 0.0, d_I2_prev = 0.0;
    bool d_half = false;
    double d_abs_al = 0.0, d_abs_sh = 0.0;
    int d_since_flip = 0;

    std::vector<double> d_v;         // ring buffer of wobble values
    std::vector<uint64_t> d_vstart;  // their start samples
    uint64_t d_nwob = 0;             // wobbles seen
    uint64_t d_nsamp = 0;            // samples seen

    bool d_synced = false;
    uint64_t d_expected = 0;         // expected start wobble of the next word
    double d_pol = 1.0;
    int d_misses = 0;
    uint64_t d_words = 0, d_failed = 0;
};

} // namespace ecdisc

#endif
