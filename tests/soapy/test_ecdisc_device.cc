/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The SoapySDR device module driver=ecdisc, loaded the way any client loads
 * it: SoapySDR::Device::make("driver=ecdisc,...") with SOAPY_SDR_PLUGIN_PATH
 * pointing at the build folder of the module (set by CTest). Every stream is
 * compared sample for sample with the medium kernel run here directly with
 * the same arguments and seed.
 */
#include "medium.h"
#include "medium_config.h"

#include <SoapySDR/Device.hpp>
#include <SoapySDR/Errors.hpp>
#include <SoapySDR/Formats.hpp>
#include <SoapySDR/Time.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <complex>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace {

using cf = std::complex<float>;

constexpr int k_sps = 4;
constexpr int k_track_bits = 1024;
constexpr size_t k_rev = size_t(k_sps) * k_track_bits; // samples per revolution
constexpr uint64_t k_seed = 7;

//! the device, unmade at the end of the test
struct device_deleter {
    void operator()(SoapySDR::Device* d) const { SoapySDR::Device::unmake(d); }
};
using device_ptr = std::unique_ptr<SoapySDR::Device, device_deleter>;

int num_layers() { return static_cast<int>(ecdisc::default_medium().layers.size()); }

//! per-layer voltages with v0 on layer 0 and 0 V elsewhere
std::vector<double> volts(double v0)
{
    std::vector<double> v(num_layers(), 0.0);
    v[0] = v0;
    return v;
}

/*! Device arguments, as a Kwargs: its values may hold ',' between list
 *  items (a "k=v,k=v" string cannot, and takes ':' instead: see
 *  StringArgumentsCarryListsWithColons). */
SoapySDR::Kwargs args(const std::string& instance, const std::vector<double>& v)
{
    SoapySDR::Kwargs a;
    a["driver"] = "ecdisc";
    a["instance"] = instance;
    a["sps"] = std::to_string(k_sps);
    a["track_bits"] = std::to_string(k_track_bits);
    a["focus"] = "1,0";
    std::string vs;
    for (size_t k = 0; k < v.size(); k++)
        vs += (k ? "," : "") + std::to_string(v[k]);
    a["voltages"] = vs;
    a["seed"] = std::to_string(k_seed);
    return a;
}

device_ptr open(const SoapySDR::Kwargs& a)
{
    return device_ptr(SoapySDR::Device::make(a));
}

//! the kernel with the same arguments as args()
ecdisc::medium kernel(const std::vector<double>& v)
{
    return ecdisc::medium(
        ecdisc::load_medium(""), k_sps, k_track_bits, { 1, 0 }, v, k_seed);
}

//! runs the kernel over power[b][i] (n samples), returns signal[b][i]
std::vector<std::vector<float>> run_kernel(ecdisc::medium& m,
                                           const std::vector<std::vector<float>>& power,
                                           size_t first,
                                           size_t n)
{
    std::vector<std::vector<float>> sig(power.size(), std::vector<float>(n));
    std::vector<const float*> p;
    std::vector<float*> q;
    for (size_t b = 0; b < power.size(); b++) {
        p.push_back(power[b].data() + first);
        q.push_back(sig[b].data());
    }
    m.process(p.data(), q.data(), n);
    return sig;
}

/*! Write-then-read powers over two revolutions: beam 0 assists at 3 mW
 *  during the first, beam 1 records a mark [a, b) at 6 mW (0.5 mW
 *  elsewhere) during the first and reads at 0.5 mW during the second. */
std::vector<std::vector<float>> write_then_read_powers(size_t a, size_t b)
{
    std::vector<std::vector<float>> p(2, std::vector<float>(2 * k_rev));
    for (size_t i = 0; i < 2 * k_rev; i++) {
        p[0][i] = i < k_rev ? 3.0f : 0.0f;
        p[1][i] = (i >= a && i < b) ? 6.0f : 0.5f;
    }
    return p;
}

