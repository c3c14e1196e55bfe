/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Medium simulator: a 2-beam read of the default stack (4 layers) with all
 * noise on (RIN, shot, mark-edge, amplifier),
 * against GNU Radio's channel simulator (channels.channel_model, noise on)
 * over the same number of samples. A second row reads the guide-layer stack
 * on a band of 4 tracks x 4 rows (media/guide_band_example.yml, 3 layers,
 * 2 beams): the cost of the cross-track dimension; a third the default stack
 * with the focus and tracking loops running inside (servo_default.yml).
 */
#include "bench_util.h"
#include <gnuradio/blocks/null_sink.h>
#include <gnuradio/blocks/vector_source.h>
#include <gnuradio/channels/channel_model.h>
#include <gnuradio/ecdisc/medium_sim.h>
#include <complex>

namespace {

constexpr size_t N = 1 << 21;

// Read powers: recording beam at 0.5 mW, assist at 0.5 mW, with a little
// ripple so that no stage can treat the input as constant.
const std::vector<float>& read_power(int beam)
{
    static const auto v = [] {
        std::vector<std::vector<float>> p(2, std::vector<float>(N));
        std::mt19937 rng(5);
        std::uniform_real_distribution<float> u(0.49f, 0.51f);
        for (auto& beam_p : p)
            for (auto& x : beam_p)
                x = u(rng);
        return p;
    }();
    return v[beam];
}

//! a 2-beam read of a medium file ("" = the default stack) at 0.5 mW
void medium_read(benchmark::State& state,
                 const std::string& file,
                 const std::vector<int>& focus,
                 const std::string& servo)
{
    ecdisc_bench::time_flowgraph(
        state,
        [&] {
            auto tb = gr::make_top_block("bench");
            auto medium =
                gr::ecdisc::medium_sim::make(file, 4, 65536, focus, {}, 1, "sum", servo, 1);
            for (int b = 0; b < 2; b++) {
                tb->connect(
                    gr::blocks::vector_source<float>::make(read_power(b)), 0, medium, b);
                tb->connect(medium, b, gr::blocks::null_sink::make(sizeof(float)), 0);
            }
            if (!servo.empty()) // the residual focus and tracking errors
                for (int k = 2; k < 4; k++)
                    tb->connect(medium, k, gr::blocks::null_sink::make(sizeof(float)), 0);
            return tb;
        },
        static_cast<int64_t>(N));
}

// default stack (4 layers), 2 beams, noise as in the medium file
void medium_read_ours(benchmark::State& state) { medium_read(state, "", { 1, 0 }, ""); }

// the same with the focus and tracking loops running inside (servo_default)
void medium_servo_read_ours(benchmark::State& state)
{
    medium_read(state, "", { 1, 0 }, "default");
}

void medium_band_read_ours(benchmark::State& state)
{
    medium_read(
        state, std::string(ECDISC_SOURCE_DIR) + "/media/guide_band_example.yml", { 0, 1 }, "");
}

void medium_read_peer(benchmark::State& state)
{
    static const std::vector<gr_complex> data(N, gr_complex(0.5f, 0.0f));
    ecdisc_bench::time_block<gr_complex>(
        state,
        data,
        [] {
            return gr::channels::channel_model::make(
                0.01, 0.0, 1.0, std::vector<gr_complex>{ 1.0f }, 1, false);
        },
        sizeof(gr_complex));
}

ECDISC_FLOWGRAPH_BENCHMARK(medium_read_ours, "medium_read_4layer_2beam", "ours");
ECDISC_FLOWGRAPH_BENCHMARK(medium_read_peer, "medium_read_4layer_2beam", "gnuradio");
ECDISC_FLOWGRAPH_BENCHMARK(medium_servo_read_ours, "medium_read_servo_4layer_2beam", "ours");
ECDISC_FLOWGRAPH_BENCHMARK(medium_read_peer, "medium_read_servo_4layer_2beam", "gnuradio");
ECDISC_FLOWGRAPH_BENCHMARK(medium_band_read_ours, "medium_read_band_4x4_3layer", "ours");
ECDISC_FLOWGRAPH_BENCHMARK(medium_read_peer, "medium_read_band_4x4_3layer", "gnuradio");

} // namespace
