# This file is part of gr-ecdisc.
# SPDX-License-Identifier: GPL-3.0-or-later
"""write_then_read: one revolution of recording, then one of reading."""

from gnuradio import blocks, gr


class write_then_read(gr.hier_block2):
    """Schedules the laser power of each beam over two revolutions.

    Input k: the power stream of beam k from a write strategy (float, mW).
    Output k: the first write_samples items of input k, then read_powers_mw[k]
    until 2 * revolution_samples items in all; then the stream ends. Feed the
    outputs to a medium_sim whose track is revolution_samples long: the data is
    recorded on the first pass and read back on the second.
    """

    def __init__(self, n_beams=2, write_samples=4096, revolution_samples=8192,
                 read_powers_mw=(0.0, 0.5)):
        n_beams = int(n_beams)
        read_powers_mw = [float(p) for p in read_powers_mw]
        if not 1 <= n_beams <= 4:
            raise ValueError("n_beams = %d: must be in 1..4" % n_beams)
        if not 0 < write_samples <= revolution_samples:
            raise ValueError("write_samples = %d: must be in 1..revolution_samples (%d)"
                             % (write_samples, revolution_samples))
        if len(read_powers_mw) != n_beams:
            raise ValueError("read_powers_mw = %r: needs one power per beam (%d)"
                             % (read_powers_mw, n_beams))
        if any(p < 0.0 for p in read_powers_mw):
            raise ValueError("read_powers_mw = %r: powers must be >= 0" % read_powers_mw)
        gr.hier_block2.__init__(
            self, "write_then_read",
            gr.io_signature(n_beams, n_beams, gr.sizeof_float),
            gr.io_signature(n_beams, n_beams, gr.sizeof_float))
        total = 2 * int(revolution_samples)
        for k in range(n_beams):
            mux = blocks.stream_mux(gr.sizeof_float, [int(write_samples), total - int(write_samples)])
            level = blocks.vector_source_f([read_powers_mw[k]], True)
            head = blocks.head(gr.sizeof_float, total)
            self.connect((self, k), (mux, 0))
            self.connect(level, (mux, 1))
            self.connect(mux, head, (self, k))
