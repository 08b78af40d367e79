// AMD-Vi protection domains (blocked, identity, paging with a simple page map in
// the IOMMU, hw::AmdIommu::page_tables), attach/detach (where ATS is switched and
// the DTE written) and the flush with ats_qdep.
#include <algorithm>

#include "linux/amd/amd.h"
#include "linux/amd/cmd.h"
#include "linux/iommu/iommu.h"
#include "linux/kernel/errno.h"
#include "linux/kernel/printk.h"
#include "linux/pci/access.h"
#include "linux/system.h"

namespace atslab::amd {

using kernel::Frame;
using kernel::KFn;

namespace {
IommuDevData& data(System& s, DevDataId id) { return s.kernel.amd.dev_data.at(id); }

void domain_flush_pages(System& s, PdomId p, uint64_t addr, uint64_t size);

// dev_update_dte: the device table entry as the IOMMU reads it. Attached: valid, translating
// through the domain's table (pass-through for identity), I (IOTLB) iff the driver has ATS on.
void dev_update_dte(System& s, DevDataId id, bool set) {
  auto& table = s.hw.amd.at(data(s, id).iommu).dev_table;
  if (!set) {
    table.erase(data(s, id).devid);
    return;
  }
  const PdomId p = pdom_of(s, data(s, id).domain);
  hw::AmdDte e;
  e.v = e.tv = true;
  e.paging = p != kNone;
  e.domid = p != kNone ? s.kernel.amd.domains[p].id : 0;
  e.i = data(s, id).ats_enabled;
  table[data(s, id).devid] = e;
}

// detach_device: the device's caps go off, its DTE is cleared, then the domain is flushed
// whole (amd_iommu_domain_flush_all) while the device is still on its list. Its own ATS is
// already off by then, so its ATC gets no INVALIDATE_IOTLB_PAGES (see docs/findings.md).
void detach_device(System& s, DevDataId id) {
  Frame f(s, KFn::detach_device);
  pdev_disable_caps(s, data(s, id).dev);
  dev_update_dte(s, id, false);
  iommu::DomainId old = data(s, id).domain;
  if (old != iommu::kNoDomain) {
    PdomId p = pdom_of(s, old);
    if (p != kNone) {
      domain_flush_pages(s, p, 0, kAllPages);
      std::erase(s.kernel.amd.domains[p].devices, id);
    }
  }
  data(s, id).domain = iommu::kNoDomain;
}

// attach_device: joins the domain and switches the caps on. Simplification: a device with
// PASID support takes the SVA-capable path (pdev_enable_caps); others enable ATS alone, result ignored.
int attach_device(System& s, DevDataId id, iommu::DomainId d) {
  Frame f(s, KFn::attach_device);
  data(s, id).domain = d;
  PdomId p = pdom_of(s, d);
  if (p != kNone) s.kernel.amd.domains[p].devices.push_back(id);
  pci::DevId dev = data(s, id).dev;
  if (data(s, id).flags & kPasidSup)
    pdev_enable_caps(s, dev);
  else
    pdev_enable_cap_ats(s, dev);
  dev_update_dte(s, id, true);
  return 0;
}

// device_flush_iotlb: INVALIDATE_IOTLB_PAGES to the endpoint, with its queue depth.
void device_flush_iotlb(System& s, DevDataId id, uint64_t addr, uint64_t size) {
  Frame f(s, KFn::device_flush_iotlb);
  Cmd c;
  c.op = CmdOp::InvIotlbPages;
  c.devid = data(s, id).devid;
  c.qdep = static_cast<uint8_t>(data(s, id).ats_qdep);
  c.addr = addr;
  c.size = size;
  iommu_queue_command(s, data(s, id).iommu, c);
}

// domain_flush_pages: the IOMMU's TLB first, then every attached device with ATS on.
void domain_flush_pages(System& s, PdomId p, uint64_t addr, uint64_t size) {
  Frame f(s, KFn::domain_flush_pages);
  const ProtectionDomain& pd = s.kernel.amd.domains[p];
  Cmd c;
  c.op = CmdOp::InvIommuPages;
  c.domid = pd.id;
  c.addr = addr;
  c.size = size;
  iommu_queue_command(s, pd.iommu, c);
  std::vector<DevDataId> devs = pd.devices;
  for (DevDataId id : devs)
    if (data(s, id).ats_enabled) device_flush_iotlb(s, id, addr, size);
}
}  // namespace

PdomId pdom_of(const System& s, iommu::DomainId d) {
  const auto& dom = iommu::domain(s, d);
  if (dom.driver != hw::pcie::IommuKind::Amd || !iommu::is_paging(dom.type)) return kNone;
  return dom.priv;
}

iommu::DomainId domain_alloc_paging(System& s, pci::DevId dev, iommu::DomainType type) {
  Frame f(s, KFn::amd_iommu_domain_alloc_paging);
  DevDataId id = dev_data_of(s, dev);
  if (id == kNone) return iommu::kNoDomain;
  auto& drv = s.kernel.amd;
  ProtectionDomain pd;
  pd.iommu = data(s, id).iommu;
  pd.id = drv.next_domid++;
  drv.domains.push_back(pd);
  PdomId p = static_cast<PdomId>(drv.domains.size() - 1);
  iommu::DomainId d = iommu::new_domain(s, {type, hw::pcie::IommuKind::Amd, pd.iommu, p, true});
  drv.domains[p].domain = d;
  return d;
}

void domain_free(System& s, iommu::DomainId d) {
  Frame f(s, KFn::amd_iommu_domain_free);
  PdomId p = pdom_of(s, d);
  if (p == kNone) return;
  s.kernel.amd.domains[p].live = false;
  // The page-table pages go with the domain.
  s.hw.amd.at(s.kernel.amd.domains[p].iommu).page_tables.erase(s.kernel.amd.domains[p].id);
}

iommu::DomainId static_domain(System& s, pci::DevId dev, iommu::DomainType type) {
  DevDataId id = dev_data_of(s, dev);
  if (id == kNone) return iommu::kNoDomain;
  uint16_t mmu = data(s, id).iommu;
  auto& slot = type == iommu::DomainType::Blocked ? s.kernel.amd.blocked_domain[mmu] : s.kernel.amd.identity_domain[mmu];
  if (slot == iommu::kNoDomain) slot = iommu::new_domain(s, {type, hw::pcie::IommuKind::Amd, mmu, kNone, true});
  return slot;
}

int attach_dev(System& s, iommu::DomainId d, pci::DevId dev, iommu::DomainId) {
  Frame f(s, KFn::amd_iommu_attach_device);
  DevDataId id = dev_data_of(s, dev);
  if (id == kNone) return -ENODEV;
  if (data(s, id).domain == d) return 0;
  if (data(s, id).domain != iommu::kNoDomain) detach_device(s, id);
  return attach_device(s, id, d);
}

int attach_dev_blocked(System& s, iommu::DomainId d, pci::DevId dev, iommu::DomainId) {
  Frame f(s, KFn::blocked_domain_attach_device);
  DevDataId id = dev_data_of(s, dev);
  if (id == kNone) return -ENODEV;
  if (data(s, id).domain != iommu::kNoDomain) detach_device(s, id);
  data(s, id).domain = d;
  dev_update_dte(s, id, false);  // blocked: no valid DTE, every request is refused
  return 0;
}

int map_pages(System& s, iommu::DomainId d, uint64_t iova, uint64_t paddr, uint64_t size) {
  Frame f(s, KFn::amd_iommu_map_pages);
  PdomId p = pdom_of(s, d);
  if (p == kNone) return -EINVAL;
  const ProtectionDomain& pd = s.kernel.amd.domains[p];
  return s.hw.amd.at(pd.iommu).page_tables[pd.id].map(iova, paddr, size);
}

uint64_t unmap_pages(System& s, iommu::DomainId d, uint64_t iova, uint64_t size) {
  Frame f(s, KFn::amd_iommu_unmap_pages);
  PdomId p = pdom_of(s, d);
  if (p == kNone) return 0;
  const ProtectionDomain& pd = s.kernel.amd.domains[p];
  uint64_t done = s.hw.amd.at(pd.iommu).page_tables[pd.id].unmap(iova, size);
  if (done) domain_flush_pages(s, p, iova, size);  // amd_iommu_iotlb_sync
  return done;
}

}  // namespace atslab::amd
