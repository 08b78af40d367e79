// PASID attachments (kernel-semantics.md 3.7): arm_smmu_s1_set_dev_pasid and arm_smmu_set_pasid,
// arm_smmu_update_ste, arm_smmu_blocking_set_dev_pasid. A PASID attach is the same two-phase
// attach as the RID's, with `ssid` the PASID: prepare decides ATS (arm_smmu_ats_supported; the
// paging domain counts, whatever the RID's domain is), commit enables it, so each PASID attach
// is one more commit-time pci_enable_ats() call site.
#include "hw/smmuv3/cd_layout.h"
#include "linux/iommu/iommu.h"
#include "linux/iommu/pasid.h"
#include "linux/kernel/errno.h"
#include "linux/kernel/locks.h"
#include "linux/kernel/preempt.h"
#include "linux/kernel/printk.h"
#include "linux/smmuv3/attach_state.h"
#include "linux/smmuv3/cd_table.h"
#include "linux/smmuv3/hw_access.h"
#include "linux/smmuv3/smmuv3.h"
#include "linux/system.h"

namespace atslab::smmuv3 {

using kernel::Frame;
using kernel::KFn;

bool ssids_in_use(const System& s, MasterId m) { return s.kernel.smmuv3.masters.at(m).used_ssids != 0; }

namespace {

Master& mst(System& s, MasterId m) { return s.kernel.smmuv3.masters.at(m); }

// arm_smmu_update_ste: the RID's STE for a master whose RID is identity or blocked while a PASID
// is attached. A CD table already in the STE with the same EATS is left alone; otherwise a
// CD-table STE whose S1DSS keeps the RID's behaviour (bypass for identity, terminate for blocked)
// and whose EATS is the PASID attach's decision. Any other RID domain WARNs (and gets terminate).
void update_ste(System& s, MasterId m, iommu::DomainId sid_domain, bool ats_enabled) {
  Frame f(s, KFn::arm_smmu_update_ste);
  if (mst(s, m).cd_table_in_ste && mst(s, m).ste_ats_enabled == ats_enabled) return;
  uint64_t s1dss = ste::kS1dssTerminate;
  const iommu::DomainType t = iommu::domain(s, sid_domain).type;
  if (t == iommu::DomainType::Identity)
    s1dss = ste::kS1dssBypass;
  else
    kernel::warn_on(s, t != iommu::DomainType::Blocked, "sid_domain->type != IOMMU_DOMAIN_BLOCKED");
  install_ste_for_dev(s, m, make_cdtable_ste(driver_features(), cd_table_view(s, m), ats_enabled, s1dss));
}

}  // namespace

int set_pasid(System& s, MasterId m, iommu::DomainId d, uint32_t pasid, hw::smmuv3::Entry cd, iommu::DomainId old) {
  Frame f(s, KFn::arm_smmu_set_pasid);
  const SmmuDomainId sd = smmu_domain_devices(s, d);
  const pci::DevId dev = mst(s, m).dev;
  const iommu::DomainId sid_domain = iommu::driver_get_domain_for_dev(s, dev);
  if (s.kernel.smmuv3.domains.at(sd).smmu != mst(s, m).smmu) return -EINVAL;
  // The RID's STE must be one a CD table can live in: a stage-1 domain's already, or an identity
  // or blocked one that update_ste turns into a CD-table STE. A stage-2 RID domain: -EINVAL.
  const iommu::DomainType t = iommu::domain(s, sid_domain).type;
  if (!mst(s, m).cd_table_in_ste && t != iommu::DomainType::Identity && t != iommu::DomainType::Blocked) return -EINVAL;
  // arm_smmu_alloc_cd_ptr(master, pasid): the table, and a 2-level table's leaf for the PASID.
  // The core checked the PASID against dev->iommu->max_pasids only; a master whose
  // pci_enable_pasid failed has ssid_bits 0 and a one-CD table, which the kernel indexes past
  // its end (write_cd_entry reports it).
  if (!alloc_cd_ptr(s, m, pasid)) return -ENOMEM;
  AttachState st;
  st.master = m;
  st.ssid = pasid;
  st.old_domain = old;
  st.old_ste = ste_of(s, mst(s, m).smmu, mst(s, m).streams.front());
  st.old_cd = cd_of(s, m, pasid);
  kernel::LockGuard asid(s, kernel::LockClass::arm_smmu_asid_lock);
  int ret = attach_prepare(s, st, d);
  if (ret) return ret;
  kernel::preempt_point(s, kernel::PreemptPoint::AttachAfterPrepare);
  // The caller made the CD before taking the lock: the ASID is put in again as it is under it
  // (a stage-1 domain's may have changed; an SVA domain's never does).
  namespace cdl = hw::smmuv3::cd;
  cd[0] = (cd[0] & ~cdl::k0Asid) | hw::smmuv3::field_prep(cdl::k0Asid, s.kernel.smmuv3.domains.at(sd).asid);
  write_cd_entry(s, m, pasid, cd);
  update_ste(s, m, sid_domain, st.ats_enabled);
  kernel::preempt_point(s, kernel::PreemptPoint::AttachAfterSte);
  // The kernel's commit returns nothing and set_pasid returns prepare's result; under rollback
  // the commit undoes a failed enable and says so.
  return attach_commit(s, st, d);
}

int s1_set_dev_pasid(System& s, iommu::DomainId d, pci::DevId dev, uint32_t pasid, iommu::DomainId old) {
  Frame f(s, KFn::arm_smmu_s1_set_dev_pasid);
  const MasterId m = master_of(s, dev);
  if (m == kNone) return -ENODEV;
  const SmmuDomainId sd = smmu_domain_of(s, d);
  if (sd == kNone || s.kernel.smmuv3.domains.at(sd).smmu != mst(s, m).smmu) return -EINVAL;
  if (s.kernel.smmuv3.domains.at(sd).stage != Stage::S1) return -EINVAL;
  return set_pasid(s, m, d, pasid, make_s1_cd({}, s1_config(s.kernel.smmuv3.domains.at(sd))), old);
}

namespace {
// The body of arm_smmu_blocking_set_dev_pasid (2026) and of 6.12's arm_smmu_remove_dev_pasid,
// which do the same here: 6.12 has no arrays to prepare or unref (the model's are bookkeeping
// under the nr_ats_masters design) and no ATS-always-on master.
void take_pasid_off(System& s, pci::DevId dev, uint32_t pasid, iommu::DomainId old);
}  // namespace

int blocking_set_dev_pasid(System& s, iommu::DomainId, pci::DevId dev, uint32_t pasid, iommu::DomainId old) {
  Frame f(s, KFn::arm_smmu_blocking_set_dev_pasid);
  take_pasid_off(s, dev, pasid, old);
  return 0;
}

void remove_dev_pasid(System& s, pci::DevId dev, uint32_t pasid, iommu::DomainId old) {
  Frame f(s, KFn::arm_smmu_remove_dev_pasid);
  take_pasid_off(s, dev, pasid, old);
}

namespace {
void take_pasid_off(System& s, pci::DevId dev, uint32_t pasid, iommu::DomainId old) {
  const MasterId m = master_of(s, dev);
  AttachState st;
  st.master = m;
  st.old_domain = old;
  st.ssid = pasid;
  {
    kernel::LockGuard asid(s, kernel::LockClass::arm_smmu_asid_lock);
    prepare_invs(s, st, kNone);  // no new domain: nothing to allocate, the result is ignored
    clear_cd(s, m, pasid);
    // The PASID's translations leave the ATC on the driver's belief, not on the Enable bit.
    if (mst(s, m).ats_enabled) atc_inv_master(s, m, pasid);
    remove_master_domain(s, m, old, pasid);
    install_old_domain_invs(s, st);
  }
  // The last PASID gone: the RID's identity or blocked domain is attached again, which puts back
  // the plain bypass or abort STE and, through its prepare, switches ATS off (cd_needs_ats is
  // false now). An ATS-always-on master keeps its CD table for identity.
  if (!ssids_in_use(s, m)) {
    const iommu::DomainId sid_domain = iommu::driver_get_domain_for_dev(s, dev);
    const iommu::DomainType t = iommu::domain(s, sid_domain).type;
    const bool ats_always_on = mst(s, m).ats_always_on && t != iommu::DomainType::Blocked;
    const bool downgrade = t == iommu::DomainType::Identity || t == iommu::DomainType::Blocked;
    if (!ats_always_on && downgrade) {
      if (t == iommu::DomainType::Identity)
        attach_dev_identity(s, sid_domain, dev, sid_domain);
      else
        attach_dev_blocked(s, sid_domain, dev, sid_domain);
    }
  }
}
}  // namespace

}  // namespace atslab::smmuv3
