# This file is part of gr-ecdisc.
# SPDX-License-Identifier: GPL-3.0-or-later
"""A simulated write -> read session: the flowgraph behind ecdisc-sim.

One session records user bytes on one layer of the simulated disc and reads
them back through the full format, one track at a time (one revolution
writing, the next reading):

    user bytes -> cluster_encoder (sectors + CRC-32, RS(248,216) clusters,
    interleave) -> rll17pp_encoder -> nrzi_encoder -> write_strategy (beam 0:
    assist, beam 1: recording) -> [one revolution of write power, one of read
    power] -> medium_sim -> beam 1 detector -> (skip the write revolution)
    -> rf_frontend -> slicer_cdr -> nrzi_decoder -> rll17pp_decoder
    -> cluster_decoder -> user bytes

The medium simulator runs focus and tracking servo loops (settings.servo:
"default" = media/servo_default.yml, a servo YAML file, or "off" / "" for
ideal positioning) fed by the reading beam's detector, against the disc's
run-out and eccentricity; each layer's report gets their residuals
("servo", null when off or behind a bench device, which has no servo).

A ber_counter compares the detected channel levels with the written ones,
and the bytes before the cluster decoder are compared with the recorded ones
(symbol error rate before ECC).
"""

import math
import time

import numpy as np
import pmt
from gnuradio import blocks, gr

from .ecdisc_python import (ber_counter, cluster_decoder, cluster_encoder, jitter_meter,
                            medium_sim, nrzi_decoder, nrzi_encoder, pr_equalizer,
                            prml_viterbi, rf_frontend, rll17pp_decoder, rll17pp_encoder,
                            sam_meter, servo_error, slicer_cdr, timing_recovery,
                            wobble_address_decoder, write_strategy)
from .write_then_read import write_then_read

#: Electrode voltage put on the layer being recorded (V).
RECORD_VOLTAGE_V = 1.5
#: Channel bits of blank track after the data, so the read pass overruns it.
TRACK_MARGIN_BITS = 512
#: Frames of filler recorded ahead of the user data (a run-in, as on real
#: discs): the front end and the clock recovery settle on them. They are
#: decoded but not counted in the report.
RUN_IN_FRAMES = 4
#: Channel bits of equalised RF kept for plots when asked (keep_trace).
TRACE_BITS = 4096
#: Frames of filler after the user data (a run-out): the write strategy
#: delays the power by one channel bit, and the last frame's sync check
#: needs bits after it.
RUN_OUT_FRAMES = 1
#: PRML read chain: the partial-response target, the timing loop's
#: bandwidth per bit and the gain from the AGC'd RF (unit power) to the
#: target's scale (PR(1,2,2,1) levels reach +-6).
PR_TARGET = [1.0, 2.0, 2.0, 1.0]
PRML_LOOP_BW = 0.003
PRML_INPUT_GAIN = 1.0
PRML_TAPS = 15
#: The beam whose detector feeds the servo loops: the reading (recording)
#: beam, laser-array entry 1; with a grooved guide layer next to the
#: recorded one, spot 1 (entry 0) on the guide layer, whose push-pull the
#: tracking loop follows (claim 4).
SERVO_BEAM = 1
GUIDE_SERVO_BEAM = 0
#: Channel bits recorded per track at most (whole clusters, at least one):
#: well inside one revolution of the default medium (3.4 M channel bits).
TRACK_BUDGET_BITS = 1 << 20


