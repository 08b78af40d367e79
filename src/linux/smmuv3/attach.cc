// The two-phase attach: prepare -> write STE/CD -> commit (sections 3.6, 3.7),
// with the design variants consulted at their decision points.
#include <algorithm>
#include <bit>
#include <fmt/format.h>
#include <optional>

#include "linux/kernel/preempt.h"
#include "linux/iommu/iommu.h"
#include "linux/kernel/errno.h"
#include "linux/kernel/locks.h"
#include "linux/kernel/printk.h"
#include "linux/pci/access.h"
#include "linux/pci/ats.h"
#include "linux/smmuv3/attach_state.h"
#include "linux/smmuv3/cd_table.h"
#include "linux/smmuv3/hw_access.h"
#include "linux/smmuv3/rcu.h"
#include "linux/smmuv3/smmuv3.h"
#include "linux/kernel/fault_inject.h"
#include "linux/system.h"

namespace atslab::smmuv3 {

using kernel::Frame;
using kernel::KFn;
namespace hs = hw::smmuv3;

namespace {

Master& mst(System& s, MasterId m) { return s.kernel.smmuv3.masters.at(m); }
SmmuDomain& sdom(System& s, SmmuDomainId d) { return s.kernel.smmuv3.domains.at(d); }

// arm_smmu_master_build_invs: the tag, then one ATS entry per stream when ats_enabled.
std::optional<Invs> build_invs(System& s, MasterId m, bool ats_enabled, uint32_t ssid, SmmuDomainId sd) {
  Master& master = mst(s, m);
  const SmmuDomain& d = sdom(s, sd);
  Invs& b = master.build_invs;
  b.num_invs = 0;
  auto push = [&](const Inv& inv) {
    if (kernel::warn_on(s, b.num_invs >= b.max_invs, "build_invs->num_invs >= build_invs->max_invs", 3115)) return false;
    b.inv[b.num_invs++] = inv;
    return true;
  };
  Inv tag;
  tag.smmu = d.smmu;
  tag.users = 1;
  if (asid_tagged(d.stage)) {  // ARM_SMMU_DOMAIN_S1 and _SVA
    tag.type = InvType::S1Asid;
    tag.size_opcode = static_cast<uint8_t>(hs::Op::TLBI_NH_VA);
    tag.nsize_opcode = static_cast<uint8_t>(hs::Op::TLBI_NH_ASID);
    tag.id = d.asid;
  } else {
    tag.type = InvType::S2Vmid;
    tag.size_opcode = static_cast<uint8_t>(hs::Op::TLBI_S2_IPA);
    tag.nsize_opcode = static_cast<uint8_t>(hs::Op::TLBI_S12_VMALL);
    tag.id = d.vmid;
  }
  if (!push(tag)) return std::nullopt;
  // A nest parent: every nested stage 1 over it is flushed (by VMID) when the S2 changes, and
  // an ATS master's whole ATC too (ATS_FULL): the guest's ATC entries are its own IOVAs.
  const uint8_t nh_all = static_cast<uint8_t>(hs::Op::TLBI_NH_ALL);
  if (d.nest_parent && !push({d.smmu, InvType::S2VmidS1Clear, nh_all, nh_all, d.vmid, 0, 1})) return std::nullopt;
  const InvType ats = d.nest_parent ? InvType::AtsFull : InvType::Ats;
  if (ats_enabled)
    for (uint32_t sid : master.streams)
      if (!push({d.smmu, ats, static_cast<uint8_t>(hs::Op::ATC_INV), static_cast<uint8_t>(hs::Op::ATC_INV), sid, ssid, 1}))
        return std::nullopt;
  Invs out = b;
  out.max_invs = out.num_invs;
  out.inv.resize(out.num_invs);
  return out;
}

}  // namespace

int prepare_invs(System& s, AttachState& st, SmmuDomainId new_sd) {
  Frame f(s, KFn::arm_smmu_attach_prepare_invs);
  if (new_sd != kNone) {
    st.new_invst.sd = new_sd;
    st.new_invst.old_invs = sdom(s, new_sd).invs;
    auto build = build_invs(s, st.master, st.ats_enabled, st.ssid, new_sd);
    if (!build) return -EINVAL;
    bool no_memory = faults::inject(s, faults::Point::InvsMergeAlloc).has_value();
    // Sketch 13a: a failed allocation is replaced by the master's spare array when the union fits.
    Master& m = mst(s, st.master);
    const bool spare = no_memory && s.kernel.smmuv3.switches.attach_spares && m.spare_invs;
    auto merged = invs_merge(s, s.kernel.smmuv3.invs_pool[st.new_invst.old_invs].invs, *build, no_memory && !spare);
    if (!merged || (spare && merged->num_invs > m.build_invs.max_invs)) return -ENOMEM;
    if (spare) m.spare_invs = false;
    st.new_invst.new_invs = std::move(*merged);
  }
  SmmuDomainId old_sd = smmu_domain_devices(s, st.old_domain);
  if (old_sd != kNone) {
    st.old_invst.sd = old_sd;
    // Re-attaching the same domain: the old build is dropped from the array just merged.
    st.old_invst.old_invs = sdom(s, old_sd).invs;
    auto build = build_invs(s, st.master, mst(s, st.master).ats_enabled, st.ssid, old_sd);  // result unchecked, as in the kernel
    if (build) st.old_invst.to_unref = *build;
  }
  return 0;
}

namespace {
void install_new_domain_invs(System& s, AttachState& st) {
  Frame f(s, KFn::arm_smmu_install_new_domain_invs);
  if (!st.new_invst.new_invs) return;
  InvsId slot = rcu_publish(s, std::move(*st.new_invst.new_invs));
  st.new_invst.new_invs.reset();
  st.new_invst.published = slot;
  rcu_assign_invs(s, st.new_invst.sd, slot);
  // rollback keeps the replaced array until commit succeeds; everyone else frees it now.
  if (!s.kernel.smmuv3.policy.rollback_on_enable_failure) kfree_rcu(s, st.new_invst.old_invs);
}

}  // namespace

void install_old_domain_invs(System& s, AttachState& st) {
  Frame f(s, KFn::arm_smmu_install_old_domain_invs);
  if (st.old_invst.sd == kNone || st.old_invst.to_unref.num_invs == 0) return;
  SmmuDomain& d = sdom(s, st.old_invst.sd);
  InvsId slot = d.invs;  // the live array (the merged one when re-attaching the same domain)
  invs_unref(s, s.kernel.smmuv3.invs_pool[slot].invs, st.old_invst.to_unref);
  // A tag in no array must be clean in the IOTLB: flush it now (invariant 16). The older design
  // (6.12) has no arrays and flushes nothing when a device leaves a domain: its TLBIs go by the
  // domain's own ASID or VMID, at unmap (compare-drivers found the difference).
  const Inv& tag = st.old_invst.to_unref.inv[0];
  if (tag.users == 0 && s.kernel.smmuv3.inv_design == InvalidationDesign::Invs) {
    hs::Command c = tag.type == InvType::S1Asid ? hs::Command{.op = hs::Op::TLBI_NH_ASID, .asid = static_cast<uint16_t>(tag.id)}
                                                : hs::Command{.op = hs::Op::TLBI_S12_VMALL, .vmid = static_cast<uint16_t>(tag.id)};
    cmdq_issue(s, d.smmu, {c}, true);
  }
  if (auto purged = invs_purge(s, s.kernel.smmuv3.invs_pool[slot].invs)) {
    rcu_assign_invs(s, st.old_invst.sd, rcu_publish(s, std::move(*purged)));
    kfree_rcu(s, slot);
  }
}

void atc_inv_master(System& s, MasterId m, uint32_t ssid) {
  Frame f(s, KFn::arm_smmu_atc_inv_master);
  std::vector<hs::Command> cmds;
  for (uint32_t sid : mst(s, m).streams)
    cmds.push_back({.op = hs::Op::ATC_INV, .sid = sid, .ssid = ssid, .ssv = ssid != 0, .size = hs::cmdq::kAtcInvSizeAll});
  cmdq_issue(s, mst(s, m).smmu, cmds, true);
}

namespace {
// arm_smmu_enable_ats: full ATC flush, then PCI ATS Enable. Returns pci_enable_ats's result.
int enable_ats(System& s, MasterId m) {
  Frame f(s, KFn::arm_smmu_enable_ats);
  unsigned stu = static_cast<unsigned>(std::countr_zero(s.kernel.smmuv3.smmus.at(mst(s, m).smmu).pgsize_bitmap));
  atc_inv_master(s, m, 0);  // invalidation of PASID 0 flushes the entire ATC
  pci::DevId dev = mst(s, m).dev;
  int ret = pci::enable_ats(s, dev, static_cast<int>(stu));
  if (ret) {
    s.record.event(kernel::EventKind::AtsEnableFailed, dev, ret);
    std::string msg = fmt::format("Failed to enable ATS (STU {})", stu);
    // fail-early: `if (WARN_ON(pci_enable_ats(pdev, stu)))` before the dev_err (the review: "if
    // pci_enable_ats() fails just WARN_ON and keep going"; scripts/kernel-tree/design-fail-early.sh).
    if (s.kernel.smmuv3.policy.warn_on_enable_failure) kernel::warn_on(s, true, "pci_enable_ats(pdev, stu)");
    kernel::dev_err(s, dev, msg);
  }
  return ret;
}

}  // namespace

bool nested_ats_flush(const System& s, iommu::DomainId d) {
  if (d == iommu::kNoDomain || iommu::domain(s, d).type != iommu::DomainType::Nested) return false;
  return s.kernel.smmuv3.nested_domains.at(iommu::domain(s, d).priv).enable_ats;
}

void remove_master_domain(System& s, MasterId m, iommu::DomainId domain, uint32_t ssid) {
  Frame f(s, KFn::arm_smmu_remove_master_domain);
  SmmuDomainId sd = smmu_domain_devices(s, domain);
  if (sd == kNone) return;
  const bool flush = nested_ats_flush(s, domain);
  auto& devs = sdom(s, sd).devices;
  for (auto it = devs.begin(); it != devs.end(); ++it) {
    if (it->master == m && it->domain == domain && it->ssid == ssid && it->nested_ats_flush == flush) {
      devs.erase(it);
      // The OLD belief decides the decrement: the update comes after, in commit.
      if (mst(s, m).ats_enabled) sdom(s, sd).nr_ats_masters--;
      // Sketch 13a: the freed master_domain refills the spare instead of going to kfree.
      if (s.kernel.smmuv3.switches.attach_spares) mst(s, m).spare_master_domain = true;
      return;
    }
  }
}

namespace {
int attach_prepare_body(System& s, AttachState& st, iommu::DomainId new_domain) {
  SmmuDomainId sd = smmu_domain_devices(s, new_domain);
  if (sd != kNone || st.cd_needs_ats) {
    bool gate = !s.kernel.smmuv3.policy.gate_on_ats_prepared || mst(s, st.master).ats_prepared;
    st.ats_enabled = !st.disable_ats && gate && ats_supported(s, st.master);
  }
  int ret = prepare_invs(s, st, sd);
  if (ret) return ret;
  // A nested domain: the device needs a vDEVICE on the vSMMU unless the vSTE neither translates
  // nor uses ATS (arm_smmu_attach_prepare_vmaster). Nothing has been changed yet.
  if (sd != kNone && iommu::domain(s, new_domain).type == iommu::DomainType::Nested)
    if ((ret = attach_prepare_vmaster(s, st, new_domain))) return ret;
  if (sd != kNone) {
    if (auto err = faults::inject(s, faults::Point::MasterDomainAlloc)) {  // kzalloc of the master_domain
      // Sketch 13a: the spare preallocated at probe stands in for the failed allocation.
      if (!s.kernel.smmuv3.switches.attach_spares || !mst(s, st.master).spare_master_domain) return *err;
      mst(s, st.master).spare_master_domain = false;
    }
    if (st.ats_enabled) {
      sdom(s, sd).nr_ats_masters++;
      s.record.event(kernel::EventKind::NrAtsMastersInc, sd, mst(s, st.master).dev);
    }
    // list_add: at the head, so the devices list runs newest first (6.12's ATC_INV order).
    auto& devs = sdom(s, sd).devices;
    devs.insert(devs.begin(), {st.master, new_domain, st.ssid, nested_ats_flush(s, new_domain)});
    st.added_master_domain = true;
    install_new_domain_invs(s, st);  // from here prepare cannot fail
  }
  // PCI ATS off before the STE loses EATS (then wmb), so no translation request meets an abort.
  if (!st.ats_enabled && mst(s, st.master).ats_enabled) pci::disable_ats(s, mst(s, st.master).dev);
  return 0;
}

// Undo an attach whose pci_enable_ats failed (the rollback design).
void rollback_attach(System& s, AttachState& st, iommu::DomainId new_domain) {
  SmmuDomainId sd = smmu_domain_devices(s, new_domain);
  if (sd != kNone) {
    if (st.new_invst.published != kNone) {
      rcu_assign_invs(s, sd, st.new_invst.old_invs);
      kfree_rcu(s, st.new_invst.published);
    }
    auto& devs = sdom(s, sd).devices;
    // Its own master_domain: the newest match, at the head (list_add).
    for (auto it = devs.begin(); it != devs.end(); ++it)
      if (it->master == st.master && it->domain == new_domain && it->ssid == st.ssid) {
        devs.erase(it);
        break;
      }
    if (st.ats_enabled) sdom(s, sd).nr_ats_masters--;
  }
  install_ste_for_dev(s, st.master, st.old_ste);
  if (mst(s, st.master).cdtab && cd_of(s, st.master, st.ssid) != st.old_cd) write_cd_entry(s, st.master, st.ssid, st.old_cd);
}

int attach_commit_body(System& s, AttachState& st, iommu::DomainId new_domain) {
  Master& m = mst(s, st.master);
  const auto& pol = s.kernel.smmuv3.policy;
  bool enabled_ok = true;
  if (st.ats_enabled && !m.ats_enabled) {
    int ret = enable_ats(s, st.master);
    enabled_ok = ret == 0;
    if (ret && pol.rollback_on_enable_failure) {
      rollback_attach(s, st, new_domain);
      return ret;
    }
  } else if (st.ats_enabled && m.ats_enabled) {
    atc_inv_master(s, st.master, st.ssid);
  } else if (!st.ats_enabled && m.ats_enabled) {
    atc_inv_master(s, st.master, 0);
  }
  remove_master_domain(s, st.master, st.old_domain, st.ssid);
  install_old_domain_invs(s, st);
  if (pol.rollback_on_enable_failure && st.new_invst.published != kNone) kfree_rcu(s, st.new_invst.old_invs);
  // Upstream records the decision whatever pci_enable_ats returned; vtd-style records the result.
  mst(s, st.master).ats_enabled = st.ats_enabled && (enabled_ok || !pol.track_enable_result);
  return 0;
}

}  // namespace

// The two phases as the checker sees them (invariant 18): where each starts and what it returned.
int attach_prepare(System& s, AttachState& st, iommu::DomainId new_domain) {
  Frame f(s, KFn::arm_smmu_attach_prepare);
  uint32_t dev = mst(s, st.master).dev;
  s.record.event(kernel::EventKind::AttachPrepareBegin, dev);
  int ret = attach_prepare_body(s, st, new_domain);
  s.record.event(kernel::EventKind::AttachPrepareEnd, dev, ret);
  return ret;
}

int attach_commit(System& s, AttachState& st, iommu::DomainId new_domain) {
  Frame f(s, KFn::arm_smmu_attach_commit);
  int ret = attach_commit_body(s, st, new_domain);
  s.record.event(kernel::EventKind::AttachCommitEnd, mst(s, st.master).dev, ret);
  return ret;
}


// io-pgtable-arm's MAIR for stage 1 (arm_64_lpae_alloc_pgtable_s1): attributes NC 0x44, WBRWA
// 0xff, DEVICE 0x04 and INC_OWBRWA 0xf4 at indices 0-3. The kernel builds it from int constants:
// 0xf4 << 24 lands in an int's sign bit, the OR of the four is a negative int, and its
// assignment to the u64 `mair` sign-extends it, so the CD's qword 3 carries 0xff in attributes
// 4-7 too (no PTE's AttrIndx names them). Found by compare-drivers against the tree's own
// io-pgtable-arm.c (docs/fidelity.md).
constexpr uint64_t kS1Mair = static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(0xf404ff44u)));
static_assert(kS1Mair == 0xfffffffff404ff44ull);

