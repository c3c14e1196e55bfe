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

// ---- pulse trains, gated assist, beam delay, voltage ---------------------

namespace {

struct ws_params {
    int sps;
    double write, space, assist, lead, tail;
    std::string mode;
    double t_top, t_mp, t_lp, t_cool, bias, cooling, middle;
    std::string assist_mode;
    double assist_lead;
    int delay;
    double volts;

    write_strategy make() const
    {
        return write_strategy(sps,
                              write,
                              space,
                              assist,
                              lead,
                              tail,
                              mode,
                              t_top,
                              t_mp,
                              t_lp,
                              t_cool,
                              bias,
                              cooling,
                              middle,
                              assist_mode,
                              assist_lead,
                              delay,
                              volts);
    }
    std::string name() const
    {
        return mode + " sps " + std::to_string(sps) + " lead " + std::to_string(lead) +
               " tail " + std::to_string(tail) + " top " + std::to_string(t_top) +
               " mp " + std::to_string(t_mp) + " lp " + std::to_string(t_lp) + " cool " +
               std::to_string(t_cool) + " " + assist_mode + " delay " +
               std::to_string(delay);
    }
};

// Marks of 2..9 T (every length, in turn) separated by spaces of smin..smax.
std::vector<uint8_t> train_levels(size_t n_marks,
                                  std::vector<mark>& marks,
                                  unsigned seed,
                                  size_t nmin = 2,
                                  size_t nmax = 9,
                                  size_t smin = 2,
                                  size_t smax = 8)
{
    std::mt19937 rng(seed);
    std::vector<uint8_t> lv;
    for (size_t m = 0; m < n_marks; m++) {
        lv.insert(lv.end(), smin + rng() % (smax - smin + 1), 0);
        const size_t len = nmin + m % (nmax - nmin + 1);
        marks.push_back({ lv.size(), len });
        lv.insert(lv.end(), len, 1);
    }
    lv.insert(lv.end(), 5, 0);
    return lv;
}

struct interval {
    double lo, hi;
};

//! whether some sample time (j + 0.5) / sps lies in [lo, hi)
bool has_sample(double lo, double hi, int sps)
{
    const double j = std::ceil(lo * sps - 0.5);
    return (j + 0.5) / sps < hi;
}

// The strategy written out in absolute output time (bits), independently of
// the kernel's per-bit tables: each mark paints its cooling gap, its window
// (bias / middle) and its pulses; write beats window beats cooling beats space.
void reference(const ws_params& p,
               const std::vector<mark>& marks,
               size_t nsamples,
               std::vector<float>& beam1,
               std::vector<float>& gate,
               std::vector<std::vector<interval>>* pulses_per_mark = nullptr)
{
    const double D = p.mode == "single" ? 1.0 : 2.0;
    std::vector<int> level(nsamples, 0);
    std::vector<bool> on(nsamples, false);
    if (pulses_per_mark)
        pulses_per_mark->clear();
    for (const auto& m : marks) {
        const double a = m.start + D;
        const int n = static_cast<int>(m.len);
        const interval w{ a + p.lead, a + n - p.tail };
        std::vector<interval> pulses;
        if (p.mode == "single") {
            pulses.push_back(w);
        } else if (p.mode == "multi_pulse") {
            for (int k = 0; k < std::max(1, n - 1); k++) {
                const double width = k == 0 ? p.t_top : (k == n - 2 ? p.t_lp : p.t_mp);
                pulses.push_back({ a + p.lead + k, a + p.lead + k + width });
            }
        } else {
            pulses.push_back({ a + p.lead, a + p.lead + p.t_top });
            pulses.push_back({ w.hi - p.t_lp, w.hi });
        }
        if (pulses_per_mark)
            pulses_per_mark->push_back(pulses);
        if (!(w.lo < w.hi))
            continue;
        const interval cool{ w.hi, w.hi + p.t_cool };
        const interval g{ w.lo - p.assist_lead, w.hi };
        for (size_t j = 0; j < nsamples; j++) {
            const double t = (j + 0.5) / p.sps;
            if (t >= g.lo && t < g.hi)
                on[j] = true;
            int lv = 0;
            if (p.mode != "single" && t >= cool.lo && t < cool.hi)
                lv = 1;
            if (t >= w.lo && t < w.hi) {
                lv = p.mode == "single" ? 3 : 2;
                for (const auto& q : pulses)
                    if (t >= q.lo && t < q.hi)
                        lv = 3;
            }
            level[j] = std::max(level[j], lv);
        }
    }
    const double mw[4] = {
        p.space, p.cooling, p.mode == "castle" ? p.middle : p.bias, p.write
    };
    beam1.resize(nsamples);
    gate.resize(nsamples);
    for (size_t j = 0; j < nsamples; j++) {
        beam1[j] = static_cast<float>(mw[level[j]]);
        gate[j] = on[j] ? static_cast<float>(p.assist) : 0.0f;
    }
}

// Parameters on a 0.05 T grid with sps 4, 8, 16: no sample time (an odd
// multiple of 1/(2 sps)) falls on an interval edge, so the absolute-time
// reference and the kernel's bit-relative arithmetic cannot round apart.
std::vector<ws_params> train_cases()
{
    return {
        { 8,
          6,
          0.5,
          3,
          0.25,
          0.75,
          "multi_pulse",
          0.6,
          0.4,
          0.55,
          0.7,
          1.0,
          0.3,
          4,
          "cw",
          0.5,
          0,
          0 },
        { 16,
          7,
          0.6,
          2,
          0.0,
          0.0,
          "multi_pulse",
          1.0,
          0.5,
          1.0,
          2.0,
          0.8,
          0.2,
          4,
          "gated",
          0.35,
          0,
          0 },
        { 4,
          9,
          1.0,
          2,
          0.5,
          0.35,
          "multi_pulse",
          0.85,
          0.3,
          1.15,
          1.3,
          1.5,
          0.0,
          4,
          "gated",
          1.0,
          0,
          0 },
        { 8,
          6,
          0.5,
          3,
          0.25,
          0.75,
          "castle",
          0.9,
          0.5,
          0.6,
          0.45,
          1.0,
          0.2,
          3.5,
          "gated",
          0.5,
          0,
          0 },
        { 16,
          8,
          0.7,
          1,
          0.1,
          0.2,
          "castle",
          1.65,
          0.5,
          1.7,
          0.0,
          1.0,
          0.1,
          5.0,
          "cw",
          0.5,
          0,
          0 },
        { 4,
          5,
          0.4,
          2,
          0.0,
          1.0,
          "castle",
          0.3,
          0.5,
          0.45,
          2.0,
          1.0,
          0.35,
          2.5,
          "gated",
          0.85,
          0,
          0 },
        { 8,
          6,
          0.5,
          3,
          0.15,
          0.65,
          "single",
          0.5,
          0.5,
          0.5,
          0.5,
          1.0,
          0.5,
          4,
          "gated",
          0.6,
          0,
          0 },
    };
}

void run_chunked(write_strategy& ws,
                 const std::vector<uint8_t>& lv,
                 std::vector<float>& b0,
                 std::vector<float>& b1,
                 std::vector<float>& v,
                 unsigned seed)
{
    const size_t sps = ws.sps();
    b0.assign(lv.size() * sps, -1.0f);
    b1.assign(lv.size() * sps, -1.0f);
    v.assign(lv.size() * sps, -99.0f);
    std::mt19937 rng(seed);
    size_t pos = 0;
    while (pos < lv.size()) {
        const size_t n = std::min<size_t>(rng() % 13, lv.size() - pos);
        ws.process(lv.data() + pos,
                   b0.data() + pos * sps,
                   b1.data() + pos * sps,
                   v.data() + pos * sps,
                   n);
        pos += n;
    }
}

// A copy of the single-pulse kernel as it was before the pulse trains: the
// default parameters must reproduce it sample for sample.
std::vector<float> old_single_pulse(int sps,
                                    double write,
                                    double space,
                                    double lead,
                                    double tail,
                                    const std::vector<uint8_t>& lv)
{
    std::vector<float> patterns(8 * static_cast<size_t>(sps), static_cast<float>(space));
    for (int idx = 0; idx < 8; idx++) {
        const bool prev = idx & 4, cur = idx & 2, next = idx & 1;
        if (!cur)
            continue;
        const double lo = prev ? 0.0 : lead;
        const double hi = next ? 1.0 : 1.0 - tail;
        for (int k = 0; k < sps; k++) {
            const double t = (k + 0.5) / sps;
            if (t >= lo && t < hi)
                patterns[idx * sps + k] = static_cast<float>(write);
        }
    }
    std::vector<float> out;
    uint8_t prev = 0, cur = 0;
    for (uint8_t l : lv) {
        const uint8_t next = l & 1u;
        const float* p =
            &patterns[static_cast<size_t>((prev << 2) | (cur << 1) | next) * sps];
        out.insert(out.end(), p, p + sps);
        prev = cur;
        cur = next;
    }
    return out;
}

} // namespace

