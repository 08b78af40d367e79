// SVA on the SMMUv3 (arm-smmu-v3-sva.c). What matters to ATS state tracking: the SVA domain's
// PASID attach is arm_smmu_set_pasid, the same prepare/commit as a paging domain's, so a bind is
// one more commit-time pci_enable_ats() call site; and the mm notifier's invalidations reach the
// ATC by SSID through the domain's invalidation array (2026) or its devices list (the older
// design), on whatever the driver believes about ATS.
#include "linux/smmuv3/sva.h"

#include <algorithm>

#include "hw/smmuv3/command.h"
#include "linux/iommu/iommu.h"
#include "linux/kernel/errno.h"
#include "linux/kernel/printk.h"
#include "linux/mm/mm.h"
#include "linux/smmuv3/attach_state.h"
#include "linux/smmuv3/hw_access.h"
#include "linux/smmuv3/rcu.h"
#include "linux/smmuv3/smmuv3.h"
#include "linux/system.h"

namespace atslab::smmuv3 {

using kernel::Frame;
using kernel::KFn;
namespace hs = hw::smmuv3;

namespace {

// The model's CPU: 4 KiB pages, 48-bit VAs and PAs (ID_AA64MMFR0_EL1.PARange 5), 16-bit ASIDs.
constexpr unsigned kCpuPaBits = 48, kCpuAsidBits = 16, kCpuVaBits = 48;
constexpr uint8_t kCpuParange = 5;
// MAIR_EL1 as arm64 Linux programs it: Normal, Normal-Tagged, Normal-NC, Device-nGnRnE, Device-nGnRE.
constexpr uint64_t kCpuMair = 0x000000040044f0ffull;

Master& mst(System& s, MasterId m) { return s.kernel.smmuv3.masters.at(m); }

// arm_smmu_make_sva_cd's inputs: the mm's pgd (nullptr after release: the "released" CD).
SvaConfig sva_config(const System& s, uint16_t asid, uint32_t mm) {
  SvaConfig c{.has_mm = mm != mm::kNoMm, .asid = asid, .ips = kCpuParange, .va_bits = kCpuVaBits, .tg0 = 0, .mair = kCpuMair};
  if (c.has_mm) c.pgd_pa = s.kernel.mm.mms.at(mm).pgd.root;
  return c;
}

SmmuFeatures sva_features() {
  SmmuFeatures f = driver_features();
  f.stall_force = false;  // the model's SMMUs do not force stalls (IDR0.STALL_MODEL)
  return f;
}

}  // namespace

bool sva_supported(const SmmuHwInfo& info) {
  if (!info.feat_coherency) return false;
  if (!(info.pgsize_bitmap & 0x1000)) return false;  // PAGE_SIZE
  if (info.oas < kCpuPaBits) return false;
  return info.asid_bits >= kCpuAsidBits;
}

int64_t sva_domain_alloc(System& s, pci::DevId dev, uint32_t mm) {
  Frame f(s, KFn::arm_smmu_sva_domain_alloc);
  const MasterId m = master_of(s, dev);
  if (m == kNone) return -ENODEV;
  auto& drv = s.kernel.smmuv3;
  const uint16_t smmu = mst(s, m).smmu;
  if (!drv.smmus.at(smmu).feat_sva) return -EOPNOTSUPP;
  SmmuDomain sd;
  sd.smmu = smmu;
  sd.stage = Stage::Sva;
  // xa_alloc(&arm_smmu_asid_xa, ..., XA_LIMIT(1, (1 << asid_bits) - 1)): shared with stage 1.
  sd.asid = lowest_free_tag(drv, smmu, Stage::Sva);
  if (sd.asid == 0) return -ENOSPC;
  sd.invs = rcu_publish(s, invs_alloc(0));  // arm_smmu_domain_alloc: an empty array
  sd.mm = mm;
  SmmuDomainId id = 0;
  while (id < drv.domains.size() && drv.domains[id].live) ++id;
  if (id == drv.domains.size()) drv.domains.push_back(sd);
  else drv.domains[id] = sd;
  const iommu::DomainId d = iommu::new_domain(s, {iommu::DomainType::Sva, hw::pcie::IommuKind::Smmuv3, smmu, id, true});
  drv.domains[id].domain = d;
  // mmu_notifier_register: the newest subscription is called first.
  auto& subs = s.kernel.mm.mms.at(mm).notifiers;
  subs.insert(subs.begin(), id);
  return d;
}

int sva_set_dev_pasid(System& s, iommu::DomainId d, pci::DevId dev, uint32_t pasid, iommu::DomainId old) {
  Frame f(s, KFn::arm_smmu_sva_set_dev_pasid);
  const MasterId m = master_of(s, dev);
  if (m == kNone) return -ENODEV;
  if (!s.kernel.smmuv3.smmus.at(mst(s, m).smmu).feat_sva) return -EOPNOTSUPP;
  const uint32_t mm = iommu::domain(s, d).mm;
  // Keeps arm_smmu_mm_release from running while the CD is being installed.
  if (!mm::mmget_not_zero(s, mm)) return -EINVAL;
  const SmmuDomain& sd = s.kernel.smmuv3.domains.at(iommu::domain(s, d).priv);
  const hs::Entry cd = make_sva_cd(sva_features(), cd_table_view(s, m), sva_config(s, sd.asid, mm));
  const int ret = set_pasid(s, m, d, pasid, cd, old);
  mm::mmput(s, mm);
  return ret;
}

void sva_domain_free(System& s, iommu::DomainId d) {
  Frame f(s, KFn::arm_smmu_sva_domain_free);
  const SmmuDomainId id = iommu::domain(s, d).priv;
  // The ASID must be empty in the SMMU before it is reused. 2026: arm_smmu_domain_inv (the
  // array's entries: none are left once the last PASID went). 6.12: arm_smmu_tlb_inv_asid.
  if (s.kernel.smmuv3.inv_design == InvalidationDesign::Invs) {
    domain_inv_range(s, id, 0, 0);
  } else {
    const SmmuDomain& sd = s.kernel.smmuv3.domains.at(id);
    cmdq_issue(s, sd.smmu, {{.op = hs::Op::TLBI_NH_ASID, .asid = sd.asid}}, true);
  }
  // xa_erase of the ASID, then mmu_notifier_put: the subscription leaves the mm, and
  // arm_smmu_mmu_notifier_free frees the domain (after an SRCU grace period in the kernel).
  SmmuDomain& sd = s.kernel.smmuv3.domains.at(id);
  std::erase(s.kernel.mm.mms.at(sd.mm).notifiers, id);
  kfree(s, sd.invs);
  sd.live = false;
  mm::mmdrop_if_unused(s, sd.mm);  // the subscription's mmgrab
}

void mm_arch_invalidate_secondary_tlbs(System& s, uint32_t sd, uint64_t start, uint64_t end) {
  Frame f(s, KFn::arm_smmu_mm_arch_invalidate_secondary_tlbs);
  // vm_end is the first byte past the range: its size is end - start.
  domain_inv_range(s, sd, start, end - start);
}

void mm_release(System& s, uint32_t id) {
  Frame f(s, KFn::arm_smmu_mm_release);
  // DMA may still be running: the CDs stay valid (no C_BAD_CD) but translate nothing.
  const std::vector<MasterDomain> devices = s.kernel.smmuv3.domains.at(id).devices;
  const uint16_t asid = s.kernel.smmuv3.domains.at(id).asid;
  for (const MasterDomain& md : devices)
    write_cd_entry(s, md.master, md.ssid, make_sva_cd(sva_features(), cd_table_view(s, md.master), sva_config(s, asid, mm::kNoMm)));
  domain_inv_range(s, id, 0, 0);
}

int dev_enable_sva(System& s, pci::DevId dev) {
  Frame f(s, KFn::arm_smmu_dev_enable_feature);
  const MasterId m = master_of(s, dev);
  if (m == kNone) return -ENODEV;
  // arm_smmu_master_sva_supported: "SSID support is mandatory for the moment".
  if (!s.kernel.smmuv3.smmus.at(mst(s, m).smmu).feat_sva || mst(s, m).ssid_bits == 0) return -EINVAL;
  return 0;
}

}  // namespace atslab::smmuv3