//! writes power[b][first .. first+n) on a TX stream of channels 0..B-1 (+V)
int write(SoapySDR::Device& dev,
          SoapySDR::Stream* tx,
          const std::vector<std::vector<cf>>& buf,
          size_t first,
          size_t n,
          int flags = 0,
          long long time_ns = 0)
{
    std::vector<const void*> ptrs;
    for (const auto& c : buf)
        ptrs.push_back(c.data() + first);
    return dev.writeStream(tx, ptrs.data(), n, flags, time_ns, 100000);
}

std::vector<std::vector<cf>> to_complex(const std::vector<std::vector<float>>& p)
{
    std::vector<std::vector<cf>> c;
    for (const auto& v : p) {
        c.emplace_back(v.size());
        for (size_t i = 0; i < v.size(); i++)
            c.back()[i] = cf(v[i], 0.25f); // Q is ignored by the device
    }
    return c;
}

//! one readStream result
struct read_result {
    int ret;
    int flags;
    long long time_ns;
    std::vector<std::vector<cf>> data;
};

read_result read(SoapySDR::Device& dev,
                 SoapySDR::Stream* rx,
                 size_t nch,
                 size_t n,
                 long timeout_us = 100000)
{
    read_result r;
    r.data.assign(nch, std::vector<cf>(n));
    std::vector<void*> ptrs;
    for (auto& c : r.data)
        ptrs.push_back(c.data());
    r.flags = 0;
    r.time_ns = -1;
    r.ret = dev.readStream(rx, ptrs.data(), n, r.flags, r.time_ns, timeout_us);
    for (auto& c : r.data)
        c.resize(std::max(r.ret, 0));
    return r;
}

//! reads until n samples per channel have arrived (no overflow expected)
std::vector<std::vector<float>>
read_n(SoapySDR::Device& dev, SoapySDR::Stream* rx, size_t nch, size_t n)
{
    std::vector<std::vector<float>> out(nch);
    while (out[0].size() < n) {
        auto r = read(dev, rx, nch, n - out[0].size());
        EXPECT_GT(r.ret, 0) << SoapySDR::errToStr(r.ret);
        if (r.ret <= 0)
            break;
        for (size_t c = 0; c < nch; c++)
            for (const auto& x : r.data[c]) {
                out[c].push_back(x.real());
                EXPECT_EQ(x.imag(), 0.0f);
            }
    }
    return out;
}

std::string error_of(const std::function<void()>& f)
{
    try {
        f();
    } catch (const std::exception& e) {
        return e.what();
    }
    return "no exception";
}

} // namespace

TEST(EcdiscDevice, RateAndChannelsComeFromTheMedium)
{
    auto dev = open(args("rate", volts(1.5)));
    const auto cfg = ecdisc::load_medium("");
    const double fs = k_sps * cfg.format.velocity_m_s / cfg.format.channel_bit_m;
    EXPECT_EQ(dev->getDriverKey(), "ecdisc");
    EXPECT_NEAR(dev->getSampleRate(SOAPY_SDR_RX, 0), fs, 1e-6 * fs);
    EXPECT_NEAR(dev->getMasterClockRate(), fs, 1e-6 * fs);
    EXPECT_EQ(dev->getNumChannels(SOAPY_SDR_RX), 2u);
    EXPECT_EQ(dev->getNumChannels(SOAPY_SDR_TX), 3u); // two beams and the voltage
    dev->setSampleRate(SOAPY_SDR_TX, 1, fs);          // its own rate is accepted
    const std::string e = error_of([&] { dev->setSampleRate(SOAPY_SDR_RX, 0, 1e6); });
    EXPECT_NE(e.find("sample rate = 1000000"), std::string::npos) << e;
    EXPECT_EQ(dev->readSetting("record_layer"), "0"); // the layer under voltage
}

