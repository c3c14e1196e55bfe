/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "medium.h"
#include <algorithm>
#include <cmath>
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
constexpr double k_max_state_bytes = 4.0 * (1 << 30); // cap on the cell state

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
    : d_cfg(config), d_sps(sps), d_gauss(seed)
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
    // Two doubles (state, time last touched) per cell per layer.
    const double state_bytes = 16.0 * static_cast<double>(track_bits) * sps * n_layers;
    if (state_bytes > k_max_state_bytes)
        bad("track_bits = " + std::to_string(track_bits) +
            ": with sps = " + std::to_string(sps) + " and " + std::to_string(n_layers) +
            " layers the medium state would take " + num(state_bytes / (1 << 30)) +
            " GiB; at most " + num(k_max_state_bytes / (1 << 30)) +
            " GiB (track_bits * sps * layers <= " +
            std::to_string(static_cast<int64_t>(k_max_state_bytes / 16)) + ")");
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
        l.c.assign(d_L, 0.0);
        l.t_last.assign(d_L, 0.0);
        l.volts = layer_voltages.empty() ? 0.0 : layer_voltages[k];
        l.kdark = l.rate_per_v * std::fabs(l.volts);
        l.cinf = l.volts < 0 ? 0.0 : 1.0;
    }

    // Focused PSF: Gaussian of FWHM 0.51*lambda/NA, truncated at +-3 sigma.
    const double sigma_opt = 0.51 * d_cfg.optics.wavelength_m / d_cfg.optics.na / 2.355;
    const double so = sigma_opt / d_cell_m;
    d_psf_half = static_cast<int64_t>(std::floor(3.0 * so));
    d_psf.resize(2 * d_psf_half + 1);
    double wsum = 0;
    for (int64_t j = -d_psf_half; j <= d_psf_half; j++)
        wsum += d_psf[j + d_psf_half] = std::exp(-0.5 * j * j / (so * so));
    for (auto& w : d_psf)
        w /= wsum;
    // Active (light and heat) window: +-3 sigma_th, and at least the PSF so
    // that a focused read sees up-to-date cells.
    d_act_half = std::max<int64_t>(
        static_cast<int64_t>(std::ceil(3.0 * th.thermal_radius_m / d_cell_m)),
        d_psf_half);

    d_beams.resize(focus_layers.size());
    for (size_t b = 0; b < focus_layers.size(); b++) {
        d_beams[b].focus = focus_layers[b];
        d_beams[b].lead = std::llround(d_cfg.laser_array[b].along_track_m / d_cell_m);
    }
    d_max_power.assign(d_beams.size(), 0.0);
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

double medium::gain(int layer, int beam, int64_t dist) const
{
    // nearest image on the ring
    int64_t d = wrap(dist);
    if (d > d_L / 2)
        d -= d_L;
    const double x = d * d_cell_m;
    const auto& th = d_cfg.thermal;
    const int f = d_beams[beam].focus;
    if (f == layer)
        return th.heating_k_per_mw *
               std::exp(-x * x / (2.0 * th.thermal_radius_m * th.thermal_radius_m));
    if (std::abs(f - layer) == 1)
        return th.neighbour_k_per_mw *
               std::exp(-x * x / (2.0 * th.neighbour_radius_m * th.neighbour_radius_m));
    return 0.0;
}

void medium::rebuild()
{
    const int nb = num_beams();
    for (int k = 0; k < num_layers(); k++) {
        auto& l = d_layers[k];
        l.act_off.clear();
        l.act_gain.clear();
        l.cache.clear();
        if (l.volts == 0.0)
            continue;
        std::vector<int64_t> offs;
        for (const auto& b : d_beams)
            if (b.focus == k)
                for (int64_t j = -d_act_half; j <= d_act_half; j++)
                    offs.push_back(b.lead + j);
        std::sort(offs.begin(), offs.end());
        // one offset per cell of the ring, in (-L, L)
        std::set<int64_t> seen;
        for (auto o : offs)
            if (seen.insert(wrap(o)).second)
                l.act_off.push_back(o % d_L);
        l.act_gain.resize(l.act_off.size() * nb);
        for (size_t j = 0; j < l.act_off.size(); j++)
            for (int b = 0; b < nb; b++)
                l.act_gain[j * nb + b] = gain(k, b, l.act_off[j] - d_beams[b].lead);
    }

    // Defocused footprints: radius |dz|*tan(asin(NA/n)).
    const double tan_theta =
        std::tan(std::asin(d_cfg.optics.na / d_cfg.optics.substrate_index));
    for (auto& b : d_beams) {
        b.win.assign(num_layers(), window());
        for (int m = 0; m < num_layers(); m++) {
            if (m == b.focus)
                continue;
            auto& w = b.win[m];
            const double rho = std::fabs(d_layers[m].z - d_layers[b.focus].z) * tan_theta;
            w.half = std::llround(rho / d_cell_m);
            w.len = std::min<int64_t>(2 * w.half + 1, d_L);
            const double ratio = d_cfg.optics.detector_radius_m / (2.0 * rho);
            w.weight = rho > 0 ? std::min(1.0, ratio * ratio) : 1.0;
        }
    }
    refresh_windows();
}

