# This file is part of gr-ecdisc.
# SPDX-License-Identifier: GPL-3.0-or-later
"""A simulated write -> read session: the flowgraph behind ecdisc-sim.

One session records user bytes on one layer of the simulated disc during one
revolution and reads them back on the next:

    bytes -> rll17_encoder -> nrzi_encoder -> write_strategy (beam 0: assist,
    beam 1: recording) -> [one revolution of write power, one of read power]
    -> medium_sim -> beam 1 detector -> (skip the write revolution)
    -> rf_frontend -> slicer_cdr -> nrzi_decoder -> rll17_decoder -> bytes

and a ber_counter compares the detected channel levels with the written ones.
"""

import time

import numpy as np
from gnuradio import blocks, gr

from .ecdisc_python import (ber_counter, medium_sim, nrzi_decoder, nrzi_encoder,
                            rf_frontend, rll17_decoder, rll17_encoder, slicer_cdr,
                            write_strategy)
from .write_then_read import write_then_read

#: Electrode voltage put on the layer being recorded (V).
RECORD_VOLTAGE_V = 1.5
#: Channel bits of blank track after the data, so the read pass overruns it.
TRACK_MARGIN_BITS = 512


class SessionSettings:
    """Parameters of one session, with the defaults of ecdisc-sim."""

    def __init__(self, medium_file="", layer=0, n_bytes=8192, seed=1,
                 assist_power_mw=3.0, write_power_mw=6.0, read_power_mw=0.5,
                 sps=4, frame_bytes=64, noise_scale=1.0):
        self.medium_file = medium_file
        self.layer = int(layer)
        self.n_bytes = int(n_bytes)
        self.seed = int(seed)
        self.assist_power_mw = float(assist_power_mw)
        self.write_power_mw = float(write_power_mw)
        self.read_power_mw = float(read_power_mw)
        self.sps = int(sps)
        self.frame_bytes = int(frame_bytes)
        self.noise_scale = float(noise_scale)
        self.check()

    def check(self):
        def bad(key, value, allowed):
            raise ValueError("%s = %r: %s" % (key, value, allowed))
        if self.n_bytes < 1 or self.n_bytes > 1 << 22:
            bad("bytes", self.n_bytes, "must be in 1..4194304")
        if self.layer < 0:
            bad("layer", self.layer, "must be >= 0")
        if not 0.0 <= self.assist_power_mw <= 100.0:
            bad("assist_power_mw", self.assist_power_mw, "must be in 0..100")
        if not 0.0 < self.write_power_mw <= 100.0:
            bad("write_power_mw", self.write_power_mw, "must be in (0, 100]")
        if not 0.0 <= self.read_power_mw <= self.write_power_mw:
            bad("read_power_mw", self.read_power_mw, "must be in 0..write_power_mw")
        if self.noise_scale < 0.0:
            bad("noise_scale", self.noise_scale, "must be >= 0")

    def as_dict(self):
        return dict(vars(self))


def run_session(settings):
    """Runs one write -> read session and returns its report (a dict):
    {layer, channel_bits, channel_bit_errors, channel_ber, bytes, byte_errors,
     frames, frames_flagged, sync_losses, medium: {...}}."""
    s = settings
    rng = np.random.default_rng(s.seed)
    n_frames = -(-s.n_bytes // s.frame_bytes)
    data = rng.integers(0, 256, n_frames * s.frame_bytes, dtype=np.uint8)

    enc = rll17_encoder(s.frame_bytes)
    frame_bits = enc.frame_bits()
    data_bits = n_frames * frame_bits
    track_bits = data_bits + TRACK_MARGIN_BITS
    rev = track_bits * s.sps              # samples per simulated revolution
    write_samples = data_bits * s.sps

    # The medium is made first: it validates the medium file and the layer.
    probe = medium_sim(s.medium_file, s.sps, track_bits, [0, 0], [], s.seed)
    n_layers = probe.num_layers()
    if s.layer >= n_layers:
        raise ValueError("layer = %d: the medium has layers 0..%d"
                         % (s.layer, n_layers - 1))
    assist_layer = s.layer + 1 if s.layer + 1 < n_layers else s.layer - 1
    volts = [RECORD_VOLTAGE_V if k == s.layer else 0.0 for k in range(n_layers)]
    medium = medium_sim(s.medium_file, s.sps, track_bits,
                        [max(assist_layer, 0), s.layer], volts, s.seed)
    medium.set_noise_scale(s.noise_scale)

    tb = gr.top_block("ecdisc_session")
    src = blocks.vector_source_b(data.tolist())
    nrzi = nrzi_encoder(0)
    ws = write_strategy(s.sps, s.write_power_mw, s.read_power_mw,
                        s.assist_power_mw)
    tb.connect(src, enc, nrzi, ws)

    # One revolution recording, one reading (assist off, recording beam at
    # read power).
    sched = write_then_read(2, write_samples, rev, [0.0, s.read_power_mw])
    for beam in (0, 1):
        tb.connect((ws, beam), (sched, beam), (medium, beam))

    tb.connect((medium, 0), blocks.null_sink(gr.sizeof_float))
    skip = blocks.skiphead(gr.sizeof_float, rev)
    front = rf_frontend(1)
    cdr = slicer_cdr(float(s.sps))
    ber = ber_counter()
    dec = rll17_decoder(s.frame_bytes)
    sink = blocks.vector_sink_b()
    tb.connect((medium, 1), skip, front, cdr)
    tb.connect(nrzi, (ber, 0))
    tb.connect(cdr, (ber, 1))
    tb.connect(cdr, nrzi_decoder(0), dec, sink)
    tb.run()

    out = np.array(sink.data(), dtype=np.uint8)
    n = min(len(out), len(data))
    byte_errors = int(np.count_nonzero(out[:n] != data[:n])) + (len(data) - n)
    compared = ber.bits_compared()
    errors = ber.errors() + (data_bits - min(compared, data_bits))
    return {
        "layer": s.layer,
        "channel_bits": int(data_bits),
        "channel_bit_errors": int(errors),
        "channel_ber": errors / data_bits,
        "bytes": int(len(data)),
        "byte_errors": byte_errors,
        "frames": int(dec.frames()),
        "frames_flagged": int(dec.frames_flagged()),
        "sync_losses": int(dec.sync_losses()),
        "medium": {
            "name": medium.medium_name(),
            "layers": n_layers,
            "assist_speedup": medium.assist_speedup(),
        },
    }


def medium_layers(medium_file=""):
    """Number of layers of a medium stack ("" = the built-in default)."""
    return medium_sim(medium_file, 4, 1024, [0], [], 1).num_layers()


def run_sessions(layers, **kw):
    """Runs one session per layer; returns the full report dict of ecdisc-sim."""
    t0 = time.monotonic()
    results = [run_session(SessionSettings(layer=k, **kw)) for k in layers]
    medium = dict(results[0]["medium"]) if results else {}
    for r in results:
        r["assist_speedup"] = r.pop("medium")["assist_speedup"]
    return {
        "program": "ecdisc-sim",
        "medium": medium,
        "settings": {k: v for k, v in kw.items()},
        "layers": results,
        "wall_s": time.monotonic() - t0,
    }
