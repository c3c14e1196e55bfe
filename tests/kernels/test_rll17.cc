/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "rll17.h"
#include <gtest/gtest.h>
#include <algorithm>
#include <iostream>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

using ecdisc::rll17_decoder;
using ecdisc::rll17_encoder;
using ecdisc::rll17_frame;

namespace {

std::vector<uint8_t> bits_of(const std::string& s)
{
    std::vector<uint8_t> v;
    for (char c : s)
        if (c == '0' || c == '1')
            v.push_back(static_cast<uint8_t>(c - '0'));
    return v;
}

std::string str_of(const std::vector<uint8_t>& v)
{
    std::string s;
    for (auto b : v)
        s.push_back(static_cast<char>('0' + b));
    return s;
}

std::vector<uint8_t> payload(const std::vector<uint8_t>& bytes)
{
    std::vector<uint8_t> bits(12 * bytes.size());
    ecdisc::rll17_encode_payload(bytes.data(), bytes.size(), bits.data());
    return bits;
}

std::vector<uint8_t> random_bytes(size_t n, unsigned seed)
{
    std::mt19937 rng(seed);
    std::vector<uint8_t> v(n);
    for (auto& x : v)
        x = static_cast<uint8_t>(rng());
    return v;
}

//! channel bits of consecutive frames of the given bytes
std::vector<uint8_t> encode_stream(const std::vector<uint8_t>& bytes, int frame_bytes)
{
    rll17_encoder enc(frame_bytes);
    std::vector<uint8_t> out;
    for (size_t i = 0; i + frame_bytes <= bytes.size(); i += frame_bytes) {
        std::vector<uint8_t> fr(bytes.begin() + i, bytes.begin() + i + frame_bytes);
        auto b = enc.encode_frame(fr);
        out.insert(out.end(), b.begin(), b.end());
    }
    return out;
}

std::vector<rll17_frame> decode_all(rll17_decoder& dec, const std::vector<uint8_t>& bits)
{
    dec.push(bits.data(), bits.size());
    std::vector<rll17_frame> out;
    while (dec.frames_ready()) {
        out.push_back(dec.front());
        dec.pop();
    }
    return out;
}

std::vector<uint8_t> frame_slice(const std::vector<uint8_t>& bytes, int fb, size_t k)
{
    return std::vector<uint8_t>(bytes.begin() + k * fb, bytes.begin() + (k + 1) * fb);
}

} // namespace

TEST(Rll17, SyncPattern)
{
    EXPECT_EQ(str_of(std::vector<uint8_t>(ecdisc::rll17_sync.begin(),
                                          ecdisc::rll17_sync.end())),
              "010000000010000000010010");
    EXPECT_EQ(ecdisc::rll17_sync_distance(ecdisc::rll17_sync.data()), 0);
    EXPECT_EQ(ecdisc::rll17_frame_bits(64), 24 + 768);
}

TEST(Rll17, BasicWords)
{
    // pairs that never meet the substitution condition
    EXPECT_EQ(str_of(payload({ 0xFF })), "010010010010"); // 11 11 11 11
    EXPECT_EQ(str_of(payload({ 0x55 })), "100100100100"); // 01 01 01 01
    EXPECT_EQ(str_of(payload({ 0xAA })), "001001001001"); // 10 10 10 10
    EXPECT_EQ(str_of(payload({ 0x3F })), "101010010010"); // 00 11 11 11
    EXPECT_EQ(str_of(payload({ 0xBF })), "001010010010"); // 10 11 11 11
    // the last pair of a block has no look-ahead: always basic
    EXPECT_EQ(str_of(payload({ 0xFC })), "010010010101"); // 11 11 11 00
    EXPECT_EQ(str_of(payload({ 0xFE })), "010010010001"); // 11 11 11 10
}

TEST(Rll17, SubstitutionWords)
{
    EXPECT_EQ(str_of(payload({ 0x00 })), "101000101000"); // 0000 0000
    EXPECT_EQ(str_of(payload({ 0x11 })), "100000100000"); // 0001 0001
    EXPECT_EQ(str_of(payload({ 0x88 })), "001000001000"); // 1000 1000
    EXPECT_EQ(str_of(payload({ 0x99 })), "010000010000"); // 1001 1001
    // greedy: 00 00 00 11 -> (0000) 00 11 -> 101000 101 010
    EXPECT_EQ(str_of(payload({ 0x03 })), "101000101010");
    // the last pair may be the second half of a substitution
    EXPECT_EQ(str_of(payload({ 0xF0 })), "010010101000"); // 11 11 0000
}

