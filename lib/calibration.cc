/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "calibration.h"
#include "yaml_checked.h"
#include <yaml-cpp/yaml.h>
#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace ecdisc {

namespace {

using yaml_checked::fmt;
using yaml_checked::mapping;

constexpr double k_max_power_mw = 1000.0;
constexpr size_t k_max_points = 4096;

//! "[a, b]" for a message, from the YAML text of a pair
std::string pair_text(const YAML::Node& p)
{
    std::string s = "[";
    for (size_t j = 0; j < p.size(); j++)
        s += (j ? ", " : "") + (p[j].IsScalar() ? p[j].Scalar() : std::string("..."));
    return s + "]";
}

void parse_points(const YAML::Node& pts,
                  const std::string& source,
                  const std::string& path,
                  calibration_channel& ch)
{
    const std::string what =
        "must be a list of 2.." + std::to_string(k_max_points) + " [mW, DAC units] pairs";
    if (!pts.IsSequence() || pts.size() < 2 || pts.size() > k_max_points)
        throw std::invalid_argument(source + ": " + path + ": " + what);
    const double fs = ch.dac_full_scale;
    for (size_t k = 0; k < pts.size(); k++) {
        const YAML::Node p = pts[k];
        const std::string kp = path + "[" + std::to_string(k) + "]";
        auto fail = [&](const std::string& reason) {
            throw std::invalid_argument(source + ": " + kp + " = " + pair_text(p) + ": " +
                                        reason);
        };
        if (!p.IsSequence() || p.size() != 2 || !p[0].IsScalar() || !p[1].IsScalar())
            throw std::invalid_argument(source + ": " + kp +
                                        ": must be a pair [mW, DAC units]");
        double mw, d;
        try {
            mw = p[0].as<double>();
            d = p[1].as<double>();
        } catch (const YAML::Exception&) {
            fail("must be a pair of numbers [mW, DAC units]");
        }
        if (!std::isfinite(mw) || mw < 0 || mw > k_max_power_mw)
            fail("power must be in [0, " + fmt(k_max_power_mw) +
                 "] mW (a laser emits no negative power)");
        if (!std::isfinite(d) || d < -fs || d > fs)
            fail("DAC value must be in [-dac_full_scale, dac_full_scale] = [" + fmt(-fs) +
                 ", " + fmt(fs) + "]");
        if (k > 0) {
            const double pm = ch.power_mw.back();
            if (!(mw > pm) || !(static_cast<float>(mw) > static_cast<float>(pm)))
                fail("power must be strictly increasing (point " + std::to_string(k - 1) +
                     " is at " + fmt(pm) + " mW)");
            if (d < ch.dac.back())
                fail("DAC value must be non-decreasing (point " + std::to_string(k - 1) +
                     " has " + fmt(ch.dac.back()) +
                     "; a laser L-I curve above threshold is monotone)");
        }
        ch.power_mw.push_back(mw);
        ch.dac.push_back(d);
    }
}

std::vector<medium_beam>
parse_array(const YAML::Node& arr, const std::string& source, mapping& top)
{
    if (!arr.IsSequence() || arr.size() < 1 || arr.size() > 4)
        top.fail("laser_array", "must be a list of 1..4 beams");
    std::vector<medium_beam> beams;
    for (size_t i = 0; i < arr.size(); i++) {
        mapping m(arr[i], source, "laser_array[" + std::to_string(i) + "]");
        medium_beam b;
        b.name = m.text("name");
        b.along_track_m = m.number("along_track_m", -1e-3, 1e-3, false);
        b.cross_track_tracks = m.integer("cross_track_tracks", -3, 3);
        m.finish("name, along_track_m, cross_track_tracks");
        beams.push_back(b);
    }
    return beams;
}

std::string channel_list(const calibration_config& c)
{
    std::string s;
    for (size_t i = 0; i < c.channels.size(); i++)
        s += (i ? ", " : "") + c.channels[i].name + " (beam " +
             std::to_string(c.channels[i].beam) + ")";
    return s;
}

} // namespace