TEST(EcdiscDevice, StreamsMatchTheKernelSampleForSample)
{
    const auto v = volts(1.5);
    auto dev = open(args("match", v));
    const auto power = write_then_read_powers(1000, 1800);
    const auto tx_buf = to_complex(power);
    auto* tx = dev->setupStream(SOAPY_SDR_TX, SOAPY_SDR_CF32, { 0, 1 });
    auto* rx = dev->setupStream(SOAPY_SDR_RX, SOAPY_SDR_CF32, { 0, 1 });
    ASSERT_EQ(dev->activateStream(tx), 0);
    ASSERT_EQ(dev->activateStream(rx), 0);

    // RX ahead of TX waits and times out
    auto none = read(*dev, rx, 2, 16, 2000);
    EXPECT_EQ(none.ret, SOAPY_SDR_TIMEOUT);

    // TX in uneven pieces, RX read in between and after
    std::vector<std::vector<float>> got(2);
    const size_t pieces[] = { 1, 999, 3000, 100, 1, 2 * k_rev - 4101 };
    size_t at = 0;
    for (size_t n : pieces) {
        ASSERT_EQ(write(*dev, tx, tx_buf, at, n), static_cast<int>(n));
        at += n;
        const auto part = read_n(*dev, rx, 2, n);
        for (int b = 0; b < 2; b++)
            got[b].insert(got[b].end(), part[b].begin(), part[b].end());
    }
    ASSERT_EQ(at, 2 * k_rev);
    EXPECT_EQ(read(*dev, rx, 2, 16, 2000).ret, SOAPY_SDR_TIMEOUT);

    auto m = kernel(v);
    const auto want = run_kernel(m, power, 0, 2 * k_rev);
    for (int b = 0; b < 2; b++) {
        ASSERT_EQ(got[b].size(), want[b].size());
        for (size_t i = 0; i < want[b].size(); i++)
            ASSERT_EQ(got[b][i], want[b][i]) << "beam " << b << " sample " << i;
    }
    // and the read revolution shows the recorded mark
    double mark = 0, space = 0;
    for (size_t i = 1300; i < 1500; i++) {
        mark += got[1][k_rev + i];
        space += got[1][k_rev + i + 1500];
    }
    EXPECT_LT(mark / space, 0.9);
    dev->closeStream(tx);
    dev->closeStream(rx);
}

TEST(EcdiscDevice, VoltageChannelSwitchesAtItsSample)
{
    auto dev = open(args("voltage", volts(0.0)));
    dev->writeSetting("record_layer", "0");
    std::vector<std::vector<float>> power(3, std::vector<float>(k_rev));
    for (size_t i = 0; i < k_rev; i++) {
        power[0][i] = 3.0f;
        power[1][i] = 6.0f;
        power[2][i] = i < 1500 ? 0.0f : 1.5f; // volts on layer 0
    }
    auto* tx = dev->setupStream(SOAPY_SDR_TX, SOAPY_SDR_CF32, { 0, 1, 2 });
    auto* rx = dev->setupStream(SOAPY_SDR_RX, SOAPY_SDR_CF32, { 1 });
    dev->activateStream(tx);
    dev->activateStream(rx);
    ASSERT_EQ(write(*dev, tx, to_complex(power), 0, k_rev), static_cast<int>(k_rev));
    const auto got = read_n(*dev, rx, 1, k_rev);

    auto m = kernel(volts(0.0));
    std::vector<std::vector<float>> beams(power.begin(), power.begin() + 2);
    auto a = run_kernel(m, beams, 0, 1500);
    m.set_layer_voltage(0, 1.5);
    auto b = run_kernel(m, beams, 1500, k_rev - 1500);
    a[1].insert(a[1].end(), b[1].begin(), b[1].end());
    for (size_t i = 0; i < k_rev; i++)
        ASSERT_EQ(got[0][i], a[1][i]) << "sample " << i;
    // the voltage was kept: the setting reports it
    EXPECT_EQ(dev->readSetting("voltages").substr(0, 3), "1.5");
    dev->closeStream(tx);
    dev->closeStream(rx);
}