TEST(Rll17, HandWorkedTwoBytes)
{
    // 0x2D 0x80 = pairs 00 10 11 01 10 00 00 00
    //   00 (next 10: no sub) -> 101
    //   10 (next 11: no sub) -> 001
    //   11 -> 010, 01 -> 100
    //   10 00 -> 001000, 00 00 -> 101000
    const std::vector<uint8_t> bytes{ 0x2D, 0x80 };
    const auto bits = payload(bytes);
    EXPECT_EQ(str_of(bits), "101001010100001000101000");
    // decoding: 101->00 001->10 010(next 100)->11 100(next 001)->01
    //           001->10 000(after 001)->00 101->00 000(after 101)->00
    std::vector<uint8_t> back(2);
    EXPECT_EQ(ecdisc::rll17_decode_payload(bits.data(), 2, back.data()), 0u);
    EXPECT_EQ(back, bytes);

    // As a frame: sync first, then the payload.
    rll17_encoder enc(2);
    EXPECT_EQ(str_of(enc.encode_frame(bytes)), "010000000010000000010010" + str_of(bits));
}

TEST(Rll17, SubstitutionDecodesByLookAheadAndLookBehind)
{
    const std::vector<uint8_t> bytes{ 0x00, 0x11, 0x88, 0x99, 0x45, 0x19 };
    const auto bits = payload(bytes);
    std::vector<uint8_t> back(bytes.size());
    EXPECT_EQ(ecdisc::rll17_decode_payload(bits.data(), bytes.size(), back.data()), 0u);
    EXPECT_EQ(back, bytes);
}

TEST(Rll17, RandomRoundTripMillionBits)
{
    // 2^20 user bits in blocks of random size, bit-exact
    const auto bytes = random_bytes(1 << 17, 11);
    std::mt19937 rng(5);
    size_t pos = 0;
    while (pos < bytes.size()) {
        const size_t n = std::min<size_t>(1 + rng() % 300, bytes.size() - pos);
        std::vector<uint8_t> chunk(bytes.begin() + pos, bytes.begin() + pos + n);
        const auto bits = payload(chunk);
        std::vector<uint8_t> back(n);
        ASSERT_EQ(ecdisc::rll17_decode_payload(bits.data(), n, back.data()), 0u);
        ASSERT_EQ(back, chunk) << "at byte " << pos;
        pos += n;
    }
}

TEST(Rll17, RunLengthsWithinDkAcrossFrames)
{
    // > 10^6 channel bits of framed random data
    const int fb = 64;
    const auto bytes = random_bytes(96 * 1024, 3);
    const auto bits = encode_stream(bytes, fb);
    ASSERT_GT(bits.size(), 1000000u);
    const size_t fbits = ecdisc::rll17_frame_bits(fb);
    size_t last_one = 1; // the stream opens with the sync's "01"
    ASSERT_EQ(bits[1], 1);
    size_t nine_t = 0;
    for (size_t i = 2; i < bits.size(); i++) {
        if (!bits[i])
            continue;
        const size_t run = i - last_one; // run length in T
        if (run == 9) {
            // only the sync's two 9T runs: ones at sync offsets 1->10 and 10->19
            const size_t off = i % fbits;
            ASSERT_TRUE(off == 10 || off == 19) << "9T run ending at " << i;
            nine_t++;
        } else {
            ASSERT_GE(run, 2u) << "d violated at " << i;
            ASSERT_LE(run, 8u) << "k violated at " << i;
        }
        last_one = i;
    }
    EXPECT_EQ(nine_t, 2 * (bits.size() / fbits));
}

