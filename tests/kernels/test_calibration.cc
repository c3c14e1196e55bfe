/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "calibration.h"
#include "test_util.h"
#include <gtest/gtest.h>
#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

using ecdisc::calibration_channel;
using ecdisc::medium_beam;
using ecdisc::power_to_dac_map;
using ecdisc_test::invalid_argument_message;

namespace {

// The assist channel of media/calibration_example.yml, unquantised.
calibration_channel assist(int bits = 0)
{
    calibration_channel c;
    c.name = "assist";
    c.beam = 0;
    c.dac_bits = bits;
    c.dac_full_scale = 1.0;
    c.power_mw = { 0.0, 0.5, 3.0, 6.0, 10.0 };
    c.dac = { 0.0, 0.08, 0.35, 0.62, 0.95 };
    return c;
}

std::vector<float> run(power_to_dac_map& m, const std::vector<float>& in)
{
    std::vector<float> out(in.size());
    m.process(in.data(), out.data(), in.size());
    return out;
}

const std::string k_good_channel =
    "{name: a, beam: 0, dac_bits: 14, dac_full_scale: 1.0, "
    "points: [[0.0, 0.0], [3.0, 0.35], [10.0, 0.95]]}";

std::string parse_error(const std::string& yaml)
{
    return invalid_argument_message(
        [&] { ecdisc::parse_calibration_yaml(yaml, "bench.yml"); });
}

} // namespace

TEST(Calibration, InterpolatesAtPointsAndMidpoints)
{
    power_to_dac_map m(assist());
    // at the points: the point's DAC value, exactly
    const std::vector<float> at = { 0.0f, 0.5f, 3.0f, 6.0f, 10.0f };
    const auto y = run(m, at);
    for (size_t k = 0; k < at.size(); k++)
        EXPECT_EQ(y[k], static_cast<float>(assist().dac[k])) << "point " << k;
    // midpoints, by hand: (d_k + d_k+1) / 2
    const std::vector<float> mid = { 0.25f, 1.75f, 4.5f, 8.0f };
    const std::vector<double> hand = { 0.04, 0.215, 0.485, 0.785 };
    const auto ym = run(m, mid);
    for (size_t k = 0; k < mid.size(); k++) {
        EXPECT_NEAR(ym[k], hand[k], 1e-6) << "midpoint " << k;
        EXPECT_NEAR(m.dac(mid[k]), hand[k], 1e-12) << "midpoint " << k;
    }
    // a quarter of the way along the segment 3..6 mW: 0.35 + 0.25 * 0.27
    EXPECT_NEAR(run(m, { 3.75f })[0], 0.4175, 1e-6);
    EXPECT_EQ(m.clipped_low() + m.clipped_high(), 0u);
    EXPECT_EQ(m.samples(), 10u);
}

TEST(Calibration, ClippingCountsOnARamp)
{
    // -1 .. 11 mW in steps of 0.25: 4 samples below 0 mW, 4 above 10 mW;
    // the end points themselves (0 and 10 mW) are inside.
    std::vector<float> ramp;
    for (int k = -4; k <= 44; k++)
        ramp.push_back(0.25f * k);
    power_to_dac_map m(assist());
    std::vector<float> out(ramp.size());
    std::vector<size_t> starts;
    // in pieces of 5 samples: runs must not restart at the piece boundaries
    for (size_t i = 0; i < ramp.size(); i += 5) {
        const size_t n = std::min<size_t>(5, ramp.size() - i);
        std::vector<size_t> s;
        m.process(ramp.data() + i, out.data() + i, n, &s);
        for (size_t j : s)
            starts.push_back(i + j);
    }
    EXPECT_EQ(m.clipped_low(), 4u);
    EXPECT_EQ(m.clipped_high(), 4u);
    EXPECT_EQ(m.samples(), ramp.size());
    EXPECT_EQ(starts, (std::vector<size_t>{ 0, 45 }));
    for (size_t i = 0; i < 4; i++)
        EXPECT_EQ(out[i], 0.0f);
    for (size_t i = 45; i < ramp.size(); i++)
        EXPECT_EQ(out[i], 0.95f);

    // low then high straight after: two runs; NaN counts as clipped low
    power_to_dac_map m2(assist());
    const std::vector<float> in = { 1.0f,  -2.0f, std::numeric_limits<float>::quiet_NaN(),
                                    20.0f, 20.0f, 1.0f,
                                    30.0f };
    std::vector<size_t> s2;
    std::vector<float> o2(in.size());
    m2.process(in.data(), o2.data(), in.size(), &s2);
    EXPECT_EQ(s2, (std::vector<size_t>{ 1, 3, 6 }));
    EXPECT_EQ(m2.clipped_low(), 2u);
    EXPECT_EQ(m2.clipped_high(), 3u);
    EXPECT_EQ(o2[2], 0.0f);
    m2.reset_counts();
    EXPECT_EQ(m2.samples() + m2.clipped_low() + m2.clipped_high(), 0u);
}

