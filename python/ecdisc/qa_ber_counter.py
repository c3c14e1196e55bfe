#!/usr/bin/env python3
# This file is part of gr-ecdisc.
# SPDX-License-Identifier: GPL-3.0-or-later
"""QA for ber_counter in real flowgraphs."""

import random

from gnuradio import blocks, gr, gr_unittest
from gnuradio import ecdisc


def random_bits(n, seed):
    rng = random.Random(seed)
    return [rng.getrandbits(1) for _ in range(n)]


class qa_ber_counter(gr_unittest.TestCase):

    def setUp(self):
        self.tb = gr.top_block()

    def tearDown(self):
        self.tb = None

    def delayed(self, ref, lag, flips):
        """received[j] = ref[j - lag]: lag > 0 prepends junk, lag < 0 drops bits."""
        rcv = ([1, 0, 0] * lag)[:lag] + ref if lag >= 0 else ref[-lag:]
        rcv = list(rcv)
        for f in flips:  # errors after the junk head
            rcv[f + max(0, lag)] ^= 1
        return rcv

    def test_lags_and_exact_errors(self):
        ref = random_bits(30000, 1)
        flips = [100, 2500, 2501, 9000, 20000]
        for lag in (0, 13, 700, -5, -900):
            tb = gr.top_block()
            rcv = self.delayed(ref, lag, flips)
            bc = ecdisc.ber_counter(1024, 2048)
            tb.connect(blocks.vector_source_b(ref), (bc, 0))
            tb.connect(blocks.vector_source_b(rcv), (bc, 1))
            tb.run()
            self.assertTrue(bc.aligned())
            self.assertEqual(bc.lag(), lag)
            n = min(len(ref), len(rcv) - lag) - max(0, -lag)
            self.assertEqual(bc.bits_compared(), n)
            self.assertEqual(bc.errors(), len(flips))
            self.assertAlmostEqual(bc.ber(), len(flips) / n)
            self.assertEqual(bc.reference_bits(), len(ref))

    def test_waits_for_a_slow_detected_stream(self):
        # The reference source finishes at once; the detected bits arrive
        # through a slow chain (interpolate, then decimate in small pieces).
        # The counter must live until the detected stream ends.
        ref = random_bits(50000, 2)
        bc = ecdisc.ber_counter(64, 512)
        src = blocks.vector_source_b(ref)
        chain = [blocks.repeat(gr.sizeof_char, 8),
                 blocks.keep_one_in_n(gr.sizeof_char, 8),
                 blocks.delay(gr.sizeof_char, 21)]
        self.tb.connect(src, (bc, 0))
        self.tb.connect(src, *chain)
        self.tb.connect(chain[-1], (bc, 1))
        self.tb.run()
        self.assertEqual(bc.lag(), 21)
        self.assertEqual(bc.errors(), 0)
        self.assertEqual(bc.bits_compared(), len(ref))

    def test_agrees_with_gnuradio_ber_bf(self):
        # fec.ber_bf counts bit errors between packed streams at lag 0: on
        # the same data with 1 % errors both must count the same errors.
        from gnuradio import fec
        ref = random_bits(80000, 3)
        rng = random.Random(4)
        rcv = [b ^ (1 if rng.random() < 0.01 else 0) for b in ref]
        expect = sum(a != b for a, b in zip(ref, rcv))
        bc = ecdisc.ber_counter(0, 1024)
        theirs = fec.ber_bf(False)
        s_ref, s_rcv = blocks.vector_source_b(ref), blocks.vector_source_b(rcv)
        self.tb.connect(s_ref, (bc, 0))
        self.tb.connect(s_rcv, (bc, 1))
        self.tb.connect(s_ref, blocks.pack_k_bits_bb(8), (theirs, 0))
        self.tb.connect(s_rcv, blocks.pack_k_bits_bb(8), (theirs, 1))
        self.tb.connect(theirs, blocks.null_sink(gr.sizeof_float))
        self.tb.run()
        self.assertEqual(bc.errors(), expect)
        self.assertEqual(theirs.total_errors(), expect)

    def test_bad_parameters(self):
        with self.assertRaisesRegex(ValueError, "max_lag = -1"):
            ecdisc.ber_counter(-1)
        with self.assertRaisesRegex(ValueError, "align_bits = 8"):
            ecdisc.ber_counter(10, 8)


if __name__ == '__main__':
    gr_unittest.run(qa_ber_counter)
