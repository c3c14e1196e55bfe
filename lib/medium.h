/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef ECDISC_KERNEL_MEDIUM_H
#define ECDISC_KERNEL_MEDIUM_H

#include "medium_config.h"
#include "wobble_address.h"
#include <array>
#include <cmath>
#include <memory>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace ecdisc {

/*! Physical simulator of a multilayer electrochromic disc (foundation model).
 *
 * Geometry: a band of N = geometry.band_tracks tracks side by side, each
 * sampled across the track by R = geometry.radial_samples rows (row pitch
 * D = track_pitch/R), so NR = N*R rows; each row is a ring of
 * L = track_bits*sps cells, one cell (channel_bit_m/sps) per sample along
 * the track. Row r lies at y_r = (r + 1/2) D - pitch/2 across the track
 * (track k's centre at k*pitch); the band is periodic across the track
 * (width W = N*pitch), a local straight-track approximation of the spiral.
 * At sample n beam b is at cell (n mod L) + lead_b along the track,
 * lead_b = round(along_track_m / cell length), and at
 * y_b = track_b*pitch + t_b across it (track_b = cross_track_tracks or
 * set_track_offset(), t_b the tracking offset). Each wrap of n mod L is a
 * revolution; the medium clock is t = rev*T_rev + (n mod L)/fs,
 * fs = sps*velocity/channel_bit_m, T_rev = 2*pi*radius/velocity. With
 * N = R = 1 (the default) there is one row and no cross-track dimension:
 * y is ignored (the tracking offset then only changes the push-pull).
 *
 * Kinetics: each cell of each layer has a colour state c in [0, 1]. With
 * voltage V on its layer, kappa = rate*|V|/V_nom*exp(Ea/kB*(1/T0 - 1/T));
 * V > 0 colours (c -> 1), V < 0 bleaches (c -> 0), V = 0 retains. Optional
 * sub-layers multiply kappa: a photo-conductor (claim 12) by
 * f + (1 - f) I/(I + P_sat), I the light on the cell, and a phase-change
 * layer (claim 11) by g above T_c (lib/medium_config.h). A spare layer
 * (claim 10) carries no recorded information but is colourable by its
 * voltage: no beam writes it (it has no active window), so under voltage it
 * colours evenly at its dark rate. The
 * temperature of a cell is ambient plus a Gaussian rise (in the distance
 * along and across the track) from every beam focused on its layer
 * (heating_k_per_mw, thermal_radius_m) and from every beam focused on an
 * adjacent layer (neighbour_k_per_mw, neighbour_radius_m). With
 * thermal.model = derived the rises come from heat conduction and
 * absorption instead (lib/thermal_diffusion.h, medium_config.h): per pair
 * (layer, focus layer of the beam) a Gaussian of the derived peak, widths
 * along and across and lag behind the beam, on every layer (the defocused
 * disc heats every layer it crosses by that layer's absorption).
 * Cells within +-3 sigma (and the focused spot's core) of a beam focused on
 * a layer under voltage, along the track and across it, are integrated
 * every sample (exact for conditions constant over a sample);
 * every other cell evolves in the dark, lazily and exactly (closed form from
 * the time it was last touched; a voltage change sweeps its layer).
 *
 * The neighbour heating reaches the face of a cell that faces the beam's
 * focus layer in full and the other face by thermal.cross_cell_fraction;
 * colouring follows the far face's temperature, de-colouring the near
 * face's (see medium_thermal::cross_cell_fraction): that is the direction
 * dependence of claims 7 and 8.
 *
 * Optics: signal_b = P_b * sum_k A_bk * w_bk * r_k(c), A_bk the round-trip
 * transmittance of the layers in front of k (from their colour state under
 * the beam), r_k(c) layer k's reflectance at its colour state convolved with
 * the beam's spot on it: on the focus layer the line-spread function of the
 * circular-pupil OTF (cut-off 2NA/lambda) along the track (core to
 * +-1 lambda/NA, tails as a box to +-4 lambda/NA over the whole band: the
 * MTF follows the OTF within ~0.01 and vanishes above the cut-off) times the
 * same line-spread function across it, sampled at the rows within
 * +-1 lambda/NA of y_b and normalised to 1 (a separable stand-in for the
 * Airy spot with its exact marginals: a tracking offset lowers the signal
 * and mixes in the neighbouring tracks); on every other layer a box of
 * radius |dz|*tan(asin(NA/n)) along the track and over all rows of the band
 * (the defocused spot covers tens of tracks; the band stands for them),
 * weighted by the detector area ratio w_bk = min(1, (r_det/2rho)^2). The
 * box sums run over column sums (updated by every column that enters or
 * leaves and every cell that is written; on a layer under voltage the
 * column sums carry the dark evolution exactly: sum_r (c_r - c_inf)
 * exp(kappa (t_r - t_e)) times exp(-kappa (t - t_e))), recomputed at each
 * revolution and now and then. Noise, Gaussian, one deviate of the summed variance per
 * sample and beam: laser RIN (sigma*signal), shot (sigma^2*signal) and
 * amplifier; plus mark-edge media noise: the focused signal's slope per cell
 * times an edge position error (rms edge_jitter_m, in cells) that belongs to
 * the channel bit under the spot (a Gaussian hashed from the seed, the layer
 * and the bit: the same on every pass, as media noise is). The output does
 * not depend on how the samples are split into calls.
 *
 * Servo detector channels (optional: process_quadrants(); process() and its
 * signal S are unchanged by everything below). Each beam has a lens offset
 * state: a focus offset dz (defocus of the focal point in the medium from
 * its focus layer, m, positive = focus behind the layer) and a tracking
 * offset t (radial, from the centre of the simulated track, m, positive =
 * outward, +x of lib/servo_signals.h). The focus layer's colour state and
 * the signal S are those of the focused, on-track spot: the offsets change
 * only how S is split over the quadrant detector A..D (the numbering of
 * lib/servo_signals.h):
 *     A = S/4 (1 + F + P)   B = S/4 (1 - F - P)
 *     C = S/4 (1 + F - P)   D = S/4 (1 - F + P)
 * so A + B + C + D = S, ((A+C) - (B+D))/S = F and ((A+D) - (B+C))/S = P.
 *
 * Focus error F (astigmatic method). The return beam passes an astigmatic
 * element whose focal lines lie along the detector diagonals (u: the A-C
 * diagonal, v: the B-D diagonal), separated by s = optics.astigmatism_m
 * referred to the disc side; the detector sits at the circle of least
 * confusion. The spot on the detector is modelled as an elliptical Gaussian
 * whose rms widths along u and v grow from the focused spot's rms
 * sigma0 = 0.21 lambda/NA (Gaussian fit to the Airy core) with the
 * geometric divergence theta = tan(asin(NA/n))/2 (rms of the defocused
 * disc of radius dz*tan(asin(NA/n)) used for the other layers):
 *     sigma_u^2 ~ z0^2 + (dz + s/2)^2,  sigma_v^2 ~ z0^2 + (dz - s/2)^2,
 *     z0 = sigma0/theta (the depth over which the focused core dominates).
 * For a Gaussian with principal axes on the diagonals, the fraction of the
 * light in the A, C quadrants (x y > 0) is 1/2 + asin(rho)/pi with rho the
 * x-y correlation (sigma_u^2 - sigma_v^2)/(sigma_u^2 + sigma_v^2), hence the
 * closed form
 *     F(dz) = (2/pi) asin( dz s / (dz^2 + a^2) ),  a^2 = z0^2 + s^2/4.
 * F is odd, zero at best focus, positive for dz > 0; its extremes
 * +-(2/pi) asin(s/(2a)) lie at dz = +-a (peak-to-peak distance 2a), and it
 * decays as s/dz beyond. Capture range: the full width between the two
 * points outside the peaks where |F| has fallen to half its peak value,
 * 2 dz_h with dz_h = (s/r + sqrt(s^2/r^2 - 4a^2))/2,
 * r = sin(asin(s/(2a))/2). Defaults (405 nm, NA 0.85, n 1.6, s 1.6 um):
 * z0 = 0.319 um, a = 0.861 um, peaks at +-0.861 um, peak value 0.758,
 * capture range 5.12 um. (Groove: with the 0.32 um pitch q = 1.49 and
 * O = 0.149; P0 = O at the depth lambda/(8n) = 31.6 nm.)
 *
 * Push-pull P. A grooved guide layer (claim 4; a layer's groove key) is a
 * phase grating of period p = format.track_pitch_m and depth d. Scalar
 * estimate for a groove of 50 % duty: the +-1st diffraction orders
 * overlap the zeroth in the pupil over the area fraction
 * O(q) = (2/pi)(acos(q/2) - (q/2) sqrt(1 - q^2/4)), q = lambda/(p NA)
 * (0 for q >= 2), and interfere with it with the round-trip phase
 * 4 pi n d/lambda, so
 *     P = P0 sin(2 pi x/p),  P0 = sin(4 pi n d/lambda) O(q),
 *     x = t - w(along),
 * x the offset of the spot from the groove centre, w the wobble: the
 * groove's radial displacement amplitude_m * wobble_address_modulator::
 * sample(along) at the spot's along-track position in channel bits (cell
 * (n mod L) + lead_b over sps), the words carrying the addresses
 * {layer_address, track 0, segment 0, 1, ...} from position 0. P = 0 on a
 * flat (data) layer. Noise is that of S, split with S.
 */
