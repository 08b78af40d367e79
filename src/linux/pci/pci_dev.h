#pragma once
// struct pci_dev: the kernel's view of a function (section 1.2). Its fields
// are the kernel's belief; the config space behind `fn` is the truth.
#include <cstdint>

#include "hw/pcie/bdf.h"
#include "hw/pcie/function.h"
#include "hw/pcie/regs.h"

namespace atslab::pci {

using DevId = uint32_t;  // index into Kernel::pci.devs; never reused, so ids stay stable after removal
inline constexpr DevId kNoDev = 0xffffffff;

// Which driver binds when the device is added (enough to model ownership).
enum class DriverKind : uint8_t { None, Native, VfioPci };

enum class DevState : uint8_t {
  Setup,     // pci_setup_device done, not yet added
  Added,     // pci_device_add / device_add done (IOMMU probe ran if an IOMMU was there)
  BusAdded,  // pci_bus_add_device done: FINAL fixups ran, driver bind attempted
  Removed,   // device_del done; the struct is kept so stale references stay visible
};

// Bit i set: quirk id i ran on this device (see quirks.h).
using QuirkMask = uint16_t;

struct SriovInfo {  // struct pci_sriov, the part the model needs
  uint16_t pos = 0;
  uint16_t total_vfs = 0, initial_vfs = 0, num_vfs = 0;
  uint16_t offset = 0, stride = 0, vf_device = 0;
  uint16_t ctrl = 0;
  bool operator==(const SriovInfo&) const = default;
};

struct PciDev {
  hw::pcie::FnId fn = hw::pcie::kNoFn;  // the function config cycles go to
  hw::pcie::RcId rc = 0;
  hw::pcie::Bdf bdf;
  DevId bus_self = kNoDev;  // the upstream bridge (pdev->bus->self); kNoDev on a root bus
  DevState state = DevState::Setup;

  uint16_t vendor = 0, device = 0, subsystem_vendor = 0, subsystem_device = 0;
  uint8_t revision = 0, hdr_type = 0;
  uint32_t class_code = 0;
  uint8_t pcie_cap = 0;
  hw::pcie::exp::Type pcie_type = hw::pcie::exp::Type::Endpoint;
  bool multifunction = false;

  // ATS (section 1.2)
  uint16_t ats_cap = 0;
  uint8_t ats_stu = 0;
  bool ats_enabled = false;
  bool no_ats = false;  // Matlack 2026: set by a HEADER-phase quirk, honoured by pci_ats_init
  bool untrusted = false;
  bool external_facing = false;

  // SR-IOV
  bool is_virtfn = false, is_physfn = false;
  DevId physfn = kNoDev;  // VF -> PF
  uint16_t vf_index = 0;
  SriovInfo sriov;        // PF only

  // PRI / PASID (section 1.4)
  uint16_t pri_cap = 0;
  bool pri_enabled = false;
  uint32_t pri_reqs_alloc = 0;
  bool pasid_required = false;
  uint16_t pasid_cap = 0;
  bool pasid_enabled = false;
  uint16_t pasid_features = 0;
  bool pasid_no_tlp = false;
  bool eetlp_prefix = false;  // End-End TLP Prefix supported (pdev->eetlp_prefix_max != 0)
  uint16_t acs_cap = 0;

  QuirkMask quirks_applied = 0;
  bool quirk_deferred = false;  // fault injection moved a HEADER-declared quirk to FINAL
  DriverKind driver = DriverKind::None;  // what will bind
  bool driver_bound = false;

  bool operator==(const PciDev&) const = default;
};

}  // namespace atslab::pci
