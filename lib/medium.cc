/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "medium.h"
#include "thermal_diffusion.h"
#include <map>
#include <mutex>
#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>

namespace ecdisc {

namespace {

constexpr double k_boltzmann_ev = 8.617333262e-5; // eV/K
constexpr double k_pi = 3.14159265358979323846;
constexpr double k_max_volts = 10.0;
constexpr int k_refresh_period = 64; // samples between exact window refreshes
constexpr int k_refresh_all = 64;    // ... of which one in this many refreshes
                                     // the windows over layers without voltage
constexpr double k_max_state_bytes = 4.0 * (1 << 30); // cap on the cell state
constexpr double k_psf_extent = 1.0;  // focused LSF core: +-1 lambda/NA
constexpr double k_tail_extent = 4.0; // its tails as a box of +-4 lambda/NA

std::string num(double v)
{
    std::ostringstream s;
    s << v;
    return s.str();
}

[[noreturn]] void bad(const std::string& what) { throw std::invalid_argument(what); }

} // namespace

medium::medium(const medium_config& config,
               int sps,
               int64_t track_bits,
               const std::vector<int>& focus_layers,
               const std::vector<double>& layer_voltages,
               uint64_t seed)
    : d_cfg(config), d_sps(sps), d_seed(seed), d_gauss(seed)
{
    if (sps < 1 || sps > 32)
        bad("sps = " + std::to_string(sps) + ": must be in 1..32");
    if (track_bits < 64 || track_bits > (int64_t(1) << 26))
        bad("track_bits = " + std::to_string(track_bits) + ": must be in 64..67108864");
    const auto& fmt = d_cfg.format;
    const double circumference = 2.0 * k_pi * fmt.radius_m;
    const double track_m = static_cast<double>(track_bits) * fmt.channel_bit_m;
    if (track_m >= circumference)
        bad("track_bits = " + std::to_string(track_bits) + ": the track (" +
            num(track_m) + " m) must be shorter than the circumference 2*pi*radius_m = " +
            num(circumference) + " m of medium " + d_cfg.name);
    const int n_layers = static_cast<int>(d_cfg.layers.size());
    // Two doubles (state, time last touched) per cell per layer and row, and
    // a column sum per cell per layer.
    const int rows = d_cfg.geometry.rows();
    const double state_bytes =
        (16.0 * rows + 8.0) * static_cast<double>(track_bits) * sps * n_layers;
    if (state_bytes > k_max_state_bytes)
        bad("track_bits = " + std::to_string(track_bits) +
            ": with sps = " + std::to_string(sps) + " and " + std::to_string(n_layers) +
            " layers the medium state would take " + num(state_bytes / (1 << 30)) +
            " GiB; at most " + num(k_max_state_bytes / (1 << 30)) +
            " GiB (track_bits * sps * layers * (2 * rows + 1) <= " +
            std::to_string(static_cast<int64_t>(k_max_state_bytes / 8)) +
            ", rows = geometry.band_tracks * geometry.radial_samples = " +
            std::to_string(rows) + ")");
    const int max_beams = std::min<int>(4, d_cfg.laser_array.size());
    if (focus_layers.empty() || static_cast<int>(focus_layers.size()) > max_beams)
        bad("focus_layers size = " + std::to_string(focus_layers.size()) +
            ": must be in 1.." + std::to_string(max_beams) +
            " (beams of the laser_array of medium " + d_cfg.name + ")");
    for (size_t b = 0; b < focus_layers.size(); b++)
        if (focus_layers[b] < 0 || focus_layers[b] >= n_layers)
            bad("focus_layers[" + std::to_string(b) +
                "] = " + std::to_string(focus_layers[b]) + ": must be in 0.." +
                std::to_string(n_layers - 1) + " (layers of medium " + d_cfg.name + ")");
    if (!layer_voltages.empty() && static_cast<int>(layer_voltages.size()) != n_layers)
        bad("layer_voltages size = " + std::to_string(layer_voltages.size()) +
            ": must be 0 or " + std::to_string(n_layers) + " (layers of medium " +
            d_cfg.name + ")");
    for (size_t k = 0; k < layer_voltages.size(); k++)
        if (!(std::fabs(layer_voltages[k]) <= k_max_volts))
            bad("layer_voltages[" + std::to_string(k) + "] = " + num(layer_voltages[k]) +
                ": must be in [-10, 10] V");

    d_L = track_bits * sps;
    d_rows = rows;
    d_inv_rows = 1.0 / rows;
    d_row_m = fmt.track_pitch_m / d_cfg.geometry.radial_samples;
    d_cell_m = fmt.channel_bit_m / sps;
    d_fs = sps * fmt.velocity_m_s / fmt.channel_bit_m;
    d_dt = 1.0 / d_fs;
    d_trev = circumference / fmt.velocity_m_s;

    const auto& th = d_cfg.thermal;
    d_layers.resize(n_layers);
    for (int k = 0; k < n_layers; k++) {
        const auto& lc = d_cfg.layers[k];
        const auto& mat = d_cfg.materials[lc.material_index];
        auto& l = d_layers[k];
        l.rb = lc.reflectance_bleached;
        l.dr = lc.reflectance_coloured - lc.reflectance_bleached;
        l.tb = lc.transmittance_bleached;
        l.dt = lc.transmittance_coloured - lc.transmittance_bleached;
        l.ea_over_kb = mat.activation_ev / k_boltzmann_ev;
        l.rate_per_v = mat.rate_per_s / mat.nominal_voltage_v;
        l.z = d_cfg.depth_m(k);
        l.c.assign(d_L * d_rows, 0.0);
        l.t_last.assign(d_L * d_rows, 0.0);
        l.q.assign(d_L, 0.0);
        l.photo = lc.photoconductor.present;
        l.pc_f = lc.photoconductor.dark_fraction;
        l.pc_psat = lc.photoconductor.saturation_mw;
        l.phase = lc.phase_change.present;
        l.pc_tc = lc.phase_change.transition_k;
        l.pc_g = lc.phase_change.factor;
        apply_voltage(k, layer_voltages.empty() ? 0.0 : layer_voltages[k]);
    }

    // Focused spot along the track: the line-spread function of an
    // aberration-free circular pupil (incoherent), i.e. the inverse Fourier
    // transform of the OTF (2/pi)(acos s - s sqrt(1-s^2)), s = nu/(2NA/lambda),
    // which vanishes at the cut-off 2NA/lambda. The core is kept to
    // +-k_psf_extent*lambda/NA; the mass of the slowly decaying tails (the
    // OTF's cusp at nu = 0) goes into a box of +-k_tail_extent*lambda/NA
    // (a running sum, like the defocused windows), so that the DC gain is 1
    // and the MTF follows the OTF within about 0.01 over the band.
    {
        const double lam_na = d_cfg.optics.wavelength_m / d_cfg.optics.na;
        const double fc = 2.0 / lam_na;
        d_psf_half = std::max<int64_t>(
            1, static_cast<int64_t>(std::ceil(k_psf_extent * lam_na / d_cell_m)));
        d_psf.assign(2 * d_psf_half + 1, 0.0);
        const int nq = 2048; // midpoint rule over [0, fc]
        std::vector<double> otf(nq);
        for (int q = 0; q < nq; q++) {
            const double sn = (q + 0.5) / nq;
            otf[q] = (2.0 / k_pi) * (std::acos(sn) - sn * std::sqrt(1.0 - sn * sn));
        }
        double core = 0;
        for (int64_t j = -d_psf_half; j <= d_psf_half; j++) {
            const double x = j * d_cell_m;
            double h = 0;
            for (int q = 0; q < nq; q++)
                h += otf[q] * std::cos(2.0 * k_pi * (q + 0.5) / nq * fc * x);
            core += d_psf[j + d_psf_half] = h * 2.0 * fc * d_cell_m / nq;
        }
        d_tail_half = std::max<int64_t>(
            d_psf_half + 1,
            static_cast<int64_t>(std::ceil(k_tail_extent * lam_na / d_cell_m)));
        d_psf_tail = std::max(0.0, 1.0 - core);
        if (d_psf_tail == 0.0) // a coarse grid: normalise the core instead
            for (auto& w : d_psf)
                w /= core;
        // a coarser table of the OTF for lsf() across the track
        d_otf.resize(256);
        for (size_t q = 0; q < d_otf.size(); q++) {
            const double sn = (q + 0.5) / d_otf.size();
            d_otf[q] = (2.0 / k_pi) * (std::acos(sn) - sn * std::sqrt(1.0 - sn * sn));
        }
    }
    // Derived heating (thermal.model = derived): the rise on each layer per
    // mW of a beam focused on each layer, from lib/thermal_diffusion.h.
    double heat_reach = 3.0 * th.thermal_radius_m;
    if (th.model == "derived") {
        d_derived = true;
        thermal_stack st;
        for (int k = 0; k < n_layers; k++) {
            const auto& lc = d_cfg.layers[k];
            st.spacers_m.push_back(lc.spacer_m);
            st.absorptance.push_back(std::max(
                0.0, 1.0 - lc.reflectance_bleached - lc.transmittance_bleached));
            st.transmittance.push_back(lc.transmittance_bleached);
        }
        st.wavelength_m = d_cfg.optics.wavelength_m;
        st.na = d_cfg.optics.na;
        st.index = d_cfg.optics.substrate_index;
        st.velocity_m_s = fmt.velocity_m_s;
        st.conductivity_w_mk = th.conductivity_w_mk;
        st.diffusivity_m2_s = th.diffusivity_m2_s;
        d_heat.assign(static_cast<size_t>(n_layers) * n_layers, heat_entry());
        heat_reach = 0;
        // the quadrature takes ~0.1 s per focus layer: remember the
        // results per stack (medium copies, e.g. crosstalk_db(), reuse them)
        static std::mutex memo_mutex;
        static std::map<std::vector<double>, std::vector<stack_heating>> memo;
        std::vector<double> key = { st.wavelength_m, st.na, st.index, st.velocity_m_s,
                                    st.conductivity_w_mk, st.diffusivity_m2_s };
        for (int k = 0; k < n_layers; k++) {
            key.push_back(st.spacers_m[k]);
            key.push_back(st.absorptance[k]);
            key.push_back(st.transmittance[k]);
        }
        std::vector<stack_heating> all;
        {
            std::lock_guard<std::mutex> lock(memo_mutex);
            auto it = memo.find(key);
            if (it != memo.end())
                all = it->second;
        }
        if (all.empty()) {
            for (int f = 0; f < n_layers; f++)
                all.push_back(stack_heating_per_mw(st, f));
            std::lock_guard<std::mutex> lock(memo_mutex);
            memo[key] = all;
        }
        for (int f = 0; f < n_layers; f++) {
            const auto& h = all[f];
            for (int k = 0; k < n_layers; k++) {
                const auto& pr = k == f ? h.layers[k].conduction : h.layers[k].direct;
                auto& e = d_heat[static_cast<size_t>(k) * n_layers + f];
                e.peak = pr.peak_k;
                e.lag = pr.lag_m;
                e.sa = std::max(pr.sigma_along_m, 1e-9);
                e.sc = std::max(pr.sigma_across_m, 1e-9);
                if (k == f)
                    heat_reach = std::max(heat_reach, 3.0 * e.sa + std::fabs(e.lag));
            }
        }
        d_light_sigma_m = 0.21 * d_cfg.optics.wavelength_m / d_cfg.optics.na;
    } else {
        d_light_sigma_m = th.thermal_radius_m;
    }
    // Active (light and heat) window: +-3 sigma_th, and at least the PSF so
    // that a focused read sees up-to-date cells.
    d_act_half = std::max<int64_t>(static_cast<int64_t>(std::ceil(heat_reach / d_cell_m)),
                                   d_psf_half);

    d_beams.resize(focus_layers.size());
    for (size_t b = 0; b < focus_layers.size(); b++) {
        d_beams[b].focus = focus_layers[b];
        d_beams[b].lead = std::llround(d_cfg.laser_array[b].along_track_m / d_cell_m);
        d_beams[b].track = d_cfg.laser_array[b].cross_track_tracks;
        update_read_rows(static_cast<int>(b));
    }
    d_max_power.assign(d_beams.size(), 0.0);
    d_prev_m.assign(d_beams.size(), 0.0);
    d_edge_bit.assign(d_beams.size(), -1);
    d_edge_layer.assign(d_beams.size(), -1);
    d_edge_dev.assign(d_beams.size(), 0.0);
    d_wobble.assign(n_layers, nullptr);
    for (int k = 0; k < n_layers; k++) {
        const auto& g = d_cfg.layers[k].groove;
        if (g.present && g.wobble) {
            const wobble_format wf(g.period_bits, g.wobbles_per_unit);
            wobble_address start;
            start.layer = g.layer_address;
            d_wobble[k] = std::make_shared<wobble_address_modulator>(wf, start);
        }
    }
    for (int k = 0; k < n_layers; k++)
        recompute_q(k);
    rebuild();
}

int64_t medium::lead_cells(int beam) const
{
    if (beam < 0 || beam >= num_beams())
        bad("beam = " + std::to_string(beam) + ": must be in 0.." +
            std::to_string(num_beams() - 1));
    return d_beams[beam].lead;
}

double medium::time_s() const { return time_at(d_pos); }

double medium::evolve_dark(const layer_state& l, double c, double dt) const
{
    if (l.kdark == 0.0 || dt <= 0.0)
        return c;
    return l.cinf + (c - l.cinf) * std::exp(-l.kdark * dt);
}

double medium::current(const layer_state& l, int64_t idx, double now) const
{
    return evolve_dark(l, l.c[idx], now - l.t_last[idx]);
}

double medium::gain(int layer, int beam, int64_t dist, double dy) const
{
    // nearest image on the ring
    int64_t d = wrap(dist);
    if (d > d_L / 2)
        d -= d_L;
    const double x = d * d_cell_m;
    const int f = d_beams[beam].focus;
    return rise_per_mw(layer, f, x, dy, d_layers[layer].volts >= 0);
}

double medium::rise_per_mw(int layer, int f, double x, double dy, bool colouring) const
{
    if (d_derived) {
        // the derived profile: its peak lags behind the beam (cells behind
        // the beam have smaller indices: x < 0)
        const auto& h = d_heat[static_cast<size_t>(layer) * num_layers() + f];
        if (h.peak == 0.0)
            return 0.0;
        const double xa = x + h.lag;
        const double g = h.peak * std::exp(-xa * xa / (2.0 * h.sa * h.sa) -
                                           dy * dy / (2.0 * h.sc * h.sc));
        return f == layer ? g : g * face_fraction(layer, f, colouring);
    }
    const double r2 = x * x + dy * dy;
    const auto& th = d_cfg.thermal;
    if (f == layer)
        return th.heating_k_per_mw *
               std::exp(-r2 / (2.0 * th.thermal_radius_m * th.thermal_radius_m));
    if (std::abs(f - layer) == 1)
        return th.neighbour_k_per_mw * face_fraction(layer, f, colouring) *
               std::exp(-r2 / (2.0 * th.neighbour_radius_m * th.neighbour_radius_m));
    return 0.0;
}

double medium::light_gain(int layer, int beam, int64_t dist, double dy) const
{
    if (d_beams[beam].focus != layer)
        return 0.0; // defocused light crossing the layer: neglected (see config)
    int64_t d = wrap(dist);
    if (d > d_L / 2)
        d -= d_L;
    const double x = d * d_cell_m;
    const double r = d_light_sigma_m;
    return std::exp(-(x * x + dy * dy) / (2.0 * r * r));
}

double medium::heating_k_per_mw(int layer, int focus_layer) const
{
    if (layer < 0 || layer >= num_layers() || focus_layer < 0 || focus_layer >= num_layers())
        bad("layer = " + std::to_string(std::min(layer, focus_layer)) + ", " +
            std::to_string(std::max(layer, focus_layer)) + ": must be in 0.." +
            std::to_string(num_layers() - 1));
    if (d_derived)
        return d_heat[static_cast<size_t>(layer) * num_layers() + focus_layer].peak;
    if (layer == focus_layer)
        return d_cfg.thermal.heating_k_per_mw;
    return std::abs(layer - focus_layer) == 1 ? d_cfg.thermal.neighbour_k_per_mw : 0.0;
}

double medium::heat_sigma_across() const
{
    double s = 0;
    for (int k = 0; k < num_layers(); k++)
        s = std::max(s, d_heat[static_cast<size_t>(k) * num_layers() + k].sc);
    return s;
}

double medium::beam_y(int beam) const
{
    if (d_rows == 1)
        return 0.0;
    const auto& b = d_beams[beam];
    return b.track * d_cfg.format.track_pitch_m + b.track_off;
}

double medium::row_dy(int row, double y) const
{
    if (d_rows == 1)
        return 0.0;
    const double w = d_cfg.format.track_pitch_m * d_cfg.geometry.band_tracks;
    double d = (row + 0.5) * d_row_m - 0.5 * d_cfg.format.track_pitch_m - y;
    d -= w * std::floor(d / w + 0.5);
    return d;
}

double medium::lsf(double x) const
{
    const double fc = 2.0 * d_cfg.optics.na / d_cfg.optics.wavelength_m;
    const size_t nq = d_otf.size();
    double h = 0;
    for (size_t q = 0; q < nq; q++)
        h += d_otf[q] * std::cos(2.0 * k_pi * (q + 0.5) / nq * fc * x);
    return h * 2.0 * fc / nq;
}

void medium::update_read_rows(int beam)
{
    auto& b = d_beams[beam];
    b.read_row.clear();
    b.read_w.clear();
    b.mix_first = -1;
    if (d_rows == 1) {
        b.read_row.push_back(0);
        b.read_w.push_back(1.0);
        return;
    }
    b.mix.assign(2 * d_psf.size(), 0.0);
    const double y = beam_y(beam);
    const double core = k_psf_extent * d_cfg.optics.wavelength_m / d_cfg.optics.na;
    double sum = 0;
    int nearest = 0;
    double best = 1e30;
    for (int r = 0; r < d_rows; r++) {
        const double d = row_dy(r, y);
        if (std::fabs(d) < best) {
            best = std::fabs(d);
            nearest = r;
        }
        if (std::fabs(d) > core)
            continue;
        const double w = std::max(0.0, lsf(d));
        if (w <= 0.0)
            continue;
        b.read_row.push_back(static_cast<int64_t>(r) * d_L);
        b.read_w.push_back(w);
        sum += w;
    }
    if (sum <= 0.0) { // rows coarser than the spot: the nearest one
        b.read_row.assign(1, static_cast<int64_t>(nearest) * d_L);
        b.read_w.assign(1, 1.0);
        return;
    }
    for (auto& w : b.read_w)
        w /= sum;
}

double medium::radial_weight(int beam, int row) const
{
    focus_layer(beam); // checks the beam
    if (row < 0 || row >= d_rows)
        bad("row = " + std::to_string(row) + ": must be in 0.." +
            std::to_string(d_rows - 1));
    const auto& b = d_beams[beam];
    for (size_t i = 0; i < b.read_row.size(); i++)
        if (b.read_row[i] == static_cast<int64_t>(row) * d_L)
            return b.read_w[i];
    return 0.0;
}

void medium::recompute_q(int layer)
{
    auto& l = d_layers[layer];
    const double now = time_at(d_pos);
    l.q_epoch = now;
    l.q_dirty = false;
    for (int64_t p = 0; p < d_L; p++) {
        double s = 0;
        for (int r = 0; r < d_rows; r++) {
            const int64_t idx = static_cast<int64_t>(r) * d_L + p;
            s += l.kdark == 0.0 ? l.c[idx] : current(l, idx, now) - l.cinf;
        }
        l.q[p] = s;
    }
}

void medium::apply_voltage(int layer, double volts)
{
    auto& l = d_layers[layer];
    l.volts = volts;
    l.kvolt = l.rate_per_v * std::fabs(volts);
    l.kdark = l.kvolt;
    if (l.photo)
        l.kdark *= l.pc_f;
    if (l.phase && d_cfg.thermal.ambient_k > l.pc_tc)
        l.kdark *= l.pc_g;
    l.cinf = volts < 0 ? 0.0 : 1.0;
}

double medium::face_fraction(int layer, int source_layer, bool colouring) const
{
    // colouring is governed by the far face (ion store), de-colouring by the
    // near face (EC film): heat from behind reaches the far face in full,
    // heat from in front the near face; the other face gets the fraction.
    const bool from_behind = source_layer > layer;
    return from_behind == colouring ? 1.0 : d_cfg.thermal.cross_cell_fraction;
}

void medium::rebuild()
{
    const int nb = num_beams();
    // rows of the active windows: within the heated radius and the focused
    // read (plus one row) of a beam focused on the layer
    const double act_rad =
        std::max(3.0 * (d_derived ? heat_sigma_across() : d_cfg.thermal.thermal_radius_m),
                 k_psf_extent * d_cfg.optics.wavelength_m / d_cfg.optics.na) +
        d_row_m;
    for (int b = 0; b < nb; b++)
        d_beams[b].y_built = beam_y(b);
    for (int k = 0; k < num_layers(); k++) {
        auto& l = d_layers[k];
        l.act_off.clear();
        l.act_row.clear();
        l.act_gain.clear();
        l.act_light.clear();
        l.cache.clear();
        // a spare layer (claim 10) is colourable by its voltage but never
        // recorded: no beam writes it, it evolves in the dark everywhere
        if (l.volts == 0.0 || d_cfg.layers[k].spare)
            continue;
        std::vector<int64_t> offs;
        std::set<int> rows;
        for (int b = 0; b < nb; b++) {
            const auto& bs = d_beams[b];
            if (bs.focus != k)
                continue;
            for (int64_t j = -d_act_half; j <= d_act_half; j++)
                offs.push_back(bs.lead + j);
            for (int r = 0; r < d_rows; r++)
                if (d_rows == 1 || std::fabs(row_dy(r, bs.y_built)) <= act_rad)
                    rows.insert(r);
        }
        std::sort(offs.begin(), offs.end());
        // one offset per cell of the ring, in (-L, L)
        std::set<int64_t> seen;
        std::vector<int64_t> along;
        for (auto o : offs)
            if (seen.insert(wrap(o)).second)
                along.push_back(o % d_L);
        for (int r : rows)
            for (auto o : along) {
                l.act_off.push_back(o);
                l.act_row.push_back(static_cast<int64_t>(r) * d_L);
            }
        l.act_gain.resize(l.act_off.size() * nb);
        for (size_t j = 0; j < l.act_off.size(); j++) {
            const int r = static_cast<int>(l.act_row[j] / d_L);
            for (int b = 0; b < nb; b++)
                l.act_gain[j * nb + b] = gain(k,
                                              b,
                                              l.act_off[j] - d_beams[b].lead,
                                              row_dy(r, d_beams[b].y_built));
        }
        if (l.photo) {
            l.act_light.resize(l.act_off.size() * nb);
            for (size_t j = 0; j < l.act_off.size(); j++) {
                const int r = static_cast<int>(l.act_row[j] / d_L);
                for (int b = 0; b < nb; b++)
                    l.act_light[j * nb + b] = light_gain(k,
                                                         b,
                                                         l.act_off[j] - d_beams[b].lead,
                                                         row_dy(r, d_beams[b].y_built));
            }
        }
    }

    // Defocused footprints: radius |dz|*tan(asin(NA/n)).
    const double tan_theta =
        std::tan(std::asin(d_cfg.optics.na / d_cfg.optics.substrate_index));
    for (auto& b : d_beams) {
        b.win.assign(num_layers(), window());
        for (int m = 0; m < num_layers(); m++) {
            auto& w = b.win[m];
            if (m == b.focus) { // the tails of the focused spot
                w.half = d_tail_half;
                w.len = std::min<int64_t>(2 * w.half + 1, d_L);
                w.inv_len = 1.0 / static_cast<double>(w.len);
                w.weight = 1.0;
                continue;
            }
            const double rho = std::fabs(d_layers[m].z - d_layers[b.focus].z) * tan_theta;
            w.half = std::llround(rho / d_cell_m);
            w.len = std::min<int64_t>(2 * w.half + 1, d_L);
            w.inv_len = 1.0 / static_cast<double>(w.len);
            const double ratio = d_cfg.optics.detector_radius_m / (2.0 * rho);
            w.weight = rho > 0 ? std::min(1.0, ratio * ratio) : 1.0;
        }
    }
    // which active cells lie in which beam's window over their layer (both
    // move with the track position, so this is fixed until the next rebuild)
    for (int k = 0; k < num_layers(); k++) {
        auto& l = d_layers[k];
        l.act_win.clear();
        l.act_delta.assign(l.act_off.size(), 0.0);
        for (size_t j = 0; j < l.act_off.size(); j++)
            for (int b = 0; b < nb; b++) {
                const auto& w = d_beams[b].win[k];
                if (wrap(l.act_off[j] - (d_beams[b].lead - w.half)) < w.len)
                    l.act_win.emplace_back(static_cast<int>(j), b);
            }
    }
    refresh_windows();
}

void medium::refresh_windows(bool all)
{
    const double now = time_at(d_pos);
    if (all) {
        // re-anchor the column sums of layers under voltage before their
        // factors exp(kdark (t - q_epoch)) grow large
        for (auto& l : d_layers)
            if (l.kdark != 0.0 && l.kdark * (now - l.q_epoch) > 20.0) {
                const double e = std::exp(-l.kdark * (now - l.q_epoch));
                for (auto& v : l.q)
                    v *= e;
                l.q_epoch = now;
            }
        for (auto& b : d_beams)
            b.mix_first = -1;
    }
    for (auto& b : d_beams)
        for (int m = 0; m < num_layers(); m++) {
            auto& w = b.win[m];
            const auto& l = d_layers[m];
            w.off = wrap(b.lead - w.half);
            if (!all && l.kdark == 0.0)
                continue;
            double s = 0;
            int64_t idx = wrap(d_pos + b.lead - w.half);
            int64_t left = w.len;
            while (left > 0) {
                const int64_t run = std::min(left, d_L - idx);
                const double* q = l.q.data() + idx;
                for (int64_t j = 0; j < run; j++)
                    s += q[j];
                left -= run;
                idx = 0;
            }
            w.sum = s;
        }
    d_refresh = k_refresh_period;
    if (all)
        d_refresh_all = k_refresh_all;
}

// Moves every window one cell on (call before d_pos is advanced).
void medium::slide_windows()
{
    for (auto& b : d_beams)
        for (int m = 0; m < num_layers(); m++) {
            auto& w = b.win[m];
            if (w.len == d_L)
                continue;
            int64_t first = d_pos + w.off; // both in [0, L)
            if (first >= d_L)
                first -= d_L;
            int64_t next = first + w.len;
            if (next >= d_L)
                next -= d_L;
            const auto& q = d_layers[m].q;
            w.sum += q[next] - q[first];
        }
}

void medium::sweep(int layer)
{
    auto& l = d_layers[layer];
    const double now = time_at(d_pos);
    for (int64_t i = 0; i < d_L * d_rows; i++) {
        l.c[i] = current(l, i, now);
        l.t_last[i] = now;
    }
    recompute_q(layer);
}

void medium::set_layer_voltage(int layer, double volts)
{
    if (layer < 0 || layer >= num_layers())
        bad("layer = " + std::to_string(layer) + ": must be in 0.." +
            std::to_string(num_layers() - 1));
    if (!(std::fabs(volts) <= k_max_volts))
        bad("volts = " + num(volts) + ": must be in [-10, 10]");
    sweep(layer); // catch up under the old voltage
    apply_voltage(layer, volts);
    recompute_q(layer); // the column sums under the new voltage
    rebuild();
}

double medium::layer_voltage(int layer) const
{
    if (layer < 0 || layer >= num_layers())
        bad("layer = " + std::to_string(layer) + ": must be in 0.." +
            std::to_string(num_layers() - 1));
    return d_layers[layer].volts;
}

void medium::set_focus_layer(int beam, int layer)
{
    if (beam < 0 || beam >= num_beams())
        bad("beam = " + std::to_string(beam) + ": must be in 0.." +
            std::to_string(num_beams() - 1));
    if (layer < 0 || layer >= num_layers())
        bad("layer = " + std::to_string(layer) + ": must be in 0.." +
            std::to_string(num_layers() - 1));
    d_beams[beam].focus = layer;
    rebuild();
}

int medium::focus_layer(int beam) const
{
    if (beam < 0 || beam >= num_beams())
        bad("beam = " + std::to_string(beam) + ": must be in 0.." +
            std::to_string(num_beams() - 1));
    return d_beams[beam].focus;
}

void medium::set_noise_scale(double scale)
{
    if (!(scale >= 0.0 && scale <= 1e3))
        bad("noise_scale = " + num(scale) + ": must be in [0, 1000]");
    d_noise_scale = scale;
}

void medium::set_focus_offset(int beam, double metres)
{
    focus_layer(beam); // checks the beam
    if (!(std::fabs(metres) <= 1e-3))
        bad("focus_offset_m = " + num(metres) + ": must be in [-0.001, 0.001]");
    d_beams[beam].focus_off = metres;
}

double medium::focus_offset(int beam) const
{
    focus_layer(beam);
    return d_beams[beam].focus_off;
}

void medium::set_tracking_offset(int beam, double metres)
{
    focus_layer(beam);
    if (!(std::fabs(metres) <= 1e-3))
        bad("tracking_offset_m = " + num(metres) + ": must be in [-0.001, 0.001]");
    auto& b = d_beams[beam];
    if (metres == b.track_off)
        return;
    b.track_off = metres;
    if (d_rows == 1)
        return;
    update_read_rows(beam);
    // the heated cells follow the spot in steps of an eighth of a row
    if (std::fabs(beam_y(beam) - b.y_built) > 0.125 * d_row_m)
        for (const auto& l : d_layers)
            if (!l.act_off.empty()) {
                rebuild();
                break;
            }
}

void medium::set_track_offset(int beam, int tracks)
{
    focus_layer(beam);
    const int hi = std::min(3, band_tracks() - 1);
    if (tracks < 0 || tracks > hi)
        bad("track_offset = " + std::to_string(tracks) + ": must be in 0.." +
            std::to_string(hi) + " (claim 3: up to 3 tracks; the band of medium " +
            d_cfg.name + " has geometry.band_tracks = " + std::to_string(band_tracks()) +
            ")");
    d_beams[beam].track = tracks;
    update_read_rows(beam);
    rebuild();
}

int medium::track_offset(int beam) const
{
    focus_layer(beam);
    return d_beams[beam].track;
}

double medium::tracking_offset(int beam) const
{
    focus_layer(beam);
    return d_beams[beam].track_off;
}

double medium::focus_error_model(double dz) const
{
    const auto& o = d_cfg.optics;
    const double sigma0 = 0.21 * o.wavelength_m / o.na;
    const double theta = 0.5 * std::tan(std::asin(o.na / o.substrate_index));
    const double z0 = sigma0 / theta;
    const double s = o.astigmatism_m;
    const double rho = dz * s / (dz * dz + z0 * z0 + 0.25 * s * s);
    return (2.0 / k_pi) * std::asin(std::clamp(rho, -1.0, 1.0));
}

double medium::push_pull_amplitude(int layer) const
{
    if (layer < 0 || layer >= num_layers())
        bad("layer = " + std::to_string(layer) + ": must be in 0.." +
            std::to_string(num_layers() - 1));
    const auto& g = d_cfg.layers[layer].groove;
    if (!g.present)
        return 0.0;
    const auto& o = d_cfg.optics;
    const double q = o.wavelength_m / (d_cfg.format.track_pitch_m * o.na);
    const double h = 0.5 * q;
    const double overlap =
        h >= 1.0 ? 0.0 : (2.0 / k_pi) * (std::acos(h) - h * std::sqrt(1.0 - h * h));
    return std::sin(4.0 * k_pi * o.substrate_index * g.depth_m / o.wavelength_m) * overlap;
}

double medium::groove_displacement(int layer, double along) const
{
    if (layer < 0 || layer >= num_layers())
        bad("layer = " + std::to_string(layer) + ": must be in 0.." +
            std::to_string(num_layers() - 1));
    const auto& w = d_wobble[layer];
    if (!w)
        return 0.0;
    return d_cfg.layers[layer].groove.amplitude_m * w->sample(along);
}

double medium::along_bits(int beam) const
{
    return static_cast<double>(wrap(d_pos + lead_cells(beam))) / d_sps;
}

void medium::process_quadrants(const float* const* power_mw,
                               float* const* quad,
                               size_t n,
                               std::vector<std::pair<size_t, uint64_t>>* wraps)
{
    const int nb = num_beams();
    d_qsum.resize(nb);
    std::vector<float*> sp(nb);
    for (int b = 0; b < nb; b++) {
        if (d_qsum[b].size() < n)
            d_qsum[b].resize(n);
        sp[b] = d_qsum[b].data();
    }
    std::vector<int64_t> start(nb);
    for (int b = 0; b < nb; b++)
        start[b] = wrap(d_pos + d_beams[b].lead);
    process(power_mw, sp.data(), n, wraps);
    const double pitch = d_cfg.format.track_pitch_m;
    for (int b = 0; b < nb; b++) {
        const auto& bs = d_beams[b];
        const float f = static_cast<float>(focus_error_model(bs.focus_off));
        const double p0 = push_pull_amplitude(bs.focus);
        const auto& wob = d_wobble[bs.focus];
        const double amp = d_cfg.layers[bs.focus].groove.amplitude_m;
        const float* s = sp[b];
        float* qa = quad[4 * b];
        float* qb = quad[4 * b + 1];
        float* qc = quad[4 * b + 2];
        float* qd = quad[4 * b + 3];
        const float p_const =
            static_cast<float>(p0 * std::sin(2.0 * k_pi * bs.track_off / pitch));
        int64_t cell = start[b];
        for (size_t i = 0; i < n; i++) {
            float p = p_const;
            if (wob && p0 != 0.0) {
                const double w = amp * wob->sample(static_cast<double>(cell) / d_sps);
                p = static_cast<float>(p0 * std::sin(2.0 * k_pi * (bs.track_off - w) / pitch));
            }
            if (++cell == d_L)
                cell = 0;
            const float q = 0.25f * s[i];
            qa[i] = q * (1.0f + f + p);
            qb[i] = q * (1.0f - f - p);
            qc[i] = q * (1.0f + f - p);
            qd[i] = q * (1.0f - f + p);
        }
    }
}

double medium::state(int layer, int64_t cell) const
{
    if (layer < 0 || layer >= num_layers())
        bad("layer = " + std::to_string(layer) + ": must be in 0.." +
            std::to_string(num_layers() - 1));
    const double now = time_at(d_pos);
    const int64_t p = wrap(cell);
    double s = 0;
    for (int r = 0; r < d_rows; r++)
        s += current(d_layers[layer], static_cast<int64_t>(r) * d_L + p, now);
    return s * d_inv_rows;
}

double medium::state_at(int layer, int row, int64_t cell) const
{
    if (layer < 0 || layer >= num_layers())
        bad("layer = " + std::to_string(layer) + ": must be in 0.." +
            std::to_string(num_layers() - 1));
    if (row < 0 || row >= d_rows)
        bad("row = " + std::to_string(row) + ": must be in 0.." +
            std::to_string(d_rows - 1));
    return current(
        d_layers[layer], static_cast<int64_t>(row) * d_L + wrap(cell), time_at(d_pos));
}

void medium::set_state(int layer, int64_t first, int64_t count, double c)
{
    for (int t = 0; t < band_tracks(); t++)
        set_track_state(layer, t, first, count, c);
}

void medium::set_track_state(int layer, int track, int64_t first, int64_t count, double c)
{
    if (layer < 0 || layer >= num_layers())
        bad("layer = " + std::to_string(layer) + ": must be in 0.." +
            std::to_string(num_layers() - 1));
    if (track < 0 || track >= band_tracks())
        bad("track = " + std::to_string(track) + ": must be in 0.." +
            std::to_string(band_tracks() - 1));
    if (!(c >= 0.0 && c <= 1.0))
        bad("c = " + num(c) + ": must be in [0, 1]");
    auto& l = d_layers[layer];
    const double now = time_at(d_pos);
    const int rs = radial_samples();
    for (int r = track * rs; r < (track + 1) * rs; r++) {
        double* cr = l.c.data() + static_cast<int64_t>(r) * d_L;
        double* tr = l.t_last.data() + static_cast<int64_t>(r) * d_L;
        for (int64_t i = 0; i < std::min(count, d_L); i++) {
            const int64_t idx = wrap(first + i);
            cr[idx] = c;
            tr[idx] = now;
        }
    }
    // the column sums and the windows are brought up to date lazily, at the
    // next process() (setting many runs one by one stays cheap)
    l.q_dirty = true;
    d_dirty = true;
}

double medium::mean_state(int layer) const
{
    if (layer < 0 || layer >= num_layers())
        bad("layer = " + std::to_string(layer) + ": must be in 0.." +
            std::to_string(num_layers() - 1));
    const auto& l = d_layers[layer];
    const double now = time_at(d_pos);
    double s = 0;
    for (int64_t i = 0; i < d_L * d_rows; i++)
        s += current(l, i, now);
    return s / static_cast<double>(d_L * d_rows);
}

double medium::kappa(int layer, double temperature_k, double light_mw) const
{
    const auto& l = d_layers.at(layer);
    const double t0 = d_cfg.thermal.ambient_k;
    const double arr = std::exp(l.ea_over_kb * (1.0 / t0 - 1.0 / temperature_k));
    if (!l.photo && !l.phase)
        return l.kdark * arr;
    return l.kvolt * photo_factor(layer, light_mw) * phase_factor(layer, temperature_k) *
           arr;
}

double medium::photo_factor(int layer, double light_mw) const
{
    const auto& l = d_layers.at(layer);
    if (!l.photo)
        return 1.0;
    const double i = std::max(light_mw, 0.0);
    return l.pc_f + (1.0 - l.pc_f) * i / (i + l.pc_psat);
}

double medium::phase_factor(int layer, double temperature_k) const
{
    const auto& l = d_layers.at(layer);
    return l.phase && temperature_k > l.pc_tc ? l.pc_g : 1.0;
}

double
medium::light_mw(int layer, int64_t offset, const std::vector<double>& power_mw) const
{
    if (layer < 0 || layer >= num_layers())
        bad("layer = " + std::to_string(layer) + ": must be in 0.." +
            std::to_string(num_layers() - 1));
    double i = 0;
    for (int b = 0; b < num_beams() && b < static_cast<int>(power_mw.size()); b++)
        i += std::max(power_mw[b], 0.0) * light_gain(layer, b, offset - d_beams[b].lead);
    return i;
}

namespace {
//! kappa ratio from the Arrhenius ratio and the phase-change factors
double with_phase(double arrhenius, double pf_off, double pf_on)
{
    if (pf_off == pf_on)
        return arrhenius;
    if (pf_off == 0.0)
        return std::numeric_limits<double>::infinity();
    return arrhenius * pf_on / pf_off;
}
} // namespace

double medium::arrhenius_ratio(int layer, double t_low, double t_high) const
{
    return std::exp(d_layers.at(layer).ea_over_kb * (1.0 / t_low - 1.0 / t_high));
}

double
medium::temperature(int layer, int64_t offset, const std::vector<double>& power_mw) const
{
    double t = d_cfg.thermal.ambient_k;
    for (int b = 0; b < num_beams() && b < static_cast<int>(power_mw.size()); b++)
        t += power_mw[b] * gain(layer, b, offset - d_beams[b].lead);
    return t;
}

int medium::recording_beam() const
{
    for (int b = 0; b < num_beams(); b++)
        if (d_layers[d_beams[b].focus].volts != 0.0)
            return b;
    return num_beams() - 1;
}

double medium::assist_speedup(double p_record_mw, double p_assist_mw) const
{
    const int r = recording_beam();
    const int layer = d_beams[r].focus;
    std::vector<double> on(num_beams(), p_assist_mw), off(num_beams(), 0.0);
    on[r] = off[r] = p_record_mw;
    const int64_t x = d_beams[r].lead;
    const double t_off = temperature(layer, x, off), t_on = temperature(layer, x, on);
    return with_phase(arrhenius_ratio(layer, t_off, t_on),
                      phase_factor(layer, t_off),
                      phase_factor(layer, t_on));
}

double medium::assist_speedup_for(int layer,
                                  int assist_layer,
                                  bool colouring,
                                  double p_record_mw,
                                  double p_assist_mw) const
{
    const int n = num_layers();
    if (layer < 0 || layer >= n)
        bad("layer = " + std::to_string(layer) + ": must be in 0.." +
            std::to_string(n - 1));
    if (assist_layer < 0 || assist_layer >= n)
        bad("assist_layer = " + std::to_string(assist_layer) + ": must be in 0.." +
            std::to_string(n - 1));
    if (!(p_record_mw >= 0) || !(p_assist_mw >= 0))
        bad("power = " + num(std::min(p_record_mw, p_assist_mw)) + ": must be >= 0");
    if (!d_derived && std::abs(assist_layer - layer) != 1)
        return 1.0; // no heat reaches a layer beyond the adjacent ones
    if (assist_layer == layer)
        return 1.0;
    const auto& th = d_cfg.thermal;
    const auto& la = d_cfg.laser_array;
    // the leading beam (array entry 0) assists the last one, which records
    const double lead =
        la.size() > 1 ? static_cast<double>(std::llround(la.front().along_track_m / d_cell_m) -
                                            std::llround(la.back().along_track_m / d_cell_m)) *
                            d_cell_m
                      : 0.0;
    // at the recording spot's centre; the assist beam is lead ahead of it
    const double t_off = th.ambient_k + p_record_mw * rise_per_mw(layer, layer, 0.0, 0.0, colouring);
    const double t_on =
        t_off + p_assist_mw * rise_per_mw(layer, assist_layer, -lead, 0.0, colouring);
    return with_phase(arrhenius_ratio(layer, t_off, t_on),
                      phase_factor(layer, t_off),
                      phase_factor(layer, t_on));
}

double medium::edge_error(int layer, int64_t bit) const
{
    // a standard normal deviate from a hash of (seed, layer, bit): splitmix64
    // and Box-Muller
    auto mix = [](uint64_t z) {
        z += 0x9e3779b97f4a7c15ull;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return z ^ (z >> 31);
    };
    const uint64_t h1 = mix(d_seed ^ mix(static_cast<uint64_t>(layer) * 0x100000001b3ull ^
                                         mix(static_cast<uint64_t>(bit))));
    const uint64_t h2 = mix(h1);
    const double u1 = ((h1 >> 11) + 0.5) * 0x1.0p-53;
    const double u2 = (h2 >> 11) * 0x1.0p-53;
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * k_pi * u2);
}

