/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "rll17pp.h"
#include "test_util.h"
#include <gtest/gtest.h>
#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <map>
#include <random>
#include <string>
#include <vector>

using ecdisc::rll17pp_decoder;
using ecdisc::rll17pp_encoder;
using ecdisc::rll17pp_frame;
using ecdisc::rll17pp_layout;

namespace {

const std::string SYNC = "010000000010000000010010";

std::vector<uint8_t> bits_of(const std::string& s)
{
    std::vector<uint8_t> v;
    for (char c : s)
        v.push_back(static_cast<uint8_t>(c - '0'));
    return v;
}

std::vector<uint8_t> random_bytes(size_t n, unsigned seed)
{
    std::mt19937 rng(seed);
    std::vector<uint8_t> v(n);
    for (auto& x : v)
        x = static_cast<uint8_t>(rng());
    return v;
}

std::vector<uint8_t> encode_stream(const std::vector<uint8_t>& bytes,
                                   int fb,
                                   uint64_t first = 0,
                                   int dci = 45,
                                   rll17pp_encoder* encp = nullptr)
{
    rll17pp_encoder local(fb, first, dci);
    rll17pp_encoder& enc = encp ? *encp : local;
    std::vector<uint8_t> out;
    for (size_t i = 0; i + fb <= bytes.size(); i += fb) {
        auto b = enc.encode_frame(
            std::vector<uint8_t>(bytes.begin() + i, bytes.begin() + i + fb));
        out.insert(out.end(), b.begin(), b.end());
    }
    return out;
}

std::vector<rll17pp_frame>
decode_all(rll17pp_decoder& dec, const std::vector<uint8_t>& bits, size_t chunk)
{
    std::vector<rll17pp_frame> out;
    for (size_t p = 0; p < bits.size(); p += chunk) {
        dec.push(bits.data() + p, std::min(chunk, bits.size() - p));
        while (dec.frames_ready()) {
            out.push_back(dec.front());
            dec.pop();
        }
    }
    return out;
}

//! distances between consecutive ones
std::vector<int> runs_of(const std::vector<uint8_t>& c)
{
    std::vector<int> r;
    long last = -1;
    for (size_t i = 0; i < c.size(); i++)
        if (c[i]) {
            if (last >= 0)
                r.push_back(static_cast<int>(i - last));
            last = static_cast<long>(i);
        }
    return r;
}

// The table of lib/rll17pp.h, written out again: data -> code ("*" = *0*)
const std::map<std::string, std::string> TABLE = {
    { "11", "*" },
    { "10", "001" },
    { "01", "010" },
    { "0011", "010100" },
    { "0010", "010000" },
    { "0001", "000100" },
    { "000011", "000100100" },
    { "000010", "000100000" },
    { "000001", "010100100" },
    { "000000", "010100000" },
    { "00001000", "000100100100" },
    { "00000000", "010100100100" },
    { "110111", "001000000" },
};

int ones(const std::string& s)
{
    return static_cast<int>(std::count(s.begin(), s.end(), '1'));
}

// bitwise CRC-8 (poly 0x07), written independently of the kernel
uint8_t crc8_ref(const std::vector<uint8_t>& bytes)
{
    unsigned reg = 0; // 8-bit register, shift in message bits then 8 zeros
    std::vector<int> bits;
    for (auto b : bytes)
        for (int j = 7; j >= 0; j--)
            bits.push_back((b >> j) & 1);
    for (int j = 0; j < 8; j++)
        bits.push_back(0);
    for (int b : bits) {
        const int top = (reg >> 7) & 1;
        reg = ((reg << 1) | b) & 0xff;
        if (top)
            reg ^= 0x07;
    }
    return static_cast<uint8_t>(reg);
}

} // namespace

