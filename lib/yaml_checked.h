/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef ECDISC_KERNEL_YAML_CHECKED_H
#define ECDISC_KERNEL_YAML_CHECKED_H

/*! Strict reading of the module's YAML files (medium stacks, calibrations):
 *  every key is read through a checked accessor, unknown keys, wrong types
 *  and values out of range throw std::invalid_argument naming the file, the
 *  key path, the value and what is allowed. */

#include <yaml-cpp/yaml.h>
#include <cmath>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>

namespace ecdisc {
namespace yaml_checked {

inline std::string fmt(double v)
{
    std::ostringstream s;
    s << v;
    return s.str();
}

//! A checked view of one YAML mapping: every key must be read exactly once
//! through the accessors; finish() rejects the keys nobody asked for.
class mapping final
{
public:
    mapping(const YAML::Node& node, std::string source, std::string path)
        : d_node(node), d_source(std::move(source)), d_path(std::move(path))
    {
        if (!d_node.IsMap())
            fail(d_path.empty() ? std::string("(top level)") : d_path,
                 "must be a mapping of keys");
    }

    [[noreturn]] void fail(const std::string& key_path, const std::string& what) const
    {
        throw std::invalid_argument(d_source + ": " + key_path + ": " + what);
    }
    [[noreturn]] void fail_value(const std::string& key,
                                 const std::string& value,
                                 const std::string& what) const
    {
        throw std::invalid_argument(d_source + ": " + key_path(key) + " = " + value +
                                    ": " + what);
    }

    std::string key_path(const std::string& key) const
    {
        return d_path.empty() ? key : d_path + "." + key;
    }

    YAML::Node node(const std::string& key, const std::string& expected)
    {
        d_used.insert(key);
        YAML::Node n = d_node[key];
        if (!n.IsDefined() || n.IsNull())
            fail(key_path(key), "missing (expected " + expected + ")");
        return n;
    }

    //! true when the key is present (and not null); marks it as read
    bool has(const std::string& key)
    {
        d_used.insert(key);
        YAML::Node n = d_node[key];
        return n.IsDefined() && !n.IsNull();
    }

    std::string text(const std::string& key)
    {
        YAML::Node n = node(key, "a string");
        if (!n.IsScalar())
            fail(key_path(key), "must be a string");
        const std::string s = n.Scalar();
        if (s.empty())
            fail_value(key, "\"\"", "must not be empty");
        return s;
    }

    /*! A number checked against [lo, hi] (open ends where lo_open/hi_open);
     *  range names the allowed range in the message. */
    double number(const std::string& key,
                  double lo,
                  double hi,
                  bool lo_open,
                  bool hi_open,
                  const std::string& range)
    {
        YAML::Node n = node(key, "a number " + range);
        if (!n.IsScalar())
            fail(key_path(key), "must be a number " + range);
        double v;
        try {
            v = n.as<double>();
        } catch (const YAML::Exception&) {
            fail_value(key, n.Scalar(), "must be a number " + range);
        }
        const bool ok = std::isfinite(v) && (lo_open ? v > lo : v >= lo) &&
                        (hi_open ? v < hi : v <= hi);
        if (!ok)
            fail_value(key, n.Scalar(), "must be " + range);
        return v;
    }

    //! A number in [lo, hi], or (lo, hi] when lo_open.
    double number(const std::string& key, double lo, double hi, bool lo_open)
    {
        const std::string range =
            std::string("in ") + (lo_open ? "(" : "[") + fmt(lo) + ", " + fmt(hi) + "]";
        return number(key, lo, hi, lo_open, false, range);
    }

    int integer(const std::string& key, int lo, int hi)
    {
        const std::string range = "in " + std::to_string(lo) + ".." + std::to_string(hi);
        YAML::Node n = node(key, "an integer " + range);
        if (!n.IsScalar())
            fail(key_path(key), "must be an integer " + range);
        long v;
        try {
            v = n.as<long>();
        } catch (const YAML::Exception&) {
            fail_value(key, n.Scalar(), "must be an integer " + range);
        }
        if (v < lo || v > hi)
            fail_value(key, n.Scalar(), "must be " + range);
        return static_cast<int>(v);
    }

    void finish(const std::string& allowed) const
    {
        for (const auto& kv : d_node) {
            const std::string k = kv.first.as<std::string>();
            if (!d_used.count(k))
                fail(key_path(k), "unknown key (allowed: " + allowed + ")");
        }
    }

    const std::string& source() const { return d_source; }
    const std::string& path() const { return d_path; }

private:
    YAML::Node d_node;
    std::string d_source;
    std::string d_path;
    std::set<std::string> d_used;
};


/*! Reads a configuration file; a bare name that is not a file here is also
 *  looked up among the installed media (share/gr-ecdisc/media). Throws
 *  "<key> = <path>: cannot be opened". name receives the file's base name,
 *  for messages. */
std::string read_file(const std::string& key, const std::string& path, std::string& name);

} // namespace yaml_checked
} // namespace ecdisc

#endif
