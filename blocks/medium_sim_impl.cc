/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "medium_sim_impl.h"
#include <gnuradio/io_signature.h>
#include <algorithm>
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
                                  unsigned int seed)
{
    return gnuradio::make_block_sptr<medium_sim_impl>(
        medium_file, sps, track_bits, focus_layers, layer_voltages, seed);
}

medium_sim_impl::medium_sim_impl(const std::string& medium_file,
                                 int sps,
                                 int track_bits,
                                 const std::vector<int>& focus_layers,
                                 const std::vector<double>& layer_voltages,
                                 unsigned int seed)
    : gr::sync_block(
          "medium_sim",
          gr::io_signature::make(
              checked_beams(focus_layers), checked_beams(focus_layers), sizeof(float)),
          gr::io_signature::make(
              checked_beams(focus_layers), checked_beams(focus_layers), sizeof(float))),
      d_kernel(::ecdisc::load_medium(medium_file),
               sps,
               track_bits,
               focus_layers,
               layer_voltages,
               seed),
      d_tag_layer(focus_layers.size(), true)
{
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
    long beam, layer;
    if (!pmt::is_dict(msg) || !dict_long(msg, "beam", beam) ||
        !dict_long(msg, "layer", layer)) {
        d_logger->warn("focus message {:s} ignored: expected a dict {{beam: int, "
                       "layer: int}}",
                       pmt::write_string(msg));
        return;
    }
    try {
        set_focus_layer(static_cast<int>(beam), static_cast<int>(layer));
    } catch (const std::exception& e) {
        d_logger->warn("focus message ignored: {:s}", e.what());
    }
}

int medium_sim_impl::work(int noutput_items,
                          gr_vector_const_void_star& input_items,
                          gr_vector_void_star& output_items)
{
    gr::thread::scoped_lock lock(d_mutex);
    const int nb = d_kernel.num_beams();
    const uint64_t start = nitems_written(0);
    for (int b = 0; b < nb; b++)
        if (d_tag_layer[b]) {
            add_item_tag(
                b, start, pmt::mp("layer"), pmt::from_long(d_kernel.focus_layer(b)));
            d_tag_layer[b] = false;
        }
    d_wraps.clear();
    d_kernel.process(reinterpret_cast<const float* const*>(input_items.data()),
                     reinterpret_cast<float* const*>(output_items.data()),
                     noutput_items,
                     &d_wraps);
    for (const auto& [index, rev] : d_wraps)
        add_item_tag(0, start + index, pmt::mp("revolution"), pmt::from_uint64(rev));
    return noutput_items;
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
    d_logger->debug("disc image loaded from {:s}", path);
}

} // namespace ecdisc
} // namespace gr
