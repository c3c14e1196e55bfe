/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * power_to_dac: our calibration map against GNU Radio's nearest peer.
 *
 * GNU Radio has no piecewise-linear (table) map for float streams, so the
 * fairest peer computes the same map for a one-segment calibration:
 * y = a + b x as multiply_const_ff(b) -> add_const_ff(a) (both VOLK). For the
 * "power_to_dac" row ours runs that same one-segment calibration (2 points,
 * unquantised) on powers inside it, so the two produce the same samples; ours
 * still pays for its segment lookup and clipping count. The peer is two blocks
 * (one more scheduler hop); there is no single GNU Radio block for a + b x on
 * floats. "power_to_dac_curve" times ours on the 6-point, 14-bit record
 * channel of media/calibration_example.yml with 2% of the samples clipped
 * (no peer); "power_to_dac_kernel" the kernel alone on that curve.
 */
#include "bench_util.h"
#include "calibration.h"
#include <gnuradio/blocks/add_const_ff.h>
#include <gnuradio/blocks/multiply_const.h>
#include <gnuradio/ecdisc/power_to_dac.h>
#include <gnuradio/hier_block2.h>
#include <gnuradio/io_signature.h>
#include <filesystem>
#include <fstream>

namespace {

constexpr size_t N = 1 << 22;
constexpr double A = 0.02, B = 0.095; // one segment: [0, 0.02] .. [10, 0.97]

const char* const k_curve_yaml =
    "name: bench\nchannels:\n"
    "  - {name: line, beam: 0, dac_bits: 0, dac_full_scale: 1.0,\n"
    "     points: [[0.0, 0.02], [10.0, 0.97]]}\n"
    "  - {name: record, beam: 1, dac_bits: 14, dac_full_scale: 1.0,\n"
    "     points: [[0.0, 0.0], [0.3, 0.05], [1.0, 0.11], [4.0, 0.38], [8.0, 0.70],\n"
    "              [12.0, 0.97]]}\n";

const std::string& calibration_path()
{
    static const std::string p = [] {
        const auto path =
            std::filesystem::temp_directory_path() / "ecdisc-perf-power_to_dac.yml";
        std::ofstream(path) << k_curve_yaml;
        return path.string();
    }();
    return p;
}

//! powers uniform in [lo, hi) mW
std::vector<float> powers(float lo, float hi)
{
    std::mt19937 rng(3);
    std::uniform_real_distribution<float> u(lo, hi);
    std::vector<float> v(N);
    for (auto& x : v)
        x = u(rng);
    return v;
}
const std::vector<float>& in_range()
{
    static const auto v = powers(0.0f, 10.0f);
    return v;
}
const std::vector<float>& with_clipping() // 2% above the last point (12 mW)
{
    static const auto v = powers(0.0f, 12.0f / 0.98f);
    return v;
}

void power_to_dac_kernel_ours(benchmark::State& state)
{
    auto cal = ecdisc::parse_calibration_yaml(k_curve_yaml, "bench");
    ecdisc::power_to_dac_map m(cal.find_channel("record"));
    std::vector<float> out(N);
    for (auto _ : state) {
        m.process(with_clipping().data(), out.data(), N);
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(state.iterations() * N);
}
BENCHMARK(power_to_dac_kernel_ours)
    ->Name("power_to_dac_kernel/ours")
    ->Unit(benchmark::kMillisecond);

class affine_ff : public gr::hier_block2
{
public:
    affine_ff()
        : gr::hier_block2("affine_ff",
                          gr::io_signature::make(1, 1, sizeof(float)),
                          gr::io_signature::make(1, 1, sizeof(float)))
    {
    }
    void wire()
    {
        auto mul = gr::blocks::multiply_const_ff::make(static_cast<float>(B));
        auto add = gr::blocks::add_const_ff::make(static_cast<float>(A));
        connect(self(), 0, mul, 0);
        connect(mul, 0, add, 0);
        connect(add, 0, self(), 0);
    }
};

void power_to_dac_ours(benchmark::State& state)
{
    ecdisc_bench::time_block<float>(
        state,
        in_range(),
        [] { return gr::ecdisc::power_to_dac::make(calibration_path(), "line", 0, ""); },
        sizeof(float));
}
void power_to_dac_peer(benchmark::State& state)
{
    ecdisc_bench::time_block<float>(
        state,
        in_range(),
        [] {
            auto h = gnuradio::make_block_sptr<affine_ff>();
            h->wire();
            return h;
        },
        sizeof(float));
}
void power_to_dac_curve_ours(benchmark::State& state)
{
    ecdisc_bench::time_block<float>(
        state,
        with_clipping(),
        [] {
            return gr::ecdisc::power_to_dac::make(calibration_path(), "record", 0, "");
        },
        sizeof(float));
}
ECDISC_FLOWGRAPH_BENCHMARK(power_to_dac_ours, "power_to_dac", "ours");
ECDISC_FLOWGRAPH_BENCHMARK(power_to_dac_peer, "power_to_dac", "gnuradio");
ECDISC_FLOWGRAPH_BENCHMARK(power_to_dac_curve_ours, "power_to_dac_curve", "ours");

} // namespace
