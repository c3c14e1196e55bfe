/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * pr_equalizer: LMS against the Wiener (least-squares) solution of the normal
 * equations, tracking of a drifting channel, freeze, decision-directed lock,
 * chunking, bad parameters.
 */
#include "pr_equalizer.h"
#include "test_util.h"
#include <gtest/gtest.h>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <vector>

namespace {

using ecdisc::pr_equalizer;

const std::vector<double> PR1221 = { 1, 2, 2, 1 };
constexpr int NT = 15;
constexpr int CH_LEN = 7; // channel taps, centre 3
// Output lag: equaliser centre 7 + channel centre 3 - target centre ~1.5.
constexpr int DELAY = 9;

//! NRZI levels with runs of 2..8 (d = 1, k = 7)
std::vector<uint8_t> levels(size_t n, unsigned seed)
{
    std::mt19937 rng(seed);
    std::vector<uint8_t> b;
    uint8_t v = 0;
    while (b.size() < n) {
        b.insert(b.end(), 2 + rng() % 7, v);
        v ^= 1;
    }
    b.resize(n);
    return b;
}

//! Gaussian blur taps (length 7, unit DC gain), width sigma in bits
std::vector<double> blur(double sigma)
{
    std::vector<double> g(CH_LEN);
    double s = 0;
    for (int m = 0; m < CH_LEN; m++)
        s += g[m] = std::exp(-(m - 3.0) * (m - 3.0) / (2 * sigma * sigma));
    for (auto& v : g)
        v /= s;
    return g;
}

/*! Channel output for levels b: sum_m g_n[m] a[n-m] + noise, sigma(n) going
 *  linearly from sigma0 to sigma1 over the record. */
std::vector<float> channel(const std::vector<uint8_t>& b,
                           double sigma0,
                           double sigma1,
                           double noise,
                           unsigned seed)
{
    std::mt19937 rng(seed);
    std::normal_distribution<double> gn(0.0, noise);
    std::vector<float> x(b.size());
    std::vector<double> g = blur(sigma0);
    for (size_t n = 0; n < b.size(); n++) {
        if (sigma1 != sigma0 && n % 256 == 0)
            g = blur(sigma0 + (sigma1 - sigma0) * n / b.size());
        double v = 0;
        for (int m = 0; m < CH_LEN; m++)
            v += g[m] * (n >= static_cast<size_t>(m) ? (b[n - m] ? 1.0 : -1.0) : -1.0);
        x[n] = static_cast<float>(v + gn(rng));
    }
    return x;
}

//! ideal target output d[n] = sum_j h[j] a[n - D - j] (0 before the start)
std::vector<double>
reference(const std::vector<uint8_t>& b, const std::vector<double>& h, int D)
{
    std::vector<double> d(b.size(), 0.0);
    for (size_t n = 0; n < b.size(); n++)
        for (size_t j = 0; j < h.size(); j++) {
            const long k = static_cast<long>(n) - D - static_cast<long>(j);
            d[n] += h[j] * (k >= 0 ? (b[k] ? 1.0 : -1.0) : -1.0);
        }
    return d;
}

struct wiener_t {
    std::vector<double> w;
    double mse;   // J_min = E[d^2] - p^T w
    double trace; // tr(R) = N E[x^2]
};

/*! Wiener (least-squares) FIR over samples [from, to): solves R w = p,
 *  R = E[x x^T], p = E[d x], x = (x[n], ..., x[n-N+1]), by Gaussian
 *  elimination with partial pivoting. */
wiener_t
wiener(const std::vector<float>& x, const std::vector<double>& d, size_t from, size_t to)
{
    const int N = NT;
    std::vector<double> R(N * N, 0.0), p(N, 0.0);
    double dd = 0;
    for (size_t n = from; n < to; n++) {
        for (int i = 0; i < N; i++) {
            const double xi = x[n - i];
            p[i] += d[n] * xi;
            for (int j = i; j < N; j++)
                R[i * N + j] += xi * x[n - j];
        }
        dd += d[n] * d[n];
    }
    const double cnt = static_cast<double>(to - from);
    for (int i = 0; i < N; i++) {
        p[i] /= cnt;
        for (int j = i; j < N; j++)
            R[j * N + i] = R[i * N + j] /= cnt;
    }
    dd /= cnt;
    wiener_t r;
    r.trace = 0;
    for (int i = 0; i < N; i++)
        r.trace += R[i * N + i];
    std::vector<double> A = R, bv = p;
    for (int c = 0; c < N; c++) {
        int piv = c;
        for (int i = c + 1; i < N; i++)
            if (std::fabs(A[i * N + c]) > std::fabs(A[piv * N + c]))
                piv = i;
        for (int j = 0; j < N; j++)
            std::swap(A[c * N + j], A[piv * N + j]);
        std::swap(bv[c], bv[piv]);
        for (int i = c + 1; i < N; i++) {
            const double f = A[i * N + c] / A[c * N + c];
            for (int j = c; j < N; j++)
                A[i * N + j] -= f * A[c * N + j];
            bv[i] -= f * bv[c];
        }
    }
    r.w.assign(N, 0.0);
    for (int i = N - 1; i >= 0; i--) {
        double s = bv[i];
        for (int j = i + 1; j < N; j++)
            s -= A[i * N + j] * r.w[j];
        r.w[i] = s / A[i * N + i];
    }
    double pw = 0;
    for (int i = 0; i < N; i++)
        pw += p[i] * r.w[i];
    r.mse = dd - pw;
    return r;
}

double
mse(const std::vector<float>& y, const std::vector<double>& d, size_t from, size_t to)
{
    double s = 0;
    for (size_t n = from; n < to; n++)
        s += (d[n] - y[n]) * (d[n] - y[n]);
    return s / static_cast<double>(to - from);
}

std::vector<float>
run(pr_equalizer& eq, const std::vector<float>& x, const std::vector<uint8_t>* b)
{
    std::vector<float> y(x.size());
    eq.process(x.data(), b ? b->data() : nullptr, y.data(), x.size());
    return y;
}

} // namespace

