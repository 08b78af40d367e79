// Paging domains, their io-pgtable, and the invalidation paths (3.4).
#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <bit>
#include <vector>

#include "linux/kernel/barrier.h"
#include "linux/kernel/preempt.h"
#include "linux/iommu/iommu.h"
#include "linux/kernel/errno.h"
#include "linux/kernel/locks.h"
#include "linux/kernel/printk.h"
#include "linux/smmuv3/atc_inv.h"
#include "linux/smmuv3/hw_access.h"
#include "linux/smmuv3/rcu.h"
#include "linux/smmuv3/smmuv3.h"
#include "linux/system.h"

namespace atslab::smmuv3 {

using kernel::Frame;
using kernel::KFn;
namespace hs = hw::smmuv3;

SmmuDomainId smmu_domain_of(const System& s, iommu::DomainId d) {
  const auto& dom = iommu::domain(s, d);
  if (dom.driver != hw::pcie::IommuKind::Smmuv3 || !iommu::is_paging(dom.type)) return kNone;
  return dom.priv;
}

SmmuDomainId smmu_domain_devices(const System& s, iommu::DomainId d) {
  if (d == iommu::kNoDomain) return kNone;
  const auto& dom = iommu::domain(s, d);
  if (dom.driver != hw::pcie::IommuKind::Smmuv3) return kNone;
  if (iommu::is_paging(dom.type) || dom.type == iommu::DomainType::Sva) return dom.priv;
  // A nested domain's attachments are tracked, and invalidated, by its vSMMU's S2 parent.
  if (dom.type == iommu::DomainType::Nested) {
    const auto& drv = s.kernel.smmuv3;
    return drv.vsmmus.at(drv.nested_domains.at(dom.priv).vsmmu).s2_parent;
  }
  return kNone;
}

const Invs& domain_invs(const System& s, SmmuDomainId sd) {
  return s.kernel.smmuv3.invs_pool.at(s.kernel.smmuv3.domains.at(sd).invs).invs;
}

uint16_t lowest_free_tag(const Driver& drv, uint16_t smmu, Stage stage) {
  // SVA and stage-1 domains share arm_smmu_asid_xa, one xarray of the driver for every SMMU (a
  // file-scope DEFINE_XARRAY_ALLOC1); stage-2 VMIDs come from each SMMU's own IDA (smmu->vmid_map).
  std::vector<uint16_t> used;
  for (const auto& o : drv.domains)
    if (o.live && asid_tagged(o.stage) == asid_tagged(stage) && (asid_tagged(stage) || o.smmu == smmu))
      used.push_back(asid_tagged(stage) ? o.asid : o.vmid);
  std::sort(used.begin(), used.end());
  uint16_t id16 = 1;
  for (uint16_t u : used)
    if (u == id16) ++id16;
    else if (u > id16) break;
  return id16;
}

iommu::DomainId domain_alloc_paging(System& s, pci::DevId dev, iommu::DomainType type, Stage stage) {
  Frame f(s, KFn::arm_smmu_domain_alloc_paging);
  MasterId m = master_of(s, dev);
  if (m == kNone) return iommu::kNoDomain;
  auto& drv = s.kernel.smmuv3;
  SmmuDomain sd;
  sd.smmu = drv.masters[m].smmu;
  // arm_smmu_domain_finalise: restrict the stage to what the SMMU implements.
  if (!drv.smmus.at(sd.smmu).feat_trans_s1) stage = Stage::S2;
  if (!drv.smmus.at(sd.smmu).feat_trans_s2) stage = Stage::S1;
  sd.stage = stage;
  // arm_smmu_domain_finalise_s1 allocates the ASID under arm_smmu_asid_lock (a VMID comes from
  // an IDA with its own spinlock).
  std::optional<kernel::LockGuard> asid;
  if (stage == Stage::S1) asid.emplace(s, kernel::LockClass::arm_smmu_asid_lock);
  // ASIDs come from an xarray and VMIDs from an IDA: the lowest free one.
  // One pass over the domains, then the first gap: a probe per candidate made setting up
  // thousands of domains cubic.
  (stage == Stage::S1 ? sd.asid : sd.vmid) = lowest_free_tag(drv, sd.smmu, stage);
  // A freed smmu_domain's memory is reused, lowest first.
  SmmuDomainId id = 0;
  while (id < drv.domains.size() && drv.domains[id].live) ++id;
  // arm_smmu_domain_finalise: the io-pgtable, its root table in memory.
  sd.pgtbl = alloc_io_pgtable(s.hw.memory, drv.pages,
                              stage == Stage::S1 ? hw::smmuv3::pgtable::Stage::S1 : hw::smmuv3::pgtable::Stage::S2,
                              kOwnerIoPgtable + (id & 0xffff));
  if (!sd.pgtbl.root) return iommu::kNoDomain;
  sd.invs = rcu_publish(s, invs_alloc(0));  // a new domain starts with an empty array
  if (id == drv.domains.size()) drv.domains.push_back(sd);
  else drv.domains[id] = sd;
  iommu::DomainId d = iommu::new_domain(s, {type, hw::pcie::IommuKind::Smmuv3, sd.smmu, id, true});
  drv.domains[id].domain = d;
  return d;
}

int64_t domain_alloc_nest_parent(System& s, pci::DevId dev) {
  Frame f(s, KFn::arm_smmu_domain_alloc_paging_flags);
  const MasterId m = master_of(s, dev);
  if (m == kNone) return -ENODEV;
  // IOMMU_HWPT_ALLOC_NEST_PARENT: a stage-2 domain, on an SMMU with both stages only.
  if (!s.kernel.smmuv3.smmus.at(s.kernel.smmuv3.masters[m].smmu).feat_nesting()) return -EOPNOTSUPP;
  const iommu::DomainId d = domain_alloc_paging(s, dev, iommu::DomainType::Unmanaged, Stage::S2);
  if (d == iommu::kNoDomain) return -ENOMEM;
  s.kernel.smmuv3.domains.at(iommu::domain(s, d).priv).nest_parent = true;
  return d;
}

void domain_free(System& s, iommu::DomainId d) {
  Frame f(s, KFn::arm_smmu_domain_free_paging);
  SmmuDomainId sd = smmu_domain_of(s, d);
  if (sd == kNone) return;
  // The older design (6.12): free_io_pgtable_ops flushes the whole context first
  // (io_pgtable_tlb_flush_all -> arm_smmu_tlb_inv_context: the ASID or VMID, then the ATC of the
  // domain's ATS masters, none once it is detached). The 2026 design flushes a tag when its last
  // array entry goes instead (install_old_domain_invs). compare-drivers found the difference.
  if (s.kernel.smmuv3.inv_design == InvalidationDesign::NrAtsMasters) {
    const SmmuDomain& old = s.kernel.smmuv3.domains[sd];
    const hs::Command c = old.stage == Stage::S1 ? hs::Command{.op = hs::Op::TLBI_NH_ASID, .asid = old.asid}
                                                 : hs::Command{.op = hs::Op::TLBI_S12_VMALL, .vmid = old.vmid};
    cmdq_issue(s, old.smmu, {c}, true);
  }
  auto& dom = s.kernel.smmuv3.domains[sd];
  // A stage-1 domain's ASID is erased from the xarray under arm_smmu_asid_lock.
  std::optional<kernel::LockGuard> asid;
  if (dom.stage == Stage::S1) asid.emplace(s, kernel::LockClass::arm_smmu_asid_lock);
  // The domain's array is freed directly: nothing can be invalidating a dead domain.
  kfree(s, dom.invs);
  // free_io_pgtable_ops: no STE or CD points at the tables any more (the domain is detached).
  free_io_pgtable(s.hw.memory, s.kernel.smmuv3.pages, dom.pgtbl);
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

namespace {
// The domain's smallest page (1 << __ffs(pgsize_bitmap)): iommu_map and iommu_unmap refuse
// anything not aligned to it, so a 64 KiB-granule SMMU never sees a 4 KiB mapping.
uint64_t min_pagesz(const System& s, SmmuDomainId sd) {
  const uint64_t bitmap = s.kernel.smmuv3.smmus.at(s.kernel.smmuv3.domains[sd].smmu).pgsize_bitmap;
  return bitmap ? uint64_t{1} << std::countr_zero(bitmap) : 0x1000;
}
}  // namespace

// Simplification: the io-pgtable has a 4 KiB granule whatever pgsize_bitmap says, and maps
// 4 KiB leaves only (no blocks), so an unmap never splits a block.
int map_pages(System& s, iommu::DomainId d, uint64_t iova, uint64_t paddr, uint64_t size) {
  Frame f(s, KFn::arm_smmu_map_pages);
  SmmuDomainId sd = smmu_domain_of(s, d);
  if (sd == kNone) return -EINVAL;
  if ((iova | paddr | size) & (min_pagesz(s, sd) - 1)) return -EINVAL;
  auto& drv = s.kernel.smmuv3;
  IoPgtable& pt = drv.domains[sd].pgtbl;
  for (uint64_t off = 0; off < size; off += 0x1000) {
    int ret = iopt_map(s.hw.memory, drv.pages, pt, iova + off, paddr + off, 0x1000, true, true);
    if (ret) {
      // iommu_map unwinds what it mapped (-EEXIST or -ENOMEM leaves nothing behind; the
      // device never saw those pages: nothing to invalidate).
      for (uint64_t back = 0; back < off; back += 0x1000) iopt_unmap(s.hw.memory, pt, iova + back, 0x1000);
      return ret;
    }
  }
  return 0;
}

uint64_t unmap_pages(System& s, iommu::DomainId d, uint64_t iova, uint64_t size) {
  Frame f(s, KFn::arm_smmu_unmap_pages);
  SmmuDomainId sd = smmu_domain_of(s, d);
  if (sd == kNone || ((iova | size) & (min_pagesz(s, sd) - 1))) return 0;
  auto& drv = s.kernel.smmuv3;
  uint64_t unmapped = 0;
  for (uint64_t off = 0; off < size; off += 0x1000)
    unmapped += iopt_unmap(s.hw.memory, drv.domains[sd].pgtbl, iova + off, 0x1000);
  s.record.event(kernel::EventKind::IopteWrite, sd, static_cast<int64_t>(iova), static_cast<int64_t>(size));
  kernel::preempt_point(s, kernel::PreemptPoint::UnmapAfterIoptes);
  // iommu_iotlb_sync with the gathered range: the IOPTEs are gone, now the caches.
  Frame g(s, KFn::arm_smmu_iotlb_sync);
  domain_inv_range(s, sd, iova, size);
  return unmapped;
}

namespace {
// The TLB invalidation of [iova, iova + size) for one tag (__arm_smmu_tlb_inv_range,
// 4 KiB granule, leaf): with RIL, ranges of (num + 1) << scale pages, five bits of the
// page count per command; without, one command per page. The no-size opcode (the
// whole ASID or VMID) when the size is 0 or too big (arm_smmu_inv_size_too_big).
void add_tlbi_range(std::vector<hs::Command>& batch, const Smmu& smmu, hs::Command va_cmd, hs::Command all_cmd,
                    uint64_t iova, uint64_t size) {
  constexpr uint64_t kGranule = 0x1000, kMaxTlbiOps = 512;  // 1 << (ilog2(granule) - 3)
  const bool too_big = size == 0 || size >= (uint64_t{1} << 48) || (!smmu.feat_range_inv && size >= kMaxTlbiOps * kGranule);
  if (too_big) {
    batch.push_back(all_cmd);
    return;
  }
  const uint64_t end = iova + size;
  uint64_t num_pages = size / kGranule + (size % kGranule ? 1 : 0);
  while (iova < end) {
    hs::Command c = va_cmd;
    c.addr = iova;
    uint64_t inv_range = kGranule;
    if (smmu.feat_range_inv) {
      const unsigned scale = static_cast<unsigned>(std::countr_zero(num_pages));
      const uint64_t num = (num_pages >> scale) & 0x1f;  // CMDQ_TLBI_RANGE_NUM_MAX
      c.scale = static_cast<uint8_t>(scale);
      c.num = static_cast<uint8_t>(num - 1);
      c.tg = 1;   // 4 KiB translation granule
      c.ttl = 3;  // leaf entries at level 3
      inv_range = num << (scale + 12);
      num_pages -= num << scale;
    }
    batch.push_back(c);
    iova += inv_range;
  }
}

void add_tlbi_asid(std::vector<hs::Command>& batch, const Smmu& smmu, uint16_t asid, uint64_t iova, uint64_t size) {
  add_tlbi_range(batch, smmu, {.op = hs::Op::TLBI_NH_VA, .leaf = true, .asid = asid},
                 {.op = hs::Op::TLBI_NH_ASID, .asid = asid}, iova, size);
}
void add_tlbi_vmid(std::vector<hs::Command>& batch, const Smmu& smmu, uint16_t vmid, uint64_t iova, uint64_t size) {
  add_tlbi_range(batch, smmu, {.op = hs::Op::TLBI_S2_IPA, .leaf = true, .vmid = vmid},
                 {.op = hs::Op::TLBI_S12_VMALL, .vmid = vmid}, iova, size);
}

// v6.10 .. pre-invs: TLBI + sync, then arm_smmu_atc_inv_domain: smp_mb, skip if no
// master counts as ATS, else ATC_INV for every attachment whose master has ats_enabled.
void legacy_inv_range(System& s, SmmuDomainId sd, uint64_t iova, uint64_t size) {
  const SmmuDomain& d = s.kernel.smmuv3.domains[sd];
  std::vector<hs::Command> tlbi;
  const Smmu& smmu = s.kernel.smmuv3.smmus.at(d.smmu);
  if (asid_tagged(d.stage))
    add_tlbi_asid(tlbi, smmu, d.asid, iova, size);
  else
    add_tlbi_vmid(tlbi, smmu, d.vmid, iova, size);
  cmdq_issue(s, d.smmu, tlbi, true);
  // A nest parent changed: every guest stage-1 entry over it may hold the old output (6.13's
  // arm_smmu_tlb_inv_range_domain issues TLBI_NH_ALL for the VMID, with its own sync).
  if (d.nest_parent) cmdq_issue(s, d.smmu, {{.op = hs::Op::TLBI_NH_ALL, .vmid = d.vmid}}, true);
  kernel::preempt_point(s, kernel::PreemptPoint::InvAfterLoad);  // the window before smp_mb and the counter read
  Frame f(s, KFn::arm_smmu_atc_inv_domain);
  if (!s.kernel.smmuv3.smmus[d.smmu].feat_ats) return;
  // smp_mb(): the TLBI's completion (CMD_SYNC) is ordered before the counter read, pairing
  // with the enable side's increment before pci_enable_ats (invariant 22).
  kernel::smp_mb(s);
  const int nr = s.kernel.smmuv3.domains[sd].nr_ats_masters;
  s.record.event(kernel::EventKind::NrAtsMastersRead, sd, nr);
  if (nr == 0) return;
  std::vector<hs::Command> cmds;
  for (const MasterDomain& md : s.kernel.smmuv3.domains[sd].devices) {
    const Master& m = s.kernel.smmuv3.masters[md.master];
    if (!m.ats_enabled) continue;
    // nested_ats_flush: the guest's ATC holds its own IOVAs over this S2, which no range of the
    // S2 names: the whole ATC goes (IOMMU_NO_PASID, size 0).
    for (uint32_t sid : m.streams)
      cmds.push_back(md.nested_ats_flush ? atc_inv_to_cmd(sid, kIommuNoPasid, 0, 0) : atc_inv_to_cmd(sid, md.ssid, iova, size));
  }
  // from_array: driven by the driver's tracking, like an array entry.
  cmdq_issue(s, s.kernel.smmuv3.domains[sd].smmu, cmds, true, true);
}
}  // namespace

void domain_inv_range(System& s, SmmuDomainId sd, uint64_t iova, uint64_t size) {
  Frame f(s, KFn::arm_smmu_domain_inv_range);
  if (s.kernel.smmuv3.inv_design == InvalidationDesign::NrAtsMasters) {
    legacy_inv_range(s, sd, iova, size);
    return;
  }
  // smp_mb(): the IOPTE change is visible before the array is loaded; pairs with the dma_wmb
  // an attach executes between publishing an array and writing the STE (invariant 22).
  kernel::smp_mb(s);
  InvsId slot = rcu_read_lock(s, s.kernel.smmuv3.domains[sd].invs);
  s.record.event(kernel::EventKind::InvsLoad, sd, slot);
  // Another CPU may attach here: it can publish a new array (this reader keeps the
  // old one alive) or unref this one in place, which the entries read below show.
  kernel::preempt_point(s, kernel::PreemptPoint::InvAfterLoad);
  const Invs invs = s.kernel.smmuv3.invs_pool[slot].invs;
  uint16_t smmu = s.kernel.smmuv3.domains[sd].smmu;
  std::vector<hs::Command> batch;
  bool synced_before_ats = false;
  for (const Inv& inv : invs.live()) {
    switch (inv.type) {
      case InvType::S1Asid:
        add_tlbi_asid(batch, s.kernel.smmuv3.smmus.at(smmu), static_cast<uint16_t>(inv.id), iova, size);
        break;
      case InvType::S2Vmid:
        add_tlbi_vmid(batch, s.kernel.smmuv3.smmus.at(smmu), static_cast<uint16_t>(inv.id), iova, size);
        break;
      case InvType::S2VmidS1Clear:
        cmdq_issue(s, smmu, batch, true, true);
        batch.clear();
        batch.push_back({.op = hs::Op::TLBI_NH_ALL, .vmid = static_cast<uint16_t>(inv.id)});
        break;
      case InvType::Ats:
      case InvType::AtsFull: {
        // ATS must come after a sync of the TLB invalidations (invariant 19).
        if (!synced_before_ats) {
          cmdq_issue(s, smmu, batch, true, true);
          batch.clear();
          synced_before_ats = true;
        }
        batch.push_back(inv.type == InvType::AtsFull
                            ? hs::Command{.op = hs::Op::ATC_INV, .sid = inv.id, .size = hs::cmdq::kAtcInvSizeAll}
                            : atc_inv_to_cmd(inv.id, inv.ssid, iova, size));
        break;
      }
    }
  }
  cmdq_issue(s, smmu, batch, true, true);  // the array's ATC_INVs
  rcu_read_unlock(s, slot);
}

}  // namespace atslab::smmuv3
