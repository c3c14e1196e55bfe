/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Servo error signals on detector channels built here from two optical
 * models, independent of the kernels under test:
 *  - focus: an astigmatic Gaussian spot on the quadrant detector (focal
 *    lines along the diagonals), integrated pixel by pixel; its S-curve
 *    follows analytically (zero at best focus, extremes at +-sqrt(s0^2/c^2
 *    + D^2/4) for focal-line separation D, diffraction spot s0 ~ 0.21
 *    lambda / NA and geometric growth c = tan(asin NA) / 2);
 *  - tracking: scalar diffraction of a groove grating (pitch p, groove
 *    width w p, phase depth phi) into the objective pupil (orders 0, +-1 shifted by
 *    lambda / (p NA) pupil radii), the detector halves integrating the
 *    interference over the pupil, a lens shift displacing the pupil image
 *    on the detector.
 */
#include "servo_signals.h"
#include "test_util.h"
#include <gtest/gtest.h>
#include <cmath>
#include <complex>
#include <iostream>
#include <random>
#include <vector>

using ecdisc::servo_error_signal;
using ecdisc_test::invalid_argument_message;

namespace {

constexpr double kPi = 3.14159265358979323846;

struct quad {
    double a, b, c, d;
};

// ---------------------------------------------------------------- focus model

struct astig_model {
    double lambda = 405e-9;
    double na = 0.85;
    double delta = 1.6e-6; // focal-line separation (astigmatism setting), disc-referred
    double s0() const { return 0.21 * lambda / na; }
    double c() const { return std::tan(std::asin(na)) / 2.0; }
    // rms widths along the diagonals u = (x + y)/sqrt2, v = (x - y)/sqrt2
    double su(double z) const { return std::hypot(s0(), c() * (z - delta / 2)); }
    double sv(double z) const { return std::hypot(s0(), c() * (z + delta / 2)); }
    double analytic_fes(double z) const
    {
        const double u2 = su(z) * su(z), v2 = sv(z) * sv(z);
        return 2.0 / kPi * std::asin((u2 - v2) / (u2 + v2));
    }
    double analytic_peak_z() const
    {
        return std::sqrt(s0() * s0() / (c() * c()) + delta * delta / 4.0);
    }
    // capture range: between the outer points where |FES| has fallen to half
    // its extreme. |rho(z)| = delta |z| / (zp^2 + z^2), zp = analytic_peak_z:
    // rho = r gives r z^2 - delta z + r zp^2 = 0, outer root.
    double analytic_capture_range() const
    {
        const double zp = analytic_peak_z();
        const double rho_max = delta / (2 * zp);
        const double r = std::sin(0.5 * std::asin(rho_max));
        return 2 * (delta + std::sqrt(delta * delta - 4 * r * r * zp * zp)) / (2 * r);
    }
};

// quadrant powers of the spot at defocus z (pixel integration, total ~ power)
quad astig_quadrants(const astig_model& m, double z, double power)
{
    const double su = m.su(z), sv = m.sv(z);
    const double half = 5.0 * std::max(su, sv);
    const int n = 200;
    const double h = 2.0 * half / n;
    quad q{ 0, 0, 0, 0 };
    double tot = 0;
    for (int i = 0; i < n; i++) {
        const double x = -half + (i + 0.5) * h;
        for (int j = 0; j < n; j++) {
            const double y = -half + (j + 0.5) * h;
            const double u = (x + y) / std::sqrt(2.0), v = (x - y) / std::sqrt(2.0);
            const double I = std::exp(-0.5 * (u * u / (su * su) + v * v / (sv * sv)));
            tot += I;
            if (x > 0 && y > 0)
                q.a += I;
            else if (x < 0 && y > 0)
                q.b += I;
            else if (x < 0 && y < 0)
                q.c += I;
            else
                q.d += I;
        }
    }
    return quad{ power * q.a / tot, power * q.b / tot, power * q.c / tot, power * q.d / tot };
}

std::vector<float> run(servo_error_signal& s, const std::vector<std::vector<float>>& ch)
{
    std::vector<const float*> p;
    for (const auto& c : ch)
        p.push_back(c.data());
    std::vector<float> out(ch[0].size());
    s.process(p.data(), out.data(), out.size());
    return out;
}

// ---------------------------------------------------------------- tracking model

struct pupil_model {
    double lambda = 405e-9, na = 0.85, pitch = 0.32e-6;
    double phi = kPi / 2; // round-trip phase depth of the groove (lambda/8 deep)
    double duty = 0.5;    // groove width / pitch
    int n = 160;          // pupil grid n x n over [-1, 1]^2
};

// detector halves/quadrants of the reflected pupil for track offset x and
// a lens shift moving the pupil image by `shift` pupil radii along +u:
// A: u > shift, v > 0; B: u < shift, v > 0; C: u < shift, v < 0; D: u > shift, v < 0
quad pupil_quadrants(const pupil_model& m, double x, double shift, double power)
{
    using cd = std::complex<double>;
    const cd e = std::polar(1.0, m.phi);
    // groove centred on x = 0: c_0 = 1 + (e^{i phi} - 1) w,
    // c_{+-1} = (e^{i phi} - 1) sin(pi w) / pi
    const cd c0 = 1.0 + (e - 1.0) * m.duty;
    const cd c1 = (e - 1.0) * std::sin(kPi * m.duty) / kPi;
    const double s = m.lambda / (m.pitch * m.na);
    const double th = 2 * kPi * x / m.pitch;
    const cd a1 = c1 * std::polar(1.0, th), am1 = c1 * std::polar(1.0, -th);
    const double h = 2.0 / m.n;
    quad q{ 0, 0, 0, 0 };
    double tot = 0;
    for (int i = 0; i < m.n; i++) {
        const double u = -1 + (i + 0.5) * h;
        for (int j = 0; j < m.n; j++) {
            const double v = -1 + (j + 0.5) * h;
            if (u * u + v * v > 1)
                continue;
            cd E = c0;
            if ((u - s) * (u - s) + v * v <= 1)
                E += a1;
            if ((u + s) * (u + s) + v * v <= 1)
                E += am1;
            const double I = std::norm(E);
            tot += 1;
            const double ud = u + shift; // image position on the detector
            if (ud > 0 && v > 0)
                q.a += I;
            else if (ud <= 0 && v > 0)
                q.b += I;
            else if (ud <= 0)
                q.c += I;
            else
                q.d += I;
        }
    }
    const double g = power / tot;
    return quad{ q.a * g, q.b * g, q.c * g, q.d * g };
}

// least-squares fit y ~ a0 + a1 sin(2 pi x / P) + b1 cos(2 pi x / P): rms residual
double sine_fit(const std::vector<double>& x,
                const std::vector<double>& y,
                double P,
                double* amp = nullptr,
                double* dc = nullptr)
{
    // normal equations, 3x3
    double M[3][4] = {};
    for (size_t i = 0; i < x.size(); i++) {
        const double f[3] = { 1.0, std::sin(2 * kPi * x[i] / P), std::cos(2 * kPi * x[i] / P) };
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 3; c++)
                M[r][c] += f[r] * f[c];
            M[r][3] += f[r] * y[i];
        }
    }
    for (int c = 0; c < 3; c++) // Gauss-Jordan
        for (int r = 0; r < 3; r++)
            if (r != c) {
                const double g = M[r][c] / M[c][c];
                for (int k = 0; k < 4; k++)
                    M[r][k] -= g * M[c][k];
            }
    const double p0 = M[0][3] / M[0][0], p1 = M[1][3] / M[1][1], p2 = M[2][3] / M[2][2];
    double ss = 0;
    for (size_t i = 0; i < x.size(); i++) {
        const double r = y[i] - p0 - p1 * std::sin(2 * kPi * x[i] / P) -
                         p2 * std::cos(2 * kPi * x[i] / P);
        ss += r * r;
    }
    if (amp)
        *amp = std::hypot(p1, p2);
    if (dc)
        *dc = p0;
    return std::sqrt(ss / x.size());
}

} // namespace

