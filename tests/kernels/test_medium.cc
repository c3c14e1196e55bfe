/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Medium simulator kernel: configuration checks and physics, each against
 * numbers computed here from the configured parameters.
 */
#include "medium.h"
#include "medium_config.h"
#include "servo_signals.h"
#include "test_util.h"
#include "wobble_address.h"
#include <gtest/gtest.h>
#include <algorithm>
#include <cmath>
#include <complex>
#include <memory>
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

//! the text of a file under media/
std::string media_text(const std::string& name)
{
    const std::string path = std::string(ECDISC_SOURCE_DIR) + "/media/" + name;
    std::ifstream f(path);
    EXPECT_TRUE(f) << path;
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
}

//! the earlier two-layer stack (media/two_layer.yml): symmetric neighbour
//! heating, RIN and amplifier noise only
medium_config two_layer() { return parse_medium_yaml(media_text("two_layer.yml"), "two"); }

//! a text with one substring replaced (must occur)
std::string edited_text(std::string s, const std::string& from, const std::string& to)
{
    const auto at = s.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos)
        s.replace(at, from.size(), to);
    return s;
}

//! the two-layer text with one substring replaced (must occur)
std::string edited2(const std::string& from, const std::string& to)
{
    return edited_text(media_text("two_layer.yml"), from, to);
}

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

// Layer 0 of a medium (the two-layer stack unless given), under the physics
// constants of the config.
struct layer0_physics {
    medium_config c = two_layer();
    layer0_physics() = default;
    explicit layer0_physics(medium_config cfg) : c(std::move(cfg)) {}
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
    EXPECT_EQ(c.name, "ecdisc-default-4layer");
    EXPECT_EQ(c.layers.size(), 4u);
    EXPECT_EQ(c.laser_array.size(), 2u);
    EXPECT_EQ(c.layers[0].material, "polythiophene");
    EXPECT_EQ(c.layers[1].material, "wo3");
    EXPECT_EQ(c.layers[2].material, "polythiophene");
    EXPECT_EQ(c.layers[3].material, "el_photochromic");
    // unequal spacers: no two layer distances coincide (no ghost images)
    std::vector<double> d;
    for (int a = 0; a < 4; a++)
        for (int b = a + 1; b < 4; b++)
            d.push_back(c.depth_m(b) - c.depth_m(a));
    for (size_t i = 0; i < d.size(); i++)
        for (size_t j = i + 1; j < d.size(); j++)
            EXPECT_GT(std::fabs(d[i] - d[j]), 1e-6) << i << " " << j;
    // every noise term on
    EXPECT_GT(c.noise.amplifier_sigma, 0);
    EXPECT_GT(c.noise.rin_sigma, 0);
    EXPECT_GT(c.noise.shot_sigma, 0);
    EXPECT_GT(c.noise.edge_jitter_m, 0);
    // the earlier stack is kept
    const auto t = two_layer();
    EXPECT_EQ(t.layers.size(), 2u);
    EXPECT_EQ(t.thermal.cross_cell_fraction, 1.0);
}

TEST(MediumConfig, MaterialPresets)
{
    const auto& p = ecdisc::material_presets();
    std::vector<std::string> names;
    for (const auto& m : p)
        names.push_back(m.name);
    EXPECT_EQ(names, (std::vector<std::string>{ "polythiophene", "wo3", "el_photochromic" }));
    // a layer naming a preset gets the preset's constants
    const auto c = default_medium();
    const auto& m2 = c.materials[c.layers[3].material_index];
    EXPECT_EQ(m2.name, "el_photochromic");
    EXPECT_EQ(m2.rate_per_s, p[2].rate_per_s);
    EXPECT_EQ(m2.nominal_voltage_v, p[2].nominal_voltage_v);
    // an entry under materials overrides the preset of the same name
    const auto o = parse_medium_yaml(
        edited("materials: {}",
               "materials:\n  wo3: {rate_per_s: 2.5, activation_ev: 1.0, "
               "nominal_voltage_v: 1.0}"),
        "override");
    EXPECT_EQ(o.materials[o.layers[1].material_index].rate_per_s, 2.5);
    EXPECT_EQ(o.materials[o.layers[0].material_index].rate_per_s, p[0].rate_per_s);
}

TEST(MediumConfig, OptionalKeysAreChecked)
{
    const auto f = rejection(edited("cross_cell_fraction: 0.4", "cross_cell_fraction: 1.5"));
    EXPECT_TRUE(contains(f, "thermal.cross_cell_fraction = 1.5: must be in [0, 1]")) << f;
    const auto sh = rejection(edited("shot_sigma: 3e-4", "shot_sigma: -1"));
    EXPECT_TRUE(contains(sh, "noise.shot_sigma = -1")) << sh;
    const auto ej = rejection(edited("edge_jitter_m: 3e-9", "edge_jitter_m: 3"));
    EXPECT_TRUE(contains(ej, "noise.edge_jitter_m = 3")) << ej;
    const auto sp = rejection(edited("spacer_m: 13e-6}", "spacer_m: 13e-6, spare: maybe}"));
    EXPECT_TRUE(contains(sp, "layers[0].spare = maybe: must be true or false")) << sp;
    const auto ok = parse_medium_yaml(edited("spacer_m: 0}", "spacer_m: 0, spare: true}"),
                                      "spare");
    EXPECT_TRUE(ok.layers[3].spare);
    EXPECT_FALSE(ok.layers[0].spare);
    EXPECT_TRUE(medium(ok, 4, 1024, { 3 }, {}, 1).spare(3));
    EXPECT_FALSE(medium(ok, 4, 1024, { 3 }, {}, 1).spare(2));
    EXPECT_THROW(medium(ok, 4, 1024, { 3 }, {}, 1).spare(4), std::invalid_argument);
    // absent optional keys take their neutral values
    const auto t = two_layer();
    EXPECT_EQ(t.noise.shot_sigma, 0.0);
    EXPECT_EQ(t.noise.edge_jitter_m, 0.0);
    EXPECT_FALSE(t.layers[0].spare);
}

