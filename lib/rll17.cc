/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "rll17.h"
#include <algorithm>
#include <stdexcept>
#include <string>

namespace ecdisc {

const std::array<uint8_t, rll17_sync_bits> rll17_sync = { 0, 1, 0, 0, 0, 0, 0, 0,
                                                          0, 0, 1, 0, 0, 0, 0, 0,
                                                          0, 0, 0, 1, 0, 0, 1, 0 };

int rll17_check_frame_bytes(int frame_bytes)
{
    if (frame_bytes < 1 || frame_bytes > 4096)
        throw std::invalid_argument("frame_bytes = " + std::to_string(frame_bytes) +
                                    ": must be in 1..4096");
    return frame_bytes;
}

int rll17_check_sync_tolerance(int sync_tolerance)
{
    if (sync_tolerance < 0 || sync_tolerance > 3)
        throw std::invalid_argument("sync_tolerance = " + std::to_string(sync_tolerance) +
                                    ": must be in 0..3");
    return sync_tolerance;
}

namespace {

inline uint32_t pack24(const uint8_t* p)
{
    uint32_t r = 0;
    for (int i = 0; i < rll17_sync_bits; i++)
        r = (r << 1) | (p[i] & 1u);
    return r;
}

inline int popcount32(uint32_t x) { return __builtin_popcount(x); }

// basic words (3 bits, first channel bit = MSB) indexed by the pair value
constexpr uint8_t basic_word[4] = { 0b101, 0b100, 0b001, 0b010 };

inline void put3(uint8_t* out, uint8_t w)
{
    out[0] = (w >> 2) & 1u;
    out[1] = (w >> 1) & 1u;
    out[2] = w & 1u;
}

inline uint8_t pair_of(const uint8_t* bytes, size_t i)
{
    return (bytes[i >> 2] >> (6 - 2 * (i & 3))) & 3u;
}

// decoded pair of each word given the look-ahead (next word is 000)
// and whether the word alone is a violation
struct word_info {
    uint8_t pair_next_zero;  // pair if the next word is 000
    uint8_t pair_next_other; // pair otherwise
    bool bad;                // 111, 110, 011
    uint8_t lead;            // leading zeros (3 for 000)
    uint8_t trail;           // trailing zeros (3 for 000)
};
// index: word value; 000 is handled apart (depends on the previous word)
constexpr word_info winfo[8] = {
    /* 000 */ { 0, 0, false, 3, 3 },
    /* 001 */ { 2, 2, false, 2, 0 },
    /* 010 */ { 2, 3, false, 1, 1 },
    /* 011 */ { 2, 2, true, 1, 0 },
    /* 100 */ { 0, 1, false, 0, 2 },
    /* 101 */ { 0, 0, false, 0, 0 },
    /* 110 */ { 0, 1, true, 0, 1 },
    /* 111 */ { 0, 0, true, 0, 0 },
};

} // namespace

int rll17_sync_distance(const uint8_t* p)
{
    return popcount32(pack24(p) ^ rll17_sync_word);
}

void rll17_encode_payload(const uint8_t* bytes, size_t n_bytes, uint8_t* bits)
{
    const size_t n_pairs = 4 * n_bytes;
    size_t i = 0;
    while (i < n_pairs) {
        const uint8_t p = pair_of(bytes, i);
        if ((p & 1u) == 0 && i + 1 < n_pairs) { // p is 00 or 10
            const uint8_t q = pair_of(bytes, i + 1);
            if ((q & 2u) == 0) { // q is 00 or 01
                // 0000->101000 0001->100000 1000->001000 1001->010000
                static constexpr uint8_t first[4] = { 0b101, 0b100, 0b001, 0b010 };
                put3(bits, first[(p & 2u) | q]);
                bits[3] = bits[4] = bits[5] = 0;
                bits += 6;
                i += 2;
                continue;
            }
        }
        put3(bits, basic_word[p]);
        bits += 3;
        i += 1;
    }
}

uint64_t rll17_decode_payload(const uint8_t* bits, size_t n_bytes, uint8_t* bytes)
{
    const size_t n_words = 4 * n_bytes;
    uint64_t viol = 0;
    unsigned run = 1; // zero run so far (the sync ends with "10")
    bool run_flagged = false;
    uint8_t prev = 0b010;   // sync tail "010": last bit 0 (not a legal 000 predecessor)
    bool have_prev = false; // the first word has no code predecessor
    uint8_t cur = static_cast<uint8_t>(((bits[0] & 1u) << 2) | ((bits[1] & 1u) << 1) |
                                       (bits[2] & 1u));
    uint8_t acc = 0;
    for (size_t j = 0; j < n_words; j++) {
        uint8_t next = 0xff;
        if (j + 1 < n_words) {
            const uint8_t* b = bits + 3 * (j + 1);
            next = static_cast<uint8_t>(((b[0] & 1u) << 2) | ((b[1] & 1u) << 1) |
                                        (b[2] & 1u));
        }
        uint8_t pair;
        const word_info& wi = winfo[cur];
        if (cur == 0) {
            if (have_prev && (prev == 0b101 || prev == 0b001))
                pair = 0;
            else if (have_prev && (prev == 0b100 || prev == 0b010))
                pair = 1;
            else {
                pair = 0;
                viol++;
            }
        } else {
            pair = (next == 0) ? wi.pair_next_zero : wi.pair_next_other;
            if (wi.bad)
                viol++;
        }
        // adjacent ones across the word boundary
        if (have_prev && (prev & 1u) && (cur & 4u))
            viol++;
        // zero runs
        if (cur == 0) {
            run += 3;
            if (run >= 8 && !run_flagged) {
                viol++;
                run_flagged = true;
            }
        } else {
            if (run + wi.lead >= 8 && !run_flagged)
                viol++;
            run = wi.trail;
            run_flagged = false;
        }
        acc = static_cast<uint8_t>((acc << 2) | pair);
        if ((j & 3) == 3)
            bytes[j >> 2] = acc;
        prev = cur;
        have_prev = true;
        cur = next;
    }
    return viol;
}

rll17_encoder::rll17_encoder(int frame_bytes)
    : d_frame_bytes(rll17_check_frame_bytes(frame_bytes))
{
}

void rll17_encoder::encode_frame(const uint8_t* in, uint8_t* out) const
{
    std::copy(rll17_sync.begin(), rll17_sync.end(), out);
    rll17_encode_payload(in, d_frame_bytes, out + rll17_sync_bits);
}

std::vector<uint8_t> rll17_encoder::encode_frame(const std::vector<uint8_t>& bytes) const
{
    if (bytes.size() != static_cast<size_t>(d_frame_bytes))
        throw std::invalid_argument(
            "bytes.size() = " + std::to_string(bytes.size()) +
            ": must equal frame_bytes = " + std::to_string(d_frame_bytes));
    std::vector<uint8_t> out(frame_bits());
    encode_frame(bytes.data(), out.data());
    return out;
}

rll17_decoder::rll17_decoder(int frame_bytes, int sync_tolerance)
    : d_frame_bytes(rll17_check_frame_bytes(frame_bytes)),
      d_frame_bits(rll17_frame_bits(frame_bytes)),
      d_tol(rll17_check_sync_tolerance(sync_tolerance))
{
    d_buf.reserve(4 * static_cast<size_t>(d_frame_bits) + 4096);
}

void rll17_decoder::push(const uint8_t* bits, size_t n)
{
    d_buf.insert(d_buf.end(), bits, bits + n);
    run();
}

void rll17_decoder::trim(uint64_t keep_from)
{
    if (keep_from <= d_base)
        return;
    const size_t drop = static_cast<size_t>(keep_from - d_base);
    // drop lazily: only when the dead head is large, to keep erases amortised
    if (drop >= 65536 || drop * 2 >= d_buf.size()) {
        d_buf.erase(d_buf.begin(), d_buf.begin() + drop);
        d_base = keep_from;
    }
}

void rll17_decoder::accept(uint64_t pos, int dist, uint64_t expected)
{
    d_pending = rll17_frame();
    d_pending.sync_position = pos;
    d_pending.sync_distance = dist;
    d_pending.sync_lost = pos != expected;
    d_pending.bits_skipped = pos > expected ? pos - expected : expected - pos;
    d_sync = pos;
    d_mode = mode::payload;
}

void rll17_decoder::run()
{
    const uint64_t fb = static_cast<uint64_t>(d_frame_bits);
    constexpr uint64_t S = rll17_sync_bits;
    for (;;) {
        const uint64_t end = d_base + d_buf.size();
        if (d_mode == mode::payload) {
            if (end < d_sync + fb)
                break;
            rll17_frame f = std::move(d_pending);
            f.bytes.resize(d_frame_bytes);
            f.violations =
                rll17_decode_payload(at(d_sync + S), d_frame_bytes, f.bytes.data());
            f.number = d_frames++;
            if (f.sync_lost)
                d_sync_losses++;
            if (f.violations) {
                d_violations += f.violations;
                d_flagged++;
            }
            d_ready.push_back(std::move(f));
            d_expected = d_sync + fb;
            d_mode = mode::track;
            trim(d_sync + S); // a later full search restarts from this payload
            continue;
        }
        if (d_mode == mode::track) {
            if (end < d_expected + S)
                break;
            const int d0 = rll17_sync_distance(at(d_expected));
            if (d0 <= d_tol) {
                accept(d_expected, d0, d_expected);
                continue;
            }
            const uint64_t lo = d_expected - 8, hi = d_expected + 8;
            if (end < hi + S)
                break;
            int best = d_tol + 1;
            uint64_t best_pos = 0, best_off = 0;
            for (uint64_t p = lo; p <= hi; p++) {
                const int d = rll17_sync_distance(at(p));
                const uint64_t off = p > d_expected ? p - d_expected : d_expected - p;
                if (d < best || (d == best && d <= d_tol && off < best_off)) {
                    best = d;
                    best_pos = p;
                    best_off = off;
                }
            }
            if (best <= d_tol) {
                accept(best_pos, best, d_expected);
                continue;
            }
            // lost: full search from the start of the last payload, so that a
            // sync that came early (bits deleted) is found again
            d_mode = mode::search;
            d_scan = d_sync + S;
            continue;
        }
        // search
        if (d_scan + S > end) {
            trim(d_scan);
            break;
        }
        uint64_t p = d_scan;
        uint32_t reg = 0;
        const uint8_t* b = at(p);
        for (uint64_t i = 0; i < S - 1; i++)
            reg = (reg << 1) | (b[i] & 1u);
        bool found = false, wait = false;
        int found_dist = 0;
        for (; p + S <= end; p++) {
            reg = ((reg << 1) | (*at(p + S - 1) & 1u)) & 0xffffffu;
            const int d = popcount32(reg ^ rll17_sync_word);
            if (d > d_tol)
                continue;
            if (d <= 1) {
                found = true;
                found_dist = d;
                break;
            }
            // distance 2..tol: confirm with the next sync one frame later
            if (end < p + fb + S) {
                wait = true;
                break;
            }
            if (rll17_sync_distance(at(p + fb)) <= d_tol) {
                found = true;
                found_dist = d;
                break;
            }
        }
        d_scan = p;
        if (found) {
            accept(p, found_dist, d_expected);
            continue;
        }
        (void)wait;
        trim(d_scan);
        break;
    }
}

} // namespace ecdisc
