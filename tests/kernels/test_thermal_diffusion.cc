/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Heat conduction around a moving source (lib/thermal_diffusion.h), checked
 * against closed forms and against an independent formulation: the
 * superposition in time of instantaneous sources (Green's function of the
 * heat equation), which the kernel does not use.
 */
#include "test_util.h"
#include "thermal_diffusion.h"
#include <gtest/gtest.h>
#include <cmath>
#include <cstdio>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

using namespace ecdisc;
using ecdisc_test::invalid_argument_message;

namespace {

const double pi = 3.14159265358979323846;
const double k_pc = 0.20;        // W/m/K, polycarbonate
const double alpha_pc = 1.44e-7; // m^2/s, polycarbonate
const double v_1x = 4.92;        // m/s

thermal_medium medium(double v)
{
    thermal_medium m;
    m.conductivity_w_mk = k_pc;
    m.diffusivity_m2_s = alpha_pc;
    m.velocity_m_s = v;
    return m;
}

// Composite Simpson of g(w) over [w0, w1] with n (even) intervals.
double simpson(const std::function<double(double)>& g, double w0, double w1, int n)
{
    const double h = (w1 - w0) / n;
    double s = g(w0) + g(w1);
    for (int i = 1; i < n; ++i)
        s += g(w0 + i * h) * (i % 2 ? 4 : 2);
    return s * h / 3;
}

/* Reference: a source moving at v along +x releases P dt at x = -v t (t
 * ago, relative to its present position); each release spreads as the
 * heat kernel of variance 2 alpha t per axis (rho c = k/alpha):
 *   point:    T = int_0^inf P alpha/k (4 pi alpha t)^(-3/2)
 *                 exp(-((x + v t)^2 + y^2 + z^2)/(4 alpha t)) dt
 *   Gaussian (rms s, plane z = 0; Cline & Anthony, J. Appl. Phys. 48,
 *   3895 (1977)): the in-plane kernel has variance s^2 + 2 alpha t:
 *            T = int_0^inf P alpha/k exp(-((x + v t)^2 + y^2)/(2 (s^2 + 2 alpha t)))
 *                 / (2 pi (s^2 + 2 alpha t)) exp(-z^2/(4 alpha t)) / sqrt(4 pi alpha t)
 * dt integrated in w = ln t (dt = t dw) from t = 1e-18 s to 1e-2 s. */
double point_by_time_integral(double p, double x, double y, double z, double v)
{
    auto g = [&](double w) {
        const double t = std::exp(w);
        const double s2 = 4 * alpha_pc * t;
        return t * p * alpha_pc / k_pc * std::pow(pi * s2, -1.5) *
               std::exp(-((x + v * t) * (x + v * t) + y * y + z * z) / s2);
    };
    return simpson(g, std::log(1e-18), std::log(1e-2), 200000);
}

double
gaussian_by_time_integral(double p, double sig, double x, double y, double z, double v)
{
    auto g = [&](double w) {
        const double t = std::exp(w);
        const double var = sig * sig + 2 * alpha_pc * t;
        return t * p * alpha_pc / k_pc *
               std::exp(-((x + v * t) * (x + v * t) + y * y) / (2 * var)) /
               (2 * pi * var) * std::exp(-z * z / (4 * alpha_pc * t)) /
               std::sqrt(4 * pi * alpha_pc * t);
    };
    return simpson(g, std::log(1e-18), std::log(1e-2), 200000);
}

// n-point Gauss-Legendre nodes and weights on [a, b] (Newton on P_n)
void gauss_legendre(
    int n, double a, double b, std::vector<double>& x, std::vector<double>& w)
{
    for (int i = 0; i < n; ++i) {
        double t = std::cos(pi * (i + 0.75) / (n + 0.5)), dp = 0;
        for (int it = 0; it < 100; ++it) {
            double p0 = 1, p1 = t;
            for (int k = 2; k <= n; ++k) {
                const double p2 = ((2 * k - 1) * t * p1 - (k - 1) * p0) / k;
                p0 = p1;
                p1 = p2;
            }
            dp = n * (t * p1 - p0) / (t * t - 1);
            const double dt = p1 / dp;
            t -= dt;
            if (std::abs(dt) < 1e-15)
                break;
        }
        x.push_back(0.5 * (a + b) + 0.5 * (b - a) * t);
        w.push_back((b - a) / ((1 - t * t) * dp * dp));
    }
}

} // namespace

