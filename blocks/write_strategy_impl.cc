/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "write_strategy_impl.h"
#include <gnuradio/io_signature.h>
#include <stdexcept>
#include <string>
#include <vector>

namespace gr {
namespace ecdisc {

write_strategy::sptr write_strategy::make(int sps,
                                          double write_power_mw,
                                          double space_power_mw,
                                          double assist_power_mw,
                                          double lead_trim,
                                          double tail_trim,
                                          const std::string& mode,
                                          double t_top,
                                          double t_mp,
                                          double t_lp,
                                          double t_cool,
                                          double bias_power_mw,
                                          double cooling_power_mw,
                                          double middle_power_mw,
                                          const std::string& assist_mode,
                                          double assist_lead,
                                          int beam_delay_samples,
                                          double record_voltage_v,
                                          const std::string& power_table_file,
                                          int layer)
{
    return gnuradio::make_block_sptr<write_strategy_impl>(sps,
                                                          write_power_mw,
                                                          space_power_mw,
                                                          assist_power_mw,
                                                          lead_trim,
                                                          tail_trim,
                                                          mode,
                                                          t_top,
                                                          t_mp,
                                                          t_lp,
                                                          t_cool,
                                                          bias_power_mw,
                                                          cooling_power_mw,
                                                          middle_power_mw,
                                                          assist_mode,
                                                          assist_lead,
                                                          beam_delay_samples,
                                                          record_voltage_v,
                                                          power_table_file,
                                                          layer);
}

namespace {
// The interpolation must be known before the kernel validates sps.
unsigned checked_interp(int sps)
{
    return (sps >= 2 && sps <= 32) ? static_cast<unsigned>(sps) : 2u;
}
} // namespace

write_strategy_impl::write_strategy_impl(int sps,
                                         double write_power_mw,
                                         double space_power_mw,
                                         double assist_power_mw,
                                         double lead_trim,
                                         double tail_trim,
                                         const std::string& mode,
                                         double t_top,
                                         double t_mp,
                                         double t_lp,
                                         double t_cool,
                                         double bias_power_mw,
                                         double cooling_power_mw,
                                         double middle_power_mw,
                                         const std::string& assist_mode,
                                         double assist_lead,
                                         int beam_delay_samples,
                                         double record_voltage_v,
                                         const std::string& power_table_file,
                                         int layer)
    : gr::sync_interpolator("write_strategy",
                            gr::io_signature::make(1, 1, sizeof(uint8_t)),
                            // outputs: beam 0, beam 1, optional electrode voltage
                            gr::io_signature::make(2, 3, sizeof(float)),
                            checked_interp(sps)),
      d_kernel(sps,
               write_power_mw,
               space_power_mw,
               assist_power_mw,
               lead_trim,
               tail_trim,
               mode,
               t_top,
               t_mp,
               t_lp,
               t_cool,
               bias_power_mw,
               cooling_power_mw,
               middle_power_mw,
               assist_mode,
               assist_lead,
               beam_delay_samples,
               record_voltage_v),
      d_table(::ecdisc::load_power_table(power_table_file))
{
    if (layer < -1)
        throw std::invalid_argument("layer = " + std::to_string(layer) +
                                    ": must be -1 (no table entry) or a layer >= 0");
    if (layer >= 0) {
        if (d_table.empty())
            throw std::invalid_argument("layer = " + std::to_string(layer) +
                                        ": needs a power_table_file");
        apply_layer(layer);
    }
    message_port_register_in(pmt::mp("layer"));
    set_msg_handler(pmt::mp("layer"),
                    [this](const pmt::pmt_t& msg) { handle_layer_msg(msg); });
    set_tag_propagation_policy(TPP_DONT);
    d_logger->trace("mode {}, assist {}, latency {} samples, beam delay {} samples",
                    mode,
                    assist_mode,
                    d_kernel.latency_samples(),
                    beam_delay_samples);
}

int write_strategy_impl::work(int noutput_items,
                              gr_vector_const_void_star& input_items,
                              gr_vector_void_star& output_items)
{
    const auto* in = static_cast<const uint8_t*>(input_items[0]);
    auto* beam0 = static_cast<float*>(output_items[0]);
    auto* beam1 = static_cast<float*>(output_items[1]);
    auto* volts =
        output_items.size() > 2 ? static_cast<float*>(output_items[2]) : nullptr;
    const size_t sps = interpolation();
    const size_t nbits = static_cast<size_t>(noutput_items) / sps;
    const uint64_t bit0 = nitems_read(0);
    std::vector<gr::tag_t> tags;
    get_tags_in_range(tags, 0, bit0, bit0 + nbits, pmt::mp("layer"));

    std::lock_guard<std::mutex> lock(d_mutex);
    if (d_pending_layer >= 0) {
        apply_layer(d_pending_layer); // present in the table: checked on arrival
        d_pending_layer = -1;
        tag_outputs(nitems_written(0), output_items.size());
    }
    size_t done = 0;
    for (const auto& tag : tags) {
        const size_t at = static_cast<size_t>(tag.offset - bit0);
        if (at > done) {
            d_kernel.process(in + done,
                             beam0 + done * sps,
                             beam1 + done * sps,
                             volts ? volts + done * sps : nullptr,
                             at - done);
            done = at;
        }
        if (!pmt::is_integer(tag.value)) {
            d_logger->error("layer tag at bit {}: {} is not an integer; ignored",
                            tag.offset,
                            pmt::write_string(tag.value));
            continue;
        }
        const long layer = pmt::to_long(tag.value);
        try {
            apply_layer(static_cast<int>(layer));
            tag_outputs(nitems_written(0) + done * sps, output_items.size());
        } catch (const std::invalid_argument& e) {
            d_logger->error("layer tag at bit {}: {}; powers unchanged", tag.offset, e.what());
        }
    }
    d_kernel.process(in + done,
                     beam0 + done * sps,
                     beam1 + done * sps,
                     volts ? volts + done * sps : nullptr,
                     nbits - done);
    return static_cast<int>(nbits * sps);
}

void write_strategy_impl::apply_layer(int layer)
{
    if (d_table.empty())
        throw std::invalid_argument("layer = " + std::to_string(layer) +
                                    ": no power_table_file was given");
    d_kernel.apply(d_table.at(layer));
    d_layer = layer;
}

void write_strategy_impl::tag_outputs(uint64_t sample, size_t noutputs)
{
    for (size_t k = 0; k < noutputs; ++k)
        add_item_tag(static_cast<unsigned>(k), sample, pmt::mp("layer"), pmt::from_long(d_layer));
}

void write_strategy_impl::handle_layer_msg(const pmt::pmt_t& msg)
{
    pmt::pmt_t v = msg;
    if (pmt::is_dict(msg))
        v = pmt::dict_ref(msg, pmt::mp("layer"), pmt::PMT_NIL);
    if (!pmt::is_integer(v)) {
        d_logger->error("layer message {}: expected an integer or a dict {{layer: K}}; "
                        "ignored",
                        pmt::write_string(msg));
        return;
    }
    const int layer = static_cast<int>(pmt::to_long(v));
    std::lock_guard<std::mutex> lock(d_mutex);
    if (d_table.empty() || !d_table.has(layer)) {
        d_logger->error("layer message: layer = {}: not in power table {}; ignored",
                        layer,
                        d_table.empty() ? std::string("(none given)") : d_table.name());
        return;
    }
    d_pending_layer = layer;
}

void write_strategy_impl::set_layer(int layer)
{
    std::lock_guard<std::mutex> lock(d_mutex);
    if (d_table.empty())
        throw std::invalid_argument("layer = " + std::to_string(layer) +
                                    ": no power_table_file was given");
    d_table.at(layer); // throws when absent, before anything changes
    d_pending_layer = layer;
}

int write_strategy_impl::layer() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_pending_layer >= 0 ? d_pending_layer : d_layer;
}

void write_strategy_impl::set_powers(double write_power_mw,
                                     double space_power_mw,
                                     double assist_power_mw)
{
    std::lock_guard<std::mutex> lock(d_mutex);
    d_kernel.set_powers(write_power_mw, space_power_mw, assist_power_mw);
    d_logger->trace("powers set: write {} mW, space {} mW, assist {} mW",
                    write_power_mw,
                    space_power_mw,
                    assist_power_mw);
}

double write_strategy_impl::write_power_mw() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_kernel.write_power_mw();
}