TEST(Rll17, FrameBoundariesExhaustive)
{
    // frame_bytes = 1: every payload start and end; all 256 x 256 successions
    rll17_encoder enc(1);
    std::vector<std::vector<uint8_t>> fr(256);
    for (int b = 0; b < 256; b++)
        fr[b] = enc.encode_frame({ static_cast<uint8_t>(b) });
    int max_junction_zeros = 0;
    for (int a = 0; a < 256; a++) {
        for (int b = 0; b < 256; b++) {
            std::vector<uint8_t> s = fr[a];
            s.insert(s.end(), fr[b].begin(), fr[b].end());
            s.insert(s.end(), fr[0].begin(), fr[0].begin() + 2); // next sync "01"
            int prev = -1;
            for (int i = 0; i < static_cast<int>(s.size()); i++) {
                if (!s[i])
                    continue;
                if (prev >= 0) {
                    const int run = i - prev;
                    const int off = i % 36;
                    if (off == 10 || off == 19) {
                        ASSERT_EQ(run, 9);
                    } else {
                        ASSERT_GE(run, 2) << a << " " << b << " at " << i;
                        ASSERT_LE(run, 8) << a << " " << b << " at " << i;
                        // junction runs: the one ends the sync's first bit pair
                        // (payload->sync) or lies in the payload just after the
                        // sync (sync->payload)
                        if (off == 1 || (off >= 24 && prev % 36 <= 22))
                            max_junction_zeros = std::max(max_junction_zeros, run - 1);
                    }
                }
                prev = i;
            }
        }
    }
    // payload ends with <= 5 zeros, + the sync's leading 0
    EXPECT_EQ(max_junction_zeros, 6);
}

TEST(Rll17, SyncNotInCodedData)
{
    // Sliding windows over framed random data, every offset except the sync
    // places. Coded data cannot come within distance 1 of the sync (each 8-zero
    // run of the sync needs a 1 in the data, k=7); distance 2 is possible,
    // which is why the decoder confirms distance-2+ candidates in full search.
    const int fb = 4;
    const size_t nframes = 100000; // 7.2 Mbit, every junction 10^5 times
    const auto bytes = random_bytes(fb * nframes, 9);
    const auto bits = encode_stream(bytes, fb);
    const size_t fbits = ecdisc::rll17_frame_bits(fb);
    size_t hist[4] = { 0, 0, 0, 0 };
    for (size_t p = 0; p + 24 <= bits.size(); p++) {
        if (p % fbits == 0)
            continue;
        const int d = ecdisc::rll17_sync_distance(bits.data() + p);
        if (d < 4)
            hist[d]++;
    }
    EXPECT_EQ(hist[0], 0u);
    EXPECT_EQ(hist[1], 0u);
    const double n = static_cast<double>(bits.size());
    RecordProperty("windows_at_distance_2", static_cast<int>(hist[2]));
    RecordProperty("windows_at_distance_3", static_cast<int>(hist[3]));
    std::cout << "[ info ] windows within distance 2: " << hist[2] << " (" << hist[2] / n
              << " per bit), distance 3: " << hist[3] << " (" << hist[3] / n
              << " per bit) of " << bits.size() << "\n";
}

TEST(Rll17, AcquisitionMidStreamFindsOnlyTrueSyncs)
{
    // Start reading at arbitrary bit offsets: coded data comes within distance
    // 2..3 of the sync about once per 1000 bits, and full search must not lock
    // on it (candidates beyond distance 1 need a second sync one frame later).
    const int fb = 64;
    const size_t fbits = ecdisc::rll17_frame_bits(fb);
    const auto bytes = random_bytes(fb * 40, 61);
    const auto bits = encode_stream(bytes, fb);
    std::mt19937 rng(62);
    for (int tol = 0; tol <= 3; tol++) {
        for (int trial = 0; trial < 200; trial++) {
            size_t start = 1 + rng() % (10 * fbits);
            if (start % fbits == 0)
                start++;
            rll17_decoder dec(fb, tol);
            dec.push(bits.data() + start, bits.size() - start);
            ASSERT_GT(dec.frames_ready(), 25u);
            const auto& f = dec.front();
            const size_t abs = f.sync_position + start;
            ASSERT_EQ(abs % fbits, 0u) << "false sync, tol " << tol << " start " << start;
            EXPECT_TRUE(f.sync_lost);
            EXPECT_EQ(f.bits_skipped, f.sync_position);
            EXPECT_EQ(f.bytes, frame_slice(bytes, fb, abs / fbits));
            EXPECT_EQ(dec.frames(), 40 - (abs / fbits));
            EXPECT_EQ(dec.sync_losses(), 1u);
        }
    }
}

