/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
/*! \file
 * SoapySDR device module driver=ecdisc: the medium simulator (lib/medium.h)
 * behind the SoapySDR device API, so that a flowgraph written for real
 * hardware (gr-soapy sink and source, or any SoapySDR client) records and
 * reads back a simulated disc.
 *
 * Opened by SoapySDR::Device::make("driver=ecdisc,..."): only an explicit
 * driver=ecdisc finds it (a client asking for any device never gets the
 * simulator). Device arguments (all optional; an unknown key or a bad value
 * is refused with std::invalid_argument naming the key and the value, and a
 * medium file that cannot be read is one such error; lists take ':' (or ','
 * ';' or blanks) between items, since a "key=value,..." string cannot carry
 * ',' inside a value: "focus=1:0,voltages=1.5:0:0:0"):
 *   medium         YAML medium stack; "" (default) = the built-in default
 *   sps            samples per channel bit, 1..32 (default 4)
 *   track_bits     simulated track length in channel bits (default 65536)
 *   focus          focus layer of each beam (default "1:0"); its length is
 *                  the number of beams B (at most the medium's laser_array)
 *   voltages       electrode voltage per layer in V, one per layer
 *                  (default "": every layer 0 V)
 *   tracks         track of the medium's band for each beam (default "":
 *                  the medium file's cross_track_tracks), e.g. "0:2" puts
 *                  spot 2 two tracks beside spot 1 (claim 3; needs
 *                  geometry.band_tracks > 2 in the medium file)
 *   seed           noise seed (default 1)
 *   noise_scale    scale of every noise term, >= 0 (default 1)
 *   record_layer   layer driven by the voltage TX channel (default: the first
 *                  layer with a non-zero voltage, else the focus layer of the
 *                  last beam)
 *   overflow_every inject an RX overflow every N medium samples (0 = off)
 *   overflow_drop  samples lost at each injected overflow (default 256, < N)
 *   tx_end         medium sample index at which the TX data ends, as if the
 *                  write reaching it had SOAPY_SDR_END_BURST (0 = never,
 *                  default): for clients that cannot end a burst (see Time)
 *   rx_buffer      RX samples queued at most before the oldest are dropped
 *                  (an overflow, as on real hardware; default 1<<24)
 *   instance       any string: devices made with different values are
 *                  separate simulations. SoapySDR's factory hands out the
 *                  device already open for an identical argument set (one
 *                  simulation, shared): that is how gr-soapy's sink and
 *                  source, each making its own device, meet the same medium;
 *                  soapy_medium adds a unique instance so that nothing else
 *                  joins them
 *   driver, label  as SoapySDR passes them
 * record_layer, noise_scale, voltages, tx_end, overflow_every, overflow_drop are
 * also settings (writeSetting/readSetting; gr-soapy re-applies device
 * arguments that are settings); readSetting also has "samples" (medium
 * samples run so far) and "overflows_injected". Settings apply at the TX
 * sample being processed when they arrive. One device (argument set) has
 * one TX and one RX stream at a time. Frequency is stored and reported but
 * has no effect (a baseband simulation); there are no gains or antennas.
 *
 * Channels and the sample convention (CF32 only, full scale 1.0):
 *   TX b = 0..B-1   laser power of beam b: I in mW (1.0 = 1 mW), Q ignored;
 *                   negative values are taken as 0 (a laser has no negative
 *                   power). A beam not in the TX stream is dark (0 mW).
 *   TX B            electrode voltage of record_layer: I in V, Q ignored,
 *                   clamped to +-10 V (one warning); applied at the sample
 *                   it changes on. Without this channel the layer voltages
 *                   stay as the arguments/settings put them.
 *   RX b = 0..B-1   detector signal of beam b (normalised photocurrent,
 *                   1.0 = 1 mW reflected onto the detector) on I, Q = 0.
 *
 * Time: the sample clock is the medium's own rate fs = sps * velocity /
 * channel_bit_m (fixed: setSampleRate and setMasterClockRate accept fs only,
 * anything else is refused with an error giving fs). Medium sample n has
 * time t_base + n/fs (ns); setHardwareTime(t) makes the next sample time t.
 * The TX stream drives the medium: writeStream processes its samples at
 * once (it never blocks); with SOAPY_SDR_HAS_TIME the burst starts at that
 * time, the medium first running dark (0 mW) up to it; a time in the past is
 * refused with SOAPY_SDR_TIME_ERROR. Every medium sample yields one RX
 * sample, queued from the moment the device is made, whether or not the RX
 * stream is active yet (gr-soapy starts sink and source in separate threads
 * in no set order: nothing is lost either way). activateStream(RX,
 * SOAPY_SDR_HAS_TIME, t) discards the samples before t. readStream returns
 * contiguous queued samples with SOAPY_SDR_HAS_TIME and the time of the
 * first. When none are queued:
 *   - before the first TX write, and while a TX burst is open (written
 *     without SOAPY_SDR_END_BURST), RX waits up to timeoutUs for TX and then
 *     returns SOAPY_SDR_TIMEOUT: RX sample t exists once TX sample t does,
 *     so RX can never run ahead of TX and lose the alignment;
 *   - after a burst ends (a write with SOAPY_SDR_END_BURST, the TX data
 *     reaching tx_end, or the TX stream deactivated or closed) and until
 *     the next write, the medium turns on
 *     with every laser off as RX reads (up to MTU samples a read), as a real
 *     device keeps receiving after a TX burst. A later write without a time
 *     continues at the present medium sample. (gr-soapy's source never ends
 *     by itself: it ends when its downstream is done and its output buffer
 *     is full, so it must get samples after the data. gr-soapy 3.10.5's sink
 *     cannot be relied on to send END_BURST: its length-tag burst counter
 *     starts uninitialised, so it may drop the whole stream ("tP", "tG");
 *     soapy_medium therefore sets tx_end.)
 * Without any TX the medium does not advance and RX only times out.
 *
 * Overflows: injected ones drop the RX samples k with k mod overflow_every
 * >= overflow_every - overflow_drop (k the medium sample index; the medium
 * itself is not affected). Samples lost (injected, or the queue over
 * rx_buffer: the oldest go) make the
 * next readStream return SOAPY_SDR_OVERFLOW once; the read after it starts
 * at the first sample after the gap and carries its time, so the gap is
 * (timeNs after - timeNs expected) * fs samples. gr-soapy 3.10.5's source
 * prints "sO", retries, and tags rx_time (and rx_rate, rx_freq) on the first
 * sample it outputs after the overflow: downstream must rely on that tag,
 * the item count is no longer the medium sample index.
 */

