/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "slicer_cdr.h"
#include <gtest/gtest.h>
#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

using ecdisc::slicer_cdr;

namespace {

//! NRZI-like levels: runs of 2..8 equal bits (what RLL(1,7) + NRZI writes)
std::vector<uint8_t> run_levels(size_t n, unsigned seed)
{
    std::mt19937 rng(seed);
    std::vector<uint8_t> v;
    uint8_t lv = 0;
    while (v.size() < n) {
        v.insert(v.end(), 2 + rng() % 7, lv);
        lv ^= 1;
    }
    v.resize(n);
    return v;
}

/*! Ideal NRZ (+-1) with bit k over [phase + k T, phase + (k+1) T) samples, as
 *  seen by an integrating ADC (sample i = mean over [i - 0.5, i + 0.5]). */
std::vector<float>
nrz(const std::vector<uint8_t>& bits, double T, double phase, double sigma, unsigned seed)
{
    const size_t n = static_cast<size_t>((bits.size() * T + phase)) - 1;
    std::vector<float> x(n);
    std::mt19937 rng(seed);
    std::normal_distribution<double> g(0.0, sigma);
    auto level = [&](double t) {
        const double k = std::floor((t - phase) / T);
        if (k < 0 || k >= bits.size())
            return -1.0;
        return bits[static_cast<size_t>(k)] ? 1.0 : -1.0;
    };
    for (size_t i = 0; i < n; i++) {
        const double a = i - 0.5, b = i + 0.5;
        // one bit boundary at most inside [a, b) since T > 1
        const double kb = std::floor((b - phase) / T);
        const double edge = phase + kb * T;
        double v;
        if (edge > a)
            v = (edge - a) * level(a) + (b - edge) * level(b - 1e-9);
        else
            v = level(a);
        x[i] = static_cast<float>(v + (sigma > 0 ? g(rng) : 0.0));
    }
    return x;
}

std::vector<uint8_t> run(slicer_cdr& s, const std::vector<float>& x, unsigned seed)
{
    std::vector<uint8_t> out;
    std::mt19937 rng(seed);
    size_t pos = 0;
    std::vector<uint8_t> buf(4096);
    while (pos < x.size()) {
        const size_t n = std::min<size_t>(1 + rng() % 700, x.size() - pos);
        const size_t room = 1 + rng() % 300;
        size_t used = 0;
        const size_t k = s.process(x.data() + pos, n, buf.data(), room, &used);
        EXPECT_LE(k, room);
        out.insert(out.end(), buf.begin(), buf.begin() + k);
        pos += used;
    }
    return out;
}

/*! Errors between out and bits after skipping `skip` output bits, at the
 *  best lag (out[j] = bits[j - lag]); returns {errors, compared, lag}. */
struct cmp {
    size_t errors, compared;
    long lag;
};
cmp compare(const std::vector<uint8_t>& out,
            const std::vector<uint8_t>& bits,
            size_t skip)
{
    cmp best{ SIZE_MAX, 0, 0 };
    for (long lag = -20; lag <= 20; lag++) {
        size_t e = 0, n = 0;
        for (size_t j = skip; j + 8 < out.size(); j++) {
            const long i = static_cast<long>(j) - lag;
            if (i < 0 || i >= static_cast<long>(bits.size()))
                continue;
            e += out[j] != bits[i];
            n++;
        }
        if (e < best.errors)
            best = { e, n, lag };
    }
    return best;
}

} // namespace

TEST(SlicerCdr, LocksFromAnyPhaseAtNominalRate)
{
    const auto bits = run_levels(20000, 1);
    for (double phase : { 0.0, 0.7, 1.9, 2.5, 3.3 }) {
        SCOPED_TRACE("phase " + std::to_string(phase));
        slicer_cdr s(4.0, 0.02, 0.0);
        const auto x = nrz(bits, 4.0, phase, 0.0, 2);
        const auto out = run(s, x, 3);
        EXPECT_NEAR(static_cast<double>(out.size()), bits.size(), 3.0);
        const auto c = compare(out, bits, 300);
        EXPECT_EQ(c.errors, 0u);
        EXPECT_GT(c.compared, 19000u);
        EXPECT_NEAR(s.period(), 4.0, 0.004);
    }
}

TEST(SlicerCdr, LocksFromOnePercentFrequencyOffset)
{
    const auto bits = run_levels(30000, 4);
    for (double T : { 4.04, 3.96 }) {
        for (double phase : { 0.3, 2.2 }) {
            SCOPED_TRACE("T " + std::to_string(T) + " phase " + std::to_string(phase));
            slicer_cdr s(4.0, 0.02, 0.0);
            const auto x = nrz(bits, T, phase, 0.0, 5);
            const auto out = run(s, x, 6);
            const auto c = compare(out, bits, 400);
            EXPECT_EQ(c.errors, 0u);
            EXPECT_GT(c.compared, 29000u);
            // period converges to the true value within 0.1 %
            EXPECT_NEAR(s.period() / T, 1.0, 1e-3);
        }
    }
}

TEST(SlicerCdr, BerWithNoise)
{
    // +-1 levels with white Gaussian noise sigma 0.25 (SNR 12 dB per sample),
    // 1 % frequency offset: BER below 1e-3 after acquisition.
    const auto bits = run_levels(100000, 7);
    slicer_cdr s(4.0, 0.02, 0.0);
    const auto x = nrz(bits, 4.04, 1.1, 0.25, 8);
    const auto out = run(s, x, 9);
    const auto c = compare(out, bits, 500);
    const double ber = double(c.errors) / c.compared;
    RecordProperty("ber", std::to_string(ber));
    EXPECT_LT(ber, 1e-3);
    EXPECT_GT(c.compared, 95000u);
    EXPECT_NEAR(s.period() / 4.04, 1.0, 1e-3);
}

TEST(SlicerCdr, ThresholdAndValidation)
{
    slicer_cdr s(4.0, 0.02, 0.5);
    EXPECT_EQ(s.threshold(), 0.5);
    s.set_threshold(-0.25);
    EXPECT_EQ(s.threshold(), -0.25);
    EXPECT_THROW(s.set_threshold(NAN), std::invalid_argument);
    auto msg = [](auto f) {
        try {
            f();
        } catch (const std::invalid_argument& e) {
            return std::string(e.what());
        }
        return std::string("no exception");
    };
    EXPECT_NE(msg([] { slicer_cdr(1.0, 0.02, 0.0); }).find("sps = 1"), std::string::npos);
    EXPECT_NE(msg([] { slicer_cdr(65.0, 0.02, 0.0); }).find("sps = 65"),
              std::string::npos);
    EXPECT_NE(msg([] { slicer_cdr(4.0, 0.0, 0.0); }).find("loop_bw = 0"),
              std::string::npos);
    EXPECT_NE(msg([] { slicer_cdr(4.0, 0.3, 0.0); }).find("loop_bw = 0.3"),
              std::string::npos);
}

TEST(SlicerCdr, OneBitPerPeriodOnSilence)
{
    // No crossings: the clock free-runs at the nominal period.
    slicer_cdr s(4.0, 0.02, 0.0);
    std::vector<float> x(4001, -1.0f);
    std::vector<uint8_t> out(2000);
    size_t used = 0;
    const size_t k = s.process(x.data(), x.size(), out.data(), out.size(), &used);
    EXPECT_EQ(used, x.size());
    EXPECT_EQ(k, 1000u);
    EXPECT_EQ(s.bits(), 1000u);
    for (size_t i = 0; i < k; i++)
        ASSERT_EQ(out[i], 0);
}
