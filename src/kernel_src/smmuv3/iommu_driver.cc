#include "kernel_src/smmuv3/iommu_driver.h"

#include <stdexcept>

#include "kernel_src/kernel_call.h"
#include "kernel_src/smmuv3/iommu_ops.h"
#include "kernel_src/smmuv3/pci_devs.h"
#include "kernel_src/smmuv3/probe.h"
#include "kernel_src/smmuv3/source_kernel.h"
#include "kernel_src/smmuv3/sva.h"
#include "linux/iommu/iommu.h"
#include "linux/kernel/errno.h"
#include "linux/pci/access.h"
#include "linux/system.h"

struct device;
struct iommu_device;

extern "C" {
// wrap/arm_smmu_v3.c, shim/smmuv3/pci_iommu.c
int atslab_arm_smmu_master_state(device* dev, bool* ats_enabled, unsigned int* num_streams);
uint32_t atslab_arm_smmu_master_sid(device* dev, unsigned int i);
int atslab_arm_smmu_domain_state(iommu_domain* domain, int* nr_ats_masters, unsigned int* devices);
int atslab_arm_smmu_domain_key(iommu_domain* domain, bool* s2, uint32_t* asid_or_vmid, bool* nest_parent);
int atslab_arm_smmu_nested_state(iommu_domain* domain, uint64_t* vste, bool* enable_ats, iommu_domain** parent);
device* atslab_arm_smmu_nested_device(iommu_domain* domain, unsigned int i);
uint32_t atslab_arm_smmu_domain_device_ssid(iommu_domain* domain, unsigned int i);
int atslab_arm_smmu_domain_invs(iommu_domain* domain, uint64_t* num_invs, uint64_t* num_trashes, uint64_t* max_invs,
                                bool* has_ats);
int atslab_arm_smmu_domain_inv(iommu_domain* domain, unsigned int i, int* type, uint32_t* id, uint32_t* ssid, int* users);
device* atslab_arm_smmu_domain_device(iommu_domain* domain, unsigned int i);
device* atslab_pci_dev_device(struct pci_dev* pdev);
iommu_domain* atslab_arm_smmu_static_domain(bool blocked);
bool atslab_arm_smmu_has_release_domain(void);
bool atslab_arm_smmu_has_invs(void);
bool atslab_arm_smmu_has_master_prepare_ats(void);
bool atslab_arm_smmu_has_set_dev_pasid(iommu_domain* domain);
bool atslab_arm_smmu_has_remove_dev_pasid(void);
bool atslab_arm_smmu_has_dev_enable_feat(void);
bool atslab_arm_smmu_has_sva(void);
bool atslab_arm_smmu_has_iommufd_pasid(void);
int atslab_arm_smmu_master_ssid_bits(device* dev);
unsigned int atslab_arm_smmu_master_used_ssids(device* dev);
uint32_t atslab_iommu_device_max_pasids(const iommu_device* iommu);
}