bool medium::spare(int layer) const
{
    if (layer < 0 || layer >= num_layers())
        bad("layer = " + std::to_string(layer) + ": must be in 0.." +
            std::to_string(num_layers() - 1));
    return d_cfg.layers[layer].spare;
}

double medium::crosstalk_db(int layer) const
{
    const int n = num_layers();
    if (layer < 0 || layer >= n)
        bad("layer = " + std::to_string(layer) + ": must be in 0.." +
            std::to_string(n - 1));
    if (n == 1)
        return -std::numeric_limits<double>::infinity();
    // A noiseless copy of the medium with no voltage, one beam focused on
    // the layer, on a track long enough for the widest defocused footprint.
    int64_t widest = 1;
    const double tan_theta =
        std::tan(std::asin(d_cfg.optics.na / d_cfg.optics.substrate_index));
    for (int k = 0; k < n; k++)
        widest = std::max<int64_t>(
            widest,
            std::llround(std::fabs(d_layers[k].z - d_layers[layer].z) * tan_theta /
                         d_cfg.format.channel_bit_m));
    const double circ_bits =
        2.0 * k_pi * d_cfg.format.radius_m / d_cfg.format.channel_bit_m;
    const int64_t bits = std::min<int64_t>(std::max<int64_t>(8192, 16 * widest),
                                           static_cast<int64_t>(circ_bits) - 1);
    auto read = [&](medium& m) {
        const size_t len = static_cast<size_t>(m.cells());
        std::vector<float> pw(len, 1.0f), sig(len);
        const float* ip = pw.data();
        float* op = sig.data();
        m.process(&ip, &op, len);
        m.process(&ip, &op, len); // second pass: every window settled
        return sig;
    };
    // own modulation: a long mark against a long space on the layer
    medium own(d_cfg, d_sps, bits, { layer }, {}, 1);
    own.set_noise_scale(0);
    own.set_state(layer, 0, own.cells() / 2, 1.0);
    const auto so = read(own);
    const double own_swing = std::fabs(so[own.cells() / 4] - so[3 * own.cells() / 4]);
    // crosstalk: every other layer in turn fully recorded with random marks
    // and spaces of 2..8 channel bits (the run lengths of RLL(1,7)), the
    // focused layer blank; peak-to-peak of the detector signal
    double worst = 0;
    for (int k = 0; k < n; k++) {
        if (k == layer)
            continue;
        medium x(d_cfg, d_sps, bits, { layer }, {}, 1);
        x.set_noise_scale(0);
        // each track of the band its own pattern (a defocused spot averages
        // over the tracks it covers)
        for (int t = 0; t < band_tracks(); t++) {
            uint64_t r = 0x9e3779b97f4a7c15ull * (k + 1) + 0x632be59bd9b4e019ull * t;
            bool mark = false;
            for (int64_t pos = 0; pos < bits;) {
                r ^= r << 13;
                r ^= r >> 7;
                r ^= r << 17;
                const int64_t run =
                    std::min<int64_t>(2 + static_cast<int64_t>(r % 7), bits - pos);
                if (mark)
                    x.set_track_state(k, t, pos * d_sps, run * d_sps, 1.0);
                mark = !mark;
                pos += run;
            }
        }
        const auto sx = read(x);
        const auto mm = std::minmax_element(sx.begin(), sx.end());
        worst = std::max(worst, static_cast<double>(*mm.second - *mm.first));
    }
    if (own_swing <= 0)
        return std::numeric_limits<double>::infinity();
    return 20.0 * std::log10(std::max(worst, 1e-300) / own_swing);
}