TEST(PrEqualizer, StartsAsCentreSpikeAndTargetAlphabet)
{
    pr_equalizer eq(PR1221, NT, 0.002, "frozen");
    const auto w = eq.taps();
    ASSERT_EQ(w.size(), 15u);
    for (int k = 0; k < NT; k++)
        EXPECT_EQ(w[k], k == 7 ? 1.0 : 0.0);
    EXPECT_EQ(eq.train_delay(), 7); // auto
    EXPECT_TRUE(eq.frozen());
    EXPECT_EQ(eq.mode(), "frozen");
    const std::vector<float> want = { -6, -4, -2, 0, 2, 4, 6 };
    EXPECT_EQ(eq.levels(), want);
    // frozen centre spike: output is the input delayed by 7
    std::vector<float> x(100);
    for (size_t i = 0; i < x.size(); i++)
        x[i] = static_cast<float>(i + 1);
    const auto y = run(eq, x, nullptr);
    for (size_t i = 0; i < x.size(); i++)
        EXPECT_EQ(y[i], i >= 7 ? x[i - 7] : 0.0f);
    pr_equalizer eq5({ 1, 2, 2, 2, 1 }, 3, 0.01, "dd");
    EXPECT_EQ(eq5.levels().size(), 9u); // -8..8 step 2
}

