/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_ECDISC_SERVO_ERROR_IMPL_H
#define INCLUDED_ECDISC_SERVO_ERROR_IMPL_H

#include "servo_signals.h"
#include <gnuradio/ecdisc/servo_error.h>
#include <mutex>

namespace gr {
namespace ecdisc {

class servo_error_impl : public servo_error
{
public:
    servo_error_impl(const std::string& method, double k, double sum_floor, double k_window);

    int work(int noutput_items,
             gr_vector_const_void_star& input_items,
             gr_vector_void_star& output_items) override;

    std::string method() const override;
    int n_inputs() const override;
    double k() const override;
    void set_k(double k) override;
    bool k_estimated() const override;
    double sum_floor() const override;

private:
    mutable std::mutex d_mutex; // kernel: work vs. getters/setters
    ::ecdisc::servo_error_signal d_kernel;
};

} // namespace ecdisc
} // namespace gr

#endif
