#!/usr/bin/env python3
# This file is part of gr-ecdisc.
# SPDX-License-Identifier: GPL-3.0-or-later
"""QA for the write_then_read hier block."""

from gnuradio import blocks, gr, gr_unittest
from gnuradio import ecdisc


class qa_write_then_read(gr_unittest.TestCase):

    def test_two_revolutions(self):
        tb = gr.top_block()
        sched = ecdisc.write_then_read(2, 10, 25, [0.0, 0.5])
        sinks = []
        for k in range(2):
            src = blocks.vector_source_f([float(100 * k + i) for i in range(30)])
            snk = blocks.vector_sink_f()
            tb.connect(src, (sched, k))
            tb.connect((sched, k), snk)
            sinks.append(snk)
        tb.run()
        self.assertEqual(list(sinks[0].data()), [float(i) for i in range(10)] + [0.0] * 40)
        self.assertEqual(list(sinks[1].data()),
                         [float(100 + i) for i in range(10)] + [0.5] * 40)

    def test_bad_parameters(self):
        with self.assertRaisesRegex(ValueError, "write_samples = 30"):
            ecdisc.write_then_read(2, 30, 25, [0.0, 0.5])
        with self.assertRaisesRegex(ValueError, "read_powers_mw"):
            ecdisc.write_then_read(2, 10, 25, [0.5])
        with self.assertRaisesRegex(ValueError, "n_beams = 5"):
            ecdisc.write_then_read(5, 10, 25, [0.0] * 5)


if __name__ == '__main__':
    gr_unittest.run(qa_write_then_read)
