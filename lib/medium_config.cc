/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "medium_config.h"
#include "yaml_checked.h"
#include <yaml-cpp/yaml.h>
#include <cmath>
#include <stdexcept>

namespace ecdisc {

namespace {

// The built-in default: media/default.yml, embedded at build time
// (lib/CMakeLists.txt writes it into default_medium_yaml.h).
#include "default_medium_yaml.h"

using yaml_checked::fmt;
using yaml_checked::mapping;

// Ranges wide enough for any real disc, narrow enough to catch unit slips.
const char* const k_unit = "in [0, 1]";

} // namespace

const std::vector<medium_material>& material_presets()
{
    // Orders of magnitude for thin films under a focused spot (DESIGN.md:
    // cm^2 films switch in 0.1-2 s, micron spots far faster; the rate here is
    // at ambient temperature, the spot's heating raises it by Arrhenius).
    static const std::vector<medium_material> p = {
        // a polythiophene derivative (PEDOT-like, claim 13)
        { "polythiophene", 0.08, 1.6, 1.5 },
        // tungsten trioxide, H+/Li+ insertion
        { "wo3", 0.1, 1.55, 1.2 },
        // an EL material mixed with a photochromic one (claim 14): the
        // voltage makes light, the light colours; higher drive voltage
        { "el_photochromic", 0.14, 1.6, 3.0 },
    };
    return p;
}

double medium_config::depth_m(int layer) const
{
    double z = 0;
    for (int m = 0; m < layer; m++)
        z += layers[m].spacer_m;
    return z;
}

medium_config parse_medium_yaml(const std::string& text, const std::string& source)
{
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::Exception& e) {
        throw std::invalid_argument(source + ": not valid YAML: " + e.what());
    }
    medium_config c;
    mapping top(root, source, "");
    c.name = top.text("name");

