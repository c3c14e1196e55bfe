/* -*- c++ -*- */
/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_ECDISC_PRML_VITERBI_H
#define INCLUDED_ECDISC_PRML_VITERBI_H

#include <gnuradio/ecdisc/api.h>
#include <gnuradio/sync_block.h>
#include <vector>

namespace gr {
namespace ecdisc {

/*!
 * \brief PRML Viterbi detector for a partial-response target, with the RLL
 * d = 1 constraint built into the trellis.
 * \ingroup ecdisc
 *
 * Input: equalised samples (float), one per channel bit, modelled as
 * y[n] = scale * sum_i target[i] a[n-i] + noise, a[n] = 2 x[n] - 1.
 * Output 0: hard decisions x (uint8 0/1, NRZI levels). Optional output 1:
 * reliability per bit (float, >= 0): the metric margin of the best competing
 * path that decides the other value of the bit (SOVA-like, window
 * 16 + 2 L steps), saturating at 32 scale^2 sum target^2; low values mark
 * erasure candidates.
 *
 * Trellis: 2^max(L-1, 2) states (the last levels); branches that would make
 * a run of one level (010, 101) are removed.
 *
 * Latency: 1:1 in items; output item n is the decision on input item
 * n - latency(), latency() = decision_delay (no set_history). The first
 * latency() outputs are 0 with reliability 0. Traceback every
 * decision_delay - decision_delay / 4 items, depth >= decision_delay / 4 + 1.
 *
 * Segment-parallel mode (parallel_segment = P > 0, 4-tap targets on x86;
 * lib/prml_viterbi.h): the stream is cut at sample multiples of P, each
 * segment decided by its own trellis started decision_delay samples
 * earlier, four segments computed in lockstep: ~1.7x the throughput
 * (AVX-512) for a latency of 4 P + decision_delay - 1 items; no
 * reliability output in this mode (the flowgraph is refused). Decisions
 * equal the sequential detector's wherever the warm-up has converged (all
 * of them in the tests). Other targets ignore the mode
 * (parallel_segment() reads 0).
 */
class ECDISC_API prml_viterbi : virtual public gr::sync_block
{
public:
    typedef std::shared_ptr<prml_viterbi> sptr;

    /*!
     * \param target PR target taps, 2..6 (e.g. [1,2,2,1], [1,2,2,2,1])
     * \param decision_delay latency in items, 8..65536, 0: 32 x len(target)
     * \param scale amplitude of the target in the input, > 0
     * \param parallel_segment 0 (sequential, the default) or the segment
     *        length P of the segment-parallel mode, 256..4194304
     */
    static sptr make(const std::vector<double>& target = std::vector<double>{ 1, 2, 2, 1 },
                     int decision_delay = 0,
                     double scale = 1.0,
                     int parallel_segment = 0);

    //! output item n is the decision on input item n - latency()
    virtual int latency() const = 0;
    //! trellis states (2^max(L-1, 2))
    virtual int num_states() const = 0;
    //! segment length of the segment-parallel mode (0: sequential)
    virtual int parallel_segment() const = 0;
};

} // namespace ecdisc
} // namespace gr

#endif /* INCLUDED_ECDISC_PRML_VITERBI_H */