class SessionSettings:
    """Parameters of one session, with the defaults of ecdisc-sim."""

    def __init__(self, medium_file="", layer=0, n_bytes=8192, seed=1,
                 assist_power_mw=3.0, write_power_mw=6.0, read_power_mw=0.5,
                 sps=4, frame_bytes=128, noise_scale=1.0, lead_trim=0.0,
                 tail_trim=0.5, eq_boost=0.6, keep_trace=False, format_file="",
                 read_chain="prml", device="", power_table="", servo="default",
                 track_offset=0):
        self.medium_file = medium_file
        # spot 2's track in the medium's band, 0..3 tracks from spot 1's
        # (claim 3; needs a medium with geometry.band_tracks > track_offset)
        self.track_offset = int(track_offset)
        # "default", a servo YAML file, or "off" / "" (ideal positioning)
        self.servo = "" if servo in ("", "off", None) else str(servo)
        self.power_table = power_table
        self.device = device
        self.read_chain = read_chain
        self.format_file = format_file
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
        if not 0 <= self.track_offset <= 3:
            bad("track_offset", self.track_offset, "must be in 0..3 (claim 3)")
        if self.track_offset and self.device and "driver=ecdisc" not in self.device:
            bad("track_offset", self.track_offset,
                "must be 0 through a bench device other than driver=ecdisc (the "
                "bench positions its spots itself)")
        if self.layer < 0:
            bad("layer", self.layer, "must be >= 0")
        if not 0.0 <= self.assist_power_mw <= 100.0:
            bad("assist_power_mw", self.assist_power_mw, "must be in 0..100")
        if not 0.0 < self.write_power_mw <= 100.0:
            bad("write_power_mw", self.write_power_mw, "must be in (0, 100]")
        if not 0.0 <= self.read_power_mw <= self.write_power_mw:
            bad("read_power_mw", self.read_power_mw, "must be in 0..write_power_mw")
        if self.read_chain not in ("slicer", "prml"):
            bad("read_chain", self.read_chain, "must be slicer or prml")
        if self.noise_scale < 0.0:
            bad("noise_scale", self.noise_scale, "must be >= 0")


