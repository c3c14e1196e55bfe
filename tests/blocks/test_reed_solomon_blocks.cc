/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * rs_encoder / rs_decoder in C++ flowgraphs: round trips with errors and
 * erasures, status tags and counters. (The bit-exact comparison with gr-dtv's
 * dvbt_reed_solomon_enc is in python/ecdisc/qa_reed_solomon.py: this target
 * does not link gnuradio-dtv.)
 */
#include <gnuradio/blocks/vector_sink.h>
#include <gnuradio/blocks/vector_source.h>
#include <gnuradio/dtv/dvbt_reed_solomon_enc.h>
#include <gnuradio/ecdisc/rs_decoder.h>
#include <gnuradio/ecdisc/rs_encoder.h>
#include <gnuradio/top_block.h>
#include <gtest/gtest.h>
#include <algorithm>
#include <numeric>
#include <random>

namespace {

std::vector<uint8_t> encode(const std::vector<uint8_t>& data, int n, int k)
{
    auto tb = gr::make_top_block("rs_enc");
    auto src = gr::blocks::vector_source_b::make(data, false, k);
    auto enc = gr::ecdisc::rs_encoder::make(n, k);
    auto snk = gr::blocks::vector_sink_b::make(n);
    tb->connect(src, 0, enc, 0);
    tb->connect(enc, 0, snk, 0);
    tb->run();
    EXPECT_EQ(enc->codewords(), data.size() / k);
    return snk->data();
}

std::vector<long> status_tags(const gr::blocks::vector_sink_b::sptr& snk)
{
    std::vector<gr::tag_t> tags = snk->tags();
    std::vector<long> v;
    std::sort(tags.begin(), tags.end(), [](const gr::tag_t& a, const gr::tag_t& b) {
        return a.offset < b.offset;
    });
    uint64_t expect = 0;
    for (const auto& t : tags)
        if (pmt::symbol_to_string(t.key) == "rs_status") {
            EXPECT_EQ(t.offset, expect++);
            v.push_back(pmt::to_long(t.value));
        }
    return v;
}

} // namespace

TEST(ReedSolomonBlocks, RoundTripWithErrorsErasuresAndFailures)
{
    const int n = 248, k = 216, words = 300;
    std::mt19937 rng(31);
    std::vector<uint8_t> data(static_cast<size_t>(words) * k);
    for (auto& x : data)
        x = static_cast<uint8_t>(rng());
    auto cw = encode(data, n, k);
    ASSERT_EQ(cw.size(), static_cast<size_t>(words) * n);
    for (int w = 0; w < words; w++) // systematic
        ASSERT_TRUE(std::equal(data.begin() + w * k,
                               data.begin() + (w + 1) * k,
                               cw.begin() + static_cast<size_t>(w) * n));

    // word w: w % 3 == 0: e errors + f erasures with 2e + f = 32;
    // w % 3 == 1: e <= 16 errors only; w % 3 == 2 and w % 30 == 2: 20
    // errors (a failure); otherwise clean
    std::vector<uint8_t> flags(cw.size(), 0);
    std::vector<long> expect(words, 0);
    std::vector<int> pos(n);
    for (int w = 0; w < words; w++) {
        uint8_t* c = cw.data() + static_cast<size_t>(w) * n;
        uint8_t* fl = flags.data() + static_cast<size_t>(w) * n;
        std::iota(pos.begin(), pos.end(), 0);
        std::shuffle(pos.begin(), pos.end(), rng);
        int e = 0, f = 0;
        if (w % 3 == 0) {
            e = static_cast<int>(rng() % 17);
            f = 32 - 2 * e;
        } else if (w % 3 == 1) {
            e = 1 + static_cast<int>(rng() % 16);
        } else if (w % 30 == 2) {
            e = 20;
        }
        for (int i = 0; i < e; i++)
            c[pos[i]] ^= static_cast<uint8_t>(1 + rng() % 255);
        for (int i = e; i < e + f; i++) {
            fl[pos[i]] = 1;
            c[pos[i]] ^= static_cast<uint8_t>(1 + rng() % 255);
        }
        expect[w] = e > 16 ? -1 : e + f;
    }

    auto tb = gr::make_top_block("rs_dec");
    auto src = gr::blocks::vector_source_b::make(cw, false, n);
    auto fsrc = gr::blocks::vector_source_b::make(flags, false, n);
    auto dec = gr::ecdisc::rs_decoder::make(n, k);
    auto snk = gr::blocks::vector_sink_b::make(k);
    tb->connect(src, 0, dec, 0);
    tb->connect(fsrc, 0, dec, 1);
    tb->connect(dec, 0, snk, 0);
    tb->run();

    const auto out = snk->data();
    ASSERT_EQ(out.size(), data.size());
    const auto st = status_tags(snk);
    ASSERT_EQ(st.size(), static_cast<size_t>(words));
    uint64_t corrected = 0, failures = 0;
    for (int w = 0; w < words; w++) {
        EXPECT_EQ(st[w], expect[w]) << "word " << w;
        const auto o = out.begin() + static_cast<size_t>(w) * k;
        if (expect[w] < 0) {
            failures++;
            EXPECT_TRUE(std::all_of(o, o + k, [](uint8_t x) { return x == 0; }));
        } else {
            corrected += static_cast<uint64_t>(expect[w]);
            EXPECT_TRUE(std::equal(o, o + k, data.begin() + static_cast<size_t>(w) * k))
                << "word " << w;
        }
    }
    EXPECT_EQ(dec->codewords(), static_cast<uint64_t>(words));
    EXPECT_EQ(dec->failures(), failures);
    EXPECT_EQ(dec->corrected_symbols(), corrected);
    EXPECT_EQ(failures, 10u);
}

