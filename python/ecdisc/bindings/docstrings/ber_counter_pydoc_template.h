/*
 * This file is part of gr-ecdisc.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 */
#include "pydoc_macros.h"
#define D(...) DOC(gr, ecdisc, __VA_ARGS__)
/*
  This file contains placeholders for docstrings for the Python bindings.
  Do not edit! These were automatically extracted during the binding process
  and will be overwritten during the build process
 */


static const char* __doc_gr_ecdisc_ber_counter = R"doc()doc";


static const char* __doc_gr_ecdisc_ber_counter_ber_counter_0 = R"doc()doc";


static const char* __doc_gr_ecdisc_ber_counter_ber_counter_1 = R"doc()doc";


static const char* __doc_gr_ecdisc_ber_counter_make = R"doc()doc";


static const char* __doc_gr_ecdisc_ber_counter_aligned = R"doc()doc";


static const char* __doc_gr_ecdisc_ber_counter_lag = R"doc()doc";


static const char* __doc_gr_ecdisc_ber_counter_reference_bits = R"doc()doc";


static const char* __doc_gr_ecdisc_ber_counter_bits_compared = R"doc()doc";


static const char* __doc_gr_ecdisc_ber_counter_errors = R"doc()doc";


static const char* __doc_gr_ecdisc_ber_counter_ber = R"doc()doc";
