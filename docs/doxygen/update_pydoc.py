#!/usr/bin/env python3
# This file is part of gr-ecdisc.
# SPDX-License-Identifier: GPL-3.0-or-later
"""Docstring step of GNU Radio's GR_PYBIND_MAKE_OOT, reduced to what this
module uses: 'copy' turns bindings/docstrings/<x>_pydoc_template.h into the
<x>_pydoc.h headers the bindings include. Doxygen scraping is not used (the
module builds with ENABLE_DOXYGEN=OFF); 'scrape' and 'sub' say so."""

import argparse
import glob
import os
import sys


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("function", choices=["scrape", "sub", "copy"])
    p.add_argument("--bindings_dir")
    p.add_argument("--output_dir")
    p.add_argument("--xml_path")
    p.add_argument("--json_path")
    p.add_argument("--filter")
    a = p.parse_args()
    if a.function != "copy":
        sys.exit("update_pydoc.py: '%s' needs Doxygen docstrings; configure "
                 "with -DENABLE_DOXYGEN=OFF" % a.function)
    os.makedirs(a.output_dir, exist_ok=True)
    for src in sorted(glob.glob(os.path.join(a.bindings_dir, "*_pydoc_template.h"))):
        dst = os.path.join(a.output_dir,
                           os.path.basename(src).replace("_template.h", ".h"))
        with open(src) as fi, open(dst, "w") as fo:
            fo.write(fi.read())
    with open(os.path.join(a.output_dir, "docstring_status"), "w") as f:
        f.write("DONE")


if __name__ == "__main__":
    main()
