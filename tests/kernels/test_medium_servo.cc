/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Focus and tracking loops closed inside the medium simulator
 * (lib/medium_servo.h). The limits are computed here from the
 * configurations: the depth of focus lambda / (2 NA^2) and the track pitch
 * of the medium, the layer depths from its spacers; the lock, the jumps and
 * the layers found by a focus search are read back from the medium's own
 * state (its focus layer and offsets), not from the servo.
 */
#include "medium_servo.h"
#include "test_util.h"
#include <gtest/gtest.h>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

using ecdisc::medium;
using ecdisc::medium_config;
using ecdisc::medium_servo;
using ecdisc::servo_config;
using ecdisc_test::invalid_argument_message;

namespace {

//! the guide-layer example stack (layer 0 grooved, with a wobble)
medium_config guide_medium()
{
    std::ifstream f(std::string(ECDISC_SOURCE_DIR) + "/media/guide_layer_example.yml");
    std::stringstream ss;
    ss << f.rdbuf();
    return ecdisc::parse_medium_yaml(ss.str(), "guide_layer_example.yml");
}

double depth_of_focus(const medium_config& c)
{
    return c.optics.wavelength_m / (2 * c.optics.na * c.optics.na);
}

//! runs a medium through a servo for n samples at constant powers; returns
//! the per-sample true errors (focus, tracking) and the events seen
struct run_result {
    std::vector<float> fe, te;
    std::vector<medium_servo::event> events;
    std::vector<std::vector<float>> quad;
};

run_result
run(medium_servo& s, medium& m, size_t n, double power_mw = 0.5, size_t chunk = 4096)
{
    const int nb = m.num_beams();
    run_result r;
    r.fe.resize(n);
    r.te.resize(n);
    r.quad.assign(4 * nb, std::vector<float>(n));
    std::vector<float> p(chunk, static_cast<float>(power_mw));
    std::vector<const float*> pp(nb, p.data());
    std::vector<float*> qp(4 * nb);
    for (size_t i = 0; i < n; i += chunk) {
        const size_t k = std::min(chunk, n - i);
        for (int q = 0; q < 4 * nb; q++)
            qp[q] = r.quad[q].data() + i;
        s.process_quadrants(pp.data(), qp.data(), k, r.fe.data() + i, r.te.data() + i);
        for (auto e : s.events()) {
            e.index += i;
            r.events.push_back(e);
        }
    }
    return r;
}

double rms(const std::vector<float>& x, size_t from = 0)
{
    double s = 0;
    for (size_t i = from; i < x.size(); i++)
        s += static_cast<double>(x[i]) * x[i];
    return std::sqrt(s / static_cast<double>(x.size() - from));
}

//! rms of servo_loop::simulate() for an axis of cfg at the update rate
double simulated_rms(const servo_config& cfg, bool focus, double rate_hz, double rot_hz)
{
    ecdisc::servo_loop loop(cfg, rate_hz);
    auto& a = focus ? loop.focus() : loop.tracking();
    const auto& d = focus ? cfg.focus.disturbance : cfg.tracking.disturbance;
    const auto e = ecdisc::servo_loop::simulate(a, d, rot_hz, 0.02, 20000, 3);
    double s = 0;
    for (double x : e)
        s += x * x;
    return std::sqrt(s / e.size());
}

} // namespace

