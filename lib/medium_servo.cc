/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "medium_servo.h"
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace ecdisc {

namespace {

constexpr double kPi = 3.14159265358979323846;
//! a sum of quadrant light below this (normalised photocurrent summed over
//! an update) counts as no light: the signals are then 0
constexpr double kNoLight = 1e-12;

double clamp_offset(double m) { return std::clamp(m, -1e-3, 1e-3); }

} // namespace

medium_servo::medium_servo(medium& m, int servo_beam) : d_m(m), d_beam(servo_beam)
{
    if (servo_beam < 0 || servo_beam >= m.num_beams())
        throw std::invalid_argument("servo_beam = " + std::to_string(servo_beam) +
                                    ": must be in 0.." +
                                    std::to_string(m.num_beams() - 1));
    d_kf = m.focus_layer(servo_beam);
    d_beam_t.assign(m.num_beams(), 0.0);
}

medium_servo::medium_servo(
    medium& m, const servo_config& cfg, int servo_beam, uint64_t seed, bool closed)
    : medium_servo(m, servo_beam)
{
    d_fs = m.sample_rate_hz();
    d_N = servo_update_samples(d_fs, cfg.update_rate_hz);
    d_T = d_N / d_fs;
    d_loop = std::make_unique<servo_loop>(cfg, d_fs / d_N);
    d_frot = 1.0 / m.revolution_s();
    d_pitch = m.config().format.track_pitch_m;
    d_kf = m.focus_layer(servo_beam);
    d_Z0 = d_Bf = m.config().depth_m(d_kf);
    d_Bt = 0;
    d_target_layer = d_kf;
    d_t = m.time_s();
    d_rng.seed(seed);
    calibrate();
    if (closed) {
        bumpless(d_loop->focus(), cfg.focus.disturbance, d_Bf - d_Z0);
        bumpless(d_loop->tracking(), cfg.tracking.disturbance, d_Bt);
        d_lock_f = d_lock_t = false;
    }
}

void medium_servo::check_servo(const char* what) const
{
    if (!d_loop)
        throw std::logic_error(std::string(what) + ": ideal positioning, no servo");
}

void medium_servo::calibrate()
{
    const double h = 1e-9;
    d_slope_med_f = (d_m.focus_error_model(h) - d_m.focus_error_model(-h)) / (2 * h);
    d_gf = d_loop->config().focus.slope_per_m / d_slope_med_f;
    d_p0 = d_m.push_pull_amplitude(d_kf);
    if (std::fabs(d_p0) > 1e-9)
        d_gt = d_loop->config().tracking.slope_per_m / (2 * kPi * d_p0 / d_pitch);
    else
        d_gt = 0;
}

void medium_servo::bumpless(servo_axis& a,
                            const servo_disturbance_config& dist,
                            double offset)
{
    // as servo_loop::simulate(): the lens on the target's trajectory, the
    // controller preloaded with the drive that holds it there
    const double h = 1e-6 / d_frot;
    const double t = d_t;
    const double d0 = servo_disturbance(dist, d_frot, t) + offset;
    const double dp = servo_disturbance(dist, d_frot, t + h) + offset;
    const double dm = servo_disturbance(dist, d_frot, t - h) + offset;
    const double v0 = (dp - dm) / (2 * h);
    const double a0 = (dp - 2 * d0 + dm) / (h * h);
    const auto& c = a.config();
    const double w0 = 2 * kPi * c.resonance_hz;
    a.close(true);
    a.set_actuator_state(d0, v0);
    a.preload_drive((a0 + 2 * c.damping * w0 * v0 + w0 * w0 * d0) /
                    (c.dc_gain_m_per_v * w0 * w0));
}

double medium_servo::dist_f(double t) const
{
    return servo_disturbance(d_loop->config().focus.disturbance, d_frot, t);
}

double medium_servo::dist_t(double t) const
{
    return servo_disturbance(d_loop->config().tracking.disturbance, d_frot, t);
}

double medium_servo::defocus() const
{
    return d_loop->focus().position_m() + d_Z0 - dist_f(d_t) - d_m.config().depth_m(d_kf);
}

double medium_servo::radial() const
{
    return d_loop->tracking().position_m() - dist_t(d_t);
}

void medium_servo::set_beam_tracking_offset(int beam, double metres)
{
    if (beam < 0 || beam >= d_m.num_beams())
        throw std::invalid_argument("beam = " + std::to_string(beam) +
                                    ": must be in 0.." +
                                    std::to_string(d_m.num_beams() - 1));
    if (!(std::fabs(metres) <= 1e-3))
        throw std::invalid_argument("tracking offset = " + std::to_string(metres) +
                                    ": must be in [-0.001, 0.001] m");
    d_beam_t[beam] = metres;
}

double medium_servo::beam_tracking_offset(int beam) const { return d_beam_t.at(beam); }

int medium_servo::nearest_layer(double depth) const
{
    int best = 0;
    double bd = 1e300;
    for (int k = 0; k < d_m.num_layers(); k++) {
        const double dd = std::fabs(depth - d_m.config().depth_m(k));
        if (dd < bd) {
            bd = dd;
            best = k;
        }
    }
    return best;
}

void medium_servo::follow_layer(size_t index)
{
    const auto& cfg = d_m.config();
    // a focus layer changed from outside: an ideal refocus (lens frame and
    // target move with it)
    const int now = d_m.focus_layer(d_beam);
    if (now != d_kf) {
        const double dd = cfg.depth_m(now) - cfg.depth_m(d_kf);
        d_Z0 += dd;
        d_Bf += dd;
        d_target_layer = std::clamp(d_target_layer + now - d_kf, 0, d_m.num_layers() - 1);
        d_kf = now;
        calibrate();
    }
    // the spot passed a midpoint: the beams on the servo beam's layer follow
    const double z = d_loop->focus().position_m() + d_Z0 - dist_f(d_t);
    const int k = nearest_layer(z);
    if (k != d_kf) {
        for (int b = 0; b < d_m.num_beams(); b++)
            if (d_m.focus_layer(b) == d_kf) {
                d_m.set_focus_layer(b, k);
                d_events.push_back({ index, event_kind::layer, b, k });
            }
        d_kf = k;
        calibrate();
    }
}

void medium_servo::apply_offsets()
{
    const double f = clamp_offset(defocus());
    const double r = radial();
    for (int b = 0; b < d_m.num_beams(); b++) {
        d_m.set_focus_offset(b, f);
        d_m.set_tracking_offset(b, clamp_offset(r + d_beam_t[b]));
    }
}

void medium_servo::begin_interval(double t, size_t index)
{
    d_t = t;
    follow_layer(index);
    const auto& F = d_loop->focus();
    const auto& R = d_loop->tracking();
    d_xf = F.position_m();
    d_ef = dist_f(t) + d_Bf - d_Z0 + F.reference_m() - F.position_m();
    d_et = dist_t(t) + d_Bt + R.reference_m() - R.position_m();
    apply_offsets();
    d_sum = d_sac = d_sad = 0;
    d_real = 0;
}

void medium_servo::end_interval(size_t index)
{
    auto& F = d_loop->focus();
    auto& R = d_loop->tracking();
    double fes, pp;
    if (d_real > 0) {
        fes = d_sum > kNoLight ? d_sac / d_sum : 0.0;
        pp = d_sum > kNoLight ? d_sad / d_sum : 0.0;
        if (d_record) {
            d_rec_x.push_back(d_xf);
            d_rec_f.push_back(fes);
        }
    } else {
        // skipped time: the medium's own model of the held offsets
        fes = d_m.focus_error_model(clamp_offset(defocus()));
        pp = d_p0 *
             std::sin(2 * kPi * clamp_offset(radial() + d_beam_t[d_beam]) / d_pitch);
    }
    d_sq_f += d_ef * d_ef;
    d_sq_t += d_et * d_et;
    d_stat_n++;
    const auto& cf = F.config();
    const auto& ct = R.config();
    const double nf = cf.disturbance.noise_rms_m > 0
                          ? cf.disturbance.noise_rms_m * d_gauss(d_rng)
                          : 0.0;
    const double nt = ct.disturbance.noise_rms_m > 0
                          ? ct.disturbance.noise_rms_m * d_gauss(d_rng)
                          : 0.0;
    if (F.jumping())
        F.update(d_ef + nf);
    else
        F.update_normalised(-d_gf * fes + cf.slope_per_m * nf);
    if (R.jumping() || d_gt == 0)
        R.update(d_et + nt);
    else
        R.update_normalised(-d_gt * pp + ct.slope_per_m * nt);
    if (F.locked() != d_lock_f) {
        d_lock_f = F.locked();
        d_events.push_back({ index, event_kind::focus_lock, d_beam, d_lock_f ? 1 : 0 });
    }
    if (R.locked() != d_lock_t) {
        d_lock_t = R.locked();
        d_events.push_back(
            { index, event_kind::tracking_lock, d_beam, d_lock_t ? 1 : 0 });
    }
    d_phase = 0;
}

void medium_servo::skip(double seconds, size_t index)
{
    const double v = seconds * d_fs + d_carry;
    int64_t left = static_cast<int64_t>(std::floor(v));
    d_carry = v - static_cast<double>(left);
    while (left > 0) {
        if (d_phase == 0)
            begin_interval(d_t + d_T, index);
        const int64_t k = std::min<int64_t>(left, d_N - d_phase);
        d_phase += static_cast<int>(k);
        left -= k;
        if (d_phase == d_N)
            end_interval(index);
    }
}

void medium_servo::run(const float* const* power_mw,
                       float* const* quad,
                       size_t n,
                       float* fe,
                       float* te,
                       std::vector<std::pair<size_t, uint64_t>>* wraps)
{
    const int nb = d_m.num_beams();
    std::vector<const float*> pp(nb);
    std::vector<float*> qp(4 * nb);
    size_t i = 0;
    while (i < n) {
        if (d_phase == 0)
            begin_interval(d_m.time_s(), i);
        const int64_t to_wrap = d_m.cells() - d_m.position();
        size_t k = std::min<size_t>(n - i, static_cast<size_t>(d_N - d_phase));
        k = std::min<size_t>(k, static_cast<size_t>(to_wrap));
        for (int b = 0; b < nb; b++)
            pp[b] = power_mw[b] + i;
        for (int q = 0; q < 4 * nb; q++)
            qp[q] = quad[q] + i;
        const uint64_t rev0 = d_m.revolution();
        d_wr.clear();
        d_m.process_quadrants(pp.data(), qp.data(), k, wraps ? &d_wr : nullptr);
        if (wraps)
            for (const auto& w : d_wr)
                wraps->emplace_back(w.first + i, w.second);
        const float* a = qp[4 * d_beam];
        const float* b = qp[4 * d_beam + 1];
        const float* c = qp[4 * d_beam + 2];
        const float* d = qp[4 * d_beam + 3];
        double s = 0, ac = 0, ad = 0;
        for (size_t j = 0; j < k; j++) {
            s += static_cast<double>(a[j]) + b[j] + c[j] + d[j];
            ac += static_cast<double>(a[j]) + c[j] - b[j] - d[j];
            ad += static_cast<double>(a[j]) + d[j] - b[j] - c[j];
        }
        d_sum += s;
        d_sac += ac;
        d_sad += ad;
        if (fe)
            std::fill(fe + i, fe + i + k, static_cast<float>(d_ef));
        if (te)
            std::fill(te + i, te + i + k, static_cast<float>(d_et));
        d_real += k;
        d_phase += static_cast<int>(k);
        i += k;
        if (d_phase == d_N)
            end_interval(i);
        if (d_m.revolution() != rev0)
            skip(d_m.revolution_s() - static_cast<double>(d_m.cells()) / d_fs, i);
    }
}

void medium_servo::process_quadrants(const float* const* power_mw,
                                     float* const* quad,
                                     size_t n,
                                     float* focus_error_m,
                                     float* tracking_error_m,
                                     std::vector<std::pair<size_t, uint64_t>>* wraps)
{
    d_events.clear();
    if (!d_loop) {
        d_m.process_quadrants(power_mw, quad, n, wraps);
        if (focus_error_m)
            std::fill(focus_error_m, focus_error_m + n, 0.0f);
        if (tracking_error_m)
            std::fill(tracking_error_m, tracking_error_m + n, 0.0f);
        return;
    }
    run(power_mw, quad, n, focus_error_m, tracking_error_m, wraps);
}

void medium_servo::process(const float* const* power_mw,
                           float* const* signal,
                           size_t n,
                           float* focus_error_m,
                           float* tracking_error_m,
                           std::vector<std::pair<size_t, uint64_t>>* wraps)
{
    d_events.clear();
    if (!d_loop) {
        d_m.process(power_mw, signal, n, wraps);
        if (focus_error_m)
            std::fill(focus_error_m, focus_error_m + n, 0.0f);
        if (tracking_error_m)
            std::fill(tracking_error_m, tracking_error_m + n, 0.0f);
        return;
    }
    const int nb = d_m.num_beams();
    d_scratch.resize(4 * nb);
    std::vector<float*> qp(4 * nb);
    for (int q = 0; q < 4 * nb; q++) {
        if (d_scratch[q].size() < n)
            d_scratch[q].resize(n);
        qp[q] = d_scratch[q].data();
    }
    run(power_mw, qp.data(), n, focus_error_m, tracking_error_m, wraps);
    for (int b = 0; b < nb; b++) {
        const float* a = qp[4 * b];
        const float* bb = qp[4 * b + 1];
        const float* c = qp[4 * b + 2];
        const float* d = qp[4 * b + 3];
        float* out = signal[b];
        for (size_t j = 0; j < n; j++)
            out[j] = (a[j] + bb[j]) + (c[j] + d[j]);
    }
}

void medium_servo::close(bool on)
{
    close_focus(on);
    close_tracking(on);
}

void medium_servo::close_focus(bool on)
{
    check_servo("close");
    auto& F = d_loop->focus();
    F.close(on);
    if (on) {
        // the target: the layer the spot is on (its FES zero)
        d_Bf = d_m.config().depth_m(d_kf);
        d_target_layer = d_kf;
    }
}

void medium_servo::close_tracking(bool on)
{
    check_servo("close");
    auto& R = d_loop->tracking();
    R.close(on);
    if (on)
        d_Bt = d_pitch * std::round(radial() / d_pitch); // the nearest track
}

void medium_servo::track_jump(int n)
{
    check_servo("track_jump");
    d_loop->tracking().jump_m(n * d_pitch);
}

void medium_servo::layer_jump(int n)
{
    check_servo("layer_jump");
    auto& F = d_loop->focus();
    if (!F.closed())
        throw std::logic_error("layer_jump: the focus loop is open");
    const int to = d_target_layer + n;
    if (to < 0 || to >= d_m.num_layers())
        throw std::invalid_argument("layer_jump = " + std::to_string(n) + ": layer " +
                                    std::to_string(to) + " is outside the stack 0.." +
                                    std::to_string(d_m.num_layers() - 1));
    const auto& cfg = d_m.config();
    F.jump_m(cfg.depth_m(to) - cfg.depth_m(d_target_layer));
    d_target_layer = to;
}

void medium_servo::focus_search(bool on)
{
    check_servo("focus_search");
    if (on)
        d_loop->focus_search(true);
    else
        d_loop->focus().search(false);
}

void medium_servo::resync()
{
    if (!d_loop)
        return;
    d_t = d_m.time_s();
    d_phase = 0;
    d_carry = 0;
    auto& F = d_loop->focus();
    auto& R = d_loop->tracking();
    if (F.closed() && !F.jumping()) {
        d_Bf += F.reference_m(); // bumpless() closes: the reference goes to 0
        bumpless(F, d_loop->config().focus.disturbance, d_Bf - d_Z0);
    }
    if (R.closed() && !R.jumping()) {
        d_Bt += R.reference_m();
        bumpless(R, d_loop->config().tracking.disturbance, d_Bt);
    }
}

bool medium_servo::focus_locked() const
{
    return d_loop ? d_loop->focus().locked() : true;
}
bool medium_servo::tracking_locked() const
{
    return d_loop ? d_loop->tracking().locked() : true;
}

double medium_servo::focus_error_rms_m() const
{
    return d_stat_n ? std::sqrt(d_sq_f / static_cast<double>(d_stat_n)) : 0.0;
}

double medium_servo::tracking_error_rms_m() const
{
    return d_stat_n ? std::sqrt(d_sq_t / static_cast<double>(d_stat_n)) : 0.0;
}

void medium_servo::reset_stats()
{
    d_sq_f = d_sq_t = 0;
    d_stat_n = 0;
}

bool medium_servo::tracking_signal() const { return d_loop && d_gt != 0; }

double medium_servo::lens_focus_m() const
{
    return d_loop ? d_loop->focus().position_m() : 0.0;
}

double medium_servo::lens_depth_m() const
{
    return d_loop ? d_loop->focus().position_m() + d_Z0 : d_m.config().depth_m(d_kf);
}

double medium_servo::runout_m() const { return d_loop ? dist_f(d_t) : 0.0; }
double medium_servo::eccentricity_m() const { return d_loop ? dist_t(d_t) : 0.0; }

void medium_servo::clear_record()
{
    d_rec_x.clear();
    d_rec_f.clear();
}

} // namespace ecdisc
