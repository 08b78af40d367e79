#!/bin/sh
# The review's "vtd-style" design (policy::AtsVariant::VtdStyle) on a COPY of a
# 6.12 kernel tree: the SMMUv3 driver records ATS as on only when
# pci_enable_ats() succeeded, as VT-d and AMD record theirs. In
# drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c, arm_smmu_enable_ats() returns
# pci_enable_ats()'s result (still logging "Failed to enable ATS"), and
# arm_smmu_attach_commit() sets master->ats_enabled to state->ats_enabled only
# if that call succeeded. Nothing else changes: prepare has already counted the
# master in nr_ats_masters and the STE carries EATS as prepared (the design
# hides the WARN, not the count). The script finds the two functions by name,
# the call by its callee and the assignment by its fields; it stores no kernel
# line. The file is edited in place, so give it a copy (cp -r), never /usr/src.
#
# Usage: design-vtd-style.sh [--check] TREE
#   --check: change nothing; exit 0 when the design applies to this tree, 1 when not.
# Exit status: 0 done, 1 the tree has no such code (or has the design already), 2 bad usage.
set -eu

. "$(dirname "$0")/tree-edit.sh"

tree_edit_begin "$@"
# enable: 0 outside, 1 in arm_smmu_enable_ats (its `{` next), 2 in its body; e: the call rewritten.
# commit: 0 outside, 1 in arm_smmu_attach_commit (its `{` next), 2 in its body; c1, c2: the call, the assignment.
tree_edit drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c '
  /^static void arm_smmu_enable_ats\(struct arm_smmu_master \*master\)[ \t]*$/ {
    sub(/^static void/, "static int"); enable = 1; print; next
  }
  enable == 1 && /^{/ { print; print "\tint ret;"; enable = 2; next }
  enable == 2 && /^[ \t]*if \(pci_enable_ats\(.*\)\)[ \t]*$/ {
    args = $0
    sub(/^[ \t]*if \(pci_enable_ats\(/, "", args)
    sub(/\)\)[ \t]*$/, "", args)
    print "\tret = pci_enable_ats(" args ");"
    print "\tif (ret)"
    e = 1
    next
  }
  enable == 2 && /^}/ { if (!e) exit 1; print "\treturn ret;"; print; enable = 0; next }
  /^static void arm_smmu_attach_commit\(/ { commit = 1 }
  commit == 1 && /^{/ { print; print "\tbool ats_ok = true;"; commit = 2; next }
  commit == 2 && /ats_ok/ { exit 1 }
  commit == 2 && /^[ \t]*arm_smmu_enable_ats\(master\);[ \t]*$/ {
    print "\t\tats_ok = !arm_smmu_enable_ats(master);"; c1 = 1; next
  }
  commit == 2 && /^[ \t]*master->ats_enabled = state->ats_enabled;[ \t]*$/ {
    print "\tmaster->ats_enabled = state->ats_enabled && ats_ok;"; c2 = 1; next
  }
  commit == 2 && /^}/ { commit = 0 }
  { print }
  END { if (!e || !c1 || !c2) exit 1 }
' "no arm_smmu_enable_ats() calling pci_enable_ats() in an if, or no arm_smmu_attach_commit() calling it and recording state->ats_enabled (or the design is there already)"
tree_edit_end
