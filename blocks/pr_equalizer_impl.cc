/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pr_equalizer_impl.h"
#include <gnuradio/io_signature.h>
#include <stdexcept>

namespace gr {
namespace ecdisc {

pr_equalizer::sptr pr_equalizer::make(const std::vector<double>& target,
                                      int n_taps,
                                      double mu,
                                      const std::string& mode,
                                      int train_delay,
                                      double leakage,
                                      int update_every,
                                      const std::vector<double>& initial_taps)
{
    return gnuradio::make_block_sptr<pr_equalizer_impl>(
        target, n_taps, mu, mode, train_delay, leakage, update_every, initial_taps);
}

namespace {
const pmt::pmt_t k_control = pmt::mp("control");
const pmt::pmt_t k_freeze = pmt::mp("freeze");
const pmt::pmt_t k_mode = pmt::mp("mode");
} // namespace

pr_equalizer_impl::pr_equalizer_impl(const std::vector<double>& target,
                                     int n_taps,
                                     double mu,
                                     const std::string& mode,
                                     int train_delay,
                                     double leakage,
                                     int update_every,
                                     const std::vector<double>& initial_taps)
    : gr::sync_block("pr_equalizer",
                     gr::io_signature::makev(
                         1, 2, std::vector<int>{ sizeof(float), sizeof(uint8_t) }),
                     gr::io_signature::make(1, 1, sizeof(float))),
      d_kernel(target, n_taps, mu, mode, train_delay, leakage, update_every, initial_taps)
{
    set_history(static_cast<unsigned>(n_taps)); // the kernel reads it in place
    message_port_register_in(k_control);
    set_msg_handler(k_control, [this](const pmt::pmt_t& msg) { handle_control(msg); });
}

bool pr_equalizer_impl::check_topology(int ninputs, int)
{
    d_training_connected = ninputs > 1;
    std::lock_guard<std::mutex> lock(d_mutex);
    if (!d_training_connected && d_kernel.mode() == "train")
        d_logger->warn("mode train without a training input: the taps stay put");
    return true;
}

void pr_equalizer_impl::handle_control(const pmt::pmt_t& msg)
{
    if (!pmt::is_dict(msg)) {
        d_logger->error("control: expected a dict, got {}", pmt::write_string(msg));
        return;
    }
    std::lock_guard<std::mutex> lock(d_mutex);
    const pmt::pmt_t m = pmt::dict_ref(msg, k_mode, pmt::PMT_NIL);
    if (m != pmt::PMT_NIL) {
        if (!pmt::is_symbol(m)) {
            d_logger->error("control: mode must be a string, got {}",
                            pmt::write_string(m));
        } else {
            try {
                d_kernel.set_mode(pmt::symbol_to_string(m));
            } catch (const std::invalid_argument& e) {
                d_logger->error("control: {}", e.what());
            }
        }
    }
    const pmt::pmt_t f = pmt::dict_ref(msg, k_freeze, pmt::PMT_NIL);
    if (f != pmt::PMT_NIL) {
        if (pmt::is_bool(f))
            d_kernel.set_frozen(pmt::to_bool(f));
        else if (pmt::is_integer(f))
            d_kernel.set_frozen(pmt::to_long(f) != 0);
        else
            d_logger->error("control: freeze must be a bool, got {}",
                            pmt::write_string(f));
    }
}

int pr_equalizer_impl::work(int noutput_items,
                            gr_vector_const_void_star& input_items,
                            gr_vector_void_star& output_items)
{
    // With history n_taps, each input starts with n_taps - 1 past items.
    const size_t past = history() - 1;
    const auto* in = static_cast<const float*>(input_items[0]);
    const auto* train = input_items.size() > 1
                            ? static_cast<const uint8_t*>(input_items[1]) + past
                            : nullptr;
    auto* out = static_cast<float*>(output_items[0]);
    std::lock_guard<std::mutex> lock(d_mutex);
    d_kernel.process_history(in, train, out, static_cast<size_t>(noutput_items));
    return noutput_items;
}

std::vector<double> pr_equalizer_impl::taps() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_kernel.taps();
}

void pr_equalizer_impl::set_taps(const std::vector<double>& taps)
{
    std::lock_guard<std::mutex> lock(d_mutex);
    d_kernel.set_taps(taps);
}

double pr_equalizer_impl::mse() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_kernel.mse();
}

bool pr_equalizer_impl::frozen() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_kernel.frozen();
}

void pr_equalizer_impl::set_frozen(bool frozen)
{
    std::lock_guard<std::mutex> lock(d_mutex);
    d_kernel.set_frozen(frozen);
}

std::string pr_equalizer_impl::mode() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_kernel.mode();
}

void pr_equalizer_impl::set_mode(const std::string& mode)
{
    std::lock_guard<std::mutex> lock(d_mutex);
    d_kernel.set_mode(mode);
}

double pr_equalizer_impl::mu() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_kernel.mu();
}

void pr_equalizer_impl::set_mu(double mu)
{
    std::lock_guard<std::mutex> lock(d_mutex);
    d_kernel.set_mu(mu);
}

int pr_equalizer_impl::update_every() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_kernel.update_every();
}

void pr_equalizer_impl::set_update_every(int update_every)
{
    std::lock_guard<std::mutex> lock(d_mutex);
    d_kernel.set_update_every(update_every);
}

} // namespace ecdisc
} // namespace gr
