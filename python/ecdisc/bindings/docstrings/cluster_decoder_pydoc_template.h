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


static const char* __doc_gr_ecdisc_cluster_decoder = R"doc()doc";


static const char* __doc_gr_ecdisc_cluster_decoder_cluster_decoder_0 = R"doc()doc";


static const char* __doc_gr_ecdisc_cluster_decoder_cluster_decoder_1 = R"doc()doc";


static const char* __doc_gr_ecdisc_cluster_decoder_make = R"doc()doc";


static const char* __doc_gr_ecdisc_cluster_decoder_cluster_user_bytes = R"doc()doc";


static const char* __doc_gr_ecdisc_cluster_decoder_cluster_bytes = R"doc()doc";


static const char* __doc_gr_ecdisc_cluster_decoder_sectors_per_cluster = R"doc()doc";


static const char* __doc_gr_ecdisc_cluster_decoder_sector_user_bytes = R"doc()doc";


static const char* __doc_gr_ecdisc_cluster_decoder_clusters = R"doc()doc";


static const char* __doc_gr_ecdisc_cluster_decoder_sectors = R"doc()doc";


static const char* __doc_gr_ecdisc_cluster_decoder_sectors_corrected = R"doc()doc";


static const char* __doc_gr_ecdisc_cluster_decoder_sectors_failed = R"doc()doc";
