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
#: Frames of filler recorded ahead of the user data (a run-in, as on real
#: discs): the front end and the clock recovery settle on them. They are
#: decoded but not counted in the report.
RUN_IN_FRAMES = 2
#: Channel bits of equalised RF kept for plots when asked (keep_trace).
TRACE_BITS = 4096
#: Frames of filler after the user data (a run-out): the write strategy
#: delays the power by one channel bit, and the last frame's sync check
#: needs bits after it.
RUN_OUT_FRAMES = 1


class SessionSettings:
    """Parameters of one session, with the defaults of ecdisc-sim."""

    def __init__(self, medium_file="", layer=0, n_bytes=8192, seed=1,
                 assist_power_mw=3.0, write_power_mw=6.0, read_power_mw=0.5,
                 sps=4, frame_bytes=64, noise_scale=1.0, lead_trim=0.0,
                 tail_trim=0.5, eq_boost=0.6, keep_trace=False):
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
        self.lead_trim = float(lead_trim)
        self.tail_trim = float(tail_trim)
        self.eq_boost = float(eq_boost)
        self.keep_trace = bool(keep_trace)
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


def run_session(settings):
    """Runs one write -> read session and returns its report (a dict):
    {layer, channel_bits, channel_bit_errors, channel_ber, bytes, byte_errors,
     frames, frames_flagged, frames_missing, sync_losses, medium: {...}}.
    The user bytes are rounded up to whole frames of frame_bytes."""
    s = settings
    rng = np.random.default_rng(s.seed)
    n_frames = -(-s.n_bytes // s.frame_bytes)
    data = rng.integers(0, 256, n_frames * s.frame_bytes, dtype=np.uint8)
    run_in = rng.integers(0, 256, RUN_IN_FRAMES * s.frame_bytes, dtype=np.uint8)
    run_out = rng.integers(0, 256, RUN_OUT_FRAMES * s.frame_bytes, dtype=np.uint8)
    written = np.concatenate([run_in, data, run_out])

    enc = rll17_encoder(s.frame_bytes)
    frame_bits = enc.frame_bits()
    run_in_bits = RUN_IN_FRAMES * frame_bits
    data_bits = n_frames * frame_bits
    run_out_bits = RUN_OUT_FRAMES * frame_bits
    track_bits = run_in_bits + data_bits + run_out_bits + TRACK_MARGIN_BITS
    rev = track_bits * s.sps              # samples per simulated revolution
    write_samples = (run_in_bits + data_bits + run_out_bits) * s.sps

    # The medium file and the layer are checked before anything runs.
    n_layers = medium_layers(s.medium_file)
    if s.layer >= n_layers:
        raise ValueError("layer = %d: the medium has layers 0..%d"
                         % (s.layer, n_layers - 1))
    assist_layer = s.layer + 1 if s.layer + 1 < n_layers else s.layer - 1
    volts = [RECORD_VOLTAGE_V if k == s.layer else 0.0 for k in range(n_layers)]
    medium = medium_sim(s.medium_file, s.sps, track_bits,
                        [max(assist_layer, 0), s.layer], volts, s.seed)
    medium.set_noise_scale(s.noise_scale)

    tb = gr.top_block("ecdisc_session")
    src = blocks.vector_source_b(written.tolist())
    nrzi = nrzi_encoder(0)
    ws = write_strategy(s.sps, s.write_power_mw, s.read_power_mw,
                        s.assist_power_mw, s.lead_trim, s.tail_trim)
    tb.connect(src, enc, nrzi, ws)

    # One revolution recording, one reading (assist off, recording beam at
    # read power).
    sched = write_then_read(2, write_samples, rev, [0.0, s.read_power_mw])
    for beam in (0, 1):
        tb.connect((ws, beam), (sched, beam), (medium, beam))

    tb.connect((medium, 0), blocks.null_sink(gr.sizeof_float))
    skip = blocks.skiphead(gr.sizeof_float, rev)
    front = rf_frontend(1, 1e-3, 1e-3, True, s.eq_boost, s.sps)
    cdr = slicer_cdr(float(s.sps))
    ber = ber_counter()
    dec = rll17_decoder(s.frame_bytes)
    sink = blocks.vector_sink_b()
    tb.connect((medium, 1), skip, front, cdr)
    # The reference levels come from a branch of their own: tapping the
    # write chain would make the writer wait for the reader (the counter
    # drains one input only while the other keeps pace).
    # Both skip the run-in and the reference stops at the run-out, so that
    # only the user data is counted; bits never compared count as errors.
    ref_levels = blocks.skiphead(gr.sizeof_char, run_in_bits)
    tb.connect(blocks.vector_source_b(written.tolist()), rll17_encoder(s.frame_bytes),
               nrzi_encoder(0), ref_levels, blocks.head(gr.sizeof_char, data_bits), (ber, 0))
    tb.connect(cdr, blocks.skiphead(gr.sizeof_char, run_in_bits), (ber, 1))
    tb.connect(cdr, nrzi_decoder(0), dec, sink)
    if s.keep_trace:
        # The equalised RF and the written levels, for plots. (Whole streams:
        # a head() on a branch of a tee would end the shared upstream early.)
        trace = blocks.vector_sink_f()
        tb.connect(front, trace)
        trace_levels = blocks.vector_sink_b()
        tb.connect(ref_levels, trace_levels)
    tb.run()

    out = np.array(sink.data(), dtype=np.uint8)
    per_frame, found = compare_frames(written, out, s.frame_bytes)
    user = slice(RUN_IN_FRAMES, RUN_IN_FRAMES + n_frames)
    byte_errors = int(per_frame[user].sum())
    frames_missing = int(np.count_nonzero(~found[user]))
    compared = ber.bits_compared()
    errors = ber.errors() + (data_bits - min(compared, data_bits))
    report = {
        "layer": s.layer,
        "channel_bits": int(data_bits),
        "channel_bit_errors": int(errors),
        "channel_ber": errors / data_bits,
        "bytes": int(len(data)),
        "byte_errors": byte_errors,
        "frames": int(dec.frames()),
        "frames_flagged": int(dec.frames_flagged()),
        "frames_missing": frames_missing,
        "sync_losses": int(dec.sync_losses()),
        "medium": {
            "name": medium.medium_name(),
            "layers": n_layers,
            "assist_speedup": medium.assist_speedup(),
        },
    }
    if s.keep_trace:
        rf = np.array(trace.data(), dtype=np.float32)
        report["trace"] = {
            "rf": rf[run_in_bits * s.sps:(run_in_bits + TRACE_BITS) * s.sps],
            "levels": np.array(trace_levels.data()[:TRACE_BITS], dtype=np.uint8),
            "sps": s.sps,
            "lag_bits": int(ber.lag()),
        }
    return report


def compare_frames(data, out, frame_bytes, window=4):
    """Byte errors of the decoded frames against the written ones.

    The foundation's frames carry no frame number, so each decoded frame is
    matched to the written frame (at or a few after the last match) that it
    differs least from (a decoded frame too far from all of them is noise and
    is dropped). Returns (errors, found): per written frame, its byte errors
    (frame_bytes when no decoded frame matched it) and whether one did."""
    sent = data.reshape(-1, frame_bytes)
    got = out[:len(out) - len(out) % frame_bytes].reshape(-1, frame_bytes)
    errors = np.full(len(sent), frame_bytes, dtype=np.int64)
    found = np.zeros(len(sent), dtype=bool)
    nxt = 0
    for frame in got:
        cands = range(nxt, min(nxt + window, len(sent)))
        dist = [int(np.count_nonzero(sent[k] != frame)) for k in cands]
        if dist and min(dist) < frame_bytes // 2:
            k = nxt + int(np.argmin(dist))
            errors[k] = dist[k - nxt]
            found[k] = True
            nxt = k + 1
    return errors, found


def medium_layers(medium_file=""):
    """Number of layers of a medium stack ("" = the built-in default)."""
    return medium_sim(medium_file, 4, 1024, [0], [], 1).num_layers()


def run_sessions(layers, **kw):
    """Runs one session per layer; returns (report, traces): the full report
    dict of ecdisc-sim, and {layer: trace} when keep_trace was asked."""
    t0 = time.monotonic()
    results = [run_session(SessionSettings(layer=k, **kw)) for k in layers]
    traces = {r["layer"]: r.pop("trace") for r in results if "trace" in r}
    medium = dict(results[0]["medium"]) if results else {}
    for r in results:
        r["assist_speedup"] = r.pop("medium")["assist_speedup"]
    return {
        "program": "ecdisc-sim",
        "medium": medium,
        "settings": {k: v for k, v in kw.items()},
        "layers": results,
        "wall_s": time.monotonic() - t0,
    }, traces
