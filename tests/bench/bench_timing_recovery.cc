/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * timing_recovery: ours (cubic Farrow interpolator, normalised Gardner TED
 *     at edges, PI loop, lock detector, tags) vs digital::symbol_sync_ff
 *     (TED_ZERO_CROSSING with a BPSK slicer, ted_gain 0.5, IR_MMSE_8TAP, 1
 *     output per symbol), both at sps 4, loop bandwidth 0.01, damping 0.707,
 *     period clamp 2 %, on the same input. The peer's configuration was
 *     chosen because it locks on this input (zero decision errors after
 *     acquisition, like ours); with TED_GARDNER (any ted_gain 0.1..2) it
 *     slips on the blurred RLL signal.
 * timing_recovery_kernel: our kernel alone (no scheduler), no peer.
 * Input: runs of 2..8 bits (+-1) blurred by a Gaussian spot (sigma 0.6
 * bits), bit rate 0.5 % above nominal, noise 0.05. Items are input samples.
 * Extra counters: ns_per_sample and cycles_per_sample (time x the nominal
 * clock rate that Google Benchmark reports).
 */
#include "bench_util.h"
#include "timing_recovery.h"
#include <gnuradio/digital/constellation.h>
#include <gnuradio/digital/symbol_sync_ff.h>
#include <gnuradio/ecdisc/timing_recovery.h>
#include <cmath>

namespace {

constexpr size_t N = 1 << 22;
constexpr double SPS = 4.0;
constexpr double BW = 0.01;
constexpr double ZETA = 0.7071067811865476;

const std::vector<float>& samples()
{
    static const auto v = [] {
        std::mt19937 rng(7);
        std::normal_distribution<double> gn(0.0, 0.05);
        const double T = SPS / 1.005, sigma = 0.6;
        const size_t K = static_cast<size_t>(N / T) + 16;
        std::vector<int> a;
        int lv = -1;
        while (a.size() < K) {
            a.insert(a.end(), 2 + rng() % 7, lv);
            lv = -lv;
        }
        auto lvl = [&](long k) { return k < 0 ? -1 : a[static_cast<size_t>(k)]; };
        std::vector<float> x(N);
        for (size_t n = 0; n < N; n++) {
            const double t = n / T;
            const long k0 = static_cast<long>(std::floor(t)) - 5;
            double s = lvl(k0);
            for (long k = k0 + 1; k <= k0 + 10; k++)
                if (lvl(k) != lvl(k - 1))
                    s += (lvl(k) - lvl(k - 1)) * 0.5 *
                         std::erfc(-(t - static_cast<double>(k)) /
                                   (sigma * std::sqrt(2.0)));
            x[n] = static_cast<float>(s + gn(rng));
        }
        return x;
    }();
    return v;
}

void add_counters(benchmark::State& state)
{
    const double n = static_cast<double>(state.iterations()) * static_cast<double>(N);
    const double hz = benchmark::CPUInfo::Get().cycles_per_second;
    using C = benchmark::Counter;
    state.counters["ns_per_sample"] = C(n * 1e-9, C::kIsRate | C::kInvert);
    state.counters["cycles_per_sample"] = C(n / hz, C::kIsRate | C::kInvert);
}

void tr_kernel(benchmark::State& state)
{
    const auto& x = samples();
    std::vector<float> out(N);
    for (auto _ : state) {
        ecdisc::timing_recovery tr(SPS, BW, ZETA, 0.02, 4096);
        size_t used = 0;
        const size_t k = tr.process(x.data(), x.size(), out.data(), out.size(), &used);
        benchmark::DoNotOptimize(k);
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(state.iterations() * N);
    add_counters(state);
}
BENCHMARK(tr_kernel)->Name("timing_recovery_kernel/ours")->Unit(benchmark::kMillisecond);

void tr_ours(benchmark::State& state)
{
    ecdisc_bench::time_block<float>(
        state,
        samples(),
        [] { return gr::ecdisc::timing_recovery::make(SPS, BW, ZETA, 0.02, 4096); },
        sizeof(float));
    add_counters(state);
}
void tr_peer(benchmark::State& state)
{
    ecdisc_bench::time_block<float>(
        state,
        samples(),
        [] {
            return gr::digital::symbol_sync_ff::make(
                gr::digital::TED_ZERO_CROSSING,
                SPS,
                BW,
                ZETA,
                0.5f,        // ted_gain
                0.02f * SPS, // max_deviation, samples
                1,
                gr::digital::constellation_bpsk::make()->base(),
                gr::digital::IR_MMSE_8TAP);
        },
        sizeof(float));
    add_counters(state);
}
ECDISC_FLOWGRAPH_BENCHMARK(tr_ours, "timing_recovery", "ours");
ECDISC_FLOWGRAPH_BENCHMARK(tr_peer, "timing_recovery", "gnuradio");

} // namespace
