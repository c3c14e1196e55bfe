/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "crc32.h"
#include "sector_format.h"
#include "test_util.h"
#include <gtest/gtest.h>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

using ecdisc::cluster_decode_result;
using ecdisc::default_sector_format;
using ecdisc::default_sector_format_yaml;
using ecdisc::sector_format;
using ecdisc::sector_format_config;
using ecdisc_test::invalid_argument_message;

namespace {

std::vector<uint8_t> random_bytes(size_t n, unsigned seed)
{
    std::mt19937 rng(seed);
    std::vector<uint8_t> v(n);
    for (auto& x : v)
        x = static_cast<uint8_t>(rng());
    return v;
}

std::string replaced(const std::string& from, const std::string& to)
{
    std::string s = default_sector_format_yaml();
    const auto p = s.find(from);
    if (p == std::string::npos)
        ADD_FAILURE() << "not in the default: " << from;
    else
        s.replace(p, from.size(), to);
    return s;
}

std::string parse_error(const std::string& yaml)
{
    return invalid_argument_message(
        [&] { ecdisc::parse_sector_format_yaml(yaml, "fmt.yml"); });
}

// a cluster of random user data, encoded
struct cluster_fixture {
    sector_format f;
    std::vector<uint8_t> user, rec;
    explicit cluster_fixture(const sector_format_config& c = default_sector_format(),
                             uint32_t first = 1000,
                             unsigned seed = 1)
        : f(c), user(random_bytes(f.cluster_user_bytes(), seed)), rec(f.cluster_bytes())
    {
        f.encode(user.data(), first, rec.data());
    }
};

} // namespace

TEST(SectorFormat, DefaultGeometry)
{
    sector_format f;
    EXPECT_EQ(f.sector_bytes(), 2056);
    EXPECT_EQ(f.sectors(), 32);
    EXPECT_EQ(f.columns(), 305); // ceil(2056 * 32 / 216)
    EXPECT_EQ(f.cluster_bytes(), 248u * 305u);
    EXPECT_EQ(f.cluster_user_bytes(), 2048u * 32u);
}

TEST(SectorFormat, SectorLayoutByHand)
{
    sector_format f;
    const auto user = random_bytes(2048, 3);
    std::vector<uint8_t> sec(2056);
    f.build_sector(user.data(), 0x12345678u, sec.data());
    std::vector<uint8_t> ref(user);
    for (uint8_t b : { 0x12, 0x34, 0x56, 0x78 })
        ref.push_back(b);
    const uint32_t crc = ecdisc::crc32(ref.data(), ref.size());
    for (int i = 3; i >= 0; i--)
        ref.push_back(static_cast<uint8_t>(crc >> (8 * i)));
    EXPECT_EQ(sec, ref);

    // and in the cluster: sector s at stream offset s * 2056, byte d of the
    // stream is row d % 216 of codeword d / 216
    cluster_fixture c(default_sector_format(), 0x12345678u - 5, 3);
    // sector 5 has number 0x12345678; its first 2048 bytes are user[5*2048..]
    std::vector<uint8_t> stream(2056);
    for (size_t i = 0; i < 2056; i++) {
        const size_t d = 5 * 2056 + i;
        stream[i] = c.rec[c.f.recorded_index(static_cast<int>(d % 216),
                                             static_cast<int>(d / 216))];
    }
    std::vector<uint8_t> expect(2056);
    f.build_sector(c.user.data() + 5 * 2048, 0x12345678u, expect.data());
    EXPECT_EQ(stream, expect);
    // the recorded order reads the n x C matrix row by row (row_shift 0)
    EXPECT_EQ(c.f.recorded_index(0, 0), 0u);
    EXPECT_EQ(c.f.recorded_index(0, 1), 1u);
    EXPECT_EQ(c.f.recorded_index(1, 0), 305u);
}

