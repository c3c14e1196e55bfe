/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_ECDISC_WRITE_STRATEGY_IMPL_H
#define INCLUDED_ECDISC_WRITE_STRATEGY_IMPL_H

#include "power_table.h"
#include "write_strategy.h"
#include <gnuradio/ecdisc/write_strategy.h>
#include <mutex>

namespace gr {
namespace ecdisc {

class write_strategy_impl : public write_strategy
{
public:
    write_strategy_impl(int sps,
                        double write_power_mw,
                        double space_power_mw,
                        double assist_power_mw,
                        double lead_trim,
                        double tail_trim,
                        const std::string& mode,
                        double t_top,
                        double t_mp,
                        double t_lp,
                        double t_cool,
                        double bias_power_mw,
                        double cooling_power_mw,
                        double middle_power_mw,
                        const std::string& assist_mode,
                        double assist_lead,
                        int beam_delay_samples,
                        double record_voltage_v,
                        const std::string& power_table_file,
                        int layer);

    int work(int noutput_items,
             gr_vector_const_void_star& input_items,
             gr_vector_void_star& output_items) override;

    void set_powers(double write_power_mw,
                    double space_power_mw,
                    double assist_power_mw) override;
    double write_power_mw() const override;
    double space_power_mw() const override;
    double assist_power_mw() const override;

    void set_strategy_powers(double bias_power_mw,
                             double cooling_power_mw,
                             double middle_power_mw) override;
    double bias_power_mw() const override;
    double cooling_power_mw() const override;
    double middle_power_mw() const override;
    void set_record_voltage_v(double record_voltage_v) override;
    double record_voltage_v() const override;
    void set_layer(int layer) override;
    int layer() const override;
    std::string mode() const override;
    int latency_samples() const override;
    int beam_delay_samples() const override;

private:
    //! applies a layer's entry (caller holds the mutex); throws if absent
    void apply_layer(int layer);
    void handle_layer_msg(const pmt::pmt_t& msg);
    void tag_outputs(uint64_t sample, size_t noutputs);

    mutable std::mutex d_mutex;
    ::ecdisc::write_strategy d_kernel;
    ::ecdisc::power_table d_table;
    int d_layer = -1;
    int d_pending_layer = -1; // from a message, applied at the next work

};

} // namespace ecdisc
} // namespace gr

#endif
