/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GF(2^8) and Reed-Solomon kernels. The generator polynomials and the
 * codeword checks are recomputed here with a bitwise (shift-and-xor) field
 * multiply, independent of the log/antilog tables under test.
 */
#include "gf256.h"
#include "reed_solomon.h"
#include "test_util.h"
#include <gtest/gtest.h>
#include <algorithm>
#include <iostream>
#include <numeric>
#include <random>
#include <vector>

using ecdisc::reed_solomon;
using ecdisc::rs_failure;
using ecdisc_test::invalid_argument_message;

namespace {

// a * b in GF(2)[x]/(poly), shift and xor
uint8_t bmul(uint8_t a, uint8_t b, int poly)
{
    unsigned r = 0, x = a;
    for (int i = 0; i < 8; i++) {
        if (b & (1u << i))
            r ^= x;
        x <<= 1;
        if (x & 0x100u)
            x ^= static_cast<unsigned>(poly);
    }
    return static_cast<uint8_t>(r);
}

uint8_t bpow(uint8_t a, int e, int poly)
{
    uint8_t r = 1;
    for (int i = 0; i < e; i++)
        r = bmul(r, a, poly);
    return r;
}

// prod_{i<nroots} (x - a^(prim*(fcr+i))), index = power of x
std::vector<uint8_t> generator_bitwise(int nroots, int poly, int fcr, int prim)
{
    std::vector<uint8_t> g{ 1 };
    const uint8_t beta = bpow(2, prim, poly);
    for (int i = 0; i < nroots; i++) {
        const uint8_t root = bpow(beta, fcr + i, poly);
        std::vector<uint8_t> ng(g.size() + 1, 0);
        for (size_t j = 0; j < g.size(); j++) {
            ng[j + 1] ^= g[j];
            ng[j] ^= bmul(root, g[j], poly);
        }
        g = ng;
    }
    return g;
}

// c(root), c[0] = coefficient of x^(n-1)
uint8_t eval_bitwise(const std::vector<uint8_t>& c, uint8_t root, int poly)
{
    uint8_t acc = 0;
    for (uint8_t v : c)
        acc = bmul(acc, root, poly) ^ v;
    return acc;
}

std::vector<uint8_t> rand_bytes(std::mt19937& rng, int k)
{
    std::vector<uint8_t> d(k);
    for (auto& x : d)
        x = static_cast<uint8_t>(rng());
    return d;
}

// m distinct positions in 0..n-1
std::vector<int> random_positions(std::mt19937& rng, int n, int m)
{
    std::vector<int> p(n);
    std::iota(p.begin(), p.end(), 0);
    std::shuffle(p.begin(), p.end(), rng);
    p.resize(m);
    return p;
}

uint8_t nonzero(std::mt19937& rng) { return static_cast<uint8_t>(1 + rng() % 255); }

struct code {
    int n, k, poly, fcr, prim;
};
const code codes[] = {
    { 248, 216, 0x11D, 0, 1 },    // recording chain default
    { 204, 188, 0x11D, 0, 1 },    // DVB-T
    { 255, 223, 0x187, 112, 11 }, // CCSDS (conventional basis)
    { 255, 239, 0x11D, 1, 1 },
    { 40, 20, 0x12B, 5, 7 }, // shortened, odd field and spacing
    { 15, 8, 0x11D, 0, 1 },  // odd nroots
};

} // namespace

TEST(Gf256, TablesMatchBitwiseMultiply)
{
    for (int poly : { 0x11D, 0x187, 0x12B }) {
        ecdisc::gf256 gf(poly);
        for (int a = 0; a < 256; a++)
            for (int b = 0; b < 256; b++)
                ASSERT_EQ(gf.mul(a, b), bmul(a, b, poly)) << poly << " " << a << " " << b;
        for (int a = 1; a < 256; a++) {
            ASSERT_EQ(gf.mul(a, gf.inv(a)), 1);
            ASSERT_EQ(gf.div(gf.mul(a, 77), 77), a);
            ASSERT_EQ(gf.exp(gf.log(a)), a);
            ASSERT_EQ(gf.pow(a, 255), 1);
            ASSERT_EQ(gf.pow(a, 3), bmul(bmul(a, a, poly), a, poly));
        }
        EXPECT_EQ(gf.exp(1), 2);
        EXPECT_EQ(gf.poly(), poly);
    }
}