TEST(SectorFormat, RoundTripRandomClusters)
{
    for (unsigned seed = 1; seed <= 3; seed++) {
        cluster_fixture c(default_sector_format(), 32 * seed, seed);
        std::vector<uint8_t> out(c.f.cluster_user_bytes());
        const auto r = c.f.decode(c.rec.data(), nullptr, out.data());
        EXPECT_EQ(out, c.user);
        EXPECT_TRUE(r.number_known);
        EXPECT_EQ(r.sectors_failed, 0);
        EXPECT_EQ(r.codewords_failed, 0);
        for (int s = 0; s < 32; s++) {
            EXPECT_EQ(r.status[s], 0);
            EXPECT_EQ(r.number[s], 32 * seed + static_cast<uint32_t>(s));
        }
    }
}

TEST(SectorFormat, RoundTripWithRowShiftAndSmallFormat)
{
    sector_format_config cfg;
    cfg.user_bytes = 100;
    cfg.sectors_per_cluster = 5;
    cfg.rs_n = 40;
    cfg.rs_k = 30;
    cfg.row_shift = 3;                      // 540 / 30 = 18 columns
    cluster_fixture c(cfg, 0xFFFFFFFEu, 7); // numbers wrap mod 2^32
    EXPECT_EQ(c.f.columns(), 18);
    std::vector<uint8_t> out(c.f.cluster_user_bytes());
    auto r = c.f.decode(c.rec.data(), nullptr, out.data());
    EXPECT_EQ(out, c.user);
    EXPECT_EQ(r.number[0], 0xFFFFFFFEu);
    EXPECT_EQ(r.number[2], 0u);
    // every recorded byte is a distinct (row, column)
    std::set<size_t> seen;
    for (int i = 0; i < 40; i++)
        for (int j = 0; j < 18; j++)
            seen.insert(c.f.recorded_index(i, j));
    EXPECT_EQ(seen.size(), 40u * 18u);
    // two errors in each codeword are corrected
    std::mt19937 rng(5);
    for (int j = 0; j < 18; j++) {
        c.rec[c.f.recorded_index(2, j)] ^= 0x55;
        c.rec[c.f.recorded_index(35, j)] ^= static_cast<uint8_t>(1 + rng() % 255);
    }
    r = c.f.decode(c.rec.data(), nullptr, out.data());
    EXPECT_EQ(out, c.user);
    EXPECT_EQ(r.sectors_failed, 0);
    EXPECT_EQ(r.symbols_corrected, 36);
}

TEST(SectorFormat, BurstOfTenColumnsIsCorrected)
{
    cluster_fixture c;
    const size_t C = static_cast<size_t>(c.f.columns());
    const size_t start = 12345, len = 10 * C;
    std::mt19937 rng(9);
    for (size_t p = start; p < start + len; p++)
        c.rec[p] ^= static_cast<uint8_t>(1 + rng() % 255);
    std::vector<uint8_t> out(c.f.cluster_user_bytes());
    const auto r = c.f.decode(c.rec.data(), nullptr, out.data());
    EXPECT_EQ(out, c.user);
    EXPECT_EQ(r.codewords_failed, 0);
    EXPECT_EQ(r.sectors_failed, 0);
    EXPECT_EQ(r.symbols_corrected, static_cast<long>(len));
    long in_sectors = 0;
    for (int s = 0; s < 32; s++) {
        EXPECT_GE(r.status[s], 0);
        in_sectors += r.status[s];
    }
    EXPECT_GT(r.sectors_corrected, 0);
    EXPECT_LE(in_sectors, static_cast<long>(len)); // parity bytes count for none
}

TEST(SectorFormat, BurstBeyondSixteenColumnsFailsEveryAffectedSector)
{
    cluster_fixture c;
    const size_t C = static_cast<size_t>(c.f.columns());
    const size_t start = 40 * C + 17, len = 17 * C + 1; // >= 17 bytes in every codeword
    std::mt19937 rng(11);
    for (size_t p = start; p < start + len; p++)
        c.rec[p] ^= static_cast<uint8_t>(1 + rng() % 255);
    std::vector<uint8_t> out(c.f.cluster_user_bytes(), 0xAA);
    const auto r = c.f.decode(c.rec.data(), nullptr, out.data());
    EXPECT_EQ(r.codewords_failed, c.f.columns());
    EXPECT_EQ(r.sectors_failed, 32);
    EXPECT_FALSE(r.number_known);
    for (int s = 0; s < 32; s++)
        EXPECT_EQ(r.status[s], ecdisc::sector_failed);
    EXPECT_EQ(out, std::vector<uint8_t>(out.size(), 0)); // none returned as data
}

