/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Cluster decoding: our cluster_decoder (de-interleave, 305 x RS(248,216),
 * 32 x CRC-32 and sector checks per 75640-byte cluster) on clean clusters,
 * against the nearest in-tree peer, gr-dtv's dvbt_reed_solomon_dec decoding
 * clean RS(248,216) codewords (full-length RS(255,223), shortening 7; Karn's
 * librs inside) on the same number of recorded bytes. The peer does only
 * the RS part: no interleave, no CRC, no sector tags. Items are recorded
 * bytes.
 */
#include "bench_util.h"
#include "reed_solomon.h"
#include "sector_format.h"
#include <gnuradio/dtv/dvbt_reed_solomon_dec.h>
#include <gnuradio/ecdisc/cluster_decoder.h>

namespace {

constexpr size_t clusters = 16;

const std::vector<uint8_t>& clean_clusters()
{
    static const std::vector<uint8_t> v = [] {
        ecdisc::sector_format f;
        const auto user =
            ecdisc_bench::random_bytes(clusters * f.cluster_user_bytes(), false, 21);
        std::vector<uint8_t> rec(clusters * f.cluster_bytes());
        for (size_t c = 0; c < clusters; c++)
            f.encode(user.data() + c * f.cluster_user_bytes(),
                     static_cast<uint32_t>(c * 32),
                     rec.data() + c * f.cluster_bytes());
        return rec;
    }();
    return v;
}

// the same number of bytes as clean RS(248,216) codewords
const std::vector<uint8_t>& clean_codewords()
{
    static const std::vector<uint8_t> v = [] {
        ecdisc::reed_solomon rs(248, 216);
        auto w = ecdisc_bench::random_bytes(clean_clusters().size(), false, 22);
        for (size_t p = 0; p + 248 <= w.size(); p += 248)
            rs.encode(w.data() + p, w.data() + p);
        return w;
    }();
    return v;
}

void cluster_decode_ours(benchmark::State& s)
{
    ecdisc_bench::time_block<uint8_t>(
        s, clean_clusters(), [] { return gr::ecdisc::cluster_decoder::make(); }, 1);
}

void cluster_decode_peer(benchmark::State& s)
{
    const auto& data = clean_codewords();
    ecdisc_bench::time_flowgraph(
        s,
        [&] {
            auto tb = gr::make_top_block("bench");
            auto src = gr::blocks::vector_source_b::make(data, false, 248);
            auto blk =
                gr::dtv::dvbt_reed_solomon_dec::make(2, 8, 0x11d, 255, 223, 16, 7, 1);
            tb->connect(src, 0, blk, 0);
            tb->connect(blk, 0, gr::blocks::null_sink::make(216), 0);
            return tb;
        },
        static_cast<int64_t>(data.size()));
}

ECDISC_FLOWGRAPH_BENCHMARK(cluster_decode_ours, "cluster_decode", "ours");
ECDISC_FLOWGRAPH_BENCHMARK(cluster_decode_peer, "cluster_decode", "gnuradio");

// the kernel alone, no scheduler (recorded bytes per second)
void cluster_decode_kernel(benchmark::State& state)
{
    ecdisc::sector_format f;
    const auto& rec = clean_clusters();
    std::vector<uint8_t> out(f.cluster_user_bytes());
    size_t c = 0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(
            f.decode(rec.data() + c * f.cluster_bytes(), nullptr, out.data()));
        c = (c + 1) % clusters;
    }
    state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(f.cluster_bytes()));
}
BENCHMARK(cluster_decode_kernel)->Name("cluster_decode_kernel/ours");

} // namespace