// v -> 0: the Coulomb-like P/(4 pi k R) of a point source in an infinite medium.
TEST(ThermalDiffusion, StationaryPointSourceIsOneOverR)
{
    for (double v : { 0.0, 1e-12 })
        for (auto pt : std::vector<std::vector<double>>{ { 1e-6, 0, 0 },
                                                         { -1e-6, 0, 0 },
                                                         { 0, 2e-6, -3e-6 },
                                                         { 5e-6, 1e-6, 13e-6 } }) {
            const double r = std::sqrt(pt[0] * pt[0] + pt[1] * pt[1] + pt[2] * pt[2]);
            const double expect = 1e-3 / (4 * pi * k_pc * r);
            EXPECT_NEAR(moving_point_rise(1e-3, pt[0], pt[1], pt[2], medium(v)),
                        expect,
                        1e-9 * expect);
        }
}

// Rosenthal's moving point source equals the superposition in time of
// instantaneous point sources along its path (ahead, behind, beside, deep).
TEST(ThermalDiffusion, MovingPointSourceMatchesTimeSuperposition)
{
    const auto m = medium(v_1x);
    for (auto pt : std::vector<std::vector<double>>{ { 0.2e-6, 0, 0 },
                                                     { -0.2e-6, 0, 0 },
                                                     { 0, 0.1e-6, 0.05e-6 },
                                                     { -1e-6, 0.1e-6, 0.3e-6 },
                                                     { 0.05e-6, 0, 0.2e-6 },
                                                     { -20e-6, 0, 3e-6 } }) {
        const double ref = point_by_time_integral(1e-3, pt[0], pt[1], pt[2], v_1x);
        EXPECT_NEAR(moving_point_rise(1e-3, pt[0], pt[1], pt[2], m), ref, 1e-5 * ref)
            << pt[0] << " " << pt[1] << " " << pt[2];
    }
    // a few hand values: straight behind exp(0) = 1, straight ahead exp(-v R/alpha)
    const double r = 0.1e-6;
    EXPECT_NEAR(moving_point_rise(1e-3, -r, 0, 0, m), 1e-3 / (4 * pi * k_pc * r), 1e-9);
    EXPECT_NEAR(moving_point_rise(1e-3, r, 0, 0, m),
                1e-3 / (4 * pi * k_pc * r) * std::exp(-v_1x * r / alpha_pc),
                1e-9);
}

// An adiabatic plane by an image source: on the plane itself the rise is
// twice the infinite-medium one (the normal gradient vanishes there).
TEST(ThermalDiffusion, InsulatedPlaneDoublesTheRiseOnThePlane)
{
    auto m = medium(v_1x);
    const double zb = 2e-6;
    const double free_rise = moving_point_rise(1e-3, -3e-6, 0.5e-6, zb, m);
    m.insulated_plane_z_m = zb;
    EXPECT_NEAR(moving_point_rise(1e-3, -3e-6, 0.5e-6, zb, m), 2 * free_rise, 1e-12);
    planar_source g;
    g.power_w = 1e-3;
    g.radius_m = 0.1e-6;
    const double with_plane = planar_source_rise(g, -3e-6, 0.5e-6, zb, m);
    m.insulated_plane_z_m = std::numeric_limits<double>::quiet_NaN();
    EXPECT_NEAR(
        with_plane, 2 * planar_source_rise(g, -3e-6, 0.5e-6, zb, m), 1e-5 * with_plane);
}

/* Stationary sources, closed forms. Gaussian of rms s in the plane z = 0,
 * on its axis at height z (polar coordinates about the axis):
 *   T = int_0^inf P/(2 pi s^2) exp(-r^2/(2 s^2)) / (4 pi k sqrt(r^2 + z^2)) 2 pi r dr
 *     = P/(4 pi k s^2) int_z^inf exp(-(R^2 - z^2)/(2 s^2)) dR        (R dR = r dr)
 *     = P/(4 pi k s^2) s sqrt(pi/2) exp(z^2/(2 s^2)) erfc(z/(s sqrt 2)),
 * at the centre (z = 0): T = P/(4 sqrt(2 pi) k s).
 * Uniform disc of radius a:
 *   T = P/(pi a^2) / (4 pi k) 2 pi int_0^a r dr / sqrt(r^2 + z^2)
 *     = P (sqrt(a^2 + z^2) - |z|) / (2 pi k a^2),   centre: P/(2 pi k a). */
