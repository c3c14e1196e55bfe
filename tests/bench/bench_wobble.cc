/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * wobble_decoder: our wobble address decoder (PLL once per wobble, per-
 *     sample correlation, sync and RS) on a noisy wobble at 1 sample per
 *     channel bit vs digital::costas_loop_cc (order 2: a per-sample BPSK
 *     carrier loop, the nearest in-tree peer) on the same samples as the
 *     real part of a complex stream. Items: samples.
 * wobble_encoder: our address wobble source vs analog::sig_source_f
 *     (a plain sine at the wobble frequency). Items: samples.
 * servo_fes: servo_error fes_astigmatic on 4 channels vs the GNU Radio
 *     chain add_ff(A, C), add_ff(B, D), sub_ff, add_ff(4), divide_ff.
 *     Items: samples per channel.
 * servo_rf_sum: servo_error rf_sum vs add_ff with 4 inputs.
 */
#include "bench_util.h"
#include "wobble_address.h"
#include <gnuradio/analog/sig_source.h>
#include <gnuradio/blocks/add_blk.h>
#include <gnuradio/blocks/divide.h>
#include <gnuradio/blocks/float_to_complex.h>
#include <gnuradio/blocks/head.h>
#include <gnuradio/blocks/sub.h>
#include <gnuradio/digital/costas_loop_cc.h>
#include <gnuradio/ecdisc/servo_error.h>
#include <gnuradio/ecdisc/wobble_address_decoder.h>
#include <gnuradio/ecdisc/wobble_address_encoder.h>
#include <cmath>

