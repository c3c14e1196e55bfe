#!/usr/bin/env python3
# This file is part of gr-ecdisc.
# SPDX-License-Identifier: GPL-3.0-or-later
"""QA for timing_recovery in real flowgraphs."""

import math
import random

import pmt
from gnuradio import blocks, gr, gr_unittest
from gnuradio import ecdisc

SIGMA = 0.6  # Gaussian spot blur, channel bits


def run_levels(n, seed):
    """+-1 levels in runs of 2..8 bits (what RLL(1,7) + NRZI writes)."""
    rng = random.Random(seed)
    out, lv = [], -1
    while len(out) < n:
        out += [lv] * rng.randint(2, 8)
        lv = -lv
    return out[:n]


def blurred(levels, T, phi, noise=0.0, seed=0, sigma=SIGMA):
    """Samples of s(t) = sum_k a_k [Phi((t-k)/s) - Phi((t-k-1)/s)] (s = sigma) at bit time
    t(n) = n / T - phi (T: true samples per bit); bit k centred at k + 1/2."""
    rng = random.Random(seed)
    K = len(levels)

    def lv(k):
        return -1 if k < 0 or k >= K else levels[k]

    def Phi(z):
        return 0.5 * math.erfc(-z / math.sqrt(2.0))

    x = []
    n = 0
    while True:
        t = n / T - phi
        if t >= K:
            break
        k0 = math.floor(t) - 5
        v = lv(k0)
        for k in range(k0 + 1, k0 + 11):
            if lv(k) != lv(k - 1):
                v += (lv(k) - lv(k - 1)) * Phi((t - k) / sigma)
        x.append(v + (rng.gauss(0.0, noise) if noise else 0.0))
        n += 1
    return x


def best_errors(out, levels, skip):
    best = None
    for lag in range(-20, 21):
        e = n = 0
        for j in range(skip, len(out)):
            k = j - lag
            if 0 <= k < len(levels):
                n += 1
                e += (1 if out[j] > 0 else -1) != levels[k]
        if best is None or e < best[0]:
            best = (e, n, lag)
    return best