    {
        mapping m(top.node("optics", "a mapping"), source, "optics");
        c.optics.wavelength_m =
            m.number("wavelength_m", 100e-9, 2e-6, false, false, "in [1e-07, 2e-06]");
        c.optics.substrate_index =
            m.number("substrate_index", 1.0, 4.0, false, false, "in [1, 4]");
        c.optics.na = m.number(
            "na", 0.0, c.optics.substrate_index, true, true, "in (0, substrate_index)");
        c.optics.detector_radius_m =
            m.number("detector_radius_m", 0.0, 1e-3, true, false, "in (0, 0.001]");
        if (m.has("astigmatism_m"))
            c.optics.astigmatism_m =
                m.number("astigmatism_m", 0.0, 1e-4, true, false, "in (0, 0.0001]");
        m.finish("wavelength_m, na, substrate_index, detector_radius_m, astigmatism_m");
    }
    {
        mapping m(top.node("format", "a mapping"), source, "format");
        c.format.channel_bit_m =
            m.number("channel_bit_m", 0.0, 1e-5, true, false, "in (0, 1e-05]");
        c.format.velocity_m_s =
            m.number("velocity_m_s", 0.0, 100.0, true, false, "in (0, 100]");
        c.format.radius_m = m.number("radius_m", 0.0, 0.2, true, false, "in (0, 0.2]");
        if (m.has("track_pitch_m"))
            c.format.track_pitch_m =
                m.number("track_pitch_m", 0.0, 1e-5, true, false, "in (0, 1e-05]");
        m.finish("channel_bit_m, velocity_m_s, radius_m, track_pitch_m");
    }
    if (top.has("geometry")) {
        mapping m(top.node("geometry", "a mapping"), source, "geometry");
        if (m.has("band_tracks"))
            c.geometry.band_tracks = m.integer("band_tracks", 1, 64);
        if (m.has("radial_samples"))
            c.geometry.radial_samples = m.integer("radial_samples", 1, 16);
        m.finish("band_tracks, radial_samples");
    }
    {
        mapping m(top.node("thermal", "a mapping"), source, "thermal");
        c.thermal.ambient_k =
            m.number("ambient_k", 0.0, 1000.0, true, false, "in (0, 1000]");
        if (m.has("model")) {
            c.thermal.model = m.text("model");
            if (c.thermal.model != "configured" && c.thermal.model != "derived")
                m.fail_value("model", c.thermal.model, "must be configured or derived");
        }
        const bool derived = c.thermal.model == "derived";
        for (const char* k : { "heating_k_per_mw",
                               "neighbour_k_per_mw",
                               "thermal_radius_m",
                               "neighbour_radius_m" })
            if (derived && m.has(k))
                m.fail_value(k,
                             "(given)",
                             "not used with thermal.model = derived (the rises and "
                             "radii are computed): remove it");
        if (!derived) {
            c.thermal.heating_k_per_mw =
                m.number("heating_k_per_mw", 0.0, 1000.0, false, false, "in [0, 1000]");
            c.thermal.neighbour_k_per_mw =
                m.number("neighbour_k_per_mw", 0.0, 1000.0, false, false, "in [0, 1000]");
            c.thermal.thermal_radius_m =
                m.number("thermal_radius_m", 0.0, 1e-4, true, false, "in (0, 0.0001]");
            c.thermal.neighbour_radius_m =
                m.number("neighbour_radius_m", 0.0, 1e-3, true, false, "in (0, 0.001]");
        }
        if (m.has("conductivity_w_mk"))
            c.thermal.conductivity_w_mk = m.number(
                "conductivity_w_mk", 0.0, 1000.0, true, false, "in (0, 1000]");
        if (m.has("diffusivity_m2_s"))
            c.thermal.diffusivity_m2_s =
                m.number("diffusivity_m2_s", 0.0, 1e-3, true, false, "in (0, 0.001]");
        if (m.has("cross_cell_fraction"))
            c.thermal.cross_cell_fraction =
                m.number("cross_cell_fraction", 0.0, 1.0, false, false, "in [0, 1]");
        m.finish("ambient_k, model, heating_k_per_mw, neighbour_k_per_mw, thermal_radius_m, "
                 "neighbour_radius_m, conductivity_w_mk, diffusivity_m2_s, "
                 "cross_cell_fraction");
    }
    {
        YAML::Node arr = top.node("laser_array", "a list of 1..4 beams");
        if (!arr.IsSequence() || arr.size() < 1 || arr.size() > 4)
            top.fail("laser_array", "must be a list of 1..4 beams");
        for (size_t i = 0; i < arr.size(); i++) {
            mapping m(arr[i], source, "laser_array[" + std::to_string(i) + "]");
            medium_beam b;
            b.name = m.text("name");
            b.along_track_m = m.number(
                "along_track_m", -1e-3, 1e-3, false, false, "in [-0.001, 0.001]");
            b.cross_track_tracks = m.integer("cross_track_tracks", 0, 3);
            if (b.cross_track_tracks >= c.geometry.band_tracks)
                m.fail_value("cross_track_tracks",
                             std::to_string(b.cross_track_tracks),
                             "the simulated band has geometry.band_tracks = " +
                                 std::to_string(c.geometry.band_tracks) +
                                 " track(s): must be in 0.." +
                                 std::to_string(c.geometry.band_tracks - 1) +
                                 " (raise geometry.band_tracks for a beam on "
                                 "another track)");
            m.finish("name, along_track_m, cross_track_tracks");
            c.laser_array.push_back(b);
        }
    }
    if (top.has("materials")) {
        YAML::Node mats = top.node("materials", "a mapping of material names");
        mapping all(mats, source, "materials");
        for (const auto& kv : mats) {
            const std::string name = kv.first.as<std::string>();
            all.node(name, "a mapping");
            mapping m(kv.second, source, "materials." + name);
            medium_material mat;
            mat.name = name;
            mat.rate_per_s =
                m.number("rate_per_s", 0.0, 1e6, false, false, "in [0, 1e+06]");
            mat.activation_ev =
                m.number("activation_ev", 0.0, 5.0, false, false, "in [0, 5]");
            mat.nominal_voltage_v =
                m.number("nominal_voltage_v", 0.0, 10.0, true, false, "in (0, 10]");
            m.finish("rate_per_s, activation_ev, nominal_voltage_v");
            c.materials.push_back(mat);
        }
    }
    const size_t n_file_materials = c.materials.size();
    {
        YAML::Node arr = top.node("layers", "a list of 1..16 layers");
        if (!arr.IsSequence() || arr.size() < 1 || arr.size() > 16)
            top.fail("layers", "must be a list of 1..16 layers");
        for (size_t i = 0; i < arr.size(); i++) {
            mapping m(arr[i], source, "layers[" + std::to_string(i) + "]");
            medium_layer l;
            l.name = m.text("name");
            l.material = m.text("material");
            // the file's materials, then the presets (added once, on use)
            l.material_index = -1;
            for (size_t j = 0; j < c.materials.size(); j++)
                if (c.materials[j].name == l.material) {
                    l.material_index = static_cast<int>(j);
                    break;
                }
            if (l.material_index < 0)
                for (const auto& p : material_presets())
                    if (p.name == l.material) {
                        c.materials.push_back(p);
                        l.material_index = static_cast<int>(c.materials.size() - 1);
                    }
            if (l.material_index < 0) {
                std::string names;
                for (size_t j = 0; j < n_file_materials; j++)
                    names += (names.empty() ? "" : ", ") + c.materials[j].name;
                for (const auto& p : material_presets()) {
                    bool dup = false;
                    for (size_t j = 0; j < n_file_materials; j++)
                        dup = dup || c.materials[j].name == p.name;
                    if (!dup)
                        names += (names.empty() ? "" : ", ") + p.name;
                }
                m.fail_value("material",
                             l.material,
                             "must be one of materials or the presets (" + names + ")");
            }
            l.reflectance_bleached =
                m.number("reflectance_bleached", 0.0, 1.0, false, false, k_unit);
            l.reflectance_coloured =
                m.number("reflectance_coloured", 0.0, 1.0, false, false, k_unit);
            l.transmittance_bleached =
                m.number("transmittance_bleached", 0.0, 1.0, false, false, k_unit);
            l.transmittance_coloured =
                m.number("transmittance_coloured", 0.0, 1.0, false, false, k_unit);
            if (l.reflectance_bleached + l.transmittance_bleached > 1.0)
                m.fail_value(
                    "transmittance_bleached",
                    fmt(l.transmittance_bleached),
                    "reflectance_bleached + transmittance_bleached must be <= 1");
            if (l.reflectance_coloured + l.transmittance_coloured > 1.0)
                m.fail_value(
                    "transmittance_coloured",
                    fmt(l.transmittance_coloured),
                    "reflectance_coloured + transmittance_coloured must be <= 1");
            const bool last = i + 1 == arr.size();
            l.spacer_m = last ? m.number("spacer_m",
                                         0.0,
                                         1e-3,
                                         false,
                                         false,
                                         "in [0, 0.001] (last layer)")
                              : m.number("spacer_m",
                                         0.0,
                                         1e-3,
                                         true,
                                         false,
                                         "in (0, 0.001] (distance to the next layer)");
            if (m.has("spare")) {
                const std::string v = m.text("spare");
                if (v == "true")
                    l.spare = true;
                else if (v != "false")
                    m.fail_value("spare", v, "must be true or false");
            }
            if (m.has("groove")) {
                const std::string gp = "layers[" + std::to_string(i) + "].groove";
                mapping g(m.node("groove", "a mapping"), source, gp);
                l.groove.present = true;
                l.groove.depth_m =
                    g.number("depth_m", 0.0, 1e-6, false, false, "in [0, 1e-06]");
                if (g.has("wobble")) {
                    mapping w(g.node("wobble", "a mapping"), source, gp + ".wobble");
                    l.groove.wobble = true;
                    l.groove.period_bits = w.integer("period_bits", 8, 1000);
                    l.groove.amplitude_m =
                        w.number("amplitude_m", 0.0, 1e-6, false, false, "in [0, 1e-06]");
                    l.groove.layer_address = w.integer("layer_address", 0, 15);
                    if (w.has("wobbles_per_unit"))
                        l.groove.wobbles_per_unit = w.integer("wobbles_per_unit", 8, 64);
                    w.finish("period_bits, amplitude_m, layer_address, wobbles_per_unit");
                }
                g.finish("depth_m, wobble");
            }
            if (m.has("photoconductor")) {
                const std::string pp = "layers[" + std::to_string(i) + "].photoconductor";
                mapping p(m.node("photoconductor", "a mapping"), source, pp);
                l.photoconductor.present = true;
                l.photoconductor.dark_fraction =
                    p.number("dark_fraction", 0.0, 1.0, false, false, "in [0, 1]");
                l.photoconductor.saturation_mw =
                    p.number("saturation_mw", 0.0, 1000.0, true, false, "in (0, 1000]");
                p.finish("dark_fraction, saturation_mw");
            }
            if (m.has("phase_change")) {
                const std::string pp = "layers[" + std::to_string(i) + "].phase_change";
                mapping p(m.node("phase_change", "a mapping"), source, pp);
                l.phase_change.present = true;
                l.phase_change.transition_k =
                    p.number("transition_k", 0.0, 2000.0, true, false, "in (0, 2000]");
                l.phase_change.factor =
                    p.number("factor", 0.0, 1e6, false, false, "in [0, 1e+06]");
                p.finish("transition_k, factor");
            }
            m.finish("name, material, reflectance_bleached, reflectance_coloured, "
                     "transmittance_bleached, transmittance_coloured, spacer_m, spare, "
                     "groove, photoconductor, phase_change");
            c.layers.push_back(l);
        }
    }
    {
        mapping m(top.node("noise", "a mapping"), source, "noise");
        c.noise.amplifier_sigma =
            m.number("amplifier_sigma", 0.0, 10.0, false, false, "in [0, 10]");
        c.noise.rin_sigma = m.number("rin_sigma", 0.0, 1.0, false, false, "in [0, 1]");
        if (m.has("shot_sigma"))
            c.noise.shot_sigma =
                m.number("shot_sigma", 0.0, 1.0, false, false, "in [0, 1]");
        if (m.has("edge_jitter_m"))
            c.noise.edge_jitter_m =
                m.number("edge_jitter_m", 0.0, 1e-6, false, false, "in [0, 1e-06]");
        m.finish("amplifier_sigma, rin_sigma, shot_sigma, edge_jitter_m");
    }
    top.finish(
        "name, optics, format, geometry, thermal, laser_array, materials, layers, noise");
    if (c.materials.empty())
        top.fail("materials", "no material defined or used");
    return c;
}

