#!/usr/bin/env python3
# This file is part of gr-ecdisc.
# SPDX-License-Identifier: GPL-3.0-or-later
"""QA for rll17_encoder and rll17_decoder in real flowgraphs."""

import random

import pmt
from gnuradio import blocks, gr, gr_unittest
from gnuradio import ecdisc

SYNC = [0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0]


def tags_by_key(sink, key):
    return [(t.offset, pmt.to_uint64(t.value)) for t in sink.tags()
            if pmt.symbol_to_string(t.key) == key]


def runs_ok(bits):
    """Runs between ones within [2, 8], except runs of 9 (the sync's)."""
    ones = [i for i, b in enumerate(bits) if b]
    return all(2 <= b - a <= 9 for a, b in zip(ones, ones[1:]))


class qa_rll17(gr_unittest.TestCase):

    def setUp(self):
        self.tb = gr.top_block()

    def tearDown(self):
        self.tb = None

    def encode(self, data, frame_bytes):
        src = blocks.vector_source_b(data)
        enc = ecdisc.rll17_encoder(frame_bytes)
        snk = blocks.vector_sink_b()
        tb = gr.top_block()
        tb.connect(src, enc, snk)
        tb.run()
        return list(snk.data()), snk, enc

    def test_encoder_known_frame(self):
        # 0x2D 0x80 = pairs 00 10 11 01 10 00 00 00 (worked by hand)
        bits, snk, enc = self.encode([0x2D, 0x80], 2)
        payload = [int(c) for c in "101001010100001000101000"]
        self.assertEqual(bits, SYNC + payload)
        self.assertEqual(tags_by_key(snk, "frame"), [(0, 0)])
        self.assertEqual(enc.frame_bits(), 48)
        self.assertEqual(enc.frame_bytes(), 2)
        self.assertEqual(enc.frames(), 1)

    def test_encoder_waits_for_whole_frames(self):
        bits, snk, enc = self.encode(list(range(50)), 16)
        self.assertEqual(len(bits), 3 * 216)  # the last 2 bytes wait
        self.assertEqual(tags_by_key(snk, "frame"), [(0, 0), (216, 1), (432, 2)])
        self.assertTrue(runs_ok(bits))

    def test_round_trip_with_frame_tags(self):
        fb, nf = 16, 40
        rng = random.Random(1)
        data = [rng.getrandbits(8) for _ in range(fb * nf)]
        src = blocks.vector_source_b(data)
        enc = ecdisc.rll17_encoder(fb)
        dec = ecdisc.rll17_decoder(fb, 2)
        bits = blocks.vector_sink_b()
        out = blocks.vector_sink_b()
        self.tb.connect(src, enc, dec, out)
        self.tb.connect(enc, bits)
        self.tb.run()
        self.assertEqual(list(out.data()), data)
        self.assertEqual(tags_by_key(out, "frame"),
                         [(k * fb, k) for k in range(nf)])
        self.assertEqual(tags_by_key(out, "sync_lost"), [])
        self.assertEqual(tags_by_key(out, "rll_violations"), [])
        self.assertEqual(tags_by_key(bits, "frame"),
                         [(k * enc.frame_bits(), k) for k in range(nf)])
        self.assertEqual(len(bits.data()), nf * (24 + 12 * fb))
        self.assertTrue(runs_ok(list(bits.data())))
        self.assertTrue(dec.locked())
        self.assertEqual(dec.frames(), nf)
        self.assertEqual(dec.sync_losses(), 0)
        self.assertEqual(dec.rll_violations(), 0)
        self.assertEqual(dec.frames_flagged(), 0)

    def test_round_trip_through_nrzi(self):
        fb, nf = 64, 30
        rng = random.Random(2)
        data = [rng.getrandbits(8) for _ in range(fb * nf)]
        src = blocks.vector_source_b(data)
        out = blocks.vector_sink_b()
        self.tb.connect(src, ecdisc.rll17_encoder(fb), ecdisc.nrzi_encoder(0),
                        ecdisc.nrzi_decoder(0), ecdisc.rll17_decoder(fb, 2), out)
        self.tb.run()
        self.assertEqual(list(out.data()), data)
        self.assertEqual(tags_by_key(out, "frame"),
                         [(k * fb, k) for k in range(nf)])

    def test_small_output_buffer(self):
        # frames larger than the output buffer leave the block in pieces
        fb, nf = 1024, 6
        rng = random.Random(4)
        data = [rng.getrandbits(8) for _ in range(fb * nf)]
        src = blocks.vector_source_b(data)
        dec = ecdisc.rll17_decoder(fb, 2)
        dec.set_max_output_buffer(256)
        out = blocks.vector_sink_b()
        self.tb.connect(src, ecdisc.rll17_encoder(fb), dec, out)
        self.tb.run()
        self.assertEqual(list(out.data()), data)
        self.assertEqual(tags_by_key(out, "frame"),
                         [(k * fb, k) for k in range(nf)])

    def test_deleted_chunk_gives_sync_lost(self):
        fb, nf = 16, 12
        fbits = 24 + 12 * fb
        rng = random.Random(3)
        data = [rng.getrandbits(8) for _ in range(fb * nf)]
        bits, _, _ = self.encode(data, fb)
        # drop 100 channel bits inside the payload of frame 5
        cut = 5 * fbits + 40
        damaged = bits[:cut] + bits[cut + 100:]
        src = blocks.vector_source_b(damaged)
        dec = ecdisc.rll17_decoder(fb, 2)
        out = blocks.vector_sink_b()
        self.tb.connect(src, dec, out)
        self.tb.run()
        got = list(out.data())
        self.assertEqual(len(got), nf * fb)
        frames = [got[k * fb:(k + 1) * fb] for k in range(nf)]
        for k in range(nf):
            if k == 5:
                self.assertNotEqual(frames[k], data[k * fb:(k + 1) * fb])
            else:
                self.assertEqual(frames[k], data[k * fb:(k + 1) * fb], k)
        # sync 6 arrived 100 bits early: frame 6 says so
        self.assertEqual(tags_by_key(out, "sync_lost"), [(6 * fb, 100)])
        self.assertEqual(dec.sync_losses(), 1)

    def test_keep_m_in_n_and_flipped_sync(self):
        # keep_m_in_n drops the first 500 bits: the decoder starts mid-frame,
        # skips to the next sync and tags it; a sync hit by 4 bit errors is
        # lost (tolerance 2) and its frame is not emitted
        fb, nf = 32, 10
        fbits = 24 + 12 * fb
        rng = random.Random(5)
        data = [rng.getrandbits(8) for _ in range(fb * nf)]
        bits, _, _ = self.encode(data, fb)
        for i in (3, 7, 12, 20):
            bits[6 * fbits + i] ^= 1
        src = blocks.vector_source_b(bits)
        n = len(bits)
        keep = blocks.keep_m_in_n(gr.sizeof_char, n - 500, n, 500)
        dec = ecdisc.rll17_decoder(fb, 2)
        out = blocks.vector_sink_b()
        self.tb.connect(src, keep, dec, out)
        self.tb.run()
        got = list(out.data())
        expect_frames = [2, 3, 4, 5, 7, 8, 9]
        self.assertEqual(len(got), len(expect_frames) * fb)
        for i, k in enumerate(expect_frames):
            self.assertEqual(got[i * fb:(i + 1) * fb], data[k * fb:(k + 1) * fb])
        self.assertEqual(tags_by_key(out, "frame"),
                         [(i * fb, i) for i in range(len(expect_frames))])
        # first sync at 2*fbits in the original stream, 500 bits were dropped
        self.assertEqual(tags_by_key(out, "sync_lost"),
                         [(0, 2 * fbits - 500), (4 * fb, fbits)])
        self.assertEqual(dec.sync_losses(), 2)

    def test_bad_params(self):
        with self.assertRaisesRegex(ValueError, "frame_bytes = 0"):
            ecdisc.rll17_encoder(0)
        with self.assertRaisesRegex(ValueError, "frame_bytes = 4097"):
            ecdisc.rll17_decoder(4097, 2)
        with self.assertRaisesRegex(ValueError, "sync_tolerance = 4"):
            ecdisc.rll17_decoder(64, 4)


if __name__ == '__main__':
    gr_unittest.run(qa_rll17)
