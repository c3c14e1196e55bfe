/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * viterbi_pr1221: our prml_viterbi (PR(1,2,2,1), d = 1 constrained trellis
 * of 8 states (6 reachable), decision delay 128, hard output only) vs
 * gr-trellis viterbi_combined_fb on the *unconstrained* 8-state PR(1,2,2,1)
 * ISI trellis (fsm(I=2, S=8, O=16) built from NS/OS, Euclidean metric on a
 * 16-entry table of noiseless outputs, blocks of K = 1024 bits, unknown
 * start and end states). gr-trellis' fsm cannot remove branches, so the
 * peer runs the plain ISI trellis: same state count, more branches alive.
 * Input: the PR(1,2,2,1) signal of runs 2..8 plus Gaussian noise (sigma 0.8).
 * Items are channel bits. On a 2-core machine the harness alone (vector
 * source -> blocks::copy -> null sink) runs at ~330 M items/s, and the
 * peer at ~25 M/s: the flowgraph ratio is capped near 13x whatever the
 * kernel speed.
 * viterbi_pr1221_kernel: the kernels alone, no scheduler. The flowgraph row
 * above is capped by the scheduler and harness (see above), so it cannot
 * show how the detectors themselves compare; this row calls our
 * prml_viterbi::process() and, in the same run, the very same gr-trellis
 * viterbi_combined_fb block as the flowgraph row (same fsm, table, K = 1024,
 * D = 1, unknown start/end states) through its public general_work() on the
 * same 2^20 noisy samples, one call per iteration (forecast: 1 sample per
 * output bit; output_multiple K, NBITS is a multiple of K). Both are timed
 * in CPU time. ours runs the best kernel this CPU has (AVX-512, AVX2 or
 * SSE2, chosen at run time); ours_sse2 / ours_avx2 force the lower ones
 * (same decisions), with_reliability times our SOVA output (no peer).
 * viterbi_pr1221_kernel_parallel: the same, ours in the segment-parallel
 * mode (parallel_segment 8192, warm-up = decision delay 128: four segment
 * trellises interleaved, ~3% extra steps, latency 4 * 8192 + 127; the
 * decisions equal the sequential ones on this signal), against the same
 * direct general_work() peer; ours_p4096 with segments of 4096, ours_avx2 /
 * ours_sse2 force the lower kernels (same decisions).
 */
#include "bench_util.h"
#include "prml_viterbi.h"
#include <gnuradio/block_detail.h>
#include <gnuradio/ecdisc/prml_viterbi.h>
#include <gnuradio/trellis/fsm.h>
#include <gnuradio/trellis/viterbi_combined.h>