medium_config load_medium(const std::string& path)
{
    if (path.empty())
        return default_medium();
    std::string name;
    const std::string text = yaml_checked::read_file("medium_file", path, name);
    return parse_medium_yaml(text, name);
}

const std::string& default_medium_yaml()
{
    // The literal starts with the newline after R"YAML(.
    static const std::string s(k_default_yaml);
    return s;
}

medium_config default_medium()
{
    static const medium_config c =
        parse_medium_yaml(default_medium_yaml(), "<built-in default>");
    return c;
}

bool operator==(const medium_config& a, const medium_config& b)
{
    auto beams_eq = [](const medium_beam& x, const medium_beam& y) {
        return x.name == y.name && x.along_track_m == y.along_track_m &&
               x.cross_track_tracks == y.cross_track_tracks;
    };
    auto mat_eq = [](const medium_material& x, const medium_material& y) {
        return x.name == y.name && x.rate_per_s == y.rate_per_s &&
               x.activation_ev == y.activation_ev &&
               x.nominal_voltage_v == y.nominal_voltage_v;
    };
    auto layer_eq = [](const medium_layer& x, const medium_layer& y) {
        return x.name == y.name && x.material == y.material &&
               x.material_index == y.material_index &&
               x.reflectance_bleached == y.reflectance_bleached &&
               x.reflectance_coloured == y.reflectance_coloured &&
               x.transmittance_bleached == y.transmittance_bleached &&
               x.transmittance_coloured == y.transmittance_coloured &&
               x.spacer_m == y.spacer_m && x.spare == y.spare &&
               x.groove.present == y.groove.present &&
               x.groove.depth_m == y.groove.depth_m &&
               x.groove.wobble == y.groove.wobble &&
               x.groove.period_bits == y.groove.period_bits &&
               x.groove.wobbles_per_unit == y.groove.wobbles_per_unit &&
               x.groove.amplitude_m == y.groove.amplitude_m &&
               x.groove.layer_address == y.groove.layer_address &&
               x.photoconductor.present == y.photoconductor.present &&
               x.photoconductor.dark_fraction == y.photoconductor.dark_fraction &&
               x.photoconductor.saturation_mw == y.photoconductor.saturation_mw &&
               x.phase_change.present == y.phase_change.present &&
               x.phase_change.transition_k == y.phase_change.transition_k &&
               x.phase_change.factor == y.phase_change.factor;
    };
    auto vec_eq = [](const auto& x, const auto& y, const auto& eq) {
        if (x.size() != y.size())
            return false;
        for (size_t i = 0; i < x.size(); i++)
            if (!eq(x[i], y[i]))
                return false;
        return true;
    };
    const auto& ao = a.optics;
    const auto& bo = b.optics;
    const auto& at = a.thermal;
    const auto& bt = b.thermal;
    return a.name == b.name && ao.wavelength_m == bo.wavelength_m && ao.na == bo.na &&
           ao.substrate_index == bo.substrate_index &&
           ao.detector_radius_m == bo.detector_radius_m &&
           ao.astigmatism_m == bo.astigmatism_m &&
           a.format.track_pitch_m == b.format.track_pitch_m &&
           a.format.channel_bit_m == b.format.channel_bit_m &&
           a.format.velocity_m_s == b.format.velocity_m_s &&
           a.format.radius_m == b.format.radius_m &&
           a.geometry.band_tracks == b.geometry.band_tracks &&
           a.geometry.radial_samples == b.geometry.radial_samples &&
           at.ambient_k == bt.ambient_k &&
           at.heating_k_per_mw == bt.heating_k_per_mw &&
           at.neighbour_k_per_mw == bt.neighbour_k_per_mw &&
           at.thermal_radius_m == bt.thermal_radius_m &&
           at.neighbour_radius_m == bt.neighbour_radius_m &&
           at.cross_cell_fraction == bt.cross_cell_fraction && at.model == bt.model &&
           at.conductivity_w_mk == bt.conductivity_w_mk &&
           at.diffusivity_m2_s == bt.diffusivity_m2_s &&
           vec_eq(a.laser_array, b.laser_array, beams_eq) &&
           vec_eq(a.materials, b.materials, mat_eq) &&
           vec_eq(a.layers, b.layers, layer_eq) &&
           a.noise.amplifier_sigma == b.noise.amplifier_sigma &&
           a.noise.rin_sigma == b.noise.rin_sigma &&
           a.noise.shot_sigma == b.noise.shot_sigma &&
           a.noise.edge_jitter_m == b.noise.edge_jitter_m;
}

} // namespace ecdisc