TEST(Calibration, QuantisesToDacBits)
{
    // 4 bits over [-1, 1]: lsb 1/8, codes -8..7
    power_to_dac_map m4(assist(4));
    EXPECT_EQ(m4.lsb(), 0.125);
    // 3 mW -> 0.35 -> 2.8 codes -> 3; 10 mW -> 0.95 -> 7.6 -> 7 (top code)
    // 1.75 mW -> 0.215 -> 1.72 -> 2; 0.5 mW -> 0.08 -> 0.64 -> 1
    const std::vector<float> in = { 3.0f, 10.0f, 1.75f, 0.5f, 0.0f };
    const std::vector<int> codes = { 3, 7, 2, 1, 0 };
    const auto y = run(m4, in);
    for (size_t k = 0; k < in.size(); k++) {
        EXPECT_EQ(y[k], codes[k] * 0.125f) << in[k] << " mW";
        EXPECT_EQ(m4.code(m4.dac(in[k])), codes[k]) << in[k] << " mW";
    }
    // 14 bits: lsb 1/8192; 0.35 -> 2867.2 -> 2867, 0.95 -> 7782.4 -> 7782
    power_to_dac_map m14(assist(14));
    const auto y14 = run(m14, { 3.0f, 10.0f, 4.5f });
    EXPECT_EQ(y14[0], 2867.0f / 8192);
    EXPECT_EQ(y14[1], 7782.0f / 8192);
    EXPECT_EQ(y14[2], std::nearbyint(0.485 * 8192) / 8192.0f); // 3973.12 -> 3973
    // full scale: +1 is beyond the top code (8191), -1 is the bottom (-8192)
    auto c = assist(14);
    c.dac = { -1.0, -0.5, 0.0, 0.5, 1.0 };
    power_to_dac_map mf(c);
    EXPECT_EQ(mf.code(1.0), 8191);
    EXPECT_EQ(mf.code(-1.0), -8192);
    EXPECT_EQ(run(mf, { 0.0f, 10.0f }), (std::vector<float>{ -1.0f, 8191.0f / 8192 }));
    // no quantisation: no codes
    power_to_dac_map m0(assist(0));
    EXPECT_NE(invalid_argument_message([&] { m0.code(0.5); }).find("dac_bits = 0"),
              std::string::npos);
}

TEST(Calibration, InverseUndoesForward)
{
    // unquantised, strictly increasing curve: inverse(forward(p)) == p to
    // 1e-12 mW (double rounding) over the range
    power_to_dac_map m(assist());
    for (int k = 0; k <= 1000; k++) {
        const double p = 0.01 * k;
        EXPECT_NEAR(m.power_mw(m.forward(p)), p, 1e-12) << p << " mW";
    }
    // quantised to 14 bits: within half an lsb over the smallest slope
    // (0.0825 DAC units per mW, segment 6..10 mW): 7.4e-4 mW
    power_to_dac_map q(assist(14));
    const double tol = 0.5 * q.lsb() / 0.0825 + 1e-12;
    for (int k = 0; k <= 1000; k++) {
        const double p = 0.01 * k;
        EXPECT_NEAR(q.power_mw(q.forward(p)), p, tol) << p << " mW";
    }
    // outside the DAC range: the end points; a flat segment: its lowest power
    EXPECT_EQ(m.power_mw(-0.5), 0.0);
    EXPECT_EQ(m.power_mw(2.0), 10.0);
    auto c = assist();
    c.dac = { 0.0, 0.08, 0.08, 0.62, 0.95 };
    power_to_dac_map f(c);
    EXPECT_EQ(f.power_mw(0.08), 0.5);
    EXPECT_NEAR(f.dac(2.0), 0.08, 1e-15);
}