class medium
{
public:
    /*! Throws std::invalid_argument naming the parameter for: sps outside
     *  1..32, track_bits outside 64..2^26 or longer than the circumference,
     *  focus_layers of size outside 1..laser_array size or a layer outside the
     *  stack, layer_voltages of size other than 0 or the number of layers,
     *  |V| > 10. */
    medium(const medium_config& config,
           int sps,
           int64_t track_bits,
           const std::vector<int>& focus_layers,
           const std::vector<double>& layer_voltages,
           uint64_t seed);

    /*! Advances n samples. power_mw[b][i] is beam b's laser power at sample
     *  i (mW); signal[b][i] receives its detector signal. wraps, when not
     *  null, receives (sample index within this call, revolution number) for
     *  every sample at which a new revolution starts. */
    void process(const float* const* power_mw,
                 float* const* signal,
                 size_t n,
                 std::vector<std::pair<size_t, uint64_t>>* wraps = nullptr);

    //! throws std::invalid_argument for a layer outside the stack or |V| > 10
    void set_layer_voltage(int layer, double volts);
    double layer_voltage(int layer) const;
    void set_focus_layer(int beam, int layer);
    int focus_layer(int beam) const;
    void set_noise_scale(double scale);
    double noise_scale() const { return d_noise_scale; }

