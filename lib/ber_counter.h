/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef ECDISC_KERNEL_BER_COUNTER_H
#define ECDISC_KERNEL_BER_COUNTER_H

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ecdisc {

/*! Bit error counter with a one-time delay search.
 *
 *  Convention: received[j] = reference[j - lag]. Alignment waits until both
 *  streams hold align_bits + max_lag bits; then, for every lag L in
 *  [-max_lag, max_lag], it counts mismatches over align_bits pairs
 *  (reference[i], received[i + L]) for i from max(0, -L) (the first
 *  align_bits pairs that exist for that lag; every lag sees the same number
 *  of pairs). The lag with the fewest mismatches wins (ties: the smallest
 *  |lag|, then the negative one). From then on every pair present in both
 *  streams is compared, including those of the alignment window.
 *  Only bit 0 of each byte is compared. Unmatched bits of the stream that
 *  runs ahead are buffered. Stateful across calls. */
class ber_counter
{
public:
    ber_counter(int max_lag, int align_bits);

    void push_reference(const uint8_t* bits, size_t n);
    void push_received(const uint8_t* bits, size_t n);

    bool aligned() const { return d_aligned; }
    int lag() const { return d_lag; }
    uint64_t reference_bits() const { return d_nref; }
    uint64_t received_bits() const { return d_nrcv; }
    uint64_t bits_compared() const { return d_compared; }
    uint64_t errors() const { return d_errors; }
    double ber() const
    {
        return d_compared
                   ? static_cast<double>(d_errors) / static_cast<double>(d_compared)
                   : 0.0;
    }
    int max_lag() const { return d_max_lag; }
    int align_bits() const { return d_align_bits; }

private:
    void try_align();
    void compare();

    int d_max_lag, d_align_bits;
    bool d_aligned = false;
    int d_lag = 0;
    uint64_t d_nref = 0, d_nrcv = 0, d_compared = 0, d_errors = 0;
    // Before alignment: everything. After: the not yet compared tails.
    std::vector<uint8_t> d_ref, d_rcv;
    size_t d_ref_pos = 0, d_rcv_pos = 0; // next unread position in each
};

} // namespace ecdisc

#endif
