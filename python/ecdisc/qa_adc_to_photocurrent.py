#!/usr/bin/env python3
# This file is part of gr-ecdisc.
# SPDX-License-Identifier: GPL-3.0-or-later
"""QA for adc_to_photocurrent in real flowgraphs."""

import os
import tempfile
import time

import numpy
import pmt
from gnuradio import blocks, gr, gr_unittest
from gnuradio import ecdisc

SOURCE_DIR = os.environ.get(
    "ECDISC_SOURCE_DIR",
    os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
EXAMPLE = os.path.join(SOURCE_DIR, "media", "bench_calibration_example.yml")
ECDISC_ID = os.path.join(SOURCE_DIR, "media", "bench_calibration_ecdisc.yml")


class qa_adc_to_photocurrent(gr_unittest.TestCase):

    def setUp(self):
        self.tb = gr.top_block()
        self.tmp = tempfile.TemporaryDirectory()

    def tearDown(self):
        self.tb = None
        self.tmp.cleanup()

    def write(self, text, name="bench.yml"):
        path = os.path.join(self.tmp.name, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def run_block(self, data, blk, tags=()):
        src = blocks.vector_source_f(list(map(float, data)), False, 1, list(tags))
        snk = blocks.vector_sink_f()
        self.tb.connect(src, blk, snk)
        self.tb.run()
        return numpy.array(snk.data()), snk

    def test_example_record_channel_polynomial(self):
        # record_det of media/bench_calibration_example.yml, written out:
        # u = 2.5 (x + 0.004), photocurrent = u + 0.02 u^2
        x = numpy.linspace(-0.99, 0.99, 20001).astype(numpy.float32)
        blk = ecdisc.adc_to_photocurrent(EXAMPLE, "record_det")
        y, _ = self.run_block(x, blk)
        u = 2.5 * (x.astype(float) + 0.004)
        numpy.testing.assert_allclose(y, u + 0.02 * u * u, rtol=0, atol=1e-5)
        self.assertEqual((blk.channel_name(), blk.rx_channel(), blk.beam()),
                         ("record_det", 1, 1))
        self.assertEqual((blk.gain(), blk.offset()), (2.5, -0.004))
        self.assertAlmostEqual(blk.photocurrent(0.5), 2.5 * 0.504 + 0.02 * (2.5 * 0.504) ** 2,
                               places=12)
        self.assertEqual(blk.samples(), len(x))
        self.assertEqual(blk.saturated(), 0)
        self.assertEqual(blk.dac_calibration(),
                         os.path.join(SOURCE_DIR, "media", "calibration_example.yml"))

    def test_linear_by_rx_index_and_saturation_tags(self):
        path = self.write(
            "name: b\nadc_channels:\n"
            "  - {name: det, rx_channel: 3, beam: 1, adc_full_scale: 0.5,\n"
            "     gain: -2.0, offset: 0.1}\n")
        x = [0.1, 0.3, 0.5, 0.6, 0.2, -0.5, -0.1, 0.49]
        blk = ecdisc.adc_to_photocurrent(path, "3")
        rx_time = gr.tag_utils.python_to_tag(
            (2, pmt.intern("rx_time"), pmt.make_tuple(pmt.from_uint64(1), pmt.from_double(0.5))))
        y, snk = self.run_block(x, blk, [rx_time])
        numpy.testing.assert_allclose(y, [-2.0 * (v - 0.1) for v in x], rtol=0, atol=1e-6)
        self.assertEqual(blk.saturated(), 3)
        tags = sorted((t.offset, pmt.symbol_to_string(t.key)) for t in snk.tags())
        self.assertEqual(tags, [(2, "rx_time"), (2, "saturated"), (5, "saturated")])

    def test_ecdisc_identity_and_stats(self):
        x = numpy.linspace(-5.0, 5.0, 1000).astype(numpy.float32)
        blk = ecdisc.adc_to_photocurrent(ECDISC_ID, "assist_det", 250)
        dbg = blocks.message_debug()
        self.tb.msg_connect(blk, "stats", dbg, "store")
        y, _ = self.run_block(x, blk)
        numpy.testing.assert_array_equal(y, x)
        for _ in range(100):
            if dbg.num_messages() >= 4:
                break
            time.sleep(0.01)
        self.assertEqual(dbg.num_messages(), 4)
        last = dbg.get_message(3)
        self.assertEqual(pmt.to_uint64(pmt.dict_ref(last, pmt.intern("samples"), pmt.PMT_NIL)),
                         1000)
        self.assertEqual(pmt.to_uint64(pmt.dict_ref(last, pmt.intern("saturated"),
                                                    pmt.PMT_NIL)), 0)

    def test_bad_arguments_raise_value_error(self):
        with self.assertRaisesRegex(ValueError, "channel = nope: not a channel name"):
            ecdisc.adc_to_photocurrent(EXAMPLE, "nope")
        with self.assertRaisesRegex(ValueError, "stats_interval = -1"):
            ecdisc.adc_to_photocurrent(EXAMPLE, "record_det", -1)
        bad = self.write("name: b\nadc_channels:\n"
                         "  - {name: d, rx_channel: 0, beam: 0, gain: 0}\n", "bad.yml")
        with self.assertRaisesRegex(ValueError,
                                    r"bad.yml: adc_channels\[0\].gain = 0: must not be 0"):
            ecdisc.adc_to_photocurrent(bad, "d")


if __name__ == "__main__":
    gr_unittest.run(qa_adc_to_photocurrent)
