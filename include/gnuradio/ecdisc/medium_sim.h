/* -*- c++ -*- */
/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_ECDISC_MEDIUM_SIM_H
#define INCLUDED_ECDISC_MEDIUM_SIM_H

#include <gnuradio/ecdisc/api.h>
#include <gnuradio/sync_block.h>
#include <cstdint>
#include <string>
#include <vector>
namespace gr {
namespace ecdisc {

/*!
 * \brief Physical simulator of a multilayer electrochromic disc: laser power
 * per beam in, detector photocurrent per beam out.
 * \ingroup ecdisc
 *
 * One input and one output per beam (float). Inputs are laser power in mW at
 * sps samples per channel bit; outputs are the detector signal of each beam in
 * normalised photocurrent (1.0 = 1 mW reflected onto the detector), with the
 * medium noise added. The beams scan a simulated track of track_bits channel
 * bits that wraps around: each wrap is one revolution, and the medium clock
 * advances by the full revolution time (from the radius and velocity of the
 * medium file), so colouring under voltage keeps evolving between passes.
 *
 * A layer colours only with voltage on its electrodes; light and heat speed the
 * reaction up (thermally activated kinetics, integrated in closed form). The
 * leading assist beam heats the neighbouring layer (claims 5, 7, 8): the
 * colouring of a layer in front of the assist layer, the de-colouring of one
 * behind it, by the factors assist_speedup_for() reports. The built-in
 * default is a four-layer stack (media/default.yml).
 *
 * Detector mode (the last make() argument): "sum" (default) gives one
 * output per beam, the detector signal; "quadrant" gives four per beam,
 * output 4 b + q the quadrant q = A, B, C, D of beam b (numbering of
 * lib/servo_signals.h), whose sum is the "sum" signal: the quadrants carry
 * the astigmatic focus error of the beam's focus offset and, on a grooved
 * guide layer, the push-pull of its tracking offset and the groove wobble
 * (model and formulas: lib/medium.h).
 *
 * Message ports: "voltage" takes a dict {layer: int, volts: float};
 * "focus" takes {beam: int, layer: int, focus_offset_m: float,
 * tracking_offset_m: float, track: int} (beam and at least one of the
 * others; track: the beam's track of the band, set_track_offset). Tags on
 * output 0: "revolution" (uint64) at each wrap; on every output at sample
 * 0 and after a focus change: "layer" (focus layer of the output's beam).
 * Position tags (quadrant mode by default every 4096 samples, and at each
 * wrap; set_position_tag_interval): "position" on output 0, a dict
 * {layer: long (focus layer of beam 0), track: double (beam 0's track of
 * the band plus its tracking offset in track pitches; 0 = the first track),
 * along_bits: double
 * (beam 0's along-track position in channel bits)}.
 *
 * Servo (make() argument servo): "" (default) = ideal positioning, the
 * beams exactly on the track and in focus unless the offsets are set by
 * hand (the block's behaviour without a servo, bit-exact). Otherwise focus
 * and tracking loops run inside the simulator (lib/medium_servo.h, loops:
 * lib/servo_loop.h): "default" = media/servo_default.yml, else a servo YAML
 * file. The optical head has one objective lens: the loops, fed by the
 * quadrant detector of beam servo_beam (astigmatic FES, push-pull), move
 * the focus and tracking offsets of every beam together, against the
 * disc's axial run-out and eccentricity (the servo file's disturbances, at
 * the medium's rotation frequency, on the medium clock; the time the
 * medium skips at each wrap is simulated too). The loops start closed and
 * locked on the present layer and track. On a layer without a groove the
 * medium gives no push-pull: the tracking loop then runs on its detector
 * model of the true error. The set_focus_offset / set_tracking_offset
 * setters and the focus message's offsets are overwritten by the servo at
 * its next update; a focus layer set from outside is an instant ideal
 * refocus. When the servo moves the spot past the midpoint between two
 * layers (a layer jump, a search) every beam on the servo beam's layer
 * follows it to the next layer ("layer" tags as for a focus change).
 * With the servo on, two more float outputs follow the detector outputs
 * (optional; the tracking error only with the focus error connected): the
 * residual focus error and the residual tracking error in nm (the true
 * error target - spot, + = the target is deeper / further out; held over
 * each servo update). Message port "actuator": a dict with any of close
 * (bool: close / open both loops), track_jump (int, tracks, + = outwards),
 * layer_jump (int, layers, + = deeper), focus_search (bool: start / stop a
 * focus search, loops open); a bare pair (key . value) counts as a
 * one-entry dict; bad messages are logged and ignored. Tags on output 0:
 * "focus_locked" and "tracking_locked" (bool) where a loop's lock changes.
 * In "sum" mode with the servo on, the sum signal is the sum of the
 * quadrants (equal to the ideal signal up to float rounding).
 */
class ECDISC_API medium_sim : virtual public gr::sync_block
{
public:
    typedef std::shared_ptr<medium_sim> sptr;