TEST(ReedSolomonBlocks, SingleInputDecoderOnDvbtCode)
{
    const int n = 204, k = 188, words = 100;
    std::mt19937 rng(32);
    std::vector<uint8_t> data(static_cast<size_t>(words) * k);
    for (auto& x : data)
        x = static_cast<uint8_t>(rng());
    auto cw = encode(data, n, k);
    for (int w = 0; w < words; w++)
        for (int i = 0; i < 8; i++) // t errors, possibly repeated positions
            cw[static_cast<size_t>(w) * n + rng() % n] ^=
                static_cast<uint8_t>(1 + rng() % 255);

    auto tb = gr::make_top_block("rs_dec");
    auto src = gr::blocks::vector_source_b::make(cw, false, n);
    auto dec = gr::ecdisc::rs_decoder::make(n, k);
    auto snk = gr::blocks::vector_sink_b::make(k);
    tb->connect(src, 0, dec, 0);
    tb->connect(dec, 0, snk, 0);
    tb->run();
    EXPECT_EQ(snk->data(), data);
    EXPECT_EQ(dec->failures(), 0u);
    EXPECT_EQ(status_tags(snk).size(), static_cast<size_t>(words));
}

TEST(ReedSolomonBlocks, BadParametersThrow)
{
    EXPECT_THROW(gr::ecdisc::rs_encoder::make(256, 200), std::invalid_argument);
    EXPECT_THROW(gr::ecdisc::rs_encoder::make(248, 248), std::invalid_argument);
    EXPECT_THROW(gr::ecdisc::rs_decoder::make(248, 216, 0x11B), std::invalid_argument);
    EXPECT_THROW(gr::ecdisc::rs_decoder::make(248, -1), std::invalid_argument);
    EXPECT_THROW(gr::ecdisc::rs_decoder::make(248, 216, 0x11D, 0, 5),
                 std::invalid_argument);
}

TEST(ReedSolomonBlocks, EncoderMatchesGrDtvOnDvbtCode)
{
    // DVB-T's RS(204,188) is RS(255,239) over 0x11D shortened by 51 bytes:
    // gr-dtv's encoder is an independent implementation of the same code.
    const int n = 204, k = 188, words = 32;
    std::mt19937 rng(204);
    std::vector<uint8_t> data(static_cast<size_t>(words) * k);
    for (auto& b : data)
        b = static_cast<uint8_t>(rng());

    auto tb = gr::make_top_block("rs_vs_dtv");
    auto src = gr::blocks::vector_source_b::make(data, false, k);
    auto dtv = gr::dtv::dvbt_reed_solomon_enc::make(2, 8, 0x11d, 255, 239, 8, 51, 1);
    auto snk = gr::blocks::vector_sink_b::make(n);
    tb->connect(src, 0, dtv, 0);
    tb->connect(dtv, 0, snk, 0);
    tb->run();

    ASSERT_EQ(snk->data().size(), static_cast<size_t>(words) * n);
    EXPECT_EQ(encode(data, n, k), snk->data());
}