calibration_config parse_calibration_yaml(const std::string& text,
                                          const std::string& source)
{
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::Exception& e) {
        throw std::invalid_argument(source + ": not valid YAML: " + e.what());
    }
    calibration_config c;
    c.source = source;
    mapping top(root, source, "");
    c.name = top.text("name");
    YAML::Node chs = top.node("channels", "a list of 1..16 channels");
    if (!chs.IsSequence() || chs.size() < 1 || chs.size() > 16)
        top.fail("channels", "must be a list of 1..16 channels");
    for (size_t i = 0; i < chs.size(); i++) {
        const std::string path = "channels[" + std::to_string(i) + "]";
        mapping m(chs[i], source, path);
        calibration_channel ch;
        ch.name = m.text("name");
        for (size_t j = 0; j < c.channels.size(); j++)
            if (c.channels[j].name == ch.name)
                m.fail_value("name",
                             ch.name,
                             "duplicate (channels[" + std::to_string(j) +
                                 "] has the same name)");
        ch.beam = m.integer("beam", 0, 3);
        for (size_t j = 0; j < c.channels.size(); j++)
            if (c.channels[j].beam == ch.beam)
                m.fail_value("beam",
                             std::to_string(ch.beam),
                             "duplicate (channels[" + std::to_string(j) + "] (" +
                                 c.channels[j].name +
                                 ") drives the same beam; one channel per beam)");
        ch.dac_bits = m.integer("dac_bits", 0, 24);
        if (ch.dac_bits == 1)
            m.fail_value("dac_bits", "1", "must be 0 (no quantisation) or in 2..24");
        ch.dac_full_scale = m.number("dac_full_scale", 0.0, 1e6, true);
        parse_points(m.node("points", "a list of [mW, DAC units] pairs"),
                     source,
                     m.key_path("points"),
                     ch);
        m.finish("name, beam, dac_bits, dac_full_scale, points");
        c.channels.push_back(ch);
    }
    if (top.has("laser_array")) {
        c.laser_array = parse_array(top.node("laser_array", "a list"), source, top);
        check_laser_array(c.laser_array, source + ": laser_array");
        for (size_t i = 0; i < c.channels.size(); i++)
            if (c.channels[i].beam >= static_cast<int>(c.laser_array.size()))
                throw std::invalid_argument(
                    source + ": channels[" + std::to_string(i) +
                    "].beam = " + std::to_string(c.channels[i].beam) +
                    ": must be a beam of laser_array (0.." +
                    std::to_string(c.laser_array.size() - 1) + ")");
    }
    top.finish("name, channels, laser_array");
    return c;
}

calibration_config load_calibration(const std::string& path)
{
    if (path.empty())
        throw std::invalid_argument(
            "calibration_file = \"\": must name a calibration YAML file");
    std::string name;
    const std::string text = yaml_checked::read_file("calibration_file", path, name);
    return parse_calibration_yaml(text, name);
}

const calibration_channel& calibration_config::find_channel(const std::string& ch) const
{
    for (const auto& c : channels)
        if (c.name == ch)
            return c;
    if (!ch.empty() && ch.size() < 4 &&
        std::all_of(ch.begin(), ch.end(), [](char x) { return x >= '0' && x <= '9'; })) {
        const int beam = std::stoi(ch);
        for (const auto& c : channels)
            if (c.beam == beam)
                return c;
    }
    throw std::invalid_argument("channel = " + ch + ": not a channel name or beam of " +
                                source + " (channels: " + channel_list(*this) + ")");
}

