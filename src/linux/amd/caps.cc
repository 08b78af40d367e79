// pdev_enable_caps / pdev_disable_caps (spec 5.2): PASID, ATS, PRI on attach; ATS, PASID,
// PRI on detach; each flag set only when the PCI call succeeded, each disable only of what was enabled.
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
constexpr uint32_t kPriRequests = 32;  // outstanding page requests the driver allocates
IommuDevData& data(System& s, pci::DevId dev) { return s.kernel.amd.dev_data.at(dev_data_of(s, dev)); }
}  // namespace

int pdev_enable_cap_pasid(System& s, pci::DevId dev) {
  Frame f(s, KFn::pdev_enable_cap_pasid);
  if (data(s, dev).pasid_enabled) return 0;
  if (!(data(s, dev).flags & kPasidSup)) return -EINVAL;
  // No Execute or Privileged Mode requested: the device may only reach user-accessible pages.
  const uint16_t features = 0;
  int ret = pci::enable_pasid(s, dev, features);
  if (ret == 0) data(s, dev).pasid_enabled = true;
  return ret;
}

int pdev_enable_cap_ats(System& s, pci::DevId dev) {
  Frame f(s, KFn::pdev_enable_cap_ats);
  if (data(s, dev).ats_enabled) return 0;
  int ret = -EINVAL;
  if (s.kernel.amd.iotlb_sup && (data(s, dev).flags & kAtsSup)) {
    ret = pci::enable_ats(s, dev, kPageShift);
    if (ret == 0) {
      data(s, dev).ats_enabled = true;
      data(s, dev).ats_qdep = static_cast<uint16_t>(pci::ats_queue_depth(s, dev));
    } else {
      s.record.event(kernel::EventKind::AtsEnableFailed, dev, ret);
      // The proposed change: support was settled at probe, so a failure here is a kernel bug.
      if (s.kernel.amd.policy.warn_on_enable_failure) kernel::warn_on(s, true, "pci_enable_ats(pdev, PAGE_SHIFT)");
    }
  }
  return ret;
}

int pdev_enable_cap_pri(System& s, pci::DevId dev) {
  Frame f(s, KFn::pdev_enable_cap_pri);
  if (data(s, dev).pri_enabled) return 0;
  // PRI needs ATS on.
  if (!data(s, dev).ats_enabled) return 0;
  if (!(data(s, dev).flags & kPriSup)) return -EINVAL;
  if (pci::reset_pri(s, dev)) return -EINVAL;
  int ret = pci::enable_pri(s, dev, kPriRequests);
  if (ret == 0) data(s, dev).pri_enabled = true;
  return ret;
}

void pdev_enable_caps(System& s, pci::DevId dev) {
  Frame f(s, KFn::pdev_enable_caps);
  // PASID first: it must not change while ATS is enabled.
  pdev_enable_cap_pasid(s, dev);
  pdev_enable_cap_ats(s, dev);
  pdev_enable_cap_pri(s, dev);
}

void pdev_disable_caps(System& s, pci::DevId dev) {
  Frame f(s, KFn::pdev_disable_caps);
  // The kernel's order, not the reverse of enable: ATS first (the device stops caching new
  // translations), then PASID (ATS is already off, so PASID Enable may change), then PRI.
  if (data(s, dev).ats_enabled) {
    Frame g(s, KFn::pdev_disable_cap_ats);
    pci::disable_ats(s, dev);
    data(s, dev).ats_enabled = false;
  }
  if (data(s, dev).pasid_enabled) {
    Frame g(s, KFn::pdev_disable_cap_pasid);
    pci::disable_pasid(s, dev);
    data(s, dev).pasid_enabled = false;
  }
  if (data(s, dev).pri_enabled) {
    Frame g(s, KFn::pdev_disable_cap_pri);
    pci::disable_pri(s, dev);
    data(s, dev).pri_enabled = false;
  }
}

}  // namespace atslab::amd