TEST(WriteStrategy, DefaultsReproduceTheSinglePulseKernel)
{
    const struct {
        int sps;
        double lead, tail;
    } cases[] = {
        { 4, 0.25, 0.75 }, { 2, 0.25, 0.75 }, { 5, 0.3, 0.6 }, { 3, 0.5, 0.5 },
        { 7, 0.1, 0.9 },   { 2, 0.0, 0.0 },   { 5, 1.0, 1.0 }, { 32, 0.3, 0.7 }
    };
    std::mt19937 rng(17);
    std::vector<uint8_t> lv(20000);
    for (auto& b : lv)
        b = rng() % 3 == 0; // every run length, 1T marks and spaces included
    for (const auto& c : cases) {
        SCOPED_TRACE("sps " + std::to_string(c.sps) + " lead " + std::to_string(c.lead));
        const auto expect = old_single_pulse(c.sps, 6.0, 0.5, c.lead, c.tail, lv);
        write_strategy six(c.sps, 6.0, 0.5, 3.0, c.lead, c.tail);
        write_strategy all(c.sps,
                           6.0,
                           0.5,
                           3.0,
                           c.lead,
                           c.tail,
                           "single",
                           0.5,
                           0.5,
                           0.5,
                           0.5,
                           1.0,
                           0.5,
                           4.0,
                           "cw",
                           0.5,
                           0,
                           0.0);
        for (auto* ws : { &six, &all }) {
            std::vector<float> b0, b1, v;
            run_chunked(*ws, lv, b0, b1, v, 3);
            ASSERT_EQ(b1, expect);
            ASSERT_EQ(b0, std::vector<float>(b0.size(), 3.0f));
            ASSERT_EQ(v, std::vector<float>(v.size(), 0.0f));
            EXPECT_EQ(ws->latency_samples(), c.sps);
            EXPECT_EQ(ws->mode(), "single");
            EXPECT_EQ(ws->assist_mode(), "cw");
        }
    }
}