// Closed loops with the default run-out and eccentricity on a grooved
// guide layer (push-pull from the medium): the residual focus error stays
// below a tenth of the depth of focus, the tracking error below 1/20 of the
// pitch, both within a factor 2 of the loop's own simulate() figure, and
// the medium's offsets are the residuals.
TEST(MediumServo, ClosedLoopHoldsDefaultRunout)
{
    const medium_config cfg = guide_medium();
    medium m(cfg, 1, 65536, { 0, 0 }, {}, 5);
    const servo_config sc = ecdisc::load_servo("");
    medium_servo s(m, sc, 1, 11);
    ASSERT_TRUE(s.tracking_signal()); // layer 0 is grooved
    const double fs = m.sample_rate_hz();
    const int N = s.update_samples();
    EXPECT_EQ(N, static_cast<int>(std::lround(fs / sc.update_rate_hz)));
    // three revolutions of track (about 150 ms of disc rotation)
    auto r = run(s, m, 3 * 65536);
    const double dof = depth_of_focus(cfg);
    const double pitch = cfg.format.track_pitch_m;
    const double f_rms = s.focus_error_rms_m();
    const double t_rms = s.tracking_error_rms_m();
    std::printf("focus rms %.2f nm (stream %.2f nm, DOF %.1f nm), tracking rms %.2f nm "
                "(stream %.2f nm, pitch %.0f nm), updates %llu\n",
                f_rms * 1e9,
                rms(r.fe) * 1e9,
                dof * 1e9,
                t_rms * 1e9,
                rms(r.te) * 1e9,
                pitch * 1e9,
                static_cast<unsigned long long>(s.stat_updates()));
    // every update of the 3 revolutions counted, the skipped time included
    EXPECT_NEAR(
        static_cast<double>(s.stat_updates()), 3 * m.revolution_s() * fs / N, 2.0);
    EXPECT_LT(f_rms, 0.1 * dof);
    EXPECT_LT(rms(r.fe), 0.1 * dof);
    EXPECT_LT(t_rms, pitch / 20);
    EXPECT_LT(rms(r.te), pitch / 20);
    // the loop's own closed-loop simulation of the same disturbance
    const double rate = fs / N;
    const double sim_f = simulated_rms(sc, true, rate, 1.0 / m.revolution_s());
    const double sim_t = simulated_rms(sc, false, rate, 1.0 / m.revolution_s());
    std::printf(
        "simulate(): focus %.2f nm, tracking %.2f nm\n", sim_f * 1e9, sim_t * 1e9);
    EXPECT_GT(f_rms, sim_f / 2);
    EXPECT_LT(f_rms, sim_f * 2);
    EXPECT_GT(t_rms, sim_t / 2);
    EXPECT_LT(t_rms, sim_t * 2);
    EXPECT_TRUE(s.focus_locked());
    EXPECT_TRUE(s.tracking_locked());
    // the medium holds the spot's offsets: -e
    EXPECT_NEAR(m.focus_offset(1), -s.focus_error_m(), 1e-12);
    EXPECT_NEAR(m.focus_offset(0), -s.focus_error_m(), 1e-12); // one lens
    EXPECT_NEAR(m.tracking_offset(1), -s.tracking_error_m(), 1e-12);
    // the disturbance is really there: the lens moves by the run-out
    EXPECT_NEAR(s.lens_focus_m(), s.runout_m(), 0.1 * dof);
    // both beams stay on layer 0, the lock events: locked once each
    EXPECT_EQ(m.focus_layer(0), 0);
    EXPECT_EQ(m.focus_layer(1), 0);
    int fl = 0, tl = 0;
    for (const auto& e : r.events) {
        if (e.kind == medium_servo::event_kind::focus_lock)
            fl += e.value ? 1 : -100;
        if (e.kind == medium_servo::event_kind::tracking_lock)
            tl += e.value ? 1 : -100;
    }
    EXPECT_EQ(fl, 1);
    EXPECT_EQ(tl, 1);
}

