/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef ECDISC_KERNEL_SERVO_LOOP_H
#define ECDISC_KERNEL_SERVO_LOOP_H

#include <complex>
#include <cstdint>
#include <string>
#include <vector>

namespace ecdisc {

/*
 * Focus and tracking servo loops: a discrete-time controller closing the
 * loop around a modelled objective-lens actuator, with the disc's run-out
 * (focus) and eccentricity (tracking) as disturbances. Plain C++: the
 * medium simulator owns the geometry and calls servo_axis::update() once
 * per servo update; the servo_loop block runs the same controller on
 * measured error streams (a bench).
 *
 * Units and conventions (one axis):
 *  - x       lens position, metres, relative to the actuator's rest position
 *            (focus: along the optical axis, + = deeper into the disc;
 *            tracking: radial, + = outwards);
 *  - u       actuator drive, volts (the driver input), clipped to
 *            +-max_drive_v;
 *  - d(t)    position of the target surface / track centre the loop follows
 *            (run-out, eccentricity), metres;
 *  - r(t)    the reference: the offset of the target the loop is asked to
 *            follow, relative to the track / layer on which the loop was
 *            closed (0 after close(); +-pitch per track jumped; the layer
 *            distance per layer jump), moving smoothly during a jump;
 *  - e       the error, metres: e = d + r - x, i.e. the target named by the
 *            reference minus the spot. The caller who owns the geometry (the
 *            medium simulator) forms it; a measured error relative to the
 *            nearest track / layer is the same thing outside jumps.
 *
 * Error detector (the S-curve near its zero crossing): the normalised error
 * signal (FES, push-pull: servo_signals.h) is e_n = slope_per_m * e inside
 * +-linear_range_m and saturates at +-slope_per_m * linear_range_m outside
 * (update(); the real S-curve falls back to zero further out, beyond the
 * capture range: a caller that models capture passes its own e_n to
 * update_normalised()).
 *
 * Actuator: a mass-spring second-order system,
 *      P(s) = X(s) / U(s) = G0 w0^2 / (s^2 + 2 zeta w0 s + w0^2),
 * G0 = dc_gain_m_per_v, w0 = 2 pi resonance_hz, discretised exactly for a
 * zero-order-held drive (ZOH, matrix exponential of the state space) at the
 * update period T = 1 / update_rate_hz.
 *
 * Controller (per update, e_n in, u out):
 *      C(z) = K * PI(z) * LEAD(z) * z^-delay_updates
 *      PI   = (s + wi) / s,               wi = wc / integrator_ratio
 *      LEAD = (1 + s / wz) / (1 + s / wp), wz = wc / sqrt(a), wp = wc sqrt(a)
 * each first-order section mapped with the bilinear transform prewarped at
 * the crossover wc = 2 pi crossover_hz (so at wc the sections have exactly
 * their continuous-time response). The design works in the discrete domain:
 * the lead ratio a is chosen so that the phase of the discrete open loop
 *      L(z) = slope_per_m * C(z) * P(z)
 * at z = exp(j wc T) is -180 deg + phase_margin_deg (the exact ZOH plant,
 * the PI lag and the computation delay all accounted for), then K so that
 * |L| = 1 there. A phase margin that would need more than 80 deg of lead is
 * rejected (std::invalid_argument naming phase_margin_deg). Anti-windup:
 * while the drive is clipped, the PI section stops integrating.
 *
 * Feedforward: during a jump or a focus search the reference r(t) moves on
 * a known trajectory, and the drive gets the actuator's inverse
 *      u_ff = (r'' + 2 zeta w0 r' + w0^2 r) / (G0 w0^2)
 * (derivatives at the middle of the hold interval): with a nominal actuator
 * the lens follows r(t) and the feedback only sees the disturbance.
 *  - jump: r moves by the step (one track pitch per track, or a layer
 *    distance) on a raised cosine of duration jump_time_s, the loop stays
 *    closed: a kick and a brake made by the acceleration term of u_ff;
 *  - focus search (loop open): r sweeps between -range_m/2 and +range_m/2 of
 *    the rest position at speed_m_s, first towards -range_m/2 from where the
 *    lens is; the velocity reverses at the ends with a constant acceleration
 *    over corner_time_s, so between the corners the lens position is linear
 *    in time and the caller can record one S-curve per layer it crosses.
 *
 * Lock: an axis is locked when the loop is closed, no jump is running and
 * |e| <= lock_window_m for lock_updates consecutive updates; one update
 * outside the window unlocks it.
 *
 * Disturbances (used by simulate() and offered to the medium):
 *      d(t) = A sin(2 pi f_rot t + phi) + sum_h A_h sin(2 pi h f_rot t + phi_h)
 * plus white measurement noise of noise_rms_m on the error the detector
 * sees. f_rot = rotation_hz: the default 19.6 Hz is the default medium's
 * 4.92 m/s (BD 1x) at radius 40 mm (media/default.yml), 51 ms per
 * revolution.
 *
 * Default numbers (media/servo_default.yml, BD-class orders of magnitude):
 * focus crossover 2.5 kHz, tracking 3 kHz, phase margin 45 deg, updates at
 * 100 kHz with one update of computation delay, actuator resonances 50 Hz
 * (zeta 0.15); axial run-out 100 um peak, eccentricity 50 um peak (a disc
 * within the standards' mechanical tolerances: axial deviation of a few
 * hundred um and radial run-out of tens of um are the limits DVD / BD
 * drives are built for; the exact BD clauses were not checked here).
 */

//! One harmonic of the rotation in a disturbance.
struct servo_harmonic {
    int order = 2;           //!< multiple of the rotation frequency, 2..100
    double amplitude_m = 0;  //!< peak, metres
    double phase_deg = 0;
};

struct servo_disturbance_config {
    double amplitude_m = 0;  //!< peak at the rotation frequency (run-out, eccentricity)
    double phase_deg = 0;
    std::vector<servo_harmonic> harmonics;
    double noise_rms_m = 0;  //!< white noise on the measured error, metres rms
};

struct servo_axis_config {
    std::string name;           //!< "focus", "tracking"
    double crossover_hz = 2500;
    double phase_margin_deg = 45;
    double integrator_ratio = 8;  //!< PI zero at crossover_hz / integrator_ratio
    int delay_updates = 1;        //!< computation delay, updates (0..4)
    // actuator
    double resonance_hz = 50;
    double damping = 0.15;
    double dc_gain_m_per_v = 1e-3;
    double max_drive_v = 5;
    // error detector
    double slope_per_m = 1.5e6;    //!< normalised error per metre near zero
    double linear_range_m = 0.5e-6; //!< half-width of the linear part
    // lock detection
    double lock_window_m = 0.1e-6;
    int lock_updates = 100;
    // jumps: one step = one track pitch (tracking) / nominal layer distance (focus)
    double jump_step_m = 16e-6;
    double jump_time_s = 1e-3;
    // focus search (focus only; range 0 = not configured)
    double search_range_m = 0;
    double search_speed_m_s = 0;
    double search_corner_time_s = 0;
    servo_disturbance_config disturbance;
};

struct servo_config {
    std::string name;
    std::string source;  //!< file name, for messages
    double update_rate_hz = 100e3;
    double rotation_hz = 19.6;
    servo_axis_config focus;
    servo_axis_config tracking;
};

/*! Parses and validates a servo configuration (see media/servo_default.yml
 *  for the keys). Every error is a std::invalid_argument
 *  "<source>: <key path> = <value>: <allowed>" (or "<source>: <key path>:
 *  unknown key / missing"). */
servo_config parse_servo_yaml(const std::string& text, const std::string& source);
/*! Reads and parses a file; "" = the built-in default (the text of
 *  media/servo_default.yml); a bare name that is not a file here is also
 *  looked up among the installed media. */
servo_config load_servo(const std::string& path);
//! the built-in default configuration's YAML text (= media/servo_default.yml)
const std::string& servo_default_yaml();

/*! Updates per servo update for a detector stream at sample_rate_hz:
 *  max(1, round(sample_rate_hz / update_rate_hz)). */
int servo_update_samples(double sample_rate_hz, double update_rate_hz);

//! d(t) of a disturbance at rotation frequency rotation_hz (no noise)
double servo_disturbance(const servo_disturbance_config& d, double rotation_hz, double t);

//! One S-curve found in a focus-search record.
struct servo_s_curve {
    double position_m;    //!< lens position of the zero crossing (the layer)
    double peak_to_peak;  //!< extreme-to-extreme of the S-curve (normalised)
};

/*!
 * Identifies the layers in a focus-search record: lens positions x[i]
 * (metres, e.g. servo_axis::position_m() per update) and the FES measured
 * there. An S-curve is a lobe of one sign followed by a lobe of the other
 * sign, each a run where |fes| >= min_peak / 2 (dips shorter than
 * max_gap_m of travel bridged) reaching |fes| >= min_peak,
 * with at most max_gap_m of lens travel between the two lobes; its zero
 * crossing is interpolated linearly between the last sample of the first
 * lobe and the first of the second. Weaker curves (ghosts, noise) are not
 * reported. Returns the S-curves sorted by position. min_peak > 0,
 * max_gap_m > 0, x and fes of one length (std::invalid_argument otherwise).
 */
std::vector<servo_s_curve> servo_find_layers(const std::vector<double>& x,
                                             const std::vector<double>& fes,
                                             double min_peak,
                                             double max_gap_m);

/*!
 * One servo axis: controller, actuator model, reference generator, lock.
 */
class servo_axis
{
public:
    /*! Designs the controller (see above). update_rate_hz: the actual update
     *  rate, > 4 crossover_hz. Throws std::invalid_argument naming the key. */
    servo_axis(const servo_axis_config& cfg, double update_rate_hz);

