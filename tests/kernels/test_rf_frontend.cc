/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "rf_frontend.h"
#include "test_util.h"
#include <gtest/gtest.h>
#include <cmath>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

using ecdisc::rf_frontend;

namespace {

double mean(const std::vector<float>& v, size_t from)
{
    double s = 0;
    for (size_t i = from; i < v.size(); i++)
        s += v[i];
    return s / (v.size() - from);
}

double rms(const std::vector<float>& v, size_t from)
{
    double s = 0;
    for (size_t i = from; i < v.size(); i++)
        s += double(v[i]) * v[i];
    return std::sqrt(s / (v.size() - from));
}

} // namespace

TEST(RfFrontend, DcOffsetSineComesOutZeroMeanUnitRms)
{
    // 0.3 sin + 2.0 split over 3 channels; period 37 samples.
    const size_t n = 60000;
    std::vector<float> ch[3];
    for (auto& c : ch)
        c.resize(n);
    for (size_t i = 0; i < n; i++) {
        const float x = 0.3f * std::sin(2 * M_PI * i / 37.0) + 2.0f;
        ch[0][i] = 0.5f * x;
        ch[1][i] = 0.3f * x;
        ch[2][i] = 0.2f * x;
    }
    rf_frontend fe(3, 1e-3, 1e-3, false);
    std::vector<float> out(n);
    std::mt19937 rng(3);
    size_t pos = 0;
    while (pos < n) {
        const size_t k = std::min<size_t>(1 + rng() % 1000, n - pos);
        const float* in[3] = { ch[0].data() + pos,
                               ch[1].data() + pos,
                               ch[2].data() + pos };
        fe.process(in, out.data() + pos, k);
        pos += k;
    }
    // After settling (10 time constants): mean 0, RMS 1, within 1%.
    const size_t from = 20000;
    EXPECT_NEAR(mean(out, from), 0.0, 0.01);
    EXPECT_NEAR(rms(out, from), 1.0, 0.01);
    // A unit-RMS sine has peak sqrt(2).
    float peak = 0;
    for (size_t i = from; i < n; i++)
        peak = std::max(peak, std::fabs(out[i]));
    EXPECT_NEAR(peak, std::sqrt(2.0), 0.03);
    EXPECT_NEAR(fe.dc_level(), 2.0, 0.01);
    EXPECT_NEAR(fe.gain(), 1.0 / (0.3 / std::sqrt(2.0)), 0.05);
    // Sane from the start: the running-mean start keeps the first samples bounded.
    for (size_t i = 0; i < 200; i++)
        ASSERT_LT(std::fabs(out[i]), 4.0f) << "sample " << i;
}

TEST(RfFrontend, InvertNegates)
{
    const size_t n = 5000;
    std::vector<float> x(n);
    for (size_t i = 0; i < n; i++)
        x[i] = std::sin(0.1 * i) + 0.5f;
    rf_frontend a(1, 1e-2, 1e-2, false), b(1, 1e-2, 1e-2, true);
    std::vector<float> ya(n), yb(n);
    const float* in[1] = { x.data() };
    a.process(in, ya.data(), n);
    b.process(in, yb.data(), n);
    for (size_t i = 0; i < n; i++)
        ASSERT_EQ(ya[i], -yb[i]);
}

TEST(RfFrontend, DcTrackerStepResponseIsAnalytic)
{
    // Settle on a constant 1.0 for well beyond 1/alpha, then step to 1.5.
    // Before the step y = 0; after it m[n] = 1.5 - 0.5 (1-a)^(k+1) and the
    // DC-removed signal y[n] = 0.5 (1-a)^(k+1), k = n - n0. The AGC then
    // scales it; dc_level() exposes the tracker exactly.
    const double a = 0.01;
    rf_frontend fe(1, a, 0.1, false);
    std::vector<float> x(2000, 1.0f), out(2000);
    const float* in[1] = { x.data() };
    fe.process(in, out.data(), x.size());
    EXPECT_NEAR(fe.dc_level(), 1.0, 1e-9);
    for (size_t k = 0; k < 500; k++) {
        const float s = 1.5f;
        const float* p[1] = { &s };
        float y;
        fe.process(p, &y, 1);
        const double m = 1.5 - 0.5 * std::pow(1.0 - a, double(k + 1));
        ASSERT_NEAR(fe.dc_level(), m, 1e-9) << "k " << k;
    }
}

TEST(RfFrontend, RejectsBadParameters)
{
    const auto msg = [](auto f) { return ecdisc_test::invalid_argument_message(f); };
    EXPECT_NE(msg([] { rf_frontend(0, 1e-3, 1e-3, true); }).find("n_channels = 0"),
              std::string::npos);
    EXPECT_NE(msg([] { rf_frontend(17, 1e-3, 1e-3, true); }).find("n_channels = 17"),
              std::string::npos);
    EXPECT_NE(msg([] { rf_frontend(1, 0.0, 1e-3, true); }).find("dc_alpha = 0"),
              std::string::npos);
    EXPECT_NE(msg([] { rf_frontend(1, 1e-3, 0.2, true); }).find("agc_alpha = 0.2"),
              std::string::npos);
    EXPECT_THROW(rf_frontend(1, NAN, 1e-3, true), std::invalid_argument);
}

TEST(BoostEqualizer, ImpulseResponseIsThreeTaps)
{
    // y[n] = x[n-k] - (b/2)(x[n] + x[n-2k]): an impulse at n0 gives -b/2 at
    // n0, 1 at n0+k, -b/2 at n0+2k, and nothing else.
    const double b = 0.6;
    const int k = 4;
    ecdisc::boost_equalizer eq(b, k);
    std::vector<float> x(40, 0.0f), y(40);
    x[10] = 1.0f;
    eq.process(x.data(), y.data(), x.size());
    for (int n = 0; n < 40; n++) {
        float want = 0.0f;
        if (n == 10 || n == 10 + 2 * k)
            want = static_cast<float>(-b / 2);
        if (n == 10 + k)
            want = 1.0f;
        EXPECT_FLOAT_EQ(y[n], want) << "n = " << n;
    }
}

TEST(BoostEqualizer, ChunkedEqualsWhole)
{
    std::vector<float> x(1000), whole(1000), parts(1000);
    for (size_t i = 0; i < x.size(); i++)
        x[i] = static_cast<float>(std::sin(0.37 * i) + 0.1 * (i % 7));
    ecdisc::boost_equalizer a(0.8, 5), b(0.8, 5);
    a.process(x.data(), whole.data(), x.size());
    size_t pos = 0, step = 1;
    while (pos < x.size()) {
        const size_t n = std::min(step, x.size() - pos);
        b.process(x.data() + pos, parts.data() + pos, n);
        pos += n;
        step = step * 2 + 1;
    }
    EXPECT_EQ(whole, parts);
}

TEST(BoostEqualizer, RejectsBadParameters)
{
    EXPECT_THROW(ecdisc::boost_equalizer(-0.1, 4), std::invalid_argument);
    EXPECT_THROW(ecdisc::boost_equalizer(0.5, 0), std::invalid_argument);
    try {
        ecdisc::rf_frontend fe(1, 1e-3, 1e-3, true, 2.5, 4);
        FAIL() << "no exception";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("eq_boost = 2.5"), std::string::npos);
    }
}
