/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef ECDISC_KERNEL_QUALITY_H
#define ECDISC_KERNEL_QUALITY_H

#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace ecdisc {

/*! Read-channel jitter: sigma of the edge timing about a fitted clock, in
 *  percent of the channel bit period T.
 *
 *  Input: the RF (equalised or straight from the front end) sampled at sps
 *  samples per channel bit, 2 <= sps <= 16 (need not be an integer; the
 *  actual bit rate may differ from it by a few percent, see the clock).
 *
 *  Slicer threshold: the mid-level between a peak and a valley envelope,
 *  thr = (hi + lo) / 2, each envelope with instant attack and exponential
 *  release towards the signal: hi = max(x, hi + k (x - hi)), likewise lo
 *  with min, k = 1 / (envelope_bits * sps). So the threshold follows the DC
 *  and amplitude of the signal (also when the code is not DC-free) with a
 *  release time constant of envelope_bits bits; its droop inside a run of r
 *  bits is r / envelope_bits of the peak-to-peak swing.
 *  With dc_threshold, thr is instead set by binary-DC feedback towards the
 *  level that the signal spends equal time above and below: per sample,
 *  thr += k (hi - lo) (f - 1/2), f = the fraction of the last sample
 *  interval above thr with the signal linear between samples (so the
 *  feedback varies smoothly with thr even when the sampling phase to the
 *  edges is fixed), 16 times faster while the settling edges go by. That is the crossing level of a DC-free code (17PP with DC
 *  control) even when its marks and spaces reach unequal peaks (an
 *  asymmetric channel), where both the envelope mid-level and the signal
 *  mean lie off it. The envelopes still scale the hysteresis.
 *  Hysteresis: a crossing of thr counts as an edge once the signal goes
 *  beyond thr +- hysteresis * (hi - lo) on the other side (noise does not
 *  make extra edges); the edge's time is the last crossing of thr before
 *  that, located by linear interpolation between the two samples around it.
 *
 *  Clock: edge times t_i (in samples) against their bit boundary index N_i
 *  (integer) are fitted with an exponentially weighted least-squares line
 *  t = a + P N (P: period, a: phase), weights lambda^age in edges,
 *  lambda = 1 - 1/fit_edges. Each new edge is first assigned the nearest
 *  boundary of the current line, N = round((t - a) / P), and its deviation
 *  e = t - (a + P N) is measured a priori, before the edge enters the fit.
 *  The fit has a memory of ~fit_edges edges (about 3.3 fit_edges channel
 *  bits with RLL(1,7) data of random bytes, whose runs average ~3.3 bits;
 *  1.5k bits at the default 500): timing variations slower than that (a constant frequency
 *  offset, which the line fits exactly, or drift over many thousands of
 *  bits) are followed by the clock and do not count as jitter; variations
 *  over much fewer edges do. Because e is an a-priori prediction error, the
 *  fit inflates white jitter by about sqrt(1 + 1.2 / fit_edges) (measured:
 *  +3 % at 20, +0.1 % at the default 500).
 *  The first 8 edges use the nominal period sps (phase fit only);
 *  P is clamped to sps +- 10 %. An edge less than half a period after the
 *  previous one (N would not advance) is rejected and ignored.
 *  Clock supervision: a clock that is not on the edges (a fit that settled
 *  on a wrong period during acquisition, or a phase jump such as a dropped
 *  block of samples) gives deviations spread evenly over the bit, sigma
 *  100/sqrt(12) = 28.9 % T, which would otherwise be reported as jitter.
 *  The mean of (e/P)^2 over the last ~32 edges is watched; once the fit has
 *  64 edges and that mean exceeds 0.05 (sigma > 22 % T) the clock counts
 *  as lost: the edges of the last 64 that entered the statistics are taken
 *  out again, the fit restarts from the present edge (nominal period), and
 *  the next 64 edges are not measured while it re-acquires
 *  (clock_losses() counts these events).
 *
 *  Edge times by linear interpolation have a small error that depends on
 *  where the crossing falls between samples: with raised-cosine edges of
 *  width T (and a clock not locked to the samples) the floor it adds in
 *  quadrature is ~1.6 % T rms at sps = 2, 0.45 % at 3, 0.2 % at 4, 0.05 %
 *  at 8: use sps >= 4 for jitter figures of a few percent.
 *
 *  Statistics: over the edges after the first settle_edges ones,
 *  jitter_pct = 100 sigma(e / P), mean_offset_pct = 100 mean(e / P),
 *  asymmetry_pct = 100 (mean over rising - mean over falling edges) / P
 *  (a slicer level away from the true mid-level or unequal mark/space
 *  widths show up here; it is part of the sigma). NaN before any edge was
 *  measured. Stateful across calls; chunking does not change the result. */
