#!/usr/bin/env bash
# Compile one example flowgraph with grcc against the in-tree block yaml, then
# run the generated program (no-GUI examples) or byte-compile it (GUI ones).
# usage: check_example.sh PYTHON FILE.grc OUTDIR
set -euo pipefail
py=$1 grc=$2 out=$3
mkdir -p "$out"
"$py" /usr/bin/grcc -o "$out" "$grc"
gen=$(ls -t "$out"/*.py | head -n 1)
if grep -q "qtgui" "$gen"; then
    "$py" -m py_compile "$gen"
else
    cd "$out" && timeout 240 "$py" "$gen"
fi
