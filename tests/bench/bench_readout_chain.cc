/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The read chain from equaliser input to corrected user bytes (issue 5:
 * >= 66 Mbit/s of channel bits on one core at BD 1x, stretch 150 Mbit/s).
 *
 * Input (prepared outside the timed loop): random user bytes -> 4 clusters
 * (sector_format: CRC, RS(248,216), interleave) between 2 run-in and 4
 * run-out frames of random bytes -> rll17pp (128-byte frames, DC control)
 * -> NRZI -> a PR(1,2,2,1)-like channel with residual ISI,
 * x[n] = sum_m g[m] a[n-m] + noise, g = (0.06, 1, 2, 2, 1, -0.04),
 * a = +-1, noise sigma 0.1. One sample per channel bit (after timing
 * recovery). Items are channel bits (samples) in every row.
 *
 * readout_chain_kernels/ours: one thread, the kernels back to back on 4096-
 *     sample chunks: pr_equalizer (15 taps, decision directed, update_every
 *     8) -> prml_viterbi (PR(1,2,2,1), hard) -> nrzi_decoder ->
 *     rll17pp_decoder (frames, erasure flags) -> sector_format::decode
 *     (de-interleave, RS with erasures, CRC) of every cluster. Counters:
 *     cycles_per_sample and ns_per_sample (time x the nominal clock rate
 *     Google Benchmark reports), sectors_ok (of 128: the chain really
 *     decodes).
 * readout_chain_kernels/gnuradio: the in-tree code doing the nearest work
 *     in one thread, without the scheduler: filter::kernel::fir_filter_fff::
 *     filterN (the same 15 taps, frozen: GNU Radio has no real-valued LMS to
 *     a PR target) -> digital::binary_slicer_fb's work() called directly (a
 *     hard slicer). gr-trellis exports no Viterbi kernel
 *     (viterbi_algorithm_combined is not in libgnuradio-trellis' symbol
 *     table) and there is no in-tree kernel for NRZI, a 17PP-class
 *     demodulator or RS(248,216) with erasures: the peer does far less work
 *     than ours (equalise + slice only).
 * readout_chain/ours: the same chain as a flowgraph (one thread per block):
 *     vector_source -> pr_equalizer(update_every 8) -> prml_viterbi ->
 *     nrzi_decoder -> rll17pp_decoder -(bytes, flags; skiphead of the run-in)->
 *     cluster_decoder -> null_sink.
 * readout_chain/gnuradio: vector_source -> fir_filter_fff(15 taps) ->
 *     trellis::viterbi_combined_fb (the unconstrained 8-state PR(1,2,2,1)
 *     trellis, blocks of 1024, Euclidean metric, as in bench_prml_viterbi.cc)
 *     -> digital::diff_decoder_bb(2)
 *     (NRZI) -> digital::correlate_access_code_bb(our 24-bit sync, 2) ->
 *     null_sink: equalise, detect, NRZI, frame sync search; no demodulation
 *     and no RS.
 */
#include "bench_util.h"
#include "nrzi.h"
#include "pr_equalizer.h"
#include "prml_viterbi.h"
#include "rll17pp.h"
#include "sector_format.h"
#include <gnuradio/blocks/skiphead.h>
#include <gnuradio/digital/binary_slicer_fb.h>
#include <gnuradio/digital/correlate_access_code_bb.h>
#include <gnuradio/digital/diff_decoder_bb.h>
#include <gnuradio/ecdisc/cluster_decoder.h>
#include <gnuradio/ecdisc/nrzi_decoder.h>
#include <gnuradio/ecdisc/pr_equalizer.h>
#include <gnuradio/ecdisc/prml_viterbi.h>
#include <gnuradio/ecdisc/rll17pp_decoder.h>
#include <gnuradio/filter/fir_filter.h>
#include <gnuradio/filter/fir_filter_blk.h>
#include <gnuradio/trellis/fsm.h>
#include <gnuradio/trellis/viterbi_combined.h>
#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace {

constexpr int FB = 128;         // rll17pp frame bytes
constexpr int DC = 45;          // rll17pp DC interval
constexpr size_t CLUSTERS = 4;  // recorded clusters
constexpr size_t RUN_IN = 2;    // frames before the clusters
constexpr size_t RUN_OUT = 4;   // frames after them
constexpr size_t CHUNK = 4096;  // samples per kernel pass
constexpr int UPDATE_EVERY = 8; // LMS decimation of the chain's equaliser
constexpr size_t VIT_K = 1024;  // gr-trellis block length
const std::vector<double> PR1221{ 1, 2, 2, 1 };
//! the frozen peer's 15 taps: a centre spike (the channel is already
//! PR(1,2,2,1)-like; a 15-tap FIR costs the same whatever its values)
const std::vector<float> PEER_TAPS = { 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0 };

