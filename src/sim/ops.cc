#include "sim/ops.h"

#include <algorithm>
#include <fmt/format.h>

#include "check/atc_oracle.h"
#include "hw/device_dma.h"
#include "hw/pcie/atc.h"
#include "hw/remap.h"
#include "hw/remap_dma.h"
#include "io/input_error.h"
#include "hw/pcie/capability_walk.h"
#include "linux/iommu/iommu.h"
#include "linux/iommu/pasid.h"
#include "linux/iommu/driver_ops.h"
#include "linux/iommu/sva.h"
#include "linux/mm/mm.h"
#include "linux/smmuv3/sva.h"
#include "linux/kernel/errno.h"
#include "hw/smmuv3/ste_layout.h"
#include "linux/iommufd/iommufd.h"
#include "linux/iommufd/viommu.h"
#include "linux/smmuv3/smmuv3.h"
#include "linux/kernel/locks.h"
#include "linux/vfio/device_cdev.h"
#include "linux/vfio/group_device.h"
#include "linux/vfio/pci_core.h"
#include "linux/kernel/printk.h"
#include "linux/pci/iov.h"
#include "linux/pci/probe.h"
#include "linux/pci/reset_method_attr.h"
#include "linux/pci/reset.h"
#include "linux/pci/reset_bus.h"
#include "linux/vfio/vfio.h"
#include "linux/kernel/fault_inject.h"
#include "sim/op_kinds.h"

