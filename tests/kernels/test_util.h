/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Helpers shared by the kernel suites.
 */
#ifndef ECDISC_TEST_UTIL_H
#define ECDISC_TEST_UTIL_H

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace ecdisc_test {

//! The message of the std::invalid_argument that f() throws, or
//! "no exception" when it throws none.
template <typename F>
std::string invalid_argument_message(F&& f)
{
    try {
        f();
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "no exception";
}

/*! Runs two beams' power profiles p0, p1 through a fresh kernel from
 *  make() (anything with process(const float* const*, float* const*, n))
 *  in one call, or split into pseudo-random pieces of 1..500 samples;
 *  returns both beams' signals, concatenated. Equal results for both
 *  splittings show that the output does not depend on chunking. */
template <typename Make>
std::vector<float> run_two_beams(const Make& make,
                                 const std::vector<float>& p0,
                                 const std::vector<float>& p1,
                                 bool split)
{
    auto m = make();
    const size_t n = p0.size();
    std::vector<float> s0(n), s1(n);
    uint64_t r = 1;
    for (size_t i = 0; i < n;) {
        r = r * 6364136223846793005ull + 1442695040888963407ull;
        const size_t k = split ? std::min<size_t>(n - i, 1 + (r >> 33) % 500) : n - i;
        const float* in[2] = { p0.data() + i, p1.data() + i };
        float* out[2] = { s0.data() + i, s1.data() + i };
        m->process(in, out, k);
        i += k;
    }
    s0.insert(s0.end(), s1.begin(), s1.end());
    return s0;
}

} // namespace ecdisc_test

#endif
