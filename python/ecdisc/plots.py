# This file is part of gr-ecdisc.
# SPDX-License-Identifier: GPL-3.0-or-later
"""Plots of an ecdisc-sim report: per layer, the equalised read signal beside
the written NRZI levels, and its eye diagram."""

import numpy as np

#: Channel bits shown in the waveform panel.
WAVEFORM_BITS = 120


def best_shift(rf, levels, sps, max_bits=16):
    """Delay of rf behind the written levels, in samples (cross-correlation)."""
    ref = np.repeat(2.0 * levels.astype(np.float64) - 1.0, sps)
    n = min(len(ref), len(rf)) - max_bits * sps
    if n <= 0:
        return 0
    scores = [np.dot(rf[d:d + n], ref[:n]) for d in range(max_bits * sps)]
    return int(np.argmax(scores))


def plot_report(report, traces, path):
    """Writes a PNG (or any format matplotlib infers from path).
    traces: {layer: session trace dict (rf, levels, sps, lag_bits)}."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    layers = [r["layer"] for r in report["layers"] if r["layer"] in traces]
    fig, axes = plt.subplots(len(layers), 2, figsize=(12, 3.2 * len(layers)),
                             squeeze=False, gridspec_kw={"width_ratios": [3, 1]})
    for row, layer in enumerate(layers):
        t = traces[layer]
        sps, rf, lv = t["sps"], t["rf"], t["levels"]
        res = next(r for r in report["layers"] if r["layer"] == layer)
        wave, eye = axes[row]
        n = min(WAVEFORM_BITS * sps, len(rf))
        x = np.arange(n) / sps
        wave.plot(x, rf[:n], lw=1.0, label="equalised RF")
        shift = best_shift(rf, lv, sps) / sps
        bits = np.arange(len(lv))
        keep = (bits + shift >= 0) & (bits + shift <= WAVEFORM_BITS)
        wave.step(bits[keep] + shift, 2.0 * lv[keep] - 1.0, where="post", lw=0.8,
                  alpha=0.7, label="written level (mark = +1), aligned")
        wave.set_xlabel("channel bits")
        wave.set_title("layer %d: BER %.1e, %d byte errors"
                       % (layer, res["channel_ber"], res["byte_errors"]))
        wave.legend(loc="upper right", fontsize=8)
        # eye: two-bit windows starting at every bit boundary
        span = 2 * sps + 1
        starts = np.arange(0, len(rf) - span, sps)
        for st in starts[:1500]:
            eye.plot(np.arange(span) / sps, rf[st:st + span], color="C0", lw=0.3,
                     alpha=0.15)
        eye.set_xlabel("channel bits")
        eye.set_title("eye")
    medium = report["medium"]
    fig.suptitle("ecdisc-sim: %s, assist %.2f mW" % (medium["name"],
                                                    report["settings"]["assist_power_mw"]))
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