namespace atslab::sim {

namespace {
std::string describe_plain(const Op& op) {
  switch (op.kind) {
    case OpKind::SriovEnable: return fmt::format("echo {} > {}/sriov_numvfs", op.count, op.device);
    case OpKind::SriovDisable: return fmt::format("echo 0 > {}/sriov_numvfs", op.device);
    case OpKind::Bind: return fmt::format("bind {} to {}", op.driver, op.device);
    case OpKind::Unbind: return fmt::format("unbind {}", op.device);
    case OpKind::HostDma: return fmt::format("{}: host DMA map/unmap x{}", op.device, op.count);
    case OpKind::VfioSetContainer: return fmt::format("VFIO_GROUP_SET_CONTAINER {} -> {}", op.device, op.container);
    case OpKind::VfioSetIommu: return fmt::format("VFIO_SET_IOMMU {}", op.container);
    case OpKind::VfioMapUnmap: return fmt::format("iova_stress {}: MAP_DMA/UNMAP_DMA x{}", op.container, op.count);
    case OpKind::VfioUnsetContainer: return fmt::format("VFIO_GROUP_UNSET_CONTAINER {}", op.device);
    case OpKind::HotplugAdd: return fmt::format("hot-plug {}", op.device);
    case OpKind::HotplugRemove: return fmt::format("hot-unplug {}", op.device);
    case OpKind::Remove: return fmt::format("echo 1 > {}/remove", op.device);
    case OpKind::AttachOwnDomain: return fmt::format("{}: iommu_attach_group(own paging domain)", op.device);
    case OpKind::DetachOwnDomain: return fmt::format("{}: iommu_detach_group", op.device);
    case OpKind::VfioMap:
      return op.iova ? fmt::format("VFIO_IOMMU_MAP_DMA {}: {} page(s) at {:#x}", op.container, op.count, op.iova)
                     : fmt::format("VFIO_IOMMU_MAP_DMA {}: {} page(s)", op.container, op.count);
    case OpKind::VfioUnmap:
      return op.iova ? fmt::format("VFIO_IOMMU_UNMAP_DMA {} {:#x}", op.container, op.iova)
                     : fmt::format("VFIO_IOMMU_UNMAP_DMA {}: its lowest mapping", op.container);
    case OpKind::DeviceDma: return fmt::format("{}: DMA {} at IOVA {:#x}", op.device, op.write ? "write" : "read", op.iova);
    case OpKind::AtsTranslate:
      return fmt::format("{}: ATS Translation Request for IOVA {:#x}{}", op.device, op.iova, op.write ? " (write)" : "");
    case OpKind::GroupSetType: return fmt::format("echo {} > {}/iommu_group/type", op.type, op.device);
    case OpKind::Reset: return fmt::format("echo 1 > {}/reset", op.device);
    case OpKind::VfioReset: return fmt::format("VFIO_DEVICE_RESET {}", op.device);
    case OpKind::VfioOpenDevice: return fmt::format("VFIO_GROUP_GET_DEVICE_FD {}", op.device);
    case OpKind::VfioCloseDevice: return fmt::format("close {}'s device fd", op.device);
    case OpKind::IommufdBind: return fmt::format("VFIO_DEVICE_BIND_IOMMUFD {}", op.device);
    case OpKind::IommufdHwptAlloc:
      return fmt::format("IOMMU_HWPT_ALLOC {} for {}{}{}", op.hwpt, op.device, op.nest_parent ? " (NEST_PARENT)" : "",
                         op.pasid_compat ? " (PASID)" : "");
    case OpKind::IommufdAttach: return fmt::format("VFIO_DEVICE_ATTACH_IOMMUFD_PT {} -> {}", op.device, op.hwpt);
    case OpKind::IommufdDetach: return fmt::format("VFIO_DEVICE_DETACH_IOMMUFD_PT {}", op.device);
    case OpKind::IommufdUnbind: return fmt::format("close {}'s cdev (iommufd unbind)", op.device);
    case OpKind::IommufdHwptDestroy: return fmt::format("IOMMU_DESTROY {}", op.hwpt);
    case OpKind::IommufdMap:
      return op.iova ? fmt::format("IOMMU_IOAS_MAP x{} at {:#x}", op.count, op.iova) : fmt::format("IOMMU_IOAS_MAP x{}", op.count);
    case OpKind::IommufdUnmap:
      return op.iova ? fmt::format("IOMMU_IOAS_UNMAP {:#x}", op.iova) : std::string("IOMMU_IOAS_UNMAP (lowest)");
    case OpKind::PasidAttach: return fmt::format("{}: iommu_attach_device_pasid(own paging domain, PASID {})", op.device, op.pasid);
    case OpKind::PasidDetach: return fmt::format("{}: iommu_detach_device_pasid(PASID {})", op.device, op.pasid);
    case OpKind::PasidRemap: return fmt::format("{}: iommu_unmap and iommu_map of PASID {}'s pages", op.device, op.pasid);
    case OpKind::PasidDma:
      return fmt::format("{}: DMA {} at IOVA {:#x} with PASID {}", op.device, op.write ? "write" : "read", op.iova, op.pasid);
    case OpKind::IommufdViommuAlloc: return fmt::format("IOMMU_VIOMMU_ALLOC {} on {} for {}", op.viommu, op.hwpt, op.device);
    case OpKind::IommufdVdeviceAlloc: return fmt::format("IOMMU_VDEVICE_ALLOC {} as vSID {:#x} on {}", op.device, op.vsid, op.viommu);
    case OpKind::IommufdHwptAllocNested:
      return fmt::format("IOMMU_HWPT_ALLOC {} on {} for {} (vSTE CFG {}, EATS {})", op.hwpt, op.viommu, op.device, op.cfg, op.eats);
    case OpKind::IommufdViommuInvalidate:
      return op.iova ? fmt::format("IOMMU_HWPT_INVALIDATE {}: guest CMD_ATC_INV vSID {:#x} at {:#x}", op.viommu, op.vsid, op.iova)
                     : fmt::format("IOMMU_HWPT_INVALIDATE {}: guest CMD_ATC_INV vSID {:#x} (whole ATC)", op.viommu, op.vsid);
    case OpKind::SvaBind: return fmt::format("{}: iommu_sva_bind_device(process {}'s mm)", op.device, op.mm);
    case OpKind::SvaUnbind: return fmt::format("{}: iommu_sva_unbind_device(process {}'s bond)", op.device, op.mm);
    case OpKind::SvaMunmap: return fmt::format("process {}: munmap and mmap again of its buffer", op.mm);
    case OpKind::SvaExit: return fmt::format("process {} exits", op.mm);
    case OpKind::SvaDma:
      return fmt::format("{}: DMA {} at VA {:#x} with process {}'s PASID", op.device, op.write ? "write" : "read", op.iova, op.mm);
    case OpKind::IommufdPasidAttach:
      return fmt::format("VFIO_DEVICE_ATTACH_IOMMUFD_PT {} PASID {} -> {}", op.device, op.pasid, op.hwpt);
    case OpKind::IommufdPasidDetach: return fmt::format("VFIO_DEVICE_DETACH_IOMMUFD_PT {} PASID {}", op.device, op.pasid);
    case OpKind::ResetMethod: return fmt::format("echo '{}' > {}/reset_method", op.methods, op.device);
    case OpKind::VfioHotReset: return fmt::format("VFIO_DEVICE_PCI_HOT_RESET {}", op.device);
  }
  return "?";
}
}  // namespace

std::string describe(const Op& op) {
  std::string d = describe_plain(op);
  if (!op.fault.empty()) d += fmt::format(" [fault {}]", op.fault);
  for (const Nested& n : op.nested)
    d += fmt::format(" || cpu1 at {}{}: {}", kernel::name(n.at), n.nth > 1 ? fmt::format(" #{}", n.nth) : "",
                     describe(n.op));
  return d;
}

bool is_group_type(std::string_view type) { return type == "identity" || type == "DMA" || type == "auto"; }

std::vector<std::string> nested_descriptions(const Op& op) {
  std::vector<std::string> out;
  for (const Nested& n : op.nested) out.push_back(describe(n.op));
  return out;
}

std::optional<pci::DevId> resolve(const System& s, const OpContext& ctx, const std::string& name) {
  auto dot = name.find(".vf");
  if (dot == std::string::npos) {
    auto it = ctx.devices.find(name);
    if (it == ctx.devices.end()) throw InputError(fmt::format("unknown device '{}'", name));
    return pci::dev_for_fn(s, it->second);
  }
  auto pf = resolve(s, ctx, name.substr(0, dot));
  unsigned index = 0;
  try {
    index = static_cast<unsigned>(std::stoul(name.substr(dot + 3)));
  } catch (...) {
    throw InputError(fmt::format("bad VF name '{}' (expected <pf>.vf<N>)", name));
  }
  if (!pf) return std::nullopt;
  for (pci::DevId d : s.kernel.present_devs)
    if (s.kernel.devs[d].is_virtfn && s.kernel.devs[d].physfn == *pf && s.kernel.devs[d].vf_index == index) return d;
  return std::nullopt;
}

namespace {
bool behind_smmu(const System& s, const hw::pcie::RootComplex& rc) {
  return rc.iommu == hw::pcie::IommuKind::Smmuv3 && rc.iommu_index < s.hw.smmus.size();
}

// An iommu_unmap() of `iova` in progress on the domain the function's group sits on.
bool unmapping_here(const System& s, hw::pcie::FnId fn, uint64_t iova) {
  if (s.kernel.iommu.unmapping.empty()) return false;
  for (pci::DevId d : s.kernel.present_devs) {
    if (s.kernel.devs[d].fn != fn) continue;
    const iommu::GroupId g = iommu::group_of(s, d);
    if (g == iommu::kNoGroup) return false;
    iommu::DomainId dom = iommu::group(s, g).domain;
    // A nested domain's addresses are its S2 parent's (the vSTE's S1DSS bypass): the IOAS unmaps there.
    if (dom != iommu::kNoDomain && iommu::domain(s, dom).type == iommu::DomainType::Nested) {
      const smmuv3::SmmuDomainId parent = smmuv3::smmu_domain_devices(s, dom);
      if (parent != smmuv3::kNone) dom = s.kernel.smmuv3.domains.at(parent).domain;
    }
    return iommu::unmap_in_flight(s, dom, iova & ~uint64_t{0xfff});
  }
  return false;
}
}  // namespace

namespace {
// An iommu_unmap() of `iova` in progress on the domain the function's group has on `pasid`.
bool pasid_unmapping_here(const System& s, hw::pcie::FnId fn, uint32_t pasid, uint64_t iova) {
  if (s.kernel.iommu.unmapping.empty()) return false;
  for (pci::DevId d : s.kernel.present_devs) {
    if (s.kernel.devs[d].fn != fn) continue;
    const iommu::GroupId g = iommu::group_of(s, d);
    const iommu::GroupPasid* p = g == iommu::kNoGroup ? nullptr : iommu::group_pasid(s, g, pasid);
    return p && iommu::unmap_in_flight(s, p->domain, iova & ~uint64_t{0xfff});
  }
  return false;
}
}  // namespace

int device_dma(System& s, hw::pcie::FnId fn, uint64_t iova, bool write) {
  const auto& f = s.hw.pcie.fn(fn);
  if (!f.present) return -ENODEV;
  const auto& rc = s.hw.pcie.rc(f.rc);
  const bool smmu = behind_smmu(s, rc);
  if (!smmu && !hw::has_remap_unit(s.hw, rc.iommu, rc.iommu_index)) return -EOPNOTSUPP;
  const hw::DmaResult r = smmu ? hw::device_dma(s.hw, rc.iommu_index, fn, false, 0, iova, write)
                               : hw::remap_device_dma(s.hw, rc.iommu, rc.iommu_index, fn, iova, write);
  s.record.event(kernel::EventKind::DeviceDma, fn, static_cast<int64_t>(iova), r.ok ? static_cast<int64_t>(r.pa) : -1);
  // The security property ATS invalidation exists for: the access reached memory through a
  // translation the SMMU would no longer give, once the unmap that removed it has returned.
  // Inside the unmap (another CPU's iommu_unmap on the device's domain, its IOPTEs cleared, its
  // ATC_INV not yet sent) the caller still owns the page: the kernel promises nothing before
  // iommu_unmap returns (invariant 19 orders that window).
  if (r.ok && r.atc_entry && check::atc_entry_stale(s, fn, *r.atc_entry, iova) && !unmapping_here(s, fn, iova))
    s.record.event(kernel::EventKind::StaleAtcUse, fn, static_cast<int64_t>(iova),
                   static_cast<int64_t>(r.atc_entry->pa + (iova - r.atc_entry->iova)));
  return r.ok ? 0 : -EFAULT;
}

int device_pasid_dma(System& s, hw::pcie::FnId fn, uint32_t pasid, uint64_t iova, bool write) {
  const auto& f = s.hw.pcie.fn(fn);
  if (!f.present) return -ENODEV;
  const auto& rc = s.hw.pcie.rc(f.rc);
  const bool smmu = behind_smmu(s, rc);
  if (!smmu && !hw::has_remap_unit(s.hw, rc.iommu, rc.iommu_index)) return -EOPNOTSUPP;
  // A function sends a PASID TLP prefix only with PASID Enable set in its PASID capability (a
  // VF's is its PF's).
  const auto& holder = f.is_vf() ? s.hw.pcie.fn(f.pf) : f;
  const uint16_t cap = hw::pcie::find_ext_cap(holder.cfg, hw::pcie::ext_cap::kPasid);
  if (!cap || !(holder.cfg.read16(cap + hw::pcie::pasid::kCtrl) & hw::pcie::pasid::kCtrlEnable)) return -ENODEV;
  const hw::DmaResult r = smmu ? hw::device_dma(s.hw, rc.iommu_index, fn, true, pasid, iova, write)
                               : hw::remap_device_pasid_dma(s.hw, rc.iommu, rc.iommu_index, fn, pasid, iova, write);
  s.record.event(kernel::EventKind::DeviceDma, fn, static_cast<int64_t>(iova), r.ok ? static_cast<int64_t>(r.pa) : -1);
  if (r.ok && r.atc_entry && check::atc_entry_stale(s, fn, *r.atc_entry, iova) && !pasid_unmapping_here(s, fn, pasid, iova))
    s.record.event(kernel::EventKind::StaleAtcUse, fn, static_cast<int64_t>(iova),
                   static_cast<int64_t>(r.atc_entry->pa + (iova - r.atc_entry->iova)));
  return r.ok ? 0 : -EFAULT;
}

int device_ats_translate(System& s, hw::pcie::FnId fn, uint64_t iova, bool write) {
  const auto& f = s.hw.pcie.fn(fn);
  if (!f.present) return -ENODEV;
  const auto& rc = s.hw.pcie.rc(f.rc);
  const bool smmu = behind_smmu(s, rc);
  if (!smmu && !hw::has_remap_unit(s.hw, rc.iommu, rc.iommu_index)) return -EOPNOTSUPP;
  if (!hw::pcie::ats_control(f.cfg).enabled) return -ENODEV;
  const bool ok = smmu ? hw::device_ats_translate(s.hw, rc.iommu_index, fn, false, 0, iova, write)
                       : hw::remap_device_ats_translate(s.hw, rc.iommu, rc.iommu_index, fn, iova);
  const auto e = ok ? s.hw.pcie.fn(fn).atc.lookup(false, 0, iova) : std::nullopt;
  s.record.event(kernel::EventKind::AtsTranslation, fn, static_cast<int64_t>(iova),
                 e ? static_cast<int64_t>(e->pa + (iova - e->iova)) : -1);
  return ok ? 0 : -EFAULT;
}

namespace {
// The workload's fd on the vfio_group of `dev`'s IOMMU group, if it holds one. The user opens
// /dev/vfio/N once (vfio_group_fops_open refuses a second open) and the workload names it by
// any member of the group.
std::map<pci::DevId, vfio::VfioGroupId>::iterator group_fd(const System& s, OpContext& ctx, pci::DevId dev) {
  auto it = ctx.vfio_groups.find(dev);
  if (it != ctx.vfio_groups.end()) return it;
  const vfio::VfioGroupId g = vfio::open_group(s, dev);
  if (g == vfio::kNone) return ctx.vfio_groups.end();
  for (auto i = ctx.vfio_groups.begin(); i != ctx.vfio_groups.end(); ++i)
    if (i->second == g) return i;
  return ctx.vfio_groups.end();
}

vfio::ContainerId container(System& s, OpContext& ctx, const std::string& name) {
  auto it = ctx.containers.find(name);
  if (it != ctx.containers.end()) return it->second;
  return ctx.containers[name] = vfio::open_container(s);
}

// The next VFIO IOVA: 16 slots of 1 MiB, cycling, as an IOVA allocator reuses freed
// ranges: every size and alignment of the range encoding comes round, io-pgtable-arm's
// emptied tables stay bounded, and a long run (or the explorer) revisits states. Like an
// allocator, it passes over slots the container still maps (left by VFIO_IOMMU_MAP_DMA);
// only when all 16 are taken does the map meet its own -EEXIST.
uint64_t next_vfio_iova(const System& s, OpContext& ctx, vfio::ContainerId c) {
  auto advance = [&] {
    const uint64_t iova = ctx.next_iova;
    ctx.next_iova = OpContext::kIovaBase + (iova - OpContext::kIovaBase + OpContext::kIovaStride) % (16 * OpContext::kIovaStride);
    return iova;
  };
  auto taken = [&](uint64_t slot) {
    if (c >= s.kernel.vfio.containers.size()) return false;
    const auto& dma = s.kernel.vfio.containers[c].dma;
    auto it = dma.lower_bound(slot);
    return it != dma.end() && it->first < slot + OpContext::kIovaStride;
  };
  for (int i = 0; i < 15 && taken(ctx.next_iova); ++i) advance();
  return advance();
}

void remember_iova(OpContext& ctx, uint64_t iova) {
  ctx.recent_iovas.push_back(iova);
  if (ctx.recent_iovas.size() > 8) ctx.recent_iovas.erase(ctx.recent_iovas.begin());
}

// iova_stress's device side: every function of the container's groups writes the first
// page of the fresh mapping and reads its last, between MAP_DMA and UNMAP_DMA.
void container_dma(System& s, vfio::ContainerId c, uint64_t iova, uint64_t size) {
  std::vector<hw::pcie::FnId> fns;
  for (vfio::VfioGroupId g : s.kernel.vfio.containers[c].groups)
    for (pci::DevId d : iommu::group(s, s.kernel.vfio.groups[g].group).devices)
      if (s.kernel.devs[d].state != pci::DevState::Removed) fns.push_back(s.kernel.devs[d].fn);
  for (hw::pcie::FnId fn : fns) {
    device_dma(s, fn, iova, true);
    if (size > 0x1000) device_dma(s, fn, iova + size - 0x1000, false);
  }
}

// The workload's iommufd context: /dev/iommu opened on first use, kept for the run.
iommufd::CtxId iommufd_ctx(System& s, OpContext& ctx) {
  if (ctx.iommufd == iommufd::kNone) ctx.iommufd = iommufd::open_ctx(s);
  return ctx.iommufd;
}

// The next free IOVA slot of the IOAS, as next_vfio_iova does for a container.
uint64_t next_ioas_iova(const System& s, OpContext& ctx, iommufd::CtxId ictx) {
  const auto& areas = s.kernel.iommufd.ctxs.at(ictx).ioas;
  for (int i = 0; i < 16; ++i) {
    const uint64_t iova = ctx.next_iova;
    ctx.next_iova = OpContext::kIovaBase + (iova - OpContext::kIovaBase + OpContext::kIovaStride) % (16 * OpContext::kIovaStride);
    auto it = areas.lower_bound(iova);
    if (it == areas.end() || it->first >= iova + OpContext::kIovaStride) return iova;
  }
  return ctx.next_iova;  // every slot taken: the map meets its own -EEXIST
}

// A HWPT name the workload gave that still names a live HWPT.
std::optional<iommufd::HwptId> hwpt_named(const System& s, const OpContext& ctx, const std::string& name) {
  auto it = ctx.hwpts.find(name);
  if (it == ctx.hwpts.end() || it->second >= s.kernel.iommufd.hwpts.size() || !s.kernel.iommufd.hwpts[it->second].live)
    return std::nullopt;
  return it->second;
}

// A vIOMMU name the workload gave that still names a live vIOMMU.
std::optional<iommufd::ViommuId> viommu_named(const System& s, const OpContext& ctx, const std::string& name) {
  auto it = ctx.viommus.find(name);
  if (it == ctx.viommus.end() || it->second >= s.kernel.iommufd.viommus.size() || !s.kernel.iommufd.viommus[it->second].live)
    return std::nullopt;
  return it->second;
}

// The nesting operations: what a VMM does to give its guest a vSMMU, and what the guest's
// invalidations become. An unknown name is an id no object has: -ENOENT, as iommufd answers.
int run_nesting(System& s, OpContext& ctx, const Op& op, pci::DevId d0) {
  const bool present = d0 != pci::kNoDev;
  switch (op.kind) {
    case OpKind::IommufdViommuAlloc: {
      if (!present) return -ENODEV;
      const iommufd::IdevId idev = vfio::cdev_idev(s, d0);
      if (idev == iommufd::kNone) return -ENOENT;
      if (viommu_named(s, ctx, op.viommu)) return -EEXIST;  // a name is one vIOMMU
      const auto h = hwpt_named(s, ctx, op.hwpt);
      if (!h) return -ENOENT;
      const int64_t v = iommufd::viommu_alloc(s, idev, *h);
      if (v < 0) return static_cast<int>(v);
      ctx.viommus[op.viommu] = static_cast<iommufd::ViommuId>(v);
      return 0;
    }
    case OpKind::IommufdVdeviceAlloc: {
      if (!present) return -ENODEV;
      const iommufd::IdevId idev = vfio::cdev_idev(s, d0);
      if (idev == iommufd::kNone) return -ENOENT;
      const auto v = viommu_named(s, ctx, op.viommu);
      return v ? iommufd::vdevice_alloc(s, *v, idev, op.vsid) : -ENOENT;
    }
    case OpKind::IommufdHwptAllocNested: {
      if (!present) return -ENODEV;
      const iommufd::IdevId idev = vfio::cdev_idev(s, d0);
      if (idev == iommufd::kNone) return -ENOENT;
      if (hwpt_named(s, ctx, op.hwpt)) return -EEXIST;
      const auto v = viommu_named(s, ctx, op.viommu);
      if (!v) return -ENOENT;
      const int64_t h = iommufd::hwpt_alloc_nested(s, idev, *v, guest_vste(op.cfg, op.eats));
      if (h < 0) return static_cast<int>(h);
      ctx.hwpts[op.hwpt] = static_cast<iommufd::HwptId>(h);
      return 0;
    }
    case OpKind::IommufdViommuInvalidate: {
      const auto v = viommu_named(s, ctx, op.viommu);
      if (!v) return -ENOENT;
      // The guest's CMD_ATC_INV as arm_smmu_atc_inv_to_cmd builds it in the guest: the whole ATC
      // (SIZE 52), or the 4 KiB page at `iova`; no PASID.
      hw::smmuv3::Command c{.op = hw::smmuv3::Op::ATC_INV, .sid = op.vsid};
      if (op.iova) c.addr = op.iova & ~uint64_t{0xfff};
      else c.size = hw::smmuv3::cmdq::kAtcInvSizeAll;
      return iommufd::viommu_invalidate(s, *v, c);
    }
    default:
      return -EINVAL;
  }
}

int run_iommufd(System& s, OpContext& ctx, const Op& op, pci::DevId d0) {
  const bool present = d0 != pci::kNoDev;
  switch (op.kind) {
    case OpKind::IommufdBind:
      if (!present) return -ENODEV;
      return vfio::bind_iommufd(s, d0, iommufd_ctx(s, ctx));
    case OpKind::IommufdHwptAlloc: {
      if (!present) return -ENODEV;
      // dev_id names a bound device; a name is one HWPT (the workload destroys it to reuse the name).
      const iommufd::IdevId idev = vfio::cdev_idev(s, d0);
      if (idev == iommufd::kNone) return -ENOENT;
      if (hwpt_named(s, ctx, op.hwpt)) return -EEXIST;
      const int64_t h = iommufd::hwpt_alloc(s, idev, op.nest_parent, op.pasid_compat);
      if (h < 0) return static_cast<int>(h);
      ctx.hwpts[op.hwpt] = static_cast<iommufd::HwptId>(h);
      return 0;
    }
    case OpKind::IommufdAttach: {
      if (!present) return -ENODEV;
      const auto h = hwpt_named(s, ctx, op.hwpt);
      return vfio::attach_pt(s, d0, h.value_or(iommufd::kNone));  // an unknown id: -ENOENT from iommufd
    }
    case OpKind::IommufdDetach:
      if (!present) return -ENODEV;
      return vfio::detach_pt(s, d0);
    case OpKind::IommufdPasidAttach: {
      if (!present) return -ENODEV;
      const auto h = hwpt_named(s, ctx, op.hwpt);
      return vfio::pasid_attach_pt(s, d0, h.value_or(iommufd::kNone), op.pasid);
    }
    case OpKind::IommufdPasidDetach:
      if (!present) return -ENODEV;
      return vfio::pasid_detach_pt(s, d0, op.pasid);
    case OpKind::IommufdUnbind:
      if (!present || vfio::cdev_idev(s, d0) == iommufd::kNone) return -EBADF;  // no bound fd to close
      vfio::unbind_iommufd(s, d0);
      return 0;
    case OpKind::IommufdHwptDestroy: {
      const auto h = hwpt_named(s, ctx, op.hwpt);
      if (!h) return -ENOENT;
      const int ret = iommufd::hwpt_destroy(s, *h);
      if (ret == 0) ctx.hwpts.erase(op.hwpt);
      return ret;
    }
    case OpKind::IommufdMap: {
      const iommufd::CtxId ictx = iommufd_ctx(s, ctx);
      const uint64_t iova = op.iova ? op.iova : next_ioas_iova(s, ctx, ictx);
      const uint64_t size = 0x1000ull * std::clamp<uint32_t>(op.count, 1, max_count(OpKind::IommufdMap));
      const int ret = iommufd::ioas_map(s, ictx, iova, 0x80000000ull + (iova & 0xfffffff), size);
      if (ret == 0) remember_iova(ctx, iova);
      return ret;
    }
    case OpKind::IommufdUnmap: {
      const iommufd::CtxId ictx = iommufd_ctx(s, ctx);
      const auto& areas = s.kernel.iommufd.ctxs.at(ictx).ioas;
      if (areas.empty()) return -ENOENT;
      return iommufd::ioas_unmap(s, ictx, op.iova ? op.iova : areas.begin()->first);
    }
    default:
      return run_nesting(s, ctx, op, d0);
  }
}

// The PASID operations: the calls a kernel driver bound to the device makes for a PASID of
// its own (a paging domain allocated, mapped and attached through iommu_attach_device_pasid).
int run_pasid(System& s, const Op& op, pci::DevId d0) {
  if (d0 == pci::kNoDev) return -ENODEV;
  if (op.kind == OpKind::PasidDma) return device_pasid_dma(s, s.kernel.devs[d0].fn, op.pasid, op.iova, op.write);
  // The caller is the device's kernel driver: none bound, no PASID user.
  if (!s.kernel.devs[d0].driver_bound || s.kernel.devs[d0].driver != pci::DriverKind::Native) return -ENODEV;
  // A detach tears down what the driver's own I/O on the PASID uses: the driver quiesces it first
  // (exclusive, as its remove() does), so no remap of its runs on a domain being freed.
  kernel::LockGuard busy(s, kernel::LockClass::driver_in_use, d0,
                         op.kind == OpKind::PasidDetach ? kernel::LockMode::Exclusive : kernel::LockMode::Shared);
  const iommu::GroupId g = iommu::group_of(s, d0);
  if (g == iommu::kNoGroup) return -ENODEV;
  constexpr uint64_t kSize = 4 * 0x1000;
  if (op.kind == OpKind::PasidAttach) {
    const iommu::DomainId dom = iommu::domain_alloc_paging(s, d0);
    if (dom == iommu::kNoDomain) return -ENOMEM;
    int ret = iommu::map(s, dom, OpContext::kIovaBase, pasid_buffer(op.pasid), kSize);
    if (ret == 0) ret = iommu::attach_device_pasid(s, dom, d0, op.pasid);
    if (ret) iommu::domain_free(s, dom);
    return ret;
  }
  // Detach and remap concern a PASID this driver attached.
  const iommu::GroupPasid* p = iommu::group_pasid(s, g, op.pasid);
  if (!p || p->owner != d0) return -EINVAL;
  const iommu::DomainId dom = p->domain;
  if (op.kind == OpKind::PasidDetach) {
    iommu::detach_device_pasid(s, dom, d0, op.pasid);
    iommu::domain_free(s, dom);
    return 0;
  }
  // PasidRemap: the unmap invalidates the IOTLB and the ATC by the PASID's SSID.
  iommu::unmap(s, dom, OpContext::kIovaBase, kSize);
  return iommu::map(s, dom, OpContext::kIovaBase, pasid_buffer(op.pasid), kSize);
}

// SVA: the calls the native driver bound to the device makes for a process that opened it (a
// uacce- or idxd-like driver: bind at open, unbind at release), the process's own munmap and
// exit, and the device's DMA with the PASID the bind gave the driver.
int run_sva(System& s, const Op& op, pci::DevId d0) {
  if (op.kind == OpKind::SvaMunmap) return mm::munmap_and_remap(s, op.mm);
  if (op.kind == OpKind::SvaExit) return mm::exit(s, op.mm);
  if (d0 == pci::kNoDev) return -ENODEV;
  if (op.kind == OpKind::SvaDma) {
    // The driver programs the PASID of a bond it holds; without one the device has none to use.
    const mm::MmId id = mm::current_mm(s, op.mm);
    if (id == mm::kNoMm || !iommu::sva_bond(s, d0, id)) return -EINVAL;
    return device_pasid_dma(s, s.kernel.devs[d0].fn, s.kernel.mm.mms.at(id).pasid, op.iova, op.write);
  }
  if (!s.kernel.devs[d0].driver_bound || s.kernel.devs[d0].driver != pci::DriverKind::Native) return -ENODEV;
  kernel::LockGuard busy(s, kernel::LockClass::driver_in_use, d0,
                         op.kind == OpKind::SvaUnbind ? kernel::LockMode::Exclusive : kernel::LockMode::Shared);
  if (op.kind == OpKind::SvaUnbind) {
    // The driver unbinds a handle it holds (uacce's release, idxd's): without a bond with that
    // process it has none and calls nothing; the op's -EINVAL is the driver's, not the kernel's.
    const mm::MmId id = mm::current_mm(s, op.mm);
    if (id == mm::kNoMm || !iommu::sva_bond(s, d0, id)) return -EINVAL;
    iommu::sva_unbind_device(s, d0, id);
    return 0;
  }
  // 6.12: the driver enables IOMMU_DEV_FEAT_SVA first (its probe, in the kernel's drivers) and
  // binds nothing when that fails.
  if (int ret = iommu::drv_dev_enable_sva(s, d0)) return ret;
  const mm::MmId id = mm::process_mm(s, op.mm);
  if (id == mm::kNoMm) return -ENOMEM;
  return iommu::sva_bind_device(s, d0, id);
}

int run_plain(System& s, OpContext& ctx, const Op& op) {
  const pci::DevId d0 = op.device.empty() ? pci::kNoDev : resolve(s, ctx, op.device).value_or(pci::kNoDev);
  const bool present = d0 != pci::kNoDev;
  switch (op.kind) {
    case OpKind::SriovEnable:
    case OpKind::SriovDisable: {
      if (!present) return -ENODEV;
      // The PF's driver configures SR-IOV; with none bound the sysfs write fails as the kernel's does.
      return pci::sriov_numvfs_store(s, d0, op.kind == OpKind::SriovEnable ? static_cast<uint16_t>(op.count) : 0);
    }
    case OpKind::Bind: {
      if (!present) return -ENODEV;
      auto& pd = s.kernel.devs[d0];
      if (pd.driver_bound) return -EBUSY;
      pd.driver = op.driver == "vfio-pci" ? pci::DriverKind::VfioPci : pci::DriverKind::Native;
      // bind_store: a deferred probe reads as -EAGAIN; otherwise the probe's own error.
      const int ret = pci::device_attach(s, d0);
      return ret == -kernel::EPROBE_DEFER ? -EAGAIN : ret;
    }
    case OpKind::Unbind: {
      if (!present || !s.kernel.devs[d0].driver_bound) return -ENODEV;
      pci::device_release_driver(s, d0);
      return 0;
    }
    case OpKind::HostDma: {
      // The DMA API's user is the device's kernel driver: none bound, no DMA.
      if (!present || !s.kernel.devs[d0].driver_bound || s.kernel.devs[d0].driver != pci::DriverKind::Native) return -ENODEV;
      kernel::LockGuard busy(s, kernel::LockClass::driver_in_use, d0, kernel::LockMode::Shared);
      const auto fn = s.kernel.devs[d0].fn;
      auto g = iommu::group_of(s, d0);
      // dma-iommu maps into the group's default domain (iommu_get_dma_domain), whatever domain
      // the group sits on now; with an identity default domain, or no IOMMU group at all (a failed
      // IOMMU probe), dev->dma_iommu is false and dma-direct hands the device physical addresses.
      const auto dom = g == iommu::kNoGroup ? iommu::kNoDomain : iommu::group(s, g).default_domain;
      if (dom == iommu::kNoDomain || !iommu::is_paging(iommu::domain(s, dom).type)) {
        for (uint32_t i = 0; i < op.count; ++i) device_dma(s, fn, 0x40000000ull + 0x1000ull * i, true);
        return 0;
      }
      for (uint32_t i = 0; i < op.count; ++i) {
        uint64_t iova = 0xfff00000ull + 0x1000ull * (i % 64);
        int ret;
        {
          kernel::Frame f(s, kernel::KFn::dma_map_page_attrs);
          ret = iommu::map(s, dom, iova, 0x40000000ull + 0x1000ull * i, 0x1000);
        }
        if (ret) return ret;
        remember_iova(ctx, iova);
        device_dma(s, fn, iova, true);  // the device writes the buffer before the driver unmaps it
        kernel::Frame f(s, kernel::KFn::dma_unmap_page_attrs);
        iommu::unmap(s, dom, iova, 0x1000);
      }
      return 0;
    }
    case OpKind::VfioSetContainer: {
      if (!present) return -ENODEV;
      auto it = group_fd(s, ctx, d0);
      if (it == ctx.vfio_groups.end()) {
        // open("/dev/vfio/N"): the node exists only while a device of the group is bound to vfio-pci.
        auto g = vfio::open_group(s, d0);
        if (g == vfio::kNone) return -ENOENT;
        it = ctx.vfio_groups.emplace(d0, g).first;
      }
      const vfio::VfioGroupId g = it->second;
      const int ret = vfio::group_set_container(s, g, container(s, ctx, op.container));
      // A group that died with its last vfio device answers -ENODEV: the workload closes that fd.
      if (vfio::group_dead(s, g)) ctx.vfio_groups.erase(it);
      return ret;
    }
    case OpKind::VfioSetIommu:
      return vfio::set_iommu(s, container(s, ctx, op.container));
    case OpKind::VfioMapUnmap: {
      auto c = container(s, ctx, op.container);
      for (uint32_t i = 0; i < op.count; ++i) {
        uint64_t size = 0x1000ull << (i % 4);
        uint64_t iova = next_vfio_iova(s, ctx, c);
        int ret = vfio::map_dma(s, c, iova, 0x80000000ull + (iova & 0xfffffff), size);
        if (ret) return ret;
        remember_iova(ctx, iova);
        container_dma(s, c, iova, size);
        ret = vfio::unmap_dma(s, c, iova, size);
        if (ret) return ret;
      }
      return 0;
    }
    case OpKind::VfioMap: {
      auto c = container(s, ctx, op.container);
      // At the IOVA asked for (as QEMU maps guest RAM at its guest-physical address, aligned to a
      // page and not to the mapping's size), or in the next free slot.
      const uint64_t iova = op.iova ? op.iova : next_vfio_iova(s, ctx, c);
      const uint64_t size = 0x1000ull * std::clamp<uint32_t>(op.count, 1, max_count(OpKind::VfioMap));  // within a slot
      int ret = vfio::map_dma(s, c, iova, 0x80000000ull + (iova & 0xfffffff), size);
      if (ret == 0) remember_iova(ctx, iova);
      return ret;
    }
    case OpKind::VfioUnmap: {
      auto c = container(s, ctx, op.container);
      const auto& dma = s.kernel.vfio.containers[c].dma;
      auto it = op.iova ? dma.find(op.iova) : dma.begin();
      if (it == dma.end()) return -EINVAL;
      const uint64_t iova = it->first, size = it->second.size;
      return vfio::unmap_dma(s, c, iova, size);
    }
    case OpKind::DeviceDma:
      if (!present) return -ENODEV;
      return device_dma(s, s.kernel.devs[d0].fn, op.iova, op.write);
    case OpKind::AtsTranslate:
      if (!present) return -ENODEV;
      return device_ats_translate(s, s.kernel.devs[d0].fn, op.iova, op.write);
    case OpKind::VfioUnsetContainer: {
      auto it = group_fd(s, ctx, d0);
      if (it == ctx.vfio_groups.end()) return -EINVAL;
      const vfio::VfioGroupId g = it->second;
      const int ret = vfio::group_unset_container(s, g);
      if (vfio::group_dead(s, g)) ctx.vfio_groups.erase(it);  // -EINVAL on a dead group: the fd is closed
      return ret;
    }
    case OpKind::HotplugAdd: {
      auto it = ctx.devices.find(op.device);  // a slot holds a scenario device; a VF name is not one
      if (it == ctx.devices.end()) throw InputError(fmt::format("hotplug_add: '{}' is not a device in a hot-plug slot", op.device));
      auto fn = it->second;
      if (s.hw.pcie.fn(fn).present) return -EBUSY;
      pci::hotplug_add(s, fn);
      return 0;
    }
    case OpKind::HotplugRemove:
      if (!present) return -ENODEV;
      pci::hotplug_remove(s, d0);
      return 0;
    case OpKind::Remove:
      if (!present) return -ENODEV;
      pci::stop_and_remove_bus_device_locked(s, d0);
      return 0;
    case OpKind::GroupSetType: {
      auto g = present ? iommu::group_of(s, d0) : iommu::kNoGroup;
      if (g == iommu::kNoGroup) return -ENODEV;  // no iommu_group link in sysfs
      // iommu_group_store_type's sysfs_streq: anything else is -EINVAL.
      std::optional<iommu::DomainType> target;
      if (op.type == "identity") target = iommu::DomainType::Identity;
      else if (op.type == "DMA") target = iommu::DomainType::Dma;
      else if (op.type != "auto") return -EINVAL;
      return iommu::group_store_type(s, g, target);
    }
    case OpKind::Reset:
      if (!present) return -ENODEV;
      return pci::reset_store(s, d0);
    case OpKind::ResetMethod:
      if (!present) return -ENODEV;
      // open() of a file pci_dev_reset_attr_is_visible hid (no method when the function was added).
      if (!pci::reset_method_attr_visible(s, d0)) return -ENOENT;
      return pci::reset_method_store(s, d0, op.methods);
    case OpKind::VfioReset:
      if (!present) return -ENODEV;
      return vfio::device_reset(s, d0);
    case OpKind::VfioHotReset: {
      if (!present) return -ENODEV;
      // On a bound cdev's fd: a zero-length array, the fd's iommufd context the owner.
      if (s.kernel.vfio.cdevs.contains(d0)) return vfio::pci_hot_reset(s, d0, {});
      // On a group-path device fd (as vfio_reset has it): the group fds the user holds for the
      // devices VFIO_DEVICE_GET_PCI_HOT_RESET_INFO lists, the device's own group's first.
      if (const int ret = vfio::group_device_fd(s, d0)) return ret;
      std::vector<vfio::VfioGroupId> fds;
      std::vector<pci::DevId> affected{d0};
      for (const pci::DevId d : pci::walk_bus(s, pci::bus_self(s, d0))) affected.push_back(d);
      for (const pci::DevId d : affected)
        if (auto it = group_fd(s, ctx, d); it != ctx.vfio_groups.end() && std::find(fds.begin(), fds.end(), it->second) == fds.end())
          fds.push_back(it->second);
      return vfio::pci_hot_reset(s, d0, fds);
    }
    case OpKind::VfioOpenDevice: {
      if (!present) return -ENODEV;
      // On the workload's fd of the device's group. Without one, the fd opened for the ioctl (and
      // closed after it) is on a group in no container: the ioctl's answer is the same, and the
      // open and close change nothing. open() of a /dev/vfio/N that does not exist: -ENOENT, as
      // for VFIO_GROUP_SET_CONTAINER.
      auto it = group_fd(s, ctx, d0);
      const vfio::VfioGroupId g = it != ctx.vfio_groups.end() ? it->second : vfio::open_group(s, d0);
      if (g == vfio::kNone) return -ENOENT;
      return vfio::group_get_device_fd(s, g, d0);
    }
    case OpKind::VfioCloseDevice:
      if (!present) return -EBADF;  // no device, no fd to close
      return vfio::group_device_release(s, d0);
    case OpKind::AttachOwnDomain: {
      if (!present) return -ENODEV;
      kernel::LockGuard busy(s, kernel::LockClass::driver_in_use, d0, kernel::LockMode::Shared);
      auto g = iommu::group_of(s, d0);
      if (g == iommu::kNoGroup) return -ENODEV;
      // The driver still holds a domain its group was moved off (a write to iommu_group/type):
      // it frees that one before allocating another, as its detach would have (it was kept, one
      // more per such attach: 85 after 40 k operations on seed.yaml).
      if (auto held = ctx.own_domains.find(d0); held != ctx.own_domains.end() && iommu::group(s, g).domain != held->second) {
        iommu::domain_free(s, held->second);
        ctx.own_domains.erase(held);
      }
      auto dom = iommu::domain_alloc_paging(s, d0);
      if (dom == iommu::kNoDomain) return -ENOMEM;
      int ret = iommu::attach_group(s, dom, g);
      if (ret) {
        iommu::domain_free(s, dom);
        return ret;
      }
      ctx.own_domains[d0] = dom;
      return 0;
    }
    case OpKind::DetachOwnDomain: {
      auto it = ctx.own_domains.find(d0);
      if (!present || it == ctx.own_domains.end()) return -EINVAL;
      kernel::LockGuard busy(s, kernel::LockClass::driver_in_use, d0, kernel::LockMode::Shared);
      iommu::detach_group(s, it->second, iommu::group_of(s, d0));
      iommu::domain_free(s, it->second);
      ctx.own_domains.erase(it);
      return 0;
    }
    case OpKind::IommufdBind:
    case OpKind::IommufdHwptAlloc:
    case OpKind::IommufdAttach:
    case OpKind::IommufdDetach:
    case OpKind::IommufdUnbind:
    case OpKind::IommufdHwptDestroy:
    case OpKind::IommufdMap:
    case OpKind::IommufdUnmap:
    case OpKind::IommufdViommuAlloc:
    case OpKind::IommufdVdeviceAlloc:
    case OpKind::IommufdHwptAllocNested:
    case OpKind::IommufdViommuInvalidate:
    case OpKind::IommufdPasidAttach:
    case OpKind::IommufdPasidDetach:
      return run_iommufd(s, ctx, op, d0);
    case OpKind::PasidAttach:
    case OpKind::PasidDetach:
    case OpKind::PasidRemap:
    case OpKind::PasidDma:
      return run_pasid(s, op, d0);
    case OpKind::SvaBind:
    case OpKind::SvaUnbind:
    case OpKind::SvaMunmap:
    case OpKind::SvaExit:
    case OpKind::SvaDma:
      return run_sva(s, op, d0);
  }
  return -EINVAL;
}

// CPU 1 runs `op` whole at an interleaving point of CPU 0's operation. CPU 0's context (its
// call stack and the locks it holds) waits in Kernel::preempted meanwhile; a lock CPU 1 needs
// that CPU 0 holds makes the nesting impossible (kernel::WouldBlock, reported as NestingRefused).
void run_on_other_cpu(System& s, OpContext& ctx, const Op& op, kernel::PreemptPoint at) {
  s.kernel.preempted.push_back(std::move(s.kernel.ctx));
  s.kernel.ctx = kernel::Context{.cpu = 1, .comm = s.kernel.preempted.back().comm};
  auto resume_cpu0 = [&] {
    s.kernel.ctx = std::move(s.kernel.preempted.back());
    s.kernel.preempted.pop_back();
  };
  s.record.event(kernel::EventKind::InterleaveBegin, 1, static_cast<int64_t>(at));
  int ret;
  try {
    ret = run_op(s, ctx, op);
  } catch (const kernel::WouldBlock& e) {
    resume_cpu0();
    throw NestingRefused(fmt::format("'{}' cannot run on CPU 1 at {}: {}", describe(op), kernel::name(at), e.what()));
  } catch (...) {
    resume_cpu0();
    throw;
  }
  s.record.event(kernel::EventKind::InterleaveEnd, 1, ret);
  resume_cpu0();
  ++ctx.nested_runs;
}

}  // namespace

bool lock_free(OpKind k) {
  switch (k) {
    case OpKind::HostDma:
    case OpKind::VfioMapUnmap:
    case OpKind::VfioMap:
    case OpKind::VfioUnmap:
    case OpKind::DeviceDma:     // the device itself: no kernel lock at all
    case OpKind::AtsTranslate:
    case OpKind::IommufdMap:    // the IOAS's rwsems, which no attach holds
    case OpKind::IommufdUnmap:
    case OpKind::PasidRemap:    // iommu_unmap and iommu_map of a PASID's domain
    case OpKind::PasidDma:
    case OpKind::IommufdViommuInvalidate:  // arm_vsmmu_cache_invalidate: the command queue only
    case OpKind::SvaMunmap:     // the mm's own locks and the notifier's devices_lock
    case OpKind::SvaExit:
    case OpKind::SvaDma:
      return true;
    default:
      return false;
  }
}

bool is_vste_cfg(std::string_view cfg) { return std::find(std::begin(kVsteCfgs), std::end(kVsteCfgs), cfg) != std::end(kVsteCfgs); }

std::array<uint64_t, 2> guest_vste(std::string_view cfg, uint32_t eats) {
  namespace ste = hw::smmuv3::ste;
  using hw::smmuv3::field_prep;
  std::array<uint64_t, 2> v{};
  if (cfg == "invalid") return v;
  const uint64_t c = cfg == "abort" ? ste::kCfgAbort : cfg == "bypass" ? ste::kCfgBypass : cfg == "s2_trans" ? ste::kCfgS2Trans
                     : cfg == "nested" ? ste::kCfgNested : ste::kCfgS1Trans;
  v[0] = ste::k0V | field_prep(ste::k0Cfg, c);
  if (c == ste::kCfgS1Trans) {
    v[0] |= field_prep(ste::k0S1Fmt, ste::kS1FmtLinear) | (kGuestCdTable & ste::k0S1CtxPtrMask) | field_prep(ste::k0S1CdMax, 1);
    v[1] = field_prep(ste::k1S1Dss, ste::kS1DssBypass) | field_prep(ste::k1S1Cir, ste::kS1CacheWbra) |
           field_prep(ste::k1S1Cor, ste::kS1CacheWbra) | field_prep(ste::k1S1Csh, ste::kShIsh);
  }
  v[1] |= field_prep(ste::k1Eats, eats & 3);
  return v;
}

std::optional<std::string> nesting_refused(const System& s, const OpContext& ctx, const Op& op) {
  System copy = s;
  OpContext c = ctx;
  try {
    run_op(copy, c, op);
  } catch (const NestingRefused& e) {
    return e.what();
  }
  return std::nullopt;
}

void Rewind::save(const System& s, const OpContext& ctx) {
  hw_ = s.hw;
  kernel_ = s.kernel;
  faults_ = s.faults;
  ctx_ = ctx;
  seq_ = s.record.seq;
  log_ = s.record.log.size();
  warnings_ = s.record.warnings.size();
  events_ = s.record.events.size();
  bugs_ = s.record.bugs.size();
}

void Rewind::restore(System& s, OpContext& ctx) const {
  s.hw = hw_;
  s.kernel = kernel_;
  s.faults = faults_;
  ctx = ctx_;
  s.record.seq = seq_;
  s.record.log.resize(log_);
  s.record.warnings.resize(warnings_);
  s.record.events.resize(events_);
  s.record.bugs.resize(bugs_);
}

namespace {

// A driver frees the paging domain it attached in its remove(). The runner's driver has no
// remove() of its own: once its device is gone and its group no longer sits on the domain, the
// runner frees the domain for it. Without this a long stress run kept every such domain alive
// (193 of the 284 live SMMUv3 domains after 40 k operations on seed.yaml), and every check and
// copy of the System paid for them.
void free_own_domains_of_removed(System& s, OpContext& ctx) {
  for (auto it = ctx.own_domains.begin(); it != ctx.own_domains.end();) {
    const auto [dev, dom] = *it;
    const iommu::GroupId g = iommu::group_of(s, dev);
    if (s.kernel.devs[dev].state != pci::DevState::Removed || (g != iommu::kNoGroup && iommu::group(s, g).domain == dom)) {
      ++it;
      continue;
    }
    iommu::domain_free(s, dom);
    it = ctx.own_domains.erase(it);
  }
}

}  // namespace

int run_op(System& s, OpContext& ctx, const Op& op) {
  // A forced fault fires on the point's next call, once; the rule is gone afterwards, so it leaves no state.
  std::optional<faults::Rule> forced;
  if (!op.fault.empty()) {
    auto p = faults::parse_point(op.fault);
    if (!p) throw InputError(fmt::format("unknown fault point '{}'", op.fault));
    forced = faults::Rule{.point = *p, .nth = s.faults.calls[static_cast<size_t>(*p)] + 1};
    s.faults.rules.push_back(*forced);
  }
  std::optional<kernel::ScopedPreemptHook> hook;
  if (!op.nested.empty()) {
    const Nested& n = op.nested.front();
    hook.emplace([&ctx, &n, seen = 0u](System& sys, kernel::PreemptPoint p) mutable {
      if (p == n.at && ++seen == n.nth) run_on_other_cpu(sys, ctx, n.op, p);
    });
  }
  int ret = run_plain(s, ctx, op);
  if (s.kernel.preempted.empty()) free_own_domains_of_removed(s, ctx);  // CPU 0's operation is over
  if (forced) {
    auto& rules = s.faults.rules;
    for (auto it = rules.end(); it != rules.begin();)
      if (*--it == *forced) {
        rules.erase(it);
        break;
      }
  }
  return ret;
}

}  // namespace atslab::sim
