/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * prml_viterbi: exact recovery without noise, bit error rate against the
 * union bound of the d = 1 constrained trellis, streaming, parameter checks.
 */
#include "prml_viterbi.h"
#include "test_util.h"
#include <gtest/gtest.h>
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <cstdio>
#include <random>
#include <vector>

namespace {

using ecdisc::prml_viterbi;

//! NRZI levels with runs of 2..8 equal bits (d = 1, k = 7 in NRZI form)
std::vector<uint8_t> run_levels(size_t n, unsigned seed)
{
    std::mt19937 rng(seed);
    std::vector<uint8_t> x;
    uint8_t lv = rng() & 1u;
    while (x.size() < n) {
        x.insert(x.end(), 2 + rng() % 7, lv);
        lv ^= 1;
    }
    x.resize(n);
    return x;
}

//! y[n] = scale * sum h[i] a[n-i] (+ N(0, sigma^2)), a = 2x - 1, a[n<0] = a[0]
std::vector<float> pr_signal(const std::vector<uint8_t>& x,
                             const std::vector<double>& h,
                             double sigma = 0.0,
                             unsigned seed = 3,
                             double scale = 1.0)
{
    std::mt19937 rng(seed);
    std::normal_distribution<double> g(0.0, sigma > 0 ? sigma : 1.0);
    std::vector<float> y(x.size());
    for (size_t n = 0; n < x.size(); n++) {
        double v = 0.0;
        for (size_t i = 0; i < h.size(); i++) {
            const size_t k = n >= i ? n - i : 0;
            v += h[i] * (x[k] ? 1.0 : -1.0);
        }
        y[n] = static_cast<float>(scale * v + (sigma > 0 ? g(rng) : 0.0));
    }
    return y;
}

//! bit errors of out (delayed by lat) against x, over n >= lat + skip
size_t count_errors(const std::vector<uint8_t>& out,
                    const std::vector<uint8_t>& x,
                    size_t lat,
                    size_t skip,
                    size_t* compared = nullptr)
{
    size_t e = 0, c = 0;
    for (size_t n = lat + skip; n < out.size(); n++, c++)
        e += out[n] != x[n - lat];
    if (compared)
        *compared = c;
    return e;
}

double qfunc(double v) { return 0.5 * std::erfc(v / std::sqrt(2.0)); }

void check_noise_free(const std::vector<double>& h, unsigned seed, double scale = 1.0)
{
    const auto x = run_levels(50000, seed);
    const auto y = pr_signal(x, h, 0.0, 0, scale);
    prml_viterbi v(h, 0, scale);
    EXPECT_EQ(v.latency(), 32 * h.size());
    std::vector<uint8_t> out(y.size());
    std::vector<float> rel(y.size());
    v.process(y.data(), y.size(), out.data(), rel.data());
    size_t compared = 0;
    EXPECT_EQ(count_errors(out, x, v.latency(), 0, &compared), 0u);
    EXPECT_EQ(compared, y.size() - v.latency());
    for (size_t n = 0; n < v.latency(); n++) {
        EXPECT_EQ(out[n], 0);
        EXPECT_EQ(rel[n], 0.0f);
    }
    for (size_t n = v.latency(); n < y.size(); n++)
        ASSERT_GT(rel[n], 0.0f) << n;
}

TEST(PrmlViterbi, NoiseFreePr1221)
{
    check_noise_free({ 1, 2, 2, 1 }, 1);
    prml_viterbi v;
    EXPECT_EQ(v.num_states(), 8);
    EXPECT_EQ(v.latency(), 128u);
}

TEST(PrmlViterbi, NoiseFreePr12221) { check_noise_free({ 1, 2, 2, 2, 1 }, 2); }

TEST(PrmlViterbi, NoiseFreeCustomTargets)
{
    check_noise_free({ 0.4, 1.0, 0.6 }, 3);
    check_noise_free({ 1.0, 1.0 }, 4); // PR(1,1): M = 2 states levels for d = 1
    check_noise_free({ 0.3, 0.8, 1.0, 0.8, 0.5, 0.2 }, 5);
    check_noise_free({ 1, 2, 2, 1 }, 6, 0.37); // amplitude scale
    // 4-tap targets far from PR(1,2,2,1) in size and shape (16-bit path)
    check_noise_free({ 10, 20, 20, 10 }, 7);
    check_noise_free({ 0.05, 0.1, 0.1, 0.05 }, 8);
    check_noise_free({ 0.2, 1.0, 0.7, -0.3 }, 9, 3.0);
}

class PrmlViterbiTargets : public ::testing::TestWithParam<std::vector<double>>
{
};

// every trellis size (S = 4, 8, 16, 32: scalar, 16-bit and float vector paths)
INSTANTIATE_TEST_SUITE_P(AllStateCounts,
                         PrmlViterbiTargets,
                         ::testing::Values(std::vector<double>{ 1, 1 },
                                           std::vector<double>{ 0.4, 1.0, 0.6 },
                                           std::vector<double>{ 1, 2, 2, 1 },
                                           std::vector<double>{ 20, 10, 40, 30 },
                                           std::vector<double>{ 1, 2, 2, 2, 1 },
                                           std::vector<double>{
                                               0.3, 0.8, 1.0, 0.8, 0.5, 0.2 }));

TEST_P(PrmlViterbiTargets, ChunkedEqualsOneShot)
{
    const std::vector<double> h = GetParam();
    double e = 0;
    for (double v : h)
        e += v * v;
    const auto x = run_levels(30000, 7);
    const auto y = pr_signal(x, h, 0.2 * std::sqrt(e), 8);
    prml_viterbi a(h, 50), b(h, 50);
    std::vector<uint8_t> xa(y.size()), xb(y.size());
    std::vector<float> ra(y.size()), rb(y.size());
    a.process(y.data(), y.size(), xa.data(), ra.data());
    std::mt19937 rng(11);
    size_t pos = 0;
    while (pos < y.size()) {
        const size_t n = std::min<size_t>(rng() % 97, y.size() - pos);
        b.process(y.data() + pos, n, xb.data() + pos, rb.data() + pos);
        pos += n;
    }
    EXPECT_EQ(xa, xb);
    EXPECT_EQ(ra, rb);
    // hard decisions do not depend on whether the reliability is computed
    prml_viterbi c(h, 50);
    std::vector<uint8_t> xc(y.size());
    c.process(y.data(), y.size(), xc.data());
    EXPECT_EQ(xa, xc);
    // reset() restarts
    a.reset();
    a.process(y.data(), y.size(), xb.data(), rb.data());
    EXPECT_EQ(xa, xb);
    EXPECT_EQ(ra, rb);
    // and the decisions are mostly right at this SNR
    size_t compared = 0;
    const size_t errors = count_errors(xa, x, 50, 20, &compared);
    EXPECT_GT(compared, 29000u);
    EXPECT_LT(errors, compared / 100);
}

/*
 * Bit error rate against the union bound.
 * Error events e (in units of a level flip: a' = a - 2e, e[i] in {-1,0,1},
 * e[0] != 0, e[last] != 0, length 1..6) have squared distance
 *   d2(e) = 4 sum_k (sum_i h[i] e[k-i])^2.
 * All 3^6 patterns are scanned; d2min is the smallest d2 among the events
 * that are possible at least once in the test data under d = 1 (an event is
 * possible at position n when a' agrees with a outside e, a[n+i] = sign(e[i])
 * where e[i] != 0, and a' still has no run of length 1). Estimate:
 *   BER ~ (1/N) sum_n sum_{e possible at n, d2(e) <= 2 d2min} w(e) Q(sqrt(d2(e)) / (2
 * sigma)) with w(e) the number of bits the event flips; K = (1/N) sum_n sum_{e at d2min
 * possible at n} w(e) is the multiplicity of the dominant events. For PR(1,2,2,1) the
 * constraint removes the (+1,-1) and (+1,-1,+1) events of the unconstrained trellis (d2 =
 * 16, 24); d2min = 40 (a single shifted transition: one level flip, K ~ 0.4 per bit for
 * runs 2..8).
 */
struct event {
    std::vector<int> e;
    double d2;
};

std::vector<event> short_events(const std::vector<double>& h, size_t max_len)
{
    std::vector<event> ev;
    for (size_t len = 1; len <= max_len; len++) {
        size_t count = 1;
        for (size_t i = 0; i < len; i++)
            count *= 3;
        for (size_t c = 0; c < count; c++) {
            std::vector<int> e(len);
            size_t v = c;
            for (size_t i = 0; i < len; i++, v /= 3)
                e[i] = static_cast<int>(v % 3) - 1;
            if (e.front() == 0 || e.back() == 0)
                continue;
            double d2 = 0.0;
            for (size_t k = 0; k < len + h.size() - 1; k++) {
                double s = 0.0;
                for (size_t i = 0; i < h.size(); i++)
                    if (k >= i && k - i < len)
                        s += h[i] * e[k - i];
                d2 += 4.0 * s * s;
            }
            ev.push_back({ e, d2 });
        }
    }
    return ev;
}

bool event_possible(const std::vector<uint8_t>& x, size_t n, const std::vector<int>& e)
{
    const size_t len = e.size();
    if (n < 3 || n + len + 3 > x.size())
        return false;
    for (size_t i = 0; i < len; i++)
        if (e[i] != 0 && x[n + i] != (e[i] > 0 ? 1 : 0))
            return false;
    // a' = x with the flips, checked for runs of one around the event
    auto xp = [&](size_t k) -> int {
        if (k >= n && k < n + len && e[k - n] != 0)
            return x[k] ^ 1;
        return x[k];
    };
    for (size_t k = n - 1; k <= n + len; k++)
        if (xp(k) != xp(k - 1) && xp(k) != xp(k + 1))
            return false;
    return true;
}

TEST(PrmlViterbi, BitErrorRateMatchesUnionBound)
{
    const std::vector<double> h{ 1, 2, 2, 1 };
    const size_t N = 2000000;
    const auto x = run_levels(N, 21);

    auto events = short_events(h, 6);
    // which events occur in the data at all (scan a prefix), d2min of those
    double d2min = 1e300;
    std::vector<event> possible;
    for (const auto& ev : events) {
        bool any = false;
        for (size_t n = 3; n < 20000 && !any; n++)
            any = event_possible(x, n, ev.e);
        if (any) {
            possible.push_back(ev);
            d2min = std::min(d2min, ev.d2);
        }
    }
    EXPECT_NEAR(d2min, 40.0, 1e-9);
    std::vector<event> near;
    for (const auto& ev : possible)
        if (ev.d2 <= 2.0 * d2min)
            near.push_back(ev);
    // unconstrained d2min would be 16 (e = +1 -1): the constraint removed it
    double d2_unconstrained = 1e300;
    for (const auto& ev : events)
        d2_unconstrained = std::min(d2_unconstrained, ev.d2);
    EXPECT_NEAR(d2_unconstrained, 16.0, 1e-9);

    // per-event weighted counts over the data
    std::vector<double> count(near.size(), 0.0);
    for (size_t n = 0; n < N; n++)
        for (size_t k = 0; k < near.size(); k++)
            if (event_possible(x, n, near[k].e)) {
                double w = 0;
                for (int v : near[k].e)
                    w += v != 0;
                count[k] += w;
            }
    double K = 0.0;
    for (size_t k = 0; k < near.size(); k++)
        if (near[k].d2 <= d2min + 1e-9)
            K += count[k] / N;
    std::printf(
        "d2min = %.1f, K = %.4f bit errors per bit position, %zu events <= 2 d2min\n",
        d2min,
        K,
        near.size());

    for (double arg : { 2.6, 3.0, 3.4 }) { // dmin / (2 sigma)
        const double sigma = std::sqrt(d2min) / (2.0 * arg);
        double est = 0.0;
        for (size_t k = 0; k < near.size(); k++)
            est += count[k] / N * qfunc(std::sqrt(near[k].d2) / (2.0 * sigma));
        const auto y = pr_signal(x, h, sigma, 100 + static_cast<unsigned>(arg * 10));
        prml_viterbi v(h);
        std::vector<uint8_t> out(N);
        v.process(y.data(), N, out.data());
        size_t compared = 0;
        const size_t errors = count_errors(out, x, v.latency(), 100, &compared);
        const double ber = static_cast<double>(errors) / compared;
        const double snr_db = 10.0 * std::log10(10.0 / (sigma * sigma));
        std::printf(
            "sigma = %.4f (SNR %.2f dB: sum h^2 / sigma^2): BER %.3e (%zu errors), "
            "union bound %.3e, K Q(dmin/2sigma) %.3e\n",
            sigma,
            snr_db,
            ber,
            errors,
            est,
            K * qfunc(arg));
        EXPECT_GT(ber, est / 2.0) << "sigma " << sigma;
        EXPECT_LT(ber, est * 2.0) << "sigma " << sigma;
        if (arg == 2.6) {
            // the default traceback depth (>= 33) loses nothing against a
            // 4x deeper one (decision delay 512, depth >= 129)
            prml_viterbi deep(h, 512);
            std::vector<uint8_t> out2(N);
            deep.process(y.data(), N, out2.data());
            size_t c2 = 0;
            const size_t e2 = count_errors(out2, x, deep.latency(), 100, &c2);
            std::printf("  decision delay 512: %zu errors\n", e2);
            EXPECT_LT(std::abs(static_cast<double>(errors) - static_cast<double>(e2)),
                      0.03 * e2);
        }
    }
}

TEST(PrmlViterbi, ReliabilityLowAtErrors)
{
    const std::vector<double> h{ 1, 2, 2, 1 };
    const size_t N = 400000;
    const auto x = run_levels(N, 31);
    const auto y = pr_signal(x, h, 0.9, 32);
    prml_viterbi v(h);
    std::vector<uint8_t> out(N);
    std::vector<float> rel(N);
    v.process(y.data(), N, out.data(), rel.data());
    double sum_err = 0, sum_ok = 0;
    size_t n_err = 0, n_ok = 0, err_below = 0;
    const size_t lat = v.latency();
    for (size_t n = lat + 100; n < N; n++) {
        ASSERT_GE(rel[n], 0.0f);
        ASSERT_LE(rel[n], v.rel_max());
        if (out[n] != x[n - lat]) {
            sum_err += rel[n];
            n_err++;
            err_below += rel[n] < 40.0f; // below d2min: flagged
        } else {
            sum_ok += rel[n];
            n_ok++;
        }
    }
    ASSERT_GT(n_err, 20u);
    const double mean_err = sum_err / n_err, mean_ok = sum_ok / n_ok;
    std::printf("%zu errors: mean reliability %.2f on errors, %.2f on correct bits; "
                "%.0f%% of errors below d2min\n",
                n_err,
                mean_err,
                mean_ok,
                100.0 * err_below / n_err);
    EXPECT_LT(mean_err, 0.25 * mean_ok);
    EXPECT_GT(err_below, n_err * 8 / 10);
}

/*
 * The S = 8 kernels (SSE2, AVX2, AVX-512: whichever this CPU has) against a
 * plain scalar reference of the algorithm the header documents: 16-bit
 * saturating metrics, branch metric round(min(q (y - E)^2, cap)) in float
 * (q = 160 / (scale^2 sum h^2), cap 1023, removed branches 16383),
 * renormalisation to state 0 after every step t % 4 == 0, survivor of s =
 * 2p + x from p + 4 when strictly cheaper, traceback from the first best
 * state every K = D - D/4 steps once t >= D. Hard decisions must agree bit
 * for bit, whatever the kernel and the chunking.
 */
std::vector<uint8_t> reference_pr4(const std::vector<double>& h,
                                   size_t D,
                                   double scale,
                                   const std::vector<float>& y)
{
    double energy = 0.0;
    for (double v : h)
        energy += v * v;
    const float q = static_cast<float>(160.0 / (scale * scale * energy));
    // E[b][s]: the branch into s = x[n] + 2 x[n-1] + 4 x[n-2] from the state
    // whose oldest level is b = x[n-3]; removed when x[n-2..n] = 010 or 101
    float E[2][8], cap[2][8];
    for (int b = 0; b < 2; b++)
        for (int s = 0; s < 8; s++) {
            const int lv[4] = { s & 1, (s >> 1) & 1, (s >> 2) & 1, b };
            double e = 0.0;
            for (int i = 0; i < 4; i++)
                e += h[i] * (lv[i] ? 1.0 : -1.0);
            const bool removed = lv[1] != lv[2] && lv[0] != lv[1];
            E[b][s] =
                removed ? prml_viterbi::forbidden_level : static_cast<float>(scale * e);
            cap[b][s] = removed ? 16383.0f : 1023.0f;
        }
    auto sat = [](int v) { return std::min(32767, std::max(-32768, v)); };
    const size_t K = std::max<size_t>(1, D - D / 4);
    std::vector<int> m(8, 0), nm(8);
    std::vector<std::array<uint8_t, 8>> dec(y.size());
    std::vector<uint8_t> out(y.size(), 0), decided(y.size(), 0);
    for (size_t t = 0; t < y.size(); t++) {
        for (int s = 0; s < 8; s++) {
            int c[2];
            for (int b = 0; b < 2; b++) {
                const float d = y[t] - E[b][s];
                float v = d * d;
                v = v * q;
                v = std::min(v, cap[b][s]);
                c[b] = sat(m[(s >> 1) + 4 * b] + static_cast<int>(std::nearbyint(v)));
            }
            dec[t][s] = c[1] < c[0];
            nm[s] = std::min(c[0], c[1]);
        }
        if (t % 4 == 0)
            for (int s = 7; s >= 0; s--)
                nm[s] = sat(nm[s] - nm[0]);
        m = nm;
        if (t >= D && (t - D) % K == 0) {
            int best = 0;
            for (int s = 1; s < 8; s++)
                if (m[s] < m[best])
                    best = s;
            unsigned st = static_cast<unsigned>(best);
            for (size_t i = 0; i <= D; i++) { // state at t - i
                const size_t j = t - i;
                if (j <= t - D + K - 1)
                    decided[j] = st & 1u;
                st = (st >> 1) | (static_cast<unsigned>(dec[j][st]) << 2);
            }
        }
        if (t >= D)
            out[t] = decided[t - D];
    }
    return out;
}

std::vector<prml_viterbi::simd> simd_levels()
{
    std::vector<prml_viterbi::simd> v;
    for (auto l : { prml_viterbi::simd::baseline,
                    prml_viterbi::simd::avx2,
                    prml_viterbi::simd::avx512 }) {
        prml_viterbi probe;
        if (probe.use_simd(l) == l)
            v.push_back(l);
    }
    return v;
}

TEST(PrmlViterbi, FourTapKernelsMatchScalarReference)
{
    struct cfg {
        std::vector<double> h;
        int D;
        double scale, sigma;
    };
    const std::vector<cfg> cfgs = {
        { { 1, 2, 2, 1 }, 0, 1.0, 0.8 },   // the benchmark case
        { { 1, 2, 2, 1 }, 0, 1.0, 1.6 },   // many errors, metrics near the caps
        { { 1, 2, 2, 1 }, 9, 1.0, 0.6 },   // K = 7: traceback every 7 steps
        { { 1, 2, 2, 1 }, 301, 0.37, 0.3 }, // scale, long delay (K % 6 != 0)
        { { 0.2, 1.0, 0.7, -0.3 }, 50, 3.0, 0.9 },
    };
    const auto levels = simd_levels();
    ASSERT_GE(levels.size(), 1u);
    for (const auto& c : cfgs) {
        const auto x = run_levels(40000, 17);
        auto y = pr_signal(x, c.h, c.sigma * c.scale, 5, c.scale);
        y[500] = 1e6f; // outliers: branch metrics at their caps
        y[900] = -1e6f;
        y[1300] = std::numeric_limits<float>::infinity();
        const size_t D = c.D ? static_cast<size_t>(c.D) : 32 * c.h.size();
        const auto ref = reference_pr4(c.h, D, c.scale, y);
        for (auto l : levels) {
            prml_viterbi v(c.h, c.D, c.scale);
            ASSERT_EQ(v.use_simd(l), l);
            ASSERT_EQ(v.latency(), D);
            std::vector<uint8_t> one(y.size()), chunked(y.size());
            v.process(y.data(), y.size(), one.data());
            EXPECT_EQ(one, ref) << "simd " << static_cast<int>(l) << " D " << D;
            // random chunks, hard only and with the reliability
            prml_viterbi w(c.h, c.D, c.scale);
            w.use_simd(l);
            std::vector<float> rel(y.size());
            std::mt19937 rng(9);
            for (size_t pos = 0; pos < y.size();) {
                const size_t n = std::min<size_t>(rng() % 300, y.size() - pos);
                w.process(y.data() + pos, n, chunked.data() + pos, rel.data() + pos);
                pos += n;
            }
            EXPECT_EQ(chunked, ref) << "simd " << static_cast<int>(l) << " D " << D;
        }
    }
}

// the margins too are the same whichever kernel runs
TEST(PrmlViterbi, FourTapKernelsAgreeOnReliability)
{
    const std::vector<double> h{ 1, 2, 2, 1 };
    const auto x = run_levels(30000, 23);
    const auto y = pr_signal(x, h, 1.0, 6);
    const auto levels = simd_levels();
    std::vector<uint8_t> x0(y.size()), xl(y.size());
    std::vector<float> r0(y.size()), rl(y.size());
    prml_viterbi v0(h, 64);
    v0.use_simd(prml_viterbi::simd::baseline);
    v0.process(y.data(), y.size(), x0.data(), r0.data());
    for (auto l : levels) {
        prml_viterbi v(h, 64);
        v.use_simd(l);
        for (size_t pos = 0; pos < y.size(); pos += 1000)
            v.process(y.data() + pos, 1000, xl.data() + pos, rl.data() + pos);
        EXPECT_EQ(xl, x0) << static_cast<int>(l);
        EXPECT_EQ(rl, r0) << static_cast<int>(l);
    }
}

// a noise-free PR(1,2,2,1) signal decodes exactly in every kernel and for
// any chunking (chunks of 1 .. 4 D samples, also across the ring wrap)
TEST(PrmlViterbi, FourTapKernelsNoiseFreeAnyChunks)
{
    const std::vector<double> h{ 1, 2, 2, 1 };
    const auto x = run_levels(20000, 29);
    const auto y = pr_signal(x, h);
    for (auto l : simd_levels())
        for (size_t chunk :
             { size_t(1), size_t(5), size_t(96), size_t(97), size_t(512) }) {
            prml_viterbi v(h);
            v.use_simd(l);
            std::vector<uint8_t> out(y.size());
            for (size_t pos = 0; pos < y.size(); pos += chunk)
                v.process(
                    y.data() + pos, std::min(chunk, y.size() - pos), out.data() + pos);
            EXPECT_EQ(count_errors(out, x, v.latency(), 0), 0u)
                << "simd " << static_cast<int>(l) << " chunk " << chunk;
        }
}

/*
 * Segment-parallel mode. Reference: every segment k (x[kP .. kP + P)) is an
 * independent run of the plain 16-bit trellis of reference_pr4 (same branch
 * metrics, caps, saturation, renormalisation after steps % 4 == 0) over
 * the samples max(0, kP - W) .. (k+1)P + D - 1 from equal metrics, traced
 * back once from the first best state at its last step; output n is
 * x[n - (4P + D - 1)] (segments are decided in groups of 4).
 */
std::vector<uint8_t> reference_parallel(const std::vector<double>& h,
                                        size_t D,
                                        size_t W,
                                        size_t P,
                                        const std::vector<float>& y)
{
    double energy = 0.0;
    for (double v : h)
        energy += v * v;
    const float q = static_cast<float>(160.0 / energy);
    float E[2][8], cap[2][8];
    for (int b = 0; b < 2; b++)
        for (int s = 0; s < 8; s++) {
            const int lv[4] = { s & 1, (s >> 1) & 1, (s >> 2) & 1, b };
            double e = 0.0;
            for (int i = 0; i < 4; i++)
                e += h[i] * (lv[i] ? 1.0 : -1.0);
            const bool removed = lv[1] != lv[2] && lv[0] != lv[1];
            E[b][s] = removed ? prml_viterbi::forbidden_level : static_cast<float>(e);
            cap[b][s] = removed ? 16383.0f : 1023.0f;
        }
    auto sat = [](int v) { return std::min(32767, std::max(-32768, v)); };
    const size_t lat = 4 * P + D - 1;
    std::vector<uint8_t> out(y.size(), 0);
    if (y.size() <= lat)
        return out;
    const size_t nbits = y.size() - lat; // decisions x[0 .. nbits) are output
    for (size_t k = 0; k * P < nbits; k++) {
        const size_t t0 = k * P >= W ? k * P - W : 0, t1 = (k + 1) * P + D; // [t0, t1)
        std::vector<std::array<uint8_t, 8>> dec(t1 - t0);
        std::vector<int> m(8, 0), nm(8);
        for (size_t t = t0; t < t1; t++) {
            for (int s = 0; s < 8; s++) {
                int c[2];
                for (int b = 0; b < 2; b++) {
                    const float d = y[t] - E[b][s];
                    float v = d * d;
                    v = v * q;
                    v = std::min(v, cap[b][s]);
                    c[b] = sat(m[(s >> 1) + 4 * b] + static_cast<int>(std::nearbyint(v)));
                }
                dec[t - t0][s] = c[1] < c[0];
                nm[s] = std::min(c[0], c[1]);
            }
            if (t % 4 == 0)
                for (int s = 7; s >= 0; s--)
                    nm[s] = sat(nm[s] - nm[0]);
            m = nm;
        }
        int best = 0;
        for (int s = 1; s < 8; s++)
            if (m[s] < m[best])
                best = s;
        unsigned st = static_cast<unsigned>(best);
        for (size_t j = t1 - 1; j >= k * P; j--) { // st: the state at j
            if (j < (k + 1) * P && j < nbits)
                out[j + lat] = st & 1u;
            if (j == t0)
                break;
            st = (st >> 1) | (static_cast<unsigned>(dec[j - t0][st]) << 2);
        }
    }
    return out;
}

// exact against the reference, every kernel, any chunking; latency exact
TEST(PrmlViterbi, ParallelMatchesSegmentReference)
{
    const std::vector<double> h{ 1, 2, 2, 1 };
    struct cfg {
        int D, P, W;
        double sigma;
    };
    for (const cfg& c : { cfg{ 0, 1024, 0, 0.8 },   // defaults: D = 128, W = D
                          cfg{ 0, 1024, 512, 1.6 }, // many errors, W = 4 D
                          cfg{ 9, 256, 8, 0.6 },    // small D, W, P
                          cfg{ 50, 777, 100, 0.9 } }) {
        const auto x = run_levels(30000, 41);
        auto y = pr_signal(x, h, c.sigma, 42);
        y[5000] = 1e6f; // outliers: branch metrics at their caps
        y[7000] = -std::numeric_limits<float>::infinity();
        const size_t D = c.D ? static_cast<size_t>(c.D) : 128;
        const size_t W = c.W ? static_cast<size_t>(c.W) : D;
        const size_t P = static_cast<size_t>(c.P);
        const auto ref = reference_parallel(h, D, W, P, y);
        for (auto l : simd_levels()) {
            prml_viterbi v(h, c.D, 1.0, c.P, c.W);
            ASSERT_EQ(v.use_simd(l), l);
            ASSERT_EQ(v.parallel_segment(), P);
            ASSERT_EQ(v.parallel_warmup(), W);
            ASSERT_EQ(prml_viterbi::parallel_group, 4u);
            ASSERT_EQ(v.latency(), 4 * P + D - 1);
            std::vector<uint8_t> one(y.size()), chunked(y.size());
            v.process(y.data(), y.size(), one.data());
            EXPECT_EQ(one, ref) << "simd " << static_cast<int>(l) << " P " << P;
            EXPECT_EQ(v.samples(), y.size());
            prml_viterbi w(h, c.D, 1.0, c.P, c.W);
            w.use_simd(l);
            std::mt19937 rng(13);
            for (size_t pos = 0; pos < y.size();) {
                const size_t n = std::min<size_t>(rng() % 3000, y.size() - pos);
                w.process(y.data() + pos, n, chunked.data() + pos);
                pos += n;
            }
            EXPECT_EQ(chunked, ref) << "simd " << static_cast<int>(l) << " P " << P;
            // reset() restarts
            w.reset();
            w.process(y.data(), y.size(), chunked.data());
            EXPECT_EQ(chunked, ref) << "simd " << static_cast<int>(l) << " P " << P;
        }
    }
}

// a noise-free signal decodes exactly for any chunking, the first
// latency() outputs are 0
TEST(PrmlViterbi, ParallelNoiseFreeAnyChunks)
{
    const std::vector<double> h{ 1, 2, 2, 1 };
    const auto x = run_levels(20000, 43);
    for (double scale : { 1.0, 0.37 }) {
        const auto y = pr_signal(x, h, 0.0, 0, scale);
        for (auto l : simd_levels())
            for (size_t chunk :
                 { size_t(1), size_t(97), size_t(2303), size_t(4223), y.size() }) {
                prml_viterbi v(h, 0, scale, 1024);
                v.use_simd(l);
                ASSERT_EQ(v.latency(), 4 * 1024 + 128 - 1u);
                std::vector<uint8_t> out(y.size(), 7);
                for (size_t pos = 0; pos < y.size(); pos += chunk)
                    v.process(y.data() + pos,
                              std::min(chunk, y.size() - pos),
                              out.data() + pos);
                size_t compared = 0;
                EXPECT_EQ(count_errors(out, x, v.latency(), 0, &compared), 0u)
                    << "simd " << static_cast<int>(l) << " chunk " << chunk;
                EXPECT_EQ(compared, y.size() - v.latency());
                for (size_t n = 0; n < v.latency(); n++)
                    ASSERT_EQ(out[n], 0) << n;
            }
    }
}

// AWGN at the union-bound test's SNRs: the parallel decisions differ from
// the sequential ones in < 1e-4 of the bits (W = 4 D; also at the default
// W = D), so the bit error rates agree
TEST(PrmlViterbi, ParallelAgreesWithSequentialOnAwgn)
{
    const std::vector<double> h{ 1, 2, 2, 1 };
    const size_t N = 1000000;
    const auto x = run_levels(N, 47);
    for (double arg : { 2.6, 3.0, 3.4 }) { // dmin / (2 sigma), d2min = 40
        const double sigma = std::sqrt(40.0) / (2.0 * arg);
        const auto y = pr_signal(x, h, sigma, 200 + static_cast<unsigned>(arg * 10));
        prml_viterbi seq(h);
        std::vector<uint8_t> os(N);
        seq.process(y.data(), N, os.data());
        for (int W : { 512, 0 }) {
            prml_viterbi par(h, 0, 1.0, 4096, W);
            std::vector<uint8_t> op(N);
            par.process(y.data(), N, op.data());
            const size_t ls = seq.latency(), lp = par.latency();
            size_t diff = 0, es = 0, ep = 0, c = 0;
            for (size_t j = 0; j + lp < N; j++, c++) {
                diff += os[j + ls] != op[j + lp];
                es += os[j + ls] != x[j];
                ep += op[j + lp] != x[j];
            }
            std::printf("sigma %.4f W %d: sequential %zu errors, parallel %zu, "
                        "%zu of %zu decisions differ\n",
                        sigma,
                        W,
                        es,
                        ep,
                        diff,
                        c);
            EXPECT_GT(es, 0u); // the comparison means something
            EXPECT_LT(static_cast<double>(diff), 1e-4 * static_cast<double>(c))
                << "sigma " << sigma << " W " << W;
        }
    }
}

TEST(PrmlViterbi, ParallelRejectsBadParameters)
{
    using ecdisc_test::invalid_argument_message;
    const char* seg = "0 (off) or 256 to 4194304 samples, at least parallel_warmup + "
                      "decision_delay";
    EXPECT_EQ(invalid_argument_message([] { prml_viterbi({ 1, 2, 2, 1 }, 0, 1.0, 255); }),
              std::string("parallel_segment = 255: ") + seg);
    EXPECT_EQ(invalid_argument_message([] { prml_viterbi({ 1, 2, 2, 1 }, 0, 1.0, -4); }),
              std::string("parallel_segment = -4: ") + seg);
    EXPECT_EQ(
        invalid_argument_message([] { prml_viterbi({ 1, 2, 2, 1 }, 0, 1.0, 1 << 23); }),
        std::string("parallel_segment = 8388608: ") + seg);
    // 300 < 4 * 128 + 128
    EXPECT_EQ(
        invalid_argument_message([] { prml_viterbi({ 1, 2, 2, 1 }, 0, 1.0, 300, 512); }),
        std::string("parallel_segment = 300: ") + seg);
    EXPECT_EQ(
        invalid_argument_message([] { prml_viterbi({ 1, 2, 2, 1 }, 0, 1.0, 4096, 7); }),
        "parallel_warmup = 7: 8 to 65536 samples, or 0 for decision_delay");
    EXPECT_EQ(invalid_argument_message(
                  [] { prml_viterbi({ 1, 2, 2, 1 }, 0, 1.0, 1 << 20, 70000); }),
              "parallel_warmup = 70000: 8 to 65536 samples, or 0 for decision_delay");
    EXPECT_EQ(
        invalid_argument_message([] { prml_viterbi({ 1, 2, 2, 1 }, 0, 1.0, 640, 512); }),
        "no exception");
    // no reliability output in this mode
    prml_viterbi v({ 1, 2, 2, 1 }, 0, 1.0, 4096);
    std::vector<float> y(10, 0.0f), r(10);
    std::vector<uint8_t> o(10);
    EXPECT_EQ(invalid_argument_message(
                  [&] { v.process(y.data(), y.size(), o.data(), r.data()); }),
              "reliability = requested: not available in the segment-parallel mode "
              "(parallel_segment = 4096)");
    // other trellis sizes run the sequential detector (the mode is ignored)
    prml_viterbi v5({ 1, 2, 2, 2, 1 }, 0, 1.0, 4096);
    EXPECT_EQ(v5.parallel_segment(), 0u);
    EXPECT_EQ(v5.parallel_warmup(), 0u);
    EXPECT_EQ(v5.latency(), 160u);
}

TEST(PrmlViterbi, RejectsBadParameters)
{
    using ecdisc_test::invalid_argument_message;
    EXPECT_EQ(invalid_argument_message([] { prml_viterbi({ 1.0 }); }),
              "target = [1]: 2 to 6 taps");
    EXPECT_EQ(invalid_argument_message([] { prml_viterbi({ 1, 1, 1, 1, 1, 1, 1 }); }),
              "target = [1, 1, 1, 1, 1, 1, 1]: 2 to 6 taps");
    EXPECT_EQ(invalid_argument_message([] { prml_viterbi({ 0.0, 0.0 }); }),
              "target = [0, 0]: not all taps zero");
    EXPECT_EQ(invalid_argument_message([] { prml_viterbi({ 1.0, NAN }); }),
              "target = [1, nan]: finite taps");
    EXPECT_EQ(invalid_argument_message([] { prml_viterbi({ 1, 2, 2, 1 }, 7); }),
              "decision_delay = 7: 8 to 65536 samples, or 0 for 32 x target length");
    EXPECT_EQ(invalid_argument_message([] { prml_viterbi({ 1, 2, 2, 1 }, -5); }),
              "decision_delay = -5: 8 to 65536 samples, or 0 for 32 x target length");
    EXPECT_EQ(invalid_argument_message([] { prml_viterbi({ 1, 2, 2, 1 }, 70000); }),
              "decision_delay = 70000: 8 to 65536 samples, or 0 for 32 x target length");
    EXPECT_EQ(invalid_argument_message([] { prml_viterbi({ 1, 2, 2, 1 }, 0, 0.0); }),
              "scale = 0.000000: finite, > 0");
    EXPECT_EQ(invalid_argument_message([] { prml_viterbi({ 1, 2, 2, 1 }, 8, 1.0); }),
              "no exception");
}

} // namespace
