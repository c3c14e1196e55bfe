#!/usr/bin/env python3
# This file is part of gr-ecdisc.
# SPDX-License-Identifier: GPL-3.0-or-later
"""QA for rf_frontend in real flowgraphs."""

import math

from gnuradio import blocks, gr, gr_unittest
from gnuradio import ecdisc


class qa_rf_frontend(gr_unittest.TestCase):

    def setUp(self):
        self.tb = gr.top_block()

    def tearDown(self):
        self.tb = None

    def test_dc_offset_sine_two_channels(self):
        # 0.2 sin + 1.5 over two detector channels: after 10 time constants
        # the RF is zero-mean and unit-RMS within 1 %, peak sqrt(2).
        n = 40000
        x = [0.2 * math.sin(2 * math.pi * i / 29.0) + 1.5 for i in range(n)]
        fe = ecdisc.rf_frontend(2, 1e-3, 1e-3, True)
        snk = blocks.vector_sink_f()
        self.tb.connect(blocks.vector_source_f([0.6 * v for v in x]), (fe, 0))
        self.tb.connect(blocks.vector_source_f([0.4 * v for v in x]), (fe, 1))
        self.tb.connect(fe, snk)
        self.tb.run()
        y = list(snk.data())[15000:]
        mean = sum(y) / len(y)
        rms = math.sqrt(sum(v * v for v in y) / len(y))
        self.assertAlmostEqual(mean, 0.0, delta=0.01)
        self.assertAlmostEqual(rms, 1.0, delta=0.01)
        self.assertAlmostEqual(max(abs(v) for v in y), math.sqrt(2), delta=0.03)
        self.assertAlmostEqual(fe.dc_level(), 1.5, delta=0.01)
        self.assertAlmostEqual(fe.gain(), math.sqrt(2) / 0.2, delta=0.2)
        # invert: near a positive peak of the sine the RF is negative
        i = 29 * 600 + 7
        self.assertLess(list(snk.data())[i], -1.3)

    def test_boost_equalizer_tone_gains(self):
        # The equaliser's gain at angular frequency w (rad/sample) is
        # |1 - b cos(w k)|: with b = 0.6, k = 4 it is 1.6 at period 8 and
        # 1 - 0.6 cos(pi/4) at period 32. The AGC scales both tones alike, so
        # their amplitude ratio at the output is the ratio of the gains.
        import math
        n = 40000
        x = [math.sin(2 * math.pi * i / 8) + math.sin(2 * math.pi * i / 32 + 0.3)
             for i in range(n)]
        src = blocks.vector_source_f(x)
        fe = ecdisc.rf_frontend(1, 1e-3, 1e-3, False, 0.6, 4)
        snk = blocks.vector_sink_f()
        self.tb.connect(src, fe, snk)
        self.tb.run()
        y = list(snk.data())[20000:]

        def amplitude(period):
            c = sum(v * math.cos(2 * math.pi * i / period) for i, v in enumerate(y))
            s = sum(v * math.sin(2 * math.pi * i / period) for i, v in enumerate(y))
            return 2 * math.hypot(c, s) / len(y)
        want = 1.6 / (1 - 0.6 * math.cos(math.pi / 4))
        self.assertAlmostEqual(amplitude(8) / amplitude(32), want, delta=0.01 * want)

    def test_bad_parameters(self):
        with self.assertRaisesRegex(ValueError, "n_channels = 0"):
            ecdisc.rf_frontend(0)
        with self.assertRaisesRegex(ValueError, "dc_alpha = 0.5"):
            ecdisc.rf_frontend(1, 0.5)
        with self.assertRaisesRegex(ValueError, "agc_alpha = -1"):
            ecdisc.rf_frontend(1, 1e-3, -1.0)
        with self.assertRaisesRegex(ValueError, "eq_boost = 3"):
            ecdisc.rf_frontend(1, 1e-3, 1e-3, True, 3.0)
        with self.assertRaisesRegex(ValueError, "eq_spacing = 0"):
            ecdisc.rf_frontend(1, 1e-3, 1e-3, True, 0.5, 0)


if __name__ == '__main__':
    gr_unittest.run(qa_rf_frontend)
