/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "rll17pp.h"
#include <type_traits>
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>

namespace ecdisc {

const std::array<uint8_t, rll17pp_sync_bits> rll17pp_sync = { 0, 1, 0, 0, 0, 0, 0, 0,
                                                              0, 0, 1, 0, 0, 0, 0, 0,
                                                              0, 0, 0, 1, 0, 0, 1, 0 };

uint8_t rll17pp_crc8(const uint8_t* bytes, size_t n)
{
    uint8_t crc = 0;
    for (size_t i = 0; i < n; i++) {
        crc ^= bytes[i];
        for (int b = 0; b < 8; b++)
            crc = static_cast<uint8_t>((crc & 0x80) ? (crc << 1) ^ 0x07 : (crc << 1));
    }
    return crc;
}

rll17pp_layout::rll17pp_layout(int fb, int dci)
{
    if (fb < 1 || fb > 4096)
        throw std::invalid_argument("frame_bytes = " + std::to_string(fb) +
                                    ": must be in 1..4096");
    if (dci < 8 || dci > 4096)
        throw std::invalid_argument("dc_interval = " + std::to_string(dci) +
                                    ": must be in 8..4096");
    frame_bytes = fb;
    dc_interval = dci;
    info_bits = rll17pp_header_bits + 8 * fb;
    dc_bits = (info_bits + dci - 1) / dci;
    int t = info_bits + dc_bits;
    t += t & 1;
    coded_bits = t + 2;
    payload_bits = 3 * coded_bits / 2;
    frame_bits = rll17pp_sync_bits + payload_bits;
}

int rll17pp_sync_distance(const uint8_t* p)
{
    uint32_t r = 0;
    for (int i = 0; i < rll17pp_sync_bits; i++)
        r = (r << 1) | (p[i] & 1u);
    return __builtin_popcount(r ^ rll17pp_sync_word);
}

namespace {

struct enc_state {
    size_t i = 0;     // next data bit (a word boundary)
    uint8_t prev = 0; // previous channel bit
    int level = -1;   // NRZI level before the next channel bit
    int64_t rds = 0;
    int64_t max_abs = 0;
    size_t nout = 0;       // channel bits written
    size_t cap = SIZE_MAX; // size of out: words are copied 16 bytes at a time below it
};

// first three code bits of the word at x[j..] is 010? 1: yes, 0: no, -1: need more data
template <class X>
inline int next_is_010(const X& x, size_t j, size_t avail, bool final)
{
    if (j >= avail)
        return final ? 1 : -1; // the sync follows a frame: it starts with 010
    // inside a complete terminated sequence every word is complete
    auto get = [&](size_t k) -> int { return k < avail ? x[k] : -1; };
    int a = get(j), b = get(j + 1);
    if (b < 0)
        return -1;
    if (a == 1)
        return 0;
    if (b == 1)
        return 1; // 01 -> 010
    int c = get(j + 2);
    if (c < 0)
        return -1;
    if (c == 1)
        return 1; // 001x -> 010...
    int d = get(j + 3);
    if (d < 0)
        return -1;
    if (d == 1)
        return 0; // 0001 -> 000100
    int e = get(j + 4);
    if (e < 0)
        return -1;
    return e == 1 ? 0 : 1; // 00001x -> 000.., 00000x -> 010..
}

// the channel words, their bits and their running-sum profile
enum : int {
    W001,
    W000,
    W101,
    W010,
    W010100,
    W010000,
    W000100,
    W000100100,
    W000100000,
    W010100100,
    W010100000,
    W000100100100,
    W010100100100,
    W001000000,
    W_COUNT
};
struct word_entry {
    uint8_t bits[16]; // channel bits (len used; the rest 0, for a 16-byte copy)
    int len;
    int pend, pmax, pmin; // partial sums of the levels when the level before is +1
    bool odd;             // odd number of ones: the level flips
    uint8_t last;         // last channel bit
};
struct word_table {
    word_entry e[W_COUNT];
    word_table()
    {
        static const char* const w[W_COUNT] = {
            "001",       "000",          "101",          "010",       "010100",
            "010000",    "000100",       "000100100",    "000100000", "010100100",
            "010100000", "000100100100", "010100100100", "001000000"
        };
        for (int k = 0; k < W_COUNT; k++) {
            word_entry& x = e[k];
            std::memset(x.bits, 0, sizeof x.bits);
            x.len = static_cast<int>(std::strlen(w[k]));
            int level = 1, sum = 0, ones = 0;
            x.pmax = -1000;
            x.pmin = 1000;
            for (int b = 0; b < x.len; b++) {
                x.bits[b] = static_cast<uint8_t>(w[k][b] - '0');
                ones += x.bits[b];
                level = x.bits[b] ? -level : level;
                sum += level;
                x.pmax = std::max(x.pmax, sum);
                x.pmin = std::min(x.pmin, sum);
            }
            x.pend = sum;
            x.odd = ones & 1;
            x.last = x.bits[x.len - 1];
        }
    }
};
const word_table k_words;

/* Parses the data word at x[i] (a word boundary) after channel bit prev:
 * the channel word id and the data bits n it takes. Returns false when the
 * decision needs data beyond avail (never when final: then nothing follows
 * but the sync). X: anything with operator[](size_t) giving a bit. */
template <class X>
inline bool
parse_word(const X& x, size_t i, size_t avail, bool final, uint8_t prev, int& id, int& n)
{
    if (i + 2 > avail)
        return false;
    const uint8_t x0 = x[i], x1 = x[i + 1];
    if (x0) {
        if (!x1) {
            id = W001, n = 2;
        } else {
            // 11: RMTR substitution 110111 -> 001000000 before a 010 word
            bool sub = false;
            bool stop = false;
            static constexpr uint8_t pat[4] = { 0, 1, 1, 1 };
            size_t k = 0;
            for (; k < 4; k++) {
                if (i + 2 + k >= avail) {
                    if (!final)
                        stop = true;
                    break;
                }
                if (x[i + 2 + k] != pat[k])
                    break;
            }
            if (stop)
                return false;
            if (k == 4) {
                const int r = next_is_010(x, i + 6, avail, final);
                if (r < 0)
                    return false;
                sub = r == 1;
            }
            if (sub)
                id = W001000000, n = 6;
            else
                id = prev ? W000 : W101, n = 2;
        }
    } else if (x1) {
        id = W010, n = 2;
    } else {
        if (i + 4 > avail)
            return false;
        const uint8_t x2 = x[i + 2], x3 = x[i + 3];
        if (x2) {
            id = x3 ? W010100 : W010000, n = 4;
        } else if (x3) {
            id = W000100, n = 4;
        } else {
            if (i + 6 > avail)
                return false;
            const uint8_t x4 = x[i + 4], x5 = x[i + 5];
            if (x5) {
                id = x4 ? W000100100 : W010100100, n = 6;
            } else {
                // 000010 / 000000: k substitution when followed by 00
                bool sub = false;
                if (i + 8 > avail) {
                    if (!final)
                        return false;
                } else {
                    sub = x[i + 6] == 0 && x[i + 7] == 0;
                }
                if (sub)
                    id = x4 ? W000100100100 : W010100100100, n = 8;
                else
                    id = x4 ? W000100000 : W010100000, n = 6;
            }
        }
    }
    return true;
}

// bits of a byte-per-bit array
struct byte_bits {
    const uint8_t* p;
    uint8_t operator[](size_t k) const { return p[k]; }
};
// bits packed MSB first into 64-bit words (one spare word at the end)
struct packed_bits {
    const uint64_t* w;
    uint8_t operator[](size_t k) const { return (w[k >> 6] >> (63 - (k & 63))) & 1u; }
    uint32_t get12(size_t i) const
    {
        const size_t q = i >> 6, off = i & 63;
        const uint64_t v = off ? (w[q] << off) | (w[q + 1] >> (64 - off)) : w[q];
        return static_cast<uint32_t>(v >> 52);
    }
};
inline void set_bit(uint64_t* w, size_t k, unsigned b)
{
    const uint64_t m = uint64_t(1) << (63 - (k & 63));
    w[k >> 6] = b ? (w[k >> 6] | m) : (w[k >> 6] & ~m);
}

// every 12-bit data window decides its first word (RMTR needs 11 bits)
struct parse_table {
    uint8_t id[2][4096]; // [prev]
    uint8_t n[4096];
    parse_table()
    {
        for (uint32_t v = 0; v < 4096; v++) {
            uint8_t b[12];
            for (int k = 0; k < 12; k++)
                b[k] = (v >> (11 - k)) & 1u;
            for (int pv = 0; pv < 2; pv++) {
                int i_d = 0, i_n = 0;
                if (!parse_word(
                        byte_bits{ b }, 0, 12, false, static_cast<uint8_t>(pv), i_d, i_n))
                    throw std::logic_error("rll17pp: 12-bit window undecided");
                id[pv][v] = static_cast<uint8_t>(i_d);
                n[v] = static_cast<uint8_t>(i_n);
            }
        }
    }
};
const parse_table k_parse;

/* Encodes words from st.i while their coding is decided by x[0..avail)
 * (final: nothing follows but the sync). Writes channel bits to out (index
 * st.nout) and keeps level/RDS. */
struct no_hook {
    bool operator()(size_t, uint8_t, int64_t, int64_t, int64_t, size_t) const
    {
        return false;
    }
};
/* hook(i, prev, rds, hi, lo, nout) is called after each word with the state
 * after it and the word's extreme running sums (hi, lo); returning true
 * stops the run there. */
template <class X, class Hook = no_hook>
void encode_run(const X& x,
                size_t avail,
                bool final,
                enc_state& st,
                uint8_t* out,
                Hook&& hook = Hook())
{
    size_t i = st.i;
    uint8_t prev = st.prev;
    int level = st.level;
    int64_t rds = st.rds, mx = st.max_abs;
    size_t no = st.nout;
    for (;;) {
        int id, n;
        if constexpr (std::is_same_v<X, packed_bits>) {
            if (i + 12 <= avail) {
                const uint32_t v = x.get12(i);
                id = k_parse.id[prev][v];
                n = k_parse.n[v];
            } else if (!parse_word(x, i, avail, final, prev, id, n)) {
                break;
            }
        } else if (!parse_word(x, i, avail, final, prev, id, n)) {
            break;
        }
        const word_entry& e = k_words.e[id];
        if (out) {
            if (no + 16 <= st.cap)
                std::memcpy(out + no, e.bits, 16);
            else
                std::memcpy(out + no, e.bits, e.len);
        }
        no += e.len;
        const int64_t hi = rds + level * e.pmax, lo = rds + level * e.pmin;
        mx = std::max(mx, std::max(hi < 0 ? -hi : hi, lo < 0 ? -lo : lo));
        rds += level * e.pend;
        level = e.odd ? -level : level;
        prev = e.last;
        i += static_cast<size_t>(n);
        if (hook(i, prev, rds, hi, lo, no))
            break;
    }
    st.i = i;
    st.prev = prev;
    st.level = level;
    st.rds = rds;
    st.max_abs = mx;
    st.nout = no;
}

// build the coded data sequence of a frame (DC bits left 0)
void build_sequence(const rll17pp_layout& lay,
                    uint64_t number,
                    const uint8_t* bytes,
                    uint8_t* x)
{
    std::fill(x, x + lay.coded_bits, 1); // termination bits are ones
    uint8_t hdr[4] = { static_cast<uint8_t>(number >> 16),
                       static_cast<uint8_t>(number >> 8),
                       static_cast<uint8_t>(number),
                       0 };
    hdr[3] = rll17pp_crc8(hdr, 3);
    for (int s = 0; s < lay.dc_bits; s++)
        x[s * (lay.dc_interval + 1)] = 0;
    int k = 0;
    for (int b = 0; b < 4; b++)
        for (int j = 7; j >= 0; j--, k++)
            x[lay.coded_index(k)] = (hdr[b] >> j) & 1u;
    for (int b = 0; b < lay.frame_bytes; b++)
        for (int j = 7; j >= 0; j--, k++)
            x[lay.coded_index(k)] = (bytes[b] >> j) & 1u;
}

// the sliding-block decoder's rule (lib/rll17pp.h) for a window of four words
struct window_decision {
    uint8_t d, nd, nw; // data bits (nd of them, first = MSB), words taken
    uint8_t bits[8];   // the nd data bits, one per byte, zero padded
};
inline window_decision decide_window(uint8_t w0, uint8_t w1, uint8_t w2, uint8_t w3)
{
    uint32_t d;
    int nd, nw;
    switch (w0) {
    case 0b001:
        if (w1 == 0 && w2 == 0 && w3 == 0b010)
            d = 0b110111, nd = 6, nw = 3;
        else
            d = 0b10, nd = 2, nw = 1;
        break;
    case 0b010:
    case 0b000: {
        const bool fam0 = w0 == 0b010; // 0100.. family (else 0001..)
        if (w1 == 0b100) {
            if (w2 == 0b100) {
                if (w3 == 0b100)
                    d = fam0 ? 0b00000000 : 0b00001000, nd = 8, nw = 4;
                else
                    d = fam0 ? 0b000001 : 0b000011, nd = 6, nw = 3;
            } else if (w2 == 0b000 && w3 != 0b100) {
                d = fam0 ? 0b000000 : 0b000010, nd = 6, nw = 3;
            } else {
                d = fam0 ? 0b0011 : 0b0001, nd = 4, nw = 2;
            }
        } else if (fam0) {
            if (w1 == 0b000 && w2 != 0b100)
                d = 0b0010, nd = 4, nw = 2;
            else
                d = 0b01, nd = 2, nw = 1;
        } else {
            d = 0b11, nd = 2, nw = 1; // *0* = 000
        }
        break;
    }
    default: // 101 (*0*) and the illegal words
        d = 0b11, nd = 2, nw = 1;
        break;
    }
    window_decision r{
        static_cast<uint8_t>(d), static_cast<uint8_t>(nd), static_cast<uint8_t>(nw), {}
    };
    for (int k = 0; k < nd; k++)
        r.bits[k] = (d >> (nd - 1 - k)) & 1u;
    return r;
}
struct window_table {
    window_decision e[4096];
    window_table()
    {
        for (unsigned v = 0; v < 4096; v++)
            e[v] = decide_window(v >> 9, (v >> 6) & 7u, (v >> 3) & 7u, v & 7u);
    }
};
const window_table k_window;

// the decoder's violation check on 3-bit words as a state machine: state =
// zeros since the last one, saturated at 8; entry = new state | 0x80 if the
// word brings two adjacent ones or a zero run reaching 8
struct viol_table {
    uint8_t t[9][8];
    viol_table()
    {
        for (unsigned run = 0; run < 9; run++)
            for (unsigned w = 0; w < 8; w++) {
                unsigned r = run;
                bool bd = false;
                unsigned last = run == 0;
                for (int k = 2; k >= 0; k--) {
                    const unsigned bit = (w >> k) & 1u;
                    if (bit) {
                        bd |= last != 0;
                        r = 0;
                    } else if (r < 8 && ++r == 8) {
                        bd = true;
                    }
                    last = bit;
                }
                t[run][w] = static_cast<uint8_t>(r | (bd ? 0x80u : 0u));
            }
    }
};
const viol_table k_viol;

// packs n bits MSB first into w (n / 64 + 2 words, the tail zero)
void pack_bits(const uint8_t* x, size_t n, uint64_t* w)
{
    const size_t nw = n / 64 + 2;
    std::fill(w, w + nw, 0);
    for (size_t q = 0; q * 64 < n; q++) {
        uint64_t v = 0;
        const size_t m = std::min<size_t>(64, n - q * 64);
        const uint8_t* b = x + q * 64;
        for (size_t k = 0; k < m; k++)
            v = (v << 1) | (b[k] & 1u);
        w[q] = v << (64 - m);
    }
}

} // namespace

void rll17pp_encode_sequence(const uint8_t* x, size_t n, uint8_t prev, uint8_t* out)
{
    enc_state st;
    st.prev = prev;
    st.cap = 3 * n / 2;
    encode_run(byte_bits{ x }, n, true, st, out);
    if (st.i != n)
        throw std::invalid_argument("rll17pp_encode_sequence: incomplete sequence");
}

size_t rll17pp_decode_sequence(const uint8_t* c,
                               size_t n_words,
                               uint8_t prev,
                               uint8_t* x,
                               uint8_t* suspect,
                               uint64_t* violations)
{
    // 3-bit words, then the sync's first four words after the payload
    thread_local std::vector<uint8_t> words, bad;
    words.resize(n_words + 4);
    bad.assign(n_words + 4, 0);
    for (size_t j = 0; j < n_words; j++) {
        const uint8_t* b = c + 3 * j;
        words[j] =
            static_cast<uint8_t>(((b[0] & 1u) << 2) | ((b[1] & 1u) << 1) | (b[2] & 1u));
    }
    words[n_words] = 0b010;
    words[n_words + 1] = 0b000;
    words[n_words + 2] = 0b000;
    words[n_words + 3] = 0b010;
    auto word = [&](size_t j) -> uint8_t { return words[j]; };
    // violations per word: adjacent ones (011, 110, 111 included), zero run
    // over 7 (a run is charged to the word where it reaches 8 zeros)
    uint64_t viol = 0;
    {
        // state: zeros since the last one, saturated at 8 (run 0 = last bit 1)
        unsigned run = prev ? 0 : 1; // (the sync ends 10)
        const uint8_t* wp = words.data();
        uint8_t* bp = bad.data();
        for (size_t j = 0; j < n_words; j++) {
            const uint8_t t = k_viol.t[run][wp[j]];
            run = t & 15u;
            bp[j] = t >> 7;
            viol += t >> 7;
        }
        // junction with the sync, which starts with 01
        if (n_words && run < 8 && run + 1 >= 8)
            bad[n_words - 1] = 1, viol++;
    }
    if (suspect && !viol)
        std::memset(suspect, 0, 2 * n_words);
    size_t j = 0, nx = 0;
    while (j < n_words) {
        const uint8_t w0 = word(j), w1 = word(j + 1), w2 = word(j + 2), w3 = word(j + 3);
        const window_decision& dd =
            k_window
                .e[(unsigned(w0) << 9) | (unsigned(w1) << 6) | (unsigned(w2) << 3) | w3];
        const int nd = dd.nd, nw = dd.nw;
        if (suspect && viol) {
            bool sus = j > 0 && bad[j - 1];
            for (size_t k = j; k < j + nw + 3 && k < n_words; k++)
                sus |= bad[k] != 0;
            for (int k = 0; k < nd; k++)
                suspect[nx + k] = sus;
        }
        std::memcpy(x + nx, dd.bits, 8); // x has 8 bytes of room beyond
        nx += nd;
        j += nw;
    }
    if (violations)
        *violations += viol;
    return nx;
}

// ---------------------------------------------------------------- encoder

rll17pp_encoder::rll17pp_encoder(int frame_bytes, uint64_t first_frame, int dc_interval)
    : d_lay(frame_bytes, dc_interval),
      d_number(first_frame),
      d_x(d_lay.coded_bits + 8),
      d_s0(d_lay.payload_bits + 16),
      d_s1(d_lay.payload_bits + 16),
      d_xp(d_lay.coded_bits / 64 + 2)
{
    if (first_frame >= (uint64_t(1) << 24))
        throw std::invalid_argument("first_frame = " + std::to_string(first_frame) +
                                    ": must be below 2^24");
}

void rll17pp_encoder::encode_frame(const uint8_t* in, uint8_t* out)
{
    const rll17pp_layout& L = d_lay;
    build_sequence(L, d_number, in, d_x.data());
    pack_bits(d_x.data(), L.coded_bits, d_xp.data());
    uint64_t* xw = d_xp.data();
    const packed_bits x{ xw };
    // the sync: keeps the NRZI level / RDS bookkeeping
    enc_state st;
    st.level = d_level;
    st.rds = d_rds;
    st.max_abs = d_max_abs;
    for (int k = 0; k < rll17pp_sync_bits; k++) {
        const uint8_t c = rll17pp_sync[k];
        out[k] = c;
        st.level = c ? -st.level : st.level;
        st.rds += st.level;
        st.max_abs = std::max<int64_t>(st.max_abs, std::llabs(st.rds));
    }
    st.prev = 0;
    uint8_t* pay = out + rll17pp_sync_bits;
    const size_t T = static_cast<size_t>(L.coded_bits);
    for (int s = 0; s < L.dc_bits; s++) {
        const size_t p = static_cast<size_t>(s) * (L.dc_interval + 1);
        const bool last = s + 1 == L.dc_bits;
        const size_t end = last ? T : p + L.dc_interval + 1;
        // DC bit 0: the whole group, each word logged
        enc_state t0 = st, t1 = st;
        t0.nout = t1.nout = 0;
        set_bit(xw, p, 0);
        d_log.clear();
        encode_run(
            x,
            end,
            last,
            t0,
            d_s0.data(),
            [&](size_t i, uint8_t pv, int64_t rds, int64_t hi, int64_t lo, size_t no) {
                d_log.push_back({ i, rds, hi, lo, no, pv });
                return false;
            });
        // DC bit 1: only until its parse meets that of bit 0 (same data bit,
        // same previous channel bit) after the DC bit: from there on the
        // channel bits are the same and, the code preserving parity, the
        // NRZI levels are inverted
        set_bit(xw, p, 1);
        size_t k = 0, meet = SIZE_MAX;
        encode_run(x,
                   end,
                   last,
                   t1,
                   d_s1.data(),
                   [&](size_t i, uint8_t pv, int64_t, int64_t, int64_t, size_t) {
                       while (k < d_log.size() && d_log[k].i < i)
                           k++;
                       if (i > p && k < d_log.size() && d_log[k].i == i &&
                           d_log[k].prev == pv) {
                           meet = k;
                           return true;
                       }
                       return false;
                   });
        int64_t rds1 = t1.rds;
        if (meet != SIZE_MAX)
            rds1 = t1.rds - (t0.rds - d_log[meet].rds);
        const bool one = std::llabs(rds1) < std::llabs(t0.rds);
        set_bit(xw, p, one ? 1 : 0);
        const size_t base = st.nout;
        if (!one) {
            std::copy(d_s0.begin(), d_s0.begin() + t0.nout, pay + base);
            st = t0;
            st.nout = base + t0.nout;
        } else if (meet == SIZE_MAX) {
            std::copy(d_s1.begin(), d_s1.begin() + t1.nout, pay + base);
            st = t1;
            st.nout = base + t1.nout;
        } else {
            // bits of 1 up to the meeting point, then those of 0; the sums
            // after it mirror those of 0 around c
            const size_t m0 = d_log[meet].nout;
            std::copy(d_s1.begin(), d_s1.begin() + t1.nout, pay + base);
            std::copy(d_s0.begin() + m0, d_s0.begin() + t0.nout, pay + base + t1.nout);
            const int64_t c = t1.rds + d_log[meet].rds;
            int64_t mx = t1.max_abs;
            for (size_t q = meet + 1; q < d_log.size(); q++)
                mx = std::max<int64_t>(mx,
                                       std::max<int64_t>(std::llabs(c - d_log[q].hi),
                                                         std::llabs(c - d_log[q].lo)));
            const size_t n1 = t1.nout + (t0.nout - m0);
            st = t0;
            st.level = -t0.level;
            st.rds = rds1;
            st.max_abs = mx;
            st.nout = base + n1;
        }
    }
    d_level = st.level;
    d_rds = st.rds;
    d_max_abs = st.max_abs;
    d_number++;
    d_frames++;
}

std::vector<uint8_t> rll17pp_encoder::encode_frame(const std::vector<uint8_t>& bytes)
{
    if (bytes.size() != static_cast<size_t>(d_lay.frame_bytes))
        throw std::invalid_argument(
            "bytes.size() = " + std::to_string(bytes.size()) +
            ": must equal frame_bytes = " + std::to_string(d_lay.frame_bytes));
    std::vector<uint8_t> out(d_lay.frame_bits);
    encode_frame(bytes.data(), out.data());
    return out;
}

// ---------------------------------------------------------------- decoder

rll17pp_decoder::rll17pp_decoder(int frame_bytes,
                                 int sync_tolerance,
                                 int lock_syncs,
                                 int unlock_misses,
                                 uint64_t first_frame,
                                 int dc_interval)
    : d_lay(frame_bytes, dc_interval),
      d_tol(sync_tolerance),
      d_lock_syncs(lock_syncs),
      d_unlock_misses(unlock_misses),
      d_first(first_frame),
      d_next_out(first_frame)
{
    if (sync_tolerance < 0 || sync_tolerance > 3)
        throw std::invalid_argument("sync_tolerance = " + std::to_string(sync_tolerance) +
                                    ": must be in 0..3");
    if (lock_syncs < 1 || lock_syncs > 16)
        throw std::invalid_argument("lock_syncs = " + std::to_string(lock_syncs) +
                                    ": must be in 1..16");
    if (unlock_misses < 1 || unlock_misses > 64)
        throw std::invalid_argument("unlock_misses = " + std::to_string(unlock_misses) +
                                    ": must be in 1..64");
    if (first_frame >= (uint64_t(1) << 24))
        throw std::invalid_argument("first_frame = " + std::to_string(first_frame) +
                                    ": must be below 2^24");
    d_x.resize(d_lay.coded_bits + 16);
    d_re.resize(d_lay.payload_bits + 16);
    d_xp.resize(d_lay.coded_bits / 64 + 2);
    d_map.resize(d_lay.info_bits);
    for (int k = 0; k < d_lay.info_bits; k++)
        d_map[k] = d_lay.coded_index(k);
    d_sus.resize(d_lay.coded_bits + 16);
}

void rll17pp_decoder::push(const uint8_t* bits, size_t n)
{
    d_buf.insert(d_buf.end(), bits, bits + n);
    run();
    // drop bits no longer needed (search restarts after the last sync found)
    uint64_t keep = d_mode == mode::search    ? d_scan
                    : d_mode == mode::payload ? d_pend
                                              : d_expected;
    if (d_have_last_sync)
        keep = std::min(keep, d_last_sync);
    if (keep > d_base) {
        const size_t drop = static_cast<size_t>(keep - d_base);
        if (drop >= 65536 || drop * 2 >= d_buf.size()) {
            d_buf.erase(d_buf.begin(), d_buf.begin() + drop);
            d_base = keep;
        }
    }
}

void rll17pp_decoder::start_grid(uint64_t pos)
{
    d_locked = d_lock_syncs <= 1;
    d_good_run = 1;
    d_misses = 0;
    d_hold.clear();
    d_seq = 0;
    d_numbered = false;
    d_agree = 0;
    d_last_sync = pos;
    d_have_last_sync = true;
    d_pend = pos;
    d_pend_flywheel = false;
    d_mode = mode::payload;
}

void rll17pp_decoder::decode_at(uint64_t pos, bool flywheel)
{
    const rll17pp_layout& L = d_lay;
    held h;
    h.pos = pos;
    h.seq = d_seq++;
    rll17pp_frame& f = h.f;
    f.sync_position = pos;
    f.flywheeled = flywheel;
    uint64_t viol = 0;
    const size_t nx = rll17pp_decode_sequence(at(pos + rll17pp_sync_bits),
                                              L.payload_bits / 3,
                                              0,
                                              d_x.data(),
                                              d_sus.data(),
                                              &viol);
    // re-encoding check: channel words the encoder would not have produced
    // from the decoded data (e.g. a missing substitution) are violations too
    {
        const uint8_t* pay = at(pos + rll17pp_sync_bits);
        enc_state st;
        st.prev = 0;
        pack_bits(d_x.data(), nx, d_xp.data());
        encode_run(packed_bits{ d_xp.data() }, nx, true, st, d_re.data());
        const size_t P = static_cast<size_t>(L.payload_bits);
        size_t last_bad_word = SIZE_MAX;
        const bool same = st.nout == P && std::memcmp(d_re.data(), pay, P) == 0;
        for (size_t c = same ? P : 0; c < P; c++) {
            if (c < st.nout && d_re[c] == (pay[c] & 1u))
                continue;
            const size_t w = c / 3;
            if (w == last_bad_word)
                continue;
            last_bad_word = w;
            viol++;
            // data bits of this word and of the units around it
            const size_t lo = 2 * w >= 8 ? 2 * w - 8 : 0;
            const size_t hi = std::min(nx, 2 * w + 10);
            for (size_t q = lo; q < hi; q++)
                d_sus[q] = 1;
        }
    }
    f.violations = viol;
    d_violations += viol;
    uint8_t hdr[4] = { 0, 0, 0, 0 };
    const int* map = d_map.data(); // information bit -> coded data index
    int k = 0;
    for (int b = 0; b < 4; b++)
        for (int j = 0; j < 8; j++, k++)
            hdr[b] = static_cast<uint8_t>((hdr[b] << 1) | d_x[map[k]]);
    f.header_ok = rll17pp_crc8(hdr, 3) == hdr[3];
    h.hdr = (uint32_t(hdr[0]) << 16) | (uint32_t(hdr[1]) << 8) | hdr[2];
    f.bytes.assign(L.frame_bytes, 0);
    f.erased.assign(L.frame_bytes, 0);
    for (int b = 0; b < L.frame_bytes; b++) {
        uint8_t v = 0, e = 0;
        for (int j = 0; j < 8; j++, k++) {
            const int ci = map[k];
            v = static_cast<uint8_t>((v << 1) | d_x[ci]);
            e |= d_sus[ci];
        }
        f.bytes[b] = v;
        f.erased[b] = e;
    }
    d_hold.push_back(std::move(h));
    // frames of a grid without a good header wait, but not for ever
    while (d_hold.size() > 64 && d_hold.front().confirmed) {
        d_hold.pop_front();
        d_gap_pending = true;
    }
}

void rll17pp_decoder::lose_grid(bool count_loss)
{
    if (!d_hold.empty())
        d_gap_pending = true;
    d_hold.clear();
    if (count_loss)
        d_sync_losses++;
    d_locked = false;
    d_mode = mode::search;
    d_scan = d_have_last_sync ? d_last_sync + 1 : 0;
}

void rll17pp_decoder::emit(rll17pp_frame&& f, uint64_t pos)
{
    const uint64_t n = f.number;
    uint64_t gap = n - d_next_out;
    for (uint64_t m = d_next_out; m < n; m++) {
        rll17pp_frame z;
        z.number = m;
        z.filler = true;
        z.frames_missing_before = m == d_next_out ? gap : 0; // run length, at its start
        z.bytes.assign(d_lay.frame_bytes, 0);
        z.erased.assign(d_lay.frame_bytes, 1);
        d_bytes_erased += d_lay.frame_bytes;
        d_missing++;
        d_ready.push_back(std::move(z));
    }
    f.frames_missing_before = gap;
    for (auto e : f.erased)
        d_bytes_erased += e;
    d_frames++;
    d_next_out = n + 1;
    d_last_emit_end = pos + d_lay.frame_bits;
    d_gap_pending = false;
    d_ready.push_back(std::move(f));
}

void rll17pp_decoder::release()
{
    const uint64_t mod = uint64_t(1) << 24;
    // the number of a good header: the value = hdr (mod 2^24) at or after
    // d_next_out (a number going backwards becomes a jump of almost 2^24)
    auto lift = [&](uint32_t hdr) {
        return d_next_out + ((hdr + mod - (d_next_out % mod)) % mod);
    };
    while (!d_hold.empty() && d_hold.front().confirmed) {
        held& h = d_hold.front();
        uint64_t num;
        if (h.f.header_ok) {
            num = lift(h.hdr);
            if (d_numbered && num != d_grid_base + h.seq)
                d_header_errors++; // the header wins
            const uint64_t span = h.pos > d_last_emit_end ? h.pos - d_last_emit_end : 0;
            const uint64_t limit = span / d_lay.frame_bits + rll17pp_max_jump;
            if (num - d_next_out >= mod / 2) {
                // more than 2^23 ahead: read as a step backwards, never accepted
                d_dropped++;
                d_hold.pop_front();
                continue;
            }
            if (num - d_next_out > limit) {
                // implausible, unless three in a row on this grid agree
                const uint64_t base = num - h.seq;
                d_agree = (d_agree > 0 && base == d_jump_base) ? d_agree + 1 : 1;
                d_jump_base = base;
                if (d_agree < 3) {
                    d_dropped++;
                    d_hold.pop_front();
                    continue;
                }
            }
            d_agree = 0;
            d_grid_base = num - h.seq;
            d_numbered = true;
        } else if (d_numbered) {
            num = d_grid_base + h.seq; // inferred along the grid
            if (num < d_next_out) {
                d_dropped++;
                d_hold.pop_front();
                continue;
            }
        } else {
            // no number yet: a later confirmed frame with a good header gives it
            const held* g = nullptr;
            for (const auto& x : d_hold) {
                if (!x.confirmed)
                    break;
                if (x.f.header_ok) {
                    g = &x;
                    break;
                }
            }
            if (!g)
                return; // wait for a good header
            const uint64_t gnum = lift(g->hdr);
            if (gnum < g->seq - h.seq + d_next_out) {
                // would go backwards: not placeable
                d_dropped++;
                d_hold.pop_front();
                continue;
            }
            num = gnum - (g->seq - h.seq);
        }
        h.f.number = num;
        emit(std::move(h.f), h.pos);
        d_hold.pop_front();
    }
}

void rll17pp_decoder::run()
{
    const uint64_t F = static_cast<uint64_t>(d_lay.frame_bits);
    constexpr uint64_t S = rll17pp_sync_bits;
    constexpr uint64_t W = 8; // bit-slip window
    for (;;) {
        const uint64_t end = d_base + d_buf.size();
        if (d_mode == mode::payload) {
            if (end < d_pend + F)
                break;
            decode_at(d_pend, d_pend_flywheel);
            d_expected = d_pend + F;
            d_mode = mode::track;
            continue;
        }
        if (d_mode == mode::track) {
            const uint64_t E = d_expected;
            if (end < E + S)
                break;
            const int d0 = rll17pp_sync_distance(at(E));
            if (d0 <= d_tol) {
                // on the grid: every frame held is confirmed
                for (auto& h : d_hold)
                    h.confirmed = true;
                release();
                d_misses = 0;
                if (++d_good_run >= d_lock_syncs)
                    d_locked = true;
                d_last_sync = E;
                d_pend = E;
                d_pend_flywheel = false;
                d_mode = mode::payload;
                continue;
            }
            if (d_locked) {
                if (end < E + W + S)
                    break;
                // bit slip: a sync within +-W, at distance <= 1
                int best = 2;
                uint64_t best_pos = 0, best_off = W + 1;
                for (uint64_t p = E - W; p <= E + W; p++) {
                    if (p == E)
                        continue;
                    const int d = rll17pp_sync_distance(at(p));
                    const uint64_t off = p > E ? p - E : E - p;
                    if (d < best || (d == best && off < best_off)) {
                        best = d;
                        best_pos = p;
                        best_off = off;
                    }
                }
                if (best <= 1 && best <= d_tol) {
                    // the frames before it may hold shifted bits: discard
                    if (!d_hold.empty())
                        d_gap_pending = true;
                    d_hold.clear(); // (numbering continues on the shifted grid)
                    d_sync_losses++;
                    d_misses = 0;
                    d_last_sync = best_pos;
                    d_pend = best_pos;
                    d_pend_flywheel = false;
                    d_mode = mode::payload;
                    continue;
                }
                d_missed++;
                if (++d_misses >= d_unlock_misses) {
                    lose_grid(true);
                    continue;
                }
                d_pend = E;
                d_pend_flywheel = true;
                d_mode = mode::payload;
                continue;
            }
            // not locked yet: the grid is lost at the first miss
            lose_grid(false);
            continue;
        }
        // search
        if (d_scan + S > end)
            break;
        uint64_t p = d_scan;
        bool found = false, wait = false;
        for (; p + S <= end; p++) {
            const int d = rll17pp_sync_distance(at(p));
            if (d > d_tol)
                continue;
            if (d <= 1) {
                found = true;
                break;
            }
            if (end < p + F + S) {
                wait = true;
                break;
            }
            if (rll17pp_sync_distance(at(p + F)) <= d_tol) {
                found = true;
                break;
            }
        }
        d_scan = p;
        if (found) {
            start_grid(p);
            continue;
        }
        (void)wait;
        break;
    }
}

} // namespace ecdisc
