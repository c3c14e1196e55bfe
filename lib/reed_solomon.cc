/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "reed_solomon.h"
#include <algorithm>
#include <cstring>
#include <numeric>
#include <stdexcept>
#include <string>

namespace ecdisc {

namespace {

int check_n_k(int n, int k)
{
    if (n < 2 || n > 255)
        throw std::invalid_argument("n = " + std::to_string(n) +
                                    ": must be in 2..255 (codeword bytes over GF(2^8))");
    if (k < 1 || k >= n)
        throw std::invalid_argument("k = " + std::to_string(k) +
                                    ": must be in 1..n-1 = 1.." + std::to_string(n - 1));
    return n;
}

int check_fcr(int fcr)
{
    if (fcr < 0 || fcr > 254)
        throw std::invalid_argument("fcr = " + std::to_string(fcr) +
                                    ": must be in 0..254");
    return fcr;
}

int check_prim(int prim)
{
    if (prim < 1 || prim > 254 || std::gcd(prim, 255) != 1)
        throw std::invalid_argument("prim = " + std::to_string(prim) +
                                    ": must be in 1..254 and coprime with 255 "
                                    "(not a multiple of 3, 5 or 17)");
    return prim;
}

inline int mod255(int x)
{
    x %= 255;
    return x < 0 ? x + 255 : x;
}

// The LFSR over the data bytes, with the register in NW words (byte i of the
// register = coefficient of x^(nroots-1-i)): per byte, the feedback fb =
// byte ^ top coefficient; the register shifts by one coefficient and fb * g
// is added, read from a 256-entry table of register images.
template <int NW>
inline void lfsr_fixed(const uint64_t* tab, const uint8_t* in, int len, uint64_t* reg)
{
    uint64_t r[NW];
    for (int w = 0; w < NW; w++)
        r[w] = 0;
    for (int j = 0; j < len; j++) {
        const unsigned fb = in[j] ^ static_cast<uint8_t>(r[0]);
        const uint64_t* t = tab + static_cast<size_t>(fb) * NW;
        for (int w = 0; w < NW - 1; w++)
            r[w] = ((r[w] >> 8) | (r[w + 1] << 56)) ^ t[w];
        r[NW - 1] = (r[NW - 1] >> 8) ^ t[NW - 1];
    }
    for (int w = 0; w < NW; w++)
        reg[w] = r[w];
}

void lfsr_generic(const uint64_t* tab, int nw, const uint8_t* in, int len, uint64_t* reg)
{
    std::fill(reg, reg + nw, 0);
    for (int j = 0; j < len; j++) {
        const unsigned fb = in[j] ^ static_cast<uint8_t>(reg[0]);
        const uint64_t* t = tab + static_cast<size_t>(fb) * nw;
        for (int w = 0; w < nw - 1; w++)
            reg[w] = ((reg[w] >> 8) | (reg[w + 1] << 56)) ^ t[w];
        reg[nw - 1] = (reg[nw - 1] >> 8) ^ t[nw - 1];
    }
}

inline uint8_t reg_byte(const uint64_t* reg, int i)
{
    return static_cast<uint8_t>(reg[i >> 3] >> (8 * (i & 7)));
}

constexpr int max_words = 32; // 255 parity bytes at most

} // namespace

reed_solomon::reed_solomon(int n, int k, int gf_poly, int fcr, int prim)
    : d_gf((check_n_k(n, k), gf_poly)),
      d_n(n),
      d_k(k),
      d_nroots(n - k),
      d_fcr(check_fcr(fcr)),
      d_prim(check_prim(prim)),
      d_nw((n - k + 7) / 8)
{
    // g(x) = prod (x + alpha^(prim*(fcr+i))), built one factor at a time
    d_gen.assign(d_nroots + 1, 0);
    d_gen[0] = 1;
    d_root_log.resize(d_nroots);
    for (int i = 0; i < d_nroots; i++) {
        d_root_log[i] = mod255(d_prim * (d_fcr + i));
        const uint8_t root = d_gf.exp(d_root_log[i]);
        // multiply by (x + root): new[j] = old[j-1] + root * old[j]
        for (int j = i + 1; j > 0; j--)
            d_gen[j] = d_gen[j - 1] ^ d_gf.mul(root, d_gen[j]);
        d_gen[0] = d_gf.mul(root, d_gen[0]);
    }
    d_tab.assign(static_cast<size_t>(256) * d_nw, 0);
    for (int fb = 0; fb < 256; fb++)
        for (int i = 0; i < d_nroots; i++) {
            const uint8_t v = d_gf.mul(static_cast<uint8_t>(fb), d_gen[d_nroots - 1 - i]);
            d_tab[static_cast<size_t>(fb) * d_nw + (i >> 3)] |= static_cast<uint64_t>(v)
                                                                << (8 * (i & 7));
        }
}

void reed_solomon::lfsr(const uint8_t* in, int len, uint64_t* reg) const
{
    switch (d_nw) {
    case 1:
        lfsr_fixed<1>(d_tab.data(), in, len, reg);
        break;
    case 2:
        lfsr_fixed<2>(d_tab.data(), in, len, reg);
        break;
    case 3:
        lfsr_fixed<3>(d_tab.data(), in, len, reg);
        break;
    case 4:
        lfsr_fixed<4>(d_tab.data(), in, len, reg);
        break;
    default:
        lfsr_generic(d_tab.data(), d_nw, in, len, reg);
    }
}

void reed_solomon::parity(const uint8_t* data, uint8_t* parity) const
{
    uint64_t reg[max_words];
    lfsr(data, d_k, reg);
    for (int i = 0; i < d_nroots; i++)
        parity[i] = reg_byte(reg, i);
}

void reed_solomon::encode(const uint8_t* data, uint8_t* codeword) const
{
    if (codeword != data)
        std::memmove(codeword, data, static_cast<size_t>(d_k));
    parity(codeword, codeword + d_k);
}

std::vector<uint8_t> reed_solomon::encode(const std::vector<uint8_t>& data) const
{
    if (data.size() != static_cast<size_t>(d_k))
        throw std::invalid_argument("data size = " + std::to_string(data.size()) +
                                    ": must be k = " + std::to_string(d_k));
    std::vector<uint8_t> cw(d_n);
    encode(data.data(), cw.data());
    return cw;
}

bool reed_solomon::remainder(const uint8_t* codeword, uint64_t* rem) const
{
    // r(x) = d'(x) x^nroots + p'(x), so r mod g = (d' x^nroots mod g) + p'
    lfsr(codeword, d_k, rem);
    uint64_t any = 0;
    for (int w = 0; w < d_nw; w++) {
        uint64_t p = 0;
        const int base = 8 * w;
        const int m = std::min(8, d_nroots - base);
        for (int b = 0; b < m; b++)
            p |= static_cast<uint64_t>(codeword[d_k + base + b]) << (8 * b);
        rem[w] ^= p;
        any |= rem[w];
    }
    return any == 0;
}

void reed_solomon::syndromes_of_remainder(const uint64_t* rem, uint8_t* s) const
{
    // g(root) = 0, so r(root) = rem(root); Horner over nroots coefficients
    const uint8_t* ex = d_gf.exp_table();
    const uint8_t* lg = d_gf.log_table();
    for (int j = 0; j < d_nroots; j++) {
        const int lr = d_root_log[j];
        uint8_t acc = 0;
        for (int i = 0; i < d_nroots; i++) {
            const uint8_t c = reg_byte(rem, i);
            acc = (acc ? ex[lg[acc] + lr] : 0) ^ c;
        }
        s[j] = acc;
    }
}

bool reed_solomon::is_codeword(const uint8_t* codeword) const
{
    uint64_t rem[max_words];
    return remainder(codeword, rem);
}

void reed_solomon::syndromes(const uint8_t* codeword, uint8_t* s) const
{
    uint64_t rem[max_words];
    if (remainder(codeword, rem))
        std::fill(s, s + d_nroots, 0);
    else
        syndromes_of_remainder(rem, s);
}

int reed_solomon::decode_flags(uint8_t* codeword, const uint8_t* erasure_flags) const
{
    int pos[255];
    int f = 0;
    if (erasure_flags)
        for (int j = 0; j < d_n; j++)
            if (erasure_flags[j])
                pos[f++] = j;
    return decode(codeword, pos, f);
}

int reed_solomon::decode(std::vector<uint8_t>& codeword,
                         const std::vector<int>& erasures) const
{
    if (codeword.size() != static_cast<size_t>(d_n))
        throw std::invalid_argument("codeword size = " + std::to_string(codeword.size()) +
                                    ": must be n = " + std::to_string(d_n));
    return decode(codeword.data(), erasures.data(), static_cast<int>(erasures.size()));
}

int reed_solomon::decode(uint8_t* codeword, const int* erasures, int f) const
{
    if (f < 0)
        throw std::invalid_argument("n_erasures = " + std::to_string(f) +
                                    ": must be >= 0");
    if (f > 0) {
        bool seen[255] = {};
        for (int i = 0; i < f; i++) {
            const int p = erasures[i];
            if (p < 0 || p >= d_n)
                throw std::invalid_argument("erasure position = " + std::to_string(p) +
                                            ": must be in 0..n-1 = 0.." +
                                            std::to_string(d_n - 1));
            if (seen[p])
                throw std::invalid_argument("erasure position = " + std::to_string(p) +
                                            ": listed twice; positions must differ");
            seen[p] = true;
        }
    }
    // more erasures than parity: even a clean-looking word is not unique
    if (f > d_nroots)
        return rs_failure;

    uint64_t rem[max_words];
    if (remainder(codeword, rem))
        return 0;

    const int nr = d_nroots;
    const uint8_t* ex = d_gf.exp_table();
    const uint8_t* lg = d_gf.log_table();
    auto mul = [&](uint8_t a, uint8_t b) -> uint8_t { return d_gf.mul(a, b); };

    uint8_t s[255];
    syndromes_of_remainder(rem, s);

    // Erasure locator Gamma(x) = prod (1 + Z x), Z = alpha^(prim * degree)
    // with degree = n-1-position; Lambda starts as Gamma.
    uint8_t lambda[256] = {}, b[256], t[256];
    lambda[0] = 1;
    for (int i = 0; i < f; i++) {
        const uint8_t z = ex[mod255(d_prim * (d_n - 1 - erasures[i]))];
        for (int j = i + 1; j > 0; j--)
            lambda[j] ^= mul(z, lambda[j - 1]);
    }
    std::copy(lambda, lambda + nr + 1, b);

    // Berlekamp-Massey, continuing from the f erasures
    int el = f;
    for (int r = f + 1; r <= nr; r++) {
        uint8_t discr = 0;
        for (int i = 0; i < r; i++)
            discr ^= mul(lambda[i], s[r - 1 - i]);
        if (discr == 0) {
            std::memmove(b + 1, b, static_cast<size_t>(nr));
            b[0] = 0;
            continue;
        }
        t[0] = lambda[0];
        for (int i = 0; i < nr; i++)
            t[i + 1] = lambda[i + 1] ^ mul(discr, b[i]);
        if (2 * el <= r + f - 1) {
            el = r + f - el;
            const uint8_t inv = d_gf.inv(discr);
            for (int i = 0; i <= nr; i++)
                b[i] = mul(lambda[i], inv);
        } else {
            std::memmove(b + 1, b, static_cast<size_t>(nr));
            b[0] = 0;
        }
        std::copy(t, t + nr + 1, lambda);
    }

    int deg = 0;
    for (int i = nr; i > 0; i--)
        if (lambda[i]) {
            deg = i;
            break;
        }
    // no locator, or more errata than 2e + f <= nroots allows
    if (deg == 0 || 2 * deg > nr + f)
        return rs_failure;

    // Chien search over the degrees 0..n-1 of the (shortened) codeword:
    // Lambda(alpha^(-prim*d)); nonzero term i turns by alpha^(-prim*i) per step
    int reg[256], step[256], nterms = 0;
    for (int i = 1; i <= deg; i++)
        if (lambda[i]) {
            reg[nterms] = lg[lambda[i]];
            step[nterms] = mod255(-d_prim * i);
            nterms++;
        }
    int roots_deg[256];
    int nroot = 0;
    for (int d = 0; d < d_n; d++) {
        uint8_t sum = lambda[0];
        for (int i = 0; i < nterms; i++) {
            sum ^= ex[reg[i]];
            const int r = reg[i] + step[i];
            reg[i] = r >= 255 ? r - 255 : r;
        }
        if (sum == 0) {
            roots_deg[nroot++] = d;
            if (nroot == deg)
                break;
        }
    }
    if (nroot != deg)
        return rs_failure;

    // Omega(x) = S(x) Lambda(x) mod x^nroots
    uint8_t omega[256];
    int deg_omega = 0;
    for (int i = 0; i < nr; i++) {
        uint8_t acc = 0;
        for (int j = 0; j <= std::min(i, deg); j++)
            acc ^= mul(lambda[j], s[i - j]);
        omega[i] = acc;
        if (acc)
            deg_omega = i;
    }

    // Forney: Y = X^(1-fcr) Omega(1/X) / Lambda'(1/X), X = alpha^(prim*d)
    uint8_t work[255];
    std::memcpy(work, codeword, static_cast<size_t>(d_n));
    int changed = 0;
    for (int r = 0; r < nroot; r++) {
        const int d = roots_deg[r];
        const int lx = mod255(d_prim * d); // log X
        const int lxi = mod255(-lx);       // log 1/X
        uint8_t num = 0;
        for (int i = deg_omega; i >= 0; i--) // Horner at 1/X
            num = (num ? ex[lg[num] + lxi] : 0) ^ omega[i];
        uint8_t den = 0; // Lambda'(x) = sum over odd i of lambda_i x^(i-1)
        for (int i = 1; i <= deg; i += 2)
            if (lambda[i])
                den ^= ex[mod255(lg[lambda[i]] + lxi * (i - 1))];
        if (den == 0)
            return rs_failure;
        if (num == 0)
            continue; // an erased symbol that was right
        const uint8_t y = ex[mod255(lg[num] - lg[den] + mod255(lx * (1 - d_fcr)))];
        work[d_n - 1 - d] ^= y;
        changed++;
    }

    // verify: the corrected word must be a codeword
    uint64_t check[max_words];
    if (!remainder(work, check))
        return rs_failure;
    std::memcpy(codeword, work, static_cast<size_t>(d_n));
    return changed;
}

} // namespace ecdisc
