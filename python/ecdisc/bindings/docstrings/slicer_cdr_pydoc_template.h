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


static const char* __doc_gr_ecdisc_slicer_cdr = R"doc()doc";


static const char* __doc_gr_ecdisc_slicer_cdr_slicer_cdr_0 = R"doc()doc";


static const char* __doc_gr_ecdisc_slicer_cdr_slicer_cdr_1 = R"doc()doc";


static const char* __doc_gr_ecdisc_slicer_cdr_make = R"doc()doc";


static const char* __doc_gr_ecdisc_slicer_cdr_period = R"doc()doc";


static const char* __doc_gr_ecdisc_slicer_cdr_bits = R"doc()doc";


static const char* __doc_gr_ecdisc_slicer_cdr_set_threshold = R"doc()doc";


static const char* __doc_gr_ecdisc_slicer_cdr_threshold = R"doc()doc";
