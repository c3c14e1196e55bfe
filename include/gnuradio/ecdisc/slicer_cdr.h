/* -*- c++ -*- */
/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_ECDISC_SLICER_CDR_H
#define INCLUDED_ECDISC_SLICER_CDR_H

#include <gnuradio/block.h>
#include <gnuradio/ecdisc/api.h>
#include <cstdint>
namespace gr {
namespace ecdisc {

/*!
 * \brief Slicer with simple clock recovery: oversampled RF in, one hard
 * decision per channel bit out.
 * \ingroup ecdisc
 *
 * Input: RF (float) at about sps samples per channel bit. Output: uint8 0/1,
 * 1 where the RF at the recovered bit centre is above threshold. The clock is
 * a second-order loop on the zero-crossing instants (linear interpolation),
 * which lie half a bit away from the bit centres.
 */
class ECDISC_API slicer_cdr : virtual public gr::block
{
public:
    typedef std::shared_ptr<slicer_cdr> sptr;

    /*!
     * \param sps nominal samples per channel bit, 1.5..64
     * \param loop_bw loop bandwidth per crossing, (0, 0.25]
     * \param threshold decision threshold on the RF
     */
    static sptr make(double sps = 4.0, double loop_bw = 0.02, double threshold = 0.0);

    //! current bit period estimate in samples
    virtual double period() const = 0;
    //! bits emitted so far
    virtual uint64_t bits() const = 0;
    virtual void set_threshold(double threshold) = 0;
    virtual double threshold() const = 0;
};

} // namespace ecdisc
} // namespace gr

#endif /* INCLUDED_ECDISC_SLICER_CDR_H */
