/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "crc32.h"
#include "default_format_yaml.h"
#include "gf256.h"
#include "sector_format.h"
#include "yaml_checked.h"
#include <yaml-cpp/yaml.h>
#include <algorithm>
#include <cstring>
#include <map>
#include <stdexcept>

namespace ecdisc {

namespace {

using yaml_checked::mapping;

constexpr size_t k_max_stream = size_t(1) << 24; // sector bytes per cluster

void fail(const std::string& key, long value, const std::string& what)
{
    throw std::invalid_argument(key + " = " + std::to_string(value) + ": " + what);
}

size_t columns_of(const sector_format_config& c)
{
    const size_t stream = static_cast<size_t>(c.user_bytes + 8) *
                          static_cast<size_t>(c.sectors_per_cluster);
    return (stream + static_cast<size_t>(c.rs_k) - 1) / static_cast<size_t>(c.rs_k);
}

// Every parameter, checked in order; messages name the YAML key path.
const sector_format_config& checked(const sector_format_config& c)
{
    if (c.user_bytes < 1 || c.user_bytes > 65536)
        fail("user_bytes", c.user_bytes, "must be in 1..65536");
    if (c.sectors_per_cluster < 1 || c.sectors_per_cluster > 1024)
        fail("sectors_per_cluster", c.sectors_per_cluster, "must be in 1..1024");
    const size_t stream = static_cast<size_t>(c.user_bytes + 8) *
                          static_cast<size_t>(c.sectors_per_cluster);
    if (stream > k_max_stream)
        fail("sectors_per_cluster",
             c.sectors_per_cluster,
             "(user_bytes + 8) * sectors_per_cluster must be at most " +
                 std::to_string(k_max_stream));
    if (c.rs_n < 2 || c.rs_n > 255)
        fail("rs.n", c.rs_n, "must be in 2..255");
    if (c.rs_k < 1 || c.rs_k >= c.rs_n)
        fail("rs.k", c.rs_k, "must be in 1..n-1 = " + std::to_string(c.rs_n - 1));
    try {
        gf256_check_poly(c.gf_poly);
    } catch (const std::invalid_argument&) {
        fail("rs.gf_poly",
             c.gf_poly,
             "must be a primitive polynomial of degree 8 (285 = 0x11D)");
    }
    if (c.fcr < 0 || c.fcr > 254)
        fail("rs.fcr", c.fcr, "must be in 0..254");
    const size_t cols = columns_of(c);
    if (c.row_shift < 0 || static_cast<size_t>(c.row_shift) >= cols)
        fail("interleave.row_shift",
             c.row_shift,
             "must be in 0..columns-1 = " + std::to_string(cols - 1));
    return c;
}

void put_be32(uint8_t* p, uint32_t v)
{
    p[0] = static_cast<uint8_t>(v >> 24);
    p[1] = static_cast<uint8_t>(v >> 16);
    p[2] = static_cast<uint8_t>(v >> 8);
    p[3] = static_cast<uint8_t>(v);
}
uint32_t get_be32(const uint8_t* p)
{
    return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) |
           uint32_t(p[3]);
}

} // namespace

sector_format_config parse_sector_format_yaml(const std::string& text,
                                              const std::string& source)
{
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::Exception& e) {
        throw std::invalid_argument(source + ": not valid YAML: " + e.what());
    }
    sector_format_config c;
    mapping top(root, source, "");
    c.name = top.text("name");
    c.user_bytes = top.integer("user_bytes", 1, 65536);
    c.sectors_per_cluster = top.integer("sectors_per_cluster", 1, 1024);
    {
        mapping m(top.node("rs", "a mapping"), source, "rs");
        c.rs_n = m.integer("n", 2, 255);
        c.rs_k = m.integer("k", 1, 254);
        c.gf_poly = m.integer("gf_poly", 256, 511);
        c.fcr = m.integer("fcr", 0, 254);
        m.finish("n, k, gf_poly, fcr");
    }
    {
        mapping m(top.node("interleave", "a mapping"), source, "interleave");
        c.row_shift = m.integer("row_shift", 0, 65535);
        m.finish("row_shift");
    }
    top.finish("name, user_bytes, sectors_per_cluster, rs, interleave");
    try {
        checked(c);
    } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(source + ": " + e.what());
    }
    return c;
}