TEST(Calibration, StreamMatchesReferenceOnRandomInput)
{
    // the float grid path, and the binary-search path for very uneven
    // spacing, against the double reference dac(), on random powers and on
    // every point exactly
    std::mt19937 rng(7);
    auto uneven = assist();
    uneven.power_mw = { 0.0, 0.5, 0.50001, 3.0, 6.0, 10.0 };
    uneven.dac = { 0.0, 0.08, 0.09, 0.35, 0.62, 0.95 };
    auto many = assist();
    many.power_mw.clear();
    many.dac.clear();
    for (int k = 0; k < 200; k++) {
        many.power_mw.push_back(0.05 * k + 0.01 * (k % 3));
        many.dac.push_back(std::sqrt(0.005 * k));
    }
    auto two = assist(); // one segment: the vectorised linear path
    two.power_mw = { 1.0, 9.0 };
    two.dac = { 0.1, 0.9 };
    for (const auto& ch : { assist(), uneven, many, two }) {
        power_to_dac_map m(ch);
        std::uniform_real_distribution<float> u(-1.0f, 12.0f);
        std::vector<float> in(100000);
        for (auto& x : in)
            x = u(rng);
        for (double p : ch.power_mw)
            in.push_back(static_cast<float>(p));
        const auto y = run(m, in);
        for (size_t i = 0; i < in.size(); i++)
            ASSERT_NEAR(y[i], m.dac(in[i]), 2e-6) << "input " << in[i];
        // at the points themselves: the points' values exactly
        for (size_t k = 0; k < ch.power_mw.size(); k++)
            ASSERT_EQ(y[y.size() - ch.power_mw.size() + k], static_cast<float>(ch.dac[k]))
                << "point " << k;
    }
}

TEST(Calibration, ExampleFileParses)
{
    const auto c =
        ecdisc::load_calibration(ECDISC_SOURCE_DIR "/media/calibration_example.yml");
    EXPECT_EQ(c.name, "example-bench");
    EXPECT_EQ(c.source, "calibration_example.yml");
    ASSERT_EQ(c.channels.size(), 2u);
    EXPECT_EQ(c.channels[0].name, "assist");
    EXPECT_EQ(c.channels[0].power_mw, assist().power_mw);
    EXPECT_EQ(c.channels[0].dac, assist().dac);
    EXPECT_EQ(c.channels[0].dac_bits, 14);
    EXPECT_EQ(c.find_channel("record").beam, 1);
    EXPECT_EQ(&c.find_channel("1"), &c.find_channel("record"));
    EXPECT_EQ(&c.find_channel("0"), &c.find_channel("assist"));
    const auto e = invalid_argument_message([&] { c.find_channel("write"); });
    EXPECT_NE(e.find("channel = write"), std::string::npos) << e;
    EXPECT_NE(e.find("assist (beam 0), record (beam 1)"), std::string::npos) << e;
    EXPECT_NE(invalid_argument_message([&] { c.find_channel("3"); }).find("channel = 3"),
              std::string::npos);
    ASSERT_EQ(c.laser_array.size(), 2u);
    // it fits the default medium, whose power streams it is meant for
    EXPECT_NO_THROW(ecdisc::check_calibration_geometry(c, ecdisc::default_medium()));
    EXPECT_NE(invalid_argument_message([] {
                  ecdisc::load_calibration("/nonexistent.yml");
              }).find("calibration_file = /nonexistent.yml: cannot be opened"),
              std::string::npos);
}

