/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Servo loop kernel against numbers computed here, independently of the
 * kernel's own design code:
 *  - the controller's frequency response is measured by driving it with a
 *    sinusoidal error and fitting the drive (sin, cos, constant);
 *  - the actuator's discrete response is measured on the test's own model:
 *    the mass-spring ODE integrated by RK4 (64 substeps per update) under a
 *    zero-order-held sinusoidal drive, sampled at the update instants;
 *  - L = slope * C * P and S = 1 / (1 + L) follow from the two.
 */
#include "servo_loop.h"
#include "test_util.h"
#include <gtest/gtest.h>
#include <cmath>
#include <complex>
#include <algorithm>
#include <fstream>
#include <random>
#include <sstream>
#include <vector>

using ecdisc::servo_axis;
using ecdisc::servo_axis_config;
using ecdisc::servo_config;
using ecdisc::servo_loop;
using ecdisc_test::invalid_argument_message;

namespace {

constexpr double kPi = 3.14159265358979323846;
using cplx = std::complex<double>;

servo_config defaults() { return ecdisc::load_servo(""); }

//! complex amplitude of y against exp(j w k) over samples [k0, k0 + n):
//! least squares on sin, cos and a constant
cplx fit_phasor(const std::vector<double>& y, size_t k0, size_t n, double w)
{
    // normal equations of [cos, sin, 1]
    double A[3][3] = {}, b[3] = {};
    for (size_t k = k0; k < k0 + n; k++) {
        const double f[3] = { std::cos(w * k), std::sin(w * k), 1.0 };
        for (int i = 0; i < 3; i++) {
            b[i] += f[i] * y[k];
            for (int j = 0; j < 3; j++)
                A[i][j] += f[i] * f[j];
        }
    }
    // Gaussian elimination
    for (int i = 0; i < 3; i++) {
        for (int r = i + 1; r < 3; r++) {
            const double m = A[r][i] / A[i][i];
            for (int j = i; j < 3; j++)
                A[r][j] -= m * A[i][j];
            b[r] -= m * b[i];
        }
    }
    double x[3];
    for (int i = 2; i >= 0; i--) {
        double s = b[i];
        for (int j = i + 1; j < 3; j++)
            s -= A[i][j] * x[j];
        x[i] = s / A[i][i];
    }
    // y = a cos + b sin = Re((a - j b) exp(j w k))
    return cplx(x[0], -x[1]);
}

//! whole periods of w (rad / update) closest to n samples
size_t whole_periods(double w, size_t n)
{
    const double period = 2 * kPi / w;
    const double m = std::max(1.0, std::round(n / period));
    return static_cast<size_t>(std::round(m * period));
}

//! the controller's response at f, measured through drive() (loop closed,
//! reference 0, error amplitude small enough that nothing clips)
cplx measure_controller(const servo_axis_config& cfg, double fs, double f)
{
    servo_axis ax(cfg, fs);
    ax.close(true);
    const double w = 2 * kPi * f / fs;
    const size_t settle = std::max<size_t>(20000, static_cast<size_t>(20 * fs / f));
    const size_t n = whole_periods(w, std::max<size_t>(20000, static_cast<size_t>(4 * fs / f)));
    const double amp = 1e-4;
    std::vector<double> u(settle + n);
    for (size_t k = 0; k < u.size(); k++)
        u[k] = ax.drive(amp * std::cos(w * k));
    return fit_phasor(u, settle, n, w) / amp;
}

//! the ZOH actuator at f: RK4 on x'' = -2 z w0 x' - w0^2 x + G0 w0^2 u
cplx measure_plant(const servo_axis_config& cfg, double fs, double f)
{
    const double w0 = 2 * kPi * cfg.resonance_hz, z = cfg.damping, G0 = cfg.dc_gain_m_per_v;
    const double T = 1.0 / fs, w = 2 * kPi * f / fs;
    const int sub = 64;
    const double h = T / sub;
    const size_t settle = static_cast<size_t>(12.0 / (z * w0) * fs); // 12 time constants
    const size_t n = whole_periods(w, std::max<size_t>(20000, static_cast<size_t>(4 * fs / f)));
    std::vector<double> x(settle + n);
    double p = 0, v = 0;
    for (size_t k = 0; k < x.size(); k++) {
        x[k] = p; // position at the update instant, before drive k acts
        const double u = std::cos(w * k);
        auto acc = [&](double pp, double vv) { return -2 * z * w0 * vv - w0 * w0 * pp + G0 * w0 * w0 * u; };
        for (int s = 0; s < sub; s++) {
            const double k1p = v, k1v = acc(p, v);
            const double k2p = v + h / 2 * k1v, k2v = acc(p + h / 2 * k1p, v + h / 2 * k1v);
            const double k3p = v + h / 2 * k2v, k3v = acc(p + h / 2 * k2p, v + h / 2 * k2v);
            const double k4p = v + h * k3v, k4v = acc(p + h * k3p, v + h * k3v);
            p += h / 6 * (k1p + 2 * k2p + 2 * k3p + k4p);
            v += h / 6 * (k1v + 2 * k2v + 2 * k3v + k4v);
        }
    }
    return fit_phasor(x, settle, n, w);
}

cplx measured_open_loop(const servo_axis_config& cfg, double fs, double f)
{
    return cfg.slope_per_m * measure_controller(cfg, fs, f) * measure_plant(cfg, fs, f);
}

void check_design(const servo_axis_config& cfg, double fs)
{
    const cplx L = measured_open_loop(cfg, fs, cfg.crossover_hz);
    EXPECT_NEAR(std::abs(L), 1.0, 0.05) << cfg.name;
    const double pm = 180.0 + std::arg(L) * 180.0 / kPi;
    EXPECT_NEAR(pm, cfg.phase_margin_deg, 5.0) << cfg.name;
}

//! amplitude of the closed-loop error under a pure sinusoidal disturbance
double closed_loop_residual(const servo_axis_config& cfg, double fs, double f, double amp)
{
    servo_axis ax(cfg, fs);
    ecdisc::servo_disturbance_config d;
    d.amplitude_m = amp;
    const double w = 2 * kPi * f / fs;
    const size_t n = whole_periods(w, std::max<size_t>(20000, static_cast<size_t>(3 * fs / f)));
    const auto e = servo_loop::simulate(ax, d, f, 0.25, n, 1);
    return std::abs(fit_phasor(e, 0, n, w));
}

} // namespace

