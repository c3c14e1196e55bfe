#!/usr/bin/env python3
# This file is part of gr-ecdisc.
# SPDX-License-Identifier: GPL-3.0-or-later
"""QA for soapy_medium on the driver=ecdisc SoapySDR module, in real
flowgraphs with gr-soapy: the module is found through SOAPY_SDR_PLUGIN_PATH
(set by CTest to <build>/soapy)."""

import os

import pmt
from gnuradio import blocks, gr, gr_unittest
from gnuradio import ecdisc
from gnuradio.ecdisc.soapy_medium import soapy_medium

SOURCE_DIR = os.environ.get(
    "ECDISC_SOURCE_DIR",
    os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))

SPS = 4
TRACK_BITS = 1024
REV = SPS * TRACK_BITS
SEED = 3


def default_medium():
    """media/default.yml, read independently."""
    import yaml
    with open(os.path.join(SOURCE_DIR, "media", "default.yml")) as f:
        return yaml.safe_load(f)


def default_layers():
    """Layer reflectances of media/default.yml."""
    return default_medium()["layers"]


def write_then_read(a, b):
    """Beam powers over two revolutions: beam 0 assists at 3 mW during the
    first; beam 1 records a mark [a, b) at 6 mW (0.5 mW elsewhere) during
    the first and reads at 0.5 mW during the second."""
    assist = [3.0] * REV + [0.0] * REV
    record = [6.0 if a <= i < b else 0.5 for i in range(REV)] + [0.5] * REV
    return [assist, record]


