#!/usr/bin/env python3
# This file is part of gr-ecdisc.
# SPDX-License-Identifier: GPL-3.0-or-later
"""QA for write_strategy in real flowgraphs."""

import os
import random
import shutil
import tempfile

import numpy as np

import pmt
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


def marks_of(levels):
    """(start, length) of every run of ones."""
    lv = np.concatenate(([0], np.asarray(levels, dtype=int), [0]))
    d = np.diff(lv)
    starts, ends = np.flatnonzero(d == 1), np.flatnonzero(d == -1)
    return list(zip(starts, ends - starts))


def reference(levels, sps, write, space, assist, lead, tail, mode='single',
              t_top=0.5, t_mp=0.5, t_lp=0.5, t_cool=0.5, bias=1.0, cooling=0.5,
              middle=4.0, assist_mode='cw', assist_lead=0.5, delay=0):
    """numpy reference of both beams, in absolute output time: each mark
    paints its cooling gap, its window W = [lead, n - tail) and its pulses
    (write > bias/middle > cooling > space); latency D bits, D = 1 for
    single, 2 otherwise; beam 1 delayed by `delay` samples."""
    nsamp = len(levels) * sps
    t = (np.arange(nsamp) + 0.5) / sps
    D = 1 if mode == 'single' else 2
    level = np.zeros(nsamp, dtype=int)
    gate = np.zeros(nsamp, dtype=bool)
    for s, n in marks_of(levels):
        a = s + D
        w_lo, w_hi = a + lead, a + n - tail
        if not w_lo < w_hi:
            continue
        inside = (t >= w_lo) & (t < w_hi)
        gate |= (t >= w_lo - assist_lead) & (t < w_hi)
        if mode == 'single':
            pulses = [(w_lo, w_hi)]
        elif mode == 'multi_pulse':
            pulses = [(a + lead + k, a + lead + k +
                       (t_top if k == 0 else t_lp if k == n - 2 else t_mp))
                      for k in range(max(1, n - 1))]
        else:
            pulses = [(w_lo, w_lo + t_top), (w_hi - t_lp, w_hi)]
        lv = np.where(inside, 2, 0)
        if mode != 'single':
            lv[(t >= w_hi) & (t < w_hi + t_cool)] = 1
        for lo, hi in pulses:
            lv[inside & (t >= lo) & (t < hi)] = 3
        level = np.maximum(level, lv)
    mw = np.array([space, cooling, middle if mode == 'castle' else bias, write],
                  dtype=np.float32)
    b1 = mw[level]
    b1 = np.concatenate((np.full(delay, space, dtype=np.float32), b1))[:nsamp]
    b0 = np.where(gate, assist, 0.0) if assist_mode == 'gated' else np.full(nsamp, assist)
    return b0.astype(np.float32), b1


TABLE = """
name: t
layers:
  - {layer: 0, write_power_mw: 5.0, space_power_mw: 0.4, assist_power_mw: 2.0,
     record_voltage_v: 1.1}
  - {layer: 1, write_power_mw: 9.0, space_power_mw: 0.7, assist_power_mw: 4.0,
     record_voltage_v: -1.2}
"""


