/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "power_table.h"
#include "test_util.h"
#include "write_strategy.h"
#include <gtest/gtest.h>
#include <fstream>
#include <vector>

using ecdisc::load_power_table;
using ecdisc::parse_power_table_yaml;
using ecdisc_test::invalid_argument_message;

namespace {

const char* two_layers = R"(
name: t
layers:
  - {layer: 0, write_power_mw: 6.0, space_power_mw: 0.5, assist_power_mw: 3.0,
     record_voltage_v: 1.5}
  - {layer: 1, write_power_mw: 9.0, space_power_mw: 0.7, assist_power_mw: 4.0,
     record_voltage_v: -1.2, bias_power_mw: 2.0, cooling_power_mw: 0.2,
     middle_power_mw: 5.0}
)";

std::string with_entry(const std::string& entry)
{
    return "name: t\nlayers:\n  - " + entry + "\n";
}

} // namespace

TEST(PowerTable, ParsesEntries)
{
    const auto t = parse_power_table_yaml(two_layers, "t.yml");
    EXPECT_EQ(t.name(), "t");
    ASSERT_EQ(t.layers().size(), 2u);
    EXPECT_TRUE(t.has(1));
    EXPECT_FALSE(t.has(2));
    const auto& l1 = t.at(1);
    EXPECT_DOUBLE_EQ(l1.write_power_mw, 9.0);
    EXPECT_DOUBLE_EQ(l1.space_power_mw, 0.7);
    EXPECT_DOUBLE_EQ(l1.assist_power_mw, 4.0);
    EXPECT_DOUBLE_EQ(l1.record_voltage_v, -1.2);
    EXPECT_TRUE(l1.has_strategy_powers);
    EXPECT_DOUBLE_EQ(l1.bias_power_mw, 2.0);
    EXPECT_DOUBLE_EQ(l1.cooling_power_mw, 0.2);
    EXPECT_DOUBLE_EQ(l1.middle_power_mw, 5.0);
    EXPECT_FALSE(t.at(0).has_strategy_powers);
    EXPECT_EQ(invalid_argument_message([&] { t.at(3); }),
              "layer = 3: not in power table t (layers 0, 1)");
}

TEST(PowerTable, RejectsBadFilesNamingKeyAndValue)
{
    const std::string ok =
        "{layer: 0, write_power_mw: 6, space_power_mw: 0.5, assist_power_mw: 3, "
        "record_voltage_v: 1.5";
    EXPECT_EQ(invalid_argument_message(
                  [&] { parse_power_table_yaml(with_entry(ok + ", colour: 2}"), "p.yml"); }),
              "p.yml: layers[0].colour: unknown key (allowed: layer, write_power_mw, "
              "space_power_mw, assist_power_mw, record_voltage_v, bias_power_mw, "
              "cooling_power_mw, middle_power_mw)");
    EXPECT_EQ(invalid_argument_message([&] {
                  parse_power_table_yaml(
                      with_entry("{layer: 0, write_power_mw: 6, space_power_mw: 7, "
                                 "assist_power_mw: 3, record_voltage_v: 1.5}"),
                      "p.yml");
              }),
              "p.yml: layers[0].space_power_mw = 7: must be <= write_power_mw (6)");
    EXPECT_EQ(invalid_argument_message([&] {
                  parse_power_table_yaml(
                      with_entry("{layer: 0, write_power_mw: 160, space_power_mw: 7, "
                                 "assist_power_mw: 3, record_voltage_v: 1.5}"),
                      "p.yml");
              }),
              "p.yml: layers[0].write_power_mw = 160: must be in [0, 100]");
    EXPECT_EQ(invalid_argument_message([&] {
                  parse_power_table_yaml(
                      with_entry("{layer: x, write_power_mw: 6, space_power_mw: 0.5, "
                                 "assist_power_mw: 3, record_voltage_v: 1.5}"),
                      "p.yml");
              }),
              "p.yml: layers[0].layer = x: must be an integer in 0..63");
    EXPECT_EQ(invalid_argument_message([&] {
                  parse_power_table_yaml(with_entry(ok + ", bias_power_mw: 1}"), "p.yml");
              }),
              "p.yml: layers[0].cooling_power_mw: missing: bias_power_mw, "
              "cooling_power_mw and middle_power_mw go together");
    EXPECT_EQ(invalid_argument_message([&] {
                  parse_power_table_yaml(
                      "name: t\nlayers:\n  - " + ok + "}\n  - " + ok + "}\n", "p.yml");
              }),
              "p.yml: layers[1].layer = 0: appears twice in the table");
    EXPECT_EQ(invalid_argument_message(
                  [&] { parse_power_table_yaml("name: t\nlayers: []\n", "p.yml"); }),
              "p.yml: layers: must be a non-empty list of layers");
    EXPECT_EQ(invalid_argument_message([&] { load_power_table("/nonexistent/p.yml"); }),
              "power_table_file = /nonexistent/p.yml: cannot be opened");
    EXPECT_TRUE(load_power_table("").empty());
}