TEST(SectorFormat, FailedCodewordFailsOnlyItsSectors)
{
    cluster_fixture c;
    // 17 errors in codeword 20 only (stream bytes 4320..4535: sector 2)
    for (int i = 0; i < 17; i++)
        c.rec[c.f.recorded_index(i * 3, 20)] ^= 0x3C;
    std::vector<uint8_t> out(c.f.cluster_user_bytes());
    const auto r = c.f.decode(c.rec.data(), nullptr, out.data());
    EXPECT_EQ(r.codewords_failed, 1);
    EXPECT_EQ(r.sectors_failed, 1);
    EXPECT_EQ(r.status[2], ecdisc::sector_failed);
    EXPECT_TRUE(r.number_known);
    EXPECT_EQ(r.number[2], 1002u);
    for (int s = 0; s < 32; s++) {
        const bool z = s == 2;
        const std::vector<uint8_t> got(out.begin() + s * 2048,
                                       out.begin() + (s + 1) * 2048);
        const std::vector<uint8_t> want =
            z ? std::vector<uint8_t>(2048, 0)
              : std::vector<uint8_t>(c.user.begin() + s * 2048,
                                     c.user.begin() + (s + 1) * 2048);
        EXPECT_EQ(got, want) << "sector " << s;
    }
}

TEST(SectorFormat, ErasuresExtendCorrection)
{
    // per codeword: e errors and f flagged erasures, 2e + f = 32 -> corrected;
    // the same 32 + 1 without flags -> failed
    for (int e : { 0, 5, 10, 16 }) {
        const int f = 32 - 2 * e;
        cluster_fixture c(default_sector_format(), 64, 20 + e);
        std::vector<uint8_t> flags(c.f.cluster_bytes(), 0);
        std::mt19937 rng(30 + e);
        std::vector<int> rows(248);
        for (int j = 0; j < c.f.columns(); j++) {
            for (int i = 0; i < 248; i++)
                rows[i] = i;
            std::shuffle(rows.begin(), rows.end(), rng);
            for (int t = 0; t < e + f; t++) {
                const size_t p = c.f.recorded_index(rows[t], j);
                c.rec[p] ^= static_cast<uint8_t>(1 + rng() % 255);
                if (t >= e)
                    flags[p] = 1;
            }
        }
        std::vector<uint8_t> out(c.f.cluster_user_bytes());
        auto r = c.f.decode(c.rec.data(), flags.data(), out.data());
        EXPECT_EQ(r.codewords_failed, 0) << "e = " << e;
        EXPECT_EQ(r.sectors_failed, 0) << "e = " << e;
        EXPECT_EQ(out, c.user) << "e = " << e;
        for (int s = 0; s < 32; s++)
            EXPECT_EQ(r.number[s], 64u + s);
        if (f > 0) { // without the flags the same damage is too much
            r = c.f.decode(c.rec.data(), nullptr, out.data());
            EXPECT_EQ(r.sectors_failed, 32) << "e = " << e;
        }
    }
}

