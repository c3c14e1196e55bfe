#!/usr/bin/env python3
# This file is part of gr-ecdisc.
# SPDX-License-Identifier: GPL-3.0-or-later
"""QA for servo_loop in real flowgraphs.

The controller is re-derived here from the YAML numbers with scipy (exact
ZOH actuator, prewarped bilinear PI and lead, lead ratio and gain solved
for the crossover and phase margin) and run as difference equations in
numpy on a recorded open-loop error; the block's drive must match.
"""

import os
import tempfile
import time

import numpy
import pmt
from scipy import signal
from gnuradio import blocks, gr, gr_unittest
from gnuradio import ecdisc

SOURCE_DIR = os.environ.get(
    "ECDISC_SOURCE_DIR",
    os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
DEFAULT = os.path.join(SOURCE_DIR, "media", "servo_default.yml")

# media/servo_default.yml, written out here
FOCUS = dict(fc=2500.0, pm=45.0, ratio=8.0, delay=1, f0=50.0, zeta=0.15,
             g0=1.0e-3, umax=5.0, slope=1.5e6)
TRACKING = dict(fc=3000.0, pm=45.0, ratio=8.0, delay=1, f0=50.0, zeta=0.15,
                g0=0.5e-3, umax=5.0, slope=5.9e6)


def design(ax, fs):
    """(K, alpha, PI b0 b1, lead b0 b1 a1) for update rate fs."""
    T = 1.0 / fs
    w0, z, g0 = 2 * numpy.pi * ax["f0"], ax["zeta"], ax["g0"]
    A = numpy.array([[0.0, 1.0], [-w0 * w0, -2 * z * w0]])
    B = numpy.array([[0.0], [g0 * w0 * w0]])
    Ad, Bd, Cd, Dd, _ = signal.cont2discrete((A, B, numpy.array([[1.0, 0.0]]),
                                              numpy.zeros((1, 1))), T, "zoh")
    wc = 2 * numpy.pi * ax["fc"]
    zc = numpy.exp(1j * wc * T)
    plant = (Cd @ numpy.linalg.solve(zc * numpy.eye(2) - Ad, Bd))[0, 0]
    c = wc / numpy.tan(wc * T / 2)
    wi = wc / ax["ratio"]
    pi_b0, pi_b1 = (c + wi) / c, (wi - c) / c
    pi = (pi_b0 + pi_b1 / zc) / (1 - 1 / zc)
    l0 = ax["slope"] * plant * pi * zc ** (-ax["delay"])
    lead = -numpy.pi + numpy.radians(ax["pm"]) - numpy.angle(l0)
    lead = (lead + numpy.pi) % (2 * numpy.pi) - numpy.pi
    alpha = (1 + numpy.sin(lead)) / (1 - numpy.sin(lead))
    wz, wp = wc / numpy.sqrt(alpha), wc * numpy.sqrt(alpha)
    g = wp / wz
    ld_b0, ld_b1, ld_a1 = g * (c + wz) / (c + wp), g * (wz - c) / (c + wp), (wp - c) / (c + wp)
    ld = (ld_b0 + ld_b1 / zc) / (1 + ld_a1 / zc)
    K = 1 / abs(l0 * ld)
    return K, alpha, (pi_b0, pi_b1), (ld_b0, ld_b1, ld_a1)


def drives(ax, fs, e):
    """the controller's drive per update for errors e (loop closed at 0)"""
    K, _, (pb0, pb1), (lb0, lb1, la1) = design(ax, fs)
    pi = signal.lfilter([pb0, pb1], [1.0, -1.0], e)
    lead = signal.lfilter([lb0, lb1], [1.0, la1], pi)
    u = K * lead
    u = numpy.concatenate([numpy.zeros(ax["delay"]), u[:len(u) - ax["delay"]]])
    return u


class qa_servo_loop(gr_unittest.TestCase):

    def setUp(self):
        self.tb = gr.top_block()

    def tearDown(self):
        self.tb = None

    def run_block(self, blk, fes, tes, n_out=4):
        self.tb.connect(blocks.vector_source_f(list(map(float, fes))), (blk, 0))
        self.tb.connect(blocks.vector_source_f(list(map(float, tes))), (blk, 1))
        sinks = [blocks.vector_sink_f() for _ in range(n_out)]
        for i, s in enumerate(sinks):
            self.tb.connect((blk, i), s)
        self.tb.run()
        return [numpy.array(s.data()) for s in sinks], sinks

    def test_design_matches_scipy(self):
        blk = ecdisc.servo_loop(DEFAULT, 1e6, True)
        self.assertEqual(blk.update_samples(), 10)
        self.assertEqual(blk.update_rate(), 100e3)
        for ax, k, a in ((FOCUS, blk.focus_gain(), blk.focus_lead_ratio()),
                         (TRACKING, blk.tracking_gain(), blk.tracking_lead_ratio())):
            K, alpha, _, _ = design(ax, 100e3)
            self.assertAlmostEqual(k / K, 1.0, delta=1e-6)
            self.assertAlmostEqual(a / alpha, 1.0, delta=1e-6)

    def test_drive_equals_difference_equations(self):
        # recorded open-loop errors: run-out-like sines plus noise, small
        # enough that no drive clips; 10 samples per update at 1 MHz
        fs, n_up = 1e6, 10
        rng = numpy.random.default_rng(5)
        k = numpy.arange(60000)
        fes = (2e-3 * numpy.sin(2 * numpy.pi * 19.6 * k / fs)
               + 1e-3 * rng.standard_normal(len(k))).astype(numpy.float32)
        tes = (1e-3 * numpy.sin(2 * numpy.pi * 700 * k / fs + 1)
               + 1e-3 * rng.standard_normal(len(k))).astype(numpy.float32)
        blk = ecdisc.servo_loop("", fs, True)  # "" = the built-in default
        (uf, ut, ef, et), _ = self.run_block(blk, fes, tes)
        self.assertEqual(len(uf), len(k))
        for ax, x, y in ((FOCUS, fes, uf), (TRACKING, tes, ut)):
            e = x.astype(float).reshape(-1, n_up).mean(axis=1)
            u = drives(ax, fs / n_up, e)
            self.assertLess(numpy.max(numpy.abs(u)), ax["umax"])
            # the drive of update j is output from sample (j + 1) * n_up on
            ref = numpy.concatenate([numpy.zeros(n_up), numpy.repeat(u, n_up)[:-n_up]])
            scale = numpy.max(numpy.abs(ref))
            self.assertGreater(scale, 1e-4)
            numpy.testing.assert_allclose(y, ref, rtol=0, atol=2e-5 * scale)
        numpy.testing.assert_allclose(ef, fes / 1.5e6 * 1e9, rtol=1e-6)
        numpy.testing.assert_allclose(et, tes / 5.9e6 * 1e9, rtol=1e-6)
        rms_f = numpy.sqrt(numpy.mean((fes.astype(float).reshape(-1, n_up).mean(axis=1) / 1.5e6) ** 2))
        self.assertAlmostEqual(blk.focus_rms_nm() / (rms_f * 1e9), 1.0, delta=1e-6)

    def test_lock_tags_and_track_jump_message(self):
        # zero error: both loops lock after 100 updates (lock.updates); a
        # track_jump message moves the tracking set-point by one pitch and
        # the drive ends at the static feedforward pitch / dc gain
        fs, n_up, n = 1e6, 10, 20000
        blk = ecdisc.servo_loop(DEFAULT, fs, True)
        blk.to_basic_block()._post(pmt.intern("control"), pmt.to_pmt({"track_jump": 1}))
        (uf, ut), sinks = self.run_block(blk, numpy.zeros(n), numpy.zeros(n), n_out=2)
        self.assertAlmostEqual(blk.tracking_reference_m(), 0.32e-6, delta=1e-15)
        self.assertEqual(blk.focus_reference_m(), 0.0)
        self.assertAlmostEqual(ut[-1], 0.32e-6 / 0.5e-3, delta=1e-6 * 0.32e-6 / 0.5e-3)
        self.assertEqual(uf[-1], 0.0)
        tags = [(t.offset, pmt.symbol_to_string(t.key), pmt.to_python(t.value))
                for t in sinks[0].tags()]
        self.assertIn((100 * n_up, "focus_locked", True), tags)
        self.assertTrue(blk.locked_focus())
        self.assertTrue(blk.locked_tracking())
        # a jump with the loops open is refused
        blk.close(False)
        self.assertFalse(blk.closed())
        with self.assertRaisesRegex(ValueError, "loop open"):
            blk.track_jump(1)

    def test_bad_parameters(self):
        with self.assertRaisesRegex(ValueError, "^sample_rate = "):
            ecdisc.servo_loop("", 0.0)
        # 5 kHz detector stream: 5 kHz updates, below 4 x the 2.5 kHz crossover
        with self.assertRaisesRegex(ValueError, "focus.crossover_hz = 2500"):
            ecdisc.servo_loop("", 5e3)
        with self.assertRaisesRegex(ValueError, "servo_file = /no/such.yml: cannot be opened"):
            ecdisc.servo_loop("/no/such.yml", 1e6)
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "bad_servo.yml")
            with open(DEFAULT) as f:
                text = f.read()
            with open(path, "w") as f:
                f.write(text.replace("update_rate_hz: 100e3", "update_rate_hz: lots"))
            with self.assertRaisesRegex(ValueError, "bad_servo.yml: update_rate_hz = lots"):
                ecdisc.servo_loop(path, 1e6)


if __name__ == "__main__":
    gr_unittest.run(qa_servo_loop)
