/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Helpers shared by the kernel suites.
 */
#ifndef ECDISC_TEST_UTIL_H
#define ECDISC_TEST_UTIL_H

#include <stdexcept>
#include <string>

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

} // namespace ecdisc_test

#endif