TEST(ServoLoop, DefaultFileIsTheBuiltInDefault)
{
    std::ifstream f(std::string(ECDISC_SOURCE_DIR) + "/media/servo_default.yml");
    ASSERT_TRUE(f.good());
    std::stringstream s;
    s << f.rdbuf();
    EXPECT_EQ(s.str(), ecdisc::servo_default_yaml());
    const auto c = defaults();
    EXPECT_EQ(c.name, "servo-default");
    EXPECT_EQ(c.update_rate_hz, 100e3);
    EXPECT_EQ(c.focus.crossover_hz, 2500);
    EXPECT_EQ(c.tracking.crossover_hz, 3000);
    EXPECT_EQ(c.tracking.jump_step_m, 0.32e-6);
    EXPECT_EQ(c.focus.disturbance.harmonics.size(), 2u);
}

TEST(ServoLoop, DesignedCrossoverAndPhaseMarginDefault)
{
    const auto c = defaults();
    check_design(c.focus, c.update_rate_hz);
    check_design(c.tracking, c.update_rate_hz);
}

TEST(ServoLoop, DesignedCrossoverAndPhaseMarginOtherSettings)
{
    auto c = defaults();
    c.focus.crossover_hz = 1500;
    c.focus.phase_margin_deg = 35;
    c.focus.delay_updates = 0;
    c.focus.integrator_ratio = 4;
    check_design(c.focus, 50e3);
    c.tracking.crossover_hz = 5000;
    c.tracking.phase_margin_deg = 50;
    c.tracking.delay_updates = 2;
    c.tracking.resonance_hz = 30;
    c.tracking.damping = 0.05;
    check_design(c.tracking, 200e3);
}

