/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Medium simulator kernel: configuration checks and physics, each against
 * numbers computed here from the configured parameters.
 */
#include "medium.h"
#include "medium_config.h"
#include <gtest/gtest.h>
#include <cmath>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

using ecdisc::default_medium;
using ecdisc::default_medium_yaml;
using ecdisc::medium;
using ecdisc::medium_config;
using ecdisc::parse_medium_yaml;

namespace {

constexpr double kB = 8.617333262e-5; // eV/K
constexpr double pi = 3.14159265358979323846;

//! the default text with one substring replaced (must occur)
std::string edited(const std::string& from, const std::string& to)
{
    std::string s = default_medium_yaml();
    const auto at = s.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos)
        s.replace(at, from.size(), to);
    return s;
}

//! the message of the invalid_argument parsing text throws ("" if none)
std::string rejection(const std::string& text)
{
    try {
        parse_medium_yaml(text, "medium.yml");
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "";
}

bool contains(const std::string& s, const std::string& part)
{
    return s.find(part) != std::string::npos;
}

/*! Runs n samples with constant powers per beam; returns the last signals. */
std::vector<float> run(medium& m, const std::vector<float>& p, size_t n)
{
    const int nb = m.num_beams();
    std::vector<std::vector<float>> in(nb), out(nb);
    std::vector<const float*> ip(nb);
    std::vector<float*> op(nb);
    for (int b = 0; b < nb; b++) {
        in[b].assign(n, p[b]);
        out[b].assign(n, 0.0f);
        ip[b] = in[b].data();
        op[b] = out[b].data();
    }
    m.process(ip.data(), op.data(), n);
    std::vector<float> last(nb);
    for (int b = 0; b < nb; b++)
        last[b] = out[b][n - 1];
    return last;
}

/*! Runs per-beam power profiles through the kernel; returns the signals. */
std::vector<std::vector<float>> run_profile(medium& m,
                                            const std::vector<std::vector<float>>& p)
{
    const int nb = m.num_beams();
    std::vector<std::vector<float>> out(nb, std::vector<float>(p[0].size()));
    std::vector<const float*> ip(nb);
    std::vector<float*> op(nb);
    for (int b = 0; b < nb; b++) {
        ip[b] = p[b].data();
        op[b] = out[b].data();
    }
    m.process(ip.data(), op.data(), p[0].size());
    return out;
}

// Layer 0 of the default medium, under the physics constants of the config.
struct layer0_physics {
    medium_config c = default_medium();
    double t0 = c.thermal.ambient_k;
    double ea_kb = c.materials[c.layers[0].material_index].activation_ev / kB;
    double rate = c.materials[c.layers[0].material_index].rate_per_s /
                  c.materials[c.layers[0].material_index].nominal_voltage_v;
    double kappa(double volts, double temp) const
    {
        return rate * std::fabs(volts) * std::exp(ea_kb * (1.0 / t0 - 1.0 / temp));
    }
};

} // namespace

// ---------------------------------------------------------------- config

TEST(MediumConfig, BuiltInDefaultIsMediaDefaultYml)
{
    const std::string path = std::string(ECDISC_SOURCE_DIR) + "/media/default.yml";
    std::ifstream f(path);
    ASSERT_TRUE(f) << path;
    std::stringstream s;
    s << f.rdbuf();
    EXPECT_EQ(s.str(), default_medium_yaml());
    EXPECT_TRUE(ecdisc::load_medium(path) == default_medium());
    EXPECT_TRUE(ecdisc::load_medium("") == default_medium());
    const auto c = default_medium();
    EXPECT_EQ(c.name, "ecdisc-default-2layer");
    EXPECT_EQ(c.layers.size(), 2u);
    EXPECT_EQ(c.laser_array.size(), 2u);
    EXPECT_EQ(c.layers[0].material, "polythiophene");
}

TEST(MediumConfig, RejectsUnknownKey)
{
    const auto e = rejection(edited("  na: 0.85\n", "  na: 0.85\n  colour: blue\n"));
    EXPECT_TRUE(contains(e, "medium.yml: optics.colour: unknown key")) << e;
    const auto top = rejection(default_medium_yaml() + "extra: 1\n");
    EXPECT_TRUE(contains(top, "medium.yml: extra: unknown key")) << top;
    const auto layer =
        rejection(edited("spacer_m: 25e-6}", "spacer_m: 25e-6, thickness_m: 1}"));
    EXPECT_TRUE(contains(layer, "layers[0].thickness_m: unknown key")) << layer;
}

