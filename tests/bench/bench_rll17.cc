/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * RLL(1,7) with frame sync: our encoder and decoder blocks beside the closest
 * GNU Radio in-tree peers.
 *
 * rll17_encode/gnuradio: gr-trellis' encoder_bb with a 4-input, 8-output FSM
 * would be the natural peer, but ecdisc-perf does not link gr-trellis. The
 * peer is the in-tree chain that does the basic rate-2/3 table: bytes ->
 * packed_to_unpacked_bb(2, MSB) -> map_bb(00->101, 01->100, 10->001, 11->010)
 * -> packed_to_unpacked_bb(3, MSB) -> channel bits. It has no look-ahead
 * substitution and no sync, so it does less work than ours.
 *
 * rll17_decode/gnuradio: digital correlate_access_code_bb with our 24-bit sync
 * and threshold 2, the in-tree sync search (it flags matches, one output per
 * input bit, and demodulates nothing). Ours searches, tracks and demodulates.
 * Both rows count input items: user bytes for encode, channel bits for decode.
 */
#include "bench_util.h"
#include "rll17.h"
#include <gnuradio/blocks/packed_to_unpacked.h>
#include <gnuradio/digital/correlate_access_code_bb.h>
#include <gnuradio/digital/map_bb.h>
#include <gnuradio/ecdisc/rll17_decoder.h>
#include <gnuradio/ecdisc/rll17_encoder.h>
#include <gnuradio/hier_block2.h>
#include <gnuradio/io_signature.h>

namespace {

constexpr int FB = 64;              // bytes per frame
constexpr size_t N_BYTES = 1 << 18; // 2 Mbit of user data, 3.1 Mbit channel

const std::vector<uint8_t>& user_bytes()
{
    static const auto v = ecdisc_bench::random_bytes(N_BYTES, false);
    return v;
}

const std::vector<uint8_t>& channel_bits()
{
    static const std::vector<uint8_t> v = [] {
        ecdisc::rll17_encoder enc(FB);
        std::vector<uint8_t> out(N_BYTES / FB * enc.frame_bits());
        for (size_t k = 0; k < N_BYTES / FB; k++)
            enc.encode_frame(user_bytes().data() + k * FB,
                             out.data() + k * enc.frame_bits());
        return out;
    }();
    return v;
}

// Kernels alone, no scheduler.
void rll17_encode_kernel(benchmark::State& state)
{
    ecdisc::rll17_encoder enc(FB);
    std::vector<uint8_t> out(channel_bits().size());
    for (auto _ : state) {
        for (size_t k = 0; k < N_BYTES / FB; k++)
            enc.encode_frame(user_bytes().data() + k * FB,
                             out.data() + k * enc.frame_bits());
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(state.iterations() * N_BYTES);
}
BENCHMARK(rll17_encode_kernel)
    ->Name("rll17_encode_kernel/ours")
    ->Unit(benchmark::kMillisecond);

void rll17_decode_kernel(benchmark::State& state)
{
    const auto& bits = channel_bits();
    for (auto _ : state) {
        ecdisc::rll17_decoder dec(FB, 2);
        for (size_t pos = 0; pos < bits.size(); pos += 8192) {
            dec.push(bits.data() + pos, std::min<size_t>(8192, bits.size() - pos));
            while (dec.frames_ready())
                dec.pop();
        }
        benchmark::DoNotOptimize(dec.frames());
    }
    state.SetItemsProcessed(state.iterations() * bits.size());
}
BENCHMARK(rll17_decode_kernel)
    ->Name("rll17_decode_kernel/ours")
    ->Unit(benchmark::kMillisecond);

// In-tree basic-table RLL encoder: the peer of rll17_encode (see above).
class basic_table_encoder : public gr::hier_block2
{
public:
    basic_table_encoder()
        : gr::hier_block2("basic_table_encoder",
                          gr::io_signature::make(1, 1, sizeof(uint8_t)),
                          gr::io_signature::make(1, 1, sizeof(uint8_t)))
    {
    }
    void wire()
    {
        auto pairs = gr::blocks::packed_to_unpacked_bb::make(2, gr::GR_MSB_FIRST);
        auto map = gr::digital::map_bb::make({ 0b101, 0b100, 0b001, 0b010 });
        auto bits = gr::blocks::packed_to_unpacked_bb::make(3, gr::GR_MSB_FIRST);
        connect(self(), 0, pairs, 0);
        connect(pairs, 0, map, 0);
        connect(map, 0, bits, 0);
        connect(bits, 0, self(), 0);
    }
};

void rll17_encode_ours(benchmark::State& state)
{
    ecdisc_bench::time_block<uint8_t>(
        state, user_bytes(), [] { return gr::ecdisc::rll17_encoder::make(FB); }, 1);
}
void rll17_encode_peer(benchmark::State& state)
{
    ecdisc_bench::time_block<uint8_t>(
        state,
        user_bytes(),
        [] {
            auto h = gnuradio::make_block_sptr<basic_table_encoder>();
            h->wire();
            return h;
        },
        1);
}
ECDISC_FLOWGRAPH_BENCHMARK(rll17_encode_ours, "rll17_encode", "ours");
ECDISC_FLOWGRAPH_BENCHMARK(rll17_encode_peer, "rll17_encode", "gnuradio");

void rll17_decode_ours(benchmark::State& state)
{
    ecdisc_bench::time_block<uint8_t>(
        state, channel_bits(), [] { return gr::ecdisc::rll17_decoder::make(FB, 2); }, 1);
}
void rll17_decode_peer(benchmark::State& state)
{
    ecdisc_bench::time_block<uint8_t>(
        state,
        channel_bits(),
        [] {
            return gr::digital::correlate_access_code_bb::make("010000000010000000010010",
                                                               2);
        },
        1);
}
ECDISC_FLOWGRAPH_BENCHMARK(rll17_decode_ours, "rll17_decode", "ours");
ECDISC_FLOWGRAPH_BENCHMARK(rll17_decode_peer, "rll17_decode", "gnuradio");

} // namespace
