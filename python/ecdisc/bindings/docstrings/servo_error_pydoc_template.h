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


static const char* __doc_gr_ecdisc_servo_error = R"doc()doc";


static const char* __doc_gr_ecdisc_servo_error_servo_error_0 = R"doc()doc";


static const char* __doc_gr_ecdisc_servo_error_servo_error_1 = R"doc()doc";


static const char* __doc_gr_ecdisc_servo_error_make = R"doc()doc";


static const char* __doc_gr_ecdisc_servo_error_method = R"doc()doc";


static const char* __doc_gr_ecdisc_servo_error_n_inputs = R"doc()doc";


static const char* __doc_gr_ecdisc_servo_error_k = R"doc()doc";


static const char* __doc_gr_ecdisc_servo_error_set_k = R"doc()doc";


static const char* __doc_gr_ecdisc_servo_error_k_estimated = R"doc()doc";


static const char* __doc_gr_ecdisc_servo_error_sum_floor = R"doc()doc";