void check_laser_array(const std::vector<medium_beam>& b,
                       const std::string& where,
                       double pitch)
{
    auto fail = [&](const std::string& what) {
        throw std::invalid_argument(where + ": " + what);
    };
    if (b.empty() || b.size() > 4)
        fail("has " + std::to_string(b.size()) + " beams: must have 1..4");
    auto beam = [&](size_t i) {
        return "beam " + std::to_string(i) + " (" + b[i].name + ")";
    };
    if (b.size() >= 2 && !(b[0].along_track_m > b[1].along_track_m))
        fail(beam(0) + " along_track_m = " + fmt(b[0].along_track_m) + ", " + beam(1) +
             " along_track_m = " + fmt(b[1].along_track_m) +
             ": spot 1 (beam 0, assist) must lead spot 2 (beam 1, recording) along "
             "the track");
    for (size_t i = 0; i < b.size(); i++)
        for (size_t j = i + 1; j < b.size(); j++) {
            if (b[i].along_track_m == b[j].along_track_m &&
                b[i].cross_track_tracks == b[j].cross_track_tracks)
                fail(beam(i) + " and " + beam(j) + " are at the same spot");
            const int dx = std::abs(b[i].cross_track_tracks - b[j].cross_track_tracks);
            if (dx > 3)
                fail(beam(i) + " and " + beam(j) + " are " + std::to_string(dx) +
                     " tracks apart: spots must be on the same track or within 3 "
                     "tracks");
        }
    if (b.size() < 3)
        return;
    // Spots of a linear array of parallel beams lie on one line: the distance
    // of every spot from the line through the two farthest apart.
    auto x = [&](size_t i) { return b[i].along_track_m; };
    auto y = [&](size_t i) { return b[i].cross_track_tracks * pitch; };
    size_t a = 0, e = 1;
    double best = -1;
    for (size_t i = 0; i < b.size(); i++)
        for (size_t j = i + 1; j < b.size(); j++) {
            const double d = std::hypot(x(i) - x(j), y(i) - y(j));
            if (d > best) {
                best = d;
                a = i;
                e = j;
            }
        }
    for (size_t i = 0; i < b.size(); i++) {
        const double dist =
            std::fabs((x(e) - x(a)) * (y(i) - y(a)) - (y(e) - y(a)) * (x(i) - x(a))) /
            best;
        if (dist > 0.25 * pitch)
            fail(beam(i) + " is " + fmt(dist) + " m off the line through " + beam(a) +
                 " and " + beam(e) +
                 ": the spots of a linear array must lie on one "
                 "straight line (within a quarter track pitch, " +
                 fmt(0.25 * pitch) + " m)");
    }
}

void check_calibration_geometry(const calibration_config& cal,
                                const medium_config& medium,
                                double tol)
{
    const std::string mwhere = "medium " + medium.name + ": laser_array";
    check_laser_array(medium.laser_array, mwhere);
    const auto& ma = medium.laser_array;
    for (size_t i = 0; i < cal.channels.size(); i++)
        if (cal.channels[i].beam >= static_cast<int>(ma.size()))
            throw std::invalid_argument(
                cal.source + ": channels[" + std::to_string(i) +
                "].beam = " + std::to_string(cal.channels[i].beam) + ": medium " +
                medium.name + " has beams 0.." + std::to_string(ma.size() - 1) +
                " only: the channel has no power stream to drive it");
    if (cal.laser_array.empty())
        return;
    check_laser_array(cal.laser_array, cal.source + ": laser_array");
    if (cal.laser_array.size() != ma.size())
        throw std::invalid_argument(cal.source + ": laser_array has " +
                                    std::to_string(cal.laser_array.size()) +
                                    " beams: must have as many as medium " + medium.name +
                                    " (" + std::to_string(ma.size()) + ")");
    for (size_t i = 0; i < ma.size(); i++) {
        const auto& b = cal.laser_array[i];
        const std::string key = cal.source + ": laser_array[" + std::to_string(i) + "]";
        if (b.cross_track_tracks != ma[i].cross_track_tracks)
            throw std::invalid_argument(
                key + ".cross_track_tracks = " + std::to_string(b.cross_track_tracks) +
                ": must equal medium " + medium.name + "'s (" +
                std::to_string(ma[i].cross_track_tracks) + ")");
        if (std::fabs(b.along_track_m - ma[i].along_track_m) > tol)
            throw std::invalid_argument(key + ".along_track_m = " + fmt(b.along_track_m) +
                                        ": must be within " + fmt(tol) + " m of medium " +
                                        medium.name + "'s (" + fmt(ma[i].along_track_m) +
                                        ")");
    }
}

// ---------------------------------------------------------------------------