// The loops are fed by the medium's quadrants: the measured FES and
// push-pull of the servo beam over the run agree with the true errors
// through the medium's own closed forms (slope at zero).
TEST(MediumServo, SignalsComeFromTheQuadrants)
{
    const medium_config cfg = guide_medium();
    medium m(cfg, 1, 65536, { 0, 0 }, {}, 5);
    medium_servo s(m, ecdisc::load_servo(""), 1, 11);
    auto r = run(s, m, 65536);
    // FES per sample from the quadrants of beam 1 against -e_f through
    // F(dz) = (2/pi) asin(dz s / (dz^2 + a^2)) (lib/medium.h)
    const auto& o = cfg.optics;
    const double z0 = 0.21 * o.wavelength_m / o.na /
                      (0.5 * std::tan(std::asin(o.na / o.substrate_index)));
    const double as = o.astigmatism_m;
    double worst = 0;
    for (size_t i = 0; i < r.fe.size(); i += 97) {
        const double A = r.quad[4][i], B = r.quad[5][i], C = r.quad[6][i],
                     D = r.quad[7][i];
        const double fes = ((A + C) - (B + D)) / (A + B + C + D);
        const double dz = -r.fe[i];
        const double want =
            (2 / M_PI) * std::asin(dz * as / (dz * dz + z0 * z0 + as * as / 4));
        worst = std::max(worst, std::fabs(fes - want));
    }
    EXPECT_LT(worst, 1e-4);
}

// The medium clock jumps by the rest of the revolution at each wrap; the
// loop simulates that time: no unlock, no step in the error at the wrap
// (the disturbance moves by up to ~200 um over the skipped 50 ms).
TEST(MediumServo, ContinuousAcrossRevolutionWrap)
{
    const medium_config cfg = ecdisc::default_medium();
    const int64_t bits = 20000;
    medium m(cfg, 1, bits, { 1, 1 }, {}, 5);
    const servo_config sc = ecdisc::load_servo("");
    medium_servo s(m, sc, 1, 11);
    // settle to lock, then watch four wraps
    run(s, m, 2 * bits);
    ASSERT_TRUE(s.focus_locked());
    ASSERT_TRUE(s.tracking_locked());
    const double f_rms_settled = s.focus_error_rms_m();
    s.reset_stats();
    const double t0 = m.time_s();
    auto r = run(s, m, 4 * bits, 0.5, 3000);
    // the servo clock kept up with the medium's: 4 revolutions of updates
    EXPECT_NEAR(static_cast<double>(s.stat_updates()),
                4 * m.revolution_s() * m.sample_rate_hz() / s.update_samples(),
                2.0);
    EXPECT_NEAR(m.time_s() - t0, 4 * m.revolution_s(), 1e-9);
    for (const auto& e : r.events)
        EXPECT_NE(e.kind, medium_servo::event_kind::focus_lock)
            << "lock changed at " << e.index;
    const double dof = depth_of_focus(cfg);
    const double pitch = cfg.format.track_pitch_m;
    double step_f = 0, step_t = 0, max_f = 0;
    for (int k = 1; k <= 3; k++) {
        const size_t w = static_cast<size_t>(k * bits); // first sample of a revolution
        step_f = std::max(step_f, std::fabs(double(r.fe[w]) - r.fe[w - 1]));
        step_t = std::max(step_t, std::fabs(double(r.te[w]) - r.te[w - 1]));
    }
    for (float x : r.fe)
        max_f = std::max(max_f, std::fabs(static_cast<double>(x)));
    // the run-out moved by (sum of its amplitudes) ~ 1e-4 m between the two
    // sides of a wrap; the error moved by no more than the residual does
    EXPECT_LT(step_f, 0.1 * dof);
    EXPECT_LT(step_t, pitch / 20);
    EXPECT_LT(max_f, 0.2 * dof);
    EXPECT_LT(s.focus_error_rms_m(), 2 * f_rms_settled + 0.01 * dof);
    // and the run-out did move across the wraps
    EXPECT_GT(std::fabs(s.runout_m()), 0.0);
}

