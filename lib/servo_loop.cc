/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "servo_loop.h"
#include "yaml_checked.h"
#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>

namespace ecdisc {

namespace {

constexpr double kPi = 3.14159265358979323846;
using cplx = std::complex<double>;
using yaml_checked::fmt;
using yaml_checked::mapping;

// The built-in default: the text of media/servo_default.yml (a kernel test
// checks that the two are identical).
const char* const k_servo_default_yaml = R"ECDISC_YAML(# gr-ecdisc default servo configuration: focus and tracking loops of a
# BD-class optical head (405 nm, NA 0.85, track pitch 0.32 um), the disc's
# run-out and eccentricity as disturbances. SI units unless the key says
# otherwise. The loops, the design and every key: lib/servo_loop.h.
# This text is also built into the library (lib/servo_loop.cc): keep the two
# identical (a kernel test compares them).
name: servo-default
# Servo update rate: a detector stream at sample rate fs updates the loops
# every round(fs / update_rate_hz) samples; the design uses that exact rate.
update_rate_hz: 100e3
# Disc rotation: 4.92 m/s (BD 1x) at radius 40 mm, as media/default.yml.
rotation_hz: 19.6
focus:
  crossover_hz: 2500        # open-loop unity-gain frequency
  phase_margin_deg: 45
  integrator_ratio: 8       # PI zero at crossover / 8
  delay_updates: 1          # computation delay
  actuator: {resonance_hz: 50, damping: 0.15, dc_gain_m_per_v: 1.0e-3, max_drive_v: 5}
  # astigmatic FES near its zero: ~0.6 x 2/pi per 0.8 um, linear over +-0.5 um
  error: {slope_per_m: 1.5e6, linear_range_m: 0.5e-6}
  lock: {window_m: 0.1e-6, updates: 100}
  # layer jump: one step = the nominal layer distance (the default medium's
  # spacers are 13, 19, 16 um), raised-cosine trajectory over jump_time_s
  jump: {step_m: 16e-6, time_s: 1.0e-3}
  search: {range_m: 200e-6, speed_m_s: 2.0e-3, corner_time_s: 5.0e-3}
  # axial run-out: 100 um peak at the rotation frequency, a 2nd and a 3rd
  # harmonic, 5 nm rms detector noise
  disturbance:
    amplitude_m: 100e-6
    phase_deg: 0
    harmonics: [{order: 2, amplitude_m: 10e-6, phase_deg: 40}, {order: 3, amplitude_m: 3e-6, phase_deg: 110}]
    noise_rms_m: 5e-9
tracking:
  crossover_hz: 3000
  phase_margin_deg: 45
  integrator_ratio: 8
  delay_updates: 1
  actuator: {resonance_hz: 50, damping: 0.15, dc_gain_m_per_v: 0.5e-3, max_drive_v: 5}
  # push-pull near its zero: amplitude ~0.3 over the 0.32 um pitch,
  # 2 pi 0.3 / 0.32 um; linear within +-p/6
  error: {slope_per_m: 5.9e6, linear_range_m: 0.05e-6}
  lock: {window_m: 0.02e-6, updates: 100}
  # track jump: one step = the track pitch
  jump: {step_m: 0.32e-6, time_s: 0.3e-3}
  # eccentricity: 50 um peak, a 2nd harmonic, 1 nm rms detector noise
  disturbance:
    amplitude_m: 50e-6
    phase_deg: 0
    harmonics: [{order: 2, amplitude_m: 2e-6, phase_deg: 70}]
    noise_rms_m: 1e-9
)ECDISC_YAML";

servo_disturbance_config parse_disturbance(mapping& ax, const std::string& source)
{
    servo_disturbance_config d;
    mapping m(ax.node("disturbance", "a mapping"), source, ax.key_path("disturbance"));
    d.amplitude_m = m.number("amplitude_m", 0.0, 1e-3, false);
    d.phase_deg = m.number("phase_deg", -360.0, 360.0, false);
    if (m.has("harmonics")) {
        YAML::Node hs = m.node("harmonics", "a list");
        if (!hs.IsSequence() || hs.size() > 16)
            m.fail(m.key_path("harmonics"), "must be a list of up to 16 harmonics");
        for (size_t i = 0; i < hs.size(); i++) {
            mapping h(hs[i], source, m.key_path("harmonics") + "[" + std::to_string(i) + "]");
            servo_harmonic hh;
            hh.order = h.integer("order", 2, 100);
            hh.amplitude_m = h.number("amplitude_m", 0.0, 1e-3, false);
            hh.phase_deg = h.number("phase_deg", -360.0, 360.0, false);
            h.finish("order, amplitude_m, phase_deg");
            d.harmonics.push_back(hh);
        }
    }
    d.noise_rms_m = m.number("noise_rms_m", 0.0, 1e-6, false);
    m.finish("amplitude_m, phase_deg, harmonics, noise_rms_m");
    return d;
}

servo_axis_config parse_axis(mapping& top, const std::string& key, const std::string& source)
{
    servo_axis_config c;
    c.name = key;
    mapping ax(top.node(key, "a mapping"), source, key);
    c.crossover_hz = ax.number("crossover_hz", 0.0, 50e3, true);
    c.phase_margin_deg = ax.number("phase_margin_deg", 10.0, 80.0, false);
    c.integrator_ratio = ax.number("integrator_ratio", 2.0, 1000.0, false);
    c.delay_updates = ax.integer("delay_updates", 0, 4);
    {
        mapping a(ax.node("actuator", "a mapping"), source, ax.key_path("actuator"));
        c.resonance_hz = a.number("resonance_hz", 0.0, 10e3, true);
        c.damping = a.number("damping", 0.0, 2.0, true);
        c.dc_gain_m_per_v = a.number("dc_gain_m_per_v", 0.0, 1.0, true);
        c.max_drive_v = a.number("max_drive_v", 0.0, 1e3, true);
        a.finish("resonance_hz, damping, dc_gain_m_per_v, max_drive_v");
    }
    {
        mapping e(ax.node("error", "a mapping"), source, ax.key_path("error"));
        c.slope_per_m = e.number("slope_per_m", 0.0, 1e12, true);
        c.linear_range_m = e.number("linear_range_m", 0.0, 1e-3, true);
        e.finish("slope_per_m, linear_range_m");
    }
    {
        mapping l(ax.node("lock", "a mapping"), source, ax.key_path("lock"));
        c.lock_window_m = l.number("window_m", 0.0, 1e-3, true);
        c.lock_updates = l.integer("updates", 1, 1000000);
        l.finish("window_m, updates");
    }
    {
        mapping j(ax.node("jump", "a mapping"), source, ax.key_path("jump"));
        c.jump_step_m = j.number("step_m", 0.0, 1e-3, true);
        c.jump_time_s = j.number("time_s", 0.0, 1.0, true);
        j.finish("step_m, time_s");
    }
    if (ax.has("search")) {
        if (key != "focus")
            ax.fail(ax.key_path("search"), "only the focus axis has a focus search");
        mapping s(ax.node("search", "a mapping"), source, ax.key_path("search"));
        c.search_range_m = s.number("range_m", 0.0, 10e-3, true);
        c.search_speed_m_s = s.number("speed_m_s", 0.0, 10.0, true);
        c.search_corner_time_s = s.number("corner_time_s", 0.0, 1.0, true);
        s.finish("range_m, speed_m_s, corner_time_s");
    }
    c.disturbance = parse_disturbance(ax, source);
    ax.finish("crossover_hz, phase_margin_deg, integrator_ratio, delay_updates, actuator, "
              "error, lock, jump, search (focus only), disturbance");
    return c;
}

[[noreturn]] void bad(const servo_axis_config& c, const std::string& key, double v,
                      const std::string& what)
{
    throw std::invalid_argument(c.name + "." + key + " = " + fmt(v) + ": " + what);
}

// exp(M) of a 3x3 matrix: scaling and squaring with a Taylor series
void expm3(const double M[3][3], double E[3][3])
{
    double norm = 0;
    for (int i = 0; i < 3; i++) {
        double s = 0;
        for (int j = 0; j < 3; j++)
            s += std::fabs(M[i][j]);
        norm = std::max(norm, s);
    }
    int sq = 0;
    while (norm > 0.5) {
        norm /= 2;
        sq++;
    }
    const double scale = std::ldexp(1.0, -sq);
    double A[3][3], term[3][3], tmp[3][3];
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            A[i][j] = M[i][j] * scale;
            E[i][j] = term[i][j] = (i == j) ? 1.0 : 0.0;
        }
    for (int k = 1; k <= 20; k++) {
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++) {
                double s = 0;
                for (int l = 0; l < 3; l++)
                    s += term[i][l] * A[l][j];
                tmp[i][j] = s / k;
            }
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++) {
                term[i][j] = tmp[i][j];
                E[i][j] += term[i][j];
            }
    }
    for (int s = 0; s < sq; s++) {
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++) {
                double v = 0;
                for (int l = 0; l < 3; l++)
                    v += E[i][l] * E[l][j];
                tmp[i][j] = v;
            }
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                E[i][j] = tmp[i][j];
    }
}

} // namespace

