/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_ECDISC_CLUSTER_ENCODER_IMPL_H
#define INCLUDED_ECDISC_CLUSTER_ENCODER_IMPL_H

#include "sector_format.h"
#include <gnuradio/ecdisc/cluster_encoder.h>
#include <pmt/pmt.h>
#include <atomic>

namespace gr {
namespace ecdisc {

class cluster_encoder_impl : public cluster_encoder
{
public:
    cluster_encoder_impl(const std::string& format_file, uint64_t first_sector);

    void forecast(int noutput_items, gr_vector_int& ninput_items_required) override;
    int general_work(int noutput_items,
                     gr_vector_int& ninput_items,
                     gr_vector_const_void_star& input_items,
                     gr_vector_void_star& output_items) override;

    int cluster_user_bytes() const override
    {
        return static_cast<int>(d_fmt.cluster_user_bytes());
    }
    int cluster_bytes() const override { return static_cast<int>(d_fmt.cluster_bytes()); }
    int sectors_per_cluster() const override { return d_fmt.sectors(); }
    int sector_user_bytes() const override { return d_fmt.user_bytes(); }
    uint64_t clusters() const override { return d_clusters; }

private:
    ::ecdisc::sector_format d_fmt;
    uint32_t d_next_sector;
    const pmt::pmt_t d_cluster_key;
    std::atomic<uint64_t> d_clusters{ 0 };
};

} // namespace ecdisc
} // namespace gr

#endif
