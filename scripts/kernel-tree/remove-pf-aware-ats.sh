#!/bin/sh
# Takes 6.12.118's PF-aware check out of a COPY of a kernel tree: in
# pci_ats_supported() (drivers/pci/ats.c), the `if` on is_virtfn whose body
# returns the PF's verdict (the seed series' patch 1, as stable backported it),
# with the blank line after it. The file is edited in place, so give it a copy
# (cp -r), never /usr/src. Stores no kernel line: it matches the `if` by the
# field it tests and the next line by the recursive call.
#
# Usage: remove-pf-aware-ats.sh [--check] TREE
#   --check: change nothing; exit 0 when the tree has the check, 1 when not.
# Exit status: 0 done, 1 no such check in this tree, 2 bad usage.
set -eu

. "$(dirname "$0")/ats-c-edit.sh"

# state 0: looking; 1: the `if` seen, its body next; 2: body dropped, a blank line may follow; 3: done.
ats_c_edit '
  /^bool pci_ats_supported\(/ { inside = 1 }
  inside && /^}/ { inside = 0 }
  state == 1 { if ($0 !~ /pci_ats_supported\(/) exit 1; state = 2; next }
  state == 2 { state = 3; if ($0 ~ /^[ \t]*$/) next }
  inside && state == 0 && /^[ \t]*if \(.*is_virtfn/ { state = 1; next }
  { print }
  END { if (state < 2) exit 1 }
' "no PF-aware check in pci_ats_supported()" "$@"