class jitter_meter
{
public:
    /*!
     * \param sps samples per channel bit, 2..16
     * \param settle_edges edges not measured at the start, 0..10^9
     * \param fit_edges memory of the clock fit in edges, 16..10^6
     * \param envelope_bits release time constant of the envelopes in bits, 10..10^6
     * \param hysteresis of the slicer, in units of the peak-to-peak swing, 0..0.4
     * \param dc_threshold slice at the running mean instead of the envelope mid-level
     */
    explicit jitter_meter(double sps,
                          int settle_edges = 1000,
                          int fit_edges = 500,
                          double envelope_bits = 1000.0,
                          double hysteresis = 0.05,
                          bool dc_threshold = false);

    /*! Consumes samples until n are used or the count of measured edges
     *  reaches edge_limit (the sample completing that edge is consumed).
     *  Returns the number of samples consumed. */
    size_t process(const float* x,
                   size_t n,
                   uint64_t edge_limit = std::numeric_limits<uint64_t>::max());

    //! edges measured (after the settling edges)
    uint64_t edges() const { return d_n; }
    //! edges detected in all (settling edges included, rejected ones not)
    uint64_t edges_seen() const { return d_seen; }
    //! edges rejected after the settling edges (see above)
    uint64_t rejected() const { return d_rejected; }
    //! times the clock fit was found off the edges and restarted (see above)
    uint64_t clock_losses() const { return d_losses; }
    double jitter_pct() const;
    double mean_offset_pct() const;
    double asymmetry_pct() const;
    //! current fitted clock period in samples
    double period() const { return d_period; }
    //! current slicer threshold
    double threshold() const { return d_dc ? d_mean : 0.5 * (d_hi + d_lo); }
    bool dc_threshold() const { return d_dc; }
    double sps() const { return d_sps; }
    int settle_edges() const { return d_settle; }
    int fit_edges() const { return d_fit; }
    uint64_t samples() const { return d_t; }

    //! restart the statistics (no new settling; threshold and clock kept)
    void reset_stats();
    //! back to the state after construction
    void reset();

private:
    void edge(double t, bool rising);
    void start_fit(double t);

    double d_sps;
    int d_settle, d_fit;
    double d_env_bits, d_hyst;
    double d_k, d_lambda;

    // slicer
    uint64_t d_t = 0;
    float d_prev = 0.0f;
    double d_hi = 0.0, d_lo = 0.0;
    bool d_dc = false;
    double d_mean = 0.0;
    int d_state = 0; // -1 low, +1 high, 0 unknown
    double d_cand_up = 0.0, d_cand_dn = 0.0;

    // clock fit, in the frame of the last accepted edge (x = bits, y = samples)
    double d_Y0 = 0.0;
    double d_Sw = 0.0, d_Sx = 0.0, d_Sy = 0.0, d_Sxx = 0.0, d_Sxy = 0.0;
    uint64_t d_nfit = 0;
    double d_period;

    // clock supervision
    double d_err2 = 0.0;
    int d_hold = 0;
    static constexpr int k_recent = 64;
    double d_recent_e[k_recent] = {};
    bool d_recent_r[k_recent] = {};
    int d_recent_n = 0, d_recent_pos = 0;
    uint64_t d_losses = 0;

    // statistics
    uint64_t d_seen = 0, d_rejected = 0, d_n = 0;
    double d_s1 = 0.0, d_s2 = 0.0;
    uint64_t d_nr = 0;
    double d_sr = 0.0, d_sf = 0.0;
};