    const servo_axis_config& config() const { return d_cfg; }
    double update_rate_hz() const { return d_fs; }

    // ---- per update (the medium's call) ----------------------------------
    /*! One update with the true error e = d + r - x (metres): the detector
     *  model (slope, saturation), then update_normalised(). Returns the lens
     *  position at the end of this update's hold interval, i.e. where the
     *  spot is when the next error is measured. */
    double update(double error_m);
    /*! One update with a normalised error signal (FES, TES). When closed:
     *  u = C(e_n) + u_ff(r); when searching: u = u_ff(search); open: u = 0.
     *  Steps the actuator model; returns the lens position. */
    double update_normalised(double error_n);

    // ---- the two halves, for benches and tests ---------------------------
    /*! The controller and reference part of update_normalised() alone
     *  (advances a jump or a search to the next update; no lock detection,
     *  no statistics): returns the drive (V) without stepping the actuator
     *  model, for a caller that drives its own actuator. */
    double drive(double error_n);
    //! one ZOH step of the actuator model with drive u (V, not clipped)
    double actuator_step(double u);
    /*! Sets the controller state so that, with zero error, it keeps
     *  driving u (V): a bumpless start. close(true) preloads the last drive. */
    void preload_drive(double u);
    //! sets the actuator model's state (position m, velocity m/s)
    void set_actuator_state(double x_m, double v_m_s);

