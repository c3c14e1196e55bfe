/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "nrzi.h"
#include <stdexcept>
#include <string>

namespace ecdisc {

int check_level(const char* name, int level)
{
    if (level != 0 && level != 1)
        throw std::invalid_argument(std::string(name) + " = " + std::to_string(level) +
                                    ": must be 0 or 1");
    return level;
}

nrzi_encoder::nrzi_encoder(int initial_level)
    : d_level(static_cast<uint8_t>(check_level("initial_level", initial_level)))
{
}

void nrzi_encoder::encode(const uint8_t* in, uint8_t* out, size_t n)
{
    uint8_t level = d_level;
    for (size_t i = 0; i < n; i++) {
        level ^= (in[i] & 1u);
        out[i] = level;
    }
    d_level = level;
}

nrzi_decoder::nrzi_decoder(int initial_level)
    : d_level(static_cast<uint8_t>(check_level("initial_level", initial_level)))
{
}

void nrzi_decoder::decode(const uint8_t* in, uint8_t* out, size_t n)
{
    uint8_t prev = d_level;
    for (size_t i = 0; i < n; i++) {
        const uint8_t cur = in[i] & 1u;
        out[i] = cur ^ prev;
        prev = cur;
    }
    d_level = prev;
}

} // namespace ecdisc
