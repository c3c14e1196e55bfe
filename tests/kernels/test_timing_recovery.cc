/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * timing_recovery on an analytic read signal: random bytes -> RLL(1,7) ->
 * NRZI levels a_k = +-1 (bit k over [k, k+1) channel bits, centre k + 1/2),
 * blurred by a Gaussian spot of standard deviation SIGMA bits:
 *   s(t) = a_{k0} + sum_k (a_k - a_{k-1}) Phi((t - k) / SIGMA)
 * sampled at input sample n at bit time
 *   t(n) = (n (1 + f0) + fr n^2 / (2 N)) / sps - phi
 * (f0: bit-rate offset, fr: linear ramp of the bit rate over N samples). The
 * kernel reports each output bit's input position p, so its true sampling
 * phase is t(p): nearest bit k = round(t - 1/2), phase error t - 1/2 - k.
 */
#include "nrzi.h"
#include "rf_frontend.h"
#include "rll17.h"
#include "test_util.h"
#include "timing_recovery.h"
#include <gtest/gtest.h>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

using ecdisc::timing_recovery;

namespace {

constexpr double SIGMA = 0.6; // spot blur, channel bits (default)

struct signal_t {
    std::vector<int> a;   // NRZI levels +-1
    std::vector<float> x; // samples
    double sps, f0, fr, phi, N;
    double t(double n) const
    {
        return (n * (1.0 + f0) + fr * n * n / (2.0 * N)) / sps - phi;
    }
};

std::vector<int> rll_levels(size_t n_bytes, unsigned seed)
{
    std::mt19937 rng(seed);
    std::vector<uint8_t> bytes(n_bytes);
    for (auto& b : bytes)
        b = static_cast<uint8_t>(rng());
    std::vector<uint8_t> bits(12 * n_bytes);
    ecdisc::rll17_encode_payload(bytes.data(), n_bytes, bits.data());
    ecdisc::nrzi_encoder nz(0);
    nz.encode(bits.data(), bits.data(), bits.size());
    std::vector<int> a(bits.size());
    for (size_t k = 0; k < a.size(); k++)
        a[k] = bits[k] ? 1 : -1;
    return a;
}

double Phi(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

//! n_bits of signal at sps nominal samples per bit, rate offset f0, ramp fr
signal_t make_signal(size_t n_bits,
                     double sps,
                     double f0,
                     double fr,
                     double noise = 0.0,
                     unsigned seed = 1,
                     double sigma = SIGMA,
                     double phi = 0.37)
{
    signal_t s;
    s.a = rll_levels(n_bits / 12 + 1, seed);
    s.sps = sps;
    s.f0 = f0;
    s.fr = fr;
    s.phi = phi;
    // samples: until t reaches n_bits (solve approximately, then trim)
    s.N = std::ceil(n_bits * sps / (1.0 + f0));
    std::mt19937 rng(seed + 1000);
    std::normal_distribution<double> g(0.0, noise);
    const int W = static_cast<int>(std::ceil(6 * sigma)) + 1;
    const int K = static_cast<int>(s.a.size());
    auto lv = [&](int k) { return k < 0 || k >= K ? -1 : s.a[static_cast<size_t>(k)]; };
    for (size_t n = 0;; n++) {
        const double t = s.t(static_cast<double>(n));
        if (t >= static_cast<double>(n_bits))
            break;
        const int k0 = static_cast<int>(std::floor(t)) - W;
        double v = lv(k0);
        for (int k = k0 + 1; k <= k0 + 2 * W; k++)
            if (lv(k) != lv(k - 1))
                v += (lv(k) - lv(k - 1)) * Phi((t - k) / sigma);
        s.x.push_back(static_cast<float>(v + (noise > 0 ? g(rng) : 0.0)));
    }
    return s;
}

struct run_t {
    std::vector<float> y;
    std::vector<double> p;
    std::vector<timing_recovery::event> ev;
    std::vector<int> locked; // lock state after each output bit
};

//! runs the kernel over x in random chunks (chunk 0: all at once)
run_t run(timing_recovery& tr, const std::vector<float>& x, unsigned chunk_seed)
{
    run_t r;
    std::mt19937 rng(chunk_seed);
    std::vector<float> y(8192);
    std::vector<double> p(8192);
    size_t pos = 0, end = 0;
    for (;;) {
        // new input arrives in random pieces; output room is random too
        end = chunk_seed ? std::min(x.size(), end + 1 + rng() % 900) : x.size();
        const size_t room = chunk_seed ? 1 + rng() % 400 : y.size();
        size_t used = 0;
        const size_t k =
            tr.process(x.data() + pos, end - pos, y.data(), room, &used, p.data());
        EXPECT_LE(k, room);
        EXPECT_LE(used, end - pos);
        const auto& ev = tr.events();
        for (const auto& v : ev)
            r.ev.push_back(v);
        const bool before = r.locked.empty() ? false : r.locked.back();
        bool state = before;
        for (size_t j = 0; j < k; j++) {
            for (const auto& v : ev)
                if (v.kind == v.lock && v.bit == r.y.size())
                    state = v.locked;
            r.y.push_back(y[j]);
            r.p.push_back(p[j]);
            r.locked.push_back(state);
        }
        pos += used;
        if (k == 0 && end == x.size())
            break;
    }
    return r;
}

struct stats_t {
    long lock_bit = -1;      // first output bit from which lock is reported for good
    double rms = 0, max = 0; // phase error (bits) after `from`
    size_t errors = 0;       // sign(y) != a_k after `from`
    size_t slips = 0;        // consecutive k not advancing by exactly 1 after `from`
    size_t n = 0;            // bits checked
    long k_first = 0, k_last = 0;
};

stats_t evaluate(const signal_t& s, const run_t& r, size_t from)
{
    stats_t st;
    for (size_t j = r.locked.size(); j-- > 0;) {
        if (!r.locked[j])
            break;
        st.lock_bit = static_cast<long>(j);
    }
    double sum2 = 0;
    long kprev = 0;
    for (size_t j = from; j < r.y.size(); j++) {
        const double t = s.t(r.p[j]);
        const long k = std::lround(t - 0.5);
        const double err = t - 0.5 - static_cast<double>(k);
        sum2 += err * err;
        st.max = std::max(st.max, std::fabs(err));
        if (j > from && k != kprev + 1)
            st.slips++;
        if (j == from)
            st.k_first = k;
        st.k_last = k;
        kprev = k;
        if (k >= 0 && k < static_cast<long>(s.a.size())) {
            if ((r.y[j] > 0 ? 1 : -1) != s.a[static_cast<size_t>(k)])
                st.errors++;
        }
        st.n++;
    }
    st.rms = st.n ? std::sqrt(sum2 / st.n) : 0;
    return st;
}

void report(const char* name, const stats_t& st)
{
    std::printf("[ timing   ] %s: lock at bit %ld, phase error rms %.4f T max %.4f T "
                "over %zu bits, errors %zu, slips %zu\n",
                name,
                st.lock_bit,
                st.rms,
                st.max,
                st.n,
                st.errors,
                st.slips);
}

// Locks from a rate offset, then samples within 0.05 T rms of the bit
// centres with zero decision errors and no slips.
void check_lock(double sps,
                double f0,
                unsigned seed,
                const char* name,
                double sigma = SIGMA,
                double noise = 0.0)
{
    const size_t n_bits = 20000;
    const auto s = make_signal(n_bits, sps, f0, 0.0, noise, seed, sigma);
    timing_recovery tr(sps, 0.01);
    const auto r = run(tr, s.x, seed);
    const size_t from = 2000; // the claim: locked within 2000 bits
    const auto st = evaluate(s, r, from);
    report(name, st);
    ASSERT_GE(st.lock_bit, 0);
    EXPECT_LE(st.lock_bit, 2000);
    // clean: only the interpolation error (largest at sps 2); noisy: loop jitter
    EXPECT_LT(st.rms, noise > 0 ? 0.05 : 0.01);
    EXPECT_LT(st.max, noise > 0 ? 0.15 : 0.02);
    EXPECT_EQ(st.errors, 0u);
    EXPECT_EQ(st.slips, 0u);
    EXPECT_TRUE(tr.locked());
    // the period estimate converges to the true one, sps / (1 + f0)
    EXPECT_NEAR(tr.samples_per_bit_estimate() / (sps / (1.0 + f0)), 1.0, 1e-3);
    EXPECT_EQ(tr.bits_out(), r.y.size());
    // about one output per bit of the record
    EXPECT_NEAR(static_cast<double>(r.y.size()), static_cast<double>(n_bits), 3.0);
}

} // namespace

TEST(timing_recovery, locks_plus_1pct_sps4) { check_lock(4.0, +0.01, 11, "sps 4, +1%"); }
TEST(timing_recovery, locks_minus_1pct_sps4) { check_lock(4.0, -0.01, 12, "sps 4, -1%"); }
TEST(timing_recovery, locks_sps2) { check_lock(2.0, 0.0, 13, "sps 2, 0%"); }
TEST(timing_recovery, locks_sps8) { check_lock(8.0, 0.0, 14, "sps 8, 0%"); }
TEST(timing_recovery, locks_sps3_3_minus_1pct)
{
    check_lock(3.3, -0.01, 15, "sps 3.3, -1%");
}
// heavier blur (sigma 0.8 bits: 2T runs at about half amplitude) and noise
// 0.1 RMS on the +-1 levels
TEST(timing_recovery, locks_blur08_noise_plus_1pct)
{
    check_lock(4.0, +0.01, 16, "sps 4, +1%, blur 0.8, noise 0.1", 0.8, 0.1);
}
TEST(timing_recovery, locks_blur08_noise_minus_1pct)
{
    check_lock(5.5, -0.01, 17, "sps 5.5, -1%, blur 0.8, noise 0.1", 0.8, 0.1);
}

// Any starting phase (including the TED's unstable point half a bit off):
// lock within 2000 bits, then no slips and no errors.
TEST(timing_recovery, locks_from_any_phase)
{
    for (double phi : { 0.0, 0.25, 0.5, 0.75, 0.9 }) {
        const auto s = make_signal(8000, 4.0, -0.01, 0.0, 0.05, 71, SIGMA, phi);
        timing_recovery tr(4.0);
        const auto r = run(tr, s.x, 72);
        const auto st = evaluate(s, r, 2000);
        EXPECT_GE(st.lock_bit, 0) << phi;
        EXPECT_LE(st.lock_bit, 2000) << phi;
        EXPECT_EQ(st.slips, 0u) << phi;
        EXPECT_EQ(st.errors, 0u) << phi;
        EXPECT_LT(st.rms, 0.05) << phi;
    }
}

// A linear ramp of the bit rate by 0.5% over the record (60000 bits): held
// with no cycle slip, output count = true bits +-1, zero errors; also with
// noise (sigma 0.1 on +-1 levels).
TEST(timing_recovery, holds_half_percent_ramp)
{
    for (double noise : { 0.0, 0.1 }) {
        const size_t n_bits = 60000;
        const double sps = 4.0;
        const auto s = make_signal(n_bits, sps, 0.0, 0.005, noise, 21);
        timing_recovery tr(sps, 0.01);
        const auto r = run(tr, s.x, 22);
        const auto all = evaluate(s, r, 0);
        const auto st = evaluate(s, r, 2000);
        report(noise > 0 ? "ramp 0.5%, noise 0.1" : "ramp 0.5%", st);
        ASSERT_GE(st.lock_bit, 0);
        EXPECT_LE(st.lock_bit, 2000);
        EXPECT_EQ(st.slips, 0u);
        EXPECT_EQ(st.errors, 0u);
        EXPECT_LT(st.rms, noise > 0 ? 0.06 : 0.05);
        // every bit of the record once: outputs = bits spanned +-1
        EXPECT_NEAR(static_cast<double>(r.y.size()),
                    static_cast<double>(all.k_last - all.k_first + 1),
                    1.0);
        // the period estimate follows the ramp: true period at the end
        const double t_end_rate = (1.0 + 0.005 * r.p.back() / s.N) / sps;
        EXPECT_NEAR(tr.samples_per_bit_estimate() * t_end_rate, 1.0, 1e-3);
    }
}

// Behind the real front end: the photodetector signal 0.3 (s(t) + n) + 0.6
// (gain and DC unknown; noise n 0.1 RMS, blur 0.7 bits), through rf_frontend (DC restore,
// AGC to unit RMS; no boost) at sps 4.4 and -0.7 %: lock within 2000 bits, then zero
// errors, no slips, phase error < 0.05 T RMS.
TEST(timing_recovery, behind_rf_frontend)
{
    const double sps = 4.4;
    auto s = make_signal(30000, sps, -0.007, 0.0, 0.1, 51, 0.7);
    for (auto& v : s.x)
        v = 0.3f * v + 0.6f;
    ecdisc::rf_frontend fe(1, 2e-4, 1e-3, false);
    std::vector<float> rf(s.x.size());
    const float* ch[1] = { s.x.data() };
    fe.process(ch, rf.data(), rf.size());
    timing_recovery tr(sps);
    const auto r = run(tr, rf, 52);
    const auto st = evaluate(s, r, 3000);
    report("sps 4.4, -0.7%, blur 0.7, after rf_frontend", st);
    ASSERT_GE(st.lock_bit, 0);
    EXPECT_LE(st.lock_bit, 2000);
    EXPECT_LT(st.rms, 0.05);
    EXPECT_EQ(st.errors, 0u);
    EXPECT_EQ(st.slips, 0u);
}

// Lock is reported on data and never on band-limited noise alone (unit RMS,
// same Gaussian blur); the period stays within the clamp.
TEST(timing_recovery, no_lock_on_noise)
{
    const double sps = 4.0;
    std::mt19937 rng(5);
    std::normal_distribution<double> g(0.0, 1.0);
    std::vector<double> w(200000);
    for (auto& v : w)
        v = g(rng);
    const int W = static_cast<int>(std::ceil(3 * SIGMA * sps));
    std::vector<float> x(w.size() - 2 * W);
    double s2 = 0;
    for (int m = -W; m <= W; m++)
        s2 += std::exp(-(m * m) / (SIGMA * sps * SIGMA * sps));
    for (size_t n = 0; n < x.size(); n++) {
        double acc = 0;
        for (int m = -W; m <= W; m++)
            acc += std::exp(-0.5 * (m * m) / (SIGMA * sps * SIGMA * sps)) * w[n + W + m];
        x[n] = static_cast<float>(acc / std::sqrt(s2));
    }
    timing_recovery tr(sps, 0.01);
    const auto r = run(tr, x, 7);
    size_t locked = 0;
    for (int l : r.locked)
        locked += l;
    std::printf("[ timing   ] noise: lock metric %.3f, %zu of %zu bits locked\n",
                tr.lock_metric(),
                locked,
                r.locked.size());
    EXPECT_EQ(locked, 0u);
    EXPECT_FALSE(tr.locked());
    EXPECT_LT(tr.lock_metric(), timing_recovery::lock_off);
    EXPECT_LE(std::fabs(tr.samples_per_bit_estimate() / sps - 1.0), 0.02 + 1e-12);
    EXPECT_GT(r.y.size(), x.size() / sps * 0.97);
}

// Data, then band-limited noise, then data again: lock, loss of lock within
// 1000 bits of the noise, lock again within 2000 bits of the new data.
TEST(timing_recovery, loses_and_regains_lock)
{
    const double sps = 4.0;
    const auto d1 = make_signal(10000, sps, 0.008, 0.0, 0.05, 61);
    const auto d2 = make_signal(10000, sps, -0.004, 0.0, 0.05, 62);
    std::mt19937 rng(63);
    std::normal_distribution<double> g(0.0, 1.0);
    std::vector<float> x = d1.x;
    const size_t noise_at = x.size();
    double lp = 0;
    for (int n = 0; n < 40000; n++) {
        lp = 0.7 * lp + 0.3 * g(rng); // low-pass noise, about unit RMS below
        x.push_back(static_cast<float>(2.4 * lp));
    }
    const size_t data_at = x.size();
    x.insert(x.end(), d2.x.begin(), d2.x.end());
    timing_recovery tr(sps);
    const auto r = run(tr, x, 64);
    // output bit index of the first bit past an input position
    auto bit_at = [&](size_t pos) {
        return static_cast<uint64_t>(
            std::lower_bound(r.p.begin(), r.p.end(), static_cast<double>(pos)) -
            r.p.begin());
    };
    std::vector<timing_recovery::event> lock;
    for (const auto& e : r.ev)
        if (e.kind == e.lock)
            lock.push_back(e);
    ASSERT_EQ(lock.size(), 3u);
    EXPECT_TRUE(lock[0].locked);
    EXPECT_LT(lock[0].bit, 2000u);
    EXPECT_FALSE(lock[1].locked);
    EXPECT_GT(lock[1].bit, bit_at(noise_at));
    EXPECT_LT(lock[1].bit, bit_at(noise_at) + 1000);
    EXPECT_TRUE(lock[2].locked);
    EXPECT_GT(lock[2].bit, bit_at(data_at));
    EXPECT_LT(lock[2].bit, bit_at(data_at) + 2000);
    EXPECT_TRUE(tr.locked());
    std::printf("[ timing   ] lock at bit %llu, lost %llu bits into the noise, "
                "regained %llu bits into the new data\n",
                static_cast<unsigned long long>(lock[0].bit),
                static_cast<unsigned long long>(lock[1].bit - bit_at(noise_at)),
                static_cast<unsigned long long>(lock[2].bit - bit_at(data_at)));
}

// Events: a phase report at bits 0, N, 2N, ... whose position is that bit's
// reported position and whose period is near the true one; one lock event.
TEST(timing_recovery, phase_events)
{
    const auto s = make_signal(12000, 4.0, 0.01, 0.0, 0.0, 31);
    timing_recovery tr(4.0, 0.01, 0.7071067811865476, 0.02, 1000);
    const auto r = run(tr, s.x, 32);
    std::vector<uint64_t> bits;
    int lock_events = 0;
    for (const auto& e : r.ev) {
        if (e.kind == e.lock) {
            lock_events++;
            EXPECT_TRUE(e.locked);
            continue;
        }
        bits.push_back(e.bit);
        ASSERT_LT(e.bit, r.p.size());
        EXPECT_EQ(e.position, r.p[e.bit]);
        if (e.bit >= 3000) {
            EXPECT_NEAR(e.period, 4.0 / 1.01, 4e-3);
        }
    }
    EXPECT_EQ(lock_events, 1);
    ASSERT_EQ(bits.size(), (r.y.size() + 999) / 1000);
    for (size_t i = 0; i < bits.size(); i++)
        EXPECT_EQ(bits[i], 1000 * i);
    timing_recovery none(4.0, 0.01, 0.7, 0.02, 0);
    const auto r2 = run(none, s.x, 0);
    for (const auto& e : r2.ev)
        EXPECT_EQ(e.kind, e.lock);
}

// The output does not depend on how input and output are chunked.
TEST(timing_recovery, chunking_invariant)
{
    const auto s = make_signal(8000, 3.7, -0.008, 0.0, 0.05, 41);
    timing_recovery a(3.7), b(3.7);
    const auto ra = run(a, s.x, 0);
    const auto rb = run(b, s.x, 43);
    ASSERT_EQ(ra.y.size(), rb.y.size());
    for (size_t j = 0; j < ra.y.size(); j++) {
        ASSERT_EQ(ra.y[j], rb.y[j]) << j;
        ASSERT_EQ(ra.p[j], rb.p[j]) << j;
    }
}

// Interpolator: a cubic polynomial input is reproduced exactly at the bit
// centres the kernel reports (cubic Lagrange is exact for cubics).
TEST(timing_recovery, interpolator_exact_for_cubic)
{
    std::vector<float> x(400);
    auto f = [](double n) {
        return 1e-6 * (n - 200) * (n - 100) * (n - 310) / 50.0 + 0.1;
    };
    for (size_t n = 0; n < x.size(); n++)
        x[n] = static_cast<float>(f(static_cast<double>(n)));
    timing_recovery tr(4.0);
    std::vector<float> y(200);
    std::vector<double> p(200);
    size_t used = 0;
    const size_t k = tr.process(x.data(), x.size(), y.data(), y.size(), &used, p.data());
    ASSERT_GT(k, 90u);
    for (size_t j = 0; j < k; j++)
        EXPECT_NEAR(y[j], f(p[j]), 2e-5) << j;
}

TEST(timing_recovery, bad_parameters)
{
    using ecdisc_test::invalid_argument_message;
    auto msg = [](auto f) { return invalid_argument_message(f); };
    EXPECT_EQ(msg([] { timing_recovery(1.5); }).rfind("sps = 1.5", 0), 0u);
    EXPECT_EQ(msg([] { timing_recovery(9.0); }).rfind("sps = 9", 0), 0u);
    EXPECT_EQ(msg([] { timing_recovery(4.0, 0.0); }).rfind("loop_bw = 0", 0), 0u);
    EXPECT_EQ(msg([] { timing_recovery(4.0, 0.2); }).rfind("loop_bw = 0.2", 0), 0u);
    EXPECT_EQ(msg([] { timing_recovery(4.0, 0.01, 0.1); }).rfind("damping = 0.1", 0), 0u);
    EXPECT_EQ(
        msg([] { timing_recovery(4.0, 0.01, 0.7, 0.0); }).rfind("max_deviation = 0", 0),
        0u);
    EXPECT_EQ(
        msg([] { timing_recovery(4.0, 0.01, 0.7, 0.5); }).rfind("max_deviation = 0.5", 0),
        0u);
    EXPECT_EQ(msg([] {
                  timing_recovery(4.0, 0.01, 0.7, 0.02, -1);
              }).rfind("phase_interval = -1", 0),
              0u);
    timing_recovery ok(4.0);
    EXPECT_EQ(msg([&] { ok.set_loop_bw(NAN); }).rfind("loop_bw = nan", 0), 0u);
    EXPECT_EQ(msg([] { timing_recovery(NAN); }).rfind("sps = nan", 0), 0u);
}
