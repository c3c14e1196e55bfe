/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "crc32.h"
#include <array>
#include <cstring>

namespace ecdisc {

namespace {

constexpr uint32_t reflected_poly = 0xEDB88320u; // 0x04C11DB7 bit-reversed

// t[0]: the classic byte-at-a-time table; t[j][b]: the register change due to
// byte b followed by j zero bytes.
struct tables {
    std::array<std::array<uint32_t, 256>, 8> t;
    tables()
    {
        for (uint32_t b = 0; b < 256; b++) {
            uint32_t c = b;
            for (int i = 0; i < 8; i++)
                c = (c >> 1) ^ ((c & 1u) ? reflected_poly : 0u);
            t[0][b] = c;
        }
        for (int j = 1; j < 8; j++)
            for (uint32_t b = 0; b < 256; b++)
                t[j][b] = (t[j - 1][b] >> 8) ^ t[0][t[j - 1][b] & 0xFFu];
    }
};

const tables& tab()
{
    static const tables t;
    return t;
}

inline uint32_t load_le32(const uint8_t* p)
{
    return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) |
           (static_cast<uint32_t>(p[2]) << 16) | (static_cast<uint32_t>(p[3]) << 24);
}

} // namespace

uint32_t crc32_update(uint32_t crc, const uint8_t* data, size_t n)
{
    const auto& t = tab().t;
    uint32_t c = ~crc;
    // slice-by-8: the register is xored into the first 4 bytes, then the 8
    // bytes are looked up in parallel, each in the table of its distance
    // from the end of the block
    while (n >= 8) {
        const uint32_t lo = c ^ load_le32(data);
        const uint32_t hi = load_le32(data + 4);
        c = t[7][lo & 0xFFu] ^ t[6][(lo >> 8) & 0xFFu] ^ t[5][(lo >> 16) & 0xFFu] ^
            t[4][lo >> 24] ^ t[3][hi & 0xFFu] ^ t[2][(hi >> 8) & 0xFFu] ^
            t[1][(hi >> 16) & 0xFFu] ^ t[0][hi >> 24];
        data += 8;
        n -= 8;
    }
    while (n--)
        c = (c >> 8) ^ t[0][(c ^ *data++) & 0xFFu];
    return ~c;
}

} // namespace ecdisc