def run_session(settings, data=None):
    """Records user bytes on one layer and reads them back through the full
    format; returns the layer's report (a dict, see run_sessions).

    data: the user bytes (a bytes-like object or uint8 array); None records
    settings.n_bytes random bytes drawn from settings.seed. The bytes are
    padded with zeros to whole ECC clusters; the clusters are recorded track
    by track (as many per track as fit in TRACK_BUDGET_BITS channel bits, at
    least one), each track on a fresh stretch of the simulated layer. The report's "output" holds the
    decoded user bytes (len(data) of them; the bytes of a failed sector are
    zeros, and the sector is counted in sectors_failed)."""
    s = settings
    if data is None:
        data = np.random.default_rng(s.seed).integers(0, 256, s.n_bytes, dtype=np.uint8)
    data = np.frombuffer(bytes(data), dtype=np.uint8)
    if len(data) == 0:
        raise ValueError("bytes = 0: nothing to record (the input is empty)")

    # The medium file, the format file and the layer are checked before
    # anything runs.
    n_layers = medium_layers(s.medium_file)
    if s.layer >= n_layers:
        raise ValueError("layer = %d: the medium has layers 0..%d"
                         % (s.layer, n_layers - 1))
    if s.layer in medium_spare_layers(s.medium_file):
        raise ValueError("layer = %d: a spare layer (claim 10), never recorded" % s.layer)
    fmt = cluster_encoder(s.format_file, 0)
    cluster_user = fmt.cluster_user_bytes()
    cluster_rec = fmt.cluster_bytes()
    n_clusters = -(-len(data) // cluster_user)
    per_track = clusters_per_track(s, cluster_rec)
    user = np.zeros(n_clusters * cluster_user, dtype=np.uint8)
    user[:len(data)] = data

    tracks = []
    for first in range(0, n_clusters, per_track):
        n = min(per_track, n_clusters - first)
        tracks.append(run_track(s, user[first * cluster_user:(first + n) * cluster_user],
                                first * fmt.sectors_per_cluster(),
                                len(tracks)))

    out = np.concatenate([t["user"] for t in tracks])[:len(data)]
    total = lambda key: sum(t[key] for t in tracks)  # noqa: E731
    channel_bits = total("channel_bits")
    recorded = total("recorded_bytes")
    report = {
        "layer": s.layer,
        "channel_bits": int(channel_bits),
        "channel_bit_errors": int(total("channel_bit_errors")),
        "channel_ber": total("channel_bit_errors") / channel_bits,
        "bytes": int(len(data)),
        "byte_errors": int(np.count_nonzero(out != data)),
        "recorded_bytes": int(recorded),
        "symbol_errors": int(total("symbol_errors")),
        "symbol_error_rate": total("symbol_errors") / recorded,
        "sectors": int(total("sectors")),
        "sectors_failed": int(total("sectors_failed")),
        "sectors_corrected": int(total("sectors_corrected")),
        # the rms over every track's edges
        "jitter_pct": (math.sqrt(total("jitter_sq") / total("jitter_edges"))
                       if total("jitter_edges") else None),
        # SAM (PRML read chain only): margin mean and sigma over every
        # track's events, and 20 log10(mean / sigma) in dB
        "sam": sam_report(total("sam_events"), total("sam_sum"), total("sam_sq")),
        "read_chain": s.read_chain,
        # wobble address words read by spot 1 on a guide layer next to the
        # recorded one (claim 4), null without one
        # (claim 4: data_address is where the first track's data begins, as
        # spot 1 read it before recording; data_carries_address whether
        # every track's first sector read back is numbered with the address
        # read for it)
        "address": ({"guide_layer": tracks[0]["guide_layer"],
                     "words": int(total("address_words")),
                     "words_failed": int(total("address_failed")),
                     "data_address": tracks[0]["data_address"],
                     "data_carries_address": all(t["data_carries_address"] for t in tracks)}
                    if tracks[0]["guide_layer"] is not None else None),
        "tracks": len(tracks),
        "track_offset": s.track_offset,
        "frames": int(total("frames")),
        "frames_missing": int(total("frames_missing")),
        "bytes_erased": int(total("bytes_erased")),
        "sync_losses": int(total("sync_losses")),
        "medium": tracks[0]["medium"],
        "output": out.tobytes(),
        "sector_status": sum((t["sector_status"] for t in tracks), []),
        # focus and tracking loops in the simulator (null: ideal positioning
        # or a bench device): the rms residuals over every track (each track's
        # two revolutions, the time the simulated track skips included), and
        # whether both loops were locked at the end of every track
        "servo": servo_report([t["servo"] for t in tracks]),
    }
    if s.keep_trace:
        report["trace"] = tracks[0]["trace"]
    return report


def clusters_per_track(s, cluster_rec):
    """How many clusters the session records per track: as many as fit in
    TRACK_BUDGET_BITS channel bits, at least one."""
    frame_bits = rll17pp_encoder(s.frame_bytes).frame_bits()
    per_cluster = -(-cluster_rec // s.frame_bytes) * frame_bits
    return max(1, TRACK_BUDGET_BITS // per_cluster)


def run_track(s, user, first_sector, track_index):
    """Records whole clusters of user bytes on one track of the layer during
    one revolution and reads them back on the next. Returns the track's
    counts and decoded user bytes."""
    seed = s.seed + 7919 * track_index
    rng = np.random.default_rng(seed)
    recorded = encode_clusters(s.format_file, user, first_sector)
    pad = (-len(recorded)) % s.frame_bytes
    run_in = rng.integers(0, 256, RUN_IN_FRAMES * s.frame_bytes, dtype=np.uint8)
    run_out = rng.integers(0, 256, pad + RUN_OUT_FRAMES * s.frame_bytes, dtype=np.uint8)
    written = np.concatenate([run_in, recorded, run_out])
    n_frames = len(recorded) // s.frame_bytes + (1 if pad else 0)

    enc = rll17pp_encoder(s.frame_bytes)
    frame_bits = enc.frame_bits()
    run_in_bits = RUN_IN_FRAMES * frame_bits
    data_bits = n_frames * frame_bits
    total_frames = len(written) // s.frame_bytes
    track_bits = total_frames * frame_bits + TRACK_MARGIN_BITS
    rev = track_bits * s.sps              # samples per simulated revolution
    write_samples = total_frames * frame_bits * s.sps

    n_layers = medium_layers(s.medium_file)
    # Claim 4: a grooved guide layer with a wobble next to the recorded layer
    # takes spot 1 (it tracks and reads the addresses while its heat assists
    # the recording); otherwise spot 1 assists from the next layer.
    guides = medium_guides(s.medium_file)
    guide = next((k for k in (s.layer - 1, s.layer + 1) if k in guides), None)
    if guide is not None:
        assist_layer = guide
    else:
        assist_layer = s.layer + 1 if s.layer + 1 < n_layers else s.layer - 1
    quadrant = guide is not None and not s.device
    data_address = None
    if quadrant:
        # Claim 4: before recording, spot 1 reads the guide layer's wobble
        # addresses for one revolution; the first sector recorded on the
        # track is numbered with the physical address (layer, track,
        # segment) of the place where the data begins, so the recorded data
        # carries the address spot 1 read (checked after reading back).
        data_address = read_start_address(s, track_bits, rev, [guide, s.layer], seed,
                                          guides[guide], run_in_bits)
        if data_address is not None:
            recorded = encode_clusters(s.format_file, user,
                                       address_sector_number(data_address))
            written = np.concatenate([run_in, recorded, run_out])
    if s.power_table:
        # the layer's powers and recording voltage from the table
        ws = write_strategy(s.sps, s.write_power_mw, s.read_power_mw,
                            s.assist_power_mw, s.lead_trim, s.tail_trim,
                            power_table_file=s.power_table, layer=s.layer)
    else:
        ws = write_strategy(s.sps, s.write_power_mw, s.read_power_mw,
                            s.assist_power_mw, s.lead_trim, s.tail_trim,
                            record_voltage_v=RECORD_VOLTAGE_V)
    record_v = ws.record_voltage_v()
    volts = [record_v if k == s.layer else 0.0 for k in range(n_layers)]
    focus = [max(assist_layer, 0), s.layer]
    servo = "" if s.device else s.servo
    medium = medium_sim(s.medium_file, s.sps, track_bits, focus, volts, seed,
                        "quadrant" if quadrant else "sum", servo,
                        GUIDE_SERVO_BEAM if quadrant else SERVO_BEAM)
    if s.track_offset:
        # spot 2 records and reads a track of the band beside spot 1's
        medium.set_track_offset(1, s.track_offset)
    medium.set_noise_scale(s.noise_scale)
    if s.device:
        # The same flowgraph through a SoapySDR device (ecdisc-bench): TX
        # beam powers, RX detector signals. On driver=ecdisc the simulated
        # disc gets this session's medium, track, layer voltages and seed
        # (medium above then only serves the report's medium figures).
        medium = device_medium(s, 2 * rev, track_bits, focus, volts, seed)
        medium_info = medium_sim(s.medium_file, s.sps, track_bits, focus, volts, seed)
    else:
        medium_info = medium

    tb = gr.top_block("ecdisc_session")
    src = blocks.vector_source_b(written.tolist())
    nrzi = nrzi_encoder(0)
    tb.connect(src, enc, nrzi, ws)

    # One revolution recording, one reading (the recording beam at read
    # power; the assist beam off, or at read power on a guide layer, whose
    # addresses it keeps reading).
    sched = write_then_read(2, write_samples, rev,
                            [s.read_power_mw if quadrant else 0.0, s.read_power_mw])
    for beam in (0, 1):
        tb.connect((ws, beam), (sched, beam), (medium, beam))
    if s.device and medium.input_signature().max_streams() > 2:
        # the recording voltage, held through the read revolution as the
        # in-process medium holds it
        volts_sched = write_then_read(1, write_samples, rev, [record_v])
        tb.connect((ws, 2), volts_sched, (medium, 2))

    skip = blocks.skiphead(gr.sizeof_float, rev)
    front = rf_frontend(1, 1e-3, 1e-3, True, s.eq_boost, s.sps)
    ber = ber_counter()
    dec = rll17pp_decoder(s.frame_bytes)
    address = None
    if quadrant:
        # beam 0's quadrants: push-pull -> wobble address words (both
        # revolutions); beam 1's quadrants summed: the data detector
        pp = servo_error("push_pull")
        address = wobble_address_decoder(float(s.sps), guides[guide][0], guides[guide][1])
        for q in range(4):
            tb.connect((medium, q), (pp, q))
        tb.connect(pp, address)
        data = blocks.add_ff(1)
        for q in range(4):
            tb.connect((medium, 4 + q), (data, q))
        tb.connect(data, skip, front)
    else:
        tb.connect((medium, 0), blocks.null_sink(gr.sizeof_float))
        tb.connect((medium, 1), skip, front)
    sam = None
    if s.read_chain == "slicer":
        cdr = slicer_cdr(float(s.sps))
        tb.connect(front, cdr)
    else:
        # PRML: timing recovery to one sample per bit, LMS equaliser to
        # PR(1,2,2,1) (decision directed), Viterbi with the d = 1 trellis
        tr = timing_recovery(float(s.sps), PRML_LOOP_BW)
        eq = pr_equalizer(PR_TARGET, PRML_TAPS, 0.002, "dd")
        # Start from the target itself: the boosted, AGC'd RF is close to
        # the +-1 NRZI levels at the bit centres, and the levels convolved
        # with the target are the PR signal; LMS refines from there (from a
        # centre spike, decision-directed LMS can settle on a wrong solution).
        eq.set_taps(initial_taps(PR_TARGET, PRML_TAPS))
        cdr = prml_viterbi(PR_TARGET)
        tb.connect(front, tr, blocks.multiply_const_ff(PRML_INPUT_GAIN), eq, cdr)
        # sequenced amplitude margin of the decisions (after the run-in)
        sam = sam_meter(PR_TARGET, 1.0, cdr.latency(), run_in_bits)
        tb.connect(eq, (sam, 0))
        tb.connect(cdr, (sam, 1))
    # Edge jitter of the equalised RF against a clock fitted to its edges,
    # sliced where the DC-free code spends equal time on either side
    # (settles over the run-in's edges).
    jitter = jitter_meter(float(s.sps), RUN_IN_FRAMES * frame_bits // 4,
                          500, 0, True)
    tb.connect(front, jitter)
    # The reference levels come from a branch of their own: tapping the
    # write chain would make the writer wait for the reader (the counter
    # drains one input only while the other keeps pace).
    # Both skip the run-in and the reference stops at the run-out, so that
    # only the recorded clusters are counted; bits never compared count as
    # errors.
    ref_levels = blocks.skiphead(gr.sizeof_char, run_in_bits)
    tb.connect(blocks.vector_source_b(written.tolist()), rll17pp_encoder(s.frame_bytes),
               nrzi_encoder(0), ref_levels, blocks.head(gr.sizeof_char, data_bits), (ber, 0))
    tb.connect(cdr, blocks.skiphead(gr.sizeof_char, run_in_bits), (ber, 1))
    # The frame decoder keeps every byte at its absolute place (frame
    # numbers; lost frames come out as erased zeros), so the recorded bytes
    # start right after the run-in; its erasure flags go to the RS decoder.
    tb.connect(cdr, nrzi_decoder(0), dec)
    rec_bytes = blocks.skiphead(gr.sizeof_char, len(run_in))
    rec_flags = blocks.skiphead(gr.sizeof_char, len(run_in))
    tb.connect((dec, 0), rec_bytes)
    tb.connect((dec, 1), rec_flags)
    pre_ecc = blocks.vector_sink_b()
    pre_flags = blocks.vector_sink_b()
    cdec = cluster_decoder(s.format_file)
    sink = blocks.vector_sink_b()
    tb.connect(rec_bytes, pre_ecc)
    tb.connect(rec_flags, pre_flags)
    tb.connect(rec_bytes, (cdec, 0))
    tb.connect(rec_flags, (cdec, 1))
    tb.connect(cdec, sink)
    if s.keep_trace:
        # The equalised RF and the written levels, for plots. (Whole streams:
        # a head() on a branch of a tee would end the shared upstream early.)
        trace = blocks.vector_sink_f()
        tb.connect(front, trace)
        trace_levels = blocks.vector_sink_b()
        tb.connect(ref_levels, trace_levels)
    tb.run()

    # per sector: its status (0 ok, > 0 corrected, -1 failed), from the
    # decoder's sector_status tags; sectors never output count as failed
    statuses = [int(pmt.to_long(t.value)) for t in sink.tags()
                if pmt.symbol_to_string(t.key) == "sector_status"]
    numbers = [int(pmt.to_uint64(t.value)) for t in sorted(sink.tags(), key=lambda t: t.offset)
               if pmt.symbol_to_string(t.key) == "sector"]
    got = np.zeros(len(user), dtype=np.uint8)
    dec_user = np.array(sink.data(), dtype=np.uint8)[:len(user)]
    got[:len(dec_user)] = dec_user
    n_sectors = len(user) // cdec.cluster_user_bytes() * cdec.sectors_per_cluster()
    # symbols (bytes) wrong or erased before ECC; bytes never output count
    pre = np.array(pre_ecc.data(), dtype=np.uint8)[:len(recorded)]
    erased = np.array(pre_flags.data(), dtype=np.uint8)[:len(pre)] != 0
    symbol_errors = (int(np.count_nonzero((pre != recorded[:len(pre)]) | erased))
                     + len(recorded) - len(pre))
    compared = ber.bits_compared()
    errors = ber.errors() + (data_bits - min(compared, data_bits))
    statuses += [-1] * max(0, n_sectors - len(statuses))
    track = {
        "user": got,
        "sector_status": statuses[:n_sectors],
        "channel_bits": int(data_bits),
        "channel_bit_errors": int(errors),
        "recorded_bytes": len(recorded),
        "symbol_errors": symbol_errors,
        "sectors": n_sectors,
        # sectors never output (the read stream ended early) count as failed
        "sectors_failed": int(cdec.sectors_failed()) + n_sectors - int(cdec.sectors()),
        "sectors_corrected": int(cdec.sectors_corrected()),
        "address_words": int(address.words()) if address else None,
        "address_failed": int(address.words_failed()) if address else None,
        "guide_layer": guide if quadrant else None,
        # the address spot 1 read where the data begins, and whether the
        # first sector read back carries it as its number
        "data_address": data_address,
        "data_carries_address": (data_address is not None and bool(numbers)
                                 and numbers[0] == address_sector_number(data_address)),
        "jitter_edges": int(jitter.edges()),
        "sam_events": int(sam.events()) if sam else 0,
        "sam_sum": float(sam.sam_mean()) * int(sam.events()) if sam and sam.events() else 0.0,
        "sam_sq": ((float(sam.sam_sigma()) ** 2 + float(sam.sam_mean()) ** 2) * int(sam.events())
                   if sam and sam.events() else 0.0),
        "jitter_sq": float(jitter.jitter_pct()) ** 2 * int(jitter.edges()),
        "frames": int(dec.frames()),
        "frames_missing": int(dec.frames_missing()),
        "bytes_erased": int(dec.bytes_erased()),
        "sync_losses": int(dec.sync_losses()),
        "medium": {
            "name": medium_info.medium_name(),
            "layers": n_layers,
            # from the configured physics at this session's powers (the
            # same figure whether the medium ran here or behind a device)
            "assist_speedup": medium_info.assist_speedup_for(
                s.layer, max(assist_layer, 0), True, ws.write_power_mw(),
                ws.assist_power_mw()),
            "crosstalk_db": finite_or_none(medium_info.crosstalk_db(s.layer)),
        },
    }
    if servo:
        track["servo"] = {
            "fes_rms_nm": float(medium.focus_error_rms_nm()),
            "tes_rms_nm": float(medium.tracking_error_rms_nm()),
            "focus_locked": bool(medium.focus_locked()),
            "tracking_locked": bool(medium.tracking_locked()),
            "beam": int(medium.servo_beam()),
        }
    else:
        track["servo"] = None
    if s.keep_trace:
        rf = np.array(trace.data(), dtype=np.float32)
        track["trace"] = {
            "rf": rf[run_in_bits * s.sps:(run_in_bits + TRACE_BITS) * s.sps],
            "levels": np.array(trace_levels.data()[:TRACE_BITS], dtype=np.uint8),
            "sps": s.sps,
            "lag_bits": int(ber.lag()),
        }
    return track


def read_start_address(s, track_bits, rev, focus, seed, guide_format, data_start_bit):
    """Spot 1 alone at read power for one revolution on the guide layer
    (quadrant detector -> push-pull -> wobble address decoder), before any
    recording: returns {layer, track, segment} of the segment in which the
    data (after the run-in, data_start_bit channel bits into the track)
    will begin, extrapolated from the first good address word (segments
    follow each other every word along the track), or None when no word
    could be read (a track shorter than about two address words). Spot 1's
    lead of a few channel bits over spot 2 is neglected next to a word
    (81 units of wobbles_per_unit wobbles)."""
    period, per_unit = guide_format
    word_samples = 81 * per_unit * period * s.sps
    n_layers = medium_layers(s.medium_file)
    tb = gr.top_block("ecdisc_address")
    m = medium_sim(s.medium_file, s.sps, track_bits, focus, [0.0] * n_layers, seed,
                   "quadrant")
    m.set_noise_scale(s.noise_scale)
    for beam, p in ((0, s.read_power_mw), (1, 0.0)):
        tb.connect(blocks.vector_source_f([p], True), blocks.head(gr.sizeof_float, rev),
                   (m, beam))
    pp = servo_error("push_pull")
    for q in range(4):
        tb.connect((m, q), (pp, q))
        tb.connect((m, 4 + q), blocks.null_sink(gr.sizeof_float))
    dec = wobble_address_decoder(float(s.sps), period, per_unit)
    tb.connect(pp, dec)
    store = blocks.message_debug()
    tb.msg_connect(dec, "address", store, "store")
    tb.run()
    if store.num_messages() == 0:
        return None
    w = pmt.to_python(store.get_message(0))
    segment = int(w["segment"]) + (data_start_bit * s.sps - int(w["start"])) // word_samples
    return {"layer": int(w["layer"]), "track": int(w["track"]), "segment": int(segment)}


def address_sector_number(a):
    """The 32-bit sector number of a physical address: layer (4 bits),
    track (20), segment (8), as the wobble words carry them."""
    return ((a["layer"] & 0xF) << 28) | ((a["track"] & 0xFFFFF) << 8) | (a["segment"] & 0xFF)


def initial_taps(target, n_taps):
    """The target placed at the centre of an n_taps equaliser."""
    taps = [0.0] * n_taps
    first = (n_taps - len(target)) // 2
    taps[first:first + len(target)] = [float(h) for h in target]
    return taps


def servo_report(per_track):
    """The layer's servo section from its tracks' (None when off): rms
    residuals over the tracks (equal weights: each is two revolutions),
    locked when locked at the end of every track."""
    if not per_track or per_track[0] is None:
        return None
    rms = lambda key: math.sqrt(sum(t[key] ** 2 for t in per_track) / len(per_track))  # noqa: E731
    return {"fes_rms_nm": rms("fes_rms_nm"),
            "tes_rms_nm": rms("tes_rms_nm"),
            "focus_locked": all(t["focus_locked"] for t in per_track),
            "tracking_locked": all(t["tracking_locked"] for t in per_track),
            "beam": per_track[0]["beam"]}


def sam_report(n, s1, s2):
    """{mean, sigma, db} of the SAM margins from their count and sums, or
    None when no event was measured (slicer read chain)."""
    if n == 0:
        return None
    mean = s1 / n
    sigma = math.sqrt(max(s2 / n - mean * mean, 0.0))
    return {"mean": mean, "sigma": sigma,
            "db": 20.0 * math.log10(mean / sigma) if sigma > 0 and mean > 0 else None}


def finite_or_none(x):
    """x, or None (JSON null) when it is not a finite number (e.g. the
    crosstalk of a one-layer stack, -inf dB)."""
    return float(x) if math.isfinite(x) else None


def device_medium(s, n_samples, track_bits, focus, volts, seed):
    """A soapy_medium on the session's device; for driver=ecdisc the device
    arguments that make its simulated disc this session's (unless given)."""
    from .soapy_medium import soapy_medium, _kwargs
    args = _kwargs(s.device)
    if args.get("driver") == "ecdisc":
        defaults = {
            "medium": s.medium_file, "sps": s.sps, "track_bits": track_bits,
            "seed": seed, "noise_scale": s.noise_scale,
            "focus": ":".join(str(k) for k in focus),
            "voltages": ":".join(repr(float(v)) for v in volts),
        }
        if s.track_offset:
            defaults["tracks"] = "0:%d" % s.track_offset
        for key, value in defaults.items():
            args.setdefault(key, str(value))
    device = ",".join("%s=%s" % kv for kv in args.items())
    # driver=ecdisc: the electrode voltage goes out on TX channel 2 too
    # (write_strategy's output 2), as a bench's voltage DAC would take it
    return soapy_medium(n_samples, device, 2,
                        voltage_channel=args.get("driver") == "ecdisc")


def encode_clusters(format_file, user, first_sector):
    """The recorded bytes of whole clusters of user bytes (cluster_encoder)."""
    tb = gr.top_block("ecdisc_cluster_encode")
    src = blocks.vector_source_b(user.tolist())
    enc = cluster_encoder(format_file, int(first_sector))
    snk = blocks.vector_sink_b()
    tb.connect(src, enc, snk)
    tb.run()
    return np.array(snk.data(), dtype=np.uint8)


def medium_guides(medium_file=""):
    """{layer: (wobble period in channel bits, wobbles per unit)} of the
    stack's grooved guide layers that carry a wobble."""
    m = medium_sim(medium_file, 4, 1024, [0], [], 1)
    return {k: (m.wobble_period_bits(k), m.wobbles_per_unit(k))
            for k in range(m.num_layers()) if m.wobble_period_bits(k) > 0}


def medium_spare_layers(medium_file=""):
    """The stack's spare layers (claim 10: never recorded)."""
    m = medium_sim(medium_file, 4, 1024, [0], [], 1)
    return [k for k in range(m.num_layers()) if m.is_spare(k)]


def medium_layers(medium_file=""):
    """Number of layers of a medium stack ("" = the built-in default)."""
    return medium_sim(medium_file, 4, 1024, [0], [], 1).num_layers()


def run_sessions(layers, data=None, program="ecdisc-sim", **kw):
    """Runs one session per layer, each recording the same user bytes (data,
    or n_bytes random bytes from the seed); returns (report, traces,
    outputs): the full report dict of ecdisc-sim, {layer: trace} when
    keep_trace was asked, and {layer: decoded user bytes}."""
    t0 = time.monotonic()
    results = [run_session(SessionSettings(layer=k, **kw), data) for k in layers]
    traces = {r["layer"]: r.pop("trace") for r in results if "trace" in r}
    outputs = {r["layer"]: r.pop("output") for r in results}
    for r in results:
        r.pop("sector_status")
    medium = dict(results[0]["medium"]) if results else {}
    for r in results:
        m = r.pop("medium")
        r["assist_speedup"] = m["assist_speedup"]
        r["crosstalk_db"] = m["crosstalk_db"]
    if results:
        medium.pop("crosstalk_db")
        medium["assist_speedup"] = [r["assist_speedup"] for r in results]
        medium["crosstalk_db"] = [r["crosstalk_db"] for r in results]
    return {
        "program": program,
        "medium": medium,
        "settings": {k: v for k, v in kw.items()},
        "layers": results,
        "wall_s": time.monotonic() - t0,
    }, traces, outputs
