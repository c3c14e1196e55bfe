/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * rll17pp (17PP-class RLL(1,7) with DC control and numbered frames): our
 * blocks beside the GNU Radio in-tree peers chosen for rll17 (see
 * bench_rll17.cc), in the same run.
 *
 * "rll17pp_encoder chain": rll17pp_encoder + nrzi_encoder, counted in channel
 * bits out per second (target >= 66 Mbit/s). Peer: the in-tree basic-table
 * chain packed_to_unpacked_bb(2) -> map_bb(00->101, 01->100, 10->001,
 * 11->010) -> packed_to_unpacked_bb(3), which does the rate-2/3 table
 * without look-ahead, DC control, sync or frames (less work than ours), also
 * counted in channel bits out (3 per 2 data bits).
 *
 * "rll17pp_decoder": ours searches, locks, demodulates and numbers frames;
 * the peer is correlate_access_code_bb with our 24-bit sync, threshold 2 (the
 * in-tree sync search, no demodulation). Both count channel bits in.
 */
#include "bench_util.h"
#include "rll17pp.h"
#include <gnuradio/blocks/packed_to_unpacked.h>
#include <gnuradio/digital/correlate_access_code_bb.h>
#include <gnuradio/digital/map_bb.h>
#include <gnuradio/ecdisc/nrzi_encoder.h>
#include <gnuradio/ecdisc/rll17pp_decoder.h>
#include <gnuradio/ecdisc/rll17pp_encoder.h>

namespace {

constexpr int FB = 128;
constexpr size_t N_FRAMES = 2048;         // 2 Mbit of user data
constexpr size_t N_BYTES = FB * N_FRAMES; // 3.4 Mbit of channel bits

const std::vector<uint8_t>& user_bytes()
{
    static const auto v = ecdisc_bench::random_bytes(N_BYTES, false);
    return v;
}

const std::vector<uint8_t>& channel_bits()
{
    static const std::vector<uint8_t> v = [] {
        ecdisc::rll17pp_encoder enc(FB, 0, 45);
        std::vector<uint8_t> out(N_FRAMES * enc.frame_bits());
        for (size_t k = 0; k < N_FRAMES; k++)
            enc.encode_frame(user_bytes().data() + k * FB,
                             out.data() + k * enc.frame_bits());
        return out;
    }();
    return v;
}

void enc_chain_ours(benchmark::State& state)
{
    ecdisc_bench::time_flowgraph(
        state,
        [] {
            auto tb = gr::make_top_block("bench");
            auto src = gr::blocks::vector_source<uint8_t>::make(user_bytes());
            auto enc = gr::ecdisc::rll17pp_encoder::make(FB, 0, 45);
            auto nrzi = gr::ecdisc::nrzi_encoder::make(0);
            tb->connect(src, 0, enc, 0);
            tb->connect(enc, 0, nrzi, 0);
            tb->connect(nrzi, 0, gr::blocks::null_sink::make(1), 0);
            return tb;
        },
        static_cast<int64_t>(channel_bits().size()));
}
void enc_chain_peer(benchmark::State& state)
{
    ecdisc_bench::time_flowgraph(
        state,
        [] {
            auto tb = gr::make_top_block("bench");
            auto src = gr::blocks::vector_source<uint8_t>::make(user_bytes());
            auto pairs = gr::blocks::packed_to_unpacked_bb::make(2, gr::GR_MSB_FIRST);
            auto map = gr::digital::map_bb::make({ 0b101, 0b100, 0b001, 0b010 });
            auto bits = gr::blocks::packed_to_unpacked_bb::make(3, gr::GR_MSB_FIRST);
            tb->connect(src, 0, pairs, 0);
            tb->connect(pairs, 0, map, 0);
            tb->connect(map, 0, bits, 0);
            tb->connect(bits, 0, gr::blocks::null_sink::make(1), 0);
            return tb;
        },
        static_cast<int64_t>(N_BYTES * 12));
}
ECDISC_FLOWGRAPH_BENCHMARK(enc_chain_ours, "rll17pp_encoder chain", "ours");
ECDISC_FLOWGRAPH_BENCHMARK(enc_chain_peer, "rll17pp_encoder chain", "gnuradio");

void dec_ours(benchmark::State& state)
{
    ecdisc_bench::time_block<uint8_t>(
        state,
        channel_bits(),
        [] { return gr::ecdisc::rll17pp_decoder::make(FB, 2, 2, 3, 0, 45); },
        1);
}
void dec_peer(benchmark::State& state)
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
ECDISC_FLOWGRAPH_BENCHMARK(dec_ours, "rll17pp_decoder", "ours");
ECDISC_FLOWGRAPH_BENCHMARK(dec_peer, "rll17pp_decoder", "gnuradio");

} // namespace
