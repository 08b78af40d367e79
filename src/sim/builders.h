#pragma once
// Ready-made machines: the built-in example, and imported lspci dumps placed
// behind one ATS-capable root complex.
#include <string>
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
// endpoints directly on the root bus), booted. Only the functions Linux's scan would find
// (sim/dump_scan.h); `notes` gets one line per function left out, and per dump too short
// to show extended capabilities. Throws InputError on a file given twice, functions that
// would share a routing ID, or --vfs above a PF's TotalVFs.
System from_dumps(const std::vector<io::ImportedFunction>& fns, const MachineOptions& opt,
                  std::vector<std::string>* notes = nullptr);

// Boots the machine and enables `opt.vfs` VFs on every SR-IOV PF, as a write to its sriov_numvfs
// would: InputError (-ERANGE) when that is above a PF's TotalVFs.
void boot_and_enable_vfs(System& s, const MachineOptions& opt);

}  // namespace atslab::sim
