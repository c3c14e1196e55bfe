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


SMALL_FORMAT = os.path.join(SOURCE_DIR, "media", "format_small.yml")


def channel_bits(n_bytes, cluster_user=2048, cluster_recorded=2480, frame_bytes=128,
                 dc_interval=45):
    """Channel bits recorded for n_bytes user bytes (small format: 2048 user
    bytes -> 4 x (512 + 8) = 2080 sector bytes in RS(248,216) columns:
    ceil(2080 / 216) = 10 codewords = 2480 recorded bytes per cluster),
    counted independently of the code under test: 17PP frames of 24 sync
    bits + 3/2 channel bits per coded data bit, the coded data being the
    32-bit header and the user bits, one DC bit per dc_interval of them,
    rounded up to even, + 2 termination bits."""
    clusters = -(-n_bytes // cluster_user)
    frames = -(-clusters * cluster_recorded // frame_bytes)
    info = 32 + 8 * frame_bytes
    coded = info + -(-info // dc_interval)
    coded += coded % 2
    return frames * (24 + 3 * (coded + 2) // 2)


class qa_session(gr_unittest.TestCase):

    def setUp(self):
        gr.logging().set_default_level(gr.log_levels.warn)

    def run_layer(self, **kw):
        kw.setdefault("format_file", SMALL_FORMAT)
        r = session.run_session(session.SessionSettings(**kw))
        r.pop("output")  # keeps failure messages short
        return r

    def test_every_layer_reads_back_every_sector(self):
        for layer in range(session.medium_layers("")):
            r = self.run_layer(layer=layer, n_bytes=4096)
            self.assertEqual(r["channel_bits"], channel_bits(4096))
            self.assertLess(r["channel_ber"], 1e-3, r)
            self.assertEqual(r["sectors"], 8, r)
            self.assertEqual(r["sectors_failed"], 0, r)
            self.assertEqual(r["byte_errors"], 0, r)
            self.assertEqual(r["recorded_bytes"], 2 * 2480, r)
            self.assertLess(r["symbol_error_rate"], 1e-2, r)
            self.assertGreater(r["jitter_pct"], 0.0, r)
            self.assertLess(r["jitter_pct"], 20.0, r)

    def test_user_bytes_come_back_exactly(self):
        data = bytes(range(256)) * 12 + b"end of file"
        r = session.run_session(session.SessionSettings(
            layer=0, n_bytes=len(data), format_file=SMALL_FORMAT), data)
        self.assertEqual(r["bytes"], len(data))
        self.assertEqual(r["sectors_failed"], 0, r)
        self.assertEqual(r["output"], data)

    def test_power_table(self):
        # the shipped table's entry for the deepest layer records it; a
        # table whose entry over-writes it (marks too long) fails sectors
        last = session.medium_layers("") - 1
        table = os.path.join(SOURCE_DIR, "media", "power_table_default.yml")
        r = self.run_layer(layer=last, n_bytes=2048, power_table=table)
        self.assertEqual(r["sectors_failed"], 0, r)
        import tempfile
        with tempfile.NamedTemporaryFile("w", suffix=".yml") as f:
            f.write("name: hot\nlayers:\n  - {layer: %d, write_power_mw: 9.0, "
                    "space_power_mw: 0.5, assist_power_mw: 4.5, record_voltage_v: 1.5}\n"
                    % last)
            f.flush()
            hot = self.run_layer(layer=last, n_bytes=2048, power_table=f.name)
        self.assertGreater(hot["sectors_failed"], 0, hot)
        with self.assertRaisesRegex(ValueError, "layer = 0: not in power table hot"):
            with tempfile.NamedTemporaryFile("w", suffix=".yml") as f:
                f.write("name: hot\nlayers:\n  - {layer: 3, write_power_mw: 9.0, "
                        "space_power_mw: 0.5, assist_power_mw: 4.5, record_voltage_v: 1.5}\n")
                f.flush()
                self.run_layer(layer=0, n_bytes=64, power_table=f.name)

    def test_noiseless_far_layer_is_exact(self):
        last = session.medium_layers("") - 1
        r = self.run_layer(layer=last, n_bytes=2048, noise_scale=0.0)
        self.assertEqual(r["channel_bit_errors"], 0, r)
        self.assertEqual(r["symbol_errors"], 0, r)
        self.assertEqual(r["byte_errors"], 0, r)

    def test_ber_rises_with_noise(self):
        bers = [self.run_layer(layer=0, n_bytes=2048, noise_scale=k)["channel_ber"]
                for k in (1.0, 2.5, 5.0)]
        self.assertEqual(bers, sorted(bers), bers)
        self.assertGreater(bers[-1], bers[0], bers)

    def test_read_chains(self):
        # PRML (the default) reports the sequenced amplitude margin: mean
        # near 1 when the equaliser reaches the target, sigma from the noise
        r = self.run_layer(layer=0, n_bytes=2048)
        self.assertEqual(r["read_chain"], "prml")
        self.assertEqual(r["sectors_failed"], 0, r)
        self.assertGreater(r["sam"]["mean"], 0.9, r)
        self.assertLess(r["sam"]["mean"], 1.1, r)
        self.assertGreater(r["sam"]["db"], 12.0, r)
        r = self.run_layer(layer=0, n_bytes=2048, read_chain="slicer")
        self.assertEqual(r["read_chain"], "slicer")
        self.assertLess(r["channel_ber"], 1e-3, r)
        self.assertEqual(r["sectors_failed"], 0, r)
        self.assertIsNone(r["sam"])

    def test_assist_beam_is_what_makes_recording_work(self):
        # Claims 5/7: without spot 1 the marks stay under-coloured.
        on = self.run_layer(layer=0, n_bytes=2048)
        off = self.run_layer(layer=0, n_bytes=2048, assist_power_mw=0.0)
        self.assertGreater(on["medium"]["assist_speedup"], 2.0)
        self.assertEqual(off["medium"]["assist_speedup"], 1.0)
        self.assertGreater(off["channel_ber"], 100 * max(on["channel_ber"], 1e-4))
        self.assertGreater(off["sectors_failed"], 0, off)
        self.assertEqual(on["sectors_failed"], 0, on)

    def test_claim4_guide_layer_gives_addresses(self):
        # media/guide_layer_example.yml: G0 is a spare grooved guide layer
        # with wobble addresses, L1 and L2 flat data layers. Recording L1,
        # spot 1 sits on G0 (next to it): it assists and reads address words
        # from the push-pull; L2 has no guide layer next to it.
        guide = os.path.join(SOURCE_DIR, "media", "guide_layer_example.yml")
        r = self.run_layer(layer=1, n_bytes=8192, medium_file=guide)
        self.assertEqual(r["sectors_failed"], 0, r)
        self.assertEqual(r["address"]["guide_layer"], 0, r)
        self.assertGreaterEqual(r["address"]["words"], 2, r)
        self.assertIsNone(self.run_layer(layer=2, n_bytes=64, medium_file=guide)["address"])
        self.assertIsNone(self.run_layer(layer=0, n_bytes=64)["address"])
        with self.assertRaisesRegex(ValueError, "layer = 0: a spare layer"):
            self.run_layer(layer=0, n_bytes=64, medium_file=guide)

    def test_claim4_recorded_data_carries_the_address(self):
        # The guide layer's words name layer 5 here (a copy of the example
        # with layer_address 5): spot 1 reads them before recording, the
        # data begins in segment 0 of track 0 (the run-in is shorter than a
        # word), so the first sector must come back numbered
        # 5 << 28 | 0 << 8 | 0, which the default numbering (from 0) is not.
        import tempfile
        with open(os.path.join(SOURCE_DIR, "media", "guide_layer_example.yml")) as f:
            text = f.read()
        self.assertIn("layer_address: 0", text)
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "guide5.yml")
            with open(path, "w") as f:
                f.write(text.replace("layer_address: 0", "layer_address: 5"))
            r = self.run_layer(layer=1, n_bytes=8192, medium_file=path)
        a = r["address"]
        self.assertEqual(a["data_address"], {"layer": 5, "track": 0, "segment": 0}, r)
        self.assertTrue(a["data_carries_address"], r)
        self.assertEqual(r["sectors_failed"], 0, r)
        # a track too short for an address word: no address, said so
        guide = os.path.join(SOURCE_DIR, "media", "guide_layer_example.yml")
        short = self.run_layer(layer=1, n_bytes=1024, medium_file=guide)["address"]
        self.assertIsNone(short["data_address"])
        self.assertFalse(short["data_carries_address"])

    def test_claim3_spot2_on_another_track(self):
        # media/guide_band_example.yml: the guide-layer stack on a band of 4
        # tracks (rows at pitch/4). Spot 1 stays on the guide layer's track 0
        # (it tracks on the push-pull: the servo beam is 0); spot 2 records
        # and reads L1 0..3 tracks beside it (claim 3). Every offset reads
        # back every sector.
        band = os.path.join(SOURCE_DIR, "media", "guide_band_example.yml")
        for off in range(4):
            r = self.run_layer(layer=1, n_bytes=2048, medium_file=band, track_offset=off)
            self.assertEqual(r["track_offset"], off)
            self.assertEqual(r["sectors_failed"], 0, r)
            self.assertLess(r["channel_ber"], 1e-3, r)
            self.assertEqual(r["servo"]["beam"], 0, r)
            self.assertTrue(r["servo"]["tracking_locked"], r)
        # a one-track medium has no other track
        with self.assertRaisesRegex(ValueError, "track_offset = 1.*band_tracks = 1"):
            self.run_layer(layer=0, n_bytes=64, track_offset=1)
        with self.assertRaisesRegex(ValueError, "track_offset = 4"):
            session.SessionSettings(track_offset=4)

    def test_bad_settings(self):
        with self.assertRaisesRegex(ValueError, "bytes = 0"):
            session.SessionSettings(n_bytes=0)
        with self.assertRaisesRegex(ValueError, "layer = 7"):
            self.run_layer(layer=7, n_bytes=64)
        with self.assertRaisesRegex(ValueError, "read_chain = 'eye'"):
            session.SessionSettings(read_chain="eye")
        with self.assertRaisesRegex(ValueError, "format_file = /nonexistent.yml"):
            self.run_layer(n_bytes=64, format_file="/nonexistent.yml")


    def test_servo_residuals(self):
        # The session's medium runs the default servo on the reading beam:
        # residuals below a tenth of the depth of focus lambda / (2 NA^2) and
        # a twentieth of the track pitch (from the medium file, read here),
        # both loops locked; "off" (ideal positioning) reports null and reads
        # the same bits (the loops only split the light over the quadrants).
        import yaml
        with open(os.path.join(SOURCE_DIR, "media", "default.yml")) as f:
            cfg = yaml.safe_load(f)
        o = cfg["optics"]
        dof_nm = float(o["wavelength_m"]) / (2 * float(o["na"]) ** 2) * 1e9
        pitch_nm = float(cfg["format"].get("track_pitch_m", 0.32e-6)) * 1e9
        r = self.run_layer(layer=2, n_bytes=2048)
        sv = r["servo"]
        self.assertEqual(sv["beam"], 1)
        self.assertTrue(sv["focus_locked"], sv)
        self.assertTrue(sv["tracking_locked"], sv)
        self.assertGreater(sv["fes_rms_nm"], 0.0)
        self.assertLess(sv["fes_rms_nm"], 0.1 * dof_nm)
        self.assertGreater(sv["tes_rms_nm"], 0.0)
        self.assertLess(sv["tes_rms_nm"], pitch_nm / 20)
        self.assertEqual(r["byte_errors"], 0)
        off = self.run_layer(layer=2, n_bytes=2048, servo="off")
        self.assertIsNone(off["servo"])
        self.assertEqual(off["channel_bit_errors"], r["channel_bit_errors"])
        with self.assertRaisesRegex(ValueError, "no_such_servo"):
            self.run_layer(n_bytes=64, servo="/nonexistent/no_such_servo.yml")


class qa_ecdisc_sim_cli(gr_unittest.TestCase):

    def run_app(self, *args):
        return subprocess.run([sys.executable, APP, "--format", SMALL_FORMAT] + list(args),
                              capture_output=True, text=True, timeout=300)

    def test_json_report(self):
        p = self.run_app("--bytes", "1024", "--layer", "1", "--seed", "3", "--json", "-")
        self.assertEqual(p.returncode, 0, p.stderr)
        rep = json.loads(p.stdout)
        n_layers = rep["medium"]["layers"]
        self.assertEqual(n_layers, session.medium_layers(""))
        self.assertIn("wall_s", rep)
        (layer,) = rep["layers"]
        self.assertEqual(layer["layer"], 1)
        self.assertEqual(layer["channel_bits"], channel_bits(1024))
        for key in ("channel_bit_errors", "channel_ber", "symbol_error_rate", "sectors",
                    "sectors_failed", "jitter_pct", "sam", "crosstalk_db", "assist_speedup"):
            self.assertIn(key, layer)
        self.assertEqual(layer["sectors"], 4)
        self.assertEqual(layer["sectors_failed"], 0)
        self.assertLess(layer["channel_ber"], 1e-3)
        self.assertEqual(set(layer["servo"]), {"fes_rms_nm", "tes_rms_nm", "focus_locked",
                                               "tracking_locked", "beam"})
        self.assertTrue(layer["servo"]["focus_locked"])
        self.assertEqual(len(rep["medium"]["crosstalk_db"]), 1)
        self.assertLess(rep["medium"]["crosstalk_db"][0], 0.0)

    def test_input_file_comes_back_in_output_file(self):
        import tempfile
        with tempfile.TemporaryDirectory() as d:
            src, dst = os.path.join(d, "in.bin"), os.path.join(d, "out.bin")
            data = os.urandom(3000)
            with open(src, "wb") as f:
                f.write(data)
            p = self.run_app("--input", src, "--output", dst, "--layer", "0", "--json", "-")
            self.assertEqual(p.returncode, 0, p.stderr)
            rep = json.loads(p.stdout)
            self.assertEqual(rep["layers"][0]["sectors_failed"], 0)
            with open(dst, "rb") as f:
                self.assertEqual(f.read(), data)
            p = self.run_app("--input", os.path.join(d, "missing.bin"))
            self.assertEqual(p.returncode, 2)
            self.assertIn("--input", p.stderr)

    def test_human_report_lists_every_layer(self):
        p = self.run_app("--bytes", "512")
        self.assertEqual(p.returncode, 0, p.stderr)
        rows = [l.split() for l in p.stdout.splitlines() if l.split() and l.split()[0].isdigit()]
        self.assertEqual([r[0] for r in rows],
                         [str(k) for k in range(session.medium_layers(""))])
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
                           (["--medium", "/nonexistent/medium.yml"], "medium"),
                           (["--servo", "/nonexistent/no_such_servo.yml"], "no_such_servo")):
            p = self.run_app(*args)
            self.assertEqual(p.returncode, 2, args)
            self.assertEqual(len(p.stderr.strip().splitlines()), 1, p.stderr)
            self.assertIn(what, p.stderr)


if __name__ == '__main__':
    gr_unittest.run(qa_session)
