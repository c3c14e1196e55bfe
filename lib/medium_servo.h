/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef ECDISC_KERNEL_MEDIUM_SERVO_H
#define ECDISC_KERNEL_MEDIUM_SERVO_H

#include "medium.h"
#include "servo_loop.h"
#include <cstddef>
#include <cstdint>
#include <memory>
#include <random>
#include <utility>
#include <vector>

namespace ecdisc {

/*!
 * Focus and tracking servo loops closed inside the medium simulator: an
 * optical head with one objective lens drives a medium (public API only)
 * through a servo_loop (lib/servo_loop.h), with the disc's axial run-out and
 * eccentricity as disturbances. Or ideal positioning (the medium as it is:
 * no offsets touched, its output bit-exact).
 *
 * Geometry (metres; focus + = deeper, tracking + = outwards):
 *  - the disc: layer k lies at depth D_k = config().depth_m(k) below layer
 *    0, the whole stack displaced axially by the run-out d_f(t); the track
 *    centre is displaced radially by the eccentricity d_t(t) (d(t) of the
 *    servo configuration's disturbances at rotation frequency
 *    1 / medium.revolution_s(), evaluated at the medium clock);
 *  - the lens: axis positions x_f, x_t (servo_axis::position_m()); the spot
 *    lies at depth z = x_f + Z0 (Z0: the depth of the servo beam's focus
 *    layer at construction: the lens at rest focuses there) and at radius
 *    y = x_t from the simulated track's centre;
 *  - the spot relative to the disc: defocus from the focus layer kf
 *    z - d_f - D_kf (the medium's focus offset, + = focus behind the layer)
 *    and radial offset y - d_t (the medium's tracking offset; n pitches =
 *    n tracks further out: the push-pull is periodic in the pitch). One
 *    lens: every beam gets the same two offsets;
 *  - the loop's error e = d + r - x (servo_loop.h) with the target
 *    folded into d: focus e_f = (d_f + B_f - Z0) + r_f - x_f, B_f the depth
 *    of the layer the loop was closed on; tracking e_t = (d_t + B_t) + r_t
 *    - x_t, B_t the track (a multiple of the pitch) it was closed on. On
 *    target, e = -(the spot's offset): e_f = -defocus, e_t = -(y - d_t - B_t).
 *
 * Updates: every N = servo_update_samples(fs, update_rate_hz) medium
 * samples (the loops are designed for the exact rate fs / N). During an
 * update interval the offsets are held (those of the lens position and the
 * disturbance at the interval's start); at its end the normalised signals
 * of the servo beam's quadrants (medium numbering, lib/medium.h and
 * lib/servo_signals.h) over the interval are
 *      FES = ((A+C) - (B+D)) / sum,   PP = ((A+D) - (B+C)) / sum
 * (sums over the interval; 0 without light), and each axis gets
 *      servo_axis::update_normalised(-g * signal + slope * noise)
 * with g = slope_per_m / (the medium's slope at zero): the measured signal
 * is calibrated to the configured detector slope (a drive's loop-gain
 * calibration, so the loops have their designed crossover; FES slope from
 * medium::focus_error_model, PP slope 2 pi P0 / pitch) and the sign makes
 * the signal the error e (FES > 0: focus behind the layer, e < 0). The
 * medium's normalised signals carry no noise (its noise is split with S),
 * so the configured noise_rms_m is added here (Gaussian, from the seed).
 *  - During a jump the feedback gets the error against the moving
 *    reference through the axis's detector model (servo_axis::update(e)),
 *    as a drive that follows its jump trajectory would; the medium's
 *    signal, relative to the nearest track / layer, takes over when the
 *    jump ends.
 *  - A layer without a groove gives no push-pull (lib/medium.h): the
 *    tracking loop then also runs on its detector model of the true error
 *    (a stand-in for a tracking signal the medium does not model, e.g. from
 *    the recorded marks); tracking_signal() says which.
 *
 * Revolutions: the simulated track is shorter than a revolution and the
 * medium clock jumps at each wrap by revolution_s() - cells() / fs. That
 * skipped time is simulated: the loops go on updating without medium
 * samples, on the signals the medium's own model gives for the offsets
 * (focus_error_model, P0 sin(2 pi x / pitch), no wobble), so the
 * disturbance and the loop stay continuous across a wrap.
 *
 * Layers: the focus layer of the servo beam follows the spot: when the spot
 * depth z - d_f passes the midpoint between two layers (a jump, a search,
 * an open loop), every beam focused on the servo beam's layer is switched
 * to the nearer layer (set_focus_layer; beams focused on other layers keep
 * theirs and only get the common offsets) and the offset is re-referenced to
 * it. A focus layer of the servo beam changed from outside (the medium's
 * set_focus_layer) is taken as an instant, ideal refocus: the lens frame
 * and the target move with it, the error is unchanged.
 *
 * Statistics: the true errors e_f, e_t (metres) of every update since the
 * last reset_stats(), the skipped-time updates included; as streams, per
 * sample, the error of the update interval the sample belongs to.
 */
class medium_servo
{
public:
    //! what happened at a sample of a process call
    enum class event_kind { focus_lock, tracking_lock, layer };
    struct event {
        size_t index; //!< sample within the call
        event_kind kind;
        int beam;  //!< layer: the beam switched (lock: the servo beam)
        int value; //!< lock: 1 locked / 0 unlocked; layer: the new layer
    };