struct prepared {
    std::vector<float> x;      // channel samples, a multiple of VIT_K long
    std::vector<uint8_t> user; // the user bytes of the clusters
};

const prepared& input()
{
    static const prepared p = [] {
        prepared r;
        ecdisc::sector_format f;
        r.user = ecdisc_bench::random_bytes(CLUSTERS * f.cluster_user_bytes(), false, 31);
        std::vector<uint8_t> rec = ecdisc_bench::random_bytes(RUN_IN * FB, false, 32);
        const size_t at = rec.size();
        rec.resize(at + CLUSTERS * f.cluster_bytes());
        for (size_t c = 0; c < CLUSTERS; c++)
            f.encode(r.user.data() + c * f.cluster_user_bytes(),
                     static_cast<uint32_t>(c * f.sectors()),
                     rec.data() + at + c * f.cluster_bytes());
        rec.resize((rec.size() + FB - 1) / FB * FB, 0); // whole frames
        const auto out = ecdisc_bench::random_bytes(RUN_OUT * FB, false, 33);
        rec.insert(rec.end(), out.begin(), out.end());

        ecdisc::rll17pp_encoder enc(FB, 0, DC);
        const size_t frames = rec.size() / FB;
        std::vector<uint8_t> nrz(frames * enc.frame_bits());
        for (size_t k = 0; k < frames; k++)
            enc.encode_frame(rec.data() + k * FB, nrz.data() + k * enc.frame_bits());
        std::vector<uint8_t> lv(nrz.size());
        ecdisc::nrzi_encoder(0).encode(nrz.data(), lv.data(), nrz.size());

        const double g[] = { 0.06, 1, 2, 2, 1, -0.04 };
        std::mt19937 rng(34);
        std::normal_distribution<double> gn(0.0, 0.1);
        const size_t n = lv.size() / VIT_K * VIT_K;
        r.x.resize(n);
        for (size_t i = 0; i < n; i++) {
            double s = gn(rng);
            for (size_t m = 0; m < 6; m++)
                s += g[m] * (i >= m ? (lv[i - m] ? 1.0 : -1.0) : -1.0);
            r.x[i] = static_cast<float>(s);
        }
        return r;
    }();
    return p;
}

//! One single-threaded pass of our kernel chain; returns the sectors decoded
//! correctly (user bytes compared).
struct kernel_chain {
    //! parallel: the Viterbi's segment length (0: the sequential detector)
    explicit kernel_chain(int parallel = 0) : vit(PR1221, 0, 1.0, parallel) {}
    ecdisc::pr_equalizer eq{ PR1221, 15, 0.002, "dd", -1, 0.0, UPDATE_EVERY };
    ecdisc::prml_viterbi vit;
    ecdisc::nrzi_decoder nrzi{ 0 };
    ecdisc::rll17pp_decoder dec{ FB, 2, 2, 3, 0, DC };
    ecdisc::sector_format fmt;
    std::vector<float> y = std::vector<float>(CHUNK);
    std::vector<uint8_t> bits = std::vector<uint8_t>(CHUNK);
    std::vector<uint8_t> bytes, erased, user;
    size_t skip = RUN_IN * FB; // run-in bytes still to drop
    size_t clusters = 0;
    int sectors_ok = 0;

