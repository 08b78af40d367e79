#!/bin/sh
# Fix sketch 7a (docs/reports/pci-disable-ats-after-quirk.md) on a COPY of a
# kernel tree: pci_disable_ats() (drivers/pci/ats.c) also refuses, with a WARN
# and no config access, a device whose ats_cap is 0. A FINAL-phase no-ATS quirk
# clears ats_cap after the IOMMU enabled ATS on a hot-plugged function, and
# ats_cap + PCI_ATS_CTRL is then PCI_STATUS. The two lines inserted are the
# sketch's own; the script stores no kernel line: it finds the function by its
# name and the existing refusal by the field it tests (ats_enabled), and puts
# the new check after that refusal's `return;`. The file is edited in place,
# so give it a copy (cp -r), never /usr/src.
#
# Usage: disable-ats-checks-ats-cap.sh [--check] TREE
#   --check: change nothing; exit 0 when the sketch applies to this tree, 1 when not.
# Exit status: 0 done, 1 the tree has no such refusal (or has the check already), 2 bad usage.
set -eu

. "$(dirname "$0")/ats-c-edit.sh"

# state 0: looking; 1: the WARN_ON on ats_enabled seen, its `return;` next; 2: check inserted.
ats_c_edit '
  /^void pci_disable_ats\(/ { inside = 1 }
  inside && /^}/ { inside = 0 }
  inside && /ats_cap\)\)/ && /WARN_ON/ { exit 1 }
  state == 1 {
    if ($0 !~ /^[ \t]*return;[ \t]*$/) exit 1
    print
    print ""
    print "\tif (WARN_ON(!dev->ats_cap))"
    print "\t\treturn;"
    state = 2
    next
  }
  inside && state == 0 && /WARN_ON\(!dev->ats_enabled\)/ { state = 1 }
  { print }
  END { if (state < 2) exit 1 }
' "pci_disable_ats() has no WARN_ON(!dev->ats_enabled) refusal to extend, or checks ats_cap already" "$@"