const std::string& servo_default_yaml()
{
    static const std::string s(k_servo_default_yaml);
    return s;
}

servo_config parse_servo_yaml(const std::string& text, const std::string& source)
{
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::Exception& e) {
        throw std::invalid_argument(source + ": not valid YAML: " + e.what());
    }
    servo_config c;
    c.source = source;
    mapping top(root, source, "");
    c.name = top.text("name");
    c.update_rate_hz = top.number("update_rate_hz", 1e3, 100e6, false);
    c.rotation_hz = top.number("rotation_hz", 0.0, 1e3, true);
    c.focus = parse_axis(top, "focus", source);
    c.tracking = parse_axis(top, "tracking", source);
    top.finish("name, update_rate_hz, rotation_hz, focus, tracking");
    if (c.focus.search_range_m <= 0)
        top.fail("focus.search", "missing (expected a mapping: range_m, speed_m_s, corner_time_s)");
    for (const servo_axis_config* a : { &c.focus, &c.tracking }) {
        if (a->crossover_hz * 4 > c.update_rate_hz)
            throw std::invalid_argument(source + ": " + a->name + ".crossover_hz = " +
                                        fmt(a->crossover_hz) +
                                        ": must be at most update_rate_hz / 4 (" +
                                        fmt(c.update_rate_hz / 4) + ")");
        if (a->lock_window_m > a->linear_range_m)
            throw std::invalid_argument(source + ": " + a->name + ".lock.window_m = " +
                                        fmt(a->lock_window_m) +
                                        ": must be at most error.linear_range_m (" +
                                        fmt(a->linear_range_m) + ")");
    }
    // the design itself may reject a phase margin: report it with the file
    try {
        servo_axis f(c.focus, c.update_rate_hz);
        servo_axis t(c.tracking, c.update_rate_hz);
    } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(source + ": " + e.what());
    }
    return c;
}