TEST(MediumConfig, RejectsNaAboveIndex)
{
    const auto e = rejection(edited("na: 0.85", "na: 1.7"));
    EXPECT_TRUE(
        contains(e, "medium.yml: optics.na = 1.7: must be in (0, substrate_index)"))
        << e;
    EXPECT_FALSE(rejection(edited("na: 0.85", "na: 1.60")).empty());
}

TEST(MediumConfig, RejectsNegativeThickness)
{
    const auto e = rejection(edited("spacer_m: 25e-6", "spacer_m: -25e-6"));
    EXPECT_TRUE(contains(e, "layers[0].spacer_m = -25e-6")) << e;
    const auto r =
        rejection(edited("thermal_radius_m: 0.12e-6", "thermal_radius_m: -1e-7"));
    EXPECT_TRUE(contains(r, "thermal.thermal_radius_m = -1e-7")) << r;
}

TEST(MediumConfig, RejectsCrossTrackOutOfRangeOrNotSimulated)
{
    const auto e = rejection(edited("cross_track_tracks: 0}", "cross_track_tracks: 4}"));
    EXPECT_TRUE(contains(e, "laser_array[0].cross_track_tracks = 4: must be in 0..3"))
        << e;
    const auto one =
        rejection(edited("cross_track_tracks: 0}", "cross_track_tracks: 1}"));
    EXPECT_TRUE(contains(one, "laser_array[0].cross_track_tracks = 1")) << one;
    EXPECT_TRUE(contains(one, "not simulated yet")) << one;
}

TEST(MediumConfig, RejectsWrongType)
{
    const auto e = rejection(edited("velocity_m_s: 4.92", "velocity_m_s: fast"));
    EXPECT_TRUE(contains(e, "format.velocity_m_s = fast: must be a number")) << e;
    const auto i =
        rejection(edited("cross_track_tracks: 0}", "cross_track_tracks: 0.5}"));
    EXPECT_TRUE(contains(i, "cross_track_tracks = 0.5: must be an integer")) << i;
    const auto l = rejection(edited("layers:\n", "layers: 3\nunused:\n"));
    EXPECT_TRUE(contains(l, "layers")) << l;
}

TEST(MediumConfig, RejectsMissingKeyAndUnknownMaterial)
{
    const auto e = rejection(edited("  rin_sigma: 2e-3\n", ""));
    EXPECT_TRUE(contains(e, "noise.rin_sigma: missing")) << e;
    const auto m = rejection(edited("material: wo3", "material: gold"));
    EXPECT_TRUE(contains(m, "layers[1].material = gold: must be one of materials")) << m;
    const auto y = rejection("name: [unclosed");
    EXPECT_TRUE(contains(y, "medium.yml: not valid YAML")) << y;
}

TEST(MediumConfig, MissingFileNamesParameter)
{
    try {
        ecdisc::load_medium("/nonexistent/stack.yml");
        FAIL() << "no exception";
    } catch (const std::invalid_argument& e) {
        EXPECT_TRUE(contains(e.what(), "medium_file = /nonexistent/stack.yml"))
            << e.what();
    }
}

// ---------------------------------------------------------------- parameters