class qa_soapy_medium(gr_unittest.TestCase):

    def setUp(self):
        self.tb = gr.top_block()
        self.n_layers = ecdisc.medium_sim("", SPS, TRACK_BITS, [1, 0], [], 1).num_layers()
        self.volts = [1.5] + [0.0] * (self.n_layers - 1)

    def tearDown(self):
        self.tb = None

    def device_args(self, extra=""):
        return ("driver=ecdisc,sps=%d,track_bits=%d,focus=1:0,voltages=%s,seed=%d%s"
                % (SPS, TRACK_BITS, ":".join("%g" % v for v in self.volts),
                   SEED, extra))

    def run_blocks(self, medium, powers):
        """Feeds powers[b] to input b of medium, returns the output sinks."""
        sinks = []
        for beam, p in enumerate(powers):
            snk = blocks.vector_sink_f()
            self.tb.connect(blocks.vector_source_f(p), (medium, beam))
            self.tb.connect((medium, beam), snk)
            sinks.append(snk)
        return sinks

    def reference(self, powers, volts=None):
        """The same powers through medium_sim (same medium, arguments, seed)."""
        tb = gr.top_block()
        medium = ecdisc.medium_sim("", SPS, TRACK_BITS, [1, 0],
                                   self.volts if volts is None else volts, SEED)
        sinks = []
        for beam, p in enumerate(powers):
            snk = blocks.vector_sink_f()
            tb.connect(blocks.vector_source_f(p), (medium, beam), snk)
            sinks.append(snk)
        tb.run()
        return [list(s.data()) for s in sinks]

    def test_records_and_reads_back_like_medium_sim(self):
        powers = write_then_read(1000, 1800)
        medium = soapy_medium(2 * REV, self.device_args(), 2)
        sinks = self.run_blocks(medium, powers)
        self.tb.run()
        got = [list(s.data()) for s in sinks]
        want = self.reference(powers)
        for beam in (0, 1):
            self.assertEqual(len(got[beam]), 2 * REV)
            self.assertFloatTuplesAlmostEqual(got[beam], want[beam], 6)
        # the read revolution shows the recorded contrast: darker than the
        # space, not darker than a fully coloured layer 0
        sig = got[1][REV:]
        mark = sum(sig[1300:1500]) / 200
        space = sum(sig[2800:3000]) / 200
        layer0 = default_layers()[0]
        full = layer0["reflectance_coloured"] / layer0["reflectance_bleached"]
        self.assertLess(mark / space, 0.9)
        self.assertGreater(mark / space, 0.98 * full)
        # the device reported its own rate: sps * velocity / channel bit
        fmt = default_medium()["format"]
        self.assertAlmostEqual(
            medium.sample_rate / (SPS * fmt["velocity_m_s"] / fmt["channel_bit_m"]), 1.0, 9)

    def test_voltage_channel_drives_the_record_layer(self):
        # All layers at 0 V in the device arguments; the voltage on TX
        # channel 2 (layer 0, the record layer) is 1.5 V during the first
        # revolution: the same as medium_sim with layer 0 at 1.5 V, which
        # records the mark. With 0 V on the channel nothing is recorded.
        powers = write_then_read(1000, 1800)
        self.volts = [0.0] * self.n_layers
        args = self.device_args(",record_layer=0")
        for v, records in ((1.5, True), (0.0, False)):
            self.tb = gr.top_block()
            medium = soapy_medium(2 * REV, args, 2, voltage_channel=True)
            sinks = self.run_blocks(medium, powers)
            self.tb.connect(blocks.vector_source_f([v] * REV + [0.0] * REV), (medium, 2))
            self.tb.run()
            got = list(sinks[1].data())
            want = self.reference(powers, [v] + [0.0] * (self.n_layers - 1))
            self.assertFloatTuplesAlmostEqual(got, want[1], 6)
            sig = got[REV:]
            contrast = (sum(sig[1300:1500]) / 200) / (sum(sig[2800:3000]) / 200)
            if records:
                self.assertLess(contrast, 0.9)
            else:
                self.assertGreater(contrast, 0.99)

    def test_overflows_are_tagged_with_rx_time(self):
        # an overflow every 3000 medium samples loses 100: [2900, 3000) and
        # [5900, 6000) of 8192
        powers = write_then_read(1000, 1800)
        medium = soapy_medium(2 * REV, self.device_args(",overflow_every=3000,overflow_drop=100"),
                              2, rx_samples=2 * REV - 200)
        sinks = self.run_blocks(medium, powers)
        self.tb.run()
        got = list(sinks[1].data())
        want = self.reference(powers)[1]
        self.assertEqual(len(got), 2 * REV - 200)
        kept = want[:2900] + want[3000:5900] + want[6000:]
        self.assertFloatTuplesAlmostEqual(got, kept, 6)
        fs = medium.sample_rate
        times = []
        for t in sinks[1].tags():
            if pmt.symbol_to_string(t.key) == "rx_time":
                secs = pmt.to_uint64(pmt.tuple_ref(t.value, 0))
                frac = pmt.to_double(pmt.tuple_ref(t.value, 1))
                times.append((t.offset, secs + frac))
        self.assertEqual([o for o, _ in times], [0, 2900, 5800])
        for (_, t), index in zip(times, (0, 3000, 6000)):
            self.assertAlmostEqual(t, index / fs, delta=1e-9)

    def test_settings_reach_the_device(self):
        # the voltage switched off before the run: nothing is recorded, as
        # medium_sim with 0 V everywhere shows
        powers = write_then_read(1000, 1800)
        medium = soapy_medium(2 * REV, self.device_args(), 2)
        medium.write_setting("voltages", ":".join(["0"] * self.n_layers))
        sinks = self.run_blocks(medium, powers)
        self.tb.run()
        got = list(sinks[1].data())
        want = self.reference(powers, [0.0] * self.n_layers)[1]
        self.assertFloatTuplesAlmostEqual(got, want, 6)
        self.assertNotEqual(got, self.reference(powers)[1])

    def read_back(self, make_medium, written, frame_bytes, sps, track_bits, run_in_bits,
                  data_bits):
        """Records bytes on layer 0 for one revolution and reads them back on
        the next, as ecdisc-sim's session does, through the medium
        make_medium(revolution samples) gives; returns the ber_counter."""
        tb = gr.top_block()
        enc = ecdisc.rll17_encoder(frame_bytes)
        frame_bits = enc.frame_bits()
        rev = track_bits * sps
        write_samples = len(written) // frame_bytes * frame_bits * sps
        ws = ecdisc.write_strategy(sps, 6.0, 0.5, 3.0, 0.0, 0.5)
        tb.connect(blocks.vector_source_b(written), enc, ecdisc.nrzi_encoder(0), ws)
        sched = ecdisc.write_then_read(2, write_samples, rev, [0.0, 0.5])
        medium = make_medium(rev)
        for beam in (0, 1):
            tb.connect((ws, beam), (sched, beam), (medium, beam))
        tb.connect((medium, 0), blocks.null_sink(gr.sizeof_float))
        cdr = ecdisc.slicer_cdr(float(sps))
        tb.connect((medium, 1), blocks.skiphead(gr.sizeof_float, rev),
                   ecdisc.rf_frontend(1, 1e-3, 1e-3, True, 0.6, sps), cdr)
        ber = ecdisc.ber_counter()
        tb.connect(blocks.vector_source_b(written), ecdisc.rll17_encoder(frame_bytes),
                   ecdisc.nrzi_encoder(0), blocks.skiphead(gr.sizeof_char, run_in_bits),
                   blocks.head(gr.sizeof_char, data_bits), (ber, 0))
        tb.connect(cdr, blocks.skiphead(gr.sizeof_char, run_in_bits), (ber, 1))
        tb.run()
        return ber

    def test_session_track_reads_back_through_soapy(self):
        # one track of a session (16 frames of 64 bytes, two of them run-in)
        # recorded and read back through gr-soapy and driver=ecdisc: the
        # detected channel bits are those medium_sim gives, and right
        import random
        rnd = random.Random(5)
        frame_bytes, sps, frames, run_in = 64, 4, 16, 2
        written = [rnd.randrange(256) for _ in range(frames * frame_bytes)]
        frame_bits = ecdisc.rll17_encoder(frame_bytes).frame_bits()
        track_bits = frames * frame_bits + 512
        run_in_bits = run_in * frame_bits
        data_bits = (frames - run_in - 1) * frame_bits
        args = ("driver=ecdisc,sps=%d,track_bits=%d,focus=1:0,voltages=%s,seed=%d"
                % (sps, track_bits, ":".join("%g" % v for v in self.volts), SEED))
        soapy = self.read_back(lambda rev: soapy_medium(2 * rev, args, 2), written,
                               frame_bytes, sps, track_bits, run_in_bits, data_bits)
        sim = self.read_back(
            lambda rev: ecdisc.medium_sim("", sps, track_bits, [1, 0], self.volts, SEED),
            written, frame_bytes, sps, track_bits, run_in_bits, data_bits)
        self.assertEqual(soapy.bits_compared(), data_bits)
        self.assertEqual(soapy.bits_compared(), sim.bits_compared())
        self.assertEqual(soapy.errors(), sim.errors())
        self.assertLess(soapy.errors(), 1e-3 * data_bits)

    def test_errors_are_clear(self):
        with self.assertRaisesRegex(ValueError, "sps = 0"):
            soapy_medium(100, "driver=ecdisc,sps=0")
        with self.assertRaisesRegex(ValueError, "medium = \"/no/such.yml\""):
            soapy_medium(100, "driver=ecdisc,medium=/no/such.yml")
        with self.assertRaisesRegex(ValueError, "nosuchdriver"):
            soapy_medium(100, "driver=nosuchdriver")
        with self.assertRaisesRegex(ValueError, "[Ss]ample rate"):
            soapy_medium(100, "driver=ecdisc", sample_rate=1e6)
        with self.assertRaisesRegex(ValueError, "rx_samples = 200"):
            soapy_medium(100, "driver=ecdisc", rx_samples=200)


if __name__ == "__main__":
    gr_unittest.run(qa_soapy_medium)