TEST(ServoSignals, Parameters)
{
    EXPECT_EQ(invalid_argument_message([] { servo_error_signal("foo"); }),
              "method = foo: must be fes_astigmatic, push_pull, dpp, three_beam or rf_sum");
    EXPECT_NE(invalid_argument_message([] { servo_error_signal("dpp", 1.0, 0.0); })
                  .find("sum_floor = 0"),
              std::string::npos);
    EXPECT_NE(invalid_argument_message([] { servo_error_signal("dpp", 1.0, 1e-6, 0.5); })
                  .find("k_window"),
              std::string::npos);
    EXPECT_NE(invalid_argument_message([] { servo_error_signal("dpp", NAN); }).find("k = "),
              std::string::npos);
    EXPECT_EQ(servo_error_signal("fes_astigmatic").inputs(), 4);
    EXPECT_EQ(servo_error_signal("push_pull").inputs(), 4);
    EXPECT_EQ(servo_error_signal("dpp").inputs(), 8);
    EXPECT_EQ(servo_error_signal("three_beam").inputs(), 2);
    EXPECT_EQ(servo_error_signal("rf_sum").inputs(), 4);
}

// Conventions and the floor on hand-made channels
TEST(ServoSignals, FormulasAndFloor)
{
    const std::vector<std::vector<float>> q{ { 0.4f, 0.0f, 1e-8f }, // A
                                             { 0.1f, 0.0f, 0.0f },  // B
                                             { 0.3f, 0.0f, 0.0f },  // C
                                             { 0.2f, 0.0f, 0.0f } }; // D
    servo_error_signal fes("fes_astigmatic", 1.0, 1e-6);
    auto y = run(fes, q);
    EXPECT_NEAR(y[0], (0.7 - 0.3) / 1.0, 1e-6);
    EXPECT_EQ(y[1], 0.0f); // no light: 0, not NaN
    EXPECT_NEAR(y[2], 1e-8 / 1e-6, 1e-6); // below the floor: diff / floor
    servo_error_signal pp("push_pull");
    y = run(pp, q);
    EXPECT_NEAR(y[0], (0.6 - 0.4) / 1.0, 1e-6);
    servo_error_signal rf("rf_sum");
    y = run(rf, q);
    EXPECT_NEAR(y[0], 1.0, 1e-6);
    servo_error_signal tb("three_beam");
    y = run(tb, { { 0.3f, 0.0f }, { 0.1f, 0.0f } });
    EXPECT_NEAR(y[0], 0.5, 1e-6);
    EXPECT_EQ(y[1], 0.0f);
    // DPP, fixed k = 2: ((A+D-B-C) - 2 (E1+F1-E2-F2)) / (sum + 2 side sum)
    servo_error_signal dpp("dpp", 2.0);
    y = run(dpp, { { 0.4f }, { 0.1f }, { 0.3f }, { 0.2f }, { 0.05f }, { 0.02f }, { 0.04f }, { 0.01f } });
    EXPECT_NEAR(y[0], (0.2 - 2 * (0.09 - 0.03)) / (1.0 + 2 * 0.12), 1e-6);
    EXPECT_EQ(dpp.k(), 2.0);
    EXPECT_FALSE(dpp.k_estimated());
}