servo_config load_servo(const std::string& path)
{
    if (path.empty())
        return parse_servo_yaml(servo_default_yaml(), "servo_default.yml (built-in)");
    std::string name;
    const std::string text = yaml_checked::read_file("servo_file", path, name);
    return parse_servo_yaml(text, name);
}

int servo_update_samples(double sample_rate_hz, double update_rate_hz)
{
    if (!(sample_rate_hz > 0) || !std::isfinite(sample_rate_hz))
        throw std::invalid_argument("sample_rate = " + fmt(sample_rate_hz) + ": must be > 0");
    const double n = std::round(sample_rate_hz / update_rate_hz);
    if (n > 1e9)
        throw std::invalid_argument("sample_rate = " + fmt(sample_rate_hz) +
                                    ": more than 1e9 samples per servo update");
    return std::max(1, static_cast<int>(n));
}

double servo_disturbance(const servo_disturbance_config& d, double rotation_hz, double t)
{
    const double w = 2 * kPi * rotation_hz;
    double y = d.amplitude_m * std::sin(w * t + d.phase_deg * kPi / 180);
    for (const auto& h : d.harmonics)
        y += h.amplitude_m * std::sin(h.order * w * t + h.phase_deg * kPi / 180);
    return y;
}

std::vector<servo_s_curve> servo_find_layers(const std::vector<double>& x,
                                             const std::vector<double>& fes,
                                             double min_peak,
                                             double max_gap_m)
{
    if (x.size() != fes.size())
        throw std::invalid_argument("fes: " + std::to_string(fes.size()) +
                                    " samples for " + std::to_string(x.size()) +
                                    " positions: must be as many");
    if (!(min_peak > 0) || !std::isfinite(min_peak))
        throw std::invalid_argument("min_peak = " + fmt(min_peak) + ": must be > 0");
    if (!(max_gap_m > 0) || !std::isfinite(max_gap_m))
        throw std::invalid_argument("max_gap_m = " + fmt(max_gap_m) + ": must be > 0");
    struct lobe {
        int sign;
        double peak;
        size_t first, last;
    };
    std::vector<lobe> lobes;
    const double h = min_peak / 2;
    for (size_t i = 0; i < fes.size(); i++) {
        const double f = fes[i];
        const int sg = f >= h ? 1 : (f <= -h ? -1 : 0);
        if (sg == 0)
            continue;
        // a run of one sign continues across a short dip (noise at the
        // threshold) as long as no lobe of the other sign came in between
        if (!lobes.empty() && lobes.back().sign == sg &&
            std::fabs(x[i] - x[lobes.back().last]) <= max_gap_m) {
            lobes.back().last = i;
            lobes.back().peak = std::max(lobes.back().peak, std::fabs(f));
        } else {
            lobes.push_back({ sg, std::fabs(f), i, i });
        }
    }
    std::vector<servo_s_curve> out;
    for (size_t j = 0; j + 1 < lobes.size(); j++) {
        const lobe& a = lobes[j];
        const lobe& b = lobes[j + 1];
        if (a.sign == b.sign || a.peak < min_peak || b.peak < min_peak)
            continue;
        const double xa = x[a.last], xb = x[b.first];
        if (std::fabs(xb - xa) > max_gap_m)
            continue;
        const double fa = fes[a.last], fb = fes[b.first];
        out.push_back({ xa + (xb - xa) * fa / (fa - fb), a.peak + b.peak });
        j++; // b belongs to this S-curve
    }
    std::sort(out.begin(), out.end(), [](const servo_s_curve& p, const servo_s_curve& q) {
        return p.position_m < q.position_m;
    });
    return out;
}

