#!/usr/bin/env python3
# This file is part of gr-ecdisc.
# SPDX-License-Identifier: GPL-3.0-or-later
"""QA for wobble_address_encoder / wobble_address_decoder in real flowgraphs:
encoder -> + Gaussian noise (analog.noise_source_f) -> decoder."""

import math

import numpy as np
import pmt

from gnuradio import analog, blocks, gr, gr_unittest
from gnuradio import ecdisc

W, U = 69, 8
WORD_BITS = 81 * U * W  # channel bits per address word


def rs_codeword(data):
    """RS(10,4) over GF(2^8), poly 0x11D, roots alpha^0..alpha^5, systematic:
    the 6 parity bytes are the remainder of d(x) x^6 mod g(x) (reference
    implementation, bitwise field arithmetic)."""
    def mul(a, b):
        r = 0
        for _ in range(8):
            if b & 1:
                r ^= a
            b >>= 1
            a <<= 1
            if a & 0x100:
                a ^= 0x11D
        return r
    g = [1]
    root = 1
    for _ in range(6):
        ng = [0] * (len(g) + 1)
        for j, c in enumerate(g):
            ng[j] ^= c              # x * g (g stored highest power first)
            ng[j + 1] ^= mul(root, c)
        g = ng
        root = mul(root, 2)
    rem = list(data) + [0] * 6
    for i in range(4):
        f = rem[i]
        if f:
            for j in range(7):
                rem[i + j] ^= mul(f, g[j])
    return list(data) + rem[4:]