void medium::refresh_windows()
{
    const double now = time_at(d_pos);
    for (auto& b : d_beams)
        for (int m = 0; m < num_layers(); m++) {
            if (m == b.focus)
                continue;
            auto& w = b.win[m];
            const auto& l = d_layers[m];
            double s = 0;
            int64_t idx = wrap(d_pos + b.lead - w.half);
            int64_t left = w.len;
            while (left > 0) {
                const int64_t run = std::min(left, d_L - idx);
                const double* c = l.c.data() + idx;
                if (l.kdark == 0.0) { // no voltage: the stored states are exact
                    for (int64_t j = 0; j < run; j++)
                        s += c[j];
                } else {
                    for (int64_t j = 0; j < run; j++)
                        s += current(l, idx + j, now);
                }
                left -= run;
                idx = 0;
            }
            w.sum = s;
        }
    d_refresh = k_refresh_period;
}

// Moves every window one cell on (call before d_pos is advanced).
void medium::slide_windows()
{
    for (auto& b : d_beams)
        for (int m = 0; m < num_layers(); m++) {
            if (m == b.focus)
                continue;
            auto& w = b.win[m];
            if (w.len == d_L)
                continue;
            const int64_t first = wrap(d_pos + b.lead - w.half);
            const int64_t next = wrap(first + w.len);
            w.sum += d_layers[m].c[next] - d_layers[m].c[first];
        }
}

void medium::sweep(int layer)
{
    auto& l = d_layers[layer];
    const double now = time_at(d_pos);
    for (int64_t i = 0; i < d_L; i++) {
        l.c[i] = current(l, i, now);
        l.t_last[i] = now;
    }
}

