/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The band of tracks of the medium simulator (geometry.band_tracks,
 * geometry.radial_samples; lib/medium.h): the cross-track dimension, beams
 * on other tracks (claim 3), the focused read across the track, the column
 * sums that carry the dark evolution, images with rows.
 */
#include "medium.h"
#include "medium_config.h"
#include "test_util.h"
#include <gtest/gtest.h>
#include <unistd.h>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

using ecdisc::default_medium_yaml;
using ecdisc::medium;
using ecdisc::medium_config;
using ecdisc::parse_medium_yaml;

namespace {

constexpr double pi = 3.14159265358979323846;

//! the default stack with a geometry block (and optional other edits)
std::string band_text(int tracks, int radial)
{
    std::string s = default_medium_yaml();
    const auto at = s.find("thermal:");
    EXPECT_NE(at, std::string::npos);
    s.insert(at,
             "geometry: {band_tracks: " + std::to_string(tracks) +
                 ", radial_samples: " + std::to_string(radial) + "}\n");
    return s;
}

medium_config band(int tracks, int radial)
{
    return parse_medium_yaml(band_text(tracks, radial), "band.yml");
}

std::string rejection(const std::string& text)
{
    try {
        parse_medium_yaml(text, "band.yml");
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "";
}

bool contains(const std::string& s, const std::string& part)
{
    return s.find(part) != std::string::npos;
}

std::string replaced(std::string s, const std::string& from, const std::string& to)
{
    const auto at = s.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos)
        s.replace(at, from.size(), to);
    return s;
}

//! constant powers per beam for n samples; returns every signal
std::vector<std::vector<float>> run(medium& m, const std::vector<float>& p, size_t n)
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
    return out;
}

/*! The line-spread function of an aberration-free circular pupil at x, by
 *  direct quadrature of its definition (the inverse Fourier transform of
 *  the OTF (2/pi)(acos s - s sqrt(1 - s^2)), s = nu / (2 NA / lambda)):
 *  written here independently of the simulator, with a finer grid. */
double lsf_reference(double x, double lambda, double na)
{
    const double fc = 2.0 * na / lambda;
    const int nq = 4000;
    double h = 0;
    for (int q = 0; q < nq; q++) {
        const double s = (q + 0.5) / nq;
        h += (2.0 / pi) * (std::acos(s) - s * std::sqrt(1.0 - s * s)) *
             std::cos(2.0 * pi * s * fc * x);
    }
    return h * 2.0 * fc / nq;
}

} // namespace

TEST(MediumBand, GeometryKeysAreChecked)
{
    const auto c = band(4, 4);
    EXPECT_EQ(c.geometry.band_tracks, 4);
    EXPECT_EQ(c.geometry.radial_samples, 4);
    EXPECT_EQ(c.geometry.rows(), 16);
    const auto d = parse_medium_yaml(default_medium_yaml(), "d");
    EXPECT_EQ(d.geometry.rows(), 1); // absent: one track, one row

    const auto zero = rejection(replaced(band_text(4, 4), "band_tracks: 4", "band_tracks: 0"));
    EXPECT_TRUE(contains(zero, "geometry.band_tracks = 0")) << zero;
    const auto many =
        rejection(replaced(band_text(4, 4), "radial_samples: 4", "radial_samples: 17"));
    EXPECT_TRUE(contains(many, "geometry.radial_samples = 17")) << many;
    const auto unknown =
        rejection(replaced(band_text(4, 4), "radial_samples: 4", "radial: 4"));
    EXPECT_TRUE(contains(unknown, "radial")) << unknown;

    // a beam on track 2 needs a band of at least 3 tracks
    const auto ok = parse_medium_yaml(
        replaced(band_text(3, 4),
                 "{name: record, along_track_m: 0, cross_track_tracks: 0}",
                 "{name: record, along_track_m: 0, cross_track_tracks: 2}"),
        "b");
    EXPECT_EQ(ok.laser_array[1].cross_track_tracks, 2);
    const auto far = rejection(
        replaced(band_text(2, 4),
                 "{name: record, along_track_m: 0, cross_track_tracks: 0}",
                 "{name: record, along_track_m: 0, cross_track_tracks: 2}"));
    EXPECT_TRUE(contains(far, "laser_array[1].cross_track_tracks = 2")) << far;
    EXPECT_TRUE(contains(far, "geometry.band_tracks = 2")) << far;

    medium m(band(4, 4), 4, 1024, { 1, 0 }, {}, 1);
    EXPECT_EQ(m.rows(), 16);
    m.set_track_offset(1, 3);
    EXPECT_EQ(m.track_offset(1), 3);
    EXPECT_THROW(m.set_track_offset(1, 4), std::invalid_argument);
    EXPECT_THROW(m.set_track_offset(2, 0), std::invalid_argument);
    medium one(parse_medium_yaml(default_medium_yaml(), "d"), 4, 1024, { 1, 0 }, {}, 1);
    try {
        one.set_track_offset(1, 1);
        ADD_FAILURE() << "a track offset on a one-track medium was accepted";
    } catch (const std::invalid_argument& e) {
        EXPECT_TRUE(contains(e.what(), "track_offset = 1")) << e.what();
        EXPECT_TRUE(contains(e.what(), "band_tracks = 1")) << e.what();
    }
}

