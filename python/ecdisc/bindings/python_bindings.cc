/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <pybind11/pybind11.h>

#define NPY_NO_DEPRECATED_API NPY_1_7_API_VERSION
#include <numpy/arrayobject.h>

namespace py = pybind11;

// ecdisc_bind_list.h is written by CMake (bindings/CMakeLists.txt) from the
// <block>_python.cc files present: it declares bind_<block>() for each one and
// defines ECDISC_BIND_ALL(m), which calls them all. Adding a block's binding
// file is all it takes to register it.
#include "ecdisc_bind_list.h"

// import_array() returns NULL on newer Python versions, hence the wrapper.
void* init_numpy()
{
    import_array();
    return NULL;
}

PYBIND11_MODULE(ecdisc_python, m)
{
    // Initialize the numpy C API (otherwise we will see segmentation faults)
    init_numpy();

    // Allow access to base block methods
    py::module::import("gnuradio.gr");

    ECDISC_BIND_ALL(m);
}
