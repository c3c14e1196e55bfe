/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_ECDISC_CLUSTER_DECODER_IMPL_H
#define INCLUDED_ECDISC_CLUSTER_DECODER_IMPL_H

#include "sector_format.h"
#include <gnuradio/ecdisc/cluster_decoder.h>
#include <pmt/pmt.h>
#include <atomic>

namespace gr {
namespace ecdisc {

class cluster_decoder_impl : public cluster_decoder
{
public:
    explicit cluster_decoder_impl(const std::string& format_file);

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
    uint64_t sectors() const override { return d_sectors; }
    uint64_t sectors_corrected() const override { return d_corrected; }
    uint64_t sectors_failed() const override { return d_failed; }

private:
    ::ecdisc::sector_format d_fmt;
    uint32_t d_next_sector = 0;  // expected first number of the next cluster
    uint64_t d_bad_clusters = 0; // clusters with failed sectors (for the log)
    const pmt::pmt_t d_sector_key, d_status_key;
    std::atomic<uint64_t> d_clusters{ 0 }, d_sectors{ 0 }, d_corrected{ 0 },
        d_failed{ 0 };
};

} // namespace ecdisc
} // namespace gr

#endif