TEST(PrEqualizer, TrainingConvergesToWienerMse)
{
    // Gaussian-blur ISI channel (sigma 1.0 bit, 7 taps), noise 0.02, trained
    // 200k symbols at mu = 0.002. Bound on the residual MSE over the last 50k:
    // within 20 % of the Wiener MSE computed from the same samples, plus the
    // LMS excess MSE, J_min * mu tr(R) / 2.
    const size_t n = 200000, from = 150000;
    const auto b = levels(n, 1);
    const auto x = channel(b, 1.0, 1.0, 0.02, 2);
    const auto d = reference(b, PR1221, DELAY);
    pr_equalizer eq(PR1221, NT, 0.002, "train", DELAY);
    const auto y = run(eq, x, &b);
    const auto wf = wiener(x, d, from, n);
    const double lms = mse(y, d, from, n);
    const double excess = wf.mse * 0.002 * wf.trace / 2;
    std::printf("wiener mse %.3e, lms mse %.3e, excess %.3e, tr(R) %.2f, mse() %.3e\n",
                wf.mse,
                lms,
                excess,
                wf.trace,
                eq.mse());
    EXPECT_LT(lms, 1.2 * wf.mse + excess);
    EXPECT_GE(lms, wf.mse * 0.999); // sanity: Wiener is the least-squares optimum
    EXPECT_LT(wf.mse, 0.05);        // the channel is equalisable to this target
    // the running mse() agrees with the measured error
    EXPECT_NEAR(eq.mse(), lms, 0.5 * lms);
    // The final taps, frozen, do as well on the window: the LMS taps differ
    // from the Wiener taps only along directions the low-pass channel barely
    // excites (so the taps are not compared one by one).
    pr_equalizer fr(PR1221, NT, 0.002, "frozen", DELAY);
    fr.set_taps(eq.taps());
    const auto yf = run(fr, x, &b);
    EXPECT_LT(mse(yf, d, from, n), 1.2 * wf.mse);
}

TEST(PrEqualizer, ChunkingDoesNotMatter)
{
    const size_t n = 20000;
    const auto b = levels(n, 3);
    const auto x = channel(b, 1.0, 1.0, 0.02, 4);
    pr_equalizer a(PR1221, NT, 0.005, "train", DELAY, 1e-3);
    pr_equalizer c(PR1221, NT, 0.005, "train", DELAY, 1e-3);
    const auto ya = run(a, x, &b);
    std::vector<float> yc(n);
    size_t i = 0, step = 1;
    while (i < n) {
        const size_t k = std::min(step, n - i);
        c.process(x.data() + i, b.data() + i, yc.data() + i, k);
        i += k;
        step = step * 7 % 5003 + 1;
    }
    for (size_t j = 0; j < n; j++)
        ASSERT_FLOAT_EQ(ya[j], yc[j]) << j;
    EXPECT_EQ(a.taps(), c.taps());
}

TEST(PrEqualizer, ProcessHistoryMatchesProcess)
{
    // process_history() reads the caller's history in place (the block's
    // set_history path); every mode gives what process() gives.
    const size_t n = 30000;
    const auto b = levels(n, 17);
    const auto x = channel(b, 1.0, 1.0, 0.02, 18);
    std::vector<float> xh(NT - 1, 0.0f);
    xh.insert(xh.end(), x.begin(), x.end());
    for (const char* mode : { "train", "dd", "frozen" }) {
        pr_equalizer a(PR1221, NT, 0.005, mode, DELAY);
        pr_equalizer c(PR1221, NT, 0.005, mode, DELAY);
        const auto ya = run(a, x, &b);
        std::vector<float> yc(n);
        size_t i = 0, step = 5;
        while (i < n) {
            const size_t k = std::min(step, n - i);
            c.process_history(xh.data() + i, b.data() + i, yc.data() + i, k);
            i += k;
            step = step * 13 % 7919 + 1;
        }
        for (size_t j = 0; j < n; j++)
            ASSERT_FLOAT_EQ(ya[j], yc[j]) << mode << " " << j;
        EXPECT_EQ(a.taps(), c.taps()) << mode;
    }
}

