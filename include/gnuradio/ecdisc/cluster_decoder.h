/* -*- c++ -*- */
/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_ECDISC_CLUSTER_DECODER_H
#define INCLUDED_ECDISC_CLUSTER_DECODER_H

#include <gnuradio/block.h>
#include <gnuradio/ecdisc/api.h>
#include <cstdint>
#include <string>

namespace gr {
namespace ecdisc {

/*!
 * \brief Sector format and ECC cluster decoder: recorded cluster bytes in,
 * verified user bytes out.
 * \ingroup ecdisc
 *
 * Input 0: recorded cluster bytes, aligned: the stream is whole clusters
 * from its first byte (as cluster_encoder writes them); "cluster" tags are
 * not used for alignment. Optional input 1: one erasure flag per recorded
 * byte (nonzero = unreliable), same alignment. Output: the user bytes of
 * each cluster (user_bytes * sectors_per_cluster), a remainder shorter than
 * a cluster at the end of the stream is dropped.
 *
 * Each codeword is corrected (2e + f <= n - k), each sector's CRC-32 and
 * number checked (numbers consecutive within a cluster). The first byte of
 * each output sector carries two tags:
 *   "sector"         uint64, the sector number (for a failed sector, the
 *                    number inferred from its cluster's other sectors, or
 *                    from the previous cluster when none could be read)
 *   "sector_status"  long: 0 ok, > 0 bytes corrected in the sector, -1 failed
 * A failed sector's bytes are output as zeros, never as data. Input tags are
 * not propagated.
 */
class ECDISC_API cluster_decoder : virtual public gr::block
{
public:
    typedef std::shared_ptr<cluster_decoder> sptr;

    //! \param format_file sector format YAML; "" = the built-in default
    static sptr make(const std::string& format_file = "");

    //! user bytes produced per cluster
    virtual int cluster_user_bytes() const = 0;
    //! recorded bytes consumed per cluster
    virtual int cluster_bytes() const = 0;
    //! sectors per cluster (the format's sectors_per_cluster)
    virtual int sectors_per_cluster() const = 0;
    //! user bytes per sector (the format's user_bytes)
    virtual int sector_user_bytes() const = 0;
    //! clusters decoded
    virtual uint64_t clusters() const = 0;
    //! sectors output (ok, corrected and failed)
    virtual uint64_t sectors() const = 0;
    //! sectors output with at least one byte corrected
    virtual uint64_t sectors_corrected() const = 0;
    //! sectors that failed (output as zeros)
    virtual uint64_t sectors_failed() const = 0;
};

} // namespace ecdisc
} // namespace gr

#endif /* INCLUDED_ECDISC_CLUSTER_DECODER_H */