TEST(EcdiscDevice, TimedTxStartAndRxTime)
{
    const auto v = volts(1.5);
    auto dev = open(args("timed", v));
    const double fs = dev->getSampleRate(SOAPY_SDR_TX, 0);
    ASSERT_TRUE(dev->hasHardwareTime(""));
    const long long t0 = 1000000000LL; // 1 s
    dev->setHardwareTime(t0, "");
    EXPECT_EQ(dev->getHardwareTime(""), t0);

    const size_t lead = 500, n = 3000;
    const long long t_tx = t0 + SoapySDR::ticksToTimeNs(lead, fs);
    const auto power = write_then_read_powers(100, 900);
    std::vector<std::vector<float>> padded(2, std::vector<float>(lead + n, 0.0f));
    for (int b = 0; b < 2; b++)
        std::copy_n(power[b].begin(), n, padded[b].begin() + lead);

    auto* tx = dev->setupStream(SOAPY_SDR_TX, SOAPY_SDR_CF32, { 0, 1 });
    auto* rx = dev->setupStream(SOAPY_SDR_RX, SOAPY_SDR_CF32, { 0, 1 });
    dev->activateStream(tx);
    // RX starts at the TX burst's time: the dark lead-in is not delivered
    dev->activateStream(rx, SOAPY_SDR_HAS_TIME, t_tx);
    std::vector<std::vector<cf>> buf = to_complex(power);
    ASSERT_EQ(write(*dev, tx, buf, 0, n, SOAPY_SDR_HAS_TIME, t_tx), static_cast<int>(n));
    EXPECT_EQ(dev->getHardwareTime(""), t0 + SoapySDR::ticksToTimeNs(lead + n, fs));

    auto first = read(*dev, rx, 2, 1000);
    ASSERT_GT(first.ret, 0);
    EXPECT_TRUE(first.flags & SOAPY_SDR_HAS_TIME);
    EXPECT_EQ(first.time_ns, t_tx);
    // the following read carries the time of its own first sample
    auto second = read(*dev, rx, 2, 1000);
    ASSERT_GT(second.ret, 0);
    EXPECT_EQ(second.time_ns, t0 + SoapySDR::ticksToTimeNs(lead + first.ret, fs));

    // the medium ran dark for the lead-in, then the burst: as the kernel does
    auto m = kernel(v);
    const auto want = run_kernel(m, padded, 0, lead + n);
    for (int b = 0; b < 2; b++) {
        for (int i = 0; i < first.ret; i++)
            ASSERT_EQ(first.data[b][i].real(), want[b][lead + i]);
        for (int i = 0; i < second.ret; i++)
            ASSERT_EQ(second.data[b][i].real(), want[b][lead + first.ret + i]);
    }

    // a burst for a time already past is refused
    int flags = SOAPY_SDR_HAS_TIME;
    const void* ptrs[2] = { buf[0].data(), buf[1].data() };
    EXPECT_EQ(dev->writeStream(tx, ptrs, 10, flags, t_tx, 100000), SOAPY_SDR_TIME_ERROR);
    dev->closeStream(tx);
    dev->closeStream(rx);
}