namespace {

constexpr size_t N = 1 << 22;

const std::vector<float>& wobble()
{
    static const auto v = [] {
        ecdisc::wobble_format fmt;
        ecdisc::wobble_address_modulator mod(fmt, { 1, 1000, 0 });
        std::vector<float> x(N);
        mod.generate(0.0, 1.0, x.data(), N);
        std::mt19937 rng(5);
        std::normal_distribution<float> g(0.0f, 1.0f);
        for (auto& s : x)
            s += g(rng);
        return x;
    }();
    return v;
}

void wobble_decoder_ours(benchmark::State& state)
{
    ecdisc_bench::time_block<float>(
        state,
        wobble(),
        [] { return gr::ecdisc::wobble_address_decoder::make(1.0); },
        sizeof(float));
}
ECDISC_FLOWGRAPH_BENCHMARK(wobble_decoder_ours, "wobble_decoder", "ours");

void wobble_decoder_peer(benchmark::State& state)
{
    ecdisc_bench::time_flowgraph(
        state,
        [] {
            auto tb = gr::make_top_block("bench");
            auto src = gr::blocks::vector_source<float>::make(wobble());
            auto f2c = gr::blocks::float_to_complex::make();
            auto costas = gr::digital::costas_loop_cc::make(0.01, 2);
            tb->connect(src, 0, f2c, 0);
            tb->connect(f2c, 0, costas, 0);
            tb->connect(costas, 0, gr::blocks::null_sink::make(sizeof(gr_complex)), 0);
            return tb;
        },
        static_cast<int64_t>(N));
}
ECDISC_FLOWGRAPH_BENCHMARK(wobble_decoder_peer, "wobble_decoder", "gnuradio");

void wobble_encoder_ours(benchmark::State& state)
{
    ecdisc_bench::time_flowgraph(
        state,
        [] {
            auto tb = gr::make_top_block("bench");
            auto enc = gr::ecdisc::wobble_address_encoder::make(1, 1000, 0, 1.0);
            auto head = gr::blocks::head::make(sizeof(float), N);
            tb->connect(enc, 0, head, 0);
            tb->connect(head, 0, gr::blocks::null_sink::make(sizeof(float)), 0);
            return tb;
        },
        static_cast<int64_t>(N));
}
ECDISC_FLOWGRAPH_BENCHMARK(wobble_encoder_ours, "wobble_encoder", "ours");

void wobble_encoder_peer(benchmark::State& state)
{
    ecdisc_bench::time_flowgraph(
        state,
        [] {
            auto tb = gr::make_top_block("bench");
            auto sig = gr::analog::sig_source_f::make(69.0, gr::analog::GR_SIN_WAVE, 1.0, 1.0);
            auto head = gr::blocks::head::make(sizeof(float), N);
            tb->connect(sig, 0, head, 0);
            tb->connect(head, 0, gr::blocks::null_sink::make(sizeof(float)), 0);
            return tb;
        },
        static_cast<int64_t>(N));
}
ECDISC_FLOWGRAPH_BENCHMARK(wobble_encoder_peer, "wobble_encoder", "gnuradio");

const std::vector<float>& channel(int k)
{
    static const auto v = [] {
        std::vector<std::vector<float>> c(4, std::vector<float>(N));
        std::mt19937 rng(9);
        std::uniform_real_distribution<float> u(0.05f, 0.3f);
        for (auto& ch : c)
            for (auto& s : ch)
                s = u(rng);
        return c;
    }();
    return v[static_cast<size_t>(k)];
}

gr::top_block_sptr four_sources(std::vector<gr::basic_block_sptr>& src)
{
    auto tb = gr::make_top_block("bench");
    for (int k = 0; k < 4; k++)
        src.push_back(gr::blocks::vector_source<float>::make(channel(k)));
    return tb;
}

void servo_fes_ours(benchmark::State& state)
{
    channel(0);
    ecdisc_bench::time_flowgraph(
        state,
        [] {
            std::vector<gr::basic_block_sptr> src;
            auto tb = four_sources(src);
            auto blk = gr::ecdisc::servo_error::make("fes_astigmatic");
            for (int k = 0; k < 4; k++)
                tb->connect(src[size_t(k)], 0, blk, k);
            tb->connect(blk, 0, gr::blocks::null_sink::make(sizeof(float)), 0);
            return tb;
        },
        static_cast<int64_t>(N));
}
ECDISC_FLOWGRAPH_BENCHMARK(servo_fes_ours, "servo_fes", "ours");

void servo_fes_peer(benchmark::State& state)
{
    channel(0);
    ecdisc_bench::time_flowgraph(
        state,
        [] {
            std::vector<gr::basic_block_sptr> src;
            auto tb = four_sources(src);
            auto ac = gr::blocks::add_ff::make();
            auto bd = gr::blocks::add_ff::make();
            auto sum = gr::blocks::add_ff::make();
            auto diff = gr::blocks::sub_ff::make();
            auto div = gr::blocks::divide_ff::make();
            tb->connect(src[0], 0, ac, 0);
            tb->connect(src[2], 0, ac, 1);
            tb->connect(src[1], 0, bd, 0);
            tb->connect(src[3], 0, bd, 1);
            tb->connect(ac, 0, diff, 0);
            tb->connect(bd, 0, diff, 1);
            tb->connect(ac, 0, sum, 0);
            tb->connect(bd, 0, sum, 1);
            tb->connect(diff, 0, div, 0);
            tb->connect(sum, 0, div, 1);
            tb->connect(div, 0, gr::blocks::null_sink::make(sizeof(float)), 0);
            return tb;
        },
        static_cast<int64_t>(N));
}
ECDISC_FLOWGRAPH_BENCHMARK(servo_fes_peer, "servo_fes", "gnuradio");

void servo_rf_sum_ours(benchmark::State& state)
{
    channel(0);
    ecdisc_bench::time_flowgraph(
        state,
        [] {
            std::vector<gr::basic_block_sptr> src;
            auto tb = four_sources(src);
            auto blk = gr::ecdisc::servo_error::make("rf_sum");
            for (int k = 0; k < 4; k++)
                tb->connect(src[size_t(k)], 0, blk, k);
            tb->connect(blk, 0, gr::blocks::null_sink::make(sizeof(float)), 0);
            return tb;
        },
        static_cast<int64_t>(N));
}
ECDISC_FLOWGRAPH_BENCHMARK(servo_rf_sum_ours, "servo_rf_sum", "ours");

void servo_rf_sum_peer(benchmark::State& state)
{
    channel(0);
    ecdisc_bench::time_flowgraph(
        state,
        [] {
            std::vector<gr::basic_block_sptr> src;
            auto tb = four_sources(src);
            auto add = gr::blocks::add_ff::make();
            for (int k = 0; k < 4; k++)
                tb->connect(src[size_t(k)], 0, add, k);
            tb->connect(add, 0, gr::blocks::null_sink::make(sizeof(float)), 0);
            return tb;
        },
        static_cast<int64_t>(N));
}
ECDISC_FLOWGRAPH_BENCHMARK(servo_rf_sum_peer, "servo_rf_sum", "gnuradio");

} // namespace