TEST(ThermalDiffusion, StationarySourcesMatchClosedForms)
{
    const auto m = medium(0);
    planar_source g;
    g.power_w = 1e-3;
    g.radius_m = 0.1e-6;
    const double centre = 1e-3 / (4 * std::sqrt(2 * pi) * k_pc * g.radius_m);
    EXPECT_NEAR(planar_source_rise(g, 0, 0, 0, m), centre, 1e-5 * centre);
    for (double z : { 0.05e-6, 0.3e-6, 2e-6 }) {
        const double s = g.radius_m;
        const double expect = 1e-3 / (4 * pi * k_pc * s) * std::sqrt(pi / 2) *
                              std::exp(z * z / (2 * s * s)) *
                              std::erfc(z / (s * std::sqrt(2.0)));
        EXPECT_NEAR(planar_source_rise(g, 0, 0, z, m), expect, 1e-5 * expect) << z;
    }
    planar_source d;
    d.shape = source_shape::disc;
    d.power_w = 1e-3;
    d.radius_m = 8e-6;
    d.z0_m = 1e-6;
    const double a = d.radius_m;
    EXPECT_NEAR(planar_source_rise(d, 0, 0, 1e-6, m), 1e-3 / (2 * pi * k_pc * a), 1e-5);
    for (double z : { 0.5e-6, 13e-6 }) {
        const double expect =
            1e-3 * (std::sqrt(a * a + z * z) - z) / (2 * pi * k_pc * a * a);
        EXPECT_NEAR(planar_source_rise(d, 0, 0, 1e-6 + z, m), expect, 1e-5 * expect) << z;
    }
    // far from a small source: a point source plus its quadrupole term; in
    // the plane at distance D along x, <1/|D - r'|> = (1/D)(1 + (2<x'^2> -
    // <y'^2>)/(2 D^2)) = (1/D)(1 + s^2/(2 D^2)) for the Gaussian
    const double far = 20e-6, s = g.radius_m;
    const double point = 1e-3 / (4 * pi * k_pc * far) * (1 + s * s / (2 * far * far));
    EXPECT_NEAR(planar_source_rise(g, far, 0, 0, m), point, 2e-7 * point);
}

// A moving Gaussian spot (Pe = v s/(2 alpha) ~ 1.7): the spatial integral
// of Rosenthal's kernel equals the time superposition of Gaussians.
TEST(ThermalDiffusion, MovingGaussianMatchesTimeSuperposition)
{
    const auto m = medium(v_1x);
    planar_source g;
    g.power_w = 1e-3;
    g.radius_m = 0.1e-6;
    for (auto pt : std::vector<std::vector<double>>{ { 0, 0, 0 },
                                                     { -0.15e-6, 0, 0 },
                                                     { 0.2e-6, 0.05e-6, 0 },
                                                     { -0.5e-6, 0.3e-6, 0 },
                                                     { -2e-6, 0, 1e-6 },
                                                     { 0, 0, 0.3e-6 } }) {
        const double ref =
            gaussian_by_time_integral(1e-3, g.radius_m, pt[0], pt[1], pt[2], v_1x);
        EXPECT_NEAR(planar_source_rise(g, pt[0], pt[1], pt[2], m), ref, 2e-4 * ref)
            << pt[0] << " " << pt[1] << " " << pt[2];
    }
}

// Fixed grids: halving the panels (6 -> 3 per dimension, 15-point rules)
// in both polar dimensions changes the rise by < 0.1 %, and the adaptive
// default agrees with the fine grid to 1e-4, for the near field of a Gaussian and
// of a disc (inside it, at its trailing edge, just behind it) and the far
// field of a small spot at depth.
TEST(ThermalDiffusion, DistributedIntegralConverges)
{
    const auto m = medium(v_1x);
    planar_source g;
    g.power_w = 1e-3;
    g.radius_m = 0.089e-6;
    planar_source d;
    d.shape = source_shape::disc;
    d.power_w = 1e-3;
    d.radius_m = 8e-6;
    struct probe {
        const planar_source* s;
        double x, y, z;
    };
    const std::vector<probe> probes{
        { &g, 0, 0, 0 },        { &g, -0.2e-6, 0.1e-6, 0 }, { &g, -1.4e-3, 0, 13e-6 },
        { &d, 0, 0, 0 },        { &d, -7.9e-6, 0, 0 },      { &d, -9e-6, 1e-6, 0 },
        { &d, 3e-6, 7.5e-6, 0 }
    };
    for (const auto& p : probes) {
        thermal_quadrature coarse, fine;
        coarse.rel_tol = fine.rel_tol = 0;
        coarse.panels = 3;
        fine.panels = 6;
        const double tc = planar_source_rise(*p.s, p.x, p.y, p.z, m, coarse);
        const double tf = planar_source_rise(*p.s, p.x, p.y, p.z, m, fine);
        const double ta = planar_source_rise(*p.s, p.x, p.y, p.z, m);
        EXPECT_GT(tf, 0);
        // required < 1 %; in fact < 1e-4 (1e-3 asserted)
        EXPECT_NEAR(tc, tf, 1e-3 * tf) << p.x << " " << p.y << " " << p.z;
        EXPECT_NEAR(ta, tf, 1e-4 * tf) << p.x << " " << p.y << " " << p.z;
    }
}

