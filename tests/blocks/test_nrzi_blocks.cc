/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * NRZI blocks in a C++ flowgraph, checked against gr-digital's differential
 * encoder (NRZI is the modulus-2 differential code).
 */
#include <gnuradio/blocks/vector_sink.h>
#include <gnuradio/blocks/vector_source.h>
#include <gnuradio/digital/diff_encoder_bb.h>
#include <gnuradio/ecdisc/nrzi_decoder.h>
#include <gnuradio/ecdisc/nrzi_encoder.h>
#include <gnuradio/top_block.h>
#include <gtest/gtest.h>
#include <random>

TEST(NrziBlocks, EncoderMatchesDiffEncoderAndDecoderInverts)
{
    std::mt19937 rng(11);
    std::vector<uint8_t> bits(50000);
    for (auto& b : bits)
        b = rng() & 1u;

    auto tb = gr::make_top_block("nrzi");
    auto src = gr::blocks::vector_source_b::make(bits);
    auto enc = gr::ecdisc::nrzi_encoder::make(0);
    auto dec = gr::ecdisc::nrzi_decoder::make(0);
    auto peer = gr::digital::diff_encoder_bb::make(2);
    auto ours = gr::blocks::vector_sink_b::make();
    auto theirs = gr::blocks::vector_sink_b::make();
    auto back = gr::blocks::vector_sink_b::make();
    tb->connect(src, 0, enc, 0);
    tb->connect(enc, 0, ours, 0);
    tb->connect(src, 0, peer, 0);
    tb->connect(peer, 0, theirs, 0);
    tb->connect(enc, 0, dec, 0);
    tb->connect(dec, 0, back, 0);
    tb->run();

    EXPECT_EQ(ours->data(), theirs->data());
    EXPECT_EQ(back->data(), bits);
}

TEST(NrziBlocks, BadInitialLevelThrows)
{
    EXPECT_THROW(gr::ecdisc::nrzi_encoder::make(3), std::invalid_argument);
}
