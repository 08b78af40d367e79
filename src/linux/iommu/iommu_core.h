#pragma once
// IOMMU core state (drivers/iommu/iommu.c): groups, domains, DMA ownership
// (kernel-semantics.md section 4). Domains and groups are indices.
#include <cstdint>
#include <string_view>
#include <vector>

#include "base/cow_vector.h"
#include "hw/pcie/function.h"
#include "linux/pci/pci_dev.h"

namespace atslab::iommu {

using DomainId = uint32_t;
using GroupId = uint32_t;
inline constexpr DomainId kNoDomain = 0xffffffff;
inline constexpr GroupId kNoGroup = 0xffffffff;

enum class DomainType : uint8_t {
  Blocked,    // IOMMU_DOMAIN_BLOCKED: the driver's static blocking domain
  Identity,   // IOMMU_DOMAIN_IDENTITY
  Dma,        // IOMMU_DOMAIN_DMA: the default paging domain
  Unmanaged,  // IOMMU_DOMAIN_UNMANAGED: a paging domain owned by VFIO type1 (or iommufd)
  Nested,     // IOMMU_DOMAIN_NESTED: a guest's stage 1 (for SMMUv3, its vSTE) over a nest-parent paging domain
  Sva,        // IOMMU_DOMAIN_SVA: a process's address space (iommu_sva_domain_alloc), on PASIDs only
};
std::string_view name(DomainType t);
inline bool is_paging(DomainType t) { return t == DomainType::Dma || t == DomainType::Unmanaged; }

struct Domain {
  DomainType type = DomainType::Blocked;
  hw::pcie::IommuKind driver = hw::pcie::IommuKind::None;
  uint16_t iommu = 0;      // which IOMMU instance
  uint32_t priv = 0;       // the driver's own index for this domain (e.g. the arm_smmu_domain)
  bool live = true;        // false once freed
  // IOMMU_DOMAIN_SVA: domain->mm (mmgrab'ed: the mm_struct stays while the domain does) and
  // domain->users (the bonds of devices on this domain, iommu-sva.c). The 0xffffffff is mm::kNoMm.
  uint32_t mm = 0xffffffff;
  uint32_t users = 0;
  bool operator==(const Domain&) const = default;
};

// An entry of group->pasid_array: the domain attached to a PASID of every device of the group
// that has PASIDs (iommu_attach_device_pasid). `owner` is the kernel driver's device whose
// attach made it (the attach handle's owner in the model): its remove() detaches it.
struct GroupPasid {
  uint32_t pasid = 0;
  DomainId domain = kNoDomain;
  pci::DevId owner = pci::kNoDev;
  // An SVA bond (struct iommu_sva, the attach handle): its refcount of iommu_sva_bind_device
  // calls not yet unbound; 0 for a kernel driver's own paging domain.
  uint32_t sva_users = 0;
  bool operator==(const GroupPasid&) const = default;
};

struct Group {
  std::vector<pci::DevId> devices;
  DomainId domain = kNoDomain;
  DomainId default_domain = kNoDomain;
  DomainId blocking_domain = kNoDomain;
  int owner_cnt = 0;
  uint32_t owner = 0;      // the DMA owner's token (0: none; a kernel driver counts in owner_cnt only)
  std::vector<GroupPasid> pasids;  // group->pasid_array, sorted by PASID (PASID 0, the RID, is never in it)
  int recovery_cnt = 0;    // PCI reset recovery in progress
  bool operator==(const Group&) const = default;
};

struct DeviceIommu {
  bool probed = false;
  int probe_error = 0;  // the last failed probe's error (0: none): the device then binds without an IOMMU
  bool ats_supported_at_probe = false;  // pci_ats_supported() as probe_device saw it (invariant 6)
  GroupId group = kNoGroup;
  bool attach_deferred = false;
  bool require_direct = false;  // RMR/RMRR: refuses blocking domains
  // dev->iommu->max_pasids (dev_iommu_get_max_pasids, at probe): pci_max_pasids (the PF's PASID
  // capability for a VF) capped by the IOMMU's own max_pasids. It does not ask whether the
  // driver's pci_enable_pasid succeeded.
  uint32_t max_pasids = 0;
  // struct group_device's reset state (2026 core): nested pci_dev_reset_iommu_prepare calls, and
  // whether the device is parked on the group's blocking domain for a reset (group->domain kept).
  uint8_t reset_depth = 0;
  bool blocked = false;
  bool operator==(const DeviceIommu&) const = default;
};

// An iommu_unmap() that has started and not returned: until it returns, the caller still owns
// the pages, so a device may still reach them through a translation being torn down (its ATC
// included). Transient: empty between operations.
struct UnmapInFlight {
  DomainId domain = kNoDomain;
  uint64_t iova = 0, size = 0;
  bool operator==(const UnmapInFlight&) const = default;
};

struct IommuCore {
  std::vector<bool> registered;  // per root complex: iommu_device_register() done
  // Per root complex: iommu_device_register() failed (a device's probe failed in bus_iommu_probe
  // and the core unregistered the IOMMU). Its devices bind without an IOMMU, as the deferred-probe
  // timeout lets them.
  std::vector<bool> register_failed;
  base::CowVector<DeviceIommu> devs;  // per pci::DevId
  base::CowVector<Group> groups;
  std::vector<Domain> domains;
  bool default_identity = false;  // iommu.passthrough=1: identity default domains
  // The kernel's version, not state that changes: the 2026 core parks a device on its group's
  // blocking domain around a PCI reset (pci_dev_reset_iommu_prepare / _done, from pcie_flr and
  // the other reset methods). 6.12 has neither: its resets leave the IOMMU alone.
  bool pci_dev_reset_iommu = true;
  std::vector<UnmapInFlight> unmapping;  // iommu_unmap calls in progress (on any CPU)
  // iommu_global_pasid_ida: the PASIDs iommu_alloc_global_pasid handed out, ascending (an mm's
  // PASID, shared by every device bound to it, until mm_pasid_drop).
  std::vector<uint32_t> global_pasids;
  bool operator==(const IommuCore&) const = default;
};

}  // namespace atslab::iommu