    //! lens offsets of a beam (see the class comment); |metres| <= 1e-3
    void set_focus_offset(int beam, double metres);
    double focus_offset(int beam) const;
    void set_tracking_offset(int beam, double metres);
    double tracking_offset(int beam) const;
    //! normalised astigmatic focus error F at a defocus (closed form above)
    double focus_error_model(double defocus_m) const;
    //! push-pull amplitude P0 of a layer's groove (0 for a flat layer)
    double push_pull_amplitude(int layer) const;
    //! radial displacement (m) of a layer's groove (wobble) at an
    //! along-track position in channel bits (0 without wobble)
    double groove_displacement(int layer, double along_bits) const;
    //! along-track position of a beam at the next sample, channel bits
    double along_bits(int beam) const;
    /*! As process(), but the detector signal of beam b is split into the
     *  four quadrants: quad[4 b + q][i], q = 0..3 for A, B, C, D (their sum
     *  is process()'s signal up to float rounding; same noise). */
    void process_quadrants(const float* const* power_mw,
                           float* const* quad,
                           size_t n,
                           std::vector<std::pair<size_t, uint64_t>>* wraps = nullptr);

    /*! Moves a beam to another track of the band (claim 3: 0..3 tracks
     *  from the first; < geometry.band_tracks). Throws
     *  std::invalid_argument naming the beam or the value. */
    void set_track_offset(int beam, int tracks);
    int track_offset(int beam) const;
    //! rows of the band (band_tracks * radial_samples)
    int rows() const { return d_rows; }
    int band_tracks() const { return d_cfg.geometry.band_tracks; }
    int radial_samples() const { return d_cfg.geometry.radial_samples; }
    /*! weight of a row in a beam's focused read across the track (the
     *  sampled line-spread function, normalised to 1 over the rows) */
    double radial_weight(int beam, int row) const;

    int num_layers() const { return static_cast<int>(d_layers.size()); }
    int num_beams() const { return static_cast<int>(d_beams.size()); }
    const medium_config& config() const { return d_cfg; }

    double cell_m() const { return d_cell_m; }
    double sample_rate_hz() const { return d_fs; }
    double revolution_s() const { return d_trev; }
    int64_t cells() const { return d_L; }
    //! lead of a beam in cells (positive = ahead of the track position)
    int64_t lead_cells(int beam) const;
    //! track position of the next sample (n mod L)
    int64_t position() const { return d_pos; }
    uint64_t revolution() const { return d_rev; }
    //! medium clock at the start of the next sample
    double time_s() const;

