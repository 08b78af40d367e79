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