TEST(WriteStrategy, PulseTrainsMatchTheReferenceForEveryLength)
{
    for (const auto& p : train_cases()) {
        SCOPED_TRACE(p.name());
        std::vector<mark> marks;
        const auto lv = train_levels(8 * 12, marks, 7);
        auto ws = p.make();
        EXPECT_EQ(ws.latency_samples(), (p.mode == "single" ? 1 : 2) * p.sps);
        std::vector<float> b0, b1, v;
        run_chunked(ws, lv, b0, b1, v, 9);
        std::vector<float> e1, eg;
        std::vector<std::vector<interval>> pulses;
        reference(p, marks, b1.size(), e1, eg, &pulses);
        for (size_t j = 0; j < b1.size(); j++)
            ASSERT_EQ(b1[j], e1[j])
                << "beam 1 sample " << j << " (bit " << j / p.sps << ")";
        if (p.assist_mode == "gated")
            ASSERT_EQ(b0, eg);
        else
            ASSERT_EQ(b0, std::vector<float>(b0.size(), static_cast<float>(p.assist)));

        // Every pulse edge within one sample of its configured time, for
        // every mark length: scan the write-power runs inside each mark.
        const double D = p.mode == "single" ? 1.0 : 2.0;
        for (size_t mi = 0; mi < marks.size(); mi++) {
            const auto& m = marks[mi];
            std::vector<interval> want;
            for (const auto& q : pulses[mi]) {
                const double lo = std::max(q.lo, m.start + D + p.lead);
                const double hi = std::min(q.hi, m.start + D + m.len - p.tail);
                if (!has_sample(lo, hi, p.sps))
                    continue;
                if (!want.empty() && !has_sample(want.back().hi, lo, p.sps))
                    want.back().hi = std::max(want.back().hi, hi); // no sample between
                else
                    want.push_back({ lo, hi });
            }
            std::vector<interval> got;
            const size_t j0 = static_cast<size_t>((m.start + D) * p.sps);
            const size_t j1 = static_cast<size_t>((m.start + D + m.len) * p.sps);
            for (size_t j = j0; j < j1; j++) {
                if (b1[j] != static_cast<float>(p.write))
                    continue;
                if (j == j0 || b1[j - 1] != static_cast<float>(p.write))
                    got.push_back({ static_cast<double>(j) / p.sps, 0.0 });
                got.back().hi = static_cast<double>(j + 1) / p.sps;
            }
            ASSERT_EQ(got.size(), want.size()) << "mark of " << m.len << "T";
            if (p.mode == "multi_pulse" && p.t_top < 1.0 - 1.0 / p.sps && p.t_mp <= 0.5)
                EXPECT_EQ(got.size(), std::max<size_t>(1, m.len - 1)) << m.len << "T";
            for (size_t k = 0; k < got.size(); k++) {
                EXPECT_LE(std::fabs(got[k].lo - want[k].lo), 1.0 / p.sps) << m.len << "T";
                EXPECT_LE(std::fabs(got[k].hi - want[k].hi), 1.0 / p.sps) << m.len << "T";
            }
        }
    }
}

