/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * NRZI: our kernel and block against gr-digital's diff_encoder_bb(2).
 */
#include "bench_util.h"
#include "nrzi.h"
#include <gnuradio/digital/diff_encoder_bb.h>
#include <gnuradio/ecdisc/nrzi_encoder.h>

namespace {

constexpr size_t N = 1 << 22;

const std::vector<uint8_t>& bits()
{
    static const auto v = ecdisc_bench::random_bytes(N, true);
    return v;
}

// Kernel alone, no scheduler.
void nrzi_kernel_ours(benchmark::State& state)
{
    std::vector<uint8_t> out(N);
    ecdisc::nrzi_encoder enc;
    for (auto _ : state) {
        enc.encode(bits().data(), out.data(), N);
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(state.iterations() * N);
}
BENCHMARK(nrzi_kernel_ours)
    ->Name("nrzi_encode_kernel/ours")
    ->Unit(benchmark::kMillisecond);

// Flowgraph rows: the same source and sink around each block.
void nrzi_block_ours(benchmark::State& state)
{
    ecdisc_bench::time_block<uint8_t>(
        state, bits(), [] { return gr::ecdisc::nrzi_encoder::make(0); }, 1);
}
void nrzi_block_peer(benchmark::State& state)
{
    ecdisc_bench::time_block<uint8_t>(
        state, bits(), [] { return gr::digital::diff_encoder_bb::make(2); }, 1);
}
ECDISC_FLOWGRAPH_BENCHMARK(nrzi_block_ours, "nrzi_encode_block", "ours");
ECDISC_FLOWGRAPH_BENCHMARK(nrzi_block_peer, "nrzi_encode_block", "gnuradio");

} // namespace