TEST(Medium, RejectsBadParameters)
{
    const auto c = default_medium();
    auto msg = [&](auto f) -> std::string {
        try {
            f();
        } catch (const std::invalid_argument& e) {
            return e.what();
        }
        return "";
    };
    EXPECT_TRUE(contains(msg([&] { medium(c, 0, 1024, { 1, 0 }, {}, 1); }), "sps = 0"));
    EXPECT_TRUE(contains(msg([&] { medium(c, 33, 1024, { 1, 0 }, {}, 1); }), "sps = 33"));
    EXPECT_TRUE(contains(msg([&] {
                             medium(c, 4, 63, { 1, 0 }, {}, 1);
                         }),
                         "track_bits = 63"));
    // 2^26 bits of 74.5 nm are longer than the 0.25 m circumference
    EXPECT_TRUE(contains(msg([&] {
                             medium(c, 4, 1 << 26, { 1, 0 }, {}, 1);
                         }),
                         "shorter than the circumference"));
    EXPECT_TRUE(contains(msg([&] {
                             medium(c, 4, 1024, { 1, 2 }, {}, 1);
                         }),
                         "focus_layers[1] = 2: must be in 0..1"));
    EXPECT_TRUE(
        contains(msg([&] { medium(c, 4, 1024, {}, {}, 1); }), "focus_layers size = 0"));
    EXPECT_TRUE(contains(msg([&] {
                             medium(c, 4, 1024, { 1, 0, 0 }, {}, 1);
                         }),
                         "focus_layers size = 3"));
    EXPECT_TRUE(contains(msg([&] {
                             medium(c, 4, 1024, { 1, 0 }, { 1.0 }, 1);
                         }),
                         "layer_voltages size = 1: must be 0 or 2"));
    EXPECT_TRUE(contains(msg([&] {
                             medium(c, 4, 1024, { 1, 0 }, { 11.0, 0.0 }, 1);
                         }),
                         "layer_voltages[0] = 11"));
    medium m(c, 4, 1024, { 1, 0 }, {}, 1);
    EXPECT_TRUE(contains(msg([&] { m.set_layer_voltage(2, 1.0); }), "layer = 2"));
    EXPECT_TRUE(contains(msg([&] { m.set_layer_voltage(0, -12.0); }), "volts = -12"));
    EXPECT_TRUE(contains(msg([&] { m.set_focus_layer(2, 0); }), "beam = 2"));
    EXPECT_TRUE(contains(msg([&] { m.set_noise_scale(-1); }), "noise_scale = -1"));
}

TEST(Medium, GeometryAndClock)
{
    const auto c = default_medium();
    medium m(c, 4, 1024, { 1, 0 }, {}, 1);
    const double fs = 4 * c.format.velocity_m_s / c.format.channel_bit_m;
    const double trev = 2 * pi * c.format.radius_m / c.format.velocity_m_s;
    EXPECT_NEAR(m.sample_rate_hz(), fs, fs * 1e-12);
    EXPECT_NEAR(m.revolution_s(), trev, trev * 1e-12);
    EXPECT_EQ(m.cells(), 4096);
    EXPECT_EQ(m.lead_cells(0), std::llround(2.0e-6 / (c.format.channel_bit_m / 4)));
    EXPECT_EQ(m.lead_cells(1), 0);
    run(m, { 0.0f, 0.0f }, 4096 + 100);
    EXPECT_EQ(m.revolution(), 1u);
    EXPECT_NEAR(m.time_s(), trev + 100 / fs, 1e-12);
}

// ---------------------------------------------------------------- kinetics

