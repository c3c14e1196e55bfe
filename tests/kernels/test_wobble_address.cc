/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Wobble address (ADIP-like) kernels: word format and ECC, modulator,
 * PLL-based decoder. Expected polarities are rebuilt in the test from the
 * documented layout (marked wobbles {0,1,6,7} sync, {0,2,3} bit 1, {0,4,5}
 * bit 0, bits MSB first of the RS(10,4) codeword of layer<<28|track<<8|seg).
 */
#include "reed_solomon.h"
#include "test_util.h"
#include "wobble_address.h"
#include <gtest/gtest.h>
#include <algorithm>
#include <cmath>
#include <iostream>
#include <random>
#include <set>
#include <vector>

using ecdisc::wobble_address;
using ecdisc::wobble_address_decoder;
using ecdisc::wobble_address_modulator;
using ecdisc::wobble_format;
using ecdisc::wobble_word;
using ecdisc_test::invalid_argument_message;

namespace {

constexpr double kPi = 3.14159265358979323846;

std::vector<int> expected_polarity(const wobble_address& a, int U)
{
    const uint32_t v = (uint32_t(a.layer) << 28) | (uint32_t(a.track) << 8) | uint32_t(a.segment);
    ecdisc::reed_solomon rs(10, 4);
    std::vector<uint8_t> cw = rs.encode(std::vector<uint8_t>{
        uint8_t(v >> 24), uint8_t(v >> 16), uint8_t(v >> 8), uint8_t(v) });
    std::vector<int> pol(size_t(81 * U), 1);
    for (int p : { 0, 1, 6, 7 })
        pol[size_t(p)] = -1;
    for (int b = 0; b < 80; b++) {
        const int bit = (cw[size_t(b / 8)] >> (7 - b % 8)) & 1;
        const int base = (b + 1) * U;
        for (int p : bit ? std::vector<int>{ 0, 2, 3 } : std::vector<int>{ 0, 4, 5 })
            pol[size_t(base + p)] = -1;
    }
    return pol;
}

struct run_result {
    std::vector<wobble_word> words;
    uint64_t failed = 0;
    int n_words = 0;
    double word_samples = 0;
};

// n_words words from `start`, sampled at sps samples per channel bit with
// the wobble running `rate` times its nominal speed, amplitude 1, AWGN sigma.
run_result run(const wobble_format& fmt,
               const wobble_address& start,
               int n_words,
               double sps,
               double rate,
               double sigma,
               unsigned seed,
               double loop_bw = 0.01,
               double amplitude = 1.0,
               double dc = 0.3)
{
    wobble_address_modulator mod(fmt, start);
    wobble_address_decoder dec(fmt, sps, loop_bw);
    std::mt19937 rng(seed);
    std::normal_distribution<double> g(0.0, sigma);
    const double step = rate / sps;
    const auto total = size_t(double(fmt.word_length_bits()) * n_words / step);
    std::vector<float> buf(4096);
    run_result r;
    r.n_words = n_words;
    r.word_samples = double(fmt.word_length_bits()) / step;
    for (size_t i0 = 0; i0 < total; i0 += buf.size()) {
        const size_t m = std::min(buf.size(), total - i0);
        mod.generate(double(i0) * step, step, buf.data(), m, amplitude);
        for (size_t i = 0; i < m; i++)
            buf[i] += float(g(rng) + dc); // with a DC offset
        dec.process(buf.data(), m, r.words);
    }
    r.failed = dec.words_failed();
    EXPECT_EQ(dec.words(), r.words.size());
    return r;
}

// every decoded word carries the address of the word that starts nearest
// its reported start sample (within a quarter wobble); returns the indices
std::vector<int64_t> check_words(const run_result& r,
                                 const wobble_format& fmt,
                                 const wobble_address& start,
                                 double sps_eff)
{
    std::vector<int64_t> idx;
    for (const auto& w : r.words) {
        const double j = double(w.start_sample) / r.word_samples;
        const auto jr = int64_t(std::llround(j));
        EXPECT_NEAR(double(w.start_sample), double(jr) * r.word_samples,
                    0.25 * fmt.wobble_period_bits() * sps_eff);
        const wobble_address want = fmt.advance(start, jr);
        EXPECT_EQ(w.address, want) << "word " << jr << " decoded as layer "
                                   << w.address.layer << " track " << w.address.track
                                   << " segment " << w.address.segment;
        EXPECT_GT(w.end_sample, w.start_sample);
        idx.push_back(jr);
    }
    return idx;
}

} // namespace

