/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Disc images of the medium simulator: save and load.
 *
 * Layout (little-endian):
 *   "ECDISCIM" | u32 version (2) | u32 name length | name bytes
 *   | i32 sps | i64 cells per row (along the track)
 *   | i32 band tracks | i32 radial samples (version 2 only; 1, 1 in version 1)
 *   | i32 layers | u64 revolution
 *   | i64 track position | f64 voltage per layer
 *   | f64 colour state per cell, layer by layer, row by row
 *   | u32 CRC-32 of all before it
 * Version 1 images (one track, no rows) still load into a medium of one row.
 */
#include "crc32.h"
#include "medium.h"
#include <fcntl.h>
#include <unistd.h>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace ecdisc {

namespace {

constexpr char k_magic[8] = { 'E', 'C', 'D', 'I', 'S', 'C', 'I', 'M' };
constexpr uint32_t k_version = 2;

[[noreturn]] void refuse(const std::string& path, const std::string& why)
{
    throw std::invalid_argument("image_file = " + path + ": " + why);
}

class writer
{
public:
    template <typename T>
    void put(T v)
    {
        const auto* p = reinterpret_cast<const char*>(&v);
        d_buf.insert(d_buf.end(), p, p + sizeof(T));
    }
    void put_bytes(const void* p, size_t n)
    {
        const auto* c = static_cast<const char*>(p);
        d_buf.insert(d_buf.end(), c, c + n);
    }
    std::vector<char>& bytes() { return d_buf; }

private:
    std::vector<char> d_buf;
};

class reader
{
public:
    reader(const std::vector<char>& buf, size_t end, const std::string& path)
        : d_buf(buf), d_end(end), d_path(path)
    {
    }
    template <typename T>
    T get()
    {
        T v;
        get_bytes(&v, sizeof(T));
        return v;
    }
    void get_bytes(void* p, size_t n)
    {
        if (n > d_end - d_pos)
            refuse(d_path, "truncated (" + std::to_string(d_end) + " bytes of data)");
        std::memcpy(p, d_buf.data() + d_pos, n);
        d_pos += n;
    }
    size_t left() const { return d_end - d_pos; }

private:
    const std::vector<char>& d_buf;
    size_t d_end;
    size_t d_pos = 0;
    const std::string& d_path;
};

void write_atomically(const std::string& path, const std::vector<char>& data)
{
    const std::string tmp = path + ".tmp." + std::to_string(::getpid());
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        refuse(path, std::string("cannot write ") + tmp + ": " + std::strerror(errno));
    size_t done = 0;
    while (done < data.size()) {
        const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            const int e = errno;
            ::close(fd);
            ::unlink(tmp.c_str());
            refuse(path, std::string("write failed: ") + std::strerror(e));
        }
        done += static_cast<size_t>(n);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
        const int e = errno;
        ::unlink(tmp.c_str());
        refuse(path, std::string("sync failed: ") + std::strerror(e));
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        const int e = errno;
        ::unlink(tmp.c_str());
        refuse(path, std::string("rename failed: ") + std::strerror(e));
    }
}

} // namespace

void medium::save_image(const std::string& path) const
{
    writer w;
    w.put_bytes(k_magic, sizeof k_magic);
    w.put<uint32_t>(k_version);
    w.put<uint32_t>(static_cast<uint32_t>(d_cfg.name.size()));
    w.put_bytes(d_cfg.name.data(), d_cfg.name.size());
    w.put<int32_t>(d_sps);
    w.put<int64_t>(d_L);
    w.put<int32_t>(band_tracks());
    w.put<int32_t>(radial_samples());
    w.put<int32_t>(num_layers());
    w.put<uint64_t>(d_rev);
    w.put<int64_t>(d_pos);
    for (const auto& l : d_layers)
        w.put<double>(l.volts);
    const double now = time_at(d_pos);
    for (const auto& l : d_layers)
        for (int64_t i = 0; i < d_L * d_rows; i++)
            w.put<double>(current(l, i, now));
    w.put<uint32_t>(
        crc32(reinterpret_cast<const uint8_t*>(w.bytes().data()), w.bytes().size()));
    write_atomically(path, w.bytes());
}

