// arm_smmu_probe_device / arm_smmu_release_device and the ATS support check (3.5).
#include <algorithm>
#include <bit>
#include <fmt/format.h>

#include "linux/iommu/group.h"
#include "linux/kernel/errno.h"
#include "linux/kernel/printk.h"
#include "linux/pci/access.h"
#include "linux/pci/ats.h"
#include "linux/pci/pri_pasid.h"
#include "linux/smmuv3/cd_table.h"
#include "linux/smmuv3/hw_access.h"
#include "linux/smmuv3/io_pgtable_arm.h"
#include "linux/smmuv3/hw_probe.h"
#include "linux/smmuv3/smmuv3.h"
#include "linux/smmuv3/sva.h"
#include "linux/system.h"

namespace atslab::smmuv3 {

using kernel::Frame;
using kernel::KFn;

int device_probe(System& s, uint16_t smmu, hw::pcie::RcId rc) {
  if (s.hw.smmus.size() <= smmu) s.hw.smmus.resize(smmu + 1);
  // arm_smmu_device_hw_probe: features and page sizes from the ID registers.
  SmmuHwInfo info = device_hw_probe(s.hw.smmus[smmu]);
  if (!info.feat_trans_s1 && !info.feat_trans_s2) {
    // IDR0 has neither S1P nor S2P: nothing this driver could do with the SMMU.
    s.record.log.push_back({s.record.next(), kernel::Level::Err,
                            fmt::format("arm-smmu-v3 arm-smmu-v3.{}.auto: no translation support!", smmu)});
    return -ENXIO;
  }
  Smmu features;
  features.feat_ats = info.feat_ats;
  features.feat_range_inv = info.feat_range_inv;
  features.feat_trans_s1 = info.feat_trans_s1;
  features.feat_trans_s2 = info.feat_trans_s2;
  features.feat_2lvl_strtab = info.feat_2lvl_strtab;
  features.feat_2lvl_cdtab = info.feat_2lvl_cdtab;
  features.ssid_bits = uint8_t(info.ssid_bits);
  features.sid_bits = uint8_t(info.sid_bits);
  features.pgsize_bitmap = info.pgsize_bitmap;
  features.feat_sva = sva_supported(info);  // arm_smmu_device_hw_probe's last step
  auto& d = s.kernel.smmuv3;
  if (d.smmus.size() <= smmu) {
    d.smmus.resize(smmu + 1);
    d.blocked_domain.resize(smmu + 1, iommu::kNoDomain);
    d.identity_domain.resize(smmu + 1, iommu::kNoDomain);
  }
  d.smmus[smmu] = features;
  // arm_smmu_init_strtab and arm_smmu_device_reset, with the features just read.
  device_reset(s, smmu, rc);
  return 0;
}

void device_register_failed(System& s, uint16_t smmu, int err) {
  const std::string dev = fmt::format("arm-smmu-v3 arm-smmu-v3.{}.auto", smmu);
  s.record.log.push_back({s.record.next(), kernel::Level::Err, fmt::format("{}: Failed to register iommu", dev)});
  // really_probe's report of a failed driver probe (-ENODEV and -ENXIO only at debug level).
  s.record.log.push_back({s.record.next(), kernel::Level::Warning,
                          fmt::format("{}: probe with driver arm-smmu-v3 failed with error {}", dev, err)});
  device_disable(s, smmu);
}

MasterId master_of(const System& s, pci::DevId dev) {
  const auto& v = s.kernel.smmuv3.master_of;
  return dev < v.size() ? v[dev] : kNone;
}

bool ats_supported(System& s, MasterId m) {
  Frame f(s, KFn::arm_smmu_ats_supported);
  const Master& master = s.kernel.smmuv3.masters.at(m);
  if (!s.kernel.smmuv3.smmus.at(master.smmu).feat_ats) return false;
  // IOMMU_FWSPEC_PCI_RC_ATS: the root complex declares ATS support (IORT).
  if (!s.hw.pcie.rc(pci::pdev(s, master.dev).rc).ats_supported) return false;
  return pci::ats_supported(s, master.dev);
}

namespace {
// arm_smmu_sid_in_range: the stream table device_reset built covers 1 << sid_bits StreamIDs
// (linear: one STE each; 2-level: one L1 descriptor per 1 << STRTAB_SPLIT of them).
bool sid_in_range(const Smmu& smmu, uint32_t sid) {
  if (smmu.feat_2lvl_strtab)
    return (uint64_t{sid} >> kStrtabSplit) < (uint64_t{1} << (smmu.sid_bits > kStrtabSplit ? smmu.sid_bits - kStrtabSplit : 0));
  return uint64_t{sid} < (uint64_t{1} << smmu.sid_bits);
}

unsigned stu_of(const System& s, const Master& m) {
  return static_cast<unsigned>(std::countr_zero(s.kernel.smmuv3.smmus.at(m.smmu).pgsize_bitmap));
}

// The end of arm_smmu_probe_device: preparing ATS, as each design does it.
int master_prepare_ats(System& s, MasterId m) {
  const policy::AtsPolicy& pol = s.kernel.smmuv3.policy;
  // 7.2's driver has the gated form whatever the design (SmmuAttachSwitches::master_prepare_ats).
  const bool tree_gates = s.kernel.smmuv3.switches.master_prepare_ats;
  const bool check_support_first = pol.support_checked_before_prepare || tree_gates;
  const bool fail_probe = pol.fail_probe_on_prepare_error || tree_gates;
  pci::DevId dev = s.kernel.smmuv3.masters[m].dev;
  const int stu = static_cast<int>(stu_of(s, s.kernel.smmuv3.masters[m]));
  if (!check_support_first && !fail_probe) {
    // The seed's base (and Debian's 6.12): pci_prepare_ats() for every PCI device, the result
    // ignored; series-v3 keeps the call and records success in master->ats_prepared (kept for
    // every design: only series-v3's gate reads it).
    s.kernel.smmuv3.masters[m].ats_prepared = pci::prepare_ats(s, dev, stu) == 0;
    return 0;
  }
  // arm_smmu_master_prepare_ats (the gated form fail-early converges to, and the 2026 trees have):
  // the support check first, then a prepare whose failure fails the probe.
  Frame f(s, KFn::arm_smmu_master_prepare_ats);
  if (check_support_first && !ats_supported(s, m)) {
    // 7.2: a device that cannot work without ATS gets no IOMMU behind an SMMU without it.
    if (tree_gates && pci::ats_required(s, dev)) {
      kernel::dev_err(s, dev, "SMMU doesn't support ATS");
      return -EOPNOTSUPP;
    }
    return 0;
  }
  int ret = pci::prepare_ats(s, dev, stu);
  if (ret == 0) s.kernel.smmuv3.masters[m].ats_prepared = true;
  if (!tree_gates) return fail_probe ? ret : 0;
  if (ret || !pci::ats_required(s, dev)) return ret;
  // 7.2's ATS always on: ATS stays on for identity, through EATS in a CD-table STE with
  // S1DSS=BYPASS, which the SMMU honours only with stage 1 and substreams (IDR0.S1P, IDR1.SSIDSIZE).
  const Smmu& smmu = s.kernel.smmuv3.smmus.at(s.kernel.smmuv3.masters[m].smmu);
  if (!smmu.feat_trans_s1 || !smmu.ssid_bits) {
    kernel::dev_err(s, dev, "SMMU doesn't support ATS to be always on");
    return -EOPNOTSUPP;
  }
  s.kernel.smmuv3.masters[m].ats_always_on = true;
  return alloc_cd_tables(s, m);
}
}  // namespace

namespace {
// arm_smmu_enable_pasid: the master's substream bits are what both the function and the SMMU
// (IDR1.SSIDSIZE) support. A VF asks its PF: pci_pasid_features and pci_max_pasids read the
// PF's capability, and pci_enable_pasid succeeds for a VF when the PF's PASID is enabled. A
// failed enable leaves ssid_bits 0; the IOMMU core's max_pasids does not know (iommu/pasid.h).
void enable_pasid(System& s, MasterId id) {
  Frame f(s, KFn::arm_smmu_enable_pasid);
  auto& drv = s.kernel.smmuv3;
  const pci::DevId dev = drv.masters[id].dev;
  const pci::DevId holder = pci::pdev(s, dev).is_virtfn ? pci::pdev(s, dev).physfn : dev;
  if (!pci::pdev(s, holder).pasid_cap) return;  // pci_pasid_features: -EINVAL, no capability
  const int features = pci::pasid_features(s, dev);
  const int num_pasids = pci::max_pasids(s, dev);
  if (features < 0 || num_pasids <= 0) return;
  if (pci::enable_pasid(s, dev, static_cast<uint16_t>(features)) != 0) {
    kernel::dev_err(s, dev, "Failed to enable PASID");
    return;
  }
  drv.masters[id].ssid_bits = static_cast<uint8_t>(
      std::min<unsigned>(unsigned(std::bit_width(unsigned(num_pasids)) - 1), drv.smmus[drv.masters[id].smmu].ssid_bits));
}
}  // namespace

int probe_device(System& s, pci::DevId dev) {
  Frame f(s, KFn::arm_smmu_probe_device);
  auto& drv = s.kernel.smmuv3;
  if (drv.master_of.size() <= dev) drv.master_of.resize(dev + 1, kNone);
  if (kernel::warn_on(s, drv.master_of[dev] != kNone, "dev_iommu_priv_get(dev)")) return -EBUSY;
  const auto& p = pci::pdev(s, dev);
  uint16_t smmu = s.hw.pcie.rc(p.rc).iommu_index;
  if (smmu >= drv.smmus.size()) return -ENODEV;

  Master m;
  m.dev = dev;
  m.smmu = smmu;
  // The fwspec's IDs: IORT maps each DMA alias of the device (pci_for_each_dma_alias: its own
  // routing ID, and a PCIe-to-PCI bridge's secondary bus above it) to a StreamID, here the same
  // number (an identity ID mapping). arm_smmu_insert_master sorts them; an ID repeated within the
  // master is skipped ("Bridged PCI devices may end up with duplicated IDs").
  for (uint16_t rid : iommu::pci_dma_aliases(s, dev)) m.streams.push_back(rid);
  std::sort(m.streams.begin(), m.streams.end());
  // arm_smmu_insert_master -> arm_smmu_init_sid_strtab: a StreamID beyond the SMMU's
  // IDR1.SIDSIZE has no STE to write; the master is freed and the probe fails, silently
  // (the IOMMU core records no message either: the device simply gets no IOMMU).
  for (uint32_t sid : m.streams) {
    if (!sid_in_range(drv.smmus[smmu], sid)) return -ERANGE;
    // A StreamID another master holds (two devices behind one PCIe-to-PCI bridge share its
    // alias): the SMMU cannot tell them apart, and the later device gets no IOMMU (-ENODEV).
    for (const Master& other : drv.masters)
      if (other.live && other.smmu == smmu && std::find(other.streams.begin(), other.streams.end(), sid) != other.streams.end()) {
        kernel::dev_warn(s, dev, fmt::format("Aliasing StreamID {:#x} (from {}) unsupported, expect DMA to be broken", sid,
                                             pci::pdev(s, other.dev).bdf.str()));
        return -ENODEV;
      }
  }
  // build_invs room: the tag, and one ATS entry per stream if the device could use ATS.
  uint16_t cap = static_cast<uint16_t>(2 + (pci::ats_supported(s, dev) ? m.streams.size() : 0));
  m.build_invs = invs_alloc(cap);
  m.build_invs.num_invs = 0;
  // Sketch 13a: the spares are allocated here, where a failed allocation may still fail the probe.
  if (drv.switches.attach_spares) m.spare_master_domain = m.spare_invs = true;
  drv.masters.push_back(m);
  MasterId id = static_cast<MasterId>(drv.masters.size() - 1);
  drv.master_of[dev] = id;
  // arm_smmu_insert_master: the master's STEs start as abort.
  for (uint32_t sid : m.streams) init_l2_strtab(s, smmu, sid);

  // PASID must be enabled before ATS (invariant 7): arm_smmu_enable_pasid, failures ignored.
  enable_pasid(s, id);
  // Without 2-level CD tables (IDR0.CD2L, off unless a scenario sets it) one linear table of at
  // most CTXDESC_LINEAR_CDMAX (64 KiB of CDs: 10 bits). compare-drivers found it missing
  // (6.12.118's probe has it). The IOMMU core's max_pasids (1 << SSIDSIZE) is not clamped.
  if (!drv.smmus[smmu].feat_2lvl_cdtab) drv.masters[id].ssid_bits = std::min(drv.masters[id].ssid_bits, kLinearCdMax);

  int ret = master_prepare_ats(s, id);
  if (ret) {
    if (pci::pdev(s, dev).pasid_enabled) pci::disable_pasid(s, dev);
    drv.masters[id].live = false;
    drv.master_of[dev] = kNone;
    return ret;
  }
  return 0;
}

void release_device(System& s, pci::DevId dev) {
  Frame f(s, KFn::arm_smmu_release_device);
  MasterId m = master_of(s, dev);
  if (m == kNone) return;
  if (!s.kernel.smmuv3.switches.release_domain) {
    // 6.12: no release_domain; "Put the STE back to what arm_smmu_init_strtab() sets".
    const auto& core = s.kernel.iommu.devs.at(dev);
    const iommu::DomainId old = core.group == iommu::kNoGroup ? iommu::kNoDomain : s.kernel.iommu.groups[core.group].domain;
    if (core.require_direct)
      attach_dev_identity(s, static_domain(s, dev, iommu::DomainType::Identity), dev, old);
    else
      attach_dev_blocked(s, static_domain(s, dev, iommu::DomainType::Blocked), dev, old);
  }
  if (pci::pdev(s, dev).pasid_enabled) pci::disable_pasid(s, dev);
  s.kernel.smmuv3.masters[m].ssid_bits = 0;  // arm_smmu_disable_pasid
  s.kernel.smmuv3.masters[m].used_ssids = 0;  // the CD table goes with the master
  // arm_smmu_free_cd_tables: the release domain already made the STE stop using it.
  free_cd_tables(s, m);
  s.kernel.smmuv3.masters[m].live = false;
  s.kernel.smmuv3.master_of[dev] = kNone;
}

}  // namespace atslab::smmuv3