#include "medium.h"
#include "medium_config.h"

#include <SoapySDR/Device.hpp>
#include <SoapySDR/Errors.hpp>
#include <SoapySDR/Formats.hpp>
#include <SoapySDR/Logger.hpp>
#include <SoapySDR/Registry.hpp>
#include <SoapySDR/Time.hpp>

#include <condition_variable>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <complex>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using SoapySDR::ArgInfo;
using SoapySDR::Kwargs;

const char* const k_driver = "ecdisc";
constexpr size_t k_mtu = 8192;

[[noreturn]] void
bad(const std::string& key, const std::string& value, const std::string& allowed)
{
    throw std::invalid_argument("ecdisc: " + key + " = " + value + ": " + allowed);
}

std::string trim(const std::string& s)
{
    const auto a = s.find_first_not_of(" \t\n\r");
    if (a == std::string::npos)
        return "";
    const auto b = s.find_last_not_of(" \t\n\r");
    return s.substr(a, b - a + 1);
}

/*! a list value: items separated by ',' ':' ';' or blanks (a SoapySDR
 *  "key=value,key=value" string cannot carry ',' inside a value, so
 *  "focus=1:0,voltages=1.5:0:0:0" is the way to write lists there) */
std::vector<std::string> split(const std::string& s)
{
    std::vector<std::string> out;
    if (trim(s).empty())
        return out;
    const bool hard = s.find_first_of(",:;") != std::string::npos;
    std::string item;
    for (char ch : s) {
        const bool sep =
            hard ? (ch == ',' || ch == ':' || ch == ';') : (ch == ' ' || ch == '\t');
        if (sep) {
            out.push_back(trim(item));
            item.clear();
        } else {
            item += ch;
        }
    }
    out.push_back(trim(item));
    if (!hard) // runs of blanks
        out.erase(std::remove(out.begin(), out.end(), std::string()), out.end());
    return out; // an empty item between hard separators fails to parse
}

long long parse_int(const std::string& key,
                    const std::string& value,
                    long long lo,
                    long long hi,
                    const std::string& allowed)
{
    const std::string v = trim(value);
    size_t pos = 0;
    long long x = 0;
    try {
        x = std::stoll(v, &pos, 0);
    } catch (const std::exception&) {
        bad(key, value, allowed);
    }
    if (pos != v.size() || x < lo || x > hi)
        bad(key, value, allowed);
    return x;
}

double parse_double(const std::string& key,
                    const std::string& value,
                    double lo,
                    double hi,
                    const std::string& allowed)
{
    const std::string v = trim(value);
    size_t pos = 0;
    double x = 0;
    try {
        x = std::stod(v, &pos);
    } catch (const std::exception&) {
        bad(key, value, allowed);
    }
    if (pos != v.size() || !std::isfinite(x) || x < lo || x > hi)
        bad(key, value, allowed);
    return x;
}

std::string num(double x)
{
    std::ostringstream s;
    s.precision(12);
    s << x;
    return s.str();
}

//! a list as this module writes it: ':' between items (see split)
template <typename T>
std::string join(const std::vector<T>& v)
{
    std::ostringstream s;
    s.precision(12);
    for (size_t i = 0; i < v.size(); i++)
        s << (i ? ":" : "") << v[i];
    return s.str();
}

//! device arguments after parsing (ranges that need the medium are checked
//! once it is loaded)
struct device_args {
    std::string medium;
    int sps = 4;
    int64_t track_bits = 65536;
    std::vector<int> focus{ 1, 0 };
    std::vector<double> voltages;
    std::vector<int> tracks;
    uint64_t seed = 1;
    double noise_scale = 1.0;
    int record_layer = -1;
    uint64_t overflow_every = 0;
    uint64_t overflow_drop = 256;
    uint64_t rx_buffer = uint64_t(1) << 24;
    uint64_t tx_end = 0;
};

const std::vector<std::string>& known_keys()
{
    static const std::vector<std::string> keys{
        "driver",       "label",          "instance",      "medium",    "sps",
        "track_bits",   "focus",          "voltages",      "seed",      "noise_scale",
        "record_layer", "overflow_every", "overflow_drop", "rx_buffer", "tx_end",
        "tracks"
    };
    return keys;
}