TEST(ServoLoop, ResidualIsSensitivityTimesDisturbance)
{
    const auto c = defaults();
    struct item {
        const servo_axis_config* cfg;
        double f, amp;
    };
    // the rotation frequency (|S| ~ 1e-4) and two frequencies where S
    // is larger (inside the loop's bandwidth and near its sensitivity peak)
    for (const item& it : { item{ &c.focus, c.rotation_hz, 100e-6 },
                            item{ &c.focus, 400.0, 1e-6 },
                            item{ &c.tracking, c.rotation_hz, 50e-6 },
                            item{ &c.tracking, 4000.0, 20e-9 } }) {
        const cplx L = measured_open_loop(*it.cfg, c.update_rate_hz, it.f);
        const double expect = std::abs(1.0 / (1.0 + L)) * it.amp;
        const double got = closed_loop_residual(*it.cfg, c.update_rate_hz, it.f, it.amp);
        EXPECT_NEAR(got / expect, 1.0, 0.10) << it.cfg->name << " at " << it.f << " Hz: "
                                            << got << " m vs |S| A = " << expect << " m";
    }
}

TEST(ServoLoop, DefaultDisturbancesWithinBudget)
{
    // Budgets: focus rms < 5% of the depth of focus lambda / (2 NA^2)
    // (405 nm, NA 0.85: 280 nm, so < 14 nm: the defocus then costs a
    // negligible fraction of the read signal); tracking rms < 3% of the
    // 320 nm track pitch (< 9.6 nm: crosstalk from the neighbouring tracks
    // stays negligible). Two revolutions after 0.1 s of settling, with the
    // run-out / eccentricity, their harmonics and the detector noise.
    const auto c = defaults();
    const double dof = 405e-9 / (2 * 0.85 * 0.85);
    const size_t n = static_cast<size_t>(2 * c.update_rate_hz / c.rotation_hz);
    servo_loop loop(c);
    auto rms = [](const std::vector<double>& e) {
        double s = 0;
        for (double v : e)
            s += v * v;
        return std::sqrt(s / e.size());
    };
    const double fe = rms(servo_loop::simulate(
        loop.focus(), c.focus.disturbance, c.rotation_hz, 0.1, n, 7));
    const double te = rms(servo_loop::simulate(
        loop.tracking(), c.tracking.disturbance, c.rotation_hz, 0.1, n, 8));
    EXPECT_LT(fe, 0.05 * dof);
    EXPECT_LT(te, 0.03 * 0.32e-6);
    // the error without the loop is the disturbance itself: rms = A / sqrt 2
    EXPECT_GT(c.focus.disturbance.amplitude_m / std::sqrt(2.0), 1000 * fe);
    EXPECT_TRUE(loop.focus().locked());
    EXPECT_TRUE(loop.tracking().locked());
}

namespace {
struct jump_run {
    std::vector<double> e; // true error per update
    std::vector<double> r;
    std::vector<bool> locked;
};

//! closed loop on the default disturbance; jump(n) (or jump_m) at update k_jump
jump_run run_jump(servo_axis& ax,
                  const ecdisc::servo_disturbance_config& dist,
                  double f_rot,
                  size_t k_jump,
                  size_t n,
                  int steps,
                  double metres = 0)
{
    const double T = 1.0 / ax.update_rate_hz();
    // start on the disturbance like simulate() does, via a short simulate()
    ecdisc::servo_disturbance_config quiet = dist;
    quiet.noise_rms_m = 0;
    jump_run out;
    servo_loop::simulate(ax, quiet, f_rot, 0.0, 0, 1);
    for (size_t k = 0; k < n; k++) {
        if (k == k_jump) {
            if (metres != 0)
                ax.jump_m(metres);
            else
                ax.jump(steps);
        }
        const double d = ecdisc::servo_disturbance(quiet, f_rot, k * T);
        const double e = d + ax.reference_m() - ax.position_m();
        out.e.push_back(e);
        out.r.push_back(ax.reference_m());
        ax.update(e);
        out.locked.push_back(ax.locked());
    }
    return out;
}
} // namespace