TEST(PrEqualizer, TracksDriftingChannel)
{
    // The blur widens from sigma 0.9 to 1.15 bit over 600k symbols after a
    // 100k-symbol training on the sigma 0.9 channel. The adapting equaliser's
    // MSE in every 50k window stays within 1.5x the Wiener MSE of that window
    // (+ LMS excess); a copy frozen after the first training drifts off.
    const size_t n0 = 100000, n = 600000, win = 50000;
    const auto b0 = levels(n0, 5);
    pr_equalizer eq(PR1221, NT, 0.002, "train", DELAY);
    run(eq, channel(b0, 0.9, 0.9, 0.02, 6), &b0);
    pr_equalizer frozen(PR1221, NT, 0.002, "frozen", DELAY);
    frozen.set_taps(eq.taps());

    const auto b = levels(n, 7);
    const auto x = channel(b, 0.9, 1.15, 0.02, 8);
    const auto d = reference(b, PR1221, DELAY);
    const auto y = run(eq, x, &b);
    const auto yf = run(frozen, x, &b);
    double last_lms = 0, last_frozen = 0;
    for (size_t w0 = 0; w0 + win <= n; w0 += win) {
        const auto wf = wiener(x, d, std::max<size_t>(w0, NT), w0 + win);
        const double lms = mse(y, d, std::max<size_t>(w0, NT), w0 + win);
        EXPECT_LT(lms, 1.5 * wf.mse + wf.mse * 0.002 * wf.trace / 2) << "window " << w0;
        last_lms = lms;
        last_frozen = mse(yf, d, std::max<size_t>(w0, NT), w0 + win);
    }
    std::printf(
        "last window: tracking mse %.3e, frozen mse %.3e\n", last_lms, last_frozen);
    EXPECT_GT(last_frozen, 3 * last_lms);
}

TEST(PrEqualizer, FreezeStopsAdaptation)
{
    const size_t n = 50000;
    const auto b = levels(n, 9);
    const auto x = channel(b, 1.0, 1.0, 0.02, 10);
    pr_equalizer eq(PR1221, NT, 0.002, "train", DELAY);
    run(eq, x, &b);
    const auto w = eq.taps();
    const double m = eq.mse();
    eq.set_frozen(true);
    EXPECT_TRUE(eq.frozen());
    EXPECT_EQ(eq.mode(), "frozen");
    const auto b2 = levels(n, 11);
    const auto x2 = channel(b2, 1.2, 1.2, 0.05, 12); // another channel
    const auto y2 = run(eq, x2, &b2);
    EXPECT_EQ(eq.taps(), w);
    EXPECT_EQ(eq.mse(), m);
    // a frozen equaliser is the FIR of its taps
    for (size_t i = NT; i < n; i++) {
        double s = 0;
        for (int k = 0; k < NT; k++)
            s += w[k] * x2[i - k];
        ASSERT_NEAR(y2[i], s, 1e-4) << i;
    }
    // mode "frozen" likewise; unfreezing resumes training
    eq.set_frozen(false);
    EXPECT_EQ(eq.mode(), "train");
    eq.set_mode("frozen");
    run(eq, x2, &b2);
    EXPECT_EQ(eq.taps(), w);
    eq.set_mode("train");
    run(eq, x2, &b2);
    EXPECT_NE(eq.taps(), w);
}

TEST(PrEqualizer, DecisionDirectedKeepsTrainedLock)
{
    // Trained 100k symbols, then 300k decision directed on the same channel
    // with fresh data: every slice decision is the true target level and the
    // MSE stays within 1.5x of the trained MSE.
    const size_t n0 = 100000, n = 300000;
    const auto b0 = levels(n0, 13);
    pr_equalizer eq(PR1221, NT, 0.002, "train", DELAY);
    run(eq, channel(b0, 1.0, 1.0, 0.02, 14), &b0);
    const auto b = levels(n, 15);
    const auto x = channel(b, 1.0, 1.0, 0.02, 16);
    const auto d = reference(b, PR1221, DELAY);
    const auto wf = wiener(x, d, NT, 50000);
    eq.set_mode("dd");
    EXPECT_EQ(eq.mode(), "dd");
    const auto y = run(eq, x, nullptr); // no training levels
    size_t wrong = 0;
    for (size_t i = NT; i < n; i++) {
        float best = eq.levels()[0];
        for (float l : eq.levels())
            if (std::fabs(l - y[i]) < std::fabs(best - y[i]))
                best = l;
        wrong += best != static_cast<float>(d[i]);
    }
    EXPECT_EQ(wrong, 0u);
    const double m = mse(y, d, n - 100000, n);
    std::printf("dd mse %.3e, wiener %.3e\n", m, wf.mse);
    EXPECT_LT(m, 1.5 * wf.mse);
}

