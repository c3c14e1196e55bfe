/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef ECDISC_KERNEL_MEDIUM_CONFIG_H
#define ECDISC_KERNEL_MEDIUM_CONFIG_H

#include <string>
#include <vector>

namespace ecdisc {

/*! A medium stack as read from its YAML file (see media/default.yml for the
 *  schema). Every value is checked by the parser; a config that came out of
 *  parse_medium_yaml() is physically possible. SI units unless named. */
struct medium_optics {
    double wavelength_m = 0;
    double na = 0;
    double substrate_index = 0;
    double detector_radius_m = 0;
    /*! focal-line separation of the astigmatic focus-error detector path,
     *  referred to the disc side (defocus in the medium between the two
     *  focus positions at which the detector sees a line); optional key,
     *  default 1.6e-6 m. Used only by the quadrant detector outputs. */
    double astigmatism_m = 1.6e-6;
};

struct medium_format {
    double channel_bit_m = 0;
    double velocity_m_s = 0;
    double radius_m = 0;
    //! track pitch (optional key, default 0.32e-6 m): the period of the
    //! push-pull in the tracking offset
    double track_pitch_m = 0.32e-6;
};

struct medium_thermal {
    double ambient_k = 0;
    double heating_k_per_mw = 0;   //!< peak rise on the focus layer per mW
    double neighbour_k_per_mw = 0; //!< peak rise on an adjacent layer per mW
    double thermal_radius_m = 0;   //!< Gaussian sigma on the focus layer
    double neighbour_radius_m = 0; //!< Gaussian sigma on an adjacent layer
    /*! fraction of a neighbour layer's heat rise that reaches the opposite
     *  face of a cell (optional key, default 1 = no gradient across a cell).
     *  Each cell is electrode | EC film | electrolyte/ion store | electrode
     *  from the light side: colouring is limited by ion release from the
     *  store (far face), de-colouring by ion extraction from the film (near
     *  face), so heat from a beam focused on the layer behind speeds
     *  colouring and heat from the layer in front speeds de-colouring
     *  (claims 5, 7, 8). */
    double cross_cell_fraction = 1.0;
    /*! "configured" (default): the four rises and radii above, as given.
     *  "derived": computed from heat conduction and absorption instead
     *  (lib/thermal_diffusion.h; the four keys above must then be absent):
     *  each layer absorbs 1 - R - T of the light reaching it (bleached
     *  values; the light through the layers in front at their bleached
     *  transmittance), the focused spot heats its own layer (conduction, a
     *  Gaussian of the derived peak, lag and widths), and the defocused
     *  disc of a beam heats every other layer by its own absorption (the
     *  conduction from the focused spot to another layer, < 2 % of that and
     *  peaking millimetres behind the spot, is left out). */
    std::string model = "configured";
    double conductivity_w_mk = 0.20; //!< derived model: k of the stack, W/(m K)
    double diffusivity_m2_s = 1.44e-7; //!< derived model: alpha, m^2/s
};

/*! The simulated patch of the disc (optional top-level key geometry; the
 *  defaults are the single-track model): a band of band_tracks tracks
 *  side by side, each sampled cross-track by radial_samples rows (row pitch
 *  track_pitch_m / radial_samples; the issue asks for <= pitch/4, i.e.
 *  radial_samples >= 4, to resolve the spot across the track). The band
 *  is periodic across the track (its last track is next to its first), a
 *  local straight-track approximation of the spiral. With band_tracks = 1
 *  and radial_samples = 1 the medium is one track without a cross-track
 *  dimension, the fastest setting. */
struct medium_geometry {
    int band_tracks = 1;    //!< 1..64
    int radial_samples = 1; //!< 1..16
    int rows() const { return band_tracks * radial_samples; }
};

//! one entry of the laser array: beam i is entry i
struct medium_beam {
    std::string name;
    double along_track_m = 0; //!< lead along the track (positive = ahead)
    //! the beam's track in the band, 0..3 (claim 3) and < band_tracks
    int cross_track_tracks = 0;
};

struct medium_material {
    std::string name;
    double rate_per_s = 0;        //!< colouring rate at ambient, nominal voltage
    double activation_ev = 0;     //!< Arrhenius activation energy
    double nominal_voltage_v = 0; //!< voltage at which the rate is rate_per_s
};

/*! Built-in material presets (a layer may name one without listing it under
 *  materials; an entry under materials with the same name overrides it):
 *  polythiophene (a polythiophene derivative, claim 13), wo3 (tungsten
 *  trioxide), el_photochromic (an electroluminescent material mixed with a
 *  photochromic one, claim 14). */
const std::vector<medium_material>& material_presets();

/*! The groove of a guide layer (claim 4): optional per-layer key
 *  groove: {depth_m: d, wobble: {period_bits: W, amplitude_m: a,
 *  layer_address: K, wobbles_per_unit: U}} (wobble optional, and within it
 *  wobbles_per_unit, default 8). A layer without it is a flat data layer. */
struct medium_groove {
    bool present = false;
    double depth_m = 0;
    bool wobble = false;
    int period_bits = 69;
    int wobbles_per_unit = 8;
    double amplitude_m = 0;
    int layer_address = 0; //!< the layer number the address words carry
};

/*! Photo-conductor sub-layer between the EC film and an electrode (claim
 *  12): optional per-layer key photoconductor: {dark_fraction: f,
 *  saturation_mw: P_sat}. The electrode field reaches the film only where the
 *  photo-conductor is lit: the voltage (hence the rate) on a cell is scaled by
 *      f + (1 - f) I/(I + P_sat),
 *  I the light on the cell in mW: sum over the beams focused on the layer of
 *  P_b exp(-x^2/(2 thermal_radius_m^2)), the spatial profile of the focused
 *  heating (x the cell's distance from the spot centre), i.e. I = P_b at the
 *  spot centre. A saturating photo-current (conductivity ~ I/(I + P_sat)) in
 *  series with a dark leakage f is the simplest stand-in for a real
 *  photo-conductor (its dark/lit conductivity ratio and its saturation with
 *  carrier density); the film's charging is taken as instant. Light of a
 *  beam focused on another layer crosses this layer defocused over a disc
 *  of radius |dz| tan(asin(NA/n)) (micrometres: a peak intensity ~
 *  2 (thermal_radius_m/rho)^2 < 1e-3 of the focused one) and is neglected;
 *  away from the focused spots (beyond +-3 thermal_radius_m, where the
 *  focused heating is truncated too) cells evolve with the dark factor f.
 *  Absent: factor 1 everywhere. */
struct medium_photoconductor {
    bool present = false;
    double dark_fraction = 1.0; //!< f in [0, 1]
    double saturation_mw = 1.0; //!< P_sat > 0
};

/*! Phase-change assist sub-layer between the EC film and an electrode (claim
 *  11): optional per-layer key phase_change: {transition_k: T_c, factor: g}.
 *  Model: a two-state switch. Below T_c the sub-layer is crystalline; above
 *  it, amorphous (melt-quenched), which changes the ion and heat path to the
 *  film; the layer's rate is multiplied by g while the cell is above T_c:
 *      kappa = rate |V|/V_nom exp(Ea/kB (1/T0 - 1/T)) * (T > T_c ? g : 1)
 *  (times the photo-conductor factor, if any). It is a simple stand-in: it
 *  has no hysteresis, no latent heat, no finite switching time and no
 *  memory of the amorphous state after cooling (a real phase-change film
 *  stays amorphous until re-crystallised); it keeps only what claim 11
 *  needs, a rate that jumps where the spot is hot enough, which sharpens
 *  the written mark. The temperature is the cell's, as for Arrhenius
 *  (ambient plus the focused and neighbour heating). Absent: factor 1. */
struct medium_phase_change {
    bool present = false;
    double transition_k = 0; //!< T_c in (0, 2000] K
    double factor = 1.0;     //!< g in [0, 1e6]
};

struct medium_layer {
    std::string name;
    std::string material;
    int material_index = 0; //!< index into medium_config::materials
    double reflectance_bleached = 0;
    double reflectance_coloured = 0;
    double transmittance_bleached = 0;
    double transmittance_coloured = 0;
    double spacer_m = 0; //!< distance to the next layer (away from the light)
    /*! a spare layer (claim 10): no recorded information, colourable by its
     *  voltage; no beam writes it (it colours evenly at its dark rate). */
    bool spare = false;
    medium_groove groove; //!< a grooved guide layer (optional key)
    medium_photoconductor photoconductor; //!< claim 12 (optional key)
    medium_phase_change phase_change;     //!< claim 11 (optional key)
};

struct medium_noise {
    double amplifier_sigma = 0; //!< additive, normalised photocurrent
    double rin_sigma = 0;       //!< multiplicative laser RIN, relative
    //! shot noise: sigma = shot_sigma*sqrt(signal) (signal in normalised
    //! photocurrent, 1.0 = 1 mW); optional key, default 0
    double shot_sigma = 0;
    /*! mark-edge media noise: the focused signal's slope times a Gaussian
     *  edge position error of this rms (m), one per channel bit of the
     *  medium (fixed: the same on every read); optional key, default 0 */
    double edge_jitter_m = 0;
};

struct medium_config {
    std::string name;
    medium_optics optics;
    medium_format format;
    medium_geometry geometry;
    medium_thermal thermal;
    std::vector<medium_beam> laser_array;
    std::vector<medium_material> materials; //!< in file order
    std::vector<medium_layer> layers;
    medium_noise noise;

    //! depth of layer k from layer 0 (sum of the spacers in front of it)
    double depth_m(int layer) const;
};

bool operator==(const medium_config& a, const medium_config& b);
inline bool operator!=(const medium_config& a, const medium_config& b)
{
    return !(a == b);
}

/*! Parses and validates a medium stack. source names the text in error
 *  messages ("<source>: <key path> = <value>: <allowed>"); every error is a
 *  std::invalid_argument. */
medium_config parse_medium_yaml(const std::string& text, const std::string& source);

//! reads a file and parses it; an empty path gives the built-in default
medium_config load_medium(const std::string& path);

//! the built-in default medium (the text of media/default.yml)
const std::string& default_medium_yaml();
medium_config default_medium();

} // namespace ecdisc

#endif
