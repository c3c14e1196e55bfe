/* -*- c++ -*- */
/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_ECDISC_RS_ENCODER_H
#define INCLUDED_ECDISC_RS_ENCODER_H

#include <gnuradio/ecdisc/api.h>
#include <gnuradio/sync_block.h>
namespace gr {
namespace ecdisc {

/*!
 * \brief Systematic Reed-Solomon RS(n, k) encoder over GF(2^8): k-byte vectors
 * in, n-byte codewords out.
 * \ingroup ecdisc
 *
 * Input: vectors of k bytes (one per codeword). Output: vectors of n bytes,
 * the k data bytes followed by the n - k parity bytes. The generator is
 * g(x) = prod_{i=0}^{n-k-1} (x - alpha^(prim*(fcr+i))) in GF(2)[x]/(gf_poly);
 * n < 255 is the code shortened by 255 - n leading zeros. RS(204, 188) with
 * the defaults is DVB-T's outer code (bit-exact with gr-dtv's
 * dvbt_reed_solomon_enc); RS(248, 216) is the recording chain's default
 * (t = 16). Tags are propagated item to item (one item = one codeword).
 */
class ECDISC_API rs_encoder : virtual public gr::sync_block
{
public:
    typedef std::shared_ptr<rs_encoder> sptr;

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
    //! codewords encoded
    virtual uint64_t codewords() const = 0;
};

} // namespace ecdisc
} // namespace gr

#endif /* INCLUDED_ECDISC_RS_ENCODER_H */