TEST(Rll17, DecoderCleanStream)
{
    const int fb = 16;
    const auto bytes = random_bytes(fb * 100, 21);
    const auto bits = encode_stream(bytes, fb);
    rll17_decoder dec(fb, 2);
    EXPECT_FALSE(dec.locked());
    const auto frames = decode_all(dec, bits);
    ASSERT_EQ(frames.size(), 100u);
    for (size_t k = 0; k < frames.size(); k++) {
        EXPECT_EQ(frames[k].number, k);
        EXPECT_EQ(frames[k].sync_position, k * ecdisc::rll17_frame_bits(fb));
        EXPECT_FALSE(frames[k].sync_lost);
        EXPECT_EQ(frames[k].violations, 0u);
        EXPECT_EQ(frames[k].bytes, frame_slice(bytes, fb, k));
    }
    EXPECT_TRUE(dec.locked());
    EXPECT_EQ(dec.frames(), 100u);
    EXPECT_EQ(dec.sync_losses(), 0u);
    EXPECT_EQ(dec.rll_violations(), 0u);
    EXPECT_EQ(dec.frames_flagged(), 0u);
}

TEST(Rll17, DecoderLeadingBitsGiveSyncLost)
{
    const int fb = 8;
    const auto bytes = random_bytes(fb * 5, 22);
    auto bits = encode_stream(bytes, fb);
    bits.insert(bits.begin(), 37, 0); // 37 junk zeros before the first sync
    rll17_decoder dec(fb, 2);
    const auto frames = decode_all(dec, bits);
    ASSERT_EQ(frames.size(), 5u);
    EXPECT_TRUE(frames[0].sync_lost);
    EXPECT_EQ(frames[0].bits_skipped, 37u);
    EXPECT_EQ(frames[0].sync_position, 37u);
    for (size_t k = 1; k < 5; k++)
        EXPECT_FALSE(frames[k].sync_lost);
    for (size_t k = 0; k < 5; k++)
        EXPECT_EQ(frames[k].bytes, frame_slice(bytes, fb, k));
    EXPECT_EQ(dec.sync_losses(), 1u);
}

TEST(Rll17, DecoderSyncWithBitErrorsWithinTolerance)
{
    const int fb = 8;
    const size_t fbits = ecdisc::rll17_frame_bits(fb);
    const auto bytes = random_bytes(fb * 4, 23);
    auto bits = encode_stream(bytes, fb);
    bits[fbits + 3] ^= 1; // two errors in sync 1
    bits[fbits + 15] ^= 1;
    rll17_decoder dec(fb, 2);
    const auto frames = decode_all(dec, bits);
    ASSERT_EQ(frames.size(), 4u);
    EXPECT_EQ(frames[1].sync_distance, 2);
    EXPECT_FALSE(frames[1].sync_lost);
    EXPECT_EQ(frames[1].bytes, frame_slice(bytes, fb, 1));

    // tolerance 1: sync 1 rejected, frame 1 dropped, frame 2 found by search
    rll17_decoder strict(fb, 1);
    const auto f2 = decode_all(strict, bits);
    ASSERT_EQ(f2.size(), 3u);
    EXPECT_EQ(f2[1].bytes, frame_slice(bytes, fb, 2));
    EXPECT_TRUE(f2[1].sync_lost);
    EXPECT_EQ(f2[1].bits_skipped, fbits);
}

namespace {

void check_slip(int kind)
{
    const int fb = 16;
    const size_t fbits = ecdisc::rll17_frame_bits(fb);
    const size_t nf = 50;
    const auto bytes = random_bytes(fb * nf, 31 + kind);
    auto bits = encode_stream(bytes, fb);
    const size_t where = 10 * fbits + 24 + 50; // inside the payload of frame 10
    if (kind == 0)
        bits.erase(bits.begin() + where);
    else
        bits.insert(bits.begin() + where, 1);
    rll17_decoder dec(fb, 2);
    const auto frames = decode_all(dec, bits);
    ASSERT_EQ(frames.size(), nf);
    for (size_t k = 0; k < nf; k++) {
        if (k == 10) {
            // The slipped payload decodes to wrong bytes. The d/k rules cannot
            // be relied on to flag it: every misaligned parse of a d=1
            // sequence is made of legal words (only 000 after 000 shows), so
            // the slip surfaces as the "sync_lost" of the next frame.
            EXPECT_NE(frames[k].bytes, frame_slice(bytes, fb, k));
            continue;
        }
        EXPECT_EQ(frames[k].bytes, frame_slice(bytes, fb, k)) << "frame " << k;
        EXPECT_EQ(frames[k].violations, 0u) << "frame " << k;
        EXPECT_EQ(frames[k].sync_lost, k == 11) << "frame " << k;
    }
    EXPECT_EQ(frames[11].bits_skipped, 1u);
    EXPECT_EQ(frames[11].sync_position, kind == 0 ? 11 * fbits - 1 : 11 * fbits + 1);
    EXPECT_EQ(dec.sync_losses(), 1u);
    EXPECT_EQ(dec.frames_flagged(), frames[10].violations ? 1u : 0u);
    EXPECT_EQ(dec.rll_violations(), frames[10].violations);
    EXPECT_TRUE(dec.locked());
}

} // namespace