TEST(Gf256, AcceptsExactlyTheSixteenPrimitivePolynomials)
{
    // phi(255) / 8 = 16 primitive polynomials of degree 8
    std::vector<int> ok;
    for (int p = 0x100; p <= 0x1FF; p++) {
        try {
            ecdisc::gf256_check_poly(p);
            ok.push_back(p);
        } catch (const std::invalid_argument&) {
        }
    }
    EXPECT_EQ(ok.size(), 16u);
    for (int p : { 0x11D,
                   0x12B,
                   0x12D,
                   0x14D,
                   0x15F,
                   0x163,
                   0x165,
                   0x169,
                   0x171,
                   0x187,
                   0x18D,
                   0x1A9,
                   0x1C3,
                   0x1CF,
                   0x1E7,
                   0x1F5 })
        EXPECT_NE(std::find(ok.begin(), ok.end(), p), ok.end()) << p;
    // AES's 0x11B is irreducible but not primitive (x has order 51)
    const std::string m = invalid_argument_message([] { ecdisc::gf256 gf(0x11B); });
    EXPECT_EQ(m.rfind("gf_poly = 283 (0x11B): not primitive (x has order 51", 0), 0u)
        << m;
    EXPECT_EQ(
        invalid_argument_message([] { ecdisc::gf256 gf(0x1D); }).rfind("gf_poly = 29", 0),
        0u);
}

TEST(ReedSolomon, GeneratorMatchesProductOfRootFactors)
{
    for (const auto& c : codes) {
        reed_solomon rs(c.n, c.k, c.poly, c.fcr, c.prim);
        EXPECT_EQ(rs.generator(), generator_bitwise(c.n - c.k, c.poly, c.fcr, c.prim))
            << "RS(" << c.n << "," << c.k << ")";
    }
    // the DVB-T generator (ETSI EN 300 744: g(x) = prod_{i=0}^{15} (x + lambda^i))
    reed_solomon dvb(204, 188);
    EXPECT_EQ(dvb.generator().size(), 17u);
    EXPECT_EQ(dvb.generator()[16], 1);
    EXPECT_EQ(dvb.t(), 8);
    reed_solomon rec(248, 216);
    EXPECT_EQ(rec.t(), 16);
    EXPECT_EQ(rec.nroots(), 32);
}

TEST(ReedSolomon, EveryCodewordVanishesAtAllRoots)
{
    std::mt19937 rng(21);
    for (const auto& c : codes) {
        reed_solomon rs(c.n, c.k, c.poly, c.fcr, c.prim);
        const uint8_t beta = bpow(2, c.prim, c.poly);
        for (int trial = 0; trial < 50; trial++) {
            const auto data = rand_bytes(rng, c.k);
            const auto cw = rs.encode(data);
            ASSERT_EQ(cw.size(), static_cast<size_t>(c.n));
            ASSERT_TRUE(std::equal(data.begin(), data.end(), cw.begin())); // systematic
            for (int i = 0; i < c.n - c.k; i++)
                ASSERT_EQ(eval_bitwise(cw, bpow(beta, c.fcr + i, c.poly), c.poly), 0)
                    << "RS(" << c.n << "," << c.k << ") root " << i;
            ASSERT_TRUE(rs.is_codeword(cw.data()));
            // in place
            std::vector<uint8_t> buf(data);
            buf.resize(c.n);
            rs.encode(buf.data(), buf.data());
            ASSERT_EQ(buf, cw);
        }
    }
}

TEST(ReedSolomon, SyndromesMatchDirectEvaluation)
{
    std::mt19937 rng(22);
    for (const auto& c : codes) {
        reed_solomon rs(c.n, c.k, c.poly, c.fcr, c.prim);
        const uint8_t beta = bpow(2, c.prim, c.poly);
        std::vector<uint8_t> s(c.n - c.k);
        for (int trial = 0; trial < 20; trial++) {
            auto cw = rs.encode(rand_bytes(rng, c.k));
            for (int p : random_positions(rng, c.n, 1 + trial % 5))
                cw[p] ^= nonzero(rng);
            rs.syndromes(cw.data(), s.data());
            for (int i = 0; i < c.n - c.k; i++)
                ASSERT_EQ(s[i], eval_bitwise(cw, bpow(beta, c.fcr + i, c.poly), c.poly));
        }
    }
}

TEST(ReedSolomon, CleanWordsDecodeUnchanged)
{
    std::mt19937 rng(23);
    for (const auto& c : codes) {
        reed_solomon rs(c.n, c.k, c.poly, c.fcr, c.prim);
        for (int trial = 0; trial < 20; trial++) {
            const auto cw = rs.encode(rand_bytes(rng, c.k));
            auto r = cw;
            ASSERT_EQ(rs.decode(r), 0);
            ASSERT_EQ(r, cw);
        }
    }
}