    /*!
     * \param medium_file YAML medium stack; empty string = built-in default
     * \param sps samples per channel bit, 1..32
     * \param track_bits length of the simulated track in channel bits, 64..2^26
     * \param focus_layers focus layer of each beam; its size (1..4) is the
     *        number of beams, inputs and outputs
     * \param layer_voltages electrode voltage per layer in V (empty: all 0 V)
     * \param seed seed of the noise generator
     * \param detector "sum" (one output per beam) or "quadrant" (four per
     *        beam: A, B, C, D)
     * \param servo "" = ideal positioning (no servo); "default" = the focus
     *        and tracking loops of media/servo_default.yml; else a servo YAML
     *        file (see above)
     * \param servo_beam the beam whose quadrant detector feeds the loops
     */
    static sptr make(const std::string& medium_file = "",
                     int sps = 4,
                     int track_bits = 65536,
                     const std::vector<int>& focus_layers = std::vector<int>{ 1, 0 },
                     const std::vector<double>& layer_voltages = std::vector<double>(),
                     unsigned int seed = 1,
                     const std::string& detector = "sum",
                     const std::string& servo = "",
                     int servo_beam = 0);

    //! "sum" or "quadrant"
    virtual std::string detector() const = 0;
    //! defocus of a beam's focal point from its focus layer (m, in the medium)
    virtual void set_focus_offset(int beam, double metres) = 0;
    virtual double focus_offset(int beam) const = 0;
    //! radial offset of a beam from the track centre (m, positive outward)
    virtual void set_tracking_offset(int beam, double metres) = 0;
    virtual double tracking_offset(int beam) const = 0;
    //! samples between "position" tags (0 = none; default 4096 in quadrant
    //! mode, 0 in sum mode)
    virtual void set_position_tag_interval(int samples) = 0;
    virtual int position_tag_interval() const = 0;

    virtual void set_layer_voltage(int layer, double volts) = 0;
    virtual double layer_voltage(int layer) const = 0;
    virtual void set_focus_layer(int beam, int layer) = 0;
    virtual int focus_layer(int beam) const = 0;
    /*! Puts a beam on another track of the medium's band (claim 3: spot 2
     *  0..3 tracks from spot 1; needs geometry.band_tracks > tracks in the
     *  medium file, e.g. media/guide_band_example.yml). Throws ValueError
     *  naming the value and the band otherwise. */
    virtual void set_track_offset(int beam, int tracks) = 0;
    virtual int track_offset(int beam) const = 0;
    //! scale of every noise term (0 = noiseless, 1 = as in the medium file)
    virtual void set_noise_scale(double scale) = 0;
    virtual double noise_scale() const = 0;

