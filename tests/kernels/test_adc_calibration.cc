/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "adc_calibration.h"
#include "test_util.h"
#include <gtest/gtest.h>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

using ecdisc::adc_channel;
using ecdisc::adc_to_photocurrent_map;
using ecdisc_test::invalid_argument_message;

namespace {

std::string parse_error(const std::string& yaml)
{
    return invalid_argument_message(
        [&] { ecdisc::parse_adc_calibration_yaml(yaml, "bench.yml"); });
}

std::vector<float> run(adc_to_photocurrent_map& m,
                       const std::vector<float>& in,
                       std::vector<size_t>* starts = nullptr)
{
    std::vector<float> out(in.size());
    m.process(in.data(), out.data(), in.size(), starts);
    return out;
}

bool contains(const std::string& s, const std::string& part)
{
    return s.find(part) != std::string::npos;
}

} // namespace

TEST(AdcCalibration, GainAndOffset)
{
    adc_channel ch;
    ch.gain = 2.5;
    ch.offset = 0.1;
    adc_to_photocurrent_map m(ch);
    const std::vector<float> in = { 0.1f, 0.5f, -0.3f, 0.9f };
    const auto y = run(m, in);
    // 2.5 * (x - 0.1)
    const double want[] = { 0.0, 1.0, -1.0, 2.0 };
    for (size_t i = 0; i < in.size(); i++) {
        EXPECT_NEAR(y[i], want[i], 1e-6) << i;
        EXPECT_NEAR(m.photocurrent(in[i]), want[i], 1e-6) << i;
    }
    EXPECT_EQ(m.samples(), 4u);
    EXPECT_EQ(m.saturated(), 0u);
}

TEST(AdcCalibration, PolynomialAfterGainAndOffset)
{
    adc_channel ch;
    ch.gain = 2.0;
    ch.offset = -0.25;
    ch.polynomial = { 0.5, 1.0, -0.25, 0.125 }; // 0.5 + u - u^2/4 + u^3/8
    adc_to_photocurrent_map m(ch);
    const std::vector<float> in = { -0.25f, 0.25f, 0.75f, -0.75f };
    const auto y = run(m, in);
    // u = 2 (x + 0.25): 0, 1, 2, -1
    const double want[] = { 0.5, 0.5 + 1 - 0.25 + 0.125, 0.5 + 2 - 1 + 1,
                            0.5 - 1 - 0.25 - 0.125 };
    for (size_t i = 0; i < in.size(); i++) {
        EXPECT_NEAR(y[i], want[i], 1e-6) << i;
        EXPECT_NEAR(m.photocurrent(in[i]), want[i], 1e-12) << i;
    }
}

TEST(AdcCalibration, LinearPolynomialMatchesGeneralPath)
{
    // [c0, c1] takes the fused multiply-add path; compare it with the
    // formula c0 + c1 * gain * (x - offset)
    adc_channel ch;
    ch.gain = -3.0;
    ch.offset = 0.02;
    ch.polynomial = { 0.1, 0.9 };
    adc_to_photocurrent_map m(ch);
    std::vector<float> in;
    for (int k = -50; k <= 50; k++)
        in.push_back(0.019f * k);
    const auto y = run(m, in);
    for (size_t i = 0; i < in.size(); i++)
        EXPECT_NEAR(y[i], 0.1 + 0.9 * -3.0 * (in[i] - 0.02), 1e-5) << i;
}

TEST(AdcCalibration, SaturationCountedAndRunStartsAcrossCalls)
{
    adc_channel ch;
    ch.adc_full_scale = 0.5;
    adc_to_photocurrent_map m(ch);
    std::vector<size_t> starts;
    const float nan = std::numeric_limits<float>::quiet_NaN();
    run(m, { 0.0f, 0.5f, 0.7f, 0.1f, -0.5f }, &starts);
    EXPECT_EQ(starts, (std::vector<size_t>{ 1, 4 }));
    starts.clear();
    // the run at the end of the last call continues: no new start at 0
    run(m, { -0.6f, 0.2f, nan, 0.49f }, &starts);
    EXPECT_EQ(starts, (std::vector<size_t>{ 2 }));
    EXPECT_EQ(m.samples(), 9u);
    EXPECT_EQ(m.saturated(), 5u);
    m.reset_counts();
    EXPECT_EQ(m.saturated(), 0u);
    EXPECT_EQ(m.samples(), 0u);
}

