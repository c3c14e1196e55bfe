#!/usr/bin/env python3
# This file is part of gr-ecdisc.
# SPDX-License-Identifier: GPL-3.0-or-later
"""QA for nrzi_encoder and nrzi_decoder in real flowgraphs."""

import random

from gnuradio import blocks, gr, gr_unittest
from gnuradio import ecdisc


class qa_nrzi(gr_unittest.TestCase):

    def setUp(self):
        self.tb = gr.top_block()

    def tearDown(self):
        self.tb = None

    def run_chain(self, data, *chain):
        src = blocks.vector_source_b(data)
        snk = blocks.vector_sink_b()
        self.tb.connect(src, *chain, snk)
        self.tb.run()
        return list(snk.data())

    def test_encoder_known_vector(self):
        enc = ecdisc.nrzi_encoder(0)
        out = self.run_chain([1, 0, 0, 1, 1, 0, 1], enc)
        self.assertEqual(out, [1, 1, 1, 0, 1, 1, 0])
        self.assertEqual(enc.level(), 0)

    def test_decoder_known_vector(self):
        out = self.run_chain([0, 1, 1, 0, 0, 0, 1], ecdisc.nrzi_decoder(0))
        self.assertEqual(out, [0, 1, 0, 1, 0, 0, 1])

    def test_round_trip_matches_gnuradio_diff_coder(self):
        # NRZI is the differential code of gr-digital with modulus 2: the two
        # must agree bit for bit.
        from gnuradio import digital
        rng = random.Random(3)
        data = [rng.getrandbits(1) for _ in range(20000)]
        src = blocks.vector_source_b(data)
        ours = blocks.vector_sink_b()
        theirs = blocks.vector_sink_b()
        back = blocks.vector_sink_b()
        enc = ecdisc.nrzi_encoder(0)
        self.tb.connect(src, enc, ours)
        self.tb.connect(src, digital.diff_encoder_bb(2), theirs)
        self.tb.connect(enc, ecdisc.nrzi_decoder(0), back)
        self.tb.run()
        self.assertEqual(list(ours.data()), list(theirs.data()))
        self.assertEqual(list(back.data()), data)

    def test_bad_initial_level(self):
        with self.assertRaisesRegex(ValueError, "initial_level = 5"):
            ecdisc.nrzi_encoder(5)


if __name__ == '__main__':
    gr_unittest.run(qa_nrzi)