/*! Sequenced-amplitude margin (SAM) of a PRML read channel, as an
 *  i-MLSE-like figure of merit.
 *
 *  Inputs, sample for sample: y[n], the equalised signal at one sample per
 *  channel bit, and x[n], the detected NRZI levels (0/1, as prml_viterbi
 *  outputs them; a non-zero byte counts as 1). Channel model as in
 *  prml_viterbi: s(x)[n] = scale * sum_{i<L} h[i] a[n-i], a = 2 x - 1.
 *
 *  Events: every edge of x moved by one bit, earlier or later, where the
 *  d = 1 constraint allows it (the run that shrinks has >= 3 bits). Moving
 *  an edge flips exactly one level x[j] (the last bit of the run before it,
 *  or the first bit of the run after it), so the alternative b' differs
 *  from b in one bit and s(b') - s(b) = -2 scale a[j] h[n - j] spans
 *  n = j .. j+L-1, with d^2 = ||s(b') - s(b)||^2 = 4 scale^2 sum h^2. The
 *  margin of the event is
 *     M = (||y - s(b')||^2 - ||y - s(b)||^2) / d^2
 *       = 1 + a[j] sum_i h[i] r[j+i] / (scale sum h^2),   r = y - s(b),
 *  over the L samples the event touches. A noise-free y gives M = 1; with
 *  AWGN of sigma per sample, M has mean 1 and sigma_M = 2 sigma / d; M < 0
 *  means the alternative fits y better (a detection error of this kind
 *  would be preferred by an ML detector looking only at that event).
 *  Statistics over all events: mean(), sigma(), events(), negatives()
 *  (M < 0) and the "SAM SNR" snr_db() = 20 log10(mean / sigma) (like BD's
 *  SAM / i-MLSE figures; for AWGN alone it equals 20 log10(d / (2 sigma))).
 *
 *  An event is used only when its whole window (x[j-2 .. j+2],
 *  x[j-L+1 .. j+L-1], y[j .. j+L-1]) lies at or after sample `skip` (counted
 *  since construction / reset()). Bits whose run is 1 long (not d = 1,
 *  impossible at the output of prml_viterbi) give no event. The result
 *  does not depend on the chunking. mean() and sigma() are NaN before any
 *  event, snr_db() is NaN then and +inf when sigma is 0. */
class sam_meter
{
public:
    /*!
     * \param target PR target h, 2..8 finite taps, not all zero
     * \param scale finite > 0 (s = scale * h conv a, as in prml_viterbi)
     * \param skip samples at the start not measured, >= 0
     */
    explicit sam_meter(const std::vector<double>& target = { 1.0, 2.0, 2.0, 1.0 },
                       double scale = 1.0,
                       uint64_t skip = 0);

    /*! Consumes pairs (y[i], x[i]) until n are used or events() reaches
     *  event_limit (the sample completing that event is consumed).
     *  Returns the number of pairs consumed. */
    size_t process(const float* y,
                   const uint8_t* x,
                   size_t n,
                   uint64_t event_limit = std::numeric_limits<uint64_t>::max());

    uint64_t events() const { return d_n; }
    uint64_t negatives() const { return d_neg; }
    double mean() const;
    double sigma() const;
    double snr_db() const;
    //! squared distance of every event, 4 scale^2 sum h^2
    double d2() const { return 4.0 * d_scale * d_scale * d_h2; }
    const std::vector<double>& target() const { return d_h; }
    double scale() const { return d_scale; }
    uint64_t skip() const { return d_skip; }
    uint64_t samples() const { return d_g0 + d_x.size(); }

    //! restart the statistics (samples and skip unaffected)
    void reset_stats();
    //! back to the state after construction
    void reset();

private:
    std::vector<double> d_h;
    double d_scale, d_h2, d_inv; // d_inv = 1 / (scale sum h^2)
    uint64_t d_skip;
    int d_L, d_A; // taps, look-around max(L-1, 2)

    // working tail: samples d_g0 .. d_g0 + size - 1
    uint64_t d_g0 = 0;
    uint64_t d_jnext = 0; // next event candidate (global index)
    std::vector<uint8_t> d_x;
    std::vector<float> d_y;
    std::vector<double> d_r; // residual y - s(x) (0 where it is not defined)

    uint64_t d_n = 0, d_neg = 0;
    double d_s1 = 0.0, d_s2 = 0.0; // sums of (M - 1) and (M - 1)^2
};

} // namespace ecdisc

#endif