TEST(rll17pp, layout_formula)
{
    // I = 32 + 1024 = 1056, G = ceil(1056/45) = 24, T = 1080 + 2, 24 + 1623
    rll17pp_layout L(128, 45);
    EXPECT_EQ(L.info_bits, 1056);
    EXPECT_EQ(L.dc_bits, 24);
    EXPECT_EQ(L.coded_bits, 1082);
    EXPECT_EQ(L.frame_bits, 1647);
    // I = 32 + 8 = 40, G = 4, T = 44 (even) + 2 = 46 -> 24 + 69 = 93
    EXPECT_EQ(rll17pp_layout(1, 10).frame_bits, 93);
    // I = 40, G = 3 (dc 16), 43 -> 44 + 2 = 46 -> 93
    EXPECT_EQ(rll17pp_layout(1, 16).frame_bits, 93);
    EXPECT_EQ(ecdisc_test::invalid_argument_message([] { rll17pp_layout(0, 45); }),
              "frame_bytes = 0: must be in 1..4096");
    EXPECT_EQ(ecdisc_test::invalid_argument_message([] { rll17pp_layout(8, 4); }),
              "dc_interval = 4: must be in 8..4096");
    EXPECT_EQ(
        ecdisc_test::invalid_argument_message([] { rll17pp_decoder(8, 4, 2, 3, 0, 45); }),
        "sync_tolerance = 4: must be in 0..3");
}

TEST(rll17pp, crc8_known_answer)
{
    const std::vector<uint8_t> check = { '1', '2', '3', '4', '5', '6', '7', '8', '9' };
    EXPECT_EQ(ecdisc::rll17pp_crc8(check.data(), check.size()), 0xF4); // CRC-8/SMBUS
    EXPECT_EQ(crc8_ref(check), 0xF4);
    std::mt19937 rng(3);
    for (int t = 0; t < 200; t++) {
        std::vector<uint8_t> h = { uint8_t(rng()), uint8_t(rng()), uint8_t(rng()) };
        EXPECT_EQ(ecdisc::rll17pp_crc8(h.data(), 3), crc8_ref(h));
    }
}

TEST(rll17pp, table_parity_and_words)
{
    for (const auto& [d, c] : TABLE) {
        // a word with its context: after a 0 (sync tail) and followed by the sync
        if (c == "*") {
            EXPECT_EQ(ones(d) % 2, 0);
            continue;
        }
        EXPECT_EQ(ones(d) % 2, ones(c) % 2) << d;
    }
    // each entry alone in a terminated sequence ("11" appended where the
    // parse needs it) encodes to its code word after a channel 0
    for (std::string d : { "10", "01", "0011", "0010", "0001", "000011", "000001" }) {
        auto x = bits_of(d);
        std::vector<uint8_t> c(3 * x.size() / 2);
        ecdisc::rll17pp_encode_sequence(x.data(), x.size(), 0, c.data());
        EXPECT_EQ(c, bits_of(TABLE.at(d))) << d;
    }
    struct ctx {
        std::string data, code;
        uint8_t prev;
    };
    const std::vector<ctx> cases = {
        { "11", "101", 0 },
        { "1011", "001000", 0 },                // *0* after a 1
        { "00001011", "000100000101", 0 },      // 000010 not followed by 00
        { "0000100011", "000100100100101", 0 }, // k substitution
        { "0000000011", "010100100100101", 0 }, // k substitution
        { "11011101", "001000000010", 0 },      // RMTR substitution
        { "110111", "001000000", 0 },           // before the sync (010...)
        { "11011110", "101010101001", 0 },      // no RMTR: next word 001
    };
    for (const auto& t : cases) {
        auto x = bits_of(t.data);
        std::vector<uint8_t> c(3 * x.size() / 2);
        ecdisc::rll17pp_encode_sequence(x.data(), x.size(), t.prev, c.data());
        EXPECT_EQ(c, bits_of(t.code)) << t.data;
        std::vector<uint8_t> back(x.size() + 8);
        uint64_t v = 0;
        const size_t n = ecdisc::rll17pp_decode_sequence(
            c.data(), c.size() / 3, t.prev, back.data(), nullptr, &v);
        back.resize(n);
        EXPECT_EQ(back, x) << t.data;
        EXPECT_EQ(v, 0u) << t.data;
    }
}

