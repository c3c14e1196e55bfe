/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_ECDISC_PR_EQUALIZER_IMPL_H
#define INCLUDED_ECDISC_PR_EQUALIZER_IMPL_H

#include "pr_equalizer.h"
#include <gnuradio/ecdisc/pr_equalizer.h>
#include <mutex>

namespace gr {
namespace ecdisc {

class pr_equalizer_impl : public pr_equalizer
{
public:
    pr_equalizer_impl(const std::vector<double>& target,
                      int n_taps,
                      double mu,
                      const std::string& mode,
                      int train_delay,
                      double leakage,
                      int update_every,
                      const std::vector<double>& initial_taps);

    bool check_topology(int ninputs, int noutputs) override;
    int work(int noutput_items,
             gr_vector_const_void_star& input_items,
             gr_vector_void_star& output_items) override;

    std::vector<double> taps() const override;
    void set_taps(const std::vector<double>& taps) override;
    double mse() const override;
    bool frozen() const override;
    void set_frozen(bool frozen) override;
    std::string mode() const override;
    void set_mode(const std::string& mode) override;
    double mu() const override;
    void set_mu(double mu) override;
    int update_every() const override;
    void set_update_every(int update_every) override;

private:
    void handle_control(const pmt::pmt_t& msg);

    mutable std::mutex d_mutex; // kernel: work vs. messages and getters
    ::ecdisc::pr_equalizer d_kernel;
    bool d_training_connected = false;
};

} // namespace ecdisc
} // namespace gr

#endif
