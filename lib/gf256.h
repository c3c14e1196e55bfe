/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef ECDISC_KERNEL_GF256_H
#define ECDISC_KERNEL_GF256_H

#include <array>
#include <cstdint>

namespace ecdisc {

/*! Throws std::invalid_argument naming the parameter unless poly (bit i =
 *  coefficient of x^i) is a primitive polynomial of degree 8, i.e. x
 *  generates the multiplicative group of GF(2)[x]/(poly). Returns poly. */
int gf256_check_poly(int poly);

/*!
 * GF(2^8) = GF(2)[x]/(poly) for a primitive poly (default 0x11D = x^8 + x^4 +
 * x^3 + x^2 + 1, the polynomial of DVB, CD/DVD/BD and CCSDS-conventional RS).
 * Elements are bytes (polynomial basis, bit i = coefficient of x^i);
 * alpha = x = 0x02 is the primitive element. Log/antilog tables.
 */
class gf256
{
public:
    explicit gf256(int poly = 0x11D);

    int poly() const { return d_poly; }

    //! alpha^i for any i >= 0 (i is reduced mod 255)
    uint8_t exp(int i) const { return d_exp[i % 255]; }
    //! log_alpha(a), 0..254; a must not be 0
    int log(uint8_t a) const { return d_log[a]; }

    uint8_t mul(uint8_t a, uint8_t b) const
    {
        return (a && b) ? d_exp[d_log[a] + d_log[b]] : 0;
    }
    //! a / b; b must not be 0
    uint8_t div(uint8_t a, uint8_t b) const
    {
        return a ? d_exp[d_log[a] + 255 - d_log[b]] : 0;
    }
    //! 1 / a; a must not be 0
    uint8_t inv(uint8_t a) const { return d_exp[255 - d_log[a]]; }
    //! a^e for e >= 0 (0^0 = 1)
    uint8_t pow(uint8_t a, int e) const
    {
        if (e == 0)
            return 1;
        return a ? d_exp[static_cast<int>((static_cast<long>(d_log[a]) * e) % 255)] : 0;
    }

    //! antilog table: exp_table()[i] = alpha^(i mod 255), i in 0..509
    const uint8_t* exp_table() const { return d_exp.data(); }
    //! log table: log_table()[a] = log_alpha(a) for a != 0 (entry 0 unused)
    const uint8_t* log_table() const { return d_log.data(); }

private:
    int d_poly;
    std::array<uint8_t, 510> d_exp;
    std::array<uint8_t, 256> d_log;
};

} // namespace ecdisc

#endif