// A band whose rows all carry the same states reads exactly like the single
// track: the weights across the track sum to 1 and the along-track spot is
// the same.
TEST(MediumBand, UniformBandReadsLikeOneTrack)
{
    const auto one = parse_medium_yaml(default_medium_yaml(), "d");
    const auto b = band(3, 4);
    medium a(one, 4, 2048, { 1, 0 }, {}, 1), m(b, 4, 2048, { 1, 0 }, {}, 1);
    a.set_noise_scale(0);
    m.set_noise_scale(0);
    for (auto* x : { &a, &m }) {
        x->set_state(1, 1000, 3000, 1.0);
        x->set_state(1, 5000, 40, 1.0);
        x->set_state(0, 2000, 700, 1.0);
        x->set_state(2, 100, 4000, 1.0);
    }
    const auto sa = run(a, { 0.5f, 0.5f }, 2 * a.cells());
    const auto sm = run(m, { 0.5f, 0.5f }, 2 * m.cells());
    double worst = 0;
    for (int beam = 0; beam < 2; beam++)
        for (size_t i = 0; i < sa[beam].size(); i++)
            worst = std::max(worst, std::fabs(static_cast<double>(sa[beam][i]) - sm[beam][i]));
    EXPECT_LT(worst, 1e-8);
}

// Across the track the focused read weighs the rows by the line-spread
// function of the circular pupil (the reference quadrature above): the
// signal step of a long mark on one track, read on it, on its neighbour and
// half way between, is the mark's contrast times the summed weight of that
// track's rows.
TEST(MediumBand, CrossTrackReadFollowsTheLineSpreadFunction)
{
    const int tracks = 4, radial = 4;
    const auto c = band(tracks, radial);
    const double pitch = c.format.track_pitch_m;
    const double lam = c.optics.wavelength_m, na = c.optics.na;
    const double core = lam / na;
    const double dy = pitch / radial;
    const double w = pitch * tracks;
    // expected fraction of the read on track k for a spot at y
    auto fraction = [&](int k, double y) {
        double on = 0, all = 0;
        for (int r = 0; r < tracks * radial; r++) {
            double d = (r + 0.5) * dy - 0.5 * pitch - y;
            d -= w * std::floor(d / w + 0.5);
            if (std::fabs(d) > core)
                continue;
            const double v = std::max(0.0, lsf_reference(d, lam, na));
            all += v;
            if (r / radial == k)
                on += v;
        }
        return on / all;
    };
    // contrast of layer 0 alone: a full band mark against a blank band
    auto step = [&](double track_y, bool whole_band) {
        medium m(c, 4, 2048, { 0 }, {}, 1);
        m.set_noise_scale(0);
        const int beam_track = static_cast<int>(std::floor(track_y / pitch + 0.5));
        m.set_track_offset(0, beam_track);
        m.set_tracking_offset(0, track_y - beam_track * pitch);
        if (whole_band)
            m.set_state(0, 0, m.cells() / 2, 1.0);
        else
            m.set_track_state(0, 1, 0, m.cells() / 2, 1.0);
        const auto s = run(m, { 1.0f }, 2 * m.cells());
        const size_t base = m.cells();
        return static_cast<double>(s[0][base + m.cells() / 4]) -
               s[0][base + 3 * m.cells() / 4];
    };
    const double full = step(pitch, true);
    ASSERT_NE(full, 0.0);
    // the along-track spot keeps its core (+-lambda/NA) and puts the mass of
    // its tails into a box over the whole band: that part sees the band mean
    const double cell = c.format.channel_bit_m / 4;
    const int h = static_cast<int>(std::ceil(core / cell));
    double core_mass = 0;
    for (int j = -h; j <= h; j++)
        core_mass += lsf_reference(j * cell, lam, na) * cell;
    const double tail = 1.0 - core_mass;
    EXPECT_GT(tail, 0.0);
    EXPECT_LT(tail, 0.2);
    for (double y : { 1.0 * pitch, 0.0, 2.0 * pitch, 1.5 * pitch, 1.2 * pitch }) {
        const double expect = (1.0 - tail) * fraction(1, y) + tail / tracks;
        const double got = step(y, false) / full;
        EXPECT_NEAR(got, expect, 2e-3) << "spot at " << y / pitch << " pitch";
    }
    // on the track most of the light; half way between two tracks the
    // weights of the two are mirror images
    EXPECT_GT(fraction(1, pitch), 0.6);
    EXPECT_NEAR(fraction(1, 1.5 * pitch), fraction(2, 1.5 * pitch), 1e-9);
    // and the simulator's own weights equal the reference
    medium m(c, 4, 1024, { 0 }, {}, 1);
    m.set_track_offset(0, 1);
    double sum = 0;
    for (int r = 0; r < m.rows(); r++)
        sum += m.radial_weight(0, r);
    EXPECT_NEAR(sum, 1.0, 1e-12);
    double on1 = 0;
    for (int r = 4; r < 8; r++)
        on1 += m.radial_weight(0, r);
    EXPECT_NEAR(on1, fraction(1, pitch), 1e-3);
}

