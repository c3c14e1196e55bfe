/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "medium_sim_impl.h"
#include <gnuradio/io_signature.h>
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <set>
#include <stdexcept>

namespace gr {
namespace ecdisc {

namespace {

//! the number of beams, checked before the io signatures are made
int checked_beams(const std::vector<int>& focus_layers)
{
    if (focus_layers.empty() || focus_layers.size() > 4)
        throw std::invalid_argument(
            "focus_layers size = " + std::to_string(focus_layers.size()) +
            ": must be in 1..4 (one focus layer per beam)");
    return static_cast<int>(focus_layers.size());
}

//! outputs per beam for a detector mode, checked
int checked_outputs_per_beam(const std::string& detector)
{
    if (detector == "sum")
        return 1;
    if (detector == "quadrant")
        return 4;
    throw std::invalid_argument("detector = " + detector +
                                ": must be \"sum\" or \"quadrant\"");
}

//! the servo configuration of make()'s servo argument ("" = none)
std::unique_ptr<::ecdisc::servo_config> servo_configuration(const std::string& servo)
{
    if (servo.empty())
        return nullptr;
    return std::make_unique<::ecdisc::servo_config>(
        ::ecdisc::load_servo(servo == "default" ? std::string() : servo));
}

const pmt::pmt_t k_actuator = pmt::mp("actuator");
const pmt::pmt_t k_voltage = pmt::mp("voltage");
const pmt::pmt_t k_focus = pmt::mp("focus");

//! an integer field of a dict message, or false
bool dict_long(const pmt::pmt_t& msg, const char* key, long& out)
{
    const pmt::pmt_t v = pmt::dict_ref(msg, pmt::mp(key), pmt::PMT_NIL);
    if (!pmt::is_integer(v) && !pmt::is_uint64(v))
        return false;
    out = pmt::is_integer(v) ? pmt::to_long(v) : static_cast<long>(pmt::to_uint64(v));
    return true;
}

bool dict_real(const pmt::pmt_t& msg, const char* key, double& out)
{
    const pmt::pmt_t v = pmt::dict_ref(msg, pmt::mp(key), pmt::PMT_NIL);
    if (!pmt::is_number(v) || pmt::is_complex(v))
        return false;
    out = pmt::to_double(v);
    return true;
}

} // namespace

medium_sim::sptr medium_sim::make(const std::string& medium_file,
                                  int sps,
                                  int track_bits,
                                  const std::vector<int>& focus_layers,
                                  const std::vector<double>& layer_voltages,
                                  unsigned int seed,
                                  const std::string& detector,
                                  const std::string& servo,
                                  int servo_beam)
{
    return gnuradio::make_block_sptr<medium_sim_impl>(medium_file,
                                                      sps,
                                                      track_bits,
                                                      focus_layers,
                                                      layer_voltages,
                                                      seed,
                                                      detector,
                                                      servo,
                                                      servo_beam);
}

medium_sim_impl::medium_sim_impl(const std::string& medium_file,
                                 int sps,
                                 int track_bits,
                                 const std::vector<int>& focus_layers,
                                 const std::vector<double>& layer_voltages,
                                 unsigned int seed,
                                 const std::string& detector,
                                 const std::string& servo,
                                 int servo_beam)
    : gr::sync_block(
          "medium_sim",
          gr::io_signature::make(
              checked_beams(focus_layers), checked_beams(focus_layers), sizeof(float)),
          // the two servo error outputs are optional
          gr::io_signature::make(
              checked_beams(focus_layers) * checked_outputs_per_beam(detector),
              checked_beams(focus_layers) * checked_outputs_per_beam(detector) +
                  (servo.empty() ? 0 : 2),
              sizeof(float))),
      d_kernel(::ecdisc::load_medium(medium_file),
               sps,
               track_bits,
               focus_layers,
               layer_voltages,
               seed),
      d_tag_layer(focus_layers.size(), true),
      d_quad(detector == "quadrant"),
      d_pos_interval(d_quad ? 4096 : 0)
{
    if (!servo.empty()) {
        const auto cfg = servo_configuration(servo);
        d_servo =
            std::make_unique<::ecdisc::medium_servo>(d_kernel, *cfg, servo_beam, seed);
    } else if (servo_beam < 0 || servo_beam >= d_kernel.num_beams()) {
        throw std::invalid_argument("servo_beam = " + std::to_string(servo_beam) +
                                    ": must be in 0.." +
                                    std::to_string(d_kernel.num_beams() - 1));
    } else {
        d_servo = std::make_unique<::ecdisc::medium_servo>(d_kernel, servo_beam);
    }
    message_port_register_in(k_actuator);
    set_msg_handler(k_actuator, [this](const pmt::pmt_t& msg) { handle_actuator(msg); });
    message_port_register_in(k_voltage);
    set_msg_handler(k_voltage, [this](const pmt::pmt_t& msg) { handle_voltage(msg); });
    message_port_register_in(k_focus);
    set_msg_handler(k_focus, [this](const pmt::pmt_t& msg) { handle_focus(msg); });
}

void medium_sim_impl::handle_voltage(const pmt::pmt_t& msg)
{
    long layer;
    double volts;
    if (!pmt::is_dict(msg) || !dict_long(msg, "layer", layer) ||
        !dict_real(msg, "volts", volts)) {
        d_logger->warn("voltage message {:s} ignored: expected a dict {{layer: int, "
                       "volts: float}}",
                       pmt::write_string(msg));
        return;
    }
    try {
        set_layer_voltage(static_cast<int>(layer), volts);
    } catch (const std::exception& e) {
        d_logger->warn("voltage message ignored: {:s}", e.what());
    }
}

void medium_sim_impl::handle_focus(const pmt::pmt_t& msg)
{
    long beam, layer, track;
    double fo, to;
    const bool is_dict = pmt::is_dict(msg);
    const bool has_layer = is_dict && dict_long(msg, "layer", layer);
    const bool has_track = is_dict && dict_long(msg, "track", track);
    const bool has_fo = is_dict && dict_real(msg, "focus_offset_m", fo);
    const bool has_to = is_dict && dict_real(msg, "tracking_offset_m", to);
    if (!is_dict || !dict_long(msg, "beam", beam) ||
        !(has_layer || has_fo || has_to || has_track)) {
        d_logger->warn("focus message {:s} ignored: expected a dict {{beam: int, "
                       "layer: int, focus_offset_m: float, tracking_offset_m: "
                       "float, track: int}} with beam and at least one other key",
                       pmt::write_string(msg));
        return;
    }
    try {
        // check everything before changing anything
        if (beam < 0 || beam >= d_kernel.num_beams())
            throw std::invalid_argument("beam = " + std::to_string(beam) +
                                        ": must be in 0.." +
                                        std::to_string(d_kernel.num_beams() - 1));
        if (has_layer && (layer < 0 || layer >= d_kernel.num_layers()))
            throw std::invalid_argument("layer = " + std::to_string(layer) +
                                        ": must be in 0.." +
                                        std::to_string(d_kernel.num_layers() - 1));
        if ((has_fo && !(std::fabs(fo) <= 1e-3)) || (has_to && !(std::fabs(to) <= 1e-3)))
            throw std::invalid_argument("offsets must be in [-0.001, 0.001] m");
        const int band = d_kernel.config().geometry.band_tracks;
        if (has_track && (track < 0 || track > std::min(3, band - 1)))
            throw std::invalid_argument(
                "track = " + std::to_string(track) + ": must be in 0.." +
                std::to_string(std::min(3, band - 1)) + " (geometry.band_tracks = " +
                std::to_string(band) + ")");
        if (has_track)
            set_track_offset(static_cast<int>(beam), static_cast<int>(track));
        if (has_layer)
            set_focus_layer(static_cast<int>(beam), static_cast<int>(layer));
        if (has_fo)
            set_focus_offset(static_cast<int>(beam), fo);
        if (has_to)
            set_tracking_offset(static_cast<int>(beam), to);
    } catch (const std::exception& e) {
        d_logger->warn("focus message ignored: {:s}", e.what());
    }
}

void medium_sim_impl::handle_actuator(const pmt::pmt_t& msg)
{
    try {
        parse_actuator(msg);
    } catch (const std::exception& e) { // e.g. a malformed pmt list
        d_logger->warn(
            "actuator message {:s} ignored: {:s}", pmt::write_string(msg), e.what());
    }
}

void medium_sim_impl::parse_actuator(const pmt::pmt_t& message)
{
    const char* form = "expected a dict with any of close (bool), track_jump (int), "
                       "layer_jump (int), focus_search (bool)";
    // a bare pair (key . value), as a message push button sends, is a
    // one-entry dict
    const pmt::pmt_t msg =
        pmt::is_pair(message) && pmt::is_symbol(pmt::car(message))
            ? pmt::dict_add(pmt::make_dict(), pmt::car(message), pmt::cdr(message))
            : message;
    if (!pmt::is_dict(msg)) {
        d_logger->warn(
            "actuator message {:s} ignored: {:s}", pmt::write_string(msg), form);
        return;
    }
    const pmt::pmt_t close = pmt::dict_ref(msg, pmt::mp("close"), pmt::PMT_NIL);
    const pmt::pmt_t search = pmt::dict_ref(msg, pmt::mp("focus_search"), pmt::PMT_NIL);
    long tj = 0, lj = 0;
    const bool has_close = !pmt::is_null(close);
    const bool has_search = !pmt::is_null(search);
    const bool has_tj = dict_long(msg, "track_jump", tj);
    const bool has_lj = dict_long(msg, "layer_jump", lj);
    const bool bad_tj =
        !has_tj && !pmt::is_null(pmt::dict_ref(msg, pmt::mp("track_jump"), pmt::PMT_NIL));
    const bool bad_lj =
        !has_lj && !pmt::is_null(pmt::dict_ref(msg, pmt::mp("layer_jump"), pmt::PMT_NIL));
    if ((has_close && !pmt::is_bool(close)) || (has_search && !pmt::is_bool(search)) ||
        bad_tj || bad_lj || !(has_close || has_search || has_tj || has_lj) ||
        std::labs(tj) > 1000000 || std::labs(lj) > 1000) {
        d_logger->warn(
            "actuator message {:s} ignored: {:s}", pmt::write_string(msg), form);
        return;
    }
    try {
        if (has_search)
            focus_search(pmt::to_bool(search));
        if (has_close)
            servo_close(pmt::to_bool(close));
        if (has_lj)
            layer_jump(static_cast<int>(lj));
        if (has_tj)
            track_jump(static_cast<int>(tj));
    } catch (const std::exception& e) {
        d_logger->warn(
            "actuator message {:s} ignored: {:s}", pmt::write_string(msg), e.what());
    }
}

int medium_sim_impl::work(int noutput_items,
                          gr_vector_const_void_star& input_items,
                          gr_vector_void_star& output_items)
{
    gr::thread::scoped_lock lock(d_mutex);
    const int nb = d_kernel.num_beams();
    const int per = d_quad ? 4 : 1;
    const uint64_t start = nitems_written(0);
    for (int b = 0; b < nb; b++)
        if (d_tag_layer[b]) {
            for (int q = 0; q < per; q++)
                add_item_tag(per * b + q,
                             start,
                             pmt::mp("layer"),
                             pmt::from_long(d_kernel.focus_layer(b)));
            d_tag_layer[b] = false;
        }
    // beam 0's cell at the first sample, for the position tags
    const int64_t cell0 =
        (static_cast<int64_t>(d_kernel.position()) + d_kernel.lead_cells(0)) %
        d_kernel.cells();
    const int64_t cell0w = cell0 < 0 ? cell0 + d_kernel.cells() : cell0;
    d_wraps.clear();
    if (d_servo->ideal()) {
        if (d_quad)
            d_kernel.process_quadrants(
                reinterpret_cast<const float* const*>(input_items.data()),
                reinterpret_cast<float* const*>(output_items.data()),
                noutput_items,
                &d_wraps);
        else
            d_kernel.process(reinterpret_cast<const float* const*>(input_items.data()),
                             reinterpret_cast<float* const*>(output_items.data()),
                             noutput_items,
                             &d_wraps);
    } else {
        // the servo error outputs, when connected, get the errors in nm
        const int nd = nb * per;
        const int connected = static_cast<int>(output_items.size());
        float* fe = connected > nd ? static_cast<float*>(output_items[nd]) : nullptr;
        float* te =
            connected > nd + 1 ? static_cast<float*>(output_items[nd + 1]) : nullptr;
        if (d_quad)
            d_servo->process_quadrants(
                reinterpret_cast<const float* const*>(input_items.data()),
                reinterpret_cast<float* const*>(output_items.data()),
                noutput_items,
                fe,
                te,
                &d_wraps);
        else
            d_servo->process(reinterpret_cast<const float* const*>(input_items.data()),
                             reinterpret_cast<float* const*>(output_items.data()),
                             noutput_items,
                             fe,
                             te,
                             &d_wraps);
        for (float* e : { fe, te })
            if (e)
                for (int i = 0; i < noutput_items; i++)
                    e[i] *= 1e9f;
        using kind = ::ecdisc::medium_servo::event_kind;
        for (const auto& ev : d_servo->events()) {
            const uint64_t at =
                start +
                std::min<uint64_t>(ev.index, static_cast<uint64_t>(noutput_items - 1));
            if (ev.kind == kind::layer) {
                for (int q = 0; q < per; q++)
                    add_item_tag(per * ev.beam + q,
                                 at,
                                 pmt::mp("layer"),
                                 pmt::from_long(ev.value));
            } else {
                add_item_tag(0,
                             at,
                             pmt::mp(ev.kind == kind::focus_lock ? "focus_locked"
                                                                 : "tracking_locked"),
                             pmt::from_bool(ev.value != 0));
            }
        }
    }
    for (const auto& [index, rev] : d_wraps)
        add_item_tag(0, start + index, pmt::mp("revolution"), pmt::from_uint64(rev));
    if (d_pos_interval > 0) {
        // at every interval mark and every wrap (one tag where they coincide)
        const uint64_t end = start + static_cast<uint64_t>(noutput_items);
        std::set<uint64_t> at;
        for (const auto& wr : d_wraps)
            at.insert(start + wr.first);
        uint64_t mark = std::max(d_next_pos_tag, start);
        for (; mark < end; mark += d_pos_interval)
            at.insert(mark);
        d_next_pos_tag = mark;
        for (const uint64_t o : at)
            add_position_tag(
                o, (cell0w + static_cast<int64_t>(o - start)) % d_kernel.cells());
    }
    return noutput_items;
}

void medium_sim_impl::add_position_tag(uint64_t offset, int64_t cell)
{
    const auto& cfg = d_kernel.config();
    const int sps =
        static_cast<int>(std::llround(cfg.format.channel_bit_m / d_kernel.cell_m()));
    pmt::pmt_t d = pmt::make_dict();
    d = pmt::dict_add(d, pmt::mp("layer"), pmt::from_long(d_kernel.focus_layer(0)));
    d = pmt::dict_add(
        d,
        pmt::mp("track"),
        pmt::from_double(d_kernel.track_offset(0) +
                         d_kernel.tracking_offset(0) / cfg.format.track_pitch_m));
    d = pmt::dict_add(
        d, pmt::mp("along_bits"), pmt::from_double(static_cast<double>(cell) / sps));
    add_item_tag(0, offset, pmt::mp("position"), d);
}

std::string medium_sim_impl::detector() const { return d_quad ? "quadrant" : "sum"; }
void medium_sim_impl::set_focus_offset(int beam, double metres)
{
    gr::thread::scoped_lock lock(d_mutex);
    d_kernel.set_focus_offset(beam, metres);
}
double medium_sim_impl::focus_offset(int beam) const
{
    gr::thread::scoped_lock lock(d_mutex);
    return d_kernel.focus_offset(beam);
}
void medium_sim_impl::set_tracking_offset(int beam, double metres)
{
    gr::thread::scoped_lock lock(d_mutex);
    d_kernel.set_tracking_offset(beam, metres);
}
double medium_sim_impl::tracking_offset(int beam) const
{
    gr::thread::scoped_lock lock(d_mutex);
    return d_kernel.tracking_offset(beam);
}
void medium_sim_impl::set_position_tag_interval(int samples)
{
    if (samples < 0)
        throw std::invalid_argument("position_tag_interval = " + std::to_string(samples) +
                                    ": must be >= 0 (0 = no position tags)");
    gr::thread::scoped_lock lock(d_mutex);
    d_pos_interval = samples;
    d_next_pos_tag = nitems_written(0);
}
int medium_sim_impl::position_tag_interval() const
{
    gr::thread::scoped_lock lock(d_mutex);
    return d_pos_interval;
}

void medium_sim_impl::set_layer_voltage(int layer, double volts)
{
    gr::thread::scoped_lock lock(d_mutex);
    d_kernel.set_layer_voltage(layer, volts);
}
double medium_sim_impl::layer_voltage(int layer) const
{
    gr::thread::scoped_lock lock(d_mutex);
    return d_kernel.layer_voltage(layer);
}
void medium_sim_impl::set_focus_layer(int beam, int layer)
{
    gr::thread::scoped_lock lock(d_mutex);
    d_kernel.set_focus_layer(beam, layer);
    d_tag_layer[beam] = true;
}
void medium_sim_impl::set_track_offset(int beam, int tracks)
{
    gr::thread::scoped_lock lock(d_mutex);
    d_kernel.set_track_offset(beam, tracks);
}
int medium_sim_impl::track_offset(int beam) const
{
    gr::thread::scoped_lock lock(d_mutex);
    return d_kernel.track_offset(beam);
}
int medium_sim_impl::focus_layer(int beam) const
{
    gr::thread::scoped_lock lock(d_mutex);
    return d_kernel.focus_layer(beam);
}
void medium_sim_impl::set_noise_scale(double scale)
{
    gr::thread::scoped_lock lock(d_mutex);
    d_kernel.set_noise_scale(scale);
}
double medium_sim_impl::noise_scale() const
{
    gr::thread::scoped_lock lock(d_mutex);
    return d_kernel.noise_scale();
}
int medium_sim_impl::num_layers() const { return d_kernel.num_layers(); }
int medium_sim_impl::num_beams() const { return d_kernel.num_beams(); }
std::string medium_sim_impl::medium_name() const { return d_kernel.config().name; }
double medium_sim_impl::time_s() const
{
    gr::thread::scoped_lock lock(d_mutex);
    return d_kernel.time_s();
}
uint64_t medium_sim_impl::revolution() const
{
    gr::thread::scoped_lock lock(d_mutex);
    return d_kernel.revolution();
}
double medium_sim_impl::mean_state(int layer) const
{
    gr::thread::scoped_lock lock(d_mutex);
    return d_kernel.mean_state(layer);
}
double medium_sim_impl::assist_speedup() const
{
    gr::thread::scoped_lock lock(d_mutex);
    const int nb = d_kernel.num_beams();
    const int r = d_kernel.recording_beam();
    double p_assist = 0;
    for (int b = 0; b < nb; b++)
        if (b != r)
            p_assist = std::max(p_assist, d_kernel.max_power_mw(b));
    return d_kernel.assist_speedup(d_kernel.max_power_mw(r), p_assist);
}

double medium_sim_impl::assist_speedup_for(int layer,
                                           int assist_layer,
                                           bool colouring,
                                           double p_record_mw,
                                           double p_assist_mw) const
{
    gr::thread::scoped_lock lock(d_mutex);
    return d_kernel.assist_speedup_for(
        layer, assist_layer, colouring, p_record_mw, p_assist_mw);
}

double medium_sim_impl::crosstalk_db(int layer) const
{
    // the kernel runs a copy of the medium: no lock on the live state needed
    // beyond reading the configuration
    gr::thread::scoped_lock lock(d_mutex);
    return d_kernel.crosstalk_db(layer);
}

bool medium_sim_impl::is_spare(int layer) const { return d_kernel.spare(layer); }

int medium_sim_impl::wobble_period_bits(int layer) const
{
    const auto& g = guide(layer);
    return g.present && g.wobble ? g.period_bits : 0;
}

int medium_sim_impl::wobbles_per_unit(int layer) const
{
    const auto& g = guide(layer);
    return g.present && g.wobble ? g.wobbles_per_unit : 0;
}

const ::ecdisc::medium_groove& medium_sim_impl::guide(int layer) const
{
    if (layer < 0 || layer >= d_kernel.num_layers())
        throw std::invalid_argument("layer = " + std::to_string(layer) +
                                    ": must be in 0.." +
                                    std::to_string(d_kernel.num_layers() - 1));
    return d_kernel.config().layers[layer].groove;
}

void medium_sim_impl::save_image(const std::string& path) const
{
    gr::thread::scoped_lock lock(d_mutex);
    d_kernel.save_image(path);
    d_logger->debug("disc image saved to {:s}", path);
}

void medium_sim_impl::load_image(const std::string& path)
{
    gr::thread::scoped_lock lock(d_mutex);
    d_kernel.load_image(path);
    d_servo->resync(); // the medium clock moved: the loops follow bumplessly
    d_logger->debug("disc image loaded from {:s}", path);
}

::ecdisc::medium_servo& medium_sim_impl::servo_or_throw(const char* what) const
{
    if (d_servo->ideal())
        throw std::logic_error(std::string(what) +
                               ": no servo (ideal positioning; make() with servo = "
                               "\"default\" or a servo file)");
    return *d_servo;
}

bool medium_sim_impl::servo_enabled() const { return !d_servo->ideal(); }
int medium_sim_impl::servo_beam() const { return d_servo->servo_beam(); }
double medium_sim_impl::focus_error_rms_nm() const
{
    gr::thread::scoped_lock lock(d_mutex);
    return d_servo->focus_error_rms_m() * 1e9;
}
double medium_sim_impl::tracking_error_rms_nm() const
{
    gr::thread::scoped_lock lock(d_mutex);
    return d_servo->tracking_error_rms_m() * 1e9;
}
void medium_sim_impl::reset_servo_stats()
{
    gr::thread::scoped_lock lock(d_mutex);
    d_servo->reset_stats();
}
bool medium_sim_impl::focus_locked() const
{
    gr::thread::scoped_lock lock(d_mutex);
    return d_servo->focus_locked();
}
bool medium_sim_impl::tracking_locked() const
{
    gr::thread::scoped_lock lock(d_mutex);
    return d_servo->tracking_locked();
}
void medium_sim_impl::servo_close(bool on)
{
    gr::thread::scoped_lock lock(d_mutex);
    servo_or_throw("close").close(on);
}
void medium_sim_impl::track_jump(int tracks)
{
    gr::thread::scoped_lock lock(d_mutex);
    servo_or_throw("track_jump").track_jump(tracks);
}
void medium_sim_impl::layer_jump(int layers)
{
    gr::thread::scoped_lock lock(d_mutex);
    servo_or_throw("layer_jump").layer_jump(layers);
}
void medium_sim_impl::focus_search(bool on)
{
    gr::thread::scoped_lock lock(d_mutex);
    servo_or_throw("focus_search").focus_search(on);
}
double medium_sim_impl::lens_focus_m() const
{
    gr::thread::scoped_lock lock(d_mutex);
    return d_servo->lens_focus_m();
}

} // namespace ecdisc
} // namespace gr
