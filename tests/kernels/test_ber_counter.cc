/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ber_counter.h"
#include "test_util.h"
#include <gtest/gtest.h>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

using ecdisc::ber_counter;

namespace {

std::vector<uint8_t> random_bits(size_t n, unsigned seed)
{
    std::mt19937 rng(seed);
    std::vector<uint8_t> v(n);
    for (auto& b : v)
        b = rng() & 1u;
    return v;
}

//! received[j] = reference[j - lag] (random bits where j - lag < 0), with the
//! listed positions j flipped
std::vector<uint8_t>
delayed(const std::vector<uint8_t>& ref, int lag, size_t n, const std::set<size_t>& flips)
{
    auto v = random_bits(n, 99);
    for (size_t j = 0; j < n; j++) {
        const long i = static_cast<long>(j) - lag;
        if (i >= 0 && i < static_cast<long>(ref.size()))
            v[j] = ref[static_cast<size_t>(i)];
        if (flips.count(j))
            v[j] ^= 1u;
    }
    return v;
}

void feed(ber_counter& bc,
          const std::vector<uint8_t>& ref,
          const std::vector<uint8_t>& rcv,
          unsigned seed)
{
    std::mt19937 rng(seed);
    size_t pr = 0, pc = 0;
    while (pr < ref.size() || pc < rcv.size()) {
        const size_t a = std::min<size_t>(rng() % 500, ref.size() - pr);
        bc.push_reference(ref.data() + pr, a);
        pr += a;
        const size_t b = std::min<size_t>(rng() % 500, rcv.size() - pc);
        bc.push_received(rcv.data() + pc, b);
        pc += b;
    }
}

} // namespace

TEST(BerCounter, FindsPositiveAndNegativeLagsAndCountsExactly)
{
    const auto ref = random_bits(50000, 1);
    for (int lag : { 0, 1, 37, 1000, -1, -250, -1024, 1024 }) {
        SCOPED_TRACE("lag " + std::to_string(lag));
        // 7 errors, some inside the alignment window
        const std::set<size_t> flips{ 1500, 1501, 3000, 10000, 20000, 30001, 39999 };
        const size_t n = 40000;
        const auto rcv = delayed(ref, lag, n, flips);
        ber_counter bc(1024, 2048);
        feed(bc, ref, rcv, 3);
        ASSERT_TRUE(bc.aligned());
        EXPECT_EQ(bc.lag(), lag);
        // pairs (ref[i], rcv[i + lag]) for both indices in range
        const long lo = std::max<long>(0, -lag);
        const long hi = std::min<long>(ref.size(), static_cast<long>(n) - lag);
        EXPECT_EQ(bc.bits_compared(), static_cast<uint64_t>(hi - lo));
        EXPECT_EQ(bc.errors(), flips.size());
        EXPECT_DOUBLE_EQ(bc.ber(), double(flips.size()) / double(hi - lo));
        EXPECT_EQ(bc.reference_bits(), ref.size());
    }
}

TEST(BerCounter, AlignsDespiteErrorsAndWaitsForEnoughBits)
{
    const auto ref = random_bits(20000, 5);
    // 5 % errors everywhere
    std::set<size_t> flips;
    std::mt19937 rng(8);
    for (size_t j = 0; j < 20000; j++)
        if (rng() % 20 == 0)
            flips.insert(j);
    const auto rcv = delayed(ref, 17, 20000, flips);
    ber_counter bc(100, 1000);
    bc.push_reference(ref.data(), 1099);
    bc.push_received(rcv.data(), 5000);
    EXPECT_FALSE(bc.aligned()); // 1100 reference bits needed
    EXPECT_EQ(bc.bits_compared(), 0u);
    EXPECT_EQ(bc.ber(), 0.0);
    bc.push_reference(ref.data() + 1099, 1);
    EXPECT_TRUE(bc.aligned());
    EXPECT_EQ(bc.lag(), 17);
    bc.push_reference(ref.data() + 1100, ref.size() - 1100);
    bc.push_received(rcv.data() + 5000, rcv.size() - 5000);
    size_t expect = 0;
    for (size_t j : flips)
        expect += (j >= 17) ? 1 : 0;
    EXPECT_EQ(bc.errors(), expect);
    EXPECT_EQ(bc.bits_compared(), 20000u - 17u);
    EXPECT_NEAR(bc.ber(), 0.05, 0.005);
}

TEST(BerCounter, OnlyBitZeroCounts)
{
    ber_counter bc(0, 16);
    std::vector<uint8_t> a(32, 1), b(32, 3);
    bc.push_reference(a.data(), a.size());
    bc.push_received(b.data(), b.size());
    EXPECT_TRUE(bc.aligned());
    EXPECT_EQ(bc.errors(), 0u);
    EXPECT_EQ(bc.bits_compared(), 32u);
}

TEST(BerCounter, RejectsBadParameters)
{
    const auto msg = [](auto f) { return ecdisc_test::invalid_argument_message(f); };
    EXPECT_NE(msg([] { ber_counter(-1, 2048); }).find("max_lag = -1"), std::string::npos);
    EXPECT_NE(msg([] { ber_counter(100001, 2048); }).find("max_lag = 100001"),
              std::string::npos);
    EXPECT_NE(msg([] { ber_counter(10, 15); }).find("align_bits = 15"),
              std::string::npos);
    EXPECT_NE(msg([] { ber_counter(10, 1000001); }).find("align_bits"),
              std::string::npos);
}
