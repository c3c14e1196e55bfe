# This file is part of gr-ecdisc.
# SPDX-License-Identifier: GPL-3.0-or-later
"""The command line of ecdisc-sim and ecdisc-bench: the same options, the
same report; ecdisc-bench adds --device and runs the session through a
SoapySDR device instead of the in-process medium simulator."""

import argparse
import json
import sys


class OneLineParser(argparse.ArgumentParser):
    """Bad options give one line on stderr and exit status 2."""

    def error(self, message):
        self.exit(2, "%s: error: %s (see --help)\n" % (self.prog, message))


def parse_args(argv, prog="ecdisc-sim", bench=False):
    if bench:
        p = OneLineParser(
            prog=prog,
            description="Write -> read session on a multilayer EC disc through a "
                        "SoapySDR device: the laser drive on TX, the detectors on RX "
                        "(driver=ecdisc: the simulated disc).")
        p.add_argument("--device", metavar="ARGS", required=True,
                       help="SoapySDR device arguments, e.g. driver=ecdisc "
                            "(add overflow_every=N to inject overflows)")
    else:
        p = OneLineParser(
            prog=prog,
            description="Simulated write -> read session on a multilayer EC disc.")
    p.add_argument("--medium", metavar="FILE", default="",
                   help="medium stack (YAML); default: the built-in medium")
    p.add_argument("--layer", default="all",
                   help="layer to record and read (0 = light-incident side), or 'all'")
    p.add_argument("--assist-power-mw", type=float, default=3.0, metavar="P",
                   help="power of the assist beam (spot 1); 0 turns it off (default 3.0)")
    p.add_argument("--write-power-mw", type=float, default=6.0, metavar="P",
                   help="recording beam power during marks (default 6.0)")
    p.add_argument("--power-table", metavar="FILE", default="",
                   help="per-layer write power table (YAML, e.g. "
                        "media/power_table_default.yml): each layer's write, space and "
                        "assist powers and recording voltage (instead of the three "
                        "power options)")
    p.add_argument("--read-power-mw", type=float, default=0.5, metavar="P",
                   help="recording beam power in spaces and when reading (default 0.5)")
    p.add_argument("--bytes", type=int, default=8192, metavar="N",
                   help="random user bytes recorded per layer (default 8192); padded "
                        "with zeros to whole ECC clusters (64 KiB by default)")
    p.add_argument("--input", metavar="FILE",
                   help="record the bytes of FILE instead of random bytes")
    p.add_argument("--output", metavar="FILE",
                   help="write the bytes read back to FILE (with several layers: "
                        "FILE.layerK per layer); a failed sector's bytes are zeros")
    p.add_argument("--format", metavar="FILE", default="",
                   help="sector format (YAML, like media/format_default.yml); "
                        "default: the built-in BD-like format")
    p.add_argument("--seed", type=int, default=1, metavar="N",
                   help="seed of the data and of the medium noise (default 1)")
    p.add_argument("--noise-scale", type=float, default=1.0, metavar="S",
                   help="scale of every medium noise term (default 1.0)")
    p.add_argument("--track-offset", type=int, default=0, metavar="N",
                   help="spot 2 records and reads N = 0..3 tracks beside spot 1's "
                        "track (claim 3); needs a medium with a band of tracks "
                        "(geometry.band_tracks > N, e.g. media/guide_band_example.yml)")
    p.add_argument("--read-chain", choices=("prml", "slicer"), default="prml",
                   help="detector: timing recovery + adaptive PR(1,2,2,1) equaliser + "
                        "Viterbi (reports SAM; the default), or boost equaliser + "
                        "slicer with clock recovery")
    if not bench:
        p.add_argument("--servo", metavar="FILE|off", default="default",
                       help="focus and tracking servo loops in the simulator, fed by "
                            "the reading beam, against the disc's run-out and "
                            "eccentricity: 'default' (media/servo_default.yml, the "
                            "default), a servo YAML file, or 'off' (ideal positioning)")
    p.add_argument("--json", metavar="FILE",
                   help="also write the report as JSON to FILE ('-' = stdout)")
    p.add_argument("--plot", metavar="FILE",
                   help="also plot each layer's read signal and eye diagram (PNG)")
    p.add_argument("--verbose", action="store_true",
                   help="show the blocks' debug log (sync losses, alignment)")
    return p.parse_args(argv)


PROG = ["ecdisc-sim"]


def fail(msg):
    print("%s: error: %s" % (PROG[0], msg), file=sys.stderr)
    return 2


def fmt_opt(x, f):
    return "-" if x is None else f % x