/* High Peclet number (a d >> 1, a = v/(2 alpha)), point source, rise on
 * the line y = 0 at depth d, a distance s behind the source:
 *   T(s) = P/(4 pi k R) exp(-a (R - s)), R - s ~ d^2/(2 s) for s >> d,
 * maximal at s* = a d^2/2 = v d^2/(4 alpha) with
 *   T* = P/(4 pi k s*) e^-1 = P alpha/(pi e k v d^2):
 * the neighbour-layer rise by conduction falls as 1/v and as 1/d^2 and lags
 * by v d^2/(4 alpha) (the time a heat pulse needs to diffuse over d,
 * d^2/(4 alpha), times v). A focused spot (rms 0.09 um) is a point at 13 um. */
TEST(ThermalDiffusion, HighPecletRiseAtDepthFallsAsOneOverVdSquared)
{
    planar_source g;
    g.power_w = 1e-3;
    g.radius_m = 0.089e-6;
    thermal_quadrature q;
    q.rel_tol = 1e-6;
    double last = 0;
    for (double v : { v_1x, 2 * v_1x }) {
        for (double d : { 13e-6, 26e-6 }) {
            const auto p = planar_source_profile(g, d, medium(v), q);
            const double expect =
                1e-3 * alpha_pc / (pi * std::exp(1.0) * k_pc * v * d * d);
            const double lag = v * d * d / (4 * alpha_pc);
            EXPECT_NEAR(p.peak_k, expect, 0.005 * expect) << v << " " << d;
            EXPECT_NEAR(p.lag_m, lag, 0.01 * lag) << v << " " << d;
            // across the track: the heat kernel of variance 2 alpha t at
            // t = d^2/(4 alpha): sigma = d/sqrt(2)
            EXPECT_NEAR(p.sigma_across_m, d / std::sqrt(2.0), 0.03 * d) << v << " " << d;
            if (d == 13e-6 && v == 2 * v_1x) {
                EXPECT_NEAR(last / p.peak_k, 2.0, 0.01); // twice as fast: half the rise
            }
            if (d == 13e-6) {
                last = p.peak_k;
            }
        }
    }
}

/* A uniform disc (radius a, P absorbed, flux q = P/(pi a^2)) in its own
 * plane at high Peclet number: lateral diffusion during the transit
 * (sqrt(alpha 2a/v) = 0.7 um << a = 8 um) is negligible on the centre line,
 * so each point there is a plane source switched on for t = 2a/v (entering
 * at the leading edge, leaving at the trailing edge), heating both
 * half-spaces: T(t) = q sqrt(alpha t/pi)/k, largest at the trailing edge:
 *   T* = q sqrt(2 a alpha/(pi v))/k, lag = a. */
TEST(ThermalDiffusion, HighPecletDiscPeaksAtTrailingEdge)
{
    planar_source d;
    d.shape = source_shape::disc;
    d.power_w = 1e-3;
    d.radius_m = 8e-6;
    const auto p = planar_source_profile(d, 0, medium(v_1x));
    const double q = 1e-3 / (pi * 64e-12);
    const double expect = q * std::sqrt(2 * 8e-6 * alpha_pc / (pi * v_1x)) / k_pc;
    EXPECT_NEAR(p.peak_k, expect, 0.01 * expect);
    EXPECT_NEAR(p.lag_m, 8e-6, 0.03 * 8e-6);
    // T ~ sqrt(t) rises over the whole disc: e^-1/2 at t = e^-1 2a/v ahead
    // of the peak: a front width 2a (1 - 1/e) = 1.26 a
    EXPECT_NEAR(p.sigma_front_m, 2 * 8e-6 * (1 - std::exp(-1.0)), 0.05 * 8e-6);
}