// The closed form applied per sample against a fine-step RK4 integration of
// dc/dt = kappa(T(t))*(1-c) over the pass of both beams across a mark cell.
TEST(Medium, ClosedFormMatchesRungeKuttaOverAMark)
{
    layer0_physics ph;
    const auto& c = ph.c;
    const double volts = 1.5;
    medium m(c, 4, 1024, { 1, 0 }, { volts, 0.0 }, 1);
    m.set_noise_scale(0);
    const int64_t L = m.cells();
    const double cell = c.format.channel_bit_m / 4;
    const double dt = cell / c.format.velocity_m_s; // one cell per sample
    const int64_t lead = std::llround(c.laser_array[0].along_track_m / cell);
    const int64_t a = 1000, b = 1200, x = 1100; // mark cells, watched cell
    std::vector<std::vector<float>> p(2, std::vector<float>(L));
    for (int64_t i = 0; i < L; i++) {
        p[0][i] = 3.0f;                            // assist, CW
        p[1][i] = (i >= a && i < b) ? 6.0f : 0.5f; // recording beam
    }
    run_profile(m, p);

    const auto& th = c.thermal;
    auto temp = [&](int64_t s) {
        const double dr = (x - s) * cell;        // recording beam at cell s
        const double da = (x - s - lead) * cell; // assist beam ahead by lead
        return th.ambient_k +
               p[1][s] * th.heating_k_per_mw *
                   std::exp(-dr * dr / (2 * th.thermal_radius_m * th.thermal_radius_m)) +
               p[0][s] * th.neighbour_k_per_mw *
                   std::exp(-da * da /
                            (2 * th.neighbour_radius_m * th.neighbour_radius_m));
    };
    double cv = 0;
    const int sub = 20;
    for (int64_t s = 0; s < L; s++) {
        const double k = ph.kappa(volts, temp(s));
        const double h = dt / sub;
        auto f = [&](double y) { return k * (1 - y); };
        for (int j = 0; j < sub; j++) {
            const double k1 = f(cv), k2 = f(cv + h / 2 * k1), k3 = f(cv + h / 2 * k2),
                         k4 = f(cv + h * k3);
            cv += h / 6 * (k1 + 2 * k2 + 2 * k3 + k4);
        }
    }
    // the clock then jumps to the next revolution: the rest of it in the dark
    const double trev = 2 * pi * c.format.radius_m / c.format.velocity_m_s;
    cv = 1 - (1 - cv) * std::exp(-ph.kappa(volts, th.ambient_k) * (trev - L * dt));
    EXPECT_GT(cv, 0.5); // the mark really is written
    EXPECT_NEAR(m.state(0, x), cv, 1e-3);
    // the only difference is the +-3 sigma truncation of the heating
    EXPECT_NEAR(m.state(0, x), cv, 1e-5);
}

TEST(Medium, DarkEvolutionOverThreeRevolutions)
{
    layer0_physics ph;
    const double volts = 1.5;
    medium m(ph.c, 4, 1024, { 1, 0 }, { volts, 0.0 }, 1);
    run(m, { 0.0f, 0.0f }, 3 * m.cells());
    const double trev = 2 * pi * ph.c.format.radius_m / ph.c.format.velocity_m_s;
    const double expected = 1 - std::exp(-ph.kappa(volts, ph.t0) * 3 * trev);
    EXPECT_GT(expected, 0.01);
    for (int64_t cell : { 0, 5, 107, 2000, 4095 })
        EXPECT_NEAR(m.state(0, cell), expected, 1e-9 + 1e-9 * expected) << cell;
    EXPECT_NEAR(m.mean_state(0), expected, 1e-9);
    EXPECT_EQ(m.state(1, 2000), 0.0); // no voltage: no change

    // bleaching with a negative voltage: c -> c*exp(-kappa*t)
    medium b(ph.c, 4, 1024, { 1, 0 }, {}, 1);
    b.set_state(0, 0, b.cells(), 1.0);
    b.set_layer_voltage(0, -volts);
    run(b, { 0.0f, 0.0f }, 3 * b.cells());
    EXPECT_NEAR(b.state(0, 2000), std::exp(-ph.kappa(volts, ph.t0) * 3 * trev), 1e-9);
}

// ---------------------------------------------------------------- optics

TEST(Medium, FocusedReadContrastIsReflectanceRatio)
{
    // One layer: the signal is P*r(c), exactly.
    const std::string one =
        edited("  - {name: L1, material: wo3, reflectance_bleached: 0.12, "
               "reflectance_coloured: 0.04,\n     transmittance_bleached: "
               "0.80, transmittance_coloured: 0.50, spacer_m: 0}\n",
               "");
    const auto c1 = parse_medium_yaml(
        [&] {
            std::string s = one;
            s.replace(s.find("spacer_m: 25e-6"), 15, "spacer_m: 0");
            return s;
        }(),
        "one-layer");
    ASSERT_EQ(c1.layers.size(), 1u);
    const auto& l = c1.layers[0];
    const double p = 0.5;
    medium m(c1, 4, 1024, { 0 }, {}, 1);
    m.set_noise_scale(0);
    m.set_state(0, 2000, 1000, 1.0);
    const auto bleached = run(m, { float(p) }, 1000)[0];
    const auto coloured = run(m, { float(p) }, 1500)[0]; // beam at cell 2499
    EXPECT_NEAR(bleached, p * l.reflectance_bleached, 1e-6);
    EXPECT_NEAR(coloured, p * l.reflectance_coloured, 1e-6);
    EXPECT_NEAR(
        coloured / bleached, l.reflectance_coloured / l.reflectance_bleached, 1e-5);

    // Two layers: the defocused layer behind adds a small constant (< 1%).
    const auto c = default_medium();
    medium d(c, 4, 1024, { 1, 0 }, {}, 1);
    d.set_noise_scale(0);
    d.set_state(0, 2000, 1000, 1.0);
    const auto b2 = run(d, { 0.0f, float(p) }, 1000)[1];
    const auto c2 = run(d, { 0.0f, float(p) }, 1500)[1];
    EXPECT_NEAR(c2 / b2,
                c.layers[0].reflectance_coloured / c.layers[0].reflectance_bleached,
                0.01 * c.layers[0].reflectance_coloured /
                    c.layers[0].reflectance_bleached);
}

