/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pr_equalizer.h"
#include <algorithm>
#include <cmath>
#include <cstring>
#include <set>
#include <sstream>
#include <stdexcept>

// v8f values stay in registers of inlined helpers: no ABI crosses a call.
#pragma GCC diagnostic ignored "-Wpsabi"

namespace ecdisc {

namespace {

constexpr size_t CHUNK = 4096; // samples per pass over the input buffer
constexpr int LANES = 8;

typedef float v8f __attribute__((vector_size(32)));

[[noreturn]] void
bad(const std::string& name, const std::string& value, const char* allowed)
{
    throw std::invalid_argument(name + " = " + value + ": " + allowed);
}

std::string num(double v)
{
    std::ostringstream s;
    s << v;
    return s.str();
}

inline v8f load8(const float* p)
{
    v8f v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

inline void store8(float* p, v8f v) { std::memcpy(p, &v, sizeof v); }

typedef float v4f __attribute__((vector_size(16)));

template <typename V>
inline __attribute__((always_inline)) V loadv(const float* p)
{
    V v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

/* Pure FIR, output-blocked: 8 vectors of outputs accumulate in registers
 * while the taps go by (8 independent chains hide the FMA latency).
 * b holds n + nt - 1 samples, wr the taps reversed. */
template <typename V>
inline __attribute__((always_inline)) void
fir_block_t(const float* b, const float* wr, int nt, float* out, size_t n)
{
    constexpr size_t W = sizeof(V) / sizeof(float);
    constexpr size_t B = 8 * W;
    size_t i = 0;
    for (; i + B <= n; i += B) {
        V a0 = {}, a1 = {}, a2 = {}, a3 = {}, a4 = {}, a5 = {}, a6 = {}, a7 = {};
        for (int m = 0; m < nt; m++) {
            const float w = wr[m];
            const float* p = b + i + m;
            a0 += w * loadv<V>(p);
            a1 += w * loadv<V>(p + W);
            a2 += w * loadv<V>(p + 2 * W);
            a3 += w * loadv<V>(p + 3 * W);
            a4 += w * loadv<V>(p + 4 * W);
            a5 += w * loadv<V>(p + 5 * W);
            a6 += w * loadv<V>(p + 6 * W);
            a7 += w * loadv<V>(p + 7 * W);
        }
        float* o = out + i;
        std::memcpy(o, &a0, sizeof(V));
        std::memcpy(o + W, &a1, sizeof(V));
        std::memcpy(o + 2 * W, &a2, sizeof(V));
        std::memcpy(o + 3 * W, &a3, sizeof(V));
        std::memcpy(o + 4 * W, &a4, sizeof(V));
        std::memcpy(o + 5 * W, &a5, sizeof(V));
        std::memcpy(o + 6 * W, &a6, sizeof(V));
        std::memcpy(o + 7 * W, &a7, sizeof(V));
    }
    for (; i < n; i++) {
        float acc = 0.0f;
        for (int m = 0; m < nt; m++)
            acc += wr[m] * b[i + m];
        out[i] = acc;
    }
}

__attribute__((target("avx2,fma"))) void
fir_block_avx2(const float* b, const float* wr, int nt, float* out, size_t n)
{
    fir_block_t<v8f>(b, wr, nt, out, n);
}

void fir_block_base(const float* b, const float* wr, int nt, float* out, size_t n)
{
    fir_block_t<v4f>(b, wr, nt, out, n);
}

//! the FIR for this CPU (AVX2 + FMA when present)
void fir_block(const float* b, const float* wr, int nt, float* out, size_t n)
{
    static const bool avx2 =
        __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    if (avx2)
        fir_block_avx2(b, wr, nt, out, n);
    else
        fir_block_base(b, wr, nt, out, n);
}

/* FIR of a short segment (the outputs between two LMS updates): groups of
 * W outputs, four accumulators over the taps (m mod 4) so the FMA chains
 * overlap. Every output is computed in the same operation order whatever
 * its position in a group or segment (the scalar tail mirrors the lanes), so
 * the results do not depend on how the stream is chunked. b holds n + nt - 1
 * samples, wr the taps reversed. */
template <typename V>
inline __attribute__((always_inline)) void
fir_seg_t(const float* b, const float* wr, int nt, float* out, size_t n)
{
    constexpr size_t W = sizeof(V) / sizeof(float);
    size_t i = 0;
    for (; i + W <= n; i += W) {
        V a0 = {}, a1 = {}, a2 = {}, a3 = {};
        const float* p = b + i;
        int m = 0;
        for (; m + 4 <= nt; m += 4) {
            a0 += wr[m] * loadv<V>(p + m);
            a1 += wr[m + 1] * loadv<V>(p + m + 1);
            a2 += wr[m + 2] * loadv<V>(p + m + 2);
            a3 += wr[m + 3] * loadv<V>(p + m + 3);
        }
        if (m < nt)
            a0 += wr[m] * loadv<V>(p + m);
        if (m + 1 < nt)
            a1 += wr[m + 1] * loadv<V>(p + m + 1);
        if (m + 2 < nt)
            a2 += wr[m + 2] * loadv<V>(p + m + 2);
        const V s = (a0 + a1) + (a2 + a3);
        std::memcpy(out + i, &s, sizeof(V));
    }
    for (; i < n; i++) {
        float a0 = 0.0f, a1 = 0.0f, a2 = 0.0f, a3 = 0.0f;
        const float* p = b + i;
        int m = 0;
        for (; m + 4 <= nt; m += 4) {
            a0 += wr[m] * p[m];
            a1 += wr[m + 1] * p[m + 1];
            a2 += wr[m + 2] * p[m + 2];
            a3 += wr[m + 3] * p[m + 3];
        }
        if (m < nt)
            a0 += wr[m] * p[m];
        if (m + 1 < nt)
            a1 += wr[m + 1] * p[m + 1];
        if (m + 2 < nt)
            a2 += wr[m + 2] * p[m + 2];
        out[i] = (a0 + a1) + (a2 + a3);
    }
}

__attribute__((target("avx2,fma"))) void
fir_seg_avx2(const float* b, const float* wr, int nt, float* out, size_t n)
{
    fir_seg_t<v8f>(b, wr, nt, out, n);
}

void fir_seg_base(const float* b, const float* wr, int nt, float* out, size_t n)
{
    fir_seg_t<v4f>(b, wr, nt, out, n);
}

typedef void (*fir_fn)(const float*, const float*, int, float*, size_t);

//! the segment FIR for this CPU
fir_fn fir_seg_for_cpu()
{
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") ? fir_seg_avx2
                                                                           : fir_seg_base;
}

//! dot product of nt taps with x, nt padded to whole lanes (pad taps are 0)
inline float dot_padded(const float* wr, const float* x, int nt_padded)
{
    v8f acc = {};
    for (int m = 0; m < nt_padded; m += LANES)
        acc += load8(wr + m) * load8(x + m);
    float s = 0.0f;
    for (int j = 0; j < LANES; j++)
        s += acc[j];
    return s;
}

} // namespace

pr_equalizer::pr_equalizer(const std::vector<double>& target,
                           int n_taps,
                           double mu,
                           const std::string& mode,
                           int train_delay,
                           double leakage,
                           int update_every,
                           const std::vector<double>& initial_taps)
    : d_target(target), d_n(n_taps), d_mu(mu), d_delay(train_delay), d_leak(leakage)
{
    if (target.empty() || target.size() > 7) {
        std::ostringstream s;
        s << "[";
        for (size_t i = 0; i < target.size(); i++)
            s << (i ? ", " : "") << target[i];
        s << "]";
        bad("target", s.str(), "must have 1..7 values");
    }
    bool nonzero = false;
    for (double h : target) {
        if (!std::isfinite(h))
            bad("target", num(h), "values must be finite");
        nonzero = nonzero || h != 0.0;
    }
    if (!nonzero)
        bad("target", "all zero", "at least one value must be non-zero");
    if (n_taps < 3 || n_taps > 63 || n_taps % 2 == 0)
        bad("n_taps", std::to_string(n_taps), "must be odd, 3..63");
    set_mu(mu);
    if (train_delay == -1)
        d_delay = (n_taps - 1) / 2;
    else if (train_delay < 0 || train_delay > 1024)
        bad("train_delay", std::to_string(train_delay), "must be 0..1024, or -1 (auto)");
    if (!(leakage >= 0.0 && leakage <= 1.0))
        bad("leakage", num(leakage), "must be in [0, 1]");
    set_mode(mode);
    set_update_every(update_every);

    const int np = (n_taps + LANES - 1) / LANES * LANES;
    d_wr.assign(np, 0.0f);
    d_wr[(n_taps - 1) / 2] = 1.0f;
    if (!initial_taps.empty()) {
        if (initial_taps.size() != static_cast<size_t>(n_taps))
            bad("initial_taps",
                std::to_string(initial_taps.size()) + " values",
                "must have n_taps values, or none (centre spike)");
        for (double t : initial_taps)
            if (!std::isfinite(t))
                bad("initial_taps", num(t), "values must be finite");
        set_taps(initial_taps);
    }
    // N-1 history + chunk + slack for the padded dot product
    d_buf.assign(n_taps - 1 + CHUNK + LANES, 0.0f);

    // Output alphabet of the target: every sum_j h[j] (+-1).
    const size_t L = target.size();
    std::set<float> lv;
    for (unsigned s = 0; s < (1u << L); s++) {
        double v = 0.0;
        for (size_t j = 0; j < L; j++)
            v += (s >> j & 1u) ? target[j] : -target[j];
        lv.insert(static_cast<float>(v));
    }
    d_levels.assign(lv.begin(), lv.end());
    for (size_t k = 0; k + 1 < d_levels.size(); k++)
        d_mid.push_back(0.5f * (d_levels[k] + d_levels[k + 1]));
    d_ha.assign(static_cast<size_t>(d_delay) + L, -1.0f);
}

void pr_equalizer::set_mu(double mu)
{
    if (!(mu > 0.0 && mu <= 0.1))
        bad("mu", num(mu), "must be in (0, 0.1]");
    d_mu = mu;
}

void pr_equalizer::set_update_every(int update_every)
{
    if (update_every < 1 || update_every > 1024)
        bad("update_every", std::to_string(update_every), "must be 1..1024");
    d_every = update_every;
    d_phase = std::min(d_phase, update_every - 1);
}

std::string pr_equalizer::mode() const
{
    if (d_frozen)
        return "frozen";
    return d_mode == mode_t::train ? "train" : "dd";
}

void pr_equalizer::set_mode(const std::string& mode)
{
    if (mode == "train") {
        d_mode = mode_t::train;
        d_frozen = false;
    } else if (mode == "dd") {
        d_mode = mode_t::dd;
        d_frozen = false;
    } else if (mode == "frozen") {
        d_frozen = true;
    } else {
        bad("mode", "\"" + mode + "\"", "must be \"train\", \"dd\" or \"frozen\"");
    }
}

std::vector<double> pr_equalizer::taps() const
{
    std::vector<double> w(d_n);
    for (int k = 0; k < d_n; k++)
        w[k] = d_wr[d_n - 1 - k];
    return w;
}

void pr_equalizer::set_taps(const std::vector<double>& taps)
{
    if (taps.size() != static_cast<size_t>(d_n))
        bad("taps", std::to_string(taps.size()) + " values", "must have n_taps values");
    for (double t : taps)
        if (!std::isfinite(t))
            bad("taps", num(t), "values must be finite");
    for (int k = 0; k < d_n; k++)
        d_wr[d_n - 1 - k] = static_cast<float>(taps[k]);
}

float pr_equalizer::slice(float y) const
{
    const auto it = std::lower_bound(d_levels.begin(), d_levels.end(), y);
    if (it == d_levels.begin())
        return *it;
    if (it == d_levels.end())
        return d_levels.back();
    const float hi = *it, lo = *(it - 1);
    return (hi - y) < (y - lo) ? hi : lo;
}

float pr_equalizer::slice_midpoints(float y) const
{
    size_t k = 0;
    for (const float m : d_mid)
        k += y > m;
    return d_levels[k];
}

void pr_equalizer::push_train(uint8_t b)
{
    d_ha[d_ha_pos] = b ? 1.0f : -1.0f;
    if (++d_ha_pos == d_ha.size())
        d_ha_pos = 0;
    d_ha_count++;
}

bool pr_equalizer::train_ready() const { return d_ha_count >= d_ha.size(); }

float pr_equalizer::train_reference() const
{
    // d[n] = sum_j h[j] a[n - D - j]; a[n - m] sits at (pos - 1 - m) mod R.
    const size_t R = d_ha.size();
    float d = 0.0f;
    for (size_t j = 0; j < d_target.size(); j++) {
        const size_t m = static_cast<size_t>(d_delay) + j;
        d += static_cast<float>(d_target[j]) * d_ha[(d_ha_pos + R - 1 - m % R) % R];
    }
    return d;
}

void pr_equalizer::filter(
    const float* b, size_t avail, const uint8_t* train, float* out, size_t c)
{
    const bool adapt = !d_frozen && (d_mode == mode_t::dd || train != nullptr);
    if (!adapt) {
        fir_block(b, d_wr.data(), d_n, out, c);
        d_phase = static_cast<int>((static_cast<size_t>(d_phase) + c) % d_every);
        if (train)
            for (size_t i = 0; i < c; i++)
                push_train(train[i]);
        return;
    }
    if (d_every > 1) {
        filter_decimated(b, train, out, c);
        return;
    }
    const int np = static_cast<int>(d_wr.size());
    const float lk = static_cast<float>(1.0 - d_mu * d_leak);
    const bool leaky = d_leak > 0.0;
    const float mu = static_cast<float>(d_mu);
    float* wr = d_wr.data();
    for (size_t i = 0; i < c; i++) {
        const float* x = b + i;
        float y;
        if (i + np <= avail) {
            y = dot_padded(wr, x, np);
        } else {
            // Near the end of the caller's buffer: no reading past it, same
            // lane order as dot_padded (same result to the bit).
            float acc[LANES] = {};
            for (int m = 0; m < d_n; m++)
                acc[m % LANES] += wr[m] * x[m];
            y = 0.0f;
            for (int j = 0; j < LANES; j++)
                y += acc[j];
        }
        out[i] = y;
        float d;
        if (d_mode == mode_t::train) {
            push_train(train[i]);
            if (!train_ready())
                continue;
            d = train_reference();
        } else {
            d = slice(y);
        }
        const float e = d - y;
        // max(mse_alpha, 1 / count), no division once count >= 1 / mse_alpha
        const double a =
            ++d_mse_count < 1000 ? 1.0 / static_cast<double>(d_mse_count) : mse_alpha;
        d_mse += a * (static_cast<double>(e) * e - d_mse);
        const float g = mu * e;
        if (leaky)
            for (int m = 0; m < d_n; m++)
                wr[m] = lk * wr[m] + g * x[m];
        else
            for (int m = 0; m < d_n; m++)
                wr[m] += g * x[m];
    }
}

void pr_equalizer::update(const float* x, float y, float d)
{
    const float e = d - y;
    // max(mse_alpha, 1 / count), no division once count >= 1 / mse_alpha
    const double a =
        ++d_mse_count < 1000 ? 1.0 / static_cast<double>(d_mse_count) : mse_alpha;
    d_mse += a * (static_cast<double>(e) * e - d_mse);
    const float g = static_cast<float>(d_mu) * e;
    float* wr = d_wr.data();
    if (d_leak > 0.0) {
        const float lk = static_cast<float>(1.0 - d_mu * d_leak);
        for (int m = 0; m < d_n; m++)
            wr[m] = lk * wr[m] + g * x[m];
    } else {
        for (int m = 0; m < d_n; m++)
            wr[m] += g * x[m];
    }
}

void pr_equalizer::filter_decimated(const float* b,
                                    const uint8_t* train,
                                    float* out,
                                    size_t c)
{
    // Segments end at an update sample (or at the end of the call): the
    // taps are fixed within one, so it is filtered as a block, then the last
    // sample's error updates the taps for the next.
    static const fir_fn fir_seg = fir_seg_for_cpu();
    const bool training = d_mode == mode_t::train;
    size_t i = 0;
    while (i < c) {
        const size_t seg = std::min(static_cast<size_t>(d_every - d_phase), c - i);
        fir_seg(b + i, d_wr.data(), d_n, out + i, seg);
        if (training)
            for (size_t k = i; k < i + seg; k++)
                push_train(train[k]);
        d_phase += static_cast<int>(seg);
        i += seg;
        if (d_phase < d_every)
            continue; // call ended before the update sample
        d_phase = 0;
        const size_t u = i - 1;
        if (training) {
            if (train_ready())
                update(b + u, out[u], train_reference());
        } else {
            update(b + u, out[u], slice_midpoints(out[u]));
        }
    }
}

void pr_equalizer::process(const float* in, const uint8_t* train, float* out, size_t n)
{
    const size_t hist = static_cast<size_t>(d_n) - 1;
    while (n > 0) {
        const size_t c = std::min(n, CHUNK);
        float* b = d_buf.data();
        std::memcpy(b + hist, in, c * sizeof(float));
        filter(b, d_buf.size(), train, out, c);
        std::memmove(b, b + c, hist * sizeof(float));
        in += c;
        out += c;
        if (train)
            train += c;
        n -= c;
    }
}

void pr_equalizer::process_history(const float* x,
                                   const uint8_t* train,
                                   float* out,
                                   size_t n)
{
    filter(x, n + static_cast<size_t>(d_n) - 1, train, out, n);
}

} // namespace ecdisc
