#!/bin/sh
# The design the review converged on, "fail-early" (policy::AtsVariant::FailEarly),
# on a COPY of a 6.12 or 7.2 kernel tree: the seed series' PCI patches (patch 1,
# PF-aware pci_ats_supported(), where the tree lacks it: 6.12.118 has it, 7.2
# does not; patch 2, the VF STU check in pci_prepare_ats()), in
# drivers/pci/ats.c, and in the SMMUv3 driver
# (drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c):
#   - arm_smmu_probe_device() prepares ATS only for a master that
#     arm_smmu_ats_supported() accepts, and fails the probe when
#     pci_prepare_ats() fails (undoing what it did: PASID off, the master's
#     streams removed, the master freed);
#   - arm_smmu_enable_ats(), at commit, WARNs when pci_enable_ats() fails
#     (a kernel bug: the earlier checks preclude it) and carries on.
# The 2026 trees (Debian's 7.2.13) have the probe part already, as
# arm_smmu_master_prepare_ats(): there the script leaves the probe alone. 6.12
# has the call inline in the probe, where the script puts the check. It finds the
# code by function names, the calls by their callees and the error path by its
# label; it stores no kernel line. Edit a copy (cp -r), never /usr/src.
#
# Usage: design-fail-early.sh [--check] TREE
#   --check: change nothing; exit 0 when the design applies to this tree, 1 when not.
# Exit status: 0 done, 1 the tree has no such code (or has the design already), 2 bad usage.
set -eu

. "$(dirname "$0")/tree-edit.sh"
. "$(dirname "$0")/designs.sh"

tree_edit_begin "$@"
tree_edit_pf_aware_ats_supported
tree_edit_vf_stu_validation
# enable: 1 in arm_smmu_enable_ats; w: its call of pci_enable_ats wrapped in WARN_ON.
# probe: 1 in arm_smmu_probe_device; p: the prepare checked; l: the error label added.
# mpa: 1 in arm_smmu_master_prepare_ats; gated: it asks arm_smmu_ats_supported (7.2: the probe part is there).
tree_edit drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c '
  /^static (void|int) arm_smmu_enable_ats\(/ { enable = 1 }
  enable && /^}/ { enable = 0 }
  enable && /WARN/ { exit 1 }
  enable && /^[ \t]*if \(pci_enable_ats\(.*\)\)[ \t]*$/ {
    sub(/if \(pci_enable_ats\(/, "if (WARN_ON(pci_enable_ats(")
    sub(/\)\)[ \t]*$/, ")))")
    w = 1
  }
  /^static struct iommu_device \*arm_smmu_probe_device\(/ { probe = 1 }
  probe && /^}/ { probe = 0 }
  /^static int arm_smmu_master_prepare_ats\(/ { mpa = 1 }
  mpa && /^}/ { mpa = 0 }
  mpa && /arm_smmu_ats_supported\(master\)/ { gated = 1 }
  probe && /arm_smmu_ats_supported/ { exit 1 }
  probe && /^[ \t]*pci_prepare_ats\(to_pci_dev\(dev\), stu\);[ \t]*$/ {
    print "\t\tif (arm_smmu_ats_supported(master)) {"
    print "\t\t\tret = pci_prepare_ats(to_pci_dev(dev), stu);"
    print "\t\t\tif (ret)"
    print "\t\t\t\tgoto err_disable_pasid;"
    print "\t\t}"
    p = 1
    next
  }
  probe && p && /^err_free_master:/ {
    print "err_disable_pasid:"
    print "\tarm_smmu_disable_pasid(master);"
    print "\tarm_smmu_remove_master(master);"
    l = 1
  }
  { print }
  END { if (!w || !((p && l) || gated)) exit 1 }
' "no arm_smmu_enable_ats() calling pci_enable_ats() in an if, or neither an arm_smmu_probe_device() calling pci_prepare_ats() with an err_free_master label after nor a gated arm_smmu_master_prepare_ats() (or the design is there already)"
tree_edit_end
