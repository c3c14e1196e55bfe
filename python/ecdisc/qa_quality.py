#!/usr/bin/env python3
# This file is part of gr-ecdisc.
# SPDX-License-Identifier: GPL-3.0-or-later
"""QA for the quality meters (jitter_meter, sam_meter) in real flowgraphs."""

import math

import numpy as np
import pmt

from gnuradio import blocks, gr, gr_unittest
from gnuradio import ecdisc

PR1221 = [1.0, 2.0, 2.0, 1.0]


def levels(n, seed):
    """NRZI levels (0/1) with runs of 2..8 (d = 1, k = 7)."""
    rng = np.random.default_rng(seed)
    runs = rng.integers(2, 9, size=n // 2)
    b = np.repeat(np.arange(len(runs)) % 2, runs)[:n]
    return b.astype(np.uint8)


def jittered(b, sps, sigma_e, seed, foff=0.0, phase=0.37):
    """+-1 NRZI waveform, sps samples per bit: the level changes at boundary
    k at time k T + phase + sigma_e T g (T = sps (1 + foff), g ~ N(0, 1) per
    edge) with a raised-cosine edge of width T. Edges are >= 2T apart, so
    each crossing is exactly at its edge time."""
    rng = np.random.default_rng(seed)
    T = sps * (1.0 + foff)
    k = np.nonzero(np.diff(b.astype(int)))[0] + 1
    te = k * T + phase + sigma_e * T * rng.standard_normal(len(k))
    step = np.where(b[k] == 1, 2.0, -2.0)
    run_level = (2.0 * b[0] - 1.0) + np.concatenate([[0.0], np.cumsum(step)])
    t = np.arange(int(len(b) * T), dtype=float)
    j = np.searchsorted(te, t)  # edges before t: j
    def s(u):
        return 0.5 * (1.0 + np.sin(np.pi * np.clip(u, -0.5, 0.5)))
    x = run_level[j].copy()
    prev = j > 0
    x[prev] -= step[j[prev] - 1] * (1.0 - s((t[prev] - te[j[prev] - 1]) / T))
    nxt = j < len(te)
    x[nxt] += step[j[nxt]] * s((t[nxt] - te[j[nxt]]) / T)
    return x.astype(np.float32)


def pr_signal(b, h, sigma=0.0, seed=1, scale=1.0):
    """y[n] = scale sum h[i] a[n-i] + N(0, sigma^2), a = 2b - 1 (a[n<0] = a[0])."""
    a = 2.0 * b.astype(float) - 1.0
    ap = np.concatenate([np.full(len(h) - 1, a[0]), a])
    y = scale * np.convolve(ap, h)[len(h) - 1:len(h) - 1 + len(b)]
    y += sigma * np.random.default_rng(seed).standard_normal(len(b))
    return y.astype(np.float32)


def reference_events(b, start, lookahead):
    """Independent count of the edge-shift events: flips of one level that
    keep the number of level changes (an edge moved by one bit) and leave
    no run shorter than 2, for start <= j < len(b) - lookahead."""
    n = 0
    b = b.astype(int)
    for j in range(start, len(b) - lookahead):
        w = b[j - 4:j + 5].copy()
        before = np.count_nonzero(np.diff(w[1:8]))
        w[4] ^= 1
        if np.count_nonzero(np.diff(w[1:8])) != before:
            continue
        # runs fully inside the window w[0..8]
        ch = np.nonzero(np.diff(w))[0] + 1
        if len(ch) >= 2 and np.min(np.diff(ch)) < 2:
            continue
        n += 1
    return n


class qa_quality(gr_unittest.TestCase):

    def setUp(self):
        self.tb = gr.top_block()

    def tearDown(self):
        self.tb = None

    def run_jitter(self, x, sps, **kw):
        src = blocks.vector_source_f(x.tolist())
        jm = ecdisc.jitter_meter(sps, **kw)
        self.tb.connect(src, jm)
        return jm

    def test_jitter_injected(self):
        b = levels(70000, 3)
        for sps in (4.0, 8.0):
            self.tb = gr.top_block()
            jm = self.run_jitter(jittered(b, sps, 0.03, 5), sps)
            self.tb.run()
            self.assertGreater(jm.edges(), 10000)
            self.assertAlmostEqual(jm.jitter_pct(), 3.0, delta=0.3)
            self.assertAlmostEqual(jm.period(), sps, delta=1e-3 * sps)

    def test_jitter_clean_with_frequency_offset(self):
        b = levels(40000, 4)
        jm = self.run_jitter(jittered(b, 4.0, 0.0, 5, foff=0.002), 4.0)
        self.tb.run()
        self.assertLess(jm.jitter_pct(), 0.5)
        self.assertAlmostEqual(jm.period(), 4.0 * 1.002, delta=4e-3)

    def test_jitter_stats_messages(self):
        b = levels(50000, 6)
        jm = self.run_jitter(jittered(b, 4.0, 0.04, 2), 4.0, settle_edges=500,
                             stats_every=2000)
        dbg = blocks.message_debug()
        self.tb.msg_connect(jm, "stats", dbg, "store")
        self.tb.run()
        n = jm.edges() // 2000
        self.assertGreaterEqual(n, 3)
        self.assertEqual(dbg.num_messages(), n)
        for i in range(n):
            d = dbg.get_message(i)
            self.assertEqual(pmt.to_uint64(pmt.dict_ref(d, pmt.intern("edges"), pmt.PMT_NIL)),
                             2000 * (i + 1))
            j = pmt.to_double(pmt.dict_ref(d, pmt.intern("jitter_pct"), pmt.PMT_NIL))
            self.assertAlmostEqual(j, 4.0, delta=0.6)

    def test_sam_noise_free(self):
        b = levels(30000, 7)
        y = pr_signal(b, PR1221)
        sm = ecdisc.sam_meter(PR1221, 1.0, 0, 5)
        self.tb.connect(blocks.vector_source_f(y.tolist()), (sm, 0))
        self.tb.connect(blocks.vector_source_b(b.tolist()), (sm, 1))
        self.tb.run()
        # events from j = skip + max(L-1, 2) to len - 1 - 3
        self.assertEqual(sm.events(), reference_events(b, 5 + 3, 3))
        self.assertAlmostEqual(sm.sam_mean(), 1.0, delta=1e-9)
        self.assertLess(sm.sam_sigma(), 1e-9)
        self.assertEqual(sm.negatives(), 0)
        self.assertTrue(math.isinf(sm.sam_db()))
        self.assertEqual(sm.d2(), 4.0 * sum(v * v for v in PR1221))

    def test_sam_delay_pairs_detector_output(self):
        # bits delayed by D as a detector of latency D delivers them, with a
        # noisy y; delay = D must give what aligned inputs give
        D = 37
        b = levels(20000, 8)
        y = pr_signal(b, PR1221, sigma=0.6, seed=4)
        late = np.concatenate([np.zeros(D, np.uint8), b[:-D]])
        sm = ecdisc.sam_meter(PR1221, 1.0, D, 0)
        self.tb.connect(blocks.vector_source_f(y.tolist()), (sm, 0))
        self.tb.connect(blocks.vector_source_b(late.tolist()), (sm, 1))
        ref = ecdisc.sam_meter(PR1221, 1.0, 0, D)
        self.tb.connect(blocks.vector_source_f(y.tolist()), (ref, 0))
        self.tb.connect(blocks.vector_source_b(b.tolist()), (ref, 1))
        self.tb.run()
        # sm sees the pairs 0 .. len-D-1 of the aligned streams, ref all of them
        self.assertGreater(sm.events(), 5000)
        self.assertLessEqual(ref.events() - sm.events(), D)
        self.assertAlmostEqual(sm.sam_mean(), ref.sam_mean(), delta=0.01)
        self.assertAlmostEqual(sm.sam_sigma(), ref.sam_sigma(), delta=0.01)
        # and the analytic sigma_M = 2 sigma / d, mean 1
        d = math.sqrt(4.0 * sum(v * v for v in PR1221))
        self.assertAlmostEqual(sm.sam_sigma(), 2 * 0.6 / d, delta=0.1 * 2 * 0.6 / d)
        self.assertAlmostEqual(sm.sam_mean(), 1.0, delta=0.05)
        self.assertAlmostEqual(sm.sam_db(), 20 * math.log10(sm.sam_mean() / sm.sam_sigma()),
                               places=9)

    def test_sam_after_prml_viterbi(self):
        # y -> prml_viterbi -> bits; sam_meter(delay = latency) on (y, bits):
        # the detector's level convention and latency, end to end. At this
        # noise the detector makes (almost) no errors, so the margins are
        # those of the written levels: compare with a meter fed the truth.
        sigma = 0.5
        b = levels(30000, 10)
        y = pr_signal(b, PR1221, sigma=sigma, seed=6)
        vit = ecdisc.prml_viterbi(PR1221)
        D = vit.latency()
        src = blocks.vector_source_f(y.tolist())
        sm = ecdisc.sam_meter(PR1221, 1.0, D, 0)
        self.tb.connect(src, vit, (sm, 1))
        self.tb.connect(src, (sm, 0))
        truth = ecdisc.sam_meter(PR1221, 1.0, 0, D)
        self.tb.connect(blocks.vector_source_f(y.tolist()), (truth, 0))
        self.tb.connect(blocks.vector_source_b(b.tolist()), (truth, 1))
        self.tb.run()
        self.assertGreater(sm.events(), 8000)
        self.assertLessEqual(truth.events() - sm.events(), D)
        self.assertAlmostEqual(sm.sam_mean(), truth.sam_mean(), delta=0.01)
        self.assertAlmostEqual(sm.sam_sigma(), truth.sam_sigma(), delta=0.01)
        d = math.sqrt(4.0 * sum(v * v for v in PR1221))
        self.assertAlmostEqual(sm.sam_sigma(), 2 * sigma / d, delta=0.1 * 2 * sigma / d)

    def test_sam_stats_messages(self):
        b = levels(20000, 9)
        y = pr_signal(b, PR1221, sigma=0.3, seed=5)
        sm = ecdisc.sam_meter(PR1221, 1.0, 0, 0, 3000)
        dbg = blocks.message_debug()
        self.tb.connect(blocks.vector_source_f(y.tolist()), (sm, 0))
        self.tb.connect(blocks.vector_source_b(b.tolist()), (sm, 1))
        self.tb.msg_connect(sm, "stats", dbg, "store")
        self.tb.run()
        n = sm.events() // 3000
        self.assertGreaterEqual(n, 2)
        self.assertEqual(dbg.num_messages(), n)
        last = dbg.get_message(n - 1)
        self.assertEqual(pmt.to_uint64(pmt.dict_ref(last, pmt.intern("events"), pmt.PMT_NIL)),
                         3000 * n)
        m = pmt.to_double(pmt.dict_ref(last, pmt.intern("sam_mean"), pmt.PMT_NIL))
        self.assertAlmostEqual(m, 1.0, delta=0.05)

    def test_bad_parameters(self):
        cases = [
            ("sps", lambda: ecdisc.jitter_meter(1.0)),
            ("sps", lambda: ecdisc.jitter_meter(20.0)),
            ("settle_edges", lambda: ecdisc.jitter_meter(4.0, -5)),
            ("fit_edges", lambda: ecdisc.jitter_meter(4.0, 100, 2)),
            ("stats_every", lambda: ecdisc.jitter_meter(4.0, 100, 100, -1)),
            ("target", lambda: ecdisc.sam_meter([1.0])),
            ("target", lambda: ecdisc.sam_meter([0.0, 0.0, 0.0])),
            ("scale", lambda: ecdisc.sam_meter(PR1221, -1.0)),
            ("delay", lambda: ecdisc.sam_meter(PR1221, 1.0, -1)),
            ("skip", lambda: ecdisc.sam_meter(PR1221, 1.0, 0, -3)),
            ("stats_every", lambda: ecdisc.sam_meter(PR1221, 1.0, 0, 0, -2)),
        ]
        for key, make in cases:
            with self.assertRaises(ValueError) as cm:
                make()
            self.assertTrue(str(cm.exception).startswith(key + " = "), str(cm.exception))


if __name__ == "__main__":
    gr_unittest.run(qa_quality)
