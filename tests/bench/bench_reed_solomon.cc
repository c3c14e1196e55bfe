/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reed-Solomon: our rs_encoder / rs_decoder blocks against gr-dtv's
 * dvbt_reed_solomon_enc / _dec (Karn's librs inside) on the same codes and
 * the same input. gr-dtv's blocks take the full-length RS(255, k + s) and a
 * shortening s: RS(204,188) is (255, 239, s = 51), RS(248,216) is
 * (255, 223, s = 7); both use fcr 0, prim 1, as our defaults do.
 * Items are codewords (bytes in the CRC-32 row).
 */
#include "bench_util.h"
#include "crc32.h"
#include "reed_solomon.h"
#include <gnuradio/blocks/stream_to_tagged_stream.h>
#include <gnuradio/digital/crc32_bb.h>
#include <gnuradio/dtv/dvbt_reed_solomon_dec.h>
#include <gnuradio/dtv/dvbt_reed_solomon_enc.h>
#include <gnuradio/ecdisc/rs_decoder.h>
#include <gnuradio/ecdisc/rs_encoder.h>
#include <cstring>
#include <numeric>

namespace {

constexpr size_t words = 1 << 14;

// vector_source_b(data, vlen = in_len) -> block -> null_sink(out_len)
void time_vector_block(benchmark::State& state,
                       const std::vector<uint8_t>& data,
                       int in_len,
                       int out_len,
                       const std::function<gr::basic_block_sptr()>& make)
{
    ecdisc_bench::time_flowgraph(
        state,
        [&] {
            auto tb = gr::make_top_block("bench");
            auto src = gr::blocks::vector_source_b::make(data, false, in_len);
            auto blk = make();
            tb->connect(src, 0, blk, 0);
            tb->connect(blk, 0, gr::blocks::null_sink::make(out_len), 0);
            return tb;
        },
        static_cast<int64_t>(data.size() / static_cast<size_t>(in_len)));
}

// `words` codewords of RS(n, k), each with `errors` byte errors at distinct
// random places (data and parity alike)
std::vector<uint8_t> received(int n, int k, int errors, unsigned seed)
{
    ecdisc::reed_solomon rs(n, k);
    auto v = ecdisc_bench::random_bytes(words * static_cast<size_t>(n), false, seed);
    std::mt19937 rng(seed + 1);
    std::vector<int> pos(n);
    for (size_t w = 0; w < words; w++) {
        uint8_t* c = v.data() + w * static_cast<size_t>(n);
        rs.encode(c, c);
        std::iota(pos.begin(), pos.end(), 0);
        for (int i = 0; i < errors; i++) {
            std::swap(pos[i],
                      pos[i + static_cast<int>(rng() % static_cast<unsigned>(n - i))]);
            c[pos[i]] ^= static_cast<uint8_t>(1 + rng() % 255);
        }
    }
    return v;
}

const std::vector<uint8_t>& dvb_clean()
{
    static const auto v = received(204, 188, 0, 7);
    return v;
}
const std::vector<uint8_t>& dvb_t_errors()
{
    static const auto v = received(204, 188, 8, 8);
    return v;
}
const std::vector<uint8_t>& rec_t_errors()
{
    static const auto v = received(248, 216, 16, 9);
    return v;
}
const std::vector<uint8_t>& rec_data()
{
    static const auto v = ecdisc_bench::random_bytes(words * 216, false, 10);
    return v;
}

gr::basic_block_sptr dvb_dec_ours() { return gr::ecdisc::rs_decoder::make(204, 188); }
gr::basic_block_sptr dvb_dec_peer()
{
    return gr::dtv::dvbt_reed_solomon_dec::make(2, 8, 0x11d, 255, 239, 8, 51, 1);
}

void rs_dvb_clean_ours(benchmark::State& s)
{
    time_vector_block(s, dvb_clean(), 204, 188, dvb_dec_ours);
}
void rs_dvb_clean_peer(benchmark::State& s)
{
    time_vector_block(s, dvb_clean(), 204, 188, dvb_dec_peer);
}
void rs_dvb_t_ours(benchmark::State& s)
{
    time_vector_block(s, dvb_t_errors(), 204, 188, dvb_dec_ours);
}
void rs_dvb_t_peer(benchmark::State& s)
{
    time_vector_block(s, dvb_t_errors(), 204, 188, dvb_dec_peer);
}
ECDISC_FLOWGRAPH_BENCHMARK(rs_dvb_clean_ours, "rs_204_188_decode_clean", "ours");
ECDISC_FLOWGRAPH_BENCHMARK(rs_dvb_clean_peer, "rs_204_188_decode_clean", "gnuradio");
ECDISC_FLOWGRAPH_BENCHMARK(rs_dvb_t_ours, "rs_204_188_decode_t_errors", "ours");
ECDISC_FLOWGRAPH_BENCHMARK(rs_dvb_t_peer, "rs_204_188_decode_t_errors", "gnuradio");

void rs_rec_enc_ours(benchmark::State& s)
{
    time_vector_block(
        s, rec_data(), 216, 248, [] { return gr::ecdisc::rs_encoder::make(248, 216); });
}
void rs_rec_enc_peer(benchmark::State& s)
{
    time_vector_block(s, rec_data(), 216, 248, [] {
        return gr::dtv::dvbt_reed_solomon_enc::make(2, 8, 0x11d, 255, 223, 16, 7, 1);
    });
}
void rs_rec_t_ours(benchmark::State& s)
{
    time_vector_block(s, rec_t_errors(), 248, 216, [] {
        return gr::ecdisc::rs_decoder::make(248, 216);
    });
}
void rs_rec_t_peer(benchmark::State& s)
{
    time_vector_block(s, rec_t_errors(), 248, 216, [] {
        return gr::dtv::dvbt_reed_solomon_dec::make(2, 8, 0x11d, 255, 223, 16, 7, 1);
    });
}
ECDISC_FLOWGRAPH_BENCHMARK(rs_rec_enc_ours, "rs_248_216_encode", "ours");
ECDISC_FLOWGRAPH_BENCHMARK(rs_rec_enc_peer, "rs_248_216_encode", "gnuradio");
ECDISC_FLOWGRAPH_BENCHMARK(rs_rec_t_ours, "rs_248_216_decode_t_errors", "ours");
ECDISC_FLOWGRAPH_BENCHMARK(rs_rec_t_peer, "rs_248_216_decode_t_errors", "gnuradio");

// Kernels alone, no scheduler (codewords per second)
void rs_kernel_decode(benchmark::State& state,
                      const std::vector<uint8_t>& in,
                      int n,
                      int k)
{
    ecdisc::reed_solomon rs(n, k);
    std::vector<uint8_t> buf(n);
    size_t w = 0;
    for (auto _ : state) {
        std::memcpy(
            buf.data(), in.data() + w * static_cast<size_t>(n), static_cast<size_t>(n));
        benchmark::DoNotOptimize(rs.decode(buf.data()));
        w = (w + 1) % words;
    }
    state.SetItemsProcessed(state.iterations());
}
void rs_kernel_dvb_clean(benchmark::State& s)
{
    rs_kernel_decode(s, dvb_clean(), 204, 188);
}
void rs_kernel_dvb_t(benchmark::State& s)
{
    rs_kernel_decode(s, dvb_t_errors(), 204, 188);
}
void rs_kernel_rec_t(benchmark::State& s)
{
    rs_kernel_decode(s, rec_t_errors(), 248, 216);
}
BENCHMARK(rs_kernel_dvb_clean)->Name("rs_204_188_decode_clean_kernel/ours");
BENCHMARK(rs_kernel_dvb_t)->Name("rs_204_188_decode_t_errors_kernel/ours");
BENCHMARK(rs_kernel_rec_t)->Name("rs_248_216_decode_t_errors_kernel/ours");

// CRC-32 over 2048-byte sectors, bytes per second. Ours is the kernel alone
// (the sector EDC has no block of its own); the peer is gr-digital's
// crc32_bb appending the CRC to 2048-byte tagged packets, in a flowgraph, so
// its row includes scheduler and tag overhead.
constexpr size_t CRC_SECTOR = 2048;
const std::vector<uint8_t>& crc_bytes()
{
    static const auto v = ecdisc_bench::random_bytes(CRC_SECTOR * 512, false, 11);
    return v;
}
void crc32_ours(benchmark::State& state)
{
    const auto& buf = crc_bytes();
    for (auto _ : state)
        for (size_t i = 0; i < buf.size(); i += CRC_SECTOR)
            benchmark::DoNotOptimize(ecdisc::crc32(buf.data() + i, CRC_SECTOR));
    state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(buf.size()));
}
void crc32_peer(benchmark::State& state)
{
    ecdisc_bench::time_flowgraph(
        state,
        [] {
            auto tb = gr::make_top_block("bench");
            auto src = gr::blocks::vector_source<uint8_t>::make(crc_bytes());
            auto tag = gr::blocks::stream_to_tagged_stream::make(
                sizeof(uint8_t), 1, CRC_SECTOR, "packet_len");
            auto crc = gr::digital::crc32_bb::make(false, "packet_len", true);
            tb->connect(src, 0, tag, 0);
            tb->connect(tag, 0, crc, 0);
            tb->connect(crc, 0, gr::blocks::null_sink::make(sizeof(uint8_t)), 0);
            return tb;
        },
        static_cast<int64_t>(crc_bytes().size()));
}
BENCHMARK(crc32_ours)->Name("crc32_2048/ours")->Unit(benchmark::kMillisecond);
ECDISC_FLOWGRAPH_BENCHMARK(crc32_peer, "crc32_2048", "gnuradio");

} // namespace
