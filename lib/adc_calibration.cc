/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "adc_calibration.h"
#include "calibration.h"
#include "yaml_checked.h"
#include <yaml-cpp/yaml.h>
#include <algorithm>
#include <cmath>
#include <fstream>
#include <stdexcept>

namespace ecdisc {

namespace {

using yaml_checked::fmt;
using yaml_checked::mapping;

constexpr size_t k_max_terms = 8;
constexpr double k_max_abs = 1e6;

std::vector<double> parse_polynomial(const YAML::Node& n, const mapping& m)
{
    const std::string key = m.key_path("polynomial");
    const std::string what = "must be a list of 1.." + std::to_string(k_max_terms) +
                             " finite numbers [c0, c1, ...] (photocurrent = sum c_k u^k)";
    if (!n.IsSequence() || n.size() < 1 || n.size() > k_max_terms)
        throw std::invalid_argument(m.source() + ": " + key + ": " + what);
    std::vector<double> c;
    for (size_t k = 0; k < n.size(); k++) {
        const std::string kp = key + "[" + std::to_string(k) + "]";
        if (!n[k].IsScalar())
            throw std::invalid_argument(m.source() + ": " + kp + ": must be a number");
        double v;
        try {
            v = n[k].as<double>();
        } catch (const YAML::Exception&) {
            throw std::invalid_argument(m.source() + ": " + kp + " = " + n[k].Scalar() +
                                        ": must be a number");
        }
        if (!std::isfinite(v) || std::fabs(v) > k_max_abs)
            throw std::invalid_argument(m.source() + ": " + kp + " = " + n[k].Scalar() +
                                        ": must be a finite number in [-1e+06, 1e+06]");
        c.push_back(v);
    }
    return c;
}

std::string channel_list(const adc_calibration_config& c)
{
    std::string s;
    for (size_t i = 0; i < c.channels.size(); i++)
        s += (i ? ", " : "") + c.channels[i].name + " (rx " +
             std::to_string(c.channels[i].rx_channel) + ")";
    return s;
}

bool file_exists(const std::string& p)
{
    std::ifstream f(p);
    return static_cast<bool>(f);
}

} // namespace

adc_calibration_config parse_adc_calibration_yaml(const std::string& text,
                                                  const std::string& source,
                                                  const std::string& dir)
{
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::Exception& e) {
        throw std::invalid_argument(source + ": not valid YAML: " + e.what());
    }
    adc_calibration_config c;
    c.source = source;
    mapping top(root, source, "");
    c.name = top.text("name");
    if (top.has("dac_calibration")) {
        std::string p = top.text("dac_calibration");
        if (!p.empty() && p[0] != '/' && !dir.empty() && file_exists(dir + "/" + p))
            p = dir + "/" + p;
        try {
            load_calibration(p);
        } catch (const std::invalid_argument& e) {
            top.fail_value("dac_calibration", p, e.what());
        }
        c.dac_calibration = p;
    }
    YAML::Node chs = top.node("adc_channels", "a list of 1..16 channels");
    if (!chs.IsSequence() || chs.size() < 1 || chs.size() > 16)
        top.fail("adc_channels", "must be a list of 1..16 channels");
    for (size_t i = 0; i < chs.size(); i++) {
        mapping m(chs[i], source, "adc_channels[" + std::to_string(i) + "]");
        adc_channel ch;
        ch.name = m.text("name");
        for (size_t j = 0; j < c.channels.size(); j++)
            if (c.channels[j].name == ch.name)
                m.fail_value("name",
                             ch.name,
                             "duplicate (adc_channels[" + std::to_string(j) +
                                 "] has the same name)");
        ch.rx_channel = m.integer("rx_channel", 0, 15);
        for (size_t j = 0; j < c.channels.size(); j++)
            if (c.channels[j].rx_channel == ch.rx_channel)
                m.fail_value("rx_channel",
                             std::to_string(ch.rx_channel),
                             "duplicate (adc_channels[" + std::to_string(j) + "] (" +
                                 c.channels[j].name + ") reads the same RX channel)");
        ch.beam = m.integer("beam", 0, 3);
        ch.adc_full_scale = m.has("adc_full_scale")
                                ? m.number("adc_full_scale", 0.0, k_max_abs, true)
                                : 1.0;
        ch.gain = m.number("gain", -k_max_abs, k_max_abs, false);
        if (ch.gain == 0.0)
            m.fail_value("gain", "0", "must not be 0 (photocurrent units per ADC unit)");
        ch.offset = m.has("offset")
                        ? m.number("offset",
                                   -ch.adc_full_scale,
                                   ch.adc_full_scale,
                                   false,
                                   false,
                                   "in [-adc_full_scale, adc_full_scale] = [" +
                                       fmt(-ch.adc_full_scale) + ", " +
                                       fmt(ch.adc_full_scale) + "]")
                        : 0.0;
        if (m.has("polynomial"))
            ch.polynomial = parse_polynomial(m.node("polynomial", "a list"), m);
        m.finish("name, rx_channel, beam, adc_full_scale, gain, offset, polynomial");
        c.channels.push_back(ch);
    }
    top.finish("name, dac_calibration, adc_channels");
    return c;
}