TEST(Rll17, DecoderResyncsAfterDeletedBit) { check_slip(0); }
TEST(Rll17, DecoderResyncsAfterInsertedBit) { check_slip(1); }

TEST(Rll17, DecoderRecoversSyncAfterDroppedChunk)
{
    // 100 bits lost inside payload 5: sync 6 arrives 100 bits early, beyond
    // the +-8 window; the full search restarts at payload 5 and finds it.
    const int fb = 16;
    const size_t fbits = ecdisc::rll17_frame_bits(fb);
    const auto bytes = random_bytes(fb * 12, 45);
    auto bits = encode_stream(bytes, fb);
    bits.erase(bits.begin() + 5 * fbits + 40, bits.begin() + 5 * fbits + 140);
    rll17_decoder dec(fb, 2);
    const auto frames = decode_all(dec, bits);
    ASSERT_EQ(frames.size(), 12u);
    EXPECT_NE(frames[5].bytes, frame_slice(bytes, fb, 5));
    for (size_t k = 0; k < 12; k++) {
        if (k != 5) {
            EXPECT_EQ(frames[k].bytes, frame_slice(bytes, fb, k)) << "frame " << k;
        }
        EXPECT_EQ(frames[k].sync_lost, k == 6);
    }
    EXPECT_EQ(frames[6].sync_position, 6 * fbits - 100);
    EXPECT_EQ(frames[6].bits_skipped, 100u);
    EXPECT_EQ(dec.sync_losses(), 1u);
}

TEST(Rll17, DecoderBurstInPayloadIsFlagged)
{
    const int fb = 16;
    const size_t fbits = ecdisc::rll17_frame_bits(fb);
    const auto bytes = random_bytes(fb * 30, 41);
    auto bits = encode_stream(bytes, fb);
    for (size_t i = 0; i < 20; i++)
        bits[5 * fbits + 60 + i] ^= 1;
    rll17_decoder dec(fb, 2);
    const auto frames = decode_all(dec, bits);
    ASSERT_EQ(frames.size(), 30u);
    EXPECT_GT(frames[5].violations, 0u);
    EXPECT_NE(frames[5].bytes, frame_slice(bytes, fb, 5));
    for (size_t k = 0; k < 30; k++) {
        EXPECT_FALSE(frames[k].sync_lost);
        if (k != 5) {
            EXPECT_EQ(frames[k].bytes, frame_slice(bytes, fb, k));
        }
    }
    EXPECT_EQ(dec.frames_flagged(), 1u);
    EXPECT_EQ(dec.rll_violations(), frames[5].violations);
}

TEST(Rll17, DecoderBurstOnSyncDropsFrameAndResyncs)
{
    const int fb = 16;
    const size_t fbits = ecdisc::rll17_frame_bits(fb);
    const auto bytes = random_bytes(fb * 30, 43);
    auto bits = encode_stream(bytes, fb);
    for (size_t i = 0; i < 32; i++) // sync of frame 20 and the payload start
        bits[20 * fbits - 4 + i] ^= 1;
    rll17_decoder dec(fb, 2);
    const auto frames = decode_all(dec, bits);
    ASSERT_EQ(frames.size(), 29u); // frame 20 has no sync: not emitted
    for (size_t k = 0; k < 29; k++) {
        const size_t src = k < 20 ? k : k + 1;
        if (k != 19) { // its last 4 bits are flipped
            EXPECT_EQ(frames[k].bytes, frame_slice(bytes, fb, src)) << "frame " << k;
        }
        EXPECT_EQ(frames[k].number, k);
        EXPECT_EQ(frames[k].sync_lost, k == 20);
    }
    EXPECT_EQ(frames[20].sync_position, 21 * fbits);
    EXPECT_EQ(frames[20].bits_skipped, fbits); // from the expected place of sync 20
    EXPECT_GT(frames[19].violations, 0u);      // payload 19's last 4 bits flipped
    EXPECT_EQ(dec.sync_losses(), 1u);
}