TEST(WriteStrategy, ShortSpacesAndOutOfRangeMarksFollowTheRule)
{
    // 1T spaces (the cooling gap then runs into the next mark's lead-in),
    // 1T marks and marks longer than 9T: the same painting rule, the pulses
    // clipped to the window.
    for (const auto& p : train_cases()) {
        SCOPED_TRACE(p.name());
        std::vector<mark> marks;
        const auto lv = train_levels(12 * 10, marks, 3, 1, 12, 1, 3);
        auto ws = p.make();
        std::vector<float> b0, b1, v;
        run_chunked(ws, lv, b0, b1, v, 4);
        std::vector<float> e1, eg;
        reference(p, marks, b1.size(), e1, eg);
        ASSERT_EQ(b1, e1);
        if (p.assist_mode == "gated")
            ASSERT_EQ(b0, eg);
    }
}

TEST(WriteStrategy, MultiPulseOfA4TMark)
{
    // sps 4, lead 0.25, tail 0.75, t_top = t_mp = t_lp = 0.5, t_cool 0.5,
    // latency 2 bits: the 4T mark at input bits 2..5 has its window over
    // output times [4.25, 7.25): pulses [4.25, 4.75), [5.25, 5.75),
    // [6.25, 6.75) at 6 mW, bias 1 mW between them and up to 7.25, cooling
    // 0.2 mW over [7.25, 7.75), space 0.5 mW elsewhere.
    write_strategy ws(
        4, 6.0, 0.5, 3.0, 0.25, 0.75, "multi_pulse", 0.5, 0.5, 0.5, 0.5, 1.0, 0.2);
    const std::vector<uint8_t> lv{ 0, 0, 1, 1, 1, 1, 0, 0, 0, 0 };
    std::vector<float> b0(40), b1(40);
    ws.process(lv.data(), b0.data(), b1.data(), lv.size());
    std::vector<float> want(40, 0.5f);
    const float bit4[4] = { 0.5f, 6.0f, 6.0f, 1.0f }; // t 4.125 4.375 4.625 4.875
    const float bit56[4] = { 1.0f, 6.0f, 6.0f, 1.0f };
    const float bit7[4] = { 1.0f, 0.2f, 0.2f, 0.5f }; // t 7.125 7.375 7.625 7.875
    std::copy(bit4, bit4 + 4, want.begin() + 16);
    std::copy(bit56, bit56 + 4, want.begin() + 20);
    std::copy(bit56, bit56 + 4, want.begin() + 24);
    std::copy(bit7, bit7 + 4, want.begin() + 28);
    EXPECT_EQ(b1, want);
    EXPECT_EQ(ws.latency_samples(), 8);
}