void medium::set_layer_voltage(int layer, double volts)
{
    if (layer < 0 || layer >= num_layers())
        bad("layer = " + std::to_string(layer) + ": must be in 0.." +
            std::to_string(num_layers() - 1));
    if (!(std::fabs(volts) <= k_max_volts))
        bad("volts = " + num(volts) + ": must be in [-10, 10]");
    sweep(layer); // catch up under the old voltage
    auto& l = d_layers[layer];
    l.volts = volts;
    l.kdark = l.rate_per_v * std::fabs(volts);
    l.cinf = volts < 0 ? 0.0 : 1.0;
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

double medium::state(int layer, int64_t cell) const
{
    if (layer < 0 || layer >= num_layers())
        bad("layer = " + std::to_string(layer) + ": must be in 0.." +
            std::to_string(num_layers() - 1));
    return current(d_layers[layer], wrap(cell), time_at(d_pos));
}

void medium::set_state(int layer, int64_t first, int64_t count, double c)
{
    if (layer < 0 || layer >= num_layers())
        bad("layer = " + std::to_string(layer) + ": must be in 0.." +
            std::to_string(num_layers() - 1));
    if (!(c >= 0.0 && c <= 1.0))
        bad("c = " + num(c) + ": must be in [0, 1]");
    auto& l = d_layers[layer];
    const double now = time_at(d_pos);
    for (int64_t i = 0; i < std::min(count, d_L); i++) {
        const int64_t idx = wrap(first + i);
        l.c[idx] = c;
        l.t_last[idx] = now;
    }
    refresh_windows();
}

double medium::mean_state(int layer) const
{
    if (layer < 0 || layer >= num_layers())
        bad("layer = " + std::to_string(layer) + ": must be in 0.." +
            std::to_string(num_layers() - 1));
    const auto& l = d_layers[layer];
    const double now = time_at(d_pos);
    double s = 0;
    for (int64_t i = 0; i < d_L; i++)
        s += current(l, i, now);
    return s / static_cast<double>(d_L);
}

double medium::kappa(int layer, double temperature_k) const
{
    const auto& l = d_layers.at(layer);
    const double t0 = d_cfg.thermal.ambient_k;
    return l.kdark * std::exp(l.ea_over_kb * (1.0 / t0 - 1.0 / temperature_k));
}

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
    return arrhenius_ratio(layer, temperature(layer, x, off), temperature(layer, x, on));
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

double medium::gauss::operator()()
{
    if (d_has_spare) {
        d_has_spare = false;
        return d_spare;
    }
    double u, v, s;
    do {
        u = (next() >> 11) * 0x1.0p-52 - 1.0; // uniform in [-1, 1)
        v = (next() >> 11) * 0x1.0p-52 - 1.0;
        s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    const double f = std::sqrt(-2.0 * std::log(s) / s);
    d_spare = v * f;
    d_has_spare = true;
    return u * f;
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
    for (size_t j = 0; j < na; j++) {
        double t = t_amb;
        for (int b = 0; b < nb; b++)
            t += l.act_gain[j * nb + b] * key[b];
        const double kap = l.kdark * std::exp(l.ea_over_kb * (1.0 / t_amb - 1.0 / t));
        e->decay[j] = std::exp(-kap * d_dt);
    }
    return e->decay;
}

void medium::process(const float* const* power_mw,
                     float* const* signal,
                     size_t n,
                     std::vector<std::pair<size_t, uint64_t>>* wraps)
{
    const int nb = num_beams();
    const int nl = num_layers();
    const double rin = d_cfg.noise.rin_sigma * d_noise_scale;
    const double amp = d_cfg.noise.amplifier_sigma * d_noise_scale;
    float p[4];

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
            if (l.act_off.empty())
                continue;
            const size_t na = l.act_off.size();
            const double* decay = decays(l, p).data();
            double* c = l.c.data();
            double* tl = l.t_last.data();
            const double cinf = l.cinf;
            for (size_t j = 0; j < na; j++) {
                int64_t idx = d_pos + l.act_off[j];
                if (idx >= d_L)
                    idx -= d_L;
                else if (idx < 0)
                    idx += d_L;
                double cv = c[idx];
                if (tl[idx] != t0)
                    cv = evolve_dark(l, cv, t0 - tl[idx]);
                c[idx] = cinf + (cv - cinf) * decay[j];
                tl[idx] = t1;
            }
        }

        // 2. optics
        for (int b = 0; b < nb; b++) {
            const auto& bs = d_beams[b];
            const int f = bs.focus;
            const double* cf = d_layers[f].c.data();
            double m = 0;
            const int64_t first = d_pos + bs.lead - d_psf_half;
            const int64_t np = static_cast<int64_t>(d_psf.size());
            if (first >= 0 && first + np <= d_L) {
                for (int64_t j = 0; j < np; j++)
                    m += d_psf[j] * cf[first + j];
            } else {
                for (int64_t j = 0; j < np; j++)
                    m += d_psf[j] * cf[wrap(first + j)];
            }
            double s = 0, a = 1;
            for (int k = 0; k < nl; k++) {
                const auto& l = d_layers[k];
                double w = 1.0, mc = m;
                if (k != f) {
                    w = bs.win[k].weight;
                    mc = bs.win[k].sum / static_cast<double>(bs.win[k].len);
                }
                s += a * w * (l.rb + l.dr * mc);
                const double t = l.tb + l.dt * mc;
                a *= t * t;
            }
            double out = std::max(p[b], 0.0f) * s;
            if (rin > 0)
                out *= 1.0 + rin * d_gauss();
            if (amp > 0)
                out += amp * d_gauss();
            signal[b][i] = static_cast<float>(out);
        }

        // 3. advance
        if (--d_refresh <= 0) {
            ++d_pos;
            if (d_pos == d_L) {
                d_pos = 0;
                ++d_rev;
            }
            refresh_windows();
        } else {
            slide_windows();
            ++d_pos;
            if (d_pos == d_L) {
                d_pos = 0;
                ++d_rev;
            }
        }
    }
}

} // namespace ecdisc