// Every complete data sequence of up to 16 bits after the sync and before
// the next sync: exact round trip, d = 1, k = 7, at most 6 consecutive 2T,
// and coded data never within distance 1 of the sync.
TEST(rll17pp, exhaustive_short_sequences)
{
    int worst2t = 0, maxrun = 0, checked = 0, min_junction = 99;
    for (int n = 2; n <= 16; n += 2) {
        for (uint32_t v = 0; v < (1u << n); v++) {
            std::vector<uint8_t> x(n);
            for (int k = 0; k < n; k++)
                x[k] = (v >> (n - 1 - k)) & 1u;
            // complete? the prefix code must end on a word boundary: the
            // encoder throws otherwise
            std::vector<uint8_t> c(3 * n / 2);
            try {
                ecdisc::rll17pp_encode_sequence(x.data(), n, 0, c.data());
            } catch (const std::invalid_argument&) {
                continue;
            }
            checked++;
            std::vector<uint8_t> back(n + 8);
            uint64_t viol = 0;
            const size_t m = ecdisc::rll17pp_decode_sequence(
                c.data(), c.size() / 3, 0, back.data(), nullptr, &viol);
            back.resize(m);
            ASSERT_EQ(back, x) << "v=" << v << " n=" << n;
            ASSERT_EQ(viol, 0u);
            std::vector<uint8_t> s = bits_of(SYNC);
            s.insert(s.end(), c.begin(), c.end());
            auto sy = bits_of(SYNC);
            s.insert(s.end(), sy.begin(), sy.end());
            auto r = runs_of(s);
            // runs: sync (9, 9, 3, ...) then code then sync (.., 9, 9, 3)
            std::vector<int> body(r.begin() + 2, r.end() - 3);
            int cur = 0;
            for (int q : body) {
                ASSERT_GE(q, 2);
                ASSERT_LE(q, 8);
                maxrun = std::max(maxrun, q);
                cur = q == 2 ? cur + 1 : 0;
                worst2t = std::max(worst2t, cur);
            }
            for (size_t p = 1; p + 24 <= c.size(); p++) {
                ASSERT_GE(ecdisc::rll17pp_sync_distance(c.data() + p), 2);
            }
            // windows across the junctions: only the two syncs match exactly
            for (size_t p = 0; p + 24 <= s.size(); p++) {
                const int d = ecdisc::rll17pp_sync_distance(s.data() + p);
                if (p == 0 || p == 24 + c.size())
                    ASSERT_EQ(d, 0);
                else
                    min_junction = std::min(min_junction, d);
            }
        }
    }
    std::cout << "  exhaustive: " << checked << " sequences, longest run " << maxrun
              << "T, most consecutive 2T " << worst2t
              << ", min sync distance of other windows " << min_junction << "\n";
    // the exact sync only where it was put, and nothing else within distance
    // 1 of it: why the search accepts a sync with 0..1 errors at once
    EXPECT_EQ(min_junction, 2);
    EXPECT_GT(checked, 10000);
    EXPECT_EQ(maxrun, 8);
    EXPECT_EQ(worst2t, ecdisc::rll17pp_rmtr);
}

