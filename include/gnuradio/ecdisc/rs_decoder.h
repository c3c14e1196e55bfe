/* -*- c++ -*- */
/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_ECDISC_RS_DECODER_H
#define INCLUDED_ECDISC_RS_DECODER_H

#include <gnuradio/ecdisc/api.h>
#include <gnuradio/sync_block.h>
#include <cstdint>
namespace gr {
namespace ecdisc {

/*!
 * \brief Reed-Solomon RS(n, k) errors-and-erasures decoder over GF(2^8):
 * n-byte codewords in, k-byte vectors out.
 * \ingroup ecdisc
 *
 * Input 0: vectors of n bytes (received codewords, data first, as
 * rs_encoder writes them). Optional input 1: vectors of n erasure flags
 * (nonzero = that byte is unreliable, e.g. from a sync loss or an RLL code
 * violation). Output: vectors of k bytes.
 *
 * e errors and f erasures are corrected whenever 2e + f <= n - k. A result
 * is accepted only if every error lies inside the (shortened) codeword and
 * the corrected word is a codeword again. Each output item carries an
 * "rs_status" tag (long): the number of bytes corrected, or -1 when the
 * codeword could not be corrected; the output vector is then all zeros
 * (never the uncorrected bytes) and failures() counts it. Tags of input 0
 * follow their codeword to the output item (an upstream "rs_status" is
 * replaced); those of input 1 are dropped.
 */
class ECDISC_API rs_decoder : virtual public gr::sync_block
{
public:
    typedef std::shared_ptr<rs_decoder> sptr;

    /*!
     * \param n codeword bytes, 2..255
     * \param k data bytes, 1..n-1
     * \param gf_poly primitive field polynomial of degree 8 (285 = 0x11D)
     * \param fcr first consecutive root, 0..254
     * \param prim root spacing, 1..254, coprime with 255
     */
    static sptr make(int n, int k, int gf_poly = 285, int fcr = 0, int prim = 1);

    virtual int n() const = 0;
    virtual int k() const = 0;
    //! codewords decoded (successes and failures)
    virtual uint64_t codewords() const = 0;
    //! bytes corrected in all successfully decoded codewords
    virtual uint64_t corrected_symbols() const = 0;
    //! codewords that could not be corrected (emitted as zeros)
    virtual uint64_t failures() const = 0;
};

} // namespace ecdisc
} // namespace gr

#endif /* INCLUDED_ECDISC_RS_DECODER_H */