TEST(ServoLoop, TrackJumpSettlesWithinOneMillisecond)
{
    // one track outwards while the eccentricity moves the track; within
    // jump time (0.3 ms) + 1 ms the error is inside the lock window
    // (20 nm) and stays there; the lens is then one pitch further out
    const auto c = defaults();
    servo_loop loop(c);
    auto& ax = loop.tracking();
    const double fs = c.update_rate_hz;
    const size_t k_jump = 20000;
    const auto run = run_jump(ax, c.tracking.disturbance, c.rotation_hz, k_jump, 30000, 1);
    ASSERT_TRUE(run.locked[k_jump - 1]);
    EXPECT_FALSE(run.locked[k_jump]);
    const size_t k_settled = k_jump + static_cast<size_t>((0.3e-3 + 1e-3) * fs);
    double worst_after = 0, worst_during = 0;
    for (size_t k = k_jump; k < run.e.size(); k++) {
        if (k >= k_settled)
            worst_after = std::max(worst_after, std::fabs(run.e[k]));
        else
            worst_during = std::max(worst_during, std::fabs(run.e[k]));
    }
    EXPECT_LT(worst_after, c.tracking.lock_window_m);
    // the kick and brake keep the spot inside the push-pull's linear range
    EXPECT_LT(worst_during, c.tracking.linear_range_m);
    EXPECT_DOUBLE_EQ(run.r.back(), 0.32e-6);
    EXPECT_TRUE(run.locked.back());
    // the reference is a raised cosine: half way at half the jump time
    EXPECT_NEAR(run.r[k_jump + 15], 0.16e-6, 1e-12);
    // two tracks inwards
    const auto back = run_jump(ax, c.tracking.disturbance, c.rotation_hz, 100, 2000, -2);
    EXPECT_DOUBLE_EQ(back.r.back(), -0.64e-6);
    EXPECT_LT(std::fabs(back.e.back()), c.tracking.lock_window_m);
}

TEST(ServoLoop, TrackJumpWithAMismatchedActuator)
{
    // The controller (drive()) against the test's own actuator, 30% more
    // sensitive and with its resonance 20% higher than the model the
    // feedforward inverts (RK4, 16 substeps per update), no disturbance:
    // the jump's kick and brake no longer cancel exactly, the feedback
    // takes over; within the jump time + 1 ms the error is inside the
    // lock window and it stayed inside the push-pull's linear range.
    const auto c = defaults();
    servo_loop loop(c);
    auto& ax = loop.tracking();
    const double fs = c.update_rate_hz, T = 1 / fs;
    const double w0 = 1.2 * 2 * kPi * c.tracking.resonance_hz, z = c.tracking.damping;
    const double G0 = 1.3 * c.tracking.dc_gain_m_per_v;
    const double slope = c.tracking.slope_per_m, lin = c.tracking.linear_range_m;
    double p = 0, v = 0;
    ax.close(true);
    const size_t k_jump = 1000, k_settled = k_jump + static_cast<size_t>(1.3e-3 * fs);
    double worst_during = 0, worst_after = 0, worst_uncorrected = 0;
    for (size_t k = 0; k < k_jump + 3000; k++) {
        if (k == k_jump)
            ax.jump(1);
        const double e = ax.reference_m() - p;
        if (k >= k_settled)
            worst_after = std::max(worst_after, std::fabs(e));
        else if (k >= k_jump)
            worst_during = std::max(worst_during, std::fabs(e));
        const double u = ax.drive(slope * std::clamp(e, -lin, lin));
        auto acc = [&](double pp, double vv) { return -2 * z * w0 * vv - w0 * w0 * pp + G0 * w0 * w0 * u; };
        const int sub = 16;
        const double h = T / sub;
        for (int s = 0; s < sub; s++) {
            const double k1p = v, k1v = acc(p, v);
            const double k2p = v + h / 2 * k1v, k2v = acc(p + h / 2 * k1p, v + h / 2 * k1v);
            const double k3p = v + h / 2 * k2v, k3v = acc(p + h / 2 * k2p, v + h / 2 * k2v);
            const double k4p = v + h * k3v, k4v = acc(p + h * k3p, v + h * k3v);
            p += h / 6 * (k1p + 2 * k2p + 2 * k3p + k4p);
            v += h / 6 * (k1v + 2 * k2v + 2 * k3v + k4v);
        }
        // the kernel's reference moves on with its own update
        ax.actuator_step(u);
        worst_uncorrected = std::max(worst_uncorrected, std::fabs(ax.position_m() - p));
    }
    EXPECT_LT(worst_after, c.tracking.lock_window_m);
    EXPECT_LT(worst_during, lin);
    // the mismatch was real: the model and the test's actuator differ by
    // more than the lock window somewhere during the jump
    EXPECT_GT(worst_uncorrected, c.tracking.lock_window_m);
}