device_args parse_args(const Kwargs& args)
{
    device_args a;
    for (const auto& [key, value] : args) {
        if (key.empty())
            continue;
        const auto& keys = known_keys();
        if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
            std::string known;
            for (const auto& k : keys)
                known += (known.empty() ? "" : ", ") + k;
            throw std::invalid_argument("ecdisc: unknown device argument " + key + " = " +
                                        value + " (known: " + known + ")");
        }
    }
    auto get = [&](const char* key, std::string& out) {
        const auto it = args.find(key);
        if (it == args.end())
            return false;
        out = it->second;
        return true;
    };
    std::string v;
    if (get("driver", v) && v != k_driver)
        bad("driver", v, "this module is driver=ecdisc");
    if (get("medium", v))
        a.medium = trim(v);
    if (get("sps", v))
        a.sps =
            static_cast<int>(parse_int("sps", v, 1, 32, "must be an integer in 1..32"));
    if (get("track_bits", v))
        a.track_bits = parse_int(
            "track_bits", v, 64, int64_t(1) << 26, "must be an integer in 64..67108864");
    if (get("focus", v)) {
        a.focus.clear();
        for (const auto& item : split(v))
            a.focus.push_back(static_cast<int>(
                parse_int("focus", item, 0, 1000, "must list one layer index per beam")));
        if (a.focus.empty())
            bad("focus", v, "must list one layer index per beam");
    }
    if (get("voltages", v))
        for (const auto& item : split(v))
            a.voltages.push_back(parse_double(
                "voltages", item, -10, 10, "must list volts in -10..10 per layer"));
    if (get("tracks", v))
        for (const auto& item : split(v))
            a.tracks.push_back(static_cast<int>(
                parse_int("tracks", item, 0, 3, "must list a track 0..3 per beam")));
    if (get("seed", v))
        a.seed = static_cast<uint64_t>(
            parse_int("seed", v, 0, INT64_MAX, "must be a non-negative integer"));
    if (get("noise_scale", v))
        a.noise_scale = parse_double("noise_scale", v, 0, 1e6, "must be >= 0");
    if (get("record_layer", v))
        a.record_layer = static_cast<int>(
            parse_int("record_layer", v, 0, 1000, "must be a layer index"));
    if (get("overflow_every", v))
        a.overflow_every = static_cast<uint64_t>(parse_int(
            "overflow_every", v, 0, INT64_MAX, "must be a sample count >= 0 (0 = off)"));
    if (get("overflow_drop", v))
        a.overflow_drop = static_cast<uint64_t>(
            parse_int("overflow_drop", v, 1, INT64_MAX, "must be a sample count >= 1"));
    if (get("tx_end", v))
        a.tx_end = static_cast<uint64_t>(parse_int(
            "tx_end", v, 0, INT64_MAX, "must be a medium sample index >= 0 (0 = none)"));
    if (get("rx_buffer", v))
        a.rx_buffer =
            static_cast<uint64_t>(parse_int("rx_buffer",
                                            v,
                                            1024,
                                            int64_t(1) << 30,
                                            "must be a sample count in 1024..2^30"));
    if (a.overflow_every > 0 && a.overflow_drop >= a.overflow_every)
        bad("overflow_drop",
            std::to_string(a.overflow_drop),
            "must be less than overflow_every (" + std::to_string(a.overflow_every) +
                ")");
    return a;
}

/*! The SoapySDR device. Locks: d_tx_mutex (the medium, the TX position, the
 *  TX stream) is taken before d_rx_mutex (the RX queue, the RX stream);
 *  d_time_mutex (the time base) is a leaf. */
class ecdisc_device : public SoapySDR::Device
{
public:
    explicit ecdisc_device(const Kwargs& kwargs);
    ~ecdisc_device() override = default;

    // identification
    std::string getDriverKey() const override { return k_driver; }
    std::string getHardwareKey() const override { return "ecdisc-medium"; }
    Kwargs getHardwareInfo() const override;

    // channels
    size_t getNumChannels(const int direction) const override;
    Kwargs getChannelInfo(const int direction, const size_t channel) const override;
    bool getFullDuplex(const int, const size_t) const override { return true; }

    // streams
    std::vector<std::string> getStreamFormats(const int direction,
                                              const size_t channel) const override;
    std::string getNativeStreamFormat(const int direction,
                                      const size_t channel,
                                      double& fullScale) const override;
    SoapySDR::ArgInfoList getStreamArgsInfo(const int, const size_t) const override
    {
        return {};
    }
    SoapySDR::Stream* setupStream(const int direction,
                                  const std::string& format,
                                  const std::vector<size_t>& channels,
                                  const Kwargs& args) override;
    void closeStream(SoapySDR::Stream* stream) override;
    size_t getStreamMTU(SoapySDR::Stream*) const override { return k_mtu; }
    int activateStream(SoapySDR::Stream* stream,
                       const int flags,
                       const long long timeNs,
                       const size_t numElems) override;
    int deactivateStream(SoapySDR::Stream* stream,
                         const int flags,
                         const long long timeNs) override;
    int readStream(SoapySDR::Stream* stream,
                   void* const* buffs,
                   const size_t numElems,
                   int& flags,
                   long long& timeNs,
                   const long timeoutUs) override;
    int writeStream(SoapySDR::Stream* stream,
                    const void* const* buffs,
                    const size_t numElems,
                    int& flags,
                    const long long timeNs,
                    const long timeoutUs) override;

    // sample rate and clocks
    void
    setSampleRate(const int direction, const size_t channel, const double rate) override;
    double getSampleRate(const int direction, const size_t channel) const override;
    std::vector<double> listSampleRates(const int direction,
                                        const size_t channel) const override;
    SoapySDR::RangeList getSampleRateRange(const int direction,
                                           const size_t channel) const override;
    void setMasterClockRate(const double rate) override;
    double getMasterClockRate() const override { return d_fs; }
    SoapySDR::RangeList getMasterClockRates() const override
    {
        return { SoapySDR::Range(d_fs, d_fs) };
    }
    std::vector<std::string> listClockSources() const override { return { "internal" }; }
    void setClockSource(const std::string& source) override;
    std::string getClockSource() const override { return "internal"; }
    std::vector<std::string> listTimeSources() const override { return { "internal" }; }
    void setTimeSource(const std::string& source) override;
    std::string getTimeSource() const override { return "internal"; }
    bool hasHardwareTime(const std::string& what) const override;
    long long getHardwareTime(const std::string& what) const override;
    void setHardwareTime(const long long timeNs, const std::string& what) override;

    // frequency: baseband simulation, stored and reported, no effect
    void setFrequency(const int direction,
                      const size_t channel,
                      const double frequency,
                      const Kwargs& args) override;
    double getFrequency(const int direction, const size_t channel) const override;
    SoapySDR::RangeList getFrequencyRange(const int direction,
                                          const size_t channel) const override;

    // settings
    SoapySDR::ArgInfoList getSettingInfo() const override;
    void writeSetting(const std::string& key, const std::string& value) override;
    std::string readSetting(const std::string& key) const override;

private:
    struct stream {
        int direction;
        std::vector<size_t> channels;
        bool active = false;
    };
    //! a contiguous run of queued RX samples of every beam
    struct segment {
        uint64_t first; //!< medium sample index of data[.. + 0]
        size_t len;
        size_t off = 0;          //!< samples already read
        std::vector<float> data; //!< beam b at [b * len + i]
    };