// arm_smmu_make_s1_cd's inputs from the domain's io-pgtable: 48-bit input, 4 KiB granule,
// inner-shareable write-back walks, 48-bit IPS, and io-pgtable-arm's MAIR.
S1Config s1_config(const SmmuDomain& d) {
  return {.asid = d.asid, .tsz = 16, .tg = 0, .irgn = 1, .orgn = 1, .sh = 3, .ips = 5, .ttbr = d.pgtbl.root,
          .mair = kS1Mair};
}
// arm_smmu_make_s2_domain_ste's inputs: the VMID and the io-pgtable's VTCR (start level 0) and VTTBR.
S2Config s2_config(const SmmuDomain& d) {
  return {.vmid = d.vmid, .tsz = 16, .sl = 2, .irgn = 1, .orgn = 1, .sh = 3, .tg = 0, .ps = 5, .vttbr = d.pgtbl.root};
}

// The master's CD table as an STE points at it (arm_smmu_make_cdtable_ste): the table's address,
// format and S1CDMAX as arm_smmu_alloc_cd_tables chose them (cd_table.cc).
MasterView cd_table_view(const System& s, MasterId m) {
  const Master& master = s.kernel.smmuv3.masters.at(m);
  return {.cdtab_dma = master.cdtab, .s1fmt = master.s1fmt, .s1cdmax = master.s1cdmax};
}

