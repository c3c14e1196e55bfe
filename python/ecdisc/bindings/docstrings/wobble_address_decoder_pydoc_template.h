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


static const char* __doc_gr_ecdisc_wobble_address_decoder = R"doc()doc";


static const char* __doc_gr_ecdisc_wobble_address_decoder_wobble_address_decoder_0 =
    R"doc()doc";


static const char* __doc_gr_ecdisc_wobble_address_decoder_wobble_address_decoder_1 =
    R"doc()doc";


static const char* __doc_gr_ecdisc_wobble_address_decoder_make = R"doc()doc";


static const char* __doc_gr_ecdisc_wobble_address_decoder_words = R"doc()doc";


static const char* __doc_gr_ecdisc_wobble_address_decoder_words_failed = R"doc()doc";


static const char* __doc_gr_ecdisc_wobble_address_decoder_locked = R"doc()doc";


static const char* __doc_gr_ecdisc_wobble_address_decoder_synced = R"doc()doc";


static const char* __doc_gr_ecdisc_wobble_address_decoder_last_address = R"doc()doc";


static const char* __doc_gr_ecdisc_wobble_address_decoder_frequency = R"doc()doc";