TEST(ReedSolomon, CorrectsEveryPatternOfUpToTErrors)
{
    std::mt19937 rng(24);
    for (const auto& c : codes) {
        reed_solomon rs(c.n, c.k, c.poly, c.fcr, c.prim);
        const int trials = c.n == 248 ? 1000 : 100;
        for (int e = 1; e <= rs.t(); e++)
            for (int trial = 0; trial < trials; trial++) {
                const auto cw = rs.encode(rand_bytes(rng, c.k));
                auto r = cw;
                for (int p : random_positions(rng, c.n, e)) // data and parity alike
                    r[p] ^= nonzero(rng);
                ASSERT_EQ(rs.decode(r), e) << "RS(" << c.n << "," << c.k << ") e " << e;
                ASSERT_EQ(r, cw);
            }
    }
}

TEST(ReedSolomon, CorrectsErrorsAndErasuresWithin2ePlusFAtMostNroots)
{
    std::mt19937 rng(25);
    for (const auto& c : codes) {
        reed_solomon rs(c.n, c.k, c.poly, c.fcr, c.prim);
        const int nr = rs.nroots();
        for (int e = 0; 2 * e <= nr; e++)
            for (int trial = 0; trial < 40; trial++) {
                // full budget on even trials, a random smaller one on odd
                const int fmax = nr - 2 * e;
                const int f = (trial & 1) ? static_cast<int>(rng() % (fmax + 1)) : fmax;
                const auto cw = rs.encode(rand_bytes(rng, c.k));
                auto r = cw;
                const auto pos = random_positions(rng, c.n, e + f);
                std::vector<int> erasures(pos.begin() + e, pos.end());
                std::vector<uint8_t> flags(c.n, 0);
                int changed = e;
                for (int i = 0; i < e; i++)
                    r[pos[i]] ^= nonzero(rng);
                for (int p : erasures) {
                    flags[p] = 1;
                    const uint8_t v = static_cast<uint8_t>(rng()); // may be right
                    changed += v != r[p];
                    r[p] = v;
                }
                auto r2 = r;
                ASSERT_EQ(rs.decode(r, erasures), changed)
                    << "RS(" << c.n << "," << c.k << ") e " << e << " f " << f;
                ASSERT_EQ(r, cw);
                ASSERT_EQ(rs.decode_flags(r2.data(), flags.data()), changed);
                ASSERT_EQ(r2, cw);
            }
    }
}

// Beyond the capability: every result must be either a failure with the word
// untouched, or a codeword (a mis-correction). Mis-corrections are counted;
// with t = 16 (and for short codes) they are far too rare to appear here.
TEST(ReedSolomon, BeyondCapabilityIsReportedAsFailure)
{
    std::mt19937 rng(26);
    struct beyond {
        code c;
        int emin, emax, trials;
        bool expect_no_miscorrection;
    };
    const beyond cases[] = {
        { { 248, 216, 0x11D, 0, 1 }, 17, 24, 5000, true },
        { { 204, 188, 0x11D, 0, 1 }, 9, 16, 2000, false }, // ~1e-5 per word
        { { 40, 20, 0x12B, 5, 7 }, 11, 16, 600, true },
        { { 20, 10, 0x11D, 0, 1 }, 6, 10, 600, true }, // heavily shortened
    };
    for (const auto& b : cases) {
        reed_solomon rs(b.c.n, b.c.k, b.c.poly, b.c.fcr, b.c.prim);
        int failures = 0, miscorrections = 0, total = 0;
        for (int e = b.emin; e <= b.emax; e++)
            for (int trial = 0; trial < b.trials; trial++) {
                const auto cw = rs.encode(rand_bytes(rng, b.c.k));
                auto r = cw;
                for (int p : random_positions(rng, b.c.n, e))
                    r[p] ^= nonzero(rng);
                const auto before = r;
                const int res = rs.decode(r);
                total++;
                if (res == rs_failure) {
                    failures++;
                    ASSERT_EQ(r, before) << "a failed decode changed the word";
                } else {
                    ASSERT_TRUE(rs.is_codeword(r.data()));
                    ASSERT_LE(res, rs.t());
                    ASSERT_NE(r, cw); // more than t errors cannot be undone
                    miscorrections++;
                }
            }
        std::cout << "RS(" << b.c.n << "," << b.c.k << ") " << b.emin << ".." << b.emax
                  << " errors: " << total << " words, " << failures << " failures, "
                  << miscorrections << " mis-corrections\n";
        if (b.expect_no_miscorrection) {
            EXPECT_EQ(miscorrections, 0);
        }
        EXPECT_GE(failures, total - 2);
    }
}

