/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_ECDISC_SERVO_LOOP_IMPL_H
#define INCLUDED_ECDISC_SERVO_LOOP_IMPL_H

#include "servo_loop.h"
#include <gnuradio/ecdisc/servo_loop.h>
#include <mutex>

namespace gr {
namespace ecdisc {

class servo_loop_impl : public servo_loop
{
public:
    servo_loop_impl(const ::ecdisc::servo_config& cfg, int update_samples, double sample_rate, bool start_closed);

    int work(int noutput_items,
             gr_vector_const_void_star& input_items,
             gr_vector_void_star& output_items) override;

    int update_samples() const override { return d_n; }
    double update_rate() const override { return d_rate; }
    bool locked_focus() const override;
    bool locked_tracking() const override;
    bool closed() const override;
    bool searching() const override;
    double focus_rms_nm() const override;
    double tracking_rms_nm() const override;
    void reset_stats() override;
    double focus_reference_m() const override;
    double tracking_reference_m() const override;
    double focus_gain() const override { return d_loop.focus().gain(); }
    double focus_lead_ratio() const override { return d_loop.focus().lead_ratio(); }
    double tracking_gain() const override { return d_loop.tracking().gain(); }
    double tracking_lead_ratio() const override { return d_loop.tracking().lead_ratio(); }

    void close(bool on) override;
    void track_jump(int n) override;
    void layer_jump(int n) override;
    void focus_search(bool on) override;

private:
    void handle_control(const pmt::pmt_t& msg);

    mutable std::mutex d_mutex; // kernel: work vs. getters/setters/messages
    const int d_n;
    const double d_rate;
    ::ecdisc::servo_loop d_loop;
    int d_count = 0;            // samples accumulated towards the next update
    double d_sum_f = 0, d_sum_t = 0;
    float d_drive_f = 0, d_drive_t = 0;
    bool d_lock_f = false, d_lock_t = false;
};

} // namespace ecdisc
} // namespace gr

#endif