def polarity(layer, track, segment):
    """+-1 per wobble of one word, from the documented layout."""
    v = (layer << 28) | (track << 8) | segment
    cw = rs_codeword([(v >> 24) & 255, (v >> 16) & 255, (v >> 8) & 255, v & 255])
    pol = np.ones(81 * U)
    pol[[0, 1, 6, 7]] = -1
    for b in range(80):
        bit = (cw[b // 8] >> (7 - b % 8)) & 1
        base = (b + 1) * U
        pol[[base + p for p in ((0, 2, 3) if bit else (0, 4, 5))]] = -1
    return pol


class qa_wobble_address(gr_unittest.TestCase):

    def setUp(self):
        self.tb = gr.top_block()

    def tearDown(self):
        self.tb = None

    def run_chain(self, n_words, sigma, sps=1.0, start=(2, 4000, 250), spt=256, seed=7):
        enc = ecdisc.wobble_address_encoder(start[0], start[1], start[2], sps, W, U, spt, 1.0)
        n = int(n_words * WORD_BITS * sps)
        head = blocks.head(gr.sizeof_float, n)
        add = blocks.add_ff()
        noise = analog.noise_source_f(analog.GR_GAUSSIAN, sigma, seed)
        dec = ecdisc.wobble_address_decoder(sps, W, U, spt, 16, 0.01)
        snk = blocks.vector_sink_f()
        enc_snk = blocks.vector_sink_f()
        msgs = blocks.message_debug()
        self.tb.connect(enc, head, (add, 0))
        self.tb.connect(noise, (add, 1))
        self.tb.connect(head, enc_snk)
        self.tb.connect(add, dec, snk)
        self.tb.msg_connect(dec, "address", msgs, "store")
        self.tb.run()
        return enc, dec, snk, enc_snk, msgs

    def addresses(self, dec, snk, msgs, enc, sps):
        """(word index, dict) per emitted word; checks tags == messages."""
        # the encoder's "address" tags pass through too: keep the decoder's
        tags = [t for t in snk.tags() if pmt.symbol_to_string(t.key) == "address"
                and pmt.dict_has_key(t.value, pmt.intern("start"))]
        self.assertEqual(len(tags), msgs.num_messages())
        self.assertEqual(len(tags), dec.words())
        out = []
        for i, t in enumerate(tags):
            m = msgs.get_message(i)
            self.assertTrue(pmt.equal(t.value, m))
            d = {k: pmt.to_python(pmt.dict_ref(m, pmt.intern(k), pmt.PMT_NIL))
                 for k in ("layer", "track", "segment", "start", "corrected")}
            j = d["start"] / (WORD_BITS * sps)
            jr = int(round(j))
            self.assertLess(abs(j - jr) * WORD_BITS, W / 4.0)  # start within 1/4 wobble
            self.assertGreater(t.offset, d["start"])
            # the word was decoded once it had been received
            self.assertGreaterEqual(t.offset, (jr + 1) * WORD_BITS * sps - W * sps)
            out.append((jr, d))
        return out

    def test_encoder_waveform_and_tags(self):
        # waveform = polarity * sin over each wobble, tags at word starts
        sps = 2.0
        enc = ecdisc.wobble_address_encoder(1, 77, 254, sps, W, U, 256, 0.5)
        n = int(2.2 * WORD_BITS * sps)
        head = blocks.head(gr.sizeof_float, n)
        snk = blocks.vector_sink_f()
        self.tb.connect(enc, head, snk)
        self.tb.run()
        y = np.array(snk.data())
        self.assertEqual(len(y), n)
        pos = np.arange(n) / sps
        w = np.floor(pos / W).astype(int)
        pol = np.concatenate([polarity(1, 77, 254), polarity(1, 77, 255), polarity(1, 78, 0)])
        ref = 0.5 * pol[w] * np.sin(2 * np.pi * (pos / W - w))
        self.assertLess(np.max(np.abs(y - ref)), 1e-5)
        tags = [t for t in snk.tags() if pmt.symbol_to_string(t.key) == "address"]
        self.assertEqual([t.offset for t in tags],
                         [0, int(WORD_BITS * sps), int(2 * WORD_BITS * sps)])
        want = [(1, 77, 254), (1, 77, 255), (1, 78, 0)]
        for t, (l, tr, s) in zip(tags, want):
            self.assertEqual(pmt.to_long(pmt.dict_ref(t.value, pmt.intern("layer"), pmt.PMT_NIL)), l)
            self.assertEqual(pmt.to_long(pmt.dict_ref(t.value, pmt.intern("track"), pmt.PMT_NIL)), tr)
            self.assertEqual(pmt.to_long(pmt.dict_ref(t.value, pmt.intern("segment"), pmt.PMT_NIL)), s)
        self.assertEqual(list(enc.address_of_word(2)), [1, 78, 0])
        self.assertEqual(enc.word_length_bits(), WORD_BITS)
        self.assertEqual(enc.words(), 3)

    def test_round_trip_default_noise(self):
        # sigma 1 per sample on a +-1 wobble, 1 sample per channel bit:
        # every word after the first (PLL acquisition) decoded, none failed
        n_words = 30
        enc, dec, snk, _, msgs = self.run_chain(n_words, 1.0)
        got = self.addresses(dec, snk, msgs, enc, 1.0)
        idx = [j for j, _ in got]
        self.assertEqual(len(idx), len(set(idx)))
        for j in range(1, n_words - 1):
            self.assertIn(j, idx)
        for j, d in got:
            self.assertEqual([d["layer"], d["track"], d["segment"]],
                             list(enc.address_of_word(j)))
        self.assertEqual(dec.words_failed(), 0)
        self.assertTrue(dec.locked())
        self.assertTrue(dec.synced())
        self.assertEqual(list(dec.last_address()), list(enc.address_of_word(idx[-1])))
        self.assertAlmostEqual(dec.frequency(), 1.0 / W, delta=2e-4 / W)  # 0.02%
        # (2, 4000, 250) + 6 words wraps to track 4001
        self.assertEqual(list(enc.address_of_word(6)), [2, 4001, 0])

    def test_high_noise_never_wrong(self):
        # raised noise: failed words are counted, no wrong address emitted
        failed = 0
        for sigma, seed in ((5.0, 1), (6.0, 2), (10.0, 3)):
            self.tb = gr.top_block()
            enc, dec, snk, _, msgs = self.run_chain(40, sigma, seed=seed)
            for j, d in self.addresses(dec, snk, msgs, enc, 1.0):
                self.assertEqual([d["layer"], d["track"], d["segment"]],
                                 list(enc.address_of_word(j)))
            self.assertLessEqual(dec.words() + dec.words_failed(), 40)
            failed += dec.words_failed()
        self.assertGreater(failed, 0)

    def test_decoder_without_output(self):
        # as a sink: messages only
        enc = ecdisc.wobble_address_encoder(0, 5, 0, 1.0, W, U, 16, 1.0)
        head = blocks.head(gr.sizeof_float, int(5 * WORD_BITS))
        dec = ecdisc.wobble_address_decoder(1.0, W, U, 16, 4, 0.01)
        msgs = blocks.message_debug()
        self.tb.connect(enc, head, dec)
        self.tb.msg_connect(dec, "address", msgs, "store")
        self.tb.run()
        self.assertGreaterEqual(msgs.num_messages(), 3)
        self.assertEqual(dec.words(), msgs.num_messages())

    def test_bad_parameters(self):
        with self.assertRaisesRegex(ValueError, "layer = 16"):
            ecdisc.wobble_address_encoder(16, 0, 0)
        with self.assertRaisesRegex(ValueError, "segment = 20"):
            ecdisc.wobble_address_encoder(0, 0, 20, 1.0, W, U, 20)
        with self.assertRaisesRegex(ValueError, "sps"):
            ecdisc.wobble_address_encoder(0, 0, 0, 0.0)
        with self.assertRaisesRegex(ValueError, "amplitude"):
            ecdisc.wobble_address_encoder(0, 0, 0, 1.0, W, U, 256, -1.0)
        with self.assertRaisesRegex(ValueError, "wobbles_per_unit"):
            ecdisc.wobble_address_decoder(1.0, W, 4)
        with self.assertRaisesRegex(ValueError, "loop_bw"):
            ecdisc.wobble_address_decoder(1.0, W, U, 256, 16, 0.5)


if __name__ == "__main__":
    gr_unittest.run(qa_wobble_address)