    void check_channel(int direction, size_t channel) const;
    long long time_of(uint64_t index) const;
    int64_t tick_of(long long time_ns) const;
    //! runs n medium samples (power nb x stride, beam b at b * stride + i)
    void run(const float* power, float* signal, size_t stride, size_t first, size_t n);
    //! queues the RX samples of medium samples [first, first + n)
    void queue_rx(uint64_t first, const float* signal, size_t stride, size_t n);
    void apply_voltage(int layer, double volts);
    void trim_front(uint64_t before);
    //! n medium samples with every beam at 0 mW, when no TX burst is open
    void run_dark(size_t n);
    //! sets d_tx_dark (caller holds d_tx_mutex) and wakes a waiting reader
    void set_dark(bool dark);

    device_args d_args;
    std::unique_ptr<ecdisc::medium> d_medium;
    int d_nb = 0, d_nl = 0;
    double d_fs = 0;
    std::string d_medium_name;

    mutable std::mutex d_tx_mutex;
    uint64_t d_n = 0; //!< index of the next medium sample
    std::vector<double> d_voltages;
    int d_record_layer = 0;
    bool d_warned_clamp = false;
    /*! no TX burst open (after SOAPY_SDR_END_BURST or the TX stream's
     *  deactivation/closing, until the next write): RX reads advance the
     *  medium dark. Written under d_tx_mutex and d_rx_mutex both. */
    bool d_tx_dark = false;
    uint64_t d_tx_end = 0; //!< TX ends (as with END_BURST) at this sample (0 = never)
    stream* d_tx = nullptr;

    mutable std::mutex d_rx_mutex;
    std::condition_variable d_rx_cond;
    std::deque<segment> d_queue;
    uint64_t d_queued = 0;
    uint64_t d_rx_next = 0;  //!< index the reader expects next
    uint64_t d_rx_start = 0; //!< samples before it are not queued
    uint64_t d_injected = 0; //!< overflow gaps injected so far
    stream* d_rx = nullptr;

    mutable std::mutex d_time_mutex;
    long long d_t_base = 0; //!< time of sample d_n_base (ns)
    uint64_t d_n_base = 0;
    std::map<std::pair<int, size_t>, double> d_freq;
};

ecdisc_device::ecdisc_device(const Kwargs& kwargs) : d_args(parse_args(kwargs))
{
    ecdisc::medium_config cfg;
    try {
        cfg = ecdisc::load_medium(d_args.medium);
    } catch (const std::exception& e) {
        bad("medium", "\"" + d_args.medium + "\"", e.what());
    }
    d_nl = static_cast<int>(cfg.layers.size());
    const int max_beams = static_cast<int>(cfg.laser_array.size());
    const std::string focus = join(d_args.focus);
    if (static_cast<int>(d_args.focus.size()) > max_beams)
        bad("focus",
            focus,
            "one layer per beam, at most " + std::to_string(max_beams) +
                " beams (the medium's laser_array)");
    for (int f : d_args.focus)
        if (f >= d_nl)
            bad("focus", focus, "layers are 0.." + std::to_string(d_nl - 1));
    if (!d_args.voltages.empty() && static_cast<int>(d_args.voltages.size()) != d_nl)
        bad("voltages",
            join(d_args.voltages),
            "needs one voltage per layer (" + std::to_string(d_nl) + ") or none");
    if (d_args.record_layer >= d_nl)
        bad("record_layer",
            std::to_string(d_args.record_layer),
            "layers are 0.." + std::to_string(d_nl - 1));
    if (!d_args.tracks.empty() && d_args.tracks.size() != d_args.focus.size())
        bad("tracks",
            join(d_args.tracks),
            "needs one track per beam (" + std::to_string(d_args.focus.size()) +
                ", as focus) or none");
    try {
        d_medium = std::make_unique<ecdisc::medium>(cfg,
                                                    d_args.sps,
                                                    d_args.track_bits,
                                                    d_args.focus,
                                                    d_args.voltages,
                                                    d_args.seed);
        d_medium->set_noise_scale(d_args.noise_scale);
        for (size_t b = 0; b < d_args.tracks.size(); b++)
            d_medium->set_track_offset(static_cast<int>(b), d_args.tracks[b]);
    } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(std::string("ecdisc: ") + e.what());
    }
    d_nb = d_medium->num_beams();
    d_fs = d_medium->sample_rate_hz();
    d_medium_name = cfg.name;
    d_voltages =
        d_args.voltages.empty() ? std::vector<double>(d_nl, 0.0) : d_args.voltages;
    d_tx_end = d_args.tx_end;
    d_record_layer = d_args.record_layer;
    if (d_record_layer < 0) {
        d_record_layer = d_args.focus.back();
        for (int k = 0; k < d_nl; k++)
            if (d_voltages[k] != 0) {
                d_record_layer = k;
                break;
            }
    }
}

Kwargs ecdisc_device::getHardwareInfo() const
{
    Kwargs info;
    info["medium"] = d_medium_name;
    info["medium_file"] = d_args.medium;
    info["layers"] = std::to_string(d_nl);
    info["beams"] = std::to_string(d_nb);
    info["sps"] = std::to_string(d_args.sps);
    info["track_bits"] = std::to_string(d_args.track_bits);
    info["sample_rate"] = num(d_fs);
    return info;
}

size_t ecdisc_device::getNumChannels(const int direction) const
{
    if (direction == SOAPY_SDR_TX)
        return d_nb + 1;
    if (direction == SOAPY_SDR_RX)
        return d_nb;
    return 0;
}

void ecdisc_device::check_channel(int direction, size_t channel) const
{
    if (direction != SOAPY_SDR_TX && direction != SOAPY_SDR_RX)
        bad("direction",
            std::to_string(direction),
            "must be SOAPY_SDR_TX or SOAPY_SDR_RX");
    if (channel >= getNumChannels(direction))
        bad(direction == SOAPY_SDR_TX ? "TX channel" : "RX channel",
            std::to_string(channel),
            "channels are 0.." + std::to_string(getNumChannels(direction) - 1));
}