TEST(Medium, FarLayerSeenThroughBleachedNearLayer)
{
    const auto c = default_medium();
    const double p = 0.5;
    medium m(c, 4, 1024, { 1 }, {}, 1);
    m.set_noise_scale(0);
    const auto s = run(m, { float(p) }, 1000)[0];
    const double t0 = c.layers[0].transmittance_bleached;
    const double expected = p * t0 * t0 * c.layers[1].reflectance_bleached;
    EXPECT_NEAR(s, expected, 0.01 * expected);
    // Colouring the near layer darkens the far layer's signal by (Tc/Tb)^2.
    medium d(c, 4, 1024, { 1 }, {}, 1);
    d.set_noise_scale(0);
    d.set_state(0, 0, d.cells(), 1.0);
    const auto sd = run(d, { float(p) }, 1000)[0];
    const double tc = c.layers[0].transmittance_coloured;
    const double exp_d = p * tc * tc * c.layers[1].reflectance_bleached;
    EXPECT_NEAR(sd, exp_d, 0.02 * exp_d);
}

TEST(Medium, NoiseHasConfiguredSpread)
{
    const auto c = default_medium();
    medium m(c, 4, 1024, { 1, 0 }, {}, 7);
    const size_t n = 200000;
    std::vector<std::vector<float>> p(2, std::vector<float>(n, 0.0f));
    auto out = run_profile(m, p); // no light: amplifier noise only
    double s = 0, s2 = 0;
    for (float v : out[1]) {
        s += v;
        s2 += double(v) * v;
    }
    const double mean = s / n, sd = std::sqrt(s2 / n - mean * mean);
    EXPECT_NEAR(sd, c.noise.amplifier_sigma, 0.02 * c.noise.amplifier_sigma);
    EXPECT_NEAR(mean, 0.0, 5 * c.noise.amplifier_sigma / std::sqrt(double(n)));
}

// ---------------------------------------------------------------- writing

TEST(Medium, VoltageSelectsTheLayer)
{
    const auto c = default_medium();
    for (int k : { 0, 1 }) {
        std::vector<double> volts(2, 0.0);
        volts[k] = 1.5;
        // recording beam (1) on layer k, assist (0) on the other layer
        medium m(c, 4, 1024, { 1 - k, k }, volts, 1);
        std::vector<std::vector<float>> p(2, std::vector<float>(m.cells()));
        for (int64_t i = 0; i < m.cells(); i++) {
            p[0][i] = 3.0f;
            p[1][i] = (i / 200) % 2 ? 6.0f : 0.5f;
        }
        run_profile(m, p);
        EXPECT_GT(m.mean_state(k), 0.2) << k;
        double worst = 0;
        for (int64_t i = 0; i < m.cells(); i++)
            worst = std::max(worst, m.state(1 - k, i));
        EXPECT_LT(worst, 0.01) << k;
    }
}

