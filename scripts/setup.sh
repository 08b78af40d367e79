#!/usr/bin/env bash
# Installs the Debian 12 packages atslab builds with, and only the missing ones,
# so a second run does nothing. Needs root (or sudo) only when something is missing.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libfmt-dev libcli11-dev nlohmann-json3-dev libyaml-cpp-dev
  libpci-dev pciutils pci.ids libxxhash-dev
  acpica-tools  # iasl: the ACPI tests compile published disassemblies back to tables
  libgtest-dev libgmock-dev libbenchmark-dev
  libgoogle-perftools-dev  # tcmalloc: the explorer allocates in every transition (cmake/Allocator.cmake)
  clang libclang-rt-14-dev
  spin
  libopenmpi-dev openmpi-bin  # explore --mpi, the distributed search (docs/exploration.md); optional at configure time
  python3
  chromium fonts-liberation  # the report's browser test (scripts/check-report-in-browser.py); a font for its screenshot's text
  linux-source-6.12  # the kernel tree the source driver compiles (docs/kernel-source.md)
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
# One line per step; apt's and dpkg's own output goes to a log, shown only when a step fails.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
step() {
  local what=$1
  shift
  echo "setup: $what"
  if ! "$@" >"$log" 2>&1; then
    echo "setup: failed: $what; its last lines:" >&2
    tail -n 20 "$log" >&2
    exit 1
  fi
}
step "updating the package lists" $sudo apt-get update -q
step "installing ${#missing[@]} package(s): ${missing[*]}" \
  $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
echo "setup: done"
