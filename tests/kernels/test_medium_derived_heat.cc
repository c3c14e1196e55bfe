/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * thermal.model = derived: the medium takes its temperature rises from heat
 * conduction and absorption (lib/thermal_diffusion.h) instead of the
 * configured Gaussians.
 */
#include "medium.h"
#include "medium_config.h"
#include "thermal_diffusion.h"
#include <gtest/gtest.h>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

using ecdisc::default_medium_yaml;
using ecdisc::medium;
using ecdisc::medium_config;
using ecdisc::parse_medium_yaml;

namespace {

//! the default stack with its thermal block replaced
std::string with_thermal(const std::string& block)
{
    std::string s = default_medium_yaml();
    const auto a = s.find("thermal:");
    const auto b = s.find("# Beam i is laser-array entry i");
    EXPECT_NE(a, std::string::npos);
    EXPECT_NE(b, std::string::npos);
    s.replace(a, b - a, block);
    return s;
}

const std::string k_derived = "thermal:\n"
                              "  ambient_k: 300\n"
                              "  model: derived\n"
                              "  conductivity_w_mk: 0.2\n"
                              "  diffusivity_m2_s: 1.44e-7\n"
                              "  cross_cell_fraction: 0.4\n";

std::string rejection(const std::string& text)
{
    try {
        parse_medium_yaml(text, "heat.yml");
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "";
}

bool contains(const std::string& s, const std::string& p)
{
    return s.find(p) != std::string::npos;
}

//! the thermal_stack of a medium config, built here from the YAML numbers
ecdisc::thermal_stack stack_of(const medium_config& c)
{
    ecdisc::thermal_stack st;
    for (const auto& l : c.layers) {
        st.spacers_m.push_back(l.spacer_m);
        st.absorptance.push_back(1.0 - l.reflectance_bleached - l.transmittance_bleached);
        st.transmittance.push_back(l.transmittance_bleached);
    }
    st.wavelength_m = c.optics.wavelength_m;
    st.na = c.optics.na;
    st.index = c.optics.substrate_index;
    st.velocity_m_s = c.format.velocity_m_s;
    st.conductivity_w_mk = c.thermal.conductivity_w_mk;
    st.diffusivity_m2_s = c.thermal.diffusivity_m2_s;
    return st;
}

} // namespace

TEST(MediumDerivedHeat, KeysAreChecked)
{
    const auto c = parse_medium_yaml(with_thermal(k_derived), "heat.yml");
    EXPECT_EQ(c.thermal.model, "derived");
    EXPECT_DOUBLE_EQ(c.thermal.conductivity_w_mk, 0.2);
    const auto bad = rejection(with_thermal(k_derived + "  heating_k_per_mw: 23\n"));
    EXPECT_TRUE(contains(bad, "thermal.heating_k_per_mw")) << bad;
    EXPECT_TRUE(contains(bad, "derived")) << bad;
    const auto model = rejection(with_thermal("thermal:\n  ambient_k: 300\n  model: magic\n"));
    EXPECT_TRUE(contains(model, "thermal.model = magic")) << model;
    std::string neg = k_derived;
    neg.replace(neg.find("1.44e-7"), 7, "-1");
    const auto k = rejection(with_thermal(neg));
    EXPECT_TRUE(contains(k, "thermal.diffusivity_m2_s = -1")) << k;
    // the configured model still needs its four numbers
    const auto missing = rejection(with_thermal("thermal:\n  ambient_k: 300\n"));
    EXPECT_TRUE(contains(missing, "heating_k_per_mw")) << missing;
}

// The medium's temperature field is the derived profile: peak per mW, lag
// behind the beam and width along the track as stack_heating_per_mw gives
// them for the configured stack (built independently above).
TEST(MediumDerivedHeat, TemperatureFollowsTheDerivedProfiles)
{
    const auto c = parse_medium_yaml(with_thermal(k_derived), "heat.yml");
    const int n = static_cast<int>(c.layers.size());
    const auto st = stack_of(c);
    for (int f = 0; f < n; f++) {
        const auto h = ecdisc::stack_heating_per_mw(st, f);
        // beam 0 (the leading one) focused on f, the other on a neighbour
        const int other = f + 1 < n ? f + 1 : f - 1;
        medium m(c, 4, 4096, { f, other }, {}, 1);
        for (int k = 0; k < n; k++) {
            const auto& pr = k == f ? h.layers[k].conduction : h.layers[k].direct;
            EXPECT_NEAR(m.heating_k_per_mw(k, f), pr.peak_k, 1e-9 * pr.peak_k + 1e-15)
                << k << " " << f;
        }
        // the rise on the focus layer at the cell of its peak (lag behind
        // the beam) and one sigma ahead of it, beam 0 alone at 1 mW
        const auto& own = h.layers[f].conduction;
        const double cell = m.cell_m();
        const int64_t lead = m.lead_cells(0);
        const int64_t peak = lead - static_cast<int64_t>(std::llround(own.lag_m / cell));
        const double t_peak = m.temperature(f, peak, { 1.0, 0.0 }) - 300.0;
        const double xa = (peak - lead) * cell + own.lag_m;
        EXPECT_NEAR(t_peak,
                    own.peak_k * std::exp(-xa * xa / (2 * own.sigma_along_m * own.sigma_along_m)),
                    1e-9 * own.peak_k);
        // on a layer two away: the direct absorption only (no adjacency
        // cut-off in the derived model)
        if (f + 2 < n) {
            const auto& d = h.layers[f + 2].direct;
            const int64_t at = lead - static_cast<int64_t>(std::llround(d.lag_m / cell));
            const double x2 = (at - lead) * cell + d.lag_m;
            const double t2 = m.temperature(f + 2, at, { 1.0, 0.0 }) - 300.0;
            // layer f + 2 has no voltage: colouring direction (V >= 0), heat
            // from in front reaches the far face by cross_cell_fraction
            EXPECT_NEAR(t2,
                        0.4 * d.peak_k *
                            std::exp(-x2 * x2 / (2 * d.sigma_along_m * d.sigma_along_m)),
                        1e-9 * d.peak_k + 1e-12);
        }
    }
}

// The assist factor the medium reports follows from those rises: Arrhenius
// of the derived neighbour rise at the recording spot on top of the
// recording beam's own rise.
TEST(MediumDerivedHeat, AssistSpeedupFromDerivedRises)
{
    const auto c = parse_medium_yaml(with_thermal(k_derived), "heat.yml");
    const int n = static_cast<int>(c.layers.size());
    const auto st = stack_of(c);
    const double kB = 8.617333262e-5;
    for (int k = 0; k + 1 < n; k++) {
        medium m(c, 4, 4096, { k + 1, k }, {}, 1);
        const auto own = ecdisc::stack_heating_per_mw(st, k).layers[k].conduction;
        const auto nb = ecdisc::stack_heating_per_mw(st, k + 1).layers[k].direct;
        const double lead = m.lead_cells(0) * m.cell_m();
        const double p_rec = 0.05, p_as = 3.0; // mW
        const double x = -lead + nb.lag_m;
        const double t_off =
            300.0 + p_rec * own.peak_k *
                        std::exp(-own.lag_m * own.lag_m /
                                 (2 * own.sigma_along_m * own.sigma_along_m));
        // assist layer behind (k + 1 > k), colouring: far face in full
        const double t_on =
            t_off + p_as * nb.peak_k *
                        std::exp(-x * x / (2 * nb.sigma_along_m * nb.sigma_along_m));
        const double ea = c.materials[c.layers[k].material_index].activation_ev;
        const double expect = std::exp(ea / kB * (1.0 / t_off - 1.0 / t_on));
        const double got = m.assist_speedup_for(k, k + 1, true, p_rec, p_as);
        EXPECT_NEAR(got, expect, 1e-9 * expect) << k;
        std::printf("derived heat, layer %d: own %.0f K/mW (lag %.3f um), from layer %d "
                    "%.2f K/mW (lag %.1f um, sigma %.1f um); assist x%.3f at %.2f + %.1f mW\n",
                    k,
                    own.peak_k,
                    own.lag_m * 1e6,
                    k + 1,
                    nb.peak_k,
                    nb.lag_m * 1e6,
                    nb.sigma_along_m * 1e6,
                    got,
                    p_rec,
                    p_as);
    }
}