TEST(ServoLoop, LayerJumpSettlesOnTheNewLayer)
{
    // one nominal layer (16 um) deeper in 1 ms, and an exact 13 um jump
    // back up: within jump time + 2 ms the focus error is inside the lock
    // window (0.1 um) and never leaves the FES linear range (0.5 um)
    const auto c = defaults();
    servo_loop loop(c);
    auto& ax = loop.focus();
    const double fs = c.update_rate_hz;
    for (double metres : { 0.0, -13e-6 }) {
        const size_t k_jump = 10000;
        const auto run =
            run_jump(ax, c.focus.disturbance, c.rotation_hz, k_jump, 15000, 1, metres);
        const size_t k_settled = k_jump + static_cast<size_t>(3e-3 * fs);
        double worst_after = 0, worst = 0;
        for (size_t k = k_jump; k < run.e.size(); k++) {
            worst = std::max(worst, std::fabs(run.e[k]));
            if (k >= k_settled)
                worst_after = std::max(worst_after, std::fabs(run.e[k]));
        }
        EXPECT_LT(worst_after, c.focus.lock_window_m) << metres;
        EXPECT_LT(worst, c.focus.linear_range_m) << metres;
        EXPECT_DOUBLE_EQ(run.r.back(), metres != 0 ? metres : 16e-6);
        EXPECT_TRUE(run.locked.back());
    }
}

TEST(ServoLoop, FocusSearchSweepsLinearly)
{
    // loop open, lens at rest: the sweep goes down to -100 um, then up to
    // +100 um at 2 mm/s; between the corners the lens position is a
    // straight line of slope +2 mm/s
    const auto c = defaults();
    servo_loop loop(c);
    loop.close(true);
    loop.focus_search(true);
    EXPECT_TRUE(loop.focus().searching());
    EXPECT_FALSE(loop.focus().closed());
    EXPECT_FALSE(loop.tracking().closed());
    const double fs = c.update_rate_hz, T = 1 / fs;
    const double half = c.focus.search_range_m / 2, v = c.focus.search_speed_m_s;
    // down (50 ms) + corner + up (100 ms) + a little
    const size_t n = static_cast<size_t>(0.17 * fs);
    std::vector<double> x(n);
    for (size_t k = 0; k < n; k++)
        x[k] = loop.focus().update(0.0);
    const double lo = *std::min_element(x.begin(), x.end());
    const double hi = *std::max_element(x.begin(), x.end());
    EXPECT_NEAR(lo, -half, 0.02 * half);
    EXPECT_NEAR(hi, half, 0.02 * half);
    // the upward pass from -80 um to +80 um: least-squares line
    const size_t k_lo = std::min_element(x.begin(), x.end()) - x.begin();
    std::vector<size_t> ks;
    for (size_t k = k_lo; k < n && x[k] < 0.8 * half; k++)
        if (x[k] > -0.8 * half)
            ks.push_back(k);
    ASSERT_GT(ks.size(), 1000u);
    double st = 0, sx = 0, stt = 0, stx = 0;
    for (size_t k : ks) {
        const double t = k * T;
        st += t;
        sx += x[k];
        stt += t * t;
        stx += t * x[k];
    }
    const double m = static_cast<double>(ks.size());
    const double slope = (m * stx - st * sx) / (m * stt - st * st);
    const double icpt = (sx - slope * st) / m;
    EXPECT_NEAR(slope, v, 0.01 * v);
    double dev = 0;
    for (size_t k : ks)
        dev = std::max(dev, std::fabs(x[k] - (icpt + slope * k * T)));
    EXPECT_LT(dev, 0.1e-6); // well below the layer spacing and the S-curve width
    loop.focus_search(false);
    EXPECT_FALSE(loop.focus().searching());
    EXPECT_EQ(loop.focus().last_drive_v(), 0.0);
}

