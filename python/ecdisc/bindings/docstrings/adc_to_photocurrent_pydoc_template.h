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


static const char* __doc_gr_ecdisc_adc_to_photocurrent = R"doc()doc";


static const char* __doc_gr_ecdisc_adc_to_photocurrent_adc_to_photocurrent_0 =
    R"doc()doc";


static const char* __doc_gr_ecdisc_adc_to_photocurrent_adc_to_photocurrent_1 =
    R"doc()doc";


static const char* __doc_gr_ecdisc_adc_to_photocurrent_make = R"doc()doc";


static const char* __doc_gr_ecdisc_adc_to_photocurrent_samples = R"doc()doc";


static const char* __doc_gr_ecdisc_adc_to_photocurrent_saturated = R"doc()doc";


static const char* __doc_gr_ecdisc_adc_to_photocurrent_channel_name = R"doc()doc";


static const char* __doc_gr_ecdisc_adc_to_photocurrent_rx_channel = R"doc()doc";


static const char* __doc_gr_ecdisc_adc_to_photocurrent_beam = R"doc()doc";


static const char* __doc_gr_ecdisc_adc_to_photocurrent_gain = R"doc()doc";


static const char* __doc_gr_ecdisc_adc_to_photocurrent_offset = R"doc()doc";


static const char* __doc_gr_ecdisc_adc_to_photocurrent_photocurrent = R"doc()doc";


static const char* __doc_gr_ecdisc_adc_to_photocurrent_dac_calibration = R"doc()doc";