Kwargs ecdisc_device::getChannelInfo(const int direction, const size_t channel) const
{
    check_channel(direction, channel);
    Kwargs info;
    if (direction == SOAPY_SDR_RX) {
        info["name"] = "beam" + std::to_string(channel) + " detector";
        info["convention"] = "I = detector signal (1.0 = 1 mW reflected), Q = 0";
    } else if (static_cast<int>(channel) < d_nb) {
        info["name"] = "beam" + std::to_string(channel) + " laser power";
        info["convention"] = "I = power in mW (1.0 = 1 mW, < 0 taken as 0), Q ignored";
    } else {
        info["name"] = "record layer electrode voltage";
        info["convention"] = "I = volts on record_layer (clamped to +-10), Q ignored";
    }
    return info;
}

std::vector<std::string> ecdisc_device::getStreamFormats(const int direction,
                                                         const size_t channel) const
{
    check_channel(direction, channel);
    return { SOAPY_SDR_CF32 };
}

std::string ecdisc_device::getNativeStreamFormat(const int direction,
                                                 const size_t channel,
                                                 double& fullScale) const
{
    check_channel(direction, channel);
    fullScale = 1.0;
    return SOAPY_SDR_CF32;
}

SoapySDR::Stream* ecdisc_device::setupStream(const int direction,
                                             const std::string& format,
                                             const std::vector<size_t>& channels_,
                                             const Kwargs& args)
{
    if (format != SOAPY_SDR_CF32)
        bad("stream format", format, "ecdisc streams are CF32 only");
    for (const auto& kv : args)
        if (!kv.first.empty())
            bad("stream argument " + kv.first,
                kv.second,
                "ecdisc streams take no arguments");
    std::vector<size_t> channels =
        channels_.empty() ? std::vector<size_t>{ 0 } : channels_;
    for (size_t c : channels)
        check_channel(direction, c);
    if (std::set<size_t>(channels.begin(), channels.end()).size() != channels.size())
        bad("stream channels", join(channels), "a channel may appear once");
    auto* s = new stream{ direction, channels, false };
    if (direction == SOAPY_SDR_TX) {
        std::lock_guard<std::mutex> lock(d_tx_mutex);
        if (d_tx) {
            delete s;
            throw std::runtime_error(
                "ecdisc: a TX stream is already set up (one TX and one "
                "RX stream at a time)");
        }
        d_tx = s;
    } else {
        std::lock_guard<std::mutex> lock(d_rx_mutex);
        if (d_rx) {
            delete s;
            throw std::runtime_error("ecdisc: an RX stream is already set up (one TX and "
                                     "one RX stream at a time)");
        }
        d_rx = s;
    }
    return reinterpret_cast<SoapySDR::Stream*>(s);
}

void ecdisc_device::closeStream(SoapySDR::Stream* handle)
{
    auto* s = reinterpret_cast<stream*>(handle);
    if (!s)
        return;
    if (s->direction == SOAPY_SDR_TX) {
        std::lock_guard<std::mutex> lock(d_tx_mutex);
        if (d_tx == s) {
            d_tx = nullptr;
            set_dark(true);
        }
    } else {
        std::lock_guard<std::mutex> lock(d_rx_mutex);
        if (d_rx == s)
            d_rx = nullptr;
        d_rx_cond.notify_all();
    }
    delete s;
}

int ecdisc_device::activateStream(SoapySDR::Stream* handle,
                                  const int flags,
                                  const long long timeNs,
                                  const size_t numElems)
{
    auto* s = reinterpret_cast<stream*>(handle);
    if (numElems != 0 || (flags & SOAPY_SDR_END_BURST))
        return SOAPY_SDR_NOT_SUPPORTED; // continuous streaming only
    if (s->direction == SOAPY_SDR_TX) {
        std::lock_guard<std::mutex> lock(d_tx_mutex);
        s->active = true;
        return 0;
    }
    int64_t start = -1;
    if (flags & SOAPY_SDR_HAS_TIME)
        start = tick_of(timeNs);
    std::lock_guard<std::mutex> lock(d_rx_mutex);
    if (start >= 0) {
        d_rx_start = static_cast<uint64_t>(start);
        trim_front(d_rx_start);
        d_rx_next = std::max(d_rx_next, d_rx_start);
    }
    s->active = true;
    return 0;
}

int ecdisc_device::deactivateStream(SoapySDR::Stream* handle, const int, const long long)
{
    auto* s = reinterpret_cast<stream*>(handle);
    if (s->direction == SOAPY_SDR_TX) {
        std::lock_guard<std::mutex> lock(d_tx_mutex);
        s->active = false;
        set_dark(true);
    } else {
        std::lock_guard<std::mutex> lock(d_rx_mutex);
        s->active = false;
        d_rx_cond.notify_all();
    }
    return 0;
}

//! drops queued samples with an index below before (no overflow: not wanted)
void ecdisc_device::trim_front(uint64_t before)
{
    while (!d_queue.empty()) {
        auto& f = d_queue.front();
        const uint64_t idx = f.first + f.off;
        if (idx >= before)
            break;
        const uint64_t n = std::min<uint64_t>(before - idx, f.len - f.off);
        f.off += n;
        d_queued -= n;
        if (f.off == f.len)
            d_queue.pop_front();
    }
}

