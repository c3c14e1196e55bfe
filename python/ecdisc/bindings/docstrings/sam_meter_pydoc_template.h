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


static const char* __doc_gr_ecdisc_sam_meter = R"doc()doc";


static const char* __doc_gr_ecdisc_sam_meter_sam_meter_0 = R"doc()doc";


static const char* __doc_gr_ecdisc_sam_meter_sam_meter_1 = R"doc()doc";


static const char* __doc_gr_ecdisc_sam_meter_make = R"doc()doc";


static const char* __doc_gr_ecdisc_sam_meter_sam_mean = R"doc()doc";


static const char* __doc_gr_ecdisc_sam_meter_sam_sigma = R"doc()doc";


static const char* __doc_gr_ecdisc_sam_meter_sam_db = R"doc()doc";


static const char* __doc_gr_ecdisc_sam_meter_events = R"doc()doc";


static const char* __doc_gr_ecdisc_sam_meter_negatives = R"doc()doc";


static const char* __doc_gr_ecdisc_sam_meter_d2 = R"doc()doc";


static const char* __doc_gr_ecdisc_sam_meter_reset_stats = R"doc()doc";