TEST(EcdiscDevice, InjectedOverflowsDropTheirSamples)
{
    const auto v = volts(1.5);
    auto a = args("overflow", v);
    a["overflow_every"] = "1000";
    a["overflow_drop"] = "100";
    auto dev = open(a);
    const double fs = dev->getSampleRate(SOAPY_SDR_RX, 0);
    const auto power = write_then_read_powers(1000, 1800);
    auto buf = to_complex(power);
    auto* tx = dev->setupStream(SOAPY_SDR_TX, SOAPY_SDR_CF32, { 0, 1 });
    auto* rx = dev->setupStream(SOAPY_SDR_RX, SOAPY_SDR_CF32, { 1 });
    dev->activateStream(tx);
    dev->activateStream(rx);
    ASSERT_EQ(write(*dev, tx, buf, 0, 5000), 5000);

    auto m = kernel(v);
    const auto want = run_kernel(m, power, 0, 5001);
    // samples k with k mod 1000 >= 900 are lost; each gap is reported once,
    // when the reader reaches it and data follows
    int overflows = 0;
    uint64_t expect = 0; // next sample index expected
    size_t received = 0;
    for (;;) {
        auto r = read(*dev, rx, 1, 4096, 2000);
        if (r.ret == SOAPY_SDR_TIMEOUT)
            break;
        if (r.ret == SOAPY_SDR_OVERFLOW) {
            overflows++;
            // the next read resumes after a gap of exactly 100 samples
            auto after = read(*dev, rx, 1, 4096, 2000);
            ASSERT_GT(after.ret, 0);
            const long long idx = SoapySDR::timeNsToTicks(after.time_ns, fs);
            EXPECT_EQ(idx - static_cast<long long>(expect), 100);
            EXPECT_EQ(idx % 1000, 0);
            expect = idx;
            r = after;
        }
        ASSERT_GT(r.ret, 0) << SoapySDR::errToStr(r.ret);
        EXPECT_EQ(SoapySDR::timeNsToTicks(r.time_ns, fs), static_cast<long long>(expect));
        for (int i = 0; i < r.ret; i++) {
            EXPECT_LT((expect + i) % 1000, 900u);
            ASSERT_EQ(r.data[0][i].real(), want[1][expect + i]);
        }
        expect += r.ret;
        received += r.ret;
    }
    EXPECT_EQ(overflows, 4); // the fifth gap (4900..4999) has no data after it yet
    EXPECT_EQ(received, 4500u);
    ASSERT_EQ(write(*dev, tx, buf, 5000, 1), 1);
    EXPECT_EQ(read(*dev, rx, 1, 16).ret, SOAPY_SDR_OVERFLOW);
    auto last = read(*dev, rx, 1, 16);
    ASSERT_EQ(last.ret, 1);
    EXPECT_EQ(last.data[0][0].real(), want[1][5000]);
    EXPECT_EQ(dev->readSetting("overflows_injected"), "5");
    dev->closeStream(tx);
    dev->closeStream(rx);
}

TEST(EcdiscDevice, RxWithoutTxTimesOut)
{
    auto dev = open(args("idle", volts(0.0)));
    auto* rx = dev->setupStream(SOAPY_SDR_RX, SOAPY_SDR_CF32, { 0 });
    dev->activateStream(rx);
    EXPECT_EQ(read(*dev, rx, 1, 64, 1000).ret, SOAPY_SDR_TIMEOUT);
    dev->closeStream(rx);
}

TEST(EcdiscDevice, BadArgumentsNameTheKey)
{
    auto make = [](SoapySDR::Kwargs a) {
        return [a] { SoapySDR::Device::unmake(SoapySDR::Device::make(a)); };
    };
    auto a = args("bad1", volts(0.0));
    a["sps"] = "0";
    std::string e = error_of(make(a));
    EXPECT_NE(e.find("sps = 0"), std::string::npos) << e;

    a = args("bad2", volts(0.0));
    a["bogus"] = "1";
    e = error_of(make(a));
    EXPECT_NE(e.find("unknown device argument bogus = 1"), std::string::npos) << e;

    a = args("bad3", volts(0.0));
    a["medium"] = "/nonexistent/stack.yml";
    e = error_of(make(a));
    EXPECT_NE(e.find("medium = \"/nonexistent/stack.yml\""), std::string::npos) << e;

    a = args("bad4", volts(0.0));
    a["voltages"] = "1.5";
    e = error_of(make(a));
    EXPECT_NE(e.find("voltages = 1.5"), std::string::npos) << e;

    a = args("bad5", volts(0.0));
    a["overflow_every"] = "100";
    a["overflow_drop"] = "100";
    e = error_of(make(a));
    EXPECT_NE(e.find("overflow_drop = 100"), std::string::npos) << e;

    auto dev = open(args("bad6", volts(0.0)));
    e = error_of([&] { dev->writeSetting("record_layer", "99"); });
    EXPECT_NE(e.find("record_layer = 99"), std::string::npos) << e;
    e = error_of([&] { dev->setupStream(SOAPY_SDR_RX, SOAPY_SDR_CS16, { 0 }); });
    EXPECT_NE(e.find("CF32"), std::string::npos) << e;
    e = error_of([&] { dev->setupStream(SOAPY_SDR_RX, SOAPY_SDR_CF32, { 2 }); });
    EXPECT_NE(e.find("RX channel = 2"), std::string::npos) << e;
}

