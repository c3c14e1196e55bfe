#!/usr/bin/env python3
# This file is part of gr-ecdisc.
# SPDX-License-Identifier: GPL-3.0-or-later
"""QA for cluster_encoder and cluster_decoder in real flowgraphs."""

import os
import random
import tempfile
import unittest

import pmt
from gnuradio import blocks, gr, gr_unittest
from gnuradio import ecdisc


def tags_named(sink, name):
    return sorted((t.offset, t.value) for t in sink.tags()
                  if pmt.symbol_to_string(t.key) == name)


SMALL_FORMAT = """name: qa-small
user_bytes: 100
sectors_per_cluster: 5
rs: {n: 40, k: 30, gf_poly: 285, fcr: 0}
interleave: {row_shift: 1}
"""


class qa_cluster(gr_unittest.TestCase):

    def setUp(self):
        self.rng = random.Random(17)

    def run_chain(self, data, err, flags=None, fmt="", first=0):
        tb = gr.top_block()
        src = blocks.vector_source_b(data, False)
        enc = ecdisc.cluster_encoder(fmt, first)
        xor = blocks.xor_bb()
        dec = ecdisc.cluster_decoder(fmt)
        enc_snk = blocks.vector_sink_b()
        snk = blocks.vector_sink_b()
        tb.connect(src, enc, (xor, 0))
        tb.connect(blocks.vector_source_b(err, False), (xor, 1))
        tb.connect(enc, enc_snk)
        tb.connect(xor, (dec, 0))
        if flags is not None:
            tb.connect(blocks.vector_source_b(flags, False), (dec, 1))
        tb.connect(dec, snk)
        tb.run()
        return enc, dec, enc_snk, snk

    def test_default_format_errors_and_failures(self):
        enc0 = ecdisc.cluster_encoder()
        ub, cb = enc0.cluster_user_bytes(), enc0.cluster_bytes()
        self.assertEqual((ub, cb), (65536, 75640))
        cols = cb // 248
        data = [self.rng.randrange(256) for _ in range(3 * ub + 1000)]
        err = [0] * (3 * cb)
        # cluster 1: a burst of 10 * columns bytes (corrected)
        for p in range(cb + 5000, cb + 5000 + 10 * cols):
            err[p] = self.rng.randrange(1, 256)
        # cluster 2: a burst of 17 * columns + 1 bytes (every codeword fails)
        for p in range(2 * cb + 100, 2 * cb + 100 + 17 * cols + 1):
            err[p] = self.rng.randrange(1, 256)
        enc, dec, enc_snk, snk = self.run_chain(data, err, first=100)

        # the encoder: whole clusters only (the last 1000 bytes wait), tagged
        self.assertEqual(enc.clusters(), 3)
        self.assertEqual(len(enc_snk.data()), 3 * cb)
        self.assertEqual([(o, pmt.to_uint64(v)) for o, v in tags_named(enc_snk, "cluster")],
                         [(0, 0), (cb, 1), (2 * cb, 2)])

        out = list(snk.data())
        self.assertEqual(len(out), 3 * ub)
        self.assertEqual(out[:2 * ub], data[:2 * ub])
        self.assertEqual(out[2 * ub:], [0] * ub)  # failed sectors: zeros

        sectors = tags_named(snk, "sector")
        status = tags_named(snk, "sector_status")
        self.assertEqual([o for o, _ in sectors], [2048 * s for s in range(96)])
        self.assertEqual([pmt.to_uint64(v) for _, v in sectors], list(range(100, 196)))
        self.assertEqual([o for o, _ in status], [2048 * s for s in range(96)])
        st = [pmt.to_long(v) for _, v in status]
        self.assertEqual(st[:32], [0] * 32)
        self.assertTrue(all(s >= 0 for s in st[32:64]))
        self.assertGreater(sum(st[32:64]), 0)
        self.assertEqual(st[64:], [-1] * 32)

        self.assertEqual(dec.clusters(), 3)
        self.assertEqual(dec.sectors(), 96)
        self.assertEqual(dec.sectors_failed(), 32)
        self.assertEqual(dec.sectors_corrected(), sum(1 for s in st[32:64] if s > 0))

    def test_format_file_and_erasures(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "small.yml")
            with open(path, "w") as f:
                f.write(SMALL_FORMAT)
            enc0 = ecdisc.cluster_encoder(path)
            ub, cb = enc0.cluster_user_bytes(), enc0.cluster_bytes()
            self.assertEqual((ub, cb), (500, 40 * 18))
            clusters = 4
            data = [self.rng.randrange(256) for _ in range(clusters * ub)]
            # 10 erased (flagged) bytes in a row of each 720 -> spread over
            # columns: <= 1 per codeword per row, 10 rows of 18 columns
            err = [0] * (clusters * cb)
            flags = [0] * (clusters * cb)
            for c in range(clusters):
                for p in range(c * cb + 36, c * cb + 36 + 10 * 18):
                    err[p] = self.rng.randrange(1, 256)
                    flags[p] = 1
            _, dec, _, snk = self.run_chain(data, err, flags, fmt=path, first=7)
            self.assertEqual(list(snk.data()), data)
            self.assertEqual(dec.sectors_failed(), 0)
            self.assertEqual([pmt.to_uint64(v) for _, v in tags_named(snk, "sector")],
                             list(range(7, 7 + 5 * clusters)))
            # without flags 10 errors per codeword exceed t = 5
            _, dec, _, snk = self.run_chain(data, err, None, fmt=path, first=7)
            self.assertEqual(dec.sectors_failed(), 5 * clusters)
            self.assertEqual(list(snk.data()), [0] * len(data))

    def test_bad_parameters(self):
        with self.assertRaisesRegex(ValueError, "first_sector = 4294967296"):
            ecdisc.cluster_encoder("", 2**32)
        with self.assertRaisesRegex(ValueError, "format_file = /nonexistent.yml"):
            ecdisc.cluster_decoder("/nonexistent.yml")


if __name__ == "__main__":
    gr_unittest.run(qa_cluster)