// ------------------------------------------------------------------ servo_axis

servo_axis::servo_axis(const servo_axis_config& cfg, double update_rate_hz)
    : d_cfg(cfg), d_fs(update_rate_hz)
{
    if (!(update_rate_hz > 0) || !std::isfinite(update_rate_hz))
        throw std::invalid_argument("update_rate_hz = " + fmt(update_rate_hz) + ": must be > 0");
    if (!(cfg.crossover_hz > 0) || cfg.crossover_hz * 4 > update_rate_hz)
        bad(cfg, "crossover_hz", cfg.crossover_hz,
            "must be in (0, update rate / 4 = " + fmt(update_rate_hz / 4) + "]");
    if (!(cfg.phase_margin_deg >= 10 && cfg.phase_margin_deg <= 80))
        bad(cfg, "phase_margin_deg", cfg.phase_margin_deg, "must be in [10, 80]");
    if (!(cfg.integrator_ratio >= 2 && cfg.integrator_ratio <= 1000))
        bad(cfg, "integrator_ratio", cfg.integrator_ratio, "must be in [2, 1000]");
    if (cfg.delay_updates < 0 || cfg.delay_updates > 4)
        bad(cfg, "delay_updates", cfg.delay_updates, "must be in 0..4");
    if (!(cfg.resonance_hz > 0) || cfg.resonance_hz * 4 > update_rate_hz)
        bad(cfg, "actuator.resonance_hz", cfg.resonance_hz, "must be in (0, update rate / 4]");
    if (!(cfg.damping > 0 && cfg.damping <= 2))
        bad(cfg, "actuator.damping", cfg.damping, "must be in (0, 2]");
    if (!(cfg.dc_gain_m_per_v > 0 && cfg.dc_gain_m_per_v <= 1))
        bad(cfg, "actuator.dc_gain_m_per_v", cfg.dc_gain_m_per_v, "must be in (0, 1]");
    if (!(cfg.max_drive_v > 0))
        bad(cfg, "actuator.max_drive_v", cfg.max_drive_v, "must be > 0");
    if (!(cfg.slope_per_m > 0) || !std::isfinite(cfg.slope_per_m))
        bad(cfg, "error.slope_per_m", cfg.slope_per_m, "must be > 0");
    if (!(cfg.linear_range_m > 0))
        bad(cfg, "error.linear_range_m", cfg.linear_range_m, "must be > 0");
    if (!(cfg.lock_window_m > 0))
        bad(cfg, "lock.window_m", cfg.lock_window_m, "must be > 0");
    if (cfg.lock_updates < 1)
        bad(cfg, "lock.updates", cfg.lock_updates, "must be >= 1");
    if (!(cfg.jump_step_m > 0))
        bad(cfg, "jump.step_m", cfg.jump_step_m, "must be > 0");
    if (!(cfg.jump_time_s > 0))
        bad(cfg, "jump.time_s", cfg.jump_time_s, "must be > 0");
    d_T = 1.0 / d_fs;
    d_w0 = 2 * kPi * cfg.resonance_hz;
    d_zeta = cfg.damping;
    d_G0 = cfg.dc_gain_m_per_v;
    // exact ZOH of [x, v]' = [[0, 1], [-w0^2, -2 zeta w0]] [x, v] + [0, G0 w0^2] u
    const double M[3][3] = { { 0, d_T, 0 },
                             { -d_w0 * d_w0 * d_T, -2 * d_zeta * d_w0 * d_T, d_G0 * d_w0 * d_w0 * d_T },
                             { 0, 0, 0 } };
    double E[3][3];
    expm3(M, E);
    for (int i = 0; i < 2; i++) {
        for (int j = 0; j < 2; j++)
            d_Ad[i][j] = E[i][j];
        d_Bd[i] = E[i][2];
    }
    d_delay.assign(static_cast<size_t>(cfg.delay_updates), 0.0);
    design();
}