TEST(EcdiscDevice, StringArgumentsCarryListsWithColons)
{
    std::string v = "1.5";
    std::string expect = "1.5";
    for (int k = 1; k < num_layers(); k++) {
        v += ":0";
        expect += ":0";
    }
    auto dev = device_ptr(SoapySDR::Device::make(
        "driver=ecdisc,instance=strings,sps=2,track_bits=256,focus=0,voltages=" + v));
    EXPECT_EQ(dev->getNumChannels(SOAPY_SDR_RX), 1u); // one beam
    EXPECT_EQ(dev->readSetting("voltages"), expect);
    const auto cfg = ecdisc::load_medium("");
    const double fs = 2 * cfg.format.velocity_m_s / cfg.format.channel_bit_m;
    EXPECT_NEAR(dev->getSampleRate(SOAPY_SDR_RX, 0), fs, 1e-6 * fs);
    const std::string e = error_of([] {
        SoapySDR::Device::unmake(
            SoapySDR::Device::make("driver=ecdisc,instance=strings2,focus=1::0"));
    });
    EXPECT_NE(e.find("focus = "), std::string::npos) << e;
}

TEST(EcdiscDevice, IdenticalArgumentsShareOneDevice)
{
    // gr-soapy's sink and source each make a device: with identical
    // arguments they must meet the same simulation, with others not
    const auto a = args("share", volts(0.0));
    auto b = a;
    b["instance"] = "share2";
    auto d1 = open(a);
    auto d2 = open(a);
    auto d3 = open(b);
    EXPECT_EQ(d1.get(), d2.get());
    EXPECT_NE(d1.get(), d3.get());
    // one TX and one RX stream per device
    auto* tx = d1->setupStream(SOAPY_SDR_TX, SOAPY_SDR_CF32, { 0 });
    const std::string e =
        error_of([&] { d2->setupStream(SOAPY_SDR_TX, SOAPY_SDR_CF32, { 1 }); });
    EXPECT_NE(e.find("TX stream is already set up"), std::string::npos) << e;
    d1->closeStream(tx);
}

TEST(EcdiscDevice, AfterEndOfBurstRxRunsTheMediumDark)
{
    const auto v = volts(1.5);
    auto dev = open(args("dark", v));
    const double fs = dev->getSampleRate(SOAPY_SDR_RX, 0);
    const auto power = write_then_read_powers(100, 900);
    const auto buf = to_complex(power);
    auto* tx = dev->setupStream(SOAPY_SDR_TX, SOAPY_SDR_CF32, { 0, 1 });
    auto* rx = dev->setupStream(SOAPY_SDR_RX, SOAPY_SDR_CF32, { 0, 1 });
    dev->activateStream(tx);
    dev->activateStream(rx);
    // an open burst: RX waits for TX at its end
    ASSERT_EQ(write(*dev, tx, buf, 0, 1000), 1000);
    auto got = read_n(*dev, rx, 2, 1000);
    EXPECT_EQ(read(*dev, rx, 2, 16, 1000).ret, SOAPY_SDR_TIMEOUT);
    // the burst ends: RX goes on, the medium turning with the lasers off
    ASSERT_EQ(write(*dev, tx, buf, 1000, 1000, SOAPY_SDR_END_BURST), 1000);
    const auto more = read_n(*dev, rx, 2, 1500);
    EXPECT_EQ(dev->getHardwareTime(""), SoapySDR::ticksToTimeNs(2500, fs));
    // a new burst continues where the dark run stopped
    ASSERT_EQ(write(*dev, tx, buf, 2000, 500), 500);
    const auto last = read_n(*dev, rx, 2, 500);

    std::vector<std::vector<float>> p(2, std::vector<float>(3000, 0.0f));
    for (int b = 0; b < 2; b++) {
        std::copy_n(power[b].begin(), 2000, p[b].begin());
        std::copy_n(power[b].begin() + 2000, 500, p[b].begin() + 2500);
    }
    auto m = kernel(v);
    const auto want = run_kernel(m, p, 0, 3000);
    for (int b = 0; b < 2; b++) {
        got[b].insert(got[b].end(), more[b].begin(), more[b].end());
        got[b].insert(got[b].end(), last[b].begin(), last[b].end());
        ASSERT_EQ(got[b].size(), 3000u);
        for (size_t i = 0; i < 3000; i++)
            ASSERT_EQ(got[b][i], want[b][i]) << "beam " << b << " sample " << i;
    }
    dev->closeStream(tx);
    dev->closeStream(rx);
}