namespace {
// `s1dss`: what a CD-table STE would do with untagged traffic; TERMINATE for the blocked domain.
int attach_dev_ste(System& s, iommu::DomainId d, pci::DevId dev, iommu::DomainId old, const Ste& target, uint64_t s1dss) {
  Frame f(s, KFn::arm_smmu_attach_dev_ste);
  AttachState st;
  st.old_domain = old;
  st.master = master_of(s, dev);
  // A CD table stays in the STE for an ATS-always-on master outside the blocked domain, and for
  // any master whose PASIDs are in use (arm_smmu_ssids_in_use): untagged traffic then goes by
  // S1DSS (bypass or terminate), and ATS stays on, since a PASID may be using it (cd_needs_ats).
  const bool ats_always_on = mst(s, st.master).ats_always_on && s1dss != ste::kS1dssTerminate;
  const bool cd_table = ats_always_on || ssids_in_use(s, st.master);
  st.cd_needs_ats = cd_table;
  {
    kernel::LockGuard asid(s, kernel::LockClass::arm_smmu_asid_lock);
    attach_prepare(s, st, d);  // the return value is ignored here, as in the kernel
    kernel::preempt_point(s, kernel::PreemptPoint::AttachAfterPrepare);
    install_ste_for_dev(s, st.master, cd_table ? make_cdtable_ste(driver_features(), cd_table_view(s, st.master),
                                                                  st.ats_enabled, s1dss)
                                               : target);
    kernel::preempt_point(s, kernel::PreemptPoint::AttachAfterSte);
    attach_commit(s, st, d);
  }
  // After the unlock, once the master left the old domain's devices list (arm_smmu_share_asid must not race it).
  clear_cd(s, st.master, 0);
  return 0;
}

// arm_smmu_attach_dev from the asid lock on: prepare, the CD and STE, commit.
int attach_locked(System& s, AttachState& st, iommu::DomainId d) {
  const MasterId m = st.master;
  const SmmuDomainId sd = smmu_domain_of(s, d);
  const bool s1 = sdom(s, sd).stage == Stage::S1;
  // Held from prepare to commit: the ASID stays the domain's and no other attach runs between.
  kernel::LockGuard asid(s, kernel::LockClass::arm_smmu_asid_lock);
  int ret = attach_prepare(s, st, d);
  st.prepare_failed = ret != 0;
  if (ret) return ret;
  kernel::preempt_point(s, kernel::PreemptPoint::AttachAfterPrepare);
  if (s1) {
    // The CD first (ASID and TTB0), then the CD-table STE pointing at it.
    write_cd_entry(s, m, 0, make_s1_cd({}, s1_config(sdom(s, sd))));
    install_ste_for_dev(s, m, make_cdtable_ste(driver_features(), cd_table_view(s, m), st.ats_enabled, ste::kS1dssSsid0));
  } else {
    install_ste_for_dev(s, m, make_s2_domain_ste(driver_features(), {}, s2_config(sdom(s, sd)), st.ats_enabled));
    clear_cd(s, m, 0);
  }
  kernel::preempt_point(s, kernel::PreemptPoint::AttachAfterSte);
  return attach_commit(s, st, d);
}
}  // namespace

