#!/usr/bin/env python3
# This file is part of gr-ecdisc.
# SPDX-License-Identifier: GPL-3.0-or-later
"""QA for rs_encoder and rs_decoder in real flowgraphs."""

import random
import unittest

import pmt
from gnuradio import blocks, gr, gr_unittest
from gnuradio import ecdisc

try:
    from gnuradio import dtv
except ImportError:  # gr-dtv is optional in GNU Radio builds
    dtv = None


def status_tags(sink):
    tags = sorted((t.offset, pmt.to_long(t.value)) for t in sink.tags()
                  if pmt.symbol_to_string(t.key) == "rs_status")
    return tags


def random_bytes(rng, n):
    return [rng.randrange(256) for _ in range(n)]


class qa_reed_solomon(gr_unittest.TestCase):

    def setUp(self):
        self.rng = random.Random(41)

    def encode(self, data, n, k, **kw):
        tb = gr.top_block()
        src = blocks.vector_source_b(data, False, k)
        enc = ecdisc.rs_encoder(n, k, **kw)
        snk = blocks.vector_sink_b(n)
        tb.connect(src, enc, snk)
        tb.run()
        self.assertEqual(enc.codewords(), len(data) // k)
        return list(snk.data())

    def channel(self, codewords, n, errors_per_word, erasures_per_word=0):
        """XOR patterns: errors_per_word[w] errors and erasures_per_word
        erasures (flagged, value changed) in word w; returns (errors, flags)."""
        words = len(codewords) // n
        err = [0] * len(codewords)
        flags = [0] * len(codewords)
        for w in range(words):
            e = errors_per_word[w]
            pos = self.rng.sample(range(n), e + erasures_per_word)
            for p in pos:
                err[w * n + p] = self.rng.randrange(1, 256)
            for p in pos[e:]:
                flags[w * n + p] = 1
        return err, flags

    def run_chain(self, data, n, k, err, flags=None, **kw):
        """data -> encoder -> xor err (the channel) -> decoder [+ flags]."""
        tb = gr.top_block()
        src = blocks.vector_source_b(data, False, k)
        enc = ecdisc.rs_encoder(n, k, **kw)
        noise = blocks.vector_source_b(err, False, n)
        xor = blocks.xor_bb(n)
        dec = ecdisc.rs_decoder(n, k, **kw)
        snk = blocks.vector_sink_b(k)
        tb.connect(src, enc)
        tb.connect(enc, (xor, 0))
        tb.connect(noise, (xor, 1))
        tb.connect(xor, (dec, 0))
        if flags is not None:
            tb.connect(blocks.vector_source_b(flags, False, n), (dec, 1))
        tb.connect(dec, snk)
        tb.run()
        return list(snk.data()), status_tags(snk), dec

    def test_round_trip_with_errors(self):
        n, k, words = 248, 216, 40
        data = random_bytes(self.rng, words * k)
        e = [w % 17 for w in range(words)]  # 0..16 errors
        err, _ = self.channel([0] * (words * n), n, e)
        out, tags, dec = self.run_chain(data, n, k, err)
        self.assertEqual(out, data)
        self.assertEqual(tags, [(w, e[w]) for w in range(words)])
        self.assertEqual(dec.codewords(), words)
        self.assertEqual(dec.corrected_symbols(), sum(e))
        self.assertEqual(dec.failures(), 0)
        self.assertEqual((dec.n(), dec.k()), (n, k))

    def test_erasure_input(self):
        # 8 errors + 16 erasures: 2e + f = 32, beyond 16 errors alone
        n, k, words = 248, 216, 20
        data = random_bytes(self.rng, words * k)
        err, flags = self.channel([0] * (words * n), n, [8] * words, 16)
        out, tags, dec = self.run_chain(data, n, k, err, flags)
        self.assertEqual(out, data)
        self.assertEqual(tags, [(w, 24) for w in range(words)])
        self.assertEqual(dec.failures(), 0)
        # the same errors without the flags are too many
        out, tags, dec = self.run_chain(data, n, k, err)
        self.assertEqual(dec.failures(), words)
        self.assertEqual(out, [0] * len(data))

    def test_failure_outputs_zeros_and_minus_one(self):
        n, k = 204, 188
        data = random_bytes(self.rng, 3 * k)
        err, _ = self.channel([0] * (3 * n), n, [3, 12, 0])
        out, tags, dec = self.run_chain(data, n, k, err)
        self.assertEqual(tags, [(0, 3), (1, -1), (2, 0)])
        self.assertEqual(out[:k], data[:k])
        self.assertEqual(out[k:2 * k], [0] * k)
        self.assertEqual(out[2 * k:], data[2 * k:])
        self.assertEqual((dec.codewords(), dec.corrected_symbols(), dec.failures()),
                         (3, 3, 1))

    def test_other_field_and_roots(self):
        # CCSDS-like: poly 0x187, fcr 112, spacing 11
        n, k, words = 255, 223, 10
        data = random_bytes(self.rng, words * k)
        e = [16] * words
        err, _ = self.channel([0] * (words * n), n, e)
        out, tags, _ = self.run_chain(data, n, k, err, gf_poly=0x187, fcr=112, prim=11)
        self.assertEqual(out, data)
        self.assertEqual([s for _, s in tags], e)

    @unittest.skipIf(dtv is None, "gr-dtv not available")
    def test_encoder_matches_dvbt_reed_solomon_enc(self):
        n, k, words = 204, 188, 64
        data = random_bytes(self.rng, words * k)
        ours = self.encode(data, n, k)
        tb = gr.top_block()
        src = blocks.vector_source_b(data, False, k)
        enc = dtv.dvbt_reed_solomon_enc(2, 8, 0x11d, 255, 239, 8, 51, 1)
        snk = blocks.vector_sink_b(n)
        tb.connect(src, enc, snk)
        tb.run()
        self.assertEqual(len(ours), words * n)
        self.assertEqual(ours, list(snk.data()))

    @unittest.skipIf(dtv is None, "gr-dtv not available")
    def test_dvbt_decoder_accepts_our_codewords(self):
        n, k, words = 204, 188, 32
        data = random_bytes(self.rng, words * k)
        cw = self.encode(data, n, k)
        err, _ = self.channel(cw, n, [8] * words)
        tb = gr.top_block()
        src = blocks.vector_source_b([a ^ b for a, b in zip(cw, err)], False, n)
        dec = dtv.dvbt_reed_solomon_dec(2, 8, 0x11d, 255, 239, 8, 51, 1)
        snk = blocks.vector_sink_b(k)
        tb.connect(src, dec, snk)
        tb.run()
        self.assertEqual(list(snk.data()), data)

    def test_bad_parameters_raise_value_error(self):
        cases = [((256, 200), "n = 256"), ((248, 248), "k = 248"), ((248, 0), "k = 0"),
                 ((248, 216, 0x11B), "gf_poly = 283"), ((248, 216, 0x11D, 255), "fcr = 255"),
                 ((248, 216, 0x11D, 0, 3), "prim = 3")]
        for make in (ecdisc.rs_encoder, ecdisc.rs_decoder):
            for args, name in cases:
                with self.assertRaises(ValueError) as cm:
                    make(*args)
                self.assertTrue(str(cm.exception).startswith(name), str(cm.exception))


if __name__ == '__main__':
    gr_unittest.run(qa_reed_solomon)
