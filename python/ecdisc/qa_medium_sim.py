#!/usr/bin/env python3
# This file is part of gr-ecdisc.
# SPDX-License-Identifier: GPL-3.0-or-later
"""QA for medium_sim in real flowgraphs."""

import math
import os
import time

import pmt
from gnuradio import blocks, gr, gr_unittest
from gnuradio import ecdisc

SOURCE_DIR = os.environ.get(
    "ECDISC_SOURCE_DIR",
    os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))


def default_layers():
    """Layer reflectances of media/default.yml, read independently."""
    import yaml
    with open(os.path.join(SOURCE_DIR, "media", "default.yml")) as f:
        return yaml.safe_load(f)["layers"]


class qa_medium_sim(gr_unittest.TestCase):

    SPS = 4
    TRACK_BITS = 1024

    def setUp(self):
        self.tb = gr.top_block()

    def tearDown(self):
        self.tb = None

    def run_medium(self, medium, powers):
        sinks = []
        for beam, p in enumerate(powers):
            src = blocks.vector_source_f(p)
            snk = blocks.vector_sink_f()
            self.tb.connect(src, (medium, beam))
            self.tb.connect((medium, beam), snk)
            sinks.append(snk)
        self.tb.run()
        return [list(s.data()) for s in sinks]

    def test_write_then_read_contrast(self):
        # Write a long mark on layer 0 (recording beam 1 at 6 mW, assist beam
        # 0 at 3 mW on layer 1, 1.5 V on layer 0), read it on the next
        # revolution at 0.5 mW.
        rev = self.SPS * self.TRACK_BITS
        a, b = 1000, 1800
        write_rec = [6.0 if a <= i < b else 0.5 for i in range(rev)]
        write_assist = [3.0] * rev
        read = [0.5] * rev
        medium = ecdisc.medium_sim("", self.SPS, self.TRACK_BITS, [1, 0],
                                   [1.5, 0.0], 1)
        medium.set_noise_scale(0)
        out = self.run_medium(medium, [write_assist + read, write_rec + read])
        self.assertEqual(medium.revolution(), 2)
        sig = out[1][rev:]
        mark = sum(sig[1300:1500]) / 200
        space = sum(sig[2500:2700]) / 200
        layers = default_layers()
        rb = layers[0]["reflectance_bleached"]
        rc = layers[0]["reflectance_coloured"]
        ratio = mark / space
        # a fully coloured mark would give rc/rb; c >= 0.85 in the mark
        # bounds the contrast from the other side
        self.assertGreater(ratio, 0.98 * rc / rb)
        self.assertLess(ratio, 1.02 * (rb + 0.85 * (rc - rb)) / rb)
        # the space reads the bleached reflectance (within the 1 % of
        # defocused crosstalk from layer 1)
        self.assertAlmostEqual(space / (0.5 * rb), 1.0, delta=0.02)
        # the time kept running over two revolutions
        t_rev = 2 * math.pi * 0.040 / 4.92
        self.assertAlmostEqual(medium.time_s(), 2 * t_rev, delta=1e-9)
        self.assertGreater(medium.mean_state(0), 0.1)
        self.assertLess(medium.mean_state(1), 1e-9)
        self.assertGreaterEqual(medium.assist_speedup(), 2.0)

    def test_tags(self):
        rev = self.SPS * self.TRACK_BITS
        medium = ecdisc.medium_sim("", self.SPS, self.TRACK_BITS, [1, 0], [], 1)
        src0 = blocks.vector_source_f([0.5] * (2 * rev + 10))
        src1 = blocks.vector_source_f([0.5] * (2 * rev + 10))
        snk0 = blocks.vector_sink_f()
        snk1 = blocks.vector_sink_f()
        self.tb.connect(src0, (medium, 0), snk0)
        self.tb.connect(src1, (medium, 1), snk1)
        self.tb.run()
        revs = [(t.offset, pmt.to_uint64(t.value)) for t in snk0.tags()
                if pmt.symbol_to_string(t.key) == "revolution"]
        self.assertEqual(revs, [(rev, 1), (2 * rev, 2)])
        for snk, layer in ((snk0, 1), (snk1, 0)):
            tags = [(t.offset, pmt.to_long(t.value)) for t in snk.tags()
                    if pmt.symbol_to_string(t.key) == "layer"]
            self.assertEqual(tags, [(0, layer)])

    def test_bad_parameters(self):
        with self.assertRaisesRegex(ValueError, "sps = 40"):
            ecdisc.medium_sim("", 40, 1024, [1, 0], [], 1)
        with self.assertRaisesRegex(ValueError, "track_bits = 10"):
            ecdisc.medium_sim("", 4, 10, [1, 0], [], 1)
        with self.assertRaisesRegex(ValueError, r"focus_layers\[1\] = 5"):
            ecdisc.medium_sim("", 4, 1024, [1, 5], [], 1)
        with self.assertRaisesRegex(ValueError, "layer_voltages size = 3"):
            ecdisc.medium_sim("", 4, 1024, [1, 0], [1.0, 0.0, 0.0], 1)
        with self.assertRaisesRegex(ValueError, "medium_file = /no/such.yml"):
            ecdisc.medium_sim("/no/such.yml", 4, 1024, [1, 0], [], 1)
        medium = ecdisc.medium_sim("", 4, 1024, [1, 0], [], 1)
        with self.assertRaisesRegex(ValueError, "volts = 20"):
            medium.set_layer_voltage(0, 20.0)

    def test_voltage_message_port(self):
        medium = ecdisc.medium_sim("", 4, 1024, [1, 0], [], 1)
        src0 = blocks.vector_source_f([0.5] * 4096, True)
        src1 = blocks.vector_source_f([0.5] * 4096, True)
        self.tb.connect(src0, (medium, 0), blocks.null_sink(gr.sizeof_float))
        self.tb.connect(src1, (medium, 1), blocks.null_sink(gr.sizeof_float))
        self.tb.start()
        try:
            port = pmt.intern("voltage")
            # bad messages are logged and ignored
            medium._post(port, pmt.intern("garbage"))
            bad = pmt.make_dict()
            bad = pmt.dict_add(bad, pmt.intern("layer"), pmt.from_long(7))
            bad = pmt.dict_add(bad, pmt.intern("volts"), pmt.from_double(1.0))
            medium._post(port, bad)
            msg = pmt.make_dict()
            msg = pmt.dict_add(msg, pmt.intern("layer"), pmt.from_long(1))
            msg = pmt.dict_add(msg, pmt.intern("volts"), pmt.from_double(-1.25))
            medium._post(port, msg)
            focus = pmt.make_dict()
            focus = pmt.dict_add(focus, pmt.intern("beam"), pmt.from_long(0))
            focus = pmt.dict_add(focus, pmt.intern("layer"), pmt.from_long(0))
            medium._post(pmt.intern("focus"), focus)
            deadline = time.time() + 10
            while time.time() < deadline and (medium.layer_voltage(1) != -1.25
                                              or medium.focus_layer(0) != 0):
                time.sleep(0.01)
        finally:
            self.tb.stop()
            self.tb.wait()
        self.assertEqual(medium.layer_voltage(1), -1.25)
        self.assertEqual(medium.layer_voltage(0), 0.0)
        self.assertEqual(medium.focus_layer(0), 0)


if __name__ == '__main__':
    gr_unittest.run(qa_medium_sim)