TEST(rll17pp, stream_constraints_rds_and_round_trip)
{
    const int fb = 128;
    const int nf = 1000; // 1.02 Mbit of user data
    auto data = random_bytes(static_cast<size_t>(fb) * (nf + 1), 11);
    rll17pp_encoder enc(fb, 0, 45);
    auto bits = encode_stream(data, fb, 0, 45, &enc);
    ASSERT_EQ(bits.size(), static_cast<size_t>(nf + 1) * 1647);
    EXPECT_EQ(enc.frames(), static_cast<uint64_t>(nf + 1));
    // runs and RMTR on the whole stream; the syncs' 9T runs are the only
    // runs over 8T, exactly two per frame
    auto r = runs_of(bits);
    int nine = 0, cur = 0, worst = 0;
    for (int q : r) {
        ASSERT_GE(q, 2);
        ASSERT_LE(q, 9);
        nine += q == 9;
        cur = q == 2 ? cur + 1 : 0;
        worst = std::max(worst, cur);
    }
    EXPECT_EQ(nine, 2 * (nf + 1));
    EXPECT_LE(worst, ecdisc::rll17pp_rmtr);
    // the exact sync occurs only at frame starts; elsewhere distance >= 2
    int min_other = 99;
    for (size_t p = 0; p + 24 <= bits.size(); p++) {
        const int d = ecdisc::rll17pp_sync_distance(bits.data() + p);
        if (p % 1647 == 0)
            ASSERT_EQ(d, 0);
        else
            min_other = std::min(min_other, d);
    }
    EXPECT_GE(min_other, 2);
    // RDS of the NRZI waveform, computed here
    int level = -1;
    long rds = 0, maxabs = 0;
    for (auto b : bits) {
        level = b ? -level : level;
        rds += level;
        maxabs = std::max(maxabs, std::labs(rds));
    }
    EXPECT_EQ(maxabs, enc.max_abs_rds());
    std::cout << "  max |RDS| with DC control: " << maxabs << ", min sync distance "
              << min_other << "\n";
    EXPECT_LE(maxabs, 48); // observed: 32
    // the same data without DC control (every DC bit 0) wanders far more
    {
        rll17pp_layout L(fb, 45);
        int lv = -1;
        long rr = 0, mx = 0;
        for (int f = 0; f <= nf; f++) {
            std::vector<uint8_t> x(L.coded_bits, 1);
            for (int s = 0; s < L.dc_bits; s++)
                x[s * 46] = 0;
            uint8_t h[3] = { 0, uint8_t(f >> 8), uint8_t(f) };
            uint8_t hb[4] = { h[0], h[1], h[2], ecdisc::rll17pp_crc8(h, 3) };
            int k = 0;
            for (int b = 0; b < 4; b++)
                for (int j = 7; j >= 0; j--, k++)
                    x[L.coded_index(k)] = (hb[b] >> j) & 1;
            for (int b = 0; b < fb; b++)
                for (int j = 7; j >= 0; j--, k++)
                    x[L.coded_index(k)] = (data[f * fb + b] >> j) & 1;
            std::vector<uint8_t> c = bits_of(SYNC);
            c.resize(L.frame_bits);
            ecdisc::rll17pp_encode_sequence(x.data(), x.size(), 0, c.data() + 24);
            for (auto b : c) {
                lv = b ? -lv : lv;
                rr += lv;
                mx = std::max(mx, std::labs(rr));
            }
        }
        std::cout << "  max |RDS| without DC control: " << mx << "\n";
        EXPECT_GT(mx, 4 * maxabs);
    }
    // the encoder's payloads (fast table path, DC bits chosen) are exactly
    // the reference encoding (byte-wise path) of their own decoded data
    {
        rll17pp_layout L(fb, 45);
        for (int f = 0; f < 200; f++) {
            const uint8_t* pay = bits.data() + f * L.frame_bits + 24;
            std::vector<uint8_t> x(L.coded_bits + 8), re(L.payload_bits);
            const size_t n = ecdisc::rll17pp_decode_sequence(
                pay, L.payload_bits / 3, 0, x.data(), nullptr, nullptr);
            ASSERT_EQ(n, static_cast<size_t>(L.coded_bits));
            ecdisc::rll17pp_encode_sequence(x.data(), n, 0, re.data());
            ASSERT_TRUE(std::equal(re.begin(), re.end(), pay)) << "frame " << f;
        }
    }
    // round trip: every frame but the last (it waits for the next sync)
    rll17pp_decoder dec(fb, 2, 2, 3, 0, 45);
    auto frames = decode_all(dec, bits, 4096);
    ASSERT_EQ(frames.size(), static_cast<size_t>(nf));
    for (int f = 0; f < nf; f++) {
        ASSERT_EQ(frames[f].number, static_cast<uint64_t>(f));
        ASSERT_FALSE(frames[f].filler);
        ASSERT_TRUE(frames[f].header_ok);
        ASSERT_TRUE(std::equal(
            frames[f].bytes.begin(), frames[f].bytes.end(), data.begin() + f * fb))
            << "frame " << f;
        ASSERT_EQ(std::count(frames[f].erased.begin(), frames[f].erased.end(), 1), 0);
    }
    EXPECT_EQ(dec.rll_violations(), 0u);
    EXPECT_EQ(dec.frames(), static_cast<uint64_t>(nf));
    EXPECT_EQ(dec.frames_missing(), 0u);
    EXPECT_EQ(dec.missed_syncs(), 0u);
    EXPECT_TRUE(dec.locked());
}

