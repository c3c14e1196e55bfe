/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef ECDISC_KERNEL_MEDIUM_H
#define ECDISC_KERNEL_MEDIUM_H

#include "medium_config.h"
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace ecdisc {

/*! Physical simulator of a multilayer electrochromic disc (foundation model).
 *
 * Geometry: one track, a ring of L = track_bits*sps cells per layer, one cell
 * (channel_bit_m/sps) per sample. At sample n beam b is at cell
 * (n mod L) + lead_b, lead_b = round(along_track_m / cell length). Each wrap of
 * n mod L is a revolution; the medium clock is
 * t = rev*T_rev + (n mod L)/fs, fs = sps*velocity/channel_bit_m,
 * T_rev = 2*pi*radius/velocity.
 *
 * Kinetics: each cell of each layer has a colour state c in [0, 1]. With
 * voltage V on its layer, kappa = rate*|V|/V_nom*exp(Ea/kB*(1/T0 - 1/T));
 * V > 0 colours (c -> 1), V < 0 bleaches (c -> 0), V = 0 retains. The
 * temperature of a cell is ambient plus a Gaussian rise from every beam
 * focused on its layer (heating_k_per_mw, thermal_radius_m) and from every
 * beam focused on an adjacent layer (neighbour_k_per_mw, neighbour_radius_m).
 * Cells within +-3 sigma of a beam focused on a layer under voltage are
 * integrated every sample (exact for conditions constant over a sample);
 * every other cell evolves in the dark, lazily and exactly (closed form from
 * the time it was last touched; a voltage change sweeps its layer).
 *
 * Optics: signal_b = P_b * sum_k A_bk * w_bk * Reff_bk (see medium.cc), plus
 * laser RIN (multiplicative) and amplifier noise (additive), Gaussian.
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

    void set_layer_voltage(int layer, double volts);
    double layer_voltage(int layer) const;
    void set_focus_layer(int beam, int layer);
    int focus_layer(int beam) const;
    void set_noise_scale(double scale);
    double noise_scale() const { return d_noise_scale; }

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

    //! colour state of a cell now (dark evolution caught up, not stored)
    double state(int layer, int64_t cell) const;
    //! sets count cells from first (mod L) to state c, as of now
    void set_state(int layer, int64_t first, int64_t count, double c);
    //! mean colour state of a layer over the track, now
    double mean_state(int layer) const;

    //! colouring rate (1/s) of a layer at its present voltage and temperature T
    double kappa(int layer, double temperature_k) const;
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
        double kdark = 0;      //!< kappa at ambient, present voltage
        double cinf = 1;       //!< state approached (1 colouring, 0 bleaching)
        double rb, dr, tb, dt; //!< r(c) = rb + dr*c, t(c) = tb + dt*c
        double ea_over_kb = 0;
        double rate_per_v = 0; //!< rate_per_s / nominal_voltage_v
        double z = 0;
        std::vector<double> c;
        std::vector<double> t_last;
        // active window: cells updated with light and heat every sample
        std::vector<int64_t> act_off; //!< offsets relative to the track position
        std::vector<double> act_gain; //!< [j*beams + b] K per mW of beam b
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
        double sum = 0;    //!< sum of c over the window
        double weight = 1; //!< detector area ratio min(1, (r_det/2rho)^2)
    };
    struct beam_state {
        int focus = 0;
        int64_t lead = 0;
        std::vector<window> win; //!< per layer (unused for the focus layer)
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
    void refresh_windows();
    void slide_windows();
    double gain(int layer, int beam, int64_t dist) const;

    medium_config d_cfg;
    int d_sps;
    int64_t d_L;
    double d_cell_m, d_fs, d_dt, d_trev;
    std::vector<layer_state> d_layers;
    std::vector<beam_state> d_beams;
    int64_t d_act_half;        //!< half width of the active windows, cells
    std::vector<double> d_psf; //!< focused PSF weights, offsets -h..h
    int64_t d_psf_half;
    int64_t d_pos = 0;
    uint64_t d_rev = 0;
    int d_refresh = 0;
    double d_noise_scale = 1.0;
    std::vector<double> d_max_power;
    //! standard normal deviates: xoshiro256+ and the Marsaglia polar method
    class gauss
    {
    public:
        explicit gauss(uint64_t seed);
        double operator()();

    private:
        uint64_t next();
        uint64_t d_s[4];
        double d_spare = 0;
        bool d_has_spare = false;
    };
    const std::vector<double>& decays(layer_state& l, const float* p);
    gauss d_gauss;
};

} // namespace ecdisc

#endif
