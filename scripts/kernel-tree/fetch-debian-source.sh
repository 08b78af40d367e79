#!/usr/bin/env bash
# Fetches a newer kernel tree than Debian 12 packages, from Debian itself, for the
# source driver (docs/kernel-source.md, "Trees"): the linux-source-X.Y package of a
# later suite (default: 7.2 from sid), checked as apt checks it (the suite's
# InRelease signed by the Debian archive keys Debian 12 ships, the package index's
# hash in it, the package's hash in the index), and only the files atslab builds
# from extracted into DIR. Nothing is installed and nothing enters the project.
#
#   scripts/kernel-tree/fetch-debian-source.sh [VERSION [SUITE [DIR]]]
#   make run KERNEL_TREE=DIR
#
# VERSION: the package's X.Y (7.2); SUITE: a suite of deb.debian.org that has it
# (sid, trixie-backports, experimental); DIR (default /tmp/linux-source-VERSION)
# gets DIR/linux-source-VERSION, the tree to give KERNEL_TREE.
set -euo pipefail

version=${1:-7.2}
suite=${2:-sid}
dir=${3:-/tmp/linux-source-$version}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

case $version in
  *[!0-9.]* | '') echo "fetch-debian-source: VERSION must look like 7.2, not '$version'" >&2; exit 2 ;;
esac
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
for tool in curl xz dpkg-deb tar sha256sum gpgv; do
  command -v "$tool" >/dev/null || { echo "fetch-debian-source: needs $tool" >&2; exit 2; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The suite's signed release file, then its index of architecture-independent packages (where
# linux-source-X.Y is), whose hash the release file gives.
curl -fs -o "$work/InRelease" "$mirror/dists/$suite/InRelease" ||
  { echo "fetch-debian-source: no suite '$suite' at $mirror" >&2; exit 2; }
gpgv --keyring "$keyring" --output "$work/Release" "$work/InRelease" 2>/dev/null ||
  { echo "fetch-debian-source: $suite's InRelease is not signed by a key in $keyring" >&2; exit 2; }
index_sha=$(awk '/^SHA256:/ { on = 1; next } /^[^ ]/ { on = 0 } on && $3 == "main/binary-all/Packages.xz" { print $1 }' "$work/Release")
[ -n "$index_sha" ] || { echo "fetch-debian-source: $suite lists no main/binary-all/Packages.xz" >&2; exit 2; }
curl -fsS -o "$work/Packages.xz" "$mirror/dists/$suite/main/binary-all/Packages.xz"
echo "$index_sha  $work/Packages.xz" | sha256sum -c --quiet - ||
  { echo "fetch-debian-source: $suite's package index does not match its InRelease" >&2; exit 2; }
xz -d "$work/Packages.xz"
stanza=$(awk -v p="linux-source-$version" '$0 == "Package: " p { on = 1 } on && /^$/ { exit } on' "$work/Packages")
filename=$(printf '%s\n' "$stanza" | sed -n 's/^Filename: //p')
sha=$(printf '%s\n' "$stanza" | sed -n 's/^SHA256: //p')
full=$(printf '%s\n' "$stanza" | sed -n 's/^Version: //p')
if [ -z "$filename" ] || [ -z "$sha" ]; then
  echo "fetch-debian-source: suite '$suite' has no linux-source-$version" >&2
  exit 2
fi

echo "fetch-debian-source: linux-source-$version $full from $suite"
curl -fsS -o "$work/pkg.deb" "$mirror/$filename"
echo "$sha  $work/pkg.deb" | sha256sum -c --quiet - ||
  { echo "fetch-debian-source: $filename does not match the package index" >&2; exit 2; }
dpkg-deb --fsys-tarfile "$work/pkg.deb" | tar -x -C "$work" "./usr/src/linux-source-$version.tar.xz"

# What cmake/KernelTree.cmake reads: the files it compiles, the driver's own headers, the
# headers it probes, and the top Makefile for the version. drivers/iommu whole: a design
# script or a reviewer's patch may touch any file there. drivers/pci/pci.c and pci.h are
# read, not compiled: the reset paths docs/findings.md cites by line (pci_reset_bus_function,
# the IOMMU core's prepare/done calls).
root=linux-source-$version
mkdir -p "$dir"
tar -xJf "$work/usr/src/linux-source-$version.tar.xz" -C "$dir" \
  "$root/Makefile" "$root/drivers/pci/ats.c" "$root/drivers/pci/pci.c" "$root/drivers/pci/pci.h" "$root/drivers/iommu" \
  "$root/include/linux/iommu.h" "$root/include/linux/io-pgtable.h" "$root/include/uapi/linux/iommufd.h"
echo "fetch-debian-source: $dir/$root (make run KERNEL_TREE=$dir/$root)"
