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


def default_config():
    """media/default.yml, read independently."""
    import yaml
    with open(os.path.join(SOURCE_DIR, "media", "default.yml")) as f:
        return yaml.safe_load(f)


def default_layers():
    """Layer reflectances of media/default.yml, read independently."""
    return default_config()["layers"]


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
                                   [1.5, 0.0, 0.0, 0.0], 1)
        medium.set_noise_scale(0)
        out = self.run_medium(medium, [write_assist + read, write_rec + read])
        self.assertEqual(medium.revolution(), 2)
        sig = out[1][rev:]
        mark = sum(sig[1300:1500]) / 200
        space = sum(sig[2500:2700]) / 200
        layers = default_layers()
        rb = layers[0]["reflectance_bleached"]
        rc = layers[0]["reflectance_coloured"]
        # the defocused layers behind add a constant: R_k times the round
        # trip through the layers in between times the detector area ratio
        # (r_det / 2 rho)^2, rho = dz tan(asin(NA/n))
        cfg = default_config()
        tan_t = math.tan(math.asin(float(cfg["optics"]["na"])
                                  / float(cfg["optics"]["substrate_index"])))
        r_det = float(cfg["optics"]["detector_radius_m"])
        behind, through, z = 0.0, layers[0]["transmittance_bleached"] ** 2, 0.0
        for k in range(1, len(layers)):
            z += float(layers[k - 1]["spacer_m"])  # PyYAML: 13e-6 is a string
            w = min(1.0, (r_det / (2 * z * tan_t)) ** 2)
            behind += through * w * layers[k]["reflectance_bleached"]
            through *= layers[k]["transmittance_bleached"] ** 2
        # the space reads the bleached level, but for the colouring of layer
        # 0 in the dark under 1.5 V over about one revolution: c = 1 -
        # exp(-k t), k = rate_per_s * V / V_nom of the polythiophene preset
        t_rev = (2 * math.pi * float(cfg["format"]["radius_m"])
                 / float(cfg["format"]["velocity_m_s"]))
        fs = self.SPS * float(cfg["format"]["velocity_m_s"]) / float(cfg["format"]["channel_bit_m"])
        c_dark = 1 - math.exp(-0.08 * 1.5 / 1.5 * (t_rev + 2600 / fs))
        tb0, tc0 = layers[0]["transmittance_bleached"], layers[0]["transmittance_coloured"]
        t_dark = (tb0 + (tc0 - tb0) * c_dark) / tb0
        expected_space = 0.5 * (rb + (rc - rb) * c_dark + behind * t_dark ** 2)
        self.assertAlmostEqual(space / expected_space, 1.0, delta=2e-4)
        # a fully coloured mark would give rc (and the darker round trip to
        # the layers behind); c >= 0.85 in the mark bounds it from the other
        # side
        full = 0.5 * (rc + behind * (tc0 / tb0) ** 2)
        self.assertGreater(mark, 0.98 * full)
        self.assertLess(mark, 0.15 * 0.5 * (rb + behind) + 0.85 * full + 1e-4)
        # the time kept running over two revolutions
        self.assertAlmostEqual(medium.time_s(), 2 * t_rev, delta=1e-9)
        self.assertGreater(medium.mean_state(0), 0.1)
        for k in range(1, 4):
            self.assertLess(medium.mean_state(k), 1e-9)
        self.assertGreaterEqual(medium.assist_speedup(), 2.0)

    def test_assist_speedup_both_directions(self):
        # Claims 7 and 8: the assist on the layer behind speeds colouring, on
        # the layer in front de-colouring; the factor from the configured
        # physics (Arrhenius at the recording spot centre, the neighbour heat
        # scaled by cross_cell_fraction on the face that does not face the
        # assist layer).
        cfg = default_config()
        th = {k: float(v) for k, v in cfg["thermal"].items()}
        kb = 8.617333262e-5
        cell = float(cfg["format"]["channel_bit_m"]) / self.SPS
        lead = round(float(cfg["laser_array"][0]["along_track_m"]) / cell) * cell
        g = math.exp(-lead ** 2 / (2 * th["neighbour_radius_m"] ** 2))
        presets = {"polythiophene": 1.6, "wo3": 1.55, "el_photochromic": 1.6}
        medium = ecdisc.medium_sim("", self.SPS, self.TRACK_BITS, [1, 0], [], 1)
        for layer in (1, 2):
            ea = presets[cfg["layers"][layer]["material"]]
            t_off = th["ambient_k"] + 6.0 * th["heating_k_per_mw"]
            for assist in (layer - 1, layer + 1):
                for colouring in (True, False):
                    full = (assist > layer) == colouring
                    rise = 3.0 * th["neighbour_k_per_mw"] * g * (
                        1.0 if full else th["cross_cell_fraction"])
                    expected = math.exp(ea / kb * (1 / t_off - 1 / (t_off + rise)))
                    got = medium.assist_speedup_for(layer, assist, colouring, 6.0, 3.0)
                    self.assertAlmostEqual(got / expected, 1.0, delta=1e-9)
                    if full:
                        self.assertGreaterEqual(got, 2.0)
            self.assertGreater(medium.assist_speedup_for(layer, layer + 1, True, 6.0, 3.0),
                               medium.assist_speedup_for(layer, layer - 1, True, 6.0, 3.0))
            self.assertGreater(medium.assist_speedup_for(layer, layer - 1, False, 6.0, 3.0),
                               medium.assist_speedup_for(layer, layer + 1, False, 6.0, 3.0))
        with self.assertRaisesRegex(ValueError, "assist_layer = 9"):
            medium.assist_speedup_for(0, 9, True, 6.0, 3.0)

    def test_crosstalk_db(self):
        # computed from the model: finite, below the layer's own modulation,
        # and smaller for a wider spacer (two-layer stack at 25 um against
        # the default's 13 um between layers 0 and 1)
        medium = ecdisc.medium_sim("", self.SPS, self.TRACK_BITS, [1, 0], [], 1)
        xt = [medium.crosstalk_db(k) for k in range(medium.num_layers())]
        for x in xt:
            self.assertLess(x, -10.0)
            self.assertGreater(x, -90.0)
        two = ecdisc.medium_sim(os.path.join(SOURCE_DIR, "media", "two_layer.yml"),
                                self.SPS, self.TRACK_BITS, [1, 0], [], 1)
        self.assertLess(two.crosstalk_db(0), xt[0])
        with self.assertRaisesRegex(ValueError, "layer = 4"):
            medium.crosstalk_db(4)

    def test_spare_layer_flag(self):
        # claim 10: a layer marked spare in the medium file
        import tempfile
        with open(os.path.join(SOURCE_DIR, "media", "default.yml")) as f:
            text = f.read()
        text = text.replace("spacer_m: 0}", "spacer_m: 0, spare: true}")
        with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as f:
            f.write(text)
        try:
            m = ecdisc.medium_sim(f.name, self.SPS, self.TRACK_BITS, [1, 0], [], 1)
            self.assertEqual([m.is_spare(k) for k in range(4)], [False] * 3 + [True])
        finally:
            os.unlink(f.name)
        d = ecdisc.medium_sim("", self.SPS, self.TRACK_BITS, [1, 0], [], 1)
        self.assertFalse(any(d.is_spare(k) for k in range(4)))

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

    def test_guide_layer_getters(self):
        # media/guide_layer_example.yml: layer 0 is grooved with a 69-bit,
        # 8-wobble-per-unit wobble; the data layers have none
        m = ecdisc.medium_sim(os.path.join(SOURCE_DIR, "media", "guide_layer_example.yml"),
                              4, 1024, [0], [], 1)
        self.assertEqual((m.wobble_period_bits(0), m.wobbles_per_unit(0)), (69, 8))
        self.assertEqual((m.wobble_period_bits(1), m.wobbles_per_unit(2)), (0, 0))
        self.assertTrue(m.is_spare(0))
        with self.assertRaisesRegex(ValueError, "layer = 3: must be in 0..2"):
            m.wobble_period_bits(3)


    def run_quadrant(self, medium, powers):
        """Runs a quadrant-mode medium: returns [[A, B, C, D] per beam] and
        output 0's tags."""
        sinks = []
        for beam, p in enumerate(powers):
            self.tb.connect(blocks.vector_source_f(p), (medium, beam))
            for q in range(4):
                snk = blocks.vector_sink_f()
                self.tb.connect((medium, 4 * beam + q), snk)
                sinks.append(snk)
        self.tb.run()
        data = [list(s.data()) for s in sinks]
        return ([data[4 * b:4 * b + 4] for b in range(len(powers))],
                sinks[0].tags())

    def test_quadrant_mode_sums_to_sum_mode(self):
        # same seed, same powers: A + B + C + D of each beam is the sum
        # output (float rounding), with offsets set on both beams
        rev = self.SPS * self.TRACK_BITS
        powers = [[0.5 + 0.1 * (i % 3) for i in range(2 * rev)], [0.5] * (2 * rev)]
        ref = self.run_medium(ecdisc.medium_sim("", self.SPS, self.TRACK_BITS,
                                                [1, 0], [], 9), powers)
        self.tb = gr.top_block()
        quad = ecdisc.medium_sim("", self.SPS, self.TRACK_BITS, [1, 0], [], 9,
                                 "quadrant")
        self.assertEqual(quad.detector(), "quadrant")
        quad.set_focus_offset(0, 0.5e-6)
        quad.set_tracking_offset(1, 0.1e-6)
        self.assertEqual(quad.focus_offset(0), 0.5e-6)
        self.assertEqual(quad.tracking_offset(1), 0.1e-6)
        chans, tags = self.run_quadrant(quad, powers)
        for b in range(2):
            a, bb, c, d = chans[b]
            self.assertEqual(len(a), len(ref[b]))
            for i in range(0, len(a), 13):
                self.assertAlmostEqual(a[i] + bb[i] + c[i] + d[i], ref[b][i],
                                       delta=1e-6 * abs(ref[b][i]) + 1e-9)
        # beam 0's FES from the documented closed form (lib/medium.h), with
        # the optics of media/default.yml read here
        cfg = default_config()
        lam, na, n = (float(cfg["optics"][k]) for k in ("wavelength_m", "na",
                                                         "substrate_index"))
        s = 1.6e-6  # default astigmatism_m
        z0 = 0.21 * lam / na / (0.5 * math.tan(math.asin(na / n)))
        dz = 0.5e-6
        expect = 2 / math.pi * math.asin(dz * s / (dz * dz + z0 * z0 + s * s / 4))
        a, bb, c, d = chans[0]
        fes = (sum(a) + sum(c) - sum(bb) - sum(d)) / (sum(a) + sum(bb) + sum(c) + sum(d))
        self.assertAlmostEqual(fes, expect, delta=1e-4)
        # flat layers: no push-pull whatever the tracking offset
        a, bb, c, d = chans[1]
        pp = (sum(a) + sum(d) - sum(bb) - sum(c)) / (sum(a) + sum(bb) + sum(c) + sum(d))
        self.assertAlmostEqual(pp, 0.0, delta=1e-6)
        # position tags on output 0: every 4096 samples and at the wrap
        pos = [(t.offset, t.value) for t in tags
               if pmt.symbol_to_string(t.key) == "position"]
        offsets = [o for o, _ in pos]
        self.assertEqual(offsets, sorted(set(list(range(0, 2 * rev, 4096)) + [rev])))
        lead = round(float(cfg["laser_array"][0]["along_track_m"]) / (
            float(cfg["format"]["channel_bit_m"]) / self.SPS))
        for o, v in pos:
            self.assertEqual(pmt.to_long(pmt.dict_ref(v, pmt.intern("layer"),
                                                      pmt.PMT_NIL)), 1)
            self.assertEqual(pmt.to_double(pmt.dict_ref(v, pmt.intern("track"),
                                                        pmt.PMT_NIL)), 0.0)
            self.assertAlmostEqual(
                pmt.to_double(pmt.dict_ref(v, pmt.intern("along_bits"), pmt.PMT_NIL)),
                ((o + lead) % rev) / self.SPS, places=9)

    def test_quadrant_push_pull_on_guide_layer(self):
        # the guide layer of media/guide_layer_example.yml: PP at a quarter
        # pitch is the scalar estimate sin(4 pi n d/lambda) O(lambda/(p NA))
        import yaml
        path = os.path.join(SOURCE_DIR, "media", "guide_layer_example.yml")
        with open(path) as f:
            cfg = yaml.safe_load(f)
        lam, na, n = (float(cfg["optics"][k]) for k in ("wavelength_m", "na",
                                                         "substrate_index"))
        pitch = float(cfg["format"]["track_pitch_m"])
        depth = float(cfg["layers"][0]["groove"]["depth_m"])
        h = lam / (pitch * na) / 2
        p0 = math.sin(4 * math.pi * n * depth / lam) * 2 / math.pi * (
            math.acos(h) - h * math.sqrt(1 - h * h))
        medium = ecdisc.medium_sim(path, 2, 1024, [0], [], 1, "quadrant")
        medium.set_noise_scale(0)
        medium.set_tracking_offset(0, pitch / 4)
        medium.set_position_tag_interval(0)
        chans, tags = self.run_quadrant(medium, [[0.5] * 2048])
        a, b, c, d = chans[0]
        # the wobble (amplitude w) modulates it by cos(2 pi w(t) / p):
        # between p0 cos(2 pi w / p) and p0, and reaching both ends
        w = float(cfg["layers"][0]["groove"]["wobble"]["amplitude_m"])
        lo = p0 * math.cos(2 * math.pi * w / pitch)
        pps = [(a[i] + d[i] - b[i] - c[i]) / (a[i] + b[i] + c[i] + d[i])
               for i in range(2048)]
        self.assertGreater(min(pps), lo - 1e-5)
        self.assertLess(max(pps), p0 + 1e-5)
        self.assertAlmostEqual(min(pps), lo, delta=0.1 * (p0 - lo))
        self.assertAlmostEqual(max(pps), p0, delta=0.1 * (p0 - lo))
        self.assertEqual([t for t in tags if pmt.symbol_to_string(t.key) == "position"],
                         [])

    def test_focus_message_offsets_and_bad_detector(self):
        with self.assertRaisesRegex(ValueError, "detector = quad"):
            ecdisc.medium_sim("", 4, 1024, [1, 0], [], 1, "quad")
        medium = ecdisc.medium_sim("", 4, 1024, [1, 0], [], 1, "quadrant")
        for i in range(2):
            self.tb.connect(blocks.vector_source_f([0.5] * 4096, True), (medium, i))
        for k in range(8):
            self.tb.connect((medium, k), blocks.null_sink(gr.sizeof_float))
        self.tb.start()
        try:
            port = pmt.intern("focus")
            bad = pmt.make_dict()
            bad = pmt.dict_add(bad, pmt.intern("beam"), pmt.from_long(1))
            bad = pmt.dict_add(bad, pmt.intern("focus_offset_m"), pmt.from_double(1.0))
            medium._post(port, bad)  # out of range: ignored
            msg = pmt.make_dict()
            msg = pmt.dict_add(msg, pmt.intern("beam"), pmt.from_long(1))
            msg = pmt.dict_add(msg, pmt.intern("focus_offset_m"), pmt.from_double(-0.3e-6))
            msg = pmt.dict_add(msg, pmt.intern("tracking_offset_m"),
                               pmt.from_double(0.02e-6))
            medium._post(port, msg)
            deadline = time.time() + 10
            while time.time() < deadline and medium.tracking_offset(1) != 0.02e-6:
                time.sleep(0.01)
        finally:
            self.tb.stop()
            self.tb.wait()
        self.assertEqual(medium.focus_offset(1), -0.3e-6)
        self.assertEqual(medium.tracking_offset(1), 0.02e-6)
        self.assertEqual(medium.focus_layer(1), 0)
        self.assertEqual(medium.focus_offset(0), 0.0)

if __name__ == '__main__':
    gr_unittest.run(qa_medium_sim)