class qa_timing_recovery(gr_unittest.TestCase):

    def setUp(self):
        self.tb = gr.top_block()

    def tearDown(self):
        self.tb = None

    def run_block(self, x, blk, tags=(), chunk=0):
        snk = blocks.vector_sink_f()
        src = blocks.vector_source_f(x, False, 1, list(tags))
        if chunk:
            # deliver the input in pieces of at most `chunk` samples
            cp = blocks.copy(gr.sizeof_float)
            cp.set_max_noutput_items(chunk)
            self.tb.connect(src, cp)
            src = cp
        self.tb.connect(src, blk, snk)
        self.tb.run()
        return list(snk.data()), snk.tags()

    def test_lock_decisions_and_tags(self):
        levels = run_levels(12000, 1)
        T, phi = 4.0 / 1.01, 0.3  # bit rate 1 % above nominal
        x = blurred(levels, T, phi, 0.05, 2)
        tr = ecdisc.timing_recovery(4.0, 0.01, 0.7071, 0.02, 4096)
        # input tags on the boundary samples before bits 2000, 2007, ...
        marks = list(range(2000, 11800, 7))
        in_tags = []
        for k in marks:
            t = gr.tag_t()
            t.offset = round((k + phi) * T)
            t.key = pmt.intern("mark")
            t.value = pmt.from_long(k)
            in_tags.append(t)
        out, tags = self.run_block(x, tr, in_tags)
        # one output per channel bit: len(x) / T (+-3 for the record's ends)
        self.assertAlmostEqual(len(out), len(x) / T, delta=3)
        self.assertEqual(tr.bits_out(), len(out))
        e, n, _ = best_errors(out, levels, 2000)
        self.assertEqual(e, 0)
        self.assertGreater(n, 9900)
        self.assertTrue(tr.locked())
        self.assertAlmostEqual(tr.samples_per_bit_estimate() / T, 1.0, delta=1e-3)
        self.assertGreater(tr.lock_metric(), 0.9)  # fraction of edges within T/4

        lock = [(t.offset, pmt.to_bool(t.value)) for t in tags
                if pmt.symbol_to_string(t.key) == "timing_lock"]
        self.assertEqual(lock[0], (0, False))
        self.assertEqual(len(lock), 2)
        self.assertTrue(lock[1][1])
        self.assertLess(lock[1][0], 2000)

        phase = sorted((t.offset, pmt.to_double(t.value)) for t in tags
                       if pmt.symbol_to_string(t.key) == "timing_phase")
        period = sorted((t.offset, pmt.to_double(t.value)) for t in tags
                        if pmt.symbol_to_string(t.key) == "timing_period")
        self.assertEqual([o for o, _ in phase], [0, 4096, 8192])
        self.assertEqual([o for o, _ in period], [0, 4096, 8192])
        for (o, p), (_, per) in zip(phase[1:], period[1:]):
            # the tagged position is a bit centre of the true signal ...
            t = p / T - phi - 0.5
            self.assertAlmostEqual(t, round(t), delta=0.05)
            # ... and the period estimate is the true one
            self.assertAlmostEqual(per / T, 1.0, delta=2e-3)
        # tags 4096 bits apart are 4096 true periods apart
        self.assertAlmostEqual((phase[2][1] - phase[1][1]) / 4096 / T, 1.0, delta=1e-4)
        # output item j holds written bit j + shift; an input tag moves to the
        # first bit centred after it: bit k's for a tag on its boundary
        t = phase[1][1] / T - phi - 0.5
        shift = round(t) - 4096
        got = sorted((pmt.to_long(t.value), t.offset) for t in tags
                     if pmt.symbol_to_string(t.key) == "mark")
        self.assertEqual(got, [(k, k - shift) for k in marks])

    def test_input_tags_move_to_their_bits(self):
        # sps 7.5, rate +1 %; tags 0.2..0.8 samples after the centres of bits
        # 1001, 1006, ... belong to the next bit. The input comes in pieces
        # of 53 samples, so some tags arrive before their bit is out (they
        # are held for the next call).
        levels = run_levels(6000, 7)
        T, phi = 7.5 / 1.01, 0.6
        x = blurred(levels, T, phi, 0.05, 8)
        in_tags, after = [], []
        for k in range(1001, 5900, 5):
            o = math.floor((k + 0.5 + phi) * T) + 1
            if 0.2 <= o - (k + 0.5 + phi) * T <= 0.8:
                t = gr.tag_t()
                t.offset, t.key, t.value = o, pmt.intern("after"), pmt.from_long(k)
                in_tags.append(t)
                after.append(k)
        self.assertGreater(len(after), 500)
        tr = ecdisc.timing_recovery(7.5, 0.01, 0.7071, 0.02, 1024)
        out, tags = self.run_block(x, tr, in_tags, 53)
        self.assertAlmostEqual(len(out), len(x) / T, delta=3)
        phase = [t for t in tags if pmt.symbol_to_string(t.key) == "timing_phase"
                 and t.offset == 1024][0]
        t = pmt.to_double(phase.value) / T - phi - 0.5
        self.assertAlmostEqual(t, round(t), delta=0.05)
        shift = round(t) - 1024  # output item j holds written bit j + shift
        got = sorted((pmt.to_long(t.value), t.offset) for t in tags
                     if pmt.symbol_to_string(t.key) == "after")
        self.assertEqual(got, [(k, k + 1 - shift) for k in after])

    def test_readout_chain_aligned_by_timing_phase(self):
        # Heavier blur (0.85 bits): the readout chain the block is made for.
        # 1) timing_recovery; 2) its timing_phase tag at bit 4096 gives the
        # input position of that bit, hence (knowing how the signal was
        # sampled) which written bit it is: this aligns the training levels
        # for pr_equalizer (train, PR(1,2,2,1)) -> prml_viterbi, which then
        # decides every bit of the second half without error, with exactly
        # the latency the two blocks declare.
        levels = run_levels(16000, 5)
        T, phi = 4.0 * 1.004, 0.8  # bit rate 0.4 % below nominal
        x = blurred(levels, T, phi, 0.03, 6, sigma=0.85)
        tr = ecdisc.timing_recovery(4.0)
        y, tags = self.run_block(x, tr)
        self.assertTrue(tr.locked())
        tag = [t for t in tags if pmt.symbol_to_string(t.key) == "timing_phase"
               and t.offset == 4096][0]
        t = pmt.to_double(tag.value) / T - phi - 0.5  # bit time of that centre
        self.assertAlmostEqual(t, round(t), delta=0.05)
        shift = round(t) - 4096  # output item j is written bit j + shift
        train = [1 if 0 <= j + shift < len(levels) and levels[j + shift] > 0 else 0
                 for j in range(len(y))]

        tb = gr.top_block()
        eq = ecdisc.pr_equalizer([1, 2, 2, 1], 15, 0.002, "train")
        det = ecdisc.prml_viterbi([1, 2, 2, 1], 0, 1.0)
        snk = blocks.vector_sink_b()
        tb.connect(blocks.vector_source_f(y), (eq, 0))
        tb.connect(blocks.vector_source_b(train), (eq, 1))
        tb.connect(eq, det, snk)
        tb.run()
        out = list(snk.data())
        # the equaliser's reference for item n is the PR target on the levels
        # from n - train_delay (7) back; the detector decides item n -
        # latency(): its output n is the level of output item n - 7 - latency
        lag = 7 + det.latency()
        half = len(out) // 2
        errors = sum(1 for j in range(half, len(out)) if out[j] != train[j - lag])
        self.assertEqual(errors, 0)
        self.assertGreater(len(out) - half, 7000)
        self.assertLess(eq.mse(), 0.2)

    def test_noise_does_not_lock(self):
        rng = random.Random(9)
        w = [rng.gauss(0.0, 1.0) for _ in range(40000)]
        # band-limit by the same Gaussian spot (sigma SIGMA bits at 4 sps)
        s = SIGMA * 4.0
        g = [math.exp(-0.5 * (m / s) ** 2) for m in range(-8, 9)]
        norm = math.sqrt(sum(v * v for v in g))
        x = [sum(g[m] * w[n + m] for m in range(17)) / norm for n in range(len(w) - 17)]
        tr = ecdisc.timing_recovery(4.0)
        out, tags = self.run_block(x, tr)
        self.assertFalse(tr.locked())
        lock = [pmt.to_bool(t.value) for t in tags
                if pmt.symbol_to_string(t.key) == "timing_lock"]
        self.assertEqual(lock, [False])
        self.assertAlmostEqual(len(out), len(x) / 4.0, delta=0.03 * len(x) / 4.0)

    def test_set_loop_bw_and_bad_parameters(self):
        tr = ecdisc.timing_recovery(3.0, 0.01)
        self.assertEqual(tr.loop_bw(), 0.01)
        tr.set_loop_bw(0.02)
        self.assertEqual(tr.loop_bw(), 0.02)
        self.assertEqual(tr.samples_per_bit_estimate(), 3.0)
        self.assertEqual(tr.bits_out(), 0)
        with self.assertRaisesRegex(ValueError, "sps = 1.5"):
            ecdisc.timing_recovery(1.5)
        with self.assertRaisesRegex(ValueError, "loop_bw = 0.5"):
            ecdisc.timing_recovery(4.0, 0.5)
        with self.assertRaisesRegex(ValueError, "damping = 9"):
            ecdisc.timing_recovery(4.0, 0.01, 9.0)
        with self.assertRaisesRegex(ValueError, "max_deviation = 0.2"):
            ecdisc.timing_recovery(4.0, 0.01, 0.7, 0.2)
        with self.assertRaisesRegex(ValueError, "phase_interval = -3"):
            ecdisc.timing_recovery(4.0, 0.01, 0.7, 0.02, -3)
        with self.assertRaisesRegex(ValueError, "loop_bw = -1"):
            tr.set_loop_bw(-1.0)


if __name__ == '__main__':
    gr_unittest.run(qa_timing_recovery)