TEST(rll17pp, parity_preservation_in_frames)
{
    // flipping one DC bit alone (encoder without choice) inverts the NRZI
    // polarity of everything after the words around it
    rll17pp_layout L(16, 20);
    std::mt19937 rng(5);
    for (int t = 0; t < 200; t++) {
        std::vector<uint8_t> x(L.coded_bits, 1);
        for (int k = 0; k < L.coded_bits - 2; k++)
            x[k] = rng() & 1u;
        if ((L.info_bits + L.dc_bits) & 1)
            x[L.coded_bits - 3] = 1;
        std::vector<uint8_t> a(L.payload_bits), b(L.payload_bits);
        ecdisc::rll17pp_encode_sequence(x.data(), x.size(), 0, a.data());
        const int flip = 21 * (1 + t % 3);
        x[flip] ^= 1;
        ecdisc::rll17pp_encode_sequence(x.data(), x.size(), 0, b.data());
        int pa = 0, pb = 0;
        for (int k = 0; k < L.payload_bits; k++) {
            pa ^= a[k];
            pb ^= b[k];
        }
        EXPECT_EQ(pa ^ pb, 1); // NRZI level at the frame end inverted
    }
}

TEST(rll17pp, lock_after_lock_syncs_and_first_frame)
{
    const int fb = 16;
    auto data = random_bytes(fb * 10, 2);
    auto bits = encode_stream(data, fb, 5000, 45);
    const size_t F = rll17pp_layout(fb, 45).frame_bits;
    for (int ls : { 1, 2, 3 }) {
        rll17pp_decoder dec(fb, 2, ls, 3, 4998, 45);
        // k frames and the next sync (+8 bits): k + 1 syncs seen
        for (int k = 1; k <= 4; k++) {
            rll17pp_decoder d2(fb, 2, ls, 3, 4998, 45);
            std::vector<uint8_t> part(bits.begin(), bits.begin() + k * F + 8 + 24);
            decode_all(d2, part, 1000);
            EXPECT_EQ(d2.locked(), k + 1 >= ls) << "lock_syncs " << ls << " k " << k;
        }
        auto frames = decode_all(dec, bits, 777);
        ASSERT_EQ(frames.size(), 11u); // 4998, 4999 fillers + 5000..5008
        EXPECT_TRUE(frames[0].filler);
        EXPECT_EQ(frames[0].number, 4998u);
        EXPECT_EQ(frames[1].number, 4999u);
        EXPECT_EQ(frames[2].frames_missing_before, 2u);
        EXPECT_EQ(std::count(frames[0].erased.begin(), frames[0].erased.end(), 1), fb);
        for (int f = 0; f < 9; f++) {
            EXPECT_EQ(frames[2 + f].number, 5000u + f);
            EXPECT_TRUE(std::equal(frames[2 + f].bytes.begin(),
                                   frames[2 + f].bytes.end(),
                                   data.begin() + f * fb));
        }
        EXPECT_EQ(dec.frames_missing(), 2u);
        EXPECT_EQ(dec.bytes_erased(), 2u * fb);
    }
}

TEST(rll17pp, flywheel_over_a_corrupted_sync)
{
    const int fb = 32, nf = 12;
    auto data = random_bytes(fb * nf, 4);
    auto bits = encode_stream(data, fb);
    const size_t F = rll17pp_layout(fb, 45).frame_bits;
    // frame 5's sync: 4 bit errors (beyond tolerance), no other damage
    for (int k : { 2, 5, 11, 20 })
        bits[5 * F + k] ^= 1;
    rll17pp_decoder dec(fb, 2, 2, 3, 0, 45);
    auto frames = decode_all(dec, bits, 500);
    ASSERT_EQ(frames.size(), static_cast<size_t>(nf - 1));
    for (int f = 0; f < nf - 1; f++) {
        EXPECT_EQ(frames[f].number, static_cast<uint64_t>(f));
        EXPECT_FALSE(frames[f].filler);
        EXPECT_TRUE(std::equal(
            frames[f].bytes.begin(), frames[f].bytes.end(), data.begin() + f * fb));
        EXPECT_EQ(std::count(frames[f].erased.begin(), frames[f].erased.end(), 1), 0);
    }
    EXPECT_TRUE(frames[5].flywheeled);
    EXPECT_EQ(dec.missed_syncs(), 1u);
    EXPECT_EQ(dec.sync_losses(), 0u);
    EXPECT_EQ(dec.frames_missing(), 0u);
    EXPECT_TRUE(dec.locked());
}