std::complex<double> servo_axis::plant_response(double f_hz) const
{
    // C (zI - Ad)^-1 Bd, C = [1, 0]
    const cplx z = std::polar(1.0, 2 * kPi * f_hz * d_T);
    const cplx a = z - d_Ad[0][0], b = -d_Ad[0][1], c = -d_Ad[1][0], d = z - d_Ad[1][1];
    const cplx det = a * d - b * c;
    // first row of the inverse: [d, -b] / det
    return (d * d_Bd[0] - b * d_Bd[1]) / det;
}

std::complex<double> servo_axis::controller_response(double f_hz) const
{
    const cplx zi = std::polar(1.0, -2 * kPi * f_hz * d_T); // z^-1
    const cplx pi = (d_pi_b0 + d_pi_b1 * zi) / (1.0 - zi);
    const cplx ld = (d_ld_b0 + d_ld_b1 * zi) / (1.0 + d_ld_a1 * zi);
    return d_K * pi * ld * std::pow(zi, d_cfg.delay_updates);
}

std::complex<double> servo_axis::open_loop_response(double f_hz) const
{
    return d_cfg.slope_per_m * controller_response(f_hz) * plant_response(f_hz);
}

void servo_axis::design()
{
    const double wc = 2 * kPi * d_cfg.crossover_hz;
    const double c = wc / std::tan(wc * d_T / 2); // prewarped bilinear constant
    const double wi = wc / d_cfg.integrator_ratio;
    // PI (s + wi) / s -> ((c + wi) + (wi - c) z^-1) / (c (1 - z^-1))
    d_pi_b0 = (c + wi) / c;
    d_pi_b1 = (wi - c) / c;
    // the phase still missing at wc with PI, delay and plant (lead ratio 1)
    d_alpha = 1;
    d_ld_b0 = 1;
    d_ld_b1 = 0;
    d_ld_a1 = 0;
    d_K = 1;
    const double phase0 = std::arg(open_loop_response(d_cfg.crossover_hz)); // (-pi, pi]
    // wanted: -pi + pm; the open loop's phase at wc lies a little below -pi
    // for a mass-spring plant beyond its resonance
    double lead = -kPi + d_cfg.phase_margin_deg * kPi / 180 - phase0;
    while (lead > kPi)
        lead -= 2 * kPi;
    while (lead <= -kPi)
        lead += 2 * kPi;
    if (lead > 80 * kPi / 180 || lead < 0)
        bad(d_cfg, "phase_margin_deg", d_cfg.phase_margin_deg,
            "needs " + fmt(lead * 180 / kPi) +
                " deg of phase lead at the crossover (plant, integrator and delay give " +
                fmt(phase0 * 180 / kPi) +
                " deg); allowed 0..80: lower the margin or the crossover, or raise the "
                "update rate");
    const double s = std::sin(lead);
    d_alpha = (1 + s) / (1 - s);
    const double wz = wc / std::sqrt(d_alpha), wp = wc * std::sqrt(d_alpha);
    // (wp / wz) (s + wz) / (s + wp), bilinear with c
    const double g = wp / wz;
    d_ld_b0 = g * (c + wz) / (c + wp);
    d_ld_b1 = g * (wz - c) / (c + wp);
    d_ld_a1 = (wp - c) / (c + wp);
    d_K = 1.0 / std::abs(open_loop_response(d_cfg.crossover_hz));
}

