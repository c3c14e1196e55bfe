/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Foundation stages against their closest GNU Radio in-tree peers:
 *  write_strategy: ours (2 beams, trimmed single pulse; the kernel also alone
 *      in multi-pulse with gated assist, beam delay and voltage output) vs
 *      filter::interp_fir_filter_fff(sps, sps rectangular taps), the in-tree
 *      way to turn levels into an untrimmed rectangular pulse train (1 output).
 *  rf_frontend: ours (1 channel) vs filter::dc_blocker_ff(32) -> analog::agc2_ff.
 *  slicer_cdr: ours vs digital::symbol_sync_ff(Gardner TED, same sps and loop
 *      bandwidth, MMSE 8-tap interpolator) -> digital::binary_slicer_fb.
 *  ber_counter: ours (two streams, alignment, counting) vs gr-fec's ber_bf
 *      on the same bits packed 8 per byte (pack_k_bits_bb on each input).
 * Items are channel bits in every row.
 */
#include "bench_util.h"
#include "rf_frontend.h"
#include "slicer_cdr.h"
#include "write_strategy.h"
#include <gnuradio/analog/agc2_ff.h>
#include <gnuradio/blocks/pack_k_bits_bb.h>
#include <gnuradio/digital/binary_slicer_fb.h>
#include <gnuradio/digital/symbol_sync_ff.h>
#include <gnuradio/ecdisc/ber_counter.h>
#include <gnuradio/ecdisc/rf_frontend.h>
#include <gnuradio/ecdisc/slicer_cdr.h>
#include <gnuradio/ecdisc/write_strategy.h>
#include <gnuradio/fec/ber_bf.h>
#include <gnuradio/filter/dc_blocker_ff.h>
#include <gnuradio/filter/interp_fir_filter.h>
#include <cmath>

