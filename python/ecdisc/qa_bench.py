#!/usr/bin/env python3
# This file is part of gr-ecdisc.
# SPDX-License-Identifier: GPL-3.0-or-later
"""QA of the bench path: the ecdisc-sim session through a SoapySDR device
(gr-soapy sink and source) with this project's driver=ecdisc module, the
ecdisc-bench command line, and dropped samples (injected overflows)."""

import json
import os
import subprocess
import sys

import numpy as np
from gnuradio import gr, gr_unittest
from gnuradio.ecdisc import session

SOURCE_DIR = os.environ.get(
    "ECDISC_SOURCE_DIR",
    os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
SMALL_FORMAT = os.path.join(SOURCE_DIR, "media", "format_small.yml")
APPS = os.path.join(SOURCE_DIR, "apps")
USER_BYTES = 512  # per sector in the small format


class qa_bench(gr_unittest.TestCase):

    def setUp(self):
        gr.logging().set_default_level(gr.log_levels.warn)

    def run_app(self, app, *args):
        return subprocess.run([sys.executable, os.path.join(APPS, app), "--format",
                               SMALL_FORMAT, "--json", "-"] + list(args),
                              capture_output=True, text=True, timeout=300)

    def test_bench_report_equals_the_simulation(self):
        # driver=ecdisc runs the same medium (same seed) behind SoapySDR: the
        # detector samples are identical, so is every count of the report
        # (the device has no servo: the simulation runs with ideal
        # positioning too, whose detector samples are those of the device)
        args = ("--bytes", "3000", "--layer", "1", "--seed", "4")
        sim = self.run_app("ecdisc-sim", "--servo", "off", *args)
        bench = self.run_app("ecdisc-bench", "--device", "driver=ecdisc", *args)
        self.assertEqual(sim.returncode, 0, sim.stderr)
        self.assertEqual(bench.returncode, 0, bench.stderr)
        a, b = json.loads(sim.stdout), json.loads(bench.stdout)
        self.assertEqual(b["program"], "ecdisc-bench")
        self.assertEqual(b["settings"]["device"], "driver=ecdisc")
        self.assertEqual(a["medium"], b["medium"])
        for key in ("channel_bits", "channel_bit_errors", "bytes", "byte_errors",
                    "symbol_errors", "sectors", "sectors_failed", "jitter_pct", "sam"):
            self.assertEqual(a["layers"][0][key], b["layers"][0][key], key)
        self.assertEqual(b["layers"][0]["sectors_failed"], 0)

    def test_bench_track_offset_equals_the_simulation(self):
        # claim 3 through the SoapySDR module: tracks=0:2 on the band medium
        # gives the report of ecdisc-sim --track-offset 2 (ideal positioning)
        band = os.path.join(SOURCE_DIR, "media", "guide_band_example.yml")
        args = ("--bytes", "2000", "--layer", "1", "--medium", band, "--track-offset", "2")
        sim = self.run_app("ecdisc-sim", "--servo", "off", *args)
        bench = self.run_app("ecdisc-bench", "--device", "driver=ecdisc", *args)
        self.assertEqual(sim.returncode, 0, sim.stderr)
        self.assertEqual(bench.returncode, 0, bench.stderr)
        a, b = json.loads(sim.stdout), json.loads(bench.stdout)
        for key in ("channel_bits", "channel_bit_errors", "sectors", "sectors_failed",
                    "track_offset"):
            self.assertEqual(a["layers"][0][key], b["layers"][0][key], key)
        self.assertEqual(b["layers"][0]["track_offset"], 2)
        self.assertEqual(b["layers"][0]["sectors_failed"], 0)

    def test_bench_records_a_file_and_reads_it_back(self):
        import tempfile
        with tempfile.TemporaryDirectory() as d:
            src, dst = os.path.join(d, "in.bin"), os.path.join(d, "out.bin")
            data = np.random.default_rng(2).integers(0, 256, 5000, dtype=np.uint8).tobytes()
            with open(src, "wb") as f:
                f.write(data)
            p = self.run_app("ecdisc-bench", "--device", "driver=ecdisc", "--input", src,
                             "--output", dst, "--layer", "2")
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertEqual(json.loads(p.stdout)["layers"][0]["sectors_failed"], 0)
            with open(dst, "rb") as f:
                self.assertEqual(f.read(), data)

    def test_bench_needs_a_device_and_names_a_bad_one(self):
        p = self.run_app("ecdisc-bench", "--bytes", "64")
        self.assertEqual(p.returncode, 2)
        self.assertIn("--device", p.stderr)
        p = self.run_app("ecdisc-bench", "--device", "driver=ecdisc,colour=red",
                         "--bytes", "64", "--layer", "0")
        self.assertEqual(p.returncode, 2)
        self.assertEqual(len(p.stderr.strip().splitlines()), 1, p.stderr)
        self.assertIn("colour", p.stderr)

    def test_overflows_never_give_wrong_bytes(self):
        # Every 150000 RX samples the device drops 6000 (1500 channel bits,
        # about one 17PP frame): the frame decoder re-locks after each gap and
        # erases what it lost; sectors the RS decoder cannot rebuild are
        # flagged, never output as data.
        data = np.random.default_rng(8).integers(0, 256, 6144, dtype=np.uint8).tobytes()
        s = session.SessionSettings(
            layer=0, n_bytes=len(data), format_file=SMALL_FORMAT,
            device="driver=ecdisc,overflow_every=150000,overflow_drop=6000")
        r = session.run_session(s, data)
        self.assertEqual(len(r["sector_status"]), r["sectors"])
        self.assertGreater(r["frames_missing"], 0, "no gap reached the frame decoder")
        out = r["output"]
        wrong_unflagged = 0
        for k, status in enumerate(r["sector_status"]):
            got = out[k * USER_BYTES:(k + 1) * USER_BYTES]
            want = data[k * USER_BYTES:(k + 1) * USER_BYTES]
            if status >= 0 and got != want:
                wrong_unflagged += 1
            if status < 0:
                self.assertEqual(got, bytes(len(got)))  # zeros, not data
        self.assertEqual(wrong_unflagged, 0)
        self.assertEqual(r["sectors_failed"],
                         sum(1 for st in r["sector_status"] if st < 0))
        # the chain re-locks: most sectors survive one lost frame per gap
        self.assertLess(r["sectors_failed"], r["sectors"] // 2, r["sector_status"])


if __name__ == '__main__':
    gr_unittest.run(qa_bench)