    virtual int num_layers() const = 0;
    virtual int num_beams() const = 0;
    virtual std::string medium_name() const = 0;
    //! medium clock in seconds
    virtual double time_s() const = 0;
    //! completed passes over the simulated track
    virtual uint64_t revolution() const = 0;
    //! mean colour state (0 bleached .. 1 coloured) of a layer over the track
    virtual double mean_state(int layer) const = 0;
    //! colouring-rate factor the assist beam gives the recording spot now
    virtual double assist_speedup() const = 0;
    /*! Rate factor the leading beam (laser_array entry 0) at p_assist_mw on
     *  assist_layer gives the recording beam (last entry) at p_record_mw on
     *  layer, for colouring (true) or de-colouring (false), from the
     *  configured physics: with thermal.cross_cell_fraction < 1 the assist
     *  speeds colouring of a layer in front of it (claim 7) and de-colouring
     *  of a layer behind it (claim 8). 1 when the layers are not adjacent. */
    virtual double assist_speedup_for(int layer,
                                      int assist_layer,
                                      bool colouring,
                                      double p_record_mw,
                                      double p_assist_mw) const = 0;
    /*! Crosstalk figure of a layer (dB): 20*log10 of the largest
     *  peak-to-peak detector signal another layer, fully recorded with
     *  random 2..8-bit marks and spaces, gives a beam focused on this (blank)
     *  layer, relative to this layer's own long-mark/long-space swing.
     *  Computed from the model (a noiseless copy run over a track); -inf for
     *  a one-layer stack. */
    virtual double crosstalk_db(int layer) const = 0;
    //! whether a layer is a spare (claim 10: colourable by voltage, never
    //! recorded; "spare: true" in the medium file)
    virtual bool is_spare(int layer) const = 0;
    //! wobble period (channel bits) of a grooved guide layer with a wobble
    //! ("groove: {wobble: ...}" in the medium file), 0 for any other layer
    virtual int wobble_period_bits(int layer) const = 0;
    //! wobbles per address unit of that wobble (0 without one)
    virtual int wobbles_per_unit(int layer) const = 0;

    /*! Saves the disc image (every cell's colour state, the layer voltages
     *  and the medium clock) to a file: versioned, with a CRC-32, written to
     *  a temporary file and renamed, so a crash mid-save leaves the previous
     *  image intact. Call it while the flowgraph is stopped. */
    virtual void save_image(const std::string& path) const = 0;
    /*! Loads a disc image saved by a medium_sim of the same medium and
     *  geometry (sps, track_bits); a truncated, corrupted or mismatched file
     *  is refused with an error saying why, and the medium is unchanged.
     *  With the servo on, closed loops follow the loaded clock bumplessly. */
    virtual void load_image(const std::string& path) = 0;

    // ---- servo (ideal positioning: enabled false, locked true, rms 0) -------
    //! whether focus and tracking loops run (make()'s servo not "")
    virtual bool servo_enabled() const = 0;
    //! the beam whose detector feeds the loops
    virtual int servo_beam() const = 0;
    /*! rms of the true residual errors (nm) over every servo update since
     *  construction or reset_servo_stats() (the time skipped at each
     *  revolution wrap included) */
    virtual double focus_error_rms_nm() const = 0;
    virtual double tracking_error_rms_nm() const = 0;
    virtual void reset_servo_stats() = 0;
    virtual bool focus_locked() const = 0;
    virtual bool tracking_locked() const = 0;
    /*! The actuator message's commands as calls (std::logic_error without
     *  a servo or with the loop open for a jump, std::invalid_argument for
     *  a layer outside the stack). */
    virtual void servo_close(bool on) = 0;
    virtual void track_jump(int tracks) = 0;
    virtual void layer_jump(int layers) = 0;
    virtual void focus_search(bool on) = 0;
    //! focus lens position (m, + = deeper) relative to its rest position
    virtual double lens_focus_m() const = 0;
};

} // namespace ecdisc
} // namespace gr

#endif /* INCLUDED_ECDISC_MEDIUM_SIM_H */
