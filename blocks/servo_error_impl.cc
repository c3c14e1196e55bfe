/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "servo_error_impl.h"
#include <gnuradio/io_signature.h>

namespace gr {
namespace ecdisc {

servo_error::sptr
servo_error::make(const std::string& method, double k, double sum_floor, double k_window)
{
    return gnuradio::make_block_sptr<servo_error_impl>(method, k, sum_floor, k_window);
}

namespace {
int inputs_of(const std::string& method)
{
    return ::ecdisc::servo_method_inputs(::ecdisc::parse_servo_method(method));
}
} // namespace

servo_error_impl::servo_error_impl(const std::string& method,
                                   double k,
                                   double sum_floor,
                                   double k_window)
    : gr::sync_block("servo_error",
                     gr::io_signature::make(inputs_of(method), inputs_of(method), sizeof(float)),
                     gr::io_signature::make(1, 1, sizeof(float))),
      d_kernel(method, k, sum_floor, k_window)
{
}

int servo_error_impl::work(int noutput_items,
                           gr_vector_const_void_star& input_items,
                           gr_vector_void_star& output_items)
{
    const float* ch[8];
    for (size_t i = 0; i < input_items.size() && i < 8; i++)
        ch[i] = static_cast<const float*>(input_items[i]);
    std::lock_guard<std::mutex> lock(d_mutex);
    d_kernel.process(ch, static_cast<float*>(output_items[0]), static_cast<size_t>(noutput_items));
    return noutput_items;
}

std::string servo_error_impl::method() const
{
    return ::ecdisc::servo_method_name(d_kernel.method());
}

int servo_error_impl::n_inputs() const { return d_kernel.inputs(); }

double servo_error_impl::k() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_kernel.k();
}

void servo_error_impl::set_k(double k)
{
    std::lock_guard<std::mutex> lock(d_mutex);
    d_kernel.set_k(k);
}

bool servo_error_impl::k_estimated() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_kernel.k_estimated();
}

double servo_error_impl::sum_floor() const { return d_kernel.sum_floor(); }

} // namespace ecdisc
} // namespace gr
