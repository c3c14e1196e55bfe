/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "test_util.h"
#include "write_strategy.h"
#include <gtest/gtest.h>
#include <cmath>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

using ecdisc::write_strategy;

namespace {

struct mark {
    size_t start, len; // in input bits
};

// Random marks of 2..8 T separated by spaces of 2..8 T.
std::vector<uint8_t>
random_levels(size_t n_marks, std::vector<mark>& marks, unsigned seed)
{
    std::mt19937 rng(seed);
    std::vector<uint8_t> lv;
    for (size_t m = 0; m < n_marks; m++) {
        lv.insert(lv.end(), 2 + rng() % 7, 0);
        const size_t len = 2 + m % 7; // every length 2..8 appears
        marks.push_back({ lv.size(), len });
        lv.insert(lv.end(), len, 1);
    }
    lv.insert(lv.end(), 3, 0);
    return lv;
}

void run_chunked(write_strategy& ws,
                 const std::vector<uint8_t>& lv,
                 std::vector<float>& b0,
                 std::vector<float>& b1,
                 unsigned seed)
{
    const size_t sps = ws.sps();
    b0.assign(lv.size() * sps, -1.0f);
    b1.assign(lv.size() * sps, -1.0f);
    std::mt19937 rng(seed);
    size_t pos = 0;
    while (pos < lv.size()) {
        const size_t n = std::min<size_t>(rng() % 13, lv.size() - pos);
        ws.process(lv.data() + pos, b0.data() + pos * sps, b1.data() + pos * sps, n);
        pos += n;
    }
}

} // namespace

TEST(WriteStrategy, PulseEdgesAndPowers)
{
    const struct {
        int sps;
        double lead, tail;
    } cases[] = { { 4, 0.25, 0.75 }, { 8, 0.5, 0.5 }, { 16, 0.3, 0.6 },
                  { 2, 0.0, 0.0 },   { 5, 1.0, 1.0 }, { 32, 0.1, 0.9 } };
    for (const auto& c : cases) {
        SCOPED_TRACE("sps " + std::to_string(c.sps) + " lead " + std::to_string(c.lead) +
                     " tail " + std::to_string(c.tail));
        std::vector<mark> marks;
        const auto lv = random_levels(70, marks, 11);
        write_strategy ws(c.sps, 6.0, 0.5, 3.0, c.lead, c.tail);
        std::vector<float> b0, b1;
        run_chunked(ws, lv, b0, b1, 5);
        for (float v : b0)
            ASSERT_EQ(v, 3.0f);
        // Independent reference: a sample at output time t (bits) is at write
        // power iff t lies in [a + 1 + lead, a + 1 + L - tail) for some mark.
        std::vector<float> expect(b1.size(), 0.5f);
        for (const auto& m : marks) {
            const double lo = m.start + 1 + c.lead, hi = m.start + 1 + m.len - c.tail;
            for (size_t j = 0; j < expect.size(); j++) {
                const double t = (j + 0.5) / c.sps;
                if (t >= lo && t < hi)
                    expect[j] = 6.0f;
            }
        }
        ASSERT_EQ(b1, expect);
        // Edges within one sample of the configured times, for each mark.
        for (const auto& m : marks) {
            const double lo = m.start + 1 + c.lead, hi = m.start + 1 + m.len - c.tail;
            if (hi - lo < 1.0 / c.sps)
                continue; // too short for a pulse (a 2T mark with lead + tail = 2)
            size_t j = (m.start + 1) * c.sps;
            while (b1[j] != 6.0f)
                j++;
            EXPECT_LE(std::fabs(static_cast<double>(j) / c.sps - lo), 1.0 / c.sps);
            while (j < b1.size() && b1[j] == 6.0f)
                j++;
            EXPECT_LE(std::fabs(static_cast<double>(j) / c.sps - hi), 1.0 / c.sps);
        }
    }
}

TEST(WriteStrategy, DefaultTimingOfA3TMark)
{
    // sps 4, lead 0.25, tail 0.75: a 3T mark at input bits 2..4 is written
    // over output bits [3.25, 5.25): samples 13..20 (times 3.375 .. 5.125).
    write_strategy ws(4, 6.0, 0.5, 3.0, 0.25, 0.75);
    const std::vector<uint8_t> lv{ 0, 0, 1, 1, 1, 0, 0, 0 };
    std::vector<float> b0(32), b1(32);
    ws.process(lv.data(), b0.data(), b1.data(), lv.size());
    for (size_t j = 0; j < 32; j++)
        EXPECT_EQ(b1[j], (j >= 13 && j <= 20) ? 6.0f : 0.5f) << "sample " << j;
    EXPECT_EQ(ws.latency_samples(), 4);
}

TEST(WriteStrategy, SetPowersAppliesAndValidates)
{
    write_strategy ws(4, 6.0, 0.5, 3.0, 0.0, 0.0);
    ws.set_powers(8.0, 1.0, 0.0);
    const std::vector<uint8_t> lv{ 1, 1, 1, 0 };
    std::vector<float> b0(16), b1(16);
    ws.process(lv.data(), b0.data(), b1.data(), 4);
    EXPECT_EQ(b1[0], 1.0f); // latency bit: a space
    EXPECT_EQ(b1[4], 8.0f);
    EXPECT_EQ(b0[7], 0.0f);
    EXPECT_THROW(ws.set_powers(8.0, 9.0, 1.0), std::invalid_argument);
    EXPECT_EQ(ws.space_power_mw(), 1.0); // unchanged after a rejected call
}

TEST(WriteStrategy, RejectsBadParameters)
{
    const auto msg = [](auto f) { return ecdisc_test::invalid_argument_message(f); };
    EXPECT_NE(msg([] { write_strategy(1, 6, 0.5, 3, 0.25, 0.75); }).find("sps = 1"),
              std::string::npos);
    EXPECT_NE(msg([] { write_strategy(33, 6, 0.5, 3, 0.25, 0.75); }).find("sps = 33"),
              std::string::npos);
    EXPECT_NE(
        msg([] { write_strategy(4, 101, 0.5, 3, 0.25, 0.75); }).find("write_power_mw"),
        std::string::npos);
    EXPECT_NE(
        msg([] { write_strategy(4, 6, 7, 3, 0.25, 0.75); }).find("space_power_mw = 7"),
        std::string::npos);
    EXPECT_NE(
        msg([] { write_strategy(4, 6, 0.5, -1, 0.25, 0.75); }).find("assist_power_mw"),
        std::string::npos);
    EXPECT_NE(
        msg([] { write_strategy(4, 6, 0.5, 3, 1.5, 0.75); }).find("lead_trim = 1.5"),
        std::string::npos);
    EXPECT_NE(msg([] { write_strategy(4, 6, 0.5, 3, 0.25, NAN); }).find("tail_trim"),
              std::string::npos);
}
