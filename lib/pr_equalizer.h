/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef ECDISC_KERNEL_PR_EQUALIZER_H
#define ECDISC_KERNEL_PR_EQUALIZER_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace ecdisc {

/*! Adaptive FIR equaliser to a partial-response (PR) target, LMS adapted.
 *
 *  Input: one sample x[n] per channel bit (after timing recovery). Output:
 *    y[n] = sum_{k=0}^{N-1} w[k] x[n-k]          (N = n_taps, odd, 3..63)
 *  The taps start as a centre spike, w[(N-1)/2] = 1 (output = input delayed
 *  by (N-1)/2 samples). The equaliser is adapted so that y matches the PR
 *  target h (default PR(1,2,2,1)) applied to the NRZI levels a = 2b - 1:
 *    d[n] = sum_j h[j] a[n - D - j]
 *  LMS with optional leakage l: e = d - y (a-priori error),
 *    w[k] <- (1 - mu l) w[k] + mu e x[n-k]
 *
 *  Reference d[n] by mode:
 *   - "train": from the known training levels b (uint8, non-zero = 1, fed 1:1
 *     with x) and the training delay D = train_delay (-1: auto, (N-1)/2,
 *     right when the channel's impulse response is about as long as h). The
 *     first D + len(h) - 1 samples only fill the training history (no update).
 *     Without training levels (nullptr) there is no update.
 *   - "dd" (decision directed): d[n] = the ideal PR level nearest to y[n];
 *     the ideal levels are every sum_j h[j] (+-1), i.e. the output alphabet
 *     of the target (PR(1,2,2,1): -6, -4, ..., 6). No delay. Meant to keep
 *     an already trained (or well started) equaliser locked: it does not
 *     acquire from the centre spike when the channel gain is far from the
 *     target's.
 *   - frozen (set_frozen(true) or mode "frozen"): no update, pure FIR; the
 *     adapting mode (train or dd) is kept and resumes on set_frozen(false).
 *
 *  LMS decimation (update_every = U >= 1): the error and the tap update
 *  happen on every U-th sample only (samples U-1, 2U-1, ... counting every
 *  input sample from 0 since construction); between updates the taps are
 *  fixed, so U samples are filtered as one vectorised block. U = 1 (the
 *  default) updates on every sample. The channel drifts slowly, so U = 8
 *  with the same mu converges U times slower in samples (same excess MSE)
 *  at a fraction of the cost. Training levels are still taken every sample.
 *
 *  mse(): running mean of e^2 over the adapting samples (start-up running
 *  mean, then one-pole with time constant 1/mse_alpha = 1000 samples); it is
 *  held while frozen or while training lacks history/levels.
 *  Stateful across calls; before the first sample x is taken to be 0. */
class pr_equalizer
{
public:
    enum class mode_t { train, dd };

    /*!
     * \param target PR target h, 1..7 finite values, not all zero
     * \param n_taps FIR length, odd, 3..63
     * \param mu LMS step size, (0, 0.1]
     * \param mode "train", "dd" or "frozen" (frozen, adapting mode dd)
     * \param train_delay D in samples, 0..1024, or -1 for (n_taps - 1)/2
     * \param leakage tap leakage l, 0..1 (taps shrink by mu l per update)
     * \param update_every U: LMS update on every U-th sample, 1..1024
     * \param initial_taps n_taps finite values, or empty for the centre spike
     */
    pr_equalizer(const std::vector<double>& target = { 1, 2, 2, 1 },
                 int n_taps = 15,
                 double mu = 0.002,
                 const std::string& mode = "dd",
                 int train_delay = -1,
                 double leakage = 0.0,
                 int update_every = 1,
                 const std::vector<double>& initial_taps = {});

    /*! in: n samples; train: n training levels (0/1) aligned with in, or
     *  nullptr; out: n samples (may not alias in). */
    void process(const float* in, const uint8_t* train, float* out, size_t n);

    /*! As process(), for a caller that keeps the input history itself (GNU
     *  Radio's set_history(n_taps)): x holds n_taps - 1 past samples, then
     *  the n new ones; train and out hold the n new ones. No copy. Use either
     *  process() or process_history() on one object, not both. */
    void process_history(const float* x, const uint8_t* train, float* out, size_t n);

    //! taps w[k], k = 0..n_taps-1 (k = delay in samples)
    std::vector<double> taps() const;
    //! load taps (n_taps values, finite)
    void set_taps(const std::vector<double>& taps);
    double mse() const { return d_mse; }
    bool frozen() const { return d_frozen; }
    void set_frozen(bool f) { d_frozen = f; }
    //! "train", "dd" or "frozen"
    std::string mode() const;
    //! "train" or "dd" (and unfreeze), or "frozen" (= set_frozen(true))
    void set_mode(const std::string& mode);
    double mu() const { return d_mu; }
    void set_mu(double mu);
    int n_taps() const { return d_n; }
    int update_every() const { return d_every; }
    //! 1..1024; the sample phase carries on (the next update comes at most
    //! update_every samples later)
    void set_update_every(int update_every);
    int train_delay() const { return d_delay; }
    const std::vector<double>& target() const { return d_target; }
    //! the ideal output levels (sorted) the decision-directed mode slices to
    const std::vector<float>& levels() const { return d_levels; }

    static constexpr double mse_alpha = 1e-3;

private:
    //! b: n_taps - 1 history then c samples; avail: floats readable at b
    void filter(const float* b, size_t avail, const uint8_t* train, float* out, size_t c);
    //! the update_every > 1 path of filter()
    void filter_decimated(const float* b, const uint8_t* train, float* out, size_t c);
    //! the LMS step at one sample: x its window (reversed), y its output
    void update(const float* x, float y, float d);
    float slice(float y) const;
    /*! slice() without data-dependent branches, for the decimated path (its
     *  samples, update_every apart, are too far apart for the branch
     *  predictor): the level above every midpoint between adjacent levels
     *  that y exceeds. Differs from slice() only when y is within rounding
     *  of a midpoint. */
    float slice_midpoints(float y) const;
    void push_train(uint8_t b);
    bool train_ready() const;
    float train_reference() const;

    std::vector<double> d_target;
    int d_n;
    double d_mu;
    mode_t d_mode = mode_t::dd;
    bool d_frozen = false;
    int d_delay;
    double d_leak;
    int d_every = 1;
    int d_phase = 0;          // samples since the last update sample, 0..d_every-1
    std::vector<float> d_wr;  // taps reversed: d_wr[m] = w[N-1-m]
    std::vector<float> d_buf; // N-1 past inputs then the current chunk
    std::vector<float> d_levels;
    std::vector<float> d_mid; // (d_levels[k] + d_levels[k+1]) / 2
    std::vector<float> d_ha;  // training history ring, a = +-1
    size_t d_ha_pos = 0;      // next write slot
    uint64_t d_ha_count = 0;  // training levels seen
    double d_mse = 0.0;
    uint64_t d_mse_count = 0;
};

} // namespace ecdisc

#endif
