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
};

//! one entry of the laser array: beam i is entry i
struct medium_beam {
    std::string name;
    double along_track_m = 0; //!< lead along the track (positive = ahead)
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

struct medium_layer {
    std::string name;
    std::string material;
    int material_index = 0; //!< index into medium_config::materials
    double reflectance_bleached = 0;
    double reflectance_coloured = 0;
    double transmittance_bleached = 0;
    double transmittance_coloured = 0;
    double spacer_m = 0; //!< distance to the next layer (away from the light)
    //! a spare layer (claim 10): colourable by voltage, never recorded
    bool spare = false;
    medium_groove groove; //!< a grooved guide layer (optional key)
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