TEST(PowerTable, DefaultFileCoversTheDefaultMedium)
{
    // the shipped table: every entry valid, deeper layers at least as much
    // write power as the ones in front of them
    const auto t = load_power_table(ECDISC_SOURCE_DIR "/media/power_table_default.yml");
    ASSERT_GE(t.layers().size(), 2u);
    for (size_t i = 0; i < t.layers().size(); ++i) {
        EXPECT_EQ(t.layers()[i].layer, static_cast<int>(i));
        if (i > 0)
            EXPECT_GE(t.layers()[i].write_power_mw, t.layers()[i - 1].write_power_mw);
    }
}

TEST(PowerTable, WriteStrategyAppliesAnEntry)
{
    // single mode, sps 4, lead 0.25, tail 0.75: a 3T mark is at write power
    // over [0.25, 2.25) T; with the entry of layer 1 the levels are 9 and 0.7
    ecdisc::write_strategy ws(4, 6.0, 0.5, 3.0, 0.25, 0.75);
    const auto t = parse_power_table_yaml(two_layers, "t.yml");
    ws.apply(t.at(1));
    EXPECT_DOUBLE_EQ(ws.write_power_mw(), 9.0);
    EXPECT_DOUBLE_EQ(ws.record_voltage_v(), -1.2);
    EXPECT_DOUBLE_EQ(ws.bias_power_mw(), 2.0);
    const std::vector<uint8_t> levels = { 0, 1, 1, 1, 0, 0, 0 };
    std::vector<float> b0(levels.size() * 4), b1(levels.size() * 4), v(levels.size() * 4);
    ws.process(levels.data(), b0.data(), b1.data(), v.data(), levels.size());
    // latency one bit: the mark occupies output bits 2..4; sample k of a bit
    // is at (k + 0.5)/4 T, so samples 1..8 of the mark are inside [0.25, 2.25)
    const std::vector<float> expect_b1 = { 0.7f, 0.7f, 0.7f, 0.7f, 0.7f, 0.7f, 0.7f, 0.7f,
                                           0.7f, 9.f,  9.f,  9.f,  9.f,  9.f,  9.f,  9.f,
                                           9.f,  0.7f, 0.7f, 0.7f, 0.7f, 0.7f, 0.7f, 0.7f,
                                           0.7f, 0.7f, 0.7f, 0.7f };
    EXPECT_EQ(b1, expect_b1);
    for (float x : b0)
        EXPECT_FLOAT_EQ(x, 4.0f);
    for (float x : v)
        EXPECT_FLOAT_EQ(x, -1.2f);
    // an entry the mode cannot take changes nothing
    ecdisc::layer_power bad = t.at(0);
    bad.space_power_mw = 7.0;
    EXPECT_THROW(ws.apply(bad), std::invalid_argument);
    EXPECT_DOUBLE_EQ(ws.write_power_mw(), 9.0);
}
