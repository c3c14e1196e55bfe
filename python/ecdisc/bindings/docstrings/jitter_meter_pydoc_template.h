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


static const char* __doc_gr_ecdisc_jitter_meter = R"doc()doc";


static const char* __doc_gr_ecdisc_jitter_meter_jitter_meter_0 = R"doc()doc";


static const char* __doc_gr_ecdisc_jitter_meter_jitter_meter_1 = R"doc()doc";


static const char* __doc_gr_ecdisc_jitter_meter_make = R"doc()doc";


static const char* __doc_gr_ecdisc_jitter_meter_jitter_pct = R"doc()doc";


static const char* __doc_gr_ecdisc_jitter_meter_edges = R"doc()doc";


static const char* __doc_gr_ecdisc_jitter_meter_edges_seen = R"doc()doc";


static const char* __doc_gr_ecdisc_jitter_meter_mean_offset_pct = R"doc()doc";


static const char* __doc_gr_ecdisc_jitter_meter_asymmetry_pct = R"doc()doc";


static const char* __doc_gr_ecdisc_jitter_meter_period = R"doc()doc";


static const char* __doc_gr_ecdisc_jitter_meter_threshold = R"doc()doc";


static const char* __doc_gr_ecdisc_jitter_meter_clock_losses = R"doc()doc";


static const char* __doc_gr_ecdisc_jitter_meter_reset_stats = R"doc()doc";