TEST(SectorFormat, SectorNumbersOutOfSequenceFail)
{
    // a cluster whose sector 7 was numbered 999 instead of 1007 (valid CRC)
    sector_format f;
    std::vector<uint8_t> user = random_bytes(f.cluster_user_bytes(), 4);
    std::vector<uint8_t> rec(f.cluster_bytes()), out(user.size());
    f.encode(user.data(), 1000, rec.data());
    // the same user data numbered 8 lower: sector 7 is 999 there. Sector 7
    // spans stream bytes 14392..16447; its number and CRC (16440..16447) lie
    // in codeword 76 (16416..16631), which holds otherwise only user bytes of
    // sectors 7 and 8, equal in both: splicing that codeword renumbers
    // sector 7 alone, with a valid CRC and a valid codeword.
    std::vector<uint8_t> rec2(f.cluster_bytes());
    f.encode(user.data(), 1000 - 8, rec2.data());
    for (int i = 0; i < 248; i++)
        rec[f.recorded_index(i, 76)] = rec2[f.recorded_index(i, 76)];
    const auto r = f.decode(rec.data(), nullptr, out.data());
    EXPECT_EQ(r.sectors_failed, 1);
    EXPECT_EQ(r.status[7], ecdisc::sector_failed);
    EXPECT_EQ(r.number[7], 1007u);
    EXPECT_EQ(r.status[8], 0);
}

TEST(SectorFormat, DefaultFileParses)
{
    const std::string path = std::string(ECDISC_SOURCE_DIR) + "/media/format_default.yml";
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    EXPECT_EQ(s.str(), default_sector_format_yaml());
    const auto c = ecdisc::load_sector_format(path);
    EXPECT_EQ(c.name, "ecdisc-default-format");
    EXPECT_EQ(c.user_bytes, 2048);
    EXPECT_EQ(c.sectors_per_cluster, 32);
    EXPECT_EQ(c.rs_n, 248);
    EXPECT_EQ(c.rs_k, 216);
    EXPECT_EQ(c.gf_poly, 285);
    EXPECT_EQ(c.fcr, 0);
    EXPECT_EQ(c.row_shift, 0);
    EXPECT_EQ(ecdisc::load_sector_format("").name, c.name);
}

TEST(SectorFormat, YamlRejectionsNameTheKey)
{
    EXPECT_NE(parse_error(default_sector_format_yaml() + "extra: 1\n")
                  .find("fmt.yml: extra: unknown key"),
              std::string::npos);
    EXPECT_NE(parse_error(replaced("user_bytes: 2048", "user_bytes: 0"))
                  .find("fmt.yml: user_bytes = 0: must be in 1..65536"),
              std::string::npos);
    EXPECT_NE(parse_error(replaced("sectors_per_cluster: 32", "sectors_per_cluster: x"))
                  .find("sectors_per_cluster = x"),
              std::string::npos);
    EXPECT_NE(parse_error(replaced("k: 216", "k: 248"))
                  .find("rs.k = 248: must be in 1..n-1 = 247"),
              std::string::npos);
    EXPECT_NE(
        parse_error(replaced("gf_poly: 285", "gf_poly: 256")).find("rs.gf_poly = 256"),
        std::string::npos);
    EXPECT_NE(parse_error(replaced("fcr: 0", "fcr: 255")).find("rs.fcr = 255"),
              std::string::npos);
    EXPECT_NE(parse_error(replaced("  fcr: 0\n", "  fcr: 0\n  prim: 1\n"))
                  .find("rs.prim: unknown key"),
              std::string::npos);
    EXPECT_NE(parse_error(replaced("row_shift: 0", "row_shift: 305"))
                  .find("interleave.row_shift = 305: must be in 0..columns-1 = 304"),
              std::string::npos);
    EXPECT_NE(
        parse_error(replaced("name: ecdisc-default-format\n", "")).find("name: missing"),
        std::string::npos);
    EXPECT_NE(parse_error(replaced("  row_shift: 0\n", "  row_shift: 0\n  depth: 2\n"))
                  .find("interleave.depth: unknown key"),
              std::string::npos);
    EXPECT_NE(invalid_argument_message([] {
                  ecdisc::load_sector_format("/nonexistent.yml");
              }).find("format_file = /nonexistent.yml: cannot be opened"),
              std::string::npos);
    // the constructor checks the same way
    sector_format_config c;
    c.sectors_per_cluster = 0;
    EXPECT_EQ(invalid_argument_message([&] { sector_format f(c); }),
              "sectors_per_cluster = 0: must be in 1..1024");
}