TEST(WobbleFormat, Layout)
{
    wobble_format fmt; // 69, 8, 256, 16
    EXPECT_EQ(fmt.word_wobbles(), 648);
    EXPECT_EQ(fmt.word_length_bits(), 648 * 69);
    const wobble_address a{ 3, 123456, 77 };
    std::vector<int8_t> pol(648);
    fmt.word_polarity(a, pol.data());
    const std::vector<int> want = expected_polarity(a, 8);
    for (size_t i = 0; i < pol.size(); i++)
        ASSERT_EQ(int(pol[i]), want[i]) << "wobble " << i;

    wobble_format f16(69, 16, 100, 4);
    std::vector<int8_t> p16(size_t(f16.word_wobbles()));
    f16.word_polarity(a.layer < 4 ? a : a, p16.data());
    const std::vector<int> w16 = expected_polarity(wobble_address{ 3, 123456, 77 }, 16);
    for (size_t i = 0; i < p16.size(); i++)
        ASSERT_EQ(int(p16[i]), w16[i]) << "wobble " << i;
    // "mostly monotone": 13/16 of a data unit is plain carrier
    int marked = 0;
    for (auto p : p16)
        marked += p < 0;
    EXPECT_EQ(marked, 4 + 80 * 3);
}

TEST(WobbleFormat, Advance)
{
    wobble_format fmt(69, 8, 100, 16);
    EXPECT_EQ(fmt.advance({ 1, 5, 98 }, 3), (wobble_address{ 1, 6, 1 }));
    EXPECT_EQ(fmt.advance({ 2, 1048575, 99 }, 1), (wobble_address{ 2, 0, 0 }));
    EXPECT_EQ(fmt.advance({ 0, 7, 0 }, 250), (wobble_address{ 0, 9, 50 }));
}

TEST(WobbleFormat, BadParameters)
{
    EXPECT_EQ(invalid_argument_message([] { wobble_format(7); }),
              "wobble_period_bits = 7.000000: must be 8..1000");
    EXPECT_NE(invalid_argument_message([] { wobble_format(69, 7); }).find("wobbles_per_unit"),
              std::string::npos);
    EXPECT_NE(invalid_argument_message([] { wobble_format(69, 8, 0); })
                  .find("segments_per_track"),
              std::string::npos);
    EXPECT_NE(invalid_argument_message([] { wobble_format(69, 8, 256, 17); }).find("max_layers"),
              std::string::npos);
    wobble_format fmt(69, 8, 100, 4);
    EXPECT_NE(invalid_argument_message([&] { fmt.codeword({ 4, 0, 0 }); }).find("layer = 4"),
              std::string::npos);
    EXPECT_NE(invalid_argument_message([&] { fmt.codeword({ 0, 1 << 20, 0 }); }).find("track"),
              std::string::npos);
    EXPECT_NE(invalid_argument_message([&] { fmt.codeword({ 0, 0, 100 }); }).find("segment"),
              std::string::npos);
    EXPECT_NE(invalid_argument_message([&] { wobble_address_decoder(fmt, 0.1); }).find("sps"),
              std::string::npos);
    EXPECT_NE(invalid_argument_message([&] { wobble_address_decoder(fmt, 1.0, 0.5); })
                  .find("loop_bw"),
              std::string::npos);
}