int ecdisc_device::readStream(SoapySDR::Stream* handle,
                              void* const* buffs,
                              const size_t numElems,
                              int& flags,
                              long long& timeNs,
                              const long timeoutUs)
{
    auto* s = reinterpret_cast<stream*>(handle);
    if (s->direction != SOAPY_SDR_RX)
        return SOAPY_SDR_STREAM_ERROR;
    flags = 0;
    if (numElems == 0)
        return 0;
    const auto deadline = std::chrono::steady_clock::now() +
                          std::chrono::microseconds(std::max(0L, timeoutUs));
    std::unique_lock<std::mutex> lock(d_rx_mutex);
    for (;;) {
        if (!s->active)
            return SOAPY_SDR_STREAM_ERROR;
        if (!d_queue.empty())
            break;
        if (d_tx_dark) {
            // no TX burst open: the medium turns on with the laser off
            // (up to a timed RX start, this may take several rounds)
            if (std::chrono::steady_clock::now() > deadline)
                return SOAPY_SDR_TIMEOUT;
            lock.unlock();
            run_dark(std::min(numElems, k_mtu));
            lock.lock();
            continue;
        }
        const auto ready = [&] { return !d_queue.empty() || d_tx_dark || !s->active; };
        if (!d_rx_cond.wait_until(lock, deadline, ready))
            return SOAPY_SDR_TIMEOUT;
    }
    auto& f = d_queue.front();
    const uint64_t idx = f.first + f.off;
    if (idx != d_rx_next) {
        // samples were lost: report it once, the next read resumes after the gap
        d_rx_next = idx;
        return SOAPY_SDR_OVERFLOW;
    }
    const size_t n = std::min<size_t>(numElems, f.len - f.off);
    for (size_t j = 0; j < s->channels.size(); j++) {
        auto* out = static_cast<std::complex<float>*>(buffs[j]);
        const float* in = f.data.data() + s->channels[j] * f.len + f.off;
        for (size_t i = 0; i < n; i++)
            out[i] = std::complex<float>(in[i], 0.0f);
    }
    f.off += n;
    d_queued -= n;
    if (f.off == f.len)
        d_queue.pop_front();
    d_rx_next = idx + n;
    lock.unlock();
    flags = SOAPY_SDR_HAS_TIME;
    timeNs = time_of(idx);
    return static_cast<int>(n);
}

void ecdisc_device::set_dark(bool dark)
{
    std::lock_guard<std::mutex> lock(d_rx_mutex);
    d_tx_dark = dark;
    if (dark)
        d_rx_cond.notify_all();
}

void ecdisc_device::run_dark(size_t n)
{
    std::lock_guard<std::mutex> lock(d_tx_mutex);
    if (!d_tx_dark)
        return; // a burst opened meanwhile: it drives the medium
    std::vector<float> power(d_nb * n, 0.0f), signal(d_nb * n);
    run(power.data(), signal.data(), n, 0, n);
    queue_rx(d_n, signal.data(), n, n);
    d_n += n;
}

void ecdisc_device::apply_voltage(int layer, double volts)
{
    d_medium->set_layer_voltage(layer, volts);
    d_voltages[layer] = volts;
}

void ecdisc_device::run(
    const float* power, float* signal, size_t stride, size_t first, size_t n)
{
    if (n == 0)
        return;
    const float* p[4];
    float* q[4];
    for (int b = 0; b < d_nb; b++) {
        p[b] = power + b * stride + first;
        q[b] = signal + b * stride + first;
    }
    d_medium->process(p, q, n);
}

void ecdisc_device::queue_rx(uint64_t first, const float* signal, size_t stride, size_t n)
{
    std::lock_guard<std::mutex> lock(d_rx_mutex);
    const uint64_t every = d_args.overflow_every, drop = d_args.overflow_drop;
    const uint64_t end = first + n;
    uint64_t k = std::max(first, std::min(end, d_rx_start));
    while (k < end) {
        bool dropped = false;
        uint64_t next = end;
        if (every > 0) {
            const uint64_t r = k % every;
            if (r >= every - drop) {
                dropped = true;
                next = k + (every - r);
                if (r == every - drop)
                    d_injected++;
            } else {
                next = k + (every - drop - r);
            }
            next = std::min(next, end);
        }
        if (!dropped) {
            segment seg;
            seg.first = k;
            seg.len = static_cast<size_t>(next - k);
            seg.data.resize(seg.len * d_nb);
            for (int b = 0; b < d_nb; b++)
                std::copy_n(signal + b * stride + (k - first),
                            seg.len,
                            seg.data.begin() + b * seg.len);
            d_queue.push_back(std::move(seg));
            d_queued += next - k;
        }
        k = next;
    }
    // a reader that does not keep up loses the oldest samples (an overflow)
    while (d_queued > d_args.rx_buffer) {
        auto& f = d_queue.front();
        const uint64_t m = std::min<uint64_t>(d_queued - d_args.rx_buffer, f.len - f.off);
        f.off += m;
        d_queued -= m;
        if (f.off == f.len)
            d_queue.pop_front();
    }
    d_rx_cond.notify_all();
}

