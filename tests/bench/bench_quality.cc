/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * jitter_meter_sps4: our jitter_meter (envelope slicer, interpolated zero
 *     crossings, least-squares clock per edge; a sink) vs
 *     digital::clock_recovery_mm_ff (Mueller & Muller timing recovery, the
 *     in-tree block that tracks the bit clock of a real-valued signal;
 *     output 1 item per bit into a null sink). Input: a +-1 NRZI waveform
 *     of runs 2..8 with raised-cosine edges, 4 samples per bit, edges
 *     jittered by 3 % T. Items are samples.
 * sam_meter_pr1221: our sam_meter (PR(1,2,2,1) residual and one 4-tap
 *     correlation per edge-shift event; two inputs: samples and levels) vs
 *     filter::fir_filter_fff with the 4 PR taps on the samples alone (the
 *     in-tree block doing the bulk of the same arithmetic: no in-tree
 *     sequence-margin meter exists). Items are channel bits.
 * *_kernel rows: the kernels alone, no scheduler (no in-tree peer kernel:
 *     reported without a ratio).
 */
#include "bench_util.h"
#include "quality.h"
#include <gnuradio/digital/clock_recovery_mm_ff.h>
#include <gnuradio/ecdisc/jitter_meter.h>
#include <gnuradio/ecdisc/sam_meter.h>
#include <gnuradio/filter/fir_filter_blk.h>
#include <algorithm>
#include <cmath>

namespace {

constexpr size_t NBITS = 1 << 20;

std::vector<uint8_t> run_levels(size_t n, unsigned seed)
{
    std::mt19937 rng(seed);
    std::vector<uint8_t> x;
    uint8_t lv = 0;
    while (x.size() < n) {
        x.insert(x.end(), 2 + rng() % 7, lv);
        lv ^= 1;
    }
    x.resize(n);
    return x;
}

const std::vector<float>& waveform()
{
    static const auto v = [] {
        const double T = 4.0, pi = std::acos(-1.0);
        const auto lv = run_levels(NBITS / 4, 2);
        std::mt19937 rng(3);
        std::normal_distribution<double> g(0.0, 0.03 * T);
        std::vector<float> x(lv.size() * 4);
        for (size_t m = 0; m < x.size(); m++)
            x[m] = lv[m / 4] ? 1.0f : -1.0f;
        for (size_t k = 1; k < lv.size(); k++) {
            if (lv[k] == lv[k - 1])
                continue;
            const double te = k * T + g(rng);
            const double from = lv[k - 1] ? 1.0 : -1.0, d = lv[k] ? 2.0 : -2.0;
            for (long m = static_cast<long>(te - T / 2); m <= static_cast<long>(te + T / 2); m++) {
                if (m < 0 || static_cast<size_t>(m) >= x.size())
                    continue;
                const double u = std::min(0.5, std::max(-0.5, (m - te) / T));
                x[m] = static_cast<float>(from + d * 0.5 * (1.0 + std::sin(pi * u)));
            }
        }
        return x;
    }();
    return v;
}

const std::vector<uint8_t>& levels()
{
    static const auto v = run_levels(NBITS, 5);
    return v;
}

const std::vector<float>& pr_samples()
{
    static const auto v = [] {
        const auto& x = levels();
        std::mt19937 rng(7);
        std::normal_distribution<float> g(0.0f, 0.5f);
        std::vector<float> y(x.size());
        const float h[4] = { 1, 2, 2, 1 };
        for (size_t n = 0; n < x.size(); n++) {
            float s = 0;
            for (size_t i = 0; i < 4; i++)
                s += h[i] * (x[n >= i ? n - i : 0] ? 1.0f : -1.0f);
            y[n] = s + g(rng);
        }
        return y;
    }();
    return v;
}

void jitter_ours(benchmark::State& state)
{
    ecdisc_bench::time_flowgraph(
        state,
        [] {
            auto tb = gr::make_top_block("bench");
            auto src = gr::blocks::vector_source<float>::make(waveform());
            tb->connect(src, 0, gr::ecdisc::jitter_meter::make(4.0), 0);
            return tb;
        },
        static_cast<int64_t>(waveform().size()));
}
ECDISC_FLOWGRAPH_BENCHMARK(jitter_ours, "jitter_meter_sps4", "ours");

void jitter_peer(benchmark::State& state)
{
    const float gain_mu = 0.01f;
    ecdisc_bench::time_block<float>(
        state,
        waveform(),
        [gain_mu] {
            return gr::digital::clock_recovery_mm_ff::make(
                4.0f, 0.25f * gain_mu * gain_mu, 0.5f, gain_mu, 0.005f);
        },
        sizeof(float));
}
ECDISC_FLOWGRAPH_BENCHMARK(jitter_peer, "jitter_meter_sps4", "gnuradio");

void sam_ours(benchmark::State& state)
{
    ecdisc_bench::time_flowgraph(
        state,
        [] {
            auto tb = gr::make_top_block("bench");
            auto m = gr::ecdisc::sam_meter::make();
            tb->connect(gr::blocks::vector_source<float>::make(pr_samples()), 0, m, 0);
            tb->connect(gr::blocks::vector_source<uint8_t>::make(levels()), 0, m, 1);
            return tb;
        },
        static_cast<int64_t>(NBITS));
}
ECDISC_FLOWGRAPH_BENCHMARK(sam_ours, "sam_meter_pr1221", "ours");

void sam_peer(benchmark::State& state)
{
    ecdisc_bench::time_block<float>(
        state,
        pr_samples(),
        [] { return gr::filter::fir_filter_fff::make(1, { 1.0f, 2.0f, 2.0f, 1.0f }); },
        sizeof(float));
}
ECDISC_FLOWGRAPH_BENCHMARK(sam_peer, "sam_meter_pr1221", "gnuradio");

void jitter_kernel(benchmark::State& state)
{
    for (auto _ : state) {
        ecdisc::jitter_meter m(4.0);
        m.process(waveform().data(), waveform().size());
        benchmark::DoNotOptimize(m.jitter_pct());
    }
    state.SetItemsProcessed(state.iterations() * waveform().size());
}
BENCHMARK(jitter_kernel)->Name("jitter_meter_sps4_kernel/ours")->Unit(benchmark::kMillisecond);

void sam_kernel(benchmark::State& state)
{
    for (auto _ : state) {
        ecdisc::sam_meter m;
        m.process(pr_samples().data(), levels().data(), NBITS);
        benchmark::DoNotOptimize(m.sigma());
    }
    state.SetItemsProcessed(state.iterations() * NBITS);
}
BENCHMARK(sam_kernel)->Name("sam_meter_pr1221_kernel/ours")->Unit(benchmark::kMillisecond);

} // namespace