TEST(WriteStrategy, BeamDelayIsExact)
{
    std::vector<mark> marks;
    const auto lv = train_levels(200, marks, 21);
    for (const int delay : { 1, 5, 8, 37, 1000, 20000 }) {
        SCOPED_TRACE("delay " + std::to_string(delay));
        for (const char* mode : { "single", "castle" }) {
            ws_params p = train_cases()[3];
            p.mode = mode;
            auto ref = p.make();
            p.delay = delay;
            auto ws = p.make();
            EXPECT_EQ(ws.beam_delay_samples(), delay);
            std::vector<float> r0, r1, rv, b0, b1, v;
            run_chunked(ref, lv, r0, r1, rv, 1);
            run_chunked(ws, lv, b0, b1, v, 2);
            ASSERT_EQ(b0, r0); // the assist beam is not delayed
            for (size_t j = 0; j < b1.size(); j++)
                ASSERT_EQ(b1[j], j < static_cast<size_t>(delay) ? 0.5f : r1[j - delay])
                    << "sample " << j;
        }
    }
}

TEST(WriteStrategy, VoltageOutput)
{
    ws_params p = train_cases()[0];
    p.volts = -2.5;
    auto ws = p.make();
    std::vector<mark> marks;
    const auto lv = train_levels(20, marks, 1);
    std::vector<float> b0, b1, v;
    run_chunked(ws, lv, b0, b1, v, 6);
    EXPECT_EQ(v, std::vector<float>(v.size(), -2.5f));
    ws.set_record_voltage_v(4.0);
    std::vector<float> v2(16), x(8), y(8);
    const uint8_t two[2] = { 1, 0 };
    ws.process(two, x.data(), y.data(), v2.data(), 1);
    EXPECT_EQ(v2[0], 4.0f);
    EXPECT_EQ(v2[7], 4.0f);
    EXPECT_EQ(v2[8], 0.0f); // only n * sps samples written
    EXPECT_THROW(ws.set_record_voltage_v(10.5), std::invalid_argument);
    EXPECT_EQ(ws.record_voltage_v(), 4.0);
    ws.process(two, x.data(), y.data(), nullptr, 1); // no voltage output
}

TEST(WriteStrategy, SetStrategyPowers)
{
    write_strategy ws(4, 6.0, 0.5, 3.0, 0.25, 0.75, "multi_pulse");
    ws.set_strategy_powers(2.0, 0.1, 5.0);
    EXPECT_EQ(ws.bias_power_mw(), 2.0);
    const std::vector<uint8_t> lv{ 1, 1, 1, 1, 0, 0, 0, 0 };
    std::vector<float> b0(32), b1(32);
    ws.process(lv.data(), b0.data(), b1.data(), lv.size());
    EXPECT_EQ(b1[8], 0.5f);  // t 2.125: before the window [2.25, 5.25)
    EXPECT_EQ(b1[9], 6.0f);  // 2.375: first pulse [2.25, 2.75)
    EXPECT_EQ(b1[11], 2.0f); // 2.875: window, between pulses
    EXPECT_EQ(b1[21], 0.1f); // 5.375: cooling
    EXPECT_EQ(b1[24], 0.5f); // 6.125: space
    const auto msg = [](auto f) { return ecdisc_test::invalid_argument_message(f); };
    EXPECT_NE(
        msg([&] { ws.set_strategy_powers(7.0, 0.1, 5.0); }).find("bias_power_mw = 7"),
        std::string::npos);
    EXPECT_NE(msg([&] { ws.set_powers(1.5, 0.5, 3.0); }).find("bias_power_mw = 2"),
              std::string::npos); // write below bias
    EXPECT_EQ(ws.bias_power_mw(), 2.0);
    EXPECT_EQ(ws.write_power_mw(), 6.0);
}