// RS(10,4), distance 7, at most 2 corrections accepted: up to 2 byte errors
// are corrected exactly; 3 or 4 byte errors are always rejected (distance
// >= 3 from every other codeword), never turned into another address.
TEST(WobbleFormat, EccCorrectsTwoDetectsFour)
{
    wobble_format fmt;
    std::mt19937 rng(11);
    for (int trial = 0; trial < 3000; trial++) {
        const wobble_address a{ int(rng() % 16), int64_t(rng() % (1u << 20)), int(rng() % 256) };
        std::vector<uint8_t> cw = fmt.codeword(a);
        const int ne = trial % 5; // 0..4 byte errors
        std::vector<int> pos{ 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 };
        std::shuffle(pos.begin(), pos.end(), rng);
        for (int e = 0; e < ne; e++)
            cw[size_t(pos[size_t(e)])] ^= uint8_t(1 + rng() % 255);
        wobble_address d{ -1, -1, -1 };
        const int r = fmt.decode(cw.data(), d);
        if (ne <= 2) {
            ASSERT_EQ(r, ne);
            ASSERT_EQ(d, a);
            ASSERT_EQ(cw, fmt.codeword(a));
        } else {
            ASSERT_EQ(r, -1) << ne << " errors";
            ASSERT_EQ(d, (wobble_address{ -1, -1, -1 }));
        }
    }
    // a valid codeword of an implausible address is rejected
    wobble_format small(69, 8, 50, 2);
    std::vector<uint8_t> cw = fmt.codeword({ 3, 10, 60 });
    wobble_address d;
    EXPECT_EQ(small.decode(cw.data(), d), -1);
}

TEST(WobbleModulator, Waveform)
{
    wobble_format fmt(69, 8, 256, 16);
    const wobble_address start{ 1, 1000, 254 };
    wobble_address_modulator mod(fmt, start);
    // second word (segment 255) and third (track 1001, segment 0)
    for (int64_t j : { 0, 1, 2 }) {
        const std::vector<int> pol = expected_polarity(fmt.advance(start, j), 8);
        for (size_t w = 0; w < pol.size(); w += 7) {
            const double pos = double((j * 648 + int64_t(w)) * 69);
            // a quarter wobble in: peak value = polarity
            EXPECT_NEAR(mod.sample(pos + 69 / 4.0), pol[w], 1e-9);
            EXPECT_NEAR(mod.sample(pos + 69 * 0.1), pol[w] * std::sin(2 * kPi * 0.1), 1e-9);
            EXPECT_NEAR(mod.sample(pos), 0.0, 1e-9);
        }
    }
    EXPECT_EQ(mod.address_of_word(2), (wobble_address{ 1, 1001, 0 }));
    EXPECT_EQ(mod.sample(-5.0), 0.0);
    std::vector<float> buf(100);
    mod.generate(69 * 3.0, 0.5, buf.data(), buf.size(), 2.0);
    for (size_t i = 0; i < buf.size(); i++)
        EXPECT_NEAR(buf[i], 2.0 * mod.sample(69 * 3.0 + 0.5 * double(i)), 1e-6);
}

// Default noise: sigma 1.0 per sample for a +-1 wobble at 1 sample per
// channel bit (per-sample SNR -3 dB, per-wobble correlation SNR 15 dB):
// every word after the first (acquisition) decoded, none failed.
TEST(WobbleDecoder, RoundTripDefaultNoise)
{
    wobble_format fmt;
    const wobble_address start{ 2, 54321, 200 };
    const run_result r = run(fmt, start, 200, 1.0, 1.0, 1.0, 5);
    const std::vector<int64_t> idx = check_words(r, fmt, start, 1.0);
    std::set<int64_t> got(idx.begin(), idx.end());
    EXPECT_EQ(got.size(), idx.size()); // no word twice
    for (int64_t j = 1; j < 199; j++)
        EXPECT_TRUE(got.count(j)) << "word " << j << " missing";
    EXPECT_EQ(r.failed, 0u);
    EXPECT_GE(r.words.size(), 198u);
}