adc_calibration_config load_adc_calibration(const std::string& path)
{
    if (path.empty())
        throw std::invalid_argument(
            "calibration_file = \"\": must name a bench calibration YAML file");
    std::string name;
    const std::string text = yaml_checked::read_file("calibration_file", path, name);
    // relative dac_calibration paths: against the directory the file was found in
    std::string dir;
    const auto slash = path.find_last_of('/');
    if (slash != std::string::npos)
        dir = path.substr(0, slash);
    else if (file_exists(path))
        dir = ".";
#ifdef ECDISC_MEDIA_DIR
    else
        dir = ECDISC_MEDIA_DIR;
#endif
    return parse_adc_calibration_yaml(text, name, dir);
}

const adc_channel& adc_calibration_config::find_channel(const std::string& ch) const
{
    for (const auto& c : channels)
        if (c.name == ch)
            return c;
    if (!ch.empty() && ch.size() < 4 &&
        std::all_of(ch.begin(), ch.end(), [](char x) { return x >= '0' && x <= '9'; })) {
        const int rx = std::stoi(ch);
        for (const auto& c : channels)
            if (c.rx_channel == rx)
                return c;
    }
    throw std::invalid_argument("channel = " + ch + ": not a channel name or RX channel of " +
                                source + " (channels: " + channel_list(*this) + ")");
}

adc_to_photocurrent_map::adc_to_photocurrent_map(const adc_channel& channel)
    : d_ch(channel)
{
    if (d_ch.polynomial.empty())
        throw std::invalid_argument("polynomial = []: must have 1..8 terms");
    if (!(d_ch.adc_full_scale > 0))
        throw std::invalid_argument("adc_full_scale = " + fmt(d_ch.adc_full_scale) +
                                    ": must be > 0");
    d_linear = d_ch.polynomial.size() <= 2;
    const double c0 = d_ch.polynomial[0];
    const double c1 = d_ch.polynomial.size() > 1 ? d_ch.polynomial[1] : 0.0;
    d_a = c1 * d_ch.gain;
    d_b = c0 - c1 * d_ch.gain * d_ch.offset;
}

double adc_to_photocurrent_map::photocurrent(double adc) const
{
    const double u = d_ch.gain * (adc - d_ch.offset);
    double y = 0;
    for (size_t k = d_ch.polynomial.size(); k-- > 0;)
        y = y * u + d_ch.polynomial[k]; // Horner
    return y;
}

void adc_to_photocurrent_map::process(const float* in,
                                      float* out,
                                      size_t n,
                                      std::vector<size_t>* starts)
{
    // saturation first (in and out may alias): a branch-free count over the
    // block (vectorised); the run scan only when something saturated
    const float fs = static_cast<float>(d_ch.adc_full_scale);
    size_t n_sat = 0;
    for (size_t i = 0; i < n; i++)
        n_sat += !(std::fabs(in[i]) < fs); // NaN counts as saturated
    if (n_sat > 0) {
        for (size_t i = 0; i < n; i++) {
            const bool sat = !(std::fabs(in[i]) < fs);
            if (sat && !d_prev_sat && starts)
                starts->push_back(i);
            d_prev_sat = sat;
        }
    } else if (n > 0) {
        d_prev_sat = false;
    }
    d_saturated += n_sat;
    d_samples += n;
    if (d_linear) {
        const float a = static_cast<float>(d_a), b = static_cast<float>(d_b);
        for (size_t i = 0; i < n; i++)
            out[i] = a * in[i] + b;
    } else {
        const double g = d_ch.gain, o = d_ch.offset;
        const auto& c = d_ch.polynomial;
        const size_t m = c.size();
        for (size_t i = 0; i < n; i++) {
            const double u = g * (static_cast<double>(in[i]) - o);
            double y = c[m - 1];
            for (size_t k = m - 1; k-- > 0;)
                y = y * u + c[k];
            out[i] = static_cast<float>(y);
        }
    }
}

void adc_to_photocurrent_map::reset_counts()
{
    d_samples = 0;
    d_saturated = 0;
    d_prev_sat = false;
}

} // namespace ecdisc
