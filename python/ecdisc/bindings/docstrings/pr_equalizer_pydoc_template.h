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


static const char* __doc_gr_ecdisc_pr_equalizer = R"doc()doc";


static const char* __doc_gr_ecdisc_pr_equalizer_pr_equalizer_0 = R"doc()doc";


static const char* __doc_gr_ecdisc_pr_equalizer_pr_equalizer_1 = R"doc()doc";


static const char* __doc_gr_ecdisc_pr_equalizer_make = R"doc()doc";


static const char* __doc_gr_ecdisc_pr_equalizer_taps = R"doc()doc";


static const char* __doc_gr_ecdisc_pr_equalizer_set_taps = R"doc()doc";


static const char* __doc_gr_ecdisc_pr_equalizer_mse = R"doc()doc";


static const char* __doc_gr_ecdisc_pr_equalizer_frozen = R"doc()doc";


static const char* __doc_gr_ecdisc_pr_equalizer_set_frozen = R"doc()doc";


static const char* __doc_gr_ecdisc_pr_equalizer_mode = R"doc()doc";


static const char* __doc_gr_ecdisc_pr_equalizer_set_mode = R"doc()doc";


static const char* __doc_gr_ecdisc_pr_equalizer_mu = R"doc()doc";


static const char* __doc_gr_ecdisc_pr_equalizer_set_mu = R"doc()doc";


static const char* __doc_gr_ecdisc_pr_equalizer_update_every = R"doc()doc";


static const char* __doc_gr_ecdisc_pr_equalizer_set_update_every = R"doc()doc";