double servo_axis::feedforward(double r, double rd, double rdd) const
{
    return (rdd + 2 * d_zeta * d_w0 * rd + d_w0 * d_w0 * r) / (d_G0 * d_w0 * d_w0);
}

void servo_axis::set_actuator_state(double x_m, double v_m_s)
{
    d_x = x_m;
    d_v = v_m_s;
}

double servo_axis::actuator_step(double u)
{
    const double x = d_Ad[0][0] * d_x + d_Ad[0][1] * d_v + d_Bd[0] * u;
    const double v = d_Ad[1][0] * d_x + d_Ad[1][1] * d_v + d_Bd[1] * u;
    d_x = x;
    d_v = v;
    return d_x;
}

void servo_axis::preload_drive(double u)
{
    const double y = u / d_K;
    d_pi_y1 = d_ld_x1 = d_ld_y1 = y;
    d_pi_x1 = 0;
    std::fill(d_delay.begin(), d_delay.end(), u);
    d_u = u;
}

void servo_axis::close(bool on)
{
    const double u_prev = d_u;
    d_closed = on;
    d_searching = false;
    d_pi_x1 = d_pi_y1 = d_ld_x1 = d_ld_y1 = 0;
    std::fill(d_delay.begin(), d_delay.end(), 0.0);
    d_delay_pos = 0;
    d_ref = 0;
    d_jump_left = 0;
    d_locked = false;
    d_in_window = 0;
    if (!on)
        d_u = 0;
    else
        preload_drive(u_prev); // bumpless: the drive goes on from where it was
}

