/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "nrzi.h"
#include <gtest/gtest.h>
#include <random>
#include <stdexcept>
#include <vector>

using ecdisc::nrzi_decoder;
using ecdisc::nrzi_encoder;

TEST(Nrzi, EncoderTogglesOnOnes)
{
    const std::vector<uint8_t> in{ 1, 0, 0, 1, 1, 0, 1 };
    const std::vector<uint8_t> expected{ 1, 1, 1, 0, 1, 1, 0 };
    std::vector<uint8_t> out(in.size());
    nrzi_encoder enc(0);
    enc.encode(in.data(), out.data(), in.size());
    EXPECT_EQ(out, expected);
    EXPECT_EQ(enc.level(), 0);
}

TEST(Nrzi, InitialLevelOneInvertsLevels)
{
    const std::vector<uint8_t> in{ 0, 1, 0 };
    std::vector<uint8_t> out(3);
    nrzi_encoder enc(1);
    enc.encode(in.data(), out.data(), 3);
    EXPECT_EQ(out, (std::vector<uint8_t>{ 1, 0, 0 }));
}

TEST(Nrzi, DecoderMarksLevelChanges)
{
    const std::vector<uint8_t> in{ 0, 1, 1, 0, 0, 0, 1 };
    const std::vector<uint8_t> expected{ 0, 1, 0, 1, 0, 0, 1 };
    std::vector<uint8_t> out(in.size());
    nrzi_decoder dec(0);
    dec.decode(in.data(), out.data(), in.size());
    EXPECT_EQ(out, expected);
}

TEST(Nrzi, RoundTripInRandomChunks)
{
    std::mt19937 rng(7);
    std::vector<uint8_t> bits(100000);
    for (auto& b : bits)
        b = rng() & 1u;
    std::vector<uint8_t> levels(bits.size()), back(bits.size());
    nrzi_encoder enc;
    nrzi_decoder dec;
    size_t pos = 0;
    while (pos < bits.size()) {
        const size_t n = std::min<size_t>(1 + rng() % 977, bits.size() - pos);
        enc.encode(bits.data() + pos, levels.data() + pos, n);
        dec.decode(levels.data() + pos, back.data() + pos, n);
        pos += n;
    }
    EXPECT_EQ(back, bits);
    // The level is the parity of the ones written so far.
    size_t ones = 0;
    for (auto b : bits)
        ones += b;
    EXPECT_EQ(enc.level(), static_cast<int>(ones & 1u));
}

TEST(Nrzi, RejectsBadInitialLevel)
{
    try {
        nrzi_encoder enc(2);
        FAIL() << "no exception";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("initial_level = 2"), std::string::npos);
    }
    EXPECT_THROW(nrzi_decoder(-1), std::invalid_argument);
}
