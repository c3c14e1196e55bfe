#!/usr/bin/env python3
# This file is part of gr-ecdisc.
# SPDX-License-Identifier: GPL-3.0-or-later
"""QA for slicer_cdr in real flowgraphs."""

import math
import random

from gnuradio import blocks, gr, gr_unittest
from gnuradio import ecdisc


def run_lengths(n, seed):
    rng = random.Random(seed)
    out, lv = [], 0
    while len(out) < n:
        out += [lv] * rng.randint(2, 8)
        lv ^= 1
    return out[:n]


def nrz(bits, T, phase, sigma=0.0, seed=0):
    """+-1 NRZ, bit k over [phase + kT, phase + (k+1)T), box-integrated samples."""
    rng = random.Random(seed)
    n = int(len(bits) * T + phase) - 1

    def level(t):
        k = math.floor((t - phase) / T)
        return -1.0 if k < 0 or k >= len(bits) else (1.0 if bits[k] else -1.0)

    x = []
    for i in range(n):
        a, b = i - 0.5, i + 0.5
        edge = phase + math.floor((b - phase) / T) * T
        v = (edge - a) * level(a) + (b - edge) * level(b - 1e-9) if edge > a else level(a)
        x.append(v + (rng.gauss(0.0, sigma) if sigma else 0.0))
    return x


def best_errors(out, bits, skip):
    best = None
    for lag in range(-20, 21):
        pairs = [(out[j], bits[j - lag]) for j in range(skip, len(out) - 8)
                 if 0 <= j - lag < len(bits)]
        e = sum(1 for a, b in pairs if a != b)
        if best is None or e < best[0]:
            best = (e, len(pairs), lag)
    return best


class qa_slicer_cdr(gr_unittest.TestCase):

    def setUp(self):
        self.tb = gr.top_block()

    def tearDown(self):
        self.tb = None

    def run_slicer(self, x, sl):
        snk = blocks.vector_sink_b()
        self.tb.connect(blocks.vector_source_f(x), sl, snk)
        self.tb.run()
        return list(snk.data())

    def test_locks_with_frequency_offset(self):
        bits = run_lengths(12000, 1)
        T = 4.04  # 1 % slower than nominal
        sl = ecdisc.slicer_cdr(4.0, 0.02, 0.0)
        out = self.run_slicer(nrz(bits, T, 1.3), sl)
        e, n, _ = best_errors(out, bits, 400)
        self.assertEqual(e, 0)
        self.assertGreater(n, 11000)
        self.assertAlmostEqual(sl.period() / T, 1.0, delta=1e-3)
        self.assertEqual(sl.bits(), len(out))

    def test_noise_ber(self):
        # sigma 0.25 on +-1 levels (12 dB SNR), nominal rate: BER < 1e-3.
        bits = run_lengths(20000, 2)
        sl = ecdisc.slicer_cdr(4.0, 0.02, 0.0)
        out = self.run_slicer(nrz(bits, 3.96, 0.4, 0.25, 3), sl)
        e, n, _ = best_errors(out, bits, 400)
        self.assertGreater(n, 19000)
        self.assertLess(e / n, 1e-3)

    def test_threshold_and_bad_parameters(self):
        sl = ecdisc.slicer_cdr(4.0, 0.02, 0.3)
        self.assertEqual(sl.threshold(), 0.3)
        sl.set_threshold(-0.1)
        self.assertAlmostEqual(sl.threshold(), -0.1)
        with self.assertRaisesRegex(ValueError, "sps = 1"):
            ecdisc.slicer_cdr(1.0)
        with self.assertRaisesRegex(ValueError, "loop_bw = 0.5"):
            ecdisc.slicer_cdr(4.0, 0.5)


if __name__ == '__main__':
    gr_unittest.run(qa_slicer_cdr)