int ecdisc_device::writeStream(SoapySDR::Stream* handle,
                               const void* const* buffs,
                               const size_t numElems,
                               int& flags,
                               const long long timeNs,
                               const long)
{
    auto* s = reinterpret_cast<stream*>(handle);
    if (s->direction != SOAPY_SDR_TX)
        return SOAPY_SDR_STREAM_ERROR;
    std::lock_guard<std::mutex> lock(d_tx_mutex);
    if (!s->active)
        return SOAPY_SDR_STREAM_ERROR;
    if (numElems > 0)
        set_dark(false); // a burst is open: RX waits for its samples

    constexpr size_t chunk = 4096;
    std::vector<float> power(d_nb * chunk), signal(d_nb * chunk);

    if (flags & SOAPY_SDR_HAS_TIME) {
        const int64_t start = tick_of(timeNs);
        if (start < static_cast<int64_t>(d_n))
            return SOAPY_SDR_TIME_ERROR; // late: the medium is already past it
        // the laser is dark until the burst starts
        std::fill(power.begin(), power.end(), 0.0f);
        uint64_t gap = static_cast<uint64_t>(start) - d_n;
        while (gap > 0) {
            const size_t m = static_cast<size_t>(std::min<uint64_t>(gap, chunk));
            run(power.data(), signal.data(), chunk, 0, m);
            queue_rx(d_n, signal.data(), chunk, m);
            d_n += m;
            gap -= m;
        }
    }

    // which stream buffer feeds which beam, and the voltage channel
    std::vector<int> beam_buf(d_nb, -1);
    int volt_buf = -1;
    for (size_t j = 0; j < s->channels.size(); j++) {
        if (static_cast<int>(s->channels[j]) < d_nb)
            beam_buf[s->channels[j]] = static_cast<int>(j);
        else
            volt_buf = static_cast<int>(j);
    }

    for (size_t done = 0; done < numElems;) {
        const size_t m = std::min(chunk, numElems - done);
        for (int b = 0; b < d_nb; b++) {
            float* p = power.data() + b * chunk;
            if (beam_buf[b] < 0) {
                std::fill_n(p, m, 0.0f);
                continue;
            }
            const auto* in =
                static_cast<const std::complex<float>*>(buffs[beam_buf[b]]) + done;
            for (size_t i = 0; i < m; i++)
                p[i] = std::max(in[i].real(), 0.0f);
        }
        if (volt_buf < 0) {
            run(power.data(), signal.data(), chunk, 0, m);
        } else {
            const auto* v =
                static_cast<const std::complex<float>*>(buffs[volt_buf]) + done;
            size_t from = 0;
            for (size_t i = 0; i < m; i++) {
                double volts = v[i].real();
                if (!(std::abs(volts) <= 10.0)) {
                    volts = std::isnan(volts) ? 0.0 : std::clamp(volts, -10.0, 10.0);
                    if (!d_warned_clamp) {
                        SoapySDR::logf(SOAPY_SDR_WARNING,
                                       "ecdisc: TX voltage %g V clamped to %g V (the "
                                       "electrodes take -10..10 V)",
                                       static_cast<double>(v[i].real()),
                                       volts);
                        d_warned_clamp = true;
                    }
                }
                if (volts != d_voltages[d_record_layer]) {
                    run(power.data(), signal.data(), chunk, from, i - from);
                    apply_voltage(d_record_layer, volts);
                    from = i;
                }
            }
            run(power.data(), signal.data(), chunk, from, m - from);
        }
        queue_rx(d_n, signal.data(), chunk, m);
        d_n += m;
        done += m;
    }
    set_dark((flags & SOAPY_SDR_END_BURST) != 0 || (d_tx_end > 0 && d_n >= d_tx_end));
    flags = 0;
    return static_cast<int>(numElems);
}

long long ecdisc_device::time_of(uint64_t index) const
{
    std::lock_guard<std::mutex> lock(d_time_mutex);
    const long long ticks =
        static_cast<long long>(index) - static_cast<long long>(d_n_base);
    return d_t_base + SoapySDR::ticksToTimeNs(ticks, d_fs);
}

int64_t ecdisc_device::tick_of(long long time_ns) const
{
    std::lock_guard<std::mutex> lock(d_time_mutex);
    return static_cast<int64_t>(d_n_base) +
           SoapySDR::timeNsToTicks(time_ns - d_t_base, d_fs);
}

void ecdisc_device::setSampleRate(const int direction,
                                  const size_t channel,
                                  const double rate)
{
    check_channel(direction, channel);
    if (!(std::abs(rate - d_fs) <= 1e-9 * d_fs))
        bad("sample rate",
            num(rate),
            "the ecdisc medium runs at " + num(d_fs) +
                " S/s only (sps * velocity / channel_bit_m of the medium; change sps or "
                "the medium file to change it)");
}

double ecdisc_device::getSampleRate(const int direction, const size_t channel) const
{
    check_channel(direction, channel);
    return d_fs;
}

std::vector<double> ecdisc_device::listSampleRates(const int direction,
                                                   const size_t channel) const
{
    check_channel(direction, channel);
    return { d_fs };
}

SoapySDR::RangeList ecdisc_device::getSampleRateRange(const int direction,
                                                      const size_t channel) const
{
    check_channel(direction, channel);
    return { SoapySDR::Range(d_fs, d_fs) };
}

void ecdisc_device::setMasterClockRate(const double rate)
{
    if (!(std::abs(rate - d_fs) <= 1e-9 * d_fs))
        bad("master clock rate",
            num(rate),
            "the ecdisc clock is the sample rate, " + num(d_fs));
}

void ecdisc_device::setClockSource(const std::string& source)
{
    if (source != "internal")
        bad("clock source", source, "only \"internal\"");
}

void ecdisc_device::setTimeSource(const std::string& source)
{
    if (source != "internal")
        bad("time source", source, "only \"internal\"");
}

bool ecdisc_device::hasHardwareTime(const std::string& what) const
{
    return what.empty() || what == "now";
}

long long ecdisc_device::getHardwareTime(const std::string& what) const
{
    if (!hasHardwareTime(what))
        bad("hardware time", what, "only \"\" (or \"now\")");
    std::lock_guard<std::mutex> lock(d_tx_mutex);
    return time_of(d_n);
}

void ecdisc_device::setHardwareTime(const long long timeNs, const std::string& what)
{
    if (!hasHardwareTime(what))
        bad("hardware time", what, "only \"\" (or \"now\")");
    std::lock_guard<std::mutex> lock(d_tx_mutex);
    std::lock_guard<std::mutex> tlock(d_time_mutex);
    d_t_base = timeNs;
    d_n_base = d_n;
}

void ecdisc_device::setFrequency(const int direction,
                                 const size_t channel,
                                 const double frequency,
                                 const Kwargs&)
{
    check_channel(direction, channel);
    std::lock_guard<std::mutex> lock(d_time_mutex);
    d_freq[{ direction, channel }] = frequency;
}

double ecdisc_device::getFrequency(const int direction, const size_t channel) const
{
    check_channel(direction, channel);
    std::lock_guard<std::mutex> lock(d_time_mutex);
    const auto it = d_freq.find({ direction, channel });
    return it == d_freq.end() ? 0.0 : it->second;
}

SoapySDR::RangeList ecdisc_device::getFrequencyRange(const int direction,
                                                     const size_t channel) const
{
    check_channel(direction, channel);
    return { SoapySDR::Range(-1e12, 1e12) };
}