    // ---- state -------------------------------------------------------------
    double position_m() const { return d_x; }
    double velocity_m_s() const { return d_v; }
    double last_drive_v() const { return d_u; }
    //! r at the current update (the target offset the caller measures against)
    double reference_m() const { return d_ref; }
    bool closed() const { return d_closed; }
    bool searching() const { return d_searching; }
    bool jumping() const { return d_jump_left > 0; }
    bool locked() const { return d_locked; }
    //! updates since construction
    uint64_t updates() const { return d_updates; }

    // ---- control -------------------------------------------------------------
    /*! Closes (true) or opens the loop. Closing resets the controller state
     *  and the reference to 0 (the target becomes the track / layer the spot
     *  is on), stops a search, and preloads the controller with the last
     *  drive (bumpless). Opening drops the drive to 0. */
    void close(bool on);
    /*! A jump of n steps (signed; n * jump_step_m) with the loop closed; a
     *  jump during a jump starts from the current reference. Throws
     *  std::logic_error when the loop is open. */
    void jump(int n);
    //! a jump by a distance in metres (e.g. an exact layer distance)
    void jump_m(double distance_m);
    /*! Starts (true) or stops a focus search: opens the loop. Throws
     *  std::logic_error when the axis has no search configured. */
    void search(bool on);