// Astigmatic FES S-curve: zero crossing at best focus, extremes, their
// separation and the capture range (between the outer half-height points)
// as the analytic model computes them from lambda, NA and the focal-line
// separation (within 20%, in fact within 3%).
TEST(ServoSignals, FocusErrorSCurve)
{
    astig_model m;
    const int nz = 241;
    const double zmax = 3.0e-6;
    std::vector<std::vector<float>> ch(4, std::vector<float>(nz));
    std::vector<double> z(nz);
    for (int i = 0; i < nz; i++) {
        z[size_t(i)] = -zmax + 2 * zmax * i / (nz - 1);
        const quad q = astig_quadrants(m, z[size_t(i)], 0.25 + 0.1 * std::sin(i * 0.3));
        ch[0][size_t(i)] = float(q.a);
        ch[1][size_t(i)] = float(q.b);
        ch[2][size_t(i)] = float(q.c);
        ch[3][size_t(i)] = float(q.d);
    }
    servo_error_signal fes("fes_astigmatic");
    const std::vector<float> y = run(fes, ch);
    // zero crossing: interpolate between the sign change
    double z0 = NAN;
    for (int i = 1; i < nz; i++)
        if ((y[size_t(i - 1)] > 0) != (y[size_t(i)] > 0)) {
            const double f = y[size_t(i - 1)] / (y[size_t(i - 1)] - y[size_t(i)]);
            z0 = z[size_t(i - 1)] + f * (z[size_t(i)] - z[size_t(i - 1)]);
            break;
        }
    EXPECT_NEAR(z0, 0.0, 0.02e-6);
    size_t imax = 0, imin = 0;
    for (size_t i = 0; i < y.size(); i++) {
        if (y[i] > y[imax])
            imax = i;
        if (y[i] < y[imin])
            imin = i;
    }
    const double pp_dist = std::fabs(z[imax] - z[imin]);
    const double pp_analytic = 2 * m.analytic_peak_z();
    std::cout << "FES peak-to-peak distance " << pp_dist * 1e6 << " um, analytic "
              << pp_analytic * 1e6 << " um (focal lines " << m.delta * 1e6 << " um)\n";
    EXPECT_NEAR(pp_dist, pp_analytic, 0.2 * pp_analytic);
    EXPECT_NEAR(pp_dist, pp_analytic, 0.03 * pp_analytic); // pixel model vs analytic
    EXPECT_NEAR(y[imax], m.analytic_fes(-m.analytic_peak_z()), 0.02);
    EXPECT_NEAR(y[imin], m.analytic_fes(m.analytic_peak_z()), 0.02);
    EXPECT_LT(z[imax], 0.0); // sign: spot elongated along A-C for z < 0
    // capture range: outermost points at half the extreme value
    double zlo = NAN, zhi = NAN;
    for (size_t i = 1; i < imax + 1; i++)
        if (y[i - 1] < 0.5 * y[imax] && y[i] >= 0.5 * y[imax]) {
            zlo = z[i - 1] + (0.5 * y[imax] - y[i - 1]) / (y[i] - y[i - 1]) * (z[i] - z[i - 1]);
            break;
        }
    for (size_t i = imin + 1; i < y.size(); i++)
        if (y[i - 1] <= 0.5 * y[imin] && y[i] > 0.5 * y[imin]) {
            zhi = z[i - 1] + (0.5 * y[imin] - y[i - 1]) / (y[i] - y[i - 1]) * (z[i] - z[i - 1]);
            break;
        }
    const double capture = zhi - zlo, capture_analytic = m.analytic_capture_range();
    std::cout << "FES capture range (half-height) " << capture * 1e6 << " um, analytic "
              << capture_analytic * 1e6 << " um\n";
    EXPECT_NEAR(capture, capture_analytic, 0.2 * capture_analytic);
    EXPECT_NEAR(capture, capture_analytic, 0.03 * capture_analytic);
    // linear range: the S-curve is monotone between its extremes
    for (size_t i = std::min(imax, imin) + 1; i <= std::max(imax, imin); i++)
        EXPECT_LT(y[i], y[i - 1]);
    for (int i = 0; i < nz; i += 12)
        EXPECT_NEAR(y[size_t(i)], m.analytic_fes(z[size_t(i)]), 0.01) << "z " << z[size_t(i)];
}