TEST(PrEqualizer, TrainingWithoutLevelsDoesNotAdapt)
{
    pr_equalizer eq(PR1221, NT, 0.01, "train");
    std::vector<float> x(1000, 0.5f);
    run(eq, x, nullptr);
    const auto w = eq.taps();
    EXPECT_EQ(w[7], 1.0);
    EXPECT_EQ(eq.mse(), 0.0);
}

TEST(PrEqualizer, BadParametersRejected)
{
    using ecdisc_test::invalid_argument_message;
    EXPECT_EQ(invalid_argument_message([] { pr_equalizer({}, 15); }),
              "target = []: must have 1..7 values");
    EXPECT_EQ(invalid_argument_message([] {
                  pr_equalizer({ 0, 0 }, 15);
              }),
              "target = all zero: at least one value must be non-zero");
    EXPECT_EQ(invalid_argument_message([] {
                  pr_equalizer({ 1, NAN }, 15);
              }),
              "target = nan: values must be finite");
    EXPECT_EQ(invalid_argument_message([] { pr_equalizer(PR1221, 14); }),
              "n_taps = 14: must be odd, 3..63");
    EXPECT_EQ(invalid_argument_message([] { pr_equalizer(PR1221, 65); }),
              "n_taps = 65: must be odd, 3..63");
    EXPECT_EQ(invalid_argument_message([] { pr_equalizer(PR1221, 1); }),
              "n_taps = 1: must be odd, 3..63");
    EXPECT_EQ(invalid_argument_message([] { pr_equalizer(PR1221, 15, 0.0); }),
              "mu = 0: must be in (0, 0.1]");
    EXPECT_EQ(invalid_argument_message([] { pr_equalizer(PR1221, 15, 0.2); }),
              "mu = 0.2: must be in (0, 0.1]");
    EXPECT_EQ(invalid_argument_message([] { pr_equalizer(PR1221, 15, 0.002, "lms"); }),
              "mode = \"lms\": must be \"train\", \"dd\" or \"frozen\"");
    EXPECT_EQ(invalid_argument_message([] { pr_equalizer(PR1221, 15, 0.002, "dd", -2); }),
              "train_delay = -2: must be 0..1024, or -1 (auto)");
    EXPECT_EQ(
        invalid_argument_message([] { pr_equalizer(PR1221, 15, 0.002, "dd", 3, -0.1); }),
        "leakage = -0.1: must be in [0, 1]");
    pr_equalizer eq(PR1221, 15);
    EXPECT_EQ(invalid_argument_message([&] {
                  eq.set_taps({ 1, 2 });
              }),
              "taps = 2 values: must have n_taps values");
    EXPECT_EQ(invalid_argument_message([&] { eq.set_mode("x"); }),
              "mode = \"x\": must be \"train\", \"dd\" or \"frozen\"");
    EXPECT_EQ(invalid_argument_message([&] { eq.set_mu(-1); }),
              "mu = -1: must be in (0, 0.1]");
}

// ---- LMS decimation (update_every) and initial taps ----

namespace {

/*! A straightforward reference of the equaliser: float taps, one output at a
 *  time, the LMS step on samples n with n % U == U - 1. The dot product sums
 *  tap m into partial sum m mod 8 (taps padded with zeros to a multiple of
 *  8), then adds the 8 partial sums in order: the order the kernel's
 *  every-sample path uses, so for U = 1 the outputs must agree to the bit. */
struct ref_eq {
    std::vector<double> h;
    int nt;
    float mu;
    bool train;
    int D;
    double leak;
    int U;
    std::vector<float> w; // w[k], k = delay

    ref_eq(const std::vector<double>& h_,
           int nt_,
           double mu_,
           bool train_,
           int D_,
           double leak_,
           int U_)
        : h(h_),
          nt(nt_),
          mu(static_cast<float>(mu_)),
          train(train_),
          D(D_),
          leak(leak_),
          U(U_),
          w(nt_, 0.0f)
    {
        w[(nt - 1) / 2] = 1.0f;
    }