    //! colour state of a cell now (dark evolution caught up, not stored),
    //! the mean over the rows of the band at that position along the track
    double state(int layer, int64_t cell) const;
    //! colour state of one cell of one row now
    double state_at(int layer, int row, int64_t cell) const;
    //! sets count cells from first (mod L) to state c in every row, as of now
    void set_state(int layer, int64_t first, int64_t count, double c);
    //! the same for the radial_samples rows of one track of the band
    void set_track_state(int layer, int track, int64_t first, int64_t count, double c);
    //! mean colour state of a layer over the band, now
    double mean_state(int layer) const;

    /*! colouring rate (1/s) of a layer at its present voltage, temperature T
     *  and light light_mw on the cell (used only by a photo-conductor layer;
     *  0 = dark), phase-change factor included */
    double kappa(int layer, double temperature_k, double light_mw = 0.0) const;
    //! photo-conductor factor f + (1 - f) I/(I + P_sat) of a layer (1 without)
    double photo_factor(int layer, double light_mw) const;
    //! phase-change factor of a layer at T: g above T_c, else 1 (1 without)
    double phase_factor(int layer, double temperature_k) const;
    /*! light (mW) on a cell of a layer at offset (cells, relative to the
     *  track position), as the photo-conductor sees it: the sum over beams
     *  focused on the layer of P_b exp(-x^2/(2 thermal_radius_m^2)) */
    double light_mw(int layer, int64_t offset, const std::vector<double>& power_mw) const;
    //! kappa ratio an Arrhenius rise from t_low to t_high gives (any layer's Ea)
    double arrhenius_ratio(int layer, double t_low, double t_high) const;
    /*! temperature of a cell of a layer at offset (cells, relative to the track
     *  position) with the given beam powers, as the kernel applies it inside
     *  an active window (truncation not applied) */
    double
    temperature(int layer, int64_t offset, const std::vector<double>& power_mw) const;
    //! the recording beam: the first beam focused on a layer under voltage,
    //! else the last beam
    int recording_beam() const;
    /*! kappa at the recording spot centre with the other beams at p_assist_mw
     *  over kappa with them off (the recording beam at p_record_mw) */
    double assist_speedup(double p_record_mw, double p_assist_mw) const;
    /*! The same factor for any pair of adjacent layers, from the configured
     *  physics alone: the recording beam (last laser_array entry) at
     *  p_record_mw on layer, the leading beam (entry 0) at p_assist_mw on
     *  assist_layer, for colouring (V > 0) or de-colouring (V < 0). With
     *  thermal.cross_cell_fraction < 1 the assist speeds colouring when the
     *  assist layer is behind (claim 7) and de-colouring when it is in
     *  front (claim 8). 1 for layers that are not adjacent. */
    double assist_speedup_for(int layer,
                              int assist_layer,
                              bool colouring,
                              double p_record_mw,
                              double p_assist_mw) const;
    /*! Crosstalk figure of a layer, in dB: 20*log10 of the largest
     *  peak-to-peak detector signal that another layer, fully recorded with
     *  random marks and spaces of 2..8 channel bits (the focused layer
     *  blank), gives a beam focused on this layer, over the swing between a
     *  long mark and a long space on this layer (the other layers blank).
     *  Computed by running a noiseless copy of the medium (no voltage) over a
     *  track of at least 8192 channel bits; -inf for a one-layer stack. */
    double crosstalk_db(int layer) const;
    /*! peak temperature rise (K per mW of the beam) on a layer from a beam
     *  focused on focus_layer: thermal.heating_k_per_mw /
     *  neighbour_k_per_mw (adjacent layers) / 0 with the configured model,
     *  the derived peaks with thermal.model = derived */
    double heating_k_per_mw(int layer, int focus_layer) const;
    //! whether a layer is a spare (claim 10: colourable, never recorded)
    //! (throws std::invalid_argument naming the layer when out of range)
    bool spare(int layer) const;
    //! largest power seen so far on a beam (mW)
    double max_power_mw(int beam) const { return d_max_power[beam]; }