power_to_dac_map::power_to_dac_map(const calibration_channel& ch) : d_ch(ch)
{
    const size_t n = ch.power_mw.size();
    if (n < 2 || ch.dac.size() != n)
        throw std::invalid_argument("points size = " + std::to_string(n) +
                                    ": must be at least 2 [mW, DAC] pairs");
    for (size_t k = 1; k < n; k++)
        if (!(static_cast<float>(ch.power_mw[k]) >
              static_cast<float>(ch.power_mw[k - 1])) ||
            ch.dac[k] < ch.dac[k - 1])
            throw std::invalid_argument(
                "points[" + std::to_string(k) + "] = [" + fmt(ch.power_mw[k]) + ", " +
                fmt(ch.dac[k]) +
                "]: mW must be strictly increasing and DAC non-decreasing");
    if (ch.dac_bits != 0 && (ch.dac_bits < 2 || ch.dac_bits > 24))
        throw std::invalid_argument("dac_bits = " + std::to_string(ch.dac_bits) +
                                    ": must be 0 (no quantisation) or in 2..24");
    if (!(ch.dac_full_scale > 0) || !std::isfinite(ch.dac_full_scale))
        throw std::invalid_argument("dac_full_scale = " + fmt(ch.dac_full_scale) +
                                    ": must be > 0");

    d_p.resize(n + 1);
    d_d.resize(n);
    d_slope.resize(n);
    for (size_t k = 0; k < n; k++) {
        d_p[k] = static_cast<float>(ch.power_mw[k]);
        d_d[k] = static_cast<float>(ch.dac[k]);
        d_slope[k] = k + 1 < n ? static_cast<float>((ch.dac[k + 1] - ch.dac[k]) /
                                                    (ch.power_mw[k + 1] - ch.power_mw[k]))
                               : 0.0f;
    }
    d_p[n] = std::numeric_limits<float>::infinity();
    d_p0 = d_p[0];
    d_pn = d_p[n - 1];

    // Uniform grid, cells half the shortest segment: a cell meets at most two
    // segments, so from one segment below the cell start's (margin for float
    // rounding) two conditional steps reach any sample's segment.
    double min_seg = std::numeric_limits<double>::infinity();
    for (size_t k = 1; k < n; k++)
        min_seg = std::min(min_seg, ch.power_mw[k] - ch.power_mw[k - 1]);
    const double range = ch.power_mw.back() - ch.power_mw.front();
    const double w = 0.5 * min_seg;
    const double cells = std::ceil(range / w);
    d_grid = cells <= 65536;
    if (d_grid) {
        const auto g = static_cast<size_t>(cells);
        d_cell_seg.resize(g);
        for (size_t c = 0; c < g; c++) {
            const double x0 = ch.power_mw.front() + c * w;
            const auto s = std::upper_bound(ch.power_mw.begin(), ch.power_mw.end(), x0) -
                           ch.power_mw.begin() - 1;
            d_cell_seg[c] = static_cast<int32_t>(std::max<long>(0, s - 1));
        }
        d_inv_cell = static_cast<float>(1.0 / w);
        d_last_cell = static_cast<int32_t>(g - 1);
    }

    if (ch.dac_bits > 0) {
        d_lsb = ch.dac_full_scale / std::ldexp(1.0, ch.dac_bits - 1);
        d_inv_lsb = 1.0 / d_lsb;
        d_code_hi = std::ldexp(1.0, ch.dac_bits - 1) - 1;
        d_code_lo = -std::ldexp(1.0, ch.dac_bits - 1);
    }
}

void power_to_dac_map::reset_counts()
{
    d_samples = d_clipped_low = d_clipped_high = 0;
    d_prev_clip = 0;
}

double power_to_dac_map::dac(double mw) const
{
    const auto& p = d_ch.power_mw;
    const auto& d = d_ch.dac;
    if (!(mw > p.front()))
        return d.front();
    if (mw >= p.back())
        return d.back();
    const size_t s = std::upper_bound(p.begin(), p.end(), mw) - p.begin() - 1;
    return d[s] + (d[s + 1] - d[s]) * (mw - p[s]) / (p[s + 1] - p[s]);
}

