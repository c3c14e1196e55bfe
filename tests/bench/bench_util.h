/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Helpers for ecdisc-perf. A row is a pair of Google Benchmark functions
 * named "<row>/ours" and "<row>/gnuradio"; the reporter in bench_main.cc
 * prints their items/s side by side with the ratio ours / gnuradio.
 */
#ifndef ECDISC_BENCH_UTIL_H
#define ECDISC_BENCH_UTIL_H

#include <gnuradio/basic_block.h>
#include <gnuradio/blocks/null_sink.h>
#include <gnuradio/blocks/vector_source.h>
#include <gnuradio/top_block.h>
#include <benchmark/benchmark.h>
#include <chrono>
#include <functional>
#include <random>
#include <vector>

/*! Registers a flowgraph benchmark as "<row>/<who>" (who: ours or gnuradio).
 *  Flowgraphs run in scheduler threads, so these rows time wall clock. */
#define ECDISC_FLOWGRAPH_BENCHMARK(fn, row, who) \
    BENCHMARK(fn)->Name(row "/" who)->Unit(benchmark::kMillisecond)->UseRealTime()

namespace ecdisc_bench {

//! random bytes, each 0 or 1 when bits is true
inline std::vector<uint8_t> random_bytes(size_t n, bool bits, unsigned seed = 1)
{
    std::mt19937 rng(seed);
    std::vector<uint8_t> v(n);
    for (auto& x : v)
        x = bits ? (rng() & 1u) : static_cast<uint8_t>(rng());
    return v;
}

/*! Times whole flowgraph runs: build() returns a fresh top block (not timed),
 *  whose run() is timed. items: the number of items one run processes. */
inline void time_flowgraph(benchmark::State& state,
                           const std::function<gr::top_block_sptr()>& build,
                           int64_t items)
{
    for (auto _ : state) {
        state.PauseTiming();
        auto tb = build();
        state.ResumeTiming();
        tb->run();
        state.PauseTiming();
        tb.reset();
        state.ResumeTiming();
    }
    state.SetItemsProcessed(state.iterations() * items);
}

/*! Times one block in the flowgraph vector_source<T>(data) -> block ->
 *  null_sink(s), the same harness for our block and its GNU Radio peer.
 *  n_outputs: how many outputs of the block to terminate. */
template <typename T>
void time_block(benchmark::State& state,
                const std::vector<T>& data,
                const std::function<gr::basic_block_sptr()>& make,
                size_t out_itemsize,
                int n_outputs = 1)
{
    time_flowgraph(
        state,
        [&] {
            auto tb = gr::make_top_block("bench");
            auto src = gr::blocks::vector_source<T>::make(data);
            auto blk = make();
            tb->connect(src, 0, blk, 0);
            for (int k = 0; k < n_outputs; k++)
                tb->connect(blk, k, gr::blocks::null_sink::make(out_itemsize), 0);
            return tb;
        },
        static_cast<int64_t>(data.size()));
}

} // namespace ecdisc_bench

#endif
