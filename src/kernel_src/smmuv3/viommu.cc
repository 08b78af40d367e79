// Nesting on the tree's arm-smmu-v3-iommufd.c (CONFIG_ARM_SMMU_V3_IOMMUFD, a 7.2 tree): iommufd
// stays atslab's (src/linux/iommufd/viommu.cc) and reaches the driver's vSMMU here, as
// iommufd's ioctls reach it through iommu_ops and iommufd_viommu_ops. Each vIOMMU is the driver's
// object (struct arm_vsmmu around struct iommufd_viommu), held in SourceKernel::viommus and named
// by its index in iommufd's Viommu::vsmmu; its vDEVICEs stay atslab's, which the driver's lookups
// (iommufd_viommu_find_dev, iommufd_viommu_get_vdev_id) reach through the two functions at the end.
#include <stdexcept>

#include "hw/smmuv3/command.h"
#include "kernel_src/kernel_call.h"
#include "kernel_src/smmuv3/driver_call.h"
#include "kernel_src/smmuv3/iommu_driver.h"
#include "kernel_src/smmuv3/pci_devs.h"
#include "kernel_src/smmuv3/source_kernel.h"
#include "linux/iommu/iommu.h"
#include "linux/iommufd/viommu.h"
#include "linux/kernel/errno.h"
#include "linux/pci/access.h"
#include "linux/system.h"

struct device;
struct iommufd_viommu;

extern "C" {
// wrap/arm_smmu_v3.c, shim/smmuv3/pci_iommu.c
bool atslab_arm_smmu_has_vsmmu(void);
iommu_domain* atslab_arm_smmu_domain_alloc_nest_parent(device* dev, int* err);
size_t atslab_arm_smmu_viommu_size(device* dev);
iommufd_viommu* atslab_arm_smmu_viommu_init(device* dev, iommu_domain* parent, uint32_t atslab_id, int* err);
int atslab_arm_smmu_vdevice_init(iommufd_viommu* viommu, device* dev, uint64_t virt_id);
iommu_domain* atslab_arm_smmu_alloc_domain_nested(iommufd_viommu* viommu, const uint64_t* vste, int* err);
int atslab_arm_smmu_cache_invalidate(iommufd_viommu* viommu, const uint64_t* cmds, uint32_t n, uint32_t* done);
device* atslab_pci_dev_device(struct pci_dev* pdev);
}

namespace atslab::kernel_src::smmuv3 {

namespace {
uint16_t smmu_of(const System& s, pci::DevId dev) { return s.hw.pcie.rc(pci::pdev(s, dev).rc).iommu_index; }

SourceViommu& viommu_at(uint32_t vsmmu) {
  auto& v = SourceKernel::get().viommus;
  if (vsmmu >= v.size() || !v[vsmmu].viommu) throw std::logic_error("source SMMUv3: a vIOMMU the tree's driver does not hold");
  return v[vsmmu];
}
}  // namespace

bool has_vsmmu() { return atslab_arm_smmu_has_vsmmu(); }

int64_t domain_alloc_nest_parent(System& s, pci::DevId dev) {
  int err = 0;
  iommu_domain* d = smmuv3_call(s, kernel::KFn::iommufd_hwpt_paging_alloc,
                                [&] { return atslab_arm_smmu_domain_alloc_nest_parent(source_device(s, dev), &err); });
  if (!d) return err;
  return new_driver_domain(s, d, iommu::DomainType::Unmanaged, smmu_of(s, dev));
}

bool viommu_supported(System& s, pci::DevId dev) {
  return smmuv3_call(s, kernel::KFn::iommufd_viommu_alloc_ioctl,
                     [&] { return atslab_arm_smmu_viommu_size(source_device(s, dev)) != 0; });
}

int64_t viommu_init(System& s, pci::DevId dev, iommu::DomainId parent, uint32_t viommu) {
  int err = 0;
  iommu_domain* p = domain_handle(s, parent);
  iommufd_viommu* v = smmuv3_call(s, kernel::KFn::iommufd_viommu_alloc_ioctl,
                                  [&] { return atslab_arm_smmu_viommu_init(source_device(s, dev), p, viommu, &err); });
  if (!v) return err;
  auto& all = SourceKernel::get().viommus;
  all.push_back({v, smmu_of(s, dev)});
  return int64_t(all.size() - 1);
}

uint16_t viommu_smmu(uint32_t vsmmu) { return viommu_at(vsmmu).smmu; }

int vdevice_init(System& s, uint32_t vsmmu, pci::DevId dev, uint64_t virt_id) {
  iommufd_viommu* v = viommu_at(vsmmu).viommu;
  return smmuv3_call(s, kernel::KFn::iommufd_vdevice_alloc_ioctl,
                     [&] { return atslab_arm_smmu_vdevice_init(v, source_device(s, dev), virt_id); });
}

int64_t alloc_domain_nested(System& s, uint32_t vsmmu, const std::array<uint64_t, 2>& vste) {
  const SourceViommu& v = viommu_at(vsmmu);
  int err = 0;
  iommu_domain* d = smmuv3_call(s, kernel::KFn::iommufd_viommu_alloc_hwpt_nested,
                                [&] { return atslab_arm_smmu_alloc_domain_nested(v.viommu, vste.data(), &err); });
  if (!d) return err;
  return new_driver_domain(s, d, iommu::DomainType::Nested, v.smmu);
}

int cache_invalidate(System& s, uint32_t vsmmu, const hw::smmuv3::Command& cmd) {
  iommufd_viommu* v = viommu_at(vsmmu).viommu;
  const hw::smmuv3::RawCommand raw = hw::smmuv3::encode(cmd);
  const uint64_t words[2] = {raw[0], raw[1]};
  uint32_t done = 0;
  return smmuv3_call(s, kernel::KFn::iommufd_hwpt_invalidate,
                     [&] { return atslab_arm_smmu_cache_invalidate(v, words, 1, &done); });
}

}  // namespace atslab::kernel_src::smmuv3

using atslab::System;
using atslab::kernel_src::KernelCall;

// iommufd_viommu_find_dev: the device of the guest's `vdev_id` on atslab's vIOMMU `viommu`, or NULL.
extern "C" device* atslab_iommufd_viommu_find_dev(uint32_t viommu, unsigned long vdev_id) {
  System& s = KernelCall::system();
  const atslab::pci::DevId dev = atslab::iommufd::viommu_find_dev(s, viommu, vdev_id);
  return dev == atslab::pci::kNoDev ? nullptr : atslab::kernel_src::source_device(s, dev);
}

// iommufd_viommu_get_vdev_id: 0 and the device's vDEVICE ID on `viommu`, or -ENOENT.
extern "C" int atslab_iommufd_viommu_get_vdev_id(uint32_t viommu, device* dev, unsigned long* vdev_id) {
  const System& s = KernelCall::csystem();
  for (const auto& [id, p] : atslab::kernel_src::SourceKernel::get().pci_devs) {
    if (atslab_pci_dev_device(p) != dev) continue;
    const int64_t v = atslab::iommufd::viommu_get_vdev_id(s, viommu, id);
    if (v < 0) return int(v);
    *vdev_id = static_cast<unsigned long>(v);
    return 0;
  }
  return -ENOENT;
}