    void run(const float* x, size_t n)
    {
        user.resize(fmt.cluster_user_bytes());
        for (size_t i = 0; i < n; i += CHUNK) {
            const size_t c = std::min(CHUNK, n - i);
            eq.process(x + i, nullptr, y.data(), c);
            vit.process(y.data(), c, bits.data());
            nrzi.decode(bits.data(), bits.data(), c);
            dec.push(bits.data(), c);
            while (dec.frames_ready()) {
                const auto& fr = dec.front();
                bytes.insert(bytes.end(), fr.bytes.begin(), fr.bytes.end());
                erased.insert(erased.end(), fr.erased.begin(), fr.erased.end());
                dec.pop();
            }
            if (skip && bytes.size() >= skip) {
                bytes.erase(bytes.begin(), bytes.begin() + skip);
                erased.erase(erased.begin(), erased.begin() + skip);
                skip = 0;
            }
            const size_t cb = fmt.cluster_bytes();
            size_t used = 0;
            while (!skip && clusters < CLUSTERS && bytes.size() - used >= cb) {
                const auto res =
                    fmt.decode(bytes.data() + used, erased.data() + used, user.data());
                const size_t ub = static_cast<size_t>(fmt.user_bytes());
                const uint8_t* want =
                    input().user.data() + clusters * fmt.cluster_user_bytes();
                for (int s = 0; s < fmt.sectors(); s++)
                    sectors_ok +=
                        res.status[s] >= 0 && std::equal(user.begin() + s * ub,
                                                         user.begin() + (s + 1) * ub,
                                                         want + s * ub);
                used += cb;
                clusters++;
            }
            if (used) {
                bytes.erase(bytes.begin(), bytes.begin() + used);
                erased.erase(erased.begin(), erased.begin() + used);
            }
        }
    }
};

void add_counters(benchmark::State& state, size_t n)
{
    const double items = static_cast<double>(state.iterations()) * static_cast<double>(n);
    const double hz = benchmark::CPUInfo::Get().cycles_per_second;
    using C = benchmark::Counter;
    state.counters["ns_per_sample"] = C(items * 1e-9, C::kIsRate | C::kInvert);
    state.counters["cycles_per_sample"] = C(items / hz, C::kIsRate | C::kInvert);
    state.SetItemsProcessed(static_cast<int64_t>(items));
}

void chain_kernels(benchmark::State& state, int parallel)
{
    const auto& x = input().x;
    // the segment-parallel Viterbi holds back 4 P + D decisions: flush them
    // with that many more samples (timed, not counted as items)
    std::vector<float> xf(x);
    xf.resize(x.size() + static_cast<size_t>(kernel_chain(parallel).vit.latency()), -6.0f);
    int ok = 0;
    for (auto _ : state) {
        state.PauseTiming();
        auto ch = std::make_unique<kernel_chain>(parallel);
        state.ResumeTiming();
        ch->run(xf.data(), parallel ? xf.size() : x.size());
        state.PauseTiming();
        ok = ch->sectors_ok;
        ch.reset();
        state.ResumeTiming();
    }
    add_counters(state, x.size());
    state.counters["sectors_ok"] = ok;
    if (ok != static_cast<int>(CLUSTERS) * ecdisc::sector_format().sectors())
        state.SkipWithError("the chain did not decode every sector");
}
void chain_kernels_ours(benchmark::State& state) { chain_kernels(state, 0); }
// the same with the segment-parallel Viterbi (P = 8192)
void chain_kernels_ours_parallel(benchmark::State& state) { chain_kernels(state, 8192); }

BENCHMARK(chain_kernels_ours)
    ->Name("readout_chain_kernels/ours")
    ->Unit(benchmark::kMillisecond);
BENCHMARK(chain_kernels_ours_parallel)
    ->Name("readout_chain_kernels/ours_parallel_viterbi")
    ->Unit(benchmark::kMillisecond);

//! unconstrained PR(1,2,2,1) trellis (as in bench_prml_viterbi.cc)
const gr::trellis::fsm& pr1221_fsm()
{
    static const gr::trellis::fsm f = [] {
        std::vector<int> ns(16), os(16);
        for (int s = 0; s < 8; s++)
            for (int i = 0; i < 2; i++) {
                ns[s * 2 + i] = ((s << 1) | i) & 7;
                os[s * 2 + i] = (s << 1) | i;
            }
        return gr::trellis::fsm(2, 8, 16, ns, os);
    }();
    return f;
}

const std::vector<float>& pr1221_table()
{
    static const std::vector<float> t = [] {
        std::vector<float> v(16);
        for (int o = 0; o < 16; o++) {
            double e = 0.0;
            for (int k = 0; k < 4; k++)
                e += PR1221[k] * (((o >> k) & 1) ? 1.0 : -1.0);
            v[o] = static_cast<float>(e);
        }
        return v;
    }();
    return t;
}

