#!/bin/sh
# The seed series as posted, v3 (policy::AtsVariant::SeriesV3), on a COPY of a
# 6.12 kernel tree: patch 1 (PF-aware pci_ats_supported()) where the tree lacks
# it (6.12.118 has it already); patch 2, the VF STU check in pci_prepare_ats(), goes into
# drivers/pci/ats.c; patch 3, the driver's ats_prepared gate: a bit beside
# ats_enabled in struct arm_smmu_master (arm-smmu-v3.h), set by
# arm_smmu_probe_device() when pci_prepare_ats() succeeds, and required by
# arm_smmu_attach_prepare() before it predicts ATS on. 6.12's prepare has no
# disable_ats term (the 2026 trees' nested-domain flag): the gate goes in front
# of arm_smmu_ats_supported(), as the patch puts it after that flag. The script
# finds the code by names and fields; it stores no kernel line. Edit a copy
# (cp -r), never /usr/src.
#
# Usage: design-series-v3.sh [--check] TREE
#   --check: change nothing; exit 0 when the series applies to this tree, 1 when not.
# Exit status: 0 done, 1 the tree has no such code (or has the series already), 2 bad usage.
set -eu

. "$(dirname "$0")/tree-edit.sh"
. "$(dirname "$0")/designs.sh"

tree_edit_begin "$@"
tree_edit_pf_aware_ats_supported
tree_edit_vf_stu_validation
# master: 1 in struct arm_smmu_master; f: the bit added after ats_enabled's.
tree_edit drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.h '
  /^struct arm_smmu_master \{/ { master = 1 }
  master && /^}/ { master = 0 }
  master && /ats_prepared/ { exit 1 }
  master && /^[ \t]*bool[ \t]+ats_enabled[ \t]*:[ \t]*1;/ {
    print
    line = $0
    sub(/ats_enabled/, "ats_prepared", line)
    print line
    f = 1
    next
  }
  { print }
  END { if (!f) exit 1 }
' "struct arm_smmu_master has no ats_enabled bit to put ats_prepared beside (or has ats_prepared already)"
# prepare: 1 in arm_smmu_attach_prepare; g: the gate added. probe: 1 in arm_smmu_probe_device; p: the result kept.
tree_edit drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c '
  /ats_prepared/ { exit 1 }
  /^static int arm_smmu_attach_prepare\(/ || /^int arm_smmu_attach_prepare\(/ { prepare = 1 }
  prepare && /^}/ { prepare = 0 }
  prepare && /^[ \t]*state->ats_enabled = arm_smmu_ats_supported\(master\);[ \t]*$/ {
    sub(/= arm_smmu_ats_supported/, "= master->ats_prepared \\&\\& arm_smmu_ats_supported")
    g = 1
  }
  /^static struct iommu_device \*arm_smmu_probe_device\(/ { probe = 1 }
  probe && /^}/ { probe = 0 }
  probe && /^[ \t]*pci_prepare_ats\(to_pci_dev\(dev\), stu\);[ \t]*$/ {
    print "\t\tif (!pci_prepare_ats(to_pci_dev(dev), stu))"
    print "\t\t\tmaster->ats_prepared = true;"
    p = 1
    next
  }
  { print }
  END { if (!g || !p) exit 1 }
' "no arm_smmu_attach_prepare() setting state->ats_enabled from arm_smmu_ats_supported(), or no arm_smmu_probe_device() calling pci_prepare_ats()"
tree_edit_end