medium::gauss::gauss(uint64_t seed)
{
    // splitmix64 seeding
    uint64_t z = seed;
    for (auto& s : d_s) {
        z += 0x9e3779b97f4a7c15ull;
        uint64_t x = z;
        x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
        x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
        s = x ^ (x >> 31);
    }
}

uint64_t medium::gauss::next()
{
    const uint64_t r = d_s[0] + d_s[3];
    const uint64_t t = d_s[1] << 17;
    d_s[2] ^= d_s[0];
    d_s[3] ^= d_s[1];
    d_s[1] ^= d_s[2];
    d_s[0] ^= d_s[3];
    d_s[2] ^= t;
    d_s[3] = (d_s[3] << 45) | (d_s[3] >> 19);
    return r;
}

namespace {

//! Tables of the Marsaglia-Tsang ziggurat for the standard normal (128
//! strips; "The Ziggurat Method for Generating Random Variables", 2000).
struct ziggurat_tables {
    uint32_t kn[128];
    double wn[128], fn[128];
    ziggurat_tables()
    {
        const double m1 = 2147483648.0;
        double dn = 3.442619855899, tn = dn;
        const double vn = 9.91256303526217e-3;
        const double q = vn / std::exp(-0.5 * dn * dn);
        kn[0] = static_cast<uint32_t>((dn / q) * m1);
        kn[1] = 0;
        wn[0] = q / m1;
        wn[127] = dn / m1;
        fn[0] = 1.0;
        fn[127] = std::exp(-0.5 * dn * dn);
        for (int i = 126; i >= 1; i--) {
            dn = std::sqrt(-2.0 * std::log(vn / dn + std::exp(-0.5 * dn * dn)));
            kn[i + 1] = static_cast<uint32_t>((dn / tn) * m1);
            tn = dn;
            fn[i] = std::exp(-0.5 * dn * dn);
            wn[i] = dn / m1;
        }
    }
};

const ziggurat_tables& zig()
{
    static const ziggurat_tables t;
    return t;
}

} // namespace

