/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_ECDISC_WRITE_STRATEGY_IMPL_H
#define INCLUDED_ECDISC_WRITE_STRATEGY_IMPL_H

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
                        double tail_trim);

    int work(int noutput_items,
             gr_vector_const_void_star& input_items,
             gr_vector_void_star& output_items) override;

    void set_powers(double write_power_mw,
                    double space_power_mw,
                    double assist_power_mw) override;
    double write_power_mw() const override;
    double space_power_mw() const override;
    double assist_power_mw() const override;

private:
    mutable std::mutex d_mutex;
    ::ecdisc::write_strategy d_kernel;
};

} // namespace ecdisc
} // namespace gr

#endif