// Push-pull: sinusoidal in the track offset with period = track pitch.
TEST(ServoSignals, PushPullPeriodIsPitch)
{
    pupil_model m;
    const int nx = 64;
    std::vector<double> x(nx);
    std::vector<std::vector<float>> ch(4, std::vector<float>(nx));
    for (int i = 0; i < nx; i++) {
        x[size_t(i)] = 2.0 * m.pitch * i / nx;
        const quad q = pupil_quadrants(m, x[size_t(i)], 0.0, 0.3);
        ch[0][size_t(i)] = float(q.a);
        ch[1][size_t(i)] = float(q.b);
        ch[2][size_t(i)] = float(q.c);
        ch[3][size_t(i)] = float(q.d);
    }
    servo_error_signal pp("push_pull");
    const std::vector<float> yf = run(pp, ch);
    const std::vector<double> y(yf.begin(), yf.end());
    double best_p = 0, best_r = 1e9;
    for (double P = 0.7 * m.pitch; P <= 1.3 * m.pitch; P += 0.002 * m.pitch) {
        const double r = sine_fit(x, y, P);
        if (r < best_r) {
            best_r = r;
            best_p = P;
        }
    }
    double amp, dc;
    const double res = sine_fit(x, y, m.pitch, &amp, &dc);
    std::cout << "push-pull amplitude " << amp << ", fit residual " << res / amp
              << " of it, best period " << best_p / m.pitch << " pitch\n";
    EXPECT_NEAR(best_p, m.pitch, 0.01 * m.pitch);
    EXPECT_LT(res, 0.02 * amp);
    EXPECT_GT(amp, 0.1);
    EXPECT_LT(std::fabs(dc), 0.01 * amp);
    EXPECT_NEAR(y[0], 0.0, 0.01 * amp); // on track
}