TEST(rll17pp, relock_after_dropped_bits)
{
    const int fb = 128, nf = 20;
    auto data = random_bytes(fb * nf, 6);
    auto bits = encode_stream(data, fb);
    const size_t F = 1647;
    // delete 1000 bits inside frame 7 (its sync stays; frame 8's sync intact)
    const size_t cut = 7 * F + 300;
    bits.erase(bits.begin() + cut, bits.begin() + cut + 1000);
    std::vector<std::vector<rll17pp_frame>> runs;
    for (size_t chunk : { size_t(1), size_t(333), size_t(4096), bits.size() }) {
        rll17pp_decoder dec(fb, 2, 2, 3, 0, 45);
        runs.push_back(decode_all(dec, bits, chunk));
        const auto& frames = runs.back();
        ASSERT_EQ(frames.size(), static_cast<size_t>(nf - 1));
        for (int f = 0; f < nf - 1; f++) {
            ASSERT_EQ(frames[f].number, static_cast<uint64_t>(f));
            if (f == 7) {
                EXPECT_TRUE(frames[f].filler);
                EXPECT_EQ(std::count(frames[f].bytes.begin(), frames[f].bytes.end(), 0),
                          fb);
                EXPECT_EQ(std::count(frames[f].erased.begin(), frames[f].erased.end(), 1),
                          fb);
                continue;
            }
            EXPECT_FALSE(frames[f].filler) << f;
            EXPECT_TRUE(std::equal(
                frames[f].bytes.begin(), frames[f].bytes.end(), data.begin() + f * fb))
                << f;
            EXPECT_EQ(std::count(frames[f].erased.begin(), frames[f].erased.end(), 1), 0)
                << f;
        }
        EXPECT_EQ(frames[8].frames_missing_before, 1u);
        EXPECT_EQ(dec.frames_missing(), 1u);
        EXPECT_EQ(dec.sync_losses(), 1u);
        EXPECT_EQ(dec.missed_syncs(), 3u);
        EXPECT_EQ(dec.bytes_erased(), static_cast<uint64_t>(fb));
        EXPECT_TRUE(dec.locked());
    }
    for (size_t k = 1; k < runs.size(); k++)
        for (size_t f = 0; f < runs[0].size(); f++) {
            EXPECT_EQ(runs[k][f].bytes, runs[0][f].bytes);
            EXPECT_EQ(runs[k][f].erased, runs[0][f].erased);
        }
}

TEST(rll17pp, channel_errors_mark_erasures)
{
    const int fb = 64, nf = 30;
    auto data = random_bytes(fb * nf, 8);
    auto bits = encode_stream(data, fb);
    const size_t F = rll17pp_layout(fb, 45).frame_bits;
    std::mt19937 rng(9);
    // one flipped channel bit in the payload of every third frame
    for (int f = 0; f < nf; f += 3)
        bits[f * F + 24 + 100 + rng() % 600] ^= 1;
    rll17pp_decoder dec(fb, 2, 2, 3, 0, 45);
    auto frames = decode_all(dec, bits, 1 << 20);
    ASSERT_EQ(frames.size(), static_cast<size_t>(nf - 1));
    uint64_t wrong_unflagged = 0, flagged = 0;
    for (int f = 0; f < nf - 1; f++) {
        for (int b = 0; b < fb; b++) {
            const bool wrong = frames[f].bytes[b] != data[f * fb + b];
            flagged += frames[f].erased[b];
            if (wrong && !frames[f].erased[b])
                wrong_unflagged++;
        }
        if (f % 3) {
            EXPECT_EQ(std::count(frames[f].erased.begin(), frames[f].erased.end(), 1), 0);
        }
    }
    std::cout << "  single bit errors: " << flagged << " bytes erased, "
              << wrong_unflagged << " wrong bytes not erased\n";
    EXPECT_GT(dec.rll_violations(), 0u);
    EXPECT_GT(flagged, 0u);
    EXPECT_LT(flagged, 10u * 10);
}

