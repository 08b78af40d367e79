// arm-smmu-v3-iommufd.c: vSMMUs, nested domains and the nested attach (see nested.h).
#include "linux/smmuv3/nested.h"

#include "hw/smmuv3/ste_layout.h"
#include "linux/iommu/iommu.h"
#include "linux/iommufd/viommu.h"
#include "linux/kernel/errno.h"
#include "linux/kernel/locks.h"
#include "linux/kernel/preempt.h"
#include "linux/kernel/printk.h"
#include "linux/smmuv3/attach_state.h"
#include "linux/smmuv3/hw_access.h"
#include "linux/smmuv3/smmuv3.h"
#include "linux/system.h"

namespace atslab::smmuv3 {

using kernel::Frame;
using kernel::KFn;
namespace hste = hw::smmuv3::ste;

namespace {
// The bits of a vSTE the guest may set (STRTAB_STE_0/1_NESTING_ALLOWED): its stage-1 table and
// how to use it, and EATS. Nothing of the S2, the StreamWorld or the VMID.
constexpr uint64_t kNestingAllowed0 = hste::k0V | hste::k0Cfg | hste::k0S1Fmt | hste::k0S1CtxPtrMask | hste::k0S1CdMax;
constexpr uint64_t kNestingAllowed1 =
    hste::k1S1Dss | hste::k1S1Cir | hste::k1S1Cor | hste::k1S1Csh | hste::k1S1Stalld | hste::k1Eats;

const NestedDomain& nested_of(const System& s, iommu::DomainId d) {
  return s.kernel.smmuv3.nested_domains.at(iommu::domain(s, d).priv);
}

// Freed slots are reused lowest first, as the domain tables do: the same live objects give the same state.
template <typename T>
uint32_t free_slot(std::vector<T>& v) {
  for (size_t i = 0; i < v.size(); ++i)
    if (!v[i].live) return static_cast<uint32_t>(i);
  v.emplace_back();
  return static_cast<uint32_t>(v.size() - 1);
}
}  // namespace

bool vsmmu_supported(const System& s, pci::DevId dev) {
  const MasterId m = master_of(s, dev);
  return m != kNone && s.kernel.smmuv3.smmus.at(s.kernel.smmuv3.masters[m].smmu).feat_nesting();
}

int vsmmu_vdevice_init(const System& s, pci::DevId dev) {
  const MasterId m = master_of(s, dev);
  if (m == kNone) return -EINVAL;
  return s.kernel.smmuv3.masters[m].streams.size() != 1 ? -EOPNOTSUPP : 0;
}

int64_t vsmmu_init(System& s, pci::DevId dev, iommu::DomainId parent, uint32_t viommu) {
  Frame f(s, KFn::arm_vsmmu_init);
  const MasterId m = master_of(s, dev);
  const SmmuDomainId sd = smmu_domain_of(s, parent);
  if (m == kNone || sd == kNone) return -EINVAL;
  const SmmuDomain& parent_dom = s.kernel.smmuv3.domains[sd];
  // The viommu's IOMMU is the device's: the S2 parent must be a domain of the same SMMU.
  if (parent_dom.smmu != s.kernel.smmuv3.masters[m].smmu) return -EINVAL;
  auto& vs = s.kernel.smmuv3.vsmmus;
  const VsmmuId id = free_slot(vs);
  vs[id] = {.smmu = parent_dom.smmu, .s2_parent = sd, .vmid = parent_dom.vmid, .viommu = viommu, .live = true};
  return id;
}

int validate_vste(std::array<uint64_t, 2>& vste, bool& enable_ats) {
  enable_ats = false;
  if (!(vste[0] & hste::k0V)) {
    vste = {};
    return 0;
  }
  // -EIO is what the uAPI reserves for STE data the kernel refuses.
  if ((vste[0] & ~kNestingAllowed0) || (vste[1] & ~kNestingAllowed1)) return -EIO;
  const uint64_t cfg = hw::smmuv3::field_get(hste::k0Cfg, vste[0]);
  if (cfg != hste::kCfgAbort && cfg != hste::kCfgBypass && cfg != hste::kCfgS1Trans) return -EIO;
  // Full ATS or none: EATS=S1CHK (split-stage ATS) is refused; EATS is the host's to set.
  const uint64_t eats = hw::smmuv3::field_get(hste::k1Eats, vste[1]);
  vste[1] &= ~hste::k1Eats;
  if (eats != hste::kEatsAbt && eats != hste::kEatsTrans) return -EIO;
  // Only a vSTE that translates can use ATS: with bypass the guest has no stage 1 to ask about.
  if (cfg == hste::kCfgS1Trans) enable_ats = eats == hste::kEatsTrans;
  return 0;
}

int64_t alloc_domain_nested(System& s, VsmmuId vsmmu, uint32_t flags, std::array<uint64_t, 2> vste) {
  Frame f(s, KFn::arm_vsmmu_alloc_domain_nested);
  if (flags) return -EOPNOTSUPP;
  bool enable_ats = false;
  if (const int ret = validate_vste(vste, enable_ats)) return ret;
  auto& nd = s.kernel.smmuv3.nested_domains;
  const NestedDomainId id = free_slot(nd);
  const Vsmmu& v = s.kernel.smmuv3.vsmmus.at(vsmmu);
  const iommu::DomainId d = iommu::new_domain(s, {iommu::DomainType::Nested, hw::pcie::IommuKind::Smmuv3, v.smmu, id, true});
  nd[id] = {.vsmmu = vsmmu, .ste = vste, .enable_ats = enable_ats, .domain = d, .live = true};
  return d;
}

void domain_nested_free(System& s, iommu::DomainId d) {
  Frame f(s, KFn::arm_smmu_domain_nested_free);
  s.kernel.smmuv3.nested_domains.at(iommu::domain(s, d).priv) = {};
}

int attach_prepare_vmaster(System& s, AttachState& st, iommu::DomainId nested) {
  Frame f(s, KFn::arm_smmu_attach_prepare_vmaster);
  const NestedDomain& nd = nested_of(s, nested);
  const uint64_t cfg = hw::smmuv3::field_get(hste::k0Cfg, nd.ste[0]);
  const uint32_t viommu = s.kernel.smmuv3.vsmmus.at(nd.vsmmu).viommu;
  // CD and ATC invalidations (and events) need a vSID: a translating vSTE needs a vDEVICE. An
  // abort or bypass vSTE may attach without one (the guest's GBPA). The vmaster itself, which
  // only names the vSID in events forwarded to the guest, is not kept.
  if (iommufd::viommu_get_vdev_id(s, viommu, s.kernel.smmuv3.masters.at(st.master).dev) < 0 &&
      cfg != hste::kCfgAbort && cfg != hste::kCfgBypass)
    return -ENOENT;
  return 0;
}

int attach_dev_nested(System& s, iommu::DomainId d, pci::DevId dev, iommu::DomainId old) {
  Frame f(s, KFn::arm_smmu_attach_dev_nested);
  const MasterId m = master_of(s, dev);
  if (m == kNone) return -ENOENT;
  const NestedDomain nd = nested_of(s, d);
  const Vsmmu& v = s.kernel.smmuv3.vsmmus.at(nd.vsmmu);
  if (v.smmu != s.kernel.smmuv3.masters[m].smmu) return -EINVAL;
  if (ssids_in_use(s, m)) return -EBUSY;
  AttachState st;
  st.old_domain = old;
  st.master = m;
  // The VM controls the device's ATS: it forwards its ATC invalidations itself, and sends them
  // only if it believes ATS is on. Its virtual config space is not seen here, so its vSTE's
  // EATS stands for it, for a translating vSTE only (upstream a45dd3466302, "Do not set
  // disable_ats unless vSTE is Translate", in 7.2 and 6.18 stable): an abort or bypass vSTE
  // leaves ATS to arm_smmu_ats_supported, as an attach of the S2 parent itself would.
  if (hw::smmuv3::field_get(hste::k0Cfg, nd.ste[0]) == hste::kCfgS1Trans) st.disable_ats = !nd.enable_ats;
  const Master& master = s.kernel.smmuv3.masters[m];
  st.old_ste = ste_of(s, master.smmu, master.streams.front());
  st.old_cd = cd_of(s, m, 0);
  kernel::LockGuard asid(s, kernel::LockClass::arm_smmu_asid_lock);
  if (const int ret = attach_prepare(s, st, d)) return ret;
  kernel::preempt_point(s, kernel::PreemptPoint::AttachAfterPrepare);
  const SmmuDomain& parent = s.kernel.smmuv3.domains.at(v.s2_parent);
  install_ste_for_dev(s, m, make_nested_domain_ste(driver_features(), {}, s2_config(parent), nd.ste, st.ats_enabled));
  kernel::preempt_point(s, kernel::PreemptPoint::AttachAfterSte);
  // The kernel's commit returns nothing: 0 always; the rollback variant's undo has an error to give.
  return attach_commit(s, st, d);
}

int vsmmu_cache_invalidate(System& s, VsmmuId vsmmu, hw::smmuv3::Command cmd) {
  Frame f(s, KFn::arm_vsmmu_cache_invalidate);
  const Vsmmu& v = s.kernel.smmuv3.vsmmus.at(vsmmu);
  if (cmd.op != hw::smmuv3::Op::ATC_INV) return -EIO;
  // arm_vsmmu_vsid_to_sid: the vDEVICE's device, its first StreamID.
  const pci::DevId dev = iommufd::viommu_find_dev(s, v.viommu, cmd.sid);
  const MasterId m = dev == pci::kNoDev ? kNone : master_of(s, dev);
  if (m == kNone) return -EIO;
  cmd.sid = s.kernel.smmuv3.masters[m].streams.front();
  return cmdq_issue(s, v.smmu, {cmd}, true);
}

}  // namespace atslab::smmuv3
