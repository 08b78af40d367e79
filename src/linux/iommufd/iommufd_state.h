#pragma once
// iommufd's objects on the VFIO cdev path (drivers/iommu/iommufd/): what decides which domain a
// bound device's group sits on, and so where the SMMUv3 driver enables and disables ATS. One
// IOAS per iommufd context (IOMMU_IOAS_ALLOC on first use); its mappings are filled into every
// paging HWPT of the context. Nesting (vIOMMUs, vDEVICEs, nested HWPTs) as far as it decides
// ATS: viommu.h. Not modelled: auto domains (attach by IOAS id), fault HWPTs, nested HWPTs on a
// parent HWPT without a vIOMMU, vEVENTQs and HW queues, access objects, reserved regions and
// software MSI. PASID attaches (the group's pasid_attach entries other than IOMMU_NO_PASID) are
// modelled: Igroup::pasid_attach.
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

using ViommuId = uint32_t;

// A HWPT: IOMMUFD_OBJ_HWPT_PAGING, an UNMANAGED paging domain on the device's IOMMU filled from
// the IOAS (a nest parent when allocated with IOMMU_HWPT_ALLOC_NEST_PARENT), or
// IOMMUFD_OBJ_HWPT_NESTED, a nested domain allocated on a vIOMMU (`viommu`), which holds no
// mappings of its own: its parent's are the IOAS's.
struct Hwpt {
  CtxId ictx = kNone;
  iommu::DomainId domain = iommu::kNoDomain;
  uint32_t users = 0;  // attachments and vIOMMUs holding it (obj.users beyond the object's own reference)
  bool live = false;   // false once IOMMU_DESTROY freed it
  bool nest_parent = false;    // paging: hwpt_paging->nest_parent
  // hwpt->pasid_compat: allocated with IOMMU_HWPT_ALLOC_PASID. Only such a HWPT may be attached to
  // a PASID, and only such a HWPT may be the RID's while the group has PASID attachments.
  bool pasid_compat = false;
  ViommuId viommu = kNone;     // nested: the vIOMMU it was allocated on; kNone for a paging HWPT
  bool operator==(const Hwpt&) const = default;
};

// struct iommufd_viommu: a VM's vIOMMU on the nest-parent paging HWPT `hwpt`, with its vDEVICEs
// (the xarray `vdevs`: the guest's virtual device ID -> the iommufd device). `vsmmu` is the
// driver's part (smmuv3::Vsmmu; the kernel allocates one object for both).
struct Viommu {
  CtxId ictx = kNone;
  HwptId hwpt = kNone;
  uint32_t vsmmu = kNone;
  std::map<uint64_t, IdevId> vdevs;
  uint32_t users = 0;  // nested HWPTs and vDEVICEs holding it
  bool live = false;
  bool operator==(const Viommu&) const = default;
};

// struct iommufd_attach: one entry of an iommufd_group's pasid_attach xarray: the HWPT a PASID
// of the group is attached to and the devices that asked for it.
struct Attach {
  HwptId hwpt = kNone;
  std::vector<IdevId> devices;  // attach->device_array
  bool operator==(const Attach&) const = default;
};

// struct iommufd_group: per context and IOMMU group, its pasid_attach entries: IOMMU_NO_PASID's
// (the RID: `hwpt` and `devices`), and the PASIDs' (`pasid_attach`, by PASID, none for 0).
struct Igroup {
  CtxId ictx = kNone;
  iommu::GroupId group = iommu::kNoGroup;
  HwptId hwpt = kNone;         // kNone: not attached (the group sits on its blocking domain)
  std::vector<IdevId> devices;  // attach->device_array
  std::map<uint32_t, Attach> pasid_attach;  // the PASIDs attached, by PASID (never IOMMU_NO_PASID)
  uint32_t refs = 0;            // bound devices holding it; at 0 it is gone
  bool operator==(const Igroup&) const = default;
};

// struct iommufd_device: a device bound to a context; it owns the device's DMA from bind to unbind.
struct Device {
  CtxId ictx = kNone;
  pci::DevId dev = pci::kNoDev;
  IgroupId igroup = kNone;
  ViommuId vdev = kNone;  // idev->vdev: the vIOMMU its vDEVICE is on (at most one), kNone without
  bool live = false;  // false once unbound
  bool operator==(const Device&) const = default;
};

struct Iommufd {
  std::vector<Ctx> ctxs;
  std::vector<Hwpt> hwpts;
  std::vector<Viommu> viommus;
  std::vector<Igroup> igroups;
  std::vector<Device> devices;
  bool operator==(const Iommufd&) const = default;
};

}  // namespace atslab::iommufd