// Claim 3: the recording beam on another track writes that track; the mark
// is centred on it across the track (the heat is a Gaussian of
// thermal_radius_m about the spot), the other tracks stay blank.
TEST(MediumBand, BeamOnAnotherTrackWritesThatTrack)
{
    const auto c = band(4, 4);
    const int n = static_cast<int>(c.layers.size());
    for (int t = 0; t <= 3; t++) {
        std::vector<double> volts(n, 0.0);
        volts[0] = 1.5;
        medium m(c, 4, 1024, { 1, 0 }, volts, 1);
        m.set_track_offset(1, t);
        std::vector<std::vector<float>> p(2, std::vector<float>(m.cells()));
        for (int64_t i = 0; i < m.cells(); i++) {
            p[0][i] = 3.0f;
            p[1][i] = (i >= 1000 && i < 1200) ? 6.0f : 0.5f;
        }
        std::vector<const float*> ip{ p[0].data(), p[1].data() };
        std::vector<float> o0(m.cells()), o1(m.cells());
        std::vector<float*> op{ o0.data(), o1.data() };
        m.process(ip.data(), op.data(), m.cells());
        const int64_t x = 1100;
        std::vector<double> across(m.rows());
        for (int r = 0; r < m.rows(); r++)
            across[r] = m.state_at(0, r, x);
        // the two rows either side of the track centre (+-pitch/8 = 40 nm
        // from it, where the heat is exp(-1/18) of the centre's): the mark's
        // core, coloured a little less than the single track's 0.85
        const int r0 = 4 * t + 1, r1 = 4 * t + 2;
        EXPECT_GE(across[r0], 0.6) << t;
        // symmetric about the centre (up to the slope of the 3 um assist
        // heat of beam 0 on track 0 across 80 nm)
        EXPECT_NEAR(across[r0], across[r1], 2e-3) << t;
        // rows of the other tracks (beyond 1.5 rows from the centre): far
        // less coloured; two tracks away: blank up to the dark drift
        for (int r = 0; r < m.rows(); r++) {
            const int dist = std::min((r - 4 * t + 16) % 16, (4 * t - r + 16) % 16);
            if (r / 4 != t && dist >= 6) {
                EXPECT_LT(across[r], 0.02) << t << " row " << r;
            }
        }
        // the expected profile across the rows: exp(-kappa(T(y)) t) with the
        // Arrhenius rate of the local temperature; check the ordering only
        EXPECT_GT(across[r0], across[4 * t]) << t;
    }
}

