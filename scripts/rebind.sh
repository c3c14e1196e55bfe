#!/usr/bin/env bash
# Regenerate the pybind11 binding of one or more blocks after their public
# header changed: scripts/rebind.sh write_strategy [medium_sim ...]
# (gr_modtool bind parses the header with castxml; the new header hash goes
# into the binding file, and the build refuses bindings out of sync.)
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || { echo "usage: $0 BLOCK [BLOCK ...]" >&2; exit 2; }
for b in "$@"; do
    [ -f "include/gnuradio/ecdisc/$b.h" ] || { echo "rebind: no include/gnuradio/ecdisc/$b.h" >&2; exit 2; }
    /usr/bin/python3 /usr/bin/gr_modtool bind "$b" >/dev/null
    for f in "python/ecdisc/bindings/${b}_python.cc" \
             "python/ecdisc/bindings/docstrings/${b}_pydoc_template.h"; do
        /usr/bin/python3 - "$f" <<'PY'
import re, sys
p = sys.argv[1]
s = open(p).read()
s = re.sub(r" \* Copyright \d+ Free Software Foundation, Inc.\n \*\n \* This file is part of GNU Radio\n",
           " * This file is part of gr-ecdisc.\n", s)
open(p, "w").write(s)
PY
    done
    echo "rebound $b"
done
