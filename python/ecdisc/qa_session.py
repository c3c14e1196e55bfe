#!/usr/bin/env python3
# This file is part of gr-ecdisc.
# SPDX-License-Identifier: GPL-3.0-or-later
"""End-to-end QA: the write -> read session behind ecdisc-sim, and the
program's command line."""

import json
import os
import subprocess
import sys

from gnuradio import gr, gr_unittest
from gnuradio.ecdisc import session

SOURCE_DIR = os.environ.get(
    "ECDISC_SOURCE_DIR",
    os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
APP = os.path.join(SOURCE_DIR, "apps", "ecdisc-sim")


def channel_bits(n_bytes, frame_bytes=64):
    # Rate-2/3 code: 12 channel bits per byte, plus a 24-bit sync per frame.
    frames = -(-n_bytes // frame_bytes)
    return frames * (24 + 12 * frame_bytes)


class qa_session(gr_unittest.TestCase):

    def setUp(self):
        gr.logging().set_default_level(gr.log_levels.warn)

    def run_layer(self, **kw):
        return session.run_session(session.SessionSettings(**kw))

    def test_every_layer_reads_back_below_1e3(self):
        for layer in (0, 1):
            r = self.run_layer(layer=layer, n_bytes=4096)
            self.assertEqual(r["channel_bits"], channel_bits(4096))
            self.assertLess(r["channel_ber"], 1e-3, r)
            self.assertEqual(r["frames_missing"], 0, r)
            self.assertLess(r["byte_errors"], 4096 * 1e-2, r)

    def test_noiseless_far_layer_is_exact(self):
        r = self.run_layer(layer=1, n_bytes=2048, noise_scale=0.0)
        self.assertEqual(r["channel_bit_errors"], 0, r)
        self.assertEqual(r["byte_errors"], 0, r)

    def test_assist_beam_is_what_makes_recording_work(self):
        # Claims 5/7: without spot 1 the marks stay under-coloured.
        on = self.run_layer(layer=0, n_bytes=2048)
        off = self.run_layer(layer=0, n_bytes=2048, assist_power_mw=0.0)
        self.assertGreater(on["medium"]["assist_speedup"], 2.0)
        self.assertEqual(off["medium"]["assist_speedup"], 1.0)
        self.assertGreater(off["channel_ber"], 100 * max(on["channel_ber"], 1e-4))

    def test_bad_settings(self):
        with self.assertRaisesRegex(ValueError, "bytes = 0"):
            session.SessionSettings(n_bytes=0)
        with self.assertRaisesRegex(ValueError, "layer = 7"):
            self.run_layer(layer=7, n_bytes=64)


class qa_ecdisc_sim_cli(gr_unittest.TestCase):

    def run_app(self, *args):
        return subprocess.run([sys.executable, APP] + list(args),
                              capture_output=True, text=True, timeout=300)

    def test_json_report(self):
        p = self.run_app("--bytes", "1024", "--layer", "1", "--seed", "3", "--json", "-")
        self.assertEqual(p.returncode, 0, p.stderr)
        rep = json.loads(p.stdout)
        self.assertEqual(rep["medium"]["name"], "ecdisc-default-2layer")
        self.assertIn("wall_s", rep)
        (layer,) = rep["layers"]
        self.assertEqual(layer["layer"], 1)
        self.assertEqual(layer["channel_bits"], channel_bits(1024))
        for key in ("channel_bit_errors", "channel_ber"):
            self.assertIn(key, layer)
        self.assertLess(layer["channel_ber"], 1e-3)

    def test_human_report_lists_every_layer(self):
        p = self.run_app("--bytes", "512")
        self.assertEqual(p.returncode, 0, p.stderr)
        rows = [l.split() for l in p.stdout.splitlines() if l.split() and l.split()[0].isdigit()]
        self.assertEqual([r[0] for r in rows], ["0", "1"])

    def test_plot_is_written(self):
        import tempfile
        with tempfile.TemporaryDirectory() as d:
            png = os.path.join(d, "session.png")
            p = self.run_app("--bytes", "512", "--layer", "0", "--plot", png)
            self.assertEqual(p.returncode, 0, p.stderr)
            with open(png, "rb") as f:
                self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")

    def test_bad_options_give_one_line(self):
        for args, what in ((["--bytes", "x"], "--bytes"),
                           (["--layer", "9"], "--layer 9"),
                           (["--medium", "/nonexistent/medium.yml"], "medium")):
            p = self.run_app(*args)
            self.assertEqual(p.returncode, 2, args)
            self.assertEqual(len(p.stderr.strip().splitlines()), 1, p.stderr)
            self.assertIn(what, p.stderr)


if __name__ == '__main__':
    gr_unittest.run(qa_session)