TEST(Rll17, DecoderChunkingInvariant)
{
    const int fb = 12;
    const auto bytes = random_bytes(fb * 300, 51);
    auto bits = encode_stream(bytes, fb);
    // some damage so every path runs: slips, bursts, junk
    std::mt19937 rng(52);
    for (int e = 0; e < 15; e++) {
        const size_t at = rng() % (bits.size() - 100);
        switch (e % 3) {
        case 0:
            bits.erase(bits.begin() + at);
            break;
        case 1:
            bits.insert(bits.begin() + at, rng() & 1u);
            break;
        default:
            for (int i = 0; i < 25; i++)
                bits[at + i] ^= 1;
        }
    }
    rll17_decoder ref(fb, 2);
    const auto whole = decode_all(ref, bits);
    ASSERT_GT(whole.size(), 250u);
    for (unsigned seed = 0; seed < 4; seed++) {
        rll17_decoder dec(fb, 2);
        std::mt19937 r(seed);
        std::vector<rll17_frame> got;
        size_t pos = 0;
        while (pos < bits.size()) {
            const size_t n =
                std::min<size_t>(seed == 0 ? 1 : 1 + r() % 700, bits.size() - pos);
            dec.push(bits.data() + pos, n);
            pos += n;
            while (dec.frames_ready()) {
                got.push_back(dec.front());
                dec.pop();
            }
        }
        ASSERT_EQ(got.size(), whole.size());
        for (size_t k = 0; k < got.size(); k++) {
            EXPECT_EQ(got[k].bytes, whole[k].bytes);
            EXPECT_EQ(got[k].sync_position, whole[k].sync_position);
            EXPECT_EQ(got[k].sync_lost, whole[k].sync_lost);
            EXPECT_EQ(got[k].bits_skipped, whole[k].bits_skipped);
            EXPECT_EQ(got[k].violations, whole[k].violations);
        }
        EXPECT_EQ(dec.sync_losses(), ref.sync_losses());
        EXPECT_EQ(dec.rll_violations(), ref.rll_violations());
    }
}

TEST(Rll17, ViolationsOnHandMadeWords)
{
    // 111 (bad word), 000 after 000 (bad predecessor + zero run 9 = 2)
    // then 100 001: valid. One byte = 4 words.
    std::vector<uint8_t> bits = bits_of("111 000 000 100");
    std::vector<uint8_t> out(1);
    // 111: bad (1); 000 after 111: bad predecessor (1); 000 after 000: bad (1),
    // zero run 6 then +3 -> 8 zeros... the run is 000 000 + "1" of 100 -> 6
    EXPECT_EQ(ecdisc::rll17_decode_payload(bits.data(), 1, out.data()), 3u);
    // 111->00, 000(bad)->00, 000(bad)->00, 100(last)->01
    EXPECT_EQ(out[0], 0x01);

    // adjacent ones across words: 101 101 -> 1 violation
    bits = bits_of("101 101 010 010");
    EXPECT_EQ(ecdisc::rll17_decode_payload(bits.data(), 1, out.data()), 1u);
    EXPECT_EQ(out[0], 0x0F); // 00 00 11 11

    // zero run of 9: 100 000 000 001 -> 000 after 000 (1) + run (1)
    bits = bits_of("100 000 000 001");
    EXPECT_EQ(ecdisc::rll17_decode_payload(bits.data(), 1, out.data()), 2u);

    // first word 000 has no predecessor
    bits = bits_of("000 101 010 010");
    EXPECT_EQ(ecdisc::rll17_decode_payload(bits.data(), 1, out.data()), 1u);
}

TEST(Rll17, RejectsBadParameters)
{
    try {
        rll17_encoder e(0);
        FAIL() << "no exception";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("frame_bytes = 0"), std::string::npos);
    }
    EXPECT_THROW(rll17_encoder(4097), std::invalid_argument);
    EXPECT_NO_THROW(rll17_encoder(4096));
    try {
        rll17_decoder d(64, 4);
        FAIL() << "no exception";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("sync_tolerance = 4"), std::string::npos);
    }
    EXPECT_THROW(rll17_decoder(64, -1), std::invalid_argument);
    EXPECT_THROW(rll17_decoder(-3, 2), std::invalid_argument);
    rll17_encoder enc(4);
    EXPECT_THROW(enc.encode_frame(std::vector<uint8_t>(3)), std::invalid_argument);
}
