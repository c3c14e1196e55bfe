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


static const char* __doc_gr_ecdisc_rll17pp_encoder = R"doc()doc";


static const char* __doc_gr_ecdisc_rll17pp_encoder_rll17pp_encoder_0 = R"doc()doc";


static const char* __doc_gr_ecdisc_rll17pp_encoder_rll17pp_encoder_1 = R"doc()doc";


static const char* __doc_gr_ecdisc_rll17pp_encoder_make = R"doc()doc";


static const char* __doc_gr_ecdisc_rll17pp_encoder_frame_bytes = R"doc()doc";


static const char* __doc_gr_ecdisc_rll17pp_encoder_frame_bits = R"doc()doc";


static const char* __doc_gr_ecdisc_rll17pp_encoder_frames = R"doc()doc";


static const char* __doc_gr_ecdisc_rll17pp_encoder_max_abs_rds = R"doc()doc";


static const char* __doc_gr_ecdisc_rll17pp_encoder_rds = R"doc()doc";
