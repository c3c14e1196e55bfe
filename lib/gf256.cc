/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "gf256.h"
#include <sstream>
#include <stdexcept>
#include <string>

namespace ecdisc {

namespace {

std::string hex(int v)
{
    std::ostringstream s;
    s << "0x" << std::uppercase << std::hex << static_cast<unsigned>(v);
    return s.str();
}

// multiplicative order of x modulo poly (degree 8), or 0 if x^i never
// returns to 1 within 255 steps (x not invertible, or order > 255: impossible)
int order_of_x(int poly)
{
    int a = 1;
    for (int i = 1; i <= 255; i++) {
        a <<= 1;
        if (a & 0x100)
            a ^= poly;
        if (a == 1)
            return i;
    }
    return 0;
}

} // namespace

int gf256_check_poly(int poly)
{
    if (poly < 0x100 || poly > 0x1FF)
        throw std::invalid_argument("gf_poly = " + std::to_string(poly) + " (" +
                                    hex(poly) +
                                    "): must be a primitive polynomial of degree 8 "
                                    "(0x100..0x1FF), e.g. 285 (0x11D)");
    // x has order 255 exactly when poly is primitive: for a reducible poly
    // the unit group of GF(2)[x]/(poly) has fewer than 255 elements.
    if (order_of_x(poly) != 255)
        throw std::invalid_argument("gf_poly = " + std::to_string(poly) + " (" +
                                    hex(poly) + "): not primitive (x has order " +
                                    std::to_string(order_of_x(poly)) +
                                    ", not 255); must be a primitive polynomial of "
                                    "degree 8, e.g. 285 (0x11D)");
    return poly;
}

gf256::gf256(int poly) : d_poly(gf256_check_poly(poly))
{
    int a = 1;
    for (int i = 0; i < 255; i++) {
        d_exp[i] = static_cast<uint8_t>(a);
        d_exp[i + 255] = static_cast<uint8_t>(a);
        d_log[a] = static_cast<uint8_t>(i);
        a <<= 1;
        if (a & 0x100)
            a ^= poly;
    }
    d_log[0] = 0; // unused: log(0) is undefined
}

} // namespace ecdisc
