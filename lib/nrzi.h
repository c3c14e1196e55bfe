/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef ECDISC_KERNEL_NRZI_H
#define ECDISC_KERNEL_NRZI_H

#include <cstddef>
#include <cstdint>

namespace ecdisc {

/*! NRZI modulation: a 1 toggles the level, a 0 keeps it. Stateful across
 *  calls, so a stream may be processed in pieces of any size. */
class nrzi_encoder
{
public:
    explicit nrzi_encoder(int initial_level = 0);
    //! out[i] = level after bit in[i]; in and out may alias
    void encode(const uint8_t* in, uint8_t* out, size_t n);
    int level() const { return d_level; }

private:
    uint8_t d_level;
};

/*! NRZI demodulation: out[i] = 1 where in[i] differs from the previous level. */
class nrzi_decoder
{
public:
    explicit nrzi_decoder(int initial_level = 0);
    //! in and out may alias
    void decode(const uint8_t* in, uint8_t* out, size_t n);
    int level() const { return d_level; }

private:
    uint8_t d_level;
};

//! throws std::invalid_argument naming the parameter unless level is 0 or 1
int check_level(const char* name, int level);

} // namespace ecdisc

#endif
