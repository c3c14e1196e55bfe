/* -*- c++ -*- */
/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_ECDISC_BER_COUNTER_H
#define INCLUDED_ECDISC_BER_COUNTER_H

#include <gnuradio/block.h>
#include <gnuradio/ecdisc/api.h>
#include <cstdint>
namespace gr {
namespace ecdisc {

/*!
 * \brief Channel bit error counter: reference bits against detected bits.
 * \ingroup ecdisc
 *
 * Input 0: reference bits (uint8 0/1, what was written). Input 1: detected
 * bits. The delay of input 1 relative to input 0 is unknown (filters, clock
 * recovery): it is found once, by the lag in [-max_lag, max_lag] with the
 * fewest mismatches over the first align_bits bits, then every bit present in
 * both streams is compared. No outputs: read the counts with the getters.
 *
 * Feed input 0 from a branch of its own (a second copy of the source and
 * encoder), not from a tap on the chain that produces input 1: the counter
 * drains one input only while the other keeps pace, so a reference a whole
 * revolution ahead of the detected bits would stall the chain writing them.
 */
class ECDISC_API ber_counter : virtual public gr::block
{
public:
    typedef std::shared_ptr<ber_counter> sptr;

    /*!
     * \param max_lag largest delay searched in bits, 0..100000
     * \param align_bits bits used to find the delay, 16..1000000
     */
    static sptr make(int max_lag = 1024, int align_bits = 2048);

    virtual bool aligned() const = 0;
    //! delay of input 1 behind input 0 in bits (valid once aligned)
    virtual int lag() const = 0;
    virtual uint64_t reference_bits() const = 0;
    virtual uint64_t bits_compared() const = 0;
    virtual uint64_t errors() const = 0;
    //! errors / bits compared (0 before any comparison)
    virtual double ber() const = 0;
};

} // namespace ecdisc
} // namespace gr

#endif /* INCLUDED_ECDISC_BER_COUNTER_H */
