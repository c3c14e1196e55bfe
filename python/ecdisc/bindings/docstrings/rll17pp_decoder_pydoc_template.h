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


static const char* __doc_gr_ecdisc_rll17pp_decoder = R"doc()doc";


static const char* __doc_gr_ecdisc_rll17pp_decoder_rll17pp_decoder_0 = R"doc()doc";


static const char* __doc_gr_ecdisc_rll17pp_decoder_rll17pp_decoder_1 = R"doc()doc";


static const char* __doc_gr_ecdisc_rll17pp_decoder_make = R"doc()doc";


static const char* __doc_gr_ecdisc_rll17pp_decoder_locked = R"doc()doc";


static const char* __doc_gr_ecdisc_rll17pp_decoder_frames = R"doc()doc";


static const char* __doc_gr_ecdisc_rll17pp_decoder_frames_missing = R"doc()doc";


static const char* __doc_gr_ecdisc_rll17pp_decoder_sync_losses = R"doc()doc";


static const char* __doc_gr_ecdisc_rll17pp_decoder_missed_syncs = R"doc()doc";


static const char* __doc_gr_ecdisc_rll17pp_decoder_rll_violations = R"doc()doc";


static const char* __doc_gr_ecdisc_rll17pp_decoder_bytes_erased = R"doc()doc";


static const char* __doc_gr_ecdisc_rll17pp_decoder_frames_dropped = R"doc()doc";
