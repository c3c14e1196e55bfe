/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * quality: jitter_meter against NRZI waveforms (from RLL(1,7) data) with
 * edges displaced by a known Gaussian jitter, with and without a frequency
 * offset; sam_meter against PR signals with and without AWGN, checked
 * against a direct Euclidean-distance reference; streaming and parameter
 * checks.
 */
#include "nrzi.h"
#include "quality.h"
#include "rll17.h"
#include "rll17pp.h"
#include "test_util.h"
#include <gtest/gtest.h>
#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

namespace {

using ecdisc::jitter_meter;
using ecdisc::sam_meter;
using ecdisc_test::invalid_argument_message;

const double PI = std::acos(-1.0);

//! NRZI levels of RLL(1,7)-coded random bytes (runs of 2..8 equal levels)
std::vector<uint8_t> rll_levels(size_t n_bits, unsigned seed)
{
    std::mt19937 rng(seed);
    const size_t n_bytes = (n_bits + 11) / 12;
    std::vector<uint8_t> bytes(n_bytes);
    for (auto& b : bytes)
        b = static_cast<uint8_t>(rng());
    std::vector<uint8_t> bits(12 * n_bytes);
    ecdisc::rll17_encode_payload(bytes.data(), n_bytes, bits.data());
    ecdisc::nrzi_encoder enc(0);
    enc.encode(bits.data(), bits.data(), bits.size());
    bits.resize(n_bits);
    return bits;
}

/*! +-1 NRZI waveform sampled at sps samples per bit: the level changes at
 *  boundary k (between bits k-1 and k) at time (k T + phase + sigma_e T g)
 *  samples, T = sps (1 + foff), g ~ N(0,1) per edge, with a raised-cosine
 *  edge of width T (0.5 (1 + sin(pi u)), |u| < 1/2, u = (t - t_k) / T).
 *  Edges are >= 2T apart, so the crossing of an edge is exactly at t_k. */
std::vector<float> render(const std::vector<uint8_t>& lv,
                          double sps,
                          double sigma_e,
                          double foff,
                          unsigned seed,
                          double phase = 0.37)
{
    std::mt19937 rng(seed);
    std::normal_distribution<double> g(0.0, 1.0);
    const double T = sps * (1.0 + foff);
    std::vector<double> te;
    std::vector<double> dir;
    for (size_t k = 1; k < lv.size(); k++)
        if (lv[k] != lv[k - 1]) {
            te.push_back(k * T + phase + sigma_e * T * g(rng));
            dir.push_back(lv[k] ? 2.0 : -2.0);
        }
    const size_t ns = static_cast<size_t>(lv.size() * T);
    std::vector<float> x(ns);
    double base = lv[0] ? 1.0 : -1.0;
    size_t e0 = 0;
    for (size_t m = 0; m < ns; m++) {
        const double t = static_cast<double>(m);
        while (e0 < te.size() && te[e0] <= t - 0.5 * T)
            base += dir[e0++];
        double v = base;
        for (size_t e = e0; e < te.size() && te[e] < t + 0.5 * T; e++)
            v += dir[e] * 0.5 * (1.0 + std::sin(PI * (t - te[e]) / T));
        x[m] = static_cast<float>(v);
    }
    return x;
}

struct jitter_case {
    double sps;
    double sigma_pct;
    double foff;
};

class JitterCases : public ::testing::TestWithParam<jitter_case>
{
};

TEST_P(JitterCases, MeasuresInjectedJitter)
{
    const auto c = GetParam();
    const auto lv = rll_levels(60000, 11);
    const auto x = render(lv, c.sps, c.sigma_pct / 100.0, c.foff, 5);
    jitter_meter meter(c.sps);
    jitter_meter* m = &meter;
    m->process(x.data(), x.size());
    const double j = m->jitter_pct();
    ASSERT_GT(m->edges(), 15000u);
    EXPECT_EQ(m->rejected(), 0u);
    if (c.sigma_pct > 0) {
        EXPECT_NEAR(j, c.sigma_pct, 0.1 * c.sigma_pct) << "sps " << c.sps;
    } else {
        EXPECT_LT(j, 0.5) << "sps " << c.sps << " foff " << c.foff;
    }
    // the clock follows the true bit period
    EXPECT_NEAR(m->period(), c.sps * (1.0 + c.foff), 1e-3 * c.sps);
    // no systematic offset of the edges about the fitted clock
    EXPECT_LT(std::abs(m->mean_offset_pct()), 0.3);
    EXPECT_EQ(m->clock_losses(), 0u);
}

// A phase jump of half a bit (two samples dropped at sps 4, as a dropped
// block of samples would make) puts the fitted clock between the edges:
// without supervision the a-priori deviations spread over the bit for
// hundreds of edges and the figure reads far above the injected jitter.
// The meter notices, takes the affected edges out, re-acquires, and the
// figure stays the injected 3 %.
TEST(Quality, JitterClockLossIsDetectedAndNotCounted)
{
    const auto lv = rll_levels(60000, 11);
    auto x = render(lv, 4.0, 0.03, 0.0, 5);
    const size_t cut = x.size() / 2;
    x.erase(x.begin() + cut, x.begin() + cut + 2);
    jitter_meter m(4.0);
    m.process(x.data(), x.size());
    EXPECT_GE(m.clock_losses(), 1u);
    EXPECT_LE(m.clock_losses(), 2u);
    EXPECT_NEAR(m.jitter_pct(), 3.0, 0.3);
    // the measured edges: all but the settling ones and at most ~2 x 64
    // around the loss
    EXPECT_GT(m.edges(), m.edges_seen() - 1000 - 4 * 64);
    // a clock that never locks (edges of a wrong rate: 15 % off nominal,
    // beyond the fit's clamp) is reported as lost over and over, not as a
    // 29 % jitter
    const auto y = render(lv, 4.6, 0.0, 0.0, 5);
    jitter_meter w(4.0, 100);
    w.process(y.data(), y.size());
    EXPECT_GT(w.clock_losses(), 10u);
}

INSTANTIATE_TEST_SUITE_P(Quality,
                         JitterCases,
                         ::testing::Values(jitter_case{ 4.0, 3.0, 0.0 },
                                           jitter_case{ 8.0, 3.0, 0.0 },
                                           jitter_case{ 4.0, 0.0, 0.0 },
                                           jitter_case{ 8.0, 0.0, 0.0 },
                                           jitter_case{ 4.0, 0.0, 0.002 },
                                           jitter_case{ 8.0, 0.0, -0.002 },
                                           jitter_case{ 4.0, 3.0, 0.002 },
                                           jitter_case{ 5.3, 6.0, 0.0 }),
                         [](const ::testing::TestParamInfo<jitter_case>& i) {
                             // e.g. sps4_j3pct_foffp2e-3 (foff in 1e-3, p/m sign)
                             const auto& c = i.param;
                             const int f = static_cast<int>(std::lround(c.foff * 1000));
                             return "sps" + std::to_string(static_cast<int>(c.sps * 10)) +
                                    "d10_j" + std::to_string(static_cast<int>(c.sigma_pct)) +
                                    "pct_foff" + (f < 0 ? "m" : "p") +
                                    std::to_string(std::abs(f)) + "e3";
                         });

TEST(Quality, JitterEdgeCountMatchesTransitions)
{
    // every level change is one edge; settle_edges of them are not measured
    const auto lv = rll_levels(20000, 4);
    size_t transitions = 0;
    for (size_t k = 1; k < lv.size(); k++)
        transitions += lv[k] != lv[k - 1];
    const auto x = render(lv, 4.0, 0.02, 0.0, 9);
    jitter_meter m(4.0, 100);
    m.process(x.data(), x.size());
    // the last edge may fall after the end of the rendered samples' slicing
    EXPECT_GE(m.edges_seen() + 1, transitions);
    EXPECT_LE(m.edges_seen(), transitions);
    EXPECT_EQ(m.edges(), m.edges_seen() - 100);
}

TEST(Quality, JitterChunkingAndEdgeLimit)
{
    const auto lv = rll_levels(20000, 8);
    const auto x = render(lv, 4.0, 0.03, 0.001, 2);
    jitter_meter whole(4.0, 200);
    whole.process(x.data(), x.size());
    jitter_meter parts(4.0, 200);
    std::mt19937 rng(1);
    for (size_t i = 0; i < x.size();) {
        const size_t n = std::min<size_t>(1 + rng() % 777, x.size() - i);
        ASSERT_EQ(parts.process(x.data() + i, n), n);
        i += n;
    }
    EXPECT_EQ(parts.edges(), whole.edges());
    EXPECT_DOUBLE_EQ(parts.jitter_pct(), whole.jitter_pct());
    // stop exactly at 1000 measured edges, then go on
    jitter_meter lim(4.0, 200);
    size_t used = lim.process(x.data(), x.size(), 1000);
    EXPECT_LT(used, x.size());
    EXPECT_EQ(lim.edges(), 1000u);
    EXPECT_EQ(lim.process(x.data() + used, x.size() - used, 1000), 0u);
    used += lim.process(x.data() + used, x.size() - used);
    EXPECT_EQ(used, x.size());
    EXPECT_EQ(lim.edges(), whole.edges());
    EXPECT_DOUBLE_EQ(lim.jitter_pct(), whole.jitter_pct());
}

TEST(Quality, JitterFollowsDcAndAmplitude)
{
    // the same waveform scaled by 0.3 and shifted by +2: the threshold
    // follows (mid-level 2), the jitter is the injected one
    const auto lv = rll_levels(40000, 12);
    auto x = render(lv, 6.0, 0.03, 0.0, 7);
    for (auto& v : x)
        v = 2.0f + 0.3f * v;
    jitter_meter m(6.0);
    m.process(x.data(), x.size());
    EXPECT_NEAR(m.threshold(), 2.0, 0.02);
    EXPECT_NEAR(m.jitter_pct(), 3.0, 0.3);
}

TEST(Quality, JitterFromAmplitudeNoise)
{
    // no edge jitter, AWGN sigma_n on the +-1 signal: near a crossing the
    // slope is pi/T per sample time (2 * pi/2 / T), and linear
    // interpolation between samples at fractions f, 1-f gives timing noise
    // sigma_n sqrt((1-f)^2 + f^2) / slope, mean square over f uniform:
    // sigma_t / T = sigma_n sqrt(2/3) / pi. (sps = 16: the slope is nearly
    // constant across one sample step.) That is a lower bound: the slicer
    // threshold (mid-level of envelopes set by the noise peaks) wanders too
    // and adds its own timing noise, some 5-10 % here.
    const double sn = 0.04;
    const auto lv = rll_levels(30000, 21);
    auto x = render(lv, 16.0, 0.0, 0.0, 3);
    std::mt19937 rng(17);
    std::normal_distribution<double> g(0.0, sn);
    for (auto& v : x)
        v += static_cast<float>(g(rng));
    jitter_meter m(16.0);
    m.process(x.data(), x.size());
    const double expect = 100.0 * sn * std::sqrt(2.0 / 3.0) / PI;
    EXPECT_GT(m.jitter_pct(), expect);
    EXPECT_LT(m.jitter_pct(), 1.15 * expect);
    EXPECT_EQ(m.rejected(), 0u);
}

TEST(Quality, JitterNanBeforeEdges)
{
    jitter_meter m(4.0);
    EXPECT_TRUE(std::isnan(m.jitter_pct()));
    EXPECT_EQ(m.edges(), 0u);
}

TEST(Quality, JitterBadParameters)
{
    EXPECT_EQ(invalid_argument_message([] { jitter_meter m(1.5); }).rfind("sps = 1.5", 0),
              0u);
    EXPECT_EQ(invalid_argument_message([] { jitter_meter m(17.0); }).rfind("sps = 17", 0),
              0u);
    EXPECT_EQ(invalid_argument_message([] { jitter_meter m(4.0, -1); })
                  .rfind("settle_edges = -1", 0),
              0u);
    EXPECT_EQ(invalid_argument_message([] { jitter_meter m(4.0, 10, 3); })
                  .rfind("fit_edges = 3", 0),
              0u);
    EXPECT_EQ(invalid_argument_message([] { jitter_meter m(4.0, 10, 100, 1.0); })
                  .rfind("envelope_bits = 1", 0),
              0u);
    EXPECT_EQ(invalid_argument_message([] { jitter_meter m(4.0, 10, 100, 100.0, 0.5); })
                  .rfind("hysteresis = 0.5", 0),
              0u);
}

// ------------------------------------------------------------------ SAM

//! y[n] = scale sum h[i] a[n-i] + N(0, sigma^2), a = 2x - 1, a[n<0] = a[0]
std::vector<float> pr_signal(const std::vector<uint8_t>& x,
                             const std::vector<double>& h,
                             double sigma,
                             unsigned seed,
                             double scale = 1.0)
{
    std::mt19937 rng(seed);
    std::normal_distribution<double> g(0.0, 1.0);
    std::vector<float> y(x.size());
    for (size_t n = 0; n < x.size(); n++) {
        double v = 0.0;
        for (size_t i = 0; i < h.size(); i++)
            v += h[i] * (x[n >= i ? n - i : 0] ? 1.0 : -1.0);
        y[n] = static_cast<float>(scale * v + sigma * g(rng));
    }
    return y;
}

/*! Reference: every single-bit flip of x at j that keeps the number of
 *  level changes (so it moves one edge by one bit) and keeps all runs >= 2
 *  (checked on the flipped sequence around j) is an event. Its margin is
 *  the direct difference of squared Euclidean distances over the samples
 *  where s(x') != s(x) possibly (j .. j+L-1), divided by its own d^2. */
struct sam_ref {
    std::vector<double> margin, d2;
};

sam_ref reference(const std::vector<float>& y,
                  const std::vector<uint8_t>& x,
                  const std::vector<double>& h,
                  double scale,
                  size_t from)
{
    const size_t L = h.size();
    auto s_at = [&](const std::vector<uint8_t>& b, size_t n) {
        double v = 0.0;
        for (size_t i = 0; i < L; i++)
            v += h[i] * (b[n - i] ? 1.0 : -1.0);
        return scale * v;
    };
    auto changes = [](const std::vector<uint8_t>& b, size_t lo, size_t hi) {
        int c = 0;
        for (size_t k = lo + 1; k <= hi; k++)
            c += b[k] != b[k - 1];
        return c;
    };
    auto min_run = [](const std::vector<uint8_t>& b, size_t lo, size_t hi) {
        // shortest run fully inside [lo, hi]
        size_t best = 1000, start = lo;
        for (size_t k = lo + 1; k <= hi; k++)
            if (b[k] != b[k - 1]) {
                if (start != lo)
                    best = std::min(best, k - start);
                start = k;
            }
        return best;
    };
    sam_ref r;
    std::vector<uint8_t> alt = x;
    const size_t A = std::max<size_t>(L - 1, 2); // the meter's look-ahead
    const size_t last = x.size() - 1;
    for (size_t j = from; j + A <= last; j++) {
        alt[j] ^= 1;
        const size_t hi3 = std::min(j + 3, last), hi4 = std::min(j + 4, last);
        const bool shift = changes(alt, j - 3, hi3) == changes(x, j - 3, hi3);
        const bool d1 = min_run(alt, j - 4, hi4) >= 2;
        if (shift && d1 && changes(x, j - 1, j + 1) > 0) {
            double da = 0.0, db = 0.0, dd = 0.0;
            for (size_t n = j; n < j + L && n <= last; n++) {
                const double s0 = s_at(x, n), s1 = s_at(alt, n);
                da += (y[n] - s1) * (y[n] - s1);
                db += (y[n] - s0) * (y[n] - s0);
                dd += (s1 - s0) * (s1 - s0);
            }
            r.margin.push_back((da - db) / dd);
            r.d2.push_back(dd);
        }
        alt[j] ^= 1;
    }
    return r;
}

void mean_sigma(const std::vector<double>& v, double* m, double* s)
{
    double a = 0.0, b = 0.0;
    for (double x : v)
        a += x;
    a /= v.size();
    for (double x : v)
        b += (x - a) * (x - a);
    *m = a;
    *s = std::sqrt(b / v.size());
}

TEST(Quality, SamNoiseFreeIsOne)
{
    for (const auto& h : { std::vector<double>{ 1, 2, 2, 1 },
                           std::vector<double>{ 1, 2, 2, 2, 1 },
                           std::vector<double>{ 1, 1 } }) {
        const auto x = rll_levels(50000, 3);
        const auto y = pr_signal(x, h, 0.0, 1, 0.5);
        // events from sample 8 on (their windows reach back max(L-1, 2))
        sam_meter m(h, 0.5, 8 - std::max<size_t>(h.size() - 1, 2));
        m.process(y.data(), x.data(), x.size());
        const auto r = reference(y, x, h, 0.5, 8);
        ASSERT_GT(r.margin.size(), 10000u);
        EXPECT_EQ(m.events(), r.margin.size()) << h.size();
        EXPECT_NEAR(m.mean(), 1.0, 1e-9);
        EXPECT_LT(m.sigma(), 1e-9);
        EXPECT_EQ(m.negatives(), 0u);
        EXPECT_TRUE(std::isinf(m.snr_db()));
        double d2 = 0;
        for (size_t i = 0; i < h.size(); i++)
            d2 += 4 * 0.25 * h[i] * h[i];
        EXPECT_DOUBLE_EQ(m.d2(), d2);
    }
}

TEST(Quality, SamAwgnMatchesReferenceAndAnalytic)
{
    const std::vector<double> h = { 1, 2, 2, 1 };
    const double sigma = 0.8;
    const auto x = rll_levels(200000, 6);
    const auto y = pr_signal(x, h, sigma, 9);
    const size_t skip = 100;
    sam_meter m(h, 1.0, skip);
    m.process(y.data(), x.data(), x.size());
    const auto r = reference(y, x, h, 1.0, skip + 3);
    // the same events, the same margins
    ASSERT_GT(r.margin.size(), 50000u);
    EXPECT_EQ(m.events(), r.margin.size());
    double rm, rs;
    mean_sigma(r.margin, &rm, &rs);
    EXPECT_NEAR(m.mean(), rm, 1e-3 * rs);
    EXPECT_NEAR(m.sigma(), rs, 1e-3 * rs);
    // analytic: mean 1, sigma_M = 2 sigma / d averaged over the events
    double s_an = 0.0;
    for (double d2 : r.d2)
        s_an += 2.0 * sigma / std::sqrt(d2);
    s_an /= r.d2.size();
    EXPECT_NEAR(m.sigma(), s_an, 0.1 * s_an);
    EXPECT_NEAR(m.mean(), 1.0, 0.05);
    EXPECT_NEAR(m.snr_db(), 20.0 * std::log10(m.mean() / m.sigma()), 1e-12);
    // negatives: P(M < 0) = Q(1 / sigma_M)
    const double p = 0.5 * std::erfc(1.0 / s_an / std::sqrt(2.0));
    const double expect_neg = p * m.events();
    EXPECT_NEAR(double(m.negatives()), expect_neg, 5.0 * std::sqrt(expect_neg) + 2.0);
}

TEST(Quality, SamChunkingAndEventLimit)
{
    const std::vector<double> h = { 1, 2, 2, 1 };
    const auto x = rll_levels(30000, 7);
    const auto y = pr_signal(x, h, 0.5, 2);
    sam_meter whole(h);
    whole.process(y.data(), x.data(), x.size());
    sam_meter parts(h);
    std::mt19937 rng(4);
    for (size_t i = 0; i < x.size();) {
        const size_t n = std::min<size_t>(1 + rng() % 50, x.size() - i);
        ASSERT_EQ(parts.process(y.data() + i, x.data() + i, n), n);
        i += n;
    }
    EXPECT_EQ(parts.events(), whole.events());
    EXPECT_NEAR(parts.mean(), whole.mean(), 1e-12);
    EXPECT_NEAR(parts.sigma(), whole.sigma(), 1e-12);

    sam_meter lim(h);
    size_t used = lim.process(y.data(), x.data(), x.size(), 777);
    EXPECT_LT(used, x.size());
    EXPECT_EQ(lim.events(), 777u);
    EXPECT_EQ(lim.samples(), used);
    while (used < x.size()) {
        const size_t n = std::min<size_t>(1000, x.size() - used);
        used += lim.process(y.data() + used, x.data() + used, n, lim.events() + 500);
    }
    EXPECT_EQ(lim.events(), whole.events());
    EXPECT_NEAR(lim.mean(), whole.mean(), 1e-12);
    EXPECT_NEAR(lim.sigma(), whole.sigma(), 1e-12);
}

TEST(Quality, SamScaleMismatchLowersMargin)
{
    // y at 0.9 of the assumed scale: r = -0.1 s(x), so
    // M = 1 - 0.1 a[j] sum_i h[i] s[j+i] / (sum h^2); checked against the reference
    const std::vector<double> h = { 1, 2, 2, 1 };
    const auto x = rll_levels(20000, 5);
    const auto y = pr_signal(x, h, 0.0, 1, 0.9);
    sam_meter m(h, 1.0);
    m.process(y.data(), x.data(), x.size());
    const auto r = reference(y, x, h, 1.0, 8);
    double rm, rs;
    mean_sigma(r.margin, &rm, &rs);
    EXPECT_NEAR(m.mean(), rm, 1e-4);
    EXPECT_NEAR(m.sigma(), rs, 1e-4);
    EXPECT_LT(m.mean(), 1.0);
}

TEST(Quality, SamBadParameters)
{
    EXPECT_EQ(invalid_argument_message([] { sam_meter m({ 1.0 }); }).rfind("target = ", 0),
              0u);
    EXPECT_EQ(invalid_argument_message([] { sam_meter m({ 0.0, 0.0 }); }).rfind("target = ", 0),
              0u);
    EXPECT_EQ(
        invalid_argument_message([] { sam_meter m({ 1.0, 2.0, 2.0, 1.0 }, 0.0); }).rfind("scale = 0", 0),
        0u);
    EXPECT_EQ(invalid_argument_message([] {
                  sam_meter m({ 1.0, NAN }, 1.0);
              }).rfind("target = nan", 0),
              0u);
}

} // namespace

