#!/usr/bin/env python3
# This file is part of gr-ecdisc.
# SPDX-License-Identifier: GPL-3.0-or-later
"""Builds and checks examples/bench_uhd.grc without a USRP.

usage: check_uhd_flowgraph.py FILE.grc OUTDIR

Compiles the flowgraph with grcc (against the in-tree block yaml:
GRC_BLOCKS_PATH), replaces gnuradio.uhd.usrp_sink / usrp_source with stubs
that record every call and stand in for the device (the sink discards its
input, the source gives zeros), constructs the generated top block with its
default parameters (every other block for real: calibration files loaded,
checked, ...), and checks the device set-up the flowgraph asks for:

  - TX: fc32, 3 channels (beam 0, beam 1, electrode voltage), RX: fc32, 2
    channels; subdev specs, clock source, sample rate, centre frequency 0 on
    every channel (DC-coupled baseband);
  - timed start: TX and RX get the same set_start_time, after the device time
    was set from the PC clock, start_delay seconds ahead;
  - the calibration: power_to_dac uses the DAC file the bench file names,
    adc_to_photocurrent the bench file's ADC channels.

Then it runs the flowgraph on the stubs and checks that it ends on its own
with every TX channel fed 2 revolutions of samples.
"""

import importlib.util
import os
import subprocess
import sys
import threading

from gnuradio import blocks, gr, uhd

CALLS = {"sink": [], "source": []}


class _stub(gr.hier_block2):
    """Records the constructor arguments and every set_* call."""

    kind = None

    def __init__(self, *args, **kwargs):
        stream_args = next(a for a in args if isinstance(a, uhd.stream_args))
        self.cpu_format = stream_args.cpu_format
        self.channels = list(stream_args.channels)
        self.args = args
        n = len(self.channels)
        cplx = gr.io_signature(n, n, gr.sizeof_gr_complex)
        none = gr.io_signature(0, 0, 0)
        if self.kind == "sink":
            gr.hier_block2.__init__(self, "usrp_sink_stub", cplx, none)
            self.sinks = [blocks.null_sink(gr.sizeof_gr_complex) for _ in range(n)]
            for k in range(n):
                self.connect((self, k), self.sinks[k])
        else:
            gr.hier_block2.__init__(self, "usrp_source_stub", none, cplx)
            for k in range(n):
                self.connect(blocks.null_source(gr.sizeof_gr_complex), (self, k))
        CALLS[self.kind].append(("make", self))

    def __getattr__(self, name):
        if name.startswith("set_"):
            return lambda *a: CALLS[self.kind].append((name, a))
        return gr.hier_block2.__getattr__(self, name)


class sink_stub(_stub):
    kind = "sink"


class source_stub(_stub):
    kind = "source"


def fail(msg):
    print("check_uhd_flowgraph: FAIL: " + msg)
    sys.exit(1)


def calls(kind, name):
    return [a for n, a in CALLS[kind] if n == name]


def main():
    grc, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    subprocess.run([sys.executable, "/usr/bin/grcc", "-o", out, grc], check=True)
    gen = os.path.join(out, "bench_uhd.py")

    uhd.usrp_sink = sink_stub
    uhd.usrp_source = source_stub
    spec = importlib.util.spec_from_file_location("bench_uhd", gen)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    tb = mod.bench_uhd()
    mod.snippets_main_after_init(tb)

    # device set-up
    for kind, n, subdev in (("sink", 3, "A:A A:B B:A"), ("source", 2, "A:A A:B")):
        made = calls(kind, "make")
        if len(made) != 1:
            fail("%s made %d times" % (kind, len(made)))
        dev = made[0]
        if (dev.cpu_format, dev.channels) != ("fc32", list(range(n))):
            fail("%s: stream %s %r, want fc32 %r" % (kind, dev.cpu_format, dev.channels,
                                                     list(range(n))))
        if calls(kind, "set_subdev_spec") != [(subdev, 0)]:
            fail("%s: subdev %r" % (kind, calls(kind, "set_subdev_spec")))
        if calls(kind, "set_clock_source") != [("internal", 0)]:
            fail("%s: clock source %r" % (kind, calls(kind, "set_clock_source")))
        if calls(kind, "set_samp_rate") != [(1e6,)]:
            fail("%s: sample rate %r" % (kind, calls(kind, "set_samp_rate")))
        freqs = sorted((a[1], a[0]) for a in calls(kind, "set_center_freq"))
        if freqs != [(k, 0.0) for k in range(n)]:
            fail("%s: centre frequencies (channel, Hz) %r, want 0 Hz on each" % (kind, freqs))
        if len(calls(kind, "set_time_now")) != 1:
            fail("%s: device time not set from the PC clock once" % kind)
    # DC-coupled readout: the automatic DC-offset and IQ corrections would
    # remove the photocurrent's DC level
    for name in ("set_auto_dc_offset", "set_auto_iq_balance"):
        got = sorted(calls("source", name), key=lambda a: a[1])
        if got != [(False, 0), (False, 1)]:
            fail("source: %s %r, want (False, k) on both RX channels" % (name, got))
    t_now = calls("sink", "set_time_now")[0][0].get_real_secs()
    starts = [calls(k, "set_start_time") for k in ("sink", "source")]
    if any(len(s) != 1 for s in starts):
        fail("set_start_time calls %r" % starts)
    t_tx, t_rx = (s[0][0].get_real_secs() for s in starts)
    if t_tx != t_rx:
        fail("TX starts at %r, RX at %r: not aligned" % (t_tx, t_rx))
    if not 0.5 < t_tx - t_now <= 3.0:
        fail("start %.3f s after the device time was set, want start_delay (3 s) minus set-up"
             % (t_tx - t_now))

    # calibration
    if tb.dac1.channel_name() != "record":
        fail("dac1 channel %r" % tb.dac1.channel_name())
    if os.path.basename(tb.dac_calibration) != "calibration_example.yml":
        fail("DAC calibration %r, want the bench file's calibration_example.yml"
             % tb.dac_calibration)
    if abs(tb.dac1.dac_value(4.0) - 0.38) > 1e-4:  # a point of calibration_example.yml
        fail("dac1(4 mW) = %r, want 0.38" % tb.dac1.dac_value(4.0))
    if (tb.adc1.rx_channel(), tb.adc1.gain(), tb.adc1.offset()) != (1, 2.5, -0.004):
        fail("adc1: rx %d gain %r offset %r" % (tb.adc1.rx_channel(), tb.adc1.gain(),
                                               tb.adc1.offset()))
    if tb.eq.taps()[5:9] != [1.0, 2.0, 2.0, 1.0]:
        fail("equaliser taps %r" % tb.eq.taps())

    # run on the stubs: must end on its own
    done = threading.Event()
    th = threading.Thread(target=lambda: (tb.run(), done.set()), daemon=True)
    th.start()
    if not done.wait(60):
        tb.stop()
        fail("the flowgraph did not end on its own within 60 s")
    n = 2 * tb.revolution
    for blk in (tb.dac0, tb.dac1):
        if blk.samples() != n:
            fail("%s: %d samples sent, want 2 revolutions = %d" % (blk.channel_name(),
                                                                   blk.samples(), n))
    if tb.adc1.samples() != n:
        fail("adc1: %d samples read, want %d" % (tb.adc1.samples(), n))
    print("check_uhd_flowgraph: OK (3 TX, 2 RX, timed start %.3f s ahead, %d samples per channel)"
          % (t_tx - t_now, n))


if __name__ == "__main__":
    main()
