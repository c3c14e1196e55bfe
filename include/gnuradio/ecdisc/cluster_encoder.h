/* -*- c++ -*- */
/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_ECDISC_CLUSTER_ENCODER_H
#define INCLUDED_ECDISC_CLUSTER_ENCODER_H

#include <gnuradio/block.h>
#include <gnuradio/ecdisc/api.h>
#include <cstdint>
#include <string>

namespace gr {
namespace ecdisc {

/*!
 * \brief Sector format and ECC cluster encoder: user bytes in, recorded
 * cluster bytes out.
 * \ingroup ecdisc
 *
 * Each cluster takes user_bytes * sectors_per_cluster user bytes (65536 with
 * the default format), cuts them into sectors numbered first_sector,
 * first_sector + 1, ... (4-byte big-endian number and CRC-32 appended to
 * each), lays the sectors column-wise into RS(n, k) codewords and outputs
 * the cluster in recorded (interleaved) order: cluster_bytes() bytes (75640
 * by default). See lib/sector_format.h for the layout.
 *
 * Only whole clusters are output: input that does not fill a cluster waits
 * for more input, and a remainder left at the end of the stream is not
 * encoded (pad the user data to whole clusters). The first byte of each
 * cluster carries a "cluster" tag (uint64, the cluster's index since the
 * block started, 0 first). Input tags are not propagated.
 */
class ECDISC_API cluster_encoder : virtual public gr::block
{
public:
    typedef std::shared_ptr<cluster_encoder> sptr;

    /*!
     * \param format_file sector format YAML (like media/format_default.yml);
     *        "" = the built-in default
     * \param first_sector number of the first sector, 0..2^32-1 (numbers
     *        are recorded modulo 2^32)
     */
    static sptr make(const std::string& format_file = "", uint64_t first_sector = 0);

    //! user bytes consumed per cluster
    virtual int cluster_user_bytes() const = 0;
    //! recorded bytes produced per cluster
    virtual int cluster_bytes() const = 0;
    //! sectors per cluster (the format's sectors_per_cluster)
    virtual int sectors_per_cluster() const = 0;
    //! user bytes per sector (the format's user_bytes)
    virtual int sector_user_bytes() const = 0;
    //! clusters encoded so far
    virtual uint64_t clusters() const = 0;
};

} // namespace ecdisc
} // namespace gr

#endif /* INCLUDED_ECDISC_CLUSTER_ENCODER_H */
