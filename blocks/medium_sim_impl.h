/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_ECDISC_MEDIUM_SIM_IMPL_H
#define INCLUDED_ECDISC_MEDIUM_SIM_IMPL_H

#include "medium.h"
#include "medium_servo.h"
#include <gnuradio/ecdisc/medium_sim.h>
#include <pmt/pmt.h>
#include <memory>
#include <vector>

namespace gr {
namespace ecdisc {

class medium_sim_impl : public medium_sim
{
public:
    medium_sim_impl(const std::string& medium_file,
                    int sps,
                    int track_bits,
                    const std::vector<int>& focus_layers,
                    const std::vector<double>& layer_voltages,
                    unsigned int seed,
                    const std::string& detector,
                    const std::string& servo,
                    int servo_beam);

    int work(int noutput_items,
             gr_vector_const_void_star& input_items,
             gr_vector_void_star& output_items) override;

    std::string detector() const override;
    void set_focus_offset(int beam, double metres) override;
    double focus_offset(int beam) const override;
    void set_tracking_offset(int beam, double metres) override;
    double tracking_offset(int beam) const override;
    void set_position_tag_interval(int samples) override;
    int position_tag_interval() const override;

    void set_layer_voltage(int layer, double volts) override;
    double layer_voltage(int layer) const override;
    void set_focus_layer(int beam, int layer) override;
    int focus_layer(int beam) const override;
    void set_track_offset(int beam, int tracks) override;
    int track_offset(int beam) const override;
    void set_noise_scale(double scale) override;
    double noise_scale() const override;

    int num_layers() const override;
    int num_beams() const override;
    std::string medium_name() const override;
    double time_s() const override;
    uint64_t revolution() const override;
    double mean_state(int layer) const override;
    double assist_speedup() const override;
    double assist_speedup_for(int layer,
                              int assist_layer,
                              bool colouring,
                              double p_record_mw,
                              double p_assist_mw) const override;
    double crosstalk_db(int layer) const override;
    bool is_spare(int layer) const override;
    int wobble_period_bits(int layer) const override;
    int wobbles_per_unit(int layer) const override;
    void save_image(const std::string& path) const override;
    void load_image(const std::string& path) override;

    bool servo_enabled() const override;
    int servo_beam() const override;
    double focus_error_rms_nm() const override;
    double tracking_error_rms_nm() const override;
    void reset_servo_stats() override;
    bool focus_locked() const override;
    bool tracking_locked() const override;
    void servo_close(bool on) override;
    void track_jump(int tracks) override;
    void layer_jump(int layers) override;
    void focus_search(bool on) override;
    double lens_focus_m() const override;

private:
    //! the groove entry of a layer (std::invalid_argument outside the stack)
    const ::ecdisc::medium_groove& guide(int layer) const;
    void handle_voltage(const pmt::pmt_t& msg);
    void handle_focus(const pmt::pmt_t& msg);
    void handle_actuator(const pmt::pmt_t& msg);
    void parse_actuator(const pmt::pmt_t& msg);
    //! the servo, or std::logic_error naming what
    ::ecdisc::medium_servo& servo_or_throw(const char* what) const;

    ::ecdisc::medium d_kernel;
    //! null: ideal positioning (the medium's own process calls)
    std::unique_ptr<::ecdisc::medium_servo> d_servo;
    std::vector<float> d_fe, d_te; //!< servo error scratch (m)
    std::vector<bool> d_tag_layer; //!< per beam: tag "layer" at the next sample
    std::vector<std::pair<size_t, uint64_t>> d_wraps;
    bool d_quad;
    int d_pos_interval;
    uint64_t d_next_pos_tag = 0; //!< output-0 sample of the next position tag
    void add_position_tag(uint64_t offset, int64_t cell);
    mutable gr::thread::mutex d_mutex;
};

} // namespace ecdisc
} // namespace gr

#endif
