#pragma once
// The Intel VT-d driver's state (kernel-semantics.md 5.1): struct intel_iommu
// with its device rbtree, struct device_domain_info, struct dmar_domain and
// its cache tags. All references are indices; a freed info keeps its slot
// (never reused), so a stale reference is detected instead of crashing.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "linux/iommu/iommu_core.h"
#include "linux/kernel/kfunc.h"
#include "linux/pci/pci_dev.h"
#include "policy/ats_variant.h"

namespace atslab::vtd {

using InfoId = uint32_t;        // a slot of Driver::infos
using DmarDomainId = uint32_t;  // a slot of Driver::domains
inline constexpr uint32_t kNone = 0xffffffff;
inline constexpr int kVtdPageShift = 12;  // VTD_PAGE_SHIFT
inline constexpr uint8_t kMaxAgawPfnWidth = 52;
inline constexpr uint32_t kPasidMax = 0x100000;  // PASID_MAX: 20-bit PASIDs  // MAX_AGAW_PFN_WIDTH: a device-IOTLB mask meaning "everything"

struct IntelIommu {  // struct intel_iommu: what the driver read from ECAP, and its device rbtree
  bool dev_iotlb = true;  // ecap_dev_iotlb_support
  bool dit = true;        // ecap_dit: PFSID goes into device-IOTLB descriptors
  bool scalable = true;   // sm_supported
  bool prs = true;        // ecap_prs: the unit takes page requests (PRI)
  bool pasid = true;      // pasid_supported(iommu): scalable mode and ecap_pasid
  uint32_t max_pasids = 0;  // iommu->iommu.max_pasids: 2 << ecap_pss with PASIDs, else 0
  // iommu->device_rbtree keyed by RID. Simplification: a perfectly balanced tree
  // over the nodes in key order; a walk visits the binary-search path (see rbtree.h).
  std::vector<InfoId> device_rbtree;
  uint16_t next_did = 1;
  bool operator==(const IntelIommu&) const = default;
};

struct DeviceDomainInfo {  // struct device_domain_info
  pci::DevId dev = pci::kNoDev;
  uint16_t iommu = 0;
  uint8_t bus = 0, devfn = 0;  // the rbtree key, PCI_DEVID(bus, devfn)
  bool ats_supported = false, ats_enabled = false;
  bool pasid_supported = false, pasid_enabled = false;
  bool pri_supported = false, pri_enabled = false;
  uint16_t pfsid = 0;     // the PF's source-id, for device-IOTLB throttling
  uint16_t ats_qdep = 0;  // pci_ats_queue_depth() at probe
  // intel_pasid_alloc_table (scalable mode): the PASIDs the device's PASID directory covers,
  // pasid_table->max_pasid; intel_pasid_get_entry refuses (WARN) a PASID at or beyond it. 0: no table.
  uint32_t pasid_table_max = 0;
  bool dtlb_extra_inval = false;  // QAT 4xxx quirk: every device-IOTLB invalidation is sent twice
  iommu::DomainId domain = iommu::kNoDomain;
  bool freed = false;                  // kfree(info) done; the slot stays for KASAN
  std::vector<kernel::KFn> free_track;  // KASAN's "Freed by" stack, innermost first
  std::string freed_comm;
  uint16_t rid() const { return static_cast<uint16_t>(bus << 8 | devfn); }
  bool operator==(const DeviceDomainInfo&) const = default;
};

enum class CacheTagType : uint8_t { Iotlb, Devtlb };  // CACHE_TAG_IOTLB, CACHE_TAG_DEVTLB

struct CacheTag {  // struct cache_tag: what a domain invalidates, and where
  CacheTagType type = CacheTagType::Iotlb;
  uint16_t iommu = 0, did = 0;
  InfoId info = kNone;  // DEVTLB: the device whose ATC it is
  uint32_t pasid = 0;   // the PASID the domain is attached on (0: IOMMU_NO_PASID, the RID)
  uint16_t users = 1;   // attachments sharing the tag: (unit, did, PASID) for IOTLB, (device, PASID) for DEVTLB
  bool operator==(const CacheTag&) const = default;
};

struct DevPasid {  // struct dev_pasid_info: the domain attached to a device's PASID
  InfoId info = kNone;
  uint32_t pasid = 0;
  bool operator==(const DevPasid&) const = default;
};

struct DmarDomain {  // struct dmar_domain (paging)
  uint16_t iommu = 0, did = 0;  // simplification: one unit and one domain id per domain
  // The domain's page table is the unit's hw::VtdUnit::page_tables[did] (hardware-visible memory).
  std::vector<InfoId> devices;
  std::vector<DevPasid> dev_pasids;  // domain->dev_pasids: the PASIDs it is attached on
  std::vector<CacheTag> cache_tags;
  iommu::DomainId domain = iommu::kNoDomain;
  bool live = true;
  bool operator==(const DmarDomain&) const = default;
};

struct Driver {
  policy::AtsPolicy policy;  // upstream, or fail-early (Pranjal v6's proposal for VT-d)
  std::vector<IntelIommu> units;
  std::vector<DeviceDomainInfo> infos;
  std::vector<InfoId> info_of;  // by pci::DevId (dev_iommu_priv_get)
  std::vector<DmarDomain> domains;
  std::vector<iommu::DomainId> blocked_domain, identity_domain;  // static domains, per unit
  // intel_pasid_max_id: PASID_MAX, lowered at init to the smallest 2 << ecap_pss of the units with
  // PASIDs, so one PASID space fits every unit; it bounds each device's PASID table.
  uint32_t pasid_max_id = kPasidMax;
  bool operator==(const Driver&) const = default;
};

}  // namespace atslab::vtd