class qa_write_strategy(gr_unittest.TestCase):

    def setUp(self):
        self.tb = gr.top_block()
        self.tmp = tempfile.mkdtemp()

    def tearDown(self):
        self.tb = None
        shutil.rmtree(self.tmp)

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

    def run_all(self, levels, ws):
        src = blocks.vector_source_b(levels)
        sinks = [blocks.vector_sink_f() for _ in range(3)]
        self.tb.connect(src, ws)
        for k, snk in enumerate(sinks):
            self.tb.connect((ws, k), snk)
        self.tb.run()
        return [np.array(snk.data(), dtype=np.float32) for snk in sinks]

    def test_multi_pulse_matches_numpy(self):
        # Parameters on a 0.05 T grid, sps 8: no sample falls on an edge.
        levels = run_lengths(20000, 7)
        kw = dict(mode='multi_pulse', t_top=0.6, t_mp=0.4, t_lp=0.55, t_cool=0.7,
                  bias_power_mw=1.0, cooling_power_mw=0.3, assist_mode='gated',
                  assist_lead=0.35, beam_delay_samples=37, record_voltage_v=2.5)
        ws = ecdisc.write_strategy(8, 6.0, 0.5, 3.0, 0.25, 0.75, **kw)
        self.assertEqual(ws.latency_samples(), 16)
        self.assertEqual(ws.mode(), 'multi_pulse')
        b0, b1, v = self.run_all(levels, ws)
        e0, e1 = reference(levels, 8, 6.0, 0.5, 3.0, 0.25, 0.75, 'multi_pulse',
                           0.6, 0.4, 0.55, 0.7, 1.0, 0.3, 4.0, 'gated', 0.35, 37)
        self.assertEqual(len(b1), len(levels) * 8)
        np.testing.assert_array_equal(b1, e1)
        np.testing.assert_array_equal(b0, e0)
        np.testing.assert_array_equal(v, np.full(len(levels) * 8, 2.5, np.float32))
        # write, bias, cooling and space all occur
        self.assertEqual(set(np.unique(b1)), set(np.float32([6.0, 1.0, 0.3, 0.5])))

    def test_castle_matches_numpy(self):
        levels = run_lengths(20000, 8)
        ws = ecdisc.write_strategy(16, 8.0, 0.7, 1.0, 0.1, 0.2, 'castle', 1.65, 0.5,
                                   1.7, 0.45, 1.0, 0.1, 5.0)
        b0, b1, _ = self.run_all(levels, ws)
        e0, e1 = reference(levels, 16, 8.0, 0.7, 1.0, 0.1, 0.2, 'castle',
                           1.65, 0.5, 1.7, 0.45, 1.0, 0.1, 5.0)
        np.testing.assert_array_equal(b1, e1)
        np.testing.assert_array_equal(b0, e0)
        self.assertIn(5.0, set(b1))

    def test_six_argument_form_unchanged(self):
        # The 6-argument form, the same with every new parameter at its
        # default, and the numpy single-pulse reference agree sample for
        # sample; only two outputs need to be connected.
        levels = run_lengths(5000, 3)
        a = ecdisc.write_strategy(4, 6.0, 0.5, 3.0, 0.25, 0.75)
        b = ecdisc.write_strategy(4, 6.0, 0.5, 3.0, 0.25, 0.75, 'single', 0.5, 0.5,
                                  0.5, 0.5, 1.0, 0.5, 4.0, 'cw', 0.5, 0, 0.0)
        a0, a1 = self.run_ws(levels, a)
        self.tb = gr.top_block()
        b0, b1, bv = self.run_all(levels, b)
        e0, e1 = reference(levels, 4, 6.0, 0.5, 3.0, 0.25, 0.75)
        np.testing.assert_array_equal(np.array(a1, np.float32), e1)
        np.testing.assert_array_equal(np.array(a0, np.float32), e0)
        np.testing.assert_array_equal(b1, e1)
        np.testing.assert_array_equal(b0, e0)
        np.testing.assert_array_equal(bv, np.zeros(len(levels) * 4, np.float32))
        self.assertEqual(a.latency_samples(), 4)
        self.assertEqual(a.beam_delay_samples(), 0)

    def test_strategy_setters(self):
        ws = ecdisc.write_strategy(mode='castle')
        ws.set_strategy_powers(1.0, 0.2, 5.0)
        self.assertEqual((ws.bias_power_mw(), ws.cooling_power_mw(), ws.middle_power_mw()),
                         (1.0, 0.2, 5.0))
        with self.assertRaisesRegex(ValueError, "middle_power_mw = 7"):
            ws.set_strategy_powers(1.0, 0.2, 7.0)
        ws.set_record_voltage_v(-1.5)
        self.assertEqual(ws.record_voltage_v(), -1.5)
        with self.assertRaisesRegex(ValueError, "record_voltage_v = 11"):
            ws.set_record_voltage_v(11.0)

    def test_bad_strategy_parameters(self):
        with self.assertRaisesRegex(ValueError, "mode = dual"):
            ecdisc.write_strategy(mode='dual')
        with self.assertRaisesRegex(ValueError, "assist_mode = pulsed"):
            ecdisc.write_strategy(assist_mode='pulsed')
        with self.assertRaisesRegex(ValueError, "t_mp = 1.5"):
            ecdisc.write_strategy(mode='multi_pulse', t_mp=1.5)
        with self.assertRaisesRegex(ValueError, "t_lp = 1.2"):
            ecdisc.write_strategy(mode='castle', t_lp=1.2)
        with self.assertRaisesRegex(ValueError, "bias_power_mw = 7"):
            ecdisc.write_strategy(mode='multi_pulse', bias_power_mw=7.0)
        with self.assertRaisesRegex(ValueError, "beam_delay_samples = -3"):
            ecdisc.write_strategy(beam_delay_samples=-3)

    def test_power_table_layer_tag_switches_at_the_bit(self):
        # Layer 0 of the table at start; a "layer" tag on input bit 8 selects
        # layer 1 (9 mW write, 0.7 mW space, 4 mW assist, -1.2 V). With one
        # bit of latency the bits before the tag leave at the old powers and
        # output bit 8 onwards (sample 32) at the new ones.
        table = os.path.join(self.tmp, "p.yml")
        with open(table, "w") as f:
            f.write(TABLE)
        ws = ecdisc.write_strategy(4, 6.0, 0.5, 3.0, 0.25, 0.75,
                                   record_voltage_v=0.0, power_table_file=table, layer=0)
        self.assertEqual(ws.layer(), 0)
        self.assertEqual(ws.write_power_mw(), 5.0)
        levels = [0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0]
        tag = gr.tag_utils.python_to_tag((8, pmt.intern("layer"), pmt.from_long(1)))
        src = blocks.vector_source_b(levels, False, 1, [tag])
        s0, s1, sv = blocks.vector_sink_f(), blocks.vector_sink_f(), blocks.vector_sink_f()
        self.tb.connect(src, ws)
        self.tb.connect((ws, 0), s0)
        self.tb.connect((ws, 1), s1)
        self.tb.connect((ws, 2), sv)
        self.tb.run()
        # 3T mark at input bits 9..11 -> output bits 10..12, write power over
        # [10.25, 12.25) T = samples 41..48
        b1 = [9.0 if 41 <= j <= 48 else (0.7 if j >= 32 else 0.4) for j in range(64)]
        self.assertFloatTuplesAlmostEqual(s1.data(), b1, 6)
        self.assertFloatTuplesAlmostEqual(s0.data(), [2.0] * 32 + [4.0] * 32, 6)
        self.assertFloatTuplesAlmostEqual(sv.data(), [1.1] * 32 + [-1.2] * 32, 6)
        out_tags = [(t.offset, pmt.to_long(t.value)) for t in s1.tags()
                    if pmt.symbol_to_string(t.key) == "layer"]
        self.assertEqual(out_tags, [(32, 1)])
        self.assertEqual(ws.layer(), 1)

    def test_power_table_message_and_bad_layers(self):
        table = os.path.join(self.tmp, "p.yml")
        with open(table, "w") as f:
            f.write(TABLE)
        ws = ecdisc.write_strategy(power_table_file=table)
        self.assertEqual(ws.layer(), -1)
        self.assertEqual(ws.write_power_mw(), 6.0)  # no entry applied yet
        with self.assertRaisesRegex(ValueError, r"layer = 5: not in power table t \(layers 0, 1\)"):
            ws.set_layer(5)
        ws.set_layer(1)
        self.assertEqual(ws.layer(), 1)
        b0, b1 = self.run_ws([0] * 8, ws)
        self.assertEqual(b0, [4.0] * 32)
        self.assertAlmostEqual(ws.space_power_mw(), 0.7)
        # a message on port "layer" (queued before the flowgraph starts, so
        # handled before the first call to work) selects layer 0
        ws2 = ecdisc.write_strategy(power_table_file=table, layer=1)
        ws2._post(pmt.intern("layer"), pmt.to_pmt({"layer": 0}))
        self.tb = gr.top_block()
        b0, b1 = self.run_ws([0] * 8, ws2)
        self.assertEqual(ws2.layer(), 0)
        self.assertEqual(b0, [2.0] * 32)
        with self.assertRaisesRegex(ValueError, "layer = 2: needs a power_table_file"):
            ecdisc.write_strategy(layer=2)
        with self.assertRaisesRegex(ValueError, "power_table_file = /nonexistent.yml"):
            ecdisc.write_strategy(power_table_file="/nonexistent.yml")

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