// A small wobble on a large, slowly varying offset (push-pull in
// normalised units): amplitude 0.02, offset 0.5 +- 0.3 over ~30 wobbles,
// noise 0.02 (the default SNR, scaled)
TEST(WobbleDecoder, ScaleAndOffset)
{
    wobble_format fmt;
    const wobble_address start{ 0, 12, 0 };
    wobble_address_modulator mod(fmt, start);
    wobble_address_decoder dec(fmt, 1.0);
    std::mt19937 rng(4);
    std::normal_distribution<double> g(0.0, 0.02);
    const size_t total = size_t(fmt.word_length_bits()) * 40;
    std::vector<float> x(total);
    mod.generate(0.0, 1.0, x.data(), total, 0.02);
    for (size_t i = 0; i < total; i++)
        x[i] += float(0.5 + 0.3 * std::sin(2 * kPi * double(i) / (30 * 69.0)) + g(rng));
    std::vector<wobble_word> words;
    dec.process(x.data(), total, words);
    EXPECT_GE(words.size(), 38u);
    EXPECT_EQ(dec.words_failed(), 0u);
    for (const auto& w : words)
        EXPECT_EQ(w.address,
                  fmt.advance(start, std::llround(double(w.start_sample) /
                                                  double(fmt.word_length_bits()))));
    EXPECT_NEAR(dec.amplitude(), 0.02, 0.004);
}

// Wobble 1% fast / slow (PLL pull-in), 2 samples per channel bit
TEST(WobbleDecoder, FrequencyOffset)
{
    wobble_format fmt(69, 8, 256, 16);
    for (double rate : { 1.01, 0.99 }) {
        const wobble_address start{ 0, 7, 3 };
        const run_result r = run(fmt, start, 60, 2.0, rate, 1.0, 9);
        const std::vector<int64_t> idx = check_words(r, fmt, start, 2.0 / rate);
        std::set<int64_t> got(idx.begin(), idx.end());
        for (int64_t j = 2; j < 59; j++)
            EXPECT_TRUE(got.count(j)) << "rate " << rate << " word " << j << " missing";
        EXPECT_EQ(r.failed, 0u) << "rate " << rate;
    }
    wobble_address_decoder dec(fmt, 2.0);
    EXPECT_NEAR(dec.frequency(), 1.0 / 138.0, 1e-12);
}

// Raised noise: words fail, none is reported wrong.
TEST(WobbleDecoder, HighNoiseNeverWrong)
{
    wobble_format fmt(69, 8, 256, 16);
    const wobble_address start{ 5, 999, 10 };
    uint64_t failed = 0, good = 0;
    for (double sigma : { 5.0, 6.0, 8.0, 12.0 }) {
        const run_result r = run(fmt, start, 80, 1.0, 1.0, sigma, 21);
        check_words(r, fmt, start, 1.0); // every emitted word is right
        failed += r.failed;
        good += r.words.size();
        EXPECT_LE(r.words.size() + r.failed, 80u) << "sigma " << sigma;
        std::cout << "sigma " << sigma << ": " << r.words.size() << " words, " << r.failed
                  << " failed\n";
    }
    EXPECT_GT(failed, 0u);
    EXPECT_GT(good, 0u);
}

// A defect corrupting 4 bytes of one word (bit units 0, 20, 40, 60
// inverted): that word is counted as failed and not emitted, its
// neighbours are decoded.
TEST(WobbleDecoder, CorruptWordFlaggedNotEmitted)
{
    wobble_format fmt;
    const wobble_address start{ 3, 500, 100 };
    wobble_address_modulator mod(fmt, start);
    const size_t total = size_t(fmt.word_length_bits()) * 12;
    std::vector<float> x(total);
    mod.generate(0.0, 1.0, x.data(), total);
    for (int b : { 0, 20, 40, 60 }) {
        const size_t s0 = size_t((5 * 648 + (b + 1) * 8) * 69);
        for (size_t i = s0; i < s0 + 8 * 69; i++)
            x[i] = -x[i];
    }
    std::mt19937 rng(8);
    std::normal_distribution<double> g(0.0, 0.5);
    for (auto& v : x)
        v += float(g(rng));
    wobble_address_decoder dec(fmt, 1.0);
    std::vector<wobble_word> words;
    dec.process(x.data(), total, words);
    std::set<int64_t> got;
    for (const auto& w : words) {
        const int64_t j = std::llround(double(w.start_sample) / double(fmt.word_length_bits()));
        EXPECT_EQ(w.address, fmt.advance(start, j));
        got.insert(j);
    }
    EXPECT_EQ(dec.words_failed(), 1u);
    EXPECT_FALSE(got.count(5));
    for (int64_t j = 1; j < 11; j++)
        if (j != 5)
            EXPECT_TRUE(got.count(j)) << "word " << j;
}