    //! ideal positioning: process() is the medium's own, nothing else done
    medium_servo(medium& m, int servo_beam);
    /*! The loops of cfg on beam servo_beam of m (std::invalid_argument
     *  naming servo_beam when outside the beams). closed: start with both
     *  loops closed and locked onto the present track and layer (the lens on
     *  the disturbance's position and velocity, the controllers preloaded
     *  with the drive that holds it there: a bumpless start); otherwise the
     *  loops start open with the lens at rest. */
    medium_servo(medium& m,
                 const servo_config& cfg,
                 int servo_beam,
                 uint64_t seed = 1,
                 bool closed = true);

    bool ideal() const { return !d_loop; }
    int servo_beam() const { return d_beam; }
    const medium& get_medium() const { return d_m; }
    //! medium samples per update (0 in ideal mode)
    int update_samples() const { return d_N; }

    /*! As medium::process_quadrants(); focus_error_m / tracking_error_m
     *  (may be null) receive the true errors e_f, e_t per sample (0 in
     *  ideal mode). */
    void process_quadrants(const float* const* power_mw,
                           float* const* quad,
                           size_t n,
                           float* focus_error_m = nullptr,
                           float* tracking_error_m = nullptr,
                           std::vector<std::pair<size_t, uint64_t>>* wraps = nullptr);
    /*! As medium::process(): the detector sum per beam (in servo mode the
     *  sum of the quadrants, equal to process()'s up to float rounding). */
    void process(const float* const* power_mw,
                 float* const* signal,
                 size_t n,
                 float* focus_error_m = nullptr,
                 float* tracking_error_m = nullptr,
                 std::vector<std::pair<size_t, uint64_t>>* wraps = nullptr);
    //! events of the last process call (lock changes, layer switches)
    const std::vector<event>& events() const { return d_events; }

    // ---- control (std::logic_error in ideal mode) ---------------------------
    //! closes (re-referenced to the nearest layer / track) or opens both loops
    void close(bool on);
    void close_focus(bool on);
    void close_tracking(bool on);
    //! n tracks (signed, + = outwards), n times the medium's track pitch
    void track_jump(int n);
    /*! n layers (signed, + = deeper) from the target layer, by the exact
     *  layer distance; std::invalid_argument when the layer is outside the
     *  stack, std::logic_error with the focus loop open */
    void layer_jump(int n);
    //! focus search on (opens both loops) / off (the lens is released)
    void focus_search(bool on);
    /*! A fixed radial offset of one beam (m, + = outwards) added to the
     *  common tracking offset the servo gives every beam (e.g. a beam
     *  reading a neighbouring track: tracks * pitch); 0 by default. On the
     *  servo beam, whole pitches move its spot (and the loop's lock) that
     *  many tracks; the push-pull is periodic in the pitch. */
    void set_beam_tracking_offset(int beam, double metres);
    double beam_tracking_offset(int beam) const;
    /*! After the medium clock moved other than by process() (load_image):
     *  the servo clock restarts at the medium's, and a closed loop (not
     *  jumping) is put back on its target's trajectory bumplessly. */
    void resync();

