/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef ECDISC_KERNEL_PRML_VITERBI_H
#define ECDISC_KERNEL_PRML_VITERBI_H

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ecdisc {

/*! PRML Viterbi detector for a partial-response target with the RLL d = 1
 *  constraint built into the trellis.
 *
 *  Channel model: y[n] = scale * sum_{i<L} h[i] a[n-i] + noise, a[n] = 2 x[n] - 1
 *  the NRZI level of channel bit x[n] in {0,1}, h the target (L = 2..6 taps;
 *  PR(1,2,2,1), PR(1,2,2,2,1) or any other). The detector outputs x[n].
 *
 *  Trellis. A state holds the last M = max(L-1, 2) levels,
 *  s_n = x[n] + 2 x[n-1] + ... + 2^(M-1) x[n-M+1]  (S = 2^M states).
 *  The branch s_{n-1} -> s_n adds x[n] and drops x[n-M]; the L levels its
 *  noiseless output needs (x[n..n-L+1]) are all in (x[n-M], s_n). M = L-1
 *  would suffice for the ISI alone; M >= 2 is what the constraint needs:
 *  d = 1 in NRZI form means every run of equal levels is >= 2 bits long, so a
 *  branch whose (x[n-2], x[n-1], x[n]) is 010 or 101 (it would close a run of
 *  one at n-1) is removed from the trellis. States that contain such a
 *  pattern inside themselves (M >= 3) thus lose all their inbound branches
 *  and stay unreachable. Removed branches get an expected level of 1e15,
 *  i.e. a branch metric of ~1e30 that no survivor can afford, so the
 *  add-compare-select stays a branch-free loop over all S states.
 *  Branch metric: squared Euclidean distance (y - expected)^2. Start: all
 *  states equal (the initial levels are unknown).
 *
 *  Decisions and latency. process() is 1:1: the n-th sample fed (counting
 *  from 0 since construction / reset()) yields output n, which is the
 *  decision on x[n - D], D = decision_delay (latency() = D exactly). Outputs
 *  0 .. D-1 carry x = 0 and reliability 0 (no decision yet). Traceback runs
 *  every K = max(1, D - D/4) samples from the best state and decides K
 *  bits at once; every bit is decided with a traceback depth between D-K+1
 *  and D samples (>= D/4 + 1: 8 L + 1 at the default delay, where the bit
 *  error rate equals that of a 4x deeper traceback in the tests). Chunking
 *  of the input does not change the output.
 *
 *  Arithmetic. S = 8 (4-tap targets such as PR(1,2,2,1)) runs with 16-bit
 *  integer metrics in one SSE2 register (branch metrics
 *  round(160 (y-E)^2 / (scale^2 sum h^2)), capped at 1023; removed branches
 *  16383): same bit error rate as
 *  float in the tests, ~2x faster. S = 16, 32 use 4-float vectors, S = 4
 *  scalar float. Metrics are renormalised to state 0 (always reachable).
 *  S = 8 kernels (x86; chosen at run time, the build stays baseline
 *  x86-64): SSE2, AVX2 and AVX-512 compute the branch metrics with the same
 *  float operations in the same order, 4, 8 or 16 lanes wide, and share the
 *  16-bit add-compare-select: identical decisions and margins. The
 *  decisions of a step are kept as its predecessor map (byte s = the state
 *  the survivor into s comes from), so a traceback step is a shift and a
 *  mask of a 64-bit word; with AVX2 byte shuffles compose maps into jumps
 *  of 6 steps (the states at 3 and 6 steps back name all 6 levels jumped
 *  over), and the hard traceback runs interleaved with the next K - 1
 *  add-compare-select steps (whose 2-cycle-per-operation chain leaves the
 *  vector units idle much of the time). Without the reliability output the
 *  metrics are renormalised every 16 steps instead of 4, off the chain:
 *  reachable metrics stay far from saturation either way, so no decision
 *  on a path that can survive changes (see prml_viterbi.cc).
 *
 *  Reliability (optional second output): a SOVA-like margin with a bounded
 *  update window U = min(16 + 2L, D - K + 1). For every add-compare-select
 *  on the decided path (at time k, state s_k) the discarded competitor is
 *  followed back along its own survivors for at most U steps, until it
 *  merges with the decided path; each bit where it differs from the decided
 *  path gets rel = min(rel, Delta_k), Delta_k = competitor metric - survivor
 *  metric at k (>= 0, same units as the metrics: squared amplitude). So
 *  rel[n] is the metric margin of the best competing path found that
 *  decides the other value of x[n]; under AWGN of variance sigma^2 the
 *  log-likelihood ratio is about rel / (2 sigma^2). rel saturates at
 *  rel_max() = 8 * d2_single, d2_single = 4 scale^2 sum h[i]^2 (the squared
 *  distance of a single isolated level flip), also when no competitor was
 *  found. Low values mark bits an ECC may treat as erasures.
 *
 *  Segment-parallel mode (optional, parallel_segment = P > 0; S = 8 states
 *  on x86 only, i.e. 4-tap targets; elsewhere it is ignored:
 *  parallel_segment() then reads 0 and everything above holds unchanged).
 *  The add-compare-select of one trellis is a serial dependency chain (its
 *  latency, not the instruction count, bounds the speed), so this mode runs
 *  independent trellises side by side ("sliding-block" Viterbi): the
 *  sample stream is cut at the absolute indices that are multiples of P
 *  (counted from construction / reset(), so chunking still does not change
 *  the output), and the decisions on x[kP .. kP + P - 1] (segment k) come
 *  from a trellis of their own, started with all metrics equal at sample
 *  kP - Wp (warm-up Wp = parallel_warmup, default D; at k = 0 it starts at
 *  sample 0 exactly like the sequential detector) and run up to sample
 *  (k+1)P + D - 1, then traced back from its best state there (so every bit
 *  is decided with a traceback depth of D .. P + D - 1, never less than
 *  the sequential detector's). The G = parallel_group = 4 segments 4i ..
 *  4i + 3 run interleaved in one loop (AVX2 / AVX-512: two 8-state metric
 *  vectors share a 256-bit register and one add-compare-select, two such
 *  chains; SSE2: four chains; the tracebacks too run as four interleaved
 *  chains). The overhead is (Wp + D) / P extra steps (3% at P = 8192, Wp =
 *  D = 128); in the benchmark (PR(1,2,2,1), P = 8192) this runs at ~1.7x
 *  the sequential speed with AVX-512, ~1.2x with AVX2, ~1.1x with SSE2 (the
 *  wider kernels are bound by the instruction count once the chain is
 *  split).
 *  The 16-bit arithmetic, branch metrics, caps and the renormalisation
 *  schedule (and its bound) are those of the sequential hard-decision
 *  path, per segment; all kernels decide identically.
 *  What changes: latency() = 4 P + D - 1 (output n is still exactly the
 *  decision on x[n - latency()]; outputs 0 .. latency() - 1 are 0), since a
 *  group of segments is decided only once the sample D - 1 after its end
 *  has arrived. Decisions equal the sequential detector's except where the
 *  warm-up has not converged to the same survivors (in the tests, at Wp =
 *  D and 4 D, fewer than 1e-4 of the bits differ at bit error rates of
 *  1e-4 .. 2e-3, with the same error rate; a noise-free signal decodes
 *  exactly). The reliability output is not supported in this mode
 *  (process() with reliability throws std::invalid_argument). Memory:
 *  about 56 P + 40 (Wp + D) bytes (460 kB at P = 8192). */
class prml_viterbi
{
public:
    /*! target: 2..6 finite taps, not all zero; decision_delay: 8..65536
     *  samples, or 0 for the default 32 * target length; scale: finite > 0
     *  (expected outputs are scale * h conv a). */
    /*! parallel_segment: 0 (off: the sequential detector) or the segment
     *  length P of the segment-parallel mode (see above), 256 .. 2^22 and
     *  >= parallel_warmup + decision_delay; parallel_warmup: 0 for the
     *  default (= decision_delay) or 8 .. 65536 samples (used only when
     *  parallel_segment > 0). */
    explicit prml_viterbi(const std::vector<double>& target = { 1.0, 2.0, 2.0, 1.0 },
                          int decision_delay = 0,
                          double scale = 1.0,
                          int parallel_segment = 0,
                          int parallel_warmup = 0);

    /*! n samples in, n decisions out (x[i - latency()], see above).
     *  reliability may be null (then it is not computed, which is faster);
     *  pass it on every call or on none: the margins it needs are recorded
     *  only while it is requested. */
    void process(const float* y, size_t n, uint8_t* x, float* reliability = nullptr);

    //! back to the state after construction
    void reset();

    size_t latency() const
    {
        return d_pS ? parallel_group * d_pS + d_delay - 1 : d_delay;
    }
    //! segments decided together in the segment-parallel mode
    static constexpr size_t parallel_group = 4;
    //! segment length P of the segment-parallel mode in effect (0: off)
    size_t parallel_segment() const { return d_pS; }
    //! its warm-up (0 when the mode is off)
    size_t parallel_warmup() const { return d_pS ? d_pW : 0; }
    int num_states() const { return d_S; }
    int state_levels() const { return d_M; }
    size_t traceback_stride() const { return d_K; }
    size_t sova_window() const { return d_U; }
    float rel_max() const { return d_rel_max; }
    const std::vector<double>& target() const { return d_target; }
    double scale() const { return d_scale; }
    //! samples processed since construction / reset()
    uint64_t samples() const { return d_t; }

    /*! Kernels of the S = 8 path on x86, chosen at run time (the build
     *  stays baseline x86-64): SSE2, AVX2 (+BMI2), AVX-512F (+VL, AVX2, BMI2).
     *  Elsewhere, and for S != 8, always baseline. (The segment-parallel
     *  mode's AVX-512 kernel also needs AVX-512BW; without it, AVX2.) */
    enum class simd { baseline = 0, avx2 = 1, avx512 = 2 };
    /*! Use the best kernel up to max that the CPU has (the default after
     *  construction is the best; lower ones are for tests and benchmarks);
     *  returns the one now used. Decisions do not depend on it. */
    simd use_simd(simd max);
    simd active_simd() const { return d_simd; }

    //! expected level of a removed branch: its squared distance (~1e30)
    //! keeps it out of every survivor (inputs must stay far below 1e14)
    static constexpr float forbidden_level = 1e15f;

private:
    template <int S>
    void run(const float* y, size_t n, uint8_t* x, float* reliability);
#if defined(__SSE2__)
    //! S = 8 fast path (SSE2, AVX2, AVX-512): 16-bit metrics, see prml_viterbi.cc;
    //! BM: the branch metric kernel of the instruction set
    template <class BM>
    void run8(const BM& bm, const float* y, size_t n, uint8_t* x, float* reliability);
    void run8_sse2(const float* y, size_t n, uint8_t* x, float* reliability);
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
#define ECDISC_PRML_VITERBI_AVX2 1
    __attribute__((target("avx2,bmi2"))) void
    run8_avx2(const float* y, size_t n, uint8_t* x, float* reliability);
    __attribute__((target("avx512f,avx512vl,avx2,bmi2"))) void
    run8_avx512(const float* y, size_t n, uint8_t* x, float* reliability);
#endif
    //! hard traceback of the S = 8 path: rev[D - i] = x[t - i], i = 0..D
    using tb8_fn = void (*)(const uint64_t* f8,
                            size_t rmask,
                            uint64_t t,
                            unsigned s8,
                            size_t D,
                            uint8_t* rev,
                            uint64_t* scratch);
    void traceback8_hard(tb8_fn fn);
    //! S = 8: the first state of least metric (d_m16)
    unsigned best_state8() const;
#endif
    void traceback(bool want_rel);
    //! segment-parallel mode: process() and the group of segments in d_ph
    void process_parallel(const float* y, size_t n, uint8_t* x);
    void run_group();
#if defined(__SSE2__)
    void group8_sse2(bool pad);
#if defined(ECDISC_PRML_VITERBI_AVX2)
    __attribute__((target("avx2,bmi2"))) void group8_avx2(bool pad);
    __attribute__((target("avx512f,avx512vl,avx512bw,avx2,bmi2"))) void
    group8_avx512(bool pad);
#endif
#endif
    //! S = 8 (x86): decisions are the byte ring d_f8, not d_dec
    bool f8_decisions() const;

    /*! The per-sample bookkeeping both ACS loops share, held in locals (the
     *  uint8_t output may alias any member): after the add-compare-select of
     *  step t, output the bit decided D steps earlier (0 during the initial
     *  latency), trace back every K steps, and advance t and the ring slot. */
    struct out_cursor {
        uint64_t t;
        size_t slot, jk;
        const size_t W, K, D;
        const uint8_t* const pend_x;
        const float* const pend_rel;

        explicit out_cursor(const prml_viterbi& v)
            : t(v.d_t),
              slot(v.d_slot),
              jk(v.d_jk),
              W(v.d_W),
              K(v.d_K),
              D(v.d_delay),
              pend_x(v.d_pend_x.data() + pend_pad),
              pend_rel(v.d_pend_rel.data())
        {
        }
        //! on_traceback(t, slot) runs the traceback when one is due
        template <typename F>
        void step(size_t i, uint8_t* x, float* reliability, F&& on_traceback)
        {
            if (t >= D) {
                if (jk == 0)
                    on_traceback(t, slot);
                x[i] = pend_x[jk];
                if (reliability)
                    reliability[i] = pend_rel[jk];
                if (++jk == K)
                    jk = 0;
            } else {
                x[i] = 0;
                if (reliability)
                    reliability[i] = 0.0f;
            }
            t++;
            if (++slot == W)
                slot = 0;
        }
        void store(prml_viterbi& v) const
        {
            v.d_t = t;
            v.d_slot = slot;
            v.d_jk = jk;
        }
    };

    std::vector<double> d_target;
    double d_scale;
    int d_L, d_M, d_S;
    size_t d_delay, d_K, d_U, d_W;
    float d_rel_max;

    // branch tables, index (2 b + x) * S/2 + p for the branch into state
    // s = 2p + x from the predecessor whose oldest level is b = x[n-M]
    std::vector<float> d_exp;
    std::vector<float> d_metric;
    int16_t d_m16[8] = {};       // S = 8 fast path: 16-bit metrics
    float d_q = 16.0f;           // S = 8 fast path: branch metric quantisation
    std::vector<uint32_t> d_dec; // ring of W steps: bit s = decision of state s
    // S = 8 (x86) instead: ring of R = 2^k >= D + K + 16 steps (index
    // t & d_rmask), byte s = the predecessor of state s
    std::vector<uint64_t> d_f8;
    size_t d_rmask = 0;
    simd d_simd = simd::baseline;
    std::vector<uint64_t> d_tbs; // hard traceback scratch (D + 16 steps)
    std::vector<float> d_delta;  // ring of W steps x S margins
    std::vector<uint8_t> d_path; // traceback scratch: state at t - i
    // decided bits x[t - D + m] at pend_pad + m, m < K (traceback scratch
    // from 0 to pend_pad + D + 7)
    static constexpr size_t pend_pad = 8;
    std::vector<uint8_t> d_pend_x;
    std::vector<float> d_pend_rel;
    bool d_pend_rel_stale = false; // S = 8: pending bits decided without margins
    // segment-parallel mode (d_pS = P > 0, G = parallel_group): input
    // history d_ph of the samples from iGP - Wp on (group i of segments,
    // iGP - Wp < 0 padded), d_phn of them held; decisions on x[(i-1)GP ..
    // iGP) in d_pout after d_group = i groups; per segment: predecessor
    // maps (L = Wp + P + D steps) in d_pf, traceback output in d_prev
    size_t d_pS = 0, d_pW = 0;
    std::vector<float> d_ph;
    size_t d_phn = 0;
    uint64_t d_group = 0;
    std::vector<uint8_t> d_pout;
    std::vector<uint64_t> d_pf;
    std::vector<uint8_t> d_prev;
    uint64_t d_t = 0;  // samples processed
    size_t d_slot = 0; // ring slot of time d_t (d_t % W)
    size_t d_jk = 0;   // (d_t - D) % K once d_t >= D
};

} // namespace ecdisc

#endif