TEST(Calibration, ValidationErrorsNameKeyValueAndReason)
{
    EXPECT_EQ(parse_error("name: b\nchannels: [" + k_good_channel + "]\n"),
              "no exception");
    const struct {
        std::string yaml, expect;
    } cases[] = {
        { "name: b\nchannels: [" + k_good_channel + "]\ncolour: red\n",
          "bench.yml: colour: unknown key (allowed: name, channels, laser_array)" },
        { "channels: [" + k_good_channel + "]\n", "bench.yml: name: missing" },
        { "name: b\nchannels: []\n", "bench.yml: channels: must be a list of 1..16" },
        { "name: b\nchannels: [{name: a, beam: 0, dac_bits: 14, dac_full_scale: 1.0, "
          "points: [[0, 0], [1, 0.1]], gain: 2}]\n",
          "bench.yml: channels[0].gain: unknown key (allowed: name, beam, dac_bits, "
          "dac_full_scale, points)" },
        { "name: b\nchannels: [{name: a, beam: x, dac_bits: 14, dac_full_scale: 1.0, "
          "points: [[0, 0], [1, 0.1]]}]\n",
          "bench.yml: channels[0].beam = x: must be an integer in 0..3" },
        { "name: b\nchannels: [{name: a, beam: 0, dac_bits: 1, dac_full_scale: 1.0, "
          "points: [[0, 0], [1, 0.1]]}]\n",
          "bench.yml: channels[0].dac_bits = 1: must be 0 (no quantisation) or in "
          "2..24" },
        { "name: b\nchannels: [{name: a, beam: 0, dac_bits: 30, dac_full_scale: 1.0, "
          "points: [[0, 0], [1, 0.1]]}]\n",
          "bench.yml: channels[0].dac_bits = 30: must be in 0..24" },
        { "name: b\nchannels: [{name: a, beam: 0, dac_bits: 14, dac_full_scale: 0, "
          "points: [[0, 0], [1, 0.1]]}]\n",
          "bench.yml: channels[0].dac_full_scale = 0: must be in (0, 1e+06]" },
        { "name: b\nchannels: [{name: a, beam: 0, dac_bits: 14, dac_full_scale: 1.0, "
          "points: [[0, 0]]}]\n",
          "bench.yml: channels[0].points: must be a list of 2..4096 [mW, DAC units] "
          "pairs" },
        { "name: b\nchannels: [{name: a, beam: 0, dac_bits: 14, dac_full_scale: 1.0, "
          "points: [[0, 0], [1, 0.1, 3]]}]\n",
          "bench.yml: channels[0].points[1]: must be a pair [mW, DAC units]" },
        { "name: b\nchannels: [{name: a, beam: 0, dac_bits: 14, dac_full_scale: 1.0, "
          "points: [[0, 0], [one, 0.1]]}]\n",
          "bench.yml: channels[0].points[1] = [one, 0.1]: must be a pair of numbers" },
        { "name: b\nchannels: [{name: a, beam: 0, dac_bits: 14, dac_full_scale: 1.0, "
          "points: [[-0.5, 0], [1, 0.1]]}]\n",
          "bench.yml: channels[0].points[0] = [-0.5, 0]: power must be in [0, 1000] mW "
          "(a laser emits no negative power)" },
        { "name: b\nchannels: [{name: a, beam: 0, dac_bits: 14, dac_full_scale: 1.0, "
          "points: [[0, 0], [2, 0.2], [2, 0.3]]}]\n",
          "bench.yml: channels[0].points[2] = [2, 0.3]: power must be strictly "
          "increasing (point 1 is at 2 mW)" },
        { "name: b\nchannels: [{name: a, beam: 0, dac_bits: 14, dac_full_scale: 1.0, "
          "points: [[0, 0], [2, 0.2], [3, 0.1]]}]\n",
          "bench.yml: channels[0].points[2] = [3, 0.1]: DAC value must be "
          "non-decreasing (point 1 has 0.2" },
        { "name: b\nchannels: [{name: a, beam: 0, dac_bits: 14, dac_full_scale: 1.0, "
          "points: [[0, 0], [2, 1.5]]}]\n",
          "bench.yml: channels[0].points[1] = [2, 1.5]: DAC value must be in "
          "[-dac_full_scale, dac_full_scale] = [-1, 1]" },
        { "name: b\nchannels: [" + k_good_channel + ", " + k_good_channel + "]\n",
          "bench.yml: channels[1].name = a: duplicate (channels[0] has the same name)" },
        { "name: b\nchannels: [" + k_good_channel +
              ", {name: c, beam: 0, dac_bits: 0, dac_full_scale: 1.0, "
              "points: [[0, 0], [1, 0.1]]}]\n",
          "bench.yml: channels[1].beam = 0: duplicate (channels[0] (a) drives the same "
          "beam" },
        { "name: b\nchannels: [" + k_good_channel +
              "]\nlaser_array: [{name: x, along_track_m: 0, cross_track_tracks: 5}]\n",
          "bench.yml: laser_array[0].cross_track_tracks = 5: must be in -3..3" },
        { "name: b\nchannels: [{name: c, beam: 1, dac_bits: 0, dac_full_scale: 1.0, "
          "points: [[0, 0], [1, 0.1]]}]\n"
          "laser_array: [{name: x, along_track_m: 0, cross_track_tracks: 0}]\n",
          "bench.yml: channels[0].beam = 1: must be a beam of laser_array (0..0)" },
        { "name: b\nchannels: [" + k_good_channel +
              "]\nlaser_array: [{name: x, along_track_m: 0, cross_track_tracks: 0}, "
              "{name: y, along_track_m: 1e-6, cross_track_tracks: 0}]\n",
          "bench.yml: laser_array: beam 0 (x) along_track_m = 0, beam 1 (y) "
          "along_track_m = 1e-06: spot 1 (beam 0, assist) must lead spot 2" },
        { "name: b\nchannels: 3\n", "bench.yml: channels: must be a list of 1..16" },
        { "name: [b\n", "bench.yml: not valid YAML" },
    };
    for (const auto& c : cases) {
        const std::string e = parse_error(c.yaml);
        EXPECT_EQ(e.substr(0, c.expect.size()), c.expect) << c.yaml;
    }
}

