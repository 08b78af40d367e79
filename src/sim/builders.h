#pragma once
// Ready-made machines: the built-in example, and imported lspci dumps placed
// behind one ATS-capable root complex.
#include <vector>

#include "hw/pcie/function.h"
#include "io/lspci_dump.h"
#include "policy/pci_switches.h"
#include "linux/system.h"

namespace atslab::sim {

struct MachineOptions {
  hw::pcie::IommuKind iommu = hw::pcie::IommuKind::Smmuv3;
  bool rc_ats = true;  // the root complex declares ATS support (IORT)
  policy::PciCoreSwitches switches;
  uint16_t vfs = 0;    // VFs to enable on every SR-IOV PF after boot (the built-in example uses 2)
};

// A PF with ATS and SR-IOV below a root port of an ATS-capable root complex (a
// Mellanox ConnectX-6 Dx PF and its VFs, as pci.ids names them).
System builtin_example(MachineOptions opt = {.vfs = 2});

// Each dump's functions behind their own root port (root-complex integrated
// endpoints directly on the root bus), booted.
System from_dumps(const std::vector<io::ImportedFunction>& fns, const MachineOptions& opt);

// Boots the machine and enables `opt.vfs` VFs on every SR-IOV PF (as a PF driver would).
void boot_and_enable_vfs(System& s, const MachineOptions& opt);

}  // namespace atslab::sim
