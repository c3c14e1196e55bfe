/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef ECDISC_KERNEL_POWER_TABLE_H
#define ECDISC_KERNEL_POWER_TABLE_H

#include <string>
#include <vector>

namespace ecdisc {

/*
 * Per-layer write power table (the keys of media/power_table_default.yml).
 * Deeper layers are reached through the layers in front of them and need
 * more power; each layer also has its own electrode voltage for recording.
 *
 *   name: <text>
 *   layers:
 *     - {layer: 0, write_power_mw: 6.0, space_power_mw: 0.5,
 *        assist_power_mw: 3.0, record_voltage_v: 1.5,
 *        # optional, all three or none (multi_pulse / castle levels):
 *        bias_power_mw: 1.0, cooling_power_mw: 0.5, middle_power_mw: 4.0}
 *
 * Checks (std::invalid_argument naming the file, the key, the value and
 * what is allowed): unknown keys, wrong types, layer 0..63 and each layer at
 * most once, powers 0..100 mW, space_power_mw <= write_power_mw,
 * cooling <= bias <= write and cooling <= middle <= write when given,
 * record_voltage_v -10..10 V, at least one layer.
 */
struct layer_power {
    int layer = 0;
    double write_power_mw = 6.0;
    double space_power_mw = 0.5;
    double assist_power_mw = 3.0;
    double record_voltage_v = 1.5;
    bool has_strategy_powers = false; //!< bias/cooling/middle given
    double bias_power_mw = 1.0;
    double cooling_power_mw = 0.5;
    double middle_power_mw = 4.0;
};

class power_table
{
public:
    power_table() = default;
    power_table(std::string name, std::vector<layer_power> layers);

    const std::string& name() const { return d_name; }
    const std::vector<layer_power>& layers() const { return d_layers; }
    bool empty() const { return d_layers.empty(); }
    bool has(int layer) const;
    //! throws std::invalid_argument "layer = K: not in power table NAME (layers ...)"
    const layer_power& at(int layer) const;

private:
    std::string d_name;
    std::vector<layer_power> d_layers;
};

//! parses a power table's text strictly; source names it in messages
power_table parse_power_table_yaml(const std::string& text, const std::string& source);
/*! loads a power table file (a bare name is also looked up among the
 *  installed media); "" gives an empty table; a missing file throws
 *  "power_table_file = <path>: cannot be opened" */
power_table load_power_table(const std::string& path);

} // namespace ecdisc

#endif
