#!/usr/bin/env bash
# Install what gr-ecdisc needs to build and test, from Debian 12's archive only.
# Quiet when everything is already there; uses sudo when not run as root.
set -euo pipefail

pkgs=(
    build-essential cmake pkg-config git
    gnuradio gnuradio-dev            # runtime, in-tree blocks, grcc, Python modules
    libvolk2-dev libboost-dev libboost-program-options-dev
    libspdlog-dev libfmt-dev libgmp-dev
    libyaml-cpp-dev                  # medium stacks and formats
    libsoapysdr-dev                  # SoapySDR device module driver=ecdisc (soapy/)
    libgtest-dev libbenchmark-dev    # GoogleTest suites, benchmark program
    pybind11-dev python3-numpy       # Python bindings
    castxml clang python3-pygccxml   # gr_modtool bind (scripts/rebind.sh)
)

missing=()
for p in "${pkgs[@]}"; do
    st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    [ "$st" = "install ok installed" ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then sudo=""; 
elif command -v sudo >/dev/null 2>&1; then sudo="sudo";
else echo "install-deps: missing ${missing[*]} and not root (no sudo): install them as root" >&2; exit 1; fi

echo "install-deps: installing ${missing[*]}"
log=$(mktemp /tmp/ecdisc-deps.XXXXXX.log)
if ! { $sudo apt-get update -qq && \
       DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"; } >"$log" 2>&1; then
    echo "install-deps: apt-get failed; last lines of $log:" >&2
    tail -n 30 "$log" >&2
    exit 1
fi
rm -f "$log"