// DPP: a lens shift offsets the main push-pull by a third of its amplitude;
// DPP (side spots half a pitch off, 1/15 of the main power each, so k =
// main / both sides = 7.5) cancels it
// to < 10% of the push-pull amplitude, with k fixed or estimated.
TEST(ServoSignals, DppCancelsLensShift)
{
    pupil_model m;
    const double shift = 0.1;
    const double side = 1.0 / 15; // each side beam's power / main power
    const int nx = 48;
    std::vector<double> x(nx);
    std::vector<std::vector<float>> ch(8, std::vector<float>(nx));
    std::mt19937 rng(3);
    std::normal_distribution<double> g(0.0, 1e-4);
    for (int i = 0; i < nx; i++) {
        x[size_t(i)] = 2.0 * m.pitch * i / nx;
        const quad q = pupil_quadrants(m, x[size_t(i)], shift, 0.3);
        const quad e = pupil_quadrants(m, x[size_t(i)] + m.pitch / 2, shift, 0.3 * side);
        const quad f = pupil_quadrants(m, x[size_t(i)] - m.pitch / 2, shift, 0.3 * side);
        const double v[8] = { q.a, q.b, q.c, q.d, e.a + e.d, e.b + e.c, f.a + f.d, f.b + f.c };
        for (int c = 0; c < 8; c++)
            ch[size_t(c)][size_t(i)] = float(v[c] + g(rng) * (c < 4 ? 1.0 : side));
    }
    // reference: the main push-pull without lens shift
    std::vector<double> y0(nx);
    for (int i = 0; i < nx; i++) {
        const quad q = pupil_quadrants(m, x[size_t(i)], 0.0, 0.3);
        y0[size_t(i)] = (q.a + q.d - q.b - q.c) / (q.a + q.b + q.c + q.d);
    }
    double amp0, dc0;
    sine_fit(x, y0, m.pitch, &amp0, &dc0);

    // k = 0: plain main push-pull, offset by the lens shift
    servo_error_signal pp("dpp", 0.0);
    std::vector<float> yf = run(pp, ch);
    double amp, dc;
    sine_fit(x, std::vector<double>(yf.begin(), yf.end()), m.pitch, &amp, &dc);
    std::cout << "lens shift: push-pull offset " << dc / amp0 << " of its amplitude\n";
    EXPECT_GT(std::fabs(dc), 0.25 * amp0);

    for (double k : { 7.5, -1.0 }) {
        servo_error_signal dpp("dpp", k, 1e-6, 16.0);
        yf = run(dpp, ch);
        const double res =
            sine_fit(x, std::vector<double>(yf.begin(), yf.end()), m.pitch, &amp, &dc);
        std::cout << "DPP k " << dpp.k() << ": offset " << dc / amp0 << ", amplitude "
                  << amp / amp0 << " of the push-pull's\n";
        EXPECT_LT(std::fabs(dc), 0.1 * amp0) << "k " << k;
        EXPECT_NEAR(amp, amp0, 0.1 * amp0) << "k " << k; // DPP in main PP units
        EXPECT_LT(res, 0.05 * amp0);
        EXPECT_NEAR(dpp.k(), 7.5, 0.15) << "k " << k;
        EXPECT_EQ(dpp.k_estimated(), k < 0);
    }
}

// Three-beam: side spots at +-p/4; the error crosses zero on track, is
// odd and periodic in the pitch.
TEST(ServoSignals, ThreeBeam)
{
    pupil_model m;
    // the reflected power depends on the offset only for a duty != 50%
    // (the +-1 interference terms go as (1 - cos phi)(2 duty - 1) cos theta)
    m.phi = 0.7 * kPi;
    m.duty = 0.3;
    const int nx = 64;
    std::vector<double> x(nx);
    std::vector<std::vector<float>> ch(2, std::vector<float>(nx));
    for (int i = 0; i < nx; i++) {
        x[size_t(i)] = -m.pitch + 2.0 * m.pitch * i / nx;
        const quad e = pupil_quadrants(m, x[size_t(i)] + m.pitch / 4, 0.0, 0.05);
        const quad f = pupil_quadrants(m, x[size_t(i)] - m.pitch / 4, 0.0, 0.05);
        ch[0][size_t(i)] = float(e.a + e.b + e.c + e.d);
        ch[1][size_t(i)] = float(f.a + f.b + f.c + f.d);
    }
    servo_error_signal tb("three_beam");
    const std::vector<float> yf = run(tb, ch);
    const std::vector<double> y(yf.begin(), yf.end());
    double amp, dc;
    const double res = sine_fit(x, y, m.pitch, &amp, &dc);
    EXPECT_GT(amp, 0.05);
    EXPECT_LT(res, 0.02 * amp);
    EXPECT_LT(std::fabs(dc), 0.01 * amp);
    EXPECT_NEAR(y[nx / 2], 0.0, 0.01 * amp); // x = 0
    for (int i = 1; i < nx / 2; i++)
        EXPECT_NEAR(y[size_t(nx / 2 + i)], -y[size_t(nx / 2 - i)], 0.01 * amp);
}