// The default medium meets the write strategy's design targets.
TEST(Medium, DefaultMediumWriteTargets)
{
    layer0_physics ph;
    auto write = [&](float assist, int64_t* centre, medium** keep) {
        auto* m = new medium(ph.c, 4, 1024, { 1, 0 }, { 1.5, 0.0 }, 1);
        std::vector<std::vector<float>> p(2, std::vector<float>(m->cells()));
        for (int64_t i = 0; i < m->cells(); i++) {
            p[0][i] = assist;
            p[1][i] = (i >= 1000 && i < 1200) ? 6.0f : 0.5f;
        }
        run_profile(*m, p);
        *centre = 1100;
        *keep = m;
    };
    int64_t x;
    medium* on;
    medium* off;
    write(3.0f, &x, &on);
    write(0.0f, &x, &off);
    EXPECT_GE(on->state(0, x), 0.85);
    EXPECT_LE(off->state(0, x), 0.5);

    // a 0.5 mW read pass (both beams) over a space cell: the change while
    // the spots pass, beyond the dark drift over the same time
    const int64_t cell = 2000 + 60; // spots at 2000 after the runs below
    run(*on, { 0.5f, 0.5f }, 2000);
    const double before = on->state(0, cell);
    const double t_before = on->time_s();
    run(*on, { 0.5f, 0.5f }, 120);
    const double dark =
        (1 - before) * (1 - std::exp(-ph.kappa(1.5, ph.t0) * (on->time_s() - t_before)));
    EXPECT_LT(std::fabs(on->state(0, cell) - before - dark), 1e-3);

    // one revolution in the dark with the voltage on
    const double c_before = on->state(0, 3000);
    run(*on, { 0.0f, 0.0f }, on->cells());
    EXPECT_LT(on->state(0, 3000) - c_before, 1e-2);
    delete on;
    delete off;
}

TEST(Medium, AssistSpeedupOnDefault)
{
    const auto c = default_medium();
    medium m(c, 4, 1024, { 1, 0 }, { 1.5, 0.0 }, 1);
    EXPECT_EQ(m.recording_beam(), 1);
    const double s = m.assist_speedup(6.0, 3.0);
    EXPECT_GE(s, 2.0);
    // the same factor from the temperatures at the recording spot centre
    layer0_physics ph;
    const double lead = c.laser_array[0].along_track_m;
    const auto& th = c.thermal;
    const double t_off = th.ambient_k + 6.0 * th.heating_k_per_mw;
    const double t_on =
        t_off +
        3.0 * th.neighbour_k_per_mw *
            std::exp(-lead * lead / (2 * th.neighbour_radius_m * th.neighbour_radius_m));
    EXPECT_NEAR(s, ph.kappa(1.5, t_on) / ph.kappa(1.5, t_off), 0.01 * s);
    EXPECT_NEAR(m.assist_speedup(6.0, 0.0), 1.0, 1e-12);
}

// Repeated passes over a short ring (small radius: the dark time between
// passes is negligible): the assist shortens the time for a cell to reach
// c = 0.5 by the factor assist_speedup reports.
TEST(Medium, AssistShortensTimeToHalfColour)
{
    const auto c =
        parse_medium_yaml(edited("radius_m: 0.040", "radius_m: 4.0e-6"), "small");
    const float p_rec = 4.0f, p_assist = 3.0f;
    auto time_to_half = [&](float assist, double* speedup) {
        medium m(c, 4, 256, { 1, 0 }, { 1.5, 0.0 }, 1);
        m.set_noise_scale(0);
        const int64_t cell = 600;
        double prev_c = 0, prev_t = 0;
        for (int rev = 0; rev < 100000; rev++) {
            run(m, { assist, p_rec }, m.cells());
            const double cv = m.state(0, cell), t = m.time_s();
            if (cv >= 0.5) {
                // interpolate in -ln(1-c), linear in exposure
                const double y0 = -std::log(1 - prev_c), y1 = -std::log(1 - cv);
                *speedup = m.assist_speedup(p_rec, p_assist);
                return prev_t + (t - prev_t) * (std::log(2.0) - y0) / (y1 - y0);
            }
            prev_c = cv;
            prev_t = t;
        }
        return -1.0;
    };
    double s_on = 0, s_off = 0;
    const double t_on = time_to_half(p_assist, &s_on);
    const double t_off = time_to_half(0.0f, &s_off);
    ASSERT_GT(t_on, 0);
    ASSERT_GT(t_off, 0);
    EXPECT_GT(t_off / t_on, 2.0);
    EXPECT_NEAR(t_off / t_on, s_on, 0.1 * s_on);
}