TEST(AdcCalibration, InPlace)
{
    adc_channel ch;
    ch.gain = 4.0;
    ch.offset = 0.25;
    adc_to_photocurrent_map m(ch);
    std::vector<float> buf = { 0.25f, 0.5f, 0.0f };
    m.process(buf.data(), buf.data(), buf.size());
    EXPECT_FLOAT_EQ(buf[0], 0.0f);
    EXPECT_FLOAT_EQ(buf[1], 1.0f);
    EXPECT_FLOAT_EQ(buf[2], -1.0f);
}

TEST(AdcCalibration, ParsesFileWithDefaults)
{
    const auto c = ecdisc::parse_adc_calibration_yaml(
        "name: b\n"
        "adc_channels:\n"
        "  - {name: a, rx_channel: 1, beam: 0, gain: 2.0}\n"
        "  - {name: r, rx_channel: 0, beam: 1, adc_full_scale: 2.0, gain: -1.5,\n"
        "     offset: -0.5, polynomial: [0.0, 1.0, 0.5]}\n",
        "bench.yml");
    EXPECT_EQ(c.name, "b");
    EXPECT_EQ(c.dac_calibration, "");
    ASSERT_EQ(c.channels.size(), 2u);
    const auto& a = c.find_channel("a");
    EXPECT_EQ(a.rx_channel, 1);
    EXPECT_EQ(a.adc_full_scale, 1.0);
    EXPECT_EQ(a.offset, 0.0);
    EXPECT_EQ(a.polynomial, (std::vector<double>{ 0.0, 1.0 }));
    // by RX channel index
    const auto& r = c.find_channel("0");
    EXPECT_EQ(r.name, "r");
    EXPECT_EQ(r.beam, 1);
    EXPECT_EQ(r.gain, -1.5);
    EXPECT_EQ(r.offset, -0.5);
    EXPECT_EQ(r.polynomial, (std::vector<double>{ 0.0, 1.0, 0.5 }));
    // u = -1.5 (0.5 + 0.5) = -1.5; 0 - 1.5 + 0.5 * 2.25
    EXPECT_NEAR(adc_to_photocurrent_map(r).photocurrent(0.5), -1.5 + 1.125, 1e-12);
    const auto e = invalid_argument_message([&] { c.find_channel("x"); });
    EXPECT_TRUE(contains(e, "channel = x")) << e;
    EXPECT_TRUE(contains(e, "a (rx 1), r (rx 0)")) << e;
}

TEST(AdcCalibration, BadFilesNameFileKeyAndValue)
{
    const std::string head = "name: b\nadc_channels:\n  - ";
    struct bad {
        std::string yaml, want;
    };
    const std::vector<bad> cases = {
        { head + "{name: a, rx_channel: 0, beam: 0, gain: 0}",
          "bench.yml: adc_channels[0].gain = 0: must not be 0" },
        { head + "{name: a, rx_channel: 16, beam: 0, gain: 1}",
          "bench.yml: adc_channels[0].rx_channel = 16: must be in 0..15" },
        { head + "{name: a, rx_channel: 0, beam: 4, gain: 1}",
          "bench.yml: adc_channels[0].beam = 4: must be in 0..3" },
        { head + "{name: a, rx_channel: 0, beam: 0, gain: abc}",
          "bench.yml: adc_channels[0].gain = abc: must be a number" },
        { head + "{name: a, rx_channel: 0, beam: 0, gain: 1, offset: 1.5}",
          "bench.yml: adc_channels[0].offset = 1.5: must be in [-adc_full_scale, "
          "adc_full_scale] = [-1, 1]" },
        { head + "{name: a, rx_channel: 0, beam: 0, gain: 1, adc_full_scale: 0}",
          "bench.yml: adc_channels[0].adc_full_scale = 0: must be in (0, 1e+06]" },
        { head + "{name: a, rx_channel: 0, beam: 0, gain: 1, polynomial: [1, x]}",
          "bench.yml: adc_channels[0].polynomial[1] = x: must be a number" },
        { head + "{name: a, rx_channel: 0, beam: 0, gain: 1, polynomial: []}",
          "bench.yml: adc_channels[0].polynomial: must be a list of 1..8" },
        { head + "{name: a, rx_channel: 0, beam: 0, gain: 1, gian: 2}",
          "bench.yml: adc_channels[0].gian: unknown key" },
        { head + "{name: a, rx_channel: 0, beam: 0}",
          "bench.yml: adc_channels[0].gain: missing" },
        { head + "{name: a, rx_channel: 0, beam: 0, gain: 1}\n  - "
                 "{name: a, rx_channel: 1, beam: 1, gain: 1}",
          "bench.yml: adc_channels[1].name = a: duplicate" },
        { head + "{name: a, rx_channel: 0, beam: 0, gain: 1}\n  - "
                 "{name: b, rx_channel: 0, beam: 1, gain: 1}",
          "bench.yml: adc_channels[1].rx_channel = 0: duplicate" },
        { "name: b\nadc_channels: []\n",
          "bench.yml: adc_channels: must be a list of 1..16 channels" },
        { "name: b\nadc_channels:\n  - {name: a, rx_channel: 0, beam: 0, gain: 1}\n"
          "channels: []\n",
          "bench.yml: channels: unknown key" },
        { "name: b\ndac_calibration: no_such_file.yml\nadc_channels:\n"
          "  - {name: a, rx_channel: 0, beam: 0, gain: 1}\n",
          "bench.yml: dac_calibration = no_such_file.yml: calibration_file = "
          "no_such_file.yml: cannot be opened" },
        { "name: b\nadc_channels: [\n", "bench.yml: not valid YAML" },
    };
    for (const auto& c : cases) {
        const std::string e = parse_error(c.yaml);
        EXPECT_TRUE(contains(e, c.want)) << "yaml:\n" << c.yaml << "\nmessage: " << e;
    }
}

