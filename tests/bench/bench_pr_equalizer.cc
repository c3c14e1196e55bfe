/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * pr_equalizer_15: ours frozen (adaptation off: a pure 15-tap FIR) vs
 *     filter::fir_filter_fff(1, the same 15 taps).
 * pr_equalizer_15_kernel: the same, kernels alone (no scheduler): our
 *     frozen kernel vs filter::kernel::fir_filter_fff::filterN.
 * pr_equalizer_15_lms: ours adapting (decision directed, LMS on every
 *     sample); GNU Radio has no in-tree real-valued LMS peer to PR targets.
 * pr_equalizer_15_lms_every8: ours adapting with update_every 8 (error and
 *     tap update on every 8th sample, the 8 samples between filtered as one
 *     block) vs filter::fir_filter_fff(1, the same 15 taps), which does not
 *     adapt at all.
 * pr_equalizer_15_lms_kernel: the adapting kernel alone (decision
 *     directed), update_every 1 ("ours") and 8 ("every8").
 * Items are channel bits (samples) in every row.
 */
#include "bench_util.h"
#include "pr_equalizer.h"
#include <gnuradio/ecdisc/pr_equalizer.h>
#include <gnuradio/filter/fir_filter.h>
#include <gnuradio/filter/fir_filter_blk.h>
#include <cmath>

namespace {

constexpr size_t N = 1 << 22;

//! +-1 levels with runs of 2..8, Gaussian-blurred (sigma 1 bit), noise 0.02
const std::vector<float>& samples()
{
    static const auto v = [] {
        std::mt19937 rng(3);
        std::normal_distribution<float> gn(0.0f, 0.02f);
        std::vector<float> a;
        float lv = -1.0f;
        while (a.size() < N) {
            a.insert(a.end(), 2 + rng() % 7, lv);
            lv = -lv;
        }
        a.resize(N);
        float g[7], s = 0;
        for (int m = 0; m < 7; m++)
            s += g[m] = std::exp(-0.5f * (m - 3) * (m - 3));
        std::vector<float> x(N);
        for (size_t n = 0; n < N; n++) {
            float acc = 0;
            for (int m = 0; m < 7; m++)
                acc += g[m] / s * (n >= static_cast<size_t>(m) ? a[n - m] : -1.0f);
            x[n] = acc + gn(rng);
        }
        return x;
    }();
    return v;
}

//! a PR(1,2,2,1) equaliser shape (any 15 values time the same)
const std::vector<double> TAPS = { 0.01, -0.03, 0.08, -0.2, 0.45, -0.9,  1.6, 3.1,
                                   1.6,  -0.9,  0.45, -0.2, 0.08, -0.03, 0.01 };

void eq_kernel_frozen(benchmark::State& state)
{
    std::vector<float> out(N);
    ecdisc::pr_equalizer eq({ 1, 2, 2, 1 }, 15, 0.002, "frozen");
    eq.set_taps(TAPS);
    for (auto _ : state) {
        eq.process(samples().data(), nullptr, out.data(), N);
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(state.iterations() * N);
}
BENCHMARK(eq_kernel_frozen)
    ->Name("pr_equalizer_15_kernel/ours")
    ->Unit(benchmark::kMillisecond);

// GNU Radio's FIR kernel alone (what fir_filter_fff runs), same taps.
void eq_kernel_peer(benchmark::State& state)
{
    const std::vector<float> taps(TAPS.begin(), TAPS.end());
    gr::filter::kernel::fir_filter_fff fir(taps);
    const size_t n = N - taps.size() + 1;
    std::vector<float> out(n);
    for (auto _ : state) {
        fir.filterN(out.data(), samples().data(), static_cast<unsigned long>(n));
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(eq_kernel_peer)
    ->Name("pr_equalizer_15_kernel/gnuradio")
    ->Unit(benchmark::kMillisecond);

void eq_frozen_ours(benchmark::State& state)
{
    ecdisc_bench::time_block<float>(
        state,
        samples(),
        [] {
            auto eq = gr::ecdisc::pr_equalizer::make({ 1, 2, 2, 1 }, 15, 0.002, "frozen");
            eq->set_taps(TAPS);
            return eq;
        },
        sizeof(float));
}
void eq_frozen_peer(benchmark::State& state)
{
    const std::vector<float> taps(TAPS.begin(), TAPS.end());
    ecdisc_bench::time_block<float>(
        state,
        samples(),
        [&] { return gr::filter::fir_filter_fff::make(1, taps); },
        sizeof(float));
}
ECDISC_FLOWGRAPH_BENCHMARK(eq_frozen_ours, "pr_equalizer_15", "ours");
ECDISC_FLOWGRAPH_BENCHMARK(eq_frozen_peer, "pr_equalizer_15", "gnuradio");

void eq_lms_ours(benchmark::State& state)
{
    ecdisc_bench::time_block<float>(
        state,
        samples(),
        [] {
            auto eq = gr::ecdisc::pr_equalizer::make({ 1, 2, 2, 1 }, 15, 0.002, "dd");
            eq->set_taps(TAPS);
            return eq;
        },
        sizeof(float));
}
ECDISC_FLOWGRAPH_BENCHMARK(eq_lms_ours, "pr_equalizer_15_lms", "ours");

void eq_every8_ours(benchmark::State& state)
{
    ecdisc_bench::time_block<float>(
        state,
        samples(),
        [] {
            auto eq = gr::ecdisc::pr_equalizer::make(
                { 1, 2, 2, 1 }, 15, 0.002, "dd", -1, 0.0, 8);
            eq->set_taps(TAPS);
            return eq;
        },
        sizeof(float));
}
ECDISC_FLOWGRAPH_BENCHMARK(eq_every8_ours, "pr_equalizer_15_lms_every8", "ours");
ECDISC_FLOWGRAPH_BENCHMARK(eq_frozen_peer, "pr_equalizer_15_lms_every8", "gnuradio");

void eq_kernel_lms(benchmark::State& state, int every)
{
    std::vector<float> out(N);
    ecdisc::pr_equalizer eq({ 1, 2, 2, 1 }, 15, 0.002, "dd", -1, 0.0, every);
    eq.set_taps(TAPS);
    for (auto _ : state) {
        eq.process(samples().data(), nullptr, out.data(), N);
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(state.iterations() * N);
}
void eq_kernel_lms1(benchmark::State& state) { eq_kernel_lms(state, 1); }
void eq_kernel_lms8(benchmark::State& state) { eq_kernel_lms(state, 8); }
BENCHMARK(eq_kernel_lms1)
    ->Name("pr_equalizer_15_lms_kernel/ours")
    ->Unit(benchmark::kMillisecond);
BENCHMARK(eq_kernel_lms8)
    ->Name("pr_equalizer_15_lms_kernel/every8")
    ->Unit(benchmark::kMillisecond);

} // namespace
