/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef ECDISC_KERNEL_CRC32_H
#define ECDISC_KERNEL_CRC32_H

#include <cstddef>
#include <cstdint>

namespace ecdisc {

/*
 * CRC-32 of IEEE 802.3 (also zlib, PNG, gzip): polynomial 0x04C11DB7 in
 * reflected form (0xEDB88320, LSB first), initial register 0xFFFFFFFF, final
 * xor 0xFFFFFFFF. check("123456789") = 0xCBF43926, empty input -> 0.
 *
 * Table-driven, slice-by-8 (eight bytes per step, 8 KiB of tables built once).
 */

/*! Continues a CRC-32 over n more bytes. crc is a previous result (0 to
 *  start): crc32_update(crc32_update(0, a), b) == CRC-32 of a followed by b,
 *  the same chaining as zlib's crc32(). */
uint32_t crc32_update(uint32_t crc, const uint8_t* data, size_t n);

//! CRC-32 of n bytes
inline uint32_t crc32(const uint8_t* data, size_t n) { return crc32_update(0u, data, n); }

/*! Incremental CRC-32: feed any number of pieces, read value() at any time. */
class crc32_accumulator
{
public:
    void update(const uint8_t* data, size_t n) { d_crc = crc32_update(d_crc, data, n); }
    //! CRC-32 of everything fed since construction or reset()
    uint32_t value() const { return d_crc; }
    void reset() { d_crc = 0; }

private:
    uint32_t d_crc = 0;
};

} // namespace ecdisc

#endif
