#include "linux/iommufd/viommu.h"

#include "linux/iommu/driver_ops.h"
#include "linux/iommu/iommu.h"
#include "linux/kernel/errno.h"
#include "linux/kernel/locks.h"
#include "linux/kernel/printk.h"
#include "linux/pci/access.h"
#include "linux/smmuv3/nested.h"
#include "linux/system.h"

namespace atslab::iommufd {

using kernel::Frame;
using kernel::KFn;

namespace {
Iommufd& fd(System& s) { return s.kernel.iommufd; }

// __iommu_get_iommu_dev: the IOMMU instance that translates the device (its root complex's).
uint32_t iommu_dev_of(const System& s, pci::DevId dev) { return s.hw.pcie.rc(pci::pdev(s, dev).rc).iommu_index; }
uint32_t iommu_dev_of_viommu(const System& s, ViommuId v) {
  return iommu::drv_viommu_iommu(s, s.kernel.iommufd.viommus.at(v).vsmmu);
}
bool viommu_live(const System& s, ViommuId v) { return v < s.kernel.iommufd.viommus.size() && s.kernel.iommufd.viommus[v].live; }
}  // namespace

int64_t viommu_alloc(System& s, IdevId idev, HwptId h) {
  Frame f(s, KFn::iommufd_viommu_alloc_ioctl);
  const Device d = fd(s).devices.at(idev);
  if (!iommu::drv_viommu_supported(s, d.dev)) return -EOPNOTSUPP;
  // iommufd_get_hwpt_paging: a live paging HWPT of this context.
  if (h >= fd(s).hwpts.size() || !fd(s).hwpts[h].live || fd(s).hwpts[h].viommu != kNone) return -ENOENT;
  if (!fd(s).hwpts[h].nest_parent) return -EINVAL;
  ViommuId v = 0;
  while (v < fd(s).viommus.size() && fd(s).viommus[v].live) ++v;
  const int64_t vsmmu = iommu::drv_viommu_init(s, d.dev, fd(s).hwpts[h].domain, v);
  if (vsmmu < 0) return vsmmu;
  if (v == fd(s).viommus.size()) fd(s).viommus.emplace_back();
  fd(s).viommus[v] = {.ictx = d.ictx, .hwpt = h, .vsmmu = static_cast<uint32_t>(vsmmu), .vdevs = {}, .users = 0, .live = true};
  fd(s).hwpts[h].users++;
  return v;
}

int vdevice_alloc(System& s, ViommuId v, IdevId idev, uint64_t virt_id) {
  Frame f(s, KFn::iommufd_vdevice_alloc_ioctl);
  if (!viommu_live(s, v)) return -ENOENT;
  const Device d = fd(s).devices.at(idev);
  if (iommu_dev_of_viommu(s, v) != iommu_dev_of(s, d.dev)) return -EINVAL;
  kernel::LockGuard lock(s, kernel::LockClass::iommufd_igroup_lock, d.igroup);
  if (d.vdev != kNone) return -EEXIST;
  if (fd(s).viommus[v].vdevs.contains(virt_id)) return -EEXIST;  // xa_insert found one
  // The driver's vdevice_init, after the slot is reserved; its error aborts the vDEVICE.
  if (const int rc = iommu::drv_vdevice_init(s, fd(s).viommus[v].vsmmu, d.dev, virt_id)) return rc;
  fd(s).viommus[v].vdevs[virt_id] = idev;
  fd(s).viommus[v].users++;
  fd(s).devices[idev].vdev = v;
  return 0;
}

void vdevice_destroy_of(System& s, IdevId idev) {
  const ViommuId v = fd(s).devices.at(idev).vdev;
  if (v == kNone) return;
  std::erase_if(fd(s).viommus.at(v).vdevs, [&](const auto& e) { return e.second == idev; });
  fd(s).viommus[v].users--;
  fd(s).devices[idev].vdev = kNone;
}

int64_t hwpt_alloc_nested(System& s, IdevId idev, ViommuId v, const std::array<uint64_t, 2>& vste) {
  Frame f(s, KFn::iommufd_viommu_alloc_hwpt_nested);
  if (!viommu_live(s, v)) return -ENOENT;
  const Device d = fd(s).devices.at(idev);
  if (iommu_dev_of_viommu(s, v) != iommu_dev_of(s, d.dev)) return -EINVAL;
  const int64_t dom = iommu::drv_viommu_alloc_domain_nested(s, fd(s).viommus[v].vsmmu, vste);
  if (dom < 0) return dom;
  HwptId h = 0;
  while (h < fd(s).hwpts.size() && fd(s).hwpts[h].live) ++h;
  if (h == fd(s).hwpts.size()) fd(s).hwpts.emplace_back();
  fd(s).hwpts[h] = {.ictx = d.ictx, .domain = static_cast<iommu::DomainId>(dom), .users = 0, .live = true, .viommu = v};
  fd(s).viommus[v].users++;
  return h;
}

int viommu_invalidate(System& s, ViommuId v, const hw::smmuv3::Command& cmd) {
  Frame f(s, KFn::iommufd_hwpt_invalidate);
  if (!viommu_live(s, v)) return -ENOENT;
  return iommu::drv_viommu_cache_invalidate(s, fd(s).viommus[v].vsmmu, cmd);
}

int64_t viommu_get_vdev_id(const System& s, ViommuId v, pci::DevId dev) {
  for (const auto& [virt_id, idev] : s.kernel.iommufd.viommus.at(v).vdevs)
    if (s.kernel.iommufd.devices.at(idev).dev == dev) return static_cast<int64_t>(virt_id);
  return -ENOENT;
}

pci::DevId viommu_find_dev(const System& s, ViommuId v, uint64_t vdev_id) {
  const auto& vdevs = s.kernel.iommufd.viommus.at(v).vdevs;
  auto it = vdevs.find(vdev_id);
  return it == vdevs.end() ? pci::kNoDev : s.kernel.iommufd.devices.at(it->second).dev;
}

}  // namespace atslab::iommufd
