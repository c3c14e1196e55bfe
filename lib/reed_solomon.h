/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef ECDISC_KERNEL_REED_SOLOMON_H
#define ECDISC_KERNEL_REED_SOLOMON_H

#include "gf256.h"
#include <cstddef>
#include <cstdint>
#include <vector>

namespace ecdisc {

/*
 * Reed-Solomon RS(n, k) over GF(2^8), systematic, with nroots = n - k parity
 * symbols (2t = nroots; t = floor(nroots / 2) errors, or any e errors and f
 * erasures with 2e + f <= nroots).
 *
 * Generator: g(x) = prod_{i=0}^{nroots-1} (x - alpha^(prim * (fcr + i))),
 * alpha = x in GF(2)[x]/(gf_poly). A codeword is n bytes c[0..n-1], c[0] the
 * coefficient of x^(n-1): the k data bytes come first, then the nroots
 * parity bytes (the remainder of d(x) x^nroots mod g(x)). n < 255 is the
 * code shortened by 255 - n leading zeros (not transmitted). With gf_poly =
 * 0x11D, fcr = 0, prim = 1 this is the code of Karn's librs / gr-fec
 * (encode_rs_char) and DVB-T's RS(204,188) (n = 204, k = 188).
 *
 * Decoder: syndromes (from the remainder mod g(x)), Berlekamp-Massey
 * initialised with the erasure locator, Chien search over the n positions of
 * the (shortened) code, Forney. A result is accepted only if the locator has
 * exactly deg(Lambda) roots inside the codeword, 2e + f <= nroots, and the
 * corrected word is a codeword again (its remainder mod g(x) recomputed and
 * found zero). Anything else is a failure: the word is left unchanged and
 * decode() returns rs_failure. A pattern beyond the capability that lands
 * within t of another codeword is a mis-correction no decoder can see; for
 * t = 16 that happens with probability of order 1/t! per failed word.
 */

//! returned by reed_solomon::decode() when the word could not be corrected
constexpr int rs_failure = -1;

class reed_solomon
{
public:
    /*!
     * \param n codeword bytes, 2..255 (255: full length; less: shortened)
     * \param k data bytes, 1..n-1
     * \param gf_poly primitive polynomial of the field, degree 8 (0x11D)
     * \param fcr first consecutive root, as a power of alpha^prim, 0..254
     * \param prim root spacing: the roots are powers of alpha^prim; 1..254,
     *        coprime with 255
     * Bad values throw std::invalid_argument naming the parameter.
     */
    reed_solomon(int n, int k, int gf_poly = 0x11D, int fcr = 0, int prim = 1);

    int n() const { return d_n; }
    int k() const { return d_k; }
    int nroots() const { return d_nroots; }
    //! errors correctable without erasures: nroots / 2
    int t() const { return d_nroots / 2; }
    int gf_poly() const { return d_gf.poly(); }
    int fcr() const { return d_fcr; }
    int prim() const { return d_prim; }
    const gf256& field() const { return d_gf; }

    //! g(x) coefficients, index = power of x (nroots + 1 values, monic)
    const std::vector<uint8_t>& generator() const { return d_gen; }

    //! data: k bytes; codeword: n bytes (data copied, parity appended).
    //! codeword may equal data (the buffer then holds n bytes).
    void encode(const uint8_t* data, uint8_t* codeword) const;
    std::vector<uint8_t> encode(const std::vector<uint8_t>& data) const;
    //! the nroots parity bytes of k data bytes
    void parity(const uint8_t* data, uint8_t* parity) const;

    //! true if the n bytes are a codeword (all syndromes zero)
    bool is_codeword(const uint8_t* codeword) const;
    //! syndromes S_i = r(alpha^(prim*(fcr+i))), i = 0..nroots-1
    void syndromes(const uint8_t* codeword, uint8_t* s) const;

    /*!
     * Corrects n bytes in place. erasures: codeword indices (0..n-1) of
     * symbols known to be unreliable, all different (std::invalid_argument
     * otherwise). Returns the number of symbols changed (0 for a clean
     * word), or rs_failure with the word unchanged. More than nroots
     * erasures is a failure.
     */
    int
    decode(uint8_t* codeword, const int* erasures = nullptr, int n_erasures = 0) const;
    int decode(std::vector<uint8_t>& codeword,
               const std::vector<int>& erasures = {}) const;
    //! as decode(), erasures given as n flags (nonzero = erased); flags may be null
    int decode_flags(uint8_t* codeword, const uint8_t* erasure_flags) const;

private:
    // remainder of the first len bytes of in, times x^nroots, mod g(x), in
    // nw little-endian words: byte i = coefficient of x^(nroots-1-i)
    void lfsr(const uint8_t* in, int len, uint64_t* reg) const;
    // remainder of the whole received word mod g(x); true if all zero
    bool remainder(const uint8_t* codeword, uint64_t* rem) const;
    void syndromes_of_remainder(const uint64_t* rem, uint8_t* s) const;

    gf256 d_gf;
    int d_n, d_k, d_nroots, d_fcr, d_prim;
    int d_nw;                    // 64-bit words holding nroots bytes
    std::vector<uint8_t> d_gen;  // g(x), index = power
    std::vector<uint64_t> d_tab; // [fb * nw + w]: fb * g, in register layout
    std::vector<int> d_root_log; // log of the i-th root: prim * (fcr + i) mod 255
};

} // namespace ecdisc

#endif