int attach_dev(System& s, iommu::DomainId d, pci::DevId dev, iommu::DomainId old) {
  Frame f(s, KFn::arm_smmu_attach_dev);
  MasterId m = master_of(s, dev);
  if (m == kNone) return -ENOENT;
  SmmuDomainId sd = smmu_domain_of(s, d);
  if (sd == kNone || sdom(s, sd).smmu != mst(s, m).smmu) return -EINVAL;
  const bool s1 = sdom(s, sd).stage == Stage::S1;
  // arm_smmu_alloc_cd_ptr for SSID 0: the CD table, allocated once per master, before prepare.
  // A stage-2 STE has no CD table, which the PASIDs in use need: -EBUSY.
  if (s1 && !alloc_cd_ptr(s, m, 0)) return -ENOMEM;
  if (!s1 && ssids_in_use(s, m)) return -EBUSY;
  // Sketch 13a: a used spare array is replaced here, where failing is allowed (a failure, which
  // the model does not inject, would only leave the master without one).
  if (s.kernel.smmuv3.switches.attach_spares) mst(s, m).spare_invs = true;
  AttachState st;
  st.old_domain = old;
  st.master = m;
  st.old_ste = ste_of(s, mst(s, m).smmu, mst(s, m).streams.front());
  st.old_cd = cd_of(s, m, 0);
  int ret = attach_locked(s, st, d);
  // Sketch 13b: a failed prepare leaves the STE on `old`, which a must-succeed caller may free
  // next; park the device on the abort STE instead (it loses DMA, the SMMU walks nothing freed).
  if (ret && st.prepare_failed && s.kernel.smmuv3.switches.abort_ste_on_prepare_failure)
    attach_dev_blocked(s, static_domain(s, dev, iommu::DomainType::Blocked), dev, old);
  return ret;
}

int attach_dev_blocked(System& s, iommu::DomainId d, pci::DevId dev, iommu::DomainId old) {
  Frame f(s, KFn::arm_smmu_attach_dev_blocked);
  return attach_dev_ste(s, d, dev, old, make_abort_ste(), ste::kS1dssTerminate);
}

int attach_dev_identity(System& s, iommu::DomainId d, pci::DevId dev, iommu::DomainId old) {
  Frame f(s, KFn::arm_smmu_attach_dev_identity);
  return attach_dev_ste(s, d, dev, old, make_bypass_ste(driver_features()), ste::kS1dssBypass);
}

}  // namespace atslab::smmuv3
