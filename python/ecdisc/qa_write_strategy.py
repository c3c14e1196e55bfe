#!/usr/bin/env python3
# This file is part of gr-ecdisc.
# SPDX-License-Identifier: GPL-3.0-or-later
"""QA for write_strategy in real flowgraphs."""

import random

from gnuradio import blocks, gr, gr_unittest
from gnuradio import ecdisc


def run_lengths(n, seed):
    """NRZI levels with runs of 2..8 bits (what RLL(1,7) + NRZI gives)."""
    rng = random.Random(seed)
    out, lv = [], 0
    while len(out) < n:
        out += [lv] * rng.randint(2, 8)
        lv ^= 1
    return out[:n]


class qa_write_strategy(gr_unittest.TestCase):

    def setUp(self):
        self.tb = gr.top_block()

    def tearDown(self):
        self.tb = None

    def run_ws(self, levels, ws):
        src = blocks.vector_source_b(levels)
        s0, s1 = blocks.vector_sink_f(), blocks.vector_sink_f()
        self.tb.connect(src, ws)
        self.tb.connect((ws, 0), s0)
        self.tb.connect((ws, 1), s1)
        self.tb.run()
        return list(s0.data()), list(s1.data())

    def test_3t_mark_default_timing(self):
        # sps 4, lead 0.25 T, tail 0.75 T, one bit of latency: the 3T mark at
        # input bits 2..4 drives write power over output bits [3.25, 5.25),
        # i.e. samples 13..20.
        ws = ecdisc.write_strategy(4, 6.0, 0.5, 3.0, 0.25, 0.75)
        b0, b1 = self.run_ws([0, 0, 1, 1, 1, 0, 0, 0], ws)
        self.assertEqual(len(b1), 32)
        self.assertEqual(b0, [3.0] * 32)
        self.assertEqual(b1, [6.0 if 13 <= j <= 20 else 0.5 for j in range(32)])

    def test_untrimmed_matches_gnuradio_repeat(self):
        # With no trims, beam 1 is the levels repeated sps times, scaled to
        # the powers and delayed by one bit: the same as gr-blocks' chain
        # char_to_float -> repeat -> multiply_const -> add_const -> delay.
        sps, pw, ps = 5, 7.0, 1.0
        levels = run_lengths(5000, 2)
        src = blocks.vector_source_b(levels)
        ws = ecdisc.write_strategy(sps, pw, ps, 0.0, 0.0, 0.0)
        ours, theirs = blocks.vector_sink_f(), blocks.vector_sink_f()
        self.tb.connect(src, ws)
        self.tb.connect((ws, 0), blocks.null_sink(gr.sizeof_float))
        self.tb.connect((ws, 1), ours)
        self.tb.connect(src, blocks.char_to_float(), blocks.repeat(gr.sizeof_float, sps),
                        blocks.multiply_const_ff(pw - ps), blocks.add_const_ff(ps),
                        blocks.delay(gr.sizeof_float, sps), theirs)
        self.tb.run()
        a, b = list(ours.data()), list(theirs.data())
        self.assertEqual(len(a), len(levels) * sps)
        self.assertEqual(a[sps:], b[sps:len(a)])
        self.assertEqual(a[:sps], [ps] * sps)

    def test_set_powers(self):
        ws = ecdisc.write_strategy()
        ws.set_powers(8.0, 1.0, 2.0)
        self.assertEqual((ws.write_power_mw(), ws.space_power_mw(), ws.assist_power_mw()),
                         (8.0, 1.0, 2.0))
        b0, b1 = self.run_ws([1] * 4 + [0] * 4, ws)
        self.assertEqual(set(b0), {2.0})
        self.assertEqual(set(b1), {8.0, 1.0})
        with self.assertRaisesRegex(ValueError, "space_power_mw = 9"):
            ws.set_powers(8.0, 9.0, 2.0)

    def test_bad_parameters(self):
        with self.assertRaisesRegex(ValueError, "sps = 1"):
            ecdisc.write_strategy(1)
        with self.assertRaisesRegex(ValueError, "write_power_mw = 150"):
            ecdisc.write_strategy(4, 150.0)
        with self.assertRaisesRegex(ValueError, "lead_trim = -0.1"):
            ecdisc.write_strategy(4, 6.0, 0.5, 3.0, -0.1, 0.75)
        with self.assertRaisesRegex(ValueError, "tail_trim = 2"):
            ecdisc.write_strategy(4, 6.0, 0.5, 3.0, 0.25, 2.0)


if __name__ == '__main__':
    gr_unittest.run(qa_write_strategy)