def print_report(rep, out):
    m = rep["medium"]
    st = rep["settings"]
    print("%s: medium %s (%d layers), %d bytes per layer, assist %.2f mW, seed %d%s"
          % (rep["program"], m["name"], m["layers"], st["n_bytes"], st["assist_power_mw"],
             st["seed"], (", device " + st["device"]) if st.get("device") else ""),
          file=out)
    print("%5s %12s %8s %9s %9s %8s %8s %7s %6s %7s %7s %8s" % (
        "layer", "channel bits", "errors", "BER", "SER", "bytes", "byte err",
        "sectors", "failed", "jitter%", "xtalkdB", "speedup"), file=out)
    for r in rep["layers"]:
        print("%5d %12d %8d %9.2e %9.2e %8d %8d %7d %6d %7s %7s %8.2f" % (
            r["layer"], r["channel_bits"], r["channel_bit_errors"], r["channel_ber"],
            r["symbol_error_rate"], r["bytes"], r["byte_errors"], r["sectors"],
            r["sectors_failed"], fmt_opt(r["jitter_pct"], "%.1f"),
            fmt_opt(r["crosstalk_db"], "%.1f"), r["assist_speedup"]), file=out)
        if r.get("address"):
            a = r["address"]
            print("      addresses from guide layer %d: %d words, %d failed" % (
                a["guide_layer"], a["words"], a["words_failed"]), file=out)
            if a.get("data_address"):
                da = a["data_address"]
                print("      data recorded at layer %d track %d segment %d: %s" % (
                    da["layer"], da["track"], da["segment"],
                    "read back with that address" if a["data_carries_address"]
                    else "NOT read back with that address"), file=out)
        if r.get("servo"):
            sv = r["servo"]
            print("      servo (beam %d): focus rms %.1f nm, tracking rms %.1f nm, %s" % (
                sv["beam"], sv["fes_rms_nm"], sv["tes_rms_nm"],
                "locked" if sv["focus_locked"] and sv["tracking_locked"] else "NOT locked"),
                file=out)
        if r["sam"]:
            print("      SAM mean %.3f sigma %.3f (%s dB)" % (
                r["sam"]["mean"], r["sam"]["sigma"], fmt_opt(r["sam"]["db"], "%.1f")),
                file=out)
    print("wall time %.2f s" % rep["wall_s"], file=out)


def main(argv=None, prog="ecdisc-sim", bench=False):
    PROG[0] = prog
    a = parse_args(sys.argv[1:] if argv is None else argv, prog, bench)
    from gnuradio import gr
    from . import session
    # Debian's GNU Radio logs at debug level by default; the report is the
    # program's output, so the blocks' debug chatter waits for --verbose.
    gr.logging().set_default_level(gr.log_levels.debug if a.verbose else gr.log_levels.warn)
    try:
        n_layers = session.medium_layers(a.medium)
        if a.layer == "all":
            # every layer but the spare ones (claim 10: never recorded)
            spare = session.medium_spare_layers(a.medium)
            layers = [k for k in range(n_layers) if k not in spare]
        else:
            try:
                layers = [int(a.layer)]
            except ValueError:
                return fail("--layer %s: expected a layer number or 'all'" % a.layer)
            if not 0 <= layers[0] < n_layers:
                return fail("--layer %d: the medium has layers 0..%d"
                            % (layers[0], n_layers - 1))
        data = None
        if a.input:
            try:
                with open(a.input, "rb") as f:
                    data = f.read()
            except OSError as e:
                return fail("--input %s: %s" % (a.input, e.strerror))
            if not data:
                return fail("--input %s: the file is empty" % a.input)
        rep, traces, outputs = session.run_sessions(
            layers, data=data, format_file=a.format, read_chain=a.read_chain,
            power_table=a.power_table, track_offset=a.track_offset,
            program=prog, **({"device": a.device} if bench else {"servo": a.servo}),
            medium_file=a.medium, n_bytes=len(data) if data else a.bytes, seed=a.seed,
            assist_power_mw=a.assist_power_mw, write_power_mw=a.write_power_mw,
            read_power_mw=a.read_power_mw, noise_scale=a.noise_scale,
            keep_trace=bool(a.plot))
    except (ValueError, RuntimeError, OSError) as e:
        return fail(str(e).splitlines()[0] if str(e) else type(e).__name__)

    if a.output:
        for k, out in outputs.items():
            path = a.output if len(outputs) == 1 else "%s.layer%d" % (a.output, k)
            try:
                with open(path, "wb") as f:
                    f.write(out)
            except OSError as e:
                return fail("--output %s: %s" % (path, e.strerror))
    if a.plot:
        try:
            from gnuradio.ecdisc import plots
            plots.plot_report(rep, traces, a.plot)
        except ImportError as e:
            return fail("--plot needs matplotlib (python3-matplotlib): %s" % e)
        except (OSError, ValueError) as e:
            return fail("--plot %s: %s" % (a.plot, e))
    if a.json == "-":
        json.dump(rep, sys.stdout, indent=2)
        print()
    else:
        print_report(rep, sys.stdout)
        if a.json:
            try:
                with open(a.json, "w") as f:
                    json.dump(rep, f, indent=2)
                    f.write("\n")
            except OSError as e:
                return fail("--json %s: %s" % (a.json, e.strerror))
    return 0