TEST(Quality, JitterDcFeedbackSlicesAnAsymmetricDcFreeSignal)
{
    // 17PP levels (DC-controlled), 3% injected jitter, then an asymmetric
    // channel y = v (1.3 - 0.3 v): the long spaces reach 1, the long marks
    // -1.6, the crossings stay at 0 (smooth there). The envelope mid-level
    // moves to (1 - 1.6) / 2 = -0.3 and slices the edges off their
    // crossings (rising late, falling early); binary-DC feedback finds 0.
    std::mt19937 rng(21);
    ecdisc::rll17pp_encoder enc(128, 0, 45);
    std::vector<uint8_t> nrz;
    std::vector<uint8_t> frame(128), bits(enc.frame_bits());
    for (int f = 0; f < 40; f++) {
        for (auto& b : frame)
            b = static_cast<uint8_t>(rng());
        enc.encode_frame(frame.data(), bits.data());
        nrz.insert(nrz.end(), bits.begin(), bits.end());
    }
    std::vector<uint8_t> lv(nrz.size());
    ecdisc::nrzi_encoder nz(0);
    nz.encode(nrz.data(), lv.data(), nrz.size());
    auto x = render(lv, 4.0, 0.03, 0.0, 4);
    for (auto& v : x)
        v = v * (1.3f - 0.3f * v);
    jitter_meter env(4.0);
    env.process(x.data(), x.size());
    jitter_meter dc(4.0, 1000, 500, 1000.0, 0.05, true);
    dc.process(x.data(), x.size());
    EXPECT_TRUE(dc.dc_threshold());
    EXPECT_NEAR(env.threshold(), -0.3, 0.05);
    EXPECT_NEAR(dc.threshold(), 0.0, 0.05);
    EXPECT_NEAR(dc.jitter_pct(), 3.0, 0.3);
    EXPECT_LT(std::fabs(dc.asymmetry_pct()), 1.0);
    EXPECT_GT(std::fabs(env.asymmetry_pct()), 3.0);
}