SoapySDR::ArgInfoList ecdisc_device::getSettingInfo() const
{
    std::lock_guard<std::mutex> lock(d_tx_mutex);
    std::lock_guard<std::mutex> rx_lock(d_rx_mutex);
    SoapySDR::ArgInfoList list;
    auto add =
        [&](const char* key, std::string value, const char* desc, ArgInfo::Type type) {
            ArgInfo a;
            a.key = key;
            a.name = key;
            a.value = std::move(value);
            a.description = desc;
            a.type = type;
            list.push_back(a);
        };
    add("record_layer",
        std::to_string(d_record_layer),
        "layer whose electrodes the voltage TX channel drives",
        ArgInfo::INT);
    add("voltages",
        join(d_voltages),
        "electrode voltage per layer in V (applied at the present TX sample)",
        ArgInfo::STRING);
    add("noise_scale",
        num(d_args.noise_scale),
        "scale of every noise term",
        ArgInfo::FLOAT);
    add("tx_end",
        std::to_string(d_tx_end),
        "medium sample index at which the TX data ends, as with END_BURST (0 = never)",
        ArgInfo::INT);
    add("overflow_every",
        std::to_string(d_args.overflow_every),
        "inject an RX overflow every N medium samples (0 = off)",
        ArgInfo::INT);
    add("overflow_drop",
        std::to_string(d_args.overflow_drop),
        "RX samples lost at each injected overflow",
        ArgInfo::INT);
    return list;
}

void ecdisc_device::writeSetting(const std::string& key, const std::string& value)
{
    if (key == "record_layer") {
        const int k = static_cast<int>(parse_int(
            key, value, 0, d_nl - 1, "layers are 0.." + std::to_string(d_nl - 1)));
        std::lock_guard<std::mutex> lock(d_tx_mutex);
        d_record_layer = k;
    } else if (key == "voltages") {
        std::vector<double> v;
        for (const auto& item : split(value))
            v.push_back(parse_double(key, item, -10, 10, "must list volts in -10..10"));
        if (static_cast<int>(v.size()) != d_nl)
            bad(key, value, "needs one voltage per layer (" + std::to_string(d_nl) + ")");
        std::lock_guard<std::mutex> lock(d_tx_mutex);
        for (int k = 0; k < d_nl; k++)
            if (v[k] != d_voltages[k])
                apply_voltage(k, v[k]);
    } else if (key == "noise_scale") {
        const double x = parse_double(key, value, 0, 1e6, "must be >= 0");
        std::lock_guard<std::mutex> lock(d_tx_mutex);
        d_medium->set_noise_scale(x);
        d_args.noise_scale = x;
    } else if (key == "tx_end") {
        const uint64_t x = static_cast<uint64_t>(
            parse_int(key, value, 0, INT64_MAX, "must be a medium sample index >= 0"));
        std::lock_guard<std::mutex> lock(d_tx_mutex);
        d_tx_end = x;
        if (x > 0 && d_n >= x)
            set_dark(true);
    } else if (key == "overflow_every" || key == "overflow_drop") {
        const uint64_t x = static_cast<uint64_t>(parse_int(key,
                                                           value,
                                                           key == "overflow_drop" ? 1 : 0,
                                                           INT64_MAX,
                                                           "must be a sample count"));
        std::lock_guard<std::mutex> lock(d_rx_mutex);
        const uint64_t every = key == "overflow_every" ? x : d_args.overflow_every;
        const uint64_t drop = key == "overflow_drop" ? x : d_args.overflow_drop;
        if (every > 0 && drop >= every)
            bad("overflow_drop",
                std::to_string(drop),
                "must be less than overflow_every (" + std::to_string(every) + ")");
        d_args.overflow_every = every;
        d_args.overflow_drop = drop;
    } else {
        bad("setting " + key,
            value,
            "unknown (settings: record_layer, voltages, noise_scale, tx_end, "
            "overflow_every, "
            "overflow_drop)");
    }
}

std::string ecdisc_device::readSetting(const std::string& key) const
{
    if (key == "record_layer") {
        std::lock_guard<std::mutex> lock(d_tx_mutex);
        return std::to_string(d_record_layer);
    }
    if (key == "voltages") {
        std::lock_guard<std::mutex> lock(d_tx_mutex);
        return join(d_voltages);
    }
    if (key == "noise_scale") {
        std::lock_guard<std::mutex> lock(d_tx_mutex);
        return num(d_args.noise_scale);
    }
    if (key == "overflow_every" || key == "overflow_drop" ||
        key == "overflows_injected") {
        std::lock_guard<std::mutex> lock(d_rx_mutex);
        if (key == "overflow_every")
            return std::to_string(d_args.overflow_every);
        if (key == "overflow_drop")
            return std::to_string(d_args.overflow_drop);
        return std::to_string(d_injected);
    }
    if (key == "tx_end") {
        std::lock_guard<std::mutex> lock(d_tx_mutex);
        return std::to_string(d_tx_end);
    }
    if (key == "samples") {
        std::lock_guard<std::mutex> lock(d_tx_mutex);
        return std::to_string(d_n);
    }
    bad("setting " + key,
        "?",
        "unknown (settings: record_layer, voltages, noise_scale, tx_end, overflow_every, "
        "overflow_drop; read-only: overflows_injected, samples)");
}

SoapySDR::KwargsList find_ecdisc(const Kwargs& args)
{
    // Only an explicit driver=ecdisc finds the simulator, so that a client
    // asking for "any device" never opens it by accident.
    const auto it = args.find("driver");
    if (it == args.end() || it->second != k_driver)
        return {};
    // The result carries every argument: SoapySDR's factory hands out an
    // already open device whose enumeration result equals this one, so two
    // configurations must never enumerate alike (identical ones do share).
    Kwargs dev = args;
    if (dev.count("label") == 0)
        dev["label"] = "ecdisc medium simulator";
    return { dev };
}

SoapySDR::Device* make_ecdisc(const Kwargs& args) { return new ecdisc_device(args); }

const SoapySDR::Registry
    k_registry(k_driver, &find_ecdisc, &make_ecdisc, SOAPY_SDR_ABI_VERSION);

} // namespace