// A track jump of +1 ends locked with the spot one pitch further out (the
// medium's tracking offset, relative to the track the loop started on).
TEST(MediumServo, TrackJumpEndsOnePitchOut)
{
    const medium_config cfg = guide_medium();
    medium m(cfg, 1, 65536, { 0, 0 }, {}, 5);
    medium_servo s(m, ecdisc::load_servo(""), 1, 11);
    run(s, m, 65536);
    ASSERT_TRUE(s.tracking_locked());
    const double pitch = cfg.format.track_pitch_m;
    EXPECT_LT(std::fabs(m.tracking_offset(1)), pitch / 20);
    s.track_jump(1);
    EXPECT_FALSE(s.tracking_locked());
    run(s, m, 2 * 65536);
    EXPECT_TRUE(s.tracking_locked());
    EXPECT_NEAR(m.tracking_offset(1), pitch, pitch / 20);
    EXPECT_NEAR(m.tracking_offset(0), pitch, pitch / 20);
    // two tracks back in: one pitch inside the starting track
    s.track_jump(-2);
    run(s, m, 2 * 65536);
    EXPECT_TRUE(s.tracking_locked());
    EXPECT_NEAR(m.tracking_offset(1), -pitch, pitch / 20);
}

// A fixed per-beam offset: beam 0 reads the next track out while the
// loop, on beam 1, stays locked on its own.
TEST(MediumServo, BeamTrackingOffset)
{
    const medium_config cfg = guide_medium();
    medium m(cfg, 1, 65536, { 0, 0 }, {}, 5);
    medium_servo s(m, ecdisc::load_servo(""), 1, 11);
    const double pitch = cfg.format.track_pitch_m;
    s.set_beam_tracking_offset(0, pitch);
    run(s, m, 2 * 65536);
    EXPECT_TRUE(s.tracking_locked());
    EXPECT_NEAR(m.tracking_offset(0) - m.tracking_offset(1), pitch, 1e-12);
    EXPECT_LT(std::fabs(m.tracking_offset(1)), pitch / 20);
    EXPECT_EQ(invalid_argument_message([&] { s.set_beam_tracking_offset(2, 0.0); }),
              "beam = 2: must be in 0..1");
}

// A layer jump lands on the next layer: the medium's focus layer of the
// servo beam (and of the beam on the same layer) is the next one, the
// spot's depth is the layer's (from the spacers), focus locked.
TEST(MediumServo, LayerJumpLandsOnNextLayer)
{
    const medium_config cfg = ecdisc::default_medium();
    medium m(cfg, 1, 65536, { 1, 1 }, {}, 5);
    medium_servo s(m, ecdisc::load_servo(""), 1, 11);
    run(s, m, 65536);
    ASSERT_TRUE(s.focus_locked());
    const double dof = depth_of_focus(cfg);
    s.layer_jump(1);
    EXPECT_EQ(s.target_layer(), 2);
    auto r = run(s, m, 2 * 65536);
    EXPECT_TRUE(s.focus_locked());
    EXPECT_EQ(m.focus_layer(1), 2);
    EXPECT_EQ(m.focus_layer(0), 2);
    EXPECT_LT(std::fabs(m.focus_offset(1)), 0.1 * dof);
    // the lens moved by the spacer of layer 1 (19 um) plus the run-out
    EXPECT_NEAR(s.lens_focus_m() - s.runout_m(), cfg.layers[1].spacer_m, 0.1 * dof);
    int switches = 0;
    for (const auto& e : r.events)
        if (e.kind == medium_servo::event_kind::layer)
            switches++;
    EXPECT_EQ(switches, 2); // both beams, once (the jump happened in this run)
    // back by two
    s.layer_jump(-2);
    run(s, m, 2 * 65536);
    EXPECT_TRUE(s.focus_locked());
    EXPECT_EQ(m.focus_layer(1), 0);
    EXPECT_NEAR(s.lens_focus_m() - s.runout_m(), -cfg.layers[0].spacer_m, 0.1 * dof);
    EXPECT_EQ(invalid_argument_message([&] { s.layer_jump(-1); }),
              "layer_jump = -1: layer -1 is outside the stack 0..3");
}

