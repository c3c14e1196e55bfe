/* -*- c++ -*- */
/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_ECDISC_SERVO_ERROR_H
#define INCLUDED_ECDISC_SERVO_ERROR_H

#include <gnuradio/ecdisc/api.h>
#include <gnuradio/sync_block.h>
#include <string>

namespace gr {
namespace ecdisc {

/*!
 * \brief Servo error signal (focus, tracking) or RF sum from photodetector
 * channels, from the medium simulator or a bench capture alike.
 * \ingroup ecdisc
 *
 * Inputs: float detector channels (normalised photocurrent), their number
 * fixed by the method. Main-beam quadrants numbered counter-clockwise from
 * the first quadrant, x = radial (outwards), y = tangential:
 * A (x>0, y>0), B (x<0, y>0), C (x<0, y<0), D (x>0, y<0).
 *  - "fes_astigmatic" (A, B, C, D): ((A+C) - (B+D)) / sum; zero at best
 *    focus (round spot), focal lines along the diagonals.
 *  - "push_pull" (A, B, C, D): ((A+D) - (B+C)) / sum (outer minus inner half).
 *  - "dpp" (A, B, C, D, E1, E2, F1, F2; E1, F1 the x>0 halves of the two
 *    side-beam detectors, E2, F2 the x<0 halves):
 *    ((A+D-B-C) - k (E1+F1-E2-F2)) / ((A+B+C+D) + k (E1+E2+F1+F2)).
 *    With side spots half a pitch off and k = main sum / side sum, a
 *    lens-shift offset cancels and the output is (PP_main - PP_side)/2, in
 *    units of the main normalised push-pull. k >= 0: fixed; k < 0:
 *    estimated as the ratio of the running means (time constant k_window
 *    samples) of the main and side sums.
 *  - "three_beam" (E, F: the side spots' total signals, E at about +p/4,
 *    F at -p/4): (E - F) / (E + F).
 *  - "rf_sum" (A, B, C, D): A + B + C + D, not normalised.
 * Normalised outputs divide by max(sum, sum_floor): 0 with no light.
 * Output: one float per input sample.
 */
class ECDISC_API servo_error : virtual public gr::sync_block
{
public:
    typedef std::shared_ptr<servo_error> sptr;

    /*!
     * \param method "fes_astigmatic", "push_pull", "dpp", "three_beam" or "rf_sum"
     * \param k DPP side-beam gain: >= 0 fixed (<= 1e6), < 0 estimated
     * \param sum_floor normalisation floor, > 0 (channel units)
     * \param k_window time constant of the k estimate, samples, 1..1e9
     */
    static sptr make(const std::string& method = "push_pull",
                     double k = -1.0,
                     double sum_floor = 1e-6,
                     double k_window = 10000.0);

    virtual std::string method() const = 0;
    //! detector channels the method takes (4, 4, 8, 2, 4)
    virtual int n_inputs() const = 0;
    //! current DPP gain (fixed, or the running estimate)
    virtual double k() const = 0;
    //! >= 0: fix k; < 0: estimate it from the data
    virtual void set_k(double k) = 0;
    virtual bool k_estimated() const = 0;
    virtual double sum_floor() const = 0;
};

} // namespace ecdisc
} // namespace gr

#endif /* INCLUDED_ECDISC_SERVO_ERROR_H */