sector_format_config load_sector_format(const std::string& path)
{
    if (path.empty())
        return default_sector_format();
    std::string name;
    const std::string text = yaml_checked::read_file("format_file", path, name);
    return parse_sector_format_yaml(text, name);
}

const std::string& default_sector_format_yaml()
{
    static const std::string s(k_default_format_yaml);
    return s;
}

sector_format_config default_sector_format()
{
    static const sector_format_config c =
        parse_sector_format_yaml(default_sector_format_yaml(), "<built-in default>");
    return c;
}

sector_format::sector_format(const sector_format_config& c)
    : d_c(checked(c)),
      d_rs(d_c.rs_n, d_c.rs_k, d_c.gf_poly, d_c.fcr, 1),
      d_cols(static_cast<int>(columns_of(d_c))),
      d_user(static_cast<size_t>(d_c.user_bytes) *
             static_cast<size_t>(d_c.sectors_per_cluster)),
      d_stream(static_cast<size_t>(d_c.user_bytes + 8) *
               static_cast<size_t>(d_c.sectors_per_cluster)),
      d_cluster(static_cast<size_t>(d_c.rs_n) * static_cast<size_t>(d_cols)),
      d_cw(d_cluster),
      d_stream_buf(static_cast<size_t>(d_cols) * static_cast<size_t>(d_c.rs_k)),
      d_orig(static_cast<size_t>(d_c.rs_n)),
      d_flags(d_cluster),
      d_row_offset(static_cast<size_t>(d_c.rs_n))
{
    for (int i = 0; i < d_c.rs_n; i++)
        d_row_offset[static_cast<size_t>(i)] =
            static_cast<int>((static_cast<long>(i) * d_c.row_shift) % d_cols);
}

size_t sector_format::recorded_index(int row, int col) const
{
    // recorded[i * C + q] holds column (q + off_i) mod C
    int q = col - d_row_offset[static_cast<size_t>(row)];
    if (q < 0)
        q += d_cols;
    return static_cast<size_t>(row) * static_cast<size_t>(d_cols) +
           static_cast<size_t>(q);
}

void sector_format::build_sector(const uint8_t* user,
                                 uint32_t number,
                                 uint8_t* sector) const
{
    const size_t u = static_cast<size_t>(d_c.user_bytes);
    if (sector != user)
        std::memmove(sector, user, u);
    put_be32(sector + u, number);
    put_be32(sector + u + 4, crc32(sector, u + 4));
}

void sector_format::encode(const uint8_t* user, uint32_t first_sector, uint8_t* cluster)
{
    const size_t u = static_cast<size_t>(d_c.user_bytes);
    const size_t sb = u + 8, n = static_cast<size_t>(d_c.rs_n),
                 k = static_cast<size_t>(d_c.rs_k), C = static_cast<size_t>(d_cols);
    uint8_t* st = d_stream_buf.data();
    for (int s = 0; s < d_c.sectors_per_cluster; s++)
        build_sector(user + static_cast<size_t>(s) * u,
                     first_sector + static_cast<uint32_t>(s),
                     st + static_cast<size_t>(s) * sb);
    std::fill(st + d_stream, st + C * k, uint8_t(0));
    for (size_t j = 0; j < C; j++)
        d_rs.encode(st + j * k, d_cw.data() + j * n);
    for (size_t i = 0; i < n; i++) {
        const size_t off = static_cast<size_t>(d_row_offset[i]);
        uint8_t* row = cluster + i * C;
        const uint8_t* cw = d_cw.data() + i;
        // q in [0, C - off): column q + off; q in [C - off, C): column q + off - C
        for (size_t q = 0; q < C - off; q++)
            row[q] = cw[(q + off) * n];
        for (size_t q = C - off; q < C; q++)
            row[q] = cw[(q + off - C) * n];
    }
}