// A focus search through the stack: servo_find_layers() on the recorded
// lens positions and the medium's FES finds the four layers at their
// depths (no run-out here: the lens positions are the layer depths).
TEST(MediumServo, FocusSearchFindsTheLayers)
{
    medium_config cfg = ecdisc::default_medium();
    cfg.format.radius_m = 0.01; // 12.8 ms per revolution
    const int64_t bits = static_cast<int64_t>(std::floor(2 * M_PI * cfg.format.radius_m /
                                                         cfg.format.channel_bit_m)) -
                         1;
    medium m(cfg, 1, bits, { 1 }, {}, 5);
    servo_config sc = ecdisc::load_servo("");
    sc.focus.disturbance = {};
    sc.tracking.disturbance = {};
    sc.focus.search_range_m = 120e-6;
    sc.focus.search_speed_m_s = 10e-3;
    medium_servo s(m, sc, 0, 11, false);
    s.focus_search(true);
    s.set_record(true);
    // down to -60 um (6 ms), turn, up to +60 um (12 ms)
    const size_t n = static_cast<size_t>(22e-3 * m.sample_rate_hz());
    run(s, m, n, 0.5, 8192);
    const auto& x = s.record_x();
    const auto& f = s.record_fes();
    ASSERT_GT(x.size(), 1000u);
    // the rising pass: from the lowest lens position on
    const size_t lo = std::min_element(x.begin(), x.end()) - x.begin();
    EXPECT_LT(x[lo], -55e-6);
    EXPECT_GT(x.back(), 55e-6);
    std::vector<double> xs(x.begin() + lo, x.end()), fs(f.begin() + lo, f.end());
    const auto found = ecdisc::servo_find_layers(xs, fs, 0.5, 1e-6);
    ASSERT_EQ(found.size(), 4u);
    const double z0 = cfg.depth_m(1); // the lens at rest focuses on layer 1
    double depth = 0;
    for (int k = 0; k < 4; k++) {
        EXPECT_NEAR(found[k].position_m, depth - z0, 0.05e-6) << "layer " << k;
        // the S-curve's extremes: (2/pi) asin(s / 2a) each way
        EXPECT_GT(found[k].peak_to_peak, 1.2);
        depth += cfg.layers[k].spacer_m;
    }
    // the search went through the stack: the beam ends on the deepest layer
    EXPECT_EQ(m.focus_layer(0), 3);
    s.focus_search(false);
    EXPECT_FALSE(s.loop().focus().searching());
}

