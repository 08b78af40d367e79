#include "sim/workloads.h"

#include <algorithm>
#include <fmt/format.h>

namespace atslab::sim {

std::string_view name(Workload w) {
  switch (w) {
    case Workload::Mixed: return "mixed";
    case Workload::IovaStress: return "iova-stress";
    case Workload::SriovChurn: return "sriov-churn";
    case Workload::DomainChurn: return "domain-churn";
    case Workload::Hotplug: return "hotplug";
    case Workload::Iommufd: return "iommufd";
    case Workload::Pasid: return "pasid";
    case Workload::Nested: return "nested";
    case Workload::Sva: return "sva";
    case Workload::VfioGroup: return "vfio-group";
    case Workload::IommufdPasid: return "iommufd-pasid";
  }
  return "?";
}

std::optional<Workload> parse_workload(std::string_view s) {
  for (auto w : kAllWorkloads)
    if (s == name(w)) return w;
  return std::nullopt;
}

std::string workload_names() {
  std::string out;
  for (auto w : kAllWorkloads) out += (out.empty() ? "" : ", ") + std::string(name(w));
  return out;
}

namespace {
using K = OpKind;
constexpr OpKind kMixed[] = {K::SriovEnable, K::SriovDisable, K::Bind, K::Unbind, K::HostDma, K::VfioSetContainer,
                             K::VfioSetIommu, K::VfioMapUnmap, K::VfioMapUnmap, K::VfioUnsetContainer, K::HotplugAdd,
                             K::HotplugRemove, K::AttachOwnDomain, K::DetachOwnDomain, K::VfioMap, K::VfioUnmap,
                             K::DeviceDma, K::DeviceDma, K::AtsTranslate, K::GroupSetType, K::Reset, K::VfioReset};
// Mostly the map/unmap loop and the devices' traffic; now and then a VM stops and starts
// again (its groups leave the container and come back, through the blocked domain).
constexpr OpKind kIovaStress[] = {K::VfioMapUnmap, K::VfioMapUnmap, K::VfioMapUnmap, K::VfioMapUnmap, K::VfioMap,
                                  K::VfioMap, K::VfioUnmap, K::DeviceDma, K::DeviceDma, K::DeviceDma,
                                  K::AtsTranslate, K::AtsTranslate, K::VfioUnsetContainer, K::VfioSetContainer};
constexpr OpKind kSriovChurn[] = {K::SriovEnable, K::SriovEnable, K::SriovDisable, K::SriovDisable, K::Bind, K::Bind,
                                  K::Unbind, K::Unbind, K::HostDma, K::DeviceDma, K::VfioSetContainer,
                                  K::VfioUnsetContainer};
constexpr OpKind kDomainChurn[] = {K::VfioSetContainer, K::VfioSetIommu, K::VfioUnsetContainer, K::AttachOwnDomain,
                                   K::DetachOwnDomain, K::GroupSetType, K::GroupSetType, K::Bind, K::Unbind,
                                   K::HostDma, K::DeviceDma, K::VfioMap, K::VfioUnmap};
constexpr OpKind kHotplug[] = {K::HotplugAdd, K::HotplugAdd, K::HotplugRemove, K::HotplugRemove, K::Bind, K::Unbind,
                               K::SriovEnable, K::SriovDisable, K::HostDma, K::DeviceDma, K::VfioSetContainer,
                               K::VfioSetIommu, K::VfioMapUnmap};
// The cdev path (issue 18, path 4): the attaches that move a device between blocked and a HWPT,
// or from one HWPT to the other without blocked between, with the IOAS's maps and the devices'
// traffic in between; now and then the device goes back to vfio-pci's group path or its fd closes.
constexpr OpKind kIommufd[] = {K::IommufdBind, K::IommufdHwptAlloc, K::IommufdAttach, K::IommufdAttach,
                               K::IommufdAttach, K::IommufdDetach, K::IommufdUnbind, K::IommufdHwptDestroy,
                               K::IommufdMap, K::IommufdMap, K::IommufdUnmap, K::DeviceDma, K::DeviceDma,
                               K::AtsTranslate, K::Bind, K::Unbind};
// PASIDs (issue 18, path 2): a native driver's PASIDs attached, remapped and detached, with
// DMA tagged and untagged in between; the RID's domain changes under them (an identity default
// domain between an unbind and a bind, a reset), and drivers come and go.
constexpr OpKind kPasid[] = {K::PasidAttach, K::PasidAttach, K::PasidAttach, K::PasidDetach, K::PasidDetach,
                             K::PasidRemap, K::PasidRemap, K::PasidDma, K::PasidDma, K::PasidDma,
                             K::DeviceDma, K::AtsTranslate, K::Reset, K::Unbind, K::Bind, K::GroupSetType};

// Nesting (issue 18, path 5): a VMM's vIOMMUs and vDEVICEs, nested HWPTs for the vSTEs its guest
// writes (with and without EATS, now and then one the host refuses), attaches and replaces between
// them and the nest parent, detaches, with the IOAS's maps, the guest's ATC invalidations and the
// devices' traffic between.
constexpr OpKind kNested[] = {K::IommufdHwptAllocNested, K::IommufdHwptAllocNested, K::IommufdAttach, K::IommufdAttach,
                              K::IommufdAttach, K::IommufdDetach, K::IommufdHwptDestroy, K::IommufdViommuAlloc,
                              K::IommufdVdeviceAlloc, K::IommufdMap, K::IommufdUnmap, K::IommufdUnmap,
                              K::IommufdViommuInvalidate, K::IommufdViommuInvalidate, K::DeviceDma, K::DeviceDma,
                              K::AtsTranslate, K::IommufdUnbind, K::IommufdBind, K::IommufdHwptAlloc};

// SVA (issue 18, path 2): processes bound and unbound by the devices' drivers, their munmaps and
// exits, the devices' DMA with each process's PASID and untagged, with the RID's domain changing
// under them (identity between an unbind and a bind, resets) and drivers coming and going.
constexpr OpKind kSva[] = {K::SvaBind, K::SvaBind, K::SvaBind, K::SvaUnbind, K::SvaUnbind, K::SvaMunmap, K::SvaMunmap,
                           K::SvaExit, K::SvaDma, K::SvaDma, K::SvaDma, K::DeviceDma, K::Reset, K::Unbind, K::Bind,
                           K::GroupSetType};

// The group path with device fds (issue 18, "Groups" and "Reset"): the VM's fds opened and
// closed (vfio-pci's resets at the first open and the last close, the close's while the group is on
// type1's domain), VFIO_DEVICE_RESET, the map/unmap loop and the devices' traffic, the VM
// restarting (UNSET_CONTAINER refused while a fd is open), and vfio-pci unbound (the fds closed
// on its request) and bound again.
constexpr OpKind kVfioGroup[] = {K::VfioOpenDevice, K::VfioOpenDevice, K::VfioCloseDevice, K::VfioCloseDevice,
                                 K::VfioReset, K::VfioMapUnmap, K::VfioMapUnmap, K::VfioMap, K::VfioUnmap,
                                 K::DeviceDma, K::DeviceDma, K::AtsTranslate, K::VfioUnsetContainer,
                                 K::VfioSetContainer, K::Unbind, K::Bind};

// iommufd's PASID attach (issue 18, PASIDs on the cdev path): a VMM's PASIDs attached to, replaced
// between and detached from HWPTs, with the RID attached, replaced and detached under them (h1
// drawn without IOMMU_HWPT_ALLOC_PASID now and then, which iommufd_hwpt_pasid_compat refuses),
// PASID-tagged and untagged DMA, the IOAS's maps, and the fd closed and bound again.
constexpr OpKind kIommufdPasid[] = {K::IommufdPasidAttach, K::IommufdPasidAttach, K::IommufdPasidAttach,
                                    K::IommufdPasidDetach, K::IommufdPasidDetach, K::PasidDma, K::PasidDma,
                                    K::PasidDma, K::IommufdAttach, K::IommufdAttach, K::IommufdDetach,
                                    K::IommufdHwptAlloc, K::IommufdHwptDestroy, K::IommufdMap, K::IommufdUnmap,
                                    K::DeviceDma, K::AtsTranslate, K::IommufdUnbind, K::IommufdBind};

bool has_hotplug(const io::Scenario& sc) {
  return std::any_of(sc.devices.begin(), sc.devices.end(), [](const auto& d) { return d.hotplug; });
}
}  // namespace

std::span<const OpKind> op_mix(Workload w) {
  switch (w) {
    case Workload::Mixed: return kMixed;
    case Workload::IovaStress: return kIovaStress;
    case Workload::SriovChurn: return kSriovChurn;
    case Workload::DomainChurn: return kDomainChurn;
    case Workload::Hotplug: return kHotplug;
    case Workload::Iommufd: return kIommufd;
    case Workload::Pasid: return kPasid;
    case Workload::Nested: return kNested;
    case Workload::Sva: return kSva;
    case Workload::VfioGroup: return kVfioGroup;
    case Workload::IommufdPasid: return kIommufdPasid;
  }
  return kMixed;
}

bool one_container(Workload w) { return vm_workload(w); }

bool vm_workload(Workload w) { return w == Workload::IovaStress || w == Workload::VfioGroup; }

std::vector<Op> workload_setup(Workload w, const io::Scenario& sc) {
  std::vector<Op> ops;
  if (w == Workload::Mixed || w == Workload::Hotplug) return ops;  // from the machine as booted
  // VFs first: a PF needs a driver for sriov_numvfs; two VFs each (or as many as it has).
  for (const auto& d : sc.devices) {
    if (!d.sriov || d.hotplug) continue;
    if (d.driver.empty()) ops.push_back({.kind = OpKind::Bind, .device = d.name, .driver = "native"});
    ops.push_back({.kind = OpKind::SriovEnable, .device = d.name, .count = std::min<uint32_t>(2, d.sriov->total_vfs)});
  }
  if (w == Workload::Pasid || w == Workload::Sva) {
    // Every VF (or device) on its native driver, the PASID user.
    for (const auto& d : sc.devices) {
      if (d.hotplug) continue;
      if (d.sriov)
        for (uint32_t i = 0; i < std::min<uint32_t>(2, d.sriov->total_vfs); ++i)
          ops.push_back({.kind = OpKind::Bind, .device = fmt::format("{}.vf{}", d.name, i), .driver = "native"});
      else if (d.driver != "native")
        ops.push_back({.kind = OpKind::Bind, .device = d.name, .driver = "native"});
    }
    return ops;
  }
  if (w == Workload::Nested) {
    // Every VF (or device) on vfio-pci and bound to the context; the first one's nest-parent S2 h0
    // with 4 pages, vIOMMU v0 on it, each device its vDEVICE (vSID 1, 2, ...: one behind another
    // SMMU is refused), a nested HWPT h1 from an EATS vSTE, and each device attached to it.
    std::vector<std::string> devs;
    for (const auto& d : sc.devices) {
      if (d.hotplug) continue;
      if (d.sriov)
        for (uint32_t i = 0; i < std::min<uint32_t>(2, d.sriov->total_vfs); ++i) devs.push_back(fmt::format("{}.vf{}", d.name, i));
      else {
        if (d.driver == "native") ops.push_back({.kind = OpKind::Unbind, .device = d.name});
        if (d.driver != "vfio-pci") ops.push_back({.kind = OpKind::Bind, .device = d.name, .driver = "vfio-pci"});
        devs.push_back(d.name);
      }
    }
    for (const auto& dev : devs) {
      if (dev.find(".vf") != std::string::npos) ops.push_back({.kind = OpKind::Bind, .device = dev, .driver = "vfio-pci"});
      ops.push_back({.kind = OpKind::IommufdBind, .device = dev});
    }
    if (devs.empty()) return ops;
    ops.push_back({.kind = OpKind::IommufdHwptAlloc, .device = devs[0], .hwpt = "h0", .nest_parent = true});
    ops.push_back({.kind = OpKind::IommufdMap, .count = 4, .iova = OpContext::kIovaBase});
    ops.push_back({.kind = OpKind::IommufdViommuAlloc, .device = devs[0], .hwpt = "h0", .viommu = "v0"});
    for (uint32_t i = 0; i < devs.size(); ++i)
      ops.push_back({.kind = OpKind::IommufdVdeviceAlloc, .device = devs[i], .viommu = "v0", .vsid = i + 1});
    ops.push_back({.kind = OpKind::IommufdHwptAllocNested, .device = devs[0], .hwpt = "h1", .viommu = "v0", .cfg = "s1_trans", .eats = 1});
    for (const auto& dev : devs) ops.push_back({.kind = OpKind::IommufdAttach, .device = dev, .hwpt = "h1"});
    return ops;
  }
  if (w == Workload::Iommufd || w == Workload::IommufdPasid) {
    // Every VF (or device) on vfio-pci, bound to the context, and the first one's HWPT h0 attached
    // (for iommufd-pasid allocated with IOMMU_HWPT_ALLOC_PASID, so PASIDs may join it).
    bool hwpt = false;
    auto to_iommufd = [&](const std::string& dev, const std::string& bound) {
      if (bound == "native") ops.push_back({.kind = OpKind::Unbind, .device = dev});
      if (bound != "vfio-pci") ops.push_back({.kind = OpKind::Bind, .device = dev, .driver = "vfio-pci"});
      ops.push_back({.kind = OpKind::IommufdBind, .device = dev});
      if (!hwpt)
        ops.push_back({.kind = OpKind::IommufdHwptAlloc, .device = dev, .hwpt = "h0", .pasid_compat = w == Workload::IommufdPasid});
      hwpt = true;
      ops.push_back({.kind = OpKind::IommufdAttach, .device = dev, .hwpt = "h0"});
    };
    for (const auto& d : sc.devices) {
      if (d.hotplug) continue;
      if (d.sriov)
        for (uint32_t i = 0; i < std::min<uint32_t>(2, d.sriov->total_vfs); ++i) to_iommufd(fmt::format("{}.vf{}", d.name, i), "");
      else
        to_iommufd(d.name, d.driver);
    }
    ops.push_back({.kind = OpKind::IommufdMap, .count = 4});
    return ops;
  }
  if (!vm_workload(w)) return ops;
  // iova-stress: every VF (or a device without SR-IOV) handed to VFIO in container c0, as a VM would
  // hold them; vfio-group: and each one's device fd opened once the container has its IOMMU, as
  // QEMU's vfio_attach_device does (VFIO_GROUP_GET_DEVICE_FD after VFIO_SET_IOMMU).
  bool iommu_set = false;
  // `bound`: the driver the device has now ("" none).
  auto to_vfio = [&](const std::string& dev, const std::string& bound) {
    if (bound == "native") ops.push_back({.kind = OpKind::Unbind, .device = dev});
    if (bound != "vfio-pci") ops.push_back({.kind = OpKind::Bind, .device = dev, .driver = "vfio-pci"});
    ops.push_back({.kind = OpKind::VfioSetContainer, .device = dev, .container = "c0"});
    if (!iommu_set) ops.push_back({.kind = OpKind::VfioSetIommu, .container = "c0"});
    iommu_set = true;
  };
  for (const auto& d : sc.devices) {
    if (d.hotplug) continue;
    if (d.sriov)
      for (uint32_t i = 0; i < std::min<uint32_t>(2, d.sriov->total_vfs); ++i) to_vfio(fmt::format("{}.vf{}", d.name, i), "");
    else
      to_vfio(d.name, d.driver);
  }
  if (w == Workload::VfioGroup)
    for (const std::string& dev : vm_devices(sc)) ops.push_back({.kind = OpKind::VfioOpenDevice, .device = dev});
  return ops;
}

std::vector<std::string> vm_devices(const io::Scenario& sc) {
  std::vector<std::string> out;
  for (const auto& op : workload_setup(Workload::IovaStress, sc))
    if (op.kind == OpKind::VfioSetContainer) out.push_back(op.device);
  return out;
}

std::string workload_unfit(Workload w, const io::Scenario& sc) {
  if (w == Workload::Hotplug && !has_hotplug(sc)) return "the hotplug workload needs a device with hotplug: true";
  if (w == Workload::SriovChurn &&
      std::none_of(sc.devices.begin(), sc.devices.end(), [](const auto& d) { return d.sriov.has_value(); }))
    return "the sriov-churn workload needs a device with SR-IOV";
  if (sc.devices.empty()) return "the machine has no devices";
  if (w == Workload::Nested && !io::uses_smmuv3(sc))
    return "the nested workload needs a device behind an SMMUv3 (nesting behind VT-d and AMD-Vi is not modelled)";
  if ((w == Workload::Pasid || w == Workload::Sva || w == Workload::IommufdPasid) &&
      std::none_of(sc.devices.begin(), sc.devices.end(), [](const auto& d) { return d.pasid; }))
    return fmt::format("the {} workload needs a device with pasid: true", name(w));
  if (w != Workload::Hotplug && w != Workload::Mixed &&
      std::all_of(sc.devices.begin(), sc.devices.end(), [](const auto& d) { return d.hotplug; }))
    return fmt::format("the {} workload needs a device present at boot (every device here is in a hot-plug slot)", name(w));
  return "";
}

}  // namespace atslab::sim
