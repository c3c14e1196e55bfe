#!/usr/bin/env python3
# This file is part of gr-ecdisc.
# SPDX-License-Identifier: GPL-3.0-or-later
"""QA for prml_viterbi in real flowgraphs:
levels -> 2x-1 -> PR target FIR -> + Gaussian noise (+ injected errors)
-> prml_viterbi -> bits and reliability."""

import random
import statistics

from gnuradio import analog, blocks, filter, gr, gr_unittest
from gnuradio import ecdisc

PR1221 = [1.0, 2.0, 2.0, 1.0]


def run_lengths(n, seed):
    """NRZI levels, runs of 2..8 (d = 1), starting with a long run."""
    rng = random.Random(seed)
    out, lv = [0] * 10, 1
    while len(out) < n:
        out += [lv] * rng.randint(2, 8)
        lv ^= 1
    return out[:n]


class qa_prml_viterbi(gr_unittest.TestCase):

    def setUp(self):
        self.tb = gr.top_block()

    def tearDown(self):
        self.tb = None

    def run_chain(self, bits, target, sigma, perturb=None, fir_taps=None, **kw):
        src = blocks.vector_source_f([2.0 * b - 1.0 for b in bits])
        fir = filter.fir_filter_fff(1, fir_taps or target)
        noise = analog.noise_source_f(analog.GR_GAUSSIAN, sigma, 7)
        add = blocks.add_ff()
        det = ecdisc.prml_viterbi(target, **kw)
        snk = blocks.vector_sink_b()
        rel = blocks.vector_sink_f()
        self.tb.connect(src, fir, (add, 0))
        self.tb.connect(noise, (add, 1))
        if perturb is not None:
            self.tb.connect(blocks.vector_source_f(perturb), (add, 2))
        self.tb.connect(add, det)
        self.tb.connect((det, 0), snk)
        self.tb.connect((det, 1), rel)
        self.tb.run()
        return det, list(snk.data()), list(rel.data())

    def check_exact(self, target, sigma, **kw):
        bits = run_lengths(20000, 3)
        det, out, rel = self.run_chain(bits, target, sigma, **kw)
        lat = det.latency()
        # fir_filter_fff may hold back the last few (unaligned) items
        self.assertGreater(len(out), len(bits) - 16)
        self.assertEqual(out[:lat], [0] * lat)
        self.assertEqual(rel[:lat], [0.0] * lat)
        # the FIR starts from zeros (not a level): skip the first bits
        self.assertEqual(out[lat + 8:], bits[8:len(out) - lat])
        return det

    def test_001_high_snr_pr1221(self):
        det = self.check_exact(PR1221, 0.2)
        self.assertEqual(det.latency(), 128)
        self.assertEqual(det.num_states(), 8)

    def test_002_high_snr_pr12221_custom_delay(self):
        det = self.check_exact([1.0, 2.0, 2.0, 2.0, 1.0], 0.2, decision_delay=60)
        self.assertEqual(det.latency(), 60)
        self.assertEqual(det.num_states(), 16)

    def test_003_custom_and_scaled_target(self):
        bits = run_lengths(5000, 4)
        det, out, _ = self.run_chain(bits, [0.4, 1.0, 0.6], 0.1, decision_delay=64)
        self.assertEqual(out[64 + 8:], bits[8:len(out) - 64])
        # the channel at half the target's amplitude, told by scale
        self.tb = gr.top_block()
        det, out, _ = self.run_chain(bits, PR1221, 0.1, fir_taps=[0.5, 1.0, 1.0, 0.5],
                                     decision_delay=64, scale=0.5)
        self.assertEqual(out[64 + 8:], bits[8:len(out) - 64])

    def test_004_reliability_low_at_injected_errors(self):
        n = 40000
        bits = run_lengths(n, 5)
        # Inject single transition shifts: at p (start of a run >= 3 after a
        # run >= 2) add 0.6 of the signal difference to the sequence with
        # x[p] flipped: the received signal is then nearer that sequence.
        perturb = [0.0] * n
        injected = []
        p = 300
        while p < n - 300:
            if (bits[p] != bits[p - 1] and bits[p - 1] == bits[p - 2]
                    and bits[p] == bits[p + 1] == bits[p + 2]):
                da = -2.0 * (2 * bits[p] - 1)
                for i, h in enumerate(PR1221):
                    perturb[p + i] += 0.6 * h * da
                injected.append(p)
                p += 250
            else:
                p += 1
        self.assertGreater(len(injected), 100)
        det, out, rel = self.run_chain(bits, PR1221, 0.3, perturb)
        lat = det.latency()
        dec = out[lat:]
        r = rel[lat:]
        m = len(dec)
        errors = [j for j in range(20, m) if dec[j] != bits[j]]
        hit = [p for p in injected if p < m and dec[p] != bits[p]]
        # the injected shifts come out as errors, and (nearly) nothing else
        self.assertGreater(len(hit), 0.9 * len([p for p in injected if p < m]))
        self.assertLess(len(errors), len(hit) + 5)
        near = set()
        for p in injected:
            near.update(range(p - 3, p + 4))
        rel_err = [r[p] for p in hit]
        rel_far = [r[j] for j in range(20, m) if j not in near]
        med_far = statistics.median(rel_far)
        print('%d injected, %d hit, %d errors; reliability at errors: mean %.2f max %.2f;'
              ' elsewhere: median %.2f mean %.2f'
              % (len(injected), len(hit), len(errors), statistics.mean(rel_err),
                 max(rel_err), med_far, statistics.mean(rel_far)))
        # the reliability at the injected errors is far below the typical
        # value (the margin there is about (1 - 2 * 0.6) ... of d2min = 40)
        self.assertLess(max(rel_err), 0.25 * med_far)
        self.assertLess(statistics.mean(rel_err), 0.1 * statistics.mean(rel_far))
        # a window around each injected error holds the lowest value
        for p in hit:
            self.assertLessEqual(r[p], min(r[p - 3:p + 4]) + 1e-6)

    def test_006_parallel_segment_mode(self):
        # segment-parallel mode (P = 256): the same decisions at high SNR,
        # with the latency 4 P + D - 1 (on x86; elsewhere the mode is
        # ignored and parallel_segment() reads 0)
        bits = run_lengths(20000, 5)
        src = blocks.vector_source_f([2.0 * b - 1.0 for b in bits])
        fir = filter.fir_filter_fff(1, PR1221)
        noise = analog.noise_source_f(analog.GR_GAUSSIAN, 0.2, 9)
        add = blocks.add_ff()
        det = ecdisc.prml_viterbi(PR1221, 0, 1.0, 256)
        snk = blocks.vector_sink_b()
        self.tb.connect(src, fir, (add, 0))
        self.tb.connect(noise, (add, 1))
        self.tb.connect(add, det, snk)
        self.tb.run()
        p = det.parallel_segment()
        self.assertIn(p, (0, 256))
        lat = det.latency()
        self.assertEqual(lat, 4 * 256 + 128 - 1 if p else 128)
        out = list(snk.data())
        self.assertGreater(len(out), len(bits) - 16)
        self.assertEqual(out[:lat], [0] * lat)
        self.assertEqual(out[lat + 8:], bits[8:len(out) - lat])
        # the reliability output is refused in this mode
        if p:
            tb = gr.top_block()
            det2 = ecdisc.prml_viterbi(PR1221, 0, 1.0, 256)
            tb.connect(blocks.vector_source_f([0.0] * 100), det2)
            tb.connect((det2, 0), blocks.null_sink(1))
            tb.connect((det2, 1), blocks.null_sink(4))
            with self.assertRaises(RuntimeError):
                tb.run()

    def test_005_bad_parameters(self):
        with self.assertRaises(ValueError):
            ecdisc.prml_viterbi([1.0])
        with self.assertRaises(ValueError):
            ecdisc.prml_viterbi(PR1221, 4)
        with self.assertRaises(ValueError):
            ecdisc.prml_viterbi(PR1221, 0, -1.0)
        with self.assertRaisesRegex(ValueError, "parallel_segment"):
            ecdisc.prml_viterbi(PR1221, 0, 1.0, 100)


if __name__ == '__main__':
    gr_unittest.run(qa_prml_viterbi)
