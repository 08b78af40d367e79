#pragma once
// Workload operations: what a scenario, the stress runner and (later) the
// explorer do to a machine. Devices are named: a scenario device by its
// name, a VF as "<pf>.vf<N>". Names are resolved at the moment the operation
// runs, against the live machine.
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "linux/kernel/preempt.h"
#include "linux/system.h"

namespace atslab::sim {

enum class OpKind : uint8_t {
  SriovEnable,      // echo N > sriov_numvfs on `device` (its driver's sriov_configure)
  SriovDisable,
  Bind,             // bind `driver` (native or vfio-pci) to `device`
  Unbind,
  HostDma,          // the bound host driver maps and unmaps `count` pages through the DMA API
  VfioSetContainer, // VFIO_GROUP_SET_CONTAINER of device's group into `container`
  VfioSetIommu,     // VFIO_SET_IOMMU(type1) on `container`
  VfioMapUnmap,     // iova_stress: `count` MAP_DMA/UNMAP_DMA pairs on `container`
  VfioUnsetContainer,
  HotplugAdd,       // the device in a hot-plug slot appears (pciehp)
  HotplugRemove,
  Remove,           // echo 1 > remove
  AttachOwnDomain,  // a kernel driver attaches its own paging domain (iommu_attach_group from the default domain)
  DetachOwnDomain,  // ... and detaches it (iommu_detach_group: back to the default domain)
                    // and frees it; once its device is gone the runner frees it, as the driver's remove() would
  VfioMap,          // VFIO_IOMMU_MAP_DMA of `count` pages on `container`, left mapped
  VfioUnmap,        // VFIO_IOMMU_UNMAP_DMA of the container's mapping at `iova` (0: its lowest)
  DeviceDma,        // `device` issues a DMA at `iova` (a write if `write`) through its IOMMU
  AtsTranslate,     // `device` sends a bare ATS Translation Request for `iova` (ATS on only)
  GroupSetType,     // echo `type` (identity, DMA or auto) > the device's iommu_group/type
  Reset,            // echo 1 > `device`/reset: pci_reset_function (its first reset method, state saved and restored)
  VfioReset,        // VFIO_DEVICE_RESET on `device`'s fd: pci_try_reset_function
  VfioOpenDevice,   // VFIO_GROUP_GET_DEVICE_FD for `device` on its group's fd: the first open resets it
  VfioCloseDevice,  // close() of one of `device`'s group-path fds: the last close resets it, then unuses the container
  // The VFIO cdev path with iommufd (one iommufd context, /dev/iommu, per workload, with one IOAS):
  IommufdBind,       // open `device`'s /dev/vfio/devices/vfioN and VFIO_DEVICE_BIND_IOMMUFD: DMA ownership (blocked)
  IommufdHwptAlloc,  // IOMMU_HWPT_ALLOC on the IOAS for bound `device`: a paging domain, named `hwpt`
  IommufdAttach,     // VFIO_DEVICE_ATTACH_IOMMUFD_PT to `hwpt`: an attach, or a replace when attached already
  IommufdDetach,     // VFIO_DEVICE_DETACH_IOMMUFD_PT: back to the blocking domain
  IommufdUnbind,     // close() of the bound cdev fd: detach, DMA ownership released (the default domain)
  IommufdHwptDestroy,  // IOMMU_DESTROY of `hwpt` (-EBUSY while attached)
  IommufdMap,        // IOMMU_IOAS_MAP of `count` pages at `iova` (0: the next free slot), into every HWPT
  IommufdUnmap,      // IOMMU_IOAS_UNMAP of the area at `iova` (0: the lowest)
  // PASIDs, by the native driver bound to `device` (iommu_attach_device_pasid of a paging domain of
  // its own, 4 pages mapped at OpContext::kIovaBase, as a driver using kernel PASIDs does):
  PasidAttach,       // allocate, map and iommu_attach_device_pasid to `pasid`
  PasidDetach,       // iommu_detach_device_pasid of `pasid`, and the domain freed
  PasidRemap,        // iommu_unmap and iommu_map of `pasid`'s pages: ATC invalidation by SSID
  PasidDma,          // `device` issues a DMA at `iova` with a PASID TLP prefix for `pasid`
  // Nesting through iommufd (a VMM giving its guest a vSMMU; `iommufd_hwpt_alloc` with `nest_parent`
  // makes the S2 the vIOMMU sits on):
  IommufdViommuAlloc,       // IOMMU_VIOMMU_ALLOC for bound `device` on nest-parent HWPT `hwpt`, named `viommu`
  IommufdVdeviceAlloc,      // IOMMU_VDEVICE_ALLOC: `device` is the guest's vSID `vsid` on `viommu`
  IommufdHwptAllocNested,   // IOMMU_HWPT_ALLOC on `viommu` for `device` with the guest's vSTE (`cfg`, `eats`), named `hwpt`
  IommufdViommuInvalidate,  // IOMMU_HWPT_INVALIDATE on `viommu`: the guest's CMD_ATC_INV for `vsid` (`iova` 0: the whole ATC)
  // SVA: the native driver bound to `device` shares process `mm`'s address space with it (the
  // process is started on first use, with mm::kBufferPages pages mapped at mm::kBufferVa):
  SvaBind,           // iommu_sva_bind_device(dev, mm): the mm's global PASID, its SVA domain, the PASID attach
  SvaUnbind,         // iommu_sva_unbind_device of the driver's bond with `mm`
  SvaMunmap,         // process `mm` unmaps its buffer (the mm notifier invalidates) and maps and touches it again
  SvaExit,           // process `mm` exits: exit_mmap, the notifier's release
  SvaDma,            // `device` issues a DMA at `iova` with the PASID of `mm`'s bond (what iommu_sva_get_pasid gave its driver)
  // iommufd's PASID attach on the cdev path (a VMM giving its guest a PASID of the device; the
  // HWPT allocated with `pasid_compat`, IOMMU_HWPT_ALLOC_PASID; the device's DMA is pasid_dma):
  IommufdPasidAttach,  // VFIO_DEVICE_ATTACH_IOMMUFD_PT with VFIO_DEVICE_ATTACH_PASID: `pasid` to `hwpt` (a replace when attached)
  IommufdPasidDetach,  // VFIO_DEVICE_DETACH_IOMMUFD_PT with VFIO_DEVICE_DETACH_PASID of `pasid`
  // echo `methods` > `device`/reset_method: reset_method_store, which probes methods on the live
  // function ("default": pci_init_reset_methods; "" turns every method off).
  ResetMethod,
  // VFIO_DEVICE_PCI_HOT_RESET on `device`'s fd: pci_reset_bus() of its bus, every device there in
  // its dev_set and owned by the caller (the group fds the workload holds for them, or the cdev's
  // iommufd context).
  VfioHotReset,
};
inline constexpr OpKind kLastOpKind = OpKind::VfioHotReset;

struct Nested;

struct Op {
  OpKind kind{};
  std::string device;
  std::string container = "c0";
  std::string driver = "native";
  uint32_t count = 1;
  // A fault point (faults::name) forced to fire on its first call during this operation; "" for none.
  std::string fault;
  // At most one operation another CPU runs inside this one, at an interleaving point.
  std::vector<Nested> nested;
  uint64_t iova = 0;   // DeviceDma, AtsTranslate, VfioUnmap
  bool write = false;  // DeviceDma, AtsTranslate: a write (or write permission asked for)
  std::string type;    // GroupSetType: what is written to the sysfs file
  std::string hwpt = "h0";  // IommufdHwptAlloc, IommufdAttach, IommufdPasidAttach, IommufdHwptDestroy: the workload's name for a HWPT
  uint32_t pasid = 1;  // Pasid*, IommufdPasid*: 1 to kMaxWorkloadPasid
  bool nest_parent = false;   // IommufdHwptAlloc: IOMMU_HWPT_ALLOC_NEST_PARENT
  std::string viommu = "v0";  // IommufdViommu*, IommufdVdeviceAlloc, IommufdHwptAllocNested: the workload's name for a vIOMMU
  uint32_t vsid = 1;          // IommufdVdeviceAlloc, IommufdViommuInvalidate: the guest's virtual StreamID
  std::string cfg = "s1_trans";  // IommufdHwptAllocNested: the vSTE's CFG (kVsteCfgs), "invalid" for V clear
  uint32_t eats = 1;          // IommufdHwptAllocNested: the vSTE's EATS field (0 ABT, 1 TRANS, 2 S1CHK, 3 reserved)
  uint32_t mm = 0;            // Sva*: the workload's process, 0 to mm::kMaxProcesses - 1
  bool pasid_compat = false;  // IommufdHwptAlloc: IOMMU_HWPT_ALLOC_PASID
  std::string methods = "default";  // ResetMethod: what is written to the sysfs file
  bool operator==(const Op&) const = default;
};

// "While `outer` is at the nth time it reaches `at`, CPU 1 runs `op` to completion."
struct Nested {
  kernel::PreemptPoint at{};
  uint32_t nth = 1;
  Op op;
  bool operator==(const Nested&) const = default;
};

std::string describe(const Op& op);
// What GroupSetType may write to iommu_group/type: identity, DMA or auto.
bool is_group_type(std::string_view type);
// What another CPU runs inside `op` (at most one operation today).
std::vector<std::string> nested_descriptions(const Op& op);

// Names of the scenario's devices: name -> hardware function.
using DeviceNames = std::map<std::string, hw::pcie::FnId>;

// What the runner keeps beside the System: which VFIO containers and groups it opened.
struct OpContext {
  DeviceNames devices;
  std::map<std::string, vfio::ContainerId> containers;
  std::map<pci::DevId, vfio::VfioGroupId> vfio_groups;
  std::map<pci::DevId, iommu::DomainId> own_domains;
  iommufd::CtxId iommufd = iommufd::kNone;  // the workload's /dev/iommu, opened on first use
  std::map<std::string, iommufd::HwptId> hwpts;  // the workload's HWPTs by name (live ones)
  std::map<std::string, iommufd::ViommuId> viommus;  // the workload's vIOMMUs by name
  static constexpr uint64_t kIovaBase = 0x100000, kIovaStride = 0x100000;
  uint64_t next_iova = kIovaBase;
  std::vector<uint64_t> recent_iovas;  // the last IOVAs the workload mapped (VFIO and DMA API), oldest first
  uint64_t nested_runs = 0;  // nested operations that ran (an op whose point is never reached runs alone)
};

// The PASIDs a workload may name: any a 20-bit SubstreamID holds (IDR1.SSIDSIZE's largest), PASID
// 0 being the RID's; whether the device and the SMMU take it is the kernel's to say.
inline constexpr uint32_t kMaxWorkloadPasid = (1u << 20) - 1;
// ResetMethod's text: kernfs hands a store at most a page less its terminating NUL.
inline constexpr size_t kMaxSysfsWrite = 4095;
// Where a PASID's domain maps its 4 pages: IOVA OpContext::kIovaBase onwards, to these pages,
// 64 KiB apart. PASIDs from 4096 go above 4 GiB, clear of the tables and DMA regions that start
// at 0x60000000 (the tree's DMA memory); the smaller ones keep the addresses they always had.
inline constexpr uint64_t pasid_buffer(uint32_t pasid) {
  return (pasid < 0x1000 ? 0x48000000ull : 0x100000000ull) + (uint64_t{pasid} << 16);
}

// The vSTE CFG names a nested HWPT's `cfg` takes: what a guest may write (abort, bypass,
// s1_trans), two the host refuses (s2_trans, nested: -EIO), and "invalid" (V clear).
inline constexpr std::string_view kVsteCfgs[] = {"abort", "bypass", "s1_trans", "s2_trans", "nested", "invalid"};
bool is_vste_cfg(std::string_view cfg);
// Where the guest's vSTE points its CD table (an IPA): never fetched, since the workload's
// S1_TRANS vSTEs send untagged traffic past stage 1 (S1DSS bypass, S1CDMAX 1).
inline constexpr uint64_t kGuestCdTable = 0x40000000;
// The guest's vSTE (qwords 0 and 1) for a nested HWPT op: V, CFG and EATS as named; an S1_TRANS
// one has a linear CD table at kGuestCdTable with two CDs and S1DSS bypass (the guest's RID is
// identity with a CD table, as a Linux guest sets it up when PASIDs or ATS always-on need one).
std::array<uint64_t, 2> guest_vste(std::string_view cfg, uint32_t eats);

// An IOVA no workload maps: DMA-API IOVAs sit at 0xfff00000, VFIO's 1 MiB slots
// (OpContext::next_iova) cycle below 1 GiB.
inline constexpr uint64_t kUnmappedIova = 0x7fff00000000;

// The function's DMA at `iova` through its IOMMU (hw::device_dma behind an SMMU,
// hw::remap_device_dma behind a VT-d or AMD-Vi unit: ATC hit, Translation Request and
// fill, or untranslated when ATS is off), recorded as a DeviceDma event. A DMA through
// an ATC entry the IOMMU would no longer give (check::atc_entry_stale) is recorded as
// StaleAtcUse: invariant 20. Returns 0, -EFAULT (refused, faulted or no translation),
// or -EOPNOTSUPP when no IOMMU unit translates the function.
int device_dma(System& s, hw::pcie::FnId fn, uint64_t iova, bool write);
// The same with a PASID TLP prefix (SSV set, SSID `pasid`): behind an SMMU only (-EOPNOTSUPP otherwise).
int device_pasid_dma(System& s, hw::pcie::FnId fn, uint32_t pasid, uint64_t iova, bool write);
// A bare Translation Request (hw::device_ats_translate), recorded as an AtsTranslation event.
// Returns 0, -EFAULT (refused), -ENODEV (ATS disabled at the function: it sends none) or -EOPNOTSUPP.
int device_ats_translate(System& s, hw::pcie::FnId fn, uint64_t iova, bool write);

// The live pci_dev a name refers to now, if any.
std::optional<pci::DevId> resolve(const System& s, const OpContext& ctx, const std::string& name);

// Runs one operation (its forced fault and nested operation included). Returns
// 0 or the negative errno the kernel returned; an unknown device name throws
// atslab::InputError, a nested operation the locks forbid at its point NestingRefused.
int run_op(System& s, OpContext& ctx, const Op& op);

// Operations that take neither group->mutex nor arm_smmu_asid_lock: invalidations
// (map/unmap) and the device's own traffic. A drawing hint for the stress scheduler (what is
// likely to fit inside an attach window); whether a nesting may run is the locks' decision.
bool lock_free(OpKind k);

// An operation placed on CPU 1 at an interleaving point of another cannot run whole there:
// it needs a lock the preempted CPU holds (kernel::WouldBlock), so the kernel would make it
// wait until that operation has finished. The System is left half-run: callers that keep it
// must restore what they had (see Rewind).
class NestingRefused : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Runs `op`, with its nested operation, on copies of `s` and `ctx`: why the nested operation
// cannot run whole where it is placed, or nullopt when it can (or `op` never reaches the point).
std::optional<std::string> nesting_refused(const System& s, const OpContext& ctx, const Op& op);

// A System and OpContext to go back to: the state and environment copied, the record only
// marked (history is appended to, so rewinding truncates it).
class Rewind {
 public:
  Rewind() = default;
  Rewind(const System& s, const OpContext& ctx) { save(s, ctx); }
  // Copies by assignment: a Rewind kept across operations reuses the storage of its last copy
  // (the tables' elements and their vectors), where a fresh copy allocates all of it again.
  void save(const System& s, const OpContext& ctx);
  void restore(System& s, OpContext& ctx) const;

 private:
  hw::Machine hw_;
  Kernel kernel_;
  faults::Injector faults_;
  OpContext ctx_;
  uint64_t seq_ = 0;
  size_t log_ = 0, warnings_ = 0, events_ = 0, bugs_ = 0;
};

}  // namespace atslab::sim