double medium::gauss::operator()()
{
    // Ziggurat: one 64-bit draw gives the strip (bits 11..17) and a signed
    // 32-bit abscissa (high 32 bits); ~99 % of deviates need nothing more.
    const auto& z = zig();
    constexpr double r = 3.442619855899; // start of the tail
    auto uni = [this] { return ((next() >> 11) + 0.5) * 0x1.0p-53; }; // (0, 1)
    for (;;) {
        const uint64_t u = next();
        const int32_t hz = static_cast<int32_t>(static_cast<uint32_t>(u >> 32));
        const int iz = static_cast<int>((u >> 11) & 127); // not the weak low bits
        const uint32_t ahz =
            hz < 0 ? static_cast<uint32_t>(-static_cast<int64_t>(hz)) : static_cast<uint32_t>(hz);
        const double x = hz * z.wn[iz];
        if (ahz < z.kn[iz])
            return x;
        if (iz == 0) { // the tail beyond r (Marsaglia's method)
            double xt, yt;
            do {
                xt = -std::log(uni()) / r;
                yt = -std::log(uni());
            } while (yt + yt < xt * xt);
            return hz > 0 ? r + xt : -r - xt;
        }
        if (z.fn[iz] + uni() * (z.fn[iz - 1] - z.fn[iz]) < std::exp(-0.5 * x * x))
            return x;
    }
}

