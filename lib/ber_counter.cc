/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ber_counter.h"
#include <algorithm>
#include <cstdlib>
#include <limits>
#include <stdexcept>
#include <string>

namespace ecdisc {

namespace {

//! bits [pos, pos + n) of v (bit 0 of each byte) packed LSB first into words
std::vector<uint64_t> pack(const std::vector<uint8_t>& v, size_t pos, size_t n)
{
    std::vector<uint64_t> w((n + 63) / 64 + 1, 0);
    for (size_t i = 0; i < n; i++)
        w[i >> 6] |= static_cast<uint64_t>(v[pos + i] & 1u) << (i & 63);
    return w;
}

//! 64 bits of a packed array starting at bit offset (zero beyond the end)
inline uint64_t get64(const std::vector<uint64_t>& w, size_t off)
{
    const size_t q = off >> 6, r = off & 63;
    uint64_t lo = q < w.size() ? w[q] : 0;
    if (r == 0)
        return lo;
    const uint64_t hi = q + 1 < w.size() ? w[q + 1] : 0;
    return (lo >> r) | (hi << (64 - r));
}

} // namespace

ber_counter::ber_counter(int max_lag, int align_bits)
    : d_max_lag(max_lag), d_align_bits(align_bits)
{
    if (max_lag < 0 || max_lag > 100000)
        throw std::invalid_argument("max_lag = " + std::to_string(max_lag) +
                                    ": must be in 0..100000");
    if (align_bits < 16 || align_bits > 1000000)
        throw std::invalid_argument("align_bits = " + std::to_string(align_bits) +
                                    ": must be in 16..1000000");
}

void ber_counter::push_reference(const uint8_t* bits, size_t n)
{
    d_ref.insert(d_ref.end(), bits, bits + n);
    d_nref += n;
    if (d_aligned)
        compare();
    else
        try_align();
}

void ber_counter::push_received(const uint8_t* bits, size_t n)
{
    d_rcv.insert(d_rcv.end(), bits, bits + n);
    d_nrcv += n;
    if (d_aligned)
        compare();
    else
        try_align();
}

void ber_counter::try_align()
{
    const size_t need =
        static_cast<size_t>(d_align_bits) + static_cast<size_t>(d_max_lag);
    if (d_ref.size() < need || d_rcv.size() < need)
        return;
    const std::vector<uint64_t> ref = pack(d_ref, 0, need);
    const std::vector<uint64_t> rcv = pack(d_rcv, 0, need);
    const size_t A = static_cast<size_t>(d_align_bits);
    const size_t full = A / 64, rest = A % 64;
    const uint64_t rest_mask = rest ? ((uint64_t{ 1 } << rest) - 1) : 0;
    uint64_t best = std::numeric_limits<uint64_t>::max();
    int best_lag = 0;
    for (int L = -d_max_lag; L <= d_max_lag; L++) {
        const size_t i0 = L < 0 ? static_cast<size_t>(-L) : 0;
        const size_t ri = i0, rj = static_cast<size_t>(static_cast<long>(i0) + L);
        uint64_t mism = 0;
        for (size_t k = 0; k < full && mism <= best; k++)
            mism += static_cast<uint64_t>(
                __builtin_popcountll(get64(ref, ri + 64 * k) ^ get64(rcv, rj + 64 * k)));
        if (rest)
            mism += static_cast<uint64_t>(__builtin_popcountll(
                (get64(ref, ri + 64 * full) ^ get64(rcv, rj + 64 * full)) & rest_mask));
        const bool better =
            mism < best || (mism == best && (std::abs(L) < std::abs(best_lag)));
        if (better) {
            best = mism;
            best_lag = L;
        }
    }
    d_lag = best_lag;
    d_aligned = true;
    // Pair reference[i] with received[i + lag]: drop the unpaired heads.
    if (d_lag >= 0)
        d_rcv_pos = static_cast<size_t>(d_lag);
    else
        d_ref_pos = static_cast<size_t>(-d_lag);
    compare();
}

void ber_counter::compare()
{
    const size_t nr = d_ref.size() > d_ref_pos ? d_ref.size() - d_ref_pos : 0;
    const size_t nc = d_rcv.size() > d_rcv_pos ? d_rcv.size() - d_rcv_pos : 0;
    const size_t n = std::min(nr, nc);
    const uint8_t* a = d_ref.data() + d_ref_pos;
    const uint8_t* b = d_rcv.data() + d_rcv_pos;
    uint64_t err = 0;
    for (size_t i = 0; i < n; i++)
        err += (a[i] ^ b[i]) & 1u;
    d_errors += err;
    d_compared += n;
    d_ref_pos += n;
    d_rcv_pos += n;
    // Drop what is consumed (positions may exceed sizes while a head is
    // still being skipped).
    auto trim = [](std::vector<uint8_t>& v, size_t& pos) {
        const size_t k = std::min(pos, v.size());
        if (k > 0 && (k >= 4096 || k == v.size())) {
            v.erase(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k));
            pos -= k;
        }
    };
    trim(d_ref, d_ref_pos);
    trim(d_rcv, d_rcv_pos);
}

} // namespace ecdisc