cluster_decode_result
sector_format::decode(const uint8_t* cluster, const uint8_t* erasures, uint8_t* user)
{
    const size_t u = static_cast<size_t>(d_c.user_bytes);
    const size_t sb = u + 8, n = static_cast<size_t>(d_c.rs_n),
                 k = static_cast<size_t>(d_c.rs_k), C = static_cast<size_t>(d_cols);
    const int S = d_c.sectors_per_cluster;
    cluster_decode_result r;
    r.status.assign(static_cast<size_t>(S), 0);
    r.number.assign(static_cast<size_t>(S), 0);
    std::vector<char> rs_bad(static_cast<size_t>(S), 0);

    // de-interleave
    auto scatter = [&](const uint8_t* in, uint8_t* cw) {
        for (size_t i = 0; i < n; i++) {
            const size_t off = static_cast<size_t>(d_row_offset[i]);
            const uint8_t* row = in + i * C;
            uint8_t* c = cw + i;
            for (size_t q = 0; q < C - off; q++)
                c[(q + off) * n] = row[q];
            for (size_t q = C - off; q < C; q++)
                c[(q + off - C) * n] = row[q];
        }
    };
    scatter(cluster, d_cw.data());
    if (erasures)
        scatter(erasures, d_flags.data());

    // RS-decode each codeword; attribute corrections and failures to sectors
    uint8_t* st = d_stream_buf.data();
    for (size_t j = 0; j < C; j++) {
        uint8_t* cw = d_cw.data() + j * n;
        std::memcpy(d_orig.data(), cw, n);
        int res = d_rs.decode_flags(cw, erasures ? d_flags.data() + j * n : nullptr);
        const size_t d0 = j * k;
        const size_t d1 = std::min(d0 + k, d_stream); // stream bytes in this word
        if (res != rs_failure) {
            // the zero padding must decode to zeros: anything else is a
            // mis-correction
            for (size_t d = d1; d < d0 + k; d++)
                if (cw[d - d0]) {
                    res = rs_failure;
                    break;
                }
        }
        if (res == rs_failure) {
            r.codewords_failed++;
            if (d1 > d0)
                for (size_t s = d0 / sb; s <= (d1 - 1) / sb; s++)
                    rs_bad[s] = 1;
        } else if (res > 0) {
            r.symbols_corrected += res;
            for (size_t d = d0; d < d1; d++)
                if (cw[d - d0] != d_orig[d - d0])
                    r.status[d / sb]++;
        }
        std::memcpy(st + d0, cw, k);
    }

    // CRC-32 of each sector, then the numbers' consensus
    std::vector<char> good(static_cast<size_t>(S), 0);
    std::map<uint32_t, int> votes;
    for (int s = 0; s < S; s++) {
        const uint8_t* sec = st + static_cast<size_t>(s) * sb;
        if (rs_bad[static_cast<size_t>(s)])
            continue;
        if (crc32(sec, u + 4) != get_be32(sec + u + 4))
            continue;
        good[static_cast<size_t>(s)] = 1;
        votes[get_be32(sec + u) - static_cast<uint32_t>(s)]++;
    }
    uint32_t base = 0;
    int best = 0;
    for (int s = 0; s < S; s++) { // ties: the earliest sector's base wins
        if (!good[static_cast<size_t>(s)])
            continue;
        const uint32_t b =
            get_be32(st + static_cast<size_t>(s) * sb + u) - static_cast<uint32_t>(s);
        if (votes[b] > best) {
            best = votes[b];
            base = b;
        }
    }
    r.number_known = best > 0;
    for (int s = 0; s < S; s++) {
        const size_t si = static_cast<size_t>(s);
        const uint8_t* sec = st + si * sb;
        r.number[si] = base + static_cast<uint32_t>(s);
        bool ok = good[si] && get_be32(sec + u) == r.number[si];
        uint8_t* out = user + si * u;
        if (ok) {
            std::memcpy(out, sec, u);
            if (r.status[si] > 0)
                r.sectors_corrected++;
        } else {
            std::memset(out, 0, u);
            r.status[si] = sector_failed;
            r.sectors_failed++;
        }
    }
    return r;
}

} // namespace ecdisc