namespace {

constexpr size_t NBITS = 1 << 20;
constexpr int SPS = 4;

//! NRZI-like levels: runs of 2..8 equal bits
const std::vector<uint8_t>& levels()
{
    static const auto v = [] {
        std::mt19937 rng(5);
        std::vector<uint8_t> l;
        uint8_t lv = 0;
        while (l.size() < NBITS) {
            l.insert(l.end(), 2 + rng() % 7, lv);
            lv ^= 1;
        }
        l.resize(NBITS);
        return l;
    }();
    return v;
}

const std::vector<float>& levels_f()
{
    static const std::vector<float> v(levels().begin(), levels().end());
    return v;
}

//! +-1 NRZ of levels() at SPS samples per bit, box-integrated at 1% rate
//! offset, DC 0.5, Gaussian noise 0.1
const std::vector<float>& rf()
{
    static const auto v = [] {
        const double T = SPS * 1.01, phase = 0.7;
        const auto& b = levels();
        const size_t n = static_cast<size_t>(b.size() * T) - 2;
        std::vector<float> x(n);
        std::mt19937 rng(9);
        std::normal_distribution<double> g(0.0, 0.1);
        auto level = [&](double t) {
            const double k = std::floor((t - phase) / T);
            if (k < 0 || k >= b.size())
                return -1.0;
            return b[static_cast<size_t>(k)] ? 1.0 : -1.0;
        };
        for (size_t i = 0; i < n; i++) {
            const double lo = i - 0.5, hi = i + 0.5;
            const double edge = phase + std::floor((hi - phase) / T) * T;
            const double s =
                edge > lo ? (edge - lo) * level(lo) + (hi - edge) * level(hi - 1e-9)
                          : level(lo);
            x[i] = static_cast<float>(s + 0.5 + g(rng));
        }
        return x;
    }();
    return v;
}

// ---- write_strategy ----------------------------------------------------
void ws_kernel(benchmark::State& state)
{
    ecdisc::write_strategy ws(SPS, 6.0, 0.5, 3.0, 0.25, 0.75);
    std::vector<float> b0(NBITS * SPS), b1(NBITS * SPS);
    for (auto _ : state) {
        ws.process(levels().data(), b0.data(), b1.data(), NBITS);
        benchmark::DoNotOptimize(b1.data());
    }
    state.SetItemsProcessed(state.iterations() * NBITS);
}
BENCHMARK(ws_kernel)->Name("write_strategy_kernel/ours")->Unit(benchmark::kMillisecond);

// The pulse-train path: multi-pulse, gated assist, a beam delay of 537
// samples (10 um at BD 1x) and the voltage output, all on.
void ws_kernel_train(benchmark::State& state)
{
    ecdisc::write_strategy ws(SPS,
                              6.0,
                              0.5,
                              3.0,
                              0.25,
                              0.75,
                              "multi_pulse",
                              0.5,
                              0.5,
                              0.5,
                              0.5,
                              1.0,
                              0.5,
                              4.0,
                              "gated",
                              0.5,
                              537,
                              0.0);
    std::vector<float> b0(NBITS * SPS), b1(NBITS * SPS), v(NBITS * SPS);
    for (auto _ : state) {
        ws.process(levels().data(), b0.data(), b1.data(), v.data(), NBITS);
        benchmark::DoNotOptimize(b1.data());
    }
    state.SetItemsProcessed(state.iterations() * NBITS);
}
BENCHMARK(ws_kernel_train)
    ->Name("write_strategy_kernel/multi_pulse_gated_delay")
    ->Unit(benchmark::kMillisecond);

void ws_ours(benchmark::State& state)
{
    ecdisc_bench::time_block<uint8_t>(
        state,
        levels(),
        [] { return gr::ecdisc::write_strategy::make(SPS, 6.0, 0.5, 3.0, 0.25, 0.75); },
        sizeof(float),
        2);
}
void ws_peer(benchmark::State& state)
{
    ecdisc_bench::time_block<float>(
        state,
        levels_f(),
        [] {
            return gr::filter::interp_fir_filter_fff::make(SPS,
                                                           std::vector<float>(SPS, 5.5f));
        },
        sizeof(float));
}
ECDISC_FLOWGRAPH_BENCHMARK(ws_ours, "write_strategy", "ours");
ECDISC_FLOWGRAPH_BENCHMARK(ws_peer, "write_strategy", "gnuradio");

// ---- rf_frontend ---------------------------------------------------------
void fe_ours(benchmark::State& state)
{
    ecdisc_bench::time_flowgraph(
        state,
        [] {
            auto tb = gr::make_top_block("bench");
            auto src = gr::blocks::vector_source<float>::make(rf());
            auto fe = gr::ecdisc::rf_frontend::make(1, 1e-3, 1e-3, false);
            tb->connect(src, 0, fe, 0);
            tb->connect(fe, 0, gr::blocks::null_sink::make(sizeof(float)), 0);
            return tb;
        },
        static_cast<int64_t>(NBITS));
}
void fe_peer(benchmark::State& state)
{
    ecdisc_bench::time_flowgraph(
        state,
        [] {
            auto tb = gr::make_top_block("bench");
            auto src = gr::blocks::vector_source<float>::make(rf());
            auto dc = gr::filter::dc_blocker_ff::make(32, true);
            auto agc = gr::analog::agc2_ff::make(1e-3f, 1e-3f, 1.0f, 1.0f);
            tb->connect(src, 0, dc, 0);
            tb->connect(dc, 0, agc, 0);
            tb->connect(agc, 0, gr::blocks::null_sink::make(sizeof(float)), 0);
            return tb;
        },
        static_cast<int64_t>(NBITS));
}
ECDISC_FLOWGRAPH_BENCHMARK(fe_ours, "rf_frontend", "ours");
ECDISC_FLOWGRAPH_BENCHMARK(fe_peer, "rf_frontend", "gnuradio");

// ---- slicer_cdr ------------------------------------------------------------
// Input: the RF after DC removal (the front end is not part of this row).
const std::vector<float>& rf_ac()
{
    static const auto v = [] {
        auto x = rf();
        for (auto& s : x)
            s -= 0.5f;
        return x;
    }();
    return v;
}

void cdr_kernel(benchmark::State& state)
{
    std::vector<uint8_t> out(NBITS + 16);
    for (auto _ : state) {
        ecdisc::slicer_cdr s(SPS, 0.02, 0.0);
        size_t used = 0;
        const size_t k =
            s.process(rf_ac().data(), rf_ac().size(), out.data(), out.size(), &used);
        benchmark::DoNotOptimize(k);
    }
    state.SetItemsProcessed(state.iterations() * NBITS);
}
BENCHMARK(cdr_kernel)->Name("slicer_cdr_kernel/ours")->Unit(benchmark::kMillisecond);

void cdr_ours(benchmark::State& state)
{
    ecdisc_bench::time_block<float>(
        state, rf_ac(), [] { return gr::ecdisc::slicer_cdr::make(SPS, 0.02, 0.0); }, 1);
    state.SetItemsProcessed(state.iterations() * NBITS);
}
void cdr_peer(benchmark::State& state)
{
    ecdisc_bench::time_flowgraph(
        state,
        [] {
            auto tb = gr::make_top_block("bench");
            auto src = gr::blocks::vector_source<float>::make(rf_ac());
            auto sync = gr::digital::symbol_sync_ff::make(
                gr::digital::TED_GARDNER, SPS, 0.02f, 1.0f, 1.0f, 1.5f, 1);
            auto sl = gr::digital::binary_slicer_fb::make();
            tb->connect(src, 0, sync, 0);
            tb->connect(sync, 0, sl, 0);
            tb->connect(sl, 0, gr::blocks::null_sink::make(1), 0);
            return tb;
        },
        static_cast<int64_t>(NBITS));
}
ECDISC_FLOWGRAPH_BENCHMARK(cdr_ours, "slicer_cdr", "ours");
ECDISC_FLOWGRAPH_BENCHMARK(cdr_peer, "slicer_cdr", "gnuradio");

// ---- ber_counter -----------------------------------------------------------
const std::vector<uint8_t>& received()
{
    static const auto v = [] {
        auto r = ecdisc_bench::random_bytes(NBITS, true, 3);
        const auto& ref = levels();
        for (size_t j = 100; j < NBITS; j++)
            r[j] = ref[j - 100] ^ ((j % 1000) == 0 ? 1 : 0);
        return r;
    }();
    return v;
}

void ber_ours(benchmark::State& state)
{
    ecdisc_bench::time_flowgraph(
        state,
        [] {
            auto tb = gr::make_top_block("bench");
            auto a = gr::blocks::vector_source<uint8_t>::make(levels());
            auto b = gr::blocks::vector_source<uint8_t>::make(received());
            auto bc = gr::ecdisc::ber_counter::make(1024, 2048);
            tb->connect(a, 0, bc, 0);
            tb->connect(b, 0, bc, 1);
            return tb;
        },
        static_cast<int64_t>(NBITS));
}
void ber_peer(benchmark::State& state)
{
    ecdisc_bench::time_flowgraph(
        state,
        [] {
            auto tb = gr::make_top_block("bench");
            auto a = gr::blocks::vector_source<uint8_t>::make(levels());
            auto b = gr::blocks::vector_source<uint8_t>::make(received());
            auto pa = gr::blocks::pack_k_bits_bb::make(8);
            auto pb = gr::blocks::pack_k_bits_bb::make(8);
            auto ber = gr::fec::ber_bf::make(false);
            tb->connect(a, 0, pa, 0);
            tb->connect(b, 0, pb, 0);
            tb->connect(pa, 0, ber, 0);
            tb->connect(pb, 0, ber, 1);
            tb->connect(ber, 0, gr::blocks::null_sink::make(sizeof(float)), 0);
            return tb;
        },
        static_cast<int64_t>(NBITS));
}
ECDISC_FLOWGRAPH_BENCHMARK(ber_ours, "ber_counter", "ours");
ECDISC_FLOWGRAPH_BENCHMARK(ber_peer, "ber_counter", "gnuradio");

} // namespace
