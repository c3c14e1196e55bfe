#!/usr/bin/env python3
# This file is part of gr-ecdisc.
# SPDX-License-Identifier: GPL-3.0-or-later
"""QA for power_to_dac in real flowgraphs."""

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
EXAMPLE = os.path.join(SOURCE_DIR, "media", "calibration_example.yml")

# The "record" channel of media/calibration_example.yml, written out here.
RECORD_MW = [0.0, 0.3, 1.0, 4.0, 8.0, 12.0]
RECORD_DAC = [0.0, 0.05, 0.11, 0.38, 0.70, 0.97]


def expected(x, bits, mw=RECORD_MW, dac=RECORD_DAC, full_scale=1.0):
    """numpy.interp of the points on the clipped power, then quantised."""
    x = numpy.clip(numpy.nan_to_num(x, nan=mw[0]), mw[0], mw[-1])
    y = numpy.interp(x, mw, dac)
    if bits:
        lsb = full_scale / 2 ** (bits - 1)
        y = numpy.clip(numpy.rint(y / lsb), -2 ** (bits - 1), 2 ** (bits - 1) - 1) * lsb
    return y


class qa_power_to_dac(gr_unittest.TestCase):

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

    def run_block(self, data, blk):
        src = blocks.vector_source_f(list(map(float, data)))
        snk = blocks.vector_sink_f()
        self.tb.connect(src, blk, snk)
        self.tb.run()
        return numpy.array(snk.data()), snk

    def test_ramp_unquantised_equals_numpy_interp(self):
        path = self.write(
            "name: b\nchannels:\n"
            "  - {name: record, beam: 1, dac_bits: 0, dac_full_scale: 1.0,\n"
            "     points: %s}\n" % [list(p) for p in zip(RECORD_MW, RECORD_DAC)])
        ramp = numpy.arange(-1.0, 13.0, 0.001, dtype=numpy.float32)
        blk = ecdisc.power_to_dac(path, "record")
        y, _ = self.run_block(ramp, blk)
        self.assertEqual(len(y), len(ramp))
        numpy.testing.assert_allclose(y, expected(ramp.astype(float), 0), rtol=0, atol=2e-6)
        self.assertEqual(blk.samples(), len(ramp))
        self.assertEqual(blk.clipped_low(), int(numpy.sum(ramp < 0.0)))
        self.assertEqual(blk.clipped_high(), int(numpy.sum(ramp > 12.0)))
        self.assertEqual((blk.channel_name(), blk.beam(), blk.lsb()), ("record", 1, 0.0))

    def test_ramp_quantised_example_file(self):
        # 14 bits over [-1, 1]: the output is a whole number of codes, the
        # same code as numpy's except where float32 rounding meets a tie
        ramp = numpy.arange(-1.0, 13.0, 0.001, dtype=numpy.float32)
        blk = ecdisc.power_to_dac(EXAMPLE, "1")  # beam 1 = the record channel
        y, _ = self.run_block(ramp, blk)
        lsb = 1.0 / 8192
        self.assertEqual(blk.lsb(), lsb)
        codes = y / lsb
        numpy.testing.assert_array_equal(codes, numpy.rint(codes))
        ref = expected(ramp.astype(float), 14) / lsb
        self.assertLessEqual(numpy.max(numpy.abs(codes - ref)), 1)
        self.assertGreater(numpy.mean(codes == ref), 0.999)
        # readback: the inverse map lands within one code's worth of power
        for p in (0.5, 2.0, 6.0, 11.0):
            self.assertAlmostEqual(blk.power_mw(blk.dac_value(p)), p,
                                   delta=0.5 * lsb / 0.06 + 1e-12)

    def test_clipped_tags_and_counts(self):
        data = [1.0, -1.0, -1.0, 2.0, 20.0, 20.0, 3.0, -5.0, 20.0, 4.0]
        # a long high run across several work calls: tagged once
        data += [50.0] * 100000 + [5.0] * 10
        blk = ecdisc.power_to_dac(EXAMPLE, "record")
        y, snk = self.run_block(data, blk)
        tags = [(t.offset, pmt.symbol_to_string(t.key), pmt.to_python(t.value))
                for t in snk.tags()]
        self.assertEqual(tags, [(o, "clipped", True) for o in (1, 4, 7, 8, 10)])
        self.assertEqual(blk.clipped_low(), 3)
        self.assertEqual(blk.clipped_high(), 3 + 100000)
        self.assertEqual(y[1], 0.0)
        self.assertEqual(y[4], 7946 / 8192)  # 0.97 -> 7946.24 codes

    def test_stats_messages(self):
        n, every = 5000, 1000
        data = numpy.linspace(-2.0, 14.0, n)
        blk = ecdisc.power_to_dac(EXAMPLE, "record", every)
        dbg = blocks.message_debug()
        self.tb.msg_connect(blk, "stats", dbg, "store")
        src = blocks.vector_source_f(list(map(float, data)))
        self.tb.connect(src, blk, blocks.null_sink(gr.sizeof_float))
        self.tb.start()
        deadline = time.time() + 10
        while dbg.num_messages() < n // every and time.time() < deadline:
            time.sleep(0.01)
        self.tb.stop()
        self.tb.wait()
        msgs = [pmt.to_python(dbg.get_message(i)) for i in range(dbg.num_messages())]
        self.assertEqual(len(msgs), n // every)
        for k, m in enumerate(msgs):
            seen = data[:(k + 1) * every]
            self.assertEqual(m, {"samples": (k + 1) * every,
                                 "clipped_low": int(numpy.sum(seen.astype(numpy.float32) < 0)),
                                 "clipped_high": int(numpy.sum(seen.astype(numpy.float32) > 12))})

    def test_bad_parameters(self):
        with self.assertRaisesRegex(ValueError, "calibration_file = /no/such.yml: cannot be opened"):
            ecdisc.power_to_dac("/no/such.yml", "record")
        with self.assertRaisesRegex(ValueError, r"channel = write: not a channel name or beam "
                                    r"of calibration_example.yml \(channels: assist \(beam 0\), "
                                    r"record \(beam 1\)\)"):
            ecdisc.power_to_dac(EXAMPLE, "write")
        with self.assertRaisesRegex(ValueError, "stats_interval = -1"):
            ecdisc.power_to_dac(EXAMPLE, "record", -1)
        bad = self.write(
            "name: b\nchannels:\n"
            "  - {name: r, beam: 1, dac_bits: 14, dac_full_scale: 1.0,\n"
            "     points: [[0, 0], [4, 0.5], [3, 0.6]]}\n")
        with self.assertRaisesRegex(ValueError, r"bench.yml: channels\[0\].points\[2\] = "
                                    r"\[3, 0.6\]: power must be strictly increasing"):
            ecdisc.power_to_dac(bad, "r")
        # a channel for a beam the medium does not have
        three = self.write(
            "name: b\nchannels:\n"
            "  - {name: side, beam: 2, dac_bits: 0, dac_full_scale: 1.0,\n"
            "     points: [[0, 0], [4, 0.5]]}\n")
        with self.assertRaisesRegex(ValueError, r"channels\[0\].beam = 2: medium "
                                    r"ecdisc-default-4layer has beams 0..1 only"):
            ecdisc.power_to_dac(three, "side")
        # a bench array whose spots are not where the medium's are
        moved = self.write(
            "name: b\nchannels:\n"
            "  - {name: r, beam: 1, dac_bits: 0, dac_full_scale: 1.0,\n"
            "     points: [[0, 0], [4, 0.5]]}\n"
            "laser_array:\n"
            "  - {name: a, along_track_m: 5.0e-6, cross_track_tracks: 0}\n"
            "  - {name: r, along_track_m: 0, cross_track_tracks: 0}\n")
        with self.assertRaisesRegex(ValueError, r"laser_array\[0\].along_track_m = 5e-06: "
                                    r"must be within"):
            ecdisc.power_to_dac(moved, "r")


if __name__ == '__main__':
    gr_unittest.run(qa_power_to_dac)