void chain_kernels_peer(benchmark::State& state)
{
    const auto& x = input().x;
    const size_t nt = PEER_TAPS.size();
    std::vector<float> y(CHUNK);
    std::vector<uint8_t> bits(CHUNK);
    const auto slicer = gr::digital::binary_slicer_fb::make();
    gr_vector_const_void_star in(1);
    gr_vector_void_star out(1);
    size_t done = 0;
    for (auto _ : state) {
        gr::filter::kernel::fir_filter_fff fir(PEER_TAPS);
        // filterN reads nt - 1 samples ahead: stop where the input ends
        done = 0;
        for (size_t i = 0; i + nt - 1 < x.size(); i += CHUNK) {
            const size_t c = std::min(CHUNK, x.size() - (nt - 1) - i);
            fir.filterN(y.data(), x.data() + i, static_cast<unsigned long>(c));
            in[0] = y.data();
            out[0] = bits.data();
            slicer->work(static_cast<int>(c), in, out);
            benchmark::DoNotOptimize(bits.data());
            done += c;
        }
    }
    add_counters(state, done);
}
BENCHMARK(chain_kernels_peer)
    ->Name("readout_chain_kernels/gnuradio")
    ->Unit(benchmark::kMillisecond);

void chain_ours(benchmark::State& state)
{
    std::shared_ptr<gr::ecdisc::cluster_decoder> cd;
    ecdisc_bench::time_flowgraph(
        state,
        [&] {
            auto tb = gr::make_top_block("bench");
            auto src = gr::blocks::vector_source<float>::make(input().x);
            auto eq = gr::ecdisc::pr_equalizer::make(
                PR1221, 15, 0.002, "dd", -1, 0.0, UPDATE_EVERY);
            auto vit = gr::ecdisc::prml_viterbi::make(PR1221);
            auto nrzi = gr::ecdisc::nrzi_decoder::make(0);
            auto dec = gr::ecdisc::rll17pp_decoder::make(FB, 2, 2, 3, 0, DC);
            cd = gr::ecdisc::cluster_decoder::make();
            tb->connect(src, 0, eq, 0);
            tb->connect(eq, 0, vit, 0);
            tb->connect(vit, 0, nrzi, 0);
            tb->connect(nrzi, 0, dec, 0);
            // drop the run-in frames' bytes and flags: clusters start after them
            auto skip_b = gr::blocks::skiphead::make(1, RUN_IN * FB);
            auto skip_f = gr::blocks::skiphead::make(1, RUN_IN * FB);
            tb->connect(dec, 0, skip_b, 0);
            tb->connect(dec, 1, skip_f, 0);
            tb->connect(skip_b, 0, cd, 0);
            tb->connect(skip_f, 0, cd, 1);
            tb->connect(cd, 0, gr::blocks::null_sink::make(1), 0);
            return tb;
        },
        static_cast<int64_t>(input().x.size()));
    // the last run's decoder: every recorded sector decoded
    const int ok = static_cast<int>(cd->sectors() - cd->sectors_failed());
    state.counters["sectors_ok"] = ok;
    if (cd->clusters() != CLUSTERS ||
        ok != static_cast<int>(CLUSTERS * cd->sectors_per_cluster()))
        state.SkipWithError("the flowgraph did not decode every sector");
}

void chain_peer(benchmark::State& state)
{
    ecdisc_bench::time_flowgraph(
        state,
        [] {
            auto tb = gr::make_top_block("bench");
            auto src = gr::blocks::vector_source<float>::make(input().x);
            auto fir = gr::filter::fir_filter_fff::make(1, PEER_TAPS);
            auto vit =
                gr::trellis::viterbi_combined_fb::make(pr1221_fsm(),
                                                       VIT_K,
                                                       -1,
                                                       -1,
                                                       1,
                                                       pr1221_table(),
                                                       gr::digital::TRELLIS_EUCLIDEAN);
            auto diff = gr::digital::diff_decoder_bb::make(2);
            auto sync = gr::digital::correlate_access_code_bb::make(
                "010000000010000000010010", 2);
            tb->connect(src, 0, fir, 0);
            tb->connect(fir, 0, vit, 0);
            tb->connect(vit, 0, diff, 0);
            tb->connect(diff, 0, sync, 0);
            tb->connect(sync, 0, gr::blocks::null_sink::make(1), 0);
            return tb;
        },
        static_cast<int64_t>(input().x.size()));
}
ECDISC_FLOWGRAPH_BENCHMARK(chain_ours, "readout_chain", "ours");
ECDISC_FLOWGRAPH_BENCHMARK(chain_peer, "readout_chain", "gnuradio");

} // namespace
