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


static const char* __doc_gr_ecdisc_medium_sim = R"doc()doc";


static const char* __doc_gr_ecdisc_medium_sim_medium_sim_0 = R"doc()doc";


static const char* __doc_gr_ecdisc_medium_sim_medium_sim_1 = R"doc()doc";


static const char* __doc_gr_ecdisc_medium_sim_make = R"doc()doc";


static const char* __doc_gr_ecdisc_medium_sim_detector = R"doc()doc";


static const char* __doc_gr_ecdisc_medium_sim_set_focus_offset = R"doc()doc";


static const char* __doc_gr_ecdisc_medium_sim_focus_offset = R"doc()doc";


static const char* __doc_gr_ecdisc_medium_sim_set_tracking_offset = R"doc()doc";


static const char* __doc_gr_ecdisc_medium_sim_tracking_offset = R"doc()doc";


static const char* __doc_gr_ecdisc_medium_sim_set_position_tag_interval = R"doc()doc";


static const char* __doc_gr_ecdisc_medium_sim_position_tag_interval = R"doc()doc";


static const char* __doc_gr_ecdisc_medium_sim_set_layer_voltage = R"doc()doc";


static const char* __doc_gr_ecdisc_medium_sim_layer_voltage = R"doc()doc";


static const char* __doc_gr_ecdisc_medium_sim_set_focus_layer = R"doc()doc";


static const char* __doc_gr_ecdisc_medium_sim_focus_layer = R"doc()doc";


static const char* __doc_gr_ecdisc_medium_sim_set_track_offset = R"doc()doc";


static const char* __doc_gr_ecdisc_medium_sim_track_offset = R"doc()doc";


static const char* __doc_gr_ecdisc_medium_sim_set_noise_scale = R"doc()doc";


static const char* __doc_gr_ecdisc_medium_sim_noise_scale = R"doc()doc";


static const char* __doc_gr_ecdisc_medium_sim_num_layers = R"doc()doc";


static const char* __doc_gr_ecdisc_medium_sim_num_beams = R"doc()doc";


static const char* __doc_gr_ecdisc_medium_sim_medium_name = R"doc()doc";


static const char* __doc_gr_ecdisc_medium_sim_time_s = R"doc()doc";


static const char* __doc_gr_ecdisc_medium_sim_revolution = R"doc()doc";


static const char* __doc_gr_ecdisc_medium_sim_mean_state = R"doc()doc";


static const char* __doc_gr_ecdisc_medium_sim_assist_speedup = R"doc()doc";


static const char* __doc_gr_ecdisc_medium_sim_assist_speedup_for = R"doc()doc";


static const char* __doc_gr_ecdisc_medium_sim_crosstalk_db = R"doc()doc";


static const char* __doc_gr_ecdisc_medium_sim_is_spare = R"doc()doc";


static const char* __doc_gr_ecdisc_medium_sim_wobble_period_bits = R"doc()doc";


static const char* __doc_gr_ecdisc_medium_sim_wobbles_per_unit = R"doc()doc";


static const char* __doc_gr_ecdisc_medium_sim_save_image = R"doc()doc";


static const char* __doc_gr_ecdisc_medium_sim_load_image = R"doc()doc";


static const char* __doc_gr_ecdisc_medium_sim_servo_enabled = R"doc()doc";


static const char* __doc_gr_ecdisc_medium_sim_servo_beam = R"doc()doc";


static const char* __doc_gr_ecdisc_medium_sim_focus_error_rms_nm = R"doc()doc";


static const char* __doc_gr_ecdisc_medium_sim_tracking_error_rms_nm = R"doc()doc";


static const char* __doc_gr_ecdisc_medium_sim_reset_servo_stats = R"doc()doc";


static const char* __doc_gr_ecdisc_medium_sim_focus_locked = R"doc()doc";


static const char* __doc_gr_ecdisc_medium_sim_tracking_locked = R"doc()doc";


static const char* __doc_gr_ecdisc_medium_sim_servo_close = R"doc()doc";


static const char* __doc_gr_ecdisc_medium_sim_track_jump = R"doc()doc";


static const char* __doc_gr_ecdisc_medium_sim_layer_jump = R"doc()doc";


static const char* __doc_gr_ecdisc_medium_sim_focus_search = R"doc()doc";


static const char* __doc_gr_ecdisc_medium_sim_lens_focus_m = R"doc()doc";