    std::vector<float>
    run(const std::vector<float>& x, const std::vector<uint8_t>& b, bool by_lanes)
    {
        const int np = (nt + 7) / 8 * 8;
        std::vector<float> y(x.size());
        auto xin = [&](long i) { return i >= 0 ? x[i] : 0.0f; };
        std::vector<float> lv; // PR levels: all sums of +-h[j]
        for (unsigned s = 0; s < (1u << h.size()); s++) {
            double v = 0;
            for (size_t j = 0; j < h.size(); j++)
                v += (s >> j & 1u) ? h[j] : -h[j];
            lv.push_back(static_cast<float>(v));
        }
        std::sort(lv.begin(), lv.end());
        lv.erase(std::unique(lv.begin(), lv.end()), lv.end());
        const float lk = static_cast<float>(1.0 - static_cast<double>(mu) * leak);
        for (size_t n = 0; n < x.size(); n++) {
            float out;
            if (by_lanes) {
                float acc[8] = {};
                // reversed taps wr[m] = w[nt-1-m] meet x[n - (nt-1) + m]
                for (int m = 0; m < np; m++) {
                    const float wm = m < nt ? w[nt - 1 - m] : 0.0f;
                    const float xm =
                        m < nt ? xin(static_cast<long>(n) - (nt - 1) + m) : 0.0f;
                    acc[m % 8] += wm * xm;
                }
                out = 0.0f;
                for (int j = 0; j < 8; j++)
                    out += acc[j];
            } else {
                double s = 0;
                for (int k = 0; k < nt; k++)
                    s += static_cast<double>(w[k]) * xin(static_cast<long>(n) - k);
                out = static_cast<float>(s);
            }
            y[n] = out;
            if (n % U != static_cast<size_t>(U - 1))
                continue;
            float d;
            if (train) {
                if (n + 1 < static_cast<size_t>(D) + h.size())
                    continue; // training history not full yet
                d = 0.0f;
                for (size_t j = 0; j < h.size(); j++)
                    d += static_cast<float>(h[j]) * (b[n - D - j] ? 1.0f : -1.0f);
            } else {
                d = lv[0];
                for (float l : lv)
                    if (std::fabs(l - out) < std::fabs(d - out) ||
                        (std::fabs(l - out) == std::fabs(d - out) && l < d))
                        d = l;
            }
            const float g = mu * (d - out);
            for (int k = 0; k < nt; k++) {
                const float xk = xin(static_cast<long>(n) - k);
                w[k] = leak > 0 ? lk * w[k] + g * xk : w[k] + g * xk;
            }
        }
        return y;
    }
};

} // namespace

TEST(PrEqualizer, UpdateEveryOneIsBitExactWithReference)
{
    // update_every = 1 (explicit, and the default) is the every-sample LMS of
    // before: the outputs equal the reference's to the bit, in training
    // (with leakage) and decision-directed mode.
    const size_t n = 20000;
    const auto b = levels(n, 21);
    const auto x = channel(b, 1.0, 1.0, 0.02, 22);
    {
        ref_eq r(PR1221, NT, 0.005, true, DELAY, 1e-3, 1);
        const auto want = r.run(x, b, true);
        pr_equalizer eq(PR1221, NT, 0.005, "train", DELAY, 1e-3, 1);
        pr_equalizer eq_default(PR1221, NT, 0.005, "train", DELAY, 1e-3);
        EXPECT_EQ(eq_default.update_every(), 1);
        const auto y = run(eq, x, &b);
        const auto yd = run(eq_default, x, &b);
        for (size_t i = 0; i < n; i++) {
            ASSERT_EQ(y[i], want[i]) << i;
            ASSERT_EQ(yd[i], want[i]) << i;
        }
        for (int k = 0; k < NT; k++)
            EXPECT_EQ(eq.taps()[k], static_cast<double>(r.w[k])) << k;
    }
    {
        // dd from a start near the target: the target at the centre, scaled
        // for the unit-DC channel (sum h = 6)
        std::vector<double> w0(NT, 0.0);
        for (int j = 0; j < 4; j++)
            w0[5 + j] = PR1221[j];
        ref_eq r(PR1221, NT, 0.002, false, DELAY, 0.0, 1);
        for (int k = 0; k < NT; k++)
            r.w[k] = static_cast<float>(w0[k]);
        const auto want = r.run(x, b, true);
        pr_equalizer eq(PR1221, NT, 0.002, "dd", -1, 0.0, 1, w0);
        EXPECT_EQ(eq.taps(), w0);
        const auto y = run(eq, x, nullptr);
        for (size_t i = 0; i < n; i++)
            ASSERT_EQ(y[i], want[i]) << i;
    }
}