TEST(MediumConfig, RejectsUnknownKey)
{
    const auto e = rejection(edited("  na: 0.85\n", "  na: 0.85\n  colour: blue\n"));
    EXPECT_TRUE(contains(e, "medium.yml: optics.colour: unknown key")) << e;
    const auto top = rejection(default_medium_yaml() + "extra: 1\n");
    EXPECT_TRUE(contains(top, "medium.yml: extra: unknown key")) << top;
    const auto layer =
        rejection(edited("spacer_m: 13e-6}", "spacer_m: 13e-6, thickness_m: 1}"));
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
    const auto e = rejection(edited("spacer_m: 13e-6", "spacer_m: -13e-6"));
    EXPECT_TRUE(contains(e, "layers[0].spacer_m = -13e-6")) << e;
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
    // the single-track default has no other track to put the beam on
    EXPECT_TRUE(contains(one, "geometry.band_tracks = 1")) << one;
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
    EXPECT_TRUE(contains(m, "layers[1].material = gold: must be one of materials or the "
                            "presets (polythiophene, wo3, el_photochromic)"))
        << m;
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
    const auto c = two_layer();
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
    EXPECT_EQ(c.format.radius_m, two_layer().format.radius_m);
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
// dc/dt = kappa(T(t))*(1-c) over the pass of both beams across a mark cell:
// exact-interval integration agrees with fine-step integration. Layer 0 with
// the assist on layer 1 (behind it: the neighbour heat reaches the far face,
// which governs colouring, in full).
void closed_form_vs_runge_kutta(const medium_config& c)
{
    layer0_physics ph(c);
    const double volts = 1.5;
    std::vector<double> v(c.layers.size(), 0.0);
    v[0] = volts;
    medium m(c, 4, 1024, { 1, 0 }, v, 1);
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
    // the only difference is the +-3 sigma truncation of the heating
    EXPECT_NEAR(m.state(0, x), cv, 1e-5) << c.name;
}

TEST(Medium, ClosedFormMatchesRungeKuttaOverAMark)
{
    closed_form_vs_runge_kutta(two_layer());
    closed_form_vs_runge_kutta(default_medium());
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

namespace {

//! tan of the marginal ray angle in the stack
double tan_theta(const medium_config& c)
{
    return std::tan(std::asin(c.optics.na / c.optics.substrate_index));
}

//! detector area ratio of a defocused spot dz away (independent formula)
double defocus_weight(const medium_config& c, double dz)
{
    const double rho = std::fabs(dz) * tan_theta(c);
    const double r = c.optics.detector_radius_m / (2 * rho);
    return std::min(1.0, r * r);
}

//! a stack of the two-layer file's optics with the given layers text
std::string stack_text(const std::string& layers)
{
    std::string s = media_text("two_layer.yml");
    const auto a = s.find("layers:\n"), b = s.find("noise:\n");
    return s.substr(0, a) + "layers:\n" + layers + s.substr(b);
}

std::string layer_line(int k, double rb, double rc, double tb, double tc, double spacer)
{
    std::ostringstream o;
    o << "  - {name: L" << k << ", material: polythiophene, reflectance_bleached: " << rb
      << ", reflectance_coloured: " << rc << ", transmittance_bleached: " << tb
      << ", transmittance_coloured: " << tc << ", spacer_m: " << spacer << "}\n";
    return o.str();
}

//! signal of one beam focused on layer f at power p: bleached, then inside a
//! long mark written on f (noise off, no voltage)
std::pair<double, double> long_mark_read(const medium_config& c, int f, double p)
{
    medium m(c, 4, 1024, { f }, {}, 1);
    m.set_noise_scale(0);
    m.set_state(f, 2000, 1000, 1.0);
    // beam 0 leads the track position by lead_cells
    const int64_t lead = m.lead_cells(0);
    const double space = run(m, { float(p) }, 1000 - lead)[0];
    const double mark = run(m, { float(p) }, 1500)[0];
    return { space, mark };
}

} // namespace

TEST(Medium, FocusedReadContrastIsReflectanceRatio)
{
    // One layer: the signal is P*r(c), exactly.
    const std::string one =
        edited2("  - {name: L1, material: wo3, reflectance_bleached: 0.12, "
                "reflectance_coloured: 0.04,\n     transmittance_bleached: "
                "0.80, transmittance_coloured: 0.50, spacer_m: 0}\n",
                "");
    const auto c1 = parse_medium_yaml(edited_text(one, "spacer_m: 25e-6", "spacer_m: 0"),
                                      "one-layer");
    ASSERT_EQ(c1.layers.size(), 1u);
    const auto& l = c1.layers[0];
    const double p = 0.5;
    const auto [bleached, coloured] = long_mark_read(c1, 0, p);
    EXPECT_NEAR(bleached, p * l.reflectance_bleached, 1e-6);
    EXPECT_NEAR(coloured, p * l.reflectance_coloured, 1e-6);
    EXPECT_NEAR(
        coloured / bleached, l.reflectance_coloured / l.reflectance_bleached, 1e-5);

    // Two layers: the defocused layer behind adds a small constant (< 1%).
    const auto c = two_layer();
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

// An isolated long mark on each layer of the default stack: the signal step
// equals the configured contrast, seen through the round-trip transmittance
// of the layers in front, plus the change the mark's transmittance makes to
// the (defocused) reflection of the layers behind it.
TEST(Medium, LongMarkStepEqualsConfiguredContrast)
{
    const auto c = default_medium();
    const int n = static_cast<int>(c.layers.size());
    const double p = 0.5;
    for (int f = 0; f < n; f++) {
        double a = 1;
        for (int i = 0; i < f; i++)
            a *= c.layers[i].transmittance_bleached * c.layers[i].transmittance_bleached;
        double behind = 0, through = 1;
        for (int j = f + 1; j < n; j++) {
            behind += through * defocus_weight(c, c.depth_m(j) - c.depth_m(f)) *
                      c.layers[j].reflectance_bleached;
            through *=
                c.layers[j].transmittance_bleached * c.layers[j].transmittance_bleached;
        }
        const auto& l = c.layers[f];
        const double step =
            p * a *
            ((l.reflectance_coloured - l.reflectance_bleached) +
             (l.transmittance_coloured * l.transmittance_coloured -
              l.transmittance_bleached * l.transmittance_bleached) *
                 behind);
        const auto [space, mark] = long_mark_read(c, f, p);
        EXPECT_NEAR(mark - space, step, 1e-4 * std::fabs(step)) << f;
        // the bleached level: own reflectance plus the defocused layers
        double level = 0, t = 1;
        for (int k = 0; k < n; k++) {
            const double w = k == f ? 1.0 : defocus_weight(c, c.depth_m(k) - c.depth_m(f));
            level += t * w * c.layers[k].reflectance_bleached;
            t *= c.layers[k].transmittance_bleached * c.layers[k].transmittance_bleached;
        }
        EXPECT_NEAR(space, p * level, 1e-4 * p * level) << f;
    }
}

// The deepest of N equal layers reads with an amplitude proportional to
// T^(2(N-1)).
TEST(Medium, DeepestOfEqualLayersScalesWithRoundTripTransmittance)
{
    const double rb = 0.05, rc = 0.02, tb = 0.9, tc = 0.6, p = 0.5;
    const double spacers[] = { 30e-6, 37e-6, 45e-6 };
    for (int n = 1; n <= 4; n++) {
        std::string layers;
        for (int k = 0; k < n; k++)
            layers += layer_line(k, rb, rc, tb, tc, k + 1 < n ? spacers[k] : 0.0);
        const auto c = parse_medium_yaml(stack_text(layers), "equal");
        const auto [space, mark] = long_mark_read(c, n - 1, p);
        const double expected = p * std::pow(tb, 2 * (n - 1)) * (rb - rc);
        EXPECT_NEAR(space - mark, expected, 1e-4 * expected) << n;
    }
}

// Tone patterns (square waves of marks) on one layer: the response at the
// fundamental follows the circular-pupil MTF, (2/pi)(acos s - s sqrt(1-s^2)),
// s = nu/(2NA/lambda), falls with frequency and vanishes near the cut-off.
TEST(Medium, ToneResponseFollowsTheOtfAndVanishesAtCutoff)
{
    const std::string one =
        edited2("  - {name: L1, material: wo3, reflectance_bleached: 0.12, "
                "reflectance_coloured: 0.04,\n     transmittance_bleached: "
                "0.80, transmittance_coloured: 0.50, spacer_m: 0}\n",
                "");
    const auto c = parse_medium_yaml(edited_text(one, "spacer_m: 25e-6", "spacer_m: 0"),
                                     "one-layer");
    const int sps = 16;
    const double cell = c.format.channel_bit_m / sps;
    const double fc = 2 * c.optics.na / c.optics.wavelength_m;
    const double dr = c.layers[0].reflectance_coloured - c.layers[0].reflectance_bleached;
    double prev = 2;
    for (int period : { 256, 128, 86, 64, 54, 46, 40 }) {
        medium m(c, sps, 1024, { 0 }, {}, 1);
        m.set_noise_scale(0);
        const int64_t L = m.cells();
        for (int64_t i = 0; i < L; i += period)
            m.set_state(0, i, std::min<int64_t>(period / 2, L - i), 1.0);
        std::vector<std::vector<float>> pw(1, std::vector<float>(L, 1.0f));
        const auto out = run_profile(m, pw)[0];
        const int64_t lead = m.lead_cells(0);
        // DFT at 1/period over whole periods away from the seam at cell 0
        const int64_t first = 4000, len = period * (8000 / period);
        std::complex<double> sig = 0, pat = 0;
        for (int64_t i = first; i < first + len; i++) {
            const double ph = 2 * pi * static_cast<double>(i) / period;
            const std::complex<double> e(std::cos(ph), -std::sin(ph));
            const int64_t x = i + lead; // cell under the beam at output i
            const double q = (x % period) < period / 2 ? 1.0 : 0.0;
            sig += static_cast<double>(out[i]) * e;
            pat += dr * q * e;
        }
        const double mtf = std::abs(sig) / std::abs(pat);
        const double s = 1.0 / (period * cell) / fc;
        const double expected =
            s >= 1 ? 0.0 : (2 / pi) * (std::acos(s) - s * std::sqrt(1 - s * s));
        EXPECT_NEAR(mtf, expected, 0.02) << "period " << period << " s " << s;
        EXPECT_LT(mtf, prev + 1e-3) << period;
        prev = mtf;
        if (s > 0.94) {
            EXPECT_LT(mtf, 0.03) << period;
        }
    }
}

// Crosstalk from a fully recorded neighbour layer against the spacer: it
// follows the defocused-area ratio (r_det/2rho)^2, rho = dz*tan(asin(NA/n)).
TEST(Medium, CrosstalkFollowsDefocusedAreaRatio)
{
    const double p = 0.5;
    std::vector<double> delta;
    const std::vector<double> spacers{ 10e-6, 20e-6, 40e-6 };
    for (double d : spacers) {
        std::ostringstream o;
        o << "spacer_m: " << d;
        const auto c = parse_medium_yaml(edited2("spacer_m: 25e-6", o.str()), "xt");
        medium blank(c, 4, 4096, { 0 }, {}, 1), full(c, 4, 4096, { 0 }, {}, 1);
        blank.set_noise_scale(0);
        full.set_noise_scale(0);
        full.set_state(1, 0, full.cells(), 1.0);
        const double s0 = run(blank, { float(p) }, 1000)[0];
        const double s1 = run(full, { float(p) }, 1000)[0];
        delta.push_back(s0 - s1);
        const auto& l0 = c.layers[0];
        const auto& l1 = c.layers[1];
        const double expected = p * l0.transmittance_bleached * l0.transmittance_bleached *
                                defocus_weight(c, d) *
                                (l1.reflectance_bleached - l1.reflectance_coloured);
        EXPECT_NEAR(delta.back(), expected, 0.2 * expected) << d;
    }
    for (size_t i = 1; i < spacers.size(); i++) {
        const double area_ratio = std::pow(spacers[i] / spacers[0], 2);
        EXPECT_NEAR(delta[0] / delta[i], area_ratio, 0.2 * area_ratio) << i;
    }
}

TEST(Medium, CrosstalkFigure)
{
    // two layers: the figure falls with the spacer (the defocused area grows
    // as dz^2 and the random marks average out over a longer footprint, so
    // about 20*log10(2^2*sqrt(2)) = 15 dB per doubling) and stays under the
    // bound of a footprint entirely coloured
    std::vector<double> db;
    for (const char* d : { "spacer_m: 10e-6", "spacer_m: 20e-6" }) {
        const auto c = parse_medium_yaml(edited2("spacer_m: 25e-6", d), "xt");
        medium m(c, 4, 1024, { 0 }, {}, 1);
        db.push_back(m.crosstalk_db(0));
        const auto& l0 = c.layers[0];
        const auto& l1 = c.layers[1];
        const double bound = l0.transmittance_bleached * l0.transmittance_bleached *
                             defocus_weight(c, c.layers[0].spacer_m) *
                             (l1.reflectance_bleached - l1.reflectance_coloured) /
                             (l0.reflectance_bleached - l0.reflectance_coloured);
        EXPECT_LT(db.back(), 20 * std::log10(bound)) << d;
        EXPECT_GT(db.back(), 20 * std::log10(bound) - 40) << d;
    }
    EXPECT_NEAR(db[0] - db[1], 15.0, 6.0);
    // default stack: every layer has a finite figure well below its signal
    const auto c = default_medium();
    medium m(c, 4, 1024, { 1, 0 }, {}, 1);
    for (int k = 0; k < m.num_layers(); k++) {
        const double x = m.crosstalk_db(k);
        EXPECT_LT(x, -10.0) << k;
        EXPECT_GT(x, -90.0) << k;
    }
    // one layer: no crosstalk
    const auto one = parse_medium_yaml(
        stack_text(layer_line(0, 0.05, 0.02, 0.9, 0.6, 0.0)), "one");
    EXPECT_TRUE(std::isinf(medium(one, 4, 1024, { 0 }, {}, 1).crosstalk_db(0)));
}

TEST(Medium, FarLayerSeenThroughBleachedNearLayer)
{
    const auto c = two_layer();
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
    const auto c = two_layer();
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

namespace {

//! the default stack with only the named noise terms (others 0)
medium_config noise_only(double amp, double rin, double shot, double edge)
{
    std::ostringstream o;
    o << "noise:\n  amplifier_sigma: " << amp << "\n  rin_sigma: " << rin
      << "\n  shot_sigma: " << shot << "\n  edge_jitter_m: " << edge << "\n";
    std::string s = default_medium_yaml();
    return parse_medium_yaml(s.substr(0, s.find("noise:\n")) + o.str(), "noise");
}

//! per-sample (noisy - noiseless) over one revolution of random marks on
//! layer 0, read at p; returns the differences and the noiseless signal
std::pair<std::vector<double>, std::vector<double>>
noise_run(const medium_config& c, double p, int layer = 0)
{
    medium m(c, 4, 16384, { layer }, {}, 3);
    uint64_t r = 12345;
    for (int64_t pos = 0; pos < 16384;) {
        r = r * 6364136223846793005ull + 1442695040888963407ull;
        const int64_t run_len = 2 + static_cast<int64_t>((r >> 33) % 7);
        if ((pos / 3) % 2)
            m.set_state(layer, pos * 4, run_len * 4, 1.0);
        pos += run_len;
    }
    const size_t L = static_cast<size_t>(m.cells());
    std::vector<std::vector<float>> pw(1, std::vector<float>(L, float(p)));
    m.set_noise_scale(0);
    const auto clean = run_profile(m, pw)[0];
    m.set_noise_scale(1);
    const auto noisy = run_profile(m, pw)[0];
    std::vector<double> d(L), s(L);
    for (size_t i = 0; i < L; i++) {
        d[i] = double(noisy[i]) - double(clean[i]);
        s[i] = clean[i];
    }
    return { d, s };
}

} // namespace

// Shot noise: sigma = shot_sigma*sqrt(signal).
TEST(Medium, ShotNoiseFollowsSquareRootOfSignal)
{
    const double shot = 3e-3;
    const auto [d, s] = noise_run(noise_only(0, 0, shot, 0), 0.5);
    double var = 0, expected = 0;
    for (size_t i = 0; i < d.size(); i++) {
        var += d[i] * d[i];
        expected += shot * shot * s[i];
    }
    EXPECT_NEAR(std::sqrt(var / expected), 1.0, 0.02);
}

// Mark-edge media noise: the clean signal's slope per cell times the rms
// edge error (in cells); nothing in the middle of marks and spaces. Read on
// the deepest layer, where the whole slope is the focused reflectance's.
TEST(Medium, EdgeNoiseFollowsTheSlope)
{
    const auto c = noise_only(0, 0, 0, 5e-9);
    const double edge_cells = 5e-9 / (c.format.channel_bit_m / 4);
    const auto [d, s] = noise_run(c, 0.5, static_cast<int>(c.layers.size()) - 1);
    double var = 0, expected = 0, flat = 0;
    for (size_t i = 1; i < d.size(); i++) {
        const double slope = s[i] - s[i - 1];
        var += d[i] * d[i];
        expected += edge_cells * edge_cells * slope * slope;
        if (slope == 0)
            flat += std::fabs(d[i]);
    }
    EXPECT_GT(expected, 0);
    EXPECT_NEAR(std::sqrt(var / expected), 1.0, 0.03);
    EXPECT_LT(flat, 1e-6);
}

// The output does not depend on how the samples are split into calls (a
// flowgraph, a bench driver and a test feed the kernel differently).
TEST(Medium, ProcessIsChunkInvariant)
{
    const auto c = default_medium();
    const size_t n = 3 * 4 * 1024;
    std::vector<float> p0(n), p1(n);
    for (size_t i = 0; i < n; i++) {
        p0[i] = i < 4096 ? 3.0f : 0.5f;
        p1[i] = i < 4096 && (i / 37) % 3 == 0 ? 6.0f : 0.5f;
    }
    auto make = [&] {
        return std::make_unique<medium>(
            c, 4, 1024, std::vector<int>{ 1, 0 }, std::vector<double>{ 1.5, 0.0, 0.0, 0.0 }, 3);
    };
    EXPECT_EQ(ecdisc_test::run_two_beams(make, p0, p1, false),
              ecdisc_test::run_two_beams(make, p0, p1, true));
}

// ---------------------------------------------------------------- writing

// Writing with voltage on layer k (assist on its neighbour) changes every
// other layer's state by less than 1 %.
TEST(Medium, VoltageSelectsTheLayer)
{
    const auto c = default_medium();
    const int n = static_cast<int>(c.layers.size());
    for (int k = 0; k < n; k++) {
        std::vector<double> volts(n, 0.0);
        volts[k] = 1.5;
        const int assist = k + 1 < n ? k + 1 : k - 1;
        medium m(c, 4, 1024, { assist, k }, volts, 1);
        std::vector<std::vector<float>> p(2, std::vector<float>(m.cells()));
        for (int64_t i = 0; i < m.cells(); i++) {
            p[0][i] = 3.0f;
            p[1][i] = (i / 200) % 2 ? 6.0f : 0.5f;
        }
        run_profile(m, p);
        EXPECT_GT(m.mean_state(k), 0.2) << k;
        for (int o = 0; o < n; o++) {
            if (o == k)
                continue;
            double worst = 0;
            for (int64_t i = 0; i < m.cells(); i++)
                worst = std::max(worst, m.state(o, i));
            EXPECT_LT(worst, 0.01) << k << " " << o;
        }
    }
}

// The write strategy's design targets: with the assist on the layer behind
// (claim 7), a 6 mW mark colours to >= 0.85; without the assist to <= 0.5.
void write_targets(const medium_config& c, int layer)
{
    const int n = static_cast<int>(c.layers.size());
    std::vector<double> volts(n, 0.0);
    volts[layer] = 1.5;
    layer0_physics ph(c);
    auto write = [&](float assist) {
        auto m = std::make_unique<medium>(c, 4, 1024, std::vector<int>{ layer + 1, layer },
                                          volts, 1);
        std::vector<std::vector<float>> p(2, std::vector<float>(m->cells()));
        for (int64_t i = 0; i < m->cells(); i++) {
            p[0][i] = assist;
            p[1][i] = (i >= 1000 && i < 1200) ? 6.0f : 0.5f;
        }
        run_profile(*m, p);
        return m;
    };
    auto on = write(3.0f);
    auto off = write(0.0f);
    const int64_t x = 1100;
    EXPECT_GE(on->state(layer, x), 0.85) << c.name << " " << layer;
    EXPECT_LE(off->state(layer, x), 0.5) << c.name << " " << layer;
    // one revolution in the dark with the voltage on: spaces stay spaces
    const double c_before = on->state(layer, 3000);
    run(*on, { 0.0f, 0.0f }, on->cells());
    EXPECT_LT(on->state(layer, 3000) - c_before, 1e-2);
}

TEST(Medium, DefaultMediumWriteTargets)
{
    write_targets(two_layer(), 0);
    const auto c = default_medium();
    for (int k = 0; k + 1 < static_cast<int>(c.layers.size()); k++)
        write_targets(c, k);

    // a 0.5 mW read pass (both beams) over a space cell: the change while
    // the spots pass, beyond the dark drift over the same time
    layer0_physics ph;
    medium on(ph.c, 4, 1024, { 1, 0 }, { 1.5, 0.0 }, 1);
    const int64_t cell = 2000 + 60; // spots at 2000 after the run below
    run(on, { 0.5f, 0.5f }, 2000);
    const double before = on.state(0, cell);
    const double t_before = on.time_s();
    run(on, { 0.5f, 0.5f }, 120);
    const double dark =
        (1 - before) * (1 - std::exp(-ph.kappa(1.5, ph.t0) * (on.time_s() - t_before)));
    EXPECT_LT(std::fabs(on.state(0, cell) - before - dark), 1e-3);
}

// The speed-up factor from the temperatures at the recording spot centre:
// the neighbour heat reaches the face that governs the reaction (far face for
// colouring, near face for de-colouring) in full when the assist layer is on
// that side, else by cross_cell_fraction.
TEST(Medium, AssistSpeedupFollowsTheConfiguredPhysics)
{
    const auto c = default_medium();
    ASSERT_LT(c.thermal.cross_cell_fraction, 1.0);
    // the kernel places the beams on whole cells (sps 4)
    const double cell = c.format.channel_bit_m / 4;
    const double lead = std::llround(c.laser_array[0].along_track_m / cell) * cell;
    const auto& th = c.thermal;
    const double g =
        std::exp(-lead * lead / (2 * th.neighbour_radius_m * th.neighbour_radius_m));
    const double p_rec = 6.0, p_as = 3.0;
    medium m(c, 4, 1024, { 1, 0 }, { 1.5, 0.0, 0.0, 0.0 }, 1);
    EXPECT_EQ(m.recording_beam(), 1);
    for (int layer = 0; layer < 4; layer++)
        for (int assist : { layer - 1, layer + 1 }) {
            if (assist < 0 || assist > 3)
                continue;
            layer0_physics ph(c);
            const double ea_kb =
                c.materials[c.layers[layer].material_index].activation_ev / kB;
            const double t_off = th.ambient_k + p_rec * th.heating_k_per_mw;
            for (bool colouring : { true, false }) {
                const bool full = (assist > layer) == colouring;
                const double rise = p_as * th.neighbour_k_per_mw * g *
                                    (full ? 1.0 : th.cross_cell_fraction);
                const double expected =
                    std::exp(ea_kb * (1 / t_off - 1 / (t_off + rise)));
                const double s =
                    m.assist_speedup_for(layer, assist, colouring, p_rec, p_as);
                EXPECT_NEAR(s, expected, 1e-9 * expected)
                    << layer << " " << assist << " " << colouring;
                if (full) {
                    EXPECT_GE(s, 2.0) << layer << " " << assist;
                }
            }
        }
    // claim 7 against claim 8: the direction flips with the side
    EXPECT_GT(m.assist_speedup_for(1, 2, true, p_rec, p_as),
              2 * m.assist_speedup_for(1, 0, true, p_rec, p_as));
    EXPECT_GT(m.assist_speedup_for(1, 0, false, p_rec, p_as),
              2 * m.assist_speedup_for(1, 2, false, p_rec, p_as));
    EXPECT_EQ(m.assist_speedup_for(0, 2, true, p_rec, p_as), 1.0);
    // the present configuration (layer 0 colouring, assist on layer 1)
    EXPECT_NEAR(m.assist_speedup(p_rec, p_as),
                m.assist_speedup_for(0, 1, true, p_rec, p_as),
                1e-9);
    EXPECT_NEAR(m.assist_speedup(p_rec, 0.0), 1.0, 1e-12);
}

// Repeated passes over a short ring (small radius: the dark time between
// passes is negligible): the assist shortens the time for a cell of layer 1
// to get half way to the state its voltage drives it to by the factor
// assist_speedup_for reports, and the direction that is sped up flips with
// the side of the assist layer (claims 7, 8).
TEST(Medium, AssistShortensTimeToHalfWayBothDirections)
{
    const auto c = parse_medium_yaml(edited("radius_m: 0.040", "radius_m: 4.0e-6"), "small");
    const float p_rec = 4.0f, p_assist = 3.0f;
    const int layer = 1;
    auto time_to_half = [&](int assist_layer, bool colouring, float assist) {
        std::vector<double> volts(4, 0.0);
        volts[layer] = colouring ? 1.5 : -1.5;
        medium m(c, 4, 256, { assist_layer, layer }, {}, 1);
        m.set_noise_scale(0);
        if (!colouring)
            m.set_state(layer, 0, m.cells(), 1.0);
        for (int k = 0; k < 4; k++)
            m.set_layer_voltage(k, volts[k]);
        const double target = colouring ? 1.0 : 0.0;
        const int64_t cell = 600;
        double prev_y = 0, prev_t = m.time_s();
        for (int rev = 0; rev < 100000; rev++) {
            run(m, { assist, p_rec }, m.cells());
            // exposure so far: -ln|c - c_inf| (from |1 - 0| = 1 at the start)
            const double y = -std::log(std::fabs(m.state(layer, cell) - target));
            const double t = m.time_s();
            if (y >= std::log(2.0))
                return prev_t + (t - prev_t) * (std::log(2.0) - prev_y) / (y - prev_y);
            prev_y = y;
            prev_t = t;
        }
        return -1.0;
    };
    medium ref(c, 4, 256, { 0, layer }, {}, 1);
    for (int assist_layer : { 0, 2 })
        for (bool colouring : { true, false }) {
            const double t_on = time_to_half(assist_layer, colouring, p_assist);
            const double t_off = time_to_half(assist_layer, colouring, 0.0f);
            ASSERT_GT(t_on, 0);
            ASSERT_GT(t_off, 0);
            const double s =
                ref.assist_speedup_for(layer, assist_layer, colouring, p_rec, p_assist);
            EXPECT_NEAR(t_off / t_on, s, 0.1 * s) << assist_layer << " " << colouring;
            // claim 7: layer in front of the assist layer, colouring sped up;
            // claim 8: layer behind it, de-colouring sped up
            if ((assist_layer > layer) == colouring) {
                EXPECT_GT(t_off / t_on, 2.0) << assist_layer << " " << colouring;
            }
        }
}

// ---------------------------------------------------------------- servo detector channels

namespace {

//! the guide-layer example stack (media/guide_layer_example.yml)
medium_config guide_layer() { return parse_medium_yaml(media_text("guide_layer_example.yml"), "guide"); }

//! quadrant outputs of every beam over n samples at constant powers
//! (q[4 b + k], k = A, B, C, D)
std::vector<std::vector<float>> run_quad(medium& m, const std::vector<float>& p, size_t n)
{
    const int nb = m.num_beams();
    std::vector<std::vector<float>> in(nb), q(4 * nb, std::vector<float>(n));
    std::vector<const float*> ip(nb);
    std::vector<float*> op(4 * nb);
    for (int b = 0; b < nb; b++) {
        in[b].assign(n, p[b]);
        ip[b] = in[b].data();
    }
    for (int k = 0; k < 4 * nb; k++)
        op[k] = q[k].data();
    m.process_quadrants(ip.data(), op.data(), n);
    return q;
}

//! mean normalised FES and PP of beam b over a quadrant run
std::pair<double, double> fes_pp(const std::vector<std::vector<float>>& q, int b)
{
    double f = 0, p = 0, s = 0;
    for (size_t i = 0; i < q[0].size(); i++) {
        const double a = q[4 * b][i], bb = q[4 * b + 1][i], c = q[4 * b + 2][i],
                     d = q[4 * b + 3][i];
        f += (a + c) - (bb + d);
        p += (a + d) - (bb + c);
        s += a + bb + c + d;
    }
    return { f / s, p / s };
}

//! the astigmatic model's widths, from the optics
struct astig {
    double s, sigma0, theta, z0, a;
    explicit astig(const medium_config& c)
    {
        s = c.optics.astigmatism_m;
        sigma0 = 0.21 * c.optics.wavelength_m / c.optics.na;
        theta = 0.5 * std::tan(std::asin(c.optics.na / c.optics.substrate_index));
        z0 = sigma0 / theta;
        a = std::sqrt(z0 * z0 + 0.25 * s * s);
    }
    //! reference FES: an elliptical Gaussian with its axes on the detector
    //! diagonals, P(A + C) = P(|u| > |v|) by quadrature over u
    double fes_reference(double dz) const
    {
        const double su = std::sqrt(sigma0 * sigma0 + theta * theta * (dz + s / 2) * (dz + s / 2));
        const double sv = std::sqrt(sigma0 * sigma0 + theta * theta * (dz - s / 2) * (dz - s / 2));
        const int n = 20000;
        const double umax = 10 * su, du = umax / n;
        double pac = 0;
        for (int i = 0; i < n; i++) {
            const double u = (i + 0.5) * du;
            pac += 2 * std::exp(-u * u / (2 * su * su)) / (su * std::sqrt(2 * pi)) *
                   std::erf(u / (sv * std::sqrt(2.0))) * du;
        }
        return 2 * pac - 1;
    }
};

} // namespace

TEST(MediumConfig, GuideLayerKeys)
{
    const auto d = default_medium();
    EXPECT_EQ(d.optics.astigmatism_m, 1.6e-6);
    EXPECT_EQ(d.format.track_pitch_m, 0.32e-6);
    for (const auto& l : d.layers)
        EXPECT_FALSE(l.groove.present);
    const auto g = guide_layer();
    ASSERT_EQ(g.layers.size(), 3u);
    EXPECT_TRUE(g.layers[0].groove.present);
    EXPECT_TRUE(g.layers[0].groove.wobble);
    EXPECT_EQ(g.layers[0].groove.depth_m, 25e-9);
    EXPECT_EQ(g.layers[0].groove.period_bits, 69);
    EXPECT_EQ(g.layers[0].groove.wobbles_per_unit, 8);
    EXPECT_EQ(g.layers[0].groove.amplitude_m, 10e-9);
    EXPECT_EQ(g.layers[0].groove.layer_address, 0);
    EXPECT_FALSE(g.layers[1].groove.present);
    EXPECT_NE(g, parse_medium_yaml(edited_text(media_text("guide_layer_example.yml"),
                                               "depth_m: 25e-9",
                                               "depth_m: 30e-9"),
                                   "g"));
    const std::string t = media_text("guide_layer_example.yml");
    EXPECT_TRUE(contains(rejection(edited_text(t, "depth_m: 25e-9", "depth_m: 2e-6")),
                         "layers[0].groove.depth_m = 2e-6"))
        << rejection(edited_text(t, "depth_m: 25e-9", "depth_m: 2e-6"));
    EXPECT_TRUE(contains(rejection(edited_text(t, "period_bits: 69", "period_bits: 4")),
                         "layers[0].groove.wobble.period_bits"));
    EXPECT_TRUE(contains(rejection(edited_text(t, "layer_address: 0", "layer_address: 0, x: 1")),
                         "x"));
    EXPECT_TRUE(contains(rejection(edited_text(t, "astigmatism_m: 1.6e-6", "astigmatism_m: -1")),
                         "optics.astigmatism_m = -1"));
    EXPECT_TRUE(contains(rejection(edited_text(t, "track_pitch_m: 0.32e-6", "track_pitch_m: 0")),
                         "format.track_pitch_m = 0"));
}

// The quadrants split the sum signal: A + B + C + D equals process()'s
// output (same seed, same noise) on a written track, with offsets set.
TEST(Medium, QuadrantSumEqualsSumOutput)
{
    for (const auto& c : { default_medium(), guide_layer() }) {
        medium m1(c, 4, 1024, { 1, 0 }, {}, 5), m2(c, 4, 1024, { 1, 0 }, {}, 5);
        for (auto* m : { &m1, &m2 })
            for (int64_t k = 0; k < 1024; k += 7)
                m->set_state(1, k * 4, 12, 1.0);
        m2.set_focus_offset(0, 0.4e-6);
        m2.set_tracking_offset(0, 0.05e-6);
        m2.set_focus_offset(1, -0.7e-6);
        m2.set_tracking_offset(1, -0.11e-6);
        m2.set_focus_layer(1, 0);
        m1.set_focus_layer(1, 0);
        const size_t n = 6000;
        std::vector<std::vector<float>> p(2, std::vector<float>(n));
        for (size_t i = 0; i < n; i++) {
            p[0][i] = 0.5f + 0.1f * (i % 5);
            p[1][i] = 0.5f;
        }
        const auto s = run_profile(m1, p);
        std::vector<std::vector<float>> q(8, std::vector<float>(n));
        const float* ip[2] = { p[0].data(), p[1].data() };
        std::vector<float*> op;
        for (auto& v : q)
            op.push_back(v.data());
        m2.process_quadrants(ip, op.data(), n);
        for (int b = 0; b < 2; b++)
            for (size_t i = 0; i < n; i++) {
                const float sum = q[4 * b][i] + q[4 * b + 1][i] + q[4 * b + 2][i] + q[4 * b + 3][i];
                ASSERT_NEAR(sum, s[b][i], 4e-7f * std::fabs(s[b][i]) + 1e-9f) << b << " " << i;
            }
    }
}

// FES vs focus offset: the closed form matches an elliptical-Gaussian
// quadrature; zero at best focus, odd, S-curve peak-to-peak distance 2a
// and capture range from lambda, NA, n and the astigmatism within 20 %.
TEST(Medium, AstigmaticFocusErrorSCurve)
{
    for (const double s : { 1.6e-6, 3.2e-6 }) {
        const auto c = parse_medium_yaml(
            edited(" detector_radius_m: 3.0e-6",
                   " detector_radius_m: 3.0e-6\n  astigmatism_m: " + (s > 2e-6 ? std::string("3.2e-6") : std::string("1.6e-6"))),
            "astig");
        ASSERT_EQ(c.optics.astigmatism_m, s);
        const astig ref(c);
        medium m(c, 2, 256, { 0 }, {}, 1);
        m.set_noise_scale(0);
        const double step = 0.02e-6;
        std::vector<double> dz, fes;
        for (double z = -10e-6; z <= 10e-6 + 1e-12; z += step) {
            m.set_focus_offset(0, z);
            const auto q = run_quad(m, { 1.0f }, 64);
            dz.push_back(z);
            fes.push_back(fes_pp(q, 0).first);
        }
        const size_t mid = dz.size() / 2;
        ASSERT_NEAR(dz[mid], 0.0, 1e-12);
        EXPECT_NEAR(fes[mid], 0.0, 1e-6);
        for (size_t k = 1; k <= mid; k++)
            ASSERT_NEAR(fes[mid + k], -fes[mid - k], 1e-5) << dz[mid + k];
        for (size_t k = 0; k < dz.size(); k += 50)
            EXPECT_NEAR(fes[k], ref.fes_reference(dz[k]), 2e-3) << dz[k];
        // the extremes
        const size_t imax = std::max_element(fes.begin(), fes.end()) - fes.begin();
        const size_t imin = std::min_element(fes.begin(), fes.end()) - fes.begin();
        EXPECT_GT(dz[imax], 0.0); // positive for focus behind the layer
        const double pp_dist = dz[imax] - dz[imin];
        EXPECT_NEAR(pp_dist, 2 * ref.a, 0.2 * 2 * ref.a) << s;
        // capture range: outer half-peak points
        const double half = 0.5 * fes[imax];
        size_t k = imax;
        while (k + 1 < fes.size() && fes[k] > half)
            k++;
        const double capture = 2 * dz[k];
        const double r = std::sin(std::asin(s / (2 * ref.a)) / 2);
        const double dz_h = (s / r + std::sqrt(s * s / (r * r) - 4 * ref.a * ref.a)) / 2;
        EXPECT_NEAR(capture, 2 * dz_h, 0.2 * 2 * dz_h) << s;
        ASSERT_LT(dz_h, 10e-6);
    }
}

// PP vs tracking offset on the grooved guide layer (wobble off):
// sinusoidal with period = track pitch and the scalar amplitude
// sin(4 pi n d / lambda) O(lambda/(p NA)); zero on a flat layer.
TEST(Medium, PushPullSinusoidalInTrackingOffset)
{
    const auto c = parse_medium_yaml(edited_text(media_text("guide_layer_example.yml"),
                                                 "amplitude_m: 10e-9",
                                                 "amplitude_m: 0"),
                                     "g");
    const double pitch = c.format.track_pitch_m;
    const double lam = c.optics.wavelength_m, na = c.optics.na;
    const double h = lam / (pitch * na) / 2;
    const double overlap = 2 / pi * (std::acos(h) - h * std::sqrt(1 - h * h));
    const double p0 =
        std::sin(4 * pi * c.optics.substrate_index * c.layers[0].groove.depth_m / lam) * overlap;
    ASSERT_GT(p0, 0.05);
    std::vector<double> t, pp, pp_flat;
    medium m(c, 2, 256, { 0, 1 }, {}, 1);
    m.set_noise_scale(0);
    m.set_focus_offset(0, 0.3e-6); // the FES does not leak into the PP
    for (int k = 0; k < 97; k++) {
        const double x = -pitch + k * 2.5 * pitch / 96;
        m.set_tracking_offset(0, x);
        m.set_tracking_offset(1, x);
        const auto q = run_quad(m, { 1.0f, 1.0f }, 32);
        t.push_back(x);
        pp.push_back(fes_pp(q, 0).second);
        pp_flat.push_back(fes_pp(q, 1).second);
    }
    for (double v : pp_flat)
        EXPECT_NEAR(v, 0.0, 1e-7);
    // least-squares fit c1 sin + c2 cos + c3 for each trial period
    auto fit = [&](double period, double& amp) {
        double m11 = 0, m12 = 0, m22 = 0, y1 = 0, y2 = 0;
        for (size_t i = 0; i < t.size(); i++) {
            const double s1 = std::sin(2 * pi * t[i] / period), c1 = std::cos(2 * pi * t[i] / period);
            m11 += s1 * s1;
            m12 += s1 * c1;
            m22 += c1 * c1;
            y1 += s1 * pp[i];
            y2 += c1 * pp[i];
        }
        const double det = m11 * m22 - m12 * m12;
        const double a1 = (y1 * m22 - y2 * m12) / det, a2 = (m11 * y2 - m12 * y1) / det;
        amp = std::hypot(a1, a2);
        double r = 0;
        for (size_t i = 0; i < t.size(); i++) {
            const double e = pp[i] - a1 * std::sin(2 * pi * t[i] / period) -
                             a2 * std::cos(2 * pi * t[i] / period);
            r += e * e;
        }
        return r;
    };
    double best = 0, best_r = 1e300, amp = 0;
    for (double period = 0.5 * pitch; period <= 2 * pitch; period += 0.001 * pitch) {
        double a;
        const double r = fit(period, a);
        if (r < best_r) {
            best_r = r;
            best = period;
            amp = a;
        }
    }
    EXPECT_NEAR(best, pitch, 0.005 * pitch);
    EXPECT_NEAR(amp, p0, 0.01 * p0);
    EXPECT_LT(std::sqrt(best_r / t.size()), 1e-3 * p0);
    // the sign: the outer half brighter for a spot outside the groove centre
    // by a quarter pitch
    m.set_tracking_offset(0, pitch / 4);
    EXPECT_NEAR(fes_pp(run_quad(m, { 1.0f, 1.0f }, 32), 0).second, p0, 1e-4);
}

// The guide layer's wobble: the push-pull at zero tracking offset is
// -P0 sin(2 pi w / p) with w the groove displacement of an independent
// wobble modulator, and the wobble_address_decoder reads the address words.
TEST(Medium, WobbleCarriesAddressWords)
{
    const auto c = guide_layer();
    const ecdisc::wobble_format wf(69, 8);
    const int64_t bits = 4 * wf.word_length_bits();
    const double pitch = c.format.track_pitch_m;
    const double p0 = [&] {
        medium m(c, 1, 256, { 0 }, {}, 1);
        return m.push_pull_amplitude(0);
    }();
    {
        medium m(c, 1, bits, { 0 }, {}, 1);
        m.set_noise_scale(0);
        ecdisc::wobble_address start;
        start.layer = 0;
        ecdisc::wobble_address_modulator mod(wf, start);
        const size_t n = 5000;
        const auto q = run_quad(m, { 0.5f }, n);
        const int64_t lead = m.lead_cells(0);
        for (size_t i = 0; i < n; i += 7) {
            const double w = 10e-9 * mod.sample(static_cast<double>(i + lead));
            const double s = q[0][i] + q[1][i] + q[2][i] + q[3][i];
            const double pp = ((q[0][i] + q[3][i]) - (q[1][i] + q[2][i])) / s;
            ASSERT_NEAR(pp, -p0 * std::sin(2 * pi * w / pitch), 2e-6) << i;
        }
    }
    // with the medium's noise: three revolutions through push_pull and the
    // decoder. (The spot starts on a word boundary, lead 0: from some start
    // phases, e.g. 27 bits into a word with this sign, the decoder's PLL did
    // not lock on the noiseless normalised push-pull within 20 words.)
    const auto c0 = parse_medium_yaml(edited_text(media_text("guide_layer_example.yml"),
                                                  "along_track_m: 2.0e-6",
                                                  "along_track_m: 0"),
                                      "g0");
    medium m(c0, 1, bits, { 0 }, {}, 7);
    ASSERT_EQ(m.lead_cells(0), 0);
    const size_t n = 3 * static_cast<size_t>(bits);
    const auto q = run_quad(m, { 0.5f }, n);
    std::vector<float> pp(n);
    ecdisc::push_pull(q[0].data(), q[1].data(), q[2].data(), q[3].data(), pp.data(), n, 1e-6f);
    ecdisc::wobble_address_decoder dec(wf, 1.0);
    std::vector<ecdisc::wobble_word> words;
    dec.process(pp.data(), n, words);
    ASSERT_GE(words.size(), 6u) << "locked " << dec.locked() << " synced " << dec.synced()
                                << " amplitude " << dec.amplitude() << " failed "
                                << dec.words_failed() << " wobbles " << dec.wobbles()
                                << " pp[100] " << pp[100] << " pp[120] " << pp[120];
    const int64_t lead = m.lead_cells(0);
    for (const auto& w : words) {
        EXPECT_EQ(w.address.layer, 0);
        EXPECT_EQ(w.address.track, 0);
        // the word under the spot where it began: positions (i + lead) mod L
        const int64_t pos = (static_cast<int64_t>(w.start_sample) + lead) % bits;
        const int64_t word = (pos + wf.word_length_bits() / 2) / wf.word_length_bits() % 4;
        EXPECT_EQ(w.address.segment, word) << w.start_sample;
    }
}

// process_quadrants does not depend on how the samples are split (wobble
// included), and the offsets are checked.
TEST(Medium, QuadrantsAreChunkInvariantAndOffsetsChecked)
{
    const auto c = guide_layer();
    const size_t n = 3 * 4 * 1024 + 77;
    std::vector<float> p0(n, 0.5f), p1(n);
    for (size_t i = 0; i < n; i++)
        p1[i] = (i / 37) % 3 == 0 ? 0.8f : 0.5f;
    auto run_split = [&](bool split) {
        medium m(c, 4, 1024, { 0, 1 }, {}, 3);
        m.set_tracking_offset(0, 0.03e-6);
        m.set_focus_offset(1, -0.2e-6);
        std::vector<std::vector<float>> q(8, std::vector<float>(n));
        uint64_t r = 1;
        for (size_t i = 0; i < n;) {
            r = r * 6364136223846793005ull + 1442695040888963407ull;
            const size_t k = split ? std::min<size_t>(n - i, 1 + (r >> 33) % 500) : n - i;
            const float* in[2] = { p0.data() + i, p1.data() + i };
            float* out[8];
            for (int j = 0; j < 8; j++)
                out[j] = q[j].data() + i;
            m.process_quadrants(in, out, k);
            i += k;
        }
        return q;
    };
    EXPECT_EQ(run_split(false), run_split(true));
    medium m(c, 4, 1024, { 0, 1 }, {}, 3);
    auto invalid_message = [](auto f) -> std::string {
        try {
            f();
        } catch (const std::invalid_argument& e) {
            return e.what();
        }
        return "";
    };
    EXPECT_TRUE(contains(invalid_message([&] { m.set_focus_offset(0, 2e-3); }),
                         "focus_offset_m = 0.002"));
    EXPECT_TRUE(contains(invalid_message([&] { m.set_tracking_offset(2, 0.0); }), "beam = 2"));
    EXPECT_TRUE(contains(invalid_message([&] { m.set_tracking_offset(1, NAN); }),
                         "tracking_offset_m = nan"));
    EXPECT_EQ(m.push_pull_amplitude(1), 0.0);
    EXPECT_EQ(m.groove_displacement(1, 100.0), 0.0);
    EXPECT_EQ(m.along_bits(0), static_cast<double>(m.lead_cells(0)) / 4);
}

// ------------------------------------------ claim-specific sub-layers (10-12)

namespace {

//! the two-layer stack with text appended to layer k's mapping
medium_config two_layer_with(int k, const std::string& keys)
{
    const std::string end = k == 0 ? "spacer_m: 25e-6}" : "spacer_m: 0}";
    return parse_medium_yaml(edited2(end, end.substr(0, end.size() - 1) + ", " + keys + "}"),
                             "sub");
}

//! the invalid_argument message of f ("" if none)
template <typename F>
std::string refusal(F f)
{
    try {
        f();
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "";
}

} // namespace

TEST(MediumConfig, SubLayerKeysAreChecked)
{
    // absent: neutral
    for (const auto& l : default_medium().layers) {
        EXPECT_FALSE(l.photoconductor.present);
        EXPECT_FALSE(l.phase_change.present);
    }
    const auto c = two_layer_with(
        0,
        "photoconductor: {dark_fraction: 0.05, saturation_mw: 2}, "
        "phase_change: {transition_k: 350, factor: 7}");
    EXPECT_TRUE(c.layers[0].photoconductor.present);
    EXPECT_EQ(c.layers[0].photoconductor.dark_fraction, 0.05);
    EXPECT_EQ(c.layers[0].photoconductor.saturation_mw, 2.0);
    EXPECT_TRUE(c.layers[0].phase_change.present);
    EXPECT_EQ(c.layers[0].phase_change.transition_k, 350.0);
    EXPECT_EQ(c.layers[0].phase_change.factor, 7.0);
    EXPECT_FALSE(c.layers[1].photoconductor.present);
    EXPECT_NE(c, two_layer());
    EXPECT_NE(c,
              two_layer_with(0,
                             "photoconductor: {dark_fraction: 0.05, saturation_mw: 2}, "
                             "phase_change: {transition_k: 350, factor: 6}"));
    auto rej = [](int k, const std::string& keys) {
        const std::string end = k == 0 ? "spacer_m: 25e-6}" : "spacer_m: 0}";
        return rejection(edited2(end, end.substr(0, end.size() - 1) + ", " + keys + "}"));
    };
    const auto f = rej(0, "photoconductor: {dark_fraction: 1.5, saturation_mw: 2}");
    EXPECT_TRUE(contains(f, "layers[0].photoconductor.dark_fraction = 1.5: must be in [0, 1]"))
        << f;
    const auto p = rej(1, "photoconductor: {dark_fraction: 0.1, saturation_mw: 0}");
    EXPECT_TRUE(contains(p, "layers[1].photoconductor.saturation_mw = 0")) << p;
    const auto m = rej(0, "photoconductor: {dark_fraction: 0.1}");
    EXPECT_TRUE(contains(m, "saturation_mw")) << m;
    const auto t = rej(0, "phase_change: {transition_k: 0, factor: 2}");
    EXPECT_TRUE(contains(t, "layers[0].phase_change.transition_k = 0")) << t;
    const auto g = rej(0, "phase_change: {transition_k: 350, factor: -1}");
    EXPECT_TRUE(contains(g, "layers[0].phase_change.factor = -1")) << g;
    const auto u = rej(0, "phase_change: {transition_k: 350, factor: 2, hysteresis_k: 3}");
    EXPECT_TRUE(contains(u, "hysteresis_k")) << u;
    // the example stack with both sub-layers and a spare
    const auto a = parse_medium_yaml(media_text("assist_layers_example.yml"), "assist");
    ASSERT_EQ(a.layers.size(), 3u);
    EXPECT_TRUE(a.layers[0].photoconductor.present);
    EXPECT_TRUE(a.layers[1].phase_change.present);
    EXPECT_TRUE(a.layers[2].spare);
}

// Claim 10: a spare layer is never recorded; a nonzero voltage on it is
// refused naming the key, the value and why, and changes nothing.
// Claim 10: a spare layer carries no recorded information but is colourable
// by a voltage: with the recording beam focused on it at write power it
// colours evenly, at its dark rate, the same under the beam as far from it
// (closed form 1 - exp(-kappa_dark t)), while the same layer not marked
// spare is written where the beam passes.
TEST(Medium, SpareLayerColoursEvenlyAndIsNeverWritten)
{
    const double volts = 1.5;
    const auto c = two_layer_with(0, "spare: true");
    layer0_physics ph(c);
    medium m(c, 4, 1024, { 1, 0 }, { volts, 0.0 }, 1); // beam 1 records layer 0
    EXPECT_TRUE(m.spare(0));
    EXPECT_FALSE(m.spare(1));
    EXPECT_EQ(m.layer_voltage(0), volts);
    m.set_noise_scale(0);
    run(m, { 3.0f, 6.0f }, 2 * m.cells()); // two revolutions at write power
    const double t = m.time_s();
    const double expected = 1 - std::exp(-ph.kappa(volts, ph.t0) * t);
    EXPECT_GT(expected, 1e-6);
    for (int64_t cell : { int64_t(0), int64_t(5), int64_t(1000), int64_t(2048), m.cells() - 1 })
        EXPECT_NEAR(m.state(0, cell), expected, 1e-9 + 1e-6 * expected) << cell;
    // not spare: the beam writes the layer far beyond the dark level
    medium w(two_layer(), 4, 1024, { 1, 0 }, { volts, 0.0 }, 1);
    w.set_noise_scale(0);
    run(w, { 3.0f, 6.0f }, 2 * w.cells());
    EXPECT_LT(expected, 0.05);
    EXPECT_GT(w.state(0, 2048), 0.5);
    // and the voltage is accepted by the setter too
    EXPECT_NO_THROW(m.set_layer_voltage(0, -1.0));
    EXPECT_EQ(m.layer_voltage(0), -1.0);
}

// Claim 12: with voltage on and no light a photo-conductor layer colours at
// rate*f (closed form over three revolutions); under the beam each cell's
// rate is scaled by f + (1 - f) I/(I + P_sat) with I the beam's power times
// the focused Gaussian profile at the cell.
TEST(Medium, PhotoconductorGatesTheVoltageWithLight)
{
    const double f = 0.05, psat = 2.0, volts = 1.5;
    const auto c = two_layer_with(
        0, "photoconductor: {dark_fraction: 0.05, saturation_mw: 2}");
    layer0_physics ph(c);
    const double trev = 2 * pi * c.format.radius_m / c.format.velocity_m_s;
    {
        medium m(c, 4, 1024, { 1, 0 }, { volts, 0.0 }, 1);
        run(m, { 0.0f, 0.0f }, 3 * m.cells());
        const double expected = 1 - std::exp(-ph.kappa(volts, ph.t0) * f * 3 * trev);
        EXPECT_GT(expected, 1e-4);
        for (int64_t cell : { 0, 5, 107, 2000, 4095 })
            EXPECT_NEAR(m.state(0, cell), expected, 1e-12 + 1e-9 * expected) << cell;
        // and ten times more without the photo-conductor (1/f)
        medium plain(two_layer(), 4, 1024, { 1, 0 }, { volts, 0.0 }, 1);
        run(plain, { 0.0f, 0.0f }, 3 * plain.cells());
        EXPECT_NEAR(-std::log(1 - plain.state(0, 2000)) * f,
                    -std::log(1 - m.state(0, 2000)),
                    1e-9 * -std::log(1 - m.state(0, 2000)));
        EXPECT_NEAR(m.kappa(0, ph.t0), ph.kappa(volts, ph.t0) * f, 1e-12);
    }
    // one sample with the recording beam (beam 1, lead 0) at P on layer 0
    const float p = 4.0f;
    medium m(c, 4, 1024, { 1, 0 }, { volts, 0.0 }, 1);
    ASSERT_EQ(m.lead_cells(1), 0);
    m.set_noise_scale(0);
    const double c0 = 0.2;
    m.set_state(0, 0, m.cells(), c0);
    run(m, { 0.0f, p }, 1); // beam 0 (on layer 1) dark
    const double cell = c.format.channel_bit_m / 4;
    const double dt = cell / c.format.velocity_m_s;
    const double sig = c.thermal.thermal_radius_m;
    for (int64_t off : { -12, -5, 0, 3, 9 }) {
        const double x = off * cell;
        const double prof = std::exp(-x * x / (2 * sig * sig));
        const double light = p * prof;
        const double temp = ph.t0 + p * c.thermal.heating_k_per_mw * prof;
        const double factor = f + (1 - f) * light / (light + psat);
        const double k = ph.kappa(volts, temp) * factor;
        const double expected = 1 - (1 - c0) * std::exp(-k * dt);
        EXPECT_NEAR(m.state(0, off), expected, 1e-12) << off;
        EXPECT_NEAR(m.photo_factor(0, light), factor, 1e-15);
        EXPECT_NEAR(m.light_mw(0, off, { 0.0, p }), light, 1e-12);
    }
    EXPECT_GT(m.state(0, 0) - c0, 10 * (m.state(0, 200) - c0)); // lit vs unlit
    // far from the spot (outside the active window): the dark factor
    const double kd = ph.kappa(volts, ph.t0) * f;
    EXPECT_NEAR(m.state(0, 200), 1 - (1 - c0) * std::exp(-kd * dt), 1e-14);
    // no light on the layer a beam is not focused on
    EXPECT_EQ(m.light_mw(1, 0, { 0.0, p }), 0.0);
    EXPECT_EQ(m.light_mw(0, 0, { 3.0, 0.0 }), 0.0);
    EXPECT_EQ(m.photo_factor(1, 3.0), 1.0);
}

// Claim 11: above T_c the phase-change layer's rate is g times the
// Arrhenius rate; below it, the Arrhenius rate. Checked on kappa() and on
// the kernel's evolution over one sample under the beam against the same
// stack without the sub-layer.
TEST(Medium, PhaseChangeMultipliesTheRateAboveTransition)
{
    const double tc = 350, g = 7, volts = 1.5;
    const auto c = two_layer_with(0, "phase_change: {transition_k: 350, factor: 7}");
    layer0_physics ph(c);
    medium m(c, 4, 1024, { 1, 0 }, { volts, 0.0 }, 1);
    medium plain(two_layer(), 4, 1024, { 1, 0 }, { volts, 0.0 }, 1);
    const double lo = tc - 1e-6, hi = tc + 1e-6;
    EXPECT_NEAR(m.kappa(0, hi) / m.kappa(0, lo) / m.arrhenius_ratio(0, lo, hi), g, 1e-9);
    EXPECT_NEAR(m.kappa(0, 420) / ph.kappa(volts, 420), g, 1e-9);
    EXPECT_NEAR(m.kappa(0, 320) / ph.kappa(volts, 320), 1.0, 1e-12);
    EXPECT_EQ(m.phase_factor(0, hi), g);
    EXPECT_EQ(m.phase_factor(0, lo), 1.0);
    EXPECT_EQ(m.phase_factor(1, 1000), 1.0);

    const float p = 4.0f; // peak 300 + 92 K: above T_c at the centre
    const double c0 = 0.2;
    for (auto* k : { &m, &plain }) {
        k->set_noise_scale(0);
        k->set_state(0, 0, k->cells(), c0);
        run(*k, { 0.0f, p }, 1);
    }
    const double cell = c.format.channel_bit_m / 4;
    const double sig = c.thermal.thermal_radius_m;
    int above = 0, below = 0;
    for (int64_t off = -15; off <= 15; off++) {
        const double x = off * cell;
        const double temp =
            ph.t0 + p * c.thermal.heating_k_per_mw * std::exp(-x * x / (2 * sig * sig));
        const double expect_ratio = temp > tc ? g : 1.0;
        (temp > tc ? above : below)++;
        const double r =
            std::log((1 - m.state(0, off)) / (1 - c0)) / std::log((1 - plain.state(0, off)) / (1 - c0));
        EXPECT_NEAR(r, expect_ratio, 1e-9) << off << " " << temp;
    }
    EXPECT_GT(above, 3);
    EXPECT_GT(below, 3);
    // the assist factor of claims 5-8 includes the switch when the assist
    // heat crosses T_c (recording at 2 mW: 346 K; assist 3 mW on layer 1)
    {
        const auto& th = c.thermal;
        const double cellm = c.format.channel_bit_m / 4;
        const double lead = std::llround(c.laser_array[0].along_track_m / cellm) * cellm;
        const double t_off = th.ambient_k + 2.0 * th.heating_k_per_mw;
        const double t_on = t_off + 3.0 * th.neighbour_k_per_mw *
                                        std::exp(-lead * lead / (2 * th.neighbour_radius_m *
                                                                 th.neighbour_radius_m));
        ASSERT_LT(t_off, tc);
        ASSERT_GT(t_on, tc);
        EXPECT_NEAR(m.assist_speedup_for(0, 1, true, 2.0, 3.0) /
                        std::exp(ph.ea_kb * (1 / t_off - 1 / t_on)),
                    g,
                    1e-9);
    }
    // a transition below ambient: the dark rate carries g too
    const auto cold = two_layer_with(0, "phase_change: {transition_k: 250, factor: 3}");
    medium d(cold, 4, 1024, { 1, 0 }, { volts, 0.0 }, 1);
    run(d, { 0.0f, 0.0f }, d.cells());
    const double trev = 2 * pi * c.format.radius_m / c.format.velocity_m_s;
    EXPECT_NEAR(d.state(0, 2000), 1 - std::exp(-3 * ph.kappa(volts, ph.t0) * trev), 1e-12);
}

// The guide layer's wobble read by beam 0 at its configured along-track
// offset (2 um, 27 channel bits ahead of the word boundary: the spot starts
// 0.39 wobble into a word, with the medium's inverted push-pull sign):
// through push_pull and the wobble_address_decoder, with the medium's
// noise, every word after the first complete one is decoded, each with the
// address of the word under the spot where it began.
TEST(Medium, WobbleAddressWordsAtConfiguredBeamOffset)
{
    const auto c = guide_layer();
    const ecdisc::wobble_format wf(69, 8);
    const int64_t L = wf.word_length_bits();
    const int64_t bits = 4 * L;
    medium m(c, 1, bits, { 0 }, {}, 7);
    const int64_t lead = m.lead_cells(0);
    // 2.0e-6 m / 74.5e-9 m per channel bit, 1 cell per bit
    ASSERT_NEAR(static_cast<double>(lead), 2.0e-6 / 74.5e-9, 1.0);
    ASSERT_NE(lead % 69, 0);
    const size_t n = 3 * static_cast<size_t>(bits);
    const auto q = run_quad(m, { 0.5f }, n);
    std::vector<float> pp(n);
    ecdisc::push_pull(q[0].data(), q[1].data(), q[2].data(), q[3].data(), pp.data(), n, 1e-6f);
    ecdisc::wobble_address_decoder dec(wf, 1.0);
    std::vector<ecdisc::wobble_word> words;
    dec.process(pp.data(), n, words);
    // words begin at samples k L - lead, k = 1..11 inside the 12 words run;
    // a word is decoded one wobble after its end (for the choice of its
    // start among -1, 0, +1 wobbles), so k = 11 is not; all after the first
    // complete one (k = 2..10) must be there
    std::vector<bool> got(12, false);
    for (const auto& w : words) {
        const int64_t pos = static_cast<int64_t>(w.start_sample) + lead;
        const int64_t k = (pos + L / 2) / L;
        EXPECT_LE(pos > k * L ? pos - k * L : k * L - pos, 69 / 4) << w.start_sample;
        EXPECT_EQ(w.address.layer, 0);
        EXPECT_EQ(w.address.track, 0);
        EXPECT_EQ(w.address.segment, k % 4) << w.start_sample;
        if (k >= 0 && k < 12)
            got[static_cast<size_t>(k)] = true;
    }
    for (int64_t k = 2; k <= 10; k++)
        EXPECT_TRUE(got[static_cast<size_t>(k)]) << "word " << k << " missing; locked " << dec.locked()
                                  << " synced " << dec.synced() << " failed "
                                  << dec.words_failed();
    EXPECT_EQ(dec.words_failed(), 0u);
}

// Neutral sub-layers (a photo-conductor with f = 1, a phase change above any
// temperature reached) give exactly the output of the stack without them;
// the example stack with both sub-layers writes a mark only on its
// photo-conductor layer's lit cells and is chunk invariant.
TEST(Medium, NeutralSubLayersChangeNothingAndExampleWrites)
{
    const size_t n = 2 * 4 * 1024;
    std::vector<std::vector<float>> p(2, std::vector<float>(n, 0.5f));
    for (size_t i = 0; i < n; i++) {
        p[0][i] = 3.0f;
        p[1][i] = i >= 1000 && i < 1200 ? 6.0f : 0.5f;
    }
    auto signals = [&](const medium_config& c, const std::vector<double>& v) {
        medium m(c, 4, 1024, { 1, 0 }, v, 5);
        const auto out = run_profile(m, p);
        std::vector<double> s(out[0].begin(), out[0].end());
        s.insert(s.end(), out[1].begin(), out[1].end());
        for (int64_t x = 0; x < m.cells(); x += 97)
            s.push_back(m.state(0, x));
        return s;
    };
    const auto neutral = two_layer_with(
        0,
        "photoconductor: {dark_fraction: 1, saturation_mw: 1}, "
        "phase_change: {transition_k: 2000, factor: 5}");
    EXPECT_EQ(signals(neutral, { 1.5, 0.0 }), signals(two_layer(), { 1.5, 0.0 }));

    const auto a = parse_medium_yaml(media_text("assist_layers_example.yml"), "assist");
    const std::vector<double> v{ 1.5, 0.0, 0.0 };
    medium m(a, 4, 1024, { 1, 0 }, v, 5);
    m.set_noise_scale(0);
    run_profile(m, p);
    // inside the mark (written at 6 mW) against far from it (dark factor)
    const double f = a.layers[0].photoconductor.dark_fraction;
    const double trev = 2 * pi * a.format.radius_m / a.format.velocity_m_s;
    const double kd = m.kappa(0, a.thermal.ambient_k);
    EXPECT_NEAR(kd,
                a.materials[a.layers[0].material_index].rate_per_s /
                    a.materials[a.layers[0].material_index].nominal_voltage_v * 1.5 * f,
                1e-15);
    EXPECT_GT(m.state(0, 1100), 0.5);
    // outside the mark: read at 0.5 mW only (lit and heated briefly once per
    // revolution, dark otherwise): almost no colour
    EXPECT_LT(m.state(0, 3000), 1e-3);
    EXPECT_GT(m.state(0, 3000), 1 - std::exp(-kd * 2 * trev));
    // chunk invariance with both sub-layers under voltage
    auto run_split = [&](bool split) {
        medium k(a, 4, 1024, { 1, 0 }, { 1.5, -1.0, 0.0 }, 3);
        std::vector<float> s0(n), s1(n);
        uint64_t r = 7;
        for (size_t i = 0; i < n;) {
            r = r * 6364136223846793005ull + 1442695040888963407ull;
            const size_t len = split ? std::min<size_t>(n - i, 1 + (r >> 33) % 500) : n - i;
            const float* in[2] = { p[0].data() + i, p[1].data() + i };
            float* out[2] = { s0.data() + i, s1.data() + i };
            k.process(in, out, len);
            i += len;
        }
        s0.insert(s0.end(), s1.begin(), s1.end());
        return s0;
    };
    EXPECT_EQ(run_split(false), run_split(true));
}
