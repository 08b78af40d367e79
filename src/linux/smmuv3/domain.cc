// Paging domains, their io-pgtable, and the invalidation paths (3.4).
#include <fmt/format.h>

#include "linux/kernel/preempt.h"
#include "linux/iommu/iommu.h"
#include "linux/kernel/errno.h"
#include "linux/kernel/printk.h"
#include "linux/smmuv3/hw_access.h"
#include "linux/smmuv3/rcu.h"
#include "linux/smmuv3/smmuv3.h"
#include "sim/system.h"

namespace atslab::smmuv3 {

using kernel::Frame;
using kernel::KFn;

SmmuDomainId smmu_domain_of(const System& s, iommu::DomainId d) {
  const auto& dom = iommu::domain(s, d);
  if (dom.driver != hw::pcie::IommuKind::Smmuv3 || !iommu::is_paging(dom.type)) return kNone;
  return dom.priv;
}

const Invs& domain_invs(const System& s, SmmuDomainId sd) {
  return s.kernel.smmuv3.invs_pool.at(s.kernel.smmuv3.domains.at(sd).invs).invs;
}

iommu::DomainId domain_alloc_paging(System& s, pci::DevId dev, iommu::DomainType type, Stage stage) {
  Frame f(s, KFn::arm_smmu_domain_alloc_paging);
  MasterId m = master_of(s, dev);
  if (m == kNone) return iommu::kNoDomain;
  auto& drv = s.kernel.smmuv3;
  SmmuDomain sd;
  sd.smmu = drv.masters[m].smmu;
  sd.stage = stage;
  // ASIDs come from an xarray and VMIDs from an IDA: the lowest free one.
  auto in_use = [&](uint16_t id) {
    for (const auto& o : drv.domains)
      if (o.live && o.smmu == sd.smmu && o.stage == stage && (stage == Stage::S1 ? o.asid : o.vmid) == id) return true;
    return false;
  };
  uint16_t id16 = 1;
  while (in_use(id16)) ++id16;
  (stage == Stage::S1 ? sd.asid : sd.vmid) = id16;
  sd.invs = rcu_publish(s, invs_alloc(0));  // a new domain starts with an empty array
  // A freed smmu_domain's memory is reused, lowest first.
  SmmuDomainId id = 0;
  while (id < drv.domains.size() && drv.domains[id].live) ++id;
  if (id == drv.domains.size()) drv.domains.push_back(sd);
  else drv.domains[id] = sd;
  iommu::DomainId d = iommu::new_domain(s, {type, hw::pcie::IommuKind::Smmuv3, sd.smmu, id, true});
  drv.domains[id].domain = d;
  return d;
}

void domain_free(System& s, iommu::DomainId d) {
  Frame f(s, KFn::arm_smmu_domain_free_paging);
  SmmuDomainId sd = smmu_domain_of(s, d);
  if (sd == kNone) return;
  auto& dom = s.kernel.smmuv3.domains[sd];
  // The domain's array is freed directly: nothing can be invalidating a dead domain.
  s.kernel.smmuv3.invs_pool[dom.invs].state = RcuState::Reclaimed;
  dom.live = false;
}

iommu::DomainId static_domain(System& s, pci::DevId dev, iommu::DomainType type) {
  MasterId m = master_of(s, dev);
  if (m == kNone) return iommu::kNoDomain;
  uint16_t smmu = s.kernel.smmuv3.masters[m].smmu;
  auto& slot = type == iommu::DomainType::Blocked ? s.kernel.smmuv3.blocked_domain[smmu]
                                                   : s.kernel.smmuv3.identity_domain[smmu];
  if (slot == iommu::kNoDomain) slot = iommu::new_domain(s, {type, hw::pcie::IommuKind::Smmuv3, smmu, kNone, true});
  return slot;
}

int map_pages(System& s, iommu::DomainId d, uint64_t iova, uint64_t paddr, uint64_t size) {
  Frame f(s, KFn::arm_smmu_map_pages);
  SmmuDomainId sd = smmu_domain_of(s, d);
  if (sd == kNone) return -EINVAL;
  return s.kernel.smmuv3.domains[sd].iopte.map(iova, paddr, size);
}

uint64_t unmap_pages(System& s, iommu::DomainId d, uint64_t iova, uint64_t size) {
  Frame f(s, KFn::arm_smmu_unmap_pages);
  SmmuDomainId sd = smmu_domain_of(s, d);
  if (sd == kNone) return 0;
  uint64_t unmapped = s.kernel.smmuv3.domains[sd].iopte.unmap(iova, size);
  kernel::preempt_point(s, kernel::PreemptPoint::UnmapAfterIoptes);
  // iommu_iotlb_sync with the gathered range: the IOPTEs are gone, now the caches.
  Frame g(s, KFn::arm_smmu_iotlb_sync);
  domain_inv_range(s, sd, iova, size);
  return unmapped;
}

namespace {
// v6.10 .. pre-invs: TLBI + sync, then arm_smmu_atc_inv_domain: smp_mb, skip if no
// master counts as ATS, else ATC_INV for every attachment whose master has ats_enabled.
void legacy_inv_range(System& s, SmmuDomainId sd, uint64_t iova, uint64_t size) {
  const SmmuDomain& d = s.kernel.smmuv3.domains[sd];
  Cmd tlbi = d.stage == Stage::S1 ? Cmd{.op = Op::TlbiNhVa, .asid = d.asid, .addr = iova}
                                  : Cmd{.op = Op::TlbiS2Ipa, .vmid = d.vmid, .addr = iova};
  cmdq_issue(s, d.smmu, {tlbi}, true);
  kernel::preempt_point(s, kernel::PreemptPoint::InvAfterLoad);  // the window before smp_mb and the counter read
  Frame f(s, KFn::arm_smmu_atc_inv_domain);
  if (!s.kernel.smmuv3.smmus[d.smmu].feat_ats) return;
  if (s.kernel.smmuv3.domains[sd].nr_ats_masters == 0) return;  // after smp_mb(): pairs with the enable side
  std::vector<Cmd> cmds;
  for (const MasterDomain& md : s.kernel.smmuv3.domains[sd].devices) {
    const Master& m = s.kernel.smmuv3.masters[md.master];
    if (!m.ats_enabled) continue;
    for (uint32_t sid : m.streams) {
      Cmd c = atc_inv_cmd(sid, md.ssid, iova, size);
      c.from_array = true;  // driven by the driver's tracking, like an array entry
      cmds.push_back(c);
    }
  }
  cmdq_issue(s, s.kernel.smmuv3.domains[sd].smmu, cmds, true);
}
}  // namespace

void domain_inv_range(System& s, SmmuDomainId sd, uint64_t iova, uint64_t size) {
  Frame f(s, KFn::arm_smmu_domain_inv_range);
  if (s.kernel.smmuv3.inv_design == InvalidationDesign::NrAtsMasters) {
    legacy_inv_range(s, sd, iova, size);
    return;
  }
  // smp_mb(): the IOPTE change is visible before the array is loaded (invariant 22).
  InvsId slot = rcu_read_lock(s, s.kernel.smmuv3.domains[sd].invs);
  // Another CPU may attach here: it can publish a new array (this reader keeps the
  // old one alive) or unref this one in place, which the entries read below show.
  kernel::preempt_point(s, kernel::PreemptPoint::InvAfterLoad);
  const Invs invs = s.kernel.smmuv3.invs_pool[slot].invs;
  uint16_t smmu = s.kernel.smmuv3.domains[sd].smmu;
  std::vector<Cmd> batch;
  bool synced_before_ats = false;
  for (const Inv& inv : invs.live()) {
    switch (inv.type) {
      case InvType::S1Asid:
        batch.push_back({.op = Op::TlbiNhVa, .asid = static_cast<uint16_t>(inv.id), .addr = iova});
        break;
      case InvType::S2Vmid:
        batch.push_back({.op = Op::TlbiS2Ipa, .vmid = static_cast<uint16_t>(inv.id), .addr = iova});
        break;
      case InvType::S2VmidS1Clear:
        cmdq_issue(s, smmu, batch, true);
        batch.clear();
        batch.push_back({.op = Op::TlbiNhAll});
        break;
      case InvType::Ats:
      case InvType::AtsFull: {
        // ATS must come after a sync of the TLB invalidations (invariant 19).
        if (!synced_before_ats) {
          cmdq_issue(s, smmu, batch, true);
          batch.clear();
          synced_before_ats = true;
        }
        Cmd c = inv.type == InvType::AtsFull ? Cmd{.op = Op::AtcInv, .sid = inv.id, .size = kAtcInvSizeAll}
                                              : atc_inv_cmd(inv.id, inv.ssid, iova, size);
        c.from_array = true;
        batch.push_back(c);
        break;
      }
    }
  }
  cmdq_issue(s, smmu, batch, true);
  rcu_read_unlock(s, slot);
}

}  // namespace atslab::smmuv3
