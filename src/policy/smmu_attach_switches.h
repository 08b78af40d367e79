#pragma once
// Fix sketches for a must-succeed attach that fails in arm_smmu_attach_prepare
// (docs/reports/must-succeed-attach-enomem.md), as switches the SMMUv3 driver
// consults where the sketch would change it. All off is the kernel's driver.
namespace atslab::policy {

struct SmmuAttachSwitches {
  // Sketch 13a: arm_smmu_probe_device (which may fail) preallocates a spare master_domain and a
  // spare invalidation array per master; attach_prepare takes them when its own kzalloc fails.
  bool attach_spares = false;
  // Sketch 13b: when attach_prepare fails, arm_smmu_attach_dev installs the abort STE through the
  // blocked attach before returning the error, so no STE is left on a domain its caller may free.
  bool abort_ste_on_prepare_failure = false;
  // Not a sketch: the driver's version. 6.12's arm_smmu_ops has no release_domain: the IOMMU core
  // attaches none at release, and arm_smmu_release_device puts the STE back itself through
  // arm_smmu_attach_dev_blocked (or _identity for require_direct). compare-drivers' 6.12 model
  // (sim::model_as_tree) turns it off; the WARN traces at release then match the tree's.
  bool release_domain = true;
  // Not a sketch either: 7.2's arm_smmu_probe_device ends in arm_smmu_master_prepare_ats, which
  // asks arm_smmu_ats_supported before pci_prepare_ats and fails the probe when the prepare fails
  // (the probe half of fail-early, without its WARN at commit). The seed's base calls
  // pci_prepare_ats bare and ignores its result. compare-drivers turns it on for a tree that has it.
  bool master_prepare_ats = false;
  // Not a sketch: 6.12's SVA needed iommu_dev_enable_feature(dev, IOMMU_DEV_FEAT_SVA) before
  // iommu_sva_bind_device, which arm_smmu_dev_enable_feature refuses (-EINVAL) unless
  // arm_smmu_master_sva_supported: ARM_SMMU_FEAT_SVA and a master with SSIDs (ssid_bits). The
  // 2026 core removed the feature calls; arm_smmu_sva_domain_alloc asks FEAT_SVA only.
  bool dev_feat_sva = false;
  // Not a sketch: 6.12's arm_smmu_ops has remove_dev_pasid (arm_smmu_remove_dev_pasid) and its
  // blocked domain no set_dev_pasid: 6.12's IOMMU core takes a PASID off through the op
  // (__iommu_remove_group_pasid), the 2026 core by attaching the blocked domain to it
  // (iommu_remove_dev_pasid -> arm_smmu_blocking_set_dev_pasid). compare-drivers turns it on for
  // a tree whose ops have the op (sim::model_as_tree).
  bool remove_dev_pasid = false;
  bool operator==(const SmmuAttachSwitches&) const = default;
};

}  // namespace atslab::policy