TEST(AdcCalibration, LoadResolvesDacCalibrationBesideTheFile)
{
    // a bench file and its DAC file in a directory other than the cwd
    char tmpl[] = "/tmp/ecdisc_adc_cal_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    const std::string dir = tmpl;
    {
        std::ofstream f(dir + "/dac.yml");
        f << "name: d\nchannels:\n  - {name: r, beam: 1, dac_bits: 0, "
             "dac_full_scale: 1.0, points: [[0, 0], [10, 1]]}\n";
        std::ofstream g(dir + "/bench.yml");
        g << "name: b\ndac_calibration: dac.yml\nadc_channels:\n"
             "  - {name: r, rx_channel: 0, beam: 1, gain: 3.0}\n";
        std::ofstream h(dir + "/bad.yml");
        h << "name: b\ndac_calibration: dac.yml\nadc_channels:\n"
             "  - {name: r, rx_channel: 0, beam: 1, gain: 3.0, offset: -2}\n";
    }
    const auto c = ecdisc::load_adc_calibration(dir + "/bench.yml");
    EXPECT_EQ(c.source, "bench.yml");
    EXPECT_EQ(c.dac_calibration, dir + "/dac.yml");
    const auto e =
        invalid_argument_message([&] { ecdisc::load_adc_calibration(dir + "/bad.yml"); });
    EXPECT_TRUE(contains(e, "bad.yml: adc_channels[0].offset = -2: must be in")) << e;
    const auto e2 = invalid_argument_message(
        [&] { ecdisc::load_adc_calibration(dir + "/missing.yml"); });
    EXPECT_EQ(e2, "calibration_file = " + dir + "/missing.yml: cannot be opened");
    std::remove((dir + "/dac.yml").c_str());
    std::remove((dir + "/bench.yml").c_str());
    std::remove((dir + "/bad.yml").c_str());
    std::remove(dir.c_str());
}

TEST(AdcCalibration, ShippedFilesParse)
{
    const std::string media = std::string(ECDISC_SOURCE_DIR) + "/media/";
    const auto ex = ecdisc::load_adc_calibration(media + "bench_calibration_example.yml");
    ASSERT_EQ(ex.channels.size(), 2u);
    EXPECT_EQ(ex.dac_calibration, media + "calibration_example.yml");
    // record_det: u = 2.5 (x + 0.004), p = u + 0.02 u^2
    const double u = 2.5 * (0.2 + 0.004);
    EXPECT_NEAR(adc_to_photocurrent_map(ex.find_channel("record_det")).photocurrent(0.2),
                u + 0.02 * u * u,
                1e-12);
    const auto id = ecdisc::load_adc_calibration(media + "bench_calibration_ecdisc.yml");
    for (const auto& ch : id.channels)
        EXPECT_EQ(adc_to_photocurrent_map(ch).photocurrent(3.75), 3.75);
}
