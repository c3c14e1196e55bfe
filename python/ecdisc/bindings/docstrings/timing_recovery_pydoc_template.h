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


static const char* __doc_gr_ecdisc_timing_recovery = R"doc()doc";


static const char* __doc_gr_ecdisc_timing_recovery_timing_recovery_0 = R"doc()doc";


static const char* __doc_gr_ecdisc_timing_recovery_timing_recovery_1 = R"doc()doc";


static const char* __doc_gr_ecdisc_timing_recovery_make = R"doc()doc";


static const char* __doc_gr_ecdisc_timing_recovery_locked = R"doc()doc";


static const char* __doc_gr_ecdisc_timing_recovery_samples_per_bit_estimate = R"doc()doc";


static const char* __doc_gr_ecdisc_timing_recovery_bits_out = R"doc()doc";


static const char* __doc_gr_ecdisc_timing_recovery_lock_metric = R"doc()doc";


static const char* __doc_gr_ecdisc_timing_recovery_loop_bw = R"doc()doc";


static const char* __doc_gr_ecdisc_timing_recovery_set_loop_bw = R"doc()doc";
