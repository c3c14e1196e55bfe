/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Disc images of the medium simulator: save, load, refusal of bad files.
 */
#include "medium.h"
#include "medium_config.h"
#include "test_util.h"
#include <gtest/gtest.h>
#include <unistd.h>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <vector>

namespace fs = std::filesystem;

namespace {

constexpr int k_sps = 4;
constexpr int k_bits = 256;

ecdisc::medium make_medium(int track_bits = k_bits)
{
    return ecdisc::medium(
        ecdisc::default_medium(), k_sps, track_bits, { 1, 0 }, { 1.5, 0.0, 0.0, 0.0 }, 1);
}

//! Writes a few marks on layer 0 through the simulator itself, noiselessly.
void record_something(ecdisc::medium& m, size_t samples)
{
    m.set_noise_scale(0.0);
    std::vector<float> p0(samples, 3.0f), p1(samples), s0(samples), s1(samples);
    for (size_t i = 0; i < samples; i++)
        p1[i] = (i / 24) % 3 == 0 ? 6.0f : 0.5f;
    const float* in[2] = { p0.data(), p1.data() };
    float* out[2] = { s0.data(), s1.data() };
    m.process(in, out, samples);
}

std::vector<double> states(const ecdisc::medium& m)
{
    std::vector<double> v;
    for (int l = 0; l < m.num_layers(); l++)
        for (int64_t i = 0; i < m.cells(); i++)
            v.push_back(m.state(l, i));
    return v;
}

class MediumImage : public ::testing::Test
{
protected:
    void SetUp() override
    {
        dir = fs::temp_directory_path() /
              ("ecdisc-image-" +
               std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
               ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir);
        fs::create_directories(dir);
        path = (dir / "disc.img").string();
    }
    void TearDown() override { fs::remove_all(dir); }

    std::vector<char> bytes() const
    {
        std::ifstream f(path, std::ios::binary);
        return std::vector<char>((std::istreambuf_iterator<char>(f)),
                                 std::istreambuf_iterator<char>());
    }
    void write(const std::vector<char>& b) const
    {
        std::ofstream f(path, std::ios::binary | std::ios::trunc);
        f.write(b.data(), static_cast<std::streamsize>(b.size()));
    }

    fs::path dir;
    std::string path;
};

} // namespace

TEST_F(MediumImage, RoundTripIsBitExact)
{
    auto a = make_medium();
    record_something(a, 3 * k_bits * k_sps / 2); // one and a half revolutions
    a.save_image(path);

    auto b = make_medium();
    b.load_image(path);
    EXPECT_EQ(states(b), states(a));
    EXPECT_EQ(b.revolution(), a.revolution());
    EXPECT_EQ(b.position(), a.position());
    EXPECT_DOUBLE_EQ(b.time_s(), a.time_s());
    EXPECT_EQ(b.layer_voltage(0), 1.5);
    EXPECT_EQ(b.layer_voltage(1), 0.0);
    EXPECT_GT(b.mean_state(0), 0.05); // something was written
}

TEST_F(MediumImage, LoadedMediumContinuesLikeTheOriginal)
{
    auto a = make_medium();
    record_something(a, 1000);
    a.save_image(path);
    auto b = make_medium();
    b.load_image(path);
    const size_t n = 2 * k_bits * k_sps;
    std::vector<float> p0(n, 0.0f), p1(n, 0.5f), sa0(n), sa1(n), sb0(n), sb1(n);
    const float* in[2] = { p0.data(), p1.data() };
    float* oa[2] = { sa0.data(), sa1.data() };
    float* ob[2] = { sb0.data(), sb1.data() };
    a.set_noise_scale(0.0);
    b.set_noise_scale(0.0);
    a.process(in, oa, n);
    b.process(in, ob, n);
    EXPECT_EQ(sa1, sb1);
}

TEST_F(MediumImage, SavingAgainReplacesTheImageAndLeavesNoTemporaryFile)
{
    auto a = make_medium();
    a.save_image(path);
    record_something(a, 2000);
    a.save_image(path);
    auto b = make_medium();
    b.load_image(path);
    EXPECT_EQ(states(b), states(a));
    int files = 0;
    for (const auto& e : fs::directory_iterator(dir)) {
        (void)e;
        files++;
    }
    EXPECT_EQ(files, 1);
}

TEST_F(MediumImage, FailedSaveLeavesThePreviousImage)
{
    auto a = make_medium();
    a.save_image(path);
    const auto before = bytes();
    // The temporary file cannot be created where a directory of its name is.
    fs::create_directories(path + ".tmp." + std::to_string(::getpid()));
    record_something(a, 2000);
    const auto msg = ecdisc_test::invalid_argument_message([&] { a.save_image(path); });
    EXPECT_NE(msg.find("image_file = " + path), std::string::npos) << msg;
    EXPECT_EQ(bytes(), before);
}

TEST_F(MediumImage, CorruptedByteIsRefusedAndTheMediumUnchanged)
{
    auto a = make_medium();
    record_something(a, 1000);
    a.save_image(path);
    auto b = make_medium();
    const auto before = states(b);
    auto img = bytes();
    img[img.size() / 2] ^= 0x10;
    write(img);
    const auto msg = ecdisc_test::invalid_argument_message([&] { b.load_image(path); });
    EXPECT_NE(msg.find("checksum mismatch"), std::string::npos) << msg;
    EXPECT_EQ(states(b), before);
    EXPECT_EQ(b.revolution(), 0u);
}

TEST_F(MediumImage, TruncatedImageIsRefused)
{
    auto a = make_medium();
    a.save_image(path);
    auto img = bytes();
    img.resize(img.size() - 100);
    write(img);
    auto b = make_medium();
    const auto msg = ecdisc_test::invalid_argument_message([&] { b.load_image(path); });
    EXPECT_NE(msg.find("image_file = " + path), std::string::npos) << msg;
    EXPECT_NE(msg.find("truncated"), std::string::npos) << msg;
}

TEST_F(MediumImage, ImageOfAnotherGeometryIsRefused)
{
    auto a = make_medium(k_bits);
    a.save_image(path);
    auto b = make_medium(2 * k_bits);
    const auto msg = ecdisc_test::invalid_argument_message([&] { b.load_image(path); });
    EXPECT_NE(msg.find("made for medium ecdisc-default-4layer (4 layers"), std::string::npos)
        << msg;
}

TEST_F(MediumImage, OtherFilesAreRefused)
{
    write(std::vector<char>{ 'n', 'a', 'm', 'e', ':', ' ', 'x', '\n' });
    auto b = make_medium();
    EXPECT_NE(ecdisc_test::invalid_argument_message([&] {
                  b.load_image(path);
              }).find("not a gr-ecdisc disc image"),
              std::string::npos);
    EXPECT_NE(ecdisc_test::invalid_argument_message([&] {
                  b.load_image((dir / "missing.img").string());
              }).find("cannot be opened"),
              std::string::npos);
}

TEST(MediumLimits, TrackTooLargeForMemoryIsRefused)
{
    // 2^26 bits at sps 32 on 4 layers would need 128 GiB of cell state (on a
    // disc large enough for such a track).
    auto big = ecdisc::default_medium();
    big.format.radius_m = 1.0;
    const auto msg = ecdisc_test::invalid_argument_message([&] {
        ecdisc::medium(big, 32, int64_t(1) << 26, { 1, 0 }, {}, 1);
    });
    EXPECT_NE(msg.find("track_bits = 67108864"), std::string::npos) << msg;
    EXPECT_NE(msg.find("GiB"), std::string::npos) << msg;
}