void servo_axis::jump_m(double distance_m)
{
    if (!d_closed)
        throw std::logic_error(d_cfg.name + ": jump with the loop open");
    if (!std::isfinite(distance_m))
        throw std::invalid_argument("jump = " + fmt(distance_m) + ": must be finite");
    d_jump_from = d_ref;
    d_jump_to = (d_jump_left > 0 ? d_jump_to : d_ref) + distance_m;
    d_jump_len = std::max<uint64_t>(1, static_cast<uint64_t>(std::llround(d_cfg.jump_time_s * d_fs)));
    d_jump_left = d_jump_len;
    d_locked = false;
    d_in_window = 0;
}

void servo_axis::jump(int n)
{
    jump_m(n * d_cfg.jump_step_m);
}

void servo_axis::search(bool on)
{
    if (on && !(d_cfg.search_range_m > 0))
        throw std::logic_error(d_cfg.name + ": no focus search configured");
    if (on) {
        close(false);
        d_searching = true;
        d_ref = d_x; // start from where the lens is
        d_search_v = 0;
        d_search_dir = -1;
    } else {
        d_searching = false;
        d_u = 0;
    }
}

double servo_axis::drive(double error_n)
{
    double u = 0;
    if (d_closed) {
        // reference at this update, and its derivatives at mid-interval
        double r = d_ref, rd = 0, rdd = 0;
        if (d_jump_left > 0) {
            const double D = d_jump_to - d_jump_from;
            const double Tj = d_jump_len * d_T;
            const double tau = (d_jump_len - d_jump_left) * d_T; // time into the jump
            r = d_jump_from + D * (1 - std::cos(kPi * tau / Tj)) / 2;
            const double tm = std::min(tau + d_T / 2, Tj);
            const double rm = d_jump_from + D * (1 - std::cos(kPi * tm / Tj)) / 2;
            rd = D * kPi / (2 * Tj) * std::sin(kPi * tm / Tj);
            rdd = D * kPi * kPi / (2 * Tj * Tj) * std::cos(kPi * tm / Tj);
            d_ref = r;
            u += feedforward(rm, rd, rdd);
        } else {
            u += feedforward(r, 0, 0);
        }
        // controller: PI -> lead -> gain -> delay
        const double pi = d_pi_y1 + d_pi_b0 * error_n + d_pi_b1 * d_pi_x1;
        const double lead = d_ld_b0 * pi + d_ld_b1 * d_ld_x1 - d_ld_a1 * d_ld_y1;
        double c = d_K * lead;
        if (!d_delay.empty()) {
            const double out = d_delay[d_delay_pos];
            d_delay[d_delay_pos] = c;
            d_delay_pos = (d_delay_pos + 1) % d_delay.size();
            c = out;
        }
        u += c;
        // anti-windup: the integrator holds while the drive is clipped and
        // the error would drive it further into the clip
        const bool clipped = std::fabs(u) > d_cfg.max_drive_v;
        if (!clipped || std::signbit(error_n) != std::signbit(u))
            d_pi_y1 = pi;
        d_pi_x1 = error_n;
        d_ld_x1 = pi;
        d_ld_y1 = lead;
    } else if (d_searching) {
        // triangle sweep with constant-acceleration corners
        const double half = d_cfg.search_range_m / 2;
        const double vmax = d_cfg.search_speed_m_s;
        const double acc = 2 * vmax / d_cfg.search_corner_time_s;
        const double stop = d_search_v * d_search_v / (2 * acc);
        const double bound = d_search_dir < 0 ? -half : half;
        if (d_search_dir < 0 ? d_ref - stop <= bound : d_ref + stop >= bound)
            d_search_dir = -d_search_dir;
        const double target_v = d_search_dir * vmax;
        const double v0 = d_search_v;
        double v1 = v0 + std::clamp(target_v - v0, -acc * d_T, acc * d_T);
        const double a = (v1 - v0) / d_T;
        u += feedforward(d_ref + (v0 + v1) / 4 * d_T, (v0 + v1) / 2, a);
        d_ref += (v0 + v1) / 2 * d_T;
        d_search_v = v1;
    }
    u = std::clamp(u, -d_cfg.max_drive_v, d_cfg.max_drive_v);
    d_u = u;
    // advance the jump trajectory to the next update
    if (d_closed && d_jump_left > 0) {
        d_jump_left--;
        const double D = d_jump_to - d_jump_from;
        const double tau = (d_jump_len - d_jump_left) * d_T;
        const double Tj = d_jump_len * d_T;
        d_ref = d_jump_left == 0 ? d_jump_to
                                 : d_jump_from + D * (1 - std::cos(kPi * tau / Tj)) / 2;
    }
    return u;
}

