/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "servo_loop_impl.h"
#include <gnuradio/io_signature.h>
#include <cmath>
#include <stdexcept>

namespace gr {
namespace ecdisc {

namespace {

const pmt::pmt_t k_control = pmt::mp("control");
const pmt::pmt_t k_close = pmt::mp("close");
const pmt::pmt_t k_track_jump = pmt::mp("track_jump");
const pmt::pmt_t k_layer_jump = pmt::mp("layer_jump");
const pmt::pmt_t k_layer_jump_m = pmt::mp("layer_jump_m");
const pmt::pmt_t k_focus_search = pmt::mp("focus_search");
const pmt::pmt_t k_focus_locked = pmt::mp("focus_locked");
const pmt::pmt_t k_tracking_locked = pmt::mp("tracking_locked");

int checked_update_samples(const ::ecdisc::servo_config& cfg, double sample_rate)
{
    if (!(sample_rate > 0) || !std::isfinite(sample_rate))
        throw std::invalid_argument("sample_rate = " + std::to_string(sample_rate) +
                                    ": must be > 0 (Hz)");
    return ::ecdisc::servo_update_samples(sample_rate, cfg.update_rate_hz);
}

} // namespace

servo_loop::sptr
servo_loop::make(const std::string& servo_file, double sample_rate, bool start_closed)
{
    const auto cfg = ::ecdisc::load_servo(servo_file);
    const int n = checked_update_samples(cfg, sample_rate);
    return gnuradio::make_block_sptr<servo_loop_impl>(cfg, n, sample_rate, start_closed);
}

servo_loop_impl::servo_loop_impl(const ::ecdisc::servo_config& cfg,
                                 int update_samples,
                                 double sample_rate,
                                 bool start_closed)
    : gr::sync_block("servo_loop",
                     gr::io_signature::make(2, 2, sizeof(float)),
                     gr::io_signature::make(2, 4, sizeof(float))),
      d_n(update_samples),
      d_rate(sample_rate / update_samples),
      d_loop(cfg, sample_rate / update_samples)
{
    if (start_closed)
        d_loop.close(true);
    message_port_register_in(k_control);
    set_msg_handler(k_control, [this](const pmt::pmt_t& msg) { handle_control(msg); });
}

void servo_loop_impl::handle_control(const pmt::pmt_t& msg)
{
    if (!pmt::is_dict(msg)) {
        d_logger->error("control: expected a dict, got {}", pmt::write_string(msg));
        return;
    }
    std::lock_guard<std::mutex> lock(d_mutex);
    auto as_bool = [&](const pmt::pmt_t& key, bool& out) {
        const pmt::pmt_t v = pmt::dict_ref(msg, key, pmt::PMT_NIL);
        if (v == pmt::PMT_NIL)
            return false;
        if (pmt::is_bool(v))
            out = pmt::to_bool(v);
        else if (pmt::is_integer(v))
            out = pmt::to_long(v) != 0;
        else {
            d_logger->error("control: {} must be a bool, got {}",
                            pmt::symbol_to_string(key),
                            pmt::write_string(v));
            return false;
        }
        return true;
    };
    auto as_int = [&](const pmt::pmt_t& key, long& out) {
        const pmt::pmt_t v = pmt::dict_ref(msg, key, pmt::PMT_NIL);
        if (v == pmt::PMT_NIL)
            return false;
        if (!pmt::is_integer(v)) {
            d_logger->error("control: {} must be an integer, got {}",
                            pmt::symbol_to_string(key),
                            pmt::write_string(v));
            return false;
        }
        out = pmt::to_long(v);
        return true;
    };
    bool b;
    long n;
    try {
        if (as_bool(k_close, b))
            d_loop.close(b);
        if (as_bool(k_focus_search, b))
            d_loop.focus_search(b);
        if (as_int(k_track_jump, n))
            d_loop.track_jump(static_cast<int>(n));
        if (as_int(k_layer_jump, n))
            d_loop.layer_jump(static_cast<int>(n));
        const pmt::pmt_t m = pmt::dict_ref(msg, k_layer_jump_m, pmt::PMT_NIL);
        if (m != pmt::PMT_NIL) {
            if (pmt::is_number(m) && !pmt::is_complex(m))
                d_loop.focus().jump_m(pmt::to_double(m));
            else
                d_logger->error("control: layer_jump_m must be a number, got {}",
                                pmt::write_string(m));
        }
    } catch (const std::exception& e) {
        d_logger->error("control: {}", e.what());
    }
}

int servo_loop_impl::work(int noutput_items,
                          gr_vector_const_void_star& input_items,
                          gr_vector_void_star& output_items)
{
    const auto* fe = static_cast<const float*>(input_items[0]);
    const auto* te = static_cast<const float*>(input_items[1]);
    auto* out_f = static_cast<float*>(output_items[0]);
    auto* out_t = static_cast<float*>(output_items[1]);
    float* err_f = output_items.size() > 2 ? static_cast<float*>(output_items[2]) : nullptr;
    float* err_t = output_items.size() > 3 ? static_cast<float*>(output_items[3]) : nullptr;
    std::lock_guard<std::mutex> lock(d_mutex);
    auto& f = d_loop.focus();
    auto& t = d_loop.tracking();
    const double to_nm_f = 1e9 / f.config().slope_per_m;
    const double to_nm_t = 1e9 / t.config().slope_per_m;
    const uint64_t start = nitems_written(0);
    for (int i = 0; i < noutput_items; i++) {
        out_f[i] = d_drive_f;
        out_t[i] = d_drive_t;
        if (err_f)
            err_f[i] = static_cast<float>(fe[i] * to_nm_f);
        if (err_t)
            err_t[i] = static_cast<float>(te[i] * to_nm_t);
        d_sum_f += fe[i];
        d_sum_t += te[i];
        if (++d_count == d_n) {
            f.update_normalised(d_sum_f / d_n);
            t.update_normalised(d_sum_t / d_n);
            d_drive_f = static_cast<float>(f.last_drive_v());
            d_drive_t = static_cast<float>(t.last_drive_v());
            d_count = 0;
            d_sum_f = d_sum_t = 0;
            // lock changes: tagged where the new drive starts
            if (f.locked() != d_lock_f) {
                d_lock_f = f.locked();
                add_item_tag(0, start + i + 1, k_focus_locked, pmt::from_bool(d_lock_f));
            }
            if (t.locked() != d_lock_t) {
                d_lock_t = t.locked();
                add_item_tag(0, start + i + 1, k_tracking_locked, pmt::from_bool(d_lock_t));
            }
        }
    }
    return noutput_items;
}

bool servo_loop_impl::locked_focus() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_loop.focus().locked();
}
bool servo_loop_impl::locked_tracking() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_loop.tracking().locked();
}
bool servo_loop_impl::closed() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_loop.focus().closed() && d_loop.tracking().closed();
}
bool servo_loop_impl::searching() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_loop.focus().searching();
}
double servo_loop_impl::focus_rms_nm() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_loop.focus().error_rms_m() * 1e9;
}
double servo_loop_impl::tracking_rms_nm() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_loop.tracking().error_rms_m() * 1e9;
}
void servo_loop_impl::reset_stats()
{
    std::lock_guard<std::mutex> lock(d_mutex);
    d_loop.focus().reset_error_stats();
    d_loop.tracking().reset_error_stats();
}
double servo_loop_impl::focus_reference_m() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_loop.focus().reference_m();
}
double servo_loop_impl::tracking_reference_m() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_loop.tracking().reference_m();
}
void servo_loop_impl::close(bool on)
{
    std::lock_guard<std::mutex> lock(d_mutex);
    d_loop.close(on);
}
void servo_loop_impl::track_jump(int n)
{
    std::lock_guard<std::mutex> lock(d_mutex);
    try {
        d_loop.track_jump(n);
    } catch (const std::logic_error& e) {
        throw std::invalid_argument(std::string("track_jump: ") + e.what());
    }
}
void servo_loop_impl::layer_jump(int n)
{
    std::lock_guard<std::mutex> lock(d_mutex);
    try {
        d_loop.layer_jump(n);
    } catch (const std::logic_error& e) {
        throw std::invalid_argument(std::string("layer_jump: ") + e.what());
    }
}
void servo_loop_impl::focus_search(bool on)
{
    std::lock_guard<std::mutex> lock(d_mutex);
    d_loop.focus_search(on);
}

} // namespace ecdisc
} // namespace gr
