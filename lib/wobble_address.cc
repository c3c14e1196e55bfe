/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "wobble_address.h"
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace ecdisc {

namespace {
constexpr double k_two_pi = 6.283185307179586476925286766559;
constexpr double k_acq_bw = 0.03; // PLL noise bandwidth while unlocked, of the wobble rate
constexpr double k_lock_on = 0.2;  // lock indicator thresholds (see the header)
constexpr double k_lock_off = 0.1;
// wobble-boundary ambiguity: the NCO is turned by half a cycle when the
// half-cycle-shifted correlation exceeds the aligned one by this factor
constexpr double k_flip_ratio = 1.02;
constexpr int k_flip_hold = 64; // wobbles between turns (running means settle)
// least data-unit structure (see unit_structure) of a word-sync candidate
constexpr double k_min_structure = 0.35;

void check_range(const char* name, double v, double lo, double hi, const char* what)
{
    if (!(v >= lo && v <= hi))
        throw std::invalid_argument(std::string(name) + " = " + std::to_string(v) + ": " +
                                    what);
}
} // namespace

// ---------------------------------------------------------------- format

wobble_format::wobble_format(int wobble_period_bits,
                             int wobbles_per_unit,
                             int segments_per_track,
                             int max_layers)
    : d_W(wobble_period_bits),
      d_U(wobbles_per_unit),
      d_spt(segments_per_track),
      d_max_layers(max_layers),
      d_rs(rs_n, data_bytes)
{
    check_range("wobble_period_bits", wobble_period_bits, 8, 1000, "must be 8..1000");
    check_range("wobbles_per_unit", wobbles_per_unit, 8, 64, "must be 8..64");
    check_range("segments_per_track", segments_per_track, 1, 256, "must be 1..256");
    check_range("max_layers", max_layers, 1, 16, "must be 1..16");
    const std::vector<int> marked[3] = { { 0, 1, 6, 7 }, { 0, 4, 5 }, { 0, 2, 3 } };
    for (int k = 0; k < 3; k++) {
        d_tmpl[k].assign(static_cast<size_t>(d_U), 1);
        for (int p : marked[k])
            d_tmpl[k][static_cast<size_t>(p)] = -1;
    }
}

void wobble_format::check(const wobble_address& a) const
{
    if (a.layer < 0 || a.layer >= d_max_layers)
        throw std::invalid_argument("layer = " + std::to_string(a.layer) + ": must be 0.." +
                                    std::to_string(d_max_layers - 1));
    if (a.track < 0 || a.track >= (int64_t{ 1 } << track_bits))
        throw std::invalid_argument("track = " + std::to_string(a.track) +
                                    ": must be 0..1048575");
    if (a.segment < 0 || a.segment >= d_spt)
        throw std::invalid_argument("segment = " + std::to_string(a.segment) +
                                    ": must be 0.." + std::to_string(d_spt - 1));
}

bool wobble_format::plausible(const wobble_address& a) const
{
    return a.layer >= 0 && a.layer < d_max_layers && a.track >= 0 &&
           a.track < (int64_t{ 1 } << track_bits) && a.segment >= 0 && a.segment < d_spt;
}

wobble_address wobble_format::advance(const wobble_address& a, int64_t words) const
{
    const int64_t ntracks = int64_t{ 1 } << track_bits;
    const int64_t total = a.track * d_spt + a.segment + words;
    wobble_address r;
    r.layer = a.layer;
    r.track = (total / d_spt) % ntracks;
    r.segment = static_cast<int>(total % d_spt);
    return r;
}

std::vector<uint8_t> wobble_format::codeword(const wobble_address& a) const
{
    check(a);
    const uint32_t v = (static_cast<uint32_t>(a.layer) << 28) |
                       (static_cast<uint32_t>(a.track) << 8) |
                       static_cast<uint32_t>(a.segment);
    const std::vector<uint8_t> data{ static_cast<uint8_t>(v >> 24),
                                     static_cast<uint8_t>(v >> 16),
                                     static_cast<uint8_t>(v >> 8),
                                     static_cast<uint8_t>(v) };
    return d_rs.encode(data);
}

void wobble_format::word_polarity(const wobble_address& a, int8_t* pol) const
{
    const std::vector<uint8_t> cw = codeword(a);
    std::copy(d_tmpl[0].begin(), d_tmpl[0].end(), pol);
    for (int b = 0; b < word_bits; b++) {
        const int bit = (cw[static_cast<size_t>(b / 8)] >> (7 - b % 8)) & 1;
        const auto& t = d_tmpl[1 + bit];
        std::copy(t.begin(), t.end(), pol + static_cast<size_t>((b + 1) * d_U));
    }
}

int wobble_format::decode(uint8_t* word, wobble_address& a, int max_corr) const
{
    uint8_t tmp[rs_n];
    std::copy(word, word + rs_n, tmp);
    const int r = d_rs.decode(tmp);
    if (r < 0 || r > std::min(max_corr, static_cast<int>(max_corrections)))
        return -1;
    const uint32_t v = (static_cast<uint32_t>(tmp[0]) << 24) |
                       (static_cast<uint32_t>(tmp[1]) << 16) |
                       (static_cast<uint32_t>(tmp[2]) << 8) | static_cast<uint32_t>(tmp[3]);
    wobble_address d;
    d.layer = static_cast<int>(v >> 28);
    d.track = static_cast<int64_t>((v >> 8) & 0xFFFFFu);
    d.segment = static_cast<int>(v & 0xFFu);
    if (!plausible(d))
        return -1;
    std::copy(tmp, tmp + rs_n, word);
    a = d;
    return r;
}

// ---------------------------------------------------------------- modulator

wobble_address_modulator::wobble_address_modulator(const wobble_format& fmt,
                                                   const wobble_address& start)
    : d_fmt(fmt), d_start(start)
{
    d_fmt.check(start);
    d_pol.resize(static_cast<size_t>(d_fmt.word_wobbles()));
}

void wobble_address_modulator::load_word(int64_t j)
{
    if (j == d_word)
        return;
    d_fmt.word_polarity(address_of_word(j), d_pol.data());
    d_word = j;
}

double wobble_address_modulator::sample(double pos_bits)
{
    if (!(pos_bits >= 0.0))
        return 0.0;
    const double wpos = pos_bits / d_fmt.wobble_period_bits();
    const double wf = std::floor(wpos);
    const auto w = static_cast<int64_t>(wf);
    const int64_t lw = d_fmt.word_wobbles();
    const int64_t j = w / lw;
    load_word(j);
    return d_pol[static_cast<size_t>(w - j * lw)] * std::sin(k_two_pi * (wpos - wf));
}

void wobble_address_modulator::generate(
    double pos0_bits, double step_bits, float* out, size_t n, double amplitude)
{
    if (!(step_bits > 0.0)) {
        for (size_t i = 0; i < n; i++)
            out[i] = static_cast<float>(
                amplitude * sample(pos0_bits + static_cast<double>(i) * step_bits));
        return;
    }
    // one wobble at a time: one sin/cos at its first sample, then a rotator
    const double W = d_fmt.wobble_period_bits();
    const double dph = k_two_pi * step_bits / W;
    const double cd = std::cos(dph), sd = std::sin(dph);
    const int64_t lw = d_fmt.word_wobbles();
    size_t i = 0;
    while (i < n) {
        const double pos = pos0_bits + static_cast<double>(i) * step_bits;
        if (!(pos >= 0.0)) {
            out[i++] = 0.0f;
            continue;
        }
        const double wpos = pos / W;
        const double wf = std::floor(wpos);
        const auto w = static_cast<int64_t>(wf);
        // first sample at or beyond the next wobble
        const double kend_d = std::ceil(((wf + 1.0) * W - pos0_bits) / step_bits);
        size_t kend = kend_d > static_cast<double>(n) ? n : static_cast<size_t>(kend_d);
        if (kend <= i)
            kend = i + 1;
        const int64_t j = w / lw;
        load_word(j);
        const double a = amplitude * d_pol[static_cast<size_t>(w - j * lw)];
        const double ph = k_two_pi * (wpos - wf);
        double sn = std::sin(ph), cs = std::cos(ph);
        for (size_t k = i; k < kend; k++) {
            out[k] = static_cast<float>(a * sn);
            const double c2 = cs * cd - sn * sd;
            sn = sn * cd + cs * sd;
            cs = c2;
        }
        i = kend;
    }
}

// ---------------------------------------------------------------- decoder

wobble_address_decoder::wobble_address_decoder(const wobble_format& fmt,
                                               double sps,
                                               double loop_bw)
    : d_fmt(fmt), d_sps(sps), d_loop_bw(loop_bw)
{
    check_range("sps", sps, 0.05, 1000.0, "must be 0.05..1000 samples per channel bit");
    if (fmt.wobble_period_bits() * sps < 8.0)
        throw std::invalid_argument("sps = " + std::to_string(sps) +
                                    ": needs wobble_period_bits * sps >= 8 samples per "
                                    "wobble");
    check_range("loop_bw", loop_bw, 0.001, 0.1, "must be 0.001..0.1 of the wobble rate");
    d_w0 = k_two_pi / (fmt.wobble_period_bits() * sps);
    d_w = d_w0;
    d_dc_gain = 1.0 / (8.0 * fmt.wobble_period_bits() * sps);
    d_cw = std::cos(d_w);
    d_sw = std::sin(d_w);
    set_loop(k_acq_bw);
    const size_t ring = static_cast<size_t>(fmt.word_wobbles() + 8);
    d_v.assign(ring, 0.0);
    d_vstart.assign(ring, 0);
}

void wobble_address_decoder::set_loop(double bw)
{
    const double zeta = 0.70710678118654752;
    const double tn = bw / (zeta + 1.0 / (4.0 * zeta));
    const double den = 1.0 + 2.0 * zeta * tn + tn * tn;
    d_alpha = 4.0 * zeta * tn / den;
    d_beta = 4.0 * tn * tn / den;
}

double wobble_address_decoder::frequency() const { return d_w / k_two_pi; }

void wobble_address_decoder::process(const float* in, size_t n, std::vector<wobble_word>& words)
{
    for (size_t i = 0; i < n; i++) {
        // DC blocker: the wobble is correlated with the input minus its
        // running mean (time constant 8 wobbles)
        if (!d_dc_init) {
            d_dc = in[i];
            d_dc_init = true;
        }
        d_dc += d_dc_gain * (in[i] - d_dc);
        const double x = in[i] - d_dc;
        d_I += x * d_s;
        d_Q += x * d_c;
        d_n++;
        d_theta += d_w;
        if (!d_half && d_theta >= 0.5 * k_two_pi) {
            d_I1 = d_I; // first half of the cycle done
            d_half = true;
        }
        const double c = d_c * d_cw - d_s * d_sw;
        d_s = d_s * d_cw + d_c * d_sw;
        d_c = c;
        if (d_theta >= k_two_pi) {
            d_theta -= k_two_pi;
            end_of_wobble(words);
            d_wob_start = d_nsamp + 1;
        }
        d_nsamp++;
    }
}

double wobble_address_decoder::sync_score(uint64_t start) const
{
    const size_t R = d_v.size();
    const auto& t = d_fmt.unit_template(0);
    double s = 0.0;
    for (size_t i = 0; i < t.size(); i++)
        s += t[i] * d_v[(start + i) % R];
    const double norm = static_cast<double>(t.size()) * d_amp;
    return norm > 0.0 ? s / norm : 0.0;
}

double wobble_address_decoder::unit_structure(uint64_t start) const
{
    // In a data unit exactly one of the pairs {2,3}, {4,5} is marked: the
    // bit decision x = v4 + v5 - v2 - v3 is +-4 A and s = v2 + v3 + v4 + v5
    // is 0. A start off by a part of a unit reads other wobbles there
    // (e.g. off by half a unit with U = 8: x = -2 A, s = 2 A for every
    // bit; off into the plain carrier of a long unit: x = 0, s = 4 A), and
    // such candidates decide every bit alike (the all-zero codeword is
    // address 0/0/0). x and s carry the same noise, so mean(|x| - |s|) is
    // not biased by it.
    const size_t R = d_v.size();
    const uint64_t U = static_cast<uint64_t>(d_fmt.wobbles_per_unit());
    double acc = 0.0;
    for (int b = 0; b < wobble_format::word_bits; b++) {
        const uint64_t base = start + static_cast<uint64_t>(b + 1) * U;
        const double v2 = d_v[(base + 2) % R], v3 = d_v[(base + 3) % R];
        const double v4 = d_v[(base + 4) % R], v5 = d_v[(base + 5) % R];
        acc += std::fabs(v4 + v5 - v2 - v3) - std::fabs(v2 + v3 + v4 + v5);
    }
    const double norm = 4.0 * wobble_format::word_bits * d_amp;
    return norm > 0.0 ? acc / norm : 0.0;
}

bool wobble_address_decoder::try_word(uint64_t start,
                                      double p,
                                      int max_corr,
                                      bool search,
                                      std::vector<wobble_word>& words)
{
    if (search && unit_structure(start) < k_min_structure)
        return false;
    const size_t R = d_v.size();
    const uint64_t U = static_cast<uint64_t>(d_fmt.wobbles_per_unit());
    uint8_t w[wobble_format::rs_n] = {};
    for (int b = 0; b < wobble_format::word_bits; b++) {
        const uint64_t base = start + static_cast<uint64_t>(b + 1) * U;
        const double x = p * (d_v[(base + 4) % R] + d_v[(base + 5) % R] -
                              d_v[(base + 2) % R] - d_v[(base + 3) % R]);
        if (x > 0.0)
            w[b / 8] |= static_cast<uint8_t>(0x80u >> (b % 8));
    }
    wobble_word ww;
    const int r = d_fmt.decode(w, ww.address, max_corr);
    if (r < 0)
        return false;
    ww.corrected = r;
    ww.start_sample = d_vstart[start % R];
    ww.end_sample = d_nsamp;
    words.push_back(ww);
    d_words++;
    return true;
}

void wobble_address_decoder::end_of_wobble(std::vector<wobble_word>& words)
{
    const double I = d_I, Q = d_Q;
    const int n = d_n;
    const double I1 = d_half ? d_I1 : I;
    d_I = d_Q = 0.0;
    d_n = 0;
    d_half = false;
    // correlation over the wobble centred on this cycle's start (the
    // previous cycle's second half and this one's first half)
    const double Ish = d_I2_prev + I1;
    d_I2_prev = I - I1;
    d_abs_al += (std::fabs(I) - d_abs_al) / 64.0;
    d_abs_sh += (std::fabs(Ish) - d_abs_sh) / 64.0;

    // PLL: Costas (BPSK) phase detector e = I Q / <I^2 + Q^2>, one update
    // per wobble: sin(2 dphi) / 2 on a whole wobble of either polarity.
    // (The NCO cycles are the wobbles only when locked; off by dphi a cycle
    // straddles a wobble boundary, and where the polarity changes there its
    // I and Q are garbage. atan(Q / I) is ruled by such cycles near
    // dphi = +-110 degrees and had stable false locks there (and none at
    // 180 degrees); weighting each cycle by its energy, as I Q does, keeps
    // the S-curve ~ sin(2 dphi) with stable points 0 and 180 degrees only.)
    const double pw = I * I + Q * Q;
    d_pow += (pw - d_pow) / static_cast<double>(std::min<uint64_t>(d_nwob + 1, 64));
    const double e = d_pow > 0.0 ? I * Q / d_pow : 0.0;
    d_absI += (std::fabs(I) - d_absI) / 64.0;
    d_absQ += (std::fabs(Q) - d_absQ) / 64.0;
    const double den = d_absI + d_absQ;
    d_lock_metric = den > 0.0 ? (d_absI - d_absQ) / den : 0.0;
    const bool was_locked = d_locked;
    if (!d_locked && d_lock_metric > k_lock_on)
        d_locked = true;
    else if (d_locked && d_lock_metric < k_lock_off)
        d_locked = false;
    if (d_locked != was_locked)
        set_loop(d_locked ? d_loop_bw : k_acq_bw);
    d_theta += d_alpha * e;
    d_w += d_beta * e / std::max(n, 1);
    d_w = std::min(std::max(d_w, 0.95 * d_w0), 1.05 * d_w0);
    d_c = std::cos(d_theta);
    d_s = std::sin(d_theta);
    d_cw = std::cos(d_w);
    d_sw = std::sin(d_w);

    // demodulated wobble value
    const double v = n > 0 ? I / (0.5 * n) : 0.0;
    if (!d_amp_init) {
        d_amp = std::fabs(v);
        d_amp_init = true;
    } else {
        d_amp += (std::fabs(v) - d_amp) / 64.0;
    }
    // 180 degree ambiguity of the BPSK loop. Locked half a cycle off, the
    // NCO's wraps fall mid-wobble: a cycle then spans the halves of two
    // wobbles, which cancel where the polarity changes, while the cycles
    // shifted by half a wobble are whole wobbles. (The sign of v cannot
    // tell: an inverted push-pull gives the same v as the half-cycle
    // offset; the sign is fixed by the word sync.) Turn the NCO by pi when
    // the shifted correlation is the larger.
    if (d_since_flip < k_flip_hold)
        d_since_flip++;
    if (d_locked && d_since_flip >= k_flip_hold && d_abs_sh > k_flip_ratio * d_abs_al) {
        // the next cycle is a half one, its first half already past
        d_theta += 0.5 * k_two_pi;
        d_c = std::cos(d_theta);
        d_s = std::sin(d_theta);
        d_half = true;
        d_I1 = 0.0;
        std::swap(d_abs_al, d_abs_sh);
        d_since_flip = 0;
    }
    const size_t R = d_v.size();
    const uint64_t k = d_nwob;
    d_v[k % R] = v;
    d_vstart[k % R] = d_wob_start;
    d_nwob++;

    // word sync
    const uint64_t L = static_cast<uint64_t>(d_fmt.word_wobbles());
    if (!d_synced) {
        if (d_nwob < L)
            return;
        const uint64_t s = k + 1 - L;
        const double sc = sync_score(s);
        if (!d_locked || std::fabs(sc) < 0.6)
            return;
        const double p = sc > 0 ? 1.0 : -1.0;
        if (try_word(s, p, 1, true, words)) {
            d_synced = true;
            d_pol = p;
            d_expected = s + L;
            d_misses = 0;
        }
        return;
    }
    if (k < d_expected + L)
        return;
    // the word at d_expected - 1 .. d_expected + 1 is complete: take the
    // start with the best sync correlation
    uint64_t best = d_expected;
    double best_sc = d_pol * sync_score(d_expected);
    for (uint64_t s : { d_expected - 1, d_expected + 1 }) {
        const double sc = d_pol * sync_score(s);
        if (sc > best_sc) {
            best_sc = sc;
            best = s;
        }
    }
    if (try_word(best, d_pol, wobble_format::max_corrections, false, words)) {
        d_misses = 0;
        d_expected = best + L;
    } else {
        d_failed++;
        d_expected += L;
        if (++d_misses >= 3)
            d_synced = false;
    }
}

} // namespace ecdisc