TEST(PrEqualizer, UpdateEveryEightMatchesReference)
{
    // Decimated LMS: the update happens on samples 7, 15, 23, ... only. The
    // kernel sums in another order than the reference (double here), so the
    // outputs agree to float rounding, and both differ from U = 1.
    const size_t n = 20000;
    const auto b = levels(n, 23);
    const auto x = channel(b, 1.0, 1.0, 0.02, 24);
    for (const bool train : { true, false }) {
        ref_eq r(PR1221, NT, 0.005, train, DELAY, train ? 1e-3 : 0.0, 8);
        std::vector<double> w0(NT, 0.0);
        for (int j = 0; j < 4; j++)
            w0[5 + j] = PR1221[j];
        if (!train)
            for (int k = 0; k < NT; k++)
                r.w[k] = static_cast<float>(w0[k]);
        const auto want = r.run(x, b, false);
        pr_equalizer eq(PR1221,
                        NT,
                        0.005,
                        train ? "train" : "dd",
                        DELAY,
                        train ? 1e-3 : 0.0,
                        8,
                        train ? std::vector<double>{} : w0);
        EXPECT_EQ(eq.update_every(), 8);
        const auto y = run(eq, x, train ? &b : nullptr);
        for (size_t i = 0; i < n; i++)
            ASSERT_NEAR(y[i], want[i], 1e-4 * (1.0 + std::fabs(want[i])))
                << train << " " << i;
        for (int k = 0; k < NT; k++)
            EXPECT_NEAR(eq.taps()[k], r.w[k], 1e-4) << k;
        // the taps moved, and not as with an update on every sample
        ref_eq r1(PR1221, NT, 0.005, train, DELAY, train ? 1e-3 : 0.0, 1);
        if (!train)
            for (int k = 0; k < NT; k++)
                r1.w[k] = static_cast<float>(w0[k]);
        r1.run(x, b, false);
        double diff = 0;
        for (int k = 0; k < NT; k++)
            diff = std::max(diff, std::fabs(static_cast<double>(r1.w[k]) - r.w[k]));
        EXPECT_GT(diff, 1e-3);
    }
}

TEST(PrEqualizer, UpdateEveryEightConvergesToWienerMse)
{
    // The channel and bound of TrainingConvergesToWienerMse, updates on every
    // 8th sample only: 8x fewer updates, so 8x the record (1.6M symbols) at
    // the same mu; the excess MSE of LMS, J_min mu tr(R) / 2, is per update
    // and does not change.
    const size_t n = 1600000, from = n - 50000;
    const auto b = levels(n, 1);
    const auto x = channel(b, 1.0, 1.0, 0.02, 2);
    const auto d = reference(b, PR1221, DELAY);
    pr_equalizer eq(PR1221, NT, 0.002, "train", DELAY, 0.0, 8);
    const auto y = run(eq, x, &b);
    const auto wf = wiener(x, d, from, n);
    const double lms = mse(y, d, from, n);
    const double excess = wf.mse * 0.002 * wf.trace / 2;
    std::printf(
        "update_every 8: wiener mse %.3e, lms mse %.3e, excess %.3e, mse() %.3e\n",
        wf.mse,
        lms,
        excess,
        eq.mse());
    EXPECT_LT(lms, 1.2 * wf.mse + excess);
    EXPECT_GE(lms, wf.mse * 0.999);
    EXPECT_NEAR(eq.mse(), lms, 0.5 * lms);
}

