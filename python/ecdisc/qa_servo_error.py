#!/usr/bin/env python3
# This file is part of gr-ecdisc.
# SPDX-License-Identifier: GPL-3.0-or-later
"""QA for servo_error in real flowgraphs, on synthetic detector streams:
an astigmatic Gaussian spot integrated on a pixel grid (focus) and a
two-beam-interference model of the push-pull with a lens-shift offset
(tracking)."""

import numpy as np

from gnuradio import blocks, gr, gr_unittest
from gnuradio import ecdisc


def astig_quadrants(z, delta=1.6, s0=0.1, c=0.8, n=120):
    """Quadrant powers A, B, C, D (counter-clockwise from x>0, y>0) of a
    Gaussian spot with rms widths s0 (+) c |z -+ delta/2| along the two
    diagonals (um)."""
    su = np.hypot(s0, c * (z - delta / 2))
    sv = np.hypot(s0, c * (z + delta / 2))
    half = 5 * max(su, sv)
    g = (np.arange(n) + 0.5) / n * 2 * half - half
    x, y = np.meshgrid(g, g, indexing="ij")
    u, v = (x + y) / np.sqrt(2), (x - y) / np.sqrt(2)
    i = np.exp(-0.5 * (u * u / su ** 2 + v * v / sv ** 2))
    tot = i.sum()
    return [i[(x > 0) & (y > 0)].sum() / tot, i[(x < 0) & (y > 0)].sum() / tot,
            i[(x < 0) & (y < 0)].sum() / tot, i[(x > 0) & (y < 0)].sum() / tot]


def pp_halves(x_over_p, offset, power, m=0.3):
    """(outer half, inner half) of a spot: push-pull m sin(2 pi x / p) plus a
    lens-shift offset, normalised push-pull = m sin + offset."""
    pp = m * np.sin(2 * np.pi * x_over_p) + offset
    return power * (1 + pp) / 2, power * (1 - pp) / 2


class qa_servo_error(gr_unittest.TestCase):

    def setUp(self):
        self.tb = gr.top_block()

    def tearDown(self):
        self.tb = None

    def run_block(self, blk, channels):
        snk = blocks.vector_sink_f()
        for i, ch in enumerate(channels):
            self.tb.connect(blocks.vector_source_f([float(v) for v in ch]), (blk, i))
        self.tb.connect(blk, snk)
        self.tb.run()
        return np.array(snk.data())

    def test_fes_s_curve(self):
        # zero crossing at best focus; extremes at +-sqrt(s0^2/c^2 + delta^2/4)
        z = np.linspace(-2.0, 2.0, 81)
        power = 0.3 + 0.05 * np.cos(np.arange(len(z)))  # normalisation
        q = np.array([astig_quadrants(zz) for zz in z]) * power[:, None]
        fes = ecdisc.servo_error("fes_astigmatic")
        self.assertEqual(fes.n_inputs(), 4)
        y = self.run_block(fes, q.T)
        self.assertEqual(len(y), len(z))
        i = np.where(np.diff((y > 0).astype(int)) != 0)[0]
        self.assertEqual(len(i), 1)
        i = i[0]
        z0 = z[i] + y[i] / (y[i] - y[i + 1]) * (z[i + 1] - z[i])
        self.assertAlmostEqual(z0, 0.0, delta=0.03)
        peak = np.sqrt((0.1 / 0.8) ** 2 + 1.6 ** 2 / 4)
        dist = abs(z[np.argmax(y)] - z[np.argmin(y)])
        self.assertAlmostEqual(dist, 2 * peak, delta=0.2 * 2 * peak)
        rho = -2 * 0.8 ** 2 * peak * 1.6 / (2 * 0.1 ** 2 + 2 * 0.8 ** 2 * peak ** 2
                                             + 0.8 ** 2 * 1.6 ** 2 / 2)
        self.assertAlmostEqual(y.min(), 2 / np.pi * np.arcsin(rho), delta=0.02)

    def test_push_pull_period(self):
        x = np.arange(400) / 100.0  # track offset / pitch
        o, i = pp_halves(x, 0.0, 0.4)
        # quadrants: outer half = A + D, inner = B + C
        chans = [o * 0.6, i * 0.6, i * 0.4, o * 0.4]
        y = self.run_block(ecdisc.servo_error("push_pull"), chans)
        f = np.abs(np.fft.rfft(y))
        self.assertEqual(int(np.argmax(f[1:])) + 1, 4)  # 4 periods over 4 pitches
        np.testing.assert_allclose(y, 0.3 * np.sin(2 * np.pi * x), atol=1e-5)

    def test_dpp_cancels_lens_shift(self):
        n = 20000
        x = np.arange(n) / 1000.0
        offset = 0.1  # a third of the push-pull amplitude
        mo, mi = pp_halves(x, offset, 0.4)
        eo, ei = pp_halves(x + 0.5, offset, 0.4 / 12)
        fo, fi = pp_halves(x - 0.5, offset, 0.4 / 12)
        rng = np.random.default_rng(1)
        chans = [mo / 2, mi / 2, mi / 2, mo / 2, eo, ei, fo, fi]
        chans = [c + rng.normal(0, 1e-4, n) for c in chans]
        dpp = ecdisc.servo_error("dpp", -1.0, 1e-6, 1000.0)
        self.assertEqual(dpp.n_inputs(), 8)
        y = self.run_block(dpp, chans)
        self.assertTrue(dpp.k_estimated())
        self.assertAlmostEqual(dpp.k(), 6.0, delta=0.05)  # main / (both sides)
        tail = y[5000:]
        self.assertLess(abs(tail.mean()), 0.1 * 0.3)
        self.assertAlmostEqual(0.5 * (tail.max() - tail.min()), 0.3, delta=0.03)
        dpp.set_k(6.0)
        self.assertFalse(dpp.k_estimated())

    def test_three_beam_and_rf_sum(self):
        e = np.array([0.3, 0.2, 0.0])
        f = np.array([0.1, 0.2, 0.0])
        y = self.run_block(ecdisc.servo_error("three_beam"), [e, f])
        np.testing.assert_allclose(y, [0.5, 0.0, 0.0], atol=1e-6)
        self.tb = gr.top_block()
        y = self.run_block(ecdisc.servo_error("rf_sum"),
                           [[1.0, 2.0], [0.5, 0.0], [0.25, 1.0], [0.125, 0.0]])
        np.testing.assert_allclose(y, [1.875, 3.0], atol=1e-6)

    def test_bad_parameters(self):
        with self.assertRaisesRegex(ValueError, "method = fes"):
            ecdisc.servo_error("fes")
        with self.assertRaisesRegex(ValueError, "sum_floor"):
            ecdisc.servo_error("push_pull", 1.0, 0.0)
        with self.assertRaisesRegex(ValueError, "k_window"):
            ecdisc.servo_error("dpp", -1.0, 1e-6, 0.0)


if __name__ == "__main__":
    gr_unittest.run(qa_servo_error)
