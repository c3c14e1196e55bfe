#!/usr/bin/env python3
# This file is part of gr-ecdisc.
# SPDX-License-Identifier: GPL-3.0-or-later
"""Smoke check of a QT GUI example's generated Python (compile-only CI: no
display). Imports the module grcc generated, builds its top block under
QT_QPA_PLATFORM=offscreen, starts it, lets it run briefly, stops it, and
fails if any step raises or the whole check takes longer than the limit.

usage: check_qt_example.py GENERATED.py [RUN_SECONDS] [LIMIT_SECONDS]
   or: check_qt_example.py FILE.grc OUTDIR   (grcc FILE.grc into OUTDIR first,
       then check the Python it generated; grcc needs GRC_BLOCKS_PATH)
"""

import glob
import importlib.util
import os
import signal
import subprocess
import sys
import time


def compile_grc(grc, out):
    """grcc grc into out; returns the generated Python file."""
    os.makedirs(out, exist_ok=True)
    subprocess.run([sys.executable, "/usr/bin/grcc", "-o", out, grc], check=True)
    gen = sorted(glob.glob(os.path.join(out, "*.py")), key=os.path.getmtime)
    if not gen:
        raise SystemExit("check_qt_example: grcc wrote no Python into %s" % out)
    return gen[-1]


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    run_s, limit_s = 0.5, 30
    if sys.argv[1].endswith(".grc"):
        if len(sys.argv) != 3:
            print(__doc__, file=sys.stderr)
            return 2
        path = os.path.abspath(compile_grc(sys.argv[1], sys.argv[2]))
    else:
        path = os.path.abspath(sys.argv[1])
        run_s = float(sys.argv[2]) if len(sys.argv) > 2 else run_s
        limit_s = int(sys.argv[3]) if len(sys.argv) > 3 else limit_s
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    def timeout(signum, frame):
        print("check_qt_example: %s did not finish within %d s" % (path, limit_s),
              file=sys.stderr)
        os._exit(1)

    signal.signal(signal.SIGALRM, timeout)
    signal.alarm(limit_s)
    t0 = time.time()

    from PyQt5 import Qt
    from gnuradio import gr

    app = Qt.QApplication.instance() or Qt.QApplication([sys.argv[0]])
    name = os.path.splitext(os.path.basename(path))[0]
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.path.insert(0, os.path.dirname(path))
    spec.loader.exec_module(mod)
    classes = [c for c in vars(mod).values()
               if isinstance(c, type) and issubclass(c, gr.top_block)
               and c.__module__ == mod.__name__]
    if len(classes) != 1:
        print("check_qt_example: expected one top block class in %s, found %s"
              % (path, [c.__name__ for c in classes]), file=sys.stderr)
        return 1
    tb = classes[0]()
    tb.start()
    t_end = time.time() + run_s
    while time.time() < t_end:
        app.processEvents()
        time.sleep(0.02)
    tb.stop()
    tb.wait()
    if hasattr(tb, "close"):
        tb.close()  # the QWidget
    app.processEvents()
    print("check_qt_example: %s built, ran %.1f s and stopped (%.1f s in all)"
          % (classes[0].__name__, run_s, time.time() - t0))
    signal.alarm(0)
    # Skip interpreter teardown: Qt widgets and GNU Radio blocks destroyed in
    # arbitrary order at exit can crash after the check has passed.
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
