/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Bench I/O and servo rows:
 *  - adc_to_photocurrent (the linear channel assist_det of
 *    media/bench_calibration_example.yml: (adc - offset) * gain) beside the
 *    GNU Radio chain doing the same arithmetic, add_const_ff ->
 *    multiply_const_ff;
 *  - servo_loop (two error inputs, focus and tracking drives out, one
 *    update every 100 samples at 10 MS/s) beside two iir_filter_ffd of the
 *    same order running at the full rate (GNU Radio has no servo loop; the
 *    peer is the nearest per-sample filtering work, and does more of it).
 */
#include "bench_util.h"
#include <gnuradio/blocks/add_const_ff.h>
#include <gnuradio/blocks/multiply_const.h>
#include <gnuradio/ecdisc/adc_to_photocurrent.h>
#include <gnuradio/ecdisc/servo_loop.h>
#include <gnuradio/filter/iir_filter_ffd.h>
#include <random>

namespace {

constexpr size_t N = 1 << 22;

const std::vector<float>& adc_samples()
{
    static const auto v = [] {
        std::mt19937 rng(3);
        std::uniform_real_distribution<float> u(-0.9f, 0.9f);
        std::vector<float> x(N);
        for (auto& s : x)
            s = u(rng);
        return x;
    }();
    return v;
}

void adc_ours(benchmark::State& state)
{
    ecdisc_bench::time_block<float>(
        state,
        adc_samples(),
        [] {
            return gr::ecdisc::adc_to_photocurrent::make(
                ECDISC_SOURCE_DIR "/media/bench_calibration_example.yml", "assist_det");
        },
        sizeof(float));
}
ECDISC_FLOWGRAPH_BENCHMARK(adc_ours, "adc_to_photocurrent", "ours");

void adc_gnuradio(benchmark::State& state)
{
    ecdisc_bench::time_flowgraph(
        state,
        [] {
            auto tb = gr::make_top_block("bench");
            auto src = gr::blocks::vector_source<float>::make(adc_samples());
            auto off = gr::blocks::add_const_ff::make(-0.012f);
            auto gain = gr::blocks::multiply_const_ff::make(4.0f);
            tb->connect(src, 0, off, 0);
            tb->connect(off, 0, gain, 0);
            tb->connect(gain, 0, gr::blocks::null_sink::make(sizeof(float)), 0);
            return tb;
        },
        static_cast<int64_t>(N));
}
ECDISC_FLOWGRAPH_BENCHMARK(adc_gnuradio, "adc_to_photocurrent", "gnuradio");

void servo_ours(benchmark::State& state)
{
    ecdisc_bench::time_flowgraph(
        state,
        [] {
            auto tb = gr::make_top_block("bench");
            auto fes = gr::blocks::vector_source<float>::make(adc_samples());
            auto tes = gr::blocks::vector_source<float>::make(adc_samples());
            auto loop = gr::ecdisc::servo_loop::make("", 10e6, true);
            tb->connect(fes, 0, loop, 0);
            tb->connect(tes, 0, loop, 1);
            tb->connect(loop, 0, gr::blocks::null_sink::make(sizeof(float)), 0);
            tb->connect(loop, 1, gr::blocks::null_sink::make(sizeof(float)), 0);
            return tb;
        },
        static_cast<int64_t>(N));
}
ECDISC_FLOWGRAPH_BENCHMARK(servo_ours, "servo_loop", "ours");

void servo_gnuradio(benchmark::State& state)
{
    ecdisc_bench::time_flowgraph(
        state,
        [] {
            auto tb = gr::make_top_block("bench");
            // third-order sections: integrator, lead and actuator orders
            const std::vector<double> b = { 0.02, 0.01, -0.01, 0.0 };
            const std::vector<double> a = { 1.0, -0.9, 0.2, -0.05 };
            for (int k = 0; k < 2; k++) {
                auto src = gr::blocks::vector_source<float>::make(adc_samples());
                auto iir = gr::filter::iir_filter_ffd::make(b, a, false);
                tb->connect(src, 0, iir, 0);
                tb->connect(iir, 0, gr::blocks::null_sink::make(sizeof(float)), 0);
            }
            return tb;
        },
        static_cast<int64_t>(N));
}
ECDISC_FLOWGRAPH_BENCHMARK(servo_gnuradio, "servo_loop", "gnuradio");

} // namespace
