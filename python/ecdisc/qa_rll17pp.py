#!/usr/bin/env python3
# This file is part of gr-ecdisc.
# SPDX-License-Identifier: GPL-3.0-or-later
"""QA for rll17pp_encoder and rll17pp_decoder in real flowgraphs."""

import math
import random

import pmt
from gnuradio import blocks, gr, gr_unittest
from gnuradio import ecdisc

SYNC = [0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0]


def frame_bits(fb, dci):
    """lib/rll17pp.h: I = 32 + 8 fb, G = ceil(I/dci), T = even(I+G) + 2."""
    i = 32 + 8 * fb
    t = i + math.ceil(i / dci)
    t += t % 2
    return 24 + 3 * (t + 2) // 2


def tags_by_key(sink, key):
    return [(t.offset, pmt.to_uint64(t.value)) for t in sink.tags()
            if pmt.symbol_to_string(t.key) == key]


def run_lengths(bits):
    ones = [i for i, b in enumerate(bits) if b]
    return [b - a for a, b in zip(ones, ones[1:])]


class qa_rll17pp(gr_unittest.TestCase):

    def setUp(self):
        self.tb = gr.top_block()

    def tearDown(self):
        self.tb = None

    def encode(self, data, fb, first=0, dci=45):
        src = blocks.vector_source_b(data)
        enc = ecdisc.rll17pp_encoder(fb, first, dci)
        snk = blocks.vector_sink_b()
        tb = gr.top_block()
        tb.connect(src, enc, snk)
        tb.run()
        return list(snk.data()), snk, enc

    def test_encoder_frames(self):
        fb, nf = 40, 12
        rng = random.Random(1)
        data = [rng.getrandbits(8) for _ in range(fb * nf + 7)]
        bits, snk, enc = self.encode(data, fb, first=100, dci=30)
        fbits = frame_bits(fb, 30)
        self.assertEqual(enc.frame_bits(), fbits)
        self.assertEqual(len(bits), nf * fbits)  # the last 7 bytes wait
        self.assertEqual(tags_by_key(snk, "frame"),
                         [(k * fbits, 100 + k) for k in range(nf)])
        for k in range(nf):
            self.assertEqual(bits[k * fbits:k * fbits + 24], SYNC)
        runs = run_lengths(bits)
        self.assertTrue(all(2 <= r <= 9 for r in runs))
        self.assertEqual(runs.count(9), 2 * nf)  # only the syncs' 9T runs
        most, cur = 0, 0
        for r in runs:
            cur = cur + 1 if r == 2 else 0
            most = max(most, cur)
        self.assertLessEqual(most, 6)
        # RDS of the NRZI levels, computed here
        level, rds, worst = -1, 0, 0
        for b in bits:
            level = -level if b else level
            rds += level
            worst = max(worst, abs(rds))
        self.assertEqual(enc.max_abs_rds(), worst)
        self.assertLessEqual(worst, 48)

    def test_round_trip_through_nrzi_with_tags(self):
        fb, nf = 128, 25
        rng = random.Random(2)
        data = [rng.getrandbits(8) for _ in range(fb * nf)]
        src = blocks.vector_source_b(data)
        enc = ecdisc.rll17pp_encoder(fb, 7, 45)
        dec = ecdisc.rll17pp_decoder(fb, 2, 2, 3, 7, 45)
        out = blocks.vector_sink_b()
        flags = blocks.vector_sink_b()
        self.tb.connect(src, enc, ecdisc.nrzi_encoder(0), ecdisc.nrzi_decoder(0), dec)
        self.tb.connect((dec, 0), out)
        self.tb.connect((dec, 1), flags)
        self.tb.run()
        # the last frame waits for a sync after it
        self.assertEqual(list(out.data()), data[:fb * (nf - 1)])
        self.assertEqual(list(flags.data()), [0] * (fb * (nf - 1)))
        self.assertEqual(tags_by_key(out, "frame"),
                         [(k * fb, 7 + k) for k in range(nf - 1)])
        self.assertEqual(tags_by_key(out, "sync_lost"), [])
        self.assertEqual(tags_by_key(out, "erased"), [])
        self.assertTrue(dec.locked())
        self.assertEqual(dec.frames(), nf - 1)
        self.assertEqual(dec.frames_missing(), 0)
        self.assertEqual(dec.rll_violations(), 0)
        self.assertEqual(dec.bytes_erased(), 0)
        self.assertEqual(enc.frames(), nf)

    def test_dropped_bits_give_erased_filler(self):
        fb, nf = 64, 16
        fbits = frame_bits(fb, 45)
        rng = random.Random(3)
        data = [rng.getrandbits(8) for _ in range(fb * nf)]
        bits, _, _ = self.encode(data, fb)
        # 500 bits lost inside frame 6 (its sync and frame 7's stay), and a start
        # 300 bits into frame 0 (keep_m_in_n drops them)
        cut = 6 * fbits + 100
        damaged = bits[:cut] + bits[cut + 500:]
        n = len(damaged)
        src = blocks.vector_source_b(damaged)
        keep = blocks.keep_m_in_n(gr.sizeof_char, n - 300, n, 300)
        dec = ecdisc.rll17pp_decoder(fb, 2, 2, 3, 0, 45)
        out = blocks.vector_sink_b()
        flags = blocks.vector_sink_b()
        self.tb.connect(src, keep, dec)
        self.tb.connect((dec, 0), out)
        self.tb.connect((dec, 1), flags)
        self.tb.run()
        got, fl = list(out.data()), list(flags.data())
        self.assertEqual(len(got), (nf - 1) * fb)
        for k in range(nf - 1):
            part = slice(k * fb, (k + 1) * fb)
            if k in (0, 6):  # cut at the start, bits lost inside
                self.assertEqual(got[part], [0] * fb, k)
                self.assertEqual(fl[part], [1] * fb, k)
            else:
                self.assertEqual(got[part], data[part], k)
                self.assertEqual(fl[part], [0] * fb, k)
        self.assertEqual(tags_by_key(out, "frame"),
                         [(k * fb, k) for k in range(nf - 1)])
        self.assertEqual(tags_by_key(out, "erased"), [(0, 1), (6 * fb, 1)])
        self.assertEqual(tags_by_key(out, "sync_lost"), [(1 * fb, 1), (7 * fb, 1)])
        self.assertEqual(dec.frames_missing(), 2)
        self.assertEqual(dec.bytes_erased(), 2 * fb)
        self.assertEqual(dec.sync_losses(), 1)
        self.assertEqual(dec.missed_syncs(), 3)

    def test_one_output_only(self):
        fb, nf = 16, 6
        rng = random.Random(4)
        data = [rng.getrandbits(8) for _ in range(fb * nf)]
        src = blocks.vector_source_b(data)
        out = blocks.vector_sink_b()
        self.tb.connect(src, ecdisc.rll17pp_encoder(fb), ecdisc.rll17pp_decoder(fb), out)
        self.tb.run()
        self.assertEqual(list(out.data()), data[:fb * (nf - 1)])

    def test_bad_params(self):
        with self.assertRaisesRegex(ValueError, "frame_bytes = 0"):
            ecdisc.rll17pp_encoder(0)
        with self.assertRaisesRegex(ValueError, "dc_interval = 2"):
            ecdisc.rll17pp_encoder(16, 0, 2)
        with self.assertRaisesRegex(ValueError, "first_frame = 16777216"):
            ecdisc.rll17pp_encoder(16, 1 << 24)
        with self.assertRaisesRegex(ValueError, "sync_tolerance = 4"):
            ecdisc.rll17pp_decoder(64, 4)
        with self.assertRaisesRegex(ValueError, "lock_syncs = 0"):
            ecdisc.rll17pp_decoder(64, 2, 0)
        with self.assertRaisesRegex(ValueError, "unlock_misses = 0"):
            ecdisc.rll17pp_decoder(64, 2, 2, 0)


if __name__ == '__main__':
    gr_unittest.run(qa_rll17pp)
