/* -*- c++ -*- */
/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_ECDISC_PR_EQUALIZER_H
#define INCLUDED_ECDISC_PR_EQUALIZER_H

#include <gnuradio/ecdisc/api.h>
#include <gnuradio/sync_block.h>
#include <string>
#include <vector>

namespace gr {
namespace ecdisc {

/*!
 * \brief Adaptive FIR equaliser to a partial-response target, LMS adapted.
 * \ingroup ecdisc
 *
 * Input 0: one sample per channel bit (float, after timing recovery).
 * Input 1 (optional): known NRZI levels (uint8, 0/1) for training, 1:1 with
 * input 0. Output: y[n] = sum_k w[k] x[n-k] (float), 1:1.
 *
 * The taps start as a centre spike and are LMS adapted,
 * w += mu e x - mu leakage w, e = d - y, towards the target h applied to the
 * levels a = 2b - 1: d[n] = sum_j h[j] a[n - train_delay - j].
 * Modes: "train" (d from input 1; no update while it is not connected),
 * "dd" (decision directed: d = the ideal PR level, i.e. a sum of +-h[j],
 * nearest to y), "frozen" (no update, pure FIR).
 *
 * update_every U: the error and the tap update happen on every U-th sample
 * only (taps fixed in between, so the U samples are filtered as one vector
 * block); 1 = every sample. initial_taps: n_taps values to start from
 * (e.g. the target at the centre), or empty for the centre spike.
 *
 * Message port "control": a dict with {freeze: bool} and/or
 * {mode: "train"|"dd"|"frozen"} (mode first, then freeze).
 */
class ECDISC_API pr_equalizer : virtual public gr::sync_block
{
public:
    typedef std::shared_ptr<pr_equalizer> sptr;

    /*!
     * \param target PR target h, 1..7 values (default PR(1,2,2,1))
     * \param n_taps FIR length, odd, 3..63
     * \param mu LMS step size, (0, 0.1]
     * \param mode "train", "dd" or "frozen"
     * \param train_delay training delay in samples, 0..1024, -1: (n_taps-1)/2
     * \param leakage tap leakage, 0..1
     * \param update_every LMS update on every update_every-th sample, 1..1024
     * \param initial_taps n_taps starting taps, or empty: centre spike
     */
    static sptr
    make(const std::vector<double>& target = std::vector<double>{ 1, 2, 2, 1 },
         int n_taps = 15,
         double mu = 0.002,
         const std::string& mode = "dd",
         int train_delay = -1,
         double leakage = 0.0,
         int update_every = 1,
         const std::vector<double>& initial_taps = std::vector<double>());

    //! current taps w[k], k = delay in samples
    virtual std::vector<double> taps() const = 0;
    //! load taps (n_taps values)
    virtual void set_taps(const std::vector<double>& taps) = 0;
    //! running mean squared error of the adapting samples
    virtual double mse() const = 0;
    virtual bool frozen() const = 0;
    virtual void set_frozen(bool frozen) = 0;
    //! "train", "dd" or "frozen"
    virtual std::string mode() const = 0;
    virtual void set_mode(const std::string& mode) = 0;
    virtual double mu() const = 0;
    virtual void set_mu(double mu) = 0;
    virtual int update_every() const = 0;
    //! 1..1024
    virtual void set_update_every(int update_every) = 0;
};

} // namespace ecdisc
} // namespace gr

#endif /* INCLUDED_ECDISC_PR_EQUALIZER_H */