TEST(EcdiscDevice, ConcurrentWriterAndReaderKeepEverySample)
{
    // gr-soapy writes and reads from two threads: every RX sample must be the
    // kernel's, whatever the interleaving and the piece sizes
    const auto v = volts(1.5);
    auto dev = open(args("threads", v));
    const size_t n = 2 * k_rev;
    const auto power = write_then_read_powers(1000, 1800);
    const auto buf = to_complex(power);
    auto* tx = dev->setupStream(SOAPY_SDR_TX, SOAPY_SDR_CF32, { 0, 1 });
    auto* rx = dev->setupStream(SOAPY_SDR_RX, SOAPY_SDR_CF32, { 0, 1 });
    dev->activateStream(tx);
    dev->activateStream(rx);
    std::thread writer([&] {
        uint32_t state = 12345;
        for (size_t at = 0; at < n;) {
            state = state * 1664525u + 1013904223u;
            const size_t m = std::min<size_t>(n - at, 1 + (state >> 8) % 700);
            EXPECT_EQ(write(*dev, tx, buf, at, m, at + m == n ? SOAPY_SDR_END_BURST : 0),
                      static_cast<int>(m));
            at += m;
        }
    });
    std::vector<std::vector<float>> got(2);
    uint32_t state = 777;
    while (got[0].size() < n) {
        state = state * 1664525u + 1013904223u;
        const size_t m = std::min<size_t>(n - got[0].size(), 1 + (state >> 8) % 900);
        auto r = read(*dev, rx, 2, m);
        ASSERT_GT(r.ret, 0) << SoapySDR::errToStr(r.ret);
        for (int b = 0; b < 2; b++)
            for (const auto& x : r.data[b])
                got[b].push_back(x.real());
    }
    writer.join();
    auto m = kernel(v);
    const auto want = run_kernel(m, power, 0, n);
    for (int b = 0; b < 2; b++)
        for (size_t i = 0; i < n; i++)
            ASSERT_EQ(got[b][i], want[b][i]) << "beam " << b << " sample " << i;
    dev->closeStream(tx);
    dev->closeStream(rx);
}

