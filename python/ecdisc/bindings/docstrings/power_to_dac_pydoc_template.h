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


static const char* __doc_gr_ecdisc_power_to_dac = R"doc()doc";


static const char* __doc_gr_ecdisc_power_to_dac_power_to_dac_0 = R"doc()doc";


static const char* __doc_gr_ecdisc_power_to_dac_power_to_dac_1 = R"doc()doc";


static const char* __doc_gr_ecdisc_power_to_dac_make = R"doc()doc";


static const char* __doc_gr_ecdisc_power_to_dac_samples = R"doc()doc";


static const char* __doc_gr_ecdisc_power_to_dac_clipped_low = R"doc()doc";


static const char* __doc_gr_ecdisc_power_to_dac_clipped_high = R"doc()doc";


static const char* __doc_gr_ecdisc_power_to_dac_channel_name = R"doc()doc";


static const char* __doc_gr_ecdisc_power_to_dac_beam = R"doc()doc";


static const char* __doc_gr_ecdisc_power_to_dac_lsb = R"doc()doc";


static const char* __doc_gr_ecdisc_power_to_dac_dac_value = R"doc()doc";


static const char* __doc_gr_ecdisc_power_to_dac_power_mw = R"doc()doc";
