/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef ECDISC_KERNEL_ADC_CALIBRATION_H
#define ECDISC_KERNEL_ADC_CALIBRATION_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace ecdisc {

/*! One ADC (RX) channel of a bench: the detector of one beam, with its
 *  measured ADC -> photocurrent map (see media/bench_calibration_example.yml).
 *
 *  photocurrent = p(u), u = gain * (adc - offset), p(u) = sum_k c_k u^k with
 *  c = polynomial (default [0, 1]: p(u) = u). Photocurrent is normalised as
 *  the medium simulator's detector signal: 1.0 = 1 mW reflected onto the
 *  detector. adc is the RX sample's I component in ADC full-scale units. */
struct adc_channel {
    std::string name;
    int rx_channel = 0;          //!< RX channel of the device, 0..15
    int beam = 0;                //!< laser-array beam whose detector it reads, 0..3
    double adc_full_scale = 1.0; //!< |adc| >= full scale counts as saturated
    double gain = 1.0;           //!< photocurrent units per ADC unit, != 0
    double offset = 0.0;         //!< ADC reading in the dark, ADC units
    std::vector<double> polynomial{ 0.0, 1.0 }; //!< c_0, c_1, ... (1..8 terms)
};

/*! A bench calibration's ADC side as read from its YAML file.
 *  dac_calibration: the DAC-side calibration file (the schema power_to_dac
 *  reads, lib/calibration.h), resolved: a relative path is taken relative to
 *  the bench file's directory when it exists there, else as given (cwd, then
 *  the installed media). Empty when the file names none. */
struct adc_calibration_config {
    std::string name;
    std::string source; //!< the file name, for messages
    std::string dac_calibration;
    std::vector<adc_channel> channels;

    /*! The channel named `channel`, or on the RX channel whose index is the
     *  decimal string `channel` ("1"). Throws std::invalid_argument listing
     *  the channels otherwise. */
    const adc_channel& find_channel(const std::string& channel) const;
};

/*! Parses and validates the ADC side of a bench calibration. source names
 *  the text in messages ("<source>: <key path> = <value>: <allowed>"); dir is
 *  the directory relative dac_calibration paths are resolved against ("" =
 *  none). When dac_calibration is given, that file is loaded and checked
 *  (load_calibration). Every error is a std::invalid_argument. */
adc_calibration_config parse_adc_calibration_yaml(const std::string& text,
                                                  const std::string& source,
                                                  const std::string& dir = "");

/*! Reads a file and parses it; a bare name that is not a file here is also
 *  looked up among the installed media (share/gr-ecdisc/media). */
adc_calibration_config load_adc_calibration(const std::string& path);

/*! The ADC -> photocurrent map of one channel. The stream path works in
 *  double internally and counts saturated samples (|adc| >= adc_full_scale,
 *  or NaN). */
class adc_to_photocurrent_map
{
public:
    explicit adc_to_photocurrent_map(const adc_channel& channel);

    /*! out[i] = photocurrent of in[i]; in and out may alias. When
     *  saturation_starts is given, appends the index (within this call) of
     *  the first sample of every saturated run; a run continuing from the
     *  previous call does not start again. */
    void process(const float* in,
                 float* out,
                 size_t n,
                 std::vector<size_t>* saturation_starts = nullptr);

    //! the map for one value (double precision)
    double photocurrent(double adc) const;

    const adc_channel& channel() const { return d_ch; }
    uint64_t samples() const { return d_samples; }
    uint64_t saturated() const { return d_saturated; }
    void reset_counts();

private:
    adc_channel d_ch;
    bool d_linear; //!< polynomial of degree <= 1: one multiply-add per sample
    double d_a = 1, d_b = 0; //!< linear case: out = a * adc + b
    uint64_t d_samples = 0, d_saturated = 0;
    bool d_prev_sat = false;
};

} // namespace ecdisc

#endif