TEST(PrEqualizer, UpdateEveryChunkingAndHistoryDoNotMatter)
{
    // The update phase carries across calls: process() in odd pieces and
    // process_history() give the one-call output, in every mode.
    const size_t n = 20000;
    const auto b = levels(n, 25);
    const auto x = channel(b, 1.0, 1.0, 0.02, 26);
    std::vector<float> xh(NT - 1, 0.0f);
    xh.insert(xh.end(), x.begin(), x.end());
    for (const char* mode : { "train", "dd", "frozen" }) {
        pr_equalizer a(PR1221, NT, 0.005, mode, DELAY, 1e-3, 5);
        pr_equalizer c(PR1221, NT, 0.005, mode, DELAY, 1e-3, 5);
        pr_equalizer h(PR1221, NT, 0.005, mode, DELAY, 1e-3, 5);
        const auto ya = run(a, x, &b);
        std::vector<float> yc(n), yh(n);
        size_t i = 0, step = 1;
        while (i < n) {
            const size_t k = std::min(step, n - i);
            c.process(x.data() + i, b.data() + i, yc.data() + i, k);
            h.process_history(xh.data() + i, b.data() + i, yh.data() + i, k);
            i += k;
            step = step * 7 % 503 + 1;
        }
        for (size_t j = 0; j < n; j++) {
            ASSERT_FLOAT_EQ(ya[j], yc[j]) << mode << " " << j;
            ASSERT_FLOAT_EQ(ya[j], yh[j]) << mode << " " << j;
        }
        EXPECT_EQ(a.taps(), c.taps()) << mode;
        EXPECT_EQ(a.taps(), h.taps()) << mode;
    }
}

TEST(PrEqualizer, InitialTapsAndUpdateEveryRejected)
{
    using ecdisc_test::invalid_argument_message;
    const std::vector<double> w0 = { 0, 0, 0, 0, 0, 0, 1, 2, 2, 1, 0, 0, 0, 0, 0 };
    pr_equalizer eq(PR1221, NT, 0.002, "frozen", -1, 0.0, 16, w0);
    EXPECT_EQ(eq.taps(), w0);
    EXPECT_EQ(eq.update_every(), 16);
    // frozen: the FIR of the initial taps
    std::vector<float> x(64);
    for (size_t i = 0; i < x.size(); i++)
        x[i] = static_cast<float>(i % 5) - 2.0f;
    const auto y = run(eq, x, nullptr);
    for (size_t i = 0; i < x.size(); i++) {
        float s = 0;
        for (int k = 0; k < NT; k++)
            s += static_cast<float>(w0[k]) *
                 (i >= static_cast<size_t>(k) ? x[i - k] : 0.0f);
        ASSERT_FLOAT_EQ(y[i], s) << i;
    }
    eq.set_update_every(3);
    EXPECT_EQ(eq.update_every(), 3);
    EXPECT_EQ(invalid_argument_message(
                  [] { pr_equalizer(PR1221, 15, 0.002, "dd", -1, 0.0, 0); }),
              "update_every = 0: must be 1..1024");
    EXPECT_EQ(invalid_argument_message(
                  [] { pr_equalizer(PR1221, 15, 0.002, "dd", -1, 0.0, 1025); }),
              "update_every = 1025: must be 1..1024");
    EXPECT_EQ(invalid_argument_message([&] { eq.set_update_every(-3); }),
              "update_every = -3: must be 1..1024");
    EXPECT_EQ(invalid_argument_message([] {
                  pr_equalizer(PR1221, 15, 0.002, "dd", -1, 0.0, 1, { 1, 2, 3 });
              }),
              "initial_taps = 3 values: must have n_taps values, or none (centre spike)");
    std::vector<double> bad_taps(15, 0.0);
    bad_taps[4] = INFINITY;
    EXPECT_EQ(invalid_argument_message(
                  [&] { pr_equalizer(PR1221, 15, 0.002, "dd", -1, 0.0, 1, bad_taps); }),
              "initial_taps = inf: values must be finite");
}
