#pragma once
// The AMD-Vi driver's state (kernel-semantics.md 5.2): struct iommu_dev_data
// with its capability flags and ATS tracking, and protection domains. Indices only.
#include <cstdint>
#include <map>
#include <vector>

#include "linux/iommu/iommu_core.h"
#include "linux/pci/pci_dev.h"
#include "policy/ats_variant.h"

namespace atslab::amd {

using DevDataId = uint32_t;  // a slot of Driver::dev_data
using PdomId = uint32_t;     // a slot of Driver::domains
inline constexpr uint32_t kNone = 0xffffffff;
inline constexpr int kPageShift = 12;  // PAGE_SHIFT on x86

// dev_data->flags, from pdev_get_caps.
inline constexpr uint32_t kAtsSup = 0x1, kPriSup = 0x2, kPasidSup = 0x4, kPasidExecSup = 0x8, kPasidPrivSup = 0x10;

struct IommuDevData {  // struct iommu_dev_data
  pci::DevId dev = pci::kNoDev;
  uint16_t iommu = 0;
  uint16_t devid = 0;  // the RID
  uint32_t flags = 0;
  bool ats_enabled = false;  // set only when pci_enable_ats succeeded
  uint16_t ats_qdep = 0;     // pci_ats_queue_depth(), read when ATS came on
  bool pri_enabled = false, pasid_enabled = false;
  // amd_iommu_probe_device: min(iommu->iommu.max_pasids, pci_max_pasids()) when the IOMMU has
  // guest translation and the device a PASID capability; else 0. Its SVA path's bound.
  uint32_t max_pasids = 0;
  iommu::DomainId domain = iommu::kNoDomain;
  bool live = true;
  bool operator==(const IommuDevData&) const = default;
};

struct ProtectionDomain {  // struct protection_domain (paging)
  uint16_t iommu = 0, id = 0;
  // The domain's page table is the IOMMU's hw::AmdIommu::page_tables[id] (hardware-visible memory).
  std::vector<DevDataId> devices;
  iommu::DomainId domain = iommu::kNoDomain;
  bool live = true;
  bool operator==(const ProtectionDomain&) const = default;
};

struct Driver {
  policy::AtsPolicy policy;  // upstream, or fail-early (Pranjal v6's proposal for AMD)
  bool iotlb_sup = true;     // amd_iommu_iotlb_sup: every IOMMU in the system supports IOTLB
  uint16_t next_domid = 1;
  std::vector<IommuDevData> dev_data;
  std::vector<DevDataId> dev_data_of;  // by pci::DevId
  std::vector<ProtectionDomain> domains;
  std::vector<iommu::DomainId> blocked_domain, identity_domain;  // static domains, per IOMMU
  // iommu->iommu.max_pasids, per IOMMU: (1 << (EFR.PASmax + 1)) - 1 with EFR.GTSup, else 0.
  std::vector<uint32_t> iommu_max_pasids;
  bool operator==(const Driver&) const = default;
};

}  // namespace atslab::amd
