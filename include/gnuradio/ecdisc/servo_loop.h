/* -*- c++ -*- */
/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_ECDISC_SERVO_LOOP_H
#define INCLUDED_ECDISC_SERVO_LOOP_H

#include <gnuradio/ecdisc/api.h>
#include <gnuradio/sync_block.h>
#include <cstdint>
#include <string>

namespace gr {
namespace ecdisc {

/*!
 * \brief Focus and tracking servo controllers: error signals in, actuator
 * drives out (lib/servo_loop.h has the design).
 * \ingroup ecdisc
 *
 * Input 0: focus error signal (float, normalised FES, e.g. from servo_error
 * "fes_astigmatic"); input 1: tracking error signal (float, normalised TES,
 * push-pull / DPP), both at the detector sample rate and both measured
 * against the target the set-point names (the track / layer the loop closed
 * on, moved by jumps).
 *
 * Every update_samples() = round(sample_rate / update_rate_hz) samples the
 * mean of each input over those samples is one servo update: the
 * controllers (PI + lead, designed for the configured crossover and phase
 * margin at the actual update rate sample_rate / update_samples) compute
 * the drives, which are held until the next update.
 *
 * Outputs (float, one per input sample): 0 = focus actuator drive, 1 =
 * tracking actuator drive, in volts at the actuator driver's input (the
 * actuator's DC sensitivity, dc_gain_m_per_v in the YAML, turns them into
 * lens displacement); optional 2 = focus error, 3 = tracking error, in nm
 * (input / slope_per_m, per sample). Output sample k carries the drive of
 * the last update completed before it (0 before the first).
 *
 * Tags on output 0 when a lock state changes: "focus_locked",
 * "tracking_locked" (pmt bool), at the first sample carrying the drive of
 * the update that changed it.
 *
 * Message input "control", a dict with any of: close (bool: close / open
 * both loops), track_jump (int, tracks, + = outwards), layer_jump (int,
 * nominal layer distances, + = deeper), layer_jump_m (float, metres),
 * focus_search (bool). A jump with the loop open is refused with an error
 * log; messages are applied at the next work call.
 */
class ECDISC_API servo_loop : virtual public gr::sync_block
{
public:
    typedef std::shared_ptr<servo_loop> sptr;

    /*!
     * \param servo_file servo YAML ("" = the built-in default,
     *        media/servo_default.yml; a bare name is also looked up among the
     *        installed media)
     * \param sample_rate detector sample rate, Hz, > 0; the update rate
     *        sample_rate / update_samples must be at least 4 x each crossover
     * \param start_closed close both loops at start
     */
    static sptr make(const std::string& servo_file = "",
                     double sample_rate = 10e6,
                     bool start_closed = true);

    //! samples per servo update
    virtual int update_samples() const = 0;
    //! the actual update rate, Hz
    virtual double update_rate() const = 0;
    virtual bool locked_focus() const = 0;
    virtual bool locked_tracking() const = 0;
    virtual bool closed() const = 0;
    virtual bool searching() const = 0;
    //! rms of the focus / tracking error the updates saw (nm), since the
    //! start or reset_stats()
    virtual double focus_rms_nm() const = 0;
    virtual double tracking_rms_nm() const = 0;
    virtual void reset_stats() = 0;
    //! the set-points (reference offsets, metres) after the last update
    virtual double focus_reference_m() const = 0;
    virtual double tracking_reference_m() const = 0;
    //! the designed controller: gain K (V per normalised error unit) and
    //! lead ratio (wp / wz) of each axis
    virtual double focus_gain() const = 0;
    virtual double focus_lead_ratio() const = 0;
    virtual double tracking_gain() const = 0;
    virtual double tracking_lead_ratio() const = 0;

    virtual void close(bool on) = 0;
    virtual void track_jump(int n) = 0;
    virtual void layer_jump(int n) = 0;
    virtual void focus_search(bool on) = 0;
};

} // namespace ecdisc
} // namespace gr

#endif /* INCLUDED_ECDISC_SERVO_LOOP_H */
