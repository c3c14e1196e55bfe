#!/usr/bin/env python3
# This file is part of gr-ecdisc.
# SPDX-License-Identifier: GPL-3.0-or-later
"""QA for pr_equalizer in real flowgraphs (filter.fir_filter_fff as channel)."""

import time

import numpy as np
import pmt

from gnuradio import blocks, filter, gr, gr_unittest
from gnuradio import ecdisc

PR1221 = [1.0, 2.0, 2.0, 1.0]
# Equaliser centre 7 + channel centre 3 - target centre ~1.5 (rounded down).
DELAY = 9


def levels(n, seed):
    """NRZI levels (0/1) with runs of 2..8 (d = 1, k = 7)."""
    rng = np.random.default_rng(seed)
    runs = rng.integers(2, 9, size=n // 2)
    b = np.repeat(np.arange(len(runs)) % 2, runs)[:n]
    return b.astype(np.uint8)


def blur(sigma):
    """Gaussian-blur ISI channel, 7 taps, unit DC gain."""
    m = np.arange(7) - 3.0
    g = np.exp(-m * m / (2 * sigma * sigma))
    return list(g / g.sum())


def target(b, h, delay):
    """d[n] = sum_j h[j] a[n - delay - j], a = 2b - 1 (a = -1 before the start)."""
    a = np.concatenate([-np.ones(delay + len(h)), 2.0 * b - 1.0])
    d = np.convolve(a, h)[len(h):len(h) + len(b)]
    return d


class qa_pr_equalizer(gr_unittest.TestCase):

    def setUp(self):
        self.tb = gr.top_block()

    def tearDown(self):
        self.tb = None

    def flowgraph(self, eq, b, noise=0.02, seed=3, train=True):
        """levels -> +-1 -> channel FIR (+ noise) -> eq (+ training levels)."""
        a = 2.0 * b.astype(np.float32) - 1.0
        n = np.random.default_rng(seed).normal(0.0, noise, len(b)).astype(np.float32)
        src = blocks.vector_source_f(a.tolist())
        chan = filter.fir_filter_fff(1, blur(1.0))
        add = blocks.add_ff()
        snk = blocks.vector_sink_f()
        self.tb.connect(src, chan, (add, 0))
        self.tb.connect(blocks.vector_source_f(n.tolist()), (add, 1))
        self.tb.connect(add, (eq, 0))
        if train:
            self.tb.connect(blocks.vector_source_b(b.tolist()), (eq, 1))
        self.tb.connect(eq, snk)
        self.tb.run()
        return np.array(snk.data())

    def test_training_approaches_target(self):
        # 200k symbols at mu = 0.002: over the last 50k the output is the
        # PR(1,2,2,1) target signal (power ~ 20) within an MSE of 0.02 (the
        # Wiener MSE of this channel and noise is ~0.0105), and every output
        # is nearest to its true target level.
        b = levels(200000, 1)
        eq = ecdisc.pr_equalizer(PR1221, 15, 0.002, "train", DELAY)
        y = self.flowgraph(eq, b)
        d = target(b, PR1221, DELAY)
        self.assertEqual(len(y), len(b))
        err = (y - d)[-50000:]
        mse = float(np.mean(err * err))
        self.assertLess(mse, 0.02)
        self.assertLess(float(np.max(np.abs(err))), 1.0)
        self.assertAlmostEqual(eq.mse(), mse, delta=0.5 * mse)
        # before training the error was large
        self.assertGreater(float(np.mean((y - d)[:1000] ** 2)), 1.0)
        self.assertEqual(eq.mode(), "train")
        self.assertFalse(eq.frozen())

    def test_freeze_by_message_stops_tap_changes(self):
        # The control message is posted before the run: the block handles
        # queued messages before its first work call, so no sample adapts.
        b = levels(50000, 2)
        eq = ecdisc.pr_equalizer(PR1221, 15, 0.002, "train", DELAY)
        w0 = list(eq.taps())
        eq._post(pmt.intern("control"),
                 pmt.dict_add(pmt.make_dict(), pmt.intern("freeze"), pmt.PMT_T))
        y = self.flowgraph(eq, b)
        self.assertTrue(eq.frozen())
        self.assertEqual(eq.mode(), "frozen")
        self.assertEqual(list(eq.taps()), w0)
        # frozen centre spike: the output is the channel output delayed by 7
        self.assertEqual(len(y), len(b))
        # the same run unfrozen moves the taps
        self.tb = gr.top_block()
        eq2 = ecdisc.pr_equalizer(PR1221, 15, 0.002, "train", DELAY)
        self.flowgraph(eq2, b)
        self.assertNotEqual(list(eq2.taps()), w0)

    def test_mode_message(self):
        # {mode: "dd"} then {freeze: true}; a message strobe sends the dict.
        eq = ecdisc.pr_equalizer(PR1221, 15, 0.002, "train", DELAY)
        d = pmt.dict_add(pmt.make_dict(), pmt.intern("mode"), pmt.intern("dd"))
        eq._post(pmt.intern("control"), d)
        eq._post(pmt.intern("control"), pmt.intern("not a dict"))  # logged, ignored
        bad = pmt.dict_add(pmt.make_dict(), pmt.intern("mode"), pmt.intern("lms"))
        eq._post(pmt.intern("control"), bad)  # logged, ignored
        b = levels(2000, 4)
        self.flowgraph(eq, b, train=False)
        self.assertEqual(eq.mode(), "dd")
        self.tb = gr.top_block()
        strobe = blocks.message_strobe(
            pmt.dict_add(pmt.make_dict(), pmt.intern("freeze"), pmt.PMT_T), 1)
        self.tb.msg_connect(strobe, "strobe", eq, "control")
        # a message block keeps the flowgraph alive: start, wait, stop
        src = blocks.vector_source_f([0.0] * 1000, True)
        self.tb.connect(src, blocks.throttle(gr.sizeof_float, 1e6), eq,
                        blocks.null_sink(gr.sizeof_float))
        self.tb.start()
        deadline = time.time() + 20
        while not eq.frozen() and time.time() < deadline:
            time.sleep(0.01)
        self.tb.stop()
        self.tb.wait()
        self.assertTrue(eq.frozen())

    def test_taps_and_bad_parameters(self):
        eq = ecdisc.pr_equalizer()
        self.assertEqual(len(eq.taps()), 15)
        self.assertEqual(eq.taps()[7], 1.0)
        self.assertEqual(eq.mode(), "dd")
        eq.set_taps([0.5] * 15)
        self.assertEqual(list(eq.taps()), [0.5] * 15)
        eq.set_mode("frozen")
        self.assertTrue(eq.frozen())
        ecdisc.pr_equalizer([1, 2, 2, 2, 1], 31, 0.01, "train", 12, 1e-4)
        with self.assertRaisesRegex(ValueError, "n_taps = 14"):
            ecdisc.pr_equalizer(PR1221, 14)
        with self.assertRaisesRegex(ValueError, "mu = 0.5"):
            ecdisc.pr_equalizer(PR1221, 15, 0.5)
        with self.assertRaisesRegex(ValueError, "mode = \"lms\""):
            ecdisc.pr_equalizer(PR1221, 15, 0.002, "lms")
        with self.assertRaisesRegex(ValueError, "target = \\[\\]"):
            ecdisc.pr_equalizer([], 15)
        with self.assertRaisesRegex(ValueError, "taps = 3 values"):
            eq.set_taps([1, 2, 3])


    def test_update_every_one_is_the_default(self):
        # update_every = 1 is the every-sample LMS of before: the same
        # flowgraph with the default and with an explicit 1 gives the same
        # output to the bit; update_every = 8 gives another one.
        b = levels(20000, 5)
        outs = []
        for extra in ((), (1,), (8,)):
            self.tb = gr.top_block()
            eq = ecdisc.pr_equalizer(PR1221, 15, 0.005, "train", DELAY, 1e-3, *extra)
            outs.append(self.flowgraph(eq, b))
            self.assertEqual(eq.update_every(), extra[0] if extra else 1)
        self.assertTrue(np.array_equal(outs[0], outs[1]))
        self.assertFalse(np.array_equal(outs[0], outs[2]))
        # the first 8 outputs come before any update: identical
        self.assertTrue(np.array_equal(outs[0][:8], outs[2][:8]))

    def test_update_every_8_trains_to_target(self):
        # As test_training_approaches_target with the update on every 8th
        # sample: 8x the record (1.6M symbols) at the same mu reaches the
        # same MSE bound over the last 50k.
        b = levels(1600000, 1)
        eq = ecdisc.pr_equalizer(PR1221, 15, 0.002, "train", DELAY, 0.0, 8)
        y = self.flowgraph(eq, b)
        d = target(b, PR1221, DELAY)
        err = (y - d)[-50000:]
        mse = float(np.mean(err * err))
        self.assertLess(mse, 0.02)
        self.assertLess(float(np.max(np.abs(err))), 1.0)
        self.assertAlmostEqual(eq.mse(), mse, delta=0.5 * mse)

    def test_initial_taps_and_bad_update_every(self):
        w0 = [0.0] * 6 + [1.0, 2.0, 2.0, 1.0] + [0.0] * 5
        eq = ecdisc.pr_equalizer(PR1221, 15, 0.002, "frozen", -1, 0.0, 4, w0)
        self.assertEqual(list(eq.taps()), w0)
        self.assertEqual(eq.update_every(), 4)
        eq.set_update_every(16)
        self.assertEqual(eq.update_every(), 16)
        # frozen with the initial taps: the FIR of w0
        x = np.random.default_rng(9).normal(0, 1, 1000).astype(np.float32)
        src = blocks.vector_source_f(x.tolist())
        snk = blocks.vector_sink_f()
        self.tb.connect(src, eq, snk)
        self.tb.run()
        want = np.convolve(x, w0)[:len(x)]
        np.testing.assert_allclose(np.array(snk.data()), want, rtol=1e-5, atol=1e-5)
        with self.assertRaisesRegex(ValueError, "update_every = 0: must be 1..1024"):
            ecdisc.pr_equalizer(PR1221, 15, 0.002, "dd", -1, 0.0, 0)
        with self.assertRaisesRegex(ValueError, "update_every = 2000"):
            eq.set_update_every(2000)
        with self.assertRaisesRegex(ValueError, "initial_taps = 3 values"):
            ecdisc.pr_equalizer(PR1221, 15, 0.002, "dd", -1, 0.0, 1, [1, 2, 3])


if __name__ == '__main__':
    gr_unittest.run(qa_pr_equalizer)
