/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "crc32.h"
#include <gtest/gtest.h>
#include <random>
#include <string>
#include <vector>

namespace {

uint32_t crc_of(const std::string& s)
{
    return ecdisc::crc32(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

// bit at a time, straight from the definition (reflected 0x04C11DB7)
uint32_t crc_bitwise(const uint8_t* p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int b = 0; b < 8; b++)
            c = (c >> 1) ^ ((c & 1u) ? 0xEDB88320u : 0u);
    }
    return c ^ 0xFFFFFFFFu;
}

} // namespace

TEST(Crc32, KnownAnswers)
{
    EXPECT_EQ(crc_of("123456789"), 0xCBF43926u); // the catalogue check value
    EXPECT_EQ(crc_of(""), 0x00000000u);
    EXPECT_EQ(crc_of("a"), 0xE8B7BE43u);
    EXPECT_EQ(crc_of("abc"), 0x352441C2u);
    EXPECT_EQ(crc_of("The quick brown fox jumps over the lazy dog"), 0x414FA339u);
    // 32 zero bytes (the same value as zlib.crc32(bytes(32)))
    const std::vector<uint8_t> zeros(32, 0);
    EXPECT_EQ(ecdisc::crc32(zeros.data(), zeros.size()), 0x190A55ADu);
}

TEST(Crc32, MatchesBitwiseReferenceAtEveryLengthAndAlignment)
{
    std::mt19937 rng(3);
    std::vector<uint8_t> buf(300);
    for (auto& x : buf)
        x = static_cast<uint8_t>(rng());
    for (size_t off = 0; off < 8; off++)
        for (size_t n = 0; n + off <= buf.size(); n += 1 + n / 16)
            ASSERT_EQ(ecdisc::crc32(buf.data() + off, n),
                      crc_bitwise(buf.data() + off, n))
                << "off " << off << " n " << n;
}

TEST(Crc32, IncrementalEqualsOneShot)
{
    std::mt19937 rng(4);
    std::vector<uint8_t> buf(5000);
    for (auto& x : buf)
        x = static_cast<uint8_t>(rng());
    const uint32_t whole = ecdisc::crc32(buf.data(), buf.size());
    for (int trial = 0; trial < 50; trial++) {
        ecdisc::crc32_accumulator acc;
        size_t pos = 0;
        while (pos < buf.size()) {
            const size_t piece = std::min<size_t>(rng() % 40, buf.size() - pos);
            acc.update(buf.data() + pos, piece);
            pos += piece;
        }
        ASSERT_EQ(acc.value(), whole);
    }
    const uint32_t a = ecdisc::crc32_update(0, buf.data(), 1234);
    EXPECT_EQ(ecdisc::crc32_update(a, buf.data() + 1234, buf.size() - 1234), whole);
    ecdisc::crc32_accumulator acc;
    acc.update(buf.data(), 10);
    acc.reset();
    EXPECT_EQ(acc.value(), 0u);
}

TEST(Crc32, DetectsEverySingleAndDoubleBitError)
{
    std::vector<uint8_t> buf(64);
    std::mt19937 rng(5);
    for (auto& x : buf)
        x = static_cast<uint8_t>(rng());
    const uint32_t ref = ecdisc::crc32(buf.data(), buf.size());
    for (size_t i = 0; i < buf.size() * 8; i++) {
        buf[i / 8] ^= 1u << (i % 8);
        ASSERT_NE(ecdisc::crc32(buf.data(), buf.size()), ref);
        for (size_t j = i + 1; j < buf.size() * 8; j += 7) {
            buf[j / 8] ^= 1u << (j % 8);
            ASSERT_NE(ecdisc::crc32(buf.data(), buf.size()), ref);
            buf[j / 8] ^= 1u << (j % 8);
        }
        buf[i / 8] ^= 1u << (i % 8);
    }
}
