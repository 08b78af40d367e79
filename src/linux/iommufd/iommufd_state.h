#pragma once
// iommufd's objects on the VFIO cdev path (drivers/iommu/iommufd/): what decides which domain a
// bound device's group sits on, and so where the SMMUv3 driver enables and disables ATS. One
// IOAS per iommufd context (IOMMU_IOAS_ALLOC on first use); its mappings are filled into every
// paging HWPT of the context. Not modelled: auto domains (attach by IOAS id), nested and fault
// HWPTs, PASID attaches, access objects, reserved regions and software MSI.
#include <cstdint>
#include <map>
#include <vector>

#include "linux/iommu/iommu_core.h"
#include "linux/pci/pci_dev.h"

namespace atslab::iommufd {

using CtxId = uint32_t;
using HwptId = uint32_t;
using IdevId = uint32_t;
using IgroupId = uint32_t;
inline constexpr uint32_t kNone = 0xffffffff;

struct IoasMapping {
  uint64_t paddr = 0, size = 0;
  bool operator==(const IoasMapping&) const = default;
};

// struct iommufd_ctx with its one IOAS (struct io_pagetable's areas, by IOVA).
struct Ctx {
  std::map<uint64_t, IoasMapping> ioas;
  bool operator==(const Ctx&) const = default;
};

// IOMMUFD_OBJ_HWPT_PAGING: an UNMANAGED paging domain on the device's IOMMU, filled from the IOAS.
struct HwptPaging {
  CtxId ictx = kNone;
  iommu::DomainId domain = iommu::kNoDomain;
  uint32_t users = 0;  // attachments holding it (obj.users beyond the object's own reference)
  bool live = false;   // false once IOMMU_DESTROY freed it
  bool operator==(const HwptPaging&) const = default;
};

// struct iommufd_group: per context and IOMMU group, its IOMMU_NO_PASID attachment (the
// pasid_attach entry): the HWPT the group is attached to and the devices that asked for it.
struct Igroup {
  CtxId ictx = kNone;
  iommu::GroupId group = iommu::kNoGroup;
  HwptId hwpt = kNone;         // kNone: not attached (the group sits on its blocking domain)
  std::vector<IdevId> devices;  // attach->device_array
  uint32_t refs = 0;            // bound devices holding it; at 0 it is gone
  bool operator==(const Igroup&) const = default;
};

// struct iommufd_device: a device bound to a context; it owns the device's DMA from bind to unbind.
struct Device {
  CtxId ictx = kNone;
  pci::DevId dev = pci::kNoDev;
  IgroupId igroup = kNone;
  bool live = false;  // false once unbound
  bool operator==(const Device&) const = default;
};

struct Iommufd {
  std::vector<Ctx> ctxs;
  std::vector<HwptPaging> hwpts;
  std::vector<Igroup> igroups;
  std::vector<Device> devices;
  bool operator==(const Iommufd&) const = default;
};

}  // namespace atslab::iommufd