// Noise alone: nothing emitted, nothing counted
TEST(WobbleDecoder, NoiseAloneEmitsNothing)
{
    wobble_format fmt;
    wobble_address_decoder dec(fmt, 1.0);
    std::mt19937 rng(2);
    std::normal_distribution<double> g(0.0, 1.0);
    std::vector<float> x(size_t(fmt.word_length_bits()) * 100);
    for (auto& v : x)
        v = float(g(rng));
    std::vector<wobble_word> words;
    dec.process(x.data(), x.size(), words);
    EXPECT_TRUE(words.empty());
    EXPECT_EQ(dec.words(), 0u);
    EXPECT_EQ(dec.words_failed(), 0u);
}

// Start-offset x sign sweep: the input begins `off` channel bits into word
// 0 (off = 0 .. W U, so every phase within a wobble and every wobble
// within a unit) and runs to one wobble past the end of word 20, with the
// wobble of either sign (an inverted push-pull). Words 1..20 are complete
// in it; at least 19 of them (all but possibly the first complete one)
// must be decoded, none wrong and none failed, clean and at the default
// noise. (Before the fix: the atan(Q/I) phase detector held false locks
// near +-110 degrees and the mean-of-v ambiguity rule turned an inverted
// wobble's correct lock into a half-wobble timing error; the word search
// took candidates half a unit off, whose data units all read 0: the
// all-zero codeword, address 0/0/0.)
TEST(WobbleDecoder, StartOffsetAndSignSweep)
{
    const wobble_format fmt; // 69, 8
    const int W = fmt.wobble_period_bits(), U = fmt.wobbles_per_unit();
    const int64_t L = fmt.word_length_bits();
    const wobble_address start{ 2, 54321, 250 }; // crosses a track boundary
    auto sweep = [&](double sigma, int step, std::vector<int> offs) {
        for (int off = 0; off <= W * U; off += step)
            offs.push_back(off);
        for (int sgn : { 1, -1 }) {
            for (int off : offs) {
                wobble_address_modulator mod(fmt, start);
                wobble_address_decoder dec(fmt, 1.0);
                const auto total = size_t(21 * L + W - off);
                std::vector<float> x(total);
                mod.generate(double(off), 1.0, x.data(), total, double(sgn));
                std::mt19937 rng(unsigned(1000 + off + 7 * sgn));
                std::normal_distribution<double> g(0.0, sigma);
                for (auto& v : x)
                    v += float(0.3 + (sigma > 0 ? g(rng) : 0.0));
                std::vector<wobble_word> words;
                dec.process(x.data(), x.size(), words);
                std::set<int64_t> got;
                int wrong = 0;
                for (const auto& w : words) {
                    const int64_t pos = int64_t(w.start_sample) + off;
                    const int64_t k = (pos + L / 2) / L;
                    if (w.address != fmt.advance(start, k) || std::llabs(pos - k * L) > W / 4)
                        wrong++;
                    else
                        got.insert(k);
                }
                int good = 0;
                for (int64_t k = 1; k <= 20; k++)
                    good += int(got.count(k));
                EXPECT_GE(good, 19) << "sigma " << sigma << " sign " << sgn << " start " << off
                                    << " bits into a word";
                EXPECT_EQ(wrong, 0) << "sigma " << sigma << " sign " << sgn << " start " << off;
                EXPECT_EQ(dec.words_failed(), 0u)
                    << "sigma " << sigma << " sign " << sgn << " start " << off;
            }
        }
    };
    sweep(0.0, 23, { 13, 27, 34, 50 });   // clean
    sweep(1.0, 69, { 17, 27, 34, 52 });   // default noise
}
