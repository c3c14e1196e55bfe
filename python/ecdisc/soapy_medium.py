# This file is part of gr-ecdisc.
# SPDX-License-Identifier: GPL-3.0-or-later
"""soapy_medium: any SoapySDR device as the medium of a flowgraph.

A drop-in for medium_sim where the medium is reached through SoapySDR (gr-soapy
sink and source), so that a flowgraph written for real hardware runs
unchanged on the simulated disc (driver=ecdisc, the module built in soapy/)
and on a bench.
"""

import itertools

from gnuradio import blocks, gr

#: Instance counter: each soapy_medium on driver=ecdisc gets a simulation of
#: its own (see _device_string).
_INSTANCES = itertools.count()


def _kwargs(markup):
    """Parses a SoapySDR "key=value,key=value" string (as
    SoapySDR::KwargsFromString does: no quoting)."""
    out = {}
    for item in markup.split(","):
        if not item.strip():
            continue
        key, _, value = item.partition("=")
        out[key.strip()] = value.strip()
    return out


class soapy_medium(gr.hier_block2):
    """Laser power per beam in, detector signal per beam out, through a
    SoapySDR device.

    Input k (float): laser power of beam k in mW, sent on TX channel k as the
    real part of a complex sample (Q = 0): the ecdisc convention, I = mW.
    Output k (float): the real part of RX channel k, the detector signal of
    beam k (normalised photocurrent, 1.0 = 1 mW reflected), as medium_sim
    gives it.

    Internally: head -> float_to_complex -> (lockstep) -> soapy.sink
    (n_beams channels), and soapy.source (n_beams channels) ->
    complex_to_real -> head. The sink and the
    source are made with identical device arguments, so SoapySDR hands them
    one device: on driver=ecdisc, one simulated medium, where TX sample t
    produces RX sample t (the medium advances only as TX samples arrive), so
    output k is sample-aligned with input k without any timed start. For
    driver=ecdisc a unique "instance" argument is added, so that no other
    block shares the simulation; pass instance=... to choose one.

    Ending: the TX side takes n_samples items of each input (a head); the RX
    side ends after rx_samples items of each output (a head; default
    n_samples). gr-soapy's source never ends on its own: it ends when its
    downstream is done and its output buffers are full, so it needs items
    after the data. driver=ecdisc gives them once the TX data has ended:
    soapy_medium passes tx_end=n_samples, and from that medium sample on RX
    runs the medium with the lasers off (a real device keeps receiving too).
    So rx_samples may exceed what the data yields (the rest is dark medium),
    e.g. after injected overflows. (A length tag, gr-soapy's way to end a TX
    burst, is not used: in 3.10.5 the sink's burst counter starts
    uninitialised and may drop the whole stream.) The inputs must supply
    n_samples items each: if they end earlier, the source keeps waiting for
    TX (each readStream times out after 0.5 s and is retried) and only
    tb.stop() ends the flowgraph.

    Overflows: gr-soapy 3.10.5's source prints "sO", retries the read, and
    tags rx_time (with rx_rate, rx_freq) on the first item after the gap;
    it also tags them on item 0. Item counts after an overflow no longer
    equal medium sample indices: use the rx_time tags.

    Parameters:
      n_samples    items per beam sent to the device (and read, by default)
      device_args  SoapySDR device arguments, e.g.
                   "driver=ecdisc,sps=4,track_bits=65536,focus=1:0,
                   voltages=1.5:0:0:0,seed=1" (lists with ':' inside a
                   value); see soapy/ecdisc_device.cc for the ecdisc keys
      n_beams      beams = TX and RX channels used (1..4)
      sample_rate  None: the device's only rate (driver=ecdisc: sps *
                   velocity / channel_bit of the medium); else set on every
                   channel (a device refusing it raises ValueError)
      rx_samples   items per output before the block ends (None: n_samples)
    """

    def __init__(self, n_samples, device_args="driver=ecdisc", n_beams=2,
                 sample_rate=None, rx_samples=None, voltage_channel=False):
        from gnuradio import soapy  # gr-soapy: imported here, needed only here

        n_samples = int(n_samples)
        n_beams = int(n_beams)
        rx_samples = n_samples if rx_samples is None else int(rx_samples)
        if n_samples < 1:
            raise ValueError("n_samples = %d: must be >= 1" % n_samples)
        if not 1 <= rx_samples <= n_samples:
            raise ValueError("rx_samples = %d: must be in 1..n_samples (%d)"
                             % (rx_samples, n_samples))
        if not 1 <= n_beams <= 4:
            raise ValueError("n_beams = %d: must be in 1..4" % n_beams)
        # with voltage_channel, input n_beams is the electrode voltage (V) of
        # the recorded layer, sent on TX channel n_beams (driver=ecdisc: the
        # voltage of its record_layer, applied at its sample)
        n_tx = n_beams + (1 if voltage_channel else 0)
        gr.hier_block2.__init__(
            self, "soapy_medium",
            gr.io_signature(n_tx, n_tx, gr.sizeof_float),
            gr.io_signature(n_beams, n_beams, gr.sizeof_float))

        self.device = self._device_string(device_args, n_samples)
        try:
            self.sink = soapy.sink(self.device, "fc32", n_tx, "", "", [""], [""])
            self.source = soapy.source(self.device, "fc32", n_beams, "", "", [""], [""])
        except RuntimeError as e:
            # SoapySDR's "no match" and the module's own errors arrive as
            # RuntimeError or ValueError; say which device it was
            hint = ""
            if "no match" in str(e) and _kwargs(self.device).get("driver") == "ecdisc":
                hint = (" (the ecdisc SoapySDR module is not found: install the project, "
                        "or from a build tree set SOAPY_SDR_PLUGIN_PATH=<build>/soapy)")
            raise ValueError("soapy_medium: device %r: %s%s" % (self.device, e, hint)) from None

        if sample_rate is None:
            ranges = self.source.get_sample_rate_range(0)
            if not ranges or ranges[0].minimum() != ranges[0].maximum():
                raise ValueError("sample_rate = None: device %r has no single sample "
                                 "rate; give one" % self.device)
            sample_rate = ranges[0].minimum()
        self.sample_rate = float(sample_rate)
        for ch in range(n_tx):
            self.sink.set_sample_rate(ch, self.sample_rate)
        for ch in range(n_beams):
            self.source.set_sample_rate(ch, self.sample_rate)

        self.n_samples = n_samples
        self.rx_samples = rx_samples
        # gr-soapy 3.10.5's sink writes ninput_items[0] items of every
        # channel: an input with fewer items ready would be read past its
        # data (stale samples). The channels therefore come from one block
        # that writes them in lockstep (streams_to_vector -> vector_to_streams).
        to_vec = blocks.streams_to_vector(gr.sizeof_gr_complex, n_tx)
        lockstep = blocks.vector_to_streams(gr.sizeof_gr_complex, n_tx)
        self.connect(to_vec, lockstep)
        for k in range(n_tx):
            self.connect((self, k), blocks.head(gr.sizeof_float, n_samples),
                         blocks.float_to_complex(1), (to_vec, k))
            self.connect((lockstep, k), (self.sink, k))
        for k in range(n_beams):
            to_r = blocks.complex_to_real(1)
            rx_head = blocks.head(gr.sizeof_float, rx_samples)
            self.connect((self.source, k), to_r, rx_head, (self, k))

    @staticmethod
    def _device_string(device_args, n_samples):
        """driver=ecdisc: a simulation of its own (instance), whose TX data
        ends after n_samples (tx_end), unless the arguments say otherwise."""
        args = _kwargs(device_args)
        if args.get("driver") != "ecdisc":
            return device_args
        extra = []
        if "instance" not in args:
            extra.append("instance=soapy_medium-%d" % next(_INSTANCES))
        if "tx_end" not in args:
            extra.append("tx_end=%d" % n_samples)
        return ",".join([device_args.rstrip(", ")] + extra)

    def write_setting(self, key, value):
        """Writes a device setting (driver=ecdisc: record_layer, voltages,
        noise_scale, overflow_every, overflow_drop; lists with ':' between
        items, e.g. write_setting("voltages", "1.5:0:0:0")). Takes effect at the TX
        sample being processed when it arrives, not at a chosen sample: for
        sample-accurate voltage changes use the voltage TX channel."""
        self.sink.write_setting(key, str(value))
