/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "yaml_checked.h"
#include <fstream>

namespace ecdisc {
namespace yaml_checked {

std::string read_file(const std::string& key, const std::string& path, std::string& name)
{
    std::ifstream f(path);
#ifdef ECDISC_MEDIA_DIR
    if (!f && path.find('/') == std::string::npos)
        f.open(std::string(ECDISC_MEDIA_DIR) + "/" + path);
#endif
    if (!f)
        throw std::invalid_argument(key + " = " + path + ": cannot be opened");
    std::stringstream s;
    s << f.rdbuf();
    const auto slash = path.find_last_of('/');
    name = slash == std::string::npos ? path : path.substr(slash + 1);
    return s.str();
}

} // namespace yaml_checked
} // namespace ecdisc