TEST(EcdiscDevice, TxEndArgumentEndsTheBurst)
{
    // for clients that cannot send END_BURST: the data ends at tx_end
    const auto v = volts(1.5);
    auto a = args("tx_end", v);
    a["tx_end"] = "1000";
    auto dev = open(a);
    EXPECT_EQ(dev->readSetting("tx_end"), "1000");
    const auto power = write_then_read_powers(100, 900);
    auto* tx = dev->setupStream(SOAPY_SDR_TX, SOAPY_SDR_CF32, { 0, 1 });
    auto* rx = dev->setupStream(SOAPY_SDR_RX, SOAPY_SDR_CF32, { 1 });
    dev->activateStream(tx);
    dev->activateStream(rx);
    ASSERT_EQ(write(*dev, tx, to_complex(power), 0, 600), 600);
    auto got = read_n(*dev, rx, 1, 600);
    EXPECT_EQ(read(*dev, rx, 1, 16, 1000).ret, SOAPY_SDR_TIMEOUT); // still open
    ASSERT_EQ(write(*dev, tx, to_complex(power), 600, 400), 400);
    const auto more = read_n(*dev, rx, 1, 700); // 400 of data, 300 dark
    got[0].insert(got[0].end(), more[0].begin(), more[0].end());

    std::vector<std::vector<float>> p(2, std::vector<float>(1300, 0.0f));
    for (int b = 0; b < 2; b++)
        std::copy_n(power[b].begin(), 1000, p[b].begin());
    auto m = kernel(v);
    const auto want = run_kernel(m, p, 0, 1300);
    ASSERT_EQ(got[0].size(), 1300u);
    for (size_t i = 0; i < 1300; i++)
        ASSERT_EQ(got[0][i], want[1][i]) << "sample " << i;
    dev->closeStream(tx);
    dev->closeStream(rx);
}

// tracks=0:2 on a band medium puts beam 1 two tracks beside beam 0, as the
// kernel's set_track_offset does: the device's samples equal the kernel's.
// A one-track medium refuses it, naming the key.
TEST(EcdiscDevice, TracksArgumentMovesABeamAcrossTheBand)
{
    const std::string band = std::string(ECDISC_SOURCE_DIR) + "/media/guide_band_example.yml";
    const auto cfg = ecdisc::load_medium(band);
    const int nl = static_cast<int>(cfg.layers.size());
    std::vector<double> v(nl, 0.0);
    v[1] = 1.5;
    auto a = args("tracks", v);
    a["medium"] = band;
    a["focus"] = "0,1";
    a["tracks"] = "0,2";
    auto dev = open(a);
    const auto power = write_then_read_powers(1000, 1800);
    const auto tx_buf = to_complex(power);
    auto* tx = dev->setupStream(SOAPY_SDR_TX, SOAPY_SDR_CF32, { 0, 1 });
    auto* rx = dev->setupStream(SOAPY_SDR_RX, SOAPY_SDR_CF32, { 0, 1 });
    ASSERT_EQ(dev->activateStream(tx), 0);
    ASSERT_EQ(dev->activateStream(rx), 0);
    ASSERT_EQ(write(*dev, tx, tx_buf, 0, 2 * k_rev), static_cast<int>(2 * k_rev));
    const auto got = read_n(*dev, rx, 2, 2 * k_rev);
    dev->closeStream(tx);
    dev->closeStream(rx);

    ecdisc::medium m(cfg, k_sps, k_track_bits, { 0, 1 }, v, k_seed);
    m.set_track_offset(1, 2);
    const auto want = run_kernel(m, power, 0, 2 * k_rev);
    for (int b = 0; b < 2; b++)
        for (size_t i = 0; i < want[b].size(); i++)
            ASSERT_EQ(got[b][i], want[b][i]) << "beam " << b << " sample " << i;
    // the mark went onto track 2 (rows 8..11), not track 0
    EXPECT_GT(m.state_at(1, 9, 1400), 0.5);
    EXPECT_LT(m.state_at(1, 1, 1400), 0.05);

    auto one = args("tracks1", volts(0.0));
    one["tracks"] = "0,1";
    const std::string e = error_of([&] { SoapySDR::Device::unmake(SoapySDR::Device::make(one)); });
    EXPECT_NE(e.find("track_offset = 1"), std::string::npos) << e;
    auto wrong = args("tracks2", volts(0.0));
    wrong["tracks"] = "0";
    const std::string e2 =
        error_of([&] { SoapySDR::Device::unmake(SoapySDR::Device::make(wrong)); });
    EXPECT_NE(e2.find("tracks = 0"), std::string::npos) << e2;
}
