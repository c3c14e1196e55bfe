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


static const char* __doc_gr_ecdisc_servo_loop = R"doc()doc";


static const char* __doc_gr_ecdisc_servo_loop_servo_loop_0 = R"doc()doc";


static const char* __doc_gr_ecdisc_servo_loop_servo_loop_1 = R"doc()doc";


static const char* __doc_gr_ecdisc_servo_loop_make = R"doc()doc";


static const char* __doc_gr_ecdisc_servo_loop_update_samples = R"doc()doc";


static const char* __doc_gr_ecdisc_servo_loop_update_rate = R"doc()doc";


static const char* __doc_gr_ecdisc_servo_loop_locked_focus = R"doc()doc";


static const char* __doc_gr_ecdisc_servo_loop_locked_tracking = R"doc()doc";


static const char* __doc_gr_ecdisc_servo_loop_closed = R"doc()doc";


static const char* __doc_gr_ecdisc_servo_loop_searching = R"doc()doc";


static const char* __doc_gr_ecdisc_servo_loop_focus_rms_nm = R"doc()doc";


static const char* __doc_gr_ecdisc_servo_loop_tracking_rms_nm = R"doc()doc";


static const char* __doc_gr_ecdisc_servo_loop_reset_stats = R"doc()doc";


static const char* __doc_gr_ecdisc_servo_loop_focus_reference_m = R"doc()doc";


static const char* __doc_gr_ecdisc_servo_loop_tracking_reference_m = R"doc()doc";


static const char* __doc_gr_ecdisc_servo_loop_focus_gain = R"doc()doc";


static const char* __doc_gr_ecdisc_servo_loop_focus_lead_ratio = R"doc()doc";


static const char* __doc_gr_ecdisc_servo_loop_tracking_gain = R"doc()doc";


static const char* __doc_gr_ecdisc_servo_loop_tracking_lead_ratio = R"doc()doc";


static const char* __doc_gr_ecdisc_servo_loop_close = R"doc()doc";


static const char* __doc_gr_ecdisc_servo_loop_track_jump = R"doc()doc";


static const char* __doc_gr_ecdisc_servo_loop_layer_jump = R"doc()doc";


static const char* __doc_gr_ecdisc_servo_loop_focus_search = R"doc()doc";