const std::vector<double>& medium::decays(layer_state& l, const float* p)
{
    const int nb = num_beams();
    std::array<float, 4> key{ 0, 0, 0, 0 };
    for (int b = 0; b < nb; b++)
        key[b] = std::max(p[b], 0.0f);
    ++l.cache_clock;
    for (auto& e : l.cache)
        if (e.key == key) {
            e.used = l.cache_clock;
            return e.decay;
        }
    // compute into a new entry, or over the least recently used of 4
    layer_state::decay_entry* e;
    if (l.cache.size() < 4) {
        l.cache.emplace_back();
        e = &l.cache.back();
    } else {
        e = &*std::min_element(
            l.cache.begin(), l.cache.end(), [](const auto& a, const auto& b) {
                return a.used < b.used;
            });
    }
    e->key = key;
    e->used = l.cache_clock;
    const size_t na = l.act_off.size();
    const double t_amb = d_cfg.thermal.ambient_k;
    e->decay.resize(na);
    const bool sub = l.photo || l.phase;
    for (size_t j = 0; j < na; j++) {
        double t = t_amb;
        for (int b = 0; b < nb; b++)
            t += l.act_gain[j * nb + b] * key[b];
        double kap;
        if (!sub) {
            kap = l.kdark * std::exp(l.ea_over_kb * (1.0 / t_amb - 1.0 / t));
        } else {
            kap = l.kvolt * std::exp(l.ea_over_kb * (1.0 / t_amb - 1.0 / t));
            if (l.photo) { // claim 12: the field reaches the film where lit
                double i = 0;
                for (int b = 0; b < nb; b++)
                    i += l.act_light[j * nb + b] * key[b];
                kap *= l.pc_f + (1.0 - l.pc_f) * i / (i + l.pc_psat);
            }
            if (l.phase && t > l.pc_tc) // claim 11: switched above T_c
                kap *= l.pc_g;
        }
        e->decay[j] = std::exp(-kap * d_dt);
    }
    return e->decay;
}