// Ideal positioning: the medium's output bit-exact, offsets untouched; with
// the servo locked the sum signal is the ideal one up to float rounding.
TEST(MediumServo, IdealModeIsBitExact)
{
    const medium_config cfg = guide_medium();
    const size_t n = 50000;
    std::vector<float> p0(n), p1(n);
    for (size_t i = 0; i < n; i++) {
        p0[i] = 0.5f;
        p1[i] = (i / 37) % 3 == 0 ? 4.0f : 0.5f;
    }
    const float* pw[2] = { p0.data(), p1.data() };
    auto bare_q = [&](std::vector<std::vector<float>>& q) {
        medium m(cfg, 2, 8192, { 0, 1 }, { 0, 1.5, 0 }, 9);
        q.assign(8, std::vector<float>(n));
        float* qp[8];
        for (int k = 0; k < 8; k++)
            qp[k] = q[k].data();
        m.process_quadrants(pw, qp, n);
    };
    std::vector<std::vector<float>> want, got(8, std::vector<float>(n));
    bare_q(want);
    {
        medium m(cfg, 2, 8192, { 0, 1 }, { 0, 1.5, 0 }, 9);
        medium_servo s(m, 1);
        EXPECT_TRUE(s.ideal());
        float* qp[8];
        for (int k = 0; k < 8; k++)
            qp[k] = got[k].data();
        std::vector<float> fe(n, 1.0f);
        for (size_t i = 0; i < n; i += 1000) {
            const float* pp[2] = { p0.data() + i, p1.data() + i };
            float* q2[8];
            for (int k = 0; k < 8; k++)
                q2[k] = qp[k] + i;
            s.process_quadrants(pp, q2, std::min<size_t>(1000, n - i), fe.data() + i);
        }
        EXPECT_EQ(m.focus_offset(1), 0.0);
        EXPECT_EQ(*std::max_element(fe.begin(), fe.end()), 0.0f);
        EXPECT_THROW(s.track_jump(1), std::logic_error);
    }
    for (int k = 0; k < 8; k++)
        EXPECT_EQ(std::memcmp(want[k].data(), got[k].data(), n * sizeof(float)), 0) << k;
    // sum mode: bit-exact with medium::process
    std::vector<float> s_want(2 * n), s_got(2 * n), s_servo(2 * n);
    {
        medium m(cfg, 2, 8192, { 0, 1 }, { 0, 1.5, 0 }, 9);
        float* o[2] = { s_want.data(), s_want.data() + n };
        m.process(pw, o, n);
    }
    {
        medium m(cfg, 2, 8192, { 0, 1 }, { 0, 1.5, 0 }, 9);
        medium_servo s(m, 1);
        float* o[2] = { s_got.data(), s_got.data() + n };
        s.process(pw, o, n);
    }
    EXPECT_EQ(std::memcmp(s_want.data(), s_got.data(), s_want.size() * sizeof(float)), 0);
    {
        // closed loops: same sum signal (the offsets only split it)
        medium m(cfg, 2, 8192, { 0, 1 }, { 0, 1.5, 0 }, 9);
        medium_servo s(m, ecdisc::load_servo(""), 0, 3);
        float* o[2] = { s_servo.data(), s_servo.data() + n };
        s.process(pw, o, n);
        EXPECT_NE(m.focus_offset(0), 0.0);
    }
    double worst = 0;
    for (size_t i = 0; i < s_want.size(); i++)
        worst = std::max(worst,
                         std::fabs(double(s_want[i]) - s_servo[i]) /
                             std::max(1e-6, std::fabs(double(s_want[i]))));
    EXPECT_LT(worst, 1e-5);
}

// A disc image loaded mid-run moves the medium clock back: resync() puts
// the closed loops back on the disturbance's trajectory, no error step.
TEST(MediumServo, ResyncAfterImageLoad)
{
    const medium_config cfg = ecdisc::default_medium();
    medium m(cfg, 1, 20000, { 1, 1 }, {}, 5);
    medium_servo s(m, ecdisc::load_servo(""), 1, 11);
    const std::string path = ::testing::TempDir() + "medium_servo_resync.img";
    m.save_image(path);
    run(s, m, 3 * 20000 + 7000);
    ASSERT_TRUE(s.focus_locked());
    m.load_image(path); // the clock goes back three revolutions and a bit
    s.reset_stats();
    s.resync();
    auto r = run(s, m, 2 * 20000);
    double max_f = 0;
    for (float x : r.fe)
        max_f = std::max(max_f, std::fabs(static_cast<double>(x)));
    const double dof = depth_of_focus(cfg);
    EXPECT_LT(max_f, 0.2 * dof);
    EXPECT_LT(s.focus_error_rms_m(), 0.1 * dof);
    EXPECT_TRUE(s.focus_locked());
    EXPECT_TRUE(s.tracking_locked());
    std::remove(path.c_str());
}

TEST(MediumServo, BadArguments)
{
    medium m(ecdisc::default_medium(), 1, 4096, { 1, 0 }, {}, 1);
    EXPECT_EQ(
        invalid_argument_message([&] { medium_servo s(m, ecdisc::load_servo(""), 2); }),
        "servo_beam = 2: must be in 0..1");
    EXPECT_EQ(invalid_argument_message([&] { medium_servo s(m, -1); }),
              "servo_beam = -1: must be in 0..1");
    medium_servo s(m, ecdisc::load_servo(""), 1, 1, false);
    EXPECT_THROW(s.layer_jump(1), std::logic_error); // loop open
    EXPECT_THROW(s.track_jump(1), std::logic_error);
    EXPECT_FALSE(s.tracking_signal()); // layer 0 of the default stack is flat
}
