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


static const char* __doc_gr_ecdisc_prml_viterbi = R"doc()doc";


static const char* __doc_gr_ecdisc_prml_viterbi_prml_viterbi_0 = R"doc()doc";


static const char* __doc_gr_ecdisc_prml_viterbi_prml_viterbi_1 = R"doc()doc";


static const char* __doc_gr_ecdisc_prml_viterbi_make = R"doc()doc";


static const char* __doc_gr_ecdisc_prml_viterbi_latency = R"doc()doc";


static const char* __doc_gr_ecdisc_prml_viterbi_num_states = R"doc()doc";


static const char* __doc_gr_ecdisc_prml_viterbi_parallel_segment = R"doc()doc";