double medium::focused_rows(int beam, int64_t first)
{
    // the focused read over the rows of the band: the along-track PSF over
    // columns weighted across the track (read_w over read_row); the
    // weighted columns are kept in a sliding buffer while the focus layer
    // is not being written (its stored states are then exact and fixed)
    auto& b = d_beams[beam];
    const auto& l = d_layers[b.focus];
    const size_t np = d_psf.size();
    const size_t nr = b.read_row.size();
    const double* c = l.c.data();
    auto column = [&](int64_t col) {
        double v = 0;
        for (size_t r = 0; r < nr; r++)
            v += b.read_w[r] * c[b.read_row[r] + col];
        return v;
    };
    const int64_t fw = wrap(first);
    const bool live = !l.act_off.empty();
    if (!live && b.mix_first == fw) {
        // the same place (nothing moved)
    } else if (!live && b.mix_first >= 0 && wrap(b.mix_first + 1) == fw) {
        if (b.mix_s + np >= b.mix.size()) {
            std::copy(b.mix.begin() + b.mix_s + 1, b.mix.begin() + b.mix_s + np, b.mix.begin());
            b.mix_s = 0;
        } else {
            b.mix_s++;
        }
        b.mix[b.mix_s + np - 1] = column(wrap(fw + static_cast<int64_t>(np) - 1));
    } else {
        b.mix_s = 0;
        for (size_t j = 0; j < np; j++)
            b.mix[j] = column(wrap(fw + static_cast<int64_t>(j)));
    }
    b.mix_first = live ? -1 : fw;
    const double* w = d_psf.data();
    const double* mx = b.mix.data() + b.mix_s;
    double a0 = 0, a1 = 0;
    size_t j = 0;
    for (; j + 2 <= np; j += 2) {
        a0 += w[j] * mx[j];
        a1 += w[j + 1] * mx[j + 1];
    }
    for (; j < np; j++)
        a0 += w[j] * mx[j];
    return a0 + a1;
}