namespace atslab::kernel_src::smmuv3 {

namespace {

// A domain the driver allocated (indexed by Domain::priv), not one of its static ones.
bool driver_domain(iommu::DomainType t) {
  return iommu::is_paging(t) || t == iommu::DomainType::Sva || t == iommu::DomainType::Nested;
}

iommu_domain* handle(const System& s, iommu::DomainId d) {
  const iommu::Domain& dom = iommu::domain(s, d);
  const auto& v = SourceKernel::get().domains;
  if (!driver_domain(dom.type)) return atslab_arm_smmu_static_domain(dom.type == iommu::DomainType::Blocked);
  if (dom.priv >= v.size() || !v[dom.priv]) throw std::logic_error("source SMMUv3: a domain the tree's driver does not hold");
  return v[dom.priv];
}

uint16_t smmu_of(const System& s, pci::DevId dev) { return s.hw.pcie.rc(pci::pdev(s, dev).rc).iommu_index; }

pci::DevId dev_of(device* d) {
  for (const auto& [id, p] : SourceKernel::get().pci_devs)
    if (atslab_pci_dev_device(p) == d) return id;
  return pci::kNoDev;
}

}  // namespace

namespace {
bool g_chosen = true;
}  // namespace

bool built() { return true; }
bool chosen() { return g_chosen; }
void choose(bool tree) { g_chosen = tree; }

int device_probe(System& s, uint16_t smmu, hw::pcie::RcId rc) {
  auto& k = SourceKernel::get();
  // A second probe of an SMMU is a new boot (a new System): the old kernel's heap is let go.
  if (smmu < k.smmus.size() && k.smmus[smmu].pdev) k.reset();
  if (s.hw.smmus.size() <= smmu) s.hw.smmus.resize(smmu + 1);
  s.hw.smmus[smmu].rc = rc;  // the firmware's binding of the SMMU to the root complex (IORT), not a register
  return smmuv3_device_probe(s, smmu);
}

iommu_domain* domain_handle(const System& s, iommu::DomainId d) { return handle(s, d); }

iommu::DomainId new_driver_domain(System& s, iommu_domain* d, iommu::DomainType type, uint16_t smmu) {
  auto& v = SourceKernel::get().domains;
  v.push_back(d);
  return iommu::new_domain(s, {type, hw::pcie::IommuKind::Smmuv3, smmu, uint32_t(v.size() - 1), true});
}

int probe_device(System& s, pci::DevId dev) { return smmuv3_probe_device(s, dev); }
void release_device(System& s, pci::DevId dev) { smmuv3_release_device(s, dev); }
bool has_release_domain() { return atslab_arm_smmu_has_release_domain(); }
bool has_invalidation_arrays() { return atslab_arm_smmu_has_invs(); }
bool has_master_prepare_ats() { return atslab_arm_smmu_has_master_prepare_ats(); }

iommu::DomainId domain_alloc_paging(System& s, pci::DevId dev, iommu::DomainType type) {
  int err = 0;
  iommu_domain* d = smmuv3_domain_alloc_paging(s, dev, type == iommu::DomainType::Dma, &err);
  if (!d) return iommu::kNoDomain;
  auto& v = SourceKernel::get().domains;
  v.push_back(d);
  return iommu::new_domain(s, {type, hw::pcie::IommuKind::Smmuv3, smmu_of(s, dev), uint32_t(v.size() - 1), true});
}

void domain_free(System& s, iommu::DomainId d) {
  const iommu::Domain& dom = iommu::domain(s, d);
  if (!driver_domain(dom.type)) return;
  smmuv3_domain_free(s, handle(s, d));
  SourceKernel::get().domains[dom.priv] = nullptr;
}

int64_t domain_alloc_sva(System& s, pci::DevId dev, uint32_t mm) {
  int err = 0;
  iommu_domain* d = smmuv3_domain_alloc_sva(s, dev, mm_struct_of(s, mm), &err);
  if (!d) return err;
  auto& v = SourceKernel::get().domains;
  v.push_back(d);
  return iommu::new_domain(s, {iommu::DomainType::Sva, hw::pcie::IommuKind::Smmuv3, smmu_of(s, dev), uint32_t(v.size() - 1), true});
}

int dev_enable_sva(System& s, pci::DevId dev) { return smmuv3_dev_enable_sva(s, dev); }
bool has_dev_feat_sva() { return atslab_arm_smmu_has_dev_enable_feat(); }
bool has_sva() { return atslab_arm_smmu_has_sva(); }
bool has_iommufd_pasid() { return atslab_arm_smmu_has_iommufd_pasid(); }

iommu::DomainId static_domain(System& s, pci::DevId dev, iommu::DomainType type) {
  const uint16_t smmu = smmu_of(s, dev);
  SourceSmmu& sm = SourceKernel::get().smmu(smmu);
  uint32_t& slot = type == iommu::DomainType::Blocked ? sm.blocked_domain : sm.identity_domain;
  if (slot == iommu::kNoDomain) slot = iommu::new_domain(s, {type, hw::pcie::IommuKind::Smmuv3, smmu, iommu::kNoDomain, true});
  return slot;
}

int attach_dev(System& s, iommu::DomainId d, pci::DevId dev) { return smmuv3_attach_dev(s, handle(s, d), dev); }

int map_pages(System& s, iommu::DomainId d, uint64_t iova, uint64_t paddr, uint64_t size) {
  return smmuv3_map(s, handle(s, d), iova, paddr, size, true);
}

uint64_t unmap_pages(System& s, iommu::DomainId d, uint64_t iova, uint64_t size) {
  return smmuv3_unmap(s, handle(s, d), iova, size);
}

bool has_set_dev_pasid(const System& s, iommu::DomainId d) { return atslab_arm_smmu_has_set_dev_pasid(handle(s, d)); }
bool has_remove_dev_pasid() { return atslab_arm_smmu_has_remove_dev_pasid(); }

int set_dev_pasid(System& s, iommu::DomainId d, pci::DevId dev, uint32_t pasid, iommu::DomainId old) {
  return smmuv3_set_dev_pasid(s, handle(s, d), dev, pasid, old == iommu::kNoDomain ? nullptr : handle(s, old));
}

int remove_dev_pasid(System& s, pci::DevId dev, uint32_t pasid, iommu::DomainId old) {
  return smmuv3_remove_dev_pasid(s, dev, pasid, handle(s, old));
}

uint32_t iommu_max_pasids(const System& s, pci::DevId dev) {
  const uint16_t smmu = smmu_of(s, dev);
  const auto& smmus = SourceKernel::get().smmus;
  return smmu < smmus.size() ? atslab_iommu_device_max_pasids(smmus[smmu].iommu) : 0;
}

int master_ssid_bits(System& s, pci::DevId dev) {
  KernelCall k(s);
  return atslab_arm_smmu_master_ssid_bits(source_device(s, dev));
}

std::vector<MasterBelief> masters(const System& s) {
  KernelCall k(s);
  std::vector<MasterBelief> out;
  for (const auto& [id, p] : SourceKernel::get().pci_devs) {
    device* d = atslab_pci_dev_device(p);
    MasterBelief b;
    unsigned n = 0;
    if (atslab_arm_smmu_master_state(d, &b.ats_enabled, &n)) continue;
    b.dev = id;
    b.smmu = smmu_of(s, id);
    for (unsigned i = 0; i < n; ++i) b.streams.push_back(atslab_arm_smmu_master_sid(d, i));
    b.used_ssids = atslab_arm_smmu_master_used_ssids(d);
    out.push_back(std::move(b));
  }
  return out;
}

std::vector<DomainBelief> domains(const System& s) {
  KernelCall k(s);
  std::vector<DomainBelief> out;
  for (iommu::DomainId d = 0; d < s.kernel.iommu.domains.size(); ++d) {
    const iommu::Domain& dom = s.kernel.iommu.domains[d];
    if (!dom.live || dom.driver != hw::pcie::IommuKind::Smmuv3 || !driver_domain(dom.type)) continue;
    iommu_domain* h = SourceKernel::get().domains.at(dom.priv);
    if (!h) continue;
    DomainBelief b;
    b.domain = d;
    unsigned n = 0;
    if (atslab_arm_smmu_domain_state(h, &b.nr_ats_masters, &n)) continue;
    for (unsigned i = 0; i < n; ++i) {
      b.devices.push_back(dev_of(atslab_arm_smmu_domain_device(h, i)));
      b.ssids.push_back(atslab_arm_smmu_domain_device_ssid(h, i));
    }
    atslab_arm_smmu_domain_key(h, &b.s2, &b.tag, &b.nest_parent);
    InvsBelief invs;
    if (atslab_arm_smmu_domain_invs(h, &invs.num_invs, &invs.num_trashes, &invs.max_invs, &invs.has_ats) == 0) {
      for (unsigned i = 0;; ++i) {
        InvBelief e;
        if (atslab_arm_smmu_domain_inv(h, i, &e.type, &e.id, &e.ssid, &e.users)) break;
        invs.inv.push_back(e);
      }
      b.invs = std::move(invs);
    }
    out.push_back(std::move(b));
  }
  return out;
}

std::vector<NestedBelief> nested_domains(const System& s) {
  KernelCall k(s);
  std::vector<NestedBelief> out;
  const auto& handles = SourceKernel::get().domains;
  for (iommu::DomainId d = 0; d < s.kernel.iommu.domains.size(); ++d) {
    const iommu::Domain& dom = s.kernel.iommu.domains[d];
    if (!dom.live || dom.driver != hw::pcie::IommuKind::Smmuv3 || dom.type != iommu::DomainType::Nested) continue;
    iommu_domain* h = handles.at(dom.priv);
    iommu_domain* parent = nullptr;
    NestedBelief b;
    b.domain = d;
    if (!h || atslab_arm_smmu_nested_state(h, b.vste.data(), &b.enable_ats, &parent)) continue;
    for (iommu::DomainId p = 0; p < s.kernel.iommu.domains.size(); ++p) {
      const iommu::Domain& pd = s.kernel.iommu.domains[p];
      if (pd.live && pd.driver == hw::pcie::IommuKind::Smmuv3 && iommu::is_paging(pd.type) && pd.priv < handles.size() &&
          handles[pd.priv] == parent)
        b.parent = p;
    }
    for (unsigned i = 0;; ++i) {
      device* dev = atslab_arm_smmu_nested_device(h, i);
      if (!dev) break;
      b.devices.push_back(dev_of(dev));
    }
    out.push_back(std::move(b));
  }
  return out;
}

}  // namespace atslab::kernel_src::smmuv3