TEST(rll17pp, numbers_backwards_dropped_and_long_jump_accepted)
{
    const int fb = 16;
    auto a = random_bytes(fb * 10, 12), b = random_bytes(fb * 6, 13);
    // frames 0..9, then frames 5..10 again (the same grid, numbers go back)
    auto bits = encode_stream(a, fb, 0);
    auto again = encode_stream(b, fb, 5);
    bits.insert(bits.end(), again.begin(), again.end());
    {
        rll17pp_decoder dec(fb, 2, 2, 3, 0, 45);
        auto frames = decode_all(dec, bits, 1000);
        // 0..9 in place; 5..9 of the second part dropped; its 10 waits
        ASSERT_EQ(frames.size(), 10u);
        for (int f = 0; f < 10; f++) {
            EXPECT_EQ(frames[f].number, static_cast<uint64_t>(f));
            EXPECT_TRUE(std::equal(
                frames[f].bytes.begin(), frames[f].bytes.end(), a.begin() + f * fb));
        }
        EXPECT_EQ(dec.frames_dropped(), 5u);
    }
    // frames 0..9, then frames 5000..5005 on the same grid: the jump is
    // implausible (> 0 + 64 frames) until three headers in a row agree
    bits = encode_stream(a, fb, 0);
    again = encode_stream(b, fb, 5000);
    bits.insert(bits.end(), again.begin(), again.end());
    {
        rll17pp_decoder dec(fb, 2, 2, 3, 0, 45);
        auto frames = decode_all(dec, bits, 1000);
        // 0..9, fillers 10..5001, 5002..5004 (5005 waits)
        ASSERT_EQ(frames.size(), 10u + 4992u + 3u);
        EXPECT_EQ(dec.frames_dropped(), 2u);
        EXPECT_EQ(dec.frames_missing(), 4992u);
        EXPECT_TRUE(frames[10].filler);
        EXPECT_EQ(frames[10].frames_missing_before, 4992u);
        EXPECT_EQ(frames[5002].number, 5002u);
        EXPECT_EQ(frames[5002].frames_missing_before, 4992u);
        EXPECT_TRUE(std::equal(
            frames[5002].bytes.begin(), frames[5002].bytes.end(), b.begin() + 2 * fb));
    }
}

TEST(rll17pp, rds_bound_for_repetitive_data)
{
    for (int pat : { 0x00, 0xFF, 0x55, 0xAA, 0x33, 0x0F, 0x92, 0x24 }) {
        rll17pp_encoder enc(128, 0, 45);
        std::vector<uint8_t> d(128, static_cast<uint8_t>(pat));
        std::vector<uint8_t> out(enc.frame_bits());
        int level = -1;
        long rds = 0, mx = 0;
        for (int k = 0; k < 200; k++) {
            enc.encode_frame(d.data(), out.data());
            for (auto c : out) {
                level = c ? -level : level;
                rds += level;
                mx = std::max(mx, std::labs(rds));
            }
        }
        EXPECT_EQ(mx, enc.max_abs_rds());
        EXPECT_LE(mx, 48) << "pattern " << pat;
    }
}

TEST(rll17pp, bit_slip_and_weak_syncs)
{
    const int fb = 32, nf = 14;
    auto data = random_bytes(fb * nf, 21);
    auto bits = encode_stream(data, fb);
    const size_t F = rll17pp_layout(fb, 45).frame_bits;
    // two bit errors in the sync of frame 3 (within tolerance 2: on grid)
    bits[3 * F + 4] ^= 1;
    bits[3 * F + 15] ^= 1;
    // one bit inserted in the payload of frame 8: frame 9's sync comes 1 late
    bits.insert(bits.begin() + 8 * F + 200, 1);
    rll17pp_decoder dec(fb, 2, 2, 3, 0, 45);
    auto frames = decode_all(dec, bits, 1024);
    ASSERT_EQ(frames.size(), static_cast<size_t>(nf - 1));
    for (int f = 0; f < nf - 1; f++) {
        EXPECT_EQ(frames[f].number, static_cast<uint64_t>(f));
        if (f == 8) {
            EXPECT_TRUE(frames[f].filler); // its bits after the slip are shifted
            continue;
        }
        EXPECT_TRUE(std::equal(
            frames[f].bytes.begin(), frames[f].bytes.end(), data.begin() + f * fb))
            << f;
    }
    EXPECT_EQ(frames[9].frames_missing_before, 1u);
    EXPECT_EQ(dec.missed_syncs(), 0u);
    EXPECT_EQ(dec.sync_losses(), 1u); // the slip
    EXPECT_EQ(dec.frames_missing(), 1u);
}

