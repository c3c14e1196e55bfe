#!/usr/bin/env python3
# This file is part of gr-ecdisc.
# SPDX-License-Identifier: GPL-3.0-or-later
"""QA for the focus and tracking servo inside medium_sim (make()'s servo
argument), in real flowgraphs. The limits come from the medium and servo
files, read here independently: the depth of focus lambda / (2 NA^2), the
track pitch, the astigmatic FES closed form of lib/medium.h."""

import math
import os

import numpy as np
import pmt
from gnuradio import blocks, gr, gr_unittest
from gnuradio import ecdisc

SOURCE_DIR = os.environ.get(
    "ECDISC_SOURCE_DIR",
    os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
GUIDE = os.path.join(SOURCE_DIR, "media", "guide_layer_example.yml")


def medium_yaml(path):
    import yaml
    with open(path) as f:
        return yaml.safe_load(f)


def limits(cfg):
    """(depth of focus, track pitch) in nm of a medium file's dict."""
    o = cfg["optics"]
    dof = float(o["wavelength_m"]) / (2 * float(o["na"]) ** 2)
    pitch = float(cfg["format"].get("track_pitch_m", 0.32e-6))
    return dof * 1e9, pitch * 1e9


def fes_model(cfg, dz):
    """Astigmatic FES at defocus dz (m), lib/medium.h's closed form."""
    o = cfg["optics"]
    lam, na, n = float(o["wavelength_m"]), float(o["na"]), float(o["substrate_index"])
    s = float(o.get("astigmatism_m", 1.6e-6))
    z0 = 0.21 * lam / na / (0.5 * math.tan(math.asin(na / n)))
    return (2 / math.pi) * np.arcsin(dz * s / (dz * dz + z0 * z0 + s * s / 4))


def tag_values(sink, key):
    return [(t.offset, pmt.to_python(t.value)) for t in sink.tags()
            if pmt.symbol_to_string(t.key) == key]


class qa_medium_servo(gr_unittest.TestCase):

    BITS = 65536

    def setUp(self):
        self.tb = gr.top_block()

    def tearDown(self):
        self.tb = None

    def sources(self, medium, n, beams=2, power=0.5):
        for b in range(beams):
            src = blocks.vector_source_f([power] * n)
            self.tb.connect(src, (medium, b))

    def test_servo_locks_on_guide_layer(self):
        # Both beams on the grooved guide layer G0, the loops fed by beam 1's
        # quadrants, the default run-out and eccentricity, three revolutions.
        cfg = medium_yaml(GUIDE)
        dof_nm, pitch_nm = limits(cfg)
        m = ecdisc.medium_sim(GUIDE, 1, self.BITS, [0, 0], [], 3, "quadrant", "default", 1)
        self.assertTrue(m.servo_enabled())
        self.assertEqual(m.servo_beam(), 1)
        n = 3 * self.BITS
        self.sources(m, n)
        quads = [blocks.vector_sink_f() for _ in range(8)]
        for q in range(8):
            self.tb.connect((m, q), quads[q])
        fe, te = blocks.vector_sink_f(), blocks.vector_sink_f()
        self.tb.connect((m, 8), fe)
        self.tb.connect((m, 9), te)
        self.tb.run()
        self.assertTrue(m.focus_locked())
        self.assertTrue(m.tracking_locked())
        # residuals: a tenth of the depth of focus, a twentieth of the pitch
        self.assertLess(m.focus_error_rms_nm(), 0.1 * dof_nm)
        self.assertLess(m.tracking_error_rms_nm(), pitch_nm / 20)
        self.assertGreater(m.focus_error_rms_nm(), 0.0)
        f = np.array(fe.data())
        t = np.array(te.data())
        self.assertEqual(len(f), n)
        self.assertLess(np.sqrt(np.mean(f ** 2)), 0.1 * dof_nm)
        self.assertLess(np.sqrt(np.mean(t ** 2)), pitch_nm / 20)
        # the error outputs are the spot's offsets: beam 1's FES from its
        # quadrants is the closed form at defocus -e
        a, b, c, d = (np.array(quads[4 + q].data(), dtype=np.float64) for q in range(4))
        fes = ((a + c) - (b + d)) / (a + b + c + d)
        self.assertLess(np.max(np.abs(fes - fes_model(cfg, -f * 1e-9))), 1e-3)
        # lock tags on output 0: each loop locks once, early, never unlocks
        for key in ("focus_locked", "tracking_locked"):
            tags = tag_values(quads[0], key)
            self.assertEqual([v for _, v in tags], [True], key)
            # (100 updates in the window: at the end of the first revolution)
            self.assertLessEqual(tags[0][0], self.BITS)
        m.reset_servo_stats()
        self.assertEqual(m.focus_error_rms_nm(), 0.0)

    def test_ideal_unchanged(self):
        # servo "" (the default): the old make() call and the explicit one give
        # the same samples; no servo outputs, no servo
        n = 3 * 4096
        rng = np.random.default_rng(4)
        p1 = list(np.where(rng.random(n) < 0.3, 4.0, 0.5))
        p0 = [0.5] * n

        def run(*args):
            tb = gr.top_block()
            m = ecdisc.medium_sim("", 2, 4096, [1, 0], [0, 1.5, 0, 0], 7, "sum", *args)
            out = []
            for b, p in enumerate((p0, p1)):
                tb.connect(blocks.vector_source_f(p), (m, b))
                s = blocks.vector_sink_f()
                tb.connect((m, b), s)
                out.append(s)
            tb.run()
            return m, [np.array(s.data(), dtype=np.float32) for s in out]

        m_old, old = run()
        m_ideal, ideal = run("", 1)
        m_servo, servo = run("default", 1)
        for b in range(2):
            self.assertTrue(np.array_equal(old[b], ideal[b]))
        self.assertFalse(m_ideal.servo_enabled())
        self.assertTrue(m_ideal.focus_locked())
        self.assertEqual(m_ideal.focus_error_rms_nm(), 0.0)
        self.assertEqual(m_ideal.output_signature().max_streams(), 2)
        self.assertEqual(m_servo.output_signature().max_streams(), 4)
        self.assertEqual(m_servo.output_signature().min_streams(), 2)
        # with the loops locked the sum signal is the ideal one up to rounding
        for b in range(2):
            self.assertLess(np.max(np.abs(servo[b] - ideal[b])
                                   / np.maximum(np.abs(ideal[b]), 1e-6)), 1e-5)
        with self.assertRaises(RuntimeError):
            m_ideal.track_jump(1)

    def test_actuator_messages(self):
        # Default stack, both beams on layer 1; bad messages are logged and
        # ignored (a malformed one too), a layer jump of +1 by message lands
        # on layer 2.
        cfg = medium_yaml(os.path.join(SOURCE_DIR, "media", "default.yml"))
        dof_nm, _ = limits(cfg)
        m = ecdisc.medium_sim("", 1, self.BITS, [1, 1], [], 3, "sum", "default", 1)
        for bad in (pmt.intern("jump"),
                    pmt.to_pmt({"layer_jump": "one"}),
                    pmt.to_pmt({"close": 3}),
                    pmt.to_pmt({"nothing": 1}),
                    pmt.to_pmt({"layer_jump": 7}),
                    pmt.cons(pmt.from_long(1), pmt.from_long(2)),
                    # a bare pair (a message push button's) is a one-entry dict
                    pmt.cons(pmt.intern("layer_jump"), pmt.from_long(1))):
            m._post(pmt.intern("actuator"), bad)
        n = 3 * self.BITS
        self.sources(m, n)
        sinks = [blocks.vector_sink_f() for _ in range(2)]
        for b in range(2):
            self.tb.connect((m, b), sinks[b])
        self.tb.run()
        self.assertEqual(m.focus_layer(1), 2)
        self.assertEqual(m.focus_layer(0), 2)
        self.assertTrue(m.focus_locked())
        self.assertIn(2, [v for _, v in tag_values(sinks[1], "layer")])
        # the spot sits on layer 2 (the medium's own defocus of beam 1), the
        # lens one spacer (19 um, from the file) deeper than on layer 1
        self.assertLess(abs(m.focus_offset(1)) * 1e9, 0.1 * dof_nm)
        spacer = float(cfg["layers"][1]["spacer_m"])
        self.assertGreater(m.lens_focus_m(), spacer - 110e-6)
        self.assertLess(m.lens_focus_m(), spacer + 110e-6)
        # the jump follows its trajectory: the residual stays that of the run-out
        self.assertLess(m.focus_error_rms_nm(), 0.1 * dof_nm)
        # direct calls: a jump outside the stack is a ValueError
        with self.assertRaises(ValueError):
            m.layer_jump(5)

    def test_focus_error_output_alone(self):
        # the servo outputs are optional: the focus error without the
        # tracking error is filled (nm, within the bound), the rest runs
        cfg = medium_yaml(os.path.join(SOURCE_DIR, "media", "default.yml"))
        dof_nm, _ = limits(cfg)
        m = ecdisc.medium_sim("", 1, 8192, [1, 0], [], 3, "sum", "default", 0)
        n = 4 * 8192
        self.sources(m, n)
        fe = blocks.vector_sink_f()
        for b in range(2):
            self.tb.connect((m, b), blocks.null_sink(gr.sizeof_float))
        self.tb.connect((m, 2), fe)
        self.tb.run()
        f = np.array(fe.data())
        self.assertEqual(len(f), n)
        self.assertTrue(np.all(np.isfinite(f)))
        self.assertGreater(np.max(np.abs(f)), 0.0)
        self.assertLess(np.max(np.abs(f)), 0.2 * dof_nm)

    def test_bad_arguments(self):
        with self.assertRaises(ValueError):
            ecdisc.medium_sim("", 4, 1024, [1, 0], [], 1, "sum", "default", 2)
        with self.assertRaises(ValueError):
            ecdisc.medium_sim("", 4, 1024, [1, 0], [], 1, "sum", "", -1)
        with self.assertRaises(ValueError):
            ecdisc.medium_sim("", 4, 1024, [1, 0], [], 1, "sum",
                              os.path.join(SOURCE_DIR, "media", "no_such_servo.yml"), 0)


if __name__ == "__main__":
    gr_unittest.run(qa_medium_servo)