/* Energy: in the steady state every plane x = x1 behind the whole source
 * carries the source power away by advection, rho c v int int T dy dz = P
 * (for Rosenthal's kernel int int T dy dz = P/(4 pi k) 2 pi/a exactly,
 * independent of x1 < 0, so the conductive flux through the plane
 * integrates to zero). Checked on the distributed Gaussian. */
TEST(ThermalDiffusion, AdvectedEnergyBehindTheSpotEqualsThePower)
{
    const auto m = medium(v_1x);
    planar_source g;
    g.power_w = 1e-3;
    g.radius_m = 0.1e-6;
    thermal_quadrature q;
    q.rel_tol = 1e-4;
    const double x1 = -1.5e-6;
    std::vector<double> n, w;
    gauss_legendre(16, 0, 1e-6, n, w);
    gauss_legendre(16, 1e-6, 4e-6, n, w);
    double sum = 0;
    for (size_t i = 0; i < n.size(); ++i)
        for (size_t j = 0; j < n.size(); ++j)
            sum += w[i] * w[j] * planar_source_rise(g, x1, n[i], n[j], m, q);
    const double rho_c = k_pc / alpha_pc;
    EXPECT_NEAR(4 * sum * rho_c * v_1x, 1e-3, 0.005e-3);
}

TEST(ThermalDiffusion, RejectsBadArguments)
{
    auto m = medium(v_1x);
    m.conductivity_w_mk = 0;
    EXPECT_EQ(invalid_argument_message([&] { moving_point_rise(1e-3, 1e-6, 0, 0, m); }),
              "conductivity_w_mk = 0: must be > 0 and finite");
    m = medium(-1);
    EXPECT_EQ(invalid_argument_message([&] { moving_point_rise(1e-3, 1e-6, 0, 0, m); }),
              "velocity_m_s = -1: must be >= 0 and finite");
    planar_source g;
    g.power_w = 1e-3;
    EXPECT_EQ(
        invalid_argument_message([&] { planar_source_rise(g, 0, 0, 0, medium(1)); }),
        "radius_m = 0: must be > 0 and finite");
    g.radius_m = 1e-7;
    thermal_quadrature q;
    q.panels = 0;
    EXPECT_EQ(
        invalid_argument_message([&] { planar_source_rise(g, 0, 0, 0, medium(1), q); }),
        "panels = 0: must be in 1..10000");
    thermal_stack st;
    st.absorptance = { 0.1, 0.1 };
    st.transmittance = { 0.9 };
    st.spacers_m = { 13e-6 };
    EXPECT_EQ(invalid_argument_message([&] { stack_heating_per_mw(st, 0); }),
              "transmittance: 1 entries, must equal the 2 layers");
    st.transmittance = { 0.9, 0.9 };
    EXPECT_EQ(invalid_argument_message([&] { stack_heating_per_mw(st, 2); }),
              "focus = 2: must be in 0..1");
    st.na = 1.7;
    EXPECT_EQ(invalid_argument_message([&] { stack_heating_per_mw(st, 0); }),
              "na = 1.7: must be in (0, index)");
}

/* The default four-layer stack (media/default.yml: spacers 13/19/16 um,
 * 405 nm, NA 0.85, n 1.6, 4.92 m/s), one homogeneous polycarbonate-like
 * medium (k = 0.20 W/m/K, alpha = 0.144 mm^2/s: e.g. Wikipedia
 * "Polycarbonate" and NETZSCH polymer data, k 0.19..0.22, alpha 0.144),
 * absorptance A = 1 - T - R of each layer (bleached and coloured, from the
 * T and R of media/default.yml), beam focused on L1 (the layer with both
 * neighbours nearest: L0 13 um in front, L2 19 um behind). Printed as a
 * table and recorded as properties; asserted against the high-Peclet
 * formulas of the two tests above (independent of the quadrature).
 *
 * Result (k 0.20, alpha 1.44e-7; per mW incident on the stack; sigma =
 * distance to exp(-1/2) of the peak; lag = peak behind the beam axis):
 *   spot sigma 0.21 lambda/NA = 0.100 um
 *   L1 own: absorbed 0.041 mW bleached (0.224 coloured): 106 K (586 K),
 *     i.e. 2610 K per mW absorbed; lag 0.05 um, sigma along 0.14 um
 *     (front 0.12, back 0.16), across 0.115 um
 *   L0 (13 um): conduction 0.0041 K (0.023 coloured), lag 1.44 mm, sigma
 *     across 9.2 um, along ~2 mm; direct (disc 8.15 um) 0.56 K (3.4 K),
 *     lag 8.1 um, sigma along 7.4 um (front 10.3, back 4.5), across 5.2 um
 *   L2 (19 um): conduction 0.0019 K (0.011), lag 3.1 mm; direct (disc
 *     11.9 um) 0.19 K (0.76 K), lag 11.8 um, sigma along 10.8, across 7.5 um
 * (the exact numbers are printed by the test). */