    // ---- state -----------------------------------------------------------------
    servo_loop& loop() { return *d_loop; }
    const servo_loop& loop() const { return *d_loop; }
    bool focus_locked() const;
    bool tracking_locked() const;
    //! the layer the focus loop aims at (after the running jump)
    int target_layer() const { return d_target_layer; }
    //! the true errors at the present update (metres)
    double focus_error_m() const { return d_ef; }
    double tracking_error_m() const { return d_et; }
    //! rms of the true errors since reset_stats(), metres; updates counted
    double focus_error_rms_m() const;
    double tracking_error_rms_m() const;
    uint64_t stat_updates() const { return d_stat_n; }
    void reset_stats();
    //! whether the tracking loop runs on the medium's push-pull (grooved
    //! focus layer) rather than its detector model
    bool tracking_signal() const;
    //! lens position of the focus axis (m) and the depth it focuses at
    //! without run-out (x_f + Z0, from layer 0)
    double lens_focus_m() const;
    double lens_depth_m() const;
    //! the disturbances now (m)
    double runout_m() const;
    double eccentricity_m() const;
    //! servo time: the medium clock at the start of the present update
    double time_s() const { return d_t; }

    /*! Focus-search record: per update with medium samples, the lens
     *  position x_f during the update and the medium's FES measured over it
     *  (raw, normalised, no added noise), for servo_find_layers(). */
    void set_record(bool on) { d_record = on; }
    const std::vector<double>& record_x() const { return d_rec_x; }
    const std::vector<double>& record_fes() const { return d_rec_f; }
    void clear_record();

private:
    void run(const float* const* power_mw,
             float* const* quad,
             size_t n,
             float* fe,
             float* te,
             std::vector<std::pair<size_t, uint64_t>>* wraps);
    void begin_interval(double t, size_t index);
    void end_interval(size_t index);
    void skip(double seconds, size_t index);
    void apply_offsets();
    void follow_layer(size_t index);
    int nearest_layer(double depth) const;
    double dist_f(double t) const;
    double dist_t(double t) const;
    double defocus() const;
    double radial() const;
    void rebase_focus();
    void rebase_tracking();
    void bumpless(servo_axis& a, const servo_disturbance_config& d, double offset);
    void calibrate();
    void check_servo(const char* what) const;

    medium& d_m;
    int d_beam;
    std::unique_ptr<servo_loop> d_loop;
    int d_N = 0;
    double d_fs = 0, d_T = 0, d_frot = 0, d_pitch = 0;
    double d_Z0 = 0, d_Bf = 0, d_Bt = 0;
    int d_kf = 0; //!< the servo beam's focus layer as last set
    int d_target_layer = 0;
    double d_gf = 1; //!< FES calibration
    double d_gt = 1; //!< PP calibration (0: no push-pull)
    double d_p0 = 0;
    double d_slope_med_f = 0;
    // the update in progress
    int d_phase = 0;           //!< samples (real or skipped) into the interval
    size_t d_real = 0;         //!< real samples in it
    double d_t = 0;            //!< its start time
    double d_ef = 0, d_et = 0; //!< true errors at its start
    double d_xf = 0;           //!< lens position during it
    double d_sum = 0, d_sac = 0, d_sad = 0;
    double d_carry = 0; //!< fractional skipped samples
    // statistics
    double d_sq_f = 0, d_sq_t = 0;
    uint64_t d_stat_n = 0;
    bool d_lock_f = false, d_lock_t = false;
    std::mt19937_64 d_rng;
    std::normal_distribution<double> d_gauss{ 0.0, 1.0 };
    std::vector<event> d_events;
    std::vector<double> d_beam_t; //!< per-beam fixed tracking offsets
    std::vector<std::vector<float>> d_scratch;
    std::vector<std::pair<size_t, uint64_t>> d_wr;
    bool d_record = false;
    std::vector<double> d_rec_x, d_rec_f;
};

} // namespace ecdisc

#endif