    /*! Disc image: the colour state of every cell of every layer (as of now),
     *  the layer voltages and the medium clock, so that recording and reading
     *  can be separate runs. The file (lib/medium_image.cc) has a magic
     *  string, a format version, the geometry it was made for and a CRC-32 of
     *  everything; it is written to a temporary file, synced and renamed over
     *  path, so a crash mid-save leaves the previous image intact. Throws
     *  std::invalid_argument naming the file for I/O errors. */
    void save_image(const std::string& path) const;
    /*! Loads an image made by save_image for the same geometry (medium name,
     *  layers, sps, track length). A truncated, corrupted, foreign or
     *  mismatched file is refused with std::invalid_argument saying why; the
     *  medium is then unchanged. */
    void load_image(const std::string& path);

private:
    struct layer_state {
        double volts = 0;
        double kvolt = 0;      //!< rate*|V|/V_nom (no sub-layer factor)
        double kdark = 0;      //!< kappa at ambient, present voltage, in the dark
        bool photo = false;    //!< photo-conductor sub-layer
        double pc_f = 1, pc_psat = 1;
        bool phase = false;    //!< phase-change sub-layer
        double pc_tc = 0, pc_g = 1;
        double cinf = 1;       //!< state approached (1 colouring, 0 bleaching)
        double rb, dr, tb, dt; //!< r(c) = rb + dr*c, t(c) = tb + dt*c
        double ea_over_kb = 0;
        double rate_per_v = 0; //!< rate_per_s / nominal_voltage_v
        double z = 0;
        std::vector<double> c;      //!< [row * L + cell]
        std::vector<double> t_last; //!< [row * L + cell]
        /*! column sums: kdark == 0: sum over rows of c; else
         *  sum over rows of (c - cinf) exp(kdark (t_last - q_epoch)) */
        std::vector<double> q;
        double q_epoch = 0;
        bool q_dirty = false; //!< cells were set: recompute q before use
        // active window: cells updated with light and heat every sample
        std::vector<int64_t> act_off; //!< offsets relative to the track position
        std::vector<int64_t> act_row; //!< row * L of each active cell
        std::vector<double> act_gain; //!< [j*beams + b] K per mW of beam b
        //! [j*beams + b] light profile of beam b (photo-conductor layers only)
        std::vector<double> act_light;
        //! (active cell j, beam b): cell j lies in beam b's window over this
        //! layer; act_delta[j] is its change in the present sample
        std::vector<std::pair<int, int>> act_win;
        std::vector<double> act_delta;
        //! exp(-kappa*dt) per offset for the last few power vectors (a write
        //! strategy alternates between a handful of levels)
        struct decay_entry {
            std::array<float, 4> key;
            std::vector<double> decay;
            uint64_t used = 0;
        };
        std::vector<decay_entry> cache;
        uint64_t cache_clock = 0;
    };
    struct window {        //!< a defocused footprint of a beam on a layer
        int64_t half = 0;  //!< radius in cells
        int64_t len = 0;   //!< cells in the window (<= L)
        double inv_len = 1; //!< 1/len
        double sum = 0;    //!< sum of c over the window
        double weight = 1; //!< detector area ratio min(1, (r_det/2rho)^2)
        int64_t off = 0;   //!< first cell relative to the track position, mod L
    };
    struct beam_state {
        int focus = 0;
        double focus_off = 0;    //!< defocus in the medium, m
        double track_off = 0;    //!< radial offset from the track centre, m
        int track = 0;           //!< track of the band
        int64_t lead = 0;
        std::vector<window> win; //!< per layer (focus layer: the LSF tails)
        // across the track (rows > 1 only)
        double y_built = 0;             //!< y_b at the last rebuild()
        std::vector<int64_t> read_row;  //!< row * L of the rows read
        std::vector<double> read_w;     //!< their weights (sum 1)
        std::vector<double> mix;        //!< weighted columns, 2 * PSF length
        size_t mix_s = 0;               //!< first valid entry of mix
        int64_t mix_first = -1;         //!< its column (-1: invalid)
    };

