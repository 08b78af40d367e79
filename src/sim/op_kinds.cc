#include "sim/op_kinds.h"

#include <algorithm>
#include <array>
#include <string>

namespace atslab::sim {

namespace {

using F = OpField;

struct KindInfo {
  OpKind kind;
  const char* name;
  std::span<const OpField> fields;
};

// The fields run_op reads for each kind (src/sim/ops.cc, run_plain).
constexpr F kDevice[] = {F::Device};
constexpr F kDeviceCount[] = {F::Device, F::Count};
constexpr F kDeviceDriver[] = {F::Device, F::Driver};
constexpr F kDeviceContainer[] = {F::Device, F::Container};
constexpr F kContainer[] = {F::Container};
constexpr F kContainerCount[] = {F::Container, F::Count};
constexpr F kContainerIova[] = {F::Container, F::Iova};
constexpr F kContainerCountIova[] = {F::Container, F::Count, F::Iova};
constexpr F kDeviceIovaWrite[] = {F::Device, F::Iova, F::Write};
constexpr F kDeviceType[] = {F::Device, F::Type};
constexpr F kDeviceHwpt[] = {F::Device, F::Hwpt};
constexpr F kHwpt[] = {F::Hwpt};
constexpr F kCountIova[] = {F::Count, F::Iova};
constexpr F kIova[] = {F::Iova};
constexpr F kDevicePasid[] = {F::Device, F::Pasid};
constexpr F kDevicePasidIovaWrite[] = {F::Device, F::Pasid, F::Iova, F::Write};
constexpr F kDeviceHwptNestParent[] = {F::Device, F::Hwpt, F::NestParent, F::PasidCompat};
constexpr F kDeviceHwptPasid[] = {F::Device, F::Hwpt, F::Pasid};
constexpr F kDeviceHwptViommu[] = {F::Device, F::Hwpt, F::Viommu};
constexpr F kDeviceViommuVsid[] = {F::Device, F::Viommu, F::Vsid};
constexpr F kDeviceViommuHwptVste[] = {F::Device, F::Viommu, F::Hwpt, F::Cfg, F::Eats};
constexpr F kViommuVsidIova[] = {F::Viommu, F::Vsid, F::Iova};
constexpr F kDeviceMm[] = {F::Device, F::Mm};
constexpr F kMm[] = {F::Mm};
constexpr F kDeviceMmIovaWrite[] = {F::Device, F::Mm, F::Iova, F::Write};
constexpr F kDeviceMethods[] = {F::Device, F::Methods};

// In OpKind order (checked below), so a kind indexes its row.
constexpr KindInfo kKinds[] = {
    {OpKind::SriovEnable, "sriov_enable", kDeviceCount},
    {OpKind::SriovDisable, "sriov_disable", kDevice},
    {OpKind::Bind, "bind", kDeviceDriver},
    {OpKind::Unbind, "unbind", kDevice},
    {OpKind::HostDma, "host_dma", kDeviceCount},
    {OpKind::VfioSetContainer, "vfio_set_container", kDeviceContainer},
    {OpKind::VfioSetIommu, "vfio_set_iommu", kContainer},
    {OpKind::VfioMapUnmap, "vfio_map_unmap", kContainerCount},
    {OpKind::VfioUnsetContainer, "vfio_unset_container", kDevice},
    {OpKind::HotplugAdd, "hotplug_add", kDevice},
    {OpKind::HotplugRemove, "hotplug_remove", kDevice},
    {OpKind::Remove, "remove", kDevice},
    {OpKind::AttachOwnDomain, "attach_own_domain", kDevice},
    {OpKind::DetachOwnDomain, "detach_own_domain", kDevice},
    {OpKind::VfioMap, "vfio_map", kContainerCountIova},
    {OpKind::VfioUnmap, "vfio_unmap", kContainerIova},
    {OpKind::DeviceDma, "device_dma", kDeviceIovaWrite},
    {OpKind::AtsTranslate, "ats_translate", kDeviceIovaWrite},
    {OpKind::GroupSetType, "group_set_type", kDeviceType},
    {OpKind::Reset, "reset", kDevice},
    {OpKind::VfioReset, "vfio_reset", kDevice},
    {OpKind::VfioOpenDevice, "vfio_open_device", kDevice},
    {OpKind::VfioCloseDevice, "vfio_close_device", kDevice},
    {OpKind::IommufdBind, "iommufd_bind", kDevice},
    {OpKind::IommufdHwptAlloc, "iommufd_hwpt_alloc", kDeviceHwptNestParent},
    {OpKind::IommufdAttach, "iommufd_attach", kDeviceHwpt},
    {OpKind::IommufdDetach, "iommufd_detach", kDevice},
    {OpKind::IommufdUnbind, "iommufd_unbind", kDevice},
    {OpKind::IommufdHwptDestroy, "iommufd_hwpt_destroy", kHwpt},
    {OpKind::IommufdMap, "iommufd_map", kCountIova},
    {OpKind::IommufdUnmap, "iommufd_unmap", kIova},
    {OpKind::PasidAttach, "pasid_attach", kDevicePasid},
    {OpKind::PasidDetach, "pasid_detach", kDevicePasid},
    {OpKind::PasidRemap, "pasid_remap", kDevicePasid},
    {OpKind::PasidDma, "pasid_dma", kDevicePasidIovaWrite},
    {OpKind::IommufdViommuAlloc, "iommufd_viommu_alloc", kDeviceHwptViommu},
    {OpKind::IommufdVdeviceAlloc, "iommufd_vdevice_alloc", kDeviceViommuVsid},
    {OpKind::IommufdHwptAllocNested, "iommufd_hwpt_alloc_nested", kDeviceViommuHwptVste},
    {OpKind::IommufdViommuInvalidate, "iommufd_viommu_invalidate", kViommuVsidIova},
    {OpKind::SvaBind, "sva_bind", kDeviceMm},
    {OpKind::SvaUnbind, "sva_unbind", kDeviceMm},
    {OpKind::SvaMunmap, "sva_munmap", kMm},
    {OpKind::SvaExit, "sva_exit", kMm},
    {OpKind::SvaDma, "sva_dma", kDeviceMmIovaWrite},
    {OpKind::IommufdPasidAttach, "iommufd_pasid_attach", kDeviceHwptPasid},
    {OpKind::IommufdPasidDetach, "iommufd_pasid_detach", kDevicePasid},
    {OpKind::ResetMethod, "reset_method", kDeviceMethods},
    {OpKind::VfioHotReset, "vfio_hot_reset", kDevice},
};
static_assert(std::size(kKinds) == static_cast<size_t>(kLastOpKind) + 1, "a row for every OpKind");
constexpr bool in_order() {
  for (size_t i = 0; i < std::size(kKinds); ++i)
    if (static_cast<size_t>(kKinds[i].kind) != i) return false;
  return true;
}
static_assert(in_order(), "kKinds in OpKind order");

const KindInfo& info(OpKind k) { return kKinds[static_cast<size_t>(k)]; }

}  // namespace

std::string_view field_name(OpField f) {
  static constexpr std::array<std::string_view, 17> kNames = {"device", "container", "driver", "count", "iova", "write", "type",
                                                              "hwpt", "pasid", "nest_parent", "viommu", "vsid", "cfg", "eats", "mm",
                                                              "pasid_compat", "methods"};
  return kNames.at(static_cast<size_t>(f));
}

const char* op_name(OpKind k) { return static_cast<size_t>(k) < std::size(kKinds) ? info(k).name : "?"; }

std::optional<OpKind> parse_op_name(std::string_view name) {
  for (const auto& k : kKinds)
    if (name == k.name) return k.kind;
  return std::nullopt;
}

std::string op_names() {
  std::string list;
  for (const auto& k : kKinds) list += (list.empty() ? "" : ", ") + std::string(k.name);
  return list;
}

std::span<const OpField> op_fields(OpKind k) { return info(k).fields; }

bool uses(OpKind k, OpField f) {
  auto fs = op_fields(k);
  return std::find(fs.begin(), fs.end(), f) != fs.end();
}

uint32_t max_count(OpKind k) {
  // vfio_map and iommufd_map map within one 1 MiB IOVA slot (sim::OpContext::kIovaStride): 256 pages.
  return k == OpKind::SriovEnable ? 0xffff : k == OpKind::VfioMap || k == OpKind::IommufdMap ? 256 : 1'000'000;
}

uint64_t op_cost(const Op& op) {
  const bool loops = op.kind == OpKind::VfioMapUnmap || op.kind == OpKind::HostDma;
  uint64_t cost = loops ? std::max<uint32_t>(op.count, 1) : 1;
  for (const Nested& n : op.nested) cost += op_cost(n.op);
  return cost;
}

bool is_nesting(const Op& op) {
  return (op.kind >= OpKind::IommufdViommuAlloc && op.kind <= OpKind::IommufdViommuInvalidate) ||
         (op.kind == OpKind::IommufdHwptAlloc && op.nest_parent);
}

}  // namespace atslab::sim
