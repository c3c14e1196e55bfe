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


static const char* __doc_gr_ecdisc_write_strategy = R"doc()doc";


static const char* __doc_gr_ecdisc_write_strategy_write_strategy_0 = R"doc()doc";


static const char* __doc_gr_ecdisc_write_strategy_write_strategy_1 = R"doc()doc";


static const char* __doc_gr_ecdisc_write_strategy_make = R"doc()doc";


static const char* __doc_gr_ecdisc_write_strategy_set_powers = R"doc()doc";


static const char* __doc_gr_ecdisc_write_strategy_write_power_mw = R"doc()doc";


static const char* __doc_gr_ecdisc_write_strategy_space_power_mw = R"doc()doc";


static const char* __doc_gr_ecdisc_write_strategy_assist_power_mw = R"doc()doc";


static const char* __doc_gr_ecdisc_write_strategy_set_strategy_powers = R"doc()doc";


static const char* __doc_gr_ecdisc_write_strategy_bias_power_mw = R"doc()doc";


static const char* __doc_gr_ecdisc_write_strategy_cooling_power_mw = R"doc()doc";


static const char* __doc_gr_ecdisc_write_strategy_middle_power_mw = R"doc()doc";


static const char* __doc_gr_ecdisc_write_strategy_set_record_voltage_v = R"doc()doc";


static const char* __doc_gr_ecdisc_write_strategy_record_voltage_v = R"doc()doc";


static const char* __doc_gr_ecdisc_write_strategy_set_layer = R"doc()doc";


static const char* __doc_gr_ecdisc_write_strategy_layer = R"doc()doc";


static const char* __doc_gr_ecdisc_write_strategy_mode = R"doc()doc";


static const char* __doc_gr_ecdisc_write_strategy_latency_samples = R"doc()doc";


static const char* __doc_gr_ecdisc_write_strategy_beam_delay_samples = R"doc()doc";
