// amd_iommu_probe_device / amd_iommu_release_device and pdev_get_caps (spec 5.2).
#include <algorithm>

#include <fmt/format.h>

#include "linux/amd/amd.h"
#include "linux/kernel/errno.h"
#include "linux/kernel/printk.h"
#include "linux/pci/access.h"
#include "linux/pci/ats.h"
#include "linux/pci/pri_pasid.h"
#include "linux/system.h"

namespace atslab::amd {

using kernel::Frame;
using kernel::KFn;

namespace {
// pdev_get_caps: what the device could use; nothing is enabled here.
uint32_t pdev_get_caps(System& s, pci::DevId dev) {
  Frame f(s, KFn::pdev_get_caps);
  uint32_t flags = 0;
  if (pci::ats_supported(s, dev)) flags |= kAtsSup;
  if (pci::pri_supported(s, dev)) flags |= kPriSup;
  int features = pci::pdev(s, pci::physfn(s, dev)).pasid_cap ? pci::pasid_features(s, dev) : -1;
  if (features >= 0) {
    flags |= kPasidSup;
    if (features & hw::pcie::pasid::kCapExec) flags |= kPasidExecSup;
    if (features & hw::pcie::pasid::kCapPriv) flags |= kPasidPrivSup;
  }
  return flags;
}
}  // namespace

DevDataId dev_data_of(const System& s, pci::DevId dev) {
  const auto& v = s.kernel.amd.dev_data_of;
  return dev < v.size() ? v[dev] : kNone;
}

void device_probe(System& s, uint16_t iommu) {
  if (s.hw.amd.size() <= iommu) s.hw.amd.resize(iommu + 1);
  auto& d = s.kernel.amd;
  if (d.blocked_domain.size() <= iommu) {
    d.blocked_domain.resize(iommu + 1, iommu::kNoDomain);
    d.identity_domain.resize(iommu + 1, iommu::kNoDomain);
    d.iommu_max_pasids.resize(iommu + 1, 0);
  }
  // iommu_init_pci: guest translation (FEATURE_GT) gives the IOMMU its PASIDs. The model's CPU
  // has no LA57 and no SNP, so amd_iommu_pasid_supported() follows GT alone.
  const hw::AmdIommu& hw = s.hw.amd[iommu];
  d.iommu_max_pasids[iommu] = hw.efr_gt ? (uint32_t{1} << (hw.efr_pasmax + 1)) - 1 : 0;
}

int probe_device(System& s, pci::DevId dev) {
  Frame f(s, KFn::amd_iommu_probe_device);
  auto& drv = s.kernel.amd;
  if (drv.dev_data_of.size() <= dev) drv.dev_data_of.resize(dev + 1, kNone);
  if (kernel::warn_on(s, drv.dev_data_of[dev] != kNone, "dev_iommu_priv_get(dev)")) return -EBUSY;
  uint16_t iommu = s.hw.pcie.rc(pci::pdev(s, dev).rc).iommu_index;
  if (iommu >= drv.blocked_domain.size()) return -ENODEV;

  IommuDevData dd;
  dd.dev = dev;
  dd.iommu = iommu;
  dd.devid = pci::pdev(s, dev).bdf.rid();
  dd.flags = pdev_get_caps(s, dev);
  bool ats_sup = dd.flags & kAtsSup;
  // The PASIDs the SVA path takes (is_pasid_valid) and its GCR3 table is sized for.
  if (drv.iommu_max_pasids[iommu] && (dd.flags & kPasidSup))
    dd.max_pasids = std::min(drv.iommu_max_pasids[iommu], static_cast<uint32_t>(std::max(pci::max_pasids(s, dev), 0)));
  drv.dev_data.push_back(dd);
  DevDataId id = static_cast<DevDataId>(drv.dev_data.size() - 1);

  // Upstream prepares every PCI device and ignores the result; the proposed change asks
  // pci_ats_supported first and fails the probe (dev_data released) if prepare fails.
  const policy::AtsPolicy& pol = drv.policy;
  if (!pol.support_checked_before_prepare || ats_sup) {
    int ret = pci::prepare_ats(s, dev, kPageShift);
    if (ret && pol.fail_probe_on_prepare_error) {
      kernel::dev_err(s, dev, fmt::format("Failed to prepare ATS: {}", kernel::errname(ret)));
      drv.dev_data[id].live = false;
      return ret;
    }
  }
  drv.dev_data_of[dev] = id;
  return 0;
}

void release_device(System& s, pci::DevId dev) {
  Frame f(s, KFn::amd_iommu_release_device);
  DevDataId id = dev_data_of(s, dev);
  if (id == kNone) return;
  // The release domain (blocked) already ran detach_device, which disabled the caps.
  s.kernel.amd.dev_data[id].live = false;
  s.kernel.amd.dev_data_of[dev] = kNone;
}

}  // namespace atslab::amd
