# Sourced by the design scripts beside it (design-*.sh): the awk programs of the
# edits they share. Each finds the code it edits by function names and the
# fields it tests, prints the design's own lines, and exits 1 when the file does
# not have what it edits (or has the edit already). No kernel line is stored.

# The seed series' patch 2 (series-v3 and fail-early carry it): pci_prepare_ats()
# on a VF refuses a page shift other than its PF's STU. 6.12's VF branch,
# `if (dev->is_virtfn)` with its `return 0;`, gets the check.
# state 0: looking; 1: the `if` seen, its `return 0;` next; 2: done.
vf_stu_validation_program='
  /^int pci_prepare_ats\(/ { inside = 1 }
  inside && /^}/ { inside = 0 }
  inside && /pci_physfn\(/ { exit 1 }
  state == 1 {
    if ($0 !~ /^[ \t]*return 0;[ \t]*$/) exit 1
    print "\tif (dev->is_virtfn) {"
    print "\t\tstruct pci_dev *pdev = pci_physfn(dev);"
    print ""
    print "\t\tif (pdev->ats_stu != ps)"
    print "\t\t\treturn -EINVAL;"
    print "\t\treturn 0;"
    print "\t}"
    state = 2
    next
  }
  inside && state == 0 && /^[ \t]*if \(dev->is_virtfn\)[ \t]*$/ { state = 1; next }
  { print }
  END { if (state < 2) exit 1 }
'

# Patch 2 on the copy's ats.c, between tree_edit_begin and tree_edit_end.
tree_edit_vf_stu_validation() {
  tree_edit drivers/pci/ats.c "$vf_stu_validation_program" \
    "pci_prepare_ats() has no VF branch returning 0 (or checks the PF's STU already)"
}

# The seed series' patch 1 (series-v3 and fail-early carry it; 6.12.118 has it from stable,
# mainline 7.2 does not): pci_ats_supported() of a VF is its PF's verdict. A tree whose
# pci_ats_supported() already tests is_virtfn is left as it is (the edit is the design's
# only where the tree lacks it); otherwise the check goes before the function's last return.
# state 0: looking; 1: inside, the check to add before the final return; 2: done or present.
pf_aware_ats_supported_program='
  /^bool pci_ats_supported\(/ { inside = 1 }
  inside && /is_virtfn/ { state = 2 }
  inside && state == 0 && /^[ \t]*return .*;[ \t]*$/ {
    lines[++n] = $0
    next
  }
  inside && /^}/ {
    inside = 0
    for (i = 1; i < n; i++) print lines[i]
    if (state == 0 && n > 0) {
      print "\tif (dev->is_virtfn && !pci_ats_supported(pci_physfn(dev)))"
      print "\t\treturn false;"
      print ""
      state = 2
    }
    if (n > 0) print lines[n]
    n = 0
  }
  inside && n > 0 { for (i = 1; i <= n; i++) print lines[i]; n = 0 }
  { print }
  END { if (state < 2) exit 1 }
'

# Patch 1 on the copy's ats.c, between tree_edit_begin and tree_edit_end.
tree_edit_pf_aware_ats_supported() {
  tree_edit drivers/pci/ats.c "$pf_aware_ats_supported_program" \
    "pci_ats_supported() has no final return to put the PF's verdict before"
}