double write_strategy_impl::space_power_mw() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_kernel.space_power_mw();
}

double write_strategy_impl::assist_power_mw() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_kernel.assist_power_mw();
}

void write_strategy_impl::set_strategy_powers(double bias_power_mw,
                                              double cooling_power_mw,
                                              double middle_power_mw)
{
    std::lock_guard<std::mutex> lock(d_mutex);
    d_kernel.set_strategy_powers(bias_power_mw, cooling_power_mw, middle_power_mw);
    d_logger->trace("strategy powers set: bias {} mW, cooling {} mW, middle {} mW",
                    bias_power_mw,
                    cooling_power_mw,
                    middle_power_mw);
}

double write_strategy_impl::bias_power_mw() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_kernel.bias_power_mw();
}

double write_strategy_impl::cooling_power_mw() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_kernel.cooling_power_mw();
}

double write_strategy_impl::middle_power_mw() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_kernel.middle_power_mw();
}

void write_strategy_impl::set_record_voltage_v(double record_voltage_v)
{
    std::lock_guard<std::mutex> lock(d_mutex);
    d_kernel.set_record_voltage_v(record_voltage_v);
}

double write_strategy_impl::record_voltage_v() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_kernel.record_voltage_v();
}

// Fixed at construction: no lock needed.
std::string write_strategy_impl::mode() const { return d_kernel.mode(); }

int write_strategy_impl::latency_samples() const { return d_kernel.latency_samples(); }

int write_strategy_impl::beam_delay_samples() const
{
    return d_kernel.beam_delay_samples();
}

} // namespace ecdisc
} // namespace gr
