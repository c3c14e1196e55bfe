/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_ECDISC_STATS_CHUNKS_H
#define INCLUDED_ECDISC_STATS_CHUNKS_H

#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace gr {
namespace ecdisc {

/*! Runs process(offset, count) over n items in pieces that end wherever the
 *  running sample count (samples(), advanced by process) reaches a multiple
 *  of interval, and calls publish() there, so that each "stats" message
 *  counts exactly interval samples more than the one before. interval 0:
 *  one piece, no message. */
template <typename Process, typename Samples, typename Publish>
void in_stats_chunks(size_t n,
                     uint64_t interval,
                     Samples samples,
                     Process process,
                     Publish publish)
{
    size_t done = 0;
    while (done < n) {
        size_t m = n - done;
        if (interval > 0)
            m = static_cast<size_t>(
                std::min<uint64_t>(m, interval - samples() % interval));
        process(done, m);
        done += m;
        if (interval > 0 && samples() % interval == 0)
            publish();
    }
}

} // namespace ecdisc
} // namespace gr

#endif
