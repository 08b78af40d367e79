#include <algorithm>

#include "linux/iommu/driver_ops.h"

#include "linux/amd/amd.h"
#include "linux/iommu/iommu.h"
#include "linux/kernel/errno.h"
#include "linux/pci/access.h"
#include "linux/smmuv3/nested.h"
#include "linux/smmuv3/smmuv3.h"
#include "linux/smmuv3/sva.h"
#include "linux/vtd/pasid.h"
#include "linux/vtd/vtd.h"
#include "kernel_src/smmuv3/iommu_driver.h"
#include "linux/system.h"

namespace atslab::iommu {

namespace {
hw::pcie::IommuKind kind_of_dev(const System& s, pci::DevId dev) { return s.hw.pcie.rc(pci::pdev(s, dev).rc).iommu; }
namespace tree = kernel_src::smmuv3;  // the kernel tree's SMMUv3 driver, beside atslab's own
}  // namespace

bool smmuv3_from_tree(const System& s) {
  return tree::built() && tree::chosen() && s.kernel.pci_switches.ats == policy::Driver::Source;
}

bool tree_smmuv3_state_is_this_systems(const System& s) {
  // A machine without an SMMUv3 never probed the tree's driver, whose file-scope state is then a
  // previous machine's (a new boot resets it at its first SMMU probe).
  const auto& rcs = s.hw.pcie.root_complexes();
  return smmuv3_from_tree(s) && std::any_of(rcs.begin(), rcs.end(), [](const hw::pcie::RootComplex& rc) {
           return rc.iommu == hw::pcie::IommuKind::Smmuv3;
         });
}

int drv_probe_device(System& s, pci::DevId dev) {
  switch (kind_of_dev(s, dev)) {
    case hw::pcie::IommuKind::Smmuv3: return smmuv3_from_tree(s) ? tree::probe_device(s, dev) : smmuv3::probe_device(s, dev);
    case hw::pcie::IommuKind::Vtd: return vtd::probe_device(s, dev);
    case hw::pcie::IommuKind::Amd: return amd::probe_device(s, dev);
    default: return -ENODEV;
  }
}

void drv_release_device(System& s, pci::DevId dev) {
  switch (kind_of_dev(s, dev)) {
    case hw::pcie::IommuKind::Smmuv3: smmuv3_from_tree(s) ? tree::release_device(s, dev) : smmuv3::release_device(s, dev); break;
    case hw::pcie::IommuKind::Vtd: vtd::release_device(s, dev); break;
    case hw::pcie::IommuKind::Amd: amd::release_device(s, dev); break;
    default: break;
  }
}

void drv_probe_finalize(System& s, pci::DevId dev) {
  // SMMUv3 has no probe_finalize in the model: it enables ATS at attach commit.
  if (kind_of_dev(s, dev) == hw::pcie::IommuKind::Vtd) vtd::probe_finalize(s, dev);
}

DomainId drv_domain_alloc_paging(System& s, pci::DevId dev, DomainType type) {
  switch (kind_of_dev(s, dev)) {
    case hw::pcie::IommuKind::Smmuv3:
      return smmuv3_from_tree(s) ? tree::domain_alloc_paging(s, dev, type) : smmuv3::domain_alloc_paging(s, dev, type);
    case hw::pcie::IommuKind::Vtd: return vtd::domain_alloc_paging(s, dev, type);
    case hw::pcie::IommuKind::Amd: return amd::domain_alloc_paging(s, dev, type);
    default: return kNoDomain;
  }
}

int64_t drv_domain_alloc_nest_parent(System& s, pci::DevId dev) {
  if (kind_of_dev(s, dev) != hw::pcie::IommuKind::Smmuv3) return -EOPNOTSUPP;
  if (smmuv3_from_tree(s)) return tree::has_vsmmu() ? tree::domain_alloc_nest_parent(s, dev) : -EOPNOTSUPP;
  return smmuv3::domain_alloc_nest_parent(s, dev);
}

bool drv_viommu_supported(System& s, pci::DevId dev) {
  if (kind_of_dev(s, dev) != hw::pcie::IommuKind::Smmuv3) return false;
  if (smmuv3_from_tree(s)) return tree::has_vsmmu() && tree::viommu_supported(s, dev);
  return smmuv3::vsmmu_supported(s, dev);
}

int64_t drv_viommu_init(System& s, pci::DevId dev, DomainId parent, uint32_t viommu) {
  return smmuv3_from_tree(s) ? tree::viommu_init(s, dev, parent, viommu) : smmuv3::vsmmu_init(s, dev, parent, viommu);
}

uint32_t drv_viommu_iommu(const System& s, uint32_t vsmmu) {
  return smmuv3_from_tree(s) ? tree::viommu_smmu(vsmmu) : s.kernel.smmuv3.vsmmus.at(vsmmu).smmu;
}

int drv_vdevice_init(System& s, uint32_t vsmmu, pci::DevId dev, uint64_t virt_id) {
  return smmuv3_from_tree(s) ? tree::vdevice_init(s, vsmmu, dev, virt_id) : smmuv3::vsmmu_vdevice_init(s, dev);
}

int64_t drv_viommu_alloc_domain_nested(System& s, uint32_t vsmmu, const std::array<uint64_t, 2>& vste) {
  return smmuv3_from_tree(s) ? tree::alloc_domain_nested(s, vsmmu, vste) : smmuv3::alloc_domain_nested(s, vsmmu, 0, vste);
}

int drv_viommu_cache_invalidate(System& s, uint32_t vsmmu, const hw::smmuv3::Command& cmd) {
  return smmuv3_from_tree(s) ? tree::cache_invalidate(s, vsmmu, cmd) : smmuv3::vsmmu_cache_invalidate(s, vsmmu, cmd);
}

int64_t drv_domain_alloc_sva(System& s, pci::DevId dev, uint32_t mm) {
  if (kind_of_dev(s, dev) != hw::pcie::IommuKind::Smmuv3) return -EOPNOTSUPP;
  return smmuv3_from_tree(s) ? tree::domain_alloc_sva(s, dev, mm) : smmuv3::sva_domain_alloc(s, dev, mm);
}

void drv_mm_arch_invalidate_secondary_tlbs(System& s, uint32_t sub, uint64_t start, uint64_t end) {
  smmuv3_from_tree(s) ? tree::mm_arch_invalidate_secondary_tlbs(s, sub, start, end)
                      : smmuv3::mm_arch_invalidate_secondary_tlbs(s, sub, start, end);
}

void drv_mm_release(System& s, uint32_t sub) {
  smmuv3_from_tree(s) ? tree::mm_release(s, sub) : smmuv3::mm_release(s, sub);
}

int drv_dev_enable_sva(System& s, pci::DevId dev) {
  if (kind_of_dev(s, dev) != hw::pcie::IommuKind::Smmuv3) return 0;
  if (smmuv3_from_tree(s)) return tree::dev_enable_sva(s, dev);
  if (s.kernel.smmuv3.switches.dev_feat_sva && smmuv3::master_of(s, dev) != smmuv3::kNone)
    return smmuv3::dev_enable_sva(s, dev);
  return 0;
}

void drv_domain_free(System& s, DomainId d) {
  if (domain(s, d).type == DomainType::Nested && !smmuv3_from_tree(s)) return smmuv3::domain_nested_free(s, d);  // the tree's: below
  if (domain(s, d).type == DomainType::Sva && !smmuv3_from_tree(s)) return smmuv3::sva_domain_free(s, d);  // the tree's: below
  if (domain(s, d).driver == hw::pcie::IommuKind::Smmuv3) smmuv3_from_tree(s) ? tree::domain_free(s, d) : smmuv3::domain_free(s, d);
  if (domain(s, d).driver == hw::pcie::IommuKind::Vtd) vtd::domain_free(s, d);
  if (domain(s, d).driver == hw::pcie::IommuKind::Amd) amd::domain_free(s, d);
}

DomainId drv_static_domain(System& s, pci::DevId dev, DomainType type) {
  switch (kind_of_dev(s, dev)) {
    case hw::pcie::IommuKind::Smmuv3:
      return smmuv3_from_tree(s) ? tree::static_domain(s, dev, type) : smmuv3::static_domain(s, dev, type);
    case hw::pcie::IommuKind::Vtd: return vtd::static_domain(s, dev, type);
    case hw::pcie::IommuKind::Amd: return amd::static_domain(s, dev, type);
    default: return kNoDomain;
  }
}

int drv_attach_dev(System& s, DomainId d, pci::DevId dev, DomainId old) {
  const Domain& dom = domain(s, d);
  if (dom.driver == hw::pcie::IommuKind::Vtd) {
    switch (dom.type) {
      case DomainType::Blocked: return vtd::attach_dev_blocked(s, d, dev, old);
      case DomainType::Identity: return vtd::attach_dev_identity(s, d, dev, old);
      default: return vtd::attach_dev(s, d, dev, old);
    }
  }
  if (dom.driver == hw::pcie::IommuKind::Amd)
    return dom.type == DomainType::Blocked ? amd::attach_dev_blocked(s, d, dev, old) : amd::attach_dev(s, d, dev, old);
  if (dom.driver != hw::pcie::IommuKind::Smmuv3) return -ENODEV;
  if (smmuv3_from_tree(s)) return tree::attach_dev(s, d, dev);  // the domain's own attach_dev, of each kind
  switch (dom.type) {
    case DomainType::Blocked: return smmuv3::attach_dev_blocked(s, d, dev, old);
    case DomainType::Identity: return smmuv3::attach_dev_identity(s, d, dev, old);
    case DomainType::Nested: return smmuv3::attach_dev_nested(s, d, dev, old);
    default: return smmuv3::attach_dev(s, d, dev, old);
  }
}

int drv_map(System& s, DomainId d, uint64_t iova, uint64_t paddr, uint64_t size) {
  if (domain(s, d).driver == hw::pcie::IommuKind::Vtd) return vtd::map_pages(s, d, iova, paddr, size);
  if (domain(s, d).driver == hw::pcie::IommuKind::Amd) return amd::map_pages(s, d, iova, paddr, size);
  if (domain(s, d).driver != hw::pcie::IommuKind::Smmuv3) return -ENODEV;
  return smmuv3_from_tree(s) ? tree::map_pages(s, d, iova, paddr, size) : smmuv3::map_pages(s, d, iova, paddr, size);
}

uint64_t drv_unmap(System& s, DomainId d, uint64_t iova, uint64_t size) {
  if (domain(s, d).driver == hw::pcie::IommuKind::Vtd) return vtd::unmap_pages(s, d, iova, size);
  if (domain(s, d).driver == hw::pcie::IommuKind::Amd) return amd::unmap_pages(s, d, iova, size);
  if (domain(s, d).driver != hw::pcie::IommuKind::Smmuv3) return 0;
  return smmuv3_from_tree(s) ? tree::unmap_pages(s, d, iova, size) : smmuv3::unmap_pages(s, d, iova, size);
}

bool drv_has_set_dev_pasid(const System& s, DomainId d) {
  const Domain& dom = domain(s, d);
  switch (dom.driver) {
    case hw::pcie::IommuKind::Smmuv3:
      if (smmuv3_from_tree(s)) return tree::has_set_dev_pasid(s, d);  // the domain's own ops
      // 6.12's blocked domain has attach_dev only (its ops take PASIDs off by remove_dev_pasid).
      return is_paging(dom.type) || dom.type == DomainType::Sva ||
             (dom.type == DomainType::Blocked && !s.kernel.smmuv3.switches.remove_dev_pasid);
    // intel_iommu_ops: every paging domain's ops and the blocking domain have it (the identity
    // domain's too, which no modelled caller attaches to a PASID), in either mode: legacy mode
    // answers -EOPNOTSUPP from inside it.
    case hw::pcie::IommuKind::Vtd: return is_paging(dom.type) || dom.type == DomainType::Blocked;
    // amd_iommu_ops: amdv1_ops and amdv2_ops have none (only the SVA domain's ops do); the
    // blocked domain has blocked_domain_set_dev_pasid.
    case hw::pcie::IommuKind::Amd: return dom.type == DomainType::Blocked;
    default: return false;
  }
}

int drv_set_dev_pasid(System& s, DomainId d, pci::DevId dev, uint32_t pasid, DomainId old) {
  if (!drv_has_set_dev_pasid(s, d)) return -EOPNOTSUPP;
  const bool blocked = domain(s, d).type == DomainType::Blocked;
  switch (domain(s, d).driver) {
    case hw::pcie::IommuKind::Vtd:
      return blocked ? vtd::blocking_set_dev_pasid(s, d, dev, pasid, old) : vtd::set_dev_pasid(s, d, dev, pasid, old);
    case hw::pcie::IommuKind::Amd: return amd::blocked_set_dev_pasid(s, d, dev, pasid, old);
    default:
      if (smmuv3_from_tree(s))  // the domain's own ops: arm_smmu_sva_set_dev_pasid for an SVA domain
        return blocked ? tree::remove_dev_pasid(s, dev, pasid, old) : tree::set_dev_pasid(s, d, dev, pasid, old);
      if (domain(s, d).type == DomainType::Sva) return smmuv3::sva_set_dev_pasid(s, d, dev, pasid, old);
      return blocked ? smmuv3::blocking_set_dev_pasid(s, d, dev, pasid, old) : smmuv3::s1_set_dev_pasid(s, d, dev, pasid, old);
  }
}

bool drv_has_remove_dev_pasid(const System& s, pci::DevId dev) {
  if (kind_of_dev(s, dev) != hw::pcie::IommuKind::Smmuv3) return false;  // VT-d and AMD-Vi are the 2026 drivers here
  return smmuv3_from_tree(s) ? tree::has_remove_dev_pasid() : s.kernel.smmuv3.switches.remove_dev_pasid;
}

void drv_remove_dev_pasid(System& s, pci::DevId dev, uint32_t pasid, DomainId old) {
  if (smmuv3_from_tree(s))
    tree::remove_dev_pasid(s, dev, pasid, old);
  else
    smmuv3::remove_dev_pasid(s, dev, pasid, old);
}

int drv_blocked_set_dev_pasid(System& s, pci::DevId dev, uint32_t pasid, DomainId old) {
  const DomainId blocked = drv_static_domain(s, dev, DomainType::Blocked);
  if (blocked == kNoDomain) return -ENODEV;
  return drv_set_dev_pasid(s, blocked, dev, pasid, old);
}

uint32_t drv_iommu_max_pasids(const System& s, pci::DevId dev) {
  const uint16_t unit = s.hw.pcie.rc(pci::pdev(s, dev).rc).iommu_index;
  switch (kind_of_dev(s, dev)) {
    case hw::pcie::IommuKind::Smmuv3: {
      if (smmuv3_from_tree(s)) return tree::iommu_max_pasids(s, dev);
      const smmuv3::MasterId m = smmuv3::master_of(s, dev);
      if (m == smmuv3::kNone) return 0;
      return uint32_t{1} << s.kernel.smmuv3.smmus.at(s.kernel.smmuv3.masters[m].smmu).ssid_bits;
    }
    // alloc_iommu: 2 << ECAP.PSS in scalable mode with ECAP.PASID; legacy mode has none.
    case hw::pcie::IommuKind::Vtd: return unit < s.kernel.vtd.units.size() ? s.kernel.vtd.units[unit].max_pasids : 0;
    // iommu_init_pci: (1 << (EFR.PASmax + 1)) - 1 with guest translation.
    case hw::pcie::IommuKind::Amd:
      return unit < s.kernel.amd.iommu_max_pasids.size() ? s.kernel.amd.iommu_max_pasids[unit] : 0;
    default: return 0;
  }
}

}  // namespace atslab::iommu