void medium::process(const float* const* power_mw,
                     float* const* signal,
                     size_t n,
                     std::vector<std::pair<size_t, uint64_t>>* wraps)
{
    const int nb = num_beams();
    const int nl = num_layers();
    const double ns2 = d_noise_scale * d_noise_scale;
    const double rin2 = d_cfg.noise.rin_sigma * d_cfg.noise.rin_sigma * ns2;
    const double amp2 = d_cfg.noise.amplifier_sigma * d_cfg.noise.amplifier_sigma * ns2;
    const double shot2 = d_cfg.noise.shot_sigma * d_cfg.noise.shot_sigma * ns2;
    const double edge = d_cfg.noise.edge_jitter_m / d_cell_m * d_noise_scale;
    float p[4];
    if (d_dirty) { // cells were set: column sums and windows
        for (int k = 0; k < nl; k++)
            if (d_layers[k].q_dirty)
                recompute_q(k);
        refresh_windows();
        d_dirty = false;
    }
    d_qe.resize(nl);

    for (size_t i = 0; i < n; i++) {
        if (d_pos == 0 && d_rev > 0 && wraps)
            wraps->emplace_back(i, d_rev);
        const double t0 = time_at(d_pos);
        const double t1 = time_at(d_pos + 1);
        for (int b = 0; b < nb; b++) {
            p[b] = power_mw[b][i];
            if (p[b] > d_max_power[b])
                d_max_power[b] = p[b];
        }

        // 1. light and heat on the layers under voltage
        for (int k = 0; k < nl; k++) {
            auto& l = d_layers[k];
            d_qe[k] = q_decay(l, t0);
            if (l.act_off.empty())
                continue;
            const size_t na = l.act_off.size();
            const double* decay = decays(l, p).data();
            double* c = l.c.data();
            double* tl = l.t_last.data();
            double* q = l.q.data();
            const double cinf = l.cinf;
            // column sums of a layer with dark evolution carry
            // (c - cinf) exp(kdark (t - q_epoch)) per cell
            const bool dark = l.kdark != 0.0;
            const double a0 = dark ? 1.0 / d_qe[k] : 1.0;
            const double a1 = dark ? 1.0 / q_decay(l, t1) : 1.0;
            for (size_t j = 0; j < na; j++) {
                int64_t col = d_pos + l.act_off[j];
                if (col >= d_L)
                    col -= d_L;
                else if (col < 0)
                    col += d_L;
                const int64_t idx = l.act_row[j] + col;
                double cv = c[idx];
                if (tl[idx] != t0)
                    cv = evolve_dark(l, cv, t0 - tl[idx]);
                const double nv = cinf + (cv - cinf) * decay[j];
                const double dq = dark ? (nv - cinf) * a1 - (cv - cinf) * a0 : nv - cv;
                q[col] += dq;
                l.act_delta[j] = dq;
                c[idx] = nv;
                tl[idx] = t1;
            }
            // keep the running sums of the windows over these cells exact
            for (const auto& [j, b] : l.act_win)
                d_beams[b].win[k].sum += l.act_delta[j];
        }

        // 2. optics
        for (int b = 0; b < nb; b++) {
            auto& bs = d_beams[b];
            const int f = bs.focus;
            const double* cf = d_layers[f].c.data();
            double m = 0;
            const int64_t first = d_pos + bs.lead - d_psf_half;
            const int64_t np = static_cast<int64_t>(d_psf.size());
            if (d_rows > 1) {
                m = focused_rows(b, first);
            } else if (first >= 0 && first + np <= d_L) {
                // four partial sums: independent chains the compiler can
                // keep in vector registers
                const double* w = d_psf.data();
                const double* cc = cf + first;
                double a0 = 0, a1 = 0, a2 = 0, a3 = 0;
                int64_t j = 0;
                for (; j + 4 <= np; j += 4) {
                    a0 += w[j] * cc[j];
                    a1 += w[j + 1] * cc[j + 1];
                    a2 += w[j + 2] * cc[j + 2];
                    a3 += w[j + 3] * cc[j + 3];
                }
                for (; j < np; j++)
                    a0 += w[j] * cc[j];
                m = (a0 + a1) + (a2 + a3);
            } else {
                for (int64_t j = 0; j < np; j++)
                    m += d_psf[j] * cf[wrap(first + j)];
            }
            m += d_psf_tail * window_mean(d_layers[f], bs.win[f], d_qe[f]);
            double s = 0, a = 1, a_f = 1;
            for (int k = 0; k < nl; k++) {
                const auto& l = d_layers[k];
                double w = 1.0, mc = m;
                if (k != f) {
                    w = bs.win[k].weight;
                    mc = window_mean(l, bs.win[k], d_qe[k]);
                } else {
                    a_f = a;
                }
                s += a * w * (l.rb + l.dr * mc);
                const double t = l.tb + l.dt * mc;
                a *= t * t;
            }
            const double pw = std::max(p[b], 0.0f);
            double out = pw * s;
            // mark-edge media noise: the focused signal's slope (per cell)
            // times the edge position error of the channel bit under the
            // spot, a property of the medium (the same on every pass)
            const double slope = pw * a_f * d_layers[f].dr * (m - d_prev_m[b]);
            d_prev_m[b] = m;
            if (edge != 0.0 && slope != 0.0) {
                int64_t x = d_pos + bs.lead;
                if (x >= d_L || x < 0) {
                    x %= d_L;
                    if (x < 0)
                        x += d_L;
                }
                // (another track of the band: other edges)
                const int64_t bit = x / d_sps + (static_cast<int64_t>(bs.track) << 40);
                if (bit != d_edge_bit[b] || f != d_edge_layer[b]) { // once per bit
                    d_edge_bit[b] = bit;
                    d_edge_layer[b] = f;
                    d_edge_dev[b] = edge_error(f, bit);
                }
                out += slope * edge * d_edge_dev[b];
            }
            // the other noise terms are independent zero-mean Gaussians: one
            // deviate of their summed variance, RIN (out*rin)^2, shot
            // shot^2*out, amplifier amp^2
            const double var = out * out * rin2 + shot2 * std::max(out, 0.0) + amp2;
            if (var > 0)
                out += std::sqrt(var) * d_gauss();
            signal[b][i] = static_cast<float>(out);
        }

        // 3. advance: slide the running sums; recompute them now and then
        // (the windows over layers under voltage often: their cells evolve
        // in the dark; the others, exact up to rounding, rarely), and all of
        // them at each new revolution (the clock jumps by the rest of it)
        slide_windows();
        ++d_pos;
        if (d_pos == d_L) {
            d_pos = 0;
            ++d_rev;
            refresh_windows(true);
        } else if (--d_refresh <= 0) {
            refresh_windows(--d_refresh_all <= 0);
        }
    }
}

} // namespace ecdisc