namespace {

constexpr size_t NBITS = 1 << 20;
const std::vector<double> PR1221{ 1, 2, 2, 1 };

const std::vector<float>& pr_signal()
{
    static const auto v = [] {
        std::mt19937 rng(5);
        std::vector<uint8_t> x;
        uint8_t lv = 0;
        while (x.size() < NBITS) {
            x.insert(x.end(), 2 + rng() % 7, lv);
            lv ^= 1;
        }
        x.resize(NBITS);
        std::normal_distribution<double> g(0.0, 0.8);
        std::vector<float> y(NBITS);
        for (size_t n = 0; n < NBITS; n++) {
            double s = 0.0;
            for (size_t i = 0; i < PR1221.size(); i++)
                s += PR1221[i] * (x[n >= i ? n - i : 0] ? 1.0 : -1.0);
            y[n] = static_cast<float>(s + g(rng));
        }
        return y;
    }();
    return v;
}

void vit_kernel(benchmark::State& state,
                bool with_rel,
                ecdisc::prml_viterbi::simd simd = ecdisc::prml_viterbi::simd::avx512)
{
    ecdisc::prml_viterbi v(PR1221);
    if (v.use_simd(simd) != simd && simd != ecdisc::prml_viterbi::simd::avx512) {
        state.SkipWithError("kernel not available on this CPU");
        return;
    }
    std::vector<uint8_t> out(NBITS);
    std::vector<float> rel(NBITS);
    for (auto _ : state) {
        v.process(pr_signal().data(), NBITS, out.data(), with_rel ? rel.data() : nullptr);
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(state.iterations() * NBITS);
}
void vit_kernel_hard(benchmark::State& state) { vit_kernel(state, false); }
void vit_kernel_rel(benchmark::State& state) { vit_kernel(state, true); }
void vit_kernel_sse2(benchmark::State& state)
{
    vit_kernel(state, false, ecdisc::prml_viterbi::simd::baseline);
}
void vit_kernel_avx2(benchmark::State& state)
{
    vit_kernel(state, false, ecdisc::prml_viterbi::simd::avx2);
}
void vit_kernel_parallel(benchmark::State& state,
                         int segment,
                         ecdisc::prml_viterbi::simd simd = ecdisc::prml_viterbi::simd::avx512)
{
    ecdisc::prml_viterbi v(PR1221, 0, 1.0, segment);
    if (v.parallel_segment() != static_cast<size_t>(segment)) {
        state.SkipWithError("segment-parallel mode not available");
        return;
    }
    if (v.use_simd(simd) != simd && simd != ecdisc::prml_viterbi::simd::avx512) {
        state.SkipWithError("kernel not available on this CPU");
        return;
    }
    std::vector<uint8_t> out(NBITS);
    for (auto _ : state) {
        v.process(pr_signal().data(), NBITS, out.data());
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(state.iterations() * NBITS);
}
void vit_kernel_par8192(benchmark::State& state) { vit_kernel_parallel(state, 8192); }
void vit_kernel_par4096(benchmark::State& state) { vit_kernel_parallel(state, 4096); }
BENCHMARK(vit_kernel_par8192)
    ->Name("viterbi_pr1221_kernel_parallel/ours")
    ->Unit(benchmark::kMillisecond);
void vit_kernel_par_avx2(benchmark::State& state)
{
    vit_kernel_parallel(state, 8192, ecdisc::prml_viterbi::simd::avx2);
}
void vit_kernel_par_sse2(benchmark::State& state)
{
    vit_kernel_parallel(state, 8192, ecdisc::prml_viterbi::simd::baseline);
}
BENCHMARK(vit_kernel_par4096)
    ->Name("viterbi_pr1221_kernel_parallel/ours_p4096")
    ->Unit(benchmark::kMillisecond);
BENCHMARK(vit_kernel_par_avx2)
    ->Name("viterbi_pr1221_kernel_parallel/ours_avx2")
    ->Unit(benchmark::kMillisecond);
BENCHMARK(vit_kernel_par_sse2)
    ->Name("viterbi_pr1221_kernel_parallel/ours_sse2")
    ->Unit(benchmark::kMillisecond);
BENCHMARK(vit_kernel_hard)
    ->Name("viterbi_pr1221_kernel/ours")
    ->Unit(benchmark::kMillisecond);
BENCHMARK(vit_kernel_sse2)
    ->Name("viterbi_pr1221_kernel/ours_sse2")
    ->Unit(benchmark::kMillisecond);
BENCHMARK(vit_kernel_avx2)
    ->Name("viterbi_pr1221_kernel/ours_avx2")
    ->Unit(benchmark::kMillisecond);
BENCHMARK(vit_kernel_rel)
    ->Name("viterbi_pr1221_kernel/with_reliability")
    ->Unit(benchmark::kMillisecond);

void vit_ours(benchmark::State& state)
{
    ecdisc_bench::time_block<float>(
        state,
        pr_signal(),
        [] { return gr::ecdisc::prml_viterbi::make(PR1221); },
        sizeof(uint8_t));
}

//! unconstrained PR(1,2,2,1) trellis: state = x[n-1] + 2 x[n-2] + 4 x[n-3],
//! input x[n], output symbol x[n] + 2 x[n-1] + 4 x[n-2] + 8 x[n-3]
gr::trellis::fsm pr1221_fsm()
{
    std::vector<int> ns(16), os(16);
    for (int s = 0; s < 8; s++)
        for (int i = 0; i < 2; i++) {
            ns[s * 2 + i] = ((s << 1) | i) & 7;
            os[s * 2 + i] = (s << 1) | i;
        }
    return gr::trellis::fsm(2, 8, 16, ns, os);
}

std::vector<float> pr1221_table()
{
    std::vector<float> t(16);
    for (int o = 0; o < 16; o++) {
        double e = 0.0;
        for (int k = 0; k < 4; k++)
            e += PR1221[k] * (((o >> k) & 1) ? 1.0 : -1.0);
        t[o] = static_cast<float>(e);
    }
    return t;
}

void vit_peer(benchmark::State& state)
{
    static const auto fsm = pr1221_fsm();
    static const auto table = pr1221_table();
    ecdisc_bench::time_block<float>(
        state,
        pr_signal(),
        [] {
            return gr::trellis::viterbi_combined_fb::make(
                fsm, 1024, -1, -1, 1, table, gr::digital::TRELLIS_EUCLIDEAN);
        },
        sizeof(uint8_t));
}
ECDISC_FLOWGRAPH_BENCHMARK(vit_ours, "viterbi_pr1221", "ours");
ECDISC_FLOWGRAPH_BENCHMARK(vit_peer, "viterbi_pr1221", "gnuradio");

//! the peer of viterbi_pr1221_kernel/ours: viterbi_combined_fb::general_work
//! called directly, as the scheduler would, but with no scheduler around it
void vit_kernel_peer(benchmark::State& state)
{
    constexpr int K = 1024;
    static_assert(NBITS % K == 0, "whole trellis blocks only");
    auto blk = gr::trellis::viterbi_combined_fb::make(
        pr1221_fsm(), K, -1, -1, 1, pr1221_table(), gr::digital::TRELLIS_EUCLIDEAN);
    // general_work() ends with consume_each(), which goes to the block's
    // detail; a detail without buffers makes that a no-op (we pass the
    // buffers ourselves)
    blk->set_detail(gr::make_block_detail(0, 0));
    const int nout = static_cast<int>(NBITS);
    gr_vector_int need(1);
    blk->forecast(nout, need);
    if (need[0] != nout || nout % blk->output_multiple() != 0) {
        state.SkipWithError("unexpected forecast / output multiple");
        return;
    }
    std::vector<uint8_t> out(NBITS);
    for (auto _ : state) {
        gr_vector_int nin{ need[0] };
        gr_vector_const_void_star in{ pr_signal().data() };
        gr_vector_void_star outv{ out.data() };
        const int r = blk->general_work(nout, nin, in, outv);
        benchmark::DoNotOptimize(out.data());
        if (r != nout) {
            state.SkipWithError("general_work returned fewer items");
            return;
        }
    }
    state.SetItemsProcessed(state.iterations() * NBITS);
}
BENCHMARK(vit_kernel_peer)
    ->Name("viterbi_pr1221_kernel/gnuradio")
    ->Unit(benchmark::kMillisecond);
BENCHMARK(vit_kernel_peer)
    ->Name("viterbi_pr1221_kernel_parallel/gnuradio")
    ->Unit(benchmark::kMillisecond);

} // namespace