    // ---- error statistics, metres: the true error given to update(), or
    // ---- error_n / slope_per_m given to update_normalised() -------------
    double error_rms_m() const;
    uint64_t error_count() const { return d_err_n; }
    void reset_error_stats();

    // ---- the design --------------------------------------------------------
    double gain() const { return d_K; }            //!< K, V per normalised unit
    double lead_ratio() const { return d_alpha; }  //!< a = wp / wz
    //! the designed frequency responses at f (Hz), z = exp(j 2 pi f T)
    std::complex<double> controller_response(double f_hz) const;
    std::complex<double> plant_response(double f_hz) const;
    std::complex<double> open_loop_response(double f_hz) const;

private:
    void design();
    double feedforward(double r, double rd, double rdd) const;
    double step(double error_n, double error_m);

    servo_axis_config d_cfg;
    double d_fs, d_T;
    double d_w0, d_zeta, d_G0;
    // exact ZOH actuator: [x, v]' = Ad [x, v] + Bd u
    double d_Ad[2][2], d_Bd[2];
    // controller
    double d_K = 1, d_alpha = 1;
    double d_pi_b0 = 1, d_pi_b1 = 0;        // PI: y = y1 + b0 x + b1 x1
    double d_ld_b0 = 1, d_ld_b1 = 0, d_ld_a1 = 0; // lead: y = b0 x + b1 x1 - a1 y1
    double d_pi_x1 = 0, d_pi_y1 = 0, d_ld_x1 = 0, d_ld_y1 = 0;
    std::vector<double> d_delay; // ring of delayed controller outputs
    size_t d_delay_pos = 0;
    // plant state, drive
    double d_x = 0, d_v = 0, d_u = 0;
    // reference
    double d_ref = 0;
    bool d_closed = false, d_searching = false;
    double d_jump_from = 0, d_jump_to = 0;
    uint64_t d_jump_left = 0, d_jump_len = 0;
    double d_search_v = 0; // search reference velocity
    int d_search_dir = -1;
    // lock
    bool d_locked = false;
    int d_in_window = 0;
    uint64_t d_updates = 0;
    double d_err_sq = 0;
    uint64_t d_err_n = 0;
};

/*!
 * The two loops of one optical head: focus and tracking, one update rate.
 */
class servo_loop
{
public:
    /*! update_rate_hz <= 0: the configuration's update_rate_hz. */
    explicit servo_loop(const servo_config& cfg, double update_rate_hz = 0);

    const servo_config& config() const { return d_cfg; }
    servo_axis& focus() { return d_focus; }
    servo_axis& tracking() { return d_tracking; }
    const servo_axis& focus() const { return d_focus; }
    const servo_axis& tracking() const { return d_tracking; }

    //! closes / opens both loops (focus first)
    void close(bool on);
    //! n tracks (signed, + = outwards)
    void track_jump(int n) { d_tracking.jump(n); }
    //! n nominal layer distances (signed, + = deeper)
    void layer_jump(int n) { d_focus.jump(n); }
    //! focus search on / off (tracking opened while searching)
    void focus_search(bool on);

    /*! A closed-loop simulation around the axis's own actuator model with
     *  a disturbance (and its noise on the measured error): the loop is
     *  closed at t = 0 with the lens on the disturbance's position and
     *  velocity and the controller preloaded with the drive that holds it
     *  there (preload_drive), runs settle_s, then n_updates more; returns
     *  the true error e = d + r - x of those n_updates (metres). Per update
     *  k: e = d(kT) + reference_m() - position_m(), update(e + noise). */
    static std::vector<double> simulate(servo_axis& axis,
                                        const servo_disturbance_config& dist,
                                        double rotation_hz,
                                        double settle_s,
                                        size_t n_updates,
                                        uint64_t seed = 1);

private:
    servo_config d_cfg;
    servo_axis d_focus;
    servo_axis d_tracking;
};

} // namespace ecdisc

#endif