double servo_axis::update(double error_m)
{
    const double lin = d_cfg.linear_range_m;
    return step(d_cfg.slope_per_m * std::clamp(error_m, -lin, lin), error_m);
}

double servo_axis::update_normalised(double error_n)
{
    return step(error_n, error_n / d_cfg.slope_per_m);
}

double servo_axis::step(double error_n, double error_m)
{
    d_err_sq += error_m * error_m;
    d_err_n++;
    const bool was_jumping = d_jump_left > 0;
    drive(error_n);
    // lock
    if (d_closed && !was_jumping && std::fabs(error_m) <= d_cfg.lock_window_m) {
        if (d_in_window < d_cfg.lock_updates)
            d_in_window++;
        d_locked = d_in_window >= d_cfg.lock_updates;
    } else {
        d_in_window = 0;
        d_locked = false;
    }
    actuator_step(d_u);
    d_updates++;
    return d_x;
}

double servo_axis::error_rms_m() const
{
    return d_err_n ? std::sqrt(d_err_sq / d_err_n) : 0.0;
}

void servo_axis::reset_error_stats()
{
    d_err_sq = 0;
    d_err_n = 0;
}

// ------------------------------------------------------------------ servo_loop

servo_loop::servo_loop(const servo_config& cfg, double update_rate_hz)
    : d_cfg(cfg),
      d_focus(cfg.focus, update_rate_hz > 0 ? update_rate_hz : cfg.update_rate_hz),
      d_tracking(cfg.tracking, update_rate_hz > 0 ? update_rate_hz : cfg.update_rate_hz)
{
}

void servo_loop::close(bool on)
{
    d_focus.close(on);
    d_tracking.close(on);
}

void servo_loop::focus_search(bool on)
{
    if (on)
        d_tracking.close(false);
    d_focus.search(on);
}

std::vector<double> servo_loop::simulate(servo_axis& axis,
                                         const servo_disturbance_config& dist,
                                         double rotation_hz,
                                         double settle_s,
                                         size_t n_updates,
                                         uint64_t seed)
{
    const double T = 1.0 / axis.update_rate_hz();
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> noise(0.0, 1.0);
    const double h = 1e-6 / rotation_hz;
    const double d0 = servo_disturbance(dist, rotation_hz, 0.0);
    const double v0 = (servo_disturbance(dist, rotation_hz, h) -
                       servo_disturbance(dist, rotation_hz, -h)) / (2 * h);
    const double a0 = (servo_disturbance(dist, rotation_hz, h) - 2 * d0 +
                       servo_disturbance(dist, rotation_hz, -h)) / (h * h);
    const auto& c = axis.config();
    const double w0 = 2 * kPi * c.resonance_hz;
    axis.close(true);
    axis.set_actuator_state(d0, v0);
    // the drive that holds the lens on the disturbance's trajectory
    axis.preload_drive((a0 + 2 * c.damping * w0 * v0 + w0 * w0 * d0) /
                       (c.dc_gain_m_per_v * w0 * w0));
    const size_t n_settle = static_cast<size_t>(std::llround(settle_s / T));
    std::vector<double> out;
    out.reserve(n_updates);
    for (size_t k = 0; k < n_settle + n_updates; k++) {
        const double d = servo_disturbance(dist, rotation_hz, k * T);
        const double e = d + axis.reference_m() - axis.position_m();
        if (k >= n_settle)
            out.push_back(e);
        const double n = dist.noise_rms_m > 0 ? dist.noise_rms_m * noise(rng) : 0.0;
        axis.update(e + n);
    }
    return out;
}

} // namespace ecdisc