TEST(Calibration, LaserArrayGeometry)
{
    auto err = [](const std::vector<medium_beam>& b) {
        return invalid_argument_message([&] { ecdisc::check_laser_array(b, "arr"); });
    };
    const double pitch = ecdisc::k_bd_track_pitch_m;
    // the default medium's array, and a 3-beam array on a slanted line:
    // 1 track across per 2 um along
    EXPECT_EQ(err(ecdisc::default_medium().laser_array), "no exception");
    EXPECT_EQ(err({ { "a", 2e-6, 1 }, { "r", 0, 0 }, { "s", -2e-6, -1 } }),
              "no exception");
    EXPECT_EQ(err({ { "a", 2e-6, 0 } }), "no exception");
    EXPECT_EQ(err({}), "arr: has 0 beams: must have 1..4");
    EXPECT_NE(err({ { "a", 0, 0 }, { "r", 1e-6, 0 } }).find("must lead spot 2"),
              std::string::npos);
    EXPECT_EQ(err({ { "a", 2e-6, 0 }, { "r", 0, 0 }, { "s", 2e-6, 0 } }),
              "arr: beam 0 (a) and beam 2 (s) are at the same spot");
    EXPECT_EQ(err({ { "a", 2e-6, 2 }, { "r", 0, 0 }, { "s", -2e-6, -2 } }),
              "arr: beam 0 (a) and beam 2 (s) are 4 tracks apart: spots must be on the "
              "same track or within 3 tracks");
    // the middle spot one track off the line through the outer two
    const auto off = err({ { "a", 2e-6, 0 }, { "r", 0, 1 }, { "s", -2e-6, 0 } });
    EXPECT_NE(off.find("beam 1 (r) is"), std::string::npos) << off;
    EXPECT_NE(off.find("must lie on one straight line"), std::string::npos) << off;
    (void)pitch;
}

TEST(Calibration, GeometryAgainstTheMedium)
{
    const auto medium = ecdisc::default_medium(); // beams: 2 um ahead, 0
    auto cal = ecdisc::parse_calibration_yaml(
        "name: b\nchannels: [" + k_good_channel + "]\n", "bench.yml");
    EXPECT_NO_THROW(ecdisc::check_calibration_geometry(cal, medium));
    auto msg = [&] {
        return invalid_argument_message(
            [&] { ecdisc::check_calibration_geometry(cal, medium); });
    };
    cal.channels[0].beam = 2;
    EXPECT_EQ(msg().substr(0, 58),
              "bench.yml: channels[0].beam = 2: medium ecdisc-default-4la");
    cal.channels[0].beam = 0;
    cal.laser_array = { { "a", 2.1e-6, 0 }, { "r", 0, 0 } };
    EXPECT_EQ(msg(), "no exception"); // 0.1 um off: within 0.25 um
    cal.laser_array = { { "a", 3e-6, 0 }, { "r", 0, 0 } };
    EXPECT_NE(msg().find("bench.yml: laser_array[0].along_track_m = 3e-06: must be "
                         "within 2.5e-07 m of medium ecdisc-default-4layer's (2e-06)"),
              std::string::npos)
        << msg();
    cal.laser_array = { { "a", 2e-6, 1 }, { "r", 0, 0 } };
    EXPECT_NE(msg().find("laser_array[0].cross_track_tracks = 1: must equal"),
              std::string::npos)
        << msg();
    cal.laser_array = { { "a", 2e-6, 0 } };
    EXPECT_NE(msg().find("bench.yml: laser_array has 1 beams: must have as many as"),
              std::string::npos)
        << msg();
}
