#pragma once
// struct pci_dev: the kernel's view of a function (section 1.2). Its fields
// are the kernel's belief; the config space behind `fn` is the truth.
#include <array>
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

// pci_power_t, the states the model's functions are believed to be in.
enum class PowerState : uint8_t { D0 = 0, D1 = 1, D2 = 2, D3hot = 3, D3cold = 4, Unknown = 5 };

// dev->dev_flags bits the reset methods read (enum pci_dev_flags).
inline constexpr uint16_t kDevFlagsNoBusReset = 1 << 6;  // PCI_DEV_FLAGS_NO_BUS_RESET
inline constexpr uint16_t kDevFlagsNoPmReset = 1 << 7;   // PCI_DEV_FLAGS_NO_PM_RESET
inline constexpr uint16_t kDevFlagsNoFlrReset = 1 << 10; // PCI_DEV_FLAGS_NO_FLR_RESET

// PCI_NUM_RESET_METHODS: pci_reset_fn_methods[]'s length, its unused slot 0 included.
inline constexpr size_t kNumResetMethods = 8;

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

  // Power management and resets (pci_pm_init, pci_init_reset_methods).
  uint8_t pm_cap = 0;
  PowerState current_state = PowerState::D0;
  uint16_t dev_flags = 0;
  // dev->reset_methods: indices into pci_reset_fn_methods (pci/reset_methods.h), 0-terminated.
  std::array<uint8_t, kNumResetMethods> reset_methods{};
  // Whether the reset and reset_method sysfs files exist: pci_dev_reset_attr_is_visible's answer
  // when device_add created the attribute groups (a method then); a later store does not change it.
  bool reset_attrs_visible = false;

  QuirkMask quirks_applied = 0;
  bool quirk_deferred = false;  // fault injection moved a HEADER-declared quirk to FINAL
  DriverKind driver = DriverKind::None;  // what will bind
  bool driver_bound = false;

  bool operator==(const PciDev&) const = default;
};

}  // namespace atslab::pci