    int64_t wrap(int64_t i) const
    {
        i %= d_L;
        return i < 0 ? i + d_L : i;
    }
    double evolve_dark(const layer_state& l, double c, double dt) const;
    double current(const layer_state& l, int64_t idx, double now) const;
    double time_at(int64_t pos) const { return d_rev * d_trev + pos / d_fs; }
    void sweep(int layer);
    void rebuild();
    //! recomputes the running sums (all: also over layers without voltage)
    void refresh_windows(bool all = true);
    void slide_windows();
    double gain(int layer, int beam, int64_t dist, double dy = 0.0) const;
    //! rise (K per mW) on a layer at (x along, dy across) from a beam
    //! focused on layer f, for colouring or de-colouring (face fraction)
    double rise_per_mw(int layer, int f, double x, double dy, bool colouring) const;
    //! derived model: the widest focused heat profile across the track
    double heat_sigma_across() const;
    //! y of a beam across the band (m); 0 with one row
    double beam_y(int beam) const;
    //! y of a row minus y_b, nearest periodic image (m); 0 with one row
    double row_dy(int row, double y) const;
    //! the focused line-spread function at x (m), per metre
    double lsf(double x) const;
    //! recomputes a beam's read rows and weights
    void update_read_rows(int beam);
    //! focused read over the rows (rows > 1), PSF starting at column first
    double focused_rows(int beam, int64_t first);
    //! recomputes a layer's column sums (q) as of now
    void recompute_q(int layer);
    //! exp(-kdark (t - q_epoch)) of a layer
    double q_decay(const layer_state& l, double t) const
    {
        return l.kdark == 0.0 ? 1.0 : std::exp(-l.kdark * (t - l.q_epoch));
    }
    //! mean colour state over a window of a layer given its q_decay
    double window_mean(const layer_state& l, const window& w, double e) const
    {
        const double s = l.kdark == 0.0 ? w.sum
                                        : d_rows * l.cinf * static_cast<double>(w.len) +
                                              e * w.sum;
        return s * w.inv_len * d_inv_rows;
    }
    double face_fraction(int layer, int source_layer, bool colouring) const;
    //! light profile of a beam on a layer at a distance (cells) from its spot
    double light_gain(int layer, int beam, int64_t dist, double dy = 0.0) const;
    //! sets a layer's voltage and the rates that follow from it
    void apply_voltage(int layer, double volts);
    //! edge position error (standard normal) of a channel bit of a layer
    double edge_error(int layer, int64_t bit) const;

    medium_config d_cfg;
    int d_sps;
    uint64_t d_seed;
    int64_t d_L;
    int d_rows = 1;
    double d_inv_rows = 1.0;
    double d_row_m = 0; //!< row pitch across the track
    double d_cell_m, d_fs, d_dt, d_trev;
    std::vector<double> d_otf; //!< OTF samples for lsf()
    //! thermal.model = derived: rise per mW on layer k from a beam focused
    //! on layer f ([k * layers + f]): peak, lag behind the beam, widths
    struct heat_entry {
        double peak = 0, lag = 0, sa = 1, sc = 1;
    };
    std::vector<heat_entry> d_heat;
    bool d_derived = false;
    double d_light_sigma_m = 0; //!< light profile on a photo-conductor
    std::vector<layer_state> d_layers;
    std::vector<beam_state> d_beams;
    int64_t d_act_half;        //!< half width of the active windows, cells
    std::vector<double> d_psf; //!< focused PSF weights, offsets -h..h
    int64_t d_psf_half;
    double d_psf_tail = 0;   //!< mass of the focused LSF's tails (box)
    int64_t d_tail_half = 0; //!< half width of that box, cells
    int64_t d_pos = 0;
    uint64_t d_rev = 0;
    int d_refresh = 0;
    bool d_dirty = false; //!< some layer's q is dirty
    std::vector<double> d_qe; //!< per layer: q_decay at the present sample
    int d_refresh_all = 0;
    double d_noise_scale = 1.0;
    std::vector<double> d_max_power;
    std::vector<double> d_prev_m; //!< per beam: last focused mean state
    //! per beam: the channel bit (and layer) whose edge error is cached
    std::vector<int64_t> d_edge_bit;
    std::vector<int> d_edge_layer;
    std::vector<double> d_edge_dev;
    //! standard normal deviates: xoshiro256+ and the Marsaglia-Tsang ziggurat
    class gauss
    {
    public:
        explicit gauss(uint64_t seed);
        double operator()();

    private:
        uint64_t next();
        uint64_t d_s[4];
    };
    const std::vector<double>& decays(layer_state& l, const float* p);
    gauss d_gauss;
    //! per layer: the wobble of its groove (null: none); sample() caches
    //! the current word, hence mutable
    std::vector<std::shared_ptr<wobble_address_modulator>> d_wobble;
    std::vector<std::vector<float>> d_qsum; //!< process_quadrants scratch
};

} // namespace ecdisc

#endif