// The column sums of a layer under voltage carry its dark evolution exactly:
// a beam reading through (or next to) a layer that colours in the dark sees
// the same signal as with that layer's state set to the closed form.
TEST(MediumBand, DarkEvolutionOfAnUnreadLayerIsExactInTheWindows)
{
    const auto c = band(2, 4);
    const int n = static_cast<int>(c.layers.size());
    std::vector<double> volts(n, 0.0);
    volts[1] = 1.5; // layer 1 colours slowly everywhere (no beam on it)
    medium m(c, 4, 2048, { 0 }, volts, 1);
    m.set_noise_scale(0);
    m.set_state(1, 0, 1000, 0.5);
    const auto s = run(m, { 0.5f }, 3 * m.cells() + 77);
    // the reference: no voltage, layer 1 set to each cell's present state
    medium ref(c, 4, 2048, { 0 }, {}, 1);
    ref.set_noise_scale(0);
    // advance the reference to the same place and clock first
    run(ref, { 0.5f }, 3 * ref.cells() + 76);
    for (int64_t i = 0; i < m.cells(); i++)
        ref.set_state(1, i, 1, m.state(1, i));
    // one sample: the signal of sample 3L + 76 (states as of its start)
    const auto r = run(ref, { 0.5f }, 1);
    EXPECT_NEAR(r[0][0], s[0].back(), 2e-7 * std::fabs(r[0][0]) + 1e-9);
    EXPECT_GT(m.mean_state(1), 0.01); // it did colour in the dark
}

TEST(MediumBand, ProcessIsChunkInvariantWithRows)
{
    const auto c = band(4, 4);
    const size_t n = 3 * 4 * 512;
    std::vector<float> p0(n), p1(n);
    for (size_t i = 0; i < n; i++) {
        p0[i] = i < 2048 ? 3.0f : 0.5f;
        p1[i] = i < 2048 && (i / 37) % 3 == 0 ? 6.0f : 0.5f;
    }
    auto make = [&] {
        auto m = std::make_unique<medium>(
            c, 4, 512, std::vector<int>{ 1, 0 }, std::vector<double>{ 1.5, 0.0, 0.0, 0.0 }, 3);
        m->set_track_offset(1, 2);
        return m;
    };
    EXPECT_EQ(ecdisc_test::run_two_beams(make, p0, p1, false),
              ecdisc_test::run_two_beams(make, p0, p1, true));
}

TEST(MediumBand, ImageRoundTripWithRows)
{
    const auto c = band(2, 4);
    medium m(c, 4, 512, { 1, 0 }, { 1.5, 0.0, 0.0, 0.0 }, 3);
    m.set_track_offset(1, 1);
    run(m, { 3.0f, 6.0f }, 500);
    run(m, { 3.0f, 0.5f }, 700);
    char tmpl[] = "/tmp/ecdisc_band_XXXXXX";
    const int fd = mkstemp(tmpl);
    ASSERT_GE(fd, 0);
    close(fd);
    const std::string path = tmpl;
    m.save_image(path);
    medium back(c, 4, 512, { 1, 0 }, {}, 9);
    back.load_image(path);
    for (int k = 0; k < m.num_layers(); k++)
        for (int r = 0; r < m.rows(); r++)
            for (int64_t i = 0; i < m.cells(); i += 7)
                ASSERT_EQ(back.state_at(k, r, i), m.state_at(k, r, i)) << k << " " << r;
    // another geometry is refused, naming the rows
    medium other(band(4, 4), 4, 512, { 1, 0 }, {}, 1);
    try {
        other.load_image(path);
        ADD_FAILURE() << "an image of another band was accepted";
    } catch (const std::invalid_argument& e) {
        EXPECT_TRUE(contains(e.what(), "2 x 4 rows")) << e.what();
    }
    std::remove(path.c_str());
}

// A defocused spot covers tens of tracks: with independent patterns on the
// tracks of the band its crosstalk averages down, so the band's crosstalk
// figure lies below the single track's.
TEST(MediumBand, CrosstalkAveragesOverTheBand)
{
    const auto one = parse_medium_yaml(default_medium_yaml(), "d");
    medium a(one, 4, 1024, { 0 }, {}, 1);
    medium m(band(8, 1), 4, 1024, { 0 }, {}, 1);
    for (int layer : { 1, 2 }) {
        const double x1 = a.crosstalk_db(layer), x8 = m.crosstalk_db(layer);
        std::printf("crosstalk layer %d: one track %.1f dB, band of 8 %.1f dB\n",
                    layer,
                    x1,
                    x8);
        EXPECT_LT(x8, x1 - 3.0) << layer;
    }
}
