/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef ECDISC_KERNEL_SERVO_SIGNALS_H
#define ECDISC_KERNEL_SERVO_SIGNALS_H

#include <cstddef>
#include <string>

namespace ecdisc {

/*
 * Servo error signals from photodetector channels (normalised photocurrent,
 * float), pure arithmetic on the channels: the same kernels serve the
 * medium simulator's detector outputs and a bench capture.
 *
 * Detector geometry and sign conventions. x is the radial (cross-track)
 * direction, pointing to the outer radius; y is the tangential (along-track)
 * direction, as imaged on the detector. The main-beam quadrant detector is
 * numbered counter-clockwise from the first quadrant:
 *
 *            y
 *        B   |   A          A: x > 0, y > 0     C: x < 0, y < 0
 *      ------+------ x      B: x < 0, y > 0     D: x > 0, y < 0
 *        C   |   D
 *
 * so A, C and B, D are the two diagonal pairs; the astigmatic focal lines
 * lie along the diagonals.
 *
 *  fes_astigmatic  FES = ((A + C) - (B + D)) / (A + B + C + D). Positive
 *                  when the spot on the detector is elongated along the
 *                  A-C diagonal (the focal line nearer the detector on that
 *                  diagonal); zero for a round spot (best focus).
 *  push_pull       PP = ((A + D) - (B + C)) / (A + B + C + D): the x > 0
 *                  half minus the x < 0 half (outer minus inner).
 *  dpp             differential push-pull with two side beams, each on a
 *                  two-half detector (E1, F1: x > 0 halves; E2, F2: x < 0):
 *                  DPP = ((A + D - B - C) - k (E1 + F1 - E2 - F2))
 *                        / ((A + B + C + D) + k (E1 + E2 + F1 + F2)).
 *                  With the side spots half a track pitch off the main
 *                  spot their push-pull is inverted, a lens-shift offset is
 *                  common to all beams: with k = main sum / side sum the
 *                  offset cancels and DPP = (PP_main - PP_side) / 2 with
 *                  PP_side = (E1 + F1 - E2 - F2) / (E1 + E2 + F1 + F2),
 *                  i.e. DPP is in units of the main normalised push-pull.
 *                  k >= 0 fixed; k < 0: estimated as the ratio of the main
 *                  and side sums, exponentially averaged over k_window
 *                  samples (the classical DPP gain, main / side intensity:
 *                  it balances the common offset whatever the grating
 *                  ratio of the beams).
 *  three_beam      TE = (E - F) / (E + F), E and F the total signals of
 *                  the two side spots (E displaced by about +p/4 along x,
 *                  F by -p/4).
 *  rf_sum          RF = A + B + C + D (not normalised).
 *
 * Normalisation floor: every normalised signal divides by max(sum,
 * sum_floor) (sum_floor > 0, in the units of the channels, default 1e-6):
 * with no light the output goes to 0 instead of blowing up, and the output
 * is continuous in the channels.
 */
enum class servo_method { fes_astigmatic, push_pull, dpp, three_beam, rf_sum };

//! "fes_astigmatic", "push_pull", "dpp", "three_beam", "rf_sum"; anything
//! else throws std::invalid_argument naming the parameter "method"
servo_method parse_servo_method(const std::string& method);
std::string servo_method_name(servo_method m);
//! detector channels a method takes: 4, 4, 8, 2, 4
int servo_method_inputs(servo_method m);

//! (A + C - B - D) / max(A + B + C + D, floor), n samples
void focus_error_astigmatic(const float* a,
                            const float* b,
                            const float* c,
                            const float* d,
                            float* out,
                            size_t n,
                            float floor);
//! (A + D - B - C) / max(A + B + C + D, floor)
void push_pull(const float* a,
               const float* b,
               const float* c,
               const float* d,
               float* out,
               size_t n,
               float floor);
//! (E - F) / max(E + F, floor)
void three_beam(const float* e, const float* f, float* out, size_t n, float floor);
//! A + B + C + D
void rf_sum(const float* a, const float* b, const float* c, const float* d, float* out, size_t n);
//! DPP with a fixed k (see above)
void differential_push_pull(const float* const* ch, float* out, size_t n, float k, float floor);

/*!
 * One servo error signal, stateful only for the DPP gain estimate.
 * process(): ch[0..inputs()-1] the detector channels in the order A, B, C,
 * D (main quadrants), E1, E2, F1, F2 (DPP side halves), or E, F (three-beam).
 */
class servo_error_signal
{
public:
    /*!
     * \param method see parse_servo_method
     * \param k DPP side-beam gain, >= 0 fixed, < 0 estimated (initial
     *        estimate from the first samples); ignored by other methods
     * \param sum_floor normalisation floor, > 0
     * \param k_window averaging time constant of the k estimate, samples,
     *        1..1e9
     */
    servo_error_signal(const std::string& method,
                       double k = -1.0,
                       double sum_floor = 1e-6,
                       double k_window = 10000.0);

    servo_method method() const { return d_method; }
    int inputs() const { return servo_method_inputs(d_method); }
    //! current DPP gain (fixed or the running estimate; 1 before any data)
    double k() const { return d_k; }
    //! >= 0: fix; < 0: estimate from now on
    void set_k(double k);
    bool k_estimated() const { return d_estimate; }
    double sum_floor() const { return d_floor; }

    void process(const float* const* ch, float* out, size_t n);

private:
    servo_method d_method;
    double d_k = 1.0;
    bool d_estimate = false;
    double d_floor;
    double d_window;
    double d_main_avg = 0.0, d_side_avg = 0.0; // running sums for the k estimate
    bool d_have_avg = false;
};

} // namespace ecdisc

#endif