TEST(ServoLoop, FocusSearchFindsLayersAndCloses)
{
    // Three layers at 20, 33 and 52 um from the lens rest position (unequal
    // spacers), a still disc. The test's own S-curve: the FES of the
    // nearest layer, linear (slope) within +-0.5 um, saturated to 1 um,
    // zero beyond. The search records the lens position at every zero
    // crossing of a present S-curve on its upward pass; those are the
    // layers. Then, on the next upward pass, the loop closes on the middle
    // layer at its zero crossing and must lock there.
    const auto c = defaults();
    servo_loop loop(c);
    auto& ax = loop.focus();
    const double lin = c.focus.linear_range_m, slope = c.focus.slope_per_m;
    const std::vector<double> layers = { 20e-6, 33e-6, 52e-6 };
    auto nearest = [&](double x) {
        double best = layers[0];
        for (double z : layers)
            if (std::fabs(z - x) < std::fabs(best - x))
                best = z;
        return best;
    };
    auto fes = [&](double e) {
        if (std::fabs(e) > 2 * lin)
            return 0.0;
        return slope * std::clamp(e, -lin, lin);
    };
    loop.focus_search(true);
    std::vector<double> found;
    double prev_e = 0, prev_x = ax.position_m();
    bool up = false;
    // down 50 ms, up 100 ms, down 100 ms, up to the middle layer 67 ms
    const size_t n = static_cast<size_t>(0.4 * c.update_rate_hz);
    int passes = 0;
    bool closed = false;
    size_t k_closed = 0;
    for (size_t k = 0; k < n && !closed; k++) {
        const double x = ax.position_m();
        const double e = nearest(x) - x;
        if (x > prev_x && !up) {
            up = true;
            passes++;
        } else if (x < prev_x) {
            up = false;
        }
        const bool present = fes(e) != 0 && fes(prev_e) != 0;
        if (up && present && prev_e > 0 && e <= 0) {
            if (passes == 1)
                found.push_back(x);
            else if (std::fabs(nearest(x) - 33e-6) < 1e-9) {
                ax.close(true);
                closed = true;
                k_closed = k;
            }
        }
        ax.update_normalised(fes(e));
        prev_e = e;
        prev_x = x;
    }
    ASSERT_EQ(found.size(), layers.size());
    for (size_t i = 0; i < layers.size(); i++)
        EXPECT_NEAR(found[i], layers[i], 0.05e-6) << i;
    ASSERT_TRUE(closed);
    // closed on the middle layer: the target is that layer (reference 0)
    const size_t settle = static_cast<size_t>(5e-3 * c.update_rate_hz);
    double worst = 0;
    for (size_t k = 0; k < 2 * settle; k++) {
        const double e = 33e-6 + ax.reference_m() - ax.position_m();
        if (k >= settle)
            worst = std::max(worst, std::fabs(e));
        ax.update_normalised(fes(e));
    }
    EXPECT_LT(worst, 1e-9);
    EXPECT_TRUE(ax.locked());
    EXPECT_EQ(passes, 2);
    EXPECT_GT(k_closed, static_cast<size_t>(0.3 * c.update_rate_hz));
}

TEST(ServoLoop, FindLayersInASearchRecord)
{
    // A synthetic search record: the lens from -100 um to +100 um in
    // 20000 samples (10 nm apart), the FES the sum of one S-curve per
    // layer, s(e) = A 2 e zp / (zp^2 + e^2) (extremes +-A at e = +-zp,
    // zp = 0.8 um), layers at 20, 33, 52 um with A = 1, 0.6, 0.8, a ghost
    // (A = 0.1) at -40 um and noise of 0.02 rms. The expected zero
    // crossings are the roots of the summed model near each layer (the
    // neighbours' tails shift them), found here by bisection.
    const std::vector<double> z = { 20e-6, 33e-6, 52e-6, -40e-6 };
    const std::vector<double> amp = { 1.0, 0.6, 0.8, 0.1 };
    const double zp = 0.8e-6;
    auto model = [&](double x) {
        double f = 0;
        for (size_t i = 0; i < z.size(); i++) {
            const double e = z[i] - x;
            f += amp[i] * 2 * e * zp / (zp * zp + e * e);
        }
        return f;
    };
    std::mt19937_64 rng(3);
    std::normal_distribution<double> noise(0.0, 0.02);
    std::vector<double> x, f;
    for (int i = 0; i <= 20000; i++) {
        x.push_back(-100e-6 + i * 10e-9);
        f.push_back(model(x.back()) + noise(rng));
    }
    for (int reversed = 0; reversed < 2; reversed++) {
        if (reversed) {
            std::reverse(x.begin(), x.end());
            std::reverse(f.begin(), f.end());
        }
        const auto found = ecdisc::servo_find_layers(x, f, 0.3, 2e-6);
        ASSERT_EQ(found.size(), 3u) << reversed;
        for (size_t i = 0; i < 3; i++) {
            double lo = z[i] - zp / 2, hi = z[i] + zp / 2; // model(lo) > 0 > model(hi)
            for (int it = 0; it < 60; it++) {
                const double mid = (lo + hi) / 2;
                (model(mid) > 0 ? lo : hi) = mid;
            }
            EXPECT_NEAR(found[i].position_m, lo, 15e-9) << i;
            EXPECT_NEAR(found[i].peak_to_peak, 2 * amp[i], 0.15 * amp[i] + 0.05) << i;
        }
    }
    EXPECT_EQ(invalid_argument_message([&] { ecdisc::servo_find_layers(x, f, 0.0, 2e-6); }),
              "min_peak = 0: must be > 0");
}