int64_t power_to_dac_map::code(double v) const
{
    if (d_lsb == 0)
        throw std::invalid_argument("dac_bits = 0: channel " + d_ch.name +
                                    " is not quantised, it has no codes");
    const double c = std::nearbyint(v * d_inv_lsb);
    return static_cast<int64_t>(std::min(std::max(c, d_code_lo), d_code_hi));
}

double power_to_dac_map::quantise(double v) const
{
    return d_lsb == 0 ? v : static_cast<double>(code(v)) * d_lsb;
}

double power_to_dac_map::power_mw(double v) const
{
    const auto& p = d_ch.power_mw;
    const auto& d = d_ch.dac;
    if (!(v > d.front()))
        return p.front();
    if (v > d.back())
        return p.back();
    // the first point at or above v; v lies in (d[s-1], d[s]]
    const size_t s = std::lower_bound(d.begin(), d.end(), v) - d.begin();
    return p[s - 1] + (p[s] - p[s - 1]) * (v - d[s - 1]) / (d[s] - d[s - 1]);
}

void power_to_dac_map::process(const float* in,
                               float* out,
                               size_t n,
                               std::vector<size_t>* clip_starts)
{
    constexpr size_t B = 256;
    const float p0 = d_p0, pn = d_pn;
    const float* const P = d_p.data();
    const float* const D = d_d.data();
    const float* const S = d_slope.data();
    const int32_t* const cell_seg = d_cell_seg.data();
    const float inv_cell = d_inv_cell;
    const int32_t last_cell = d_last_cell;
    const int32_t np = static_cast<int32_t>(d_ch.power_mw.size());
    for (size_t b0 = 0; b0 < n; b0 += B) {
        const size_t m = std::min(B, n - b0);
        const float* x = in + b0;
        float* y = out + b0;
        // 1. clipping counts (before y may overwrite x)
        uint32_t lo = 0, hi = 0;
        for (size_t i = 0; i < m; i++) {
            lo += !(x[i] >= p0);
            hi += x[i] > pn;
        }
        d_clipped_low += lo;
        d_clipped_high += hi;
        if (lo + hi == 0) {
            d_prev_clip = 0;
        } else {
            int prev = d_prev_clip;
            for (size_t i = 0; i < m; i++) {
                const int c = !(x[i] >= p0) ? 1 : (x[i] > pn ? 2 : 0);
                if (c != 0 && c != prev && clip_starts)
                    clip_starts->push_back(b0 + i);
                prev = c;
            }
            d_prev_clip = prev;
        }
        // 2. the map
        if (np == 2) { // one segment (a linear driver): no lookup, vectorised
            const float d0 = D[0], d1 = D[1], s0 = S[0];
            for (size_t i = 0; i < m; i++) {
                float v = x[i] > p0 ? x[i] : p0;
                y[i] = v >= pn ? d1 : d0 + s0 * (v - p0);
            }
        } else if (d_grid) {
            for (size_t i = 0; i < m; i++) {
                float v = x[i] > p0 ? x[i] : p0; // NaN -> p0
                v = v < pn ? v : pn;
                int32_t c = static_cast<int32_t>((v - p0) * inv_cell);
                c = c < last_cell ? c : last_cell;
                int32_t s = cell_seg[c];
                s += v >= P[s + 1];
                s += v >= P[s + 1];
                y[i] = D[s] + S[s] * (v - P[s]);
            }
        } else {
            for (size_t i = 0; i < m; i++) {
                float v = x[i] > p0 ? x[i] : p0;
                v = v < pn ? v : pn;
                const int32_t s =
                    static_cast<int32_t>(std::upper_bound(P, P + np, v) - P) - 1;
                y[i] = D[s] + S[s] * (v - P[s]);
            }
        }
        // 3. quantisation
        if (d_lsb > 0) {
            const float inv = static_cast<float>(d_inv_lsb);
            const float lsb = static_cast<float>(d_lsb);
            const float clo = static_cast<float>(d_code_lo);
            const float chi = static_cast<float>(d_code_hi);
            for (size_t i = 0; i < m; i++) {
                float c = std::nearbyint(y[i] * inv);
                c = c > clo ? c : clo;
                c = c < chi ? c : chi;
                y[i] = c * lsb;
            }
        }
    }
    d_samples += n;
}

} // namespace ecdisc