TEST(WriteStrategy, RejectsBadStrategyParameters)
{
    const auto msg = [](auto f) { return ecdisc_test::invalid_argument_message(f); };
    const auto ws = [](const std::string& mode,
                       double t_top,
                       double t_mp,
                       double t_lp,
                       double t_cool,
                       double bias,
                       double cooling,
                       double middle,
                       const std::string& assist_mode = "cw",
                       double assist_lead = 0.5,
                       int delay = 0,
                       double volts = 0.0) {
        write_strategy(4,
                       6.0,
                       0.5,
                       3.0,
                       0.25,
                       0.75,
                       mode,
                       t_top,
                       t_mp,
                       t_lp,
                       t_cool,
                       bias,
                       cooling,
                       middle,
                       assist_mode,
                       assist_lead,
                       delay,
                       volts);
    };
    const auto has = [](const std::string& m, const std::string& what) {
        return m.find(what) != std::string::npos;
    };
    EXPECT_TRUE(has(msg([&] { ws("dual", .5, .5, .5, .5, 1, .5, 4); }), "mode = dual"));
    EXPECT_TRUE(has(msg([&] { ws("castle", .5, .5, .5, .5, 1, .5, 4, "pulsed"); }),
                    "assist_mode = pulsed"));
    EXPECT_TRUE(has(msg([&] { ws("multi_pulse", 2.5, .5, .5, .5, 1, .5, 4); }),
                    "t_top = 2.5: must be in 0..2"));
    EXPECT_TRUE(
        has(msg([&] { ws("multi_pulse", -0.1, .5, .5, .5, 1, .5, 4); }), "t_top = -0.1"));
    EXPECT_TRUE(
        has(msg([&] { ws("multi_pulse", .5, NAN, .5, .5, 1, .5, 4); }), "t_mp = nan"));
    EXPECT_TRUE(
        has(msg([&] { ws("multi_pulse", .5, 1.2, .5, .5, 1, .5, 4); }), "t_mp = 1.2"));
    EXPECT_TRUE(has(msg([&] { ws("multi_pulse", .5, .5, 1.2, .5, 1, .5, 4); }),
                    "t_lp = 1.2: the last pulse must fit"));
    EXPECT_TRUE(has(msg([&] { ws("castle", 1.1, .5, .5, .5, 1, .5, 4); }),
                    "t_top = 1.1: the first pulse must fit a 2T mark"));
    EXPECT_TRUE(
        has(msg([&] { ws("multi_pulse", .5, .5, .5, 2.1, 1, .5, 4); }), "t_cool = 2.1"));
    EXPECT_TRUE(has(msg([&] { ws("multi_pulse", .5, .5, .5, .5, 7, .5, 4); }),
                    "bias_power_mw = 7"));
    EXPECT_TRUE(has(msg([&] { ws("multi_pulse", .5, .5, .5, .5, 1, 2, 4); }),
                    "bias_power_mw = 1: must be in cooling_power_mw..write_power_mw"));
    EXPECT_TRUE(
        has(msg([&] { ws("castle", .5, .5, .5, .5, 1, .5, 8); }), "middle_power_mw = 8"));
    EXPECT_TRUE(has(msg([&] { ws("single", .5, .5, .5, .5, 1, 101, 4); }),
                    "cooling_power_mw = 101"));
    EXPECT_TRUE(has(msg([&] { ws("single", .5, .5, .5, .5, 1, .5, 4, "gated", 1.5); }),
                    "assist_lead = 1.5"));
    EXPECT_TRUE(has(msg([&] { ws("single", .5, .5, .5, .5, 1, .5, 4, "cw", .5, -1); }),
                    "beam_delay_samples = -1"));
    EXPECT_TRUE(has(msg([&] { ws("single", .5, .5, .5, .5, 1, .5, 4, "cw", .5, 0, 12); }),
                    "record_voltage_v = 12"));
    // Unused powers are only range-checked; fits at the limit are accepted.
    EXPECT_EQ(msg([&] { ws("single", 2, 2, 2, 2, 9, .5, 9); }), "no exception");
    EXPECT_EQ(msg([&] { ws("multi_pulse", 1, 1, 1, 2, 1, .5, 4); }), "no exception");
    EXPECT_EQ(msg([&] { write_strategy(4, 6, .5, 3, 0.3, 0.8, "castle", 0.9, .5, 0.9); }),
              "no exception"); // 0.3 + 0.9 <= 2 - 0.8 despite rounding
}