TEST(ServoLoop, OpenLoopAndJumpRules)
{
    const auto c = defaults();
    servo_loop loop(c);
    EXPECT_FALSE(loop.focus().closed());
    EXPECT_THROW(loop.track_jump(1), std::logic_error);
    for (int k = 0; k < 1000; k++)
        loop.tracking().update(0.0);
    EXPECT_FALSE(loop.tracking().locked()); // open: never locked
    EXPECT_EQ(loop.tracking().last_drive_v(), 0.0);
    EXPECT_THROW(loop.tracking().search(true), std::logic_error);
    loop.close(true);
    for (int k = 0; k < c.tracking.lock_updates - 1; k++)
        loop.tracking().update(0.0);
    EXPECT_FALSE(loop.tracking().locked());
    loop.tracking().update(0.0);
    EXPECT_TRUE(loop.tracking().locked());
    loop.tracking().update(2 * c.tracking.lock_window_m);
    EXPECT_FALSE(loop.tracking().locked());
    EXPECT_EQ(ecdisc::servo_update_samples(10e6, 100e3), 100);
    EXPECT_EQ(ecdisc::servo_update_samples(50e3, 100e3), 1);
}

TEST(ServoLoop, YamlErrorsNameFileKeyAndValue)
{
    const std::string good = ecdisc::servo_default_yaml();
    auto with = [&](const std::string& from, const std::string& to) {
        std::string s = good;
        const auto p = s.find(from);
        EXPECT_NE(p, std::string::npos) << from;
        return s.replace(p, from.size(), to);
    };
    auto msg = [&](const std::string& text) {
        return invalid_argument_message([&] { ecdisc::parse_servo_yaml(text, "bad.yml"); });
    };
    EXPECT_EQ(msg(with("damping: 0.15, dc_gain_m_per_v: 1.0e-3", "damping: -1, dc_gain_m_per_v: 1.0e-3")),
              "bad.yml: focus.actuator.damping = -1: must be in (0, 2]");
    EXPECT_EQ(msg(with("crossover_hz: 3000", "crossover_hz: fast")),
              "bad.yml: tracking.crossover_hz = fast: must be a number in (0, 50000]");
    EXPECT_NE(msg(with("lock: {window_m: 0.1e-6, updates: 100}",
                       "lock: {window_m: 0.1e-6, updates: 100, colour: red}"))
                  .find("bad.yml: focus.lock.colour: unknown key"),
              std::string::npos);
    EXPECT_EQ(msg(with("crossover_hz: 3000", "crossover_hz: 40000")),
              "bad.yml: tracking.crossover_hz = 40000: must be at most update_rate_hz / 4 (25000)");
    // 80 deg of margin with the delay and the ZOH: more lead than allowed
    const std::string pm = msg(with("phase_margin_deg: 45\n  integrator_ratio: 8       #",
                                    "phase_margin_deg: 80\n  integrator_ratio: 8       #"));
    EXPECT_EQ(pm.rfind("bad.yml: focus.phase_margin_deg = 80: needs", 0), 0u) << pm;
    EXPECT_NE(msg(with("  search: {range_m: 200e-6, speed_m_s: 2.0e-3, corner_time_s: 5.0e-3}\n", ""))
                  .find("bad.yml: focus.search: missing"),
              std::string::npos);
    EXPECT_EQ(msg(with("harmonics: [{order: 2, amplitude_m: 2e-6", "harmonics: [{order: 1, amplitude_m: 2e-6")),
              "bad.yml: tracking.disturbance.harmonics[0].order = 1: must be in 2..100");
    EXPECT_EQ(invalid_argument_message([] { ecdisc::load_servo("/nonexistent/servo.yml"); }),
              "servo_file = /nonexistent/servo.yml: cannot be opened");
}