TEST(ThermalDiffusion, DefaultStackNumbers)
{
    const double T_b[4] = { 0.90, 0.90, 0.88, 0.85 },
                 R_b[4] = { 0.040, 0.055, 0.075, 0.11 };
    const double T_c[4] = { 0.62, 0.62, 0.60, 0.55 },
                 R_c[4] = { 0.013, 0.018, 0.025, 0.035 };
    thermal_quadrature q;
    q.rel_tol = 1e-4;
    for (int coloured = 0; coloured < 2; ++coloured) {
        thermal_stack st;
        st.spacers_m = { 13e-6, 19e-6, 16e-6 };
        for (int i = 0; i < 4; ++i) {
            const double t = coloured ? T_c[i] : T_b[i], r = coloured ? R_c[i] : R_b[i];
            st.transmittance.push_back(t);
            st.absorptance.push_back(1 - t - r);
        }
        const int f = 1;
        const auto h = stack_heating_per_mw(st, f, q);
        const double tan_cone = std::tan(std::asin(0.85 / 1.6));
        EXPECT_NEAR(h.spot_sigma_m, 0.21 * 405e-9 / 0.85, 1e-15);
        const double p_focus = 1e-3 * st.transmittance[0] * st.absorptance[1];
        std::ostringstream os;
        os << (coloured ? "coloured" : "bleached")
           << " stack, focus L1, per mW incident:\n";
        for (int j = 0; j < 4; ++j) {
            const auto& L = h.layers[j];
            const auto& c = L.conduction;
            const auto& d = L.direct;
            char line[400];
            std::snprintf(
                line,
                sizeof line,
                "  L%d dz %4.1f um absorbed %.4f mW | conduction %9.4g K lag %9.3g m "
                "sig along %8.3g (front %8.3g back %8.3g) across %8.3g | direct %7.4g K "
                "disc %5.2f um lag %7.3g sig along %7.3g across %7.3g\n",
                j,
                L.distance_m * 1e6,
                L.absorbed_mw,
                c.peak_k,
                c.lag_m,
                c.sigma_along_m,
                c.sigma_front_m,
                c.sigma_back_m,
                c.sigma_across_m,
                d.peak_k,
                L.defocus_radius_m * 1e6,
                d.lag_m,
                d.sigma_along_m,
                d.sigma_across_m);
            os << line;
            const std::string tag = std::string(coloured ? "coloured_" : "bleached_") +
                                    "L" + std::to_string(j) + "_";
            RecordProperty(tag + "conduction_k_per_mw", std::to_string(c.peak_k));
            RecordProperty(tag + "direct_k_per_mw", std::to_string(d.peak_k));
            if (j == f) {
                EXPECT_EQ(d.peak_k, 0);
                EXPECT_NEAR(L.absorbed_mw * 1e-3, p_focus, 1e-12);
                continue;
            }
            // conduction from the (point-like) spot: P alpha/(pi e k v d^2)
            const double dd = L.distance_m;
            const double cond =
                p_focus * alpha_pc / (pi * std::exp(1.0) * k_pc * v_1x * dd * dd);
            EXPECT_NEAR(c.peak_k, cond, 0.01 * cond) << j;
            // direct absorption: the light through the layers in front of j
            double inc = 1;
            for (int m = 0; m < j; ++m)
                inc *= st.transmittance[m];
            EXPECT_NEAR(L.absorbed_mw, inc * st.absorptance[j], 1e-12);
            const double a = dd * tan_cone;
            EXPECT_NEAR(L.defocus_radius_m, a, 1e-12);
            const double flux = 1e-3 * L.absorbed_mw / (pi * a * a);
            const double direct = flux * std::sqrt(2 * a * alpha_pc / (pi * v_1x)) / k_pc;
            EXPECT_NEAR(d.peak_k, direct, 0.01 * direct) << j;
            // the direct absorption dominates the conduction by far
            EXPECT_GT(d.peak_k, 20 * c.peak_k) << j;
        }
        std::printf("%s", os.str().c_str());
    }
}
