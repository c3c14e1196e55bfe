/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef ECDISC_KERNEL_CALIBRATION_H
#define ECDISC_KERNEL_CALIBRATION_H

#include "medium_config.h"
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace ecdisc {

/*! One DAC channel of a bench: the laser driver of one beam, with its
 *  measured power -> DAC curve (see media/calibration_example.yml). */
struct calibration_channel {
    std::string name;
    int beam = 0;                 //!< laser-array entry this channel drives
    int dac_bits = 0;             //!< 0 = no quantisation, else 2..24
    double dac_full_scale = 1;    //!< the DAC spans [-full_scale, full_scale]
    std::vector<double> power_mw; //!< strictly increasing, >= 0
    std::vector<double> dac;      //!< non-decreasing, within the full scale
};

/*! A bench calibration as read from its YAML file. Every value is checked by
 *  the parser. laser_array is the bench's own laser-array geometry (same keys
 *  as a medium's laser_array, cross_track_tracks -3..3); empty when the file
 *  has none. */
struct calibration_config {
    std::string name;
    std::string source; //!< the file name, for messages
    std::vector<calibration_channel> channels;
    std::vector<medium_beam> laser_array;

    /*! The channel named `channel`, or driving the beam whose index is the
     *  decimal string `channel` ("1"). Throws std::invalid_argument listing the
     *  channels otherwise. */
    const calibration_channel& find_channel(const std::string& channel) const;
};

/*! Parses and validates a calibration. source names the text in error
 *  messages ("<source>: <key path> = <value>: <allowed>"); every error is a
 *  std::invalid_argument. */
calibration_config parse_calibration_yaml(const std::string& text,
                                          const std::string& source);

/*! Reads a file and parses it. A bare name that is not a file here is looked
 *  up among the installed media (share/gr-ecdisc/media). */
calibration_config load_calibration(const std::string& path);

//! BD track pitch, the default for the geometry check
constexpr double k_bd_track_pitch_m = 0.32e-6;

/*! Checks the geometry of a laser array against what the recording needs
 *  (claims 1-3): 1..4 beams; beam 0 (spot 1, the assist beam) strictly ahead
 *  of beam 1 (spot 2, the recording beam) along the track; no two spots at
 *  the same place; every spot within 3 tracks of every other; and the spots
 *  on one straight line (the image of a linear array of parallel beams),
 *  within a quarter of a track pitch. where names the array in messages
 *  ("bench.yml: laser_array"). Throws std::invalid_argument. */
void check_laser_array(const std::vector<medium_beam>& beams,
                       const std::string& where,
                       double track_pitch_m = k_bd_track_pitch_m);

/*! Checks that a calibration can drive the power streams of a medium's laser
 *  array: both arrays pass check_laser_array(); every channel's beam exists in
 *  the medium's array; and when the calibration has its own laser_array, it
 *  has as many beams as the medium's, with the same cross-track offsets and
 *  along-track positions within along_track_tolerance_m. Throws
 *  std::invalid_argument naming both files. */
void check_calibration_geometry(const calibration_config& cal,
                                const medium_config& medium,
                                double along_track_tolerance_m = 0.25e-6);

/*! The power (mW) -> DAC map of one channel: piecewise-linear interpolation
 *  of the calibration points, clipped to the first/last point outside them,
 *  then optionally quantised to dac_bits over [-full_scale, full_scale].
 *
 *  The stream path (process) works in float: a uniform grid over the power
 *  range gives each sample its segment with at most two corrections (no
 *  search), and each segment has a precomputed slope. Samples below the first
 *  point (and NaN) count as clipped low, samples above the last as clipped
 *  high. */
class power_to_dac_map
{
public:
    explicit power_to_dac_map(const calibration_channel& channel);

    /*! out[i] = DAC value of in[i] mW; in and out may alias. Counts clipping.
     *  When clip_starts is given, appends the index (within this call) of the
     *  first sample of every clipped run: a run is a stretch of samples all
     *  clipped low or all clipped high, and one that continues from the
     *  previous call does not start again. */
    void process(const float* in,
                 float* out,
                 size_t n,
                 std::vector<size_t>* clip_starts = nullptr);

    //! interpolated, clipped DAC value, not quantised (double precision)
    double dac(double power_mw) const;
    //! nearest DAC code: round(v / lsb) within [-2^(bits-1), 2^(bits-1) - 1]
    int64_t code(double dac_value) const;
    //! v quantised (code * lsb), or v itself when dac_bits is 0
    double quantise(double dac_value) const;
    //! dac() then quantise(): what process() outputs (up to float rounding)
    double forward(double power_mw) const { return quantise(dac(power_mw)); }
    /*! Inverse map, DAC -> mW for readback: the lowest power whose
     *  (unquantised) DAC value is dac_value; clipped to the first/last point
     *  outside the curve's DAC range. */
    double power_mw(double dac_value) const;

    //! size of one DAC code in DAC units (0 when dac_bits is 0)
    double lsb() const { return d_lsb; }
    double min_power_mw() const { return d_ch.power_mw.front(); }
    double max_power_mw() const { return d_ch.power_mw.back(); }
    const calibration_channel& channel() const { return d_ch; }

    uint64_t samples() const { return d_samples; }
    uint64_t clipped_low() const { return d_clipped_low; }
    uint64_t clipped_high() const { return d_clipped_high; }
    void reset_counts();

private:
    calibration_channel d_ch;
    // float tables for the stream path; entry n-1 is the last point with
    // slope 0, d_p has a +inf sentinel at n
    std::vector<float> d_p, d_d, d_slope;
    std::vector<int32_t> d_cell_seg; //!< a segment at or below each grid cell's
    float d_p0 = 0, d_pn = 0, d_inv_cell = 0;
    int32_t d_last_cell = 0;
    bool d_grid = false; //!< false: binary search (very uneven point spacing)
    double d_lsb = 0, d_inv_lsb = 0, d_code_lo = 0, d_code_hi = 0;
    uint64_t d_samples = 0, d_clipped_low = 0, d_clipped_high = 0;
    int d_prev_clip = 0; //!< 0 none, 1 low, 2 high: the last sample processed
};

} // namespace ecdisc

#endif