void medium::load_image(const std::string& path)
{
    std::ifstream f(path, std::ios::binary);
    if (!f)
        refuse(path, "cannot be opened");
    const std::vector<char> buf((std::istreambuf_iterator<char>(f)),
                                std::istreambuf_iterator<char>());
    if (buf.size() < sizeof k_magic + 4 ||
        std::memcmp(buf.data(), k_magic, sizeof k_magic) != 0)
        refuse(path, "not a gr-ecdisc disc image");
    uint32_t stored;
    std::memcpy(&stored, buf.data() + buf.size() - 4, 4);
    if (crc32(reinterpret_cast<const uint8_t*>(buf.data()), buf.size() - 4) != stored)
        refuse(path, "checksum mismatch: the image is truncated or corrupted");

    reader r(buf, buf.size() - 4, path);
    char magic[sizeof k_magic];
    r.get_bytes(magic, sizeof magic);
    const auto version = r.get<uint32_t>();
    if (version != 1 && version != k_version)
        refuse(path,
               "format version " + std::to_string(version) + ": this build reads 1.." +
                   std::to_string(k_version));
    const auto name_len = r.get<uint32_t>();
    if (name_len > r.left())
        refuse(path, "truncated (name)");
    std::string name(name_len, '\0');
    r.get_bytes(name.data(), name_len);
    const auto sps = r.get<int32_t>();
    const auto cells = r.get<int64_t>();
    int32_t tracks = 1, radial = 1;
    if (version >= 2) {
        tracks = r.get<int32_t>();
        radial = r.get<int32_t>();
    }
    const auto layers = r.get<int32_t>();
    if (name != d_cfg.name || sps != d_sps || cells != d_L || layers != num_layers() ||
        tracks != band_tracks() || radial != radial_samples()) {
        std::ostringstream s;
        s << "made for medium " << name << " (" << layers << " layers, sps " << sps
          << ", " << cells << " cells, " << tracks << " x " << radial
          << " rows), this one is " << d_cfg.name << " (" << num_layers()
          << " layers, sps " << d_sps << ", " << d_L << " cells, " << band_tracks()
          << " x " << radial_samples() << " rows)";
        refuse(path, s.str());
    }
    const auto rev = r.get<uint64_t>();
    const auto pos = r.get<int64_t>();
    if (pos < 0 || pos >= d_L)
        refuse(path, "track position " + std::to_string(pos) + " outside the track");
    std::vector<double> volts(layers);
    for (auto& v : volts) {
        v = r.get<double>();
        if (!(std::fabs(v) <= 10.0))
            refuse(path, "a layer voltage outside [-10, 10] V");
    }
    const size_t per_layer = static_cast<size_t>(d_L) * static_cast<size_t>(d_rows);
    if (r.left() != static_cast<size_t>(layers) * per_layer * 8)
        refuse(path,
               "wrong size for " + std::to_string(layers) + " layers of " +
                   std::to_string(per_layer) + " cells");
    std::vector<double> states(static_cast<size_t>(layers) * per_layer);
    for (auto& c : states) {
        c = r.get<double>();
        if (!(c >= 0.0 && c <= 1.0))
            refuse(path, "a colour state outside [0, 1]");
    }

    // Everything checked: now change the medium.
    d_rev = rev;
    d_pos = pos;
    const double now = time_at(d_pos);
    for (int k = 0; k < layers; k++) {
        set_layer_voltage(k, volts[k]);
        auto& l = d_layers[k];
        std::copy(states.begin() + k * per_layer,
                  states.begin() + (k + 1) * per_layer,
                  l.c.begin());
        std::fill(l.t_last.begin(), l.t_last.end(), now);
        recompute_q(k);
    }
    refresh_windows();
}

} // namespace ecdisc