TEST(rll17pp, numbers_past_2_to_the_24)
{
    const int fb = 8;
    const uint64_t first = (uint64_t(1) << 24) - 3;
    auto data = random_bytes(fb * 8, 22);
    rll17pp_encoder enc(fb, first, 45);
    auto bits = encode_stream(data, fb, first, 45, &enc);
    EXPECT_EQ(enc.next_frame_number(), first + 8);
    rll17pp_decoder dec(fb, 2, 2, 3, first, 45);
    auto frames = decode_all(dec, bits, 100);
    ASSERT_EQ(frames.size(), 7u);
    for (int f = 0; f < 7; f++) {
        EXPECT_EQ(frames[f].number, first + f); // beyond 2^24: counts on
        EXPECT_TRUE(frames[f].header_ok);
        EXPECT_TRUE(std::equal(
            frames[f].bytes.begin(), frames[f].bytes.end(), data.begin() + f * fb));
    }
    EXPECT_EQ(dec.frames_dropped(), 0u);
}

TEST(rll17pp, noise_then_frames)
{
    // random bits (no sync in them, almost surely) then frames: nothing is
    // output for the noise, the frames come out numbered from first_frame
    const int fb = 16, nf = 6;
    std::mt19937 rng(23);
    std::vector<uint8_t> bits(50000);
    for (auto& b : bits)
        b = rng() & 1u;
    auto data = random_bytes(fb * nf, 24);
    auto fr = encode_stream(data, fb, 2);
    bits.insert(bits.end(), fr.begin(), fr.end());
    rll17pp_decoder dec(fb, 2, 2, 3, 0, 45);
    auto frames = decode_all(dec, bits, 3000);
    ASSERT_EQ(frames.size(), 2u + nf - 1);
    EXPECT_TRUE(frames[0].filler);
    EXPECT_TRUE(frames[1].filler);
    for (int f = 0; f < nf - 1; f++)
        EXPECT_TRUE(std::equal(frames[2 + f].bytes.begin(),
                               frames[2 + f].bytes.end(),
                               data.begin() + f * fb));
    EXPECT_TRUE(dec.locked());
}

TEST(rll17pp, random_damage_keeps_output_aligned)
{
    // bit flips, single-bit insertions and deletions and a burst of noise:
    // the output stays one frame per number, in order, every frame
    // frame_bytes long; without flips every received frame is exact
    const int fb = 64, nf = 300;
    for (unsigned seed = 0; seed < 4; seed++) {
        std::mt19937 rng(100 + seed);
        auto data = random_bytes(fb * nf, 200 + seed);
        auto bits = encode_stream(data, fb);
        const double ber = seed % 2 ? 1e-3 : 0.0;
        std::uniform_real_distribution<double> u(0, 1);
        std::vector<uint8_t> dmg;
        for (size_t i = 0; i < bits.size(); i++) {
            const double v = u(rng);
            if (v < 1e-5)
                continue; // deleted
            if (v < 2e-5)
                dmg.push_back(rng() & 1u); // inserted
            dmg.push_back(static_cast<uint8_t>(bits[i] ^ (u(rng) < ber)));
            if (i == bits.size() / 2)
                for (int k = 0; k < 5000; k++)
                    dmg.push_back(rng() & 1u);
        }
        rll17pp_decoder dec(fb, 2, 2, 3, 0, 45);
        auto frames = decode_all(dec, dmg, 1 + rng() % 5000);
        ASSERT_EQ(frames.size(), static_cast<size_t>(nf - 1)) << seed;
        uint64_t exact = 0, fillers = 0;
        for (size_t f = 0; f < frames.size(); f++) {
            ASSERT_EQ(frames[f].number, f);
            ASSERT_EQ(frames[f].bytes.size(), static_cast<size_t>(fb));
            ASSERT_EQ(frames[f].erased.size(), static_cast<size_t>(fb));
            fillers += frames[f].filler;
            exact += !frames[f].filler && std::equal(frames[f].bytes.begin(),
                                                     frames[f].bytes.end(),
                                                     data.begin() + f * fb);
        }
        EXPECT_EQ(fillers, dec.frames_missing());
        EXPECT_GE(fillers, 1u); // the noise burst costs at least one frame
        EXPECT_LE(fillers, 20u) << seed;
        if (ber == 0.0) {
            EXPECT_EQ(exact + fillers, frames.size()) << seed;
        }
    }
}