// 2e + f = nroots + 1 .. nroots + 8 on RS(248,216). What is left to
// correct errors is nroots - f parity symbols, so mis-corrections are rare
// only while f is moderate: zero is asserted for f <= 16 (radius >= 8 left);
// for larger f every success must still be a codeword.
TEST(ReedSolomon, BeyondCapabilityWithErasures)
{
    std::mt19937 rng(27);
    reed_solomon rs(248, 216);
    int failures = 0, miscorrections = 0, large_f_miscorrections = 0, total = 0;
    for (int trial = 0; trial < 6000; trial++) {
        const int f = static_cast<int>(rng() % 31);
        const int over = 1 + static_cast<int>(rng() % 8);
        const int e = (32 - f + over + 1) / 2;
        const auto cw = rs.encode(rand_bytes(rng, 216));
        auto r = cw;
        const auto pos = random_positions(rng, 248, e + f);
        std::vector<int> erasures(pos.begin() + e, pos.end());
        for (int i = 0; i < e; i++)
            r[pos[i]] ^= nonzero(rng);
        for (int p : erasures)
            r[p] ^= nonzero(rng);
        const auto before = r;
        const int res = rs.decode(r, erasures);
        total++;
        if (res == rs_failure) {
            failures++;
            ASSERT_EQ(r, before);
        } else {
            ASSERT_TRUE(rs.is_codeword(r.data()));
            ASSERT_NE(r, cw);
            (f <= 16 ? miscorrections : large_f_miscorrections)++;
        }
    }
    std::cout << "RS(248,216) 2e+f in 33..40: " << total << " words, " << failures
              << " failures, " << miscorrections << " mis-corrections with f <= 16, "
              << large_f_miscorrections << " with f in 17..30\n";
    EXPECT_EQ(miscorrections, 0);
}

TEST(ReedSolomon, TooManyErasuresFailAndLeaveTheWord)
{
    reed_solomon rs(204, 188);
    std::mt19937 rng(28);
    const auto cw = rs.encode(rand_bytes(rng, 188));
    auto r = cw;
    const auto erasures = random_positions(rng, 204, 17);
    EXPECT_EQ(rs.decode(r, erasures), rs_failure); // even though r is a codeword
    EXPECT_EQ(r, cw);
    std::vector<uint8_t> flags(204, 1);
    EXPECT_EQ(rs.decode_flags(r.data(), flags.data()), rs_failure);
    EXPECT_EQ(rs.decode_flags(r.data(), nullptr), 0);
}

TEST(ReedSolomon, ShortenedCodeEqualsZeroPaddedFullCode)
{
    // RS(204,188) is RS(255,239) with 51 leading zeros not sent
    std::mt19937 rng(29);
    reed_solomon s(204, 188), full(255, 239);
    for (int trial = 0; trial < 20; trial++) {
        const auto data = rand_bytes(rng, 188);
        std::vector<uint8_t> padded(239, 0);
        std::copy(data.begin(), data.end(), padded.begin() + 51);
        const auto a = s.encode(data);
        const auto b = full.encode(padded);
        ASSERT_TRUE(std::equal(a.begin(), a.end(), b.begin() + 51));
    }
}

TEST(ReedSolomon, RejectsBadParametersByName)
{
    auto msg = [](auto f) { return invalid_argument_message(f); };
    EXPECT_EQ(msg([] { reed_solomon rs(256, 200); }),
              "n = 256: must be in 2..255 (codeword bytes over GF(2^8))");
    EXPECT_EQ(msg([] { reed_solomon rs(1, 0); }).rfind("n = 1:", 0), 0u);
    EXPECT_EQ(msg([] { reed_solomon rs(248, 248); }),
              "k = 248: must be in 1..n-1 = 1..247");
    EXPECT_EQ(msg([] { reed_solomon rs(248, 0); }), "k = 0: must be in 1..n-1 = 1..247");
    EXPECT_EQ(
        msg([] { reed_solomon rs(248, 216, 0x11B); }).rfind("gf_poly = 283 (0x11B)", 0),
        0u);
    EXPECT_EQ(msg([] { reed_solomon rs(248, 216, 0x11D, 255); }),
              "fcr = 255: must be in 0..254");
    EXPECT_EQ(msg([] { reed_solomon rs(248, 216, 0x11D, 0, 3); }).rfind("prim = 3:", 0),
              0u);
    EXPECT_EQ(msg([] { reed_solomon rs(248, 216, 0x11D, 0, 0); }).rfind("prim = 0:", 0),
              0u);
    reed_solomon rs(204, 188);
    std::vector<uint8_t> cw(204, 0);
    EXPECT_EQ(msg([&] {
                  rs.decode(cw, { 3, 204 });
              }),
              "erasure position = 204: must be in 0..n-1 = 0..203");
    EXPECT_EQ(msg([&] {
                  rs.decode(cw, { 3, 3 });
              }).rfind("erasure position = 3:", 0),
              0u);
    EXPECT_EQ(
        msg([&] { rs.encode(std::vector<uint8_t>(10)); }).rfind("data size = 10", 0), 0u);
}
