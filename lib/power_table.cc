/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "power_table.h"
#include "yaml_checked.h"
#include <algorithm>
#include <stdexcept>

namespace ecdisc {

power_table::power_table(std::string name, std::vector<layer_power> layers)
    : d_name(std::move(name)), d_layers(std::move(layers))
{
}

bool power_table::has(int layer) const
{
    return std::any_of(d_layers.begin(), d_layers.end(), [layer](const layer_power& p) {
        return p.layer == layer;
    });
}

const layer_power& power_table::at(int layer) const
{
    for (const auto& p : d_layers)
        if (p.layer == layer)
            return p;
    std::string have;
    for (const auto& p : d_layers)
        have += (have.empty() ? "" : ", ") + std::to_string(p.layer);
    throw std::invalid_argument("layer = " + std::to_string(layer) +
                                ": not in power table " + d_name + " (layers " +
                                (have.empty() ? std::string("none") : have) + ")");
}

power_table parse_power_table_yaml(const std::string& text, const std::string& source)
{
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::Exception& e) {
        throw std::invalid_argument(source + ": not valid YAML: " + e.what());
    }
    yaml_checked::mapping top(root, source, "");
    const std::string name = top.text("name");
    YAML::Node list = top.node("layers", "a list of layers");
    if (!list.IsSequence() || list.size() == 0)
        top.fail("layers", "must be a non-empty list of layers");
    top.finish("name, layers");

    std::vector<layer_power> layers;
    for (size_t i = 0; i < list.size(); ++i) {
        yaml_checked::mapping m(list[i], source, "layers[" + std::to_string(i) + "]");
        layer_power p;
        p.layer = m.integer("layer", 0, 63);
        for (const auto& q : layers)
            if (q.layer == p.layer)
                m.fail_value("layer", std::to_string(p.layer), "appears twice in the table");
        p.write_power_mw = m.number("write_power_mw", 0.0, 100.0, false);
        p.space_power_mw = m.number("space_power_mw", 0.0, 100.0, false);
        if (p.space_power_mw > p.write_power_mw)
            m.fail_value("space_power_mw",
                         yaml_checked::fmt(p.space_power_mw),
                         "must be <= write_power_mw (" +
                             yaml_checked::fmt(p.write_power_mw) + ")");
        p.assist_power_mw = m.number("assist_power_mw", 0.0, 100.0, false);
        p.record_voltage_v = m.number("record_voltage_v", -10.0, 10.0, false);
        const bool b = m.has("bias_power_mw"), c = m.has("cooling_power_mw"),
                   md = m.has("middle_power_mw");
        if (b || c || md) {
            if (!(b && c && md))
                m.fail(m.key_path(b ? (c ? "middle_power_mw" : "cooling_power_mw")
                                    : "bias_power_mw"),
                       "missing: bias_power_mw, cooling_power_mw and middle_power_mw "
                       "go together");
            p.has_strategy_powers = true;
            p.bias_power_mw = m.number("bias_power_mw", 0.0, 100.0, false);
            p.cooling_power_mw = m.number("cooling_power_mw", 0.0, 100.0, false);
            p.middle_power_mw = m.number("middle_power_mw", 0.0, 100.0, false);
            const std::string w = " (" + yaml_checked::fmt(p.write_power_mw) + ")";
            if (p.bias_power_mw > p.write_power_mw)
                m.fail_value("bias_power_mw", yaml_checked::fmt(p.bias_power_mw),
                             "must be <= write_power_mw" + w);
            if (p.middle_power_mw > p.write_power_mw)
                m.fail_value("middle_power_mw", yaml_checked::fmt(p.middle_power_mw),
                             "must be <= write_power_mw" + w);
            if (p.cooling_power_mw > std::min(p.bias_power_mw, p.middle_power_mw))
                m.fail_value("cooling_power_mw", yaml_checked::fmt(p.cooling_power_mw),
                             "must be <= bias_power_mw and <= middle_power_mw");
        }
        m.finish("layer, write_power_mw, space_power_mw, assist_power_mw, "
                 "record_voltage_v, bias_power_mw, cooling_power_mw, middle_power_mw");
        layers.push_back(p);
    }
    return power_table(name, layers);
}

power_table load_power_table(const std::string& path)
{
    if (path.empty())
        return power_table();
    std::string name;
    const std::string text = yaml_checked::read_file("power_table_file", path, name);
    return parse_power_table_yaml(text, name);
}

} // namespace ecdisc
