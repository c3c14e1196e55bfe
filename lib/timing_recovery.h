/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef ECDISC_KERNEL_TIMING_RECOVERY_H
#define ECDISC_KERNEL_TIMING_RECOVERY_H

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ecdisc {

/*! Interpolating timing recovery for the oversampled read signal: soft
 *  samples in (about sps per channel bit), one soft sample per channel bit
 *  out (the signal interpolated at the recovered bit centre). For the
 *  DC-free binary baseband RF of RLL(1,7) + NRZI after rf_frontend; feeds
 *  pr_equalizer / prml_viterbi. (slicer_cdr is the hard-decision relative.)
 *
 *  Interpolator: cubic Lagrange in Farrow form on the 4 samples around the
 *  wanted instant t = i + mu (mu in [0, 1)):
 *    y(mu) = ((c3 mu + c2) mu + c1) mu + c0,  c0 = x[i],
 *    c1 = -x[i-1]/3 - x[i]/2 + x[i+1] - x[i+2]/6,
 *    c2 = (x[i-1] + x[i+1])/2 - x[i],
 *    c3 = (x[i+2] - x[i-1])/6 + (x[i] - x[i+1])/2.
 *
 *  Timing error detector (TED), once per bit k with centre c_k (input
 *  samples) and period estimate P: the centre sample y_k = y(c_k) and the
 *  mid-bit sample m_k = y(c_k - P/2) (the bit boundary before it). Where the
 *  sign (bit) differs between y_{k-1} and y_k (an NRZI edge), its timing
 *  error in channel bits (positive: sampling late) is estimated as
 *    e_k = m_k / (y_k - y_{k-1}),   clipped to [-1/2, 1/2]
 *  (an amplitude-normalised Gardner detector, so the loop gain does not
 *  depend on the signal scale; ~1 per edge for a spot-blurred edge); e_k = 0
 *  where there is no edge.
 *
 *  Loop: second-order proportional-integral, in input samples, with a loop
 *  delay of two bits (the error of bit k steers the step after bit k + 2, so
 *  the next interpolations need not wait for this bit's TED; at these
 *  bandwidths the delay costs a few degrees of phase margin):
 *    v   <- clamp(v - K_i e_{k-2} sps, +-max_deviation sps)   (period offset)
 *    P    = sps + v
 *    c_{k+1} = c_k + P - K_p e_{k-2} sps
 *  K_p, K_i: the usual gains (Rice) for normalised noise bandwidth B (per
 *  channel bit) and damping zeta, divided by the nominal edge density of
 *  RLL(1,7) NRZI (edge_density = 0.3, random data gives 0.304: the TED only
 *  speaks at edges, with a gain of about 1 there):
 *    theta = B / (zeta + 1/(4 zeta)), d = 1 + 2 zeta theta + theta^2,
 *    K_p = 4 zeta theta / d / edge_density,  K_i = 4 theta^2 / d / edge_density.
 *  Acquisition ("gear shift"): while not locked B = acq_factor * loop_bw
 *  (acq_factor = 4, at most 0.1); once locked B = loop_bw.
 *
 *  Lock detector: the fraction of edges near the expected phase,
 *    L <- L + ([|e_k| < 1/4] - L) / 64   at every edge (L starts at 0);
 *  locked when L > lock_on (0.75), unlocked again when L < lock_off (0.60)
 *  (hysteresis). Locked on a clean signal L ~ 1 (~0.9 with noise of 0.2 RMS
 *  on the +-1 levels and a 0.6-bit blur); with
 *  the loop slipping (rate error) |e| is uniform and L ~ 0.5; on noise alone
 *  L ~ 0.4-0.5.
 *
 *  Streaming: process() reads the input in place; the first bit centre is at
 *  input sample sps (absolute). An output bit needs the input samples
 *  floor(c - P/2) - 1 .. floor(c) + 2, so process() reports as consumed only
 *  the samples no later bit can need: the caller passes the unconsumed rest
 *  again (with new samples after it) in the next call (GNU Radio's
 *  general_work convention). Stateful; process() does not allocate (the
 *  event list keeps its capacity; it only grows when one call has more than
 *  64 events, e.g. phase_interval < max_out / 64).
 */
class timing_recovery
{
public:
    static constexpr double edge_density = 0.3;
    static constexpr double acq_factor = 4.0;
    static constexpr double lock_on = 0.75;
    static constexpr double lock_off = 0.60;
    static constexpr double lock_alpha = 1.0 / 64.0;

    //! a lock change or a periodic phase report at output bit `bit`
    struct event {
        enum kind_t { lock, phase } kind;
        uint64_t bit;    //!< output bit index (0-based, over the stream); lock:
                         //!< the bit whose error changed the state
        bool locked;     //!< lock: new state
        double position; //!< phase: absolute input position of that bit's centre
        double period;   //!< phase: period estimate (input samples per bit) then
    };

    /*!
     * \param sps nominal input samples per channel bit, 2..8
     * \param loop_bw loop noise bandwidth per channel bit, (0, 0.05]
     * \param damping damping factor zeta, 0.25..4
     * \param max_deviation period clamp, fraction of sps, (0, 0.1]
     * \param phase_interval a phase event every this many output bits
     *        (bits 0, N, 2N, ...), 0: none; 0..2^30
     */
    timing_recovery(double sps,
                    double loop_bw = 0.01,
                    double damping = 0.7071067811865476,
                    double max_deviation = 0.02,
                    int phase_interval = 4096);

    /*! Emits output bits until the input or the output room runs out.
     *  in: n_in samples, starting at the first sample not yet consumed.
     *  out: up to max_out samples. positions (optional, nullptr: none): for
     *  each output bit its centre as an absolute input position (samples,
     *  fractional). *consumed: samples of `in` that are no longer needed.
     *  Returns the number of output bits. Events (lock changes, phase
     *  reports) of this call are in events() until the next call. */
    size_t process(const float* in,
                   size_t n_in,
                   float* out,
                   size_t max_out,
                   size_t* consumed,
                   double* positions = nullptr);

    //! input samples needed (at most) for n more output bits
    size_t input_needed(size_t n_out) const;

    const std::vector<event>& events() const { return d_events; }
    bool locked() const { return d_locked; }
    //! current period estimate P, input samples per channel bit
    double samples_per_bit_estimate() const { return d_sps + d_v; }
    uint64_t bits_out() const { return d_bits; }
    //! lock detector: smoothed fraction of edges with |e| < 1/4
    double lock_metric() const { return d_L; }
    //! absolute input position of the next bit centre
    double next_position() const { return d_pos; }

    double sps() const { return d_sps; }
    double loop_bw() const { return d_bw; }
    double damping() const { return d_zeta; }
    double max_deviation() const { return d_maxdev; }
    int phase_interval() const { return d_interval; }
    void set_loop_bw(double loop_bw);

    //! gains (K_p, K_i) for bandwidth b (the formulas above)
    static void gains(double b, double zeta, double* kp, double* ki);

private:
    void update_gains();

    double d_sps, d_bw, d_zeta, d_maxdev;
    int d_interval;
    double d_kp_acq, d_ki_acq, d_kp_trk, d_ki_trk;
    double d_kp, d_ki;   // the gear in use
    double d_pos;        // next centre, absolute input position
    double d_v = 0.0;    // period offset
    uint64_t d_base = 0; // absolute index of the first unconsumed sample
    float d_yprev = 0.0f;
    float d_e1 = 0.0f, d_e2 = 0.0f; // TED errors waiting for the loop delay
    double d_L = 0.0;               // lock detector
    bool d_locked = false;
    uint64_t d_bits = 0;
    std::vector<event> d_events;
};

} // namespace ecdisc

#endif
