#!/usr/bin/env python3
# This file is part of gr-ecdisc.
# SPDX-License-Identifier: GPL-3.0-or-later
"""QA: recording and reading as separate flowgraphs through a disc image."""

import os
import tempfile

from gnuradio import blocks, gr, gr_unittest
from gnuradio import ecdisc

SPS = 4
TRACK_BITS = 512
REV = SPS * TRACK_BITS


def run(medium, p0, p1):
    tb = gr.top_block()
    s0, s1 = blocks.vector_sink_f(), blocks.vector_sink_f()
    tb.connect(blocks.vector_source_f(p0), (medium, 0), s0)
    tb.connect(blocks.vector_source_f(p1), (medium, 1), s1)
    tb.run()
    return list(s1.data())


def new_medium():
    m = ecdisc.medium_sim("", SPS, TRACK_BITS, [1, 0], [1.5, 0.0, 0.0, 0.0], 1)
    m.set_noise_scale(0.0)
    return m


class qa_medium_image(gr_unittest.TestCase):

    def setUp(self):
        gr.logging().set_default_level(gr.log_levels.warn)
        self.dir = tempfile.TemporaryDirectory()
        self.path = os.path.join(self.dir.name, "disc.img")

    def tearDown(self):
        self.dir.cleanup()

    def test_read_in_a_second_flowgraph_matches_reading_in_place(self):
        # Marks of 40 samples every 120 at 6 mW, assist at 3 mW: one revolution.
        write1 = [6.0 if (i // 40) % 3 == 0 else 0.5 for i in range(REV)]
        write0 = [3.0] * REV
        read1, read0 = [0.5] * REV, [0.0] * REV

        a = new_medium()
        run(a, write0, write1)
        a.save_image(self.path)
        mean_written = a.mean_state(0)
        in_place = run(a, read0, read1)

        b = new_medium()
        b.load_image(self.path)
        self.assertEqual(b.revolution(), 1)
        self.assertEqual(b.mean_state(0), mean_written)
        from_image = run(b, read0, read1)
        self.assertFloatTuplesAlmostEqual(from_image, in_place, 6)
        # and the marks are there: contrast between mark and space reads
        self.assertGreater(max(from_image) - min(from_image), 0.005)

    def test_bad_images_are_refused(self):
        a = new_medium()
        a.save_image(self.path)
        with open(self.path, "r+b") as f:
            f.seek(100)
            byte = f.read(1)
            f.seek(100)
            f.write(bytes([byte[0] ^ 0xFF]))
        with self.assertRaisesRegex(ValueError, "checksum mismatch"):
            new_medium().load_image(self.path)
        other = ecdisc.medium_sim("", SPS, 2 * TRACK_BITS, [1, 0], [1.5, 0.0, 0.0, 0.0], 1)
        a.save_image(self.path)
        with self.assertRaisesRegex(ValueError, "made for medium"):
            other.load_image(self.path)


if __name__ == '__main__':
    gr_unittest.run(qa_medium_image)
